//! The plan of a simulation: the agreement's `[simulation]` assumptions resolved against
//! its commitments, parties, quantities and facilities into per-index arrays, so that a
//! run looks nothing up by name.
//!
//! Every assumption has a documented default (docs/simulation.md); this is where the
//! defaults are applied: a commitment's detection and false-alarm rate come from its
//! verification unless `[simulation.detection]` or `[simulation.false_alarm]` override
//! them, inspections take place every period unless `[simulation.inspection]` says
//! otherwise, parties without a strategy are sincere.

use std::collections::BTreeMap;

use detente_engine::Agreement;
use detente_spec::model::{
    Category, Commitment, CommitmentKind, Confirmation, Role, Simulation, Spec, StrategyKind,
    DEFAULT_MEASUREMENT_ERROR,
};
use detente_spec::time::{Date, Duration, Unit};

use crate::lead_time::{Lead, LeadTime};
use crate::random::{key_of, Draws, Stream};
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
    /// What performing it costs each party bound by it (its `values.cost`, the same for
    /// all or each one's own), by party index, which the hedger reads.
    pub costs: Vec<(usize, f64)>,
    /// The probability an inspection that takes place detects a real violation (or
    /// confirms a real performance).
    pub detection: f64,
    /// The probability an inspection of a compliant party raises a false alarm.
    pub false_alarm: f64,
    /// Detection and false-alarm probabilities of the verification's access clauses, in
    /// the order of the engine's [`detente_engine::machine::Machine::access_clause`]
    /// (empty where `[simulation.detection]` or `[simulation.false_alarm]` overrides
    /// the commitment: an override states its verification whole).
    pub access: Vec<(f64, f64)>,
    /// The probability an inspection takes place in an inspection period.
    pub inspection: f64,
    /// The inspection period, in steps.
    pub every: u32,
    /// The verification's inspection budget, `(periods n, inspections k)`: at most `k`
    /// of every `n` inspection periods (windows counted from the simulation's start)
    /// are inspected, chosen at random (see [`CommitmentPlan::budgeted_chance`]).
    pub budget: Option<(u32, u32)>,
    /// How long a willing party takes to perform it once owed: the `[simulation.lead_time]`
    /// assumption for it, or a default from its deadline or its kind of step
    /// (docs/lead-times.md).
    pub lead: Lead,
    /// Whether the lead time is the file's assumption rather than the default.
    pub lead_time_assumed: bool,
}

impl CommitmentPlan {
    /// What performing it costs `party`: its own cost as a party bound by it. A party
    /// that answers for another's part (a successor) is charged the highest cost of
    /// the parties bound.
    pub fn cost_to(&self, party: usize) -> f64 {
        match self.costs.iter().find(|(p, _)| *p == party) {
            Some(&(_, cost)) => cost,
            None => self.costs.iter().map(|&(_, c)| c).fold(0.0, f64::max),
        }
    }

    /// The probability that the `position`-th inspection period of a budget's window
    /// (from 0) is inspected when `used` of its inspections have been made: the
    /// inspections left over the periods left, so that exactly `k` of the `n` periods are
    /// chosen, each set of `k` equally likely (sampling without replacement), times the
    /// probability an inspection takes place. Without a budget, that probability alone.
    pub fn budgeted_chance(&self, position: u32, used: u32) -> f64 {
        match self.budget {
            Some((n, k)) if n > position => {
                let left = f64::from(k.saturating_sub(used));
                self.inspection * (left / f64::from(n - position)).min(1.0)
            }
            _ => self.inspection,
        }
    }
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
    /// The relative standard error of a verifier's measurement of it
    /// (`[simulation.measurement]`, else the default assumption).
    pub measurement_error: f64,
    /// The histogram range: no run can leave it (the highest initial value plus every
    /// source of growth running for the whole horizon).
    pub range: (f64, f64),
}

/// An estimate with a range: each run draws its value once, from the triangular
/// distribution with its least value `low`, its mode `central` (the best estimate) and
/// its greatest `high` (a point when the three are equal). See docs/simulation.md, "The
/// programme".
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ranged {
    /// The low end.
    pub low: f64,
    /// The best estimate (the mode).
    pub central: f64,
    /// The high end.
    pub high: f64,
    /// Its random-stream key.
    pub key: u64,
}

