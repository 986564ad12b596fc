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

/// The largest specification read, in bytes. Checking holds the file's syntax tree,
/// some 50 to 80 times the text (docs/diagnostics.md), so this bounds memory to about
/// 650 MB; the largest bundled agreement is 29 KB, and a generated one of 10,000
/// commitments 3.3 MB.
pub const MAX_SPEC_BYTES: u64 = 8 << 20;

/// Reads and checks a file. `Err` only for I/O problems and files too large to read.
pub fn load(path: &Path) -> Result<Loaded, String> {
    let bytes = read_bounded(path)?;
    let name = path.display().to_string();
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => return Ok(not_utf8(name, error)),
    };
    let file = SourceFile::new(name, text);
    let is_json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
    Ok(if is_json { load_json(file) } else { load_toml(file) })
}

/// The file's bytes, refusing one longer than [`MAX_SPEC_BYTES`] without reading it all.
fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let cannot = |e: std::io::Error| format!("cannot read {}: {e}", path.display());
    let too_large = |bytes: u64| {
        format!(
            "{} is too large to be a specification: {bytes} bytes or more, above the {} MiB detente reads \
             (the largest bundled agreement is 29 KB); check that it is the right file",
            path.display(),
            MAX_SPEC_BYTES >> 20
        )
    };
    let file = std::fs::File::open(path).map_err(cannot)?;
    if let Ok(meta) = file.metadata() {
        if meta.is_file() && meta.len() > MAX_SPEC_BYTES {
            return Err(too_large(meta.len()));
        }
    }
    let mut bytes = Vec::new();
    file.take(MAX_SPEC_BYTES + 1).read_to_end(&mut bytes).map_err(cannot)?;
    if bytes.len() as u64 > MAX_SPEC_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

fn load_toml(file: SourceFile) -> Loaded {
    let checked = detente_spec::check(&file);
    Loaded { file, spec: checked.spec, diagnostics: checked.diagnostics }
}

/// Normalized JSON goes through the same validation as TOML, located in the JSON text.
fn load_json(file: SourceFile) -> Loaded {
    let checked = detente_spec::check_json(&file);
    Loaded { file, spec: checked.spec, diagnostics: checked.diagnostics }
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
