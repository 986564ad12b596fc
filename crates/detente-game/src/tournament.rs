//! Empirical game analysis of an agreement (`detente tournament SPEC`): two parties each
//! choose among candidate strategies; every pair is simulated (through `detente-sim`, on
//! common random numbers), each party's payoff is estimated with its confidence
//! interval, and the resulting bimatrix game is solved exactly.
//!
//! A party's payoff in one run is the discounted sum, over the simulated steps, of what
//! the agreement delivered to it while it was in effect: the specification's `values`
//! read as **yearly flows**. Each step at whose end the record reads a commitment in
//! effect (the simulator's one reading of the engine's statuses:
//! [`Trajectory::effect_changes`]), the commitment delivers its `benefit` to the party
//! and costs the party its own `cost` if the party is bound by it, for the step's length
//! in years, discounted to the start by the annual factor (an assumption,
//! [`DEFAULT_DISCOUNT`]) raised to the years from the start to the step's end. Relief
//! enjoyed for years and then snapped back counts for those years. Commitments
//! suspended, violated, released, discharged, terminated or not yet performed deliver
//! nothing in that step. (A covert cheater's saving is not counted: the payoff is what
//! the agreement delivers on record, not what cheating keeps; docs/game-theory.md.)

use detente_engine::Agreement;
use detente_sim::parallel::{fold_runs, Control};
use detente_sim::tally::Moments;
use detente_sim::{Overrides, Plan, PlanError, Simulator, Trajectory};
use detente_spec::model::{Strategy, StrategyKind};
use detente_spec::suggest::closest;
use detente_spec::time::Duration;
use serde::Serialize;

use crate::bimatrix;
use crate::game::{Game, Profile, Q};

/// Why a text is not a candidate strategy (`--candidates`).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CandidateError {
    /// No strategy of that name.
    #[error("no strategy `{name}`{}; known: {}", did_you_mean(.closest), known())]
    UnknownStrategy {
        /// The name as written.
        name: String,
        /// The closest strategy's name, if one is close.
        closest: Option<String>,
    },
    /// A parameter given to a strategy that takes none.
    #[error("`{kind}` takes no parameter")]
    TakesNoParameter {
        /// The strategy.
        kind: StrategyKind,
    },
    /// A strategy that needs a parameter, written without one.
    #[error("`{kind}` needs its `{parameter}`, e.g. {kind}:{}", example(*.kind))]
    NeedsParameter {
        /// The strategy.
        kind: StrategyKind,
        /// The parameter it needs.
        parameter: &'static str,
    },
    /// A parameter that is not a number.
    #[error("`{text}` is not a number for `{kind}`'s `{parameter}`")]
    NotANumber {
        /// The strategy.
        kind: StrategyKind,
        /// The parameter.
        parameter: &'static str,
        /// The text given.
        text: String,
    },
    /// A covert cheater's monthly probability outside 0 to 1.
    #[error("`cheat` is a monthly probability, so {cheat} is out of range (0 to 1)")]
    CheatOutOfRange {
        /// The value given.
        cheat: f64,
    },
}

fn did_you_mean(closest: &Option<String>) -> String {
    closest.as_ref().map(|c| format!(" (did you mean `{c}`?)")).unwrap_or_default()
}

fn known() -> String {
    StrategyKind::ALL.iter().map(|k| k.to_string()).collect::<Vec<_>>().join(", ")
}

