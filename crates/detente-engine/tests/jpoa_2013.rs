//! The Joint Plan of Action with Iran (2013-2016) replayed from its real, cited history
//! (`scenarios/jpoa-2013.*`). Each test is a historian's statement about one date,
//! asserted on the replayed state: if the engine tells the story differently, it is wrong.
//!
//! From 24 November 2014 the engine tells it differently: it expires the plan at the
//! start of the day its term ends, before that day's events, so the second extension,
//! agreed on 24 November 2014, the day the first extension ran out, comes too late and
//! is kept as a note. The statements after that date are written below as ignored tests
//! (not yet pinned); GAPS.md describes the case.

mod history;

use detente_engine::state::*;
use detente_engine::{state, timeline, Agreement, Log};
use detente_spec::time::{parse_date, Date};

fn case() -> (Agreement, Log) {
    history::case("jpoa-2013")
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

fn instrument<'a>(s: &'a State, id: &str) -> &'a InstrumentState {
    s.instruments.iter().find(|i| i.id == id).unwrap()
}

const RELIEVED: [&str; 2] = ["us-petrochemical-gold-auto", "eu-petrochemical-gold-insurance"];
const IRAN_CONTINUING: [&str; 3] = ["halt-above-5", "no-further-advances", "enhanced-monitoring"];

#[test]
fn every_event_is_sourced() {
    let (_, log) = case();
    assert!(log.events.iter().all(|e| e.source.as_deref().is_some_and(|s| s.len() > 40)));
}

#[test]
fn on_2013_12_15_the_plan_was_agreed_but_implementation_had_not_begun_and_no_relief_had_come() {
    let s = on("2013-12-15");
    assert_eq!(s.agreement, AgreementStatus::Signed);
    assert_eq!(s.phases[0].status, PhaseStatus::Locked);
    assert!(s.commitments.iter().all(|c| c.status == CommitmentStatus::Inactive));
    for id in RELIEVED {
        assert_eq!(instrument(&s, id).status, InstrumentStatus::InForce, "{id}");
    }
}

#[test]
fn on_2014_01_21_implementation_had_begun_with_the_iaea_confirming_the_halt_above_5_percent_and_relief_following(
) {
    let s = on("2014-01-21");
    assert_eq!(s.agreement, AgreementStatus::InForce);
    let halt = commitment(&s, "halt-above-5");
    assert_eq!(halt.describe, "in effect, verified");
    assert!(halt.reason.text.contains("verified on 2014-01-20"), "{}", halt.reason.text);
    for id in RELIEVED {
        let relief = instrument(&s, id);
        assert_eq!(
            (relief.status, relief.reason.since),
            (InstrumentStatus::Relieved, date("2014-01-20")),
            "{id}"
        );
    }
    for id in ["dilute-half", "convert-other-half", "first-installment"] {
        assert_eq!(commitment(&s, id).due, Some(date("2014-07-20")), "{id}: within the six-month first step");
    }
    assert_eq!(commitment(&s, "oil-sales-pause").describe, "in effect");
    assert_eq!(commitment(&s, "no-new-sanctions").describe, "in effect");
}

#[test]
fn on_2014_02_15_the_first_550_million_installment_had_been_released_on_3_february() {
    let s = on("2014-02-15");
    let first = commitment(&s, "first-installment");
    assert_eq!(first.status, CommitmentStatus::Fulfilled);
    assert_eq!(first.shares[0].performed, Some(date("2014-02-03")));
    assert!(first.breaches.is_empty());
}

#[test]
fn on_2014_04_18_the_iaea_had_confirmed_the_dilution_and_the_450_million_tied_to_it_was_released() {
    assert_eq!(
        status(&on("2014-04-16"), "dilution-installment"),
        CommitmentStatus::Inactive,
        "owed only on confirmation"
    );
    let s = on("2014-04-18");
    assert_eq!(status(&s, "dilute-half"), CommitmentStatus::Fulfilled);
    let installment = commitment(&s, "dilution-installment");
    assert_eq!(installment.status, CommitmentStatus::Fulfilled);
    assert_eq!(installment.shares[0].performed, Some(date("2014-04-17")));
}

#[test]
fn on_2014_07_21_the_term_had_been_extended_to_24_november_and_all_the_20_percent_uf6_was_diluted_or_converted(
) {
    let s = on("2014-07-21");
    assert_eq!(
        s.agreement,
        AgreementStatus::InForce,
        "the six months ended on 20 July, but the term was extended"
    );
    let conversion = commitment(&s, "convert-other-half");
    assert_eq!(conversion.status, CommitmentStatus::Fulfilled);
    assert!(conversion.breaches.is_empty() && conversion.late.is_none(), "in time, on the last day");
    assert!(s.commitments.iter().all(|c| c.breaches.is_empty() && c.allegation.is_none()));
    for id in RELIEVED {
        assert_eq!(instrument(&s, id).status, InstrumentStatus::Relieved, "{id}");
    }
}

