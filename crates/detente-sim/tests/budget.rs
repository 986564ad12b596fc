//! An inspection budget (`verification.budget`) caps the inspections the simulator
//! makes: at most `k` of every window of `n` periods. Every inspection of a kept measure
//! raises a false alarm here, so the false alarms of a run count its inspections.

mod common;

use common::{compile, spec};
use detente_sim::{Overrides, Plan, Simulator, Trajectory};
use detente_spec::model::InspectionBudget;
use detente_spec::time::Duration;

/// The two-sides case with its freeze's every inspection a false alarm, over five years.
fn alarming(budget: Option<InspectionBudget>) -> detente_engine::Agreement {
    let mut spec = spec("tests/cases/two-sides.toml");
    let freeze = spec.commitment.iter_mut().find(|c| c.id == "freeze").unwrap();
    let verification = freeze.verification.as_mut().unwrap();
    verification.false_alarm = 1.0;
    verification.budget = budget;
    let sim = spec.simulation.as_mut().unwrap();
    sim.horizon = Duration::months(60);
    sim.runs = 100;
    // The dispute procedure clears a false alarm within the month, so the next
    // inspection can raise another.
    sim.resolution = 1.0;
    compile(&spec)
}

fn false_alarms(ag: &detente_engine::Agreement) -> Vec<u32> {
    let plan = Plan::new(ag, Overrides::default()).unwrap();
    let runs = plan.runs as u64;
    let sim = Simulator::new(ag, plan);
    let mut t = Trajectory::default();
    (0..runs)
        .map(|run| {
            sim.run(run, &mut t);
            t.false_alarms
        })
        .collect()
}

#[test]
fn a_budget_caps_the_inspections_of_each_window() {
    let unbudgeted = false_alarms(&alarming(None));
    let budget = InspectionBudget { inspections: 2, per: Duration::months(12), source: None };
    let budgeted = false_alarms(&alarming(Some(budget)));
    // Five windows of twelve months, two inspections each.
    assert!(budgeted.iter().all(|&n| n <= 10), "{budgeted:?}");
    assert!(unbudgeted.iter().any(|&n| n > 10), "without a budget inspections come monthly: {unbudgeted:?}");
    assert!(budgeted.iter().any(|&n| n > 0), "the budget's inspections are made");
}

#[test]
fn the_budget_chooses_k_periods_of_n() {
    let ag = alarming(Some(InspectionBudget { inspections: 3, per: Duration::months(12), source: None }));
    let plan = Plan::new(&ag, Overrides::default()).unwrap();
    let freeze = &plan.commitments[0];
    assert_eq!(freeze.budget, Some((12, 3)));
    // With inspections always taking place, sampling without replacement: the first
    // period is chosen with probability k / n, and a spent budget chooses no more.
    assert_eq!(freeze.budgeted_chance(0, 0), 0.25);
    assert_eq!(freeze.budgeted_chance(9, 0), 1.0);
    assert_eq!(freeze.budgeted_chance(5, 3), 0.0);
}
