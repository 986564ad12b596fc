//! The JCPOA and resolution 2231's 30-day snap-back, replayed from its cited history
//! (`scenarios/jcpoa-2015.*`): each assertion is a fact of that history.

use detente_engine::log::{load, Format};
use detente_engine::state::*;
use detente_engine::{state, Agreement};
use detente_spec::time::parse_date;
use detente_spec::{check, SourceFile};

fn on(day: &str) -> State {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios/");
    let spec = std::fs::read_to_string(format!("{dir}jcpoa-2015.toml")).unwrap();
    let checked = check(&SourceFile::new("jcpoa-2015.toml", spec));
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    let agreement = Agreement::compile(&checked.spec).unwrap();
    let events = std::fs::read_to_string(format!("{dir}jcpoa-2015.events.jsonl")).unwrap();
    let log = load(&events, Format::JsonLines, &agreement, false).unwrap();
    assert!(log.events.iter().all(|e| e.source.is_some()), "every event is sourced");
    state(&agreement, &log, parse_date(day).unwrap()).unwrap()
}

fn instrument(s: &State, id: &str) -> InstrumentStatus {
    s.instruments.iter().find(|i| i.id == id).unwrap().status
}

fn snapback(s: &State) -> &PowerState {
    s.powers.iter().find(|p| p.id == "snapback-2231").unwrap()
}

#[test]
fn implementation_day_brought_all_three_reliefs() {
    let s = on("2016-01-16");
    for id in ["un-sanctions", "eu-nuclear-sanctions", "us-secondary-sanctions"] {
        assert_eq!(instrument(&s, id), InstrumentStatus::Relieved, "{id}");
    }
    assert_eq!(instrument(&on("2016-01-15"), "un-sanctions"), InstrumentStatus::InForce);
}

#[test]
fn the_united_states_left_and_re_imposed_its_own_sanctions() {
    let s = on("2018-08-07");
    assert!(s.parties.iter().any(|p| p.id == "usa" && p.withdrawn.is_some()));
    assert_eq!(s.agreement, AgreementStatus::InForce, "the others stayed in");
    assert_eq!(instrument(&s, "us-secondary-sanctions"), InstrumentStatus::InForce);
    assert_eq!(instrument(&s, "un-sanctions"), InstrumentStatus::Relieved);
}

#[test]
fn the_2020_us_snapback_attempt_had_no_effect() {
    let s = on("2020-09-30");
    assert_eq!(snapback(&s).status, PowerStatus::Available);
    assert_eq!(instrument(&s, "un-sanctions"), InstrumentStatus::Relieved);
    assert!(s.notes.iter().any(|n| n.text.contains("had withdrawn")));
}

#[test]
fn the_e3_snapback_took_effect_thirty_days_after_notification() {
    let s = on("2025-09-26");
    assert_eq!(snapback(&s).status, PowerStatus::Invoked);
    assert_eq!(snapback(&s).takes_effect, parse_date("2025-09-27").ok());
    assert_eq!(instrument(&s, "un-sanctions"), InstrumentStatus::Relieved);
    let s = on("2025-09-27");
    assert_eq!(instrument(&s, "un-sanctions"), InstrumentStatus::ReImposed);
    assert_eq!(instrument(&on("2025-09-29"), "eu-nuclear-sanctions"), InstrumentStatus::InForce);
}
