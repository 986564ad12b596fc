//! Solving a game file: which solver runs on which game, and the answer in the two forms
//! people read (a text report) and programs read (`{"equilibria": [...]}`).
//!
//! This is the one home of that dispatch. `detente solve`, the library's `solve` and
//! its JSON layer all come here, so a game gets the same equilibria, notes and refusals
//! whichever front end asks.
//!
//! A text that starts with `EFG` is an extensive-form game, one that starts with `NFG`
//! a strategic-form game; otherwise the caller's hint (a file's extension) decides which
//! reader explains what is wrong.
//!
//! **Strategic form.** Two players: every extreme equilibrium by vertex enumeration
//! (`one`: one equilibrium by Lemke-Howson). Three players with two strategies each:
//! every isolated equilibrium. One player: its best strategies. Any other game: its
//! pure-strategy equilibria, with a note saying so.
//!
//! **Extensive form.** Perfect information: its subgame-perfect equilibria in pure
//! strategies by backward induction (every one up to [`subgame_perfect::MAX_LISTED`];
//! `one`: the one that breaks every tie towards the first best action). Otherwise, one
//! or two players with perfect recall: one Nash equilibrium by Lemke's algorithm on the
//! sequence form. Other games are refused with the reason.
//!
//! A game with millions of pure equilibria is not held as mixed profiles: each profile
//! is made when it is written ([`Solution::equilibria`]).

use std::io::Write;

use num_traits::Zero;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use crate::extensive::{
    Behavior, ImperfectRecall, Mover, TooLarge, Tree, MAX_COMPUTED_DIGITS, MAX_NODE_PAYOFFS,
};
use crate::game::to_text;
use crate::nfg::{count, NfgError};
use crate::sequence_form::{self, Failure};
use crate::subgame_perfect::{self, Choices, TooMany};
use crate::{bimatrix, efg, nfg, pure, Game, Profile, Q};

/// The two formats of Gambit's game files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum GameFormat {
    /// Strategic form (`.nfg`).
    Nfg,
    /// Extensive form (`.efg`).
    Efg,
}

impl GameFormat {
    /// The format of a text by its first word (`EFG` or `NFG`), else `hint` (a file's
    /// extension), else strategic form.
    ///
    /// ```
    /// use detente_game::solve::GameFormat;
    /// assert_eq!(GameFormat::of(b"  EFG 2 R \"t\" { \"a\" }", None), GameFormat::Efg);
    /// assert_eq!(GameFormat::of(b"garbage", Some(GameFormat::Efg)), GameFormat::Efg);
    /// assert_eq!(GameFormat::of(b"garbage", None), GameFormat::Nfg);
    /// ```
    pub fn of(start: &[u8], hint: Option<GameFormat>) -> GameFormat {
        let start = start.trim_ascii_start();
        if start.starts_with(b"EFG") {
            GameFormat::Efg
        } else if start.starts_with(b"NFG") {
            GameFormat::Nfg
        } else {
            hint.unwrap_or(GameFormat::Nfg)
        }
    }

    /// The format a file's extension names (`efg`, case-insensitive; anything else is
    /// strategic form).
    pub fn from_extension(extension: Option<&str>) -> GameFormat {
        match extension {
            Some(e) if e.eq_ignore_ascii_case("efg") => GameFormat::Efg,
            _ => GameFormat::Nfg,
        }
    }

    /// The extension, as messages name the format (`nfg`, `efg`).
    pub fn extension(self) -> &'static str {
        match self {
            GameFormat::Nfg => "nfg",
            GameFormat::Efg => "efg",
        }
    }
}

/// A remark on a solution that the reader should see beside it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct SolveNote {
    /// `warning` (the list may not be all the game's equilibria) or `note`.
    pub level: NoteLevel,
    /// What to know, in words.
    pub message: String,
}

/// How much a [`SolveNote`] matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum NoteLevel {
    /// The equilibria listed are not all the game has.
    Warning,
    /// Context for reading the answer.
    Note,
}

