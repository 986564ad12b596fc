//! The 2007 Six-Party action-for-action arrangement replayed from its real, cited history
//! (`scenarios/six-party-2007.*`). Each test is a historian's statement about one date;
//! if the engine tells the story differently, it is wrong.

use detente_engine::log::{load, Format};
use detente_engine::report::{render, Style};
use detente_engine::state::*;
use detente_engine::{state, timeline, Agreement, Log};
use detente_spec::model::FacilityStatus;
use detente_spec::time::{parse_date, Date};
use detente_spec::{check, SourceFile};

fn case_as_read_by(reader: Option<&str>) -> (Agreement, Log) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios/");
    let spec = std::fs::read_to_string(format!("{dir}six-party-2007.toml")).unwrap();
    let checked = check(&SourceFile::new("six-party-2007.toml", spec));
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    let agreement = match reader {
        None => Agreement::compile(&checked.spec).unwrap(),
        Some(party) => Agreement::compile_as_read_by(&checked.spec, party).unwrap(),
    };
    let events = std::fs::read_to_string(format!("{dir}six-party-2007.events.jsonl")).unwrap();
    let log = load(&events, Format::JsonLines, &agreement, false).unwrap();
    (agreement, log)
}

fn case() -> (Agreement, Log) {
    case_as_read_by(None)
}

fn date(day: &str) -> Date {
    parse_date(day).unwrap()
}

fn on(day: &str) -> State {
    let (agreement, log) = case();
    state(&agreement, &log, date(day)).unwrap()
}

fn commitment<'s>(s: &'s State, id: &str) -> &'s CommitmentState {
    s.commitments.iter().find(|c| c.id == id).unwrap()
}

fn status(s: &State, id: &str) -> CommitmentStatus {
    commitment(s, id).status
}

fn describe(s: &State, id: &str) -> String {
    commitment(s, id).describe.clone()
}

fn instrument(s: &State, id: &str) -> InstrumentStatus {
    s.instruments.iter().find(|i| i.id == id).unwrap().status
}

fn facility(s: &State, id: &str) -> FacilityStatus {
    s.facilities.iter().find(|f| f.id == id).unwrap().status
}

fn phase(s: &State, id: &str) -> PhaseStatus {
    s.phases.iter().find(|p| p.id == id).unwrap().status
}

fn missed_deadline(s: &State, id: &str) -> bool {
    commitment(s, id).breaches.iter().any(|b| b.kind == BreachKind::MissedDeadline)
}

#[test]
fn every_event_is_sourced() {
    let (_, log) = case();
    assert!(log.events.iter().all(|e| e.source.as_deref().is_some_and(|s| s.len() > 40)));
}

#[test]
fn on_2007_03_31_the_initial_actions_were_owed_and_yongbyon_still_ran() {
    let s = on("2007-03-31");
    assert_eq!(s.agreement, AgreementStatus::InForce);
    let shutdown = commitment(&s, "shutdown");
    assert_eq!(shutdown.status, CommitmentStatus::Pending);
    assert_eq!(shutdown.due, Some(date("2007-04-14")), "60 days from 13 February");
    assert_eq!(status(&s, "iaea-monitoring"), CommitmentStatus::Pending, "no inspectors yet");
    assert_eq!(facility(&s, "yongbyon-5mwe"), FacilityStatus::Operating);
    assert_eq!(phase(&s, "second-phase"), PhaseStatus::Locked);
}

#[test]
fn on_2007_05_01_the_sixty_day_deadline_had_passed_but_the_deal_was_alive() {
    let s = on("2007-05-01");
    assert!(missed_deadline(&s, "shutdown"));
    assert!(missed_deadline(&s, "emergency-energy"), "the oil had not begun either");
    // A missed deadline leaves performance awaited: the shutdown came in July.
    assert_eq!(s.agreement, AgreementStatus::InForce, "{}", s.agreement_reason.text);
}

#[test]
fn on_2007_07_20_yongbyon_was_shut_and_verified_and_the_oil_had_begun() {
    let s = on("2007-07-20");
    assert_eq!(describe(&s, "shutdown"), "in effect, verified (performed late)");
    assert_eq!(describe(&s, "reprocessing-sealed"), "in effect, verified (performed late)");
    assert_eq!(status(&s, "iaea-monitoring"), CommitmentStatus::Fulfilled);
    assert_eq!(status(&s, "emergency-energy"), CommitmentStatus::Fulfilled);
    assert!(s.facilities.iter().all(|f| f.status == FacilityStatus::Frozen));
    assert_eq!(phase(&s, "initial-actions"), PhaseStatus::Complete);
    assert_eq!(s.phases[0].reason.since, date("2007-07-18"), "when the IAEA had verified all of it");
}

