//! Backtest of the simulator against the bundled real histories.
//!
//! Every history in `scenarios/` is simulated from its adoption to its log's last date
//! under the assumptions its `[simulation]` table states (strategies and elections from
//! the record, with their sources), and the real outcome is placed in the simulated
//! distribution. This test checks the machinery (the real outcomes are what the engine's
//! replay says on the dates in question, percentiles are percentiles); it does **not**
//! assert that the real histories fall inside the distribution, because they do not
//! all, and that is the finding. The table prints with
//! `cargo test -p detente-sim --test backtest -- --nocapture`, and docs/simulation.md
//! ("Backtest") reproduces it.

use detente_engine::log::{load, Format};
use detente_engine::state::{AgreementStatus, PhaseStatus};
use detente_engine::{state, Agreement, Log};
use detente_sim::backtest::{backtest, table, Backtest, Comparison, Options, ReliefUnit};
use detente_spec::time::Date;
use detente_spec::{check, SourceFile};

const HISTORIES: [&str; 8] = [
    "agreed-framework-1994",
    "six-party-2007",
    "leap-day-2012",
    "korea-2018",
    "jpoa-2013",
    "jcpoa-2015",
    "inf-1987",
    "new-start-2010",
];

/// The runs and seed of the documented table.
const OPTIONS: Options = Options { runs: 400, seed: Some(1) };

fn load_history(name: &str) -> (Agreement, Log) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios/");
    let text = std::fs::read_to_string(format!("{dir}{name}.toml")).unwrap();
    let checked = check(&SourceFile::new(format!("{name}.toml"), text));
    assert!(!checked.has_errors(), "{name}: {:?}", checked.diagnostics);
    let agreement = Agreement::compile(&checked.spec).unwrap();
    let events = std::fs::read_to_string(format!("{dir}{name}.events.jsonl")).unwrap();
    let log = load(&events, Format::JsonLines, &agreement, false).unwrap();
    (agreement, log)
}

fn date(text: &str) -> Date {
    text.parse().unwrap()
}

/// Whether the engine's state on `on` reads a breakdown: a signatory withdrawn, or the
/// agreement terminated.
fn broken_down_on(ag: &Agreement, log: &Log, on: Date) -> bool {
    let s = state(ag, log, on).unwrap();
    let withdrew = ag.signatories().any(|p| s.parties[p].withdrawn.is_some_and(|d| d <= on));
    withdrew || s.agreement == AgreementStatus::Terminated
}

/// Whether the engine's state on `on` reads a collapse or a breakdown.
fn collapsed_on(ag: &Agreement, log: &Log, on: Date) -> bool {
    let s = state(ag, log, on).unwrap();
    s.agreement == AgreementStatus::Collapsed || broken_down_on(ag, log, on)
}

/// The month and date at which the backtest first saw an event, checked against the
/// engine: it reads so on that date and not one step earlier; if censored, not at the
/// horizon either.
fn check_first_seen(
    name: &str,
    b: &Backtest,
    (month, seen): (Option<u32>, Option<Date>),
    comparison: &Comparison,
    reads: &dyn Fn(Date) -> bool,
) {
    match (month, seen) {
        (Some(month), Some(seen)) => {
            assert!(reads(seen), "{name}: seen on {seen}");
            let earlier = detente_spec::time::Duration::months(month - b.step_months).after(b.start).unwrap();
            assert!(month == b.step_months || !reads(earlier), "{name}: not yet on {earlier}");
            assert!(!comparison.percentile.at_least);
            assert_eq!(comparison.real, f64::from(month));
        }
        (None, None) => {
            assert!(!reads(b.end), "{name}: not by {}", b.end);
            assert!(comparison.percentile.at_least, "{name}: censored");
            assert!(comparison.real.is_infinite());
        }
        other => panic!("{name}: month and date disagree: {other:?}"),
    }
}

