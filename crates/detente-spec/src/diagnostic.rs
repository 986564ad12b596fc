//! Diagnostics: what is wrong with a specification, where, and what to do about it.
//!
//! Every problem the decoder or validator finds becomes a [`Diagnostic`] with a stable
//! [`Code`]. Codes never change meaning once released, so editors, CI scripts and the
//! documentation (`docs/diagnostics.md`) can rely on them. A diagnostic carries byte
//! ranges into the source; rendering turns them into `file:line:column`, the source line
//! underlined, and the help text.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use serde::Serialize;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The specification is invalid.
    Error,
    /// The specification is valid but the design is weak.
    Warning,
}

macro_rules! codes {
    ($($(#[$meta:meta])* $variant:ident = $text:literal, $severity:ident, $title:literal;)+) => {
        /// A stable diagnostic code. See `docs/diagnostics.md` for each code with an example.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($(#[$meta])* $variant),+
        }

        impl Code {
            /// Every code, in numeric order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),+];

            /// The code as printed, e.g. `E006`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $text),+ }
            }

            /// Whether it is an error or a warning.
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity),+ }
            }

            /// A short title for the code.
            pub fn title(self) -> &'static str {
                match self { $(Code::$variant => $title),+ }
            }
        }
    };
}

codes! {
    /// The file is not valid TOML (or not UTF-8).
    Syntax = "E001", Error, "invalid TOML syntax";
    /// A value has the wrong type.
    WrongType = "E002", Error, "value of the wrong type";
    /// A required key is missing.
    MissingField = "E003", Error, "missing required key";
    /// A key is not part of the format.
    UnknownField = "E004", Error, "unknown key";
    /// Two items share an id.
    DuplicateId = "E005", Error, "duplicate id";
    /// An id does not name any item.
    UnknownId = "E006", Error, "unknown id";
    /// An id names an item of the wrong kind.
    WrongKindOfId = "E007", Error, "id of the wrong kind";
    /// The phase graph has a cycle.
    PhaseCycle = "E008", Error, "phase cycle";
    /// A deadline has no timeout outcome, or an action has no deadline.
    MissingTimeout = "E009", Error, "deadline without timeout outcome";
    /// A concession without a verified measure of the other side before or beside it.
    Reciprocity = "E010", Error, "concession without reciprocal verified measure";
    /// A snap-back restores nothing that any commitment relieves.
    SnapbackRestoresNothing = "E011", Error, "snap-back restores nothing relieved";
    /// A commitment, phase or power can never become active.
    Unreachable = "E012", Error, "unreachable item";
    /// Dates and durations contradict each other.
    TemporalIncoherence = "E013", Error, "incoherent dates or durations";
    /// Units of a quantity do not match, or a value is impossible for it.
    QuantityMismatch = "E014", Error, "inconsistent quantity";
    /// A probability outside [0, 1].
    Probability = "E015", Error, "probability out of range";
    /// A date that does not exist or is malformed.
    BadDate = "E016", Error, "invalid date";
    /// A duration that cannot be read.
    BadDuration = "E017", Error, "invalid duration";
    /// A condition that cannot be parsed.
    BadCondition = "E018", Error, "invalid condition";
    /// A party given a role it is not allowed to play.
    Authorization = "E019", Error, "party not authorized";
    /// A keyword (role, kind, status) that is not one of the allowed values.
    UnknownKeyword = "E020", Error, "unknown keyword";
    /// Two commitments have contradictory effects on the same item at the same time.
    ContradictoryEffects = "E021", Error, "contradictory effects";
    /// A number that is not finite or out of the accepted range.
    NumberOutOfRange = "E022", Error, "number out of range";
    /// An id that is empty, badly formed or a reserved word.
    BadId = "E023", Error, "malformed id";
    /// A facility is made to leave the dismantled status.
    IrreversibleStatus = "E024", Error, "dismantled facility revived";
    /// A simulation assumption about something it cannot apply to.
    AssumptionCannotApply = "E025", Error, "assumption that cannot apply";
    /// A history construct used where it cannot mean anything: a declaration a deadline
    /// could violate, `otherwise` without `while`, a replacement outside an amendment.
    IncoherentConstruct = "E026", Error, "construct that cannot apply";
    /// A continuing measure that nobody verifies.
    UnverifiedMeasure = "W101", Warning, "continuing measure without verification";
    /// A party that gives without getting anything.
    OneSidedParty = "W102", Warning, "party gives without getting";
    /// A real-world figure without a source.
    MissingSource = "W103", Warning, "figure without a source";
    /// An instrument that nothing relieves or restores.
    IdleInstrument = "W104", Warning, "instrument untouched by the agreement";
    /// A condition that is always true or always false.
    ConstantCondition = "W105", Warning, "condition is constant";
    /// A concession given for a measure nobody verifies (allowed in records of history
    /// and where the text pairs them with `in_return_for`).
    UnverifiedReciprocity = "W106", Warning, "concession for an unverified measure";
    /// A binding action with no deadline: it can never be late.
    ActionWithoutDeadline = "W107", Warning, "action without a deadline";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl schemars::JsonSchema for Code {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Code".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let codes: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        schemars::json_schema!({
            "description": "A stable diagnostic code (docs/diagnostics.md).",
            "type": "string",
            "enum": codes,
        })
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A labelled range of the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Byte range in the source file.
    pub span: Range<usize>,
    /// What this part of the source has to do with the problem.
    pub message: String,
}

