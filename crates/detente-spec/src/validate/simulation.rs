//! The `[simulation]` assumptions: coherent durations (E013: horizon, step, election
//! intervals, GRIT patience), and assumptions that can apply (E025): strategies and
//! elections for signatories, detection and false-alarm
//! overrides for commitments that someone verifies.

use super::Check;
use crate::diagnostic::{with_article, Code, Diagnostic};
use crate::model::Role;
use crate::source_map::ItemKey;
use crate::time::Unit;

pub(super) fn check(check: &mut Check<'_>) {
    let Some(sim) = &check.spec.simulation else { return };
    let item = ItemKey::Simulation;
    let mut report = |code, message: String, span, help: &str| {
        check.diagnostics.push(Diagnostic::new(code, message).label(span, "here").help(help));
    };
    if sim.horizon.is_zero() || sim.step.is_zero() {
        report(
            Code::TemporalIncoherence,
            "the simulation's horizon and step must be longer than zero".to_string(),
            check.map.field(item, if sim.horizon.is_zero() { "horizon" } else { "step" }),
            "e.g. horizon = \"20 years\", step = \"1 month\"",
        );
    } else if sim.step.approx_days() > sim.horizon.approx_days() {
        report(
            Code::TemporalIncoherence,
            format!("the step ({}) is longer than the horizon ({})", sim.step, sim.horizon),
            check.map.field(item, "step"),
            "the horizon must hold at least one step",
        );
    }
    // Zero intervals mean nothing: elections every 0 days would all fall on one day, and
    // GRIT that waits no time for the other side to reciprocate does not reciprocate.
    for (n, election) in sim.election.iter().enumerate() {
        if election.every.is_zero() {
            report(
                Code::TemporalIncoherence,
                format!("the elections of `{}` come every {}", election.party, election.every),
                check
                    .map
                    .field_at(item, "election.every", n)
                    .or_else(|| check.map.element(item, "election", n)),
                "give the interval between elections, e.g. every = \"4 years\"",
            );
        }
    }
    for (n, (party, strategy)) in sim.strategy.iter().enumerate() {
        if let Some(patience) = strategy.patience.filter(|p| p.is_zero()) {
            report(
                Code::TemporalIncoherence,
                format!("the GRIT strategy of `{party}` has no patience ({patience})"),
                check
                    .map
                    .field_at(item, "strategy.patience", n)
                    .or_else(|| check.map.element(item, "strategy", n)),
                "give how long it waits for the other side to reciprocate, e.g. patience = \"6 months\"",
            );
        }
    }
    if !matches!(sim.step.unit, Unit::Month | Unit::Year) {
        report(
            Code::AssumptionCannotApply,
            format!("the simulation steps by whole months, not by {}", sim.step),
            check.map.field(item, "step"),
            "use step = \"1 month\" (or a number of months or years)",
        );
    }
    for (n, (id, lead_time)) in sim.lead_time.iter().enumerate() {
        let span =
            |field| check.map.field_at(item, field, n).or_else(|| check.map.element(item, "lead_time", n));
        if lead_time.median.is_zero() {
            report(
                Code::TemporalIncoherence,
                format!("the lead time of `{id}` has a median of {}", lead_time.median),
                span("lead_time.median"),
                "a step takes some time: give its median, e.g. median = \"60 days\"",
            );
        } else if lead_time.p90.approx_days() < lead_time.median.approx_days() {
            report(
                Code::TemporalIncoherence,
                format!(
                    "the lead time of `{id}` has a 90th percentile ({}) below its median ({})",
                    lead_time.p90, lead_time.median
                ),
                span("lead_time.p90"),
                "nine in ten steps take at most the 90th percentile, so it is at least the median",
            );
        }
    }
    let spec = check.spec;
    let signatory = |id: &str| spec.party(id).is_some_and(|p| p.role == Role::Signatory);
    let for_non_signatories: Vec<(usize, &String, &'static str)> = sim
        .strategy
        .keys()
        .enumerate()
        .map(|(n, id)| (n, id, "strategy"))
        .chain(sim.election.iter().enumerate().map(|(n, e)| (n, &e.party, "election")))
        .chain(sim.prior.keys().enumerate().map(|(n, id)| (n, id, "prior")))
        .filter(|(_, id, _)| spec.party(id).is_some() && !signatory(id))
        .collect();
    for (n, id, field) in for_non_signatories {
        report(
            Code::AssumptionCannotApply,
            format!("`{id}` is not a signatory, so {} assumption cannot apply to it", with_article(field)),
            check.map.element(item, field, n),
            "strategies, elections and priors are for signatories; verifiers verify and observers watch",
        );
    }
    for (field, map) in
        [("detection", &sim.detection), ("false_alarm", &sim.false_alarm), ("inspection", &sim.inspection)]
    {
        for (n, id) in map.keys().enumerate() {
            let unverified =
                spec.commitment.iter().find(|c| &c.id == id).is_some_and(|c| c.verification.is_none());
            if unverified {
                report(
                    Code::AssumptionCannotApply,
                    format!("`{id}` has no verification, so its {field} cannot be assumed"),
                    check.map.element(item, field, n),
                    "add a [commitment.verification] to it, or drop this assumption",
                );
            }
        }
    }
}
