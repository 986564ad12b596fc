//! Breaches, claims and who is to blame, on small agreements worked out by hand. Each
//! test pins a defect found by replaying real histories (issue "faithful histories"):
//! a verified violation hidden by a suspension, blame falling on the party that
//! performed, late performance lost, a deed undone, a deadline passing unseen during a
//! suspension, and an accused party clearing the claim against it.

use detente_engine::explain::{explain, render as render_explanation};
use detente_engine::log::{load, Format};
use detente_engine::report::Style;
use detente_engine::state::*;
use detente_engine::{state, timeline, Agreement, Event, Log};
use detente_spec::time::{parse_date, Date};
use detente_spec::{check, SourceFile};

/// Two signatories and an inspectorate; `rest` adds phases, commitments and powers.
fn agreement(rest: &str) -> Agreement {
    let text = format!(
        r#"
[agreement]
id = "case"
title = "Case"
adopted = 2020-01-01

[[party]]
id = "usa"
name = "United States"
role = "signatory"

[[party]]
id = "dprk"
name = "DPRK"
role = "signatory"

[[party]]
id = "iaea"
name = "IAEA"
role = "verifier"

[[instrument]]
id = "sanctions"
name = "Sanctions"
kind = "sanction"
imposed_by = ["usa"]
targets = ["dprk"]
since = 2016-01-01
source = "assumed for the test"

[[phase]]
id = "one"
title = "One"

[[commitment]]
id = "freeze"
title = "Freeze"
phase = "one"
by = ["dprk"]
kind = "continuing"
category = "measure"
due = "30 days"
on_timeout = "violated"
verification = {{ by = "iaea", method = "seals", detection = 0.9 }}
{rest}
"#
    );
    let checked = check(&SourceFile::new("case.toml", text.clone()));
    assert!(!checked.has_errors(), "{:#?}\n{text}", checked.diagnostics);
    Agreement::compile(&checked.spec).unwrap()
}

fn log(agreement: &Agreement, lines: &[&str]) -> Log {
    let json: Vec<String> = lines
        .iter()
        .map(|line| {
            let parts: Vec<&str> = line.split_whitespace().collect();
            let against = parts.get(4).map(|p| format!(r#", "against": "{p}""#)).unwrap_or_default();
            format!(
                r#"{{"date": "{}", "actor": "{}", "kind": "{}", "subject": "{}"{against}}}"#,
                parts[0], parts[1], parts[2], parts[3]
            )
        })
        .collect();
    load(&json.join("\n"), Format::JsonLines, agreement, false).unwrap_or_else(|e| panic!("{e:?}"))
}

fn date(text: &str) -> Date {
    parse_date(text).unwrap()
}

fn at(agreement: &Agreement, log: &Log, day: &str) -> State {
    state(agreement, log, date(day)).unwrap()
}

fn commitment<'a>(state: &'a State, id: &str) -> &'a CommitmentState {
    state.commitments.iter().find(|c| c.id == id).unwrap()
}

fn power(state: &State, id: &str) -> PowerStatus {
    state.powers.iter().find(|p| p.id == id).unwrap().status
}

const SUSPEND_OWN_FREEZE: &str = r#"
[[commitment]]
id = "fuel"
title = "Fuel"
phase = "one"
by = ["usa"]
kind = "continuing"
category = "concession"
benefits = ["dprk"]

[[power]]
id = "lift-freeze"
title = "DPRK lifts its freeze"
kind = "suspend"
holders = ["dprk"]
trigger = "alleged(any of usa)"
suspends = ["freeze"]

[[power]]
id = "snapback"
title = "Snap-back"
kind = "snapback"
holders = ["usa"]
trigger = "violated(any of dprk)"
suspends = ["fuel"]
"#;

