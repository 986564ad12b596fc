//! New START (2010-2026) replayed from its real, cited history
//! (`scenarios/new-start-2010.*`). Each test is a historian's statement about one date,
//! asserted on the replayed state: if the engine tells the story differently, it is wrong.

mod history;

use detente_engine::state::*;
use detente_engine::{state, timeline, Agreement, Log};
use detente_spec::time::{parse_date, Date};

fn case() -> (Agreement, Log) {
    history::case("new-start-2010")
}

fn date(text: &str) -> Date {
    parse_date(text).unwrap()
}

fn on(day: &str) -> State {
    let (agreement, log) = case();
    state(&agreement, &log, date(day)).unwrap()
}

fn commitment<'a>(s: &'a State, id: &str) -> &'a CommitmentState {
    s.commitments.iter().find(|c| c.id == id).unwrap()
}

fn status(s: &State, id: &str) -> CommitmentStatus {
    commitment(s, id).status
}

fn quantity(s: &State, id: &str) -> f64 {
    s.quantities.iter().find(|q| q.id == id).unwrap().value
}

fn party<'a>(s: &'a State, id: &str) -> &'a PartyState {
    s.parties.iter().find(|p| p.id == id).unwrap()
}

/// Who suspends a commitment, in the engine's words.
fn suspended_by(s: &State, id: &str) -> Vec<String> {
    commitment(s, id).suspended_by.clone()
}

const ON_ITS_OWN_USA: &str = "`usa` on its own";
const ON_ITS_OWN_RUSSIA: &str = "`russia` on its own";

#[test]
fn every_event_is_sourced() {
    let (_, log) = case();
    assert!(log.events.iter().all(|e| e.source.as_deref().is_some_and(|s| s.len() > 40)));
}

#[test]
fn on_2010_12_01_new_start_was_signed_but_not_in_force() {
    let s = on("2010-12-01");
    assert_eq!(s.agreement, AgreementStatus::Signed);
    assert!(s.commitments.iter().all(|c| c.status == CommitmentStatus::Inactive));
}

#[test]
fn on_2011_02_06_it_was_in_force_with_the_central_limits_due_by_5_february_2018_and_inspections_from_60_days_on(
) {
    let s = on("2011-02-06");
    assert_eq!(s.agreement, AgreementStatus::InForce);
    for id in ["us-central-limits", "russia-central-limits"] {
        assert_eq!(status(&s, id), CommitmentStatus::Pending, "{id}");
        assert_eq!(commitment(&s, id).due, Some(date("2018-02-05")), "{id}");
    }
    assert_eq!(status(&s, "inspections"), CommitmentStatus::Inactive);
    assert_eq!(commitment(&on("2011-04-06"), "inspections").describe, "in effect");
}

#[test]
fn on_2017_09_01_the_us_had_reached_the_central_limits_in_august_2017_and_russia_had_until_february_2018() {
    let (agreement, log) = case();
    let s = state(&agreement, &log, date("2017-09-01")).unwrap();
    let us = commitment(&s, "us-central-limits");
    assert_eq!(us.describe, "in effect");
    let event = us.shares[0].event.unwrap();
    assert_eq!(log.events[event].date_words(), "2017-08 (day unknown)");
    assert_eq!(status(&s, "russia-central-limits"), CommitmentStatus::Pending);
    assert!(commitment(&s, "russia-central-limits").breaches.is_empty());
}

#[test]
fn on_2018_02_23_both_were_within_the_limits_that_took_effect_on_5_february_2018_and_russia_contested_the_us_count(
) {
    let s = on("2018-02-23");
    let russia = commitment(&s, "russia-central-limits");
    assert_eq!(
        russia.describe, "in effect, verified",
        "verified by the United States from the data exchange"
    );
    assert_eq!(russia.shares[0].performed, Some(date("2018-02-05")));
    assert!(russia.breaches.is_empty() && russia.late.is_none(), "in time");
    assert_eq!(
        (
            quantity(&s, "russia-deployed-vehicles"),
            quantity(&s, "russia-warheads"),
            quantity(&s, "russia-launchers")
        ),
        (527.0, 1444.0, 779.0)
    );
    assert_eq!((quantity(&s, "us-deployed-vehicles"), quantity(&s, "us-warheads")), (652.0, 1350.0));
    let us = commitment(&s, "us-central-limits");
    assert_eq!(us.describe, "in effect, violation alleged", "Russia could not confirm the US conversions");
    assert_eq!(us.allegation.as_ref().unwrap().by, "russia");
    assert!(us.breaches.is_empty(), "never established");
}

