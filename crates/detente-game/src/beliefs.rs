//! Learning by verified steps: what the record of each phase tells the other parties
//! about a party whose type they do not know, and what that is worth to them.
//!
//! The source's case for a step-by-step agreement is that each verified step builds
//! trust. Here that is made exact. A party with a stated prior
//! (`[simulation.prior.PARTY]`) is one of three types, named as the simulator's strategy
//! kinds and behaving as their rules say (docs/simulation.md):
//!
//! * `sincere` performs every step;
//! * `hedger` performs the steps of a phase only if each costs it at most `max_cost`,
//!   and the agreement stalls at the first phase it does not perform;
//! * `covert-cheater` performs every step, but at each inspection a continuing measure
//!   of the phase is broken with probability `cheat` (the simulator's monthly
//!   probability, read per inspection period).
//!
//! After each phase the record shows one of three things: the party withheld its steps;
//! it performed them and an inspection of one of its verified continuing measures of the
//! phase raised an alarm; or it performed them and no inspection did. The likelihood of
//! each under each type follows from the agreement's detection and false-alarm rates,
//! and the counterpart's beliefs are updated by Bayes' rule, in exact rationals.
//!
//! The **value of information** of a step is the expected value of sample information
//! for the counterpart's next decision: whether to deliver its concessions of the next
//! phase, worth (by the agreement's `values`) what it receives from the typed party's
//! next step, as that type would perform it, minus what its own steps cost it. The
//! value of deciding after seeing the step's record, minus that of deciding on the
//! beliefs held before it. docs/game-theory.md ("Learning by verified steps") states
//! the model and its simplifications; [`crate::types_game`] is the same setting as a
//! game in which the types choose.

use std::collections::BTreeMap;

use num_traits::{One, Zero};
use serde::Serialize;

use crate::analysis::phase_order;
use crate::game::{to_text, Q};
use detente_spec::model::{Commitment, CommitmentKind, Role, Spec, StrategyKind};

/// Why the learning analysis cannot be made for a party.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BeliefsError {
    /// The prior names a party that is not a signatory of the agreement.
    NotASignatory(String),
    /// The file states no prior for this party.
    NoPrior(String),
    /// A type has weight but its parameter is stated nowhere.
    MissingParameter {
        /// The party.
        party: String,
        /// The type.
        kind: StrategyKind,
        /// The parameter (`max_cost` or `cheat`).
        parameter: &'static str,
    },
    /// A probability or value is not a finite number in its range.
    BadNumber {
        /// The party.
        party: String,
        /// What the number is.
        what: String,
    },
    /// The prior's probabilities sum to zero.
    EmptyPrior(String),
    /// The agreement has no other signatory to learn.
    NoCounterpart(String),
}

impl std::fmt::Display for BeliefsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BeliefsError::NotASignatory(p) => {
                write!(f, "`{p}` is not a signatory, so it has no type to learn")
            }
            BeliefsError::NoPrior(p) => {
                write!(f, "the file states no prior for `{p}` ([simulation.prior.{p}])")
            }
            BeliefsError::MissingParameter { party, kind, parameter } => write!(
                f,
                "the prior of `{party}` gives the {kind} type weight but no `{parameter}` is stated for it"
            ),
            BeliefsError::BadNumber { party, what } => {
                write!(f, "the prior of `{party}`: {what} is not a usable number")
            }
            BeliefsError::EmptyPrior(p) => write!(f, "the prior of `{p}` gives no type any weight"),
            BeliefsError::NoCounterpart(p) => write!(f, "`{p}` has no other signatory to learn its type"),
        }
    }
}

impl std::error::Error for BeliefsError {}

/// A number of the specification as the decimal it was written as, exactly: `0.3` is
/// 3/10, not the binary fraction nearest to it. `None` if it is not finite.
pub fn decimal(x: f64) -> Option<Q> {
    if !x.is_finite() {
        return None;
    }
    // Rust prints the shortest decimal that reads back to `x`, without an exponent.
    let text = format!("{x}");
    let (sign, digits) = text.strip_prefix('-').map_or((Q::one(), text.as_str()), |t| (-Q::one(), t));
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let numerator: num_bigint::BigInt = format!("{whole}{fraction}").parse().ok()?;
    let denominator = num_bigint::BigInt::from(10u8).pow(fraction.len() as u32);
    Some(sign * Q::new(numerator, denominator))
}