/// Why a game was not solved.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SolveError {
    /// The text is not a game in its format (located).
    #[error("{}:{}: {} (help: {})", .0.line, .0.column, .0.message, .0.help)]
    Unreadable(NfgError),
    /// A degenerate two-player game on which Lemke-Howson ended nowhere verifiable.
    #[error(
        "no Lemke-Howson path ended at a verifiable equilibrium (a degenerate game), and the game is too large \
         to enumerate exactly"
    )]
    NoLemkeHowsonEquilibrium,
    /// Enumerating every extreme equilibrium would not finish.
    #[error(
        "enumerating every extreme equilibrium may take {work:.3e} steps (a bound from the size of its \
         best-response polytopes and the length of its payoffs), too many to finish; use --one for one \
         equilibrium"
    )]
    TooMuchEnumeration {
        /// The bound on the work.
        work: f64,
    },
    /// The tree is too large for exact arithmetic.
    #[error("{0}")]
    TreeTooLarge(String),
    /// A game of perfect information with too many subgame-perfect equilibria to list.
    #[error("{0}; use --one for the one that breaks every tie towards the first best action")]
    TooManyEquilibria(String),
    /// An imperfect-information game with more than two players.
    #[error(
        "a game of imperfect information with {}: detente solves those with one or two players (through the \
         sequence form), and games of perfect information with any number",
        count(*.players, "player")
    )]
    TooManyPlayers {
        /// How many players.
        players: usize,
    },
    /// A player without perfect recall.
    #[error("{0}; the sequence form needs perfect recall")]
    ImperfectRecall(String),
    /// The sequence form's problem is too large to solve exactly.
    #[error(
        "its sequence-form LCP would have {rows} rows, more than the {} detente solves exactly",
        sequence_form::MAX_ROWS
    )]
    SequenceFormTooLarge {
        /// Rows of the LCP.
        rows: usize,
    },
    /// Lemke's path did not end within its pivot limit.
    #[error("Lemke's path on the sequence form took more than {limit} pivots")]
    PivotLimit {
        /// The limit.
        limit: usize,
    },
    /// Lemke's path ended at a profile that is not an equilibrium: a bug.
    #[error(
        "Lemke's path on the sequence form ended at a profile that is not an equilibrium (a bug; please report \
         it with the file)"
    )]
    Unverified,
}

/// What to compute.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SolveOptions {
    /// One equilibrium only (Lemke-Howson on two-player strategic games; the first
    /// subgame-perfect one on perfect-information trees).
    pub one: bool,
}

/// A solved game: its equilibria and the notes that go with them.
#[derive(Clone, Debug)]
pub struct Solution {
    answer: Answer,
    /// Remarks to show beside the answer.
    pub notes: Vec<SolveNote>,
}

#[derive(Clone, Debug)]
enum Answer {
    /// A strategic-form game's equilibria as mixed profiles.
    Mixed(Game, Vec<Profile>),
    /// A strategic-form game's pure equilibria, one strategy per player.
    Pure(Game, Vec<Vec<usize>>),
    /// Subgame-perfect equilibria in pure strategies of a tree.
    TreePure(Tree, Vec<Choices>),
    /// One equilibrium of a tree from the sequence form.
    TreeMixed(Tree, Behavior),
}

/// Reads and solves a game's text.
///
/// ```
/// use detente_game::solve::{solve, SolveOptions};
/// let text = "NFG 1 R \"matching pennies\" { \"1\" \"2\" } { 2 2 }\n1 -1 -1 1 -1 1 1 -1\n";
/// let solution = solve(text, None, SolveOptions::default())?;
/// assert_eq!(solution.len(), 1);
/// assert_eq!(solution.payoffs(0), ["0", "0"]);
/// # Ok::<(), detente_game::solve::SolveError>(())
/// ```
pub fn solve(text: &str, hint: Option<GameFormat>, options: SolveOptions) -> Result<Solution, SolveError> {
    let format = GameFormat::of(&text.as_bytes()[..text.len().min(64)], hint);
    if text.len() > nfg::MAX_INPUT {
        return Err(SolveError::Unreadable(NfgError::too_long_in(text.len(), format.extension())));
    }
    match format {
        GameFormat::Efg => solve_tree(efg::read(text).map_err(SolveError::Unreadable)?, options),
        GameFormat::Nfg => solve_strategic(nfg::read(text).map_err(SolveError::Unreadable)?, options),
    }
}

