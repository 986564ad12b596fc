//! `detente solve GAME`: Nash equilibria of a game in Gambit's formats, exactly. A
//! file that starts with `EFG` is an extensive-form game (solve_efg.rs), one that
//! starts with `NFG` a strategic-form game; otherwise the extension decides which
//! reader explains what is wrong.
//!
//! Which solver runs on a strategic-form game depends on the game: two players, every extreme equilibrium by
//! vertex enumeration (`--one`: one equilibrium by Lemke-Howson); three players with two
//! strategies each, every equilibrium; one player, its best strategies; any other game,
//! its pure-strategy equilibria. The answer is written as it is formatted (a game with
//! millions of pure equilibria is not held in memory as mixed profiles).

use std::io::{Read, Write};
use std::path::Path;

use detente_game::efg;
use detente_game::game::to_text;
use detente_game::nfg::{self, NfgError};
use detente_game::{bimatrix, pure, Game, Profile, Q};
use num_traits::Zero;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use crate::INVALID;

/// Output formats of `solve`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SolveFormat {
    /// Each equilibrium with its payoffs.
    Text,
    /// `{"equilibria": [PROFILE, ...]}`, probabilities as exact rational strings.
    Json,
}

/// The equilibria: mixed profiles, or pure ones kept as one strategy per player.
enum Answer {
    Mixed(Vec<Profile>),
    Pure(Vec<Vec<usize>>),
}

impl Answer {
    fn len(&self) -> usize {
        match self {
            Answer::Mixed(e) => e.len(),
            Answer::Pure(e) => e.len(),
        }
    }

    fn truncate(&mut self, n: usize) {
        match self {
            Answer::Mixed(e) => e.truncate(n),
            Answer::Pure(e) => e.truncate(n),
        }
    }

    /// Equilibrium `k`: each player's probability of each strategy, and payoff.
    fn profile(&self, game: &Game, k: usize) -> (Vec<Vec<Q>>, Vec<Q>) {
        match self {
            Answer::Mixed(e) => {
                let payoffs = (0..e[k].len()).map(|p| game.expected(&e[k], p, None)).collect();
                (e[k].clone(), payoffs)
            }
            Answer::Pure(e) => {
                let pure = &e[k];
                let payoffs = (0..pure.len()).map(|p| game.payoff(pure, p).clone()).collect();
                (pure::as_profile(game, pure), payoffs)
            }
        }
    }
}

/// The format of a game file: `"efg"` if it starts with `EFG`, `"nfg"` if with `NFG`,
/// otherwise as its extension says (`.efg`, or `.nfg` for any other).
fn format_of(path: &Path, start: &[u8]) -> &'static str {
    let start = start.trim_ascii_start();
    if start.starts_with(b"EFG") {
        "efg"
    } else if start.starts_with(b"NFG") {
        "nfg"
    } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("efg")) {
        "efg"
    } else {
        "nfg"
    }
}

/// Reads the file, refusing what the readers would: more than [`nfg::MAX_INPUT`] bytes
/// (without reading them all), or text that is not UTF-8. The text and its format.
fn read_text(path: &Path) -> Result<(Result<String, NfgError>, &'static str), String> {
    let cannot = |e: std::io::Error| format!("cannot read {}: {e}", path.display());
    let file = std::fs::File::open(path).map_err(cannot)?;
    let limit = nfg::MAX_INPUT as u64;
    let by_name = format_of(path, b"");
    if let Ok(meta) = file.metadata() {
        if meta.is_file() && meta.len() > limit {
            return Ok((Err(NfgError::too_long_in(meta.len() as usize, by_name)), by_name));
        }
    }
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes).map_err(cannot)?;
    if bytes.len() as u64 > limit {
        return Ok((Err(NfgError::too_long_in(bytes.len(), by_name)), by_name));
    }
    let format = format_of(path, &bytes[..bytes.len().min(64)]);
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        NfgError::not_utf8_in(e.as_bytes(), valid, format)
    });
    Ok((text, format))
}

fn invalid(path: &Path, e: &NfgError) -> u8 {
    note!("{}:{}:{}: error: {}\n  help: {}", path.display(), e.line, e.column, e.message, e.help);
    INVALID
}

