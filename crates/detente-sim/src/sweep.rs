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
use detente_spec::model::{Role, Simulation, Spec, StrategyKind};
use detente_spec::suggest::closest;
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

/// How a sweep is written, for messages.
pub const USAGE: &str = "write PARAM=FROM..TO:POINTS, e.g. detection.production-freeze=0.3..0.9:7";

/// The fewest and the most points of a sweep.
pub const POINTS: std::ops::RangeInclusive<usize> = 2..=1000;

/// The forms of sweepable parameters, for messages.
pub const FORMS: &str =
    "strategy.PARTY.cheat|max_cost|patience, detection.ID, false_alarm.ID, inspection.ID, \
     measurement.QUANTITY, election.PARTY.reversal, resolution, confirmation.breach|false_alarm, \
     walkout.base|aggrieved";

/// Why a sweep cannot be read (`--sweep PARAM=a..b:n`) or one of its values cannot be
/// set in an agreement.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SweepError {
    /// No `=` between the parameter and the range.
    #[error("`{text}` has no `=`; {USAGE}")]
    NoEquals {
        /// The whole argument.
        text: String,
    },
    /// No `:POINTS` after the range.
    #[error("`{range}` has no `:POINTS`; {USAGE}")]
    NoPoints {
        /// What follows the `=`.
        range: String,
    },
    /// No `..` between the ends of the range.
    #[error("`{bounds}` has no `..`; {USAGE}")]
    NoRange {
        /// What stands between `=` and `:`.
        bounds: String,
    },
    /// An end of the range that is not a number.
    #[error("`{text}` is not a number; {USAGE}")]
    NotANumber {
        /// The end as written.
        text: String,
    },
    /// A number of points that is not a whole number.
    #[error("`{text}` is not a whole number; {USAGE}")]
    NotAWholeNumber {
        /// The points as written.
        text: String,
    },
    /// A number of points outside [`POINTS`].
    #[error("a sweep needs {} to {} points, not {points}", POINTS.start(), POINTS.end())]
    PointsOutOfRange {
        /// The points asked for.
        points: usize,
    },
    /// An end of the range that is infinite or not a number.
    #[error("the range {from}..{to} is not finite")]
    NotFinite {
        /// The first end.
        from: f64,
        /// The last end.
        to: f64,
    },
    /// A probability outside 0 to 1.
    #[error("`{parameter}` is a probability, so {value} is out of range (0 to 1)")]
    NotAProbability {
        /// The parameter.
        parameter: String,
        /// The value.
        value: f64,
    },
    /// A negative value of a parameter that is an amount.
    #[error("`{parameter}` is {what}, so {value} is out of range (0 or more)")]
    Negative {
        /// The parameter.
        parameter: String,
        /// What it is: `a relative standard error`, `a number of months`.
        what: &'static str,
        /// The value.
        value: f64,
    },
    /// A commitment that exists but is not verified, so has no detection, false alarm
    /// or inspection probability.
    #[error("`{commitment}` has no verification, so it has no {assumption} to sweep")]
    NotVerified {
        /// The commitment.
        commitment: String,
        /// `detection`, `false_alarm` or `inspection`.
        assumption: String,
    },
    /// No commitment has this id.
    #[error("no commitment `{id}` in this agreement{}", did_you_mean(.closest))]
    NoCommitment {
        /// The id.
        id: String,
        /// The closest verified commitment's id, if one is close.
        closest: Option<String>,
    },
    /// No quantity has this id.
    #[error("no quantity `{id}` in this agreement{}", did_you_mean(.closest))]
    NoQuantity {
        /// The id.
        id: String,
        /// The closest quantity's id, if one is close.
        closest: Option<String>,
    },
    /// A strategy or election parameter of a party that is not a signatory (or no
    /// party).
    #[error("`{party}` is not a signatory of this agreement{}", did_you_mean(.closest))]
    NotSignatory {
        /// The id.
        party: String,
        /// The closest signatory's id, if one is close.
        closest: Option<String>,
    },
    /// A strategy parameter of a party with no strategy stated (it is sincere).
    #[error(
        "`{party}` has no strategy in [simulation.strategy] (it is sincere), so `{field}` cannot be swept"
    )]
    NoStrategy {
        /// The party.
        party: String,
        /// The strategy parameter asked for.
        field: String,
    },
    /// A parameter the party's strategy does not take.
    #[error("`{party}` plays {kind}, which has no `{field}` ({})", takes(*.kind))]
    NotAStrategyParameter {
        /// The party.
        party: String,
        /// Its strategy.
        kind: StrategyKind,
        /// The parameter asked for.
        field: String,
    },
    /// An election parameter of a party that holds no elections.
    #[error("`{party}` holds no elections in [[simulation.election]]")]
    NoElection {
        /// The party.
        party: String,
    },
    /// A name of no form a sweepable parameter takes.
    #[error("unknown parameter `{parameter}`{}; sweepable: {FORMS}", did_you_mean(.closest))]
    UnknownParameter {
        /// The name.
        parameter: String,
        /// The closest parameter of this agreement, if one is close.
        closest: Option<String>,
    },
}