/// One problem found in a specification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The stable code.
    pub code: Code,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Where; the first label is the primary location. Empty when the specification did
    /// not come from a file (e.g. normalized JSON).
    pub labels: Vec<Label>,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic without location or help.
    pub fn new(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic { code, message: message.into(), labels: Vec::new(), help: None }
    }

    /// Adds a label; the first label added is the primary one. `None` spans are ignored,
    /// so callers can pass whatever the source map has.
    pub fn label(mut self, span: Option<Range<usize>>, message: impl Into<String>) -> Diagnostic {
        if let Some(span) = span {
            self.labels.push(Label { span, message: message.into() });
        }
        self
    }

    /// Sets the help text.
    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Sets the help text if there is one.
    pub fn maybe_help(mut self, help: Option<String>) -> Diagnostic {
        if help.is_some() {
            self.help = help;
        }
        self
    }

    /// Error or warning.
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }

    /// The primary location, if any.
    pub fn primary(&self) -> Option<&Range<usize>> {
        self.labels.first().map(|l| &l.span)
    }
}

/// At most this many errors, and as many warnings, are reported for one file; the rest
/// are counted in one last diagnostic. Without a limit a file of junk held (and printed)
/// a diagnostic per line: checking 10 MB of junk tables took 1 GB.
pub const MAX_REPORTED: usize = 100;

/// Diagnostics not kept because [`MAX_REPORTED`] were reached.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Omitted {
    /// How many of each code.
    pub counts: BTreeMap<Code, usize>,
    /// Where the first of them points.
    pub first: Option<Range<usize>>,
}

impl Omitted {
    /// How many in all.
    pub fn total(&self) -> usize {
        self.counts.values().sum()
    }
}

/// Collects diagnostics, keeping the first [`MAX_REPORTED`] errors and warnings and
/// counting the others, so that memory stays bounded whatever the input. Rules whose
/// diagnostics are costly to build (suggestions scan every id) ask [`Collector::has_room`]
/// first and [`Collector::omit`] when there is none.
#[derive(Clone, Debug, Default)]
pub struct Collector {
    kept: Vec<Diagnostic>,
    errors: usize,
    warnings: usize,
    omitted: Omitted,
}

impl Collector {
    /// Continues a collection: diagnostics already kept, and those already omitted.
    pub fn resume(kept: Vec<Diagnostic>, omitted: Omitted) -> Collector {
        let errors = kept.iter().filter(|d| d.severity() == Severity::Error).count();
        let warnings = kept.len() - errors;
        Collector { kept, errors, warnings, omitted }
    }

