//! The decision report: reproducible from the files and the seed, the same whatever the
//! thread count, its drivers the sweeps they say they are, and its warnings where a
//! result rests on an assumption more than on the design.

mod common;

use common::compile;
use detente_engine::Agreement;
use detente_sim::report::{self, drivers, ReportOptions};
use detente_sim::Overrides;
use detente_spec::model::{Strategy, StrategyKind};
use detente_spec::{check, SourceFile};

/// The starter agreement (both sides sincere), small.
fn starter_spec() -> detente_spec::Spec {
    let mut spec = check(&SourceFile::new("my-deal.toml", detente_spec::starter("my-deal"))).spec;
    let sim = spec.simulation.get_or_insert_with(Default::default);
    sim.runs = 300;
    sim.horizon = detente_spec::time::Duration::months(36);
    spec
}

fn starter() -> Agreement {
    compile(&starter_spec())
}

/// The starter with Beta cheating on its freeze 5% of months.
fn starter_with_a_cheater() -> Agreement {
    let mut spec = starter_spec();
    spec.agreement.id = "my-deal-cheater".into();
    spec.simulation.as_mut().unwrap().strategy.insert(
        "beta".into(),
        Strategy { kind: StrategyKind::CovertCheater, cheat: Some(0.05), max_cost: None, patience: None },
    );
    compile(&spec)
}

const SMALL: ReportOptions = ReportOptions { driver_runs: 100, story_runs: 300 };

fn build(designs: Vec<Agreement>) -> report::Report {
    report::build(designs, Overrides::default(), SMALL).expect("the report builds")
}

#[test]
fn a_small_report_is_pinned() {
    let report = build(vec![starter(), starter_with_a_cheater()]);
    insta::assert_snapshot!(report.markdown());
}

#[test]
fn the_report_does_not_depend_on_the_thread_count() {
    let in_pool = |threads| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| build(vec![starter(), starter_with_a_cheater()]).markdown())
    };
    assert_eq!(in_pool(1), in_pool(3));
}

#[test]
fn markdown_and_html_carry_the_same_tables() {
    let report = build(vec![starter(), starter_with_a_cheater()]);
    let (md, html) = (report.markdown(), report.html());
    let md_rows = md.lines().filter(|l| l.starts_with("| ") && !l.starts_with("|---")).count();
    let html_rows = html.matches("<tr>").count();
    assert_eq!(md_rows, html_rows, "every Markdown table row is an HTML row");
    assert!(html.starts_with("<!DOCTYPE html>") && !html.contains("<script"));
}

/// Each driver's ends are exactly the simulations of the design with the assumption
/// set there, as `--sweep` runs them.
#[test]
fn a_driver_is_the_sweep_of_its_assumption() {
    let design = starter_with_a_cheater();
    let found = drivers::drivers(&design, 100).unwrap();
    let driver =
        found.iter().find(|d| d.parameter == "strategy.beta.cheat").expect("the cheat is an assumption");
    assert_eq!(driver.range, (0.025, 0.525));
    let mut low = design.clone();
    detente_sim::sweep::apply(&mut low, "strategy.beta.cheat", 0.025).unwrap();
    low.simulation_mut().runs = 100;
    let summary = drivers::summarise(&low).unwrap();
    assert_eq!(driver.at_low, drivers::outcomes(&summary));
    assert!(driver.swing(1) > 0.0, "cheating more is caught more: {driver:?}");
}

/// Two identical designs differ by nothing, so every assumption that moves an outcome
/// at all moves it more than the design does: the report says so.
#[test]
fn a_difference_smaller_than_an_assumptions_swing_is_warned_about() {
    let report = build(vec![starter_with_a_cheater(), starter_with_a_cheater()]);
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("rests on those assumptions") && w.contains("strategy.beta.cheat")),
        "{:?}",
        report.warnings
    );
}

#[test]
fn every_story_is_a_run_the_trace_plays_again() {
    let report = build(vec![starter_with_a_cheater()]);
    let stories = &report.stories[0];
    assert!(!stories.is_empty());
    for story in stories {
        assert!(story.run < 300);
        assert!(story.lines.iter().all(|l| l.len() > 12 && l.as_bytes()[4] == b'-'), "{:?}", story.lines);
    }
}

/// Threat reduction weighs each commitment's `values.threat_reduction` by the share of
/// futures that hold it at the horizon: never more than all of them, and less when a
/// party cheats on its freeze.
#[test]
fn threat_reduction_is_what_the_held_commitments_give() {
    let designs = vec![starter(), starter_with_a_cheater()];
    let most: f64 =
        designs[0].spec.commitment.iter().filter_map(|c| c.values.as_ref().map(|v| v.threat_reduction)).sum();
    assert!(most > 0.0, "the starter states a threat reduction");
    let report = build(designs);
    for &(delivered, total) in &report.threat_reduction {
        assert_eq!(total, most);
        assert!((0.0..=most).contains(&delivered));
    }
    assert!(report.threat_reduction[1].0 < report.threat_reduction[0].0, "{:?}", report.threat_reduction);
}

/// A range stated in `[simulation.range]` replaces the rule's, with its source, and an
/// assumption the table does not state (a verification's detection) is moved when the
/// file gives it a range.
#[test]
fn a_stated_range_replaces_the_rule() {
    let mut design = starter_with_a_cheater();
    let verified = design.spec.commitment.iter().find(|c| c.verification.is_some()).unwrap().id.clone();
    let sim = design.simulation_mut();
    let range =
        |low, high| detente_spec::model::AssumptionRange { low, high, source: "a test's label".into() };
    sim.range.insert("strategy.beta.cheat".into(), range(0.01, 0.2));
    sim.range.insert(format!("detection.{verified}"), range(0.5, 1.0));
    let found = drivers::drivers(&design, 50).unwrap();
    let cheat = found.iter().find(|d| d.parameter == "strategy.beta.cheat").unwrap();
    assert_eq!((cheat.range, cheat.source.as_deref()), ((0.01, 0.2), Some("a test's label")));
    let detection = found.iter().find(|d| d.parameter == format!("detection.{verified}")).unwrap();
    assert_eq!(detection.range, (0.5, 1.0));
    let unstated = found.iter().find(|d| d.parameter == "resolution").unwrap();
    assert_eq!((unstated.range, unstated.source.as_deref()), ((0.25, 0.75), None));
    let markdown = build(vec![design]).markdown();
    assert!(markdown.contains("0.01 to 0.2 (stated: a test's label)"), "{markdown}");
    assert!(markdown.contains("(rule: halfway to 0 and to 1)"));
}
