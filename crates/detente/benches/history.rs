//! The cost of appending one event to a live record (`History::append`) at the end of a
//! record of 1,000 and 10,000 events: alone, and while a reader holds a snapshot (a
//! clone) of the record, as a server's published state does. With a snapshot alive the
//! writer's append copies the record once (copy on write), so its cost grows with the
//! record; alone it does not. The figures are the baseline for a persistent event list
//! (docs/library.md, "Not yet").

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use detente::{Agreement, EventRecord, Format, History, LogFormat};

fn agreement() -> Agreement {
    Agreement::from_text("deal.toml", &detente_spec::starter("deal"), Format::Toml).unwrap()
}

/// A log of `n` measurements by the inspectorate, ten a day from 2 January 2026.
fn log(n: usize) -> String {
    let start: detente::Date = "2026-01-02".parse().unwrap();
    (0..n)
        .map(|i| {
            let day = start.checked_add(jiff::Span::new().days((i / 10) as i64)).unwrap();
            format!(
                r#"{{"date": "{day}", "actor": "inspectorate", "kind": "measured", "subject": "enriched-uranium", "value": {}}}"#,
                100 + i % 50
            ) + "\n"
        })
        .collect()
}

fn next_event(n: usize) -> EventRecord {
    let start: detente::Date = "2026-01-02".parse().unwrap();
    let day = start.checked_add(jiff::Span::new().days((n / 10) as i64 + 1)).unwrap();
    EventRecord {
        date: Some(day.to_string()),
        actor: Some("inspectorate".into()),
        kind: Some("measured".into()),
        subject: Some("enriched-uranium".into()),
        value: Some(120.0),
        ..EventRecord::default()
    }
}

fn bench_append(c: &mut Criterion) {
    let agreement = agreement();
    let mut group = c.benchmark_group("history append");
    group.sample_size(20);
    for n in [1_000, 10_000] {
        let text = log(n);
        let fresh = || History::from_log(&agreement, &text, LogFormat::JsonLines).unwrap();
        assert_eq!(fresh().events().len(), n);
        group.bench_function(format!("at the end of {n} events, alone"), |b| {
            // The history is returned, so that dropping it is not timed.
            b.iter_batched(
                fresh,
                |mut h| {
                    h.append(next_event(n)).unwrap();
                    h
                },
                BatchSize::LargeInput,
            )
        });
        group.bench_function(format!("at the end of {n} events, a snapshot alive"), |b| {
            b.iter_batched(
                || {
                    let h = fresh();
                    (h.clone(), h)
                },
                |(mut h, snapshot)| {
                    h.append(next_event(n)).unwrap();
                    (h, snapshot)
                },
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, bench_append);
criterion_main!(benches);