/// What a commitment costs `party` to perform: its own `values.cost` (a cost stated per
/// party, or the one each giver carries) if it binds the party, otherwise nothing. The
/// one place this analysis reads a cost.
pub fn cost_to(commitment: &Commitment, party: &str) -> f64 {
    if commitment.by.iter().any(|b| b == party) {
        commitment.values.as_ref().map_or(0.0, |v| v.cost.of(party))
    } else {
        0.0
    }
}

/// What a commitment is worth to `party` (its `values.benefit`).
fn benefit_to(commitment: &Commitment, party: &str) -> f64 {
    commitment.values.as_ref().and_then(|v| v.benefit.get(party)).copied().unwrap_or(0.0)
}

/// One of a party's possible types, with its parameters, exact.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct TypeOf {
    /// The type, named as the simulator's strategy kind.
    pub kind: StrategyKind,
    /// Its prior probability.
    #[serde(serialize_with = "as_text")]
    #[schemars(with = "String")]
    pub prior: Q,
    /// A hedger's highest cost of a step it performs.
    #[serde(serialize_with = "option_as_text")]
    #[schemars(with = "Option<String>")]
    pub max_cost: Option<Q>,
    /// A covert cheater's probability of breaking a measure in an inspection period.
    #[serde(serialize_with = "option_as_text")]
    #[schemars(with = "Option<String>")]
    pub cheat: Option<Q>,
}

pub(crate) fn as_text<S: serde::Serializer>(q: &Q, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&to_text(q))
}

pub(crate) fn option_as_text<S: serde::Serializer>(q: &Option<Q>, s: S) -> Result<S::Ok, S::Error> {
    match q {
        Some(q) => s.serialize_some(&to_text(q)),
        None => s.serialize_none(),
    }
}

pub(crate) fn all_as_text<S: serde::Serializer>(qs: &[Q], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(qs.iter().map(to_text))
}

/// One of the typed party's steps in a phase, as the analysis reads it.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Step {
    /// The commitment.
    pub commitment: String,
    /// What performing it costs the typed party ([`cost_to`]).
    #[serde(serialize_with = "as_text")]
    #[schemars(with = "String")]
    pub cost: Q,
    /// What performing it costs the counterpart (its bound parties' costs, summed).
    #[serde(serialize_with = "as_text")]
    #[schemars(with = "String")]
    pub counterpart_cost: Q,
    /// Whether the counterpart is bound by it too (a mutual step, delivered when both do their part).
    pub mutual: bool,
    /// A continuing measure, which a covert cheater can break.
    pub continuing: bool,
    /// What it is worth to the typed party.
    #[serde(serialize_with = "as_text")]
    #[schemars(with = "String")]
    pub benefit_to_party: Q,
    /// What it is worth to the counterpart (its parties' benefits, summed).
    #[serde(serialize_with = "as_text")]
    #[schemars(with = "String")]
    pub benefit_to_counterpart: Q,
    /// For a verified continuing measure: the probability that an inspection in a
    /// period finds a violation (inspection probability times detection).
    #[serde(serialize_with = "option_as_text")]
    #[schemars(with = "Option<String>")]
    pub detection: Option<Q>,
    /// For a verified continuing measure: the probability that an inspection in a
    /// period raises a false alarm on a compliant party.
    #[serde(serialize_with = "option_as_text")]
    #[schemars(with = "Option<String>")]
    pub false_alarm: Option<Q>,
}

/// A phase as the typed party and its counterpart see it.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Stage {
    /// The phase.
    pub phase: String,
    /// The typed party's steps (including mutual ones).
    pub steps: Vec<Step>,
    /// What the counterpart's own steps (those not binding the typed party) cost it.
    #[serde(serialize_with = "as_text")]
    #[schemars(with = "String")]
    pub counterpart_cost: Q,
    /// What the counterpart's own steps are worth to the typed party.
    #[serde(serialize_with = "as_text")]
    #[schemars(with = "String")]
    pub counterpart_steps_to_party: Q,
    /// What the counterpart's own steps are worth to the counterpart itself.
    #[serde(serialize_with = "as_text")]
    #[schemars(with = "String")]
    pub counterpart_steps_to_counterpart: Q,
}

impl Stage {
    /// The inspected measures' (detection, false alarm) per period; a verification
    /// that can raise no alarm at all (detection and false alarm both 0) is left out.
    pub fn inspections(&self) -> impl Iterator<Item = (&Q, &Q)> {
        self.steps
            .iter()
            .filter_map(|s| s.detection.as_ref().zip(s.false_alarm.as_ref()))
            .filter(|(d, a)| !(d.is_zero() && a.is_zero()))
    }
}

