//! The plan of a simulation: the agreement's `[simulation]` assumptions resolved against
//! its commitments, parties, quantities and facilities into per-index arrays, so that a
//! run looks nothing up by name.
//!
//! Every assumption has a documented default (docs/simulation.md); this is where the
//! defaults are applied: a commitment's detection and false-alarm rate come from its
//! verification unless `[simulation.detection]` or `[simulation.false_alarm]` override
//! them, inspections take place every period unless `[simulation.inspection]` says
//! otherwise, parties without a strategy are sincere.

use detente_engine::Agreement;
use detente_spec::model::{Category, CommitmentKind, Role, Simulation, StrategyKind};
use detente_spec::time::{Date, Duration, Unit};

use crate::random::key_of;
use crate::strategy::Rule;

/// How many bins a quantity's histogram has per step: the quantiles' resolution is the
/// quantity's range divided by this.
pub const BINS: usize = 400;

/// A commitment as the simulator sees it.
#[derive(Clone, Debug)]
pub struct CommitmentPlan {
    /// Its random-stream key (a hash of its id).
    pub key: u64,
    /// Whether it is a continuing measure (kept or broken each step).
    pub continuing: bool,
    /// Its category, which the maximalist rule reads.
    pub category: Category,
    /// What performing it costs (its `values.cost`), which the hedger reads.
    pub cost: f64,
    /// The probability an inspection that takes place detects a real violation (or
    /// confirms a real performance).
    pub detection: f64,
    /// The probability an inspection of a compliant party raises a false alarm.
    pub false_alarm: f64,
    /// The probability an inspection takes place in an inspection period.
    pub inspection: f64,
    /// The inspection period, in steps.
    pub every: u32,
}

/// How one quantity evolves in truth.
#[derive(Clone, Debug)]
pub struct QuantityPlan {
    /// Its random-stream key.
    pub key: u64,
    /// The range its true initial value is drawn from (uniformly); equal ends for a
    /// point estimate.
    pub initial: (f64, f64),
    /// Growth per step when nothing in the agreement holds it (its `growth_per_year`).
    pub growth: f64,
    /// The histogram range: no run can leave it (the highest initial value plus every
    /// source of growth running for the whole horizon).
    pub range: (f64, f64),
}

/// A change of government: at `step`, `party`'s course reverses with `probability`.
#[derive(Clone, Debug)]
pub struct ElectionPlan {
    /// The step it falls in (the first step whose date is on or after the election).
    pub step: u32,
    /// The party.
    pub party: usize,
    /// The probability that the new government reverses course.
    pub probability: f64,
    /// Its random-stream key (party and election number).
    pub key: u64,
}

/// The resolved assumptions of a simulation.
#[derive(Clone, Debug)]
pub struct Plan {
    /// How many runs.
    pub runs: u32,
    /// The seed.
    pub seed: u64,
    /// The assumptions as written (after overrides), for reports.
    pub assumptions: Simulation,
    /// The date the futures start from: adoption, or the end of a replayed history.
    pub start: Date,
    /// The date of each step's end, step 1 first.
    pub dates: Vec<Date>,
    /// The length of a step in months.
    pub step_months: u32,
    /// Each party's rule, by party index (`None` for verifiers and observers).
    pub rules: Vec<Option<Rule>>,
    /// Commitments, by index.
    pub commitments: Vec<CommitmentPlan>,
    /// Quantities, by index.
    pub quantities: Vec<QuantityPlan>,
    /// For each facility, what it produces per step while operating: (quantity, amount).
    pub production: Vec<Vec<(usize, f64)>>,
    /// Elections, in step order.
    pub elections: Vec<ElectionPlan>,
    /// The monthly probability that a false alarm on record is cleared, per step.
    pub resolution: f64,
    /// Each instrument's economic weight (0 when not given).
    pub weights: Vec<f64>,
}

