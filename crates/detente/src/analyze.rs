//! The game-theoretic reading of an agreement (docs/game-theory.md): whether inspection
//! and snap-back deter cheating on each measure, whether each phase is self-enforcing
//! (with the hold-up inside it), and, for parties with stated priors, what the others
//! learn of their type from verified steps.
//!
//! The analyses live in `detente-game` and read the agreement as the engine compiled
//! it; this module gathers them under one call with its options checked, so the
//! command line, the server and the bindings give the same report.

use serde::Serialize;

pub use detente_game::analysis::Report as Incentives;
pub use detente_game::learning::LearningReport;

use crate::{Agreement, Error};

/// The analyses' assumptions that are not in the file. Each is labelled in the report.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnalyzeOptions {
    /// The discount factor per phase in the backward induction, in [0, 1] (default
    /// 0.9, an assumption).
    #[serde(default)]
    pub discount: Option<f64>,
    /// The cost of one inspection, on the scale of the agreement's `values`, for the
    /// simultaneous inspection game; positive (default 0.5, an assumption).
    #[serde(default)]
    pub inspection_cost: Option<f64>,
    /// How many phases the game with types covers, from 1 to
    /// [`detente_game::types_game::MAX_PHASES`] (default
    /// [`detente_game::types_game::DEFAULT_PHASES`]; the tree grows fourfold a phase).
    #[serde(default)]
    pub type_phases: Option<usize>,
}

/// The default discount factor per phase.
pub const DEFAULT_DISCOUNT: f64 = 0.9;
/// The default cost of one inspection.
pub const DEFAULT_INSPECTION_COST: f64 = 0.5;

/// An agreement's analysis: incentives (deterrence, self-enforcement, hold-up) and,
/// where the file states priors, learning.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Analysis {
    /// Deterrence of each measure and self-enforcement of each phase (the JSON keys
    /// `agreement`, `discount`, `inspection_cost`, `deterrence`, `phases`).
    #[serde(flatten)]
    pub incentives: Incentives,
    /// Learning by verified steps, for each party with a prior (absent when none has).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub learning: Option<LearningReport>,
    #[serde(skip)]
    agreement: Agreement,
    #[serde(skip)]
    type_phases: usize,
}

impl AnalyzeOptions {
    fn checked(self) -> Result<(f64, f64, usize), Error> {
        let discount = self.discount.unwrap_or(DEFAULT_DISCOUNT);
        if !(0.0..=1.0).contains(&discount) {
            return Err(invalid("discount", format!("{discount} is not between 0 and 1")));
        }
        let cost = self.inspection_cost.unwrap_or(DEFAULT_INSPECTION_COST);
        if !(cost > 0.0 && cost.is_finite()) {
            return Err(invalid("inspection_cost", format!("{cost} must be a positive number")));
        }
        let phases = self.type_phases.unwrap_or(detente_game::types_game::DEFAULT_PHASES);
        let most = detente_game::types_game::MAX_PHASES;
        if !(1..=most).contains(&phases) {
            return Err(invalid("type_phases", format!("{phases} is not between 1 and {most}")));
        }
        Ok((discount, cost, phases))
    }
}

fn invalid(option: &'static str, message: String) -> Error {
    Error::InvalidOption { option, message }
}

impl Agreement {
    /// Analyses the agreement's incentives, and its parties' learning where the file
    /// states priors.
    ///
    /// ```
    /// use detente::{Agreement, AnalyzeOptions, Format};
    /// let agreement = Agreement::from_text("deal.toml", &detente_spec::starter("deal"), Format::Toml)?;
    /// let analysis = agreement.analyze(AnalyzeOptions::default())?;
    /// assert_eq!(analysis.incentives.discount, 0.9);
    /// for phase in &analysis.incentives.phases {
    ///     println!("{}: self-enforcing {}", phase.phase, phase.self_enforcing);
    /// }
    /// # Ok::<(), detente::Error>(())
    /// ```
    pub fn analyze(&self, options: AnalyzeOptions) -> Result<Analysis, Error> {
        let (discount, cost, type_phases) = options.checked()?;
        let spec = self.spec();
        let incentives = Incentives::new(spec, discount, cost);
        let learning =
            detente_game::learning::learning(spec, discount, type_phases).map_err(Error::Beliefs)?;
        let learning = (!learning.is_empty()).then_some(learning);
        Ok(Analysis { incentives, learning, agreement: self.clone(), type_phases })
    }
}

