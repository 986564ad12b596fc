//! `detente replay`, `timeline` and `explain`: load a valid agreement and a log, then
//! print the state on a date, the transitions, or why an item has its status.

use std::path::{Path, PathBuf};

use detente_engine::log::{self, Format};
use detente_engine::report::{self, Style};
use detente_engine::{Agreement, State};
use detente_spec::diagnostic::{self, Style as DiagnosticStyle};
use detente_spec::time::parse_date;
use detente_spec::Severity;

use crate::term::write_stdout;
use crate::{load, summary, ShowFormat, INVALID};

/// Loads the specification and compiles it, or prints why it cannot be used.
pub(crate) fn agreement(path: &Path) -> Result<Result<Agreement, u8>, String> {
    let loaded = load::load(path)?;
    let errors = loaded.count(Severity::Error);
    if errors > 0 {
        note_raw!("{}", diagnostic::render(&loaded.diagnostics, &loaded.file, DiagnosticStyle::Plain));
        note_raw!("{}", summary(&loaded.file.name, errors, loaded.count(Severity::Warning)));
        return Ok(Err(INVALID));
    }
    match Agreement::compile(&loaded.spec) {
        Ok(agreement) => Ok(Ok(agreement)),
        Err(e) => {
            note!("{}: {e}", loaded.file.name);
            Ok(Err(INVALID))
        }
    }
}

/// Loads a log, printing every bad line; `Err(code)` when it was rejected.
///
/// The file is read as a stream (`log::load_from`): memory holds the accepted events,
/// never the whole text. A file that cannot be opened or read (a directory, a device
/// that fails midway) is an I/O error (`Err`, exit 2), not a bad line.
pub(crate) fn event_log(
    path: &Path,
    agreement: &Agreement,
    lenient: bool,
) -> Result<Result<log::Log, u8>, String> {
    let name = path.display();
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read {name}: {e}"))?;
    let mut reader = Recording { inner: file, error: None };
    let loaded = log::load_from(&mut reader, Format::from_path(path), agreement, lenient);
    if let Some(e) = reader.error {
        return Err(format!("cannot read {name}: {e}"));
    }
    match loaded {
        Ok(log) => {
            for skipped in &log.skipped {
                note!("{name}:{}: skipped: {}", skipped.line, describe(skipped));
            }
            Ok(Ok(log))
        }
        Err(errors) => {
            for error in &errors {
                note!("{name}:{}: error: {}", error.line, describe(error));
            }
            note!(
                "{name}: log rejected: {} bad line(s); nothing was applied (--lenient skips bad lines)",
                errors.len()
            );
            Ok(Err(INVALID))
        }
    }
}

/// A reader that remembers the first error of the stream under it, so that a failure to
/// read is told apart from a bad line (the log reader reports both as lines).
struct Recording<R> {
    inner: R,
    error: Option<std::io::Error>,
}

impl<R: std::io::Read> std::io::Read for Recording<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.inner.read(buf).inspect_err(|e| {
            if e.kind() != std::io::ErrorKind::Interrupted && self.error.is_none() {
                self.error = Some(std::io::Error::new(e.kind(), e.to_string()));
            }
        })
    }
}

/// A log error's message and help, for `file:line: error: ...` output.
fn describe(error: &log::LogError) -> String {
    match &error.help {
        Some(help) => format!("{}\n  help: {help}", error.message),
        None => error.message.clone(),
    }
}

/// The inputs `replay`, `timeline` and `explain` share.
#[derive(clap::Args)]
pub struct LogInputs {
    /// The specification file.
    spec: PathBuf,
    /// The event log (JSON Lines, or CSV if it ends in .csv).
    log: PathBuf,
    /// Skip bad log lines (and list them) instead of rejecting the log.
    #[arg(long)]
    lenient: bool,
}

/// Loads the agreement and log, or the exit code to stop with (after printing why).
fn load_inputs(inputs: &LogInputs) -> Result<Result<(Agreement, log::Log), u8>, String> {
    let agreement = match agreement(&inputs.spec)? {
        Ok(agreement) => agreement,
        Err(code) => return Ok(Err(code)),
    };
    Ok(event_log(&inputs.log, &agreement, inputs.lenient)?.map(|log| (agreement, log)))
}