    /// Whether a diagnostic with this code would be kept.
    pub fn has_room(&self, code: Code) -> bool {
        match code.severity() {
            Severity::Error => self.errors < MAX_REPORTED,
            Severity::Warning => self.warnings < MAX_REPORTED,
        }
    }

    /// Keeps a diagnostic, or counts it if its severity's limit is reached.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        if self.has_room(diagnostic.code) {
            match diagnostic.severity() {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
            }
            self.kept.push(diagnostic);
        } else {
            let span = diagnostic.primary().cloned();
            self.omit(diagnostic.code, span);
        }
    }

    /// Counts a diagnostic that was not built because there was no room for it.
    pub fn omit(&mut self, code: Code, span: Option<Range<usize>>) {
        *self.omitted.counts.entry(code).or_default() += 1;
        if self.omitted.first.is_none() {
            self.omitted.first = span;
        }
    }

    /// How many diagnostics were reported, kept or not.
    pub fn reported(&self) -> usize {
        self.kept.len() + self.omitted.total()
    }

    /// Whether any error was reported. (Errors are kept first-come up to the limit, so
    /// at least one is kept whenever any was reported.)
    pub fn has_errors(&self) -> bool {
        self.errors > 0
    }

    /// The kept diagnostics and the count of the others.
    pub fn into_parts(self) -> (Vec<Diagnostic>, Omitted) {
        (self.kept, self.omitted)
    }

    /// The kept diagnostics sorted by position, then one that counts the omitted ones
    /// by code, if any were.
    pub fn finish(self) -> Vec<Diagnostic> {
        let (mut kept, omitted) = self.into_parts();
        sort(&mut kept);
        if let Some(summary) = summary(&omitted) {
            kept.push(summary);
        }
        kept
    }
}

/// Sorts diagnostics by position, then code, so output is stable and reads top to bottom.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        let position = |d: &Diagnostic| d.primary().map(|s| (s.start, s.end));
        (position(a), a.code, &a.message).cmp(&(position(b), b.code, &b.message))
    });
}

/// The diagnostic standing for those not shown. It takes the code of the most frequent
/// of them (an error's when errors were omitted), so it never changes whether the file
/// is valid, and points where the first of them does.
fn summary(omitted: &Omitted) -> Option<Diagnostic> {
    let total = omitted.total();
    if total == 0 {
        return None;
    }
    let mut by_count: Vec<(Code, usize)> = omitted.counts.iter().map(|(c, n)| (*c, *n)).collect();
    by_count.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let code = by_count
        .iter()
        .find(|(c, _)| c.severity() == Severity::Error)
        .or(by_count.first())
        .map(|(c, _)| *c)?;
    let list: Vec<String> = by_count.iter().map(|(c, n)| format!("{c} ×{}", thousands(*n))).collect();
    let (noun, verb) = if total == 1 { ("problem", "is") } else { ("problems", "are") };
    Some(
        Diagnostic::new(code, format!("{} more {noun} {verb} not shown: {}", thousands(total), list.join(", ")))
            .label(omitted.first.clone(), "the first not shown")
            .help(format!(
                "detente reports at most {MAX_REPORTED} errors and {MAX_REPORTED} warnings per file; fix these and check again"
            )),
    )
}

/// A count with thousands separated by commas: `392,900`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let groups: Vec<String> =
        digits.as_bytes().rchunks(3).rev().map(|g| String::from_utf8_lossy(g).into_owned()).collect();
    groups.join(",")
}

/// A noun with its indefinite article: "a party", "an instrument", "an observer".
/// (Nouns in messages are detente's own words, none of which starts with a silent
/// consonant or a vowel sounded as a consonant.)
pub fn with_article(noun: &str) -> String {
    let vowel = noun.chars().next().is_some_and(|c| "aeiouAEIOU".contains(c));
    format!("{} {noun}", if vowel { "an" } else { "a" })
}

