//! Time in the simulator: steps are when parties read the record, but what happens
//! within a step happens on its own day. Lead times follow their stated distribution,
//! a deadline one day later moves the answer by one day's worth, and halving the step
//! does not move a headline probability by more than its Monte Carlo error.

mod common;

use common::{compile, spec, tally};
use detente_spec::model::{Confirmation, LeadTime, Spec, Strategy, StrategyKind, Walkout};
use detente_spec::time::Duration;
use detente_spec::{check, SourceFile};

/// The standard normal CDF, from the complementary error function of Abramowitz and
/// Stegun 7.1.26 (absolute error below 1.5e-7): an independent check of the
/// simulator's AS 241 quantile.
fn normal_cdf(z: f64) -> f64 {
    let x = z.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * x);
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736 + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erfc = poly * (-x * x).exp();
    if z >= 0.0 {
        1.0 - erfc / 2.0
    } else {
        erfc / 2.0
    }
}

/// P(a log-normal lead of this median and 90th percentile, rounded to whole days, is at
/// most `days`).
fn done_within(median: f64, p90: f64, days: f64) -> f64 {
    let sigma = (p90 / median).ln() / 1.281_551_565_544_600_4;
    normal_cdf(((days + 0.5) / median).ln() / sigma)
}

fn lead(median: u32, p90: u32) -> LeadTime {
    LeadTime { median: Duration::days(median), p90: Duration::days(p90) }
}

#[test]
fn a_step_is_done_when_its_lead_time_has_run() {
    // Both sides sincere; Beta's two reliefs (weights 10 and 1) are owed from adoption
    // and each takes a log-normal lead of median 60 and 90th percentile 130 days.
    let mut spec = spec("tests/cases/two-sides.toml");
    let sim = spec.simulation.as_mut().unwrap();
    sim.runs = 20_000;
    for id in ["lift-embargo", "lift-travel-ban"] {
        sim.lead_time.insert(id.into(), lead(60, 130));
    }
    let (t, plan) = tally(&compile(&spec));
    let start = plan.start;
    for k in [0usize, 1, 2, 4, 8] {
        let days = start.until(plan.dates[k]).unwrap().get_days() as f64;
        let p = done_within(60.0, 130.0, days);
        let mean = t.relief[k].mean(t.runs);
        let se = (101.0 * p * (1.0 - p) / t.runs as f64).sqrt().max(1e-9);
        assert!(
            (mean - 11.0 * p).abs() <= 4.5 * se,
            "relief in effect after {days} days: {mean}, lead times give {}",
            11.0 * p
        );
    }
}

/// The starter file, with both sides sincere and the freeze's lead time stated, its
/// deadline `due_days` after adoption, over six months.
fn starter(due_days: u32) -> Spec {
    let text = detente_spec::starter("my-deal");
    let mut spec = check(&SourceFile::new("my-deal.toml", text)).spec;
    let freeze = spec.commitment.iter_mut().find(|c| c.id == "freeze-enrichment").unwrap();
    freeze.due = Some(detente_spec::model::Due::After(Duration::days(due_days)));
    let sim = spec.simulation.get_or_insert_with(Default::default);
    sim.horizon = Duration::months(6);
    sim.runs = 20_000;
    sim.lead_time.insert("freeze-enrichment".into(), lead(60, 130));
    sim.walkout = Walkout { base: 0.0, aggrieved: 0.0 };
    spec
}