#[test]
fn a_verified_violation_stays_visible_beside_a_suspension() {
    let ag = agreement(SUSPEND_OWN_FREEZE);
    let log = log(
        &ag,
        &[
            "2020-01-10 dprk performed freeze",
            "2020-01-20 iaea verified freeze",
            "2020-06-01 dprk violation fuel",
            "2020-06-02 dprk invoked lift-freeze",
            "2020-06-10 iaea violation-verified freeze",
        ],
    );
    let s = at(&ag, &log, "2020-06-11");
    let freeze = commitment(&s, "freeze");
    assert_eq!(freeze.status, CommitmentStatus::Suspended);
    assert_eq!(freeze.describe, "suspended, violation verified");
    assert_eq!(freeze.breaches.len(), 1);
    assert_eq!(freeze.breaches[0].kind, BreachKind::Verified);
    assert_eq!(freeze.breaches[0].parties, vec!["dprk".to_string()]);
    assert_eq!(freeze.breaches[0].event, Some(4));
    assert!(freeze.reason.events.contains(&4), "the reason cites the event: {:?}", freeze.reason);
    assert!(!freeze.alleged, "a verified violation never reads 'violation alleged'");
    // violated(any of dprk) holds, so the snap-back is available.
    assert_eq!(power(&s, "snapback"), PowerStatus::Available);
    assert!(s.notes.is_empty(), "nothing was dropped: {:?}", s.notes);
    // explain cites the event, the timeline records it.
    let explanation = explain(&s, "freeze").unwrap();
    let text = render_explanation(&ag, &log, &explanation, Style::Text);
    assert!(text.contains("event #5"), "{text}");
    let changes = timeline(&ag, &log, date("2020-06-11"));
    assert!(
        changes.iter().any(|t| t.item == "freeze" && t.to == "suspended, violation verified"),
        "{changes:#?}"
    );
}

const JOINT_REMAINS: &str = r#"
[[commitment]]
id = "remains"
title = "Remains repatriated, with joint recovery"
phase = "one"
by = ["usa", "dprk"]
kind = "action"
category = "mutual"
due = "30 days"
on_timeout = "violated"

[[power]]
id = "against-usa"
title = "DPRK suspends over a US breach"
kind = "suspend"
holders = ["dprk"]
trigger = "violated(any of usa)"
suspends = ["freeze"]

[[power]]
id = "against-dprk"
title = "US snap-back over a DPRK breach"
kind = "snapback"
holders = ["usa"]
trigger = "violated(any of dprk)"
suspends = ["remains"]
"#;

#[test]
fn a_joint_commitment_blames_only_the_parties_that_did_not_perform() {
    let ag = agreement(JOINT_REMAINS);
    let log = log(
        &ag,
        &[
            "2020-01-05 dprk performed freeze",
            "2020-01-06 iaea verified freeze",
            "2020-01-20 dprk performed remains",
        ],
    );
    let s = at(&ag, &log, "2020-01-31");
    let remains = commitment(&s, "remains");
    assert_eq!(remains.status, CommitmentStatus::Pending);
    assert!(remains.reason.text.contains("`dprk` performed on 2020-01-20"), "{}", remains.reason.text);
    assert!(remains.reason.text.contains("`usa` has not performed"), "{}", remains.reason.text);
    let s = at(&ag, &log, "2020-02-01");
    let remains = commitment(&s, "remains");
    assert_eq!(remains.status, CommitmentStatus::Violated);
    assert_eq!(remains.breaches[0].kind, BreachKind::MissedDeadline);
    assert_eq!(remains.breaches[0].parties, vec!["usa".to_string()]);
    assert_eq!(remains.shares[1].performed, Some(date("2020-01-20")));
    assert_eq!(remains.shares[0].performed, None);
    assert_eq!(power(&s, "against-usa"), PowerStatus::Available, "violated(any of usa) holds");
    assert_eq!(power(&s, "against-dprk"), PowerStatus::Dormant, "the DPRK performed: no breach of its own");
}

#[test]
fn a_claim_against_one_party_of_a_joint_commitment_accuses_only_it() {
    let ag = agreement(JOINT_REMAINS);
    let log = log(&ag, &["2020-01-05 usa violation remains dprk"]);
    let s = at(&ag, &log, "2020-01-06");
    let allegation = commitment(&s, "remains").allegation.clone().unwrap();
    assert_eq!(allegation.against, vec!["dprk".to_string()]);
    assert_eq!(allegation.by, "usa");
}

