//! The assumptions of a `[simulation]` table named as `--sweep` names them
//! (`detection.freeze`, `strategy.dprk.max_cost`, `walkout.base`...), with their value in
//! a specification and their domain. One place knows what a parameter name means, so
//! the validator of `[simulation.range]` and the decision report read the same value.

use std::fmt;

use crate::model::{Role, Simulation, Spec, StrategyKind, DEFAULT_MEASUREMENT_ERROR};

/// What values an assumption can take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Domain {
    /// A probability, in [0, 1].
    Probability,
    /// An amount, zero or more (a cost, a number of months, a relative error).
    NonNegative,
}

impl Domain {
    /// Whether `x` lies in the domain.
    pub fn contains(self, x: f64) -> bool {
        match self {
            Domain::Probability => (0.0..=1.0).contains(&x),
            Domain::NonNegative => x >= 0.0 && x.is_finite(),
        }
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Domain::Probability => "a probability (0 to 1)",
            Domain::NonNegative => "an amount of zero or more",
        })
    }
}

/// An assumption's value in a specification, and its domain.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Assumption {
    /// The value the specification gives it (stated, or the default).
    pub value: f64,
    /// What values it can take.
    pub domain: Domain,
}

/// Why a name is not an assumption of a specification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParameterError {
    /// The name is not of any form a parameter takes.
    Unknown(String),
    /// It names a commitment that does not exist, or that nobody verifies.
    NotVerified(String),
    /// It names a quantity that does not exist.
    NoQuantity(String),
    /// It names a party that is not a signatory.
    NotSignatory(String),
    /// The party's strategy has no such parameter (or the party has none stated).
    NoStrategyParameter(String),
    /// The party holds no elections.
    NoElection(String),
}

impl fmt::Display for ParameterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParameterError::Unknown(p) => write!(
                f,
                "unknown parameter `{p}`; parameters: resolution, confirmation.breach|false_alarm, \
                 walkout.base|aggrieved, detection.ID, false_alarm.ID, inspection.ID, measurement.QUANTITY, \
                 strategy.PARTY.cheat|max_cost|patience, election.PARTY.reversal"
            ),
            ParameterError::NotVerified(id) => write!(f, "no verified commitment `{id}` in this agreement"),
            ParameterError::NoQuantity(id) => write!(f, "no quantity `{id}` in this agreement"),
            ParameterError::NotSignatory(id) => write!(f, "`{id}` is not a signatory of this agreement"),
            ParameterError::NoStrategyParameter(p) => {
                write!(f, "`{p}` is not a parameter of the strategy [simulation.strategy] gives that party")
            }
            ParameterError::NoElection(id) => {
                write!(f, "`{id}` holds no elections in [[simulation.election]]")
            }
        }
    }
}

impl std::error::Error for ParameterError {}

/// The assumption `parameter` names in `spec`: its value (stated in `[simulation]`, or
/// the default the simulator uses) and its domain.
pub fn assumption(spec: &Spec, parameter: &str) -> Result<Assumption, ParameterError> {
    let default = Simulation::default();
    let sim = spec.simulation.as_ref().unwrap_or(&default);
    let probability = |value| Ok(Assumption { value, domain: Domain::Probability });
    let amount = |value| Ok(Assumption { value, domain: Domain::NonNegative });
    let parts: Vec<&str> = parameter.split('.').collect();
    let verification = |id: &str| {
        spec.commitment
            .iter()
            .find(|c| c.id == id)
            .and_then(|c| c.verification.as_ref())
            .ok_or_else(|| ParameterError::NotVerified(id.to_string()))
    };
    let signatory = |id: &str| {
        if spec.party(id).is_some_and(|p| p.role == Role::Signatory) {
            Ok(())
        } else {
            Err(ParameterError::NotSignatory(id.to_string()))
        }
    };
    match parts.as_slice() {
        ["resolution"] => probability(sim.resolution),
        ["confirmation", "breach"] => probability(sim.confirmation.breach),
        ["confirmation", "false_alarm"] => probability(sim.confirmation.false_alarm),
        ["walkout", "base"] => probability(sim.walkout.base),
        ["walkout", "aggrieved"] => probability(sim.walkout.aggrieved),
        ["detection", id] => {
            let v = verification(id)?;
            probability(sim.detection.get(*id).copied().unwrap_or(v.detection))
        }
        ["false_alarm", id] => {
            let v = verification(id)?;
            probability(sim.false_alarm.get(*id).copied().unwrap_or(v.false_alarm))
        }
        ["inspection", id] => {
            verification(id)?;
            probability(sim.inspection.get(*id).copied().unwrap_or(1.0))
        }
        ["measurement", id] => {
            if !spec.quantity.iter().any(|q| q.id == *id) {
                return Err(ParameterError::NoQuantity(id.to_string()));
            }
            amount(sim.measurement.get(*id).copied().unwrap_or(DEFAULT_MEASUREMENT_ERROR))
        }
        ["strategy", party, field] => {
            signatory(party)?;
            let missing = || ParameterError::NoStrategyParameter(parameter.to_string());
            let strategy = sim.strategy.get(*party).ok_or_else(missing)?;
            match (*field, strategy.kind) {
                ("cheat", StrategyKind::CovertCheater) => probability(strategy.cheat.ok_or_else(missing)?),
                ("max_cost", StrategyKind::Hedger) => amount(strategy.max_cost.ok_or_else(missing)?),
                ("patience", StrategyKind::Grit) => amount(months(strategy.patience.ok_or_else(missing)?)),
                _ => Err(missing()),
            }
        }
        ["election", party, "reversal"] => {
            signatory(party)?;
            let election = sim
                .election
                .iter()
                .find(|e| e.party == *party)
                .ok_or_else(|| ParameterError::NoElection(party.to_string()))?;
            probability(election.reversal)
        }
        _ => Err(ParameterError::Unknown(parameter.to_string())),
    }
}

/// A duration in months, as a strategy's patience is swept (the simulator's reading:
/// a mean Gregorian month for days and weeks).
fn months(d: crate::time::Duration) -> f64 {
    use crate::time::Unit;
    let amount = f64::from(d.amount);
    match d.unit {
        Unit::Month => amount,
        Unit::Year => 12.0 * amount,
        Unit::Day => amount / MEAN_MONTH_DAYS,
        Unit::Week => amount * 7.0 / MEAN_MONTH_DAYS,
    }
}

/// The mean length of a Gregorian month in days.
const MEAN_MONTH_DAYS: f64 = 365.2425 / 12.0;