/// A candidate strategy, written `kind` or `kind:parameter` (`covert-cheater:0.05`,
/// `hedger:3`, `grit:6` months).
pub fn parse_candidate(text: &str) -> Result<Strategy, CandidateError> {
    let (kind, parameter) = match text.split_once(':') {
        Some((k, p)) => (k.trim(), Some(p.trim())),
        None => (text.trim(), None),
    };
    let kind: StrategyKind =
        StrategyKind::ALL.iter().copied().find(|k| k.to_string() == kind).ok_or_else(|| {
            let names: Vec<String> = StrategyKind::ALL.iter().map(|k| k.to_string()).collect();
            let closest = closest(kind, names.iter().map(String::as_str)).map(String::from);
            CandidateError::UnknownStrategy { name: kind.into(), closest }
        })?;
    let needs = kind.parameters();
    let value = match (needs.first(), parameter) {
        (None, None) => None,
        (None, Some(_)) => return Err(CandidateError::TakesNoParameter { kind }),
        (Some(&parameter), None) => return Err(CandidateError::NeedsParameter { kind, parameter }),
        (Some(&parameter), Some(p)) => Some(p.parse::<f64>().map_err(|_| CandidateError::NotANumber {
            kind,
            parameter,
            text: p.into(),
        })?),
    };
    let mut strategy = Strategy { kind, cheat: None, max_cost: None, patience: None };
    match kind {
        StrategyKind::CovertCheater => {
            let cheat = value.unwrap_or_default();
            if !(0.0..=1.0).contains(&cheat) {
                return Err(CandidateError::CheatOutOfRange { cheat });
            }
            strategy.cheat = Some(cheat);
        }
        StrategyKind::Hedger => strategy.max_cost = value,
        StrategyKind::Grit => strategy.patience = value.map(|m| Duration::months(m.max(0.0).round() as u32)),
        _ => {}
    }
    Ok(strategy)
}

fn example(kind: StrategyKind) -> &'static str {
    match kind {
        StrategyKind::CovertCheater => "0.05",
        StrategyKind::Hedger => "3",
        _ => "6",
    }
}

/// A candidate's label in reports.
pub fn label(strategy: &Strategy) -> String {
    match (strategy.cheat, strategy.max_cost, strategy.patience) {
        (Some(c), _, _) => format!("{}:{c}", strategy.kind),
        (_, Some(m), _) => format!("{}:{m}", strategy.kind),
        (_, _, Some(p)) => format!("{}:{}", strategy.kind, p.amount),
        _ => strategy.kind.to_string(),
    }
}

/// The annual discount factor of the tournament's payoffs when none is given: an
/// assumption, not an estimate. 0.95 (a rate of about 5% a year) lies between the
/// factors of the 3% and 7% real rates that the US Office of Management and Budget's
/// Circular A-4 (2003) prescribes for public policy (0.971 and 0.935).
pub const DEFAULT_DISCOUNT: f64 = 0.95;

/// Why a tournament cannot be played.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum TournamentError {
    /// The annual discount factor is not in (0, 1].
    #[error("the annual discount factor {0} is not in (0, 1] (1: no discounting)")]
    Discount(f64),
    /// The simulation's assumptions cannot be planned.
    #[error(transparent)]
    Plan(#[from] PlanError),
}

/// Each step's discounted length in years, cumulated: `cumulative[k]` is the weight of
/// steps `0..k`, so a span of steps `a..b` in effect weighs `cumulative[b] -
/// cumulative[a]`. Step `k` lasts `step_months / 12` years and is discounted by
/// `discount ^ ((k + 1) * step_months / 12)`: from the step's end, when its status is
/// recorded, to the start.
#[derive(Clone, Debug, PartialEq)]
pub struct Discounting {
    cumulative: Vec<f64>,
}

impl Discounting {
    /// The weights of `steps` steps of `step_months` months at annual factor `discount`.
    pub fn new(steps: u32, step_months: u32, discount: f64) -> Result<Discounting, TournamentError> {
        if !(discount > 0.0 && discount <= 1.0) {
            return Err(TournamentError::Discount(discount));
        }
        let years = f64::from(step_months) / 12.0;
        let mut cumulative = Vec::with_capacity(steps as usize + 1);
        cumulative.push(0.0);
        let mut total = 0.0;
        for k in 0..steps {
            total += years * discount.powf(f64::from(k + 1) * years);
            cumulative.push(total);
        }
        Ok(Discounting { cumulative })
    }

    /// The number of steps weighed.
    pub fn steps(&self) -> u32 {
        (self.cumulative.len() - 1) as u32
    }

    /// The discounted years of the steps `span` (clamped to the steps weighed).
    pub fn weight(&self, span: std::ops::Range<u32>) -> f64 {
        let end = (span.end as usize).min(self.cumulative.len() - 1);
        let start = (span.start as usize).min(end);
        self.cumulative[end] - self.cumulative[start]
    }
}

