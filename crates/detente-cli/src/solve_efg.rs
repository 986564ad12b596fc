//! `detente solve GAME.efg`: equilibria of an extensive-form game in Gambit's format,
//! exactly.
//!
//! A game of perfect information: its subgame-perfect equilibria in pure strategies,
//! by backward induction (every one, at most 1,000; `--one`: the one that breaks every
//! tie towards the first best action). Otherwise, one or two players with perfect
//! recall: one Nash equilibrium, by Lemke's algorithm on the sequence form (the one
//! pygambit's `lcp_solve` finds). Other games are refused (exit 2) with the reason.
//! docs/game-theory.md says what is solved how.

use std::io::Write;
use std::path::Path;

use detente_game::extensive::{
    Behavior, ImperfectRecall, Mover, TooLarge, Tree, MAX_COMPUTED_DIGITS, MAX_NODE_PAYOFFS,
};
use detente_game::game::to_text;
use detente_game::nfg::count;
use detente_game::sequence_form::{self, Failure};
use detente_game::subgame_perfect::{self, Choices, TooMany};
use num_traits::Zero;

use crate::solve::SolveFormat;

/// The equilibria found, and how.
enum Answer {
    /// Subgame-perfect equilibria in pure strategies of a game of perfect information.
    Pure(Vec<Choices>),
    /// One equilibrium from the sequence form.
    Mixed(Behavior),
}

impl Answer {
    fn len(&self) -> usize {
        match self {
            Answer::Pure(e) => e.len(),
            Answer::Mixed(_) => 1,
        }
    }

    /// Equilibrium `k` as a behaviour profile (made one at a time: a pure equilibrium
    /// of a large tree is kept as one choice per decision node).
    fn profile(&self, tree: &Tree, k: usize) -> Behavior {
        match self {
            Answer::Pure(e) => subgame_perfect::behavior(tree, &e[k]),
            Answer::Mixed(b) => b.clone(),
        }
    }

    fn method(&self, n: usize) -> String {
        match self {
            Answer::Pure(_) => format!(
                "subgame-perfect {} in pure strategies, by backward induction",
                if n == 1 { "equilibrium" } else { "equilibria" }
            ),
            Answer::Mixed(_) => "Nash equilibrium, by Lemke's algorithm on the sequence form".into(),
        }
    }
}

/// Why a player lacks perfect recall, in words.
fn recall(tree: &Tree, failure: &ImperfectRecall) -> String {
    let infoset = &tree.infosets[failure.infoset];
    let player = match infoset.mover {
        Mover::Player(p) => p,
        Mover::Chance => 0,
    };
    format!(
        "player {} ({}) does not recall at its information set {}{}: two of its nodes follow different moves of \
         its own, or one follows the other",
        player + 1,
        crate::term::escape(&tree.players[player]),
        infoset.number,
        if infoset.name.is_empty() { String::new() } else { format!(" ({})", crate::term::escape(&infoset.name)) },
    )
}