impl Ranged {
    /// The estimate `central` within `low` and `high` (either defaulting to `central`;
    /// held around it should validation have been bypassed), under `key`.
    pub fn new(central: f64, low: Option<f64>, high: Option<f64>, key: u64) -> Ranged {
        let low = low.unwrap_or(central).min(central);
        let high = high.unwrap_or(central).max(central);
        Ranged { low, central, high, key }
    }

    /// The value for a uniform draw `u` in `[0, 1)`: the inverse of the triangular
    /// distribution's cumulative distribution function.
    pub fn at(&self, u: f64) -> f64 {
        let Ranged { low, central, high, .. } = *self;
        let width = high - low;
        if width <= 0.0 {
            return central;
        }
        let split = (central - low) / width;
        let value = if u < split {
            low + (u * width * (central - low)).sqrt()
        } else {
            high - ((1.0 - u) * width * (high - central)).sqrt()
        };
        value.clamp(low, high)
    }

    /// This run's value.
    pub fn draw(&self, draws: Draws) -> f64 {
        if self.high <= self.low {
            return self.central;
        }
        self.at(draws.uniform(Stream::Programme, self.key, 0))
    }
}

/// A facility's production of a quantity: per step while operating.
#[derive(Clone, Debug)]
pub struct ProductionPlan {
    /// The facility.
    pub facility: usize,
    /// The quantity.
    pub quantity: usize,
    /// The rate per step (drawn once per run; keyed by the facility's and the quantity's
    /// ids).
    pub per_step: Ranged,
}

/// One material an assembled quantity can be made from.
#[derive(Clone, Debug)]
pub struct MaterialPlan {
    /// The material (a quantity).
    pub quantity: usize,
    /// How much of it one unit takes (drawn once per run).
    pub per_unit: Ranged,
}

/// A quantity assembled from materials (its `made_from`).
#[derive(Clone, Debug)]
pub struct AssemblyPlan {
    /// The assembled quantity.
    pub quantity: usize,
    /// Its materials, alternatives.
    pub materials: Vec<MaterialPlan>,
    /// The most units assembled per step (drawn once per run), `None` for no limit.
    pub per_step: Option<Ranged>,
}

/// A series the programme adds to the report, per step: for each assembled quantity,
/// the material not yet assembled (in units' worth) and the breakout time.
#[derive(Clone, Debug)]
pub struct OutputPlan {
    /// Its id, e.g. `warheads.material`.
    pub id: String,
    /// What it is.
    pub name: String,
    /// Its unit.
    pub unit: String,
    /// The histogram range.
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
    /// What facilities produce per step while operating.
    pub production: Vec<ProductionPlan>,
    /// Quantities assembled from others.
    pub assembly: Vec<AssemblyPlan>,
    /// For each quantity, the years from its `as_of` to the start (0 when its estimate is
    /// dated on or after the start): the production and growth added to its initial value.
    pub catch_up: Vec<f64>,
    /// The series the programme reports (two per assembled quantity, in order).
    pub outputs: Vec<OutputPlan>,
    /// The greatest breakout time reported, in days: the horizon's length (a material
    /// no facility produces never reaches a unit's worth; it reads as this).
    pub breakout_cap: f64,
    /// Elections, in step order.
    pub elections: Vec<ElectionPlan>,
    /// How the dispute procedure decides anomalies.
    pub disputes: DisputePlan,
    /// The hazard of a signatory walking out, per day: `(ordinary, aggrieved)`.
    pub walkout_per_day: (f64, f64),
    /// Each instrument's economic weight (0 when not given).
    pub weights: Vec<f64>,
}

/// The dispute procedure, in days: an anomaly a verifier reports waits for a verdict
/// that comes at a constant daily rate (so its timing does not depend on the step), and
/// the verdict confirms it with a probability that depends on whether the breach was
/// real.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DisputePlan {
    /// Verdicts per day: `-ln(1 - resolution) / 30.44` (infinite when `resolution` is 1,
    /// a verdict the same day; zero when it is 0, never a verdict).
    pub verdicts_per_day: f64,
    /// The probability that a verdict confirms a real breach.
    pub confirms_breach: f64,
    /// The probability that a verdict confirms a false alarm.
    pub confirms_false_alarm: f64,
}

