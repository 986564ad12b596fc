//! Lifecycles of `docs/semantics.md`, checked on the starter agreement (`detente init`),
//! whose expected states can be worked out by hand:
//!
//! * phase `freeze` opens on adoption, 2025-01-01;
//! * `freeze-enrichment` (beta, continuing, verified by `inspectorate`) is due in 30 days,
//!   i.e. by 2025-01-31, else violated;
//! * `suspend-sanctions` (alpha, action) is owed once the freeze is verified, due 60 days
//!   later, extended once by 30 days; it relieves `trade-sanctions`;
//! * phase `dismantle` opens when `freeze` is complete;
//! * `snapback` (alpha) is available when a beta commitment is violated, takes effect 30
//!   days after invocation, can be cancelled, and restores every relieved instrument.

use detente_engine::log::{load, Format};
use detente_engine::state::*;
use detente_engine::{state, timeline, Agreement, Log};
use detente_spec::model::FacilityStatus;
use detente_spec::time::{parse_date, Date};
use detente_spec::{check, starter, SourceFile};

fn agreement() -> Agreement {
    let checked = check(&SourceFile::new("starter.toml", starter("starter")));
    assert!(!checked.has_errors());
    Agreement::compile(&checked.spec).unwrap()
}

fn date(text: &str) -> Date {
    parse_date(text).unwrap()
}

/// A log from `date actor kind subject` lines.
fn log(agreement: &Agreement, lines: &[&str]) -> Log {
    let json: Vec<String> = lines
        .iter()
        .map(|line| {
            let parts: Vec<&str> = line.split_whitespace().collect();
            let value = parts.get(4).map(|v| format!(", \"value\": {v}")).unwrap_or_default();
            format!(
                r#"{{"date": "{}", "actor": "{}", "kind": "{}", "subject": "{}"{value}}}"#,
                parts[0], parts[1], parts[2], parts[3]
            )
        })
        .collect();
    load(&json.join("\n"), Format::JsonLines, agreement, false).unwrap_or_else(|e| panic!("{e:?}"))
}

fn at(agreement: &Agreement, log: &Log, day: &str) -> State {
    state(agreement, log, date(day)).unwrap()
}

fn commitment<'a>(state: &'a State, id: &str) -> &'a CommitmentState {
    state.commitments.iter().find(|c| c.id == id).unwrap()
}

fn instrument(state: &State, id: &str) -> InstrumentStatus {
    state.instruments.iter().find(|i| i.id == id).unwrap().status
}

fn power<'a>(state: &'a State, id: &str) -> &'a PowerState {
    state.powers.iter().find(|p| p.id == id).unwrap()
}

#[test]
fn a_deadline_passes_the_day_after_the_due_date() {
    let ag = agreement();
    let empty = log(&ag, &[]);
    let before = at(&ag, &empty, "2025-01-31");
    assert_eq!(commitment(&before, "freeze-enrichment").status, CommitmentStatus::Pending);
    assert_eq!(commitment(&before, "freeze-enrichment").due, Some(date("2025-01-31")));
    assert_eq!(power(&before, "snapback").status, PowerStatus::Dormant);
    let after = at(&ag, &empty, "2025-02-01");
    let freeze = commitment(&after, "freeze-enrichment");
    assert_eq!(freeze.status, CommitmentStatus::Violated);
    assert_eq!(freeze.reason.since, date("2025-02-01"));
    assert!(freeze.reason.text.contains("due on 2025-01-31"), "{}", freeze.reason.text);
    assert_eq!(power(&after, "snapback").status, PowerStatus::Available);
}

#[test]
fn performance_on_the_due_date_is_in_time() {
    let ag = agreement();
    let events = log(&ag, &["2025-01-31 beta performed freeze-enrichment"]);
    let state = at(&ag, &events, "2025-03-01");
    assert_eq!(commitment(&state, "freeze-enrichment").status, CommitmentStatus::Performed);
    assert_eq!(commitment(&state, "freeze-enrichment").describe, "in effect");
}

#[test]
fn verification_gates_fulfilment_and_relief_follows_the_concession() {
    let ag = agreement();
    let events = log(
        &ag,
        &[
            "2025-01-20 beta performed freeze-enrichment",
            "2025-01-28 inspectorate verified freeze-enrichment",
            "2025-02-10 alpha performed suspend-sanctions",
        ],
    );
    let s = at(&ag, &events, "2025-01-25");
    assert_eq!(commitment(&s, "freeze-enrichment").status, CommitmentStatus::Performed);
    assert_eq!(commitment(&s, "suspend-sanctions").status, CommitmentStatus::Inactive);
    assert_eq!(s.facilities[0].status, FacilityStatus::Frozen);
    let s = at(&ag, &events, "2025-01-28");
    assert_eq!(commitment(&s, "freeze-enrichment").status, CommitmentStatus::Fulfilled);
    assert_eq!(commitment(&s, "suspend-sanctions").status, CommitmentStatus::Pending);
    assert_eq!(commitment(&s, "suspend-sanctions").due, Some(date("2025-03-29")));
    assert_eq!(instrument(&s, "trade-sanctions"), InstrumentStatus::InForce);
    let s = at(&ag, &events, "2025-02-10");
    assert_eq!(instrument(&s, "trade-sanctions"), InstrumentStatus::Relieved);
    assert_eq!(s.phases[0].status, PhaseStatus::Complete);
    assert_eq!(s.phases[1].status, PhaseStatus::Open);
    assert_eq!(s.phases[1].opened, Some(date("2025-02-10")));
}

