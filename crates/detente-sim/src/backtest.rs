//! Backtest: where a real history falls among the futures the simulator gives it.
//!
//! A bundled real agreement comes with its event log. [`backtest`] replays the log with
//! the engine and reads the **real outcome** on the simulator's own monthly grid, then
//! simulates the agreement from its adoption to the same horizon and reads the same
//! four outcomes from every future:
//!
//! * **time to breakdown**: months from adoption to the first step at whose end a
//!   signatory had withdrawn or the agreement had been terminated (what the simulator
//!   calls a breakdown, [`Trajectory::breakdown`]); censored at the horizon when it did
//!   not happen;
//! * **time to collapse**: months to the first step at whose end the engine read the
//!   agreement as `collapsed` (nothing owed is being performed or awaited any more, or
//!   its core bargain has stopped: docs/semantics.md) or it had broken down, whichever
//!   came first ([`Trajectory::collapse`]): how long the deal kept moving. Most real
//!   deals of this family were never formally left (the Agreed Framework, the 2018 Korean
//!   agreements), so breakdown alone misses their end. Censored like breakdown. The same
//!   engine predicates read both outcomes from the futures' records and from the replay
//!   (`Machine::has_broken_down`, `has_stopped`): one reading, the engine's statuses;
//! * **phases reached**: how many phases had opened (at any step end);
//! * **relief delivered**: the sum over steps of the economic weight of the instruments
//!   relieved under the agreement, times the step in years. When the file gives no
//!   weights (none of the bundled histories does), every instrument weighs 1 in both
//!   the history and the futures, and relief is counted in **instrument-years**
//!   ([`ReliefUnit`]).
//!
//! The horizon is the log's last date rounded **up** to a whole number of steps from
//! adoption, so that every logged event falls within it. The futures follow the file's
//! `[simulation]` table, or the defaults when it has none (every signatory `sincere`,
//! docs/simulation.md): the backtest takes the assumptions as written and does not fit
//! them. The **percentile** of the real outcome is its mid-rank among the futures (ties
//! count half); a real history that had not broken down (or collapsed) by the horizon
//! is censored, and its percentile is only bounded below ([`Percentile::at_least`]).
//!
//! ```
//! use detente_sim::backtest::{mid_rank, Percentile};
//! // 3 futures below the real value, 2 equal to it, 5 above: (3 + 2/2) / 10.
//! let sims = [1.0, 2.0, 3.0, 4.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0];
//! assert_eq!(mid_rank(4.0, &sims), 0.4);
//! assert_eq!(Percentile::exact(0.4).to_string(), "0.40");
//! ```

use std::fmt;

use detente_engine::state::{InstrumentStatus, PhaseStatus};
use detente_engine::{Agreement, Log, Machine};
use detente_spec::time::{Date, Duration};

use crate::plan::{Overrides, Plan, PlanError};
use crate::run::{Simulator, Trajectory};

/// How a backtest is run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// How many futures (at least 1).
    pub runs: u32,
    /// The seed, or `None` for the file's (default 1).
    pub seed: Option<u64>,
}

impl Default for Options {
    /// 400 futures on the file's seed.
    fn default() -> Options {
        Options { runs: 400, seed: None }
    }
}

/// Why a backtest cannot be run.
#[derive(Clone, Debug, PartialEq)]
pub enum BacktestError {
    /// No futures were asked for.
    NoRuns,
    /// The horizon (the log's last date) is beyond the longest the simulator takes.
    HorizonTooLong {
        /// The horizon in months.
        months: u32,
    },
    /// The assumptions could not be planned.
    Plan(PlanError),
}

impl fmt::Display for BacktestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BacktestError::NoRuns => f.write_str("a backtest needs at least one run"),
            BacktestError::HorizonTooLong { months } => write!(
                f,
                "the log runs {months} months past adoption, beyond the simulator's {} years",
                crate::plan::MAX_YEARS
            ),
            BacktestError::Plan(e) => write!(f, "cannot plan the simulation: {e}"),
        }
    }
}

