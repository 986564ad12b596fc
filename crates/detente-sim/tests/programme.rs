//! The programme (docs/simulation.md, "The programme"): breakout time against hand
//! calculations, assembly within material and capacity, rates drawn within their
//! ranges, production from the estimates' dates to the start, and assembly held by a
//! commitment that limits what is assembled.

mod common;

use common::{compile, spec};
use detente_sim::plan::{breakout_days, Ranged, YEAR_DAYS};
use detente_sim::random::Draws;
use detente_sim::{Overrides, Plan, Simulator, Trajectory};
use detente_spec::model::{Facility, FacilityStatus, Limit, Material, Production, Quantity, Rate, Spec};
use detente_spec::time::Date;

const HEU: usize = 0;
const WARHEADS: usize = 1;

/// The closed-form agreement with a programme: `heu` (10 kg on adoption) produced by an
/// enrichment plant at `per_year` (with a range), and `warheads` (none) made of
/// `per_unit` kg of it, up to `capacity` a year.
fn programme(per_year: Rate, per_unit: Rate, capacity: Option<Rate>, runs: u32) -> Spec {
    let mut spec = spec("tests/cases/closed-form.toml");
    let adopted = spec.agreement.adopted;
    let quantity = |id: &str, initial: f64| Quantity {
        id: id.into(),
        name: id.into(),
        unit: if id == "heu" { "kg".into() } else { "warheads".into() },
        owner: Some("alpha".into()),
        initial,
        low: None,
        high: None,
        as_of: adopted,
        growth_per_year: None,
        made_from: Vec::new(),
        max_per_year: None,
        source: Some("Fictitious: a test fixture.".into()),
    };
    let mut warheads = quantity("warheads", 0.0);
    warheads.made_from = vec![Material {
        quantity: "heu".into(),
        per_unit: per_unit.central,
        low: per_unit.low,
        high: per_unit.high,
    }];
    warheads.max_per_year = capacity;
    spec.quantity = vec![quantity("heu", 10.0), warheads];
    spec.facility = vec![Facility {
        id: "enrichment".into(),
        name: "Enrichment plant".into(),
        owner: Some("alpha".into()),
        location: None,
        status: FacilityStatus::Operating,
        produces: vec![Production {
            quantity: "heu".into(),
            per_year: per_year.central,
            low: per_year.low,
            high: per_year.high,
        }],
        source: Some("Fictitious: a test fixture.".into()),
    }];
    let sim = spec.simulation.as_mut().unwrap();
    sim.runs = runs;
    spec
}

fn point(x: f64) -> Rate {
    Rate { central: x, low: None, high: None }
}

fn ranged(low: f64, central: f64, high: f64) -> Rate {
    Rate { central, low: Some(low), high: Some(high) }
}

/// Runs each run of `spec`, handing its plan and trajectory to `check`.
fn each_run(spec: &Spec, mut check: impl FnMut(&Plan, &Trajectory)) {
    let ag = compile(spec);
    let plan = Plan::new(&ag, Overrides::default()).expect("a valid plan");
    let sim = Simulator::new(&ag, plan.clone());
    let mut out = Trajectory::default();
    for run in 0..plan.runs as u64 {
        sim.run(run, &mut out);
        check(&plan, &out);
    }
}

#[test]
fn breakout_matches_the_hand_calculation() {
    // 150 kg a year, 20 kg a weapon, 10 kg in stock: (20 - 10) / 150 years.
    let days = breakout_days(10.0, 20.0, 150.0, 7305.0);
    assert!((days - (20.0 - 10.0) / 150.0 * 365.2425).abs() < 1e-9, "{days}");
    assert!((days - 24.3495).abs() < 1e-4);
    assert_eq!(breakout_days(20.0, 20.0, 150.0, 7305.0), 0.0, "a weapon's worth is there");
    assert_eq!(breakout_days(10.0, 20.0, 0.0, 7305.0), 7305.0, "no production: the cap");
    assert_eq!(breakout_days(0.0, 20.0, 0.001, 7305.0), 7305.0, "beyond the horizon: the cap");
}

