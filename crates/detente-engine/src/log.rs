//! Event logs: what happened, one event per line, as JSON Lines or CSV.
//!
//! A log is accepted whole or not at all. Loading checks every line against the
//! agreement (ids, who may assert what, dates) and reports *every* bad line with its
//! number; only `lenient` loading skips bad lines, and then it lists them. Nothing is
//! dropped silently.

use std::collections::HashMap;

use detente_spec::model::EventKind;
use detente_spec::suggest::closest;
use detente_spec::time::{parse_date, Date};
use serde::{Deserialize, Serialize};

use crate::compiled::Agreement;

/// What an event is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "index", rename_all = "lowercase")]
pub enum Subject {
    /// Nothing (a withdrawal).
    None,
    /// A commitment.
    Commitment(usize),
    /// A power.
    Power(usize),
    /// An instrument.
    Instrument(usize),
    /// A quantity.
    Quantity(usize),
}

/// One accepted event.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Event {
    /// Its position in the accepted log, from 0.
    pub index: usize,
    /// The line it came from, from 1.
    pub line: usize,
    /// Its id, if it has one.
    pub id: Option<String>,
    /// When it happened.
    pub date: Date,
    /// Who asserts it (a party index).
    pub actor: usize,
    /// What kind of event it is.
    pub kind: EventKind,
    /// What it is about.
    pub subject: Subject,
    /// A measurement, or the days of an extension.
    pub value: Option<f64>,
    /// For a violation claimed or verified: the bound party accused (by default, every
    /// bound party but the claimant).
    pub against: Option<usize>,
    /// Its public source.
    pub source: Option<String>,
}

/// An accepted log.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Log {
    /// The events, in date order (log order within a date).
    pub events: Vec<Event>,
    /// Lines skipped in lenient mode, with why.
    pub skipped: Vec<LogError>,
}

/// A bad line of a log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LogError {
    /// The line, from 1.
    pub line: usize,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
}

impl std::fmt::Display for LogError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// The format of a log file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per line.
    JsonLines,
    /// Comma-separated values with a header row.
    Csv,
}

impl Format {
    /// The format a file name suggests: `.csv` is CSV, anything else JSON Lines.
    pub fn from_path(path: &std::path::Path) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("csv") => Format::Csv,
            _ => Format::JsonLines,
        }
    }
}

/// An event as written, before it is checked.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvent {
    date: Option<String>,
    actor: Option<String>,
    kind: Option<String>,
    #[serde(default)]
    subject: Option<String>,
    #[serde(default)]
    value: Option<f64>,
    #[serde(default)]
    against: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    id: Option<String>,
}

/// At most this many bad lines are listed; the rest are counted in one last entry, so
/// that a huge bad log cannot exhaust memory with error messages.
pub const MAX_LISTED_ERRORS: usize = 1_000;

/// Loads a log from its text. With `lenient`, bad lines are skipped and listed in
/// [`Log::skipped`]; otherwise any bad line rejects the whole log with every error found
/// (up to [`MAX_LISTED_ERRORS`]).
pub fn load(text: &str, format: Format, agreement: &Agreement, lenient: bool) -> Result<Log, Vec<LogError>> {
    load_from(text.as_bytes(), format, agreement, lenient)
}

/// Loads a log from a reader, line by line: memory holds the accepted events, never the
/// whole text. An unreadable stream or a line that is not UTF-8 is a bad line like any
/// other. A UTF-8 byte-order mark at the start is skipped, in either format.
pub fn load_from(
    reader: impl std::io::Read,
    format: Format,
    agreement: &Agreement,
    lenient: bool,
) -> Result<Log, Vec<LogError>> {
    let mut loader = Loader {
        checker: Checker { agreement, seen_ids: HashMap::new(), last_date: None },
        log: Log::default(),
        errors: Vec::new(),
        unlisted: 0,
        last_line: 0,
    };
    let reader = std::io::BufReader::new(reader);
    match format {
        Format::JsonLines => read_json_lines(reader, &mut |line, raw| loader.take(line, raw)),
        Format::Csv => read_csv(reader, &mut |line, raw| loader.take(line, raw)),
    }
    loader.finish(lenient)
}

