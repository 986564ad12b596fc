//! What drives the results: every assumption of a design's `[simulation]` moved one at a
//! time to the ends of its range, on common random numbers, and the outcomes read at
//! each end (a tornado).
//!
//! The range of an assumption is the one the file states in `[simulation.range]`, with
//! its source or label; otherwise a rule documented in docs/simulation.md ("The
//! decision report"): a probability `p` moves halfway toward 0 and halfway toward 1
//! (`p / 2` and `(1 + p) / 2`); a non-negative amount `x` (a hedger's `max_cost`, GRIT's
//! patience, a measurement error) to `x / 2` and `2 x`. A range is a statement of how
//! unsure the reader should be, not an estimate; the report says where each one comes
//! from. An assumption the table does not state (the detection of a verification, say)
//! is moved too when the file states a range for it.

use detente_engine::Agreement;
use detente_spec::model::Simulation;

use crate::plan::{Overrides, Plan};
use crate::run::Simulator;
use crate::summary::Summary;
use crate::sweep;
use crate::Error;

/// The outcomes a driver moves, as read from a summary.
pub const OUTCOMES: [&str; 3] = ["breakdown", "snap-back", "relief delivered"];

/// The outcomes of a summary, in the order of [`OUTCOMES`].
pub fn outcomes(summary: &Summary) -> [f64; 3] {
    [summary.breakdown.probability, summary.snapback.probability, summary.relief.delivered.mean]
}

/// One assumption moved to both ends of its range.
#[derive(Clone, Debug, PartialEq)]
pub struct Driver {
    /// The parameter, as `--sweep` names it.
    pub parameter: String,
    /// Its value in the design.
    pub value: f64,
    /// The ends of its range.
    pub range: (f64, f64),
    /// Where the range comes from: the file's `source` for a stated range, `None` for
    /// the rule's.
    pub source: Option<String>,
    /// The outcomes at the low end and at the high end.
    pub at_low: [f64; 3],
    /// See `at_low`.
    pub at_high: [f64; 3],
}

impl Driver {
    /// How far the outcome `o` moves across the range.
    pub fn swing(&self, o: usize) -> f64 {
        (self.at_high[o] - self.at_low[o]).abs()
    }
}

/// Every assumption of the design's resolved `[simulation]` table that a sweep can move,
/// with its value: the dispute procedure, the walk-out hazard, each strategy's
/// parameter, each election, each detection, false-alarm, inspection and measurement
/// assumption stated for an item.
pub fn parameters(sim: &Simulation) -> Vec<(String, f64)> {
    let mut out = vec![
        ("resolution".to_string(), sim.resolution),
        ("confirmation.breach".to_string(), sim.confirmation.breach),
        ("confirmation.false_alarm".to_string(), sim.confirmation.false_alarm),
        ("walkout.base".to_string(), sim.walkout.base),
        ("walkout.aggrieved".to_string(), sim.walkout.aggrieved),
    ];
    for (party, strategy) in &sim.strategy {
        if let Some(cheat) = strategy.cheat {
            out.push((format!("strategy.{party}.cheat"), cheat));
        }
        if let Some(max_cost) = strategy.max_cost {
            out.push((format!("strategy.{party}.max_cost"), max_cost));
        }
        if let Some(patience) = strategy.patience {
            out.push((format!("strategy.{party}.patience"), crate::plan::months_of(patience)));
        }
    }
    let mut parties: Vec<&str> = sim.election.iter().map(|e| e.party.as_str()).collect();
    parties.dedup();
    for party in parties {
        if let Some(e) = sim.election.iter().find(|e| e.party == party) {
            out.push((format!("election.{party}.reversal"), e.reversal));
        }
    }
    for (kind, map) in
        [("detection", &sim.detection), ("false_alarm", &sim.false_alarm), ("inspection", &sim.inspection)]
    {
        out.extend(map.iter().map(|(id, v)| (format!("{kind}.{id}"), *v)));
    }
    out.extend(sim.measurement.iter().map(|(id, v)| (format!("measurement.{id}"), *v)));
    out
}