fn solve_strategic(game: Game, options: SolveOptions) -> Result<Solution, SolveError> {
    let players = game.players.len();
    let mut notes = Vec::new();
    let mut answer = if players == 2 && options.one {
        match crate::lemke_howson::one(&game) {
            Some((e, _)) => Answer::Mixed(game, vec![e]),
            None => return Err(SolveError::NoLemkeHowsonEquilibrium),
        }
    } else if players == 2 {
        if !bimatrix::affordable(&game) {
            return Err(SolveError::TooMuchEnumeration { work: bimatrix::enumeration_work(&game) });
        }
        let solution = bimatrix::enumerate(&game);
        if solution.degenerate {
            notes.push(warning(
                "the game is degenerate: the equilibria listed are its extreme equilibria (as Gambit's enummixed \
                 lists them); it may also have continua of equilibria, each made of convex combinations of listed \
                 ones",
            ));
        }
        Answer::Mixed(game, solution.equilibria)
    } else if game.shape() == [2, 2, 2] {
        let solution = crate::three_player::equilibria(&game);
        if solution.degenerate {
            notes.push(warning(
                "the game is degenerate: it has continua of equilibria, which are not listed (its isolated \
                 equilibria are)",
            ));
        }
        for p in &solution.irrational {
            notes.push(note(format!(
                "an equilibrium at irrational probabilities is not listed exactly: first strategies with \
                 probabilities {:.6}, {:.6}, {:.6}",
                p[0], p[1], p[2]
            )));
        }
        Answer::Mixed(game, solution.equilibria)
    } else {
        let found = pure::equilibria(&game);
        if players == 1 {
            if found.len() > 1 && !options.one {
                notes.push(note(format!(
                    "the game has 1 player: every mixture of its {} best strategies is an equilibrium too",
                    found.len()
                )));
            }
        } else {
            notes.push(note(format!(
                "the game has {}: only its pure-strategy equilibria are computed (mixed ones are, for two players, \
                 and for three players with two strategies each)",
                count(players, "player")
            )));
        }
        Answer::Pure(game, found)
    };
    if options.one {
        answer.truncate(1);
    }
    Ok(Solution { answer, notes })
}

fn solve_tree(tree: Tree, options: SolveOptions) -> Result<Solution, SolveError> {
    check_arithmetic(&tree)?;
    let mut notes = Vec::new();
    let answer = if tree.is_perfect_information() {
        let found = if options.one {
            vec![subgame_perfect::first(&tree)]
        } else {
            subgame_perfect::all(&tree, subgame_perfect::MAX_LISTED).map_err(|e| too_many(&tree, e))?
        };
        Answer::TreePure(tree, found)
    } else {
        let solution = sequence_form::solve(&tree).map_err(|e| unsolved(&tree, e))?;
        if !options.one {
            notes.push(note(
                "the game has imperfect information: one Nash equilibrium is computed (Lemke's algorithm on the \
                 sequence form); the game may have others, and this one need not be subgame perfect",
            ));
        }
        Answer::TreeMixed(tree, solution.equilibrium)
    };
    Ok(Solution { answer, notes })
}

fn check_arithmetic(tree: &Tree) -> Result<(), SolveError> {
    tree.check_arithmetic().map_err(|e| {
        SolveError::TreeTooLarge(match e {
            TooLarge::Payoffs { nodes, players } => format!(
                "{nodes} nodes of {}: the solvers keep a payoff per player at every node, more than the \
                 {MAX_NODE_PAYOFFS} they hold",
                count(players, "player")
            ),
            TooLarge::Digits { node } => format!(
                "exact arithmetic on this tree would be too long: the probabilities with which chance reaches its \
                 nodes and the payoffs of its plays pass {MAX_COMPUTED_DIGITS} digits together (by node {} of {})",
                node + 1,
                tree.nodes.len()
            ),
        })
    })
}