impl Analysis {
    /// Warnings: measures that inspection and snap-back do not deter.
    ///
    /// ```
    /// use detente::{Agreement, AnalyzeOptions, Format};
    /// let agreement = Agreement::from_text("deal.toml", &detente_spec::starter("deal"), Format::Toml)?;
    /// let analysis = agreement.analyze(AnalyzeOptions::default())?;
    /// for warning in analysis.warnings() {
    ///     assert!(warning.contains("is not deterred"));
    /// }
    /// # Ok::<(), detente::Error>(())
    /// ```
    pub fn warnings(&self) -> Vec<String> {
        self.incentives.warnings()
    }

    /// The report for a terminal (`markdown = false`) or a document.
    ///
    /// ```
    /// use detente::{Agreement, AnalyzeOptions, Format};
    /// let agreement = Agreement::from_text("deal.toml", &detente_spec::starter("deal"), Format::Toml)?;
    /// let analysis = agreement.analyze(AnalyzeOptions::default())?;
    /// assert!(analysis.render(true).contains("## "));
    /// # Ok::<(), detente::Error>(())
    /// ```
    pub fn render(&self, markdown: bool) -> String {
        let learning = match (&self.learning, markdown) {
            (None, _) => String::new(),
            (Some(learned), true) => format!("\n{}", learned.markdown()),
            (Some(learned), false) => format!("\n{}", learned.text()),
        };
        self.incentives.render(markdown) + &learning
    }

    /// The phased game (one stage per phase, each party performing or not) in Gambit's
    /// `.efg` format, for solving elsewhere.
    ///
    /// ```
    /// use detente::{Agreement, AnalyzeOptions, Format};
    /// let agreement = Agreement::from_text("deal.toml", &detente_spec::starter("deal"), Format::Toml)?;
    /// let analysis = agreement.analyze(AnalyzeOptions::default())?;
    /// let efg = analysis.phase_game_efg();
    /// assert!(efg.starts_with("EFG 2 R"));
    /// // Solved back by the library's own solvers.
    /// let solution = detente::solve::solve(&efg, None, Default::default())?;
    /// assert!(!solution.is_empty());
    /// # Ok::<(), detente::Error>(())
    /// ```
    pub fn phase_game_efg(&self) -> String {
        detente_game::phase_game::PhaseGame::new(self.agreement.spec(), self.incentives.discount).efg()
    }

    /// The phased game with types of each party with a prior, in Gambit's `.efg`
    /// format: `(party, game)`, in id order. Empty when the file states no priors.
    ///
    /// ```
    /// use detente::{Agreement, AnalyzeOptions, Format};
    /// let agreement = Agreement::from_text("deal.toml", &detente_spec::starter("deal"), Format::Toml)?;
    /// let analysis = agreement.analyze(AnalyzeOptions::default())?;
    /// // The starter states no priors, so there is no game with types.
    /// assert!(analysis.types_games_efg()?.is_empty());
    /// # Ok::<(), detente::Error>(())
    /// ```
    pub fn types_games_efg(&self) -> Result<Vec<(String, String)>, Error> {
        let settings = detente_game::beliefs::settings(self.agreement.spec()).map_err(Error::Beliefs)?;
        settings
            .into_iter()
            .map(|setting| {
                let party = setting.party.clone();
                detente_game::types_game::TypesGame::new(setting, self.type_phases, self.incentives.discount)
                    .map(|game| (party, game.efg()))
                    .map_err(Error::TypesGame)
            })
            .collect()
    }
}
