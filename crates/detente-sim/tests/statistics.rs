//! The simulator against closed forms, with fixed seeds and tolerances derived from the
//! sample size (4.5 binomial standard errors: a correct simulator fails one of these
//! checks with probability below one in 100,000 each).

mod common;

use common::{agrees, compile, spec, tally};
use detente_spec::model::{Access, Confirmation, Spec, Strategy, StrategyKind};

/// The closed-form agreement with its probabilities set: alpha breaks the freeze with
/// probability `q` a month, an inspection takes place with probability `p`, detects a
/// violation with probability `1 - b` and raises a false alarm at rate `a`. The dispute
/// procedure decides each anomaly the day it is reported and confirms every one.
fn closed_form(q: f64, p: f64, b: f64, a: f64, runs: u32, seed: u64) -> Spec {
    confirmed(closed_form_undecided(q, p, b, a, runs, seed), 1.0, 1.0)
}

/// The same agreement, with a procedure that decides at once and confirms a real breach
/// with probability `breach` and a false alarm with probability `false_alarm`.
fn confirmed(mut spec: Spec, breach: f64, false_alarm: f64) -> Spec {
    let sim = spec.simulation.as_mut().unwrap();
    sim.resolution = 1.0;
    sim.confirmation = Confirmation { breach, false_alarm };
    spec
}