impl std::error::Error for BacktestError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BacktestError::Plan(e) => Some(e),
            _ => None,
        }
    }
}

impl From<PlanError> for BacktestError {
    fn from(e: PlanError) -> BacktestError {
        BacktestError::Plan(e)
    }
}

/// What relief is counted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReliefUnit {
    /// The file's instrument weights times years (instruments without one weigh 0).
    WeightYears,
    /// The file gives no weights: every instrument weighs 1, so relief is counted in
    /// instrument-years, in the history and the futures alike.
    InstrumentYears,
}

impl fmt::Display for ReliefUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ReliefUnit::WeightYears => "weight x years",
            ReliefUnit::InstrumentYears => "instrument-years",
        })
    }
}

/// The four outcomes of one future, or of the real history, on the same grid.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Outcome {
    /// Months from adoption to the end of the step at which the agreement had broken
    /// down, or `None` if it had not by the horizon (censored).
    pub breakdown_month: Option<u32>,
    /// Months from adoption to the end of the step at which the agreement had collapsed
    /// or broken down, or `None` if neither by the horizon (censored). Never after
    /// `breakdown_month`.
    pub collapse_month: Option<u32>,
    /// How many phases had opened.
    pub phases_opened: usize,
    /// Relief delivered ([`ReliefUnit`]).
    pub relief: f64,
}

impl Outcome {
    /// Whether the agreement collapsed before it broke down, or without breaking down:
    /// it stopped moving while every signatory was still in it.
    ///
    /// ```
    /// use detente_sim::backtest::Outcome;
    /// let at = |collapse, breakdown| Outcome {
    ///     breakdown_month: breakdown,
    ///     collapse_month: collapse,
    ///     phases_opened: 0,
    ///     relief: 0.0,
    /// };
    /// assert!(at(Some(98), None).collapsed_first());
    /// assert!(at(Some(20), Some(31)).collapsed_first());
    /// assert!(!at(Some(31), Some(31)).collapsed_first(), "a walk-out is both at once");
    /// assert!(!at(None, None).collapsed_first());
    /// ```
    pub fn collapsed_first(&self) -> bool {
        match (self.collapse_month, self.breakdown_month) {
            (Some(c), Some(b)) => c < b,
            (Some(_), None) => true,
            (None, _) => false,
        }
    }

    /// The outcome of a simulated future.
    pub fn of(plan: &Plan, t: &Trajectory) -> Outcome {
        Outcome {
            breakdown_month: t.breakdown.map(|k| (k + 1) * plan.step_months),
            collapse_month: t.collapse.map(|k| (k + 1) * plan.step_months),
            phases_opened: t.phase_opened.iter().filter(|p| p.is_some()).count(),
            // (`+ 0.0`: an empty or all-zero sum of floats is -0.)
            relief: t.relief_delivered(plan.step_months),
        }
    }
}

/// The real history, read from the engine's replay on the simulator's grid.
#[derive(Clone, Debug, PartialEq)]
pub struct RealOutcome {
    /// The four outcomes.
    pub outcome: Outcome,
    /// The end of the step at which the breakdown was first seen.
    pub breakdown_date: Option<Date>,
    /// How it broke down: who withdrew, or that it was terminated.
    pub breakdown_how: Option<String>,
    /// The end of the step at which the collapse (or breakdown) was first seen.
    pub collapse_date: Option<Date>,
    /// The agreement's status in words at that step (`collapsed`, or the breakdown).
    pub collapse_how: Option<String>,
    /// The agreement's status at the horizon, in words.
    pub status_at_end: &'static str,
}

/// A percentile of the real outcome among the futures, in `[0, 1]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Percentile {
    /// The mid-rank (or its lower bound).
    pub value: f64,
    /// Whether only a lower bound is known: a real time to breakdown censored at the
    /// horizon ranks above every future that broke down, somewhere among those that
    /// did not.
    pub at_least: bool,
}