/// Checks raw events as they are read, keeping the accepted ones and the errors.
struct Loader<'a> {
    checker: Checker<'a>,
    log: Log,
    errors: Vec<LogError>,
    unlisted: usize,
    last_line: usize,
}

impl Loader<'_> {
    fn take(&mut self, line: usize, raw: Result<RawEvent, LogError>) {
        self.last_line = line;
        match raw.and_then(|raw| self.checker.check(line, raw, self.log.events.len())) {
            Ok(event) => self.log.events.push(event),
            Err(error) if self.errors.len() < MAX_LISTED_ERRORS => self.errors.push(error),
            Err(_) => self.unlisted += 1,
        }
    }

    fn finish(mut self, lenient: bool) -> Result<Log, Vec<LogError>> {
        if self.unlisted > 0 {
            self.errors.push(LogError {
                line: self.last_line,
                message: format!("and {} more bad line(s), not listed", self.unlisted),
                help: Some(format!("only the first {MAX_LISTED_ERRORS} bad lines are listed")),
            });
        }
        if self.errors.is_empty() || lenient {
            self.log.skipped = self.errors;
            Ok(self.log)
        } else {
            Err(self.errors)
        }
    }
}

const BOM: &str = "\u{feff}";

fn read_json_lines(
    mut reader: impl std::io::BufRead,
    take: &mut dyn FnMut(usize, Result<RawEvent, LogError>),
) {
    let mut bytes = Vec::new();
    let mut number = 0;
    loop {
        bytes.clear();
        match reader.read_until(b'\n', &mut bytes) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e) => {
                take(number + 1, Err(error(number + 1, format!("cannot read the log: {e}"), None)));
                return;
            }
        }
        number += 1;
        let line = match std::str::from_utf8(&bytes) {
            Ok(line) => line,
            Err(e) => {
                let message = format!("not UTF-8 text (byte {} of the line)", e.valid_up_to() + 1);
                take(number, Err(error(number, message, Some("save the log as UTF-8".into()))));
                continue;
            }
        };
        let line = if number == 1 { line.strip_prefix(BOM).unwrap_or(line) } else { line };
        if line.trim().is_empty() {
            continue;
        }
        let parsed = serde_json::from_str::<RawEvent>(line).map_err(|e| LogError {
            line: number,
            message: format!("not a valid event: {e}"),
            help: Some(
                "each line is one JSON object: {\"date\": \"2020-03-01\", \"actor\": \"usa\", \"kind\": \"performed\", \"subject\": \"...\"}"
                    .into(),
            ),
        });
        take(number, parsed);
    }
}

const COLUMNS: &[&str] = &["date", "actor", "kind", "subject", "value", "against", "source", "id"];

fn read_csv(reader: impl std::io::Read, take: &mut dyn FnMut(usize, Result<RawEvent, LogError>)) {
    let mut reader = csv::ReaderBuilder::new().flexible(false).trim(csv::Trim::All).from_reader(reader);
    let headers = match reader.headers() {
        Ok(headers) => headers.clone(),
        Err(e) => {
            return take(
                1,
                Err(LogError { line: 1, message: format!("unreadable CSV header: {e}"), help: None }),
            );
        }
    };
    if let Err(e) = check_columns(&headers) {
        return take(1, Err(e));
    }
    for record in reader.records() {
        let line = record.as_ref().ok().and_then(|r| r.position()).map_or(0, |p| p.line() as usize);
        let parsed = record.map_err(|e| LogError {
            line: e.position().map_or(line, |p| p.line() as usize),
            message: format!("unreadable CSV row: {e}"),
            help: Some("every row needs as many fields as the header".into()),
        });
        let raw = parsed.and_then(|record| csv_event(line, &headers, &record));
        take(line, raw);
    }
}

