//! The Korean peace process of 2018 (the DPRK's moratorium, the Panmunjom Declaration,
//! the Singapore Joint Statement, the Pyongyang Declaration and the Comprehensive
//! Military Agreement) replayed from its real, cited history (`scenarios/korea-2018.*`).
//! Each test is a historian's statement about one date (research notes G2, "Historian's
//! statements", numbered as there); if the engine tells the story differently, it is
//! wrong. What the engine cannot yet say is written as an ignored test, with why.

mod history;

use detente_engine::report::{render, Style};
use detente_engine::state::*;
use detente_engine::{state, timeline, Agreement, Log};
use detente_spec::time::{parse_date, Date};

fn case() -> (Agreement, Log) {
    history::case("korea-2018")
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

fn phase(s: &State, id: &str) -> PhaseStatus {
    s.phases.iter().find(|p| p.id == id).unwrap().status
}

fn amendment_in_effect(s: &State, id: &str) -> Option<Date> {
    s.amendments.iter().find(|a| a.id == id).unwrap().in_effect
}

fn instrument(s: &State, id: &str) -> InstrumentStatus {
    s.instruments.iter().find(|i| i.id == id).unwrap().status
}

/// The log position of the event with this id.
fn event(log: &Log, id: &str) -> usize {
    log.events.iter().find(|e| e.id.as_deref() == Some(id)).unwrap().index
}

/// The note the state keeps about the event with this id, if any.
fn note<'s>(s: &'s State, log: &Log, id: &str) -> Option<&'s str> {
    let index = event(log, id);
    s.notes.iter().find(|n| n.event == index).map(|n| n.text.as_str())
}

const TEXTS: [&str; 4] = ["panmunjom-declaration", "singapore-statement", "pyongyang-declaration", "cma"];
const MORATORIA: [&str; 2] = ["nuclear-test-moratorium", "icbm-moratorium"];

#[test]
fn every_event_is_sourced() {
    let (_, log) = case();
    assert!(log.events.iter().all(|e| e.source.as_deref().is_some_and(|s| s.len() > 40)));
}

/// Statement 1. The record starts with the DPRK's own decision, outside any text: what is
/// "in force" on 26 April is that unilateral moratorium, and no text exists yet.
#[test]
fn on_2018_04_26_the_dprk_had_suspended_its_tests_and_no_text_had_been_signed() {
    let s = on("2018-04-26");
    for id in MORATORIA {
        let c = commitment(&s, id);
        assert_eq!(c.describe, "in effect", "{id}");
        assert_eq!(c.reason.since, date("2018-04-21"), "{id}: from 21 April, as the decision said");
    }
    assert_eq!(status(&s, "test-site-closure"), CommitmentStatus::Pending);
    for id in TEXTS.iter().chain(&["singapore-press-conference"]) {
        assert_eq!(amendment_in_effect(&s, id), None, "{id}");
    }
    for id in ["panmunjom", "singapore", "pyongyang", "military-agreement"] {
        assert_eq!(phase(&s, id), PhaseStatus::Locked, "{id}");
    }
    assert_eq!(s.agreement, AgreementStatus::InForce);
    assert_eq!(s.agreement_reason.since, date("2018-04-21"));
}

/// Statement 2.
#[test]
fn on_2018_05_25_panmunjom_was_in_place_and_punggye_ri_demolished_but_no_us_text_existed() {
    let s = on("2018-05-25");
    assert_eq!(amendment_in_effect(&s, "panmunjom-declaration"), Some(date("2018-04-27")));
    assert_eq!(phase(&s, "panmunjom"), PhaseStatus::Open);
    assert_eq!(status(&s, "liaison-office"), CommitmentStatus::Pending);
    assert_eq!(describe(&s, "end-of-war-talks"), "pending (declaration)");
    assert_eq!(commitment(&s, "end-of-war-talks").due, Some(date("2018-12-31")), "the text's 'this year'");
    let site = commitment(&s, "test-site-closure");
    assert_eq!(site.describe, "fulfilled", "no verification was provided for: journalists only");
    assert_eq!(site.shares[0].performed, Some(date("2018-05-24")));
    assert_eq!(amendment_in_effect(&s, "singapore-statement"), None);
    assert_eq!(phase(&s, "singapore"), PhaseStatus::Locked);
}

