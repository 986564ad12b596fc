//! Tallies never saturate or wrap: the largest weights a file may state are tallied
//! exactly, and a tally read from elsewhere is checked before it is believed.

mod common;

use detente_sim::summary::Summary;
use detente_sim::{empty_tally, simulate, Overrides, Plan, Simulator};

/// The summary of two-sides with every instrument's weight multiplied by `scale`.
fn summary_with_weights_times(scale: f64) -> Summary {
    let mut spec = common::spec("tests/cases/two-sides.toml");
    for instrument in &mut spec.instrument {
        instrument.weight = instrument.weight.map(|w| w * scale);
    }
    let ag = common::compile(&spec);
    // 20 years: relief delivered reaches 2.2e13 (2.2e19 millionths, past i64).
    let plan =
        Plan::new(&ag, Overrides { runs: Some(300), years: Some(20), ..Overrides::default() }).unwrap();

    let sim = Simulator::new(&ag, plan);
    let (tally, _) = simulate(&sim, 0..300, false, &|_| {}).unwrap();
    Summary::new(&ag, sim.plan(), &tally)
}

#[test]
fn relief_at_the_largest_weights_a_file_allows_is_tallied_exactly() {
    // Relief is linear in the weights: weights of 10 and 1 times 1e11 are 1e12 and 1e11,
    // the largest a file allows. Before tallies were 128-bit, relief delivered saturated
    // at i64::MAX millionths (9.2e12).
    let unit = summary_with_weights_times(1.0);
    let large = summary_with_weights_times(1e11);
    let close = |a: f64, b: f64| (a - b * 1e11).abs() <= 1e-9 * (b * 1e11).abs() + 1e6;
    let (u, l) = (&unit.relief.delivered, &large.relief.delivered);
    assert!(u.p50 > 0.0, "the fixture delivers relief");
    for (a, b) in [(l.p5, u.p5), (l.p50, u.p50), (l.p95, u.p95), (l.mean, u.mean)] {
        assert!(close(a, b), "{a} is not {b} x 1e11");
    }
    for (a, b) in large.relief.mean_by_step.iter().zip(&unit.relief.mean_by_step) {
        assert!(close(*a, *b), "{a} is not {b} x 1e11");
    }
}

#[test]
fn merging_counts_that_would_wrap_is_an_error() {
    let ag = common::compile(&common::spec("tests/cases/two-sides.toml"));
    let sim = Simulator::new(&ag, Plan::new(&ag, Overrides::default()).unwrap());
    let (tally, _) = simulate(&sim, 0..10, false, &|_| {}).unwrap();
    let mut huge = tally.clone();
    huge.runs = u64::MAX;
    huge.breakdown[0] = u64::MAX;
    let mut merged = tally.clone();
    let error = merged.merge(&huge).unwrap_err();
    assert!(error.to_string().contains("exceeds the exact range"), "{error}");
    assert_eq!(error, detente_sim::TallyError::Overflow { what: "the number of runs" });
    let mut sum = tally.clone();
    sum.relief_total.sum = i128::MAX;
    let mut merged = tally.clone();
    assert!(merged.merge(&sum).is_err());
}

#[test]
fn a_tally_is_checked_for_consistency() {
    let ag = common::compile(&common::spec("../../scenarios/korea-2020.toml"));
    let overrides = Overrides { years: Some(2), ..Overrides::default() };
    let sim = Simulator::new(&ag, Plan::new(&ag, overrides).unwrap());
    assert!(!ag.spec.quantity.is_empty() && !ag.spec.instrument.is_empty());

    let shape = empty_tally(&sim);
    let (tally, _) = simulate(&sim, 0..50, false, &|_| {}).unwrap();
    tally.validate(&shape).unwrap();
    shape.validate(&shape).unwrap();
    type Edit = fn(&mut detente_sim::Tally);
    assert!(tally.breakdown[..tally.steps].iter().any(|&n| n > 0), "the fixture breaks down");
    let edits: [(&str, Edit); 14] = [
        ("more runs than counted", |t| t.runs += 1),
        ("a phase opening twice", |t| t.phase_opened[0] += t.runs),
        ("snap-backs moved", |t| {
            t.first_snapback[0] += 7;
        }),
        ("a histogram emptied", |t| t.quantity_bins.iter_mut().for_each(|c| *c = 0)),
        ("a relief histogram emptied", |t| {
            t.relief_bins[..detente_sim::plan::BINS].iter_mut().for_each(|c| *c = 0)
        }),
        ("a relief count over the runs", |t| t.relieved_at_end[0] = t.runs + 1),
        ("a sum beyond the greatest value", |t| t.relief_total.sum = t.relief_total.max * 51 + 1),
        ("the least above the greatest", |t| t.quantity_moments[0].min = t.quantity_moments[0].max + 1),
        ("negative false alarms", |t| t.false_alarms.min = -1),
        ("a status row over the runs", |t| t.end_status[0] += 1),
        ("a truncated vector", |t| {
            t.breakdown.pop();
        }),
        ("a collapse counted twice", |t| t.collapse[0] += 1),
        ("a truncated collapse vector", |t| {
            t.collapse.pop();
        }),
        // Every run's collapse comes at or before its breakdown: collapses moved to
        // "never" past the first breakdown still count the runs, but not consistently.
        ("collapses after their breakdowns", |t| {
            let first = t.breakdown.iter().position(|&n| n > 0).unwrap();
            let moved: u64 = t.collapse[..=first].iter().sum();
            t.collapse[..=first].iter_mut().for_each(|n| *n = 0);
            t.collapse[t.steps] += moved;
        }),
    ];
    for (what, edit) in edits {
        let mut edited = tally.clone();
        edit(&mut edited);
        assert!(edited.validate(&shape).is_err(), "{what} was accepted");
    }
}
