//! `detente check`: every error and warning of specification files, for people or as
//! JSON. [`report`] composes it without printing, so it runs in process in tests.

use std::path::PathBuf;

use clap::ValueEnum;
use detente_spec::diagnostic::{self, JsonDiagnostic, Style};
use detente_spec::Severity;

use crate::exit::{INVALID, SUCCESS, TROUBLE};
use crate::term::{self, write_stdout};
use crate::{load, style};

/// `detente check --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Diagnostics rendered for people.
    Text,
    /// One JSON document: the files and every diagnostic, located.
    Json,
}

/// `detente check FILES`: prints the report and returns the exit code.
pub fn check(files: &[PathBuf], format: CheckFormat) -> Result<u8, String> {
    let checked = report(files, format)?;
    for message in &checked.unreadable {
        note!("error: {message}");
    }
    // Escaped where needed, file by file.
    write_stdout(&checked.stdout, true)?;
    Ok(checked.code)
}

/// What `check` prints and returns, computed without printing: the command in process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    /// The exit code.
    pub code: u8,
    /// What goes to standard output (text for people, escaped; or JSON).
    pub stdout: String,
    /// Files that could not be read, with why (standard error, in text format).
    pub unreadable: Vec<String>,
}

/// Checks `files` and composes the report (see [`check`]). `Err` only if the JSON
/// report cannot be written.
pub fn report(files: &[PathBuf], format: CheckFormat) -> Result<Checked, String> {
    let mut any_invalid = false;
    let mut any_unreadable = false;
    let mut text = String::new();
    let mut json_diagnostics = Vec::new();
    let mut json_files = Vec::new();
    let mut unreadable = Vec::new();
    for path in files {
        // A file that cannot be read is reported and the others are still checked.
        let loaded = match load::load(path) {
            Ok(loaded) => loaded,
            Err(message) => {
                any_unreadable = true;
                match format {
                    CheckFormat::Text => unreadable.push(message),
                    CheckFormat::Json => json_files.push(serde_json::json!({
                        "file": path.display().to_string(),
                        "valid": false,
                        "errors": 0,
                        "warnings": 0,
                        "error": message,
                    })),
                }
                continue;
            }
        };
        let errors = loaded.count(Severity::Error);
        let warnings = loaded.count(Severity::Warning);
        any_invalid |= errors > 0;
        match format {
            CheckFormat::Text => {
                // Colour only for input without control characters: the rendered text
                // is then escaped as a whole, which would show colour codes as text.
                let clean = !term::needs_escape(&loaded.file.text) && !term::needs_escape(&loaded.file.name);
                let style = if clean { style() } else { Style::Plain };
                let rendered = diagnostic::render(&loaded.diagnostics, &loaded.file, style)
                    + &summary(&loaded.file.name, errors, warnings);
                text.push_str(&term::escape(&rendered));
            }
            CheckFormat::Json => {
                json_diagnostics
                    .extend(loaded.diagnostics.iter().map(|d| JsonDiagnostic::new(d, &loaded.file)));
                json_files.push(serde_json::json!({
                    "file": loaded.file.name,
                    "valid": errors == 0,
                    "errors": errors,
                    "warnings": warnings,
                }));
            }
        }
    }
    if format == CheckFormat::Json {
        let report = serde_json::json!({ "files": json_files, "diagnostics": json_diagnostics });
        text = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())? + "\n";
    }
    let code = if any_unreadable {
        TROUBLE
    } else if any_invalid {
        INVALID
    } else {
        SUCCESS
    };
    Ok(Checked { code, stdout: text, unreadable })
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// `NAME: valid`, or invalid, with the counts of errors and warnings.
pub(crate) fn summary(name: &str, errors: usize, warnings: usize) -> String {
    match (errors, warnings) {
        (0, 0) => format!("{name}: valid\n"),
        (0, w) => format!("{name}: valid, {}\n", plural(w, "warning")),
        (e, 0) => format!("{name}: invalid, {}\n", plural(e, "error")),
        (e, w) => format!("{name}: invalid, {}, {}\n", plural(e, "error"), plural(w, "warning")),
    }
}
