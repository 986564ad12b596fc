//! An agreement read from its text, checked and compiled: the handle every other part
//! of the library takes.

use detente_spec::diagnostic::JsonDiagnostic;
use detente_spec::{Severity, SourceFile, Spec};

use crate::Error;

/// The largest agreement text read, in bytes. Checking holds the text's syntax tree,
/// some 50 to 80 times the text (docs/diagnostics.md), so this bounds memory to about
/// 650 MB; the largest bundled agreement is 29 KB, and a generated one of 10,000
/// commitments 3.3 MB.
pub const MAX_AGREEMENT_BYTES: usize = 8 << 20;

/// A valid agreement, compiled for replay and simulation. Cloning it is cheap (the
/// compiled tables are shared), and it is `Send + Sync`: a server's state, a Python
/// object and a worker thread can each hold one.
#[derive(Clone, Debug)]
pub struct Agreement {
    compiled: detente_engine::Agreement,
    warnings: Vec<JsonDiagnostic>,
}

/// The format of an agreement's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// The language of `docs/language.md`.
    Toml,
    /// The normalized JSON form of `docs/normalized-json.md`.
    Json,
}

impl Agreement {
    /// Reads, checks and compiles an agreement. `name` is what diagnostics call the
    /// text (its path, usually). Refused with every diagnostic, located, when the text
    /// has errors; warnings are kept ([`Agreement::warnings`]).
    ///
    /// ```
    /// let text = detente_spec::starter("my-deal");
    /// let agreement = detente::Agreement::from_text("my-deal.toml", &text, detente::Format::Toml)?;
    /// assert_eq!(agreement.id(), "my-deal");
    /// # Ok::<(), detente::Error>(())
    /// ```
    pub fn from_text(name: &str, text: &str, format: Format) -> Result<Agreement, Error> {
        let (checked, located) = read(name, text, format)?;
        if checked.has_errors() {
            return Err(Error::InvalidAgreement { diagnostics: located });
        }
        Ok(Agreement { compiled: compile(&checked.spec)?, warnings: located })
    }

    /// Compiles an agreement that a front end has read and checked itself with
    /// `detente_spec::check` (the command line does, to render diagnostics beside the
    /// lines of the file). Refused, with every diagnostic located in `file`, when any
    /// is an error.
    ///
    /// ```
    /// let file = detente_spec::SourceFile::new("deal.toml", detente_spec::starter("deal"));
    /// let checked = detente_spec::check(&file);
    /// let agreement = detente::Agreement::from_checked(&checked.spec, &checked.diagnostics, &file)?;
    /// assert_eq!(agreement.id(), "deal");
    /// # Ok::<(), detente::Error>(())
    /// ```
    pub fn from_checked(
        spec: &Spec,
        diagnostics: &[detente_spec::Diagnostic],
        file: &SourceFile,
    ) -> Result<Agreement, Error> {
        let located: Vec<JsonDiagnostic> = diagnostics.iter().map(|d| JsonDiagnostic::new(d, file)).collect();
        if diagnostics.iter().any(|d| d.severity() == Severity::Error) {
            return Err(Error::InvalidAgreement { diagnostics: located });
        }
        Ok(Agreement { compiled: compile(spec)?, warnings: located })
    }

    /// Compiles a specification already in memory (its diagnostics carry no lines).
    ///
    /// ```
    /// let file = detente_spec::SourceFile::new("deal.toml", detente_spec::starter("deal"));
    /// let mut spec = detente_spec::check(&file).spec;
    /// spec.agreement.id = "renamed".into();
    /// assert_eq!(detente::Agreement::from_spec(&spec)?.id(), "renamed");
    /// # Ok::<(), detente::Error>(())
    /// ```
    pub fn from_spec(spec: &Spec) -> Result<Agreement, Error> {
        let file = SourceFile::new(spec.agreement.id.clone(), String::new());
        let diagnostics = detente_spec::check_spec(spec);
        let located: Vec<JsonDiagnostic> =
            diagnostics.iter().map(|d| JsonDiagnostic::new(d, &file)).collect();
        if diagnostics.iter().any(|d| d.severity() == Severity::Error) {
            return Err(Error::InvalidAgreement { diagnostics: located });
        }
        Ok(Agreement { compiled: compile(spec)?, warnings: located })
    }

