//! The one error type of the library.
//!
//! Every refusal says what was wrong, where (file, line and column for text; the field
//! for an event) and, where there is one, what to do about it: a front end shows it to
//! a person as it is. It implements [`std::error::Error`] and [`miette::Diagnostic`], so
//! a command line renders it with its help and a server maps it to a problem document
//! by [`Error::kind`].

use detente_engine::log::LogError;
use detente_engine::readings::ReadingError;
use detente_engine::DateBeforeAdoption;
use detente_game::beliefs::BeliefsError;
use detente_game::solve::SolveError;
use detente_game::types_game::TypesGameError;
use detente_sim::TallyError;
use detente_spec::diagnostic::JsonDiagnostic;

/// Why the library refused a request.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum Error {
    /// The agreement's text has errors (its warnings are listed beside them).
    #[error("{}", invalid_agreement(.diagnostics))]
    #[diagnostic(code(detente::invalid_agreement), help("{}", first_help(.diagnostics)))]
    InvalidAgreement {
        /// Every error and warning, located by line and column.
        diagnostics: Vec<JsonDiagnostic>,
    },
    /// A text longer than the library reads ([`crate::MAX_AGREEMENT_BYTES`]).
    #[error("{name} is too large to be an agreement: {bytes} bytes, above the {} MiB detente reads", .limit >> 20)]
    #[diagnostic(
        code(detente::too_large),
        help("the largest bundled agreement is 29 KB; check that it is the right file")
    )]
    TooLarge {
        /// The file's name.
        name: String,
        /// Its length.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// An event was refused: nothing was recorded.
    #[error("{0}")]
    #[diagnostic(transparent)]
    EventRefused(#[from] EventRefused),
    /// A log's text has bad lines: nothing was recorded.
    #[error("{}", invalid_log(.errors))]
    #[diagnostic(code(detente::invalid_log), help("{}", .errors.first().and_then(|e| e.help.clone()).unwrap_or_default()))]
    InvalidLog {
        /// Every bad line found (at most [`detente_engine::log::MAX_LISTED_ERRORS`],
        /// then a count).
        errors: Vec<LogError>,
    },
    /// A date before the agreement existed.
    #[error(transparent)]
    #[diagnostic(code(detente::before_adoption), help("ask about a date from the signing or adoption on"))]
    BeforeAdoption(#[from] DateBeforeAdoption),
    /// The simulation's assumptions cannot be used as given (an override out of range,
    /// numbers too large for exact tallies).
    #[error("the simulation's assumptions cannot be used: {}{source}", in_design(.design))]
    #[diagnostic(code(detente::invalid_assumptions), help("see the [simulation] table in docs/language.md"))]
    InvalidAssumptions {
        /// The design at fault, in a comparison of several (its agreement id).
        design: Option<String>,
        /// What is wrong, as the simulator says it.
        #[source]
        source: detente_sim::Error,
    },
    /// A comparison of fewer than two designs.
    #[error("a comparison needs at least two designs, not {designs}")]
    #[diagnostic(code(detente::too_few_designs))]
    TooFewDesigns {
        /// The designs given.
        designs: usize,
    },
    /// The caller cancelled a long computation; nothing was returned.
    #[error("cancelled")]
    #[diagnostic(code(detente::cancelled))]
    Cancelled,
    /// Parts of the library disagreed (the checker accepted what the engine refused):
    /// a bug, to be reported with the input that caused it.
    #[error("internal error: {source}")]
    #[diagnostic(code(detente::internal), help("this is a bug in detente; please report it with the input"))]
    Internal {
        /// The refusing part's error (the engine's [`detente_engine::compiled::CompileError`]
        /// or [`detente_engine::log::Problem`]).
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// An id that names nothing in the agreement.
    #[error("no item of the agreement has the id `{id}`")]
    #[diagnostic(code(detente::unknown_item))]
    UnknownItem {
        /// The id asked for.
        id: String,
        /// The closest id, if one is close.
        #[help]
        suggestion: Option<String>,
    },
    /// A game was not solved: its text is not a game ([`SolveError::Unreadable`],
    /// located), or it is beyond what the exact solvers finish (the reason says which
    /// limit, and what to ask instead).
    #[error("{0}")]
    #[diagnostic(code(detente::game))]
    Game(#[source] SolveError),
    /// A prior (`[simulation.prior.PARTY]`) cannot be used for the learning analysis.
    #[error("the learning analysis cannot use the priors: {0}")]
    #[diagnostic(code(detente::beliefs), help("see [simulation.prior.PARTY] in docs/language.md"))]
    Beliefs(#[source] BeliefsError),
    /// The phased game with types cannot be built or solved as asked.
    #[error("the game with types: {0}")]
    #[diagnostic(code(detente::types_game))]
    TypesGame(#[source] TypesGameError),
    /// Results too large for the exact tallies (relief of astronomical weight, or a
    /// comparison's paired variances past 128 bits): refused rather than rounded.
    #[error("{0}")]
    #[diagnostic(code(detente::tally), help("state values on a smaller scale, or simulate fewer futures"))]
    Tally(#[source] TallyError),
    /// A party's reading was asked for that the agreement does not have.
    #[error("{0}")]
    #[diagnostic(code(detente::reading), help("{}", .0.help()))]
    Reading(#[source] ReadingError),
    /// An option of a request is out of its range.
    #[error("{option}: {message}")]
    #[diagnostic(code(detente::invalid_option))]
    InvalidOption {
        /// The option (`discount`, `inspection_cost`, ...).
        option: &'static str,
        /// What is wrong with its value.
        message: String,
    },
}

/// The broad kind of an [`Error`], for front ends that map errors to their own codes
/// (an HTTP status, a Python exception class) in one place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The agreement's text is invalid.
    InvalidAgreement,
    /// An event or a log was refused.
    InvalidEvent,
    /// A request named a date or an item the agreement does not have.
    NotFound,
    /// A request's option is out of its range.
    InvalidRequest,
    /// A game's text is not a game in its format.
    InvalidGame,
    /// A computation beyond the exact solvers' limits (the message says which).
    BeyondLimits,
    /// The caller cancelled.
    Cancelled,
    /// A bug in detente.
    Internal,
}

impl Error {
    /// The broad kind of the error.
    ///
    /// ```
    /// use detente::{Agreement, ErrorKind, Format};
    /// let refused = Agreement::from_text("bad.toml", "[agreement]\nid = 3\n", Format::Toml).unwrap_err();
    /// assert_eq!(refused.kind(), ErrorKind::InvalidAgreement);
    /// ```
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidAgreement { .. }
            | Error::TooLarge { .. }
            | Error::InvalidAssumptions { .. }
            | Error::TooFewDesigns { .. } => ErrorKind::InvalidAgreement,
            Error::Cancelled => ErrorKind::Cancelled,
            Error::EventRefused(_) | Error::InvalidLog { .. } => ErrorKind::InvalidEvent,
            Error::BeforeAdoption(_) | Error::UnknownItem { .. } => ErrorKind::NotFound,
            Error::Internal { .. } | Error::Game(SolveError::Unverified) => ErrorKind::Internal,
            Error::Game(SolveError::Unreadable(_)) => ErrorKind::InvalidGame,
            Error::Game(_) => ErrorKind::BeyondLimits,
            Error::InvalidOption { .. } | Error::TypesGame(TypesGameError::Discount) => {
                ErrorKind::InvalidRequest
            }
            Error::Beliefs(_) => ErrorKind::InvalidAgreement,
            Error::Reading(ReadingError::Compile { .. }) => ErrorKind::Internal,
            Error::Reading(_) => ErrorKind::NotFound,
            Error::TypesGame(_) | Error::Tally(_) => ErrorKind::BeyondLimits,
        }
    }
}

/// Why an event was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
#[error("{}{message}", field.map(|f| format!("`{f}`: ")).unwrap_or_default())]
#[diagnostic(code(detente::event_refused))]
pub struct EventRefused {
    /// The field at fault (`date`, `actor`, `kind`, `subject`, `id`, ...), if one is.
    pub field: Option<&'static str>,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    #[help]
    pub help: Option<String>,
}

impl From<LogError> for EventRefused {
    fn from(e: LogError) -> EventRefused {
        EventRefused { field: e.field, message: e.message, help: e.help }
    }
}

fn invalid_agreement(diagnostics: &[JsonDiagnostic]) -> String {
    let errors: Vec<&JsonDiagnostic> =
        diagnostics.iter().filter(|d| d.severity == detente_spec::Severity::Error).collect();
    let Some(first) = errors.first() else { return "the agreement is invalid".into() };
    let at = first.start.map(|s| format!(":{}:{}", s.line, s.column)).unwrap_or_default();
    let more = match errors.len() {
        1 => String::new(),
        n => format!(" (and {} more error(s))", n - 1),
    };
    format!("{}{at}: {} [{}]{more}", first.file, first.message, first.code)
}

fn in_design(design: &Option<String>) -> String {
    design.as_ref().map(|d| format!("{d}: ")).unwrap_or_default()
}

fn first_help(diagnostics: &[JsonDiagnostic]) -> String {
    diagnostics
        .iter()
        .find(|d| d.severity == detente_spec::Severity::Error)
        .and_then(|d| d.help.clone())
        .unwrap_or_else(|| "run `detente check` on the file to see every diagnostic".into())
}

fn invalid_log(errors: &[LogError]) -> String {
    match errors {
        [] => "the log is invalid".into(),
        [only] => format!("the log has a bad line: {only}"),
        [first, rest @ ..] => format!("the log has bad lines: {first} (and {} more)", rest.len()),
    }
}