/// Command-line overrides of the written assumptions.
#[derive(Clone, Copy, Debug, Default)]
pub struct Overrides {
    /// `--runs`.
    pub runs: Option<u32>,
    /// `--years`.
    pub years: Option<u32>,
    /// `--seed`.
    pub seed: Option<u64>,
    /// Simulate from this date instead of adoption (after a replayed history).
    pub start: Option<Date>,
}

/// Why a plan cannot be made.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanError(pub String);

impl std::fmt::Display for PlanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Plan {
    /// Resolves the agreement's assumptions (its `[simulation]` table, or the defaults)
    /// with the overrides applied.
    pub fn new(ag: &Agreement, overrides: Overrides) -> Result<Plan, PlanError> {
        let mut sim = ag.spec.simulation.clone().unwrap_or_default();
        if let Some(runs) = overrides.runs {
            sim.runs = runs;
        }
        if let Some(years) = overrides.years {
            sim.horizon = Duration { amount: years, unit: Unit::Year };
        }
        if let Some(seed) = overrides.seed {
            sim.seed = seed;
        }
        if ag.spec.party.len() > 128 {
            return Err(PlanError(format!(
                "the simulator handles at most 128 parties; this agreement has {}",
                ag.spec.party.len()
            )));
        }
        if sim.runs == 0 {
            return Err(PlanError("the number of runs must be at least 1".into()));
        }
        let step_months = match sim.step.unit {
            Unit::Month => sim.step.amount,
            Unit::Year => sim.step.amount * 12,
            _ => 0,
        };
        if step_months == 0 {
            return Err(PlanError(format!("the simulation steps by whole months, not by {}", sim.step)));
        }
        let horizon_months = (sim.horizon.approx_days() as f64 / 30.436_875).round() as u32;
        let steps = horizon_months / step_months;
        if steps == 0 {
            return Err(PlanError(format!(
                "the horizon ({}) is shorter than a step ({})",
                sim.horizon, sim.step
            )));
        }
        let start = overrides.start.unwrap_or(ag.spec.agreement.adopted);
        let dates = (1..=steps)
            .map(|k| Duration::months(k * step_months).after(start))
            .collect::<Option<Vec<Date>>>()
            .ok_or_else(|| PlanError("the horizon runs past the last representable date".into()))?;
        let step_years = step_months as f64 / 12.0;
        let years = steps as f64 * step_years;
        let rules = rules(ag, &sim)?;
        let commitments = commitments(ag, &sim, step_months);
        let production: Vec<Vec<(usize, f64)>> = ag
            .spec
            .facility
            .iter()
            .map(|f| {
                f.produces
                    .iter()
                    .filter_map(|p| {
                        Some((ag.ids.quantities.get(&p.quantity).copied()?, p.per_year * step_years))
                    })
                    .collect()
            })
            .collect();
        let quantities = ag
            .spec
            .quantity
            .iter()
            .enumerate()
            .map(|(q, spec)| {
                let initial = (spec.low.unwrap_or(spec.initial), spec.high.unwrap_or(spec.initial));
                let initial = (initial.0.min(spec.initial), initial.1.max(spec.initial));
                let growth = spec.growth_per_year.unwrap_or(0.0) * step_years;
                let produced: f64 =
                    production.iter().flatten().filter(|(p, _)| *p == q).map(|(_, a)| a).sum();
                let low = initial.0.min(0.0);
                let high = initial.1 + (growth.max(0.0) + produced.max(0.0)) * years / step_years;
                let high = if high > low { high } else { low + 1.0 };
                QuantityPlan { key: key_of(&spec.id), initial, growth, range: (low, high) }
            })
            .collect();
        let elections = elections(ag, &sim, &dates, start);
        let weights = ag.spec.instrument.iter().map(|i| i.weight.unwrap_or(0.0)).collect();
        Ok(Plan {
            runs: sim.runs,
            seed: sim.seed,
            resolution: 1.0 - (1.0 - sim.resolution).powi(step_months as i32),
            assumptions: sim,
            start,
            dates,
            step_months,
            rules,
            commitments,
            quantities,
            production,
            elections,
            weights,
        })
    }