#[test]
fn on_2019_10_05_the_data_showed_both_within_all_three_central_limits() {
    let s = on("2019-10-05");
    for q in &s.quantities {
        assert_eq!(q.caps.len(), 1, "{}", q.id);
        assert!(q.value <= q.caps[0].1, "{} {} over {}", q.id, q.value, q.caps[0].1);
    }
    assert!(s.commitments.iter().all(|c| c.breaches.is_empty()));
}

#[test]
fn on_2020_06_01_inspections_had_been_paused_by_both_since_march_and_the_limits_held() {
    let s = on("2020-06-01");
    let inspections = commitment(&s, "inspections");
    assert_eq!(inspections.status, CommitmentStatus::Suspended);
    assert_eq!(inspections.reason.since, date("2020-03-29"));
    assert_eq!(
        suspended_by(&s, "inspections"),
        vec![ON_ITS_OWN_USA.to_string(), ON_ITS_OWN_RUSSIA.to_string()]
    );
    assert_eq!(status(&s, "russia-central-limits"), CommitmentStatus::Fulfilled);
    assert_eq!(commitment(&s, "data-exchange").describe, "in effect");
    assert_eq!(s.agreement, AgreementStatus::PartlySuspended);
}

#[test]
fn on_2021_02_06_the_treaty_outlived_its_first_term_having_been_extended_to_5_february_2026() {
    assert_eq!(on("2021-02-04").agreement, AgreementStatus::PartlySuspended);
    assert_eq!(
        on("2021-02-06").agreement,
        AgreementStatus::PartlySuspended,
        "not expired on 5 February 2021"
    );
    let (agreement, log) = case();
    let changes = timeline(&agreement, &log, date("2021-02-06"));
    let extension =
        changes.iter().find(|t| t.kind == "agreement" && t.reason.text.contains("term extended")).unwrap();
    assert_eq!(extension.date, date("2021-02-03"));
    assert!(
        extension.reason.text.contains("last day in force moved from 2021-02-04 to 2026-02-04"),
        "{}",
        extension.reason.text
    );
}

#[test]
fn on_2022_09_01_the_us_sought_to_resume_inspections_and_russia_refused() {
    let (agreement, log) = case();
    let s = state(&agreement, &log, date("2022-09-01")).unwrap();
    assert_eq!(suspended_by(&s, "inspections"), vec![ON_ITS_OWN_RUSSIA.to_string()], "only Russia held back");
    let exemption = log.events.iter().position(|e| e.id.as_deref() == Some("russia-exempts")).unwrap();
    assert!(s.notes.iter().any(|n| n.event == exemption), "the exemption of 8 August 2022 is on record");
}

#[test]
fn on_2023_02_25_russia_had_suspended_its_participation_which_the_treaty_does_not_provide_for_but_kept_to_the_limits(
) {
    let s = on("2023-02-25");
    let suspension = party(&s, "russia").suspended.as_ref().unwrap();
    assert_eq!(suspension.since, date("2023-02-21"));
    assert!(suspension.text.contains("which the agreement does not provide for"), "{}", suspension.text);
    assert_eq!(
        status(&s, "russia-central-limits"),
        CommitmentStatus::Fulfilled,
        "Russia said it would keep the limits"
    );
    for id in ["data-exchange", "notifications", "bcc-sessions"] {
        assert_eq!(suspended_by(&s, id), vec![ON_ITS_OWN_RUSSIA.to_string()], "{id}");
    }
    let inspections = commitment(&s, "inspections");
    assert_eq!(inspections.describe, "suspended, violation alleged", "the US finding of January 2023");
    let claim = inspections.allegation.as_ref().unwrap();
    assert_eq!((claim.by.as_str(), claim.against.clone()), ("usa", vec!["russia".to_string()]));
    assert_eq!(s.agreement, AgreementStatus::PartlySuspended, "still in force");
}

