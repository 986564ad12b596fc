//! `detente replay`, `timeline` and `explain`: load a valid agreement and a log, then
//! print the state on a date, the transitions, or why an item has its status.

use std::path::{Path, PathBuf};

use detente_engine::log::{self, Format};
use detente_engine::readings::{self, ReadingDifference, ReadingError};
use detente_engine::report::{self, Style};
use detente_engine::{Agreement, State};
use detente_spec::diagnostic::{self, Style as DiagnosticStyle};
use detente_spec::time::parse_date;
use detente_spec::Severity;

use crate::term::write_stdout;
use crate::{load, summary, ShowFormat, INVALID, TROUBLE};

/// Loads the specification and compiles it, or prints why it cannot be used: the
/// library's handle ([`facade_agreement`]) as the engine's compiled agreement.
pub(crate) fn agreement(path: &Path) -> Result<Result<Agreement, u8>, String> {
    Ok(facade_agreement(path)?.map(|agreement| agreement.compiled().clone()))
}

/// Loads the specification as the library's handle, or prints why it cannot be used.
pub(crate) fn facade_agreement(path: &Path) -> Result<Result<detente::Agreement, u8>, String> {
    let loaded = load::load(path)?;
    let errors = loaded.count(Severity::Error);
    if errors > 0 {
        note_raw!("{}", diagnostic::render(&loaded.diagnostics, &loaded.file, DiagnosticStyle::Plain));
        note_raw!("{}", summary(&loaded.file.name, errors, loaded.count(Severity::Warning)));
        return Ok(Err(INVALID));
    }
    match detente::Agreement::from_checked(&loaded.spec, &loaded.diagnostics, &loaded.file) {
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
                note!("{name}:{}: skipped: {}", place(skipped), describe(skipped));
            }
            Ok(Ok(log))
        }
        Err(errors) => {
            for error in &errors {
                note!("{name}:{}: error: {}", place(error), describe(error));
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

/// Where a bad line is at fault: `line:column` when the reader names the column (JSON
/// Lines: where the faulty field's value starts), else `line`.
fn place(error: &log::LogError) -> String {
    match error.column {
        Some(column) => format!("{}:{column}", error.line),
        None => error.line.to_string(),
    }
}

/// A log error's message and help, for `file:line[:column]: error: ...` output.
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
    /// Follow PARTY's reading: where the parties published different texts, the
    /// commitments as PARTY reads them (default: the common text).
    #[arg(long, value_name = "PARTY")]
    reading: Option<String>,
}

/// Loads the agreement (as `--reading` reads it, if given) and the log, or the exit code
/// to stop with (after printing why). A `--reading` that names no party, or a party
/// without a reading of its own, is a usage error, found before the log is read.
fn load_inputs(inputs: &LogInputs) -> Result<Result<(Agreement, log::Log), u8>, String> {
    let mut agreement = match agreement(&inputs.spec)? {
        Ok(agreement) => agreement,
        Err(code) => return Ok(Err(code)),
    };
    if let Some(party) = &inputs.reading {
        agreement = match as_read_by(&agreement, party, &inputs.spec) {
            Ok(read) => read,
            Err(code) => return Ok(Err(code)),
        };
    }
    Ok(event_log(&inputs.log, &agreement, inputs.lenient)?.map(|log| (agreement, log)))
}

/// The agreement as `party` reads it, or the exit code to stop with: a party that is
/// unknown or published no reading is a usage error (exit 2), found before the log is
/// read.
fn as_read_by(agreement: &Agreement, party: &str, spec: &Path) -> Result<Agreement, u8> {
    readings::as_read_by(agreement, party).map_err(|e| match e {
        ReadingError::Compile { .. } => {
            note!("{}: {e}", spec.display());
            INVALID
        }
        usage => {
            note!("error: --reading {party}: {usage}\nhint: {}", usage.help());
            TROUBLE
        }
    })
}

/// The words that say whose reading a report follows.
fn read_by(agreement: &Agreement) -> Option<String> {
    agreement.reading.map(|p| format!("as read by `{}`", agreement.spec.party[p].id))
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
    let (agreement, log, state) = match state_on(inputs, at)? {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    // The common text's report lists where the parties' readings lead elsewhere.
    let differences = match agreement.reading {
        Some(_) => None,
        None => match reading_differences(&agreement, &log, &state, &inputs.spec) {
            Ok(differences) => differences,
            Err(code) => return Ok(code),
        },
    };
    let text = match format {
        ShowFormat::Text | ShowFormat::Markdown => {
            let style = if format == ShowFormat::Text { Style::Text } else { Style::Markdown };
            let mut text = headed(&agreement, &state, report::render(&agreement, &state, style));
            if let Some(differences) = &differences {
                text += &differences_report(differences, &state, style);
            }
            text
        }
        ShowFormat::Json => match &differences {
            None => json_with_reading(&agreement, &state)?,
            Some(differences) => {
                let mut value = match serde_json::to_value(&state).map_err(|e| e.to_string())? {
                    serde_json::Value::Object(fields) => fields,
                    other => return Err(format!("not a JSON object: {other}")),
                };
                value
                    .insert("readings".into(), serde_json::to_value(differences).map_err(|e| e.to_string())?);
                serde_json::to_string_pretty(&value).map_err(|e| e.to_string())? + "\n"
            }
        },
    };
    write_stdout(&text, format == ShowFormat::Json)?;
    Ok(crate::SUCCESS)
}

/// Where the parties' readings lead to other statuses than the common text on the
/// state's date (`detente_engine::readings`). `Err` is the exit code after a reading
/// that does not compile (reported).
fn reading_differences(
    common: &Agreement,
    log: &log::Log,
    state: &State,
    spec: &Path,
) -> Result<Option<Vec<ReadingDifference>>, u8> {
    readings::differences(common, &log.events, state).map_err(|e| {
        note!("{}: {e}", spec.display());
        INVALID
    })
}

/// The differences between readings, after the report of the common text.
fn differences_report(differences: &[ReadingDifference], state: &State, style: Style) -> String {
    let line = |d: &ReadingDifference| {
        let by: Vec<String> =
            d.by_party.iter().map(|(party, describe)| format!("as read by {party} '{describe}'")).collect();
        format!("{}: common text '{}'; {}", d.commitment, d.common, by.join("; "))
    };
    let hint = "(`--reading PARTY` replays the agreement as PARTY reads it)";
    match (style, differences.is_empty()) {
        (Style::Text, true) => {
            format!(
                "\nReadings: on {} every commitment has the same status in every party's reading {hint}\n",
                state.as_of
            )
        }
        (Style::Markdown, true) => format!(
            "\n## Readings\n\nOn {} every commitment has the same status in every party's reading {hint}.\n",
            state.as_of
        ),
        (Style::Text, false) => {
            let mut out = format!("\nReadings differ on {} {hint}\n", state.as_of);
            for d in differences {
                out += &format!("  {}\n", line(d));
            }
            out
        }
        (Style::Markdown, false) => {
            let mut out = format!("\n## Readings differ\n\nOn {} {hint}:\n\n", state.as_of);
            for d in differences {
                out += &format!("- {}\n", line(d));
            }
            out
        }
    }
}

/// The report with its first line saying whose reading it follows, if not the common
/// text: "six-party-2007 on 2008-08-12, as read by `dprk`: ...".
fn headed(agreement: &Agreement, state: &State, report: String) -> String {
    let Some(read_by) = read_by(agreement) else { return report };
    let title = format!("{} on {}", agreement.spec.agreement.id, state.as_of);
    match report.find(&title) {
        Some(at) if report[..at].trim_start_matches('#').trim().is_empty() => {
            let end = at + title.len();
            format!("{}, {read_by}{}", &report[..end], &report[end..])
        }
        _ => format!("{title}, {read_by}\n{report}"),
    }
}

/// `value` as JSON (a state, an explanation), with `"reading": PARTY` first when it
/// follows a party's reading; exactly `value` otherwise.
fn json_with_reading(agreement: &Agreement, value: &impl serde::Serialize) -> Result<String, String> {
    let json = match agreement.reading {
        None => serde_json::to_string_pretty(value),
        Some(p) => {
            let mut read = serde_json::Map::new();
            read.insert("reading".into(), agreement.spec.party[p].id.clone().into());
            match serde_json::to_value(value).map_err(|e| e.to_string())? {
                serde_json::Value::Object(fields) => read.extend(fields),
                other => return Err(format!("not a JSON object: {other}")),
            }
            serde_json::to_string_pretty(&read)
        }
    };
    Ok(json.map_err(|e| e.to_string())? + "\n")
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
    // JSON stays the bare list of transitions; text and Markdown say whose reading.
    let heading = read_by(&agreement).map(|r| format!("Timeline of {}, {r}:\n", agreement.spec.agreement.id));
    let text = match format {
        ShowFormat::Json => serde_json::to_string_pretty(&transitions).map_err(|e| e.to_string())? + "\n",
        ShowFormat::Text => heading.unwrap_or_default() + &report::timeline(&transitions, Style::Text),
        ShowFormat::Markdown => {
            heading.map(|h| h + "\n").unwrap_or_default() + &report::timeline(&transitions, Style::Markdown)
        }
    };
    write_stdout(&text, format == ShowFormat::Json)?;
    Ok(crate::SUCCESS)
}

pub fn explain(inputs: &LogInputs, id: &str, at: Option<&str>, format: ShowFormat) -> Result<u8, String> {
    let (agreement, log, state) = match state_on(inputs, at)? {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    // The id is an argument: one that names nothing is a usage error (exit 2), as
    // `--reading` or `tournament --parties` naming nothing are.
    let explanation = detente_engine::explain::explain(&state, id).map_err(|unknown| unknown.to_string())?;
    let render = |style| detente_engine::explain::render(&agreement, &log, &explanation, style);
    let read_by = read_by(&agreement).map(|r| format!(", {r}")).unwrap_or_default();
    let text = match format {
        ShowFormat::Json => json_with_reading(&agreement, &explanation)?,
        ShowFormat::Text => format!("As of {}{read_by}:\n{}", state.as_of, render(Style::Text)),
        ShowFormat::Markdown => format!("As of {}{read_by}:\n\n{}", state.as_of, render(Style::Markdown)),
    };
    write_stdout(&text, format == ShowFormat::Json)?;
    Ok(crate::SUCCESS)
}
