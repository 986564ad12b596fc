//! Futures of an agreement under its `[simulation]` assumptions: the simulator run
//! through its one parallel driver, with progress and cancellation a front end controls
//! (a Python binding's Ctrl-C, a server dropping a request).

use detente_sim::{Control, Overrides, Plan, Simulator, Stopped};

use crate::{Agreement, Error};

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
        let overrides =
            Overrides { runs: options.runs, years: options.years, seed: options.seed, start: None };
        let plan = Plan::new(self.compiled(), overrides)
            .map_err(|e| Error::InvalidAssumptions { design: None, source: e.into() })?;
        let simulator = Simulator::new(self.compiled(), plan);
        let runs = u64::from(simulator.plan().runs);
        let (tally, _) = detente_sim::simulate_with(&simulator, 0..runs, false, control).map_err(
            |stopped| match stopped {
                Stopped::Cancelled => Error::Cancelled,
                Stopped::Failed(e) => Error::InvalidAssumptions { design: None, source: e.into() },
            },
        )?;
        Ok(Summary::new(self.compiled(), simulator.plan(), &tally))
    }
}