    /// The number of steps in the horizon.
    pub fn steps(&self) -> usize {
        self.dates.len()
    }
}

fn rules(ag: &Agreement, sim: &Simulation) -> Result<Vec<Option<Rule>>, PlanError> {
    ag.spec
        .party
        .iter()
        .map(|party| {
            if party.role != Role::Signatory {
                return Ok(None);
            }
            let Some(strategy) = sim.strategy.get(&party.id) else { return Ok(Some(Rule::Sincere)) };
            let missing = |what: &str| PlanError(format!("the strategy of `{}` needs `{what}`", party.id));
            Ok(Some(match strategy.kind {
                StrategyKind::Sincere => Rule::Sincere,
                StrategyKind::CovertCheater => {
                    Rule::CovertCheater { cheat: strategy.cheat.ok_or_else(|| missing("cheat"))? }
                }
                StrategyKind::Hedger => {
                    Rule::Hedger { max_cost: strategy.max_cost.ok_or_else(|| missing("max_cost"))? }
                }
                StrategyKind::TitForTat => Rule::TitForTat,
                StrategyKind::GrimTrigger => Rule::GrimTrigger,
                StrategyKind::Grit => {
                    let patience = strategy.patience.ok_or_else(|| missing("patience"))?;
                    let months = (patience.approx_days() as f64 / 30.436_875).round().max(1.0) as u32;
                    Rule::Grit { patience_months: months }
                }
                StrategyKind::Maximalist => Rule::Maximalist,
            }))
        })
        .collect()
}

fn commitments(ag: &Agreement, sim: &Simulation, step_months: u32) -> Vec<CommitmentPlan> {
    ag.spec
        .commitment
        .iter()
        .map(|c| {
            let verification = c.verification.as_ref();
            let every_months = verification
                .and_then(|v| v.every)
                .map_or(1.0, |every| every.approx_days() as f64 / 30.436_875);
            CommitmentPlan {
                key: key_of(&c.id),
                continuing: c.kind == CommitmentKind::Continuing,
                category: c.category,
                cost: c.values.as_ref().map_or(0.0, |v| v.cost),
                detection: sim
                    .detection
                    .get(&c.id)
                    .copied()
                    .or(verification.map(|v| v.detection))
                    .unwrap_or(0.0),
                false_alarm: sim
                    .false_alarm
                    .get(&c.id)
                    .copied()
                    .or(verification.map(|v| v.false_alarm))
                    .unwrap_or(0.0),
                inspection: sim.inspection.get(&c.id).copied().unwrap_or(1.0),
                every: ((every_months / step_months as f64).round() as u32).max(1),
            }
        })
        .collect()
}

fn elections(ag: &Agreement, sim: &Simulation, dates: &[Date], start: Date) -> Vec<ElectionPlan> {
    let mut out = Vec::new();
    let Some(&last) = dates.last() else { return out };
    for election in &sim.election {
        let Some(&party) = ag.ids.parties.get(&election.party) else { continue };
        let mut date = election.first;
        let mut number: u32 = 0;
        while date <= last {
            if let Some(step) = dates.iter().position(|d| *d >= date) {
                if date > start {
                    out.push(ElectionPlan {
                        step: step as u32,
                        party,
                        probability: election.reversal,
                        key: key_of(&election.party) ^ (number as u64).wrapping_mul(0x9e37_79b9),
                    });
                }
            }
            number += 1;
            let next = Duration { amount: election.every.amount * number, unit: election.every.unit };
            match next.after(election.first) {
                Some(d) if !election.every.is_zero() => date = d,
                _ => break,
            }
        }
    }
    out.sort_by_key(|e| (e.step, e.party));
    out
}