    /// The agreement's id.
    pub fn id(&self) -> &str {
        &self.compiled.spec.agreement.id
    }

    /// The specification as written (normalized).
    pub fn spec(&self) -> &Spec {
        &self.compiled.spec
    }

    /// The warnings `check` gave, located.
    pub fn warnings(&self) -> &[JsonDiagnostic] {
        &self.warnings
    }

    /// The parties that published a reading of their own (a commitment's
    /// `readings.PARTY`), in file order.
    ///
    /// ```
    /// let agreement = detente::Agreement::from_text("deal.toml", &detente_spec::starter("deal"), detente::Format::Toml)?;
    /// assert!(agreement.readers().is_empty());
    /// # Ok::<(), detente::Error>(())
    /// ```
    pub fn readers(&self) -> Vec<&str> {
        detente_engine::readings::reader_ids(&self.compiled)
    }

    /// The agreement as `party` reads it, where the parties published different texts:
    /// each commitment's reading by that party replaces what it gives. Refused when the
    /// party is unknown or published no reading of its own.
    ///
    /// ```
    /// let agreement = detente::Agreement::from_text("deal.toml", &detente_spec::starter("deal"), detente::Format::Toml)?;
    /// let refused = agreement.as_read_by("beta").unwrap_err();
    /// assert_eq!(refused.kind(), detente::ErrorKind::NotFound);
    /// # Ok::<(), detente::Error>(())
    /// ```
    pub fn as_read_by(&self, party: &str) -> Result<Agreement, Error> {
        let compiled = detente_engine::readings::as_read_by(&self.compiled, party).map_err(Error::Reading)?;
        Ok(Agreement { compiled, warnings: self.warnings.clone() })
    }

    /// Whose reading this handle follows: `None` for the common text.
    pub fn reading(&self) -> Option<&str> {
        self.compiled.reading.map(|p| self.compiled.spec.party[p].id.as_str())
    }

    /// The compiled agreement, for the engine, simulator and game crates.
    pub fn compiled(&self) -> &detente_engine::Agreement {
        &self.compiled
    }
}

/// Checks an agreement's text without compiling it: every error and warning, located.
/// Refused only when the text is too large to read.
///
/// ```
/// let diagnostics = detente::check("bad.toml", "[agreement]\nid = 3\n", detente::Format::Toml)?;
/// assert!(diagnostics.iter().any(|d| d.start.is_some_and(|s| s.line == 2)));
/// # Ok::<(), detente::Error>(())
/// ```
pub fn check(name: &str, text: &str, format: Format) -> Result<Vec<JsonDiagnostic>, Error> {
    read(name, text, format).map(|(_, located)| located)
}

/// Reads and checks a text, bounded by [`MAX_AGREEMENT_BYTES`].
fn read(
    name: &str,
    text: &str,
    format: Format,
) -> Result<(detente_spec::Checked, Vec<JsonDiagnostic>), Error> {
    if text.len() > MAX_AGREEMENT_BYTES {
        return Err(Error::TooLarge { name: name.into(), bytes: text.len(), limit: MAX_AGREEMENT_BYTES });
    }
    let file = SourceFile::new(name, text);
    let checked = match format {
        Format::Toml => detente_spec::check(&file),
        Format::Json => detente_spec::check_json(&file),
    };
    let located = checked.diagnostics.iter().map(|d| JsonDiagnostic::new(d, &file)).collect();
    Ok((checked, located))
}

/// Compiles a valid specification. The engine refuses only what `check` refuses, so a
/// failure here is a disagreement between them: reported as [`Error::Internal`], never
/// a panic.
fn compile(spec: &Spec) -> Result<detente_engine::Agreement, Error> {
    detente_engine::Agreement::compile(spec).map_err(|e| Error::Internal { source: Box::new(e) })
}
