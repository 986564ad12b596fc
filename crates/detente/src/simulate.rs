//! Futures of an agreement under its `[simulation]` assumptions: the simulator run
//! through its one parallel driver, with progress and cancellation a front end controls
//! (a Python binding's Ctrl-C, a server dropping a request).

use detente_sim::continuing::{self, ContinueError};
use detente_sim::{Control, Overrides, Plan, RunRecord, Simulator, Stopped};

use crate::{Agreement, Error, History};

pub use detente_sim::summary::Summary;

/// What a simulation may change of the file's `[simulation]` table: the number of
/// futures, the horizon and the seed (the same seed gives the same bytes on any number
/// of threads).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SimulateOptions {
    /// How many futures (the file's `runs`, or 10,000).
    #[serde(default)]
    pub runs: Option<u32>,
    /// How many years ahead (the file's `horizon`, or 20).
    #[serde(default)]
    pub years: Option<u32>,
    /// The seed of the random streams (the file's `seed`, or 1).
    #[serde(default)]
    pub seed: Option<u64>,
}

impl Agreement {
    /// Simulates the agreement's futures and summarizes them (docs/simulation.md):
    /// every figure with its spread and its Monte Carlo error. Progress and
    /// cancellation come from `control`.
    ///
    /// ```
    /// use detente::{Agreement, Control, Format, SimulateOptions};
    /// let agreement = Agreement::from_text("deal.toml", &detente_spec::starter("deal"), Format::Toml)?;
    /// let options = SimulateOptions { runs: Some(200), years: Some(3), seed: Some(7) };
    /// let summary = agreement.simulate(options, &Control::new(&|_| {}))?;
    /// assert_eq!(summary.runs, 200);
    /// # Ok::<(), detente::Error>(())
    /// ```
    pub fn simulate(&self, options: SimulateOptions, control: &Control) -> Result<Summary, Error> {
        Ok(run(&self.simulator(options)?, false, control)?.summary)
    }

    /// [`Agreement::simulate`], with every future's outcome kept as a [`RunTable`]
    /// (one column per measure, in run order: what a data frame is made of).
    ///
    /// ```
    /// use detente::{Agreement, Control, Format, SimulateOptions};
    /// let agreement = Agreement::from_text("deal.toml", &detente_spec::starter("deal"), Format::Toml)?;
    /// let options = SimulateOptions { runs: Some(50), years: Some(3), seed: Some(7) };
    /// let futures = agreement.futures(options, &Control::new(&|_| {}))?;
    /// assert_eq!(futures.runs.run, (0..50).collect::<Vec<u64>>());
    /// assert_eq!(futures.runs.final_quantities.len(), futures.runs.quantities.len());
    /// # Ok::<(), detente::Error>(())
    /// ```
    pub fn futures(&self, options: SimulateOptions, control: &Control) -> Result<Futures, Error> {
        run(&self.simulator(options)?, true, control)
    }

    fn simulator(&self, options: SimulateOptions) -> Result<Simulator<'_>, Error> {
        let plan = Plan::new(self.compiled(), options.overrides())
            .map_err(|e| Error::InvalidAssumptions { design: None, source: e.into() })?;
        Ok(Simulator::new(self.compiled(), plan))
    }
}

/// A simulation's summary and every future's outcome.
#[derive(Clone, Debug, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct Futures {
    /// The summary, as [`Agreement::simulate`] gives it.
    pub summary: Summary,
    /// Each future's outcome, by column.
    pub runs: RunTable,
}

/// Every future's outcome, one column per measure, in run order (the same rows as
/// `detente simulate --keep-runs` writes to `runs.csv`).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct RunTable {
    /// The run's index (its random stream).
    pub run: Vec<u64>,
    /// The ids of the quantities, in the order of `final_quantities`.
    pub quantities: Vec<String>,
    /// For each quantity, its true value at the horizon in each run.
    pub final_quantities: Vec<Vec<f64>>,
    /// Relief delivered (economic weight times years).
    pub relief_delivered: Vec<f64>,
    /// How many phases opened.
    pub phases_opened: Vec<u32>,
    /// The month of the first snap-back (`None`: none).
    pub snapback_month: Vec<Option<u32>>,
    /// The month of the breakdown (`None`: none).
    pub breakdown_month: Vec<Option<u32>>,
    /// The month the agreement had collapsed or broken down (`None`: neither).
    pub collapse_month: Vec<Option<u32>>,
}