#[test]
fn on_2007_11_30_disablement_and_the_declaration_were_owed_by_the_year_end() {
    assert_eq!(phase(&on("2007-10-02"), "second-phase"), PhaseStatus::Locked, "agreed on 3 October");
    let s = on("2007-11-30");
    assert_eq!(phase(&s, "second-phase"), PhaseStatus::Open);
    for id in ["disablement", "declaration"] {
        assert_eq!(status(&s, id), CommitmentStatus::Pending);
        assert_eq!(commitment(&s, id).due, Some(date("2007-12-31")));
    }
    assert_eq!(status(&s, "energy-aid"), CommitmentStatus::Fulfilled, "aid flowing");
    // The US undertakings are "in parallel": owed, with no date to miss.
    assert_eq!(status(&s, "terrorism-delisting"), CommitmentStatus::Pending);
    assert_eq!(commitment(&s, "terrorism-delisting").due, None);
}

#[test]
fn on_2008_01_01_both_year_end_deadlines_had_been_missed() {
    let s = on("2008-01-01");
    assert!(missed_deadline(&s, "disablement"));
    assert!(missed_deadline(&s, "declaration"));
    assert_eq!(status(&s, "declaration"), CommitmentStatus::Violated);
    assert_eq!(s.agreement, AgreementStatus::InForce, "late, not abandoned");
    assert!(commitment(&on("2007-12-31"), "declaration").breaches.is_empty(), "due on that day");
}

#[test]
fn on_2008_06_28_the_declaration_was_in_and_twea_lifted_but_the_designation_stood() {
    let s = on("2008-06-28");
    assert_eq!(describe(&s, "declaration"), "performed, awaiting verification (performed late)");
    assert_eq!(instrument(&s, "us-twea"), InstrumentStatus::Relieved);
    assert_eq!(instrument(&s, "us-terrorism-designation"), InstrumentStatus::InForce);
    assert!(
        on("2008-06-26").instruments.iter().all(|i| i.status == InstrumentStatus::InForce),
        "the proclamation took effect the next day"
    );
}

#[test]
fn on_2008_08_31_the_dprk_had_suspended_disablement_over_the_designation() {
    let s = on("2008-08-31");
    let disablement = commitment(&s, "disablement");
    assert_eq!(disablement.status, CommitmentStatus::Suspended);
    assert_eq!(disablement.suspended_by, vec!["`dprk` on its own".to_string()]);
    assert!(missed_deadline(&s, "disablement"), "its own suspension hides no breach");
    assert_eq!(s.agreement, AgreementStatus::PartlySuspended);
    // The common text sets no date for delisting; the DPRK's claim stands beside it.
    let delisting = commitment(&s, "terrorism-delisting");
    assert_eq!(delisting.describe, "pending, violation alleged");
    assert_eq!(delisting.allegation.as_ref().unwrap().against, vec!["usa".to_string()]);
    assert_eq!(instrument(&s, "us-terrorism-designation"), InstrumentStatus::InForce);
}

#[test]
fn as_the_dprk_read_it_the_delisting_was_due_when_the_notice_to_congress_ran_out() {
    let (agreement, log) = case_as_read_by(Some("dprk"));
    let before = state(&agreement, &log, date("2008-08-11")).unwrap();
    assert_eq!(status(&before, "terrorism-delisting"), CommitmentStatus::Pending);
    let after = state(&agreement, &log, date("2008-08-12")).unwrap();
    assert_eq!(status(&after, "terrorism-delisting"), CommitmentStatus::Violated);
    assert!(missed_deadline(&after, "terrorism-delisting"));
    let common = on("2008-08-12");
    assert_eq!(
        status(&common, "terrorism-delisting"),
        CommitmentStatus::Pending,
        "the common text has no date"
    );
    // Read either way, it was done on 11 October, late in the DPRK's reading.
    let later = state(&agreement, &log, date("2008-10-15")).unwrap();
    assert_eq!(describe(&later, "terrorism-delisting"), "fulfilled (performed late)");
}

#[test]
fn on_2008_09_25_the_reprocessing_plant_was_unsealed_while_the_reactor_stayed_shut() {
    let s = on("2008-09-25");
    assert_eq!(status(&s, "reprocessing-sealed"), CommitmentStatus::Suspended);
    assert_eq!(facility(&s, "yongbyon-reprocessing"), FacilityStatus::Operating);
    assert_eq!(facility(&s, "yongbyon-5mwe"), FacilityStatus::Frozen);
    assert_eq!(status(&s, "iaea-monitoring"), CommitmentStatus::Fulfilled, "other monitoring went on");
    let s = on("2008-10-10");
    assert_eq!(
        status(&s, "iaea-monitoring"),
        CommitmentStatus::Suspended,
        "barred from all of Yongbyon on 9 October"
    );
}