impl Percentile {
    /// An exact percentile.
    pub fn exact(value: f64) -> Percentile {
        Percentile { value, at_least: false }
    }

    /// Whether the real outcome is outside the central 90% of the futures (below the
    /// 5th or above the 95th percentile); a censored bound is extreme only when it is
    /// above the 95th.
    pub fn is_extreme(&self) -> bool {
        self.value > 0.95 || (!self.at_least && self.value < 0.05)
    }
}

impl fmt::Display for Percentile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.at_least {
            write!(f, ">= {:.2}", self.value)
        } else {
            write!(f, "{:.2}", self.value)
        }
    }
}

/// The mid-rank of `real` among `sims`: the share below it plus half the share equal to
/// it (0 for no futures).
///
/// ```
/// use detente_sim::backtest::mid_rank;
/// assert_eq!(mid_rank(5.0, &[5.0, 5.0]), 0.5);
/// assert_eq!(mid_rank(0.0, &[1.0, 2.0]), 0.0);
/// assert_eq!(mid_rank(3.0, &[1.0, 2.0]), 1.0);
/// ```
pub fn mid_rank(real: f64, sims: &[f64]) -> f64 {
    if sims.is_empty() {
        return 0.0;
    }
    let below = sims.iter().filter(|&&s| s < real).count() as f64;
    let equal = sims.iter().filter(|&&s| s == real).count() as f64;
    (below + equal / 2.0) / sims.len() as f64
}

/// The `q` quantile of `values` (sorted in place): the smallest value with at least a
/// share `q` of the values at or below it. `f64::INFINITY` stands for "not by the
/// horizon".
///
/// ```
/// use detente_sim::backtest::quantile;
/// let mut v = vec![4.0, 1.0, 3.0, 2.0];
/// assert_eq!(quantile(&mut v, 0.5), 2.0);
/// assert_eq!(quantile(&mut v, 0.95), 4.0);
/// ```
pub fn quantile(values: &mut [f64], q: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    let rank = ((q * values.len() as f64).ceil() as usize).clamp(1, values.len());
    values[rank - 1]
}

/// One outcome compared: the real value, the futures' 5th, 50th and 95th percentiles,
/// and the real value's percentile among them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Comparison {
    /// The real value (`f64::INFINITY` for no breakdown by the horizon).
    pub real: f64,
    /// The futures' 5th percentile.
    pub p05: f64,
    /// The futures' median.
    pub median: f64,
    /// The futures' 95th percentile.
    pub p95: f64,
    /// Where the real value falls.
    pub percentile: Percentile,
}

impl Comparison {
    fn of(real: f64, mut sims: Vec<f64>) -> Comparison {
        let percentile = if real.is_infinite() {
            // Censored: above every future that broke down; rank among the rest unknown.
            let broke = sims.iter().filter(|s| s.is_finite()).count() as f64;
            Percentile { value: broke / sims.len().max(1) as f64, at_least: true }
        } else {
            Percentile::exact(mid_rank(real, &sims))
        };
        Comparison {
            real,
            p05: quantile(&mut sims, 0.05),
            median: quantile(&mut sims, 0.5),
            p95: quantile(&mut sims, 0.95),
            percentile,
        }
    }
}

/// A backtest of one agreement against its real history.
#[derive(Clone, Debug)]
pub struct Backtest {
    /// The agreement's id.
    pub agreement: String,
    /// Adoption: where the history and the futures start.
    pub start: Date,
    /// The log's last date.
    pub last_event: Date,
    /// The horizon: the end of the last step.
    pub end: Date,
    /// The horizon in months.
    pub horizon_months: u32,
    /// The step in months.
    pub step_months: u32,
    /// The seed.
    pub seed: u64,
    /// Whether the futures follow the file's `[simulation]` table (else the defaults).
    pub assumptions_in_file: bool,
    /// What relief is counted in.
    pub relief_unit: ReliefUnit,
    /// How many phases the agreement has.
    pub phases_total: usize,
    /// How many instruments (sanctions) it can relieve.
    pub instruments_total: usize,
    /// The real history.
    pub real: RealOutcome,
    /// Every future's outcomes, in run order.
    pub futures: Vec<Outcome>,
    /// Time to breakdown, in months.
    pub breakdown: Comparison,
    /// Time to collapse (or breakdown), in months.
    pub collapse: Comparison,
    /// Phases reached.
    pub phases: Comparison,
    /// Relief delivered.
    pub relief: Comparison,
}