impl DisputePlan {
    /// The procedure under which a verdict comes within a mean month with probability
    /// `resolution`.
    pub fn new(resolution: f64, confirmation: Confirmation) -> DisputePlan {
        let verdicts_per_day = if resolution >= 1.0 {
            f64::INFINITY
        } else {
            -(1.0 - resolution.max(0.0)).ln() / MEAN_MONTH_DAYS
        };
        DisputePlan {
            verdicts_per_day,
            confirms_breach: confirmation.breach,
            confirms_false_alarm: confirmation.false_alarm,
        }
    }

    /// Whole days from an anomaly to its verdict for a uniform draw `u` in `[0, 1)`
    /// (exponential, rounded up: a verdict never comes before its anomaly), or `None`
    /// when no verdict ever comes.
    pub fn days_to_verdict(&self, u: f64) -> Option<u32> {
        if self.verdicts_per_day <= 0.0 {
            return None;
        }
        if self.verdicts_per_day.is_infinite() {
            return Some(0);
        }
        let days = -(1.0 - u).ln() / self.verdicts_per_day;
        // Beyond any horizon (1,000 years) the verdict might as well never come.
        (days < 400_000.0).then(|| days.ceil() as u32)
    }
}

/// The constant daily rate at which something happens within a year with probability
/// `p` (infinite for 1: at once; zero for 0: never).
pub fn per_day(p: f64) -> f64 {
    if p >= 1.0 {
        f64::INFINITY
    } else {
        -(1.0 - p.max(0.0)).ln() / 365.2425
    }
}

/// Whole days to something that happens at `rate` a day, for a uniform draw `u` in
/// `[0, 1)` (exponential, rounded up), or `None` if it never comes within any horizon.
pub fn days_at_rate(rate: f64, u: f64) -> Option<u32> {
    if rate <= 0.0 {
        return None;
    }
    if rate.is_infinite() {
        return Some(0);
    }
    let days = -(1.0 - u).ln() / rate;
    (days < 400_000.0).then(|| days.ceil() as u32)
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

/// Why a plan cannot be made from an agreement's `[simulation]` assumptions and the
/// overrides given.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// The horizon in months does not fit 32 bits.
    #[error("the horizon ({horizon}) is too long")]
    HorizonTooLong {
        /// The horizon.
        horizon: Duration,
    },
    /// A horizon in months or years that is not a whole number of steps.
    #[error("the horizon ({horizon}) is not a whole number of steps ({step}); choose a horizon that is a multiple of the step")]
    HorizonNotWholeSteps {
        /// The horizon.
        horizon: Duration,
        /// The step.
        step: Duration,
    },
    /// A horizon shorter than one step.
    #[error("the horizon ({horizon}) is shorter than a step ({step})")]
    HorizonShorterThanStep {
        /// The horizon.
        horizon: Duration,
        /// The step.
        step: Duration,
    },
    /// The horizon ends after the last date the calendar represents (9999-12-31).
    #[error("the horizon runs past the last representable date")]
    HorizonPastLastDate,
    /// A `--years` override outside 1 to [`MAX_YEARS`].
    #[error("a horizon of {years} years is out of range: from 1 to {max} years")]
    YearsOutOfRange {
        /// The years asked for.
        years: u32,
        /// The most allowed ([`MAX_YEARS`]).
        max: u32,
    },
    /// More parties than the simulator's party sets hold.
    #[error("the simulator handles at most {max} parties; this agreement has {parties}")]
    TooManyParties {
        /// The agreement's parties.
        parties: usize,
        /// The most the simulator handles ([`MAX_PARTIES`]).
        max: usize,
    },
    /// Zero runs.
    #[error("the number of runs must be at least 1")]
    NoRuns,
    /// A step that is not a whole number of months or years.
    #[error("the simulation steps by whole months, not by {step}")]
    StepNotMonths {
        /// The step.
        step: Duration,
    },
    /// A party's strategy lacks a parameter its kind needs.
    #[error("the strategy of `{party}` needs `{parameter}`")]
    StrategyNeeds {
        /// The party.
        party: String,
        /// The parameter missing (`cheat`, `max_cost`, `patience`).
        parameter: &'static str,
    },
}

