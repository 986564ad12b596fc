//! Sensitivity sweeps: `--sweep PARAM=a..b:n` runs the simulation at `n` evenly spaced
//! values of one assumption, on common random numbers (the same seed at every point,
//! so the curve is smooth where the outcome is, not jagged with noise).
//!
//! Parameters are named by their place in the `[simulation]` table:
//!
//! | parameter | meaning |
//! |---|---|
//! | `strategy.PARTY.cheat` | a covert cheater's monthly probability of breaking a measure |
//! | `strategy.PARTY.max_cost` | the highest cost a hedger pays |
//! | `strategy.PARTY.patience` | GRIT's patience, in months |
//! | `detection.COMMITMENT` | detection probability of an inspection |
//! | `false_alarm.COMMITMENT` | false-alarm probability of an inspection |
//! | `inspection.COMMITMENT` | probability an inspection takes place in a period |
//! | `election.PARTY.reversal` | probability a new government reverses course |
//! | `resolution` | probability the dispute procedure decides an anomaly within a month |
//! | `confirmation.breach` | probability a verdict confirms a real breach |
//! | `confirmation.false_alarm` | probability a verdict confirms a false alarm |
//! | `walkout.base`, `walkout.aggrieved` | probability a signatory walks out within a year |

use serde::Serialize;

use detente_engine::Agreement;
use detente_spec::model::{Simulation, Spec, StrategyKind};
use detente_spec::time::Duration;

use crate::summary::Summary;

/// A parsed `--sweep` argument.
#[derive(Clone, Debug, PartialEq)]
pub struct Sweep {
    /// The parameter's name.
    pub parameter: String,
    /// The values, in order.
    pub values: Vec<f64>,
}

impl Sweep {
    /// Parses `PARAM=a..b:n`, e.g. `detection.production-freeze=0.3..0.9:7`.
    pub fn parse(text: &str) -> Result<Sweep, String> {
        let usage = "write PARAM=FROM..TO:POINTS, e.g. detection.production-freeze=0.3..0.9:7";
        let (parameter, range) =
            text.split_once('=').ok_or_else(|| format!("`{text}` has no `=`; {usage}"))?;
        let (bounds, points) =
            range.split_once(':').ok_or_else(|| format!("`{range}` has no `:POINTS`; {usage}"))?;
        let (from, to) = bounds.split_once("..").ok_or_else(|| format!("`{bounds}` has no `..`; {usage}"))?;
        let number = |s: &str| s.trim().parse::<f64>().map_err(|_| format!("`{s}` is not a number; {usage}"));
        let (from, to) = (number(from)?, number(to)?);
        let points: usize =
            points.trim().parse().map_err(|_| format!("`{points}` is not a whole number; {usage}"))?;
        if !(2..=1000).contains(&points) {
            return Err(format!("a sweep needs 2 to 1000 points, not {points}"));
        }
        if !from.is_finite() || !to.is_finite() {
            return Err(format!("the range {from}..{to} is not finite"));
        }
        let values = (0..points).map(|i| from + (to - from) * i as f64 / (points - 1) as f64).collect();
        Ok(Sweep { parameter: parameter.trim().to_string(), values })
    }
}

fn probability(name: &str, value: f64) -> Result<f64, String> {
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(format!("`{name}` is a probability, so {value} is out of range (0 to 1)"))
    }
}