#[test]
fn an_extension_comes_once_then_the_commitment_is_violated() {
    let ag = agreement();
    let events = log(
        &ag,
        &[
            "2025-01-20 beta performed freeze-enrichment",
            "2025-01-28 inspectorate verified freeze-enrichment",
        ],
    );
    assert_eq!(
        commitment(&at(&ag, &events, "2025-03-29"), "suspend-sanctions").status,
        CommitmentStatus::Pending
    );
    let overdue = at(&ag, &events, "2025-03-30");
    assert_eq!(commitment(&overdue, "suspend-sanctions").status, CommitmentStatus::Overdue);
    assert_eq!(commitment(&overdue, "suspend-sanctions").due, Some(date("2025-04-28")));
    let violated = at(&ag, &events, "2025-04-29");
    assert_eq!(commitment(&violated, "suspend-sanctions").status, CommitmentStatus::Violated);
}

#[test]
fn an_extended_event_moves_the_deadline() {
    let ag = agreement();
    let events = log(&ag, &["2025-01-10 alpha extended freeze-enrichment 15"]);
    assert_eq!(
        commitment(&at(&ag, &events, "2025-02-15"), "freeze-enrichment").status,
        CommitmentStatus::Pending
    );
    assert_eq!(
        commitment(&at(&ag, &events, "2025-02-16"), "freeze-enrichment").status,
        CommitmentStatus::Violated
    );
}

#[test]
fn snapback_takes_effect_after_its_notice_and_restores_relief() {
    let ag = agreement();
    let base = [
        "2025-01-20 beta performed freeze-enrichment",
        "2025-01-28 inspectorate verified freeze-enrichment",
        "2025-02-10 alpha performed suspend-sanctions",
        "2025-03-01 inspectorate violation-verified freeze-enrichment",
        "2025-03-02 alpha invoked snapback",
    ];
    let events = log(&ag, &base);
    let s = at(&ag, &events, "2025-03-31");
    assert_eq!(power(&s, "snapback").status, PowerStatus::Invoked);
    assert_eq!(power(&s, "snapback").takes_effect, Some(date("2025-04-01")));
    assert_eq!(instrument(&s, "trade-sanctions"), InstrumentStatus::Relieved);
    assert_eq!(
        s.facilities[0].status,
        FacilityStatus::Operating,
        "a violated freeze no longer holds the plant"
    );
    let s = at(&ag, &events, "2025-04-01");
    assert_eq!(power(&s, "snapback").status, PowerStatus::Exercised);
    assert_eq!(instrument(&s, "trade-sanctions"), InstrumentStatus::ReImposed);
    assert_eq!(s.agreement, AgreementStatus::PartlySuspended);

    let mut cancelled = base.to_vec();
    cancelled.push("2025-03-15 beta resolved snapback");
    let events = log(&ag, &cancelled);
    let s = at(&ag, &events, "2025-06-01");
    assert_eq!(power(&s, "snapback").status, PowerStatus::Cancelled);
    assert_eq!(instrument(&s, "trade-sanctions"), InstrumentStatus::Relieved);
}

#[test]
fn early_performance_counts_once_the_phase_opens() {
    let ag = agreement();
    let events = log(
        &ag,
        &[
            "2025-01-05 beta performed dismantle-plant",
            "2025-01-20 beta performed freeze-enrichment",
            "2025-01-28 inspectorate verified freeze-enrichment",
            "2025-02-10 alpha performed suspend-sanctions",
        ],
    );
    let s = at(&ag, &events, "2025-01-06");
    assert_eq!(commitment(&s, "dismantle-plant").status, CommitmentStatus::Inactive);
    let s = at(&ag, &events, "2025-02-10");
    assert_eq!(commitment(&s, "dismantle-plant").status, CommitmentStatus::Performed);
    assert_eq!(s.facilities[0].status, FacilityStatus::Dismantled);
}

#[test]
fn a_multi_party_commitment_needs_every_party() {
    let ag = agreement();
    let mut lines = vec![
        "2025-01-20 beta performed freeze-enrichment",
        "2025-01-28 inspectorate verified freeze-enrichment",
        "2025-02-10 alpha performed suspend-sanctions",
        "2025-03-01 alpha performed normalize-relations",
    ];
    let s = at(&ag, &log(&ag, &lines), "2025-04-01");
    assert_eq!(commitment(&s, "normalize-relations").status, CommitmentStatus::Pending);
    lines.push("2025-04-02 beta performed normalize-relations");
    let s = at(&ag, &log(&ag, &lines), "2025-04-02");
    assert_eq!(commitment(&s, "normalize-relations").status, CommitmentStatus::Fulfilled);
}

