//! Exact equilibria of a game in Gambit's formats (`.nfg`, `.efg`): the game crate's
//! one dispatch (which solver runs on which game, docs/game-theory.md), with its
//! refusals as the library's [`Error`].

pub use detente_game::solve::{
    EquilibriumProfile, GameFormat, NoteLevel, Solution, SolveError, SolveNote, SolveOptions,
};

use crate::Error;

/// Reads a game's text and finds its equilibria, exactly. `format` is a hint (a file's
/// extension) used only when the text does not start with `NFG` or `EFG`.
///
/// ```
/// use detente::solve::{solve, SolveOptions};
/// // The inspection game's core: an inspectee who cheats or not, an inspector who inspects or not.
/// let text = "NFG 1 R \"inspection\" { \"inspectee\" \"inspector\" } { 2 2 }\n\
///             0 0  4 -9  0 -1  -5 -2\n";
/// // The inspectee cheats with probability 1/8; the inspector inspects with 4/9.
/// let solution = solve(text, None, SolveOptions::default())?;
/// assert_eq!(solution.len(), 1);
/// let profile = serde_json::to_value(solution.profile(0)).unwrap();
/// assert_eq!(profile, serde_json::json!([["7/8", "1/8"], ["5/9", "4/9"]]));
/// assert_eq!(solution.payoffs(0), ["0", "-9/8"]);
/// # Ok::<(), detente::Error>(())
/// ```
pub fn solve(text: &str, format: Option<GameFormat>, options: SolveOptions) -> Result<Solution, Error> {
    detente_game::solve::solve(text, format, options).map_err(Error::Game)
}