/// A party with a prior, its counterpart and the phases: the setting of the learning
/// analysis and of the game with types.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Setting {
    /// The party whose type is uncertain.
    pub party: String,
    /// The other signatories, who learn and decide together.
    pub counterpart: Vec<String>,
    /// Its possible types (those with positive prior probability), in the order
    /// sincere, hedger, covert-cheater.
    pub types: Vec<TypeOf>,
    /// The prior's source or label.
    pub source: Option<String>,
    /// The phases in order.
    pub stages: Vec<Stage>,
}

fn number(party: &str, what: &str, x: f64) -> Result<Q, BeliefsError> {
    decimal(x).ok_or_else(|| BeliefsError::BadNumber { party: party.into(), what: what.into() })
}

fn probability(party: &str, what: &str, x: f64) -> Result<Q, BeliefsError> {
    let q = number(party, what, x)?;
    if q < Q::zero() || q > Q::one() {
        return Err(BeliefsError::BadNumber { party: party.into(), what: what.into() });
    }
    Ok(q)
}

/// Each party's learning setting, for every party the file gives a prior.
pub fn settings(spec: &Spec) -> Result<Vec<Setting>, BeliefsError> {
    let Some(sim) = &spec.simulation else { return Ok(Vec::new()) };
    sim.prior.keys().map(|party| Setting::new(spec, party)).collect()
}

impl Setting {
    /// The setting for `party`, which must have a prior in `[simulation.prior]`.
    pub fn new(spec: &Spec, party: &str) -> Result<Setting, BeliefsError> {
        let signatories: Vec<&str> =
            spec.party.iter().filter(|p| p.role == Role::Signatory).map(|p| p.id.as_str()).collect();
        let sim = spec.simulation.clone().unwrap_or_default();
        if !signatories.contains(&party) {
            return Err(BeliefsError::NotASignatory(party.into()));
        }
        let prior = sim.prior.get(party).ok_or_else(|| BeliefsError::NoPrior(party.into()))?;
        let counterpart: Vec<String> =
            signatories.iter().filter(|p| **p != party).map(|p| p.to_string()).collect();
        if counterpart.is_empty() {
            return Err(BeliefsError::NoCounterpart(party.into()));
        }
        let own = sim.strategy.get(party);
        let parameter = |kind: StrategyKind, name: &'static str, stated: Option<f64>, here: Option<f64>| {
            let from_strategy = own.filter(|s| s.kind == kind).and(stated);
            from_strategy.or(here).ok_or(BeliefsError::MissingParameter {
                party: party.into(),
                kind,
                parameter: name,
            })
        };
        let mut types = Vec::new();
        let mut total = Q::zero();
        for (kind, p) in prior.types() {
            let p = probability(party, kind.keyword(), p)?;
            if p.is_zero() {
                continue;
            }
            total += &p;
            let (mut max_cost, mut cheat) = (None, None);
            if kind == StrategyKind::Hedger {
                let x = parameter(kind, "max_cost", own.and_then(|s| s.max_cost), prior.max_cost)?;
                max_cost = Some(number(party, "max_cost", x)?);
            }
            if kind == StrategyKind::CovertCheater {
                let x = parameter(kind, "cheat", own.and_then(|s| s.cheat), prior.cheat)?;
                cheat = Some(probability(party, "cheat", x)?);
            }
            types.push(TypeOf { kind, prior: p, max_cost, cheat });
        }
        if total.is_zero() {
            return Err(BeliefsError::EmptyPrior(party.into()));
        }
        // Validation allows a sum within 1e-9 of 1 (thirds written as decimals); the
        // probabilities are then divided by their exact sum.
        for t in &mut types {
            t.prior = &t.prior / &total;
        }
        let stages = phase_order(spec)
            .into_iter()
            .map(|phase| stage(spec, &sim, phase, party, &counterpart))
            .collect::<Result<_, _>>()?;
        Ok(Setting { party: party.into(), counterpart, types, source: prior.source.clone(), stages })
    }

    /// The prior, as a vector in the order of [`Setting::types`].
    pub fn prior(&self) -> Vec<Q> {
        self.types.iter().map(|t| t.prior.clone()).collect()
    }
}