/// A number as messages print it: as written for everyday magnitudes, in scientific
/// notation when very large or very small (`1e308`, not 309 digits; `1e-9`). Always the
/// shortest form that reads back to the same number.
pub fn number(x: f64) -> String {
    let magnitude = x.abs();
    if x.is_finite() && x != 0.0 && !(1e-6..1e16).contains(&magnitude) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// A line and column, both counted from 1; columns count characters, not bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct LineColumn {
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1, in characters.
    pub column: usize,
}

/// The line and column of a byte offset in `source` (clamped to the source's length and
/// to a character boundary). Scans the text: for many offsets into one text, use a
/// [`LineIndex`] ([`SourceFile::line_column`]).
pub fn line_column(source: &str, offset: usize) -> LineColumn {
    LineIndex::new(source).line_column(source, offset)
}

/// Where the lines of a text start, to turn offsets into lines and columns in
/// logarithmic time. Lines end at `\n` (so `\r\n` too).
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// Offsets of carriage returns not followed by `\n`: miette counts them as line
    /// breaks when it draws snippets, so the line numbers it prints must count them too.
    lone_returns: Vec<usize>,
}

impl LineIndex {
    /// Indexes the lines of `text`.
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut lone_returns = Vec::new();
        for (i, &b) in bytes.iter().enumerate() {
            match b {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => lone_returns.push(i),
                _ => {}
            }
        }
        LineIndex { starts, lone_returns }
    }

    /// The line (from 0) that contains `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset).saturating_sub(1)
    }

    /// The line and column of a byte offset in `text`, the text this index was built
    /// from (clamped to its length and to a character boundary).
    pub fn line_column(&self, text: &str, offset: usize) -> LineColumn {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let column = text[self.starts[line]..offset].chars().count() + 1;
        LineColumn { line: line + 1, column }
    }
}

/// A source file: its name as shown to people and its text.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The path or name shown in diagnostics.
    pub name: String,
    /// The text.
    pub text: Arc<String>,
    /// Built on first use, shared by clones.
    lines: Arc<OnceLock<LineIndex>>,
}

impl SourceFile {
    /// A source file named `name` with this text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> SourceFile {
        SourceFile { name: name.into(), text: Arc::new(text.into()), lines: Arc::default() }
    }

    /// The index of the text's lines.
    pub fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    /// The line and column of a byte offset.
    pub fn line_column(&self, offset: usize) -> LineColumn {
        self.lines().line_column(&self.text, offset)
    }
}

/// The source miette draws snippets from: the file, read through its line index so
/// that drawing a snippet reads only the lines around it. (miette's own sources scan the
/// text from its start for every snippet: rendering n diagnostics of a long file took
/// time n times its length.)
#[derive(Debug, Clone)]
struct Snippets {
    file: SourceFile,
}

impl miette::SourceCode for Snippets {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let text = self.file.text.as_str();
        let lines = self.file.lines();
        let start = span.offset().min(text.len());
        let end = (span.offset() + span.len()).min(text.len());
        // A window of whole lines with a line to spare on each side, so that miette,
        // reading the window, finds the same context lines as in the whole text.
        let first_line = lines.line_of(start).saturating_sub(context_lines_before + 1);
        let last_line = lines.line_of(end) + context_lines_after + 2;
        let window_start = lines.starts[first_line];
        let window_end = lines.starts.get(last_line).copied().unwrap_or(text.len());
        let window = &text[window_start..window_end];
        let inner = miette::SourceSpan::new((start - window_start).into(), end - start);
        let contents = window.read_span(&inner, context_lines_before, context_lines_after)?;
        let lines_before = first_line + lines.lone_returns.partition_point(|&r| r < window_start);
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.file.name.clone(),
            contents.data(),
            miette::SourceSpan::new((contents.span().offset() + window_start).into(), contents.span().len()),
            contents.line() + lines_before,
            contents.column(),
            contents.line_count() + lines_before,
        )))
    }
}

/// Secondary labels further than this many lines from the primary one are drawn as a
/// separate snippet: miette draws every line between two labels of one snippet.
const NEARBY_LINES: usize = 6;

