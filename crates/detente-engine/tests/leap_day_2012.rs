//! The US-DPRK "Leap Day" understanding of 29 February 2012 replayed from its real,
//! cited history (`scenarios/leap-day-2012.*`). Each test is a historian's statement
//! about one date (research notes G1, "Historian's statements", numbered as there);
//! if the engine tells the story differently, it is wrong.

use detente_engine::log::{load, Format};
use detente_engine::report::{render, Style};
use detente_engine::state::*;
use detente_engine::{state, timeline, Agreement, Log};
use detente_spec::time::{parse_date, Date};
use detente_spec::{check, SourceFile};

fn case_as_read_by(reader: Option<&str>) -> (Agreement, Log) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios/");
    let spec = std::fs::read_to_string(format!("{dir}leap-day-2012.toml")).unwrap();
    let checked = check(&SourceFile::new("leap-day-2012.toml", spec));
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    let agreement = match reader {
        None => Agreement::compile(&checked.spec).unwrap(),
        Some(party) => Agreement::compile_as_read_by(&checked.spec, party).unwrap(),
    };
    let events = std::fs::read_to_string(format!("{dir}leap-day-2012.events.jsonl")).unwrap();
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

fn as_dprk_read_it_on(day: &str) -> State {
    let (agreement, log) = case_as_read_by(Some("dprk"));
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

/// The log position of the event with this id.
fn event(log: &Log, id: &str) -> usize {
    log.events.iter().find(|e| e.id.as_deref() == Some(id)).unwrap().index
}

const MORATORIA: [&str; 3] = ["missile-moratorium", "nuclear-test-moratorium", "enrichment-moratorium"];

#[test]
fn every_event_is_sourced() {
    let (_, log) = case();
    assert!(log.events.iter().all(|e| e.source.as_deref().is_some_and(|s| s.len() > 40)));
}

/// Statement 7.
#[test]
fn on_2012_02_28_no_understanding_existed_yet() {
    let (agreement, log) = case();
    // The talks of 23-24 February ended without an announcement: there is no state to
    // ask for before the two statements of 29 February, and nothing was signed.
    let refused = state(&agreement, &log, date("2012-02-28")).unwrap_err();
    assert_eq!(refused.to_string(), "2012-02-28 is before the agreement was adopted (2012-02-29)");
    assert_eq!(on("2012-02-29").agreement_reason.since, date("2012-02-29"));
}

/// Statement 1.
#[test]
fn on_2012_03_01_the_moratoria_were_announced_and_nothing_had_been_delivered_or_inspected() {
    let s = on("2012-03-01");
    assert_eq!(s.agreement, AgreementStatus::InForce);
    for id in MORATORIA {
        assert_eq!(describe(&s, id), "in effect", "{id}");
    }
    // Announced, not verified: the IAEA had not returned.
    assert_eq!(status(&s, "enrichment-moratorium"), CommitmentStatus::Performed);
    assert_eq!(status(&s, "iaea-return"), CommitmentStatus::Pending);
    assert_eq!(commitment(&s, "iaea-return").due, None, "neither statement sets a date");
    // The aid waited for the teams to settle its details; none was delivered.
    assert_eq!(status(&s, "aid-arrangements"), CommitmentStatus::Pending);
    assert_eq!(status(&s, "nutritional-assistance"), CommitmentStatus::Inactive);
    assert_eq!(describe(&s, "no-hostile-intent"), "in effect (declaration)");
}

/// Statement 2.
#[test]
fn on_2012_03_17_the_us_called_the_announced_launch_inconsistent_with_the_moratorium() {
    let (_, log) = case();
    let s = on("2012-03-17");
    let missile = commitment(&s, "missile-moratorium");
    assert_eq!(missile.describe, "in effect, violation alleged");
    let claim = missile.allegation.as_ref().unwrap();
    assert_eq!((claim.by.as_str(), claim.since), ("usa", date("2012-03-16")));
    assert_eq!(claim.event, event(&log, "launch-announced"));
    assert!(missile.breaches.is_empty(), "a claim, not an established breach");
    // The aid details had been settled in Beijing on 7-8 March: the aid was now owed.
    assert_eq!(describe(&s, "aid-arrangements"), "fulfilled");
    assert_eq!(status(&s, "nutritional-assistance"), CommitmentStatus::Pending);
    // In the DPRK's reading a satellite launch is no violation of its moratorium.
    let dprk = as_dprk_read_it_on("2012-03-17");
    assert_eq!(describe(&dprk, "missile-moratorium"), "in effect");
    assert!(commitment(&dprk, "missile-moratorium").allegation.is_none());
    assert!(dprk.notes.iter().any(|n| n.event == event(&log, "launch-announced")), "{:?}", dprk.notes);
}

/// Statement 8.
#[test]
fn on_2012_03_20_both_still_affirmed_the_understanding_but_read_the_launch_differently() {
    let s = on("2012-03-20");
    assert_eq!(s.agreement, AgreementStatus::InForce);
    assert!(s.parties.iter().all(|p| p.withdrawn.is_none()));
    // The US claim stands, contested by the DPRK (KCNA, 19 March).
    assert_eq!(describe(&s, "missile-moratorium"), "in effect, violation alleged, disputed");
    // Read as the DPRK wrote it, nothing is wrong.
    let dprk = as_dprk_read_it_on("2012-03-20");
    assert_eq!(describe(&dprk, "missile-moratorium"), "in effect");
    for id in MORATORIA {
        assert_eq!(status(&dprk, id), status(&s, id), "{id}: both readings hold the moratoria");
    }
}

/// Statement 3.
#[test]
fn on_2012_04_01_the_us_had_suspended_the_aid_and_the_dprk_still_claimed_its_moratoria() {
    let s = on("2012-04-01");
    let aid = commitment(&s, "nutritional-assistance");
    assert_eq!(aid.status, CommitmentStatus::Suspended);
    assert_eq!(aid.suspended_by, vec!["`usa` on its own".to_string()]);
    assert_eq!(aid.reason.since, date("2012-03-28"));
    assert_eq!(s.agreement, AgreementStatus::PartlySuspended);
    for id in MORATORIA {
        assert!(describe(&s, id).starts_with("in effect"), "{id}");
    }
    // A suspension is not an abandonment: in the DPRK's reading dialogue still went on.
    let dprk = as_dprk_read_it_on("2012-04-01");
    for id in MORATORIA {
        assert_eq!(describe(&dprk, id), "in effect", "{id}");
    }
}

/// Statement 4.
#[test]
fn on_2012_04_14_the_rocket_had_flown_the_aid_was_cancelled_and_no_inspector_had_returned() {
    let (_, log) = case();
    let s = on("2012-04-14");
    let aid = commitment(&s, "nutritional-assistance");
    assert_eq!(aid.describe, "terminated");
    assert_eq!(aid.reason.since, date("2012-04-13"));
    assert!(aid.reason.text.contains("renounced by `usa`"), "{}", aid.reason.text);
    assert!(!aid.done);
    assert_eq!(status(&s, "iaea-return"), CommitmentStatus::Pending);
    // The US regarded the launch as a breach: its claim stands, dated by the first claim
    // (the announcement); the launch itself is recorded beside it.
    let missile = commitment(&s, "missile-moratorium");
    assert_eq!(missile.describe, "in effect, violation alleged, disputed");
    assert_eq!(missile.allegation.as_ref().unwrap().since, date("2012-03-16"));
    let claim = missile.allegation.as_ref().unwrap();
    assert_eq!(claim.again, vec![event(&log, "launch")], "the launch is cited beside the first claim");
    assert!(missile.reason.text.contains("claimed again on 2012-04-13"), "{}", missile.reason.text);
    // The DPRK had not yet said it was no longer bound.
    assert!(s.parties.iter().all(|p| p.withdrawn.is_none()));
    assert!(!s.agreement.is_over());
}

/// Statement 4, as the DPRK read it: productive dialogue had ended with the aid.
#[test]
fn as_the_dprk_read_it_its_moratoria_lapsed_when_the_aid_was_abandoned() {
    let dprk = as_dprk_read_it_on("2012-04-14");
    for id in MORATORIA {
        let c = commitment(&dprk, id);
        assert_eq!(c.status, CommitmentStatus::Suspended, "{id}");
        assert_eq!(c.reason.since, date("2012-04-13"), "{id}");
    }
    assert_eq!(status(&dprk, "iaea-return"), CommitmentStatus::Suspended);
    assert!(commitment(&dprk, "missile-moratorium").breaches.is_empty(), "no launch counts in its reading");
    // The common text (the US statement) has no such condition.
    let s = on("2012-04-14");
    assert_eq!(describe(&s, "nuclear-test-moratorium"), "in effect");
}

/// Statement 5.
#[test]
fn on_2012_04_18_the_dprk_had_declared_itself_no_longer_bound_and_the_understanding_was_dead() {
    let (_, log) = case();
    let s = on("2012-04-18");
    assert_eq!(s.agreement, AgreementStatus::Terminated);
    assert_eq!(s.agreement_reason.since, date("2012-04-17"));
    assert!(s.agreement_reason.events.contains(&event(&log, "dprk-not-bound")));
    let dprk = s.parties.iter().find(|p| p.id == "dprk").unwrap();
    assert_eq!(dprk.withdrawn, Some(date("2012-04-17")));
    for id in MORATORIA.iter().chain(&["iaea-return", "nutritional-assistance", "people-to-people"]) {
        assert_eq!(status(&s, id), CommitmentStatus::Terminated, "{id}");
    }
    // Leaving ends the moratorium, not the US claim about the launch...
    assert_eq!(describe(&s, "missile-moratorium"), "terminated, violation alleged, disputed");
    // ...nor the DPRK's own claim that the United States had acted with hostile intent.
    let hostile = commitment(&s, "no-hostile-intent");
    assert_eq!(hostile.describe, "terminated (declaration), violation alleged");
    assert_eq!(hostile.allegation.as_ref().unwrap().against, vec!["usa".to_string()]);
    // The Beijing meeting on the aid was a deed done, and stays done.
    assert!(commitment(&s, "aid-arrangements").done);
}

/// Statement 6.
#[test]
fn on_2012_06_30_no_aid_had_been_delivered_and_no_inspector_had_returned() {
    let s = on("2012-06-30");
    for id in ["nutritional-assistance", "iaea-return"] {
        let c = commitment(&s, id);
        assert_eq!(c.status, CommitmentStatus::Terminated, "{id}");
        assert!(!c.done, "{id}");
        assert!(c.shares.iter().all(|share| share.performed.is_none()), "{id}");
    }
    assert!(s.commitments.iter().all(|c| c.breaches.is_empty()), "nothing was ever found in breach");
    assert_eq!(s.commitments, on("2012-04-18").commitments, "nothing changed after 17 April");
}

#[test]
fn the_timeline_tells_the_story_in_order() {
    let (agreement, log) = case();
    let changes = timeline(&agreement, &log, date("2012-06-30"));
    let find = |kind: &str, item: &str, to: &str| {
        changes
            .iter()
            .find(|t| t.kind == kind && t.item == item && t.to == to)
            .map(|t| t.date)
            .unwrap_or_else(|| panic!("no {kind} {item} -> {to}"))
    };
    assert_eq!(find("commitment", "aid-arrangements", "fulfilled"), date("2012-03-08"));
    assert_eq!(find("commitment", "nutritional-assistance", "pending"), date("2012-03-08"));
    assert_eq!(find("commitment", "missile-moratorium", "in effect, violation alleged"), date("2012-03-16"));
    assert_eq!(
        find("commitment", "missile-moratorium", "in effect, violation alleged, disputed"),
        date("2012-03-19")
    );
    assert_eq!(find("commitment", "nutritional-assistance", "suspended"), date("2012-03-28"));
    assert_eq!(find("commitment", "nutritional-assistance", "terminated"), date("2012-04-13"));
    assert_eq!(find("party", "dprk", "withdrawn"), date("2012-04-17"));
    assert_eq!(find("agreement", "leap-day-2012", "terminated"), date("2012-04-17"));
    assert!(changes.windows(2).all(|w| w[0].date <= w[1].date));
    assert!(changes.iter().all(|t| t.date <= date("2012-04-17")), "nothing moves after the DPRK left");
}

#[test]
fn replay_report_snapshot() {
    let (agreement, log) = case();
    let s = state(&agreement, &log, date("2012-04-14")).unwrap();
    insta::assert_snapshot!("replay-2012-04-14", render(&agreement, &s, Style::Text));
}