/// The most parties the simulator handles (its party sets are 128-bit masks).
pub const MAX_PARTIES: usize = 128;

/// The longest horizon in years, as in a file (a duration is at most 1,000 years).
pub const MAX_YEARS: u32 = 1000;

/// The mean length of a calendar month in days (the Gregorian year over 12).
const MEAN_MONTH_DAYS: f64 = 365.2425 / 12.0;

/// The mean length of a Gregorian year in days.
pub const YEAR_DAYS: f64 = 365.2425;

/// The breakout time in days for one material: the time to one unit's worth
/// (`per_unit`) from `amount` at `per_year`; 0 when a unit's worth is there, `cap` when
/// the material does not grow or would take longer.
pub fn breakout_days(amount: f64, per_unit: f64, per_year: f64, cap: f64) -> f64 {
    if amount >= per_unit {
        0.0
    } else if per_year > 0.0 {
        ((per_unit - amount) / per_year * YEAR_DAYS).min(cap)
    } else {
        cap
    }
}

/// The random-stream key of a pair of ids (a facility and a quantity, a quantity and a
/// material), distinct from either id's own key and from the pair's reverse.
fn pair_key(a: &str, b: &str, salt: u64) -> u64 {
    key_of(a).rotate_left(17) ^ key_of(b).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ salt
}

fn production(ag: &Agreement, step_years: f64) -> Vec<ProductionPlan> {
    let mut out = Vec::new();
    for (f, facility) in ag.spec.facility.iter().enumerate() {
        for p in &facility.produces {
            let Some(&q) = ag.ids.quantities.get(&p.quantity) else { continue };
            let key = pair_key(&facility.id, &p.quantity, 0x7072_6f64);
            let per_year = Ranged::new(p.per_year, p.low, p.high, key);
            let per_step = Ranged {
                low: per_year.low * step_years,
                central: per_year.central * step_years,
                high: per_year.high * step_years,
                key,
            };
            out.push(ProductionPlan { facility: f, quantity: q, per_step });
        }
    }
    out
}

fn assembly(ag: &Agreement, step_years: f64) -> Vec<AssemblyPlan> {
    let mut out = Vec::new();
    for (q, quantity) in ag.spec.quantity.iter().enumerate() {
        if quantity.made_from.is_empty() {
            continue;
        }
        let materials = quantity
            .made_from
            .iter()
            .filter_map(|m| {
                let material = ag.ids.quantities.get(&m.quantity).copied()?;
                let key = pair_key(&quantity.id, &m.quantity, 0x756e_6974);
                Some(MaterialPlan {
                    quantity: material,
                    per_unit: Ranged::new(m.per_unit, m.low, m.high, key),
                })
            })
            .collect();
        let per_step = quantity.max_per_year.as_ref().map(|rate| {
            let r = Ranged::new(rate.central, rate.low, rate.high, pair_key(&quantity.id, "", 0x6361_7061));
            Ranged {
                low: r.low * step_years,
                central: r.central * step_years,
                high: r.high * step_years,
                key: r.key,
            }
        });
        out.push(AssemblyPlan { quantity: q, materials, per_step });
    }
    out
}

