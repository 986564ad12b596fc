//! Empirical game analysis of an agreement (`detente tournament SPEC`): two parties each
//! choose among candidate strategies; every pair is simulated (through `detente-sim`, on
//! common random numbers), each party's payoff is estimated with its confidence
//! interval, and the resulting bimatrix game is solved exactly.
//!
//! A party's payoff in one run is what the agreement delivered to it by the horizon,
//! in the specification's own `values`: for every commitment fulfilled, released or in
//! effect at the horizon, the party's `benefit` from it, minus its `cost` if the party
//! is bound by it. Commitments suspended, violated, terminated or never performed
//! deliver nothing. (A covert cheater's saving is not counted: the payoff is what the
//! agreement delivers, not what cheating keeps; docs/game-theory.md.)

use detente_engine::state::CommitmentStatus;
use detente_engine::Agreement;
use detente_sim::tally::Moments;
use detente_sim::{Overrides, Plan, Simulator, Trajectory};
use detente_spec::model::{Strategy, StrategyKind};
use detente_spec::time::Duration;
use rayon::prelude::*;
use serde::Serialize;

use crate::bimatrix;
use crate::game::{Game, Profile, Q};

/// A candidate strategy, written `kind` or `kind:parameter` (`covert-cheater:0.05`,
/// `hedger:3`, `grit:6` months).
pub fn parse_candidate(text: &str) -> Result<Strategy, String> {
    let (kind, parameter) = match text.split_once(':') {
        Some((k, p)) => (k.trim(), Some(p.trim())),
        None => (text.trim(), None),
    };
    let kind: StrategyKind =
        StrategyKind::ALL.iter().copied().find(|k| k.to_string() == kind).ok_or_else(|| {
            let known: Vec<String> = StrategyKind::ALL.iter().map(|k| k.to_string()).collect();
            format!("no strategy `{kind}`; known: {}", known.join(", "))
        })?;
    let needs = kind.parameters();
    let value = match (needs.first(), parameter) {
        (None, None) => None,
        (None, Some(_)) => return Err(format!("`{kind}` takes no parameter")),
        (Some(name), None) => {
            return Err(format!("`{kind}` needs its `{name}`, e.g. {kind}:{}", example(kind)))
        }
        (Some(name), Some(p)) => {
            Some(p.parse::<f64>().map_err(|_| format!("`{p}` is not a number for `{kind}`'s `{name}`"))?)
        }
    };
    let mut strategy = Strategy { kind, cheat: None, max_cost: None, patience: None };
    match kind {
        StrategyKind::CovertCheater => {
            let cheat = value.unwrap_or_default();
            if !(0.0..=1.0).contains(&cheat) {
                return Err(format!("`cheat` is a monthly probability, so {cheat} is out of range"));
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

/// One party's payoff in one run (see the module documentation).
fn payoff(ag: &Agreement, party: &str, end: &[CommitmentStatus]) -> f64 {
    ag.spec
        .commitment
        .iter()
        .zip(end)
        .filter(|(_, s)| {
            matches!(
                s,
                CommitmentStatus::Fulfilled | CommitmentStatus::Released | CommitmentStatus::Performed
            )
        })
        .map(|(c, _)| {
            let values = c.values.as_ref();
            let benefit = values.and_then(|v| v.benefit.get(party)).copied().unwrap_or(0.0);
            let cost = if c.by.iter().any(|b| b == party) { values.map_or(0.0, |v| v.cost) } else { 0.0 };
            benefit - cost
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
/// the game of mean payoffs.
pub fn play(
    ag: &Agreement,
    parties: [usize; 2],
    candidates: &[Strategy],
    overrides: Overrides,
) -> Result<Tournament, String> {
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
            let plan = Plan::new(&variant, overrides).map_err(|e| e.to_string())?;
            runs = plan.runs as u64;
            let simulator = Simulator::new(&variant, plan);
            let moments = (0..runs)
                .into_par_iter()
                .fold(
                    || ([Moments::default(), Moments::default()], Trajectory::default()),
                    |(mut m, mut t), run| {
                        simulator.run(run, &mut t);
                        for (k, id) in ids.iter().enumerate() {
                            m[k].add(payoff(&variant, id, &t.end_status));
                        }
                        (m, t)
                    },
                )
                .map(|(m, _)| m)
                .reduce(
                    || [Moments::default(), Moments::default()],
                    |mut a, b| {
                        a[0].merge(&b[0]);
                        a[1].merge(&b[1]);
                        a
                    },
                );
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
             Payoff: what the agreement delivered by the horizon, in the specification's values (mean, 95% interval)\n\n",
            self.parties[0], self.parties[1], self.runs
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