pub fn solve(path: &Path, tree: &Tree, one: bool, format: SolveFormat) -> Result<u8, String> {
    let shown = path.display();
    match tree.check_arithmetic() {
        Ok(()) => {}
        Err(TooLarge::Payoffs { nodes, players }) => {
            return Err(format!(
                "{shown}: {nodes} nodes of {}: the solvers keep a payoff per player at every node, more than the \
                 {MAX_NODE_PAYOFFS} they hold",
                count(players, "player")
            ))
        }
        Err(TooLarge::Digits { node }) => {
            return Err(format!(
                "{shown}: exact arithmetic on this tree would be too long: the probabilities with which chance \
                 reaches its nodes and the payoffs of its plays pass {MAX_COMPUTED_DIGITS} digits together (by \
                 node {} of {})",
                node + 1,
                tree.nodes.len()
            ))
        }
    }
    let answer = if tree.is_perfect_information() {
        if one {
            Answer::Pure(vec![subgame_perfect::first(tree)])
        } else {
            match subgame_perfect::all(tree, subgame_perfect::MAX_LISTED) {
                Ok(all) => Answer::Pure(all),
                Err(TooMany::MoreThan(n)) => {
                    let why = if n < subgame_perfect::MAX_LISTED {
                        format!(
                            " (with {} decision nodes, at most {n} are listed: {} choices in all)",
                            subgame_perfect::decision_nodes(tree).len(),
                            subgame_perfect::MAX_CHOICES
                        )
                    } else {
                        String::new()
                    };
                    return Err(format!(
                        "{shown} has more than {n} subgame-perfect equilibria in pure strategies (ties in the \
                         payoffs multiply them), too many to list{why}; use --one for the one that breaks every \
                         tie towards the first best action"
                    ));
                }
                Err(TooMany::Work(found)) => {
                    return Err(format!(
                        "listing every subgame-perfect equilibrium of {shown} would take too long ({found} found \
                         before the limit of {} node evaluations; ties in the payoffs multiply them); use --one \
                         for the one that breaks every tie towards the first best action",
                        subgame_perfect::MAX_WORK
                    ))
                }
            }
        }
    } else {
        match sequence_form::solve(tree) {
            Ok(solution) => {
                if !one {
                    note!(
                        "note: {shown} has imperfect information: one Nash equilibrium is computed (Lemke's \
                         algorithm on the sequence form); the game may have others, and this one need not be \
                         subgame perfect"
                    );
                }
                Answer::Mixed(solution.equilibrium)
            }
            Err(Failure::Players(n)) => {
                return Err(format!(
                "{shown} is a game of imperfect information with {}: detente solves those with one or two \
                     players (through the sequence form), and games of perfect information with any number",
                count(n, "player")
            ))
            }
            Err(Failure::Recall(failure)) => {
                return Err(format!(
                    "{shown}: {}; the sequence form needs perfect recall",
                    recall(tree, &failure)
                ))
            }
            Err(Failure::TooLarge(rows)) => {
                return Err(format!(
                    "{shown}: its sequence-form LCP would have {rows} rows, more than the {} detente solves \
                     exactly",
                    sequence_form::MAX_ROWS
                ))
            }
            Err(Failure::PivotLimit(limit)) => {
                return Err(format!(
                    "{shown}: Lemke's path on the sequence form took more than {limit} pivots"
                ))
            }
            Err(Failure::Unverified) => {
                return Err(format!(
                "{shown}: Lemke's path on the sequence form ended at a profile that is not an equilibrium \
                     (a bug; please report it with the file)"
            ))
            }
        }
    };
    write_answer(tree, &answer, format)?;
    Ok(crate::SUCCESS)
}

fn write_answer(tree: &Tree, answer: &Answer, format: SolveFormat) -> Result<(), String> {
    let json = crate::solve::Equilibria { count: answer.len(), profile: |k| profile_text(tree, answer, k) };
    crate::solve::write_solution(format, &json, |out| text_report(out, tree, answer))
}

/// Profile `k` as the JSON form nests it: for each player, for each of its information
/// sets in the order they first appear, the probability of each action, as exact
/// rational strings.
fn profile_text(tree: &Tree, answer: &Answer, k: usize) -> Vec<Vec<Vec<String>>> {
    answer
        .profile(tree, k)
        .iter()
        .map(|own| own.iter().map(|mix| mix.iter().map(to_text).collect()).collect())
        .collect()
}

fn text_report(out: &mut impl Write, tree: &Tree, answer: &Answer) -> std::io::Result<()> {
    let n = answer.len();
    let counted = if n == 1 { "1".to_string() } else { n.to_string() };
    writeln!(out, "{}: {counted} {}", tree.title, answer.method(n))?;
    let infosets = tree.player_infosets();
    for k in 0..n {
        writeln!(out, "\nequilibrium {}", k + 1)?;
        let profile = answer.profile(tree, k);
        let payoffs = tree.expected_payoffs(&profile);
        let reach = tree.infoset_reach(&profile);
        for (player, own) in profile.iter().enumerate() {
            writeln!(out, "  {}  (payoff {})", tree.players[player], to_text(&payoffs[player]))?;
            for (place, mix) in own.iter().enumerate() {
                let infoset = &tree.infosets[infosets[player][place]];
                let parts: Vec<String> = mix
                    .iter()
                    .zip(&infoset.actions)
                    .filter(|(p, _)| !p.is_zero())
                    .map(|(p, a)| format!("{a}: {}", to_text(p)))
                    .collect();
                let name =
                    if infoset.name.is_empty() { String::new() } else { format!(" \"{}\"", infoset.name) };
                let unreached = if reach[player][place].is_zero() { "  (not reached)" } else { "" };
                writeln!(
                    out,
                    "    information set {}{name}: {}{unreached}",
                    infoset.number,
                    parts.join(", ")
                )?;
            }
        }
    }
    Ok(())
}