/// How each quantity evolves, and the range no run can leave: the highest initial value
/// plus every source of growth running for the catch-up and the whole horizon, plus
/// for an assembled quantity the most its materials could ever make.
fn quantities(
    ag: &Agreement,
    measurement: &BTreeMap<String, f64>,
    production: &[ProductionPlan],
    assembly: &[AssemblyPlan],
    catch_up: &[f64],
    step_years: f64,
    years: f64,
) -> Vec<QuantityPlan> {
    let n = ag.spec.quantity.len();
    let mut base = vec![0.0; n];
    let mut plans: Vec<QuantityPlan> = ag
        .spec
        .quantity
        .iter()
        .enumerate()
        .map(|(q, spec)| {
            let initial = (spec.low.unwrap_or(spec.initial), spec.high.unwrap_or(spec.initial));
            let initial = (initial.0.min(spec.initial), initial.1.max(spec.initial));
            let growth = spec.growth_per_year.unwrap_or(0.0) * step_years;
            let produced: f64 =
                production.iter().filter(|p| p.quantity == q).map(|p| p.per_step.high.max(0.0)).sum();
            let span = years + catch_up[q];
            base[q] = initial.1 + (growth.max(0.0) + produced) * span / step_years;
            let measurement_error = measurement.get(&spec.id).copied().unwrap_or(DEFAULT_MEASUREMENT_ERROR);
            let range = (initial.0.min(0.0), 0.0);
            QuantityPlan { key: key_of(&spec.id), initial, growth, measurement_error, range }
        })
        .collect();
    // The most each quantity can reach, assembled quantities through their materials'
    // most (the graph of materials is acyclic, so n rounds settle it).
    let mut most = base.clone();
    for _ in 0..n {
        for a in assembly {
            let from: f64 = a.materials.iter().map(|m| most[m.quantity].max(0.0) / m.per_unit.low).sum();
            let span = years + catch_up[a.quantity];
            let made = a.per_step.map_or(from, |cap| from.min(cap.high * span / step_years));
            most[a.quantity] = base[a.quantity] + made;
        }
    }
    for (plan, high) in plans.iter_mut().zip(most) {
        let low = plan.range.0;
        plan.range = (low, if high > low { high } else { low + 1.0 });
    }
    plans
}

fn outputs(
    ag: &Agreement,
    assembly: &[AssemblyPlan],
    quantities: &[QuantityPlan],
    cap: f64,
) -> Vec<OutputPlan> {
    let mut out = Vec::new();
    for a in assembly {
        let id = &ag.spec.quantity[a.quantity].id;
        let unit = &ag.spec.quantity[a.quantity].unit;
        let most: f64 =
            a.materials.iter().map(|m| quantities[m.quantity].range.1.max(0.0) / m.per_unit.low).sum();
        out.push(OutputPlan {
            id: format!("{id}.material"),
            name: format!("Material for `{id}` not yet assembled, in {unit}' worth"),
            unit: format!("{unit}' worth"),
            range: (0.0, most.max(1.0)),
        });
        out.push(OutputPlan {
            id: format!("{id}.breakout"),
            name: format!("Breakout time: days to one unit's worth of a material for `{id}`"),
            unit: "days".into(),
            range: (0.0, cap.max(1.0)),
        });
    }
    out
}

/// A duration in months: exact for months and years, in mean months for days and weeks.
/// (Not [`Duration::approx_days`], which is an upper bound for ordering deadlines, 31
/// days a month: as a mean it made 21 years 253 months.)
pub fn months_of(duration: Duration) -> f64 {
    let amount = f64::from(duration.amount);
    match duration.unit {
        Unit::Month => amount,
        Unit::Year => amount * 12.0,
        Unit::Day => amount / MEAN_MONTH_DAYS,
        Unit::Week => amount * 7.0 / MEAN_MONTH_DAYS,
    }
}