fn too_many(tree: &Tree, e: TooMany) -> SolveError {
    SolveError::TooManyEquilibria(match e {
        TooMany::MoreThan(n) => {
            let why = if n < subgame_perfect::MAX_LISTED {
                format!(
                    " (with {} decision nodes, at most {n} are listed: {} choices in all)",
                    subgame_perfect::decision_nodes(tree).len(),
                    subgame_perfect::MAX_CHOICES
                )
            } else {
                String::new()
            };
            format!(
                "the game has more than {n} subgame-perfect equilibria in pure strategies (ties in the payoffs \
                 multiply them), too many to list{why}"
            )
        }
        TooMany::Work(found) => format!(
            "listing every subgame-perfect equilibrium would take too long ({found} found before the limit of {} \
             node evaluations; ties in the payoffs multiply them)",
            subgame_perfect::MAX_WORK
        ),
    })
}

fn unsolved(tree: &Tree, e: Failure) -> SolveError {
    match e {
        Failure::Players(players) => SolveError::TooManyPlayers { players },
        Failure::Recall(failure) => SolveError::ImperfectRecall(recall(tree, &failure)),
        Failure::TooLarge(rows) => SolveError::SequenceFormTooLarge { rows },
        Failure::PivotLimit(limit) => SolveError::PivotLimit { limit },
        Failure::Unverified => SolveError::Unverified,
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
        tree.players[player],
        infoset.number,
        if infoset.name.is_empty() { String::new() } else { format!(" ({})", infoset.name) },
    )
}

fn warning(message: impl Into<String>) -> SolveNote {
    SolveNote { level: NoteLevel::Warning, message: message.into() }
}

fn note(message: impl Into<String>) -> SolveNote {
    SolveNote { level: NoteLevel::Note, message: message.into() }
}

impl Answer {
    fn len(&self) -> usize {
        match self {
            Answer::Mixed(_, e) => e.len(),
            Answer::Pure(_, e) => e.len(),
            Answer::TreePure(_, e) => e.len(),
            Answer::TreeMixed(..) => 1,
        }
    }

    fn truncate(&mut self, n: usize) {
        match self {
            Answer::Mixed(_, e) => e.truncate(n),
            Answer::Pure(_, e) => e.truncate(n),
            Answer::TreePure(_, e) => e.truncate(n),
            Answer::TreeMixed(..) => {}
        }
    }
}

impl Solution {
    /// How many equilibria.
    pub fn len(&self) -> usize {
        self.answer.len()
    }

    /// Whether there are none (a strategic game always has one; listing pure ones may
    /// find none).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The game's title.
    pub fn title(&self) -> &str {
        match &self.answer {
            Answer::Mixed(g, _) | Answer::Pure(g, _) => &g.title,
            Answer::TreePure(t, _) | Answer::TreeMixed(t, _) => &t.title,
        }
    }

    /// The players' names.
    pub fn players(&self) -> &[String] {
        match &self.answer {
            Answer::Mixed(g, _) | Answer::Pure(g, _) => &g.players,
            Answer::TreePure(t, _) | Answer::TreeMixed(t, _) => &t.players,
        }
    }

    /// The form of the game solved.
    pub fn format(&self) -> GameFormat {
        match &self.answer {
            Answer::Mixed(..) | Answer::Pure(..) => GameFormat::Nfg,
            Answer::TreePure(..) | Answer::TreeMixed(..) => GameFormat::Efg,
        }
    }

    /// How the equilibria were found, in words.
    pub fn method(&self) -> String {
        let plural = self.len() != 1;
        match &self.answer {
            Answer::Mixed(g, _) if g.players.len() == 2 => {
                "Nash equilibria of a two-player game, exactly".into()
            }
            Answer::Mixed(..) => {
                "Nash equilibria of a three-player game with two strategies each, exactly".into()
            }
            Answer::Pure(g, _) if g.players.len() == 1 => "the player's best strategies".into(),
            Answer::Pure(..) => "pure-strategy Nash equilibria".into(),
            Answer::TreePure(..) => format!(
                "subgame-perfect {} in pure strategies, by backward induction",
                if plural { "equilibria" } else { "equilibrium" }
            ),
            Answer::TreeMixed(..) => "Nash equilibrium, by Lemke's algorithm on the sequence form".into(),
        }
    }

    /// Each player's expected payoff in equilibrium `k`, as exact rational strings.
    pub fn payoffs(&self, k: usize) -> Vec<String> {
        self.payoff_values(k).iter().map(to_text).collect()
    }

