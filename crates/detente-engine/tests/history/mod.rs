//! Shared by the tests of the bundled real histories: one way to read a history.

use detente_engine::log::{load, Format};
use detente_engine::{Agreement, Log};
use detente_spec::{check, SourceFile};

/// The bundled history `name` (`scenarios/NAME.toml` and `NAME.events.jsonl`), checked,
/// compiled and loaded strictly: a history that does not check or load fails its tests.
pub fn case(name: &str) -> (Agreement, Log) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios/");
    let spec = std::fs::read_to_string(format!("{dir}{name}.toml")).unwrap();
    let checked = check(&SourceFile::new(format!("{name}.toml"), spec));
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    let agreement = Agreement::compile(&checked.spec).unwrap();
    let events = std::fs::read_to_string(format!("{dir}{name}.events.jsonl")).unwrap();
    let log = load(&events, Format::JsonLines, &agreement, false).unwrap();
    (agreement, log)
}