/// Through the whole simulator: 10 kg, 15 kg a year, 20 kg a weapon, no assembly. At the
/// end of month k the stock is 10 + 15 k / 12 and the breakout time (20 - stock) / 15
/// years, until month 8, when a weapon's worth is there.
#[test]
fn breakout_in_a_run_matches_the_hand_calculation() {
    let spec = programme(point(15.0), point(20.0), Some(point(0.0)), 3);
    each_run(&spec, |plan, out| {
        let outputs = plan.outputs.len();
        assert_eq!(outputs, 2);
        for k in 0..plan.steps() {
            let stock = 10.0 + 15.0 * (k + 1) as f64 / 12.0;
            let heu = out.quantity(k, HEU, 2);
            assert!((heu - stock).abs() < 1e-9, "month {}: {heu} kg, not {stock}", k + 1);
            let worth = out.programme[k * outputs];
            assert!((worth - stock / 20.0).abs() < 1e-9, "month {}: {worth} weapons' worth", k + 1);
            let expected = ((20.0 - stock) / 15.0 * YEAR_DAYS).max(0.0);
            let breakout = out.programme[k * outputs + 1];
            assert!((breakout - expected).abs() < 1e-6, "month {}: {breakout} days, not {expected}", k + 1);
        }
    });
}

#[test]
fn breakout_without_production_reads_as_the_horizon() {
    let mut spec = programme(point(15.0), point(20.0), Some(point(0.0)), 2);
    spec.facility[0].status = FacilityStatus::Frozen;
    each_run(&spec, |plan, out| {
        let horizon_days = (plan.steps() as f64 * plan.step_months as f64 / 12.0 * YEAR_DAYS).round();
        assert_eq!(plan.breakout_cap, horizon_days);
        assert!((0..plan.steps()).all(|k| out.programme[k * 2 + 1] == horizon_days));
    });
}

/// Weapons assembled never exceed what the material makes, nor the capacity; material
/// is consumed exactly (with point estimates: 20 kg a weapon).
#[test]
fn assembly_stays_within_material_and_capacity() {
    let spec = programme(point(150.0), point(20.0), Some(point(6.0)), 2);
    each_run(&spec, |plan, out| {
        let (mut warheads, mut heu) = (0.0, 10.0);
        for k in 0..plan.steps() {
            let (w, h) = (out.quantity(k, WARHEADS, 2), out.quantity(k, HEU, 2));
            let made = w - warheads;
            assert!((-1e-12..=6.0 / 12.0 + 1e-9).contains(&made), "month {}: {made} assembled", k + 1);
            assert!(h >= -1e-9, "month {}: {h} kg left", k + 1);
            // Conservation: what was there and produced is in the stock or in weapons.
            assert!((h + made * 20.0 - (heu + 150.0 / 12.0)).abs() < 1e-6, "month {}", k + 1);
            (warheads, heu) = (w, h);
        }
        // 7.5 weapons' worth a year against a capacity of 6: capacity binds.
        let years = plan.steps() as f64 / 12.0;
        assert!((warheads - 6.0 * years).abs() < 1e-6, "{warheads}");
    });
    // Little material: material binds, and none is left over a weapon's worth.
    let spec = programme(point(12.0), point(20.0), Some(point(100.0)), 2);
    each_run(&spec, |plan, out| {
        let last = plan.steps() - 1;
        let made = out.quantity(last, WARHEADS, 2);
        let total = (10.0 + 12.0 * plan.steps() as f64 / 12.0) / 20.0;
        assert!((made + out.quantity(last, HEU, 2) / 20.0 - total).abs() < 1e-9);
        assert!(made <= total + 1e-9);
    });
}

/// With ranges, each run's assembly stays within the high capacity and the material
/// its lowest ratio could make, and the stock never goes negative.
#[test]
fn assembly_with_ranges_stays_within_bounds() {
    let spec =
        programme(ranged(80.0, 150.0, 250.0), ranged(15.0, 20.0, 25.0), Some(ranged(3.0, 6.0, 12.0)), 200);
    each_run(&spec, |plan, out| {
        let mut previous = 0.0;
        for k in 0..plan.steps() {
            let w = out.quantity(k, WARHEADS, 2);
            assert!(w - previous <= 12.0 / 12.0 + 1e-9);
            assert!(out.quantity(k, HEU, 2) >= -1e-9);
            let most = (10.0 + 250.0 * (k + 1) as f64 / 12.0) / 15.0;
            assert!(w <= most + 1e-9, "{w} weapons from at most {most} weapons' worth");
            previous = w;
        }
    });
}

