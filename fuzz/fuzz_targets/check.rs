//! Fuzz the whole checker: any bytes, read as (lossy) UTF-8, must check without
//! panicking, and every reported location must lie inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let len = text.len();
    let checked = detente_spec::check(&detente_spec::SourceFile::new("fuzz.toml", text));
    for diagnostic in &checked.diagnostics {
        for label in &diagnostic.labels {
            assert!(label.span.start <= label.span.end && label.span.end <= len);
        }
    }
    // A valid agreement must survive the normalized JSON round trip.
    if !checked.has_errors() {
        let json = detente_spec::to_normalized_json(&checked.spec);
        assert_eq!(detente_spec::from_normalized_json(&json).unwrap(), checked.spec);
    }
});
