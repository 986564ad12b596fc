//! Fuzz log loading and replay: any text, read as a log of the Korea scenario, must load
//! or be rejected with line errors, and replay at any date without panicking.
#![no_main]

use detente_engine::log::{load, Format};
use detente_engine::{state, timeline, Agreement};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn agreement() -> &'static Agreement {
    static AGREEMENT: OnceLock<Agreement> = OnceLock::new();
    AGREEMENT.get_or_init(|| {
        let text = include_str!("../../scenarios/korea-2020.toml");
        let checked = detente_spec::check(&detente_spec::SourceFile::new("korea-2020.toml", text));
        Agreement::compile(&checked.spec).expect("the bundled scenario compiles")
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let format = if data.first() == Some(&b'd') { Format::Csv } else { Format::JsonLines };
    let ag = agreement();
    if let Ok(log) = load(&text, format, ag, true) {
        let last = log.events.last().map_or(ag.spec.agreement.adopted, |e| e.date);
        let s = state(ag, &log, last).expect("dates come after adoption");
        assert_eq!(s.events_applied, log.events.len());
        let _ = timeline(ag, &log, last);
    }
});