fn did_you_mean(closest: &Option<String>) -> String {
    closest.as_ref().map(|c| format!(" (did you mean `{c}`?)")).unwrap_or_default()
}

fn takes(kind: StrategyKind) -> String {
    match kind.parameters() {
        [] => "it has no parameter to sweep".to_string(),
        names => {
            format!("it takes {}", names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "))
        }
    }
}

impl Sweep {
    /// Parses `PARAM=a..b:n`, e.g. `detection.production-freeze=0.3..0.9:7`.
    pub fn parse(text: &str) -> Result<Sweep, SweepError> {
        let (parameter, range) =
            text.split_once('=').ok_or_else(|| SweepError::NoEquals { text: text.into() })?;
        let (bounds, points) =
            range.split_once(':').ok_or_else(|| SweepError::NoPoints { range: range.into() })?;
        let (from, to) =
            bounds.split_once("..").ok_or_else(|| SweepError::NoRange { bounds: bounds.into() })?;
        let number = |s: &str| s.trim().parse::<f64>().map_err(|_| SweepError::NotANumber { text: s.into() });
        let (from, to) = (number(from)?, number(to)?);
        let points: usize =
            points.trim().parse().map_err(|_| SweepError::NotAWholeNumber { text: points.into() })?;
        if !POINTS.contains(&points) {
            return Err(SweepError::PointsOutOfRange { points });
        }
        if !from.is_finite() || !to.is_finite() {
            return Err(SweepError::NotFinite { from, to });
        }
        let values = (0..points).map(|i| from + (to - from) * i as f64 / (points - 1) as f64).collect();
        Ok(Sweep { parameter: parameter.trim().to_string(), values })
    }
}

fn probability(parameter: &str, value: f64) -> Result<f64, SweepError> {
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(SweepError::NotAProbability { parameter: parameter.into(), value })
    }
}

/// The parameters of `spec` a sweep can set, by name: what an unknown name is matched
/// against for a suggestion.
pub fn sweepable(spec: &Spec) -> Vec<String> {
    let mut out: Vec<String> = [
        "resolution",
        "confirmation.breach",
        "confirmation.false_alarm",
        "walkout.base",
        "walkout.aggrieved",
    ]
    .map(String::from)
    .into();
    for c in spec.commitment.iter().filter(|c| c.verification.is_some()) {
        out.extend(["detection", "false_alarm", "inspection"].map(|a| format!("{a}.{}", c.id)));
    }
    out.extend(spec.quantity.iter().map(|q| format!("measurement.{}", q.id)));
    if let Some(sim) = &spec.simulation {
        for (party, strategy) in &sim.strategy {
            out.extend(strategy.kind.parameters().iter().map(|p| format!("strategy.{party}.{p}")));
        }
        for election in &sim.election {
            out.push(format!("election.{}.reversal", election.party));
        }
    }
    out
}

/// Sets a parameter of the agreement's assumptions to `value`.
pub fn apply(agreement: &mut Agreement, parameter: &str, value: f64) -> Result<(), SweepError> {
    let parts: Vec<&str> = parameter.split('.').collect();
    check_ids(&agreement.spec, &parts)?;
    if !set(agreement.simulation_mut(), parameter, &parts, value)? {
        let names = sweepable(&agreement.spec);
        let closest = closest(parameter, names.iter().map(String::as_str)).map(String::from);
        return Err(SweepError::UnknownParameter { parameter: parameter.into(), closest });
    }
    Ok(())
}

/// Checks that the ids a parameter names are of the agreement, and of the right kind.
fn check_ids(spec: &Spec, parts: &[&str]) -> Result<(), SweepError> {
    match parts {
        ["detection" | "false_alarm" | "inspection", id] => {
            if spec.commitment.iter().any(|c| c.id == *id && c.verification.is_some()) {
                Ok(())
            } else if spec.commitment.iter().any(|c| c.id == *id) {
                Err(SweepError::NotVerified { commitment: id.to_string(), assumption: parts[0].into() })
            } else {
                let verified = spec.commitment.iter().filter(|c| c.verification.is_some());
                let closest = closest(id, verified.map(|c| c.id.as_str())).map(String::from);
                Err(SweepError::NoCommitment { id: id.to_string(), closest })
            }
        }
        ["strategy" | "election", party, _] => {
            let signatories = spec.party.iter().filter(|p| p.role == Role::Signatory);
            if signatories.clone().any(|p| p.id == *party) {
                Ok(())
            } else {
                let closest = closest(party, signatories.map(|p| p.id.as_str())).map(String::from);
                Err(SweepError::NotSignatory { party: party.to_string(), closest })
            }
        }
        ["measurement", id] if !spec.quantity.iter().any(|q| q.id == *id) => {
            let closest = closest(id, spec.quantity.iter().map(|q| q.id.as_str())).map(String::from);
            Err(SweepError::NoQuantity { id: id.to_string(), closest })
        }
        _ => Ok(()),
    }
}

