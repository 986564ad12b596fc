//! The cost of one simulated run through the live engine: `korea-2020` over 20 years,
//! month by month, every party performing what it owes and the verifier verifying.
//! This is the floor for the simulator's budget (issue 4: 100,000 runs of 20 years in
//! 2 seconds on 2 cores, i.e. about 40 microseconds per run per core). Prints runs/s.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use detente_engine::log::Subject;
use detente_engine::state::CommitmentStatus;
use detente_engine::{Agreement, Machine};
use detente_spec::model::EventKind;
use detente_spec::time::{Date, Duration, Unit};
use detente_spec::{check, SourceFile};

fn agreement() -> Agreement {
    let text = include_str!("../../../scenarios/korea-2020.toml");
    let checked = check(&SourceFile::new("korea-2020.toml", text));
    Agreement::compile(&checked.spec).unwrap()
}

/// The month ends of the horizon, computed once: a simulator's calendar.
fn calendar(ag: &Agreement) -> Vec<Date> {
    let start = ag.spec.agreement.adopted;
    (1..=240u32).map(|m| Duration { amount: m, unit: Unit::Month }.after(start).unwrap()).collect()
}

/// One sincere run: each month, perform what is owed and verify what is performed.
fn run(ag: &Agreement, months: &[Date]) -> usize {
    let mut machine = Machine::live(ag, false);
    for &date in months {
        for (c, spec) in ag.commitments.iter().enumerate() {
            match machine.commitment_status(c) {
                CommitmentStatus::Pending | CommitmentStatus::Overdue => {
                    for &party in &spec.by {
                        let _ = machine.push(date, party, EventKind::Performed, Subject::Commitment(c), None);
                    }
                }
                CommitmentStatus::Performed => {
                    if let Some(v) = spec.verifier {
                        let _ = machine.push(date, v, EventKind::Verified, Subject::Commitment(c), None);
                    }
                }
                _ => {}
            }
        }
        machine.advance_to(date);
    }
    machine.events_applied()
}

fn bench_live(c: &mut Criterion) {
    let ag = agreement();
    let months = calendar(&ag);
    let events = run(&ag, &months);
    assert!(events > 20, "the sincere run performs the roadmap ({events} events)");
    let mut group = c.benchmark_group("live");
    group.throughput(Throughput::Elements(1));
    group.bench_function("one sincere 20-year monthly run of korea-2020", |b| b.iter(|| run(&ag, &months)));
    group.finish();
}

criterion_group!(benches, bench_live);
criterion_main!(benches);