/// Statement 3.
#[test]
fn on_2018_06_20_singapore_was_in_place_and_the_exercises_were_suspended_outside_its_text() {
    let (agreement, log) = case();
    let s = state(&agreement, &log, date("2018-06-20")).unwrap();
    assert_eq!(amendment_in_effect(&s, "singapore-statement"), Some(date("2018-06-12")));
    // Four points, none dated.
    for id in ["new-relations", "peace-regime", "denuclearization", "remains-repatriation"] {
        let c = commitment(&s, id);
        assert!(c.describe.starts_with("pending"), "{id}: {}", c.describe);
        assert_eq!(c.due, None, "{id}");
    }
    assert_eq!(describe(&s, "denuclearization"), "pending (declaration)", "'work toward'");
    // The suspension of exercises belongs to the press conference, not to the statement.
    let layer = |id: &str| agreement.spec.commitment.iter().find(|c| c.id == id).unwrap().amendment.clone();
    assert_eq!(layer("exercise-suspension").as_deref(), Some("singapore-press-conference"));
    assert_eq!(layer("denuclearization").as_deref(), Some("singapore-statement"));
    let exercises = commitment(&s, "exercise-suspension");
    assert_eq!(exercises.describe, "in effect");
    assert_eq!(exercises.shares[0].performed, Some(date("2018-06-18")), "Ulchi Freedom Guardian suspended");
    assert_eq!(exercises.shares[0].event, Some(event(&log, "ufg-suspended")));
}

/// Statement 4.
#[test]
fn on_2018_07_28_the_dprk_had_handed_over_55_cases_of_remains_partly_performing_point_4() {
    let s = on("2018-07-28");
    let repatriation = commitment(&s, "remains-repatriation");
    assert_eq!(repatriation.describe, "performed, awaiting verification");
    assert_eq!(repatriation.shares[0].performed, Some(date("2018-07-27")));
    assert_eq!(status(&s, "remains-recovery"), CommitmentStatus::Pending, "no joint recovery");
    assert_eq!(phase(&s, "singapore"), PhaseStatus::Open);
    // The Defense POW/MIA Accounting Agency's field review confirmed them on 1 August.
    assert_eq!(describe(&on("2018-08-02"), "remains-repatriation"), "fulfilled");
}

/// Statement 5.
#[test]
fn on_2018_09_20_pyongyang_and_the_military_agreement_were_signed_and_yongbyon_only_offered() {
    let s = on("2018-09-20");
    assert_eq!(amendment_in_effect(&s, "pyongyang-declaration"), Some(date("2018-09-19")));
    assert_eq!(amendment_in_effect(&s, "cma"), Some(date("2018-09-19")));
    let yongbyon = commitment(&s, "yongbyon-dismantlement");
    assert_eq!(yongbyon.status, CommitmentStatus::Inactive, "conditional on US corresponding measures");
    assert!(
        yongbyon.reason.text.contains("not in_force(un-sanctions-2016-2017)"),
        "{}",
        yongbyon.reason.text
    );
    let tongchang = commitment(&s, "tongchang-ri-dismantlement");
    assert_eq!(tongchang.status, CommitmentStatus::Pending);
    assert_eq!(tongchang.due, None);
    // The zones were due from 1 November; the guard posts and the JSA had no date.
    assert_eq!(commitment(&s, "rok-buffer-zones").due, Some(date("2018-11-01")));
    assert_eq!(status(&s, "dprk-guard-posts"), CommitmentStatus::Pending);
    assert_eq!(instrument(&s, "un-sanctions-2016-2017"), InstrumentStatus::InForce);
}