/// Sets a parameter of the agreement's assumptions to `value`.
pub fn apply(agreement: &mut Agreement, parameter: &str, value: f64) -> Result<(), String> {
    let spec = &agreement.spec;
    let commitment_ids: Vec<String> = spec.commitment.iter().map(|c| c.id.clone()).collect();
    let verified =
        |id: &str, spec: &Spec| spec.commitment.iter().any(|c| c.id == id && c.verification.is_some());
    let signatory = |id: &str, spec: &Spec| {
        spec.party(id).is_some_and(|p| p.role == detente_spec::model::Role::Signatory)
    };
    let parts: Vec<&str> = parameter.split('.').collect();
    let exists = |id: &str, spec: &Spec| -> Result<(), String> {
        if verified(id, spec) {
            Ok(())
        } else if commitment_ids.iter().any(|c| c == id) {
            Err(format!("`{id}` has no verification, so it has no {} to sweep", parts[0]))
        } else {
            Err(format!("no commitment `{id}` in this agreement"))
        }
    };
    let is_signatory = |id: &str, spec: &Spec| {
        if signatory(id, spec) {
            Ok(())
        } else {
            Err(format!("`{id}` is not a signatory of this agreement"))
        }
    };
    let check_first = match parts.as_slice() {
        ["detection" | "false_alarm" | "inspection", id] => exists(id, spec),
        ["strategy" | "election", party, _] => is_signatory(party, spec),
        ["measurement", id] if !spec.quantity.iter().any(|q| q.id == *id) => {
            Err(format!("no quantity `{id}` in this agreement"))
        }
        _ => Ok(()),
    };
    check_first?;
    let sim: &mut Simulation = agreement.simulation_mut();
    match parts.as_slice() {
        ["resolution"] => sim.resolution = probability(parameter, value)?,
        ["confirmation", "breach"] => sim.confirmation.breach = probability(parameter, value)?,
        ["confirmation", "false_alarm"] => sim.confirmation.false_alarm = probability(parameter, value)?,
        ["walkout", "base"] => sim.walkout.base = probability(parameter, value)?,
        ["walkout", "aggrieved"] => sim.walkout.aggrieved = probability(parameter, value)?,
        ["detection", id] => {
            sim.detection.insert(id.to_string(), probability(parameter, value)?);
        }
        ["false_alarm", id] => {
            sim.false_alarm.insert(id.to_string(), probability(parameter, value)?);
        }
        ["inspection", id] => {
            sim.inspection.insert(id.to_string(), probability(parameter, value)?);
        }
        ["measurement", id] if value >= 0.0 => {
            sim.measurement.insert(id.to_string(), value);
        }
        ["measurement", _] => {
            return Err(format!("`{parameter}` is a relative standard error, so {value} is out of range (0 or more)"))
        }
        ["strategy", party, field] => {
            let strategy = sim.strategy.get_mut(*party).ok_or_else(|| {
                format!("`{party}` has no strategy in [simulation.strategy] (it is sincere), so `{field}` cannot be swept")
            })?;
            let kind = strategy.kind;
            let wrong = || {
                let takes = match kind.parameters() {
                    [] => "it has no parameter to sweep".to_string(),
                    names => format!(
                        "it takes {}",
                        names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                    ),
                };
                format!("`{party}` plays {kind}, which has no `{field}` ({takes})")
            };
            match (*field, kind) {
                ("cheat", StrategyKind::CovertCheater) => {
                    strategy.cheat = Some(probability(parameter, value)?)
                }
                ("max_cost", StrategyKind::Hedger) => strategy.max_cost = Some(value),
                ("patience", StrategyKind::Grit) if value >= 0.0 => {
                    strategy.patience = Some(Duration::months(value.round() as u32))
                }
                _ => return Err(wrong()),
            }
        }
        ["election", party, "reversal"] => {
            let mut found = false;
            for election in sim.election.iter_mut().filter(|e| e.party == *party) {
                election.reversal = probability(parameter, value)?;
                found = true;
            }
            if !found {
                return Err(format!("`{party}` holds no elections in [[simulation.election]]"));
            }
        }
        _ => {
            return Err(format!(
                "unknown parameter `{parameter}`; sweepable: strategy.PARTY.cheat|max_cost|patience, \
                 detection.ID, false_alarm.ID, inspection.ID, measurement.QUANTITY, election.PARTY.reversal, resolution, \
                 confirmation.breach|false_alarm, walkout.base|aggrieved"
            ))
        }
    }
    Ok(())
}