/// The machinery, checked on one history against the engine's own answers.
fn check_machinery(name: &str, ag: &Agreement, log: &Log, b: &Backtest) {
    assert_eq!(b.futures.len(), OPTIONS.runs as usize, "{name}");
    assert!(b.end >= b.last_event, "{name}: the horizon covers the log");
    assert!(b.horizon_months.is_multiple_of(b.step_months));
    // The horizon is the first whole step on or after the last event.
    let before =
        detente_spec::time::Duration::months(b.horizon_months - b.step_months).after(b.start).unwrap();
    assert!(before < b.last_event || b.horizon_months == b.step_months, "{name}: horizon rounded up once");
    // None of the bundled histories gives weights; each states its assumptions.
    assert_eq!(b.relief_unit, ReliefUnit::InstrumentYears, "{name}");
    assert!(b.assumptions_in_file, "{name}: the history states its [simulation] assumptions");
    for c in [&b.breakdown, &b.collapse, &b.phases, &b.relief] {
        assert!((0.0..=1.0).contains(&c.percentile.value), "{name}: {c:?}");
        assert!(c.p05 <= c.median && c.median <= c.p95, "{name}: {c:?}");
    }
    // Phases: those the engine says opened by the horizon.
    let at_end = state(ag, log, b.end).unwrap();
    let opened =
        at_end.phases.iter().filter(|p| p.opened.is_some() || p.status != PhaseStatus::Locked).count();
    assert_eq!(b.real.outcome.phases_opened, opened, "{name}: phases opened");
    assert!(b.futures.iter().all(|o| o.phases_opened <= b.phases_total));
    // Breakdown and collapse: at the step where the backtest sees each, the engine says
    // so, and one step earlier it does not; if censored, the engine says not at the end.
    let real = &b.real;
    let breakdown = (real.outcome.breakdown_month, real.breakdown_date);
    check_first_seen(name, b, breakdown, &b.breakdown, &|on| broken_down_on(ag, log, on));
    let collapse = (real.outcome.collapse_month, real.collapse_date);
    check_first_seen(name, b, collapse, &b.collapse, &|on| collapsed_on(ag, log, on));
    // A breakdown is a collapse: in the history and in every future, the collapse comes
    // no later.
    let never = |m: Option<u32>| m.unwrap_or(u32::MAX);
    assert!(never(real.outcome.collapse_month) <= never(real.outcome.breakdown_month), "{name}");
    for o in &b.futures {
        assert!(never(o.collapse_month) <= never(o.breakdown_month), "{name}: {o:?}");
    }
    // Relief is non-negative and at most every instrument relieved for the whole horizon.
    let most = ag.spec.instrument.len() as f64 * b.horizon_months as f64 / 12.0;
    assert!((0.0..=most + 1e-9).contains(&b.real.outcome.relief), "{name}: {}", b.real.outcome.relief);
    assert!(b.futures.iter().all(|o| (0.0..=most + 1e-9).contains(&o.relief)), "{name}");
}

#[test]
fn every_bundled_history_is_placed_in_its_simulated_distribution() {
    let mut all = Vec::new();
    for name in HISTORIES {
        let (ag, log) = load_history(name);
        let b = backtest(&ag, &log, OPTIONS).unwrap();
        check_machinery(name, &ag, &log, &b);
        println!("{b}");
        all.push(b);
    }
    println!("Calibration table ({} futures each, seed 1):\n\n{}", OPTIONS.runs, table(&all));
}

#[test]
fn jcpoa_breaks_down_when_the_engine_says_the_us_withdrew() {
    let (ag, log) = load_history("jcpoa-2015");
    let b = backtest(&ag, &log, Options { runs: 50, seed: Some(1) }).unwrap();
    // The US ceased participation on 8 May 2018 (NSPM-11): the engine reads a
    // withdrawn signatory from that day, and the backtest sees it at the first step end
    // on or after it (adoption was 18 October 2015, so 18 May 2018: month 31).
    let s = state(&ag, &log, date("2018-05-08")).unwrap();
    let usa = ag.spec.party.iter().position(|p| p.id == "usa").unwrap();
    assert_eq!(s.parties[usa].withdrawn, Some(date("2018-05-08")));
    assert!(!broken_down_on(&ag, &log, date("2018-05-07")));
    assert_eq!(b.real.outcome.breakdown_month, Some(31));
    assert_eq!(b.real.breakdown_date, Some(date("2018-05-18")));
    assert!(b.real.breakdown_how.as_deref().unwrap().contains("usa"));
}

#[test]
fn a_backtest_is_deterministic_and_rejects_no_runs() {
    let (ag, log) = load_history("leap-day-2012");
    let a = backtest(&ag, &log, Options { runs: 30, seed: Some(7) }).unwrap();
    let b = backtest(&ag, &log, Options { runs: 30, seed: Some(7) }).unwrap();
    assert_eq!(a.futures, b.futures);
    assert_eq!(a.breakdown, b.breakdown);
    let error = backtest(&ag, &log, Options { runs: 0, seed: None }).unwrap_err();
    assert_eq!(error.to_string(), "a backtest needs at least one run");
    let _: &dyn std::error::Error = &error;
}