/// The military agreement in its first weeks: the JSA disarmed and verified with the UN
/// Command, the zones in place on the text's date, the guard posts withdrawn and verified
/// by each other side.
#[test]
fn by_2018_12_13_the_military_agreement_had_been_carried_out_on_both_sides() {
    let s = on("2018-12-13");
    assert_eq!(describe(&s, "jsa-disarmament"), "fulfilled");
    assert!(commitment(&s, "jsa-disarmament").reason.text.contains("verified on 2018-10-27"));
    for id in ["rok-buffer-zones", "dprk-buffer-zones", "rok-no-fly-zones", "dprk-no-fly-zones"] {
        let c = commitment(&s, id);
        assert_eq!(c.describe, "in effect", "{id}");
        assert!(c.breaches.is_empty(), "{id}: in effect on the text's date");
    }
    for id in ["rok-guard-posts", "dprk-guard-posts"] {
        assert_eq!(describe(&s, id), "fulfilled", "{id}");
        assert!(commitment(&s, id).done, "{id}");
    }
    assert!(commitment(&s, "rok-guard-posts").reason.text.contains("in 2018-11 (day unknown)"));
    assert_eq!(phase(&s, "military-agreement"), PhaseStatus::Complete);
}

/// Statement 6.
#[test]
fn on_2019_03_01_hanoi_had_ended_without_agreement_and_the_moratorium_still_held() {
    let s = on("2019-03-01");
    for id in MORATORIA {
        assert_eq!(describe(&s, id), "in effect", "{id}");
    }
    // Hanoi changed nothing the texts provide for: the state is the one before it.
    assert_eq!(s.commitments, on("2019-02-26").commitments);
    assert_eq!(status(&s, "yongbyon-dismantlement"), CommitmentStatus::Inactive);
    assert_eq!(instrument(&s, "un-sanctions-2016-2017"), InstrumentStatus::InForce);
    // The Panmunjom pledge to seek an end-of-war declaration "this year" had lapsed.
    assert_eq!(describe(&s, "end-of-war-talks"), "discharged (declaration)");
    assert_eq!(s.agreement, AgreementStatus::InForce);
}

/// Statement 7.
#[test]
fn on_2020_01_02_the_dprk_no_longer_felt_bound_by_its_moratorium_and_had_not_tested() {
    let (_, log) = case();
    let s = on("2020-01-02");
    for id in MORATORIA {
        let c = commitment(&s, id);
        assert_eq!(c.status, CommitmentStatus::Terminated, "{id}");
        assert_eq!(c.reason.since, date("2020-01-01"), "{id}");
        assert!(c.reason.text.contains("renounced by `dprk`"), "{id}: {}", c.reason.text);
        assert!(c.breaches.is_empty() && c.allegation.is_none(), "{id}: no test had taken place");
    }
    assert_eq!(
        commitment(&s, "nuclear-test-moratorium").reason.events,
        vec![event(&log, "moratorium-renounced")]
    );
    // The test site stays closed: a deed done.
    assert!(commitment(&s, "test-site-closure").done);
    assert!(s.parties.iter().all(|p| p.withdrawn.is_none()), "renounced the moratorium, not the process");
}

/// Statement 8.
#[test]
fn on_2022_03_25_the_dprk_had_tested_an_icbm_for_the_first_time_since_2017() {
    let (agreement, log) = case();
    let s = state(&agreement, &log, date("2022-03-25")).unwrap();
    // The launch is on record: the ROK called it a breach of Kim's promise. The pledge
    // had been renounced in 2020, so the claim stands beside nothing and is kept as a note.
    let text = note(&s, &log, "hwasong-17").unwrap();
    assert!(text.contains("had ended"), "{text}");
    let icbm = commitment(&s, "icbm-moratorium");
    assert_eq!(icbm.status, CommitmentStatus::Terminated);
    assert_eq!(icbm.reason.since, date("2020-01-01"));
    assert!(icbm.breaches.is_empty());
    assert!(note(&on("2022-03-23"), &log, "hwasong-17").is_none(), "not before the launch");
}

