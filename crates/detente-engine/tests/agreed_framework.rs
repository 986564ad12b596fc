//! The 1994 Agreed Framework replayed from its real, cited history
//! (`scenarios/agreed-framework-1994.*`). Each assertion is a fact of that history:
//! if the engine tells the story differently, it is wrong.

mod history;

use detente_engine::explain::{explain, render as render_explanation};
use detente_engine::report::{render, Style};
use detente_engine::state::*;
use detente_engine::{state, timeline, Agreement, Log};
use detente_spec::model::FacilityStatus;
use detente_spec::time::parse_date;

fn case() -> (Agreement, Log) {
    history::case("agreed-framework-1994")
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

fn describe(state: &State, id: &str) -> String {
    state.commitments.iter().find(|c| c.id == id).unwrap().describe.clone()
}

// Each test is a historian's statement about one date (sources in
// /scenarios/agreed-framework-1994.events.jsonl and the research notes behind it).

#[test]
fn on_1994_10_21_the_framework_was_signed_and_nothing_was_yet_due() {
    let s = on("1994-10-21");
    assert_eq!(s.agreement, AgreementStatus::InForce);
    let freeze = s.commitments.iter().find(|c| c.id == "freeze").unwrap();
    assert_eq!(freeze.status, CommitmentStatus::Pending);
    assert_eq!(freeze.due, Some(parse_date("1994-11-21").unwrap()));
    let oil = s.commitments.iter().find(|c| c.id == "first-fuel-oil").unwrap();
    assert_eq!(oil.due, Some(parse_date("1995-01-21").unwrap()));
    assert!(s.commitments.iter().all(|c| c.breaches.is_empty()));
}

#[test]
fn on_1994_12_31_the_reactors_were_frozen_under_iaea_monitoring() {
    let s = on("1994-12-31");
    assert_eq!(describe(&s, "freeze"), "in effect, verified");
    assert_eq!(describe(&s, "freeze-monitoring"), "in effect, verified");
    assert!(s.facilities.iter().all(|f| f.status == FacilityStatus::Frozen));
    // The IAEA's confirmation is dated only to November 1994, and says so.
    let freeze = s.commitments.iter().find(|c| c.id == "freeze").unwrap();
    assert!(freeze.reason.text.contains("verified in 1994-11 (day unknown)"), "{}", freeze.reason.text);
    assert_eq!(status(&on("1994-11-29"), "freeze"), CommitmentStatus::Performed, "not yet confirmed");
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
fn on_1995_06_30_the_reactor_contract_had_missed_its_six_months() {
    assert_eq!(status(&on("1995-06-30"), "lwr-supply-agreement"), CommitmentStatus::Overdue);
    assert_eq!(status(&on("1995-12-15"), "lwr-supply-agreement"), CommitmentStatus::Fulfilled);
}

#[test]
fn on_1996_06_30_the_contract_was_signed_and_inspections_had_resumed() {
    let s = on("1996-06-30");
    assert_eq!(status(&s, "lwr-supply-agreement"), CommitmentStatus::Fulfilled);
    assert_eq!(status(&s, "inspections-resume"), CommitmentStatus::Fulfilled);
    assert_eq!(
        status(&s, "lwr-construction"),
        CommitmentStatus::Pending,
        "owed once the contract was signed"
    );
}

#[test]
fn undated_obligations_are_owed_without_ever_being_late() {
    let s = on("2002-08-08");
    for id in ["liaison-offices", "nuclear-assurances"] {
        assert_eq!(status(&s, id), CommitmentStatus::Pending, "{id}");
        assert!(s.commitments.iter().find(|c| c.id == id).unwrap().breaches.is_empty());
    }
    assert_eq!(status(&s, "full-safeguards"), CommitmentStatus::Inactive, "the reactors were far from done");
    assert_eq!(status(&s, "dismantlement"), CommitmentStatus::Inactive);
}

#[test]
fn the_trade_embargo_was_eased_outside_the_framework_in_2000() {
    assert_eq!(instrument(&on("2000-06-18"), "us-trade-embargo"), InstrumentStatus::InForce);
    assert_eq!(instrument(&on("2000-06-19"), "us-trade-embargo"), InstrumentStatus::Lifted);
}

#[test]
fn on_2002_11_01_the_enrichment_charge_stood_but_the_freeze_and_fuel_held() {
    let s = on("2002-11-01");
    assert_eq!(describe(&s, "denuclearization-declaration"), "in effect, violation alleged");
    assert_eq!(describe(&s, "freeze"), "in effect, verified");
    assert_eq!(status(&s, "annual-fuel-oil"), CommitmentStatus::Fulfilled);
    assert_eq!(s.agreement, AgreementStatus::InForce);
}

#[test]
fn on_2002_12_01_kedo_had_halted_fuel_oil_while_the_freeze_held() {
    let s = on("2002-12-01");
    assert_eq!(status(&s, "annual-fuel-oil"), CommitmentStatus::Suspended);
    assert_eq!(describe(&s, "freeze"), "in effect, verified");
    assert_eq!(s.agreement, AgreementStatus::PartlySuspended);
}

#[test]
fn on_2002_12_24_the_freeze_was_lifted_and_its_seals_cut_and_the_framework_had_collapsed() {
    let s = on("2002-12-24");
    assert_eq!(describe(&s, "freeze"), "suspended, violation verified");
    assert!(s.facilities.iter().all(|f| f.status == FacilityStatus::Operating), "the freeze no longer holds");
    assert_eq!(describe(&s, "freeze-monitoring"), "in effect, verified", "the inspectors were still there");
    assert_eq!(s.agreement, AgreementStatus::Collapsed);
    assert_eq!(s.agreement_reason.since, parse_date("2002-12-12").unwrap());
}

#[test]
fn on_2003_01_15_no_inspectors_remained_and_the_dprk_had_renounced_the_npt() {
    let s = on("2003-01-15");
    let monitoring = s.commitments.iter().find(|c| c.id == "freeze-monitoring").unwrap();
    assert_eq!(monitoring.status, CommitmentStatus::Suspended);
    assert_eq!(monitoring.suspended_by, vec!["`dprk` on its own".to_string()]);
    assert_eq!(status(&s, "npt-membership"), CommitmentStatus::Terminated);
    assert_eq!(status(&s, "annual-fuel-oil"), CommitmentStatus::Suspended);
    assert_eq!(s.agreement, AgreementStatus::Collapsed, "collapsed de facto, never formally ended");
    assert!(s.parties.iter().all(|p| p.withdrawn.is_none()));
    // Deeds done stay done.
    assert_eq!(status(&s, "ease-sanctions"), CommitmentStatus::Fulfilled);
    assert_eq!(instrument(&s, "us-sanctions-first-tranche"), InstrumentStatus::Relieved);
}

#[test]
fn on_2004_06_30_kedo_had_suspended_the_reactor_project_without_a_breach_of_its_target() {
    let s = on("2004-06-30");
    let lwr = s.commitments.iter().find(|c| c.id == "lwr-construction").unwrap();
    assert_eq!(lwr.status, CommitmentStatus::Suspended);
    assert!(lwr.breaches.is_empty(), "the 2003 target passed while the project was suspended");
    assert_eq!(status(&on("2006-05-31"), "lwr-construction"), CommitmentStatus::Terminated);
}

#[test]
fn replay_report_snapshot() {
    let (agreement, log) = case();
    for day in ["1995-06-01", "2003-01-15"] {
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