#[test]
fn on_2014_11_23_iran_kept_its_measures_under_iaea_verification_and_the_relief_stayed_in_place() {
    let s = on("2014-11-23");
    assert_eq!(s.agreement, AgreementStatus::InForce);
    for id in IRAN_CONTINUING {
        assert_eq!(commitment(&s, id).describe, "in effect, verified", "{id}");
    }
    for id in RELIEVED {
        assert_eq!(instrument(&s, id).status, InstrumentStatus::Relieved, "{id}");
    }
    assert_eq!(s.phases[0].status, PhaseStatus::Complete, "every one-off step done and verified");
}

#[test]
fn the_comprehensive_solution_was_an_aim_no_deadline_could_breach() {
    let s = on("2014-11-23");
    let aim = commitment(&s, "comprehensive-solution");
    assert_eq!(aim.describe, "pending (declaration)");
    assert!(aim.due.is_none() && aim.breaches.is_empty());
}

#[test]
fn timeline_of_the_first_ten_months() {
    let (agreement, log) = case();
    let changes = timeline(&agreement, &log, date("2014-11-23"));
    let find = |kind: &str, item: &str, to: &str| {
        changes
            .iter()
            .find(|t| t.kind == kind && t.item == item && t.to == to)
            .map(|t| t.date)
            .unwrap_or_else(|| panic!("no {kind} {item} -> {to}"))
    };
    assert_eq!(find("phase", "first-step", "open"), date("2014-01-20"));
    assert_eq!(find("commitment", "halt-above-5", "in effect, verified"), date("2014-01-20"));
    assert_eq!(find("instrument", "us-petrochemical-gold-auto", "relieved"), date("2014-01-20"));
    assert_eq!(find("instrument", "eu-petrochemical-gold-insurance", "relieved"), date("2014-01-20"));
    assert_eq!(find("commitment", "first-installment", "fulfilled"), date("2014-02-03"));
    assert_eq!(find("commitment", "dilute-half", "fulfilled"), date("2014-04-17"));
    assert_eq!(find("commitment", "dilution-installment", "fulfilled"), date("2014-04-17"));
    assert_eq!(find("commitment", "convert-other-half", "fulfilled"), date("2014-07-20"));
    let extension =
        changes.iter().find(|t| t.kind == "agreement" && t.reason.text.contains("term extended")).unwrap();
    assert_eq!(extension.date, date("2014-07-18"));
    assert!(extension.reason.text.contains("from 2014-07-20 to 2014-11-24"), "{}", extension.reason.text);
    assert!(!changes.iter().any(|t| t.kind == "instrument" && t.to == "in force"), "relief never lapsed");
}

// Not yet pinned: the engine expires the plan on 24 November 2014 (see the module
// comment and GAPS.md). These are the statements as a historian makes them.

#[test]
fn on_2014_12_01_the_plan_had_been_extended_a_second_time_to_30_june_2015() {
    let s = on("2014-12-01");
    assert_eq!(s.agreement, AgreementStatus::InForce);
    for id in RELIEVED {
        assert_eq!(instrument(&s, id).status, InstrumentStatus::Relieved, "{id}");
    }
}

#[test]
fn on_2015_07_12_the_plan_ran_until_13_july_2015_after_three_short_extensions() {
    let s = on("2015-07-12");
    assert_eq!(s.agreement, AgreementStatus::InForce);
}

#[test]
#[ignore = "not yet pinned: the decision of 14 July 2015 to continue the plan came the day after its term's last day (13 July); the language has no continuation after expiry (docs/design-notes.md)"]
fn on_2015_08_01_the_jcpoa_had_been_concluded_and_the_plan_continued_pending_implementation_day() {
    let s = on("2015-08-01");
    assert_eq!(s.agreement, AgreementStatus::InForce);
    assert_eq!(
        status(&s, "comprehensive-solution"),
        CommitmentStatus::Fulfilled,
        "concluded on 14 July 2015"
    );
    for id in RELIEVED {
        assert_eq!(instrument(&s, id).status, InstrumentStatus::Relieved, "{id}");
    }
}

#[test]
#[ignore = "not yet pinned: follows from the lapse of 13/14 July 2015 (see above); the language has no supersession by another agreement"]
fn on_2016_01_17_implementation_day_had_superseded_the_plan_and_the_jcpoa_had_lifted_the_suspended_sanctions()
{
    let s = on("2016-01-17");
    assert!(s.agreement.is_over());
    assert_eq!(s.agreement_reason.since, date("2016-01-16"));
    for id in RELIEVED {
        assert_eq!(instrument(&s, id).status, InstrumentStatus::Lifted, "{id}");
    }
}
