//! The constructs real histories need, each on a small agreement worked out by hand:
//! declarations, conditional duration, renunciation, a party's own suspension,
//! disputes, essential parties, succession, breaches established by an agreed
//! procedure, calendar deadlines, notice periods, amendments, readings, the
//! agreement's own life (signed, stalled, collapsed, expired, extended), dates known to
//! the month, snap-back reversed, and estimates dated after adoption.

use detente_engine::log::{load, Format};
use detente_engine::state::*;
use detente_engine::{state, timeline, Agreement, Log};
use detente_spec::time::{parse_date, Date};
use detente_spec::{check, SourceFile};

const PARTIES: &str = r#"
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
"#;

const MORATORIUM: &str = r#"
[[phase]]
id = "one"
title = "One"

[[commitment]]
id = "moratorium"
title = "No nuclear tests"
phase = "one"
by = ["dprk"]
kind = "continuing"
category = "measure"
verification = { by = "iaea", method = "seismic monitoring", detection = 0.99 }
"#;

/// An agreement adopted on 2020-01-01 (extra `[agreement]` keys in `head`).
fn agreement(head: &str, rest: &str) -> Agreement {
    let text = format!(
        "[agreement]\nid = \"case\"\ntitle = \"Case\"\nadopted = 2020-01-01\n{head}\n{PARTIES}\n{rest}"
    );
    let checked = check(&SourceFile::new("case.toml", text.clone()));
    let errors: Vec<_> =
        checked.diagnostics.iter().filter(|d| d.severity() == detente_spec::Severity::Error).collect();
    assert!(errors.is_empty(), "{errors:#?}\n{text}");
    Agreement::compile(&checked.spec).unwrap()
}

fn log(agreement: &Agreement, lines: &[&str]) -> Log {
    load(&lines.join("\n"), Format::JsonLines, agreement, false).unwrap_or_else(|e| panic!("{e:?}"))
}

fn event(date: &str, actor: &str, kind: &str, subject: &str) -> String {
    format!(r#"{{"date": "{date}", "actor": "{actor}", "kind": "{kind}", "subject": "{subject}"}}"#)
}

fn date(text: &str) -> Date {
    parse_date(text).unwrap()
}

fn at(agreement: &Agreement, log: &Log, day: &str) -> State {
    state(agreement, log, date(day)).unwrap()
}

fn commitment<'a>(s: &'a State, id: &str) -> &'a CommitmentState {
    s.commitments.iter().find(|c| c.id == id).unwrap()
}

fn phase(s: &State, id: &str) -> PhaseStatus {
    s.phases.iter().find(|p| p.id == id).unwrap().status
}

#[test]
fn a_declaration_is_never_late_and_never_completes_a_phase_alone() {
    let ag = agreement(
        "",
        r#"
[[phase]]
id = "singapore"
title = "Singapore"

[[phase]]
id = "next"
title = "Next"
after = ["singapore"]

[[commitment]]
id = "new-relations"
title = "Establish new relations"
phase = "singapore"
by = ["usa", "dprk"]
kind = "action"
category = "mutual"
binding = false

[[commitment]]
id = "peace-regime"
title = "Build a peace regime"
phase = "singapore"
by = ["usa", "dprk"]
kind = "action"
category = "mutual"
binding = false
due = 2020-12-31
on_timeout = "discharged"
"#,
    );
    let empty = log(&ag, &[]);
    let s = at(&ag, &empty, "2022-01-01");
    let relations = commitment(&s, "new-relations");
    assert_eq!(relations.status, CommitmentStatus::Pending);
    assert_eq!(relations.describe, "pending (declaration)");
    assert!(relations.breaches.is_empty());
    assert_eq!(commitment(&s, "peace-regime").status, CommitmentStatus::Discharged, "the target date lapsed");
    // A phase of declarations alone never completes, so `next` never opens.
    assert_eq!(phase(&s, "singapore"), PhaseStatus::Open);
    assert_eq!(phase(&s, "next"), PhaseStatus::Locked);
}