#[test]
fn on_2023_06_02_us_countermeasures_withheld_data_notifications_and_inspection_facilitation() {
    let s = on("2023-06-02");
    for id in ["data-exchange", "notifications", "inspections"] {
        let by = suspended_by(&s, id);
        assert!(
            by.contains(&ON_ITS_OWN_USA.to_string()) && by.contains(&ON_ITS_OWN_RUSSIA.to_string()),
            "{id}: {by:?}"
        );
    }
    assert_eq!(commitment(&s, "us-central-limits").describe, "in effect, violation alleged");
    assert_eq!(status(&s, "russia-central-limits"), CommitmentStatus::Fulfilled);
    assert!(party(&s, "usa").suspended.is_none(), "countermeasures, not a suspension of the treaty");
}

#[test]
fn on_2025_10_01_the_treaty_was_still_formally_in_force_with_russias_suspension_and_us_countermeasures() {
    let s = on("2025-10-01");
    assert_eq!(s.agreement, AgreementStatus::PartlySuspended);
    assert!(!s.agreement.is_over());
    assert!(party(&s, "russia").suspended.is_some());
    assert!(s.parties.iter().all(|p| p.withdrawn.is_none()), "neither party withdrew");
}

#[test]
fn on_2026_02_06_new_start_had_expired_on_5_february_2026_with_no_limits_left() {
    let s = on("2026-02-06");
    assert_eq!(s.agreement, AgreementStatus::Expired);
    assert_eq!(s.agreement_reason.since, date("2026-02-05"));
    assert!(s.commitments.iter().all(|c| c.status == CommitmentStatus::Discharged));
    assert!(s.quantities.iter().all(|q| q.caps.is_empty()), "no binding limits remained");
    assert_eq!(
        commitment(&s, "inspections").describe,
        "discharged, violation alleged",
        "the claims were never settled"
    );
}

#[test]
fn timeline_from_entry_into_force_to_expiry() {
    let (agreement, log) = case();
    let changes = timeline(&agreement, &log, date("2026-02-06"));
    let find = |kind: &str, item: &str, to: &str| {
        changes
            .iter()
            .find(|t| t.kind == kind && t.item == item && t.to == to)
            .map(|t| t.date)
            .unwrap_or_else(|| panic!("no {kind} {item} -> {to}"))
    };
    assert_eq!(find("phase", "treaty", "open"), date("2011-02-05"));
    assert_eq!(find("commitment", "inspections", "in effect"), date("2011-04-06"));
    assert_eq!(
        find("commitment", "us-central-limits", "in effect"),
        date("2017-08-31"),
        "known to the month"
    );
    assert_eq!(find("commitment", "russia-central-limits", "in effect"), date("2018-02-05"));
    assert_eq!(find("commitment", "us-central-limits", "in effect, violation alleged"), date("2018-02-05"));
    assert_eq!(find("commitment", "russia-central-limits", "in effect, verified"), date("2018-02-22"));
    assert_eq!(find("commitment", "inspections", "suspended"), date("2020-03-29"));
    assert_eq!(find("commitment", "inspections", "suspended, violation alleged"), date("2023-01-31"));
    assert_eq!(find("party", "russia", "suspended its participation"), date("2023-02-21"));
    assert_eq!(find("commitment", "data-exchange", "suspended"), date("2023-02-21"));
    assert_eq!(find("agreement", "new-start-2010", "expired"), date("2026-02-05"));
    assert!(
        !changes.iter().any(|t| t.kind == "commitment" && t.to.starts_with("violated")),
        "no breach was ever established"
    );
}