    fn payoff_values(&self, k: usize) -> Vec<Q> {
        match &self.answer {
            Answer::Mixed(g, e) => (0..g.players.len()).map(|p| g.expected(&e[k], p, None)).collect(),
            Answer::Pure(g, e) => (0..g.players.len()).map(|p| g.payoff(&e[k], p).clone()).collect(),
            Answer::TreePure(t, _) | Answer::TreeMixed(t, _) => t.expected_payoffs(&self.behavior(t, k)),
        }
    }

    fn behavior(&self, tree: &Tree, k: usize) -> Behavior {
        match &self.answer {
            Answer::TreePure(_, e) => subgame_perfect::behavior(tree, &e[k]),
            Answer::TreeMixed(_, b) => b.clone(),
            _ => Vec::new(),
        }
    }

    /// Equilibrium `k` as exact rational strings: for a strategic game, each player's
    /// probability of each strategy; for a tree, each player's probability of each
    /// action at each of its information sets (in the order they first appear).
    pub fn profile(&self, k: usize) -> EquilibriumProfile {
        let text = |mix: &[Q]| mix.iter().map(to_text).collect::<Vec<_>>();
        match &self.answer {
            Answer::Mixed(_, e) => EquilibriumProfile::Strategic(e[k].iter().map(|m| text(m)).collect()),
            Answer::Pure(g, e) => EquilibriumProfile::Strategic(
                e[k].iter()
                    .zip(g.shape())
                    .map(|(&s, n)| (0..n).map(|t| if t == s { "1" } else { "0" }.to_string()).collect())
                    .collect(),
            ),
            Answer::TreePure(t, _) | Answer::TreeMixed(t, _) => EquilibriumProfile::Extensive(
                self.behavior(t, k).iter().map(|own| own.iter().map(|m| text(m)).collect()).collect(),
            ),
        }
    }

    /// `{"equilibria": [PROFILE, ...]}` (the form `detente solve --format json` writes
    /// and pygambit's profiles compare to), each profile made as it is written.
    pub fn equilibria(&self) -> impl Serialize + '_ {
        Equilibria { count: self.len(), profile: |k| self.profile(k) }
    }

    /// The text report: a heading with the count and method, then each equilibrium's
    /// support and payoffs.
    pub fn write_text(&self, out: &mut impl Write) -> std::io::Result<()> {
        match &self.answer {
            Answer::Mixed(g, _) | Answer::Pure(g, _) => self.write_strategic(out, g),
            Answer::TreePure(t, _) | Answer::TreeMixed(t, _) => self.write_tree(out, t),
        }
    }

    fn write_strategic(&self, out: &mut impl Write, game: &Game) -> std::io::Result<()> {
        let count = match self.len() {
            1 => "1 equilibrium".to_string(),
            n => format!("{n} equilibria"),
        };
        writeln!(out, "{}: {count}", game.title)?;
        for k in 0..self.len() {
            writeln!(out, "\nequilibrium {}", k + 1)?;
            let payoffs = self.payoff_values(k);
            let profile = match &self.answer {
                Answer::Mixed(_, e) => e[k].clone(),
                Answer::Pure(_, e) => pure::as_profile(game, &e[k]),
                _ => Vec::new(),
            };
            for (player, mix) in profile.iter().enumerate() {
                let parts: Vec<String> = mix
                    .iter()
                    .zip(&game.strategies[player])
                    .filter(|(p, _)| !p.is_zero())
                    .map(|(p, s)| format!("{s}: {}", to_text(p)))
                    .collect();
                writeln!(
                    out,
                    "  {}: {}  (payoff {})",
                    game.players[player],
                    parts.join(", "),
                    to_text(&payoffs[player])
                )?;
            }
        }
        Ok(())
    }

    fn write_tree(&self, out: &mut impl Write, tree: &Tree) -> std::io::Result<()> {
        writeln!(out, "{}: {} {}", tree.title, self.len(), self.method())?;
        let infosets = tree.player_infosets();
        for k in 0..self.len() {
            writeln!(out, "\nequilibrium {}", k + 1)?;
            let profile = self.behavior(tree, k);
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
                    let name = if infoset.name.is_empty() {
                        String::new()
                    } else {
                        format!(" \"{}\"", infoset.name)
                    };
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
}

/// One equilibrium's probabilities as exact rational strings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum EquilibriumProfile {
    /// For each player, the probability of each strategy.
    Strategic(Vec<Vec<String>>),
    /// For each player, for each of its information sets, the probability of each
    /// action.
    Extensive(Vec<Vec<Vec<String>>>),
}

