//! The JCPOA and resolution 2231 replayed from their real, cited history
//! (`scenarios/jcpoa-2015.*`). Each test is a historian's statement about one date
//! (research notes: Iran Primer chronology, IAEA reports, OFAC, the E3's statements);
//! if the engine tells the story differently, it is wrong.

mod history;

use detente_engine::report::{render, Style};
use detente_engine::state::*;
use detente_engine::{state, timeline, Agreement, Log};
use detente_spec::model::FacilityStatus;
use detente_spec::time::{parse_date, Date};

fn case() -> (Agreement, Log) {
    history::case("jcpoa-2015")
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

fn power<'s>(s: &'s State, id: &str) -> &'s PowerState {
    s.powers.iter().find(|p| p.id == id).unwrap()
}

const LIMITS: [&str; 6] =
    ["enrichment-level", "stockpile-limit", "centrifuge-limit", "fordow", "rnd-limits", "transparency"];

#[test]
fn every_event_is_sourced() {
    let (_, log) = case();
    assert!(log.events.iter().all(|e| e.source.as_deref().is_some_and(|s| s.len() > 40)));
}

#[test]
fn on_2015_07_31_the_deal_was_concluded_and_endorsed_but_not_yet_adopted() {
    let s = on("2015-07-31");
    assert_eq!(s.agreement, AgreementStatus::Signed);
    assert!(s.commitments.iter().all(|c| c.status == CommitmentStatus::Inactive), "nothing owed yet");
    assert_eq!(instrument(&s, "un-sanctions"), InstrumentStatus::InForce);
}

#[test]
fn on_2015_11_30_adoption_day_had_passed_and_relief_awaited_implementation_day() {
    let s = on("2015-11-30");
    assert_eq!(s.agreement, AgreementStatus::InForce);
    assert_eq!(s.agreement_reason.since, date("2015-10-18"));
    assert_eq!(status(&s, "implementation-steps"), CommitmentStatus::Pending);
    assert_eq!(commitment(&s, "implementation-steps").due, None, "the text fixes no date");
    for id in ["un-relief", "eu-relief", "us-relief"] {
        assert_eq!(status(&s, id), CommitmentStatus::Inactive, "{id} waits for the IAEA's report");
    }
}

#[test]
fn on_2016_01_17_implementation_day_had_brought_un_eu_and_us_relief() {
    let s = on("2016-01-17");
    for id in ["un-sanctions", "eu-nuclear-sanctions", "us-first-tranche", "us-energy-sanctions"] {
        assert_eq!(instrument(&s, id), InstrumentStatus::Relieved, "{id}");
    }
    for id in LIMITS {
        assert_eq!(describe(&s, id), "in effect, verified", "{id}");
    }
    assert_eq!(s.facilities[0].status, FacilityStatus::Disabled, "the Arak core removed");
    assert_eq!(instrument(&on("2016-01-15"), "un-sanctions"), InstrumentStatus::InForce);
}

#[test]
fn on_2018_06_01_the_us_had_left_but_its_sanctions_were_still_winding_down() {
    let s = on("2018-06-01");
    assert!(s.parties.iter().any(|p| p.id == "usa" && p.withdrawn == Some(date("2018-05-08"))));
    assert_eq!(s.agreement, AgreementStatus::InForce, "the others stayed in");
    assert_eq!(instrument(&s, "us-first-tranche"), InstrumentStatus::Relieved);
    assert_eq!(instrument(&s, "us-energy-sanctions"), InstrumentStatus::Relieved);
    assert!(LIMITS.iter().all(|id| status(&s, id) == CommitmentStatus::Fulfilled), "Iran still performing");
    // The EU remained bound not to re-impose; the US share left with it.
    let held = commitment(&s, "no-reimposition");
    assert_eq!(held.status, CommitmentStatus::Fulfilled);
    assert_eq!(held.shares[0].left, Some(date("2018-05-08")));
    assert_eq!(held.shares[1].left, None);
    // Deeds done stay done.
    assert_eq!(status(&s, "us-relief"), CommitmentStatus::Fulfilled);
}