#[test]
fn a_deadline_in_the_first_step_is_missed_only_as_often_as_the_lead_time_says() {
    // Everyone is sincere. The freeze's deadline is missed when Beta's lead time runs
    // past it; Alpha answers a breach that has stood for 30 days, so the snap-back comes
    // exactly when the freeze is not done 31 days after its due day (a deadline met late
    // is not answered), and within six months. A day more moves the answer by a day's
    // worth, not by a step's.
    let mut previous = None;
    for due in [30u32, 31, 45, 90] {
        let (t, _) = tally(&compile(&starter(due)));
        let answered = 1.0 - done_within(60.0, 130.0, (due + 31) as f64);
        let snapback = t.by_step(&t.first_snapback)[t.steps - 1];
        assert!(
            common::agrees(snapback, answered, t.runs, 4.5),
            "due in {due} days: snap-back in {snapback} of futures; the lead time leaves the freeze \
             undone 31 days after its deadline in {answered}"
        );
        if let Some((before, day)) = previous {
            assert!(snapback <= before, "a later deadline ({due} days, after {day}) is missed more often");
        }
        previous = Some((snapback, due));
    }
}

/// The closed-form agreement made continuous in time: a covert cheater, inspections
/// every two months, verdicts at a daily rate, a snap-back with a 45-day notice.
fn continuous(step_months: u32) -> Spec {
    let mut spec = spec("tests/cases/closed-form.toml");
    let verification = spec.commitment[0].verification.as_mut().unwrap();
    verification.detection = 0.7;
    verification.false_alarm = 0.05;
    verification.every = Some(Duration::months(2));
    spec.power[0].notice = Some(Duration::days(45));
    let sim = spec.simulation.as_mut().unwrap();
    sim.step = Duration::months(step_months);
    sim.horizon = Duration::months(24);
    sim.runs = 20_000;
    sim.resolution = 0.5;
    sim.confirmation = Confirmation { breach: 0.9, false_alarm: 0.2 };
    sim.strategy.insert(
        "alpha".into(),
        Strategy { kind: StrategyKind::CovertCheater, cheat: Some(0.03), max_cost: None, patience: None },
    );
    spec
}

#[test]
fn halving_the_step_moves_no_headline_beyond_its_monte_carlo_error() {
    let (fine, _) = tally(&compile(&continuous(1)));
    let (coarse, _) = tally(&compile(&continuous(2)));
    let (fine_by, coarse_by) = (fine.by_step(&fine.first_snapback), coarse.by_step(&coarse.first_snapback));
    for month in [6usize, 12, 18, 24] {
        let (a, b) = (fine_by[month - 1], coarse_by[month / 2 - 1]);
        let p = (a + b) / 2.0;
        let se = (2.0 * p * (1.0 - p) / fine.runs as f64).sqrt().max(1e-9);
        assert!(
            (a - b).abs() <= 4.5 * se,
            "snap-back by month {month}: {a} stepping monthly, {b} every two months"
        );
        assert!(a > 0.05, "the case is not trivial: snap-back by month {month} is {a}");
    }
    let (a, b) = (fine.relief[23].mean(fine.runs), coarse.relief[11].mean(coarse.runs));
    let se = 12.0 * (2.0 / fine.runs as f64).sqrt();
    assert!((a - b).abs() <= 4.5 * se, "relief in effect at month 24: {a} monthly, {b} every two months");
}

#[test]
fn parties_walk_out_at_the_stated_yearly_hazard() {
    // Both signatories sincere and nobody aggrieved: they share the agreement's ordinary
    // hazard, probability 0.2 within a year, so it has broken down by day D with
    // probability 1 - 0.8^(D / 365.2425), whatever the step.
    let mut spec = spec("tests/cases/closed-form.toml");
    let sim = spec.simulation.as_mut().unwrap();
    sim.strategy.clear();
    sim.runs = 20_000;
    sim.walkout = Walkout { base: 0.2, aggrieved: 0.2 };
    let (t, plan) = tally(&compile(&spec));
    let by_step = t.by_step(&t.breakdown);
    for k in [0usize, 5, 11, 24] {
        let days = plan.start.until(plan.dates[k]).unwrap().get_days() as f64;
        let expected = 1.0 - 0.8f64.powf(days / 365.2425);
        assert!(
            common::agrees(by_step[k], expected, t.runs, 4.5),
            "breakdown by day {days}: {}, the hazard gives {expected}",
            by_step[k]
        );
    }
}
