//! `detente solve GAME.nfg`: Nash equilibria of a strategic-form game in Gambit's
//! format, exactly.

use std::path::Path;

use detente_game::game::to_text;
use detente_game::{bimatrix, nfg, pure, Game, Profile};

// `--one` on a two-player game follows the Lemke-Howson path (verified exactly); `--all`
// enumerates supports.

use crate::term::write_stdout;
use crate::INVALID;

/// Output formats of `solve`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SolveFormat {
    /// Each equilibrium with its payoffs.
    Text,
    /// `{"equilibria": [PROFILE, ...]}`, probabilities as exact rational strings.
    Json,
}

pub fn solve(path: &Path, one: bool, format: SolveFormat) -> Result<u8, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let game = match nfg::read(&text) {
        Ok(game) => game,
        Err(e) => {
            note!("{}:{}:{}: error: {}\n  help: {}", path.display(), e.line, e.column, e.message, e.help);
            return Ok(INVALID);
        }
    };
    let mut equilibria: Vec<Profile> = if game.players.len() == 2 && one {
        match detente_game::lemke_howson::one(&game) {
            Some((e, _)) => vec![e],
            None => {
                return Err(format!(
                    "{}: no Lemke-Howson path ended at a verifiable equilibrium (a degenerate game), and \
                     the game is too large to enumerate exactly",
                    path.display()
                ))
            }
        }
    } else if game.players.len() == 2 {
        if !bimatrix::affordable(&game) {
            return Err(format!(
                "{}: enumerating all equilibria means {:.3e} pairs of supports, too many to finish; \
                 use --one for one equilibrium",
                path.display(),
                bimatrix::support_pairs(&game)
            ));
        }
        let solution = bimatrix::enumerate(&game);
        if solution.degenerate {
            note!(
                "warning: {} is degenerate: it may have continua of equilibria, of which only the \
                 equilibria found by support enumeration are listed",
                path.display()
            );
        }
        solution.equilibria
    } else if game.shape() == [2, 2, 2] {
        let solution = detente_game::three_player::equilibria(&game);
        if solution.degenerate {
            note!(
                "warning: {} is degenerate: continua of equilibria may exist and are not listed",
                path.display()
            );
        }
        for p in &solution.irrational {
            note!(
                "note: an equilibrium at irrational probabilities is not listed exactly: first strategies with \
                 probabilities {:.6}, {:.6}, {:.6}",
                p[0], p[1], p[2]
            );
        }
        solution.equilibria
    } else {
        note!(
            "note: {} has {} players: only its pure-strategy equilibria are computed",
            path.display(),
            game.players.len()
        );
        pure::equilibria(&game).iter().map(|e| pure::as_profile(&game, e)).collect()
    };
    if one {
        equilibria.truncate(1);
    }
    let text = match format {
        SolveFormat::Json => json(&equilibria)?,
        SolveFormat::Text => text_report(&game, &equilibria),
    };
    write_stdout(&text, format == SolveFormat::Json)?;
    Ok(0)
}

fn json(equilibria: &[Profile]) -> Result<String, String> {
    let profiles: Vec<Vec<Vec<String>>> =
        equilibria.iter().map(|e| e.iter().map(|mix| mix.iter().map(to_text).collect()).collect()).collect();
    let value = serde_json::json!({ "equilibria": profiles });
    Ok(serde_json::to_string_pretty(&value).map_err(|e| e.to_string())? + "\n")
}

fn text_report(game: &Game, equilibria: &[Profile]) -> String {
    let count = match equilibria.len() {
        1 => "1 equilibrium".to_string(),
        n => format!("{n} equilibria"),
    };
    let mut out = format!("{}: {count}\n", game.title);
    for (n, e) in equilibria.iter().enumerate() {
        out.push_str(&format!("\nequilibrium {}\n", n + 1));
        for (player, mix) in e.iter().enumerate() {
            let parts: Vec<String> = mix
                .iter()
                .zip(&game.strategies[player])
                .filter(|(p, _)| **p != num_traits::Zero::zero())
                .map(|(p, s)| format!("{s}: {}", to_text(p)))
                .collect();
            let payoff = to_text(&game.expected(e, player, None));
            out.push_str(&format!("  {}: {}  (payoff {payoff})\n", game.players[player], parts.join(", ")));
        }
    }
    out
}