#[test]
fn an_accusation_must_name_a_party_bound_by_the_commitment() {
    let ag = agreement(JOINT_REMAINS);
    let line = r#"{"date": "2020-01-05", "actor": "usa", "kind": "violation", "subject": "freeze", "against": "usa"}"#;
    let errors = load(line, Format::JsonLines, &ag, false).unwrap_err();
    assert!(errors[0].message.contains("is not bound by `freeze`"), "{errors:?}");
}

const LATE_RELIEF: &str = r#"
[[commitment]]
id = "relief"
title = "Relief"
phase = "one"
by = ["usa"]
kind = "action"
category = "concession"
due = "30 days"
on_timeout = "violated"
relieves = ["sanctions"]
"#;

#[test]
fn late_performance_is_recorded_and_still_a_breach_of_the_deadline() {
    let ag = agreement(LATE_RELIEF);
    let log = log(
        &ag,
        &[
            "2020-01-05 dprk performed freeze",
            "2020-01-06 iaea verified freeze",
            "2020-03-15 usa performed relief",
        ],
    );
    let s = at(&ag, &log, "2020-03-01");
    assert_eq!(commitment(&s, "relief").status, CommitmentStatus::Violated);
    let s = at(&ag, &log, "2020-03-15");
    let relief = commitment(&s, "relief");
    assert_eq!(relief.status, CommitmentStatus::Fulfilled);
    assert_eq!(relief.late, Some(date("2020-03-15")));
    assert_eq!(relief.describe, "fulfilled (performed late)");
    assert_eq!(relief.breaches[0].kind, BreachKind::MissedDeadline, "the missed deadline stands");
    assert!(relief.reason.text.contains("performed late"), "{}", relief.reason.text);
    assert_eq!(s.instruments[0].status, InstrumentStatus::Relieved, "the late relief relieves");
    assert!(s.notes.is_empty(), "{:?}", s.notes);
}

const PHASE_SNAPBACK: &str = r#"
[[commitment]]
id = "relief"
title = "Relief"
phase = "one"
by = ["usa"]
kind = "action"
category = "concession"
due = "60 days"
on_timeout = "violated"
relieves = ["sanctions"]

[[party]]
id = "prc"
name = "China"
role = "signatory"

[[power]]
id = "snapback"
title = "Snap-back of the whole phase"
kind = "snapback"
holders = ["usa"]
trigger = "alleged(any of dprk)"
restores = "all"
suspends = ["one"]
"#;

