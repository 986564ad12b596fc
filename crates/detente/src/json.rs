//! The JSON layer: every operation of the library as JSON in, JSON out, for front ends
//! that do not speak Rust (the server's handlers, a browser worker, the Python binding).
//!
//! One entry point, [`call`], takes an operation's name and its request and always
//! answers with an envelope: `{"ok": ANSWER}` or `{"error": ERROR}`, never a panic and
//! never a bare string. Each request and answer has a JSON Schema ([`schemas`],
//! written to `docs/library.schema.json`), and docs/library.md documents them.
//!
//! The layer is stateless: a request carries the agreement's text and the record's
//! events, and the answer is computed through the same [`crate::History`] a server
//! keeps. It adds no rule: its answers are the library's, serialized.

use schemars::{JsonSchema, Schema};
use serde::{Deserialize, Serialize};

use crate::solve::{EquilibriumProfile, GameFormat, SolveNote, SolveOptions};
use crate::{
    Agreement, Analysis, AnalyzeOptions, CompareReport, Date, Diagnostic, Error, EventRecord, Explanation,
    Format, History, SimulateOptions, State, Summary, Transition,
};

/// An agreement's text, as a request carries it.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgreementText {
    /// What diagnostics call the text (its file name, usually).
    pub name: String,
    /// The text.
    pub text: String,
    /// `toml` (the language, the default) or `json` (the normalized form).
    #[serde(default)]
    pub format: TextFormat,
}

/// The format of an agreement's text.
#[derive(Clone, Copy, Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TextFormat {
    /// The language of docs/language.md.
    #[default]
    Toml,
    /// The normalized JSON of docs/normalized-json.md.
    Json,
}

/// `check`: the diagnostics of an agreement's text.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckRequest {
    /// The agreement.
    pub agreement: AgreementText,
}

/// The answer to `check`.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct CheckAnswer {
    /// Whether the text has no error (warnings allowed).
    pub valid: bool,
    /// Every error and warning, located.
    pub diagnostics: Vec<Diagnostic>,
}

/// `state`: the state of an agreement on a date, after a record of events.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StateRequest {
    /// The agreement.
    pub agreement: AgreementText,
    /// The record, in the order the events were received (dates in any order).
    #[serde(default)]
    pub events: Vec<EventRecord>,
    /// Follow this party's own reading of the agreement (see `readings`), not the
    /// common text.
    #[serde(default)]
    pub reading: Option<String>,
    /// The date: the state at its end.
    #[schemars(with = "String")]
    pub at: Date,
}

/// `timeline`: every status change from adoption to a date.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimelineRequest {
    /// The agreement.
    pub agreement: AgreementText,
    /// The record.
    #[serde(default)]
    pub events: Vec<EventRecord>,
    /// Follow this party's own reading of the agreement (see `readings`), not the
    /// common text.
    #[serde(default)]
    pub reading: Option<String>,
    /// The last date.
    #[schemars(with = "String")]
    pub to: Date,
}

/// `explain`: why an item stands as it does on a date.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExplainRequest {
    /// The agreement.
    pub agreement: AgreementText,
    /// The record.
    #[serde(default)]
    pub events: Vec<EventRecord>,
    /// Follow this party's own reading of the agreement (see `readings`), not the
    /// common text.
    #[serde(default)]
    pub reading: Option<String>,
    /// The date.
    #[schemars(with = "String")]
    pub at: Date,
    /// The item's id.
    pub id: String,
}

/// `simulate`: the agreement's futures, summarized.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SimulateRequest {
    /// The agreement.
    pub agreement: AgreementText,
    /// A record to continue: when given, the futures start from its last date
    /// ([`History::simulate`]); otherwise from adoption.
    #[serde(default)]
    pub events: Option<Vec<EventRecord>>,
    /// What to change of the file's `[simulation]` table.
    #[serde(default, flatten)]
    pub options: SimulateOptions,
}