/// How many steps of `step_months` months a horizon holds from `start`.
///
/// A horizon in months or years is counted exactly: N months (12 N for years) with a
/// step of k months is N / k steps, and must be a whole number of steps. A horizon in
/// days or weeks ends on the calendar date that long after `start`, and holds the whole
/// steps that end on or before that date (365 days from 1 January 2024 end on 31
/// December 2024: 11 monthly steps).
pub fn horizon_steps(
    horizon: Duration,
    step: Duration,
    step_months: u32,
    start: Date,
) -> Result<u32, PlanError> {
    let steps = match horizon.unit {
        Unit::Month | Unit::Year => {
            let months = if horizon.unit == Unit::Year {
                horizon.amount.checked_mul(12)
            } else {
                Some(horizon.amount)
            }
            .ok_or(PlanError::HorizonTooLong { horizon })?;
            if months % step_months != 0 {
                return Err(PlanError::HorizonNotWholeSteps { horizon, step });
            }
            months / step_months
        }
        Unit::Day | Unit::Week => {
            let end = horizon.after(start).ok_or(PlanError::HorizonPastLastDate)?;
            let mut steps = 0u32;
            while Duration::months((steps + 1) * step_months).after(start).is_some_and(|d| d <= end) {
                steps += 1;
            }
            steps
        }
    };
    if steps == 0 {
        return Err(PlanError::HorizonShorterThanStep { horizon, step });
    }
    Ok(steps)
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
            if years == 0 || years > MAX_YEARS {
                return Err(PlanError::YearsOutOfRange { years, max: MAX_YEARS });
            }
            sim.horizon = Duration { amount: years, unit: Unit::Year };
        }
        if let Some(seed) = overrides.seed {
            sim.seed = seed;
        }
        if ag.spec.party.len() > MAX_PARTIES {
            return Err(PlanError::TooManyParties { parties: ag.spec.party.len(), max: MAX_PARTIES });
        }
        if sim.runs == 0 {
            return Err(PlanError::NoRuns);
        }
        let step_months = match sim.step.unit {
            Unit::Month => sim.step.amount,
            Unit::Year => sim.step.amount * 12,
            _ => 0,
        };
        if step_months == 0 {
            return Err(PlanError::StepNotMonths { step: sim.step });
        }
        let start = overrides.start.unwrap_or(ag.spec.agreement.adopted);
        let steps = horizon_steps(sim.horizon, sim.step, step_months, start)?;
        let dates = (1..=steps)
            .map(|k| Duration::months(k * step_months).after(start))
            .collect::<Option<Vec<Date>>>()
            .ok_or(PlanError::HorizonPastLastDate)?;
        let step_years = step_months as f64 / 12.0;
        let years = steps as f64 * step_years;
        let rules = rules(ag, &sim)?;
        let commitments = commitments(ag, &sim, step_months);
        let production = production(ag, step_years);
        let assembly = assembly(ag, step_years);
        let catch_up: Vec<f64> = ag
            .spec
            .quantity
            .iter()
            .map(|q| (q.as_of.until(start).map_or(0, |s| s.get_days()) as f64 / YEAR_DAYS).max(0.0))
            .collect();
        let quantities =
            quantities(ag, &sim.measurement, &production, &assembly, &catch_up, step_years, years);
        let breakout_cap = (years * YEAR_DAYS).round();
        let outputs = outputs(ag, &assembly, &quantities, breakout_cap);
        let elections = elections(ag, &sim, &dates, start);
        let weights = ag.spec.instrument.iter().map(|i| i.weight.unwrap_or(0.0)).collect();
        Ok(Plan {
            runs: sim.runs,
            seed: sim.seed,
            disputes: DisputePlan::new(sim.resolution, sim.confirmation),
            walkout_per_day: (per_day(sim.walkout.base), per_day(sim.walkout.aggrieved)),
            assumptions: sim,
            start,
            dates,
            step_months,
            rules,
            commitments,
            quantities,
            production,
            assembly,
            catch_up,
            outputs,
            breakout_cap,
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
            let missing =
                |parameter: &'static str| PlanError::StrategyNeeds { party: party.id.clone(), parameter };
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
                    let months = months_of(patience).round().max(1.0) as u32;
                    Rule::Grit { patience_months: months }
                }
                StrategyKind::Maximalist => Rule::Maximalist,
            }))
        })
        .collect()
}

/// A commitment's lead time: the file's assumption, else the default from its deadline
/// or its kind of step. Validation has made the assumed median positive and its 90th percentile at
/// least the median as written; in mean days a 90th percentile of "1 month" may fall a
/// fraction of a day below a median of "31 days", so it is held at the median then.
fn lead_of(spec: &Spec, commitment: &Commitment, sim: &Simulation) -> Lead {
    let days = |d: Duration| months_of(d) * MEAN_MONTH_DAYS;
    match sim.lead_time.get(&commitment.id) {
        Some(assumed) => {
            let median = days(assumed.median);
            Lead::Stated(LeadTime { median_days: median, p90_days: days(assumed.p90).max(median) })
        }
        None => Lead::for_step(spec, commitment),
    }
}

