//! Futures of an agreement under its `[simulation]` assumptions: the simulator run
//! through its one parallel driver, with progress and cancellation a front end controls
//! (a Python binding's Ctrl-C, a server dropping a request).

use detente_sim::continuing::{self, ContinueError};
use detente_sim::{Control, Overrides, Plan, Simulator, Stopped};

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
        let plan = Plan::new(self.compiled(), options.overrides())
            .map_err(|e| Error::InvalidAssumptions { design: None, source: e.into() })?;
        summarize(&Simulator::new(self.compiled(), plan), control)
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
        let compiled = self.agreement().compiled();
        let simulator =
            continuing::simulator(compiled, options.overrides(), self.events()).map_err(|e| match e {
                ContinueError::Plan(e) => Error::InvalidAssumptions { design: None, source: e.into() },
                // The record's events were each checked as they were appended, and the
                // machine accepts what the checker accepts.
                refused @ ContinueError::Refused { .. } => Error::Internal { source: Box::new(refused) },
            })?;
        let mut summary = summarize(&simulator, control)?;
        summary.notes.extend(continuing::ended_note(&simulator));
        Ok(summary)
    }
}

impl SimulateOptions {
    fn overrides(self) -> Overrides {
        Overrides { runs: self.runs, years: self.years, seed: self.seed, start: None }
    }
}

/// Runs every future of `simulator` through the one parallel driver and summarizes them.
fn summarize(simulator: &Simulator, control: &Control) -> Result<Summary, Error> {
    let runs = u64::from(simulator.plan().runs);
    let (tally, _) =
        detente_sim::simulate_with(simulator, 0..runs, false, control).map_err(|stopped| match stopped {
            Stopped::Cancelled => Error::Cancelled,
            Stopped::Failed(e) => Error::Tally(e),
        })?;
    Ok(Summary::new(simulator.agreement(), simulator.plan(), &tally))
}