#[test]
fn on_2008_10_15_the_designation_was_rescinded_and_disablement_resumed() {
    let s = on("2008-10-15");
    assert_eq!(instrument(&s, "us-terrorism-designation"), InstrumentStatus::Relieved);
    assert_eq!(describe(&s, "terrorism-delisting"), "fulfilled", "the DPRK welcomed it: its claim settled");
    assert_eq!(describe(&s, "disablement"), "violated (deadline missed)", "resumed, still late");
    assert_eq!(status(&s, "reprocessing-sealed"), CommitmentStatus::Fulfilled, "seals reapplied");
    assert_eq!(status(&s, "iaea-monitoring"), CommitmentStatus::Fulfilled);
    assert_eq!(facility(&s, "yongbyon-reprocessing"), FacilityStatus::Frozen);
    assert_eq!(s.agreement, AgreementStatus::InForce);
}

#[test]
fn on_2008_12_15_fuel_oil_had_stopped_without_a_verification_protocol() {
    let s = on("2008-12-15");
    let aid = commitment(&s, "energy-aid");
    assert_eq!(aid.status, CommitmentStatus::Suspended);
    assert_eq!(aid.suspended_by, vec!["`usa` on its own".to_string()]);
    assert_eq!(status(&s, "verification-protocol"), CommitmentStatus::Pending, "never agreed");
    assert_eq!(status(&s, "declaration"), CommitmentStatus::Performed, "never verified");
    assert_eq!(s.agreement, AgreementStatus::PartlySuspended);
}

#[test]
fn on_2009_04_10_the_process_was_stalled_but_not_yet_repudiated() {
    let s = on("2009-04-10");
    assert!(!s.agreement.is_over());
    assert!(s.parties.iter().all(|p| p.withdrawn.is_none()));
    assert_eq!(status(&s, "iaea-monitoring"), CommitmentStatus::Fulfilled, "inspectors still at Yongbyon");
    assert_eq!(facility(&s, "yongbyon-5mwe"), FacilityStatus::Frozen);
}

#[test]
fn on_2009_04_20_the_dprk_had_left_and_the_arrangement_was_over() {
    let s = on("2009-04-20");
    assert_eq!(s.agreement, AgreementStatus::Terminated);
    assert_eq!(s.agreement_reason.since, date("2009-04-14"));
    for id in ["shutdown", "reprocessing-sealed", "iaea-monitoring", "declaration", "energy-aid"] {
        assert_eq!(status(&s, id), CommitmentStatus::Terminated, "{id}");
    }
    // Leaving ends the obligation, not the record of its breach.
    assert_eq!(describe(&s, "disablement"), "terminated, deadline missed");
    // Deeds done stay done.
    assert_eq!(status(&s, "terrorism-delisting"), CommitmentStatus::Fulfilled);
    assert_eq!(instrument(&s, "us-twea"), InstrumentStatus::Relieved);
    assert!(s.facilities.iter().all(|f| f.status == FacilityStatus::Operating), "no longer held frozen");
}

#[test]
fn the_timeline_tells_the_story_in_order() {
    let (agreement, log) = case();
    let changes = timeline(&agreement, &log, date("2009-04-20"));
    let find = |kind: &str, item: &str, to: &str| {
        changes
            .iter()
            .find(|t| t.kind == kind && t.item == item && t.to == to)
            .map(|t| t.date)
            .unwrap_or_else(|| panic!("no {kind} {item} -> {to}"))
    };
    assert_eq!(find("amendment", "second-phase-actions", "in effect"), date("2007-10-03"));
    assert_eq!(find("amendment", "july-2008-communique", "in effect"), date("2008-07-12"));
    assert_eq!(find("commitment", "disablement", "suspended, deadline missed"), date("2008-08-14"));
    assert_eq!(find("commitment", "energy-aid", "suspended"), date("2008-12-12"));
    assert_eq!(find("party", "dprk", "withdrawn"), date("2009-04-14"));
    assert_eq!(find("agreement", "six-party-2007", "terminated"), date("2009-04-14"));
    assert!(changes.windows(2).all(|w| w[0].date <= w[1].date));
}

#[test]
fn replay_report_snapshot() {
    let (agreement, log) = case();
    for day in ["2008-08-31", "2009-04-20"] {
        let s = state(&agreement, &log, date(day)).unwrap();
        insta::assert_snapshot!(format!("replay-{day}"), render(&agreement, &s, Style::Text));
    }
}