fn commitments(ag: &Agreement, sim: &Simulation, step_months: u32) -> Vec<CommitmentPlan> {
    ag.spec
        .commitment
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let verification = c.verification.as_ref();
            let every_months = verification.and_then(|v| v.every).map_or(1.0, months_of);
            let overridden = sim.detection.contains_key(&c.id) || sim.false_alarm.contains_key(&c.id);
            CommitmentPlan {
                key: key_of(&c.id),
                continuing: c.kind == CommitmentKind::Continuing,
                category: c.category,
                costs: ag.commitments[i]
                    .by
                    .iter()
                    .map(|&p| (p, c.values.as_ref().map_or(0.0, |v| v.cost.of(&ag.spec.party[p].id))))
                    .collect(),
                detection: sim.detection_of(c),
                false_alarm: sim.false_alarm_of(c),
                access: match verification {
                    Some(v) if !overridden => v
                        .access
                        .iter()
                        .map(|clause| (clause.detection, clause.false_alarm.unwrap_or(v.false_alarm)))
                        .collect(),
                    _ => Vec::new(),
                },
                inspection: sim.inspection_of(c),
                every: ((every_months / step_months as f64).round() as u32).max(1),
                budget: verification.and_then(|v| {
                    let n = u32::try_from(v.budget_periods()?).ok()?;
                    Some((n, v.budget.as_ref()?.inspections))
                }),
                lead: lead_of(&ag.spec, c, sim),
                lead_time_assumed: sim.lead_time.contains_key(&c.id),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        text.parse().unwrap()
    }

    fn steps(horizon: &str, step: &str, start: &str) -> Result<u32, PlanError> {
        let (horizon, step): (Duration, Duration) = (horizon.parse().unwrap(), step.parse().unwrap());
        let step_months = match step.unit {
            Unit::Year => step.amount * 12,
            _ => step.amount,
        };
        horizon_steps(horizon, step, step_months, date(start))
    }

    #[test]
    fn month_and_year_horizons_are_exact_numbers_of_steps() {
        for (horizon, expected) in [
            ("1 month", 1),
            ("21 months", 21),
            ("28 months", 28),
            ("36 months", 36),
            ("20 years", 240),
            ("21 years", 252),
            ("30 years", 360),
            ("100 years", 1200),
            ("1000 years", 12000),
        ] {
            assert_eq!(steps(horizon, "1 month", "2020-01-31"), Ok(expected), "{horizon}");
        }
        assert_eq!(steps("36 months", "3 months", "2020-01-01"), Ok(12));
        assert_eq!(steps("21 years", "1 year", "2020-01-01"), Ok(21));
        assert_eq!(steps("21 years", "6 months", "2020-01-01"), Ok(42));
    }

    #[test]
    fn a_horizon_that_is_not_a_whole_number_of_steps_is_refused() {
        let error = steps("10 months", "3 months", "2020-01-01").unwrap_err();
        assert_eq!(
            error,
            PlanError::HorizonNotWholeSteps { horizon: Duration::months(10), step: Duration::months(3) }
        );
        assert_eq!(
            error.to_string(),
            "the horizon (10 months) is not a whole number of steps (3 months); choose a horizon that is a \
             multiple of the step"
        );
        let error = steps("1 month", "2 months", "2020-01-01").unwrap_err();
        assert!(error.to_string().contains("not a whole number of steps"), "{error}");
    }

    #[test]
    fn day_and_week_horizons_hold_the_whole_steps_ending_by_their_date() {
        // 2024 is a leap year: 365 days after 1 January is 31 December.
        assert_eq!(steps("365 days", "1 month", "2024-01-01"), Ok(11));
        assert_eq!(steps("366 days", "1 month", "2024-01-01"), Ok(12));
        assert_eq!(steps("365 days", "1 month", "2023-01-01"), Ok(12));
        assert_eq!(steps("31 days", "1 month", "2023-01-01"), Ok(1));
        // 1 January + 30 days is 31 January, a day short of the first monthly step.
        let error = steps("30 days", "1 month", "2023-01-01").unwrap_err();
        assert_eq!(error.to_string(), "the horizon (30 days) is shorter than a step (1 month)");
        assert_eq!(steps("52 weeks", "1 month", "2023-01-01"), Ok(11));
        assert!(matches!(
            steps("3 weeks", "1 month", "2023-01-01"),
            Err(PlanError::HorizonShorterThanStep { .. })
        ));
    }

    #[test]
    fn months_of_counts_months_and_years_exactly() {
        assert_eq!(months_of("100 months".parse().unwrap()), 100.0);
        assert_eq!(months_of("21 years".parse().unwrap()), 252.0);
        assert!((months_of("365 days".parse().unwrap()) - 11.99).abs() < 0.01);
    }
}