/// What commitment `c` delivers to `party` a year while it is in effect: its benefit to
/// the party, less the party's own cost if the party is bound by it.
pub fn yearly_flow(ag: &Agreement, c: usize, party: &str) -> f64 {
    let commitment = &ag.spec.commitment[c];
    let Some(values) = commitment.values.as_ref() else { return 0.0 };
    let benefit = values.benefit.get(party).copied().unwrap_or(0.0);
    let cost = if commitment.by.iter().any(|b| b == party) { values.cost.of(party) } else { 0.0 };
    benefit - cost
}

/// One party's payoff in one run (see the module documentation): the run must come from
/// a simulator [`Simulator::keeping_effect`].
pub fn payoff(ag: &Agreement, party: &str, run: &Trajectory, discounting: &Discounting) -> f64 {
    (0..ag.spec.commitment.len())
        .map(|c| {
            let flow = yearly_flow(ag, c, party);
            if flow == 0.0 {
                return 0.0;
            }
            let years: f64 =
                run.in_effect_spans(c, discounting.steps()).into_iter().map(|s| discounting.weight(s)).sum();
            flow * years
        })
        .sum()
}

/// One cell of the payoff matrix.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cell {
    /// Mean payoff of each of the two parties.
    pub mean: [f64; 2],
    /// Half-width of the 95% confidence interval of each mean.
    pub half_width: [f64; 2],
}

/// The empirical game and its equilibria.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tournament {
    /// The two parties.
    pub parties: [String; 2],
    /// Candidate strategies (the same list for both).
    pub candidates: Vec<String>,
    /// Runs per pair.
    pub runs: u64,
    /// The annual discount factor of the payoffs (an assumption).
    pub discount: f64,
    /// `cells[i][j]`: the first party playing candidate i, the second candidate j.
    pub cells: Vec<Vec<Cell>>,
    /// The equilibria of the game of mean payoffs (rounded to 1e-4, then exact), as
    /// probabilities per candidate for each party.
    pub equilibria: Vec<[Vec<f64>; 2]>,
    /// The game was degenerate: besides the extreme equilibria listed it may have
    /// continua of equilibria (convex combinations of listed ones).
    pub degenerate: bool,
}