/// A diagnostic joined to its source, ready for miette's renderers.
#[derive(Debug)]
struct Report {
    code: Option<Code>,
    severity: miette::Severity,
    message: String,
    help: Option<String>,
    labels: Vec<Label>,
    related: Vec<Report>,
    source: Snippets,
}

impl Report {
    fn new(diagnostic: &Diagnostic, file: &SourceFile) -> Report {
        let source = || Snippets { file: file.clone() };
        let line_of = |offset: usize| file.line_column(offset).line;
        let primary_line = diagnostic.primary().map(|s| line_of(s.start));
        let mut near: Vec<&Label> = Vec::new();
        let mut far: Vec<&Label> = Vec::new();
        for (i, label) in diagnostic.labels.iter().enumerate() {
            let close = primary_line.is_some_and(|p| line_of(label.span.start).abs_diff(p) <= NEARBY_LINES);
            if i == 0 || close {
                near.push(label);
            } else {
                far.push(label);
            }
        }
        Report {
            code: Some(diagnostic.code),
            severity: match diagnostic.severity() {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
            },
            message: diagnostic.message.clone(),
            help: diagnostic.help.clone(),
            labels: near.into_iter().cloned().collect(),
            related: far
                .into_iter()
                .map(|label| Report {
                    code: None,
                    severity: miette::Severity::Advice,
                    message: label.message.clone(),
                    help: None,
                    labels: vec![Label { span: label.span.clone(), message: String::new() }],
                    related: Vec::new(),
                    source: source(),
                })
                .collect(),
            source: source(),
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.code.map(|c| Box::new(c.as_str()) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        (!self.labels.is_empty()).then_some(&self.source as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let len = self.source.file.text.len();
        let labels = self.labels.iter().enumerate().map(move |(i, label)| {
            let start = label.span.start.min(len);
            let end = label.span.end.clamp(start, len);
            let text = (!label.message.is_empty()).then(|| label.message.clone());
            if i == 0 {
                miette::LabeledSpan::new_primary_with_span(text, start..end)
            } else {
                miette::LabeledSpan::new_with_span(text, start..end)
            }
        });
        Some(Box::new(labels))
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|r| r as &dyn miette::Diagnostic)))
    }
}

/// How to draw diagnostics as text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Unicode box drawing and ANSI colours, for terminals.
    Color,
    /// Unicode without colours, for files, pipes and snapshot tests.
    Plain,
}

/// Renders diagnostics for people: `file:line:column`, the source line underlined, help.
pub fn render(diagnostics: &[Diagnostic], file: &SourceFile, style: Style) -> String {
    let theme = match style {
        Style::Color => miette::GraphicalTheme::unicode(),
        Style::Plain => miette::GraphicalTheme::unicode_nocolor(),
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme).with_width(100).with_links(false);
    let mut out = String::new();
    for diagnostic in diagnostics {
        let report = Report::new(diagnostic, file);
        if handler.render_report(&mut out, &report).is_err() {
            out.push_str(&format!("{}: {}\n", diagnostic.code, diagnostic.message));
        }
        if diagnostic.labels.is_empty() {
            out.push_str(&format!("  --> {}\n", file.name));
        }
    }
    out
}

/// The machine-readable form of a diagnostic, for `--format json`.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct JsonDiagnostic {
    /// The file.
    pub file: String,
    /// `error` or `warning`.
    pub severity: Severity,
    /// The stable code.
    pub code: Code,
    /// What is wrong.
    pub message: String,
    /// Start of the primary location, if any.
    pub start: Option<LineColumn>,
    /// End of the primary location, if any.
    pub end: Option<LineColumn>,
    /// What to do about it.
    pub help: Option<String>,
    /// Every labelled location.
    pub labels: Vec<JsonLabel>,
}

/// A labelled location in [`JsonDiagnostic`].
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct JsonLabel {
    /// Where it starts.
    pub start: LineColumn,
    /// Where it ends.
    pub end: LineColumn,
    /// What it says.
    pub message: String,
}