/// Sets the parameter in `sim`; `false` if `parts` is of no form a parameter takes.
fn set(sim: &mut Simulation, parameter: &str, parts: &[&str], value: f64) -> Result<bool, SweepError> {
    let negative = |what| SweepError::Negative { parameter: parameter.into(), what, value };
    match parts {
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
        ["measurement", _] => return Err(negative("a relative standard error")),
        ["strategy", party, field] => {
            let strategy = sim.strategy.get_mut(*party).ok_or_else(|| SweepError::NoStrategy {
                party: party.to_string(),
                field: field.to_string(),
            })?;
            let kind = strategy.kind;
            match (*field, kind) {
                ("cheat", StrategyKind::CovertCheater) => {
                    strategy.cheat = Some(probability(parameter, value)?)
                }
                ("max_cost", StrategyKind::Hedger) => strategy.max_cost = Some(value),
                ("patience", StrategyKind::Grit) if value >= 0.0 => {
                    strategy.patience = Some(Duration::months(value.round() as u32))
                }
                ("patience", StrategyKind::Grit) => return Err(negative("a number of months")),
                _ => {
                    return Err(SweepError::NotAStrategyParameter {
                        party: party.to_string(),
                        kind,
                        field: field.to_string(),
                    })
                }
            }
        }
        ["election", party, "reversal"] => {
            let mut found = false;
            for election in sim.election.iter_mut().filter(|e| e.party == *party) {
                election.reversal = probability(parameter, value)?;
                found = true;
            }
            if !found {
                return Err(SweepError::NoElection { party: party.to_string() });
            }
        }
        _ => return Ok(false),
    }
    Ok(true)
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
        let error = |text: &str| Sweep::parse(text).unwrap_err();
        assert_eq!(error("detection.freeze"), SweepError::NoEquals { text: "detection.freeze".into() });
        assert!(error("detection.freeze")
            .to_string()
            .starts_with("`detection.freeze` has no `=`; write PARAM="));
        assert!(error("x=1..2").to_string().contains("`1..2` has no `:POINTS`"));
        assert!(error("x=1-2:3").to_string().contains("`1-2` has no `..`"));
        assert_eq!(error("x=a..2:3"), SweepError::NotANumber { text: "a".into() });
        assert_eq!(error("x=1..2:1"), SweepError::PointsOutOfRange { points: 1 });
        assert_eq!(error("x=1..2:1").to_string(), "a sweep needs 2 to 1000 points, not 1");
        assert!(matches!(error("x=1..inf:3"), SweepError::NotFinite { .. }));
    }

    fn agreement(text: &str) -> Agreement {
        let checked = detente_spec::check(&detente_spec::SourceFile::new("sweep.toml", text));
        Agreement::compile(&checked.spec).unwrap()
    }

    #[test]
    fn an_unknown_parameter_is_named_with_the_closest_one_of_the_agreement() {
        let mut starter = agreement(&detente_spec::starter("sweep"));
        let error = apply(&mut starter, "walkout.bsae", 0.1).unwrap_err();
        assert_eq!(
            error,
            SweepError::UnknownParameter {
                parameter: "walkout.bsae".into(),
                closest: Some("walkout.base".into())
            }
        );
        let message = error.to_string();
        assert!(message
            .starts_with("unknown parameter `walkout.bsae` (did you mean `walkout.base`?); sweepable: "));
        let error = apply(&mut starter, "walkout.base", 1.5).unwrap_err();
        assert_eq!(error, SweepError::NotAProbability { parameter: "walkout.base".into(), value: 1.5 });
        assert_eq!(error.to_string(), "`walkout.base` is a probability, so 1.5 is out of range (0 to 1)");
        apply(&mut starter, "walkout.base", 0.25).unwrap();
        assert_eq!(starter.spec.simulation.as_ref().map(|s| s.walkout.base), Some(0.25));
    }

    #[test]
    fn ids_a_parameter_names_are_checked_with_suggestions() {
        let mut starter = agreement(&detente_spec::starter("sweep"));
        let party = starter.spec.party[0].id.clone();
        let typo = format!("{party}x");
        let error = apply(&mut starter, &format!("strategy.{typo}.cheat"), 0.1).unwrap_err();
        assert_eq!(error, SweepError::NotSignatory { party: typo.clone(), closest: Some(party.clone()) });
        assert_eq!(
            error.to_string(),
            format!("`{typo}` is not a signatory of this agreement (did you mean `{party}`?)")
        );
        let error = apply(&mut starter, "detection.nothing-like-it", 0.1).unwrap_err();
        assert_eq!(error, SweepError::NoCommitment { id: "nothing-like-it".into(), closest: None });
        assert_eq!(error.to_string(), "no commitment `nothing-like-it` in this agreement");
    }
}
