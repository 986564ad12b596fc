//! The horizon is counted in calendar months: N months (or N/12 years) with a step of
//! k months is exactly N/k steps, ending exactly N months after the start.

mod common;

use detente_sim::{Overrides, Plan};
use detente_spec::time::Duration;

#[test]
fn horizons_in_the_file_and_on_the_command_line_are_exact() {
    let mut spec = common::spec("tests/cases/two-sides.toml");
    let adopted = spec.agreement.adopted;
    for (horizon, months) in [("1 month", 1), ("21 months", 21), ("28 months", 28), ("36 months", 36)] {
        spec.simulation.as_mut().unwrap().horizon = horizon.parse().unwrap();
        let plan = Plan::new(&common::compile(&spec), Overrides::default()).unwrap();
        assert_eq!(plan.steps(), months as usize, "{horizon}");
        assert_eq!(plan.dates.last().copied(), Duration::months(months).after(adopted), "{horizon}");
    }
    let ag = common::compile(&spec);
    for years in [20u32, 21, 30, 100] {
        let plan = Plan::new(&ag, Overrides { years: Some(years), ..Overrides::default() }).unwrap();
        assert_eq!(plan.steps(), years as usize * 12, "{years} years");
        assert_eq!(plan.dates.last().copied(), Duration::months(years * 12).after(adopted));
    }
}

#[test]
fn a_horizon_past_the_files_limit_is_refused() {
    let ag = common::compile(&common::spec("tests/cases/two-sides.toml"));
    for years in [0, 1001] {
        let error = Plan::new(&ag, Overrides { years: Some(years), ..Overrides::default() }).unwrap_err();
        assert!(error.to_string().contains("from 1 to 1000 years"), "{error}");
        assert_eq!(error, detente_sim::PlanError::YearsOutOfRange { years, max: 1000 });
    }
}
