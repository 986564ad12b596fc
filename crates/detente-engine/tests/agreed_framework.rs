//! The 1994 Agreed Framework replayed from its real, cited history
//! (`scenarios/agreed-framework-1994.*`). Each assertion is a fact of that history:
//! if the engine tells the story differently, it is wrong.

use detente_engine::explain::{explain, render as render_explanation};
use detente_engine::log::{load, Format};
use detente_engine::report::{render, Style};
use detente_engine::state::*;
use detente_engine::{state, timeline, Agreement, Log};
use detente_spec::model::FacilityStatus;
use detente_spec::time::parse_date;
use detente_spec::{check, SourceFile};

fn case() -> (Agreement, Log) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios/");
    let spec = std::fs::read_to_string(format!("{dir}agreed-framework-1994.toml")).unwrap();
    let checked = check(&SourceFile::new("agreed-framework-1994.toml", spec));
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    let agreement = Agreement::compile(&checked.spec).unwrap();
    let events = std::fs::read_to_string(format!("{dir}agreed-framework-1994.events.jsonl")).unwrap();
    let log = load(&events, Format::JsonLines, &agreement, false).unwrap();
    (agreement, log)
}

fn on(day: &str) -> State {
    let (agreement, log) = case();
    state(&agreement, &log, parse_date(day).unwrap()).unwrap()
}

fn status(state: &State, id: &str) -> CommitmentStatus {
    state.commitments.iter().find(|c| c.id == id).unwrap().status
}

fn instrument(state: &State, id: &str) -> InstrumentStatus {
    state.instruments.iter().find(|i| i.id == id).unwrap().status
}

#[test]
fn every_event_is_sourced() {
    let (_, log) = case();
    assert!(log.events.iter().all(|e| e.source.as_deref().is_some_and(|s| s.len() > 20)));
}

#[test]
fn the_freeze_came_in_time_and_was_verified() {
    let s = on("1994-11-21");
    assert_eq!(status(&s, "freeze"), CommitmentStatus::Performed, "announced within the month");
    assert!(s.facilities.iter().all(|f| f.status == FacilityStatus::Frozen));
    assert_eq!(status(&on("1994-12-01"), "freeze"), CommitmentStatus::Fulfilled);
}

#[test]
fn fuel_oil_and_first_relief_arrived_within_three_months() {
    let s = on("1995-01-21");
    assert_eq!(status(&s, "first-fuel-oil"), CommitmentStatus::Fulfilled);
    assert_eq!(status(&s, "ease-sanctions"), CommitmentStatus::Fulfilled);
    assert_eq!(instrument(&s, "us-sanctions-first-tranche"), InstrumentStatus::Relieved);
    assert_eq!(instrument(&s, "us-trade-embargo"), InstrumentStatus::InForce);
}

#[test]
fn the_reactor_contract_stalled_past_six_months_then_was_signed() {
    assert_eq!(status(&on("1995-06-01"), "lwr-supply-agreement"), CommitmentStatus::Overdue);
    assert_eq!(status(&on("1995-12-15"), "lwr-supply-agreement"), CommitmentStatus::Fulfilled);
}

#[test]
fn liaison_offices_never_opened() {
    assert_eq!(status(&on("1996-11-01"), "liaison-offices"), CommitmentStatus::Discharged);
}

#[test]
fn the_trade_embargo_was_eased_outside_the_framework_in_2000() {
    assert_eq!(instrument(&on("2000-06-18"), "us-trade-embargo"), InstrumentStatus::InForce);
    assert_eq!(instrument(&on("2000-06-19"), "us-trade-embargo"), InstrumentStatus::Lifted);
}

#[test]
fn relief_stopped_in_november_2002_and_the_freeze_ended_in_december() {
    let s = on("2002-11-13");
    assert_eq!(status(&s, "annual-fuel-oil"), CommitmentStatus::Fulfilled);
    assert_eq!(s.agreement, AgreementStatus::InForce);
    let s = on("2002-11-14");
    assert_eq!(status(&s, "annual-fuel-oil"), CommitmentStatus::Suspended);
    assert_eq!(status(&s, "lwr-construction"), CommitmentStatus::Suspended);
    assert_eq!(s.agreement, AgreementStatus::PartlySuspended);
    let s = on("2002-12-12");
    assert_eq!(status(&s, "freeze"), CommitmentStatus::Suspended);
    assert!(s.facilities.iter().all(|f| f.status == FacilityStatus::Operating), "the freeze no longer holds");
}

#[test]
fn it_ended_with_the_npt_withdrawal() {
    let s = on("2003-01-10");
    assert_eq!(s.agreement, AgreementStatus::Terminated);
    assert_eq!(s.agreement_reason.since, parse_date("2003-01-10").unwrap());
    assert_eq!(status(&s, "ease-sanctions"), CommitmentStatus::Fulfilled, "a deed done stays done");
    assert_eq!(instrument(&s, "us-sanctions-first-tranche"), InstrumentStatus::Relieved);
}

#[test]
fn replay_report_snapshot() {
    let (agreement, log) = case();
    for day in ["1995-06-01", "2002-12-31"] {
        let s = state(&agreement, &log, parse_date(day).unwrap()).unwrap();
        insta::assert_snapshot!(format!("replay-{day}"), render(&agreement, &s, Style::Text));
    }
}

#[test]
fn timeline_snapshot() {
    let (agreement, log) = case();
    let text: String = timeline(&agreement, &log, parse_date("2003-01-31").unwrap())
        .iter()
        .map(|t| format!("{} {} {}: {} -> {} ({})\n", t.date, t.kind, t.item, t.from, t.to, t.reason.text))
        .collect();
    insta::assert_snapshot!(text);
}

#[test]
fn explain_snapshot() {
    let (agreement, log) = case();
    let s = state(&agreement, &log, parse_date("2002-12-15").unwrap()).unwrap();
    let freeze = explain(&s, "freeze").unwrap();
    let reactors = explain(&s, "lwr-construction").unwrap();
    insta::assert_snapshot!(format!(
        "{}\n{}",
        render_explanation(&agreement, &log, &freeze, Style::Text),
        render_explanation(&agreement, &log, &reactors, Style::Text)
    ));
}