fn closed_form_undecided(q: f64, p: f64, b: f64, a: f64, runs: u32, seed: u64) -> Spec {
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
/// been `t` monthly trials, each putting a verified violation on record with probability
/// `p (q (1 - b) c_b + (1 - q) a c_f)` (an anomaly, confirmed by the verdict the same
/// day with probability `c_b` for a real breach and `c_f` for a false alarm), and the
/// snap-back is automatic and absorbing.
fn snapback_by(q: f64, p: f64, b: f64, a: f64, (c_b, c_f): (f64, f64), t: usize) -> f64 {
    let per_month = p * (q * (1.0 - b) * c_b + (1.0 - q) * a * c_f);
    1.0 - (1.0 - per_month).powi(t as i32)
}

#[test]
fn snap_back_probability_matches_the_closed_form() {
    let cases = [
        // (q, p, b, a), (c_b, c_f)
        ((0.1, 0.5, 0.2, 0.05), (1.0, 1.0)),
        ((0.02, 1.0, 0.3, 0.0), (1.0, 1.0)),
        ((0.0, 1.0, 0.0, 0.01), (1.0, 1.0)),
        ((0.3, 0.25, 0.5, 0.02), (1.0, 1.0)),
        ((0.1, 0.5, 0.2, 0.2), (0.8, 0.25)),
        ((0.0, 1.0, 0.0, 0.3), (0.9, 0.1)),
    ];
    for (n, &((q, p, b, a), (c_b, c_f))) in cases.iter().enumerate() {
        let spec = confirmed(closed_form_undecided(q, p, b, a, 20_000, 100 + n as u64), c_b, c_f);
        let (tally, _) = tally(&compile(&spec));
        let by_step = tally.by_step(&tally.first_snapback);
        for t in [1usize, 2, 6, 12, 25] {
            let expected = snapback_by(q, p, b, a, (c_b, c_f), t);
            let estimate = by_step[t - 1];
            assert!(
                agrees(estimate, expected, tally.runs, 4.5),
                "q={q} p={p} b={b} a={a} c=({c_b}, {c_f}): P(snap-back by month {t}) = {estimate}, \
                 closed form {expected}"
            );
        }
    }
}

/// Alpha's freeze with one access clause: while `when` holds, an inspection detects a
/// violation with probability `detection` (false alarms as without access).
fn with_access(mut spec: Spec, when: &str, detection: f64) -> Spec {
    let verification = spec.commitment[0].verification.as_mut().unwrap();
    verification.access.push(Access {
        when: detente_spec::condition::parse(when).unwrap().condition,
        detection,
        false_alarm: None,
        source: None,
    });
    spec
}

/// Detection depends on access as the agreement states it: with a clause that holds from
/// a day, months before it follow the closed form at the verification's own detection
/// and months from it at the clause's; the engine decides which holds.
#[test]
fn detection_follows_access_from_the_day_its_clause_holds() {
    let (q, p, a) = (0.1, 1.0, 0.0);
    let (without, with) = (0.2, 0.9);
    // Inspections at the ends of months 1..11 precede the day; month 12's follows it.
    let spec = closed_form(q, p, 1.0 - without, a, 20_000, 41);
    let spec = with_access(spec, "date >= 2030-12-15", with);
    let (tally, _) = tally(&compile(&spec));
    let by_step = tally.by_step(&tally.first_snapback);
    let monthly = |d: f64| p * q * d;
    for t in [3usize, 11, 12, 18, 25] {
        let before = t.min(11) as i32;
        let after = t.saturating_sub(11) as i32;
        let expected = 1.0 - (1.0 - monthly(without)).powi(before) * (1.0 - monthly(with)).powi(after);
        assert!(
            agrees(by_step[t - 1], expected, tally.runs, 4.5),
            "P(snap-back by month {t}) = {}, closed form {expected}",
            by_step[t - 1]
        );
    }
}

/// A clause on the agreement's state: while the embargo is lifted (from the first days,
/// when beta performs its relief) the clause's detection applies, until the snap-back
/// (absorbing) re-imposes it. So the first snap-back follows the closed form at the
/// clause's detection, not at the verification's own.
#[test]
fn detection_follows_access_while_the_state_allows_it() {
    let (q, p, a) = (0.1, 1.0, 0.02);
    let spec = closed_form(q, p, 1.0 - 0.1, a, 20_000, 43);
    let spec = with_access(spec, "not in_force(embargo)", 0.7);
    let (tally, _) = tally(&compile(&spec));
    let by_step = tally.by_step(&tally.first_snapback);
    for t in [1usize, 6, 12, 25] {
        let expected = snapback_by(q, p, 1.0 - 0.7, a, (1.0, 1.0), t);
        assert!(
            agrees(by_step[t - 1], expected, tally.runs, 4.5),
            "P(snap-back by month {t}) = {}, closed form at the clause's detection {expected}",
            by_step[t - 1]
        );
    }
}

/// An override in `[simulation.detection]` states the commitment's detection whole: the
/// access clauses no longer apply (a sweep of it would otherwise not sweep).
#[test]
fn a_detection_override_replaces_the_access_clauses() {
    let (q, p, a) = (0.1, 1.0, 0.0);
    let spec = closed_form(q, p, 1.0 - 0.1, a, 20_000, 47);
    let mut spec = with_access(spec, "true", 0.9);
    spec.simulation.as_mut().unwrap().detection.insert("freeze".into(), 0.3);
    let (tally, _) = tally(&compile(&spec));
    let by_step = tally.by_step(&tally.first_snapback);
    for t in [6usize, 25] {
        let expected = snapback_by(q, p, 1.0 - 0.3, a, (1.0, 1.0), t);
        assert!(
            agrees(by_step[t - 1], expected, tally.runs, 4.5),
            "month {t}: {}, {expected}",
            by_step[t - 1]
        );
    }
}

/// Snap-back with reversal: relief returns once the breach is remedied
/// (`resumes_when = "not unremedied(freeze)"`). The embargo then follows a two-state
/// chain, month by month: relieved, it snaps back with probability
/// `s = p (q (1 - b) c_b + (1 - q) a c_f)` (a breach established, as in the closed form
/// above); snapped back, relief returns when the monthly inspection takes place (`p`),
/// finds the measure kept that month (`1 - q`), raises no false alarm (`1 - a`) and
/// confirms it (`1 - b`): `r = p (1 - q) (1 - a) (1 - b)`. Relief starts in the first
/// days. So the share of futures with the embargo lifted at the end of month `t` is
/// `x_t = x_{t-1} (1 - s) + (1 - x_{t-1}) r` from `x_0 = 1`.
#[test]
fn snap_back_with_reversal_follows_the_two_state_chain() {
    for (n, &(q, p, b, a)) in
        [(0.1, 1.0, 0.2, 0.05), (0.3, 0.8, 0.3, 0.02), (0.05, 1.0, 0.0, 0.1)].iter().enumerate()
    {
        let mut spec = closed_form(q, p, b, a, 20_000, 60 + n as u64);
        spec.power[0].resumes_when =
            Some(detente_spec::condition::parse("not unremedied(freeze)").unwrap().condition);
        let (tally, _) = tally(&compile(&spec));
        let weight = 12.0;
        let s = p * (q * (1.0 - b) + (1.0 - q) * a);
        let r = p * (1.0 - q) * (1.0 - a) * (1.0 - b);
        let mut lifted = 1.0;
        for t in 1..=25usize {
            lifted = lifted * (1.0 - s) + (1.0 - lifted) * r;
            if [1, 2, 6, 12, 25].contains(&t) {
                let estimate = tally.relief[t - 1].mean(tally.runs) / weight;
                assert!(
                    agrees(estimate, lifted, tally.runs, 4.5),
                    "q={q} p={p} b={b} a={a}: embargo lifted at the end of month {t} in {estimate} of futures, chain {lifted}"
                );
            }
        }
    }
}

/// Without a verdict, an anomaly stays a claim: the snap-back, triggered by a verified
/// violation, never comes, however often a cheater is caught.
#[test]
fn an_anomaly_is_not_a_verified_violation_until_the_procedure_confirms_it() {
    let spec = closed_form_undecided(1.0, 1.0, 0.0, 0.0, 500, 3);
    assert_eq!(spec.simulation.as_ref().unwrap().resolution, 0.0, "closed-form.toml: no verdicts");
    let (t, _) = tally(&compile(&spec));
    assert_eq!(t.first_snapback[t.steps], 500, "claims alone never snap back");
    assert_eq!(t.detected.mean(t.runs), 1.0, "one anomaly reported, standing as a claim");
}

/// Verdicts come at a constant daily rate: with `resolution` r, the share of anomalies
/// decided within `d` days is `1 - (1 - r)^(d / 30.44)`, whatever the step.
#[test]
fn verdicts_come_at_the_stated_daily_rate() {
    use detente_sim::plan::DisputePlan;
    let plan = DisputePlan::new(0.5, Confirmation { breach: 0.9, false_alarm: 0.1 });
    let n = 100_000;
    for days in [10u32, 30, 31, 61, 200] {
        let within = (0..n)
            .filter(|&i| plan.days_to_verdict((i as f64 + 0.5) / n as f64).is_some_and(|d| d <= days))
            .count() as f64
            / n as f64;
        // Whole days, rounded up: a verdict on day d covers (d - 1, d].
        let expected = 1.0 - 0.5f64.powf(days as f64 / (365.2425 / 12.0));
        assert!((within - expected).abs() < 1e-3, "within {days} days: {within}, expected {expected}");
    }
    assert_eq!(
        DisputePlan::new(1.0, Confirmation { breach: 1.0, false_alarm: 0.0 }).days_to_verdict(0.7),
        Some(0)
    );
    assert_eq!(
        DisputePlan::new(0.0, Confirmation { breach: 1.0, false_alarm: 0.0 }).days_to_verdict(0.7),
        None
    );
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
    // A compliant party, false alarms at 0.05 a month, each decided the same day and
    // confirmed with probability 0.1: nine in ten are cleared.
    let spec = confirmed(closed_form_undecided(0.0, 1.0, 0.0, 0.05, 20_000, 5), 1.0, 0.1);
    let (t, _) = tally(&compile(&spec));
    let alarms = t.false_alarms.mean(t.runs) * t.runs as f64;
    let cleared = t.resolved.mean(t.runs) * t.runs as f64;
    assert!(alarms > 10_000.0, "false alarms happen ({alarms} in all)");
    // Each alarm is an independent trial (runs of a few alarms each: a generous bound).
    let se = (0.9 * 0.1 / alarms).sqrt();
    assert!((cleared / alarms - 0.9).abs() <= 4.5 * se * 2.0, "{cleared} of {alarms} cleared");
}

/// Without an agreement and without assembly (the programme's own closed forms are in
/// tests/programme.rs), each quantity's mean follows its stated rates: the midpoint of
/// its initial range, plus the mean of each rate's triangular range, `(low + central +
/// high) / 3`, from its estimate's date (`as_of`, before the start) to each step.
#[test]
fn without_an_agreement_quantities_follow_the_stated_rates() {
    let mut spec = spec("../../scenarios/korea-status-quo.toml");
    for quantity in &mut spec.quantity {
        quantity.made_from.clear();
        quantity.max_per_year = None;
    }
    let sim = spec.simulation.as_mut().unwrap();
    sim.runs = 4_000;
    let ag = compile(&spec);
    let (t, plan) = tally(&ag);
    for (q, quantity) in ag.spec.quantity.iter().enumerate() {
        let low = quantity.low.unwrap_or(quantity.initial);
        let high = quantity.high.unwrap_or(quantity.initial);
        let rates: Vec<(f64, f64)> = ag
            .spec
            .facility
            .iter()
            .filter(|f| f.status == detente_spec::model::FacilityStatus::Operating)
            .flat_map(|f| &f.produces)
            .filter(|p| p.quantity == quantity.id)
            .map(|p| {
                let (a, c, b) = (p.low.unwrap_or(p.per_year), p.per_year, p.high.unwrap_or(p.per_year));
                // The triangular distribution's mean and variance.
                ((a + c + b) / 3.0, (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0)
            })
            .collect();
        let per_year = quantity.growth_per_year.unwrap_or(0.0) + rates.iter().map(|r| r.0).sum::<f64>();
        let rate_variance: f64 = rates.iter().map(|r| r.1).sum();
        for k in [0usize, 59, 239] {
            let years = (k + 1) as f64 / 12.0 + plan.catch_up[q];
            let expected = (low + high) / 2.0 + per_year * years;
            let mean = t.quantity_moments[q * plan.steps() + k].mean(t.runs);
            // The initial value is uniform on [low, high] and each rate triangular,
            // independent: the standard error of the mean.
            let variance = (high - low).powi(2) / 12.0 + rate_variance * years * years;
            let se = (variance / t.runs as f64).sqrt();
            assert!(
                (mean - expected).abs() <= 4.5 * se + 1e-6,
                "{} at month {}: mean {mean}, stated rates give {expected}",
                quantity.id,
                k + 1
            );
        }
    }
}