/// Statement 8, the part the engine cannot say yet.
#[test]
#[ignore = "not yet pinned: a renounced restraint that was still observed in fact has no status; the launch of 24 March 2022, which ended the ICBM moratorium in practice, is only a note, so the timeline has nothing on that day (docs/semantics.md, 'Claims' and 'Renunciation')"]
fn the_icbm_moratorium_ended_twice_by_declaration_in_2020_and_in_practice_in_2022() {
    let (agreement, log) = case();
    let changes = timeline(&agreement, &log, date("2022-03-25"));
    let ends: Vec<Date> = changes.iter().filter(|t| t.item == "icbm-moratorium").map(|t| t.date).collect();
    assert!(ends.contains(&date("2020-01-01")), "by declaration");
    assert!(ends.contains(&date("2022-03-24")), "in practice");
}

/// Statement 9.
#[test]
fn on_2023_11_22_the_rok_had_suspended_the_no_fly_zones_and_the_rest_stood() {
    let (_, log) = case();
    let s = on("2023-11-22");
    let no_fly = commitment(&s, "rok-no-fly-zones");
    assert_eq!(no_fly.status, CommitmentStatus::Suspended);
    assert_eq!(no_fly.suspended_by, vec!["`rok` on its own".to_string()]);
    assert_eq!(no_fly.reason.events, vec![event(&log, "no-fly-suspended")]);
    // The moratoria renounced in 2020 and the exercises resumed in 2022 are on record too.
    assert_eq!(s.agreement, AgreementStatus::PartlyRenounced);
    assert_eq!(s.agreement_reason.since, date("2020-01-01"));
    assert!(
        s.agreement_reason.text.ends_with("`rok-no-fly-zones` is suspended"),
        "{}",
        s.agreement_reason.text
    );
    assert!(s.agreement_reason.text.contains("`icbm-moratorium`"), "{}", s.agreement_reason.text);
    // The rest of the agreement stood on both sides.
    for id in ["rok-buffer-zones", "dprk-buffer-zones", "dprk-no-fly-zones"] {
        assert!(describe(&s, id).starts_with("in effect"), "{id}");
    }
    // Seoul's finding of 2019 still stands beside the DPRK's buffer zones.
    let claim = commitment(&s, "dprk-buffer-zones").allegation.clone().unwrap();
    assert_eq!((claim.by.as_str(), claim.since), ("rok", date("2019-11-25")));
    assert_ne!(phase(&s, "military-agreement"), PhaseStatus::Terminated);
}

/// Statement 10.
#[test]
fn on_2023_11_24_the_dprk_had_repudiated_the_military_agreement_and_the_rok_had_suspended_part() {
    let (_, log) = case();
    let s = on("2023-11-24");
    // Defunct on the DPRK's side...
    for id in ["dprk-buffer-zones", "dprk-no-fly-zones"] {
        let c = commitment(&s, id);
        assert_eq!(c.status, CommitmentStatus::Terminated, "{id}");
        assert_eq!(c.reason.since, date("2023-11-23"), "{id}");
    }
    assert_eq!(describe(&s, "dprk-buffer-zones"), "terminated, violation alleged");
    // ...partly suspended on the ROK's.
    assert_eq!(status(&s, "rok-no-fly-zones"), CommitmentStatus::Suspended);
    assert_eq!(describe(&s, "rok-buffer-zones"), "in effect");
    assert_eq!(s.agreement, AgreementStatus::PartlyRenounced);
    assert_ne!(phase(&s, "military-agreement"), PhaseStatus::Terminated, "not void on the ROK's side");
    // A deed done cannot be renounced (the JSA disarmed in 2018 stays disarmed on
    // record), but it can be undone: the DPRK rebuilt its guard posts from 24 November.
    assert!(commitment(&s, "jsa-disarmament").done);
    let renounced = s.notes.iter().filter(|n| n.text.contains("a deed done cannot be renounced")).count();
    assert_eq!(renounced, 2, "the JSA and the guard posts");
    let posts = commitment(&s, "dprk-guard-posts");
    assert_eq!(posts.describe, "violated (deed reversed)");
    assert_eq!(posts.breaches[0].event, Some(event(&log, "guard-posts-restored")));
    assert!(!posts.done);
    assert!(commitment(&on("2023-11-23"), "dprk-guard-posts").done, "until the posts were rebuilt");
    assert!(s.parties.iter().all(|p| p.withdrawn.is_none()));
    // The liaison office the DPRK blew up in June 2020: its part undone, at its fault.
    let office = commitment(&s, "liaison-office");
    assert_eq!(office.describe, "violated (deed reversed)");
    assert_eq!(office.breaches[0].parties, vec!["dprk".to_string()]);
    assert_eq!(office.breaches[0].since, date("2020-06-16"));
}