/// One point of a sweep.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Point {
    /// The parameter's value.
    pub value: f64,
    /// The simulation at that value.
    pub summary: Summary,
}

/// A whole sweep.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SweepReport {
    /// The parameter swept.
    pub parameter: String,
    /// The points, in order.
    pub points: Vec<Point>,
}

/// The outcomes a sweep reports per point: (name, value at each point).
pub fn outcomes(report: &SweepReport) -> Vec<(String, Vec<f64>)> {
    let Some(first) = report.points.first() else { return Vec::new() };
    let column =
        |f: &dyn Fn(&Summary) -> f64| report.points.iter().map(|p| f(&p.summary)).collect::<Vec<f64>>();
    let mut out = vec![
        ("probability of snap-back".to_string(), column(&|s| s.snapback.probability)),
        ("probability of breakdown".to_string(), column(&|s| s.breakdown.probability)),
        ("probability of collapse or breakdown".to_string(), column(&|s| s.collapse.probability)),
        ("mean relief delivered".to_string(), column(&|s| s.relief.delivered.mean)),
    ];
    for (p, phase) in first.summary.phases.iter().enumerate() {
        out.push((format!("probability {} opens", phase.id), column(&|s| s.phases[p].reached)));
    }
    for (q, quantity) in first.summary.quantities.iter().enumerate() {
        out.push((
            format!("median {} at the horizon ({})", quantity.id, quantity.unit),
            column(&|s| s.quantities[q].steps.last().map_or(0.0, |x| x.p50)),
        ));
    }
    out
}

impl SweepReport {
    /// The terminal table: one row per point, the main outcomes as columns.
    pub fn text(&self) -> String {
        use crate::summary::num;
        use std::fmt::Write;
        let mut out = String::new();
        let Some(first) = self.points.first() else { return out };
        let _ = writeln!(
            out,
            "{}: sweep of {} over {} points, {} futures each on common random numbers (seed {})\n",
            first.summary.agreement,
            self.parameter,
            self.points.len(),
            first.summary.runs,
            first.summary.assumptions.seed
        );
        let outcomes = outcomes(self);
        for (name, values) in &outcomes {
            let _ = writeln!(out, "{name}:");
            for (point, v) in self.points.iter().zip(values) {
                let _ = writeln!(out, "  {} = {:<10} {}", self.parameter, num(point.value), num(*v));
            }
        }
        out
    }

    /// The sweep as one CSV table: a row per point, a column per outcome.
    pub fn csv(&self) -> String {
        let outcomes = outcomes(self);
        let mut out = String::from("value");
        for (name, _) in &outcomes {
            out.push(',');
            out.push_str(&name.replace(',', ";"));
        }
        out.push('\n');
        for (i, point) in self.points.iter().enumerate() {
            out.push_str(&point.value.to_string());
            for (_, values) in &outcomes {
                out.push_str(&format!(",{}", values[i]));
            }
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ranges() {
        let s = Sweep::parse("detection.freeze=0.2..0.8:4").unwrap();
        assert_eq!(s.parameter, "detection.freeze");
        assert_eq!(s.values.len(), 4);
        assert!((s.values[1] - 0.4).abs() < 1e-12 && (s.values[3] - 0.8).abs() < 1e-12);
    }

    #[test]
    fn explains_bad_ranges() {
        assert!(Sweep::parse("detection.freeze").unwrap_err().contains("no `=`"));
        assert!(Sweep::parse("x=1..2").unwrap_err().contains(":POINTS"));
        assert!(Sweep::parse("x=1-2:3").unwrap_err().contains("`..`"));
        assert!(Sweep::parse("x=a..2:3").unwrap_err().contains("not a number"));
        assert!(Sweep::parse("x=1..2:1").unwrap_err().contains("2 to 1000"));
    }
}
