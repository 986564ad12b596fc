//! The detente agreement language.
//!
//! A *phased reciprocal agreement* is written down as a TOML file: parties, the
//! instruments (sanctions, bans) in force, the quantities and facilities at stake, and
//! phases of commitments traded step for step, with verification, deadlines and
//! snap-back. This crate reads such a file, checks it, and explains every mistake where
//! it was made. It knows nothing of time passing: the engine (`detente-engine`) gives
//! the agreement its meaning over an event log.
//!
//! The pipeline is:
//!
//! ```text
//! text --decode--> Spec + SourceMap + diagnostics --validate--> diagnostics
//! ```
//!
//! * [`decode`] walks the TOML syntax tree and builds the [`model`], collecting every
//!   error instead of stopping at the first.
//! * [`validate`] applies the rules of the language (ids, phase graph, deadlines,
//!   reciprocity, snap-back, authorization, quantities), each with a stable [`Code`].
//! * [`diagnostic`] renders the results for people (`file:line:column`, the line
//!   underlined, help) or as JSON for tools.
//!
//! ```
//! let file = detente_spec::SourceFile::new("tiny.toml", detente_spec::starter("tiny"));
//! let checked = detente_spec::check(&file);
//! assert!(!checked.has_errors());
//! ```

// Every public item is documented, and library code never unwraps: bad input is
// refused with an error, never a panic (clippy.toml allows both in tests).
#![warn(missing_docs, clippy::unwrap_used, clippy::expect_used)]

pub mod assumption;
pub mod condition;
pub mod decode;
pub mod diagnostic;
pub mod json;
pub mod model;
pub mod roadmap;
pub mod schema;
pub mod source_map;
mod starter;
pub mod suggest;
pub mod time;
pub mod validate;

pub use condition::Condition;
pub use diagnostic::{Code, Diagnostic, Severity, SourceFile};
pub use model::Spec;
pub use source_map::{ItemKey, SourceMap};
pub use starter::{starter, starter_with_id};

/// The result of checking one file.
#[derive(Clone, Debug)]
pub struct Checked {
    /// The agreement as far as it could be decoded.
    pub spec: Spec,
    /// Where each part was written.
    pub source_map: SourceMap,
    /// Every error and warning, sorted by position; past
    /// [`MAX_REPORTED`](diagnostic::MAX_REPORTED) of a severity, the last one counts
    /// those not shown.
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        validate::has_errors(&self.diagnostics)
    }

    /// The specification, if it is valid (warnings allowed).
    pub fn valid_spec(&self) -> Option<&Spec> {
        (!self.has_errors()).then_some(&self.spec)
    }
}

/// Decodes and validates a specification file, reporting every problem at once.
pub fn check(file: &SourceFile) -> Checked {
    finish(decode::decode(&file.text))
}

/// Reads and validates a specification in its normalized JSON form (see
/// `docs/normalized-json.md`): the same rules as [`check`], located in the JSON text.
pub fn check_json(file: &SourceFile) -> Checked {
    finish(json::decode_json(&file.text))
}

/// Validates what was decoded, TOML or JSON.
fn finish(decoded: decode::Decoded) -> Checked {
    let decoded_cleanly = !validate::has_errors(&decoded.diagnostics);
    let collected = diagnostic::Collector::resume(decoded.diagnostics, decoded.omitted);
    let diagnostics = validate::validate_into(
        &decoded.spec,
        &decoded.source_map,
        &decoded.broken_ids,
        decoded_cleanly,
        collected,
    )
    .finish();
    Checked { spec: decoded.spec, source_map: decoded.source_map, diagnostics }
}

/// Checks a specification that is already in memory. Its diagnostics carry no source
/// positions; for a specification read from a file, use [`check`] or [`check_json`].
pub fn check_spec(spec: &Spec) -> Vec<Diagnostic> {
    validate::validate(spec, &SourceMap::default(), &Default::default(), true)
}

/// Serializes a specification to its normalized JSON form (see `docs/normalized-json.md`).
pub fn to_normalized_json(spec: &Spec) -> String {
    // The model's map keys are strings and its own serializers write strings, so
    // serde_json cannot fail here (it fails only on other keys, and on I/O).
    #[allow(clippy::expect_used)]
    serde_json::to_string_pretty(spec).expect("the model always serializes")
}

/// Reads a specification from its normalized JSON form.
pub fn from_normalized_json(text: &str) -> Result<Spec, serde_json::Error> {
    serde_json::from_str(text)
}