/// `compare`: several designs on common random numbers (the first is the reference).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CompareRequest {
    /// The designs, at least two.
    pub designs: Vec<AgreementText>,
    /// What to change of the reference's `[simulation]` table (all designs follow it).
    #[serde(default, flatten)]
    pub options: SimulateOptions,
}

/// `readings`: where the parties' own readings of the agreement lead to other statuses
/// than the common text on a date.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadingsRequest {
    /// The agreement.
    pub agreement: AgreementText,
    /// The record.
    #[serde(default)]
    pub events: Vec<EventRecord>,
    /// The date.
    #[schemars(with = "String")]
    pub at: Date,
}

/// The answer to `readings`.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ReadingsAnswer {
    /// The parties that published a reading of their own, in file order.
    pub readers: Vec<String>,
    /// Every commitment whose status differs under some reading (empty when none
    /// does, or when no party published a reading).
    pub differences: Vec<crate::ReadingDifference>,
}

/// `analyze`: deterrence, self-enforcement and learning.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnalyzeRequest {
    /// The agreement.
    pub agreement: AgreementText,
    /// The analyses' assumptions that are not in the file.
    #[serde(default, flatten)]
    pub options: AnalyzeOptions,
}

/// `solve`: exact equilibria of a game in Gambit's formats.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SolveRequest {
    /// The game's text (`.nfg` or `.efg`).
    pub game: String,
    /// `nfg` or `efg`, used only when the text does not start with `NFG` or `EFG`.
    #[serde(default)]
    pub format: Option<GameFormat>,
    /// One equilibrium only.
    #[serde(default)]
    pub one: bool,
}

/// The answer to `solve`.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct SolveAnswer {
    /// The game's title.
    pub title: String,
    /// The form of the game.
    pub format: GameFormat,
    /// The players' names.
    pub players: Vec<String>,
    /// How the equilibria were found, in words.
    pub method: String,
    /// Each equilibrium: probabilities and payoffs as exact rational strings (`"1/3"`).
    pub equilibria: Vec<SolvedEquilibrium>,
    /// What to know beside the answer (for example, that a degenerate game's continua
    /// are not listed).
    pub notes: Vec<SolveNote>,
}

/// One equilibrium in [`SolveAnswer`].
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct SolvedEquilibrium {
    /// For a strategic game, each player's probability of each strategy; for a tree,
    /// each player's probability of each action at each of its information sets.
    pub profile: EquilibriumProfile,
    /// Each player's expected payoff.
    pub payoffs: Vec<String>,
}

/// An error, as the JSON layer answers it.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ErrorAnswer {
    /// `invalid_request`, `invalid_agreement`, `invalid_event`, `invalid_game`,
    /// `not_found`, `beyond_limits`, `cancelled` or `internal`.
    pub kind: &'static str,
    /// What is wrong, in one line.
    pub message: String,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// For a refused event: its position in the request's `events`, from 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<u32>,
    /// For a refused event: the field at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
    /// For a game's text that is not a game: where the fault is (`line`, `column`).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub at: Option<Box<TextPosition>>,
    /// For an invalid agreement: every diagnostic, located.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<Diagnostic>,
}

/// A place in a text, from 1.
#[derive(Clone, Copy, Debug, Serialize, JsonSchema)]
pub struct TextPosition {
    /// Line, from 1.
    pub line: usize,
    /// Column, in characters, from 1.
    pub column: usize,
}

/// The operations [`call`] knows, with the schemas of their request and answer.
pub const OPERATIONS: [&str; 9] =
    ["check", "state", "timeline", "explain", "readings", "simulate", "compare", "analyze", "solve"];

