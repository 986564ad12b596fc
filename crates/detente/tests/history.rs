//! A live history against the engine's replay of the same record: appended in order,
//! appended out of date order (back-dated), read from a log, and after refusals, the
//! state on every date asked is the state a fresh replay of the final record gives.

#[path = "../../detente-engine/benches/generated/mod.rs"]
mod generated;

use detente::{Agreement, Error, ErrorKind, EventRecord, Format, History, LogFormat};
use detente_engine::Log;
use detente_spec::time::Date;

fn bench_agreement() -> Agreement {
    Agreement::from_spec(&generated::agreement().spec).expect("the generated agreement is valid")
}

fn records(agreement: &Agreement, n: usize) -> Vec<EventRecord> {
    generated::log_lines(agreement.compiled(), n)
        .iter()
        .map(|line| serde_json::from_str(line).expect("generated lines are event records"))
        .collect()
}

/// The state a fresh replay of the history's final record gives.
fn replayed(history: &History, at: Date) -> detente::State {
    let log = Log { events: history.events().to_vec().into(), skipped: Vec::new() };
    detente_engine::state(history.agreement().compiled(), &log, at).expect("after adoption")
}

/// Events as recorded, without where they came from (a file's line, an arrival number).
fn without_lines(events: &[detente::Event]) -> Vec<detente::Event> {
    events.iter().map(|e| detente::Event { line: 0, ..e.clone() }).collect()
}

fn query_dates(history: &History) -> Vec<Date> {
    let log = Log { events: history.events().to_vec().into(), skipped: Vec::new() };
    generated::query_dates(history.agreement().compiled(), &log, 40)
}

#[test]
fn appending_in_order_gives_the_replayed_state_and_keeps_checkpoints() {
    let agreement = bench_agreement();
    let mut history = History::new(&agreement);
    for record in records(&agreement, 2_000) {
        let appended = history.append(record).expect("generated events are valid");
        assert!(!appended.back_dated);
    }
    assert_eq!(history.events().len(), 2_000);
    assert!(history.checkpoints() >= 2_000 / detente::CHECKPOINT_EVERY - 2, "{}", history.checkpoints());
    for at in query_dates(&history) {
        assert_eq!(history.state(at).unwrap(), replayed(&history, at), "at {at}");
    }
}

#[test]
fn back_dated_appends_give_the_state_of_the_record_in_date_order() {
    let agreement = bench_agreement();
    let all = records(&agreement, 1_500);
    // Whole days in reverse order, each day's events in their own order: every append
    // but those of the last day is back-dated, and each day's order is what it was.
    let mut days: Vec<Vec<EventRecord>> = Vec::new();
    for record in all.iter().cloned() {
        match days.last_mut() {
            Some(day) if day[0].date == record.date => day.push(record),
            _ => days.push(vec![record]),
        }
    }
    let mut history = History::new(&agreement);
    let mut back_dated = 0;
    for day in days.iter().rev() {
        for record in day {
            back_dated += usize::from(history.append(record.clone()).unwrap().back_dated);
        }
    }
    assert!(back_dated > 1_000, "{back_dated}");
    let mut in_order = History::new(&agreement);
    all.into_iter().for_each(|r| {
        in_order.append(r).unwrap();
    });
    assert_eq!(without_lines(history.events()), without_lines(in_order.events()));
    for at in query_dates(&history) {
        assert_eq!(history.state(at).unwrap(), in_order.state(at).unwrap(), "at {at}");
        assert_eq!(history.state(at).unwrap(), replayed(&history, at), "at {at}");
    }
}

#[test]
fn a_log_read_whole_equals_the_same_events_appended() {
    let agreement = bench_agreement();
    let lines = generated::log_lines(agreement.compiled(), 800);
    let read = History::from_log(&agreement, &lines.join("\n"), LogFormat::JsonLines).unwrap();
    let mut appended = History::new(&agreement);
    records(&agreement, 800).into_iter().for_each(|r| {
        appended.append(r).unwrap();
    });
    assert_eq!(without_lines(read.events()), without_lines(appended.events()));
    for at in query_dates(&read) {
        assert_eq!(read.state(at).unwrap(), appended.state(at).unwrap());
    }
}

