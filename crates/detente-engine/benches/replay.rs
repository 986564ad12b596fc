//! Replay throughput and state queries on a generated agreement of 100 commitments
//! with a log of 1,000,000 events: the scale of decades of monitoring data.
//!
//! Targets: at least 2 million events per second replayed on one core; 1,000 `state`
//! queries at different dates under 100 ms in total. Criterion prints events/s and
//! queries/s.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use detente_engine::Machine;

mod generated;
use generated::{agreement, log, query_dates};

const EVENTS: usize = 1_000_000;

fn bench_replay(c: &mut Criterion) {
    let agreement = agreement();
    let log = log(&agreement, EVENTS);
    let last = log.events.last().unwrap().date;
    let mut group = c.benchmark_group("replay");
    group.sample_size(10);
    group.throughput(Throughput::Elements(log.events.len() as u64));
    group.bench_function("1,000,000 events, 100 commitments", |b| {
        b.iter(|| {
            let mut machine = Machine::new(&agreement, &log.events, false);
            machine.advance_to(last);
            machine.state().events_applied
        })
    });
    group.finish();

    let dates = query_dates(&agreement, &log, 1000);
    let replay = detente_engine::Replay::new(&agreement, &log);
    let mut group = c.benchmark_group("queries");
    group.sample_size(10);
    group.throughput(Throughput::Elements(dates.len() as u64));
    group.bench_function("1,000 state queries at different dates", |b| {
        b.iter(|| dates.iter().map(|d| replay.state_at(*d).unwrap().events_applied).sum::<usize>())
    });
    group.finish();
}

criterion_group!(benches, bench_replay);
criterion_main!(benches);
