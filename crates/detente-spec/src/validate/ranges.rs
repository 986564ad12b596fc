//! Stated ranges of assumptions (`[simulation.range]`) and inspection budgets
//! (`verification.budget`): the numbers the decision report moves an assumption
//! through, and the budget Dresher's inspection game is drawn from. A range must name
//! an assumption the file has (E025), lie in its domain (E015/E022), have its low end
//! at most its high end and hold the assumption's value (E022); a budget needs the
//! verification's period, and its window must hold a whole number of periods (E025); a
//! budget without a `source` is a figure without one (W103).

use super::Check;
use crate::assumption::{assumption, Domain};
use crate::diagnostic::{Code, Diagnostic};
use crate::source_map::ItemKey;

pub(super) fn check(check: &mut Check<'_>) {
    ranges(check);
    budgets(check);
}

fn ranges(check: &mut Check<'_>) {
    let Some(sim) = &check.spec.simulation else { return };
    let item = ItemKey::Simulation;
    for (n, (parameter, range)) in sim.range.iter().enumerate() {
        let at = |field| check.map.field_at(item, field, n).or_else(|| check.map.element(item, "range", n));
        let found = match assumption(check.spec, parameter) {
            Ok(found) => found,
            Err(error) => {
                let diagnostic = Diagnostic::new(
                    Code::AssumptionCannotApply,
                    format!("the range of `{parameter}` names no assumption of this file: {error}"),
                )
                .label(check.map.element(item, "range", n), "no such assumption")
                .help("name the assumption as --sweep names it, e.g. \"detection.freeze\"");
                check.report(diagnostic);
                continue;
            }
        };
        let (code, wrong) = match found.domain {
            Domain::Probability => (Code::Probability, "outside [0, 1]"),
            Domain::NonNegative => (Code::NumberOutOfRange, "negative"),
        };
        let mut in_domain = true;
        for (end, x) in [("low", range.low), ("high", range.high)] {
            if !found.domain.contains(x) {
                in_domain = false;
                let diagnostic = Diagnostic::new(
                    code,
                    format!("the {end} end of the range of `{parameter}` is {x}, but it is {}", found.domain),
                )
                .label(at(if end == "low" { "range.low" } else { "range.high" }), wrong)
                .help(format!("the range of `{parameter}` must lie within its domain"));
                check.report(diagnostic);
            }
        }
        if !in_domain {
            continue;
        }
        if range.low > range.high {
            let diagnostic = Diagnostic::new(
                Code::NumberOutOfRange,
                format!("the range of `{parameter}` runs from {} down to {}", range.low, range.high),
            )
            .label(at("range.low"), "above the high end")
            .help("write the low end first: low <= high");
            check.report(diagnostic);
        } else if !(range.low..=range.high).contains(&found.value) {
            let diagnostic = Diagnostic::new(
                Code::NumberOutOfRange,
                format!(
                    "`{parameter}` is {} in this file, outside its stated range {} to {}",
                    found.value, range.low, range.high
                ),
            )
            .label(at("range"), "does not hold the value")
            .help("a range says how far the assumption may be wrong, so it holds the value assumed");
            check.report(diagnostic);
        }
    }
}

fn budgets(check: &mut Check<'_>) {
    for (i, c) in check.spec.commitment.iter().enumerate() {
        let Some(v) = &c.verification else { continue };
        let Some(budget) = &v.budget else { continue };
        let item = ItemKey::Commitment(i);
        if budget.source.is_none() {
            let diagnostic = Diagnostic::new(
                Code::MissingSource,
                format!("the inspection budget of `{}` has no source", c.id),
            )
            .label(check.map.field(item, "verification.budget"), "unsourced")
            .help("add source = \"...\" citing the practice it follows, or labelling it as an assumption");
            check.report(diagnostic);
        }
        let at = check
            .map
            .field(item, "verification.budget.per")
            .or_else(|| check.map.field(item, "verification.budget"));
        let message = match v.every {
            None => format!(
                "the inspection budget of `{}` has no period to count: its verification has no `every`",
                c.id
            ),
            Some(every) if v.budget_periods().is_none_or(|n| n == 0) => format!(
                "the inspection budget of `{}` is per {}, which is not a whole number of its periods of {every}",
                c.id, budget.per
            ),
            Some(_) => continue,
        };
        let diagnostic = Diagnostic::new(Code::AssumptionCannotApply, message)
            .label(at, "here")
            .help("a budget counts inspections among the periods of `every`, e.g. every = \"3 months\" with budget = { inspections = 2, per = \"1 year\" }");
        check.report(diagnostic);
    }
}