/// Backtests `ag` against its real history `log` (see the module documentation).
///
/// ```
/// use detente_engine::{log, Agreement};
/// use detente_sim::backtest::{backtest, Options};
/// // The starter agreement (adopted 1 January 2025, no `[simulation]` table), and a
/// // history in which one of its signatories withdrew a year later.
/// let text = detente_spec::starter("swap");
/// let checked = detente_spec::check(&detente_spec::SourceFile::new("swap.toml", text));
/// let ag = Agreement::compile(&checked.spec).unwrap();
/// let events = r#"{"date": "2026-01-01", "actor": "alpha", "kind": "withdrew"}"#;
/// let log = log::load(events, log::Format::JsonLines, &ag, false).unwrap();
/// let bt = backtest(&ag, &log, Options { runs: 20, seed: Some(1) }).unwrap();
/// assert_eq!(bt.horizon_months, 12);
/// assert_eq!(bt.real.outcome.breakdown_month, Some(12));
/// // Sincere parties walk out only at the default hazard (3% a year for the
/// // agreement): a breakdown within the year is rare among the futures.
/// assert!(bt.breakdown.percentile.value < 0.1);
/// ```
pub fn backtest(ag: &Agreement, log: &Log, options: Options) -> Result<Backtest, BacktestError> {
    if options.runs == 0 {
        return Err(BacktestError::NoRuns);
    }
    let start = ag.spec.agreement.adopted;
    let last_event = log.events.iter().map(|e| e.date).max().unwrap_or(start).max(start);
    // Plan first on a whole number of years covering the log (elections and the like
    // are placed on that grid), then cut the grid at the first step ending on or after
    // the last event.
    let step_months = Plan::new(ag, Overrides { years: Some(1), ..Overrides::default() })?.step_months;
    let mut steps: u32 = 1;
    loop {
        let end = Duration::months(steps * step_months)
            .after(start)
            .ok_or(BacktestError::HorizonTooLong { months: steps * step_months })?;
        if end >= last_event {
            break;
        }
        steps += 1;
        if steps * step_months > crate::plan::MAX_YEARS * 12 {
            return Err(BacktestError::HorizonTooLong { months: steps * step_months });
        }
    }
    let horizon_months = steps * step_months;
    let years = horizon_months.div_ceil(12).max(1);
    let overrides =
        Overrides { runs: Some(options.runs), years: Some(years), seed: options.seed, start: None };
    let mut plan = Plan::new(ag, overrides)?;
    plan.dates.truncate(steps as usize);
    let relief_unit = if plan.weights.iter().all(|&w| w == 0.0) {
        plan.weights.iter_mut().for_each(|w| *w = 1.0);
        ReliefUnit::InstrumentYears
    } else {
        ReliefUnit::WeightYears
    };
    let real = real_outcome(ag, log, &plan);
    let seed = plan.seed;
    let Some(&end) = plan.dates.last() else { return Err(BacktestError::NoRuns) };
    let sim = Simulator::new(ag, plan);
    let futures = outcomes(&sim, u64::from(options.runs));
    let time = |month: Option<u32>| month.map_or(f64::INFINITY, f64::from);
    Ok(Backtest {
        agreement: ag.spec.agreement.id.clone(),
        start,
        last_event,
        end,
        horizon_months,
        step_months,
        seed,
        assumptions_in_file: ag.spec.simulation.is_some(),
        relief_unit,
        phases_total: ag.phases.len(),
        instruments_total: ag.spec.instrument.len(),
        breakdown: Comparison::of(
            time(real.outcome.breakdown_month),
            futures.iter().map(|o| time(o.breakdown_month)).collect(),
        ),
        collapse: Comparison::of(
            time(real.outcome.collapse_month),
            futures.iter().map(|o| time(o.collapse_month)).collect(),
        ),
        phases: Comparison::of(
            real.outcome.phases_opened as f64,
            futures.iter().map(|o| o.phases_opened as f64).collect(),
        ),
        relief: Comparison::of(real.outcome.relief, futures.iter().map(|o| o.relief).collect()),
        real,
        futures,
    })
}