/// Runs an operation on a JSON request and answers `{"ok": ...}` or `{"error": ...}`.
///
/// ```
/// let request = serde_json::json!({
///     "agreement": { "name": "deal.toml", "text": detente_spec::starter("deal") },
///     "events": [{ "date": "2026-02-01", "actor": "beta", "kind": "performed", "subject": "freeze-enrichment" }],
///     "at": "2026-03-01",
/// });
/// let answer: serde_json::Value = serde_json::from_str(&detente::json::call("state", &request.to_string())).unwrap();
/// assert_eq!(answer["ok"]["commitments"][0]["status"], "performed");
/// ```
pub fn call(operation: &str, request: &str) -> String {
    let answer = match operation {
        "check" => parse(request).and_then(|r| check(&r)).and_then(to_value),
        "state" => parse(request).and_then(|r| state(&r)).and_then(to_value),
        "timeline" => parse(request).and_then(|r| timeline(&r)).and_then(to_value),
        "explain" => parse(request).and_then(|r| explain(&r)).and_then(to_value),
        "readings" => parse(request).and_then(|r| readings(&r)).and_then(to_value),
        "simulate" => parse(request).and_then(|r| simulate(&r)).and_then(to_value),
        "compare" => parse(request).and_then(|r| compare(&r)).and_then(to_value),
        "analyze" => parse(request).and_then(|r| analyze(&r)).and_then(to_value),
        "solve" => parse(request).and_then(|r| solve(&r)).and_then(to_value),
        other => Err(unknown_operation(other)),
    };
    let envelope = match answer {
        Ok(value) => serde_json::json!({ "ok": value }),
        Err(error) => serde_json::json!({ "error": error }),
    };
    envelope.to_string()
}

/// `check`.
pub fn check(request: &CheckRequest) -> Result<CheckAnswer, ErrorAnswer> {
    let a = &request.agreement;
    let diagnostics = crate::check(&a.name, &a.text, format(a.format)).map_err(|e| answer(e, None))?;
    let valid = !diagnostics.iter().any(|d| d.severity == detente_spec::Severity::Error);
    Ok(CheckAnswer { valid, diagnostics })
}

/// `state`.
pub fn state(request: &StateRequest) -> Result<State, ErrorAnswer> {
    let history = read_by(history(&request.agreement, &request.events)?, request.reading.as_deref())?;
    history.state(request.at).map_err(|e| answer(e, None))
}

/// `timeline`.
pub fn timeline(request: &TimelineRequest) -> Result<Vec<Transition>, ErrorAnswer> {
    let history = read_by(history(&request.agreement, &request.events)?, request.reading.as_deref())?;
    Ok(history.timeline(request.to))
}

/// `explain`.
pub fn explain(request: &ExplainRequest) -> Result<Explanation, ErrorAnswer> {
    let history = read_by(history(&request.agreement, &request.events)?, request.reading.as_deref())?;
    history.explain(request.at, &request.id).map_err(|e| answer(e, None))
}

/// `readings`.
pub fn readings(request: &ReadingsRequest) -> Result<ReadingsAnswer, ErrorAnswer> {
    let history = history(&request.agreement, &request.events)?;
    let differences = history.reading_differences(request.at).map_err(|e| answer(e, None))?;
    let readers = history.agreement().readers().into_iter().map(str::to_string).collect();
    Ok(ReadingsAnswer { readers, differences: differences.unwrap_or_default() })
}

/// The history under `party`'s reading, if one is asked for.
fn read_by(history: History, party: Option<&str>) -> Result<History, ErrorAnswer> {
    match party {
        Some(party) => history.as_read_by(party).map_err(|e| answer(e, None)),
        None => Ok(history),
    }
}

/// `simulate` (not cancellable through the layer: a front end that needs to cancel
/// calls [`Agreement::simulate`] with its own [`crate::Control`]).
pub fn simulate(request: &SimulateRequest) -> Result<Summary, ErrorAnswer> {
    let control = crate::Control::new(&|_| {});
    match &request.events {
        Some(events) => history(&request.agreement, events)?.simulate(request.options, &control),
        None => {
            let a = &request.agreement;
            let agreement =
                Agreement::from_text(&a.name, &a.text, format(a.format)).map_err(|e| answer(e, None))?;
            agreement.simulate(request.options, &control)
        }
    }
    .map_err(|e| answer(e, None))
}