#[test]
fn a_deed_done_is_not_undone_by_a_withdrawal_after_a_suspension() {
    let ag = agreement(PHASE_SNAPBACK);
    let lines = [
        "2020-01-05 dprk performed freeze",
        "2020-01-06 iaea verified freeze",
        "2020-01-10 usa performed relief",
        "2020-05-01 usa violation freeze",
        "2020-05-02 usa invoked snapback",
        "2020-06-01 usa withdrew -",
    ];
    let json: Vec<String> = lines
        .iter()
        .map(|l| {
            let p: Vec<&str> = l.split_whitespace().collect();
            if p[2] == "withdrew" {
                format!(r#"{{"date": "{}", "actor": "{}", "kind": "withdrew"}}"#, p[0], p[1])
            } else {
                format!(
                    r#"{{"date": "{}", "actor": "{}", "kind": "{}", "subject": "{}"}}"#,
                    p[0], p[1], p[2], p[3]
                )
            }
        })
        .collect();
    let log = load(&json.join("\n"), Format::JsonLines, &ag, false).unwrap();
    let before = at(&ag, &log, "2020-05-31");
    assert_eq!(commitment(&before, "relief").status, CommitmentStatus::Suspended);
    let after = at(&ag, &log, "2020-06-01");
    assert_eq!(
        commitment(&after, "relief").status,
        CommitmentStatus::Suspended,
        "not terminated: a deed done"
    );
    assert_eq!(
        commitment(&after, "freeze").status,
        CommitmentStatus::Suspended,
        "the DPRK has not withdrawn"
    );
    // Without the suspension the deed stays fulfilled, as before.
    let mut without = log.clone();
    let kept = without.events.iter().filter(|e| e.index != 3 && e.index != 4).cloned();
    without.events = kept.enumerate().map(|(i, e)| Event { index: i, ..e }).collect();
    let s = at(&ag, &without, "2020-06-01");
    assert_eq!(commitment(&s, "relief").status, CommitmentStatus::Fulfilled);
}

#[test]
fn a_deadline_does_not_run_while_its_commitment_is_suspended() {
    let ag = agreement(PHASE_SNAPBACK);
    let log = log(
        &ag,
        &[
            "2020-01-05 dprk performed freeze",
            "2020-01-06 iaea verified freeze",
            "2020-01-20 usa violation freeze",
            "2020-01-20 usa invoked snapback",
        ],
    );
    // `relief` was due on 2020-03-01; it was suspended on 2020-01-20 with 41 days left.
    let s = at(&ag, &log, "2020-06-01");
    let relief = commitment(&s, "relief");
    assert_eq!(relief.status, CommitmentStatus::Suspended);
    assert!(relief.breaches.is_empty(), "no breach: the obligation was suspended");
    assert!(
        relief.reason.text.contains("does not run while it is suspended (41 days were left)"),
        "{}",
        relief.reason.text
    );
    let changes = timeline(&ag, &log, date("2020-06-01"));
    let shown = changes.iter().find(|t| t.item == "relief" && t.to == "suspended").unwrap();
    assert!(shown.reason.text.contains("41 days were left"), "{}", shown.reason.text);
}

#[test]
fn the_accused_cannot_resolve_the_claim_against_it() {
    let ag = agreement(SUSPEND_OWN_FREEZE);
    let log = log(
        &ag,
        &[
            "2020-01-05 dprk performed freeze",
            "2020-02-01 usa violation freeze",
            "2020-02-02 dprk resolved freeze",
        ],
    );
    let s = at(&ag, &log, "2020-02-02");
    assert!(commitment(&s, "freeze").alleged, "the claim stands");
    assert!(
        s.notes.iter().any(|n| n.event == 2 && n.text.contains("cannot resolve the claim against itself")),
        "{:?}",
        s.notes
    );
    // The claimant may withdraw its claim.
    let log2 = self::log(
        &ag,
        &[
            "2020-01-05 dprk performed freeze",
            "2020-02-01 usa violation freeze",
            "2020-02-02 usa resolved freeze",
        ],
    );
    assert!(!commitment(&at(&ag, &log2, "2020-02-02"), "freeze").alleged);
}

#[test]
fn the_timeline_reads_cause_before_effect_and_lists_withdrawals_and_termination() {
    let ag = agreement(SUSPEND_OWN_FREEZE);
    let lines = [
        r#"{"date": "2020-01-05", "actor": "dprk", "kind": "performed", "subject": "freeze"}"#,
        r#"{"date": "2020-02-01", "actor": "dprk", "kind": "violation", "subject": "fuel"}"#,
        r#"{"date": "2020-02-02", "actor": "dprk", "kind": "invoked", "subject": "lift-freeze"}"#,
        r#"{"date": "2020-03-01", "actor": "dprk", "kind": "withdrew"}"#,
    ];
    let log = load(&lines.join("\n"), Format::JsonLines, &ag, false).unwrap();
    let changes = timeline(&ag, &log, date("2020-03-01"));
    let position = |pred: &dyn Fn(&Transition) -> bool| changes.iter().position(pred).unwrap();
    let exercised = position(&|t| t.item == "lift-freeze" && t.to == "exercised");
    let suspended = position(&|t| t.item == "freeze" && t.to.starts_with("suspended"));
    assert!(exercised < suspended, "the power's exercise comes before its effect: {changes:#?}");
    let alleged = position(&|t| t.item == "fuel" && t.to.contains("violation alleged"));
    assert_eq!(changes[alleged].date, date("2020-02-01"), "dated by the claim");
    let withdrew = position(&|t| t.kind == "party" && t.item == "dprk" && t.to == "withdrawn");
    let terminated = position(&|t| t.kind == "agreement" && t.to == "terminated");
    assert!(withdrew < terminated);
}