/// Each future's outcome, in run order (through the one parallel driver; nothing
/// here can fail, and nothing cancels a backtest).
fn outcomes(sim: &Simulator, runs: u64) -> Vec<Outcome> {
    let folded = crate::parallel::fold_runs(
        0..runs,
        &crate::parallel::Control::new(&|_| {}),
        Vec::new,
        Trajectory::default,
        |outcomes: &mut Vec<(u64, Outcome)>, t, run| {
            sim.run(run, t);
            outcomes.push((run, Outcome::of(sim.plan(), t)));
            Ok::<(), std::convert::Infallible>(())
        },
        |outcomes, more| {
            outcomes.extend(more);
            Ok(())
        },
    );
    // Infallible, and without a flag nothing cancels it.
    let mut outcomes = folded.unwrap_or_default();
    outcomes.sort_by_key(|(run, _)| *run);
    outcomes.into_iter().map(|(_, o)| o).collect()
}

/// The real history read at the end of each step of `plan`, exactly as a future's
/// outcomes are read (run/outcomes.rs, the same functions), from the engine's replay of
/// `log`.
pub fn real_outcome(ag: &Agreement, log: &Log, plan: &Plan) -> RealOutcome {
    let mut machine = Machine::new(ag, &log.events, false);
    let signatories: Vec<usize> = ag.signatories().collect();
    let mut opened = vec![false; ag.phases.len()];
    let mut relief_steps = 0.0;
    let mut breakdown: Option<(u32, Date, String)> = None;
    let mut collapse: Option<(u32, Date, String)> = None;
    for (k, &date) in plan.dates.iter().enumerate() {
        machine.advance_to(date);
        let month = (k as u32 + 1) * plan.step_months;
        relief_steps += (0..ag.spec.instrument.len())
            .filter(|&i| machine.instrument_status(i) == InstrumentStatus::Relieved)
            .map(|i| plan.weights[i])
            .sum::<f64>();
        for (p, seen) in opened.iter_mut().enumerate() {
            *seen |= machine.phase_status(p) != PhaseStatus::Locked;
        }
        if breakdown.is_none() && machine.has_broken_down() {
            breakdown = Some((month, date, how_it_broke_down(ag, &machine, &signatories)));
        }
        if collapse.is_none() && machine.has_stopped() {
            let how = match &breakdown {
                Some((_, _, how)) => how.clone(),
                None => machine.agreement_status().words().to_string(),
            };
            collapse = Some((month, date, how));
        }
    }
    let (breakdown_month, breakdown_date, breakdown_how) = split(breakdown);
    let (collapse_month, collapse_date, collapse_how) = split(collapse);
    RealOutcome {
        outcome: Outcome {
            breakdown_month,
            collapse_month,
            phases_opened: opened.iter().filter(|&&o| o).count(),
            relief: relief_steps * plan.step_months as f64 / 12.0,
        },
        breakdown_date,
        breakdown_how,
        collapse_date,
        collapse_how,
        status_at_end: machine.agreement_status().words(),
    }
}

/// How a history that has broken down did: who withdrew, or that it was terminated.
fn how_it_broke_down(ag: &Agreement, machine: &Machine, signatories: &[usize]) -> String {
    let withdrew: Vec<&str> = signatories
        .iter()
        .filter(|&&p| machine.has_withdrawn(p))
        .map(|&p| ag.spec.party[p].id.as_str())
        .collect();
    if withdrew.is_empty() {
        "terminated".to_string()
    } else {
        format!("{} withdrew", withdrew.join(", "))
    }
}

