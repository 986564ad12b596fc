//! The strategies' decision rules seen in whole runs: each rule is set on Beta (or Alpha)
//! in a small agreement (tests/cases/two-sides.toml) and its effect on the record
//! checked. The rules themselves are unit-tested in src/strategy.rs.

mod common;

use common::{compile, spec, tally};
use detente_spec::model::{Election, LeadTime, Spec, Strategy, StrategyKind};
use detente_spec::time::{parse_date, Duration};

fn strategy(kind: StrategyKind) -> Strategy {
    Strategy { kind, cheat: None, max_cost: None, patience: None }
}

fn two_sides(alpha: Strategy, beta: Strategy) -> Spec {
    let mut spec = spec("tests/cases/two-sides.toml");
    let sim = spec.simulation.as_mut().unwrap();
    sim.strategy.insert("alpha".into(), alpha);
    sim.strategy.insert("beta".into(), beta);
    spec
}

fn cheater() -> Strategy {
    Strategy { cheat: Some(1.0), ..strategy(StrategyKind::CovertCheater) }
}

/// The share of runs ending with each instrument relieved: (embargo, travel ban).
fn relieved(spec: &Spec) -> (f64, f64) {
    let (t, _) = tally(&compile(spec));
    let share = |i: usize| t.relieved_at_end[i] as f64 / t.runs as f64;
    (share(0), share(1))
}

#[test]
fn sincere_relieves_whatever_the_other_side_does() {
    assert_eq!(relieved(&two_sides(cheater(), strategy(StrategyKind::Sincere))), (1.0, 1.0));
}

/// Beta's relief takes 45 days to deliver: long enough for the first month's
/// inspection to put a violation on record before it is done.
fn slow_relief(mut spec: Spec) -> Spec {
    let lead_time = LeadTime { median: Duration::days(45), p90: Duration::days(45) };
    let sim = spec.simulation.as_mut().unwrap();
    for id in ["lift-embargo", "lift-travel-ban"] {
        sim.lead_time.insert(id.into(), lead_time);
    }
    spec
}

#[test]
fn tit_for_tat_withholds_relief_from_a_violator_and_not_from_a_keeper() {
    // Beta takes the relief up on the first day; the violation on record in the first
    // month changes its mind before the relief is delivered.
    let beta = strategy(StrategyKind::TitForTat);
    assert_eq!(relieved(&slow_relief(two_sides(cheater(), beta.clone()))), (0.0, 0.0));
    assert_eq!(relieved(&slow_relief(two_sides(strategy(StrategyKind::Sincere), beta))), (1.0, 1.0));
}

#[test]
fn grim_trigger_withdraws_after_a_violation() {
    let ag = compile(&two_sides(cheater(), strategy(StrategyKind::GrimTrigger)));
    let (t, _) = tally(&ag);
    assert_eq!(t.breakdown[0], t.runs, "every run breaks down in the first month");
    let ag = compile(&two_sides(strategy(StrategyKind::Sincere), strategy(StrategyKind::GrimTrigger)));
    let (t, _) = tally(&ag);
    assert_eq!(t.breakdown[t.steps], t.runs, "no violation, no breakdown");
}

#[test]
fn hedger_pays_only_what_it_can_afford() {
    let beta = Strategy { max_cost: Some(2.0), ..strategy(StrategyKind::Hedger) };
    assert_eq!(relieved(&two_sides(strategy(StrategyKind::Sincere), beta)), (0.0, 1.0));
}

#[test]
fn maximalist_waits_for_the_measure_to_be_verified() {
    let beta = strategy(StrategyKind::Maximalist);
    assert_eq!(relieved(&two_sides(strategy(StrategyKind::Sincere), beta.clone())), (1.0, 1.0));
    // Never verified: the freeze is never fulfilled, so no relief at all.
    let mut spec = two_sides(strategy(StrategyKind::Sincere), beta);
    spec.simulation.as_mut().unwrap().detection.insert("freeze".into(), 0.0);
    assert_eq!(relieved(&spec), (0.0, 0.0));
}

#[test]
fn a_reversing_government_turns_maximalist() {
    // Verification never comes, so a maximalist never relieves; the election falls
    // while Beta's relief, taken up on the first day, is still under way, so a reversal
    // decides everything.
    let mut spec = slow_relief(two_sides(strategy(StrategyKind::Sincere), strategy(StrategyKind::Sincere)));
    let sim = spec.simulation.as_mut().unwrap();
    sim.detection.insert("freeze".into(), 0.0);
    sim.election.push(Election {
        party: "beta".into(),
        first: parse_date("2030-01-15").unwrap(),
        every: Duration::months(48),
        reversal: 1.0,
    });
    assert_eq!(relieved(&spec), (0.0, 0.0));
    spec.simulation.as_mut().unwrap().election[0].reversal = 0.0;
    assert_eq!(relieved(&spec), (1.0, 1.0));
}

#[test]
fn grit_steps_one_at_a_time_at_its_patience_without_an_answer() {
    // Alpha's freeze is in effect from adoption, so Alpha never performs anything: no
    // answer. GRIT takes its first step in month 1 and the next after its patience.
    let beta = Strategy { patience: Some(Duration::months(6)), ..strategy(StrategyKind::Grit) };
    let mut spec = two_sides(strategy(StrategyKind::Sincere), beta);
    spec.simulation.as_mut().unwrap().horizon = Duration::months(5);
    let (embargo, travel) = relieved(&spec);
    assert_eq!(embargo + travel, 1.0, "one step in the first five months");
    spec.simulation.as_mut().unwrap().horizon = Duration::months(8);
    assert_eq!(relieved(&spec), (1.0, 1.0), "the second step by month 7");
}

#[test]
fn a_cheat_on_record_with_the_relief_delivered_collapses_the_agreement_without_a_breakdown() {
    // Alpha's freeze is found in violation in the first month; Beta, sincere, delivers
    // both tranches on the first day. Nothing owed is then performed or awaited: the
    // engine reads the agreement as collapsed, though nobody left (nobody walks out in
    // this fixture).
    let ag = compile(&two_sides(cheater(), strategy(StrategyKind::Sincere)));
    let (t, _) = tally(&ag);
    assert_eq!(t.breakdown[t.steps], t.runs, "nobody leaves");
    assert_eq!(t.collapse[0], t.runs, "every run has collapsed by the end of the first month");
    // Kept, the freeze goes on being performed: no collapse.
    let ag = compile(&two_sides(strategy(StrategyKind::Sincere), strategy(StrategyKind::Sincere)));
    let (t, _) = tally(&ag);
    assert_eq!(t.collapse[t.steps], t.runs, "a kept freeze is still moving");
    // A breakdown is a collapse: grim trigger's withdrawal in the first month.
    let ag = compile(&two_sides(cheater(), strategy(StrategyKind::GrimTrigger)));
    let (t, _) = tally(&ag);
    assert_eq!((t.breakdown[0], t.collapse[0]), (t.runs, t.runs));
}
