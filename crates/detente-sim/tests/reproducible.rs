//! Reproducibility: the same seed gives byte-identical results whatever the thread
//! count, shards merge into exactly what one run gives, and a small fixed-seed summary is
//! pinned by a snapshot.

mod common;

use common::{compile, spec};
use detente_sim::summary::Summary;
use detente_sim::{empty_tally, shard, simulate, Overrides, Plan, Simulator, Tally};

fn korea(runs: u32) -> (detente_engine::Agreement, Plan) {
    let ag = compile(&spec("../../scenarios/korea-2020.toml"));
    let plan =
        Plan::new(&ag, Overrides { runs: Some(runs), years: Some(10), seed: Some(7), start: None }).unwrap();
    (ag, plan)
}

fn on_threads(threads: usize, sim: &Simulator, runs: u64) -> Tally {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    pool.install(|| simulate(sim, 0..runs, false, &|_| {}).unwrap().0)
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let (ag, plan) = korea(700);
    let sim = Simulator::new(&ag, plan);
    let one = on_threads(1, &sim, 700);
    let json = |t: &Tally| serde_json::to_string(&Summary::new(&ag, sim.plan(), t)).unwrap();
    for threads in [2, 3, 8] {
        let many = on_threads(threads, &sim, 700);
        assert_eq!(one, many, "tally with {threads} threads");
        assert_eq!(json(&one), json(&many), "summary with {threads} threads");
    }
}

#[test]
fn shards_merge_into_exactly_one_run() {
    let (ag, plan) = korea(500);
    let sim = Simulator::new(&ag, plan);
    let whole = on_threads(2, &sim, 500);
    for count in [2u64, 3, 7] {
        let mut merged = empty_tally(&sim);
        // Merge in reverse order: the order must not matter either.
        for index in (1..=count).rev() {
            let part = simulate(&sim, shard(500, index, count), false, &|_| {}).unwrap().0;
            merged.merge(&part).unwrap();
        }
        assert_eq!(whole, merged, "{count} shards");
    }
}

#[test]
fn kept_runs_are_in_run_order_and_agree_with_the_tally() {
    let (ag, plan) = korea(300);
    let sim = Simulator::new(&ag, plan);
    let (tally, records) = simulate(&sim, 0..300, true, &|_| {}).unwrap();
    assert_eq!(records.iter().map(|r| r.run).collect::<Vec<_>>(), (0..300).collect::<Vec<_>>());
    let snapbacks = records.iter().filter(|r| r.snapback_month.is_some()).count() as u64;
    assert_eq!(snapbacks, tally.first_snapback[..tally.steps].iter().sum::<u64>());
    let mean_relief = records.iter().map(|r| r.relief).sum::<f64>() / 300.0;
    assert!((mean_relief - tally.relief_total.mean(300)).abs() < 1e-3);
}

#[test]
fn summary_of_a_small_fixed_seed_run() {
    let (ag, plan) = korea(400);
    let sim = Simulator::new(&ag, plan);
    let tally = on_threads(2, &sim, 400);
    insta::assert_snapshot!(Summary::new(&ag, sim.plan(), &tally).text());
}

#[test]
fn common_random_numbers_narrow_the_comparison_of_similar_designs() {
    use detente_sim::compare::{compare, CompareReport};
    // The same agreement with a weaker freeze verification: the designs share every
    // other draw, so their paired difference is far less noisy than two independent
    // samples would be.
    let base = compile(&spec("../../scenarios/korea-2020.toml"));
    let mut weaker_spec = base.spec.clone();
    weaker_spec.simulation.as_mut().unwrap().detection.insert("production-freeze".into(), 0.4);
    let weaker = compile(&weaker_spec);
    let overrides = Overrides { runs: Some(400), years: Some(10), seed: Some(5), start: None };
    let sims = [
        Simulator::new(&base, Plan::new(&base, overrides).unwrap()),
        Simulator::new(&weaker, Plan::new(&weaker, overrides).unwrap()),
    ];
    let comparison = compare(&sims, 0..400, &|_| {}).unwrap();

    let report = CompareReport::new(&sims, &comparison);
    let relief = report.metrics.iter().find(|m| m.name == "relief delivered").unwrap();
    let difference = &relief.differences[0];
    assert!(
        difference.estimate.se * 2.0 < difference.se_independent,
        "paired SE {} against unpaired {}",
        difference.estimate.se,
        difference.se_independent
    );
}
