//! The simulator's throughput on the bundled default scenario: `korea-2020` under its
//! `[simulation]` assumptions, 20 years monthly. Prints simulated runs per second
//! (criterion's element throughput). Issue 4's target: 100,000 runs in under 2 seconds
//! on 2 cores, i.e. 50,000 runs/s.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use detente_engine::Agreement;
use detente_sim::{simulate, Overrides, Plan, Simulator};
use detente_spec::{check, SourceFile};

fn agreement() -> Agreement {
    let text = include_str!("../../../scenarios/korea-2020.toml");
    let checked = check(&SourceFile::new("korea-2020.toml", text));
    Agreement::compile(&checked.spec).unwrap()
}

fn bench_simulate(c: &mut Criterion) {
    let ag = agreement();
    let runs = 2_000u64;
    let plan =
        Plan::new(&ag, Overrides { runs: Some(runs as u32), years: Some(20), seed: None, start: None })
            .unwrap();
    let sim = Simulator::new(&ag, plan);
    let mut group = c.benchmark_group("simulate");
    group.sample_size(10);
    group.throughput(Throughput::Elements(runs));
    group.bench_function("korea-2020, 20 years monthly, all cores (runs/s)", |b| {
        b.iter(|| simulate(&sim, 0..runs, false, &|_| {}).unwrap().0.runs)
    });
    let single = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    group.bench_function("korea-2020, 20 years monthly, one thread (runs/s)", |b| {
        b.iter(|| single.install(|| simulate(&sim, 0..runs, false, &|_| {}).unwrap().0.runs))
    });
    group.finish();
}

criterion_group!(benches, bench_simulate);
criterion_main!(benches);