impl RunTable {
    fn new(quantities: Vec<String>, records: &[RunRecord]) -> RunTable {
        let column = |q: usize| {
            records.iter().map(|r| r.final_quantities.get(q).copied().unwrap_or(f64::NAN)).collect()
        };
        RunTable {
            run: records.iter().map(|r| r.run).collect(),
            final_quantities: (0..quantities.len()).map(column).collect(),
            quantities,
            relief_delivered: records.iter().map(|r| r.relief).collect(),
            phases_opened: records
                .iter()
                .map(|r| u32::try_from(r.phases_opened).unwrap_or(u32::MAX))
                .collect(),
            snapback_month: records.iter().map(|r| r.snapback_month).collect(),
            breakdown_month: records.iter().map(|r| r.breakdown_month).collect(),
            collapse_month: records.iter().map(|r| r.collapse_month).collect(),
        }
    }
}

impl History {
    /// Simulates the futures that continue this record from its last date (the
    /// adoption if it has no events): what the record made owed, done or answered
    /// stays so, and measured quantities start from their recorded values, as
    /// `detente simulate --from LOG` does. When the record had already ended the
    /// agreement, the summary's notes say that every future starts at the end.
    ///
    /// ```
    /// use detente::{Agreement, Control, EventRecord, Format, History, SimulateOptions};
    /// let agreement = Agreement::from_text("deal.toml", &detente_spec::starter("deal"), Format::Toml)?;
    /// let mut history = History::new(&agreement);
    /// history.append(EventRecord {
    ///     date: Some("2026-02-01".into()),
    ///     actor: Some("beta".into()),
    ///     kind: Some("performed".into()),
    ///     subject: Some("freeze-enrichment".into()),
    ///     ..EventRecord::default()
    /// })?;
    /// let options = SimulateOptions { runs: Some(100), years: Some(3), seed: Some(7) };
    /// let summary = history.simulate(options, &Control::new(&|_| {}))?;
    /// assert_eq!(summary.start.to_string(), "2026-02-01");
    /// # Ok::<(), detente::Error>(())
    /// ```
    pub fn simulate(&self, options: SimulateOptions, control: &Control) -> Result<Summary, Error> {
        Ok(self.run_futures(options, false, control)?.summary)
    }

    /// [`History::simulate`], with every future's outcome kept as a [`RunTable`].
    pub fn futures(&self, options: SimulateOptions, control: &Control) -> Result<Futures, Error> {
        self.run_futures(options, true, control)
    }

    fn run_futures(
        &self,
        options: SimulateOptions,
        keep_runs: bool,
        control: &Control,
    ) -> Result<Futures, Error> {
        let compiled = self.agreement().compiled();
        let simulator =
            continuing::simulator(compiled, options.overrides(), self.events()).map_err(|e| match e {
                ContinueError::Plan(e) => Error::InvalidAssumptions { design: None, source: e.into() },
                // The record's events were each checked as they were appended, and the
                // machine accepts what the checker accepts.
                refused @ ContinueError::Refused { .. } => Error::Internal { source: Box::new(refused) },
            })?;
        let mut futures = run(&simulator, keep_runs, control)?;
        futures.summary.notes.extend(continuing::ended_note(&simulator));
        Ok(futures)
    }
}

impl SimulateOptions {
    fn overrides(self) -> Overrides {
        Overrides { runs: self.runs, years: self.years, seed: self.seed, start: None }
    }
}

/// Runs every future of `simulator` through the one parallel driver and summarizes them,
/// keeping each run's outcome if asked.
fn run(simulator: &Simulator, keep_runs: bool, control: &Control) -> Result<Futures, Error> {
    let runs = u64::from(simulator.plan().runs);
    let (tally, records) = detente_sim::simulate_with(simulator, 0..runs, keep_runs, control).map_err(
        |stopped| match stopped {
            Stopped::Cancelled => Error::Cancelled,
            Stopped::Failed(e) => Error::Tally(e),
        },
    )?;
    let agreement = simulator.agreement();
    let quantities = agreement.spec.quantity.iter().map(|q| q.id.clone()).collect();
    Ok(Futures {
        summary: Summary::new(agreement, simulator.plan(), &tally),
        runs: if keep_runs { RunTable::new(quantities, &records) } else { RunTable::default() },
    })
}