/// Every column must be known, and named once (a second `date` column would silently
/// win over the first).
fn check_columns(headers: &csv::StringRecord) -> Result<(), LogError> {
    for (n, name) in headers.iter().enumerate() {
        let name = name.strip_prefix(BOM).unwrap_or(name);
        if !COLUMNS.contains(&name) {
            let help = closest(name, COLUMNS.iter().copied())
                .map(|s| format!("did you mean `{s}`?"))
                .unwrap_or_else(|| format!("columns are: {}", COLUMNS.join(", ")));
            return Err(LogError { line: 1, message: format!("unknown column `{name}`"), help: Some(help) });
        }
        if headers.iter().take(n).any(|earlier| earlier.strip_prefix(BOM).unwrap_or(earlier) == name) {
            return Err(LogError {
                line: 1,
                message: format!("the column `{name}` appears twice"),
                help: Some("each column may appear once".into()),
            });
        }
    }
    Ok(())
}

fn csv_event(
    line: usize,
    headers: &csv::StringRecord,
    record: &csv::StringRecord,
) -> Result<RawEvent, LogError> {
    let mut raw = RawEvent::default();
    for (name, field) in headers.iter().zip(record.iter()) {
        let name = name.strip_prefix(BOM).unwrap_or(name);
        let field = (!field.is_empty()).then(|| field.to_string());
        match name {
            "date" => raw.date = field,
            "actor" => raw.actor = field,
            "kind" => raw.kind = field,
            "subject" => raw.subject = field,
            "source" => raw.source = field,
            "against" => raw.against = field,
            "id" => raw.id = field,
            _ => {
                raw.value = match field {
                    None => None,
                    Some(text) => Some(text.parse::<f64>().map_err(|_| LogError {
                        line,
                        message: format!("value `{text}` is not a number"),
                        help: None,
                    })?),
                }
            }
        }
    }
    Ok(raw)
}

struct Checker<'a> {
    agreement: &'a Agreement,
    seen_ids: HashMap<String, usize>,
    last_date: Option<Date>,
}

fn error(line: usize, message: impl Into<String>, help: Option<String>) -> LogError {
    LogError { line, message: message.into(), help }
}