/// `compare`.
pub fn compare(request: &CompareRequest) -> Result<CompareReport, ErrorAnswer> {
    let designs = request
        .designs
        .iter()
        .map(|a| Agreement::from_text(&a.name, &a.text, format(a.format)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| answer(e, None))?;
    crate::compare(&designs, request.options, &crate::Control::new(&|_| {})).map_err(|e| answer(e, None))
}

/// `analyze`.
pub fn analyze(request: &AnalyzeRequest) -> Result<Analysis, ErrorAnswer> {
    let a = &request.agreement;
    let agreement = Agreement::from_text(&a.name, &a.text, format(a.format)).map_err(|e| answer(e, None))?;
    agreement.analyze(request.options).map_err(|e| answer(e, None))
}

/// `solve`.
///
/// ```
/// let request = detente::json::SolveRequest {
///     game: "NFG 1 R \"pennies\" { \"1\" \"2\" } { 2 2 }\n1 -1 -1 1 -1 1 1 -1\n".into(),
///     format: None,
///     one: false,
/// };
/// let answer = detente::json::solve(&request).unwrap();
/// assert_eq!(answer.equilibria[0].payoffs, ["0", "0"]);
/// ```
pub fn solve(request: &SolveRequest) -> Result<SolveAnswer, ErrorAnswer> {
    let options = SolveOptions { one: request.one };
    let solution =
        crate::solve::solve(&request.game, request.format, options).map_err(|e| answer(e, None))?;
    let equilibria = (0..solution.len())
        .map(|k| SolvedEquilibrium { profile: solution.profile(k), payoffs: solution.payoffs(k) })
        .collect();
    Ok(SolveAnswer {
        title: solution.title().to_string(),
        format: solution.format(),
        players: solution.players().to_vec(),
        method: solution.method(),
        equilibria,
        notes: solution.notes.clone(),
    })
}

/// The JSON Schema of each operation's request and answer, by operation, and of the
/// error answer (`"error"`).
///
/// ```
/// let schemas = detente::json::schemas();
/// for operation in detente::json::OPERATIONS {
///     assert!(schemas[operation]["request"].is_object() && schemas[operation]["answer"].is_object());
/// }
/// ```
pub fn schemas() -> serde_json::Value {
    let pair = |request: Schema, answer: Schema| serde_json::json!({ "request": request, "answer": answer });
    serde_json::json!({
        "check": pair(schemars::schema_for!(CheckRequest), schemars::schema_for!(CheckAnswer)),
        "state": pair(schemars::schema_for!(StateRequest), schemars::schema_for!(State)),
        "timeline": pair(schemars::schema_for!(TimelineRequest), schemars::schema_for!(Vec<Transition>)),
        "explain": pair(schemars::schema_for!(ExplainRequest), schemars::schema_for!(Explanation)),
        "readings": pair(schemars::schema_for!(ReadingsRequest), schemars::schema_for!(ReadingsAnswer)),
        "simulate": pair(schemars::schema_for!(SimulateRequest), schemars::schema_for!(Summary)),
        "compare": pair(schemars::schema_for!(CompareRequest), schemars::schema_for!(CompareReport)),
        "analyze": pair(schemars::schema_for!(AnalyzeRequest), schemars::schema_for!(Analysis)),
        "solve": pair(schemars::schema_for!(SolveRequest), schemars::schema_for!(SolveAnswer)),
        "error": schemars::schema_for!(ErrorAnswer),
    })
}

fn history(text: &AgreementText, events: &[EventRecord]) -> Result<History, ErrorAnswer> {
    let agreement =
        Agreement::from_text(&text.name, &text.text, format(text.format)).map_err(|e| answer(e, None))?;
    let mut history = History::new(&agreement);
    for (i, event) in events.iter().enumerate() {
        history.append(event.clone()).map_err(|e| answer(e, Some(u32::try_from(i).unwrap_or(u32::MAX))))?;
    }
    Ok(history)
}

fn format(format: TextFormat) -> Format {
    match format {
        TextFormat::Toml => Format::Toml,
        TextFormat::Json => Format::Json,
    }
}

fn parse<T: serde::de::DeserializeOwned>(request: &str) -> Result<T, ErrorAnswer> {
    serde_json::from_str(request).map_err(|e| ErrorAnswer {
        kind: "invalid_request",
        message: format!("the request is not valid: {e}"),
        help: Some("see docs/library.md for each operation's request, and docs/library.schema.json".into()),
        event: None,
        field: None,
        at: None,
        diagnostics: Vec::new(),
    })
}

fn unknown_operation(name: &str) -> ErrorAnswer {
    ErrorAnswer {
        kind: "invalid_request",
        message: format!("no operation is called `{name}`"),
        help: Some(format!("operations: {}", OPERATIONS.join(", "))),
        event: None,
        field: None,
        at: None,
        diagnostics: Vec::new(),
    }
}

/// The library's error as the layer answers it, for front ends that hold a
/// [`History`] themselves (the server) and must answer refusals exactly as the layer
/// does.
///
/// ```
/// use detente::{Agreement, EventRecord, Format, History};
/// let agreement = Agreement::from_text("deal.toml", &detente_spec::starter("deal"), Format::Toml)?;
/// let mut history = History::new(&agreement);
/// let refused = history.append(EventRecord { actor: Some("gamma".into()), ..EventRecord::default() }).unwrap_err();
/// let answer = detente::json::error_answer(refused);
/// assert_eq!(answer.kind, "invalid_event");
/// # Ok::<(), detente::Error>(())
/// ```
pub fn error_answer(error: Error) -> ErrorAnswer {
    answer(error, None)
}

/// The library's error as the layer answers it; `event` is the position of the event
/// being appended, if one was.
fn answer(error: Error, event: Option<u32>) -> ErrorAnswer {
    use miette::Diagnostic as _;
    let help = error.help().map(|h| h.to_string()).filter(|h| !h.is_empty());
    let kind = match error.kind() {
        crate::ErrorKind::InvalidAgreement => "invalid_agreement",
        crate::ErrorKind::InvalidEvent => "invalid_event",
        crate::ErrorKind::NotFound => "not_found",
        crate::ErrorKind::InvalidRequest => "invalid_request",
        crate::ErrorKind::InvalidGame => "invalid_game",
        crate::ErrorKind::BeyondLimits => "beyond_limits",
        crate::ErrorKind::Cancelled => "cancelled",
        crate::ErrorKind::Internal => "internal",
    };
    let message = match event {
        Some(i) => format!("event {i} of the request: {error}"),
        None => error.to_string(),
    };
    let at = match &error {
        Error::Game(crate::solve::SolveError::Unreadable(e)) => {
            Some(Box::new(TextPosition { line: e.line, column: e.column }))
        }
        _ => None,
    };
    let (field, diagnostics) = match error {
        Error::EventRefused(refused) => (refused.field, Vec::new()),
        Error::InvalidAgreement { diagnostics } => (None, diagnostics),
        _ => (None, Vec::new()),
    };
    ErrorAnswer { kind, message, help, event, field, at, diagnostics }
}

/// Every answer type serializes to JSON (derived, with string keys): a failure would
/// be a bug, answered as one rather than a panic.
fn to_value<T: Serialize>(answer: T) -> Result<serde_json::Value, ErrorAnswer> {
    serde_json::to_value(answer).map_err(|e| ErrorAnswer {
        kind: "internal",
        message: format!("internal error: the answer could not be written as JSON: {e}"),
        help: Some("this is a bug in detente; please report it with the request".into()),
        event: None,
        field: None,
        at: None,
        diagnostics: Vec::new(),
    })
}