pub fn solve(path: &Path, one: bool, format: SolveFormat) -> Result<u8, String> {
    let (text, kind) = read_text(path)?;
    if kind == "efg" {
        return match text.and_then(|text| efg::read(&text)) {
            Ok(tree) => crate::solve_efg::solve(path, &tree, one, format),
            Err(e) => Ok(invalid(path, &e)),
        };
    }
    let game = match text.and_then(|text| nfg::read(&text)) {
        Ok(game) => game,
        Err(e) => return Ok(invalid(path, &e)),
    };
    let players = game.players.len();
    let mut answer = if players == 2 && one {
        match detente_game::lemke_howson::one(&game) {
            Some((e, _)) => Answer::Mixed(vec![e]),
            None => {
                return Err(format!(
                    "{}: no Lemke-Howson path ended at a verifiable equilibrium (a degenerate game), and \
                     the game is too large to enumerate exactly",
                    path.display()
                ))
            }
        }
    } else if players == 2 {
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
            note!(
                "warning: {} is degenerate: the equilibria listed are its extreme equilibria (as Gambit's \
                 enummixed lists them); it may also have continua of equilibria, each made of convex \
                 combinations of listed ones",
                path.display()
            );
        }
        Answer::Mixed(solution.equilibria)
    } else if game.shape() == [2, 2, 2] {
        let solution = detente_game::three_player::equilibria(&game);
        if solution.degenerate {
            note!(
                "warning: {} is degenerate: it has continua of equilibria, which are not listed (its \
                 isolated equilibria are)",
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
        Answer::Mixed(solution.equilibria)
    } else {
        let found = pure::equilibria(&game);
        if players == 1 {
            if found.len() > 1 && !one {
                note!(
                    "note: {} has 1 player: every mixture of its {} best strategies is an equilibrium too",
                    path.display(),
                    found.len()
                );
            }
        } else {
            note!(
                "note: {} has {}: only its pure-strategy equilibria are computed (mixed ones are, for two \
                 players, and for three players with two strategies each)",
                path.display(),
                nfg::count(players, "player")
            );
        }
        Answer::Pure(found)
    };
    if one {
        answer.truncate(1);
    }
    write_answer(&game, &answer, format)?;
    Ok(crate::SUCCESS)
}

fn write_answer(game: &Game, answer: &Answer, format: SolveFormat) -> Result<(), String> {
    let json = Equilibria { count: answer.len(), profile: |k| profile_text(game, answer, k) };
    write_solution(format, &json, |out| text_report(out, game, answer))
}

/// Writes a solution to standard output: `json` pretty-printed, or the text report
/// `text` writes (escaped for the terminal). A closed pipe (`detente solve ... | head`)
/// is not an error worth reporting. Shared by `.nfg` and `.efg`.
pub(crate) fn write_solution(
    format: SolveFormat,
    json: &impl Serialize,
    text: impl FnOnce(
        &mut crate::term::Escaping<&mut std::io::BufWriter<std::io::StdoutLock<'_>>>,
    ) -> std::io::Result<()>,
) -> Result<(), String> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = match format {
        SolveFormat::Json => serde_json::to_writer_pretty(&mut out, json)
            .map_err(|e| e.io_error_kind().map_or_else(|| std::io::Error::other(e.to_string()), Into::into))
            .and_then(|()| writeln!(out)),
        SolveFormat::Text => text(&mut crate::term::Escaping(&mut out)),
    };
    match written.and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!("cannot write output: {e}")),
    }
}

/// `{"equilibria": [PROFILE, ...]}`, the `count` profiles made one at a time by
/// `profile(k)` while they are written, so a game with a million equilibria never holds
/// them all as text: the JSON form of every `solve`, strategic or extensive.
pub(crate) struct Equilibria<F> {
    /// How many equilibria.
    pub count: usize,
    /// Profile `k`, in the form of its game (probabilities as exact rational strings).
    pub profile: F,
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

/// Profile `k` of a strategic-form answer: for each player, the probability of each
/// strategy as an exact rational string.
fn profile_text(game: &Game, answer: &Answer, k: usize) -> Vec<Vec<String>> {
    match answer {
        Answer::Mixed(e) => e[k].iter().map(|mix| mix.iter().map(to_text).collect()).collect(),
        Answer::Pure(e) => e[k]
            .iter()
            .zip(game.shape())
            .map(|(&s, n)| (0..n).map(|t| if t == s { "1" } else { "0" }.to_string()).collect())
            .collect(),
    }
}

fn text_report(out: &mut impl Write, game: &Game, answer: &Answer) -> std::io::Result<()> {
    let count = match answer.len() {
        1 => "1 equilibrium".to_string(),
        n => format!("{n} equilibria"),
    };
    writeln!(out, "{}: {count}", game.title)?;
    for k in 0..answer.len() {
        writeln!(out, "\nequilibrium {}", k + 1)?;
        let (profile, payoffs) = answer.profile(game, k);
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
