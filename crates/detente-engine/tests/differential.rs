//! Differential testing in the style of Cedar: the engine and a small reference
//! interpreter written straight from `docs/semantics.md` (`tests/reference/`) must give
//! the same statuses for every generated agreement and log, on every query date.

mod common;
mod reference;

use common::{build, events, plan, query_days};
use detente_engine::state;
use proptest::prelude::*;
use reference::{statuses_at, Statuses};

proptest! {
    // 1,000 cases by default; PROPTEST_CASES raises it for longer runs.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(1000),
        ..ProptestConfig::default()
    })]

    #[test]
    fn engine_agrees_with_the_reference(plan in plan()) {
        let agreement = build(&plan);
        let log = events(&agreement, &plan);
        let days = query_days();
        let expected = statuses_at(&agreement, &log.events, &days);
        for (as_of, expected) in days.iter().zip(expected) {
            let actual = Statuses::of(&state(&agreement, &log, *as_of).unwrap());
            prop_assert_eq!(actual, expected, "on {}", as_of);
        }
    }
}
