//! Fuzz log loading and replay: any text, read as a log of the Korea 2020 design or of
//! the Korea 2018 history (external bodies, readings, amendments, renunciations and
//! reversals), must load or be rejected with line errors, and replay at any date
//! without panicking.
#![no_main]

use detente_engine::log::{load, Format};
use detente_engine::{state, timeline, Agreement};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn compile(name: &str, text: &str) -> Agreement {
    let checked = detente_spec::check(&detente_spec::SourceFile::new(name, text));
    Agreement::compile(&checked.spec).expect("the bundled scenario compiles")
}

fn design() -> &'static Agreement {
    static AGREEMENT: OnceLock<Agreement> = OnceLock::new();
    AGREEMENT.get_or_init(|| compile("korea-2020.toml", include_str!("../../scenarios/korea-2020.toml")))
}

fn history() -> &'static Agreement {
    static AGREEMENT: OnceLock<Agreement> = OnceLock::new();
    AGREEMENT.get_or_init(|| compile("korea-2018.toml", include_str!("../../scenarios/korea-2018.toml")))
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let format = if data.first() == Some(&b'd') { Format::Csv } else { Format::JsonLines };
    // Odd lengths read against the history, so both shapes are fuzzed.
    let ag = if data.len() % 2 == 1 { history() } else { design() };
    if let Ok(log) = load(&text, format, ag, true) {
        let last = log.events.last().map_or(ag.spec.agreement.adopted, |e| e.date);
        let s = state(ag, &log, last).expect("dates come after adoption");
        assert_eq!(s.events_applied, log.events.len());
        let _ = timeline(ag, &log, last);
    }
});