impl Checker<'_> {
    fn check(&mut self, line: usize, raw: RawEvent, index: usize) -> Result<Event, LogError> {
        let spec = &self.agreement.spec;
        let date_text = raw.date.ok_or_else(|| error(line, "the event has no `date`", None))?;
        let date = parse_date(&date_text).map_err(|m| error(line, format!("bad date: {m}"), None))?;
        if date < spec.agreement.adopted {
            return Err(error(
                line,
                format!("{date} is before the agreement was adopted ({})", spec.agreement.adopted),
                Some(
                    "events before adoption belong in the instruments' `since` or the quantities' estimates"
                        .into(),
                ),
            ));
        }
        if let Some(last) = self.last_date.filter(|last| date < *last) {
            return Err(error(
                line,
                format!("{date} comes after an event dated {last}: the log is out of date order"),
                Some("sort the log by date; events of the same date keep their order".into()),
            ));
        }
        let actor_id = raw.actor.ok_or_else(|| error(line, "the event has no `actor`", None))?;
        let actor = self.lookup(line, &self.agreement.ids.parties, &actor_id, "party")?;
        let kind_text = raw.kind.ok_or_else(|| error(line, "the event has no `kind`", None))?;
        let kind = EventKind::from_keyword(&kind_text).ok_or_else(|| {
            let words: Vec<&str> = EventKind::ALL.iter().map(|k| k.keyword()).collect();
            let help = closest(&kind_text, words.iter().copied())
                .map(|s| format!("did you mean `{s}`?"))
                .unwrap_or_else(|| format!("kinds are: {}", words.join(", ")));
            error(line, format!("`{kind_text}` is not an event kind"), Some(help))
        })?;
        let subject = self.subject(line, kind, raw.subject.as_deref(), actor)?;
        let value = raw.value;
        let against = match &raw.against {
            Some(id) => Some(self.lookup(line, &self.agreement.ids.parties, id, "party")?),
            None => None,
        };
        validate_event(self.agreement, actor, kind, subject, value, against)
            .map_err(|p| error(line, p.message, p.help))?;
        if let Some(id) = &raw.id {
            if let Some(first) = self.seen_ids.insert(id.clone(), line) {
                return Err(error(line, format!("duplicate event id `{id}` (first on line {first})"), None));
            }
        }
        self.last_date = Some(date);
        Ok(Event { index, line, id: raw.id, date, actor, kind, subject, value, against, source: raw.source })
    }

    fn lookup(
        &self,
        line: usize,
        map: &HashMap<String, usize>,
        id: &str,
        noun: &str,
    ) -> Result<usize, LogError> {
        map.get(id).copied().ok_or_else(|| {
            let help = closest(id, map.keys().map(String::as_str)).map(|s| format!("did you mean `{s}`?"));
            error(line, format!("no {noun} has the id `{id}`"), help)
        })
    }

    fn subject(
        &self,
        line: usize,
        kind: EventKind,
        subject: Option<&str>,
        actor: usize,
    ) -> Result<Subject, LogError> {
        use EventKind::*;
        let ids = &self.agreement.ids;
        let need = |noun: &str| {
            error(line, format!("a `{kind}` event needs a `subject`: the {noun} it is about"), None)
        };
        let actor_id = &self.agreement.spec.party[actor].id;
        match kind {
            Withdrew => match subject {
                None => Ok(Subject::None),
                Some(s) if s == actor_id => Ok(Subject::None),
                Some(s) => Err(error(
                    line,
                    format!("`{actor_id}` cannot withdraw `{s}`"),
                    Some("a party withdraws itself: leave `subject` empty".into()),
                )),
            },
            Performed | Verified | Violation | ViolationVerified | Extended => {
                let c = self.lookup(
                    line,
                    &ids.commitments,
                    subject.ok_or_else(|| need("commitment"))?,
                    "commitment",
                )?;
                Ok(Subject::Commitment(c))
            }
            Measured => Ok(Subject::Quantity(self.lookup(
                line,
                &ids.quantities,
                subject.ok_or_else(|| need("quantity"))?,
                "quantity",
            )?)),
            Invoked => {
                let p = self.lookup(line, &ids.powers, subject.ok_or_else(|| need("power"))?, "power")?;
                Ok(Subject::Power(p))
            }
            Resolved => {
                let s = subject.ok_or_else(|| need("power or commitment"))?;
                match (ids.powers.get(s), ids.commitments.get(s)) {
                    (Some(&p), _) => Ok(Subject::Power(p)),
                    (None, Some(&c)) => Ok(Subject::Commitment(c)),
                    _ => Err(error(line, format!("no power or commitment has the id `{s}`"), None)),
                }
            }
            Imposed | Lifted => Ok(Subject::Instrument(self.lookup(
                line,
                &ids.instruments,
                subject.ok_or_else(|| need("instrument"))?,
                "instrument",
            )?)),
        }
    }
}

/// Why a typed event breaks the agreement's rules of assertion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
}

fn problem(message: impl Into<String>, help: Option<String>) -> Result<(), Problem> {
    Err(Problem { message: message.into(), help })
}