#[test]
fn a_snapshot_does_not_see_later_appends() {
    let agreement = bench_agreement();
    let mut history = History::new(&agreement);
    let all = records(&agreement, 700);
    all[..600].iter().for_each(|r| {
        history.append(r.clone()).unwrap();
    });
    let snapshot = history.clone();
    let at = history.events()[599].date;
    let before = snapshot.state(at).unwrap();
    all[600..].iter().for_each(|r| {
        history.append(r.clone()).unwrap();
    });
    assert_eq!(snapshot.events().len(), 600);
    assert_eq!(snapshot.state(at).unwrap(), before);
    assert_eq!(history.events().len(), 700);
}

fn starter() -> Agreement {
    Agreement::from_text("deal.toml", &detente_spec::starter("deal"), Format::Toml).unwrap()
}

fn record(date: &str, actor: &str, kind: &str, subject: &str) -> EventRecord {
    EventRecord {
        date: Some(date.into()),
        actor: Some(actor.into()),
        kind: Some(kind.into()),
        subject: Some(subject.into()),
        ..EventRecord::default()
    }
}

#[test]
fn refused_events_say_which_field_and_change_nothing() {
    let agreement = starter();
    let mut history = History::new(&agreement);
    let first = EventRecord {
        id: Some("e1".into()),
        ..record("2026-02-01", "beta", "performed", "freeze-enrichment")
    };
    history.append(first.clone()).unwrap();
    let cases = [
        (
            record("2026-02-02", "gamma", "performed", "freeze-enrichment"),
            "actor",
            "no party has the id `gamma`",
        ),
        (record("2026-02-02", "beta", "perfomed", "freeze-enrichment"), "kind", "did you mean `performed`?"),
        (record("2026-02-02", "beta", "performed", "freez"), "subject", "no commitment"),
        (
            record("1999-01-01", "beta", "performed", "freeze-enrichment"),
            "date",
            "before the agreement was adopted",
        ),
        (record("2026-02-31", "beta", "performed", "freeze-enrichment"), "date", "bad date"),
        (
            EventRecord {
                id: Some("e1".into()),
                ..record("2026-03-01", "beta", "performed", "freeze-enrichment")
            },
            "id",
            "already recorded",
        ),
    ];
    for (bad, field, words) in cases {
        let error = history.append(bad).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidEvent);
        let Error::EventRefused(refused) = &error else { panic!("{error:?}") };
        assert_eq!(refused.field, Some(field), "{error}");
        let text = format!("{error} {}", refused.help.clone().unwrap_or_default());
        assert!(text.contains(words), "{text}");
    }
    assert_eq!(history.events().len(), 1);
}

#[test]
fn an_invalid_agreement_is_refused_with_located_diagnostics() {
    let error = Agreement::from_text("bad.toml", "[agreement]\nid = 3\n", Format::Toml).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidAgreement);
    let Error::InvalidAgreement { diagnostics } = &error else { panic!("{error:?}") };
    assert!(diagnostics.iter().any(|d| d.start.is_some_and(|s| s.line == 2)), "{diagnostics:?}");
    assert!(error.to_string().starts_with("bad.toml:"), "{error}");
    let huge = "#".repeat(detente::MAX_AGREEMENT_BYTES + 1);
    assert!(matches!(Agreement::from_text("huge.toml", &huge, Format::Toml), Err(Error::TooLarge { .. })));
}

#[test]
fn dates_before_adoption_and_unknown_ids_are_errors_not_panics() {
    let history = History::new(&starter());
    let early = history.state("1990-01-01".parse().unwrap()).unwrap_err();
    assert_eq!(early.kind(), ErrorKind::NotFound);
    let unknown = history.explain("2026-06-01".parse().unwrap(), "freeze-enrichmen").unwrap_err();
    assert!(
        matches!(&unknown, Error::UnknownItem { suggestion: Some(s), .. } if s.contains("freeze-enrichment")),
        "{unknown:?}"
    );
}

#[test]
fn handles_can_be_shared_across_threads() {
    fn shareable<T: Send + Sync + Clone + 'static>() {}
    shareable::<Agreement>();
    shareable::<History>();
    fn error<T: std::error::Error + miette::Diagnostic + Send + Sync + 'static>() {}
    error::<Error>();
}
