//! The simulator against closed forms, with fixed seeds and tolerances derived from the
//! sample size (4.5 binomial standard errors: a correct simulator fails one of these
//! checks with probability below one in 100,000 each).

mod common;

use common::{agrees, compile, spec, tally};
use detente_spec::model::{Spec, Strategy, StrategyKind};

/// The closed-form agreement with its probabilities set: alpha breaks the freeze with
/// probability `q` a month, an inspection takes place with probability `p`, detects a
/// violation with probability `1 - b` and raises a false alarm at rate `a`.
fn closed_form(q: f64, p: f64, b: f64, a: f64, runs: u32, seed: u64) -> Spec {
    let mut spec = spec("tests/cases/closed-form.toml");
    let verification = spec.commitment[0].verification.as_mut().unwrap();
    verification.detection = 1.0 - b;
    verification.false_alarm = a;
    let sim = spec.simulation.as_mut().unwrap();
    sim.strategy.insert(
        "alpha".into(),
        Strategy { kind: StrategyKind::CovertCheater, cheat: Some(q), max_cost: None, patience: None },
    );
    sim.inspection.insert("freeze".into(), p);
    sim.runs = runs;
    sim.seed = seed;
    spec
}

/// The probability of snap-back by the end of month `t`. The freeze has no deadline, so
/// it is in effect from adoption (docs/semantics.md): by the end of month `t` there have
/// been `t` monthly trials, each recording a violation with probability
/// `p (q (1 - b) + (1 - q) a)`, and the snap-back is automatic and absorbing.
fn snapback_by(q: f64, p: f64, b: f64, a: f64, t: usize) -> f64 {
    let per_month = p * (q * (1.0 - b) + (1.0 - q) * a);
    1.0 - (1.0 - per_month).powi(t as i32)
}

#[test]
fn snap_back_probability_matches_the_closed_form() {
    let cases = [
        // (q, p, b, a)
        (0.1, 0.5, 0.2, 0.05),
        (0.02, 1.0, 0.3, 0.0),
        (0.0, 1.0, 0.0, 0.01),
        (0.3, 0.25, 0.5, 0.02),
    ];
    for (n, &(q, p, b, a)) in cases.iter().enumerate() {
        let ag = compile(&closed_form(q, p, b, a, 20_000, 100 + n as u64));
        let (tally, _) = tally(&ag);
        let by_step = tally.by_step(&tally.first_snapback);
        for t in [1usize, 2, 6, 12, 25] {
            let expected = snapback_by(q, p, b, a, t);
            let estimate = by_step[t - 1];
            assert!(
                agrees(estimate, expected, tally.runs, 4.5),
                "q={q} p={p} b={b} a={a}: P(snap-back by month {t}) = {estimate}, closed form {expected}"
            );
        }
    }
}

#[test]
fn the_record_shows_truth_only_through_verification() {
    // Detection 1: every broken month is seen at once, so with cheating every month the
    // snap-back comes in month 1 in every run.
    let ag = compile(&closed_form(1.0, 1.0, 0.0, 0.0, 500, 1));
    let (t, _) = tally(&ag);
    assert_eq!(t.first_snapback[0], 500, "detection 1.0 always yields the violation record");
    assert_eq!(t.detected.mean(t.runs), 1.0);

    // Detection 0 and no false alarms: the same cheating is never on record.
    let ag = compile(&closed_form(1.0, 1.0, 1.0, 0.0, 500, 1));
    let (t, _) = tally(&ag);
    assert_eq!(t.first_snapback[t.steps], 500, "detection 0.0 never yields it");
    assert_eq!(t.detected.mean(t.runs), 0.0);
    // ...although the truth was broken in every one of the 25 months.
    assert_eq!(t.covert_violations.mean(t.runs), 25.0);

    // No inspection at all: nothing is recorded either, whatever the detection.
    let ag = compile(&closed_form(1.0, 0.0, 0.0, 0.5, 500, 1));
    let (t, _) = tally(&ag);
    assert_eq!(t.first_snapback[t.steps], 500);
}

#[test]
fn false_alarms_are_cleared_at_the_stated_rate() {
    // A compliant party, false alarms at 0.05 a month, each cleared within a month with
    // probability 0.5 (the snap-back is automatic, so it still takes effect at once).
    let mut spec = closed_form(0.0, 1.0, 0.0, 0.05, 20_000, 5);
    spec.simulation.as_mut().unwrap().resolution = 0.5;
    let (t, _) = tally(&compile(&spec));
    let alarms = t.false_alarms.mean(t.runs);
    let cleared = t.resolved.mean(t.runs);
    assert!(alarms > 0.5, "false alarms happen ({alarms} per run)");
    // Each alarm is cleared with probability 0.5 a month until cleared; an alarm raised
    // within the horizon's last months may still be pending, so the cleared share is a
    // little below 1; at least 90% are cleared within the 25 months.
    assert!(cleared <= alarms && cleared >= 0.9 * alarms, "{cleared} of {alarms} cleared");
}

#[test]
fn without_an_agreement_quantities_follow_the_stated_rates() {
    let spec = spec("../../scenarios/korea-status-quo.toml");
    let mut spec = spec;
    let sim = spec.simulation.as_mut().unwrap();
    sim.runs = 4_000;
    let ag = compile(&spec);
    let (t, plan) = tally(&ag);
    for (q, quantity) in ag.spec.quantity.iter().enumerate() {
        let low = quantity.low.unwrap_or(quantity.initial);
        let high = quantity.high.unwrap_or(quantity.initial);
        let produced: f64 = ag
            .spec
            .facility
            .iter()
            .filter(|f| f.status == detente_spec::model::FacilityStatus::Operating)
            .flat_map(|f| &f.produces)
            .filter(|p| p.quantity == quantity.id)
            .map(|p| p.per_year)
            .sum();
        let per_year = quantity.growth_per_year.unwrap_or(0.0) + produced;
        for k in [0usize, 59, 239] {
            let years = (k + 1) as f64 / 12.0;
            let expected = (low + high) / 2.0 + per_year * years;
            let mean = t.quantity_moments[q * plan.steps() + k].mean(t.runs);
            // The initial value is uniform on [low, high]: standard error of the mean.
            let se = (high - low) / 12f64.sqrt() / (t.runs as f64).sqrt();
            assert!(
                (mean - expected).abs() <= 4.5 * se + 1e-6,
                "{} at month {}: mean {mean}, stated rates give {expected}",
                quantity.id,
                k + 1
            );
        }
    }
}
