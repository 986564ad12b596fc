//! `detente analyze SPEC`: deterrence of each measure, self-enforcement of each phase,
//! and learning by verified steps, as the library's `Agreement::analyze` gives them.

use std::path::Path;

use detente::{AnalyzeOptions, Error};

use crate::term::write_stdout;
use crate::{replay, ShowFormat};

/// What `analyze` writes besides the report.
#[derive(Clone, Copy, Debug)]
pub struct Files<'a> {
    /// The phase game as `.efg`.
    pub efg: Option<&'a Path>,
    /// The game with types as `.efg` (one file per party, `FILE-PARTY.efg`, when
    /// several have priors).
    pub types_efg: Option<&'a Path>,
}

pub fn analyze(
    path: &Path,
    options: AnalyzeOptions,
    files: Files<'_>,
    format: ShowFormat,
) -> Result<u8, String> {
    let agreement = match replay::facade_agreement(path)? {
        Ok(agreement) => agreement,
        Err(code) => return Ok(code),
    };
    let analysis = agreement.analyze(options).map_err(|e| option_error(&e))?;
    if let Some(out) = files.efg {
        crate::out::write_file_atomic(out, analysis.phase_game_efg().as_bytes())?;
    }
    if let Some(out) = files.types_efg {
        write_types_games(&analysis, out)?;
    }
    for warning in analysis.warnings() {
        note!("warning: {warning}");
    }
    let text = match format {
        ShowFormat::Text => analysis.render(false),
        ShowFormat::Markdown => analysis.render(true),
        ShowFormat::Json => serde_json::to_string_pretty(&analysis).map_err(|e| e.to_string())? + "\n",
    };
    write_stdout(&text, format == ShowFormat::Json)?;
    Ok(crate::SUCCESS)
}

/// An option error names the command-line flag (`--discount`), not the library's field.
fn option_error(error: &Error) -> String {
    match error {
        Error::InvalidOption { option, message } => format!("--{} {message}", option.replace('_', "-")),
        other => other.to_string(),
    }
}

fn write_types_games(analysis: &detente::Analysis, out: &Path) -> Result<(), String> {
    let games = analysis.types_games_efg().map_err(|e| e.to_string())?;
    if games.is_empty() {
        return Err("--types-efg: the file states no priors ([simulation.prior.PARTY])".into());
    }
    let several = games.len() > 1;
    for (party, game) in games {
        let file = if several {
            let stem = out.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            out.with_file_name(format!("{stem}-{party}.efg"))
        } else {
            out.to_path_buf()
        };
        crate::out::write_file_atomic(&file, game.as_bytes())?;
    }
    Ok(())
}