/// What the analysis reads of one phase.
fn stage(
    spec: &Spec,
    sim: &detente_spec::model::Simulation,
    phase: &str,
    party: &str,
    counterpart: &[String],
) -> Result<Stage, BeliefsError> {
    let sum = |f: &dyn Fn(&str) -> f64| -> Result<Q, BeliefsError> {
        counterpart.iter().try_fold(Q::zero(), |acc, p| Ok(acc + number(party, "a value", f(p))?))
    };
    let mut out = Stage {
        phase: phase.into(),
        steps: Vec::new(),
        counterpart_cost: Q::zero(),
        counterpart_steps_to_party: Q::zero(),
        counterpart_steps_to_counterpart: Q::zero(),
    };
    for c in spec.commitment.iter().filter(|c| c.phase == phase) {
        let counterpart_cost = sum(&|p| cost_to(c, p))?;
        let to_counterpart = sum(&|p| benefit_to(c, p))?;
        if !c.by.iter().any(|b| b == party) {
            out.counterpart_cost += counterpart_cost;
            out.counterpart_steps_to_party += number(party, "a value", benefit_to(c, party))?;
            out.counterpart_steps_to_counterpart += to_counterpart;
            continue;
        }
        let continuing = c.kind == CommitmentKind::Continuing;
        let (detection, false_alarm) = match (&c.verification, continuing) {
            (Some(_), true) => {
                // Resolved as the simulator's plan resolves them (`Simulation::detection_of`
                // and the rest); access clauses, which depend on the record on the day,
                // are not read (docs/game-theory.md).
                let inspection = probability(party, "an inspection probability", sim.inspection_of(c))?;
                let d = probability(party, "a detection probability", sim.detection_of(c))?;
                let a = probability(party, "a false-alarm probability", sim.false_alarm_of(c))?;
                (Some(&inspection * d), Some(inspection * a))
            }
            _ => (None, None),
        };
        out.steps.push(Step {
            commitment: c.id.clone(),
            cost: number(party, "a cost", cost_to(c, party))?,
            counterpart_cost,
            mutual: c.by.iter().any(|b| counterpart.contains(b)),
            continuing,
            benefit_to_party: number(party, "a value", benefit_to(c, party))?,
            benefit_to_counterpart: to_counterpart,
            detection,
            false_alarm,
        });
    }
    Ok(out)
}

/// What the record shows after a phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Signal {
    /// The party performed its steps and no inspection raised an alarm.
    Clean,
    /// The party performed its steps and an inspection raised an alarm.
    Alarm,
    /// The party did not perform its steps.
    Withheld,
}

impl Signal {
    /// All signals, in order.
    pub const ALL: [Signal; 3] = [Signal::Clean, Signal::Alarm, Signal::Withheld];

    /// The signal in words.
    pub fn words(self) -> &'static str {
        match self {
            Signal::Clean => "performed, no alarm",
            Signal::Alarm => "performed, alarm",
            Signal::Withheld => "withheld",
        }
    }
}

/// Whether a type performs the visible steps of a stage: a hedger only if each costs it
/// at most its `max_cost`.
pub fn performs(t: &TypeOf, stage: &Stage) -> bool {
    match (t.kind, &t.max_cost) {
        (StrategyKind::Hedger, Some(max)) => stage.steps.iter().all(|s| &s.cost <= max),
        _ => true,
    }
}

/// The probability that no inspection of the stage raises an alarm, given, for each
/// inspected measure, the probability `broken` that it is broken at the inspection.
pub(crate) fn no_alarm(stage: &Stage, broken: &Q) -> Q {
    stage.inspections().fold(Q::one(), |acc, (d, a)| {
        let alarm = broken * d + (Q::one() - broken) * a;
        acc * (Q::one() - alarm)
    })
}

/// The probability of each signal after `stage` if the party is of type `t`, in the
/// order of [`Signal::ALL`].
pub fn likelihood(t: &TypeOf, stage: &Stage) -> [Q; 3] {
    if !performs(t, stage) {
        return [Q::zero(), Q::zero(), Q::one()];
    }
    let broken = match t.kind {
        StrategyKind::CovertCheater => t.cheat.clone().unwrap_or_else(Q::zero),
        _ => Q::zero(),
    };
    let clean = no_alarm(stage, &broken);
    [clean.clone(), Q::one() - clean, Q::zero()]
}

/// Bayes' rule: the beliefs after `signal` from `belief`, or `None` if the signal has
/// probability zero under them.
pub fn update(belief: &[Q], likelihoods: &[[Q; 3]], signal: Signal) -> Option<Vec<Q>> {
    let s = signal as usize;
    let joint: Vec<Q> = belief.iter().zip(likelihoods).map(|(b, l)| b * &l[s]).collect();
    let total: Q = joint.iter().sum();
    (!total.is_zero()).then(|| joint.into_iter().map(|j| j / &total).collect())
}

