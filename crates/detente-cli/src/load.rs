//! Reading a specification file from disk: TOML, or normalized JSON (`.json`).
//!
//! Bytes that are not UTF-8 are invalid input, reported as a diagnostic at the first bad
//! byte, not an I/O error. A file that cannot be read at all is an I/O error.

use std::path::Path;

use detente_spec::{Code, Diagnostic, Severity, SourceFile, Spec};

/// A loaded and checked specification.
pub struct Loaded {
    /// The file as read (lossily decoded if it was not UTF-8).
    pub file: SourceFile,
    /// The agreement as far as it could be read.
    pub spec: Spec,
    /// Every problem found.
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    /// How many diagnostics of a severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity() == severity).count()
    }
}

/// Reads and checks a file. `Err` only for I/O problems.
pub fn load(path: &Path) -> Result<Loaded, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let name = path.display().to_string();
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => return Ok(not_utf8(name, error)),
    };
    let file = SourceFile::new(name, text);
    let is_json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
    Ok(if is_json { load_json(file) } else { load_toml(file) })
}

fn load_toml(file: SourceFile) -> Loaded {
    let checked = detente_spec::check(&file);
    Loaded { file, spec: checked.spec, diagnostics: checked.diagnostics }
}

fn load_json(file: SourceFile) -> Loaded {
    match detente_spec::from_normalized_json(&file.text) {
        Ok(spec) => {
            let diagnostics = detente_spec::check_spec(&spec);
            Loaded { file, spec, diagnostics }
        }
        Err(error) => {
            let offset = offset_of(&file.text, error.line(), error.column());
            let end = (offset + 1).min(file.text.len());
            let diagnostic = Diagnostic::new(Code::Syntax, format!("invalid normalized JSON: {error}"))
                .label(Some(offset..end.max(offset)), "here")
                .help("normalized JSON is what `detente show --format json` prints; see docs/normalized-json.md");
            let spec = detente_spec::decode::decode("").spec;
            Loaded { file, spec, diagnostics: vec![diagnostic] }
        }
    }
}

/// The byte offset of a 1-based line and column (serde_json counts columns in bytes).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    (line_start + column.saturating_sub(1)).min(text.len())
}

fn not_utf8(name: String, error: std::string::FromUtf8Error) -> Loaded {
    let at = error.utf8_error().valid_up_to();
    let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
    // The lossy text has the same prefix up to the first bad byte, so `at` is valid in it.
    let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
    let diagnostic =
        Diagnostic::new(Code::Syntax, format!("the file is not valid UTF-8 (bad byte at offset {at})"))
            .label(Some(at..end), "not UTF-8")
            .help("save the file as UTF-8; specification files are text");
    Loaded {
        file: SourceFile::new(name, text),
        spec: detente_spec::decode::decode("").spec,
        diagnostics: vec![diagnostic],
    }
}
