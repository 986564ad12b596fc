//! The 2007 Six-Party action-for-action arrangement, replayed from its cited history
//! (`scenarios/six-party-2007.*`): each assertion is a fact of that history.

use detente_engine::log::{load, Format};
use detente_engine::state::*;
use detente_engine::{state, Agreement};
use detente_spec::time::parse_date;
use detente_spec::{check, SourceFile};

fn on(day: &str) -> State {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios/");
    let spec = std::fs::read_to_string(format!("{dir}six-party-2007.toml")).unwrap();
    let checked = check(&SourceFile::new("six-party-2007.toml", spec));
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    let agreement = Agreement::compile(&checked.spec).unwrap();
    let events = std::fs::read_to_string(format!("{dir}six-party-2007.events.jsonl")).unwrap();
    let log = load(&events, Format::JsonLines, &agreement, false).unwrap();
    assert!(log.events.iter().all(|e| e.source.is_some()), "every event is sourced");
    state(&agreement, &log, parse_date(day).unwrap()).unwrap()
}

fn status(s: &State, id: &str) -> CommitmentStatus {
    s.commitments.iter().find(|c| c.id == id).unwrap().status
}

fn instrument(s: &State, id: &str) -> InstrumentStatus {
    s.instruments.iter().find(|i| i.id == id).unwrap().status
}

#[test]
fn the_sixty_day_deadline_slipped_to_july() {
    assert_eq!(status(&on("2007-04-15"), "shutdown"), CommitmentStatus::Overdue);
    assert_eq!(status(&on("2007-07-14"), "shutdown"), CommitmentStatus::Performed);
    let s = on("2007-07-15");
    assert_eq!(status(&s, "shutdown"), CommitmentStatus::Fulfilled, "verified by the IAEA the next day");
    assert_eq!(s.phases[0].status, PhaseStatus::Complete);
}

#[test]
fn the_second_phase_opened_in_october_and_missed_its_year_end_deadlines() {
    assert_eq!(on("2007-10-02").phases[1].status, PhaseStatus::Locked);
    assert_eq!(on("2007-10-03").phases[1].status, PhaseStatus::Open);
    let s = on("2008-01-01");
    assert_eq!(status(&s, "disablement"), CommitmentStatus::Overdue);
    assert_eq!(status(&s, "declaration"), CommitmentStatus::Overdue);
}

#[test]
fn relief_followed_the_unverified_declaration() {
    let s = on("2008-06-26");
    assert_eq!(status(&s, "declaration"), CommitmentStatus::Performed, "never verified");
    assert_eq!(instrument(&s, "us-twea"), InstrumentStatus::Relieved);
    assert_eq!(instrument(&s, "us-terrorism-designation"), InstrumentStatus::InForce);
    assert_eq!(instrument(&on("2008-10-11"), "us-terrorism-designation"), InstrumentStatus::Relieved);
}

#[test]
fn the_dprk_left_in_april_2009() {
    let s = on("2009-04-14");
    assert!(s.parties.iter().any(|p| p.id == "dprk" && p.withdrawn.is_some()));
    assert_eq!(status(&s, "shutdown"), CommitmentStatus::Terminated);
    assert_eq!(status(&s, "terrorism-delisting"), CommitmentStatus::Fulfilled, "a deed done stays done");
}