#[test]
fn a_moratorium_while_talks_continue_is_suspended_when_they_stop_and_resumes() {
    let ag = agreement(
        "",
        r#"
[[phase]]
id = "one"
title = "One"

[[commitment]]
id = "talks"
title = "Hold productive talks"
phase = "one"
by = ["usa", "dprk"]
kind = "continuing"
category = "mutual"

[[commitment]]
id = "moratorium"
title = "No tests while productive talks continue"
phase = "one"
by = ["dprk"]
kind = "continuing"
category = "measure"
while = "not suspended(talks)"
verification = { by = "iaea", method = "seismic monitoring", detection = 0.99 }
"#,
    );
    let lines =
        [event("2020-06-01", "usa", "suspended", "talks"), event("2020-09-01", "usa", "resumed", "talks")];
    let log = log(&ag, &lines.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(commitment(&at(&ag, &log, "2020-05-31"), "moratorium").status, CommitmentStatus::Performed);
    let during = at(&ag, &log, "2020-06-01");
    let moratorium = commitment(&during, "moratorium");
    assert_eq!(moratorium.status, CommitmentStatus::Suspended);
    assert_eq!(moratorium.suspended_by, vec!["its `while` condition".to_string()]);
    assert!(
        moratorium.reason.text.contains("it lasts while not suspended(talks)"),
        "{}",
        moratorium.reason.text
    );
    let talks = commitment(&during, "talks");
    assert_eq!(talks.suspended_by, vec!["`usa` on its own".to_string()]);
    assert!(talks.reason.text.contains("which the agreement does not provide for"), "{}", talks.reason.text);
    assert_eq!(commitment(&at(&ag, &log, "2020-09-01"), "moratorium").status, CommitmentStatus::Performed);
}

#[test]
fn renouncing_a_commitment_or_a_whole_phase_ends_it_without_leaving_the_agreement() {
    let ag = agreement(
        "",
        &format!(
            "{MORATORIUM}\n{}",
            r#"
[[phase]]
id = "military-agreement"
title = "Comprehensive Military Agreement"

[[commitment]]
id = "buffer-zones"
title = "Buffer zones and no-fly zones"
phase = "military-agreement"
by = ["usa", "dprk"]
kind = "continuing"
category = "mutual"
"#
        ),
    );
    let lines = [
        event("2021-01-01", "dprk", "renounced", "moratorium"),
        event("2023-11-23", "dprk", "renounced", "military-agreement"),
        event("2024-06-04", "usa", "renounced", "military-agreement"),
    ];
    let log = log(&ag, &lines.iter().map(String::as_str).collect::<Vec<_>>());
    let s = at(&ag, &log, "2021-01-01");
    assert_eq!(commitment(&s, "moratorium").status, CommitmentStatus::Terminated);
    assert!(commitment(&s, "moratorium").reason.text.contains("renounced by `dprk` on 2021-01-01"));
    // One side renouncing a phase ends its own pledges in it, not the other side's.
    let s = at(&ag, &log, "2023-11-23");
    let zones = commitment(&s, "buffer-zones");
    assert_eq!(zones.status, CommitmentStatus::Fulfilled, "the United States is still bound");
    assert_eq!(zones.shares[1].left, Some(date("2023-11-23")));
    assert_ne!(phase(&s, "military-agreement"), PhaseStatus::Terminated);
    // When the other side renounces it too, nothing of the phase is left.
    let s = at(&ag, &log, "2024-06-04");
    assert_eq!(phase(&s, "military-agreement"), PhaseStatus::Terminated);
    assert_eq!(commitment(&s, "buffer-zones").status, CommitmentStatus::Terminated);
    assert!(s.parties.iter().all(|p| p.withdrawn.is_none()));
}

#[test]
fn a_party_leaves_a_restraint_it_had_kept_and_a_done_part_of_an_action_stays_done() {
    let ag = agreement(
        "",
        r#"
[[phase]]
id = "one"
title = "One"

[[commitment]]
id = "restraint"
title = "Both refrain from exercises"
phase = "one"
by = ["usa", "dprk"]
kind = "continuing"
category = "mutual"
due = "30 days"
on_timeout = "violated"

[[commitment]]
id = "office"
title = "Both open a liaison office"
phase = "one"
by = ["usa", "dprk"]
kind = "action"
category = "mutual"
"#,
    );
    let lines = [
        event("2020-01-10", "usa", "performed", "restraint"),
        event("2020-01-10", "dprk", "performed", "restraint"),
        event("2020-01-20", "dprk", "performed", "office"),
        event("2020-03-01", "dprk", "renounced", "restraint"),
        event("2020-03-02", "dprk", "renounced", "office"),
    ];
    let log = log(&ag, &lines.iter().map(String::as_str).collect::<Vec<_>>());
    let s = at(&ag, &log, "2020-03-05");
    let restraint = commitment(&s, "restraint");
    assert_eq!(restraint.status, CommitmentStatus::Fulfilled, "the United States still refrains");
    assert_eq!(restraint.shares[1].left, Some(date("2020-03-01")), "kept, then left");
    assert_eq!(commitment(&s, "office").status, CommitmentStatus::Pending, "its part stays done");
    assert!(s.notes.iter().any(|n| n.text.contains("had already performed its part")));
}

#[test]
fn a_party_that_suspends_on_its_own_does_not_stop_its_deadline() {
    let ag = agreement(
        "",
        r#"
[[phase]]
id = "one"
title = "One"

[[commitment]]
id = "disablement"
title = "Disable Yongbyon"
phase = "one"
by = ["dprk"]
kind = "action"
category = "measure"
due = 2020-12-31
on_timeout = "violated"
verification = { by = "iaea", method = "monitoring", detection = 0.9 }
"#,
    );
    let lines = [
        event("2020-08-14", "dprk", "suspended", "disablement"),
        event("2021-03-01", "dprk", "resumed", "disablement"),
    ];
    let log = log(&ag, &lines.iter().map(String::as_str).collect::<Vec<_>>());
    let s = at(&ag, &log, "2021-01-01");
    let c = commitment(&s, "disablement");
    assert_eq!(c.status, CommitmentStatus::Suspended);
    assert_eq!(c.describe, "suspended, deadline missed", "the deadline ran through the suspension");
    assert_eq!(c.breaches[0].parties, vec!["dprk".to_string()]);
    assert_eq!(commitment(&at(&ag, &log, "2021-03-01"), "disablement").status, CommitmentStatus::Violated);
}

#[test]
fn the_accused_can_dispute_a_claim_without_clearing_it() {
    let ag = agreement("", MORATORIUM);
    let lines = [
        event("2020-03-01", "usa", "violation", "moratorium"),
        event("2020-03-02", "dprk", "disputed", "moratorium"),
    ];
    let log = log(&ag, &lines.iter().map(String::as_str).collect::<Vec<_>>());
    let c = commitment(&at(&ag, &log, "2020-03-02"), "moratorium").clone();
    assert!(c.alleged);
    assert_eq!(c.disputed, Some(1));
    assert_eq!(c.describe, "in effect, violation alleged, disputed");
    assert!(c.reason.text.contains("disputed by `dprk` on 2020-03-02"), "{}", c.reason.text);
}

#[test]
fn the_agreement_ends_when_an_essential_party_withdraws() {
    let text = PARTIES.replace(
        "id = \"dprk\"\nname = \"DPRK\"\nrole = \"signatory\"",
        "id = \"dprk\"\nname = \"DPRK\"\nrole = \"signatory\"\nessential = true",
    );
    let checked = check(&SourceFile::new(
        "c.toml",
        format!(
            "[agreement]\nid = \"six\"\ntitle = \"T\"\nadopted = 2020-01-01\n{text}\n[[party]]\nid = \"prc\"\nname = \"China\"\nrole = \"signatory\"\n{MORATORIUM}"
        ),
    ));
    let ag = Agreement::compile(&checked.spec).unwrap();
    let log = log(&ag, &[r#"{"date": "2020-04-14", "actor": "dprk", "kind": "withdrew"}"#]);
    let s = at(&ag, &log, "2020-04-14");
    assert_eq!(
        s.agreement,
        AgreementStatus::Terminated,
        "two signatories remain, but the DPRK was essential"
    );
    assert!(
        s.agreement_reason.text.contains("`dprk` is essential to the agreement"),
        "{}",
        s.agreement_reason.text
    );
}

#[test]
fn a_successor_performs_and_answers_for_its_predecessor() {
    let ag = agreement(
        "",
        r#"
[[party]]
id = "russia"
name = "Russian Federation"
role = "signatory"
succeeds = { party = "dprk", on = 2021-12-26 }

[[phase]]
id = "one"
title = "One"

[[commitment]]
id = "eliminate"
title = "Eliminate the missiles"
phase = "one"
by = ["usa", "dprk"]
kind = "action"
category = "mutual"
due = "3 years"
on_timeout = "violated"
"#,
    );
    let lines = [
        event("2021-06-01", "russia", "performed", "eliminate"),
        event("2022-01-10", "russia", "performed", "eliminate"),
        event("2022-02-01", "dprk", "performed", "eliminate"),
    ];
    let log = log(&ag, &lines.iter().map(String::as_str).collect::<Vec<_>>());
    let s = at(&ag, &log, "2022-02-01");
    assert_eq!(s.notes.len(), 2, "russia before its succession, dprk after it: {:?}", s.notes);
    assert!(s.notes[0].text.contains("takes the place of `dprk` only from 2021-12-26"));
    assert!(s.notes[1].text.contains("had been succeeded by `russia`"));
    let eliminate = commitment(&s, "eliminate");
    assert_eq!(eliminate.shares[1].performed, Some(date("2022-01-10")), "russia performed dprk's part");
    let s = at(&ag, &log, "2023-01-02");
    assert_eq!(commitment(&s, "eliminate").breaches[0].parties, vec!["usa".to_string()]);
    assert_eq!(s.parties[1].succeeded_by, Some(("russia".to_string(), date("2021-12-26"))));
}

#[test]
fn a_body_that_is_not_a_party_can_establish_a_breach_by_agreed_procedure() {
    let ag = agreement(
        "",
        r#"
[[party]]
id = "unsc"
name = "UN Security Council"
role = "external"
asserts = ["violation-verified", "resolved"]

[[phase]]
id = "one"
title = "One"

[[commitment]]
id = "no-launches"
title = "No long-range launches"
phase = "one"
by = ["dprk"]
kind = "continuing"
category = "measure"
established_by = ["unsc"]
"#,
    );
    let lines = [event("2020-04-13", "unsc", "violation-verified", "no-launches")];
    let log = log(&ag, &lines.iter().map(String::as_str).collect::<Vec<_>>());
    let c = commitment(&at(&ag, &log, "2020-04-13"), "no-launches").clone();
    assert_eq!(c.status, CommitmentStatus::Violated);
    assert!(c.reason.text.contains("established by agreed procedure by `unsc`"), "{}", c.reason.text);
    let refused = load(
        &event("2020-04-13", "iaea", "violation-verified", "no-launches"),
        Format::JsonLines,
        &ag,
        false,
    );
    assert!(refused.unwrap_err()[0].message.contains("cannot establish a breach"));
}

#[test]
fn a_notified_concession_takes_effect_after_its_notice_and_a_suspension_defers_it() {
    let ag = agreement(
        "",
        r#"
[[instrument]]
id = "terrorism-list"
name = "State sponsor of terrorism designation"
kind = "sanction"
imposed_by = ["usa"]
targets = ["dprk"]
source = "assumed"

[[phase]]
id = "one"
title = "One"

[[commitment]]
id = "declaration"
title = "Declaration"
phase = "one"
by = ["dprk"]
kind = "action"
category = "measure"
due = "1 year"
on_timeout = "violated"
verification = { by = "iaea", method = "review", detection = 0.5 }

[[commitment]]
id = "delisting"
title = "Rescind the designation"
phase = "one"
by = ["usa"]
kind = "action"
category = "concession"
due = "1 year"
on_timeout = "violated"
notice = "45 days"
relieves = ["terrorism-list"]
"#,
    );
    let lines = [
        event("2020-06-26", "usa", "performed", "delisting"),
        event("2020-08-09", "usa", "suspended", "delisting"),
        event("2020-10-11", "usa", "resumed", "delisting"),
    ];
    let log = log(&ag, &lines.iter().map(String::as_str).collect::<Vec<_>>());
    let s = at(&ag, &log, "2020-07-01");
    assert_eq!(commitment(&s, "delisting").describe, "performed, takes effect on 2020-08-10");
    assert_eq!(s.instruments[0].status, InstrumentStatus::InForce);
    assert_eq!(s.instruments[0].reason.text, "in force since a date the record does not give");
    let s = at(&ag, &log, "2020-09-01");
    assert_eq!(
        commitment(&s, "delisting").status,
        CommitmentStatus::Suspended,
        "deferred the day before it would take effect"
    );
    let s = at(&ag, &log, "2020-10-11");
    assert_eq!(commitment(&s, "delisting").status, CommitmentStatus::Fulfilled);
    assert_eq!(s.instruments[0].status, InstrumentStatus::Relieved);
    assert!(commitment(&s, "delisting").breaches.is_empty(), "performed in time");
}

#[test]
fn an_amendment_adds_and_replaces_terms_from_the_day_it_takes_effect() {
    let ag = agreement(
        "",
        r#"
[[amendment]]
id = "protocol-2010"
title = "Protocol of 2010"
signed = 2020-04-13

[[phase]]
id = "one"
title = "One"

[[commitment]]
id = "dispose-old"
title = "Dispose of 34 t by method A"
phase = "one"
by = ["usa", "dprk"]
kind = "action"
category = "mutual"
due = "3 years"
on_timeout = "violated"

[[commitment]]
id = "dispose-new"
title = "Dispose of 34 t by method B"
phase = "one"
by = ["usa", "dprk"]
kind = "action"
category = "mutual"
due = "5 years"
on_timeout = "violated"
amendment = "protocol-2010"
replaces = ["dispose-old"]
"#,
    );
    let lines = [event("2021-07-13", "usa", "amended", "protocol-2010")];
    let log = log(&ag, &lines.iter().map(String::as_str).collect::<Vec<_>>());
    let s = at(&ag, &log, "2021-07-12");
    assert_eq!(commitment(&s, "dispose-old").status, CommitmentStatus::Pending);
    assert_eq!(commitment(&s, "dispose-new").status, CommitmentStatus::Inactive);
    assert_eq!(s.amendments[0].in_effect, None);
    let s = at(&ag, &log, "2021-07-13");
    assert_eq!(commitment(&s, "dispose-old").status, CommitmentStatus::Discharged);
    assert!(commitment(&s, "dispose-old").reason.text.contains("superseded by `dispose-new`"));
    assert_eq!(commitment(&s, "dispose-new").status, CommitmentStatus::Pending);
    assert_eq!(commitment(&s, "dispose-new").due, Some(date("2026-07-13")));
    let changes = timeline(&ag, &log, date("2021-07-13"));
    assert!(changes.iter().any(|t| t.kind == "amendment" && t.to == "in effect"));
}

#[test]
fn each_party_reads_its_own_text_and_the_replay_follows_either_reading() {
    let text = format!(
        "[agreement]\nid = \"leap-day\"\ntitle = \"T\"\nadopted = 2020-01-01\n{PARTIES}\n{}",
        r#"
[[phase]]
id = "one"
title = "One"

[[commitment]]
id = "missile-moratorium"
title = "No long-range missile launches"
phase = "one"
by = ["dprk"]
kind = "continuing"
category = "measure"
verification = { by = "iaea", method = "national means", detection = 0.99 }

[commitment.readings.dprk]
text = "No long-range missile launches; a satellite launch is not one"
excludes = ["satellite-launch"]
"#
    );
    let checked = check(&SourceFile::new("leap.toml", text));
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    let common = Agreement::compile(&checked.spec).unwrap();
    let dprk = Agreement::compile_as_read_by(&checked.spec, "dprk").unwrap();
    let line = r#"{"date": "2020-04-13", "actor": "iaea", "kind": "violation-verified", "subject": "missile-moratorium", "matter": "satellite-launch"}"#;
    let as_usa = at(&common, &load(line, Format::JsonLines, &common, false).unwrap(), "2020-04-14");
    assert_eq!(commitment(&as_usa, "missile-moratorium").status, CommitmentStatus::Violated);
    let as_dprk = at(&dprk, &load(line, Format::JsonLines, &dprk, false).unwrap(), "2020-04-14");
    assert_eq!(commitment(&as_dprk, "missile-moratorium").status, CommitmentStatus::Performed);
    assert!(as_dprk.notes[0]
        .text
        .contains("as `dprk` reads `missile-moratorium`, it does not cover `satellite-launch`"));
}

#[test]
fn the_agreement_is_signed_then_in_force_then_stalled_then_expired_after_its_extended_term() {
    let ag = agreement(
        "signed = 2019-04-08\nends = 2021-01-01\nstalls_after = \"6 months\"",
        r#"
[[phase]]
id = "one"
title = "One"

[[commitment]]
id = "limits"
title = "Central limits"
phase = "one"
by = ["usa", "dprk"]
kind = "action"
category = "mutual"
due = "3 years"
on_timeout = "violated"
"#,
    );
    let lines = [
        r#"{"date": "2020-12-01", "actor": "usa", "kind": "extended", "subject": "case", "until": "2022-02-05"}"#,
    ];
    let log = log(&ag, &lines);
    let signed = at(&ag, &log, "2019-06-01");
    assert_eq!(signed.agreement, AgreementStatus::Signed);
    assert_eq!(signed.phases[0].status, PhaseStatus::Locked);
    assert!(state(&ag, &log, date("2019-04-07")).is_err(), "before signature there is nothing");
    assert_eq!(at(&ag, &log, "2020-06-30").agreement, AgreementStatus::InForce);
    let stalled = at(&ag, &log, "2020-07-01");
    assert_eq!(stalled.agreement, AgreementStatus::Stalled);
    assert!(stalled.agreement_reason.text.contains("nothing owed has moved since 2020-01-01"));
    assert_eq!(at(&ag, &log, "2021-06-01").agreement, AgreementStatus::Stalled, "the term was extended");
    assert_eq!(at(&ag, &log, "2022-02-05").agreement, AgreementStatus::Stalled, "its last day in force");
    let expired = at(&ag, &log, "2022-02-06");
    assert_eq!(expired.agreement, AgreementStatus::Expired);
    assert_eq!(commitment(&expired, "limits").status, CommitmentStatus::Discharged);
}

#[test]
fn an_agreement_collapses_when_nothing_owed_is_performed_or_awaited() {
    let ag = agreement(
        "",
        &format!(
            "{MORATORIUM}\n{}",
            r#"
[[commitment]]
id = "fuel"
title = "Fuel oil"
phase = "one"
by = ["usa"]
kind = "continuing"
category = "concession"
benefits = ["dprk"]

[[power]]
id = "stop-fuel"
title = "Stop fuel"
kind = "suspend"
holders = ["usa"]
trigger = "alleged(any of dprk)"
suspends = ["fuel"]
"#
        ),
    );
    let lines = [
        event("2020-10-16", "usa", "violation", "moratorium"),
        event("2020-11-14", "usa", "invoked", "stop-fuel"),
        event("2020-12-12", "dprk", "suspended", "moratorium"),
    ];
    let log = log(&ag, &lines.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(at(&ag, &log, "2020-11-13").agreement, AgreementStatus::InForce);
    assert_eq!(
        at(&ag, &log, "2020-11-14").agreement,
        AgreementStatus::PartlySuspended,
        "a claim alone: still held"
    );
    let s = at(&ag, &log, "2020-12-12");
    assert_eq!(s.agreement, AgreementStatus::Collapsed);
    assert!(s.agreement_reason.text.contains("nothing owed is being performed or awaited"));
}

#[test]
fn an_event_known_only_to_the_month_counts_from_the_months_end() {
    let ag = agreement("", MORATORIUM);
    let lines = [
        r#"{"date": "2020-12", "actor": "iaea", "kind": "violation-verified", "subject": "moratorium"}"#,
        r#"{"date": "2020-12-10", "actor": "usa", "kind": "violation", "subject": "moratorium"}"#,
    ];
    let log = log(&ag, &lines);
    assert_eq!(log.events[1].date_words(), "2020-12 (day unknown)", "sorted after the day-dated event");
    let s = at(&ag, &log, "2020-12-30");
    assert!(commitment(&s, "moratorium").alleged);
    let s = at(&ag, &log, "2020-12-31");
    let c = commitment(&s, "moratorium");
    assert_eq!(c.status, CommitmentStatus::Violated);
    assert!(c.reason.text.contains("in 2020-12 (day unknown)"), "{}", c.reason.text);
    let errors = load(
        &[
            r#"{"date": "2021-01-10", "actor": "usa", "kind": "violation", "subject": "moratorium"}"#,
            lines[0],
        ]
        .join("\n"),
        Format::JsonLines,
        &ag,
        false,
    )
    .unwrap_err();
    assert!(errors[0].message.contains("out of date order"));
}

#[test]
fn a_snapback_reversed_when_its_condition_holds_restores_relief() {
    let ag = agreement(
        "",
        &format!(
            "{MORATORIUM}\n{}",
            r#"
[[instrument]]
id = "sanctions"
name = "Sanctions"
kind = "sanction"
imposed_by = ["usa"]
targets = ["dprk"]
since = 2016-01-01
source = "assumed"

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

[[power]]
id = "snapback"
title = "Snap-back, reversed once the breach is remedied"
kind = "snapback"
holders = ["usa"]
trigger = "violated(any of dprk)"
restores = "all"
resumes_when = "not violated(any of dprk)"
"#
        ),
    );
    let lines = [
        event("2020-01-10", "usa", "performed", "relief"),
        event("2020-05-01", "iaea", "violation-verified", "moratorium"),
        event("2020-05-02", "usa", "invoked", "snapback"),
        event("2020-09-01", "iaea", "resolved", "moratorium"),
    ];
    let log = log(&ag, &lines.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(at(&ag, &log, "2020-05-02").instruments[0].status, InstrumentStatus::ReImposed);
    let s = at(&ag, &log, "2020-09-01");
    assert_eq!(s.instruments[0].status, InstrumentStatus::Relieved);
    assert!(
        s.instruments[0].reason.text.contains("relieved again by `relief`"),
        "{}",
        s.instruments[0].reason.text
    );
    assert_eq!(s.powers[0].status, PowerStatus::Dormant);
}

#[test]
fn an_estimate_dated_after_adoption_is_unknown_until_then() {
    let ag = agreement(
        "",
        r#"
[[quantity]]
id = "warheads"
name = "Deployed warheads"
unit = "warheads"
initial = 1550
as_of = 2020-03-22
source = "first data exchange"

[[phase]]
id = "one"
title = "One"

[[commitment]]
id = "inspections"
title = "Inspections once the data are in"
phase = "one"
by = ["dprk"]
kind = "continuing"
category = "measure"
when = "quantity(warheads) <= 1550"
verification = { by = "iaea", method = "inspection", detection = 0.9 }
"#,
    );
    let empty = log(&ag, &[]);
    let s = at(&ag, &empty, "2020-03-21");
    assert_eq!(commitment(&s, "inspections").status, CommitmentStatus::Inactive);
    assert!(s.quantities[0].reason.text.contains("not known yet: the first estimate is dated 2020-03-22"));
    assert_eq!(commitment(&at(&ag, &empty, "2020-03-22"), "inspections").status, CommitmentStatus::Performed);
}

/// Three signatories: aid owed by two donors, and a contract two must sign together.
const DONORS: &str = r#"
[[party]]
id = "rok"
name = "ROK"
role = "signatory"

[[phase]]
id = "one"
title = "One"

[[commitment]]
id = "aid"
title = "Aid from the United States and the ROK"
phase = "one"
by = ["usa", "rok"]
kind = "action"
category = "concession"
due = "90 days"
on_timeout = "violated"
benefits = ["dprk"]

[[commitment]]
id = "contract"
title = "The United States and the DPRK sign a supply contract"
phase = "one"
by = ["usa", "dprk"]
kind = "action"
category = "mutual"
"#;

#[test]
fn a_party_leaving_a_commitment_of_several_leaves_the_others_owing_theirs() {
    let ag = agreement("record = true", DONORS);
    let l = log(
        &ag,
        &[
            r#"{"date": "2020-02-01", "actor": "usa", "kind": "withdrew"}"#,
            &event("2020-03-01", "rok", "performed", "aid"),
        ],
    );
    let before = at(&ag, &l, "2020-02-15");
    let aid = commitment(&before, "aid");
    assert_eq!(aid.status, CommitmentStatus::Pending, "the ROK still owes its part");
    assert_eq!(aid.shares[0].left, Some(date("2020-02-01")));
    assert!(
        aid.reason.text.contains("`usa` withdrew on 2020-02-01 (event #1), leaving its part"),
        "{}",
        aid.reason.text
    );
    // A joint act cannot be done without the party that left.
    assert_eq!(commitment(&before, "contract").status, CommitmentStatus::Terminated);
    let after = at(&ag, &l, "2020-03-01");
    assert_eq!(commitment(&after, "aid").status, CommitmentStatus::Fulfilled, "done by those still bound");
    assert!(commitment(&after, "aid").done);
}

#[test]
fn a_deadline_missed_after_one_party_left_is_blamed_on_those_still_bound() {
    let ag = agreement("record = true", DONORS);
    let l = log(&ag, &[r#"{"date": "2020-02-01", "actor": "usa", "kind": "withdrew"}"#]);
    let s = at(&ag, &l, "2020-04-01");
    let aid = commitment(&s, "aid");
    assert_eq!(aid.status, CommitmentStatus::Violated);
    assert_eq!(aid.breaches[0].parties, vec!["rok".to_string()], "not the party that had left");
}

#[test]
fn renouncing_ones_part_of_a_shared_commitment_ends_only_that_part() {
    let ag = agreement("record = true", DONORS);
    let l = log(
        &ag,
        &[&event("2020-02-01", "rok", "renounced", "aid"), &event("2020-02-10", "rok", "performed", "aid")],
    );
    let s = at(&ag, &l, "2020-02-15");
    assert_eq!(
        commitment(&s, "aid").status,
        CommitmentStatus::Pending,
        "the United States still owes its part"
    );
    assert!(s.notes.iter().any(|n| n.text.contains("had renounced its part")));
    let l = log(
        &ag,
        &[&event("2020-02-01", "rok", "renounced", "aid"), &event("2020-02-02", "usa", "renounced", "aid")],
    );
    assert_eq!(
        commitment(&at(&ag, &l, "2020-02-15"), "aid").status,
        CommitmentStatus::Terminated,
        "no one left to perform it"
    );
}