/// `{"equilibria": [PROFILE, ...]}`, the `count` profiles made one at a time by
/// `profile(k)` while they are written, so a game with a million equilibria never holds
/// them all as text.
struct Equilibria<F> {
    count: usize,
    profile: F,
}

struct Profiles<'a, F>(&'a Equilibria<F>);

impl<F: Fn(usize) -> P, P: Serialize> Serialize for Equilibria<F> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry("equilibria", &Profiles(self))?;
        map.end()
    }
}

impl<F: Fn(usize) -> P, P: Serialize> Serialize for Profiles<'_, F> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.count))?;
        for k in 0..self.0.count {
            seq.serialize_element(&(self.0.profile)(k))?;
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PENNIES: &str = "NFG 1 R \"pennies\" { \"1\" \"2\" } { 2 2 }\n1 -1 -1 1 -1 1 1 -1\n";

    #[test]
    fn matching_pennies_has_one_mixed_equilibrium_at_one_half() {
        let solution = solve(PENNIES, None, SolveOptions::default()).unwrap();
        assert_eq!(solution.len(), 1);
        assert_eq!(
            solution.profile(0),
            EquilibriumProfile::Strategic(vec![vec!["1/2".into(), "1/2".into()]; 2])
        );
        let json = serde_json::to_string(&solution.equilibria()).unwrap();
        assert_eq!(json, r#"{"equilibria":[[["1/2","1/2"],["1/2","1/2"]]]}"#);
    }

    #[test]
    fn the_first_word_decides_the_format_before_the_hint() {
        let solution = solve(PENNIES, Some(GameFormat::Efg), SolveOptions::default()).unwrap();
        assert_eq!(solution.format(), GameFormat::Nfg);
        let refused = solve("not a game", Some(GameFormat::Efg), SolveOptions::default()).unwrap_err();
        let SolveError::Unreadable(e) = refused else { panic!("{refused:?}") };
        assert!(e.help.contains("efg") || e.message.contains("EFG"), "{e:?}");
    }

    #[test]
    fn an_entry_game_has_its_subgame_perfect_equilibrium_by_backward_induction() {
        let text = "EFG 2 R \"entry\" { \"E\" \"I\" }\n\
                    p \"\" 1 1 \"\" { \"out\" \"in\" } 0\n\
                    t \"\" 1 \"\" { 0, 2 }\n\
                    p \"\" 2 1 \"\" { \"fight\" \"share\" } 0\n\
                    t \"\" 2 \"\" { -1, -1 }\n\
                    t \"\" 3 \"\" { 1, 1 }\n";
        let solution = solve(text, None, SolveOptions::default()).unwrap();
        assert_eq!(solution.len(), 1);
        assert_eq!(solution.payoffs(0), ["1", "1"]);
        let mut report = Vec::new();
        solution.write_text(&mut report).unwrap();
        let report = String::from_utf8(report).unwrap();
        assert!(report.starts_with("entry: 1 subgame-perfect equilibrium"), "{report}");
    }

    #[test]
    fn three_players_with_three_strategies_get_pure_equilibria_and_a_note_saying_so() {
        let mut text = String::from("NFG 1 R \"coordination\" { \"a\" \"b\" \"c\" } { 3 3 3 }\n");
        for k in 0..27 {
            let (i, j, l) = (k % 3, (k / 3) % 3, k / 9);
            let v = u8::from(i == j && j == l);
            text.push_str(&format!("{v} {v} {v} "));
        }
        let solution = solve(&text, None, SolveOptions::default()).unwrap();
        assert!(solution.len() >= 3);
        assert_eq!(solution.notes.len(), 1);
        assert!(solution.notes[0].message.contains("only its pure-strategy equilibria"));
    }
}