#[test]
fn withdrawal_of_one_of_two_signatories_terminates_the_agreement() {
    let ag = agreement();
    let events = log(&ag, &["2025-01-10 beta withdrew beta"]);
    let s = at(&ag, &events, "2025-01-10");
    assert_eq!(s.agreement, AgreementStatus::Terminated);
    assert_eq!(commitment(&s, "freeze-enrichment").status, CommitmentStatus::Terminated);
    assert_eq!(s.parties[1].withdrawn, Some(date("2025-01-10")));
}

#[test]
fn a_state_ignores_events_after_its_date() {
    let ag = agreement();
    let events = log(
        &ag,
        &[
            "2025-01-20 beta performed freeze-enrichment",
            "2025-03-01 inspectorate verified freeze-enrichment",
        ],
    );
    let only_first = log(&ag, &["2025-01-20 beta performed freeze-enrichment"]);
    assert_eq!(at(&ag, &events, "2025-02-15"), at(&ag, &only_first, "2025-02-15"));
}

#[test]
fn events_without_effect_are_noted_not_lost() {
    let ag = agreement();
    let events =
        log(&ag, &["2025-01-10 alpha invoked snapback", "2025-01-11 beta resolved freeze-enrichment"]);
    let s = at(&ag, &events, "2025-01-20");
    assert_eq!(s.notes.len(), 2);
    assert!(s.notes[0].text.contains("trigger did not hold"));
}

#[test]
fn the_timeline_lists_every_transition_in_order() {
    let ag = agreement();
    let events = log(&ag, &["2025-01-20 beta performed freeze-enrichment"]);
    let transitions = timeline(&ag, &events, date("2025-03-01"));
    assert!(transitions.windows(2).all(|w| w[0].date <= w[1].date));
    assert!(transitions.iter().any(|t| t.item == "freeze-enrichment" && t.to == "in effect"));
    assert!(transitions.iter().any(|t| t.item == "freeze" && t.to == "open"));
}

#[test]
fn a_date_before_adoption_is_refused() {
    let ag = agreement();
    assert!(state(&ag, &log(&ag, &[]), date("2024-12-31")).is_err());
}

/// `violated` holds while any breach stands, a deadline met late included; `unremedied`
/// only while the party at fault has not made it good (performed late) and for a
/// verified violation not yet resolved. A snap-back triggered by `unremedied` is
/// available while the freeze is still undone past its deadline, and no longer once it
/// is performed late.
#[test]
fn a_deadline_met_late_stays_violated_but_is_remedied() {
    let text = starter("starter")
        .replace("trigger = \"violated(any of beta)\"", "trigger = \"unremedied(any of beta)\"");
    let checked = check(&SourceFile::new("starter.toml", text));
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    let ag = Agreement::compile(&checked.spec).unwrap();
    let late = log(&ag, &["2025-02-20 beta performed freeze-enrichment"]);
    assert_eq!(power(&at(&ag, &late, "2025-02-10"), "snapback").status, PowerStatus::Available);
    let after = at(&ag, &late, "2025-02-21");
    assert_eq!(power(&after, "snapback").status, PowerStatus::Dormant, "performed late: remedied");
    assert!(!commitment(&after, "freeze-enrichment").breaches.is_empty(), "the missed deadline stands");
    // A verified violation is unremedied until resolved.
    let cheated = log(
        &ag,
        &[
            "2025-01-20 beta performed freeze-enrichment",
            "2025-03-01 inspectorate violation-verified freeze-enrichment",
            "2025-04-01 alpha resolved freeze-enrichment",
        ],
    );
    assert_eq!(power(&at(&ag, &cheated, "2025-03-02"), "snapback").status, PowerStatus::Available);
    assert_eq!(power(&at(&ag, &cheated, "2025-04-02"), "snapback").status, PowerStatus::Dormant);
}

/// The breakdown the simulator counts and the backtest reads is the engine's: a
/// signatory that withdraws breaks the agreement down; performing steps does not.
#[test]
fn a_withdrawal_is_a_breakdown_and_the_engine_says_so() {
    let agreement = agreement();
    let performed = log(&agreement, &["2026-02-01 beta performed freeze-enrichment"]);
    let mut machine = detente_engine::Machine::new(&agreement, &performed.events, false);
    machine.advance_to(date("2026-06-01"));
    assert!(!machine.has_broken_down() && !machine.has_stopped());
    let withdrew = load(
        r#"{"date": "2026-03-01", "actor": "beta", "kind": "withdrew"}"#,
        Format::JsonLines,
        &agreement,
        false,
    )
    .unwrap();
    let mut machine = detente_engine::Machine::new(&agreement, &withdrew.events, false);
    machine.advance_to(date("2026-02-28"));
    assert!(!machine.has_broken_down());
    machine.advance_to(date("2026-03-01"));
    assert!(machine.has_broken_down() && machine.has_stopped());
}