#[test]
fn on_2018_11_06_all_us_sanctions_were_back_and_irans_remedy_was_open() {
    let s = on("2018-11-06");
    assert_eq!(instrument(&s, "us-first-tranche"), InstrumentStatus::InForce);
    assert_eq!(instrument(&s, "us-energy-sanctions"), InstrumentStatus::InForce);
    assert_eq!(instrument(&on("2018-11-04"), "us-energy-sanctions"), InstrumentStatus::Relieved);
    assert_eq!(power(&s, "iran-ceases-stockpile-limit").status, PowerStatus::Available);
    assert_eq!(power(&on("2018-08-06"), "iran-ceases-stockpile-limit").status, PowerStatus::Dormant);
    assert_eq!(instrument(&s, "un-sanctions"), InstrumentStatus::Relieved);
}

#[test]
fn on_2019_07_02_the_iaea_had_found_the_stockpile_over_its_limit_but_enrichment_within() {
    let s = on("2019-07-02");
    assert_eq!(describe(&s, "stockpile-limit"), "suspended, violation verified");
    let breach = &commitment(&s, "stockpile-limit").breaches[0];
    assert_eq!((breach.kind, breach.since), (BreachKind::Verified, date("2019-07-01")));
    assert_eq!(describe(&s, "enrichment-level"), "in effect, verified");
    assert_eq!(s.agreement, AgreementStatus::PartlySuspended);
    assert_eq!(power(&s, "snapback-2231").status, PowerStatus::Available);
}

#[test]
fn on_2019_07_10_iran_was_enriching_above_the_limit() {
    let s = on("2019-07-10");
    assert_eq!(describe(&s, "enrichment-level"), "suspended, violation verified");
    assert_eq!(commitment(&s, "enrichment-level").breaches[0].since, date("2019-07-08"));
}

#[test]
fn on_2019_11_07_fordow_was_enriching_again() {
    let s = on("2019-11-07");
    assert_eq!(status(&s, "fordow"), CommitmentStatus::Suspended);
    assert_eq!(status(&s, "rnd-limits"), CommitmentStatus::Suspended, "step three, September");
    assert_eq!(describe(&s, "centrifuge-limit"), "in effect, verified", "step five came in January");
}

#[test]
fn on_2020_01_15_the_e3_had_triggered_the_dispute_mechanism_without_snap_back() {
    let s = on("2020-01-15");
    assert_eq!(status(&s, "centrifuge-limit"), CommitmentStatus::Suspended);
    for id in ["rnd-limits", "fordow", "centrifuge-limit"] {
        let claim = commitment(&s, id).allegation.as_ref().unwrap();
        assert_eq!((claim.by.as_str(), claim.since), ("e3", date("2020-01-14")), "{id}");
    }
    assert_eq!(describe(&s, "transparency"), "in effect, verified", "cooperation with the IAEA went on");
    assert_eq!(instrument(&s, "un-sanctions"), InstrumentStatus::Relieved);
    assert!(s.agreement_reason.text.contains("are suspended"), "{}", s.agreement_reason.text);
}

#[test]
fn on_2020_09_25_the_us_claim_to_have_restored_un_sanctions_had_no_effect() {
    let s = on("2020-09-25");
    assert_eq!(instrument(&s, "un-sanctions"), InstrumentStatus::Relieved);
    assert_eq!(power(&s, "snapback-2231").status, PowerStatus::Available);
    assert!(s.notes.iter().any(|n| n.text.contains("`usa` had withdrawn")));
}

