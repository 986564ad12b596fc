//! `detente solve GAME`: Nash equilibria of a game in Gambit's formats, exactly.
//!
//! Which solver runs on which game, and the answer's forms, live in the library
//! (`detente::solve`, docs/game-theory.md); this command reads the file, bounded, and
//! writes the answer to standard output and its notes to standard error.

use std::io::{Read, Write};
use std::path::Path;

use detente::solve::{GameFormat, NoteLevel, Solution, SolveError, SolveOptions};
use detente_game::nfg::{self, NfgError};

use crate::INVALID;

/// Output formats of `solve`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SolveFormat {
    /// Each equilibrium with its payoffs.
    Text,
    /// `{"equilibria": [PROFILE, ...]}`, probabilities as exact rational strings.
    Json,
}

/// Reads the file, refusing what the readers would: more than [`nfg::MAX_INPUT`] bytes
/// (without reading them all), or text that is not UTF-8.
fn read_text(path: &Path, hint: GameFormat) -> Result<Result<String, NfgError>, String> {
    let cannot = |e: std::io::Error| format!("cannot read {}: {e}", path.display());
    let file = std::fs::File::open(path).map_err(cannot)?;
    let limit = nfg::MAX_INPUT as u64;
    if let Ok(meta) = file.metadata() {
        if meta.is_file() && meta.len() > limit {
            return Ok(Err(NfgError::too_long_in(meta.len() as usize, hint.extension())));
        }
    }
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes).map_err(cannot)?;
    if bytes.len() as u64 > limit {
        return Ok(Err(NfgError::too_long_in(bytes.len(), hint.extension())));
    }
    Ok(String::from_utf8(bytes).map_err(|e| {
        let format = GameFormat::of(&e.as_bytes()[..e.as_bytes().len().min(64)], Some(hint));
        NfgError::not_utf8_in(e.as_bytes(), e.utf8_error().valid_up_to(), format.extension())
    }))
}

fn invalid(path: &Path, e: &NfgError) -> u8 {
    note!("{}:{}:{}: error: {}\n  help: {}", path.display(), e.line, e.column, e.message, e.help);
    INVALID
}

pub fn solve(path: &Path, one: bool, format: SolveFormat) -> Result<u8, String> {
    let hint = GameFormat::from_extension(path.extension().and_then(|e| e.to_str()));
    let text = match read_text(path, hint)? {
        Ok(text) => text,
        Err(e) => return Ok(invalid(path, &e)),
    };
    let solution = match detente::solve::solve(&text, Some(hint), SolveOptions { one }) {
        Ok(solution) => solution,
        Err(detente::Error::Game(SolveError::Unreadable(e))) => return Ok(invalid(path, &e)),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    for remark in &solution.notes {
        let level = match remark.level {
            NoteLevel::Warning => "warning",
            NoteLevel::Note => "note",
        };
        note!("{level}: {}: {}", path.display(), remark.message);
    }
    write_solution(format, &solution)?;
    Ok(crate::SUCCESS)
}

/// Writes a solution to standard output: JSON pretty-printed, or the text report
/// (escaped for the terminal). A closed pipe (`detente solve ... | head`) is not an
/// error worth reporting.
fn write_solution(format: SolveFormat, solution: &Solution) -> Result<(), String> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = match format {
        SolveFormat::Json => serde_json::to_writer_pretty(&mut out, &solution.equilibria())
            .map_err(|e| e.io_error_kind().map_or_else(|| std::io::Error::other(e.to_string()), Into::into))
            .and_then(|()| writeln!(out)),
        SolveFormat::Text => solution.write_text(&mut crate::term::Escaping(&mut out)),
    };
    match written.and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!("cannot write output: {e}")),
    }
}