/// What the process had come to after the ROK suspended the whole military agreement.
#[test]
fn on_2024_06_05_nothing_owed_was_being_performed_any_more() {
    let s = on("2024-06-05");
    assert_eq!(s.agreement, AgreementStatus::Collapsed);
    assert_eq!(s.agreement_reason.since, date("2024-06-04"));
    let buffer = commitment(&s, "rok-buffer-zones");
    assert_eq!(buffer.status, CommitmentStatus::Suspended);
    assert!(buffer.reason.text.contains("its part of phase `military-agreement`"), "{}", buffer.reason.text);
    assert_eq!(
        status(&s, "exercise-suspension"),
        CommitmentStatus::Terminated,
        "large exercises since August 2022"
    );
}

#[test]
fn the_timeline_tells_the_story_in_order() {
    let (agreement, log) = case();
    let changes = timeline(&agreement, &log, date("2024-06-30"));
    let find = |kind: &str, item: &str, to: &str| {
        changes
            .iter()
            .find(|t| t.kind == kind && t.item == item && t.to == to)
            .map(|t| t.date)
            .unwrap_or_else(|| panic!("no {kind} {item} -> {to}"))
    };
    assert_eq!(find("commitment", "icbm-moratorium", "in effect"), date("2018-04-21"));
    assert_eq!(find("amendment", "panmunjom-declaration", "in effect"), date("2018-04-27"));
    assert_eq!(find("commitment", "test-site-closure", "fulfilled"), date("2018-05-24"));
    assert_eq!(find("amendment", "singapore-statement", "in effect"), date("2018-06-12"));
    assert_eq!(find("commitment", "remains-repatriation", "fulfilled"), date("2018-08-01"));
    assert_eq!(find("commitment", "liaison-office", "fulfilled"), date("2018-09-14"));
    assert_eq!(find("amendment", "pyongyang-declaration", "in effect"), date("2018-09-19"));
    assert_eq!(find("commitment", "dprk-buffer-zones", "in effect"), date("2018-11-01"));
    assert_eq!(find("commitment", "end-of-war-talks", "discharged (declaration)"), date("2019-01-01"));
    assert_eq!(find("commitment", "dprk-buffer-zones", "in effect, violation alleged"), date("2019-11-25"));
    assert_eq!(find("commitment", "icbm-moratorium", "terminated"), date("2020-01-01"));
    assert_eq!(find("commitment", "exercise-suspension", "terminated"), date("2022-08-22"));
    assert_eq!(find("commitment", "rok-no-fly-zones", "suspended"), date("2023-11-22"));
    assert_eq!(find("agreement", "korea-2018", "partly renounced"), date("2020-01-01"));
    assert_eq!(find("commitment", "liaison-office", "violated (deed reversed)"), date("2020-06-16"));
    assert_eq!(find("commitment", "dprk-guard-posts", "violated (deed reversed)"), date("2023-11-24"));
    assert_eq!(find("phase", "military-agreement", "suspended"), date("2024-06-04"));
    assert_eq!(find("commitment", "dprk-no-fly-zones", "terminated"), date("2023-11-23"));
    assert_eq!(find("commitment", "rok-buffer-zones", "suspended"), date("2024-06-04"));
    assert_eq!(find("agreement", "korea-2018", "collapsed"), date("2024-06-04"));
    assert!(changes.windows(2).all(|w| w[0].date <= w[1].date));
}

#[test]
fn replay_report_snapshot() {
    let (agreement, log) = case();
    let s = state(&agreement, &log, date("2023-11-24")).unwrap();
    insta::assert_snapshot!("replay-2023-11-24", render(&agreement, &s, Style::Text));
}