/// Whether a parameter is a probability (the rest are non-negative amounts).
fn is_probability(parameter: &str) -> bool {
    !(parameter.ends_with(".max_cost")
        || parameter.ends_with(".patience")
        || parameter.starts_with("measurement."))
}

/// The documented range of a parameter at `value` (see the module docs); `None` for an
/// amount of zero, which has no relative range.
pub fn range(parameter: &str, value: f64) -> Option<(f64, f64)> {
    if is_probability(parameter) {
        Some((value / 2.0, (1.0 + value) / 2.0))
    } else if value > 0.0 {
        Some((value / 2.0, value * 2.0))
    } else {
        None
    }
}

/// The rule that made a range, in words, for the report.
pub fn range_rule(parameter: &str) -> &'static str {
    if is_probability(parameter) {
        "halfway to 0 and to 1"
    } else {
        "half and double"
    }
}

/// The outcomes of `agreement` itself over `runs` futures: what its drivers' ends are
/// read against (the same runs and seed as theirs).
pub fn at_value(agreement: &Agreement, runs: u32) -> Result<[f64; 3], Error> {
    let mut design = agreement.clone();
    design.simulation_mut().runs = runs;
    Ok(outcomes(&summarise(&design)?))
}

/// Moves each assumption of `agreement` (aligned with the other designs) to both ends of
/// its range and simulates `runs` futures at each end, on the design's seed.
pub fn drivers(agreement: &Agreement, runs: u32) -> Result<Vec<Driver>, Error> {
    let base = Plan::new(agreement, Overrides::default())?;
    let stated = &base.assumptions.range;
    let mut moved = parameters(&base.assumptions);
    let unlisted: Vec<&String> = stated.keys().filter(|p| !moved.iter().any(|(m, _)| m == *p)).collect();
    for parameter in unlisted {
        let found = detente_spec::assumption::assumption(&agreement.spec, parameter)?;
        moved.push((parameter.clone(), found.value));
    }
    let mut out = Vec::new();
    for (parameter, value) in moved {
        let (ends, source) = match stated.get(&parameter) {
            Some(r) => (Some((r.low, r.high)), Some(r.source.clone())),
            None => (range(&parameter, value), None),
        };
        let Some((low, high)) = ends else { continue };
        let at = |v: f64| -> Result<[f64; 3], Error> {
            let mut point = agreement.clone();
            sweep::apply(&mut point, &parameter, v)?;
            point.simulation_mut().runs = runs;
            Ok(outcomes(&summarise(&point)?))
        };
        out.push(Driver {
            parameter: parameter.clone(),
            value,
            range: (low, high),
            source,
            at_low: at(low)?,
            at_high: at(high)?,
        });
    }
    out.sort_by(|a, b| b.swing(0).total_cmp(&a.swing(0)).then(b.swing(1).total_cmp(&a.swing(1))));
    Ok(out)
}

/// The summary of every run of an agreement's plan.
pub fn summarise(agreement: &Agreement) -> Result<Summary, Error> {
    let plan = Plan::new(agreement, Overrides::default())?;
    let runs = plan.runs as u64;
    let sim = Simulator::new(agreement, plan);
    let (tally, _) = crate::simulate(&sim, 0..runs, false, &|_| {})?;
    Ok(Summary::new(agreement, sim.plan(), &tally))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_follow_the_documented_rules() {
        assert_eq!(range("resolution", 0.5), Some((0.25, 0.75)));
        assert_eq!(range("walkout.base", 0.0), Some((0.0, 0.5)));
        assert_eq!(range("strategy.dprk.max_cost", 4.0), Some((2.0, 8.0)));
        assert_eq!(range("measurement.heu", 0.0), None);
        assert_eq!(range("measurement.heu", 0.2), Some((0.1, 0.4)));
    }
}
