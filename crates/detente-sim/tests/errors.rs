//! The simulator's errors: typed, with the values at fault, in the words people read.

mod common;

use detente_sim::report::{self, ReportOptions};
use detente_sim::tally::{Shape, Tally};
use detente_sim::{Error, Overrides, Plan, PlanError, TallyError};
use detente_spec::model::{Strategy, StrategyKind};

fn two_sides() -> detente_engine::Agreement {
    common::compile(&common::spec("tests/cases/two-sides.toml"))
}

#[test]
fn overrides_out_of_range_are_refused_with_the_range() {
    let ag = two_sides();
    let error = Plan::new(&ag, Overrides { years: Some(0), ..Overrides::default() }).unwrap_err();
    assert_eq!(error, PlanError::YearsOutOfRange { years: 0, max: 1000 });
    assert_eq!(error.to_string(), "a horizon of 0 years is out of range: from 1 to 1000 years");
    let error = Plan::new(&ag, Overrides { runs: Some(0), ..Overrides::default() }).unwrap_err();
    assert_eq!(error, PlanError::NoRuns);
}

#[test]
fn a_strategy_without_its_parameter_names_the_party_and_the_parameter() {
    let mut ag = two_sides();
    let strategy =
        Strategy { kind: StrategyKind::CovertCheater, cheat: None, max_cost: None, patience: None };
    ag.simulation_mut().strategy.insert("beta".into(), strategy);
    let error = Plan::new(&ag, Overrides::default()).unwrap_err();
    assert_eq!(error, PlanError::StrategyNeeds { party: "beta".into(), parameter: "cheat" });
    assert_eq!(error.to_string(), "the strategy of `beta` needs `cheat`");
}

#[test]
fn a_tally_of_another_shape_says_both_shapes() {
    let ag = two_sides();
    let plan = Plan::new(&ag, Overrides::default()).unwrap();
    let long = Plan::new(&ag, Overrides { years: Some(2), ..Overrides::default() }).unwrap();
    let (phases, powers, commitments) = (ag.phases.len(), ag.powers.len(), ag.commitments.len());
    let instruments = ag.spec.instrument.len();
    let shape = Tally::new(&plan, phases, powers, commitments, instruments);
    let other = Tally::new(&long, phases, powers, commitments, instruments);
    let error = other.validate(&shape).unwrap_err();
    let TallyError::ShapeMismatch { steps, expected } = &error else { panic!("{error:?}") };
    assert_eq!((*steps, expected.steps, expected.phases), (24, 12, phases));
    assert_eq!(
        *expected,
        Shape { steps: 12, quantities: ag.spec.quantity.len(), phases, commitments, instruments }
    );
    assert!(error
        .to_string()
        .starts_with("the tally's shape (24 steps) does not match the agreement's (12 steps, "));
    let mut merged = shape.clone();
    assert_eq!(merged.merge(&other), Err(TallyError::DifferentShapes));
}

#[test]
fn a_report_names_the_design_whose_plan_fails_and_keeps_the_cause() {
    use std::error::Error as _;
    let mut broken = two_sides();
    let strategy = Strategy { kind: StrategyKind::Hedger, cheat: None, max_cost: None, patience: None };
    broken.simulation_mut().strategy.insert("alpha".into(), strategy);
    let Err(error) = report::build(vec![two_sides(), broken], Overrides::default(), ReportOptions::default())
    else {
        panic!("a design whose strategy lacks its parameter cannot be reported")
    };
    let id = two_sides().spec.agreement.id.clone();
    assert!(
        matches!(&error, Error::Design { design, source: PlanError::StrategyNeeds { .. } } if *design == id),
        "{error:?}"
    );
    assert_eq!(error.to_string(), format!("{id}: the strategy of `alpha` needs `max_cost`"));
    assert!(error.source().and_then(|s| s.downcast_ref::<PlanError>()).is_some());
    assert_eq!(
        report::build(Vec::new(), Overrides::default(), ReportOptions::default()).err(),
        Some(Error::NoDesigns)
    );
}

#[test]
fn a_backtest_that_cannot_plan_keeps_the_plans_error() {
    use detente_sim::backtest::BacktestError;
    use std::error::Error as _;
    let error = BacktestError::from(PlanError::StepNotMonths { step: "10 days".parse().unwrap() });
    assert_eq!(
        error.to_string(),
        "cannot plan the simulation: the simulation steps by whole months, not by 10 days"
    );
    let source = error.source().and_then(|s| s.downcast_ref::<PlanError>());
    assert!(matches!(source, Some(PlanError::StepNotMonths { .. })), "{source:?}");
    assert!(BacktestError::NoRuns.source().is_none());
}
