//! Fuzz the condition parser: no panic, and whatever parses prints to a form that
//! parses back to the same condition.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(parsed) = detente_spec::condition::parse(text) {
        let printed = parsed.condition.to_string();
        let again = detente_spec::condition::parse(&printed).expect("canonical form parses");
        assert_eq!(again.condition, parsed.condition);
    }
});
