//! `detente solve GAME.nfg`: Nash equilibria of a strategic-form game in Gambit's
//! format, exactly.

use std::io::Read;
use std::path::Path;

use detente_game::game::to_text;
use detente_game::nfg::{self, NfgError};
use detente_game::{bimatrix, pure, Game, Profile};

// `--one` on a two-player game follows the Lemke-Howson path (verified exactly); `--all`
// enumerates the vertices of the best-response polytopes.

use crate::{write_stdout, INVALID};

/// Output formats of `solve`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SolveFormat {
    /// Each equilibrium with its payoffs.
    Text,
    /// `{"equilibria": [PROFILE, ...]}`, probabilities as exact rational strings.
    Json,
}

/// Reads the file, refusing what the `.nfg` reader would: more than
/// [`nfg::MAX_INPUT`] bytes (without reading them all), or text that is not UTF-8.
fn read_text(path: &Path) -> Result<Result<String, NfgError>, String> {
    let cannot = |e: std::io::Error| format!("cannot read {}: {e}", path.display());
    let file = std::fs::File::open(path).map_err(cannot)?;
    let limit = nfg::MAX_INPUT as u64;
    if let Ok(meta) = file.metadata() {
        if meta.is_file() && meta.len() > limit {
            return Ok(Err(NfgError::too_long(meta.len() as usize)));
        }
    }
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes).map_err(cannot)?;
    if bytes.len() as u64 > limit {
        return Ok(Err(NfgError::too_long(bytes.len())));
    }
    Ok(String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        NfgError::not_utf8(e.as_bytes(), valid)
    }))
}

pub fn solve(path: &Path, one: bool, format: SolveFormat) -> Result<u8, String> {
    let game = match read_text(path)?.and_then(|text| nfg::read(&text)) {
        Ok(game) => game,
        Err(e) => {
            eprintln!("{}:{}:{}: error: {}\n  help: {}", path.display(), e.line, e.column, e.message, e.help);
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
                "{}: enumerating every extreme equilibrium may take {:.3e} steps (a bound from the \
                 size of its best-response polytopes and the length of its payoffs), too many to \
                 finish; use --one for one equilibrium",
                path.display(),
                bimatrix::enumeration_work(&game)
            ));
        }
        let solution = bimatrix::enumerate(&game);
        if solution.degenerate {
            eprintln!(
                "warning: {} is degenerate: the equilibria listed are its extreme equilibria (as Gambit's \
                 enummixed lists them); it may also have continua of equilibria, each made of convex \
                 combinations of listed ones",
                path.display()
            );
        }
        solution.equilibria
    } else if game.shape() == [2, 2, 2] {
        let solution = detente_game::three_player::equilibria(&game);
        if solution.degenerate {
            eprintln!(
                "warning: {} is degenerate: it has continua of equilibria, which are not listed (its \
                 isolated equilibria are)",
                path.display()
            );
        }
        for p in &solution.irrational {
            eprintln!(
                "note: an equilibrium at irrational probabilities is not listed exactly: first strategies with \
                 probabilities {:.6}, {:.6}, {:.6}",
                p[0], p[1], p[2]
            );
        }
        solution.equilibria
    } else {
        eprintln!(
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
    write_stdout(&text)?;
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
