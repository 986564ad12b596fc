//! Helpers shared by the simulator's integration tests.

#![allow(dead_code)]

use detente_engine::Agreement;
use detente_sim::{Overrides, Plan, Simulator, Tally};
use detente_spec::model::Spec;
use detente_spec::{check, SourceFile};

/// A valid specification from a file of `tests/cases` or `scenarios/`.
pub fn spec(path: &str) -> Spec {
    let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"));
    let checked = check(&SourceFile::new(path, &text));
    assert!(!checked.has_errors(), "{path} is not valid: {:?}", checked.diagnostics);
    checked.spec
}

/// Compiles a specification.
pub fn compile(spec: &Spec) -> Agreement {
    Agreement::compile(spec).expect("a valid specification compiles")
}

/// Runs every run of the agreement's plan.
pub fn tally(ag: &Agreement) -> (Tally, Plan) {
    let plan = Plan::new(ag, Overrides::default()).expect("a valid plan");
    let sim = Simulator::new(ag, plan.clone());
    let (tally, _) =
        detente_sim::simulate(&sim, 0..plan.runs as u64, false, &|_| {}).expect("the tallies hold the runs");
    (tally, plan)
}

/// Whether an estimate of a probability from `n` runs agrees with `expected` within
/// `z` standard errors of a binomial proportion (the tolerance comes from the sample
/// size, not from tuning).
pub fn agrees(estimate: f64, expected: f64, n: u64, z: f64) -> bool {
    let se = (expected * (1.0 - expected) / n as f64).sqrt().max(1.0 / n as f64);
    (estimate - expected).abs() <= z * se
}