fn round(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

fn exact(x: f64) -> Q {
    Q::new(((x * 1e4).round() as i64).into(), 10_000.into())
}

/// Simulates every pair of candidates for `parties` (party indices of `ag`) and solves
/// the game of mean payoffs, discounted at [`DEFAULT_DISCOUNT`] a year.
pub fn play(
    ag: &Agreement,
    parties: [usize; 2],
    candidates: &[Strategy],
    overrides: Overrides,
) -> Result<Tournament, TournamentError> {
    play_discounted(ag, parties, candidates, overrides, DEFAULT_DISCOUNT)
}

/// [`play`] with payoffs discounted at `discount` a year (in (0, 1]; 1 sums them as
/// they come).
pub fn play_discounted(
    ag: &Agreement,
    parties: [usize; 2],
    candidates: &[Strategy],
    overrides: Overrides,
    discount: f64,
) -> Result<Tournament, TournamentError> {
    let ids = [ag.spec.party[parties[0]].id.clone(), ag.spec.party[parties[1]].id.clone()];
    let mut cells = Vec::new();
    let mut runs = 0;
    for first in candidates {
        let mut row = Vec::new();
        for second in candidates {
            let mut variant = ag.clone();
            let sim = variant.simulation_mut();
            sim.strategy.insert(ids[0].clone(), first.clone());
            sim.strategy.insert(ids[1].clone(), second.clone());
            let plan = Plan::new(&variant, overrides)?;
            runs = plan.runs as u64;
            let discounting = Discounting::new(plan.steps() as u32, plan.step_months, discount)?;
            let simulator = Simulator::new(&variant, plan).keeping_effect();
            let moments = fold_runs(
                0..runs,
                &Control::new(&|_| {}),
                || [Moments::default(), Moments::default()],
                Trajectory::default,
                |m, t, run| {
                    simulator.run(run, t);
                    for (k, id) in ids.iter().enumerate() {
                        m[k].add(payoff(&variant, id, t, &discounting));
                    }
                    Ok::<(), std::convert::Infallible>(())
                },
                |a, b| {
                    a[0].merge(&b[0]);
                    a[1].merge(&b[1]);
                    Ok(())
                },
            )
            // Infallible, and without a flag nothing cancels it.
            .unwrap_or_default();
            let cell = |k: usize| (moments[k].mean(runs), 1.96 * moments[k].sd(runs) / (runs as f64).sqrt());
            let (a, b) = (cell(0), cell(1));
            row.push(Cell { mean: [round(a.0), round(b.0)], half_width: [round(a.1), round(b.1)] });
        }
        cells.push(row);
    }
    let a: Vec<Vec<Q>> = cells.iter().map(|r| r.iter().map(|c| exact(c.mean[0])).collect()).collect();
    let b: Vec<Vec<Q>> = cells.iter().map(|r| r.iter().map(|c| exact(c.mean[1])).collect()).collect();
    let game = Game::bimatrix(&a, &b);
    let solution = bimatrix::enumerate(&game);
    let as_f64 = |p: &Profile| -> [Vec<f64>; 2] {
        use num_traits::ToPrimitive;
        [0, 1].map(|k| p[k].iter().map(|q| round(q.to_f64().unwrap_or(0.0))).collect())
    };
    Ok(Tournament {
        parties: ids,
        candidates: candidates.iter().map(label).collect(),
        runs,
        discount,
        cells,
        equilibria: solution.equilibria.iter().map(as_f64).collect(),
        degenerate: solution.degenerate,
    })
}

impl Tournament {
    /// The report for a terminal.
    pub fn text(&self) -> String {
        let mut out = format!(
            "Empirical game: {} (rows) against {} (columns), {} simulated futures per pair, common random numbers\n\
             Payoff: the specification's values as yearly flows, summed over the horizon while each commitment is in effect,\n\
             discounted at {} a year (an assumption, --discount) (mean, 95% interval)\n\n",
            self.parties[0], self.parties[1], self.runs, self.discount
        );
        let width = 26;
        out.push_str(&format!("{:<22}", ""));
        for c in &self.candidates {
            out.push_str(&format!("{c:>width$}"));
        }
        out.push('\n');
        for (i, row) in self.cells.iter().enumerate() {
            out.push_str(&format!("{:<22}", self.candidates[i]));
            for cell in row {
                let text = format!(
                    "{:.2}±{:.2}, {:.2}±{:.2}",
                    cell.mean[0], cell.half_width[0], cell.mean[1], cell.half_width[1]
                );
                out.push_str(&format!("{text:>width$}"));
            }
            out.push('\n');
        }
        out.push_str(&format!("\nEquilibria of the game of mean payoffs ({}):\n", self.equilibria.len()));
        for e in &self.equilibria {
            let describe = |mix: &[f64]| -> String {
                mix.iter()
                    .zip(&self.candidates)
                    .filter(|(p, _)| **p > 0.0)
                    .map(|(p, c)| if *p == 1.0 { c.clone() } else { format!("{c} {p}") })
                    .collect::<Vec<_>>()
                    .join(" + ")
            };
            out.push_str(&format!(
                "  {}: {}; {}: {}\n",
                self.parties[0],
                describe(&e[0]),
                self.parties[1],
                describe(&e[1])
            ));
        }
        if self.degenerate {
            out.push_str(
                "  (the game is degenerate, e.g. strategies that tie: these are its extreme equilibria, \
                 and continua of equilibria may join some of them)\n",
            );
        }
        out
    }

    /// The game of mean payoffs in Gambit's format.
    pub fn nfg(&self) -> String {
        let a: Vec<Vec<Q>> =
            self.cells.iter().map(|r| r.iter().map(|c| exact(c.mean[0])).collect()).collect();
        let b: Vec<Vec<Q>> =
            self.cells.iter().map(|r| r.iter().map(|c| exact(c.mean[1])).collect()).collect();
        let mut game = Game::bimatrix(&a, &b);
        game.title = format!("detente tournament: {} against {}", self.parties[0], self.parties[1]);
        game.players = self.parties.to_vec();
        game.strategies = vec![self.candidates.clone(), self.candidates.clone()];
        crate::nfg::write(&game)
    }
}