/// Draws lie within their ranges; the mean of the triangular draws is (low + central +
/// high) / 3, the central value when the range is symmetric.
#[test]
fn ranges_are_drawn_within_bounds_around_the_central_value() {
    let n = 100_000;
    for (low, central, high) in
        [(80.0, 150.0, 220.0), (80.0, 150.0, 250.0), (3.0, 6.0, 12.0), (5.0, 5.0, 5.0)]
    {
        let r = Ranged { low, central, high, key: 42 };
        let values: Vec<f64> = (0..n).map(|run| r.draw(Draws::new(7, run))).collect();
        assert!(values.iter().all(|&v| (low..=high).contains(&v)), "{low}..{high}");
        let mean = values.iter().sum::<f64>() / n as f64;
        let expected = (low + central + high) / 3.0;
        // The triangular variance is at most (high - low)^2 / 18; 4.5 standard errors.
        let se = ((high - low).powi(2) / 18.0 / n as f64).sqrt();
        assert!((mean - expected).abs() <= 4.5 * se + 1e-12, "mean {mean}, expected {expected}");
        if high - central == central - low {
            assert!((mean - central).abs() <= 4.5 * se + 1e-12, "mean {mean} near the central {central}");
        }
    }
    // In runs: the first month's production lies within the range's month.
    let spec = programme(ranged(80.0, 150.0, 220.0), point(20.0), Some(point(0.0)), 2000);
    let mut sum = 0.0;
    each_run(&spec, |_, out| {
        let produced = (out.quantity(0, HEU, 2) - 10.0) * 12.0;
        assert!((80.0 - 1e-9..=220.0 + 1e-9).contains(&produced), "{produced} kg a year");
        sum += produced;
    });
    let mean = sum / 2000.0;
    assert!((mean - 150.0).abs() < 4.5 * (140.0f64.powi(2) / 24.0 / 2000.0).sqrt(), "mean rate {mean}");
}

/// An estimate dated a year before adoption gets a year of production: 10 + 15 kg at
/// the start, 26.25 at the end of the first month.
#[test]
fn production_from_the_estimate_to_the_start_is_added() {
    let mut spec = programme(point(15.0), point(20.0), Some(point(0.0)), 1);
    let adopted = spec.agreement.adopted;
    spec.quantity[HEU].as_of = Date::new(adopted.year() - 1, adopted.month(), adopted.day()).unwrap();
    let year_days = spec.quantity[HEU].as_of.until(adopted).unwrap().get_days() as f64;
    each_run(&spec, |_, out| {
        let expected = 10.0 + 15.0 * year_days / YEAR_DAYS + 15.0 / 12.0;
        assert!((out.quantity(0, HEU, 2) - expected).abs() < 1e-9, "{}", out.quantity(0, HEU, 2));
    });
}

/// A measure in effect that limits warheads holds assembly, as it holds growth.
#[test]
fn a_limit_on_warheads_holds_assembly() {
    let mut spec = programme(point(150.0), point(20.0), Some(point(6.0)), 2);
    spec.commitment[0].limits.push(Limit { quantity: "warheads".into(), max: 0.0, unit: None });
    each_run(&spec, |plan, out| {
        let w: Vec<f64> = (0..plan.steps()).map(|k| out.quantity(k, WARHEADS, 2)).collect();
        // The freeze takes effect on adoption, on the record during the first month (the
        // truth of a period comes before its events, as for growth): one month of
        // assembly, then none.
        assert!(w.iter().all(|&x| x == w[0]) && w[0] <= 0.5, "{w:?}");
        // The material accumulates instead.
        let last = plan.steps() - 1;
        let expected = 10.0 + 150.0 * plan.steps() as f64 / 12.0 - 20.0 * w[0];
        assert!((out.quantity(last, HEU, 2) - expected).abs() < 1e-6);
    });
}

/// The programme's tallies survive a shard file (JSON) exactly, are internally
/// consistent, and merge in any order into the tally of all runs.
#[test]
fn programme_tallies_round_trip_and_merge_exactly() {
    let spec =
        programme(ranged(80.0, 150.0, 250.0), ranged(15.0, 20.0, 25.0), Some(ranged(3.0, 6.0, 12.0)), 90);
    let ag = compile(&spec);
    let plan = Plan::new(&ag, Overrides::default()).unwrap();
    let sim = Simulator::new(&ag, plan.clone());
    let run = |runs: std::ops::Range<u64>| detente_sim::simulate(&sim, runs, false, &|_| {}).unwrap().0;
    let whole = run(0..90);
    assert_eq!(whole.programme_moments.len(), 2 * plan.steps());
    let text = serde_json::to_string(&whole).unwrap();
    let back: detente_sim::Tally = serde_json::from_str(&text).unwrap();
    assert_eq!(back, whole);
    let mut shape = run(0..0);
    shape.runs = 0;
    whole.validate(&shape).unwrap();
    let mut merged = run(60..90);
    merged.merge(&run(0..30)).unwrap();
    merged.merge(&run(30..60)).unwrap();
    assert_eq!(merged, whole);
}