/// What delivering its concessions of `stage` is worth to the counterpart if the party
/// is of type `t` (which then performs, or not, as its rule says): what it receives from
/// the party's steps and its own, minus what its steps cost it. Not delivering is worth
/// nothing more.
pub fn delivery_value(t: &TypeOf, stage: &Stage) -> Q {
    let mut value = &stage.counterpart_steps_to_counterpart - &stage.counterpart_cost;
    let performs = performs(t, stage);
    let kept = match t.kind {
        StrategyKind::CovertCheater => Q::one() - t.cheat.clone().unwrap_or_else(Q::zero),
        _ => Q::one(),
    };
    for step in &stage.steps {
        value -= &step.counterpart_cost;
        if performs {
            let share = if step.continuing { kept.clone() } else { Q::one() };
            value += share * &step.benefit_to_counterpart;
        }
    }
    value
}

/// The counterpart's best expected value of deciding on `stage`'s concessions with
/// `belief`: deliver if that is worth at least nothing.
fn decide(types: &[TypeOf], belief: &[Q], stage: &Stage) -> Q {
    let deliver: Q = types.iter().zip(belief).map(|(t, b)| b * delivery_value(t, stage)).sum();
    deliver.max(Q::zero())
}

/// What the record of one phase teaches, on the path on which every earlier phase was
/// performed without an alarm.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Lesson {
    /// The phase.
    pub phase: String,
    /// The beliefs before it (the prior for the first phase), by type.
    #[serde(serialize_with = "all_as_text")]
    #[schemars(with = "Vec<String>")]
    pub before: Vec<Q>,
    /// By type, the probability of each signal (clean, alarm, withheld).
    pub likelihoods: Vec<[String; 3]>,
    /// The probability of each signal under the beliefs before it.
    #[serde(serialize_with = "all_as_text")]
    #[schemars(with = "Vec<String>")]
    pub chance: Vec<Q>,
    /// The beliefs after each signal that can occur, by type.
    pub after: BTreeMap<Signal, Vec<String>>,
    /// The value of information of this phase's record for the decision on the next
    /// phase's concessions; `None` for the last phase.
    #[serde(serialize_with = "option_as_text")]
    #[schemars(with = "Option<String>")]
    pub value_of_information: Option<Q>,
    /// The next phase's delivery decision: with the beliefs before this phase, and after
    /// a clean record (`true`: deliver).
    pub delivers_before: Option<bool>,
    /// The same after a clean record.
    pub delivers_after_clean: Option<bool>,
}

/// The learning analysis of one party.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Learning {
    /// The setting.
    pub setting: Setting,
    /// One lesson per phase, on the clean path.
    pub lessons: Vec<Lesson>,
}

impl Learning {
    /// Updates the beliefs phase after phase along the clean path.
    pub fn new(setting: Setting) -> Learning {
        let mut belief = setting.prior();
        let mut lessons = Vec::new();
        for (k, stage) in setting.stages.iter().enumerate() {
            let likelihoods: Vec<[Q; 3]> = setting.types.iter().map(|t| likelihood(t, stage)).collect();
            let chance: Vec<Q> = Signal::ALL
                .iter()
                .map(|&s| belief.iter().zip(&likelihoods).map(|(b, l)| b * &l[s as usize]).sum())
                .collect();
            let after: BTreeMap<Signal, Vec<Q>> = Signal::ALL
                .iter()
                .filter_map(|&s| update(&belief, &likelihoods, s).map(|b| (s, b)))
                .collect();
            let next = setting.stages.get(k + 1);
            let value_of_information = next.map(|next| {
                let informed: Q =
                    after.iter().map(|(s, b)| &chance[*s as usize] * decide(&setting.types, b, next)).sum();
                informed - decide(&setting.types, &belief, next)
            });
            let delivers = |b: &[Q]| {
                next.map(|next| {
                    setting.types.iter().zip(b).map(|(t, p)| p * delivery_value(t, next)).sum::<Q>()
                        >= Q::zero()
                })
            };
            let clean = after.get(&Signal::Clean).cloned();
            lessons.push(Lesson {
                phase: stage.phase.clone(),
                before: belief.clone(),
                likelihoods: likelihoods
                    .iter()
                    .map(|l| [to_text(&l[0]), to_text(&l[1]), to_text(&l[2])])
                    .collect(),
                chance,
                after: after.iter().map(|(s, b)| (*s, b.iter().map(to_text).collect())).collect(),
                value_of_information,
                delivers_before: delivers(&belief),
                delivers_after_clean: clean.as_deref().and_then(delivers),
            });
            match clean {
                Some(b) => belief = b,
                // No type performs cleanly: the clean path ends here.
                None => break,
            }
        }
        Learning { setting, lessons }
    }
}