impl JsonDiagnostic {
    /// Converts a diagnostic, computing lines and columns from `file`.
    pub fn new(diagnostic: &Diagnostic, file: &SourceFile) -> JsonDiagnostic {
        let at = |offset| file.line_column(offset);
        let labels: Vec<JsonLabel> = diagnostic
            .labels
            .iter()
            .map(|l| JsonLabel { start: at(l.span.start), end: at(l.span.end), message: l.message.clone() })
            .collect();
        JsonDiagnostic {
            file: file.name.clone(),
            severity: diagnostic.severity(),
            code: diagnostic.code,
            message: diagnostic.message.clone(),
            start: labels.first().map(|l| l.start),
            end: labels.first().map(|l| l.end),
            help: diagnostic.help.clone(),
            labels,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.as_str()), "{code} twice");
            let prefix = match code.severity() {
                Severity::Error => 'E',
                Severity::Warning => 'W',
            };
            assert!(code.as_str().starts_with(prefix), "{code}");
        }
    }

    #[test]
    fn counts_print_with_thousands_separated() {
        assert_eq!(thousands(7), "7");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(42_490), "42,490");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn articles_agree_with_their_nouns() {
        assert_eq!(with_article("election"), "an election");
        assert_eq!(with_article("instrument"), "an instrument");
        assert_eq!(with_article("observer"), "an observer");
        assert_eq!(with_article("party"), "a party");
        assert_eq!(with_article("verifier"), "a verifier");
    }

    #[test]
    fn numbers_print_compactly() {
        assert_eq!(number(1e308), "1e308");
        assert_eq!(number(-1e12), "-1000000000000");
        assert_eq!(number(1.5e-9), "1.5e-9");
        assert_eq!(number(0.9), "0.9");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(f64::INFINITY), "inf");
        assert_eq!(number(123456.5), "123456.5");
        assert_eq!(number(1.7976931348623157e308).parse::<f64>(), Ok(f64::MAX));
    }

    #[test]
    fn snippets_read_the_same_lines_as_miettes_own_sources() {
        use miette::SourceCode;
        let text = "a = 1\r\nbé = 2\rc = 3\n\n[table]\nkey = \"value\"\nlast = 9\nno newline at end";
        let file = SourceFile::new("f.toml", text);
        let windowed = Snippets { file: file.clone() };
        for start in 0..text.len() {
            for len in [0, 1, 3, 12] {
                if !text.is_char_boundary(start) || !text.is_char_boundary((start + len).min(text.len())) {
                    continue;
                }
                let span = miette::SourceSpan::new(start.into(), len.min(text.len() - start));
                for (before, after) in [(0, 0), (1, 1), (2, 3)] {
                    let ours = windowed.read_span(&span, before, after).unwrap();
                    let theirs = text.read_span(&span, before, after).unwrap();
                    let what = format!("span {start}+{len}, context {before}/{after}");
                    assert_eq!(ours.data(), theirs.data(), "{what}");
                    assert_eq!(ours.span(), theirs.span(), "{what}");
                    assert_eq!((ours.line(), ours.column()), (theirs.line(), theirs.column()), "{what}");
                }
            }
        }
    }

    #[test]
    fn line_columns_count_characters() {
        let text = "ab\nçd\n";
        assert_eq!(line_column(text, 0), LineColumn { line: 1, column: 1 });
        assert_eq!(line_column(text, 3), LineColumn { line: 2, column: 1 });
        assert_eq!(line_column(text, 5), LineColumn { line: 2, column: 2 });
        assert_eq!(line_column(text, 4), LineColumn { line: 2, column: 1 });
        assert_eq!(line_column(text, 999), LineColumn { line: 3, column: 1 });
    }

    #[test]
    fn renders_location_and_help() {
        let file = SourceFile::new("a.toml", "x = 1\ny = 2\n");
        let diagnostic = Diagnostic::new(Code::UnknownField, "unknown key `y`")
            .label(Some(6..7), "not a key of this table")
            .help("remove it");
        let text = render(&[diagnostic], &file, Style::Plain);
        assert!(text.contains("a.toml:2:1"), "{text}");
        assert!(text.contains("E004"), "{text}");
        assert!(text.contains("remove it"), "{text}");
    }
}