/// Checks a typed event against the agreement: whether the actor may assert its kind,
/// whether its subject is of the right sort, whether the actor is the one who can do
/// it (a bound party performs, the verifier verifies, a holder invokes), and whether
/// its value is what the kind needs, and whether the party it accuses (`against`) is one
/// the commitment binds. Log loading and [`crate::Machine::push`] both use it, so an
/// event means the same whichever way it arrives.
pub fn validate_event(
    agreement: &Agreement,
    actor: usize,
    kind: EventKind,
    subject: Subject,
    value: Option<f64>,
    against: Option<usize>,
) -> Result<(), Problem> {
    use EventKind::*;
    let spec = &agreement.spec;
    let actor_id = &spec.party[actor].id;
    if !agreement.may_assert(actor, kind) {
        let party = &spec.party[actor];
        let help = format!("a {} may assert: {}", party.role, list(&party.asserts));
        return problem(format!("`{actor_id}` may not assert `{kind}` events"), Some(help));
    }
    let subject_fits = match kind {
        Performed | Verified | Violation | ViolationVerified | Extended => {
            matches!(subject, Subject::Commitment(_))
        }
        Measured => matches!(subject, Subject::Quantity(_)),
        Invoked => matches!(subject, Subject::Power(_)),
        Resolved => matches!(subject, Subject::Power(_) | Subject::Commitment(_)),
        Withdrew => subject == Subject::None,
        Imposed | Lifted => matches!(subject, Subject::Instrument(_)),
    };
    if !subject_fits {
        return problem(format!("a `{kind}` event cannot be about {subject:?}"), None);
    }
    match (kind, subject) {
        (Performed, Subject::Commitment(c)) if !agreement.commitments[c].by.contains(&actor) => {
            let c_id = &spec.commitment[c].id;
            let help = format!("`{c_id}` binds: {}", list_ids(spec, &agreement.commitments[c].by));
            return problem(
                format!("`{actor_id}` is not bound by `{c_id}` and cannot perform it"),
                Some(help),
            );
        }
        (Verified | ViolationVerified, Subject::Commitment(c)) => {
            let c_id = &spec.commitment[c].id;
            match agreement.commitments[c].verifier {
                None => return problem(format!("`{c_id}` has no verification, so nobody verifies it"), None),
                Some(v) if v != actor => {
                    let help = format!("its verifier is `{}`", spec.party[v].id);
                    return problem(format!("`{actor_id}` is not the verifier of `{c_id}`"), Some(help));
                }
                Some(_) => {}
            }
        }
        (Invoked, Subject::Power(p)) if !agreement.powers[p].holders.contains(&actor) => {
            return problem(format!("`{actor_id}` does not hold power `{}`", spec.power[p].id), None);
        }
        _ => {}
    }
    if let Some(accused) = against {
        let accused_id = &spec.party[accused].id;
        match (kind, subject) {
            (Violation | ViolationVerified, Subject::Commitment(c)) => {
                if !agreement.commitments[c].by.contains(&accused) {
                    let c_id = &spec.commitment[c].id;
                    let help = format!("`{c_id}` binds: {}", list_ids(spec, &agreement.commitments[c].by));
                    return problem(format!("`{accused_id}` is not bound by `{c_id}` and cannot be accused of violating it"), Some(help));
                }
            }
            _ => {
                return problem(
                    format!("a `{kind}` event accuses nobody: `against` belongs to `violation` and `violation-verified` events"),
                    None,
                )
            }
        }
    }
    match (kind, value) {
        (_, Some(v)) if !v.is_finite() => problem("the value is not a finite number", None),
        (Measured, None) => problem("a `measured` event needs a `value`", None),
        (Extended, None) => problem("an `extended` event needs a `value`: the days added", None),
        (Extended, Some(v)) if v < 1.0 || v.fract() != 0.0 || v > 36_600.0 => {
            problem(format!("an extension of {v} days is not a whole number of days from 1 to 36,600"), None)
        }
        _ => Ok(()),
    }
}

fn list(kinds: &[EventKind]) -> String {
    if kinds.is_empty() {
        return "nothing".into();
    }
    kinds.iter().map(|k| k.keyword()).collect::<Vec<_>>().join(", ")
}

fn list_ids(spec: &detente_spec::Spec, parties: &[usize]) -> String {
    parties.iter().map(|&p| spec.party[p].id.as_str()).collect::<Vec<_>>().join(", ")
}
