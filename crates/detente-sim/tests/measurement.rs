//! What the verifiers measure: an inspection of a commitment that caps a quantity records
//! the quantity (`measured`) as its true value with the stated measurement error, so the
//! engine holds the record, not the starting estimate, to the caps.

mod common;

use common::{agrees, compile, tally};
use detente_spec::{check, SourceFile};

/// The closed-form agreement (one inspected freeze, automatic snap-back on its breach)
/// with nobody cheating and no false alarms, the freeze capping a stock at `cap`, the
/// stock starting at 100 on adoption and produced by a plant the freeze does not stop
/// at `per_year`, measured with relative error `error`.
fn capped(cap: f64, per_year: f64, error: f64, runs: u32) -> detente_spec::model::Spec {
    let path = format!("{}/tests/cases/closed-form.toml", env!("CARGO_MANIFEST_DIR"));
    let base = std::fs::read_to_string(path).unwrap();
    let freeze = "kind = \"continuing\"\ncategory = \"measure\"\n";
    assert!(base.contains(freeze));
    let text = base
        .replacen(freeze, &format!("{freeze}limits = [{{ quantity = \"stock\", max = {cap} }}]\n"), 1)
        .replace("false_alarm = 0.05", "false_alarm = 0")
        .replace("cheat = 0.1", "cheat = 0")
        .replace("runs = 20000", &format!("runs = {runs}"))
        + &format!(
            "\n[simulation.measurement]\nstock = {error}\n\n\
             [[quantity]]\nid = \"stock\"\nname = \"Stock\"\nunit = \"kg\"\nowner = \"alpha\"\n\
             initial = 100\nas_of = 2030-01-01\nsource = \"Fictitious.\"\n\n\
             [[facility]]\nid = \"plant\"\nname = \"Plant\"\nowner = \"alpha\"\nstatus = \"operating\"\n\
             produces = [{{ quantity = \"stock\", per_year = {per_year} }}]\nsource = \"Fictitious.\"\n"
        );
    let checked = check(&SourceFile::new("capped.toml", text));
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    checked.spec
}

/// Φ(z) for z = 1 and z = 2 (Abramowitz and Stegun, table 26.1).
const PHI_OF_ONE: f64 = 0.841_344_746_068_543;
const PHI_OF_TWO: f64 = 0.977_249_868_051_821;

/// A party that performs a cap brings its stock under it, with a margin of two standard
/// errors: a stock of 100 under a cap of 80 (a freeze due in a month, performed in its
/// first day) is brought down to 80 / 1.2, which a measurement with a 10% error finds
/// above the cap with probability `1 - Φ(2)` at each monthly inspection.
#[test]
fn performing_a_cap_brings_the_stock_under_it_with_a_margin() {
    let mut spec = capped(80.0, 0.0, 0.1, 20_000);
    let freeze = spec.commitment.iter_mut().find(|c| c.id == "freeze").unwrap();
    freeze.due = Some(detente_spec::model::Due::After(detente_spec::time::Duration::months(1)));
    freeze.on_timeout = Some(detente_spec::model::Timeout::Violated);
    let sim = spec.simulation.as_mut().unwrap();
    let at_once = sim.lead_time["relief"];
    sim.lead_time.insert("freeze".into(), at_once);
    let (tally, _) = tally(&compile(&spec));
    let by_step = tally.by_step(&tally.first_snapback);
    let per_month = 1.0 - PHI_OF_TWO;
    for t in [1usize, 6, 12, 25] {
        let expected = 1.0 - (1.0 - per_month).powi(t as i32);
        assert!(
            agrees(by_step[t - 1], expected, tally.runs, 4.5),
            "P(snap-back by month {t}) = {}, closed form {expected}",
            by_step[t - 1]
        );
    }
}

/// A stock of 100 under a cap of 110, measured with a 10% error each month: each
/// measurement exceeds the cap with probability `1 - Φ(1)`, and the first that does is a
/// breach on record (the verifier's), which snaps back at once.
#[test]
fn a_compliant_stock_near_its_cap_is_found_above_it_as_often_as_the_error_says() {
    let spec = capped(110.0, 0.0, 0.1, 20_000);
    let (tally, _) = tally(&compile(&spec));
    let by_step = tally.by_step(&tally.first_snapback);
    let per_month = 1.0 - PHI_OF_ONE;
    for t in [1usize, 2, 6, 12] {
        let expected = 1.0 - (1.0 - per_month).powi(t as i32);
        assert!(
            agrees(by_step[t - 1], expected, tally.runs, 4.5),
            "P(snap-back by month {t}) = {}, closed form {expected}",
            by_step[t - 1]
        );
    }
}

/// Measured exactly, the record follows the truth: a stock growing by 1 a month from
/// 100 passes the cap of 110 in month 11, and every run snaps back then, not before.
#[test]
fn measured_exactly_the_record_follows_the_true_stock_past_its_cap() {
    let spec = capped(110.0, 12.0, 0.0, 200);
    let (tally, _) = tally(&compile(&spec));
    let by_step = tally.by_step(&tally.first_snapback);
    assert_eq!(by_step[9], 0.0, "110 is not above the cap of 110");
    assert_eq!(by_step[10], 1.0, "111 is");
}

/// Without error and below the cap, measurements never find a breach.
#[test]
fn measured_exactly_a_stock_below_its_cap_is_never_a_breach() {
    let spec = capped(110.0, 0.0, 0.0, 200);
    let (tally, _) = tally(&compile(&spec));
    assert_eq!(tally.by_step(&tally.first_snapback)[24], 0.0);
}