/// Loads the inputs and computes the state on `--at` (default: the last event's date).
fn state_on(
    inputs: &LogInputs,
    at: Option<&str>,
) -> Result<Result<(Agreement, log::Log, State), u8>, String> {
    let at = date_arg("at", at)?;
    let (agreement, log) = match load_inputs(inputs)? {
        Ok(loaded) => loaded,
        Err(code) => return Ok(Err(code)),
    };
    let as_of = at.unwrap_or_else(|| last_event_or_adoption(&agreement, &log));
    let state = detente_engine::state(&agreement, &log, as_of).map_err(|e| format!("--at: {e}"))?;
    Ok(Ok((agreement, log, state)))
}

pub fn replay(inputs: &LogInputs, at: Option<&str>, format: ShowFormat) -> Result<u8, String> {
    let (agreement, _log, state) = match state_on(inputs, at)? {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    let text = match format {
        ShowFormat::Text => report::render(&agreement, &state, Style::Text),
        ShowFormat::Markdown => report::render(&agreement, &state, Style::Markdown),
        ShowFormat::Json => serde_json::to_string_pretty(&state).map_err(|e| e.to_string())? + "\n",
    };
    write_stdout(&text, format == ShowFormat::Json)?;
    Ok(0)
}

fn date_arg(name: &str, text: Option<&str>) -> Result<Option<detente_spec::time::Date>, String> {
    text.map(|t| parse_date(t).map_err(|e| format!("--{name}: {e}"))).transpose()
}

fn last_event_or_adoption(agreement: &Agreement, log: &log::Log) -> detente_spec::time::Date {
    log.events.last().map_or(agreement.spec.agreement.adopted, |e| e.date)
}

pub fn timeline(
    inputs: &LogInputs,
    from: Option<&str>,
    to: Option<&str>,
    format: ShowFormat,
) -> Result<u8, String> {
    let (from, to) = (date_arg("from", from)?, date_arg("to", to)?);
    let (agreement, log) = match load_inputs(inputs)? {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    let to_given = to.is_some();
    let to = to.unwrap_or_else(|| last_event_or_adoption(&agreement, &log));
    if let Some(from) = from.filter(|&f| f > to) {
        let which = if to_given { "--to" } else { "the last event's date (the default --to)" };
        return Err(format!("--from {from} is after {which}, {to}: the timeline would be empty"));
    }
    let transitions: Vec<_> = detente_engine::timeline(&agreement, &log, to)
        .into_iter()
        .filter(|t| from.is_none_or(|f| t.date >= f))
        .collect();
    let text = match format {
        ShowFormat::Json => serde_json::to_string_pretty(&transitions).map_err(|e| e.to_string())? + "\n",
        ShowFormat::Text => report::timeline(&transitions, Style::Text),
        ShowFormat::Markdown => report::timeline(&transitions, Style::Markdown),
    };
    write_stdout(&text, format == ShowFormat::Json)?;
    Ok(0)
}

pub fn explain(inputs: &LogInputs, id: &str, at: Option<&str>, format: ShowFormat) -> Result<u8, String> {
    let (agreement, log, state) = match state_on(inputs, at)? {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    let explanation = match detente_engine::explain::explain(&state, id) {
        Ok(explanation) => explanation,
        Err(unknown) => {
            note!("error: {unknown}");
            return Ok(INVALID);
        }
    };
    let render = |style| detente_engine::explain::render(&agreement, &log, &explanation, style);
    let text = match format {
        ShowFormat::Json => serde_json::to_string_pretty(&explanation).map_err(|e| e.to_string())? + "\n",
        ShowFormat::Text => format!("As of {}:\n{}", state.as_of, render(Style::Text)),
        ShowFormat::Markdown => format!("As of {}:\n\n{}", state.as_of, render(Style::Markdown)),
    };
    write_stdout(&text, format == ShowFormat::Json)?;
    Ok(0)
}