/// A first sighting (month, date, how) as three options.
fn split(seen: Option<(u32, Date, String)>) -> (Option<u32>, Option<Date>, Option<String>) {
    match seen {
        Some((month, date, how)) => (Some(month), Some(date), Some(how)),
        None => (None, None, None),
    }
}

/// A number as the table prints it: months whole, "none" for no breakdown by the
/// horizon, relief to one decimal.
fn number(value: f64, months: bool, horizon: u32) -> String {
    if value.is_infinite() {
        format!("none by {horizon}")
    } else if months || value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

impl Backtest {
    /// The four rows of the calibration table: agreement, outcome, real value, the
    /// futures' median [5th, 95th percentile], the real value's percentile (marked
    /// **extreme** outside the central 90%).
    pub fn rows(&self) -> Vec<[String; 5]> {
        let h = self.horizon_months;
        let row = |name: &str, c: &Comparison, months: bool| {
            [
                self.agreement.clone(),
                name.to_string(),
                number(c.real, months, h),
                format!(
                    "{} [{}, {}]",
                    number(c.median, months, h),
                    number(c.p05, months, h),
                    number(c.p95, months, h)
                ),
                format!("{}{}", c.percentile, if c.percentile.is_extreme() { " **extreme**" } else { "" }),
            ]
        };
        vec![
            row("months to breakdown", &self.breakdown, true),
            row("months to collapse or breakdown", &self.collapse, true),
            row(&format!("phases opened (of {})", self.phases_total), &self.phases, false),
            row(
                &format!("relief ({}, {} instruments)", self.relief_unit, self.instruments_total),
                &self.relief,
                false,
            ),
        ]
    }
}

/// The calibration table of several backtests, as Markdown.
pub fn table(backtests: &[Backtest]) -> String {
    let mut out = String::from(
        "| agreement | outcome | real | simulated median [5%, 95%] | percentile |\n|---|---|---|---|---|\n",
    );
    for b in backtests {
        for row in b.rows() {
            out.push_str(&format!("| {} |\n", row.join(" | ")));
        }
    }
    out
}

impl fmt::Display for Backtest {
    /// The table for this agreement, with its horizon, assumptions and notes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}: adopted {}, last event {}, horizon {} months (to {}), {} futures, seed {}, {}",
            self.agreement,
            self.start,
            self.last_event,
            self.horizon_months,
            self.end,
            self.futures.len(),
            self.seed,
            if self.assumptions_in_file {
                "assumptions from the file's [simulation] table"
            } else {
                "no [simulation] table: default assumptions (every signatory sincere)"
            }
        )?;
        match (&self.real.breakdown_how, self.real.breakdown_date) {
            (Some(how), Some(date)) => writeln!(f, "real breakdown: {how} (seen at the step ending {date})")?,
            _ => writeln!(f, "real breakdown: none by the horizon (censored)")?,
        }
        match (&self.real.collapse_how, self.real.collapse_date) {
            (Some(how), Some(date)) => {
                writeln!(f, "real collapse or breakdown: {how} (seen at the step ending {date})")?
            }
            _ => writeln!(f, "real collapse or breakdown: none by the horizon (censored)")?,
        }
        writeln!(f, "status at the horizon: {}", self.real.status_at_end)?;
        let count = |test: fn(&Outcome) -> bool| self.futures.iter().filter(|o| test(o)).count();
        writeln!(
            f,
            "futures: {} broke down; {} collapsed or broke down, {} of them collapsed before breaking down or without",
            count(|o| o.breakdown_month.is_some()),
            count(|o| o.collapse_month.is_some()),
            count(Outcome::collapsed_first)
        )?;
        write!(f, "{}", table(std::slice::from_ref(self)))
    }
}