#[test]
fn on_2021_03_01_iran_had_stopped_applying_the_additional_protocol() {
    let s = on("2021-03-01");
    assert_eq!(status(&s, "transparency"), CommitmentStatus::Suspended);
    assert!(LIMITS.iter().all(|id| status(&s, id) == CommitmentStatus::Suspended));
    // Every limit set aside, the EU still bound not to re-impose: not collapsed.
    assert_eq!(s.agreement, AgreementStatus::PartlySuspended);
}

#[test]
fn on_2023_10_19_the_eu_had_withheld_its_transition_day_relief_without_breach() {
    let s = on("2023-10-19");
    let relief = commitment(&s, "eu-transition-relief");
    assert_eq!(relief.status, CommitmentStatus::Suspended);
    assert!(
        relief.breaches.is_empty(),
        "a suspension the text provides for (paragraph 36) stops the deadline"
    );
    assert_eq!(instrument(&s, "eu-transition-measures"), InstrumentStatus::InForce);
    assert_eq!(describe(&s, "ap-ratification"), "pending (declaration)");
}

#[test]
fn on_2025_09_01_the_e3_snap_back_clock_was_running() {
    let s = on("2025-09-01");
    let snap = power(&s, "snapback-2231");
    assert_eq!(snap.status, PowerStatus::Invoked);
    assert_eq!(snap.takes_effect, Some(date("2025-09-27")), "30 days after 28 August");
    assert_eq!(instrument(&s, "un-sanctions"), InstrumentStatus::Relieved);
}

#[test]
fn on_2025_09_28_the_un_sanctions_applied_again_and_the_eu_followed() {
    let s = on("2025-09-28");
    assert_eq!(instrument(&s, "un-sanctions"), InstrumentStatus::ReImposed);
    assert_eq!(instrument(&on("2025-09-26"), "un-sanctions"), InstrumentStatus::Relieved);
    assert_eq!(instrument(&on("2025-09-29"), "eu-nuclear-sanctions"), InstrumentStatus::InForce);
    assert!(s.agreement_reason.text.contains("`un-sanctions` is re-imposed"), "{}", s.agreement_reason.text);
}

#[test]
fn on_2025_10_19_termination_day_had_passed_with_the_un_sanctions_restored() {
    let s = on("2025-10-19");
    assert_eq!(s.agreement, AgreementStatus::Expired);
    assert_eq!(s.agreement_reason.since, date("2025-10-18"), "Termination Day");
    assert_eq!(instrument(&s, "un-sanctions"), InstrumentStatus::ReImposed);
    assert!(s.commitments.iter().all(|c| c.status.is_terminal() || c.done));
    // The findings outlive the agreement.
    assert_eq!(describe(&s, "stockpile-limit"), "discharged, violation verified");
}

#[test]
fn the_timeline_tells_irans_steps_in_order() {
    let (agreement, log) = case();
    let changes = timeline(&agreement, &log, date("2025-10-19"));
    let suspended = |id: &str| {
        changes
            .iter()
            .find(|t| t.kind == "commitment" && t.item == id && t.to.starts_with("suspended"))
            .map(|t| t.date)
            .unwrap_or_else(|| panic!("{id} never suspended"))
    };
    assert_eq!(suspended("stockpile-limit"), date("2019-05-08"));
    assert_eq!(suspended("enrichment-level"), date("2019-07-07"));
    assert_eq!(suspended("rnd-limits"), date("2019-09-06"));
    assert_eq!(suspended("fordow"), date("2019-11-06"));
    assert_eq!(suspended("centrifuge-limit"), date("2020-01-05"));
    assert_eq!(suspended("transparency"), date("2021-02-23"));
    assert!(changes.windows(2).all(|w| w[0].date <= w[1].date));
}

#[test]
fn replay_report_snapshot() {
    let (agreement, log) = case();
    for day in ["2020-01-15", "2025-09-28"] {
        let s = state(&agreement, &log, date(day)).unwrap();
        insta::assert_snapshot!(format!("replay-{day}"), render(&agreement, &s, Style::Text));
    }
}
