//! Event logs: what happened, one event per line, as JSON Lines or CSV.
//!
//! A log is accepted whole or not at all. Loading checks every line against the
//! agreement (ids, who may assert what, dates) and reports *every* bad line with its
//! number; only `lenient` loading skips bad lines, and then it lists them. Nothing is
//! dropped silently.

use std::collections::HashMap;

use detente_spec::model::EventKind;
use detente_spec::suggest::closest;
use detente_spec::time::{parse_date, Date, DateError};
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
    /// A phase.
    Phase(usize),
    /// An amendment.
    Amendment(usize),
    /// The agreement as a whole (its end date extended; a party's whole participation
    /// suspended or resumed).
    Agreement,
}

/// How precisely the record dates an event. An event known only to the month or the
/// year counts from the last day of that period (by then it had certainly happened),
/// and says so wherever it is cited.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// The day is known.
    #[default]
    Day,
    /// Only the month is known.
    Month,
    /// Only the year is known.
    Year,
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
    /// For a violation claimed or verified: what it is about (`satellite-launch`), which
    /// a party's reading may exclude.
    pub matter: Option<String>,
    /// For an extension: the new date (instead of a number of days in `value`).
    pub until: Option<Date>,
    /// How precisely `date` is known.
    pub precision: Precision,
    /// Its public source.
    pub source: Option<String>,
}

impl Event {
    /// The event as a draft, to push into a live machine.
    pub fn draft(&self) -> Draft {
        Draft {
            actor: self.actor,
            kind: self.kind,
            subject: self.subject,
            value: self.value,
            against: self.against,
            matter: self.matter.clone(),
            until: self.until,
            precision: self.precision,
        }
    }

    /// The event's date as the record gives it: `2002-12-22`, or `2002-12` when only the
    /// month is known (its `date` is then the month's last day), or `2002`.
    pub fn date_words(&self) -> String {
        match self.precision {
            Precision::Day => self.date.to_string(),
            Precision::Month => format!("{:04}-{:02} (day unknown)", self.date.year(), self.date.month()),
            Precision::Year => format!("{:04} (month unknown)", self.date.year()),
        }
    }
}

/// Accepted events in date order (log order within a date), shared: cloning the list
/// (a replay's checkpoint, a snapshot for a reader) shares the events, and appending to
/// a shared list copies it first, so no holder ever sees another's appends.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Events(std::sync::Arc<Vec<Event>>);

impl Events {
    /// Appends an event. The caller keeps the list in date order and numbers the event
    /// by its position ([`Event::index`]).
    pub fn push(&mut self, event: Event) {
        std::sync::Arc::make_mut(&mut self.0).push(event);
    }

    /// Makes room for `additional` more events.
    pub fn reserve(&mut self, additional: usize) {
        std::sync::Arc::make_mut(&mut self.0).reserve(additional);
    }

    fn as_mut_vec(&mut self) -> &mut Vec<Event> {
        std::sync::Arc::make_mut(&mut self.0)
    }
}

impl std::ops::Deref for Events {
    type Target = [Event];

    fn deref(&self) -> &[Event] {
        &self.0
    }
}

impl From<Vec<Event>> for Events {
    fn from(events: Vec<Event>) -> Events {
        Events(std::sync::Arc::new(events))
    }
}

impl FromIterator<Event> for Events {
    fn from_iter<I: IntoIterator<Item = Event>>(events: I) -> Events {
        Events::from(events.into_iter().collect::<Vec<_>>())
    }
}

impl<'a> IntoIterator for &'a Events {
    type Item = &'a Event;
    type IntoIter = std::slice::Iter<'a, Event>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// An accepted log.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Log {
    /// The events, in date order (log order within a date).
    pub events: Events,
    /// Lines skipped in lenient mode, with why.
    pub skipped: Vec<LogError>,
}

/// A bad line of a log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LogError {
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1, in characters: where the faulty field's value starts (JSON
    /// Lines), or where the JSON parser stopped. `None` when the line as a whole is at
    /// fault, and in CSV, whose errors name their column (`field`) instead.
    pub column: Option<usize>,
    /// The field of the event at fault (`date`, `actor`, `kind`, `subject`, ...), if one is.
    pub field: Option<&'static str>,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
}

impl std::error::Error for LogError {}

impl std::fmt::Display for LogError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.column {
            Some(column) => write!(f, "line {}, column {column}: {}", self.line, self.message)?,
            None => write!(f, "line {}: {}", self.line, self.message)?,
        }
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

/// An event as written (a line of a JSON Lines log, by ids), before it is checked: what
/// a front end receives from a party. [`check_record`] turns it into an [`Event`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventRecord {
    /// `YYYY-MM-DD`, or `YYYY-MM` or `YYYY` when the record gives no more.
    pub date: Option<String>,
    /// The asserting party's id.
    pub actor: Option<String>,
    /// The event kind's keyword (`performed`, `verified`, ...).
    pub kind: Option<String>,
    /// The id of what it is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// A measurement, or the days of an extension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// The bound party accused by a violation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub against: Option<String>,
    /// What a violation is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matter: Option<String>,
    /// An extension's new date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// Its public source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Its id, unique in the log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// Checks one event record against the agreement exactly as a log line is checked
/// (ids resolved, the actor's right to assert it, its fields), apart from what only a
/// whole log can say: the order of dates and duplicate ids, which the caller (a log
/// reader, a live history) checks. `line` is where errors say it came from (0 for none)
/// and `index` its position in the log.
pub fn check_record(
    agreement: &Agreement,
    record: EventRecord,
    line: usize,
    index: usize,
) -> Result<Event, LogError> {
    Checker { agreement, seen_ids: HashMap::new(), last_date: None }.check(line, record, index)
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
        Format::JsonLines => read_json_lines(reader, &mut |line, text, raw| loader.take(line, text, raw)),
        Format::Csv => read_csv(reader, &mut |line, text, raw| loader.take(line, text, raw)),
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
    /// Takes one line's event (or why it could not be read); `text` is the line itself,
    /// in JSON Lines, to point an error at its field.
    fn take(&mut self, line: usize, text: Option<&str>, raw: Result<EventRecord, LogError>) {
        self.last_line = line;
        let checked = raw.and_then(|raw| self.checker.check(line, raw, self.log.events.len()));
        let checked = checked.map_err(|mut e| {
            if let (None, Some(field), Some(text)) = (e.column, e.field, text) {
                e.column = json_value_column(text, field);
            }
            e
        });
        match checked {
            Ok(event) => self.log.events.push(event),
            Err(error) if self.errors.len() < MAX_LISTED_ERRORS => self.errors.push(error),
            Err(_) => self.unlisted += 1,
        }
    }

    fn finish(mut self, lenient: bool) -> Result<Log, Vec<LogError>> {
        if self.unlisted > 0 {
            self.errors.push(error(
                self.last_line,
                format!("and {} more bad line(s), not listed", self.unlisted),
                Some(format!("only the first {MAX_LISTED_ERRORS} bad lines are listed")),
            ));
        }
        if self.errors.is_empty() || lenient {
            // An event dated only to a month or a year applies at its period's end, after
            // the day-dated events of that period: sort stably, then number in that order.
            let events = self.log.events.as_mut_vec();
            events.sort_by_key(|e| e.date);
            for (index, event) in events.iter_mut().enumerate() {
                event.index = index;
            }
            self.log.skipped = self.errors;
            Ok(self.log)
        } else {
            Err(self.errors)
        }
    }
}

const BOM: &str = "\u{feff}";

/// Receives each line's number, its text (JSON Lines only) and its event or error.
type Take<'t> = dyn FnMut(usize, Option<&str>, Result<EventRecord, LogError>) + 't;

fn read_json_lines(mut reader: impl std::io::BufRead, take: &mut Take) {
    let mut bytes = Vec::new();
    let mut number = 0;
    loop {
        bytes.clear();
        match reader.read_until(b'\n', &mut bytes) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e) => {
                take(number + 1, None, Err(error(number + 1, format!("cannot read the log: {e}"), None)));
                return;
            }
        }
        number += 1;
        let line = match std::str::from_utf8(&bytes) {
            Ok(line) => line,
            Err(e) => {
                let message = format!("not UTF-8 text (byte {} of the line)", e.valid_up_to() + 1);
                take(number, None, Err(error(number, message, Some("save the log as UTF-8".into()))));
                continue;
            }
        };
        let line = if number == 1 { line.strip_prefix(BOM).unwrap_or(line) } else { line };
        if line.trim().is_empty() {
            continue;
        }
        let parsed = serde_json::from_str::<EventRecord>(line).map_err(|e| LogError {
            // serde_json counts columns in bytes; people count characters.
            column: (e.column() > 0).then(|| {
                let byte = e.column().min(line.len());
                line.char_indices().take_while(|(i, _)| *i < byte).count().max(1)
            }),
            ..error(
                number,
                format!("not a valid event: {e}"),
                Some(
                    "each line is one JSON object: {\"date\": \"2020-03-01\", \"actor\": \"usa\", \"kind\": \"performed\", \"subject\": \"...\"}"
                        .into(),
                ),
            )
        });
        take(number, Some(line), parsed);
    }
}

const COLUMNS: &[&str] =
    &["date", "actor", "kind", "subject", "value", "against", "matter", "until", "source", "id"];

fn read_csv(reader: impl std::io::Read, take: &mut Take) {
    let mut reader = csv::ReaderBuilder::new().flexible(false).trim(csv::Trim::All).from_reader(reader);
    let headers = match reader.headers() {
        Ok(headers) => headers.clone(),
        Err(e) => {
            return take(1, None, Err(error(1, format!("unreadable CSV header: {e}"), None)));
        }
    };
    if let Err(e) = check_columns(&headers) {
        return take(1, None, Err(e));
    }
    for record in reader.records() {
        let line = record.as_ref().ok().and_then(|r| r.position()).map_or(0, |p| p.line() as usize);
        let parsed = record.map_err(|e| {
            error(
                e.position().map_or(line, |p| p.line() as usize),
                format!("unreadable CSV row: {e}"),
                Some("every row needs as many fields as the header".into()),
            )
        });
        let raw = parsed.and_then(|record| csv_event(line, &headers, &record));
        take(line, None, raw);
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
            return Err(error(1, format!("unknown column `{name}`"), Some(help)));
        }
        if headers.iter().take(n).any(|earlier| earlier.strip_prefix(BOM).unwrap_or(earlier) == name) {
            return Err(error(
                1,
                format!("the column `{name}` appears twice"),
                Some("each column may appear once".into()),
            ));
        }
    }
    Ok(())
}

fn csv_event(
    line: usize,
    headers: &csv::StringRecord,
    record: &csv::StringRecord,
) -> Result<EventRecord, LogError> {
    let mut raw = EventRecord::default();
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
            "matter" => raw.matter = field,
            "until" => raw.until = field,
            "id" => raw.id = field,
            _ => {
                raw.value = match field {
                    None => None,
                    Some(text) => Some(text.parse::<f64>().map_err(|_| {
                        field_error(line, "value", format!("value `{text}` is not a number"), None)
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
    LogError { line, column: None, field: None, message: message.into(), help }
}

/// `e`, blamed on `field` unless it already names one.
fn at(field: &'static str, e: LogError) -> LogError {
    LogError { field: e.field.or(Some(field)), ..e }
}

/// An error of the field `field` of the event on `line` (its column is found later, from
/// the line's text).
fn field_error(
    line: usize,
    field: &'static str,
    message: impl Into<String>,
    help: Option<String>,
) -> LogError {
    LogError { field: Some(field), ..error(line, message, help) }
}

/// The column (from 1, in characters) where the value of `field` starts in a JSON line,
/// found by its key: `"field"`, optional spaces, `:`, optional spaces.
fn json_value_column(line: &str, field: &str) -> Option<usize> {
    let key = format!("\"{field}\"");
    let mut from = 0;
    while let Some(found) = line[from..].find(&key) {
        let after = from + found + key.len();
        let rest = line[after..].trim_start();
        if let Some(value) = rest.strip_prefix(':') {
            let start = line.len() - value.trim_start().len();
            return Some(line[..start].chars().count() + 1);
        }
        from = after;
    }
    None
}

impl Checker<'_> {
    fn check(&mut self, line: usize, raw: EventRecord, index: usize) -> Result<Event, LogError> {
        let spec = &self.agreement.spec;
        let date_text = raw.date.ok_or_else(|| error(line, "the event has no `date`", None))?;
        let (start, date, precision) = parse_event_date(&date_text).map_err(|m| {
            field_error(
                line,
                "date",
                format!("bad date: {m}"),
                Some("write YYYY-MM-DD, or YYYY-MM or YYYY when the record gives no more".into()),
            )
        })?;
        if date < spec.agreement.adopted {
            return Err(field_error(
                line,
                "date",
                format!("{date} is before the agreement was adopted ({})", spec.agreement.adopted),
                Some(
                    "events before adoption belong in the instruments' `since` or the quantities' estimates"
                        .into(),
                ),
            ));
        }
        // An event dated to a month or a year may stand anywhere in its period: it is
        // applied at the period's end (the log is re-sorted stably after loading).
        if let Some(last) = self.last_date.filter(|last| date < *last) {
            return Err(field_error(
                line,
                "date",
                format!("{date_text} comes after an event dated {last}: the log is out of date order"),
                Some("sort the log by date; events of the same date keep their order".into()),
            ));
        }
        let actor_id = raw.actor.ok_or_else(|| error(line, "the event has no `actor`", None))?;
        let actor =
            self.lookup(line, &self.agreement.ids.parties, &actor_id, "party").map_err(|e| at("actor", e))?;
        let kind_text = raw.kind.ok_or_else(|| error(line, "the event has no `kind`", None))?;
        let kind = EventKind::from_keyword(&kind_text).ok_or_else(|| {
            let words: Vec<&str> = EventKind::ALL.iter().map(|k| k.keyword()).collect();
            let help = closest(&kind_text, words.iter().copied())
                .map(|s| format!("did you mean `{s}`?"))
                .unwrap_or_else(|| format!("kinds are: {}", words.join(", ")));
            field_error(line, "kind", format!("`{kind_text}` is not an event kind"), Some(help))
        })?;
        let subject =
            self.subject(line, kind, raw.subject.as_deref(), actor).map_err(|e| at("subject", e))?;
        let value = raw.value;
        let against = match &raw.against {
            Some(id) => Some(
                self.lookup(line, &self.agreement.ids.parties, id, "party").map_err(|e| at("against", e))?,
            ),
            None => None,
        };
        let until = match &raw.until {
            Some(text) => Some(
                parse_date(text)
                    .map_err(|m| field_error(line, "until", format!("bad `until` date: {m}"), None))?,
            ),
            None => None,
        };
        validate_event(self.agreement, actor, kind, subject, value, against)
            .and_then(|()| validate_fields(kind, value, raw.matter.as_deref(), until, date))
            .map_err(|p| LogError { field: p.field, ..error(line, p.message, p.help) })?;
        if let Some(id) = &raw.id {
            if let Some(first) = self.seen_ids.insert(id.clone(), line) {
                return Err(field_error(
                    line,
                    "id",
                    format!("duplicate event id `{id}` (first on line {first})"),
                    None,
                ));
            }
        }
        self.last_date = Some(self.last_date.map_or(start, |last| last.max(start)));
        Ok(Event {
            index,
            line,
            id: raw.id,
            date,
            actor,
            kind,
            subject,
            value,
            against,
            matter: raw.matter,
            until,
            precision,
            source: raw.source,
        })
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
        let actor_id = &self.agreement.spec.party[actor].id;
        if kind == Withdrew {
            return match subject {
                None => Ok(Subject::None),
                Some(s) if s == actor_id => Ok(Subject::None),
                Some(s) => Err(error(
                    line,
                    format!("`{actor_id}` cannot withdraw `{s}`"),
                    Some("a party withdraws itself: leave `subject` empty".into()),
                )),
            };
        }
        let allowed = subject_kinds(kind);
        let nouns: Vec<&str> = allowed.iter().map(|k| k.noun()).collect();
        let noun = nouns.join(" or ");
        let Some(id) = subject else {
            return Err(error(
                line,
                format!("a `{kind}` event needs a `subject`: the {noun} it is about"),
                None,
            ));
        };
        let ids = &self.agreement.ids;
        let found = allowed.iter().find_map(|k| match k {
            SubjectKind::Commitment => ids.commitments.get(id).map(|&c| Subject::Commitment(c)),
            SubjectKind::Power => ids.powers.get(id).map(|&p| Subject::Power(p)),
            SubjectKind::Instrument => ids.instruments.get(id).map(|&i| Subject::Instrument(i)),
            SubjectKind::Quantity => ids.quantities.get(id).map(|&q| Subject::Quantity(q)),
            SubjectKind::Phase => ids.phases.get(id).map(|&p| Subject::Phase(p)),
            SubjectKind::Amendment => ids.amendments.get(id).map(|&a| Subject::Amendment(a)),
            SubjectKind::Agreement => (self.agreement.spec.agreement.id == id).then_some(Subject::Agreement),
        });
        found.ok_or_else(|| {
            let candidates: Vec<&str> = allowed
                .iter()
                .flat_map(|k| -> Vec<&str> {
                    match k {
                        SubjectKind::Commitment => ids.commitments.keys().map(String::as_str).collect(),
                        SubjectKind::Power => ids.powers.keys().map(String::as_str).collect(),
                        SubjectKind::Instrument => ids.instruments.keys().map(String::as_str).collect(),
                        SubjectKind::Quantity => ids.quantities.keys().map(String::as_str).collect(),
                        SubjectKind::Phase => ids.phases.keys().map(String::as_str).collect(),
                        SubjectKind::Amendment => ids.amendments.keys().map(String::as_str).collect(),
                        SubjectKind::Agreement => vec![self.agreement.spec.agreement.id.as_str()],
                    }
                })
                .collect();
            let help = closest(id, candidates).map(|s| format!("did you mean `{s}`?"));
            error(line, format!("no {noun} has the id `{id}`"), help)
        })
    }
}

/// The sorts of item an event can be about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SubjectKind {
    Commitment,
    Power,
    Instrument,
    Quantity,
    Phase,
    Amendment,
    Agreement,
}

impl SubjectKind {
    fn noun(self) -> &'static str {
        match self {
            SubjectKind::Commitment => "commitment",
            SubjectKind::Power => "power",
            SubjectKind::Instrument => "instrument",
            SubjectKind::Quantity => "quantity",
            SubjectKind::Phase => "phase",
            SubjectKind::Amendment => "amendment",
            SubjectKind::Agreement => "agreement",
        }
    }

    fn of(subject: Subject) -> Option<SubjectKind> {
        Some(match subject {
            Subject::None => return None,
            Subject::Commitment(_) => SubjectKind::Commitment,
            Subject::Power(_) => SubjectKind::Power,
            Subject::Instrument(_) => SubjectKind::Instrument,
            Subject::Quantity(_) => SubjectKind::Quantity,
            Subject::Phase(_) => SubjectKind::Phase,
            Subject::Amendment(_) => SubjectKind::Amendment,
            Subject::Agreement => SubjectKind::Agreement,
        })
    }
}

/// What each kind of event may be about (a withdrawal is about its actor, no subject).
fn subject_kinds(kind: EventKind) -> &'static [SubjectKind] {
    use EventKind::*;
    use SubjectKind as K;
    match kind {
        Performed | Verified | Violation | ViolationVerified | Disputed | Reversed => &[K::Commitment],
        Extended => &[K::Commitment, K::Agreement],
        Renounced => &[K::Commitment, K::Phase],
        Suspended => &[K::Commitment, K::Phase, K::Agreement],
        Resumed => &[K::Commitment, K::Phase, K::Agreement, K::Power],
        Measured => &[K::Quantity],
        Invoked => &[K::Power],
        Resolved => &[K::Power, K::Commitment],
        Imposed | Lifted => &[K::Instrument],
        Amended => &[K::Amendment],
        Withdrew => &[],
    }
}

/// Why a text is not an event's date.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EventDateError {
    /// A full date (`YYYY-MM-DD`) that is not in the calendar.
    #[error(transparent)]
    Day(#[from] DateError),
    /// A month (`YYYY-MM`) outside 1 to 12.
    #[error("`{text}`: there is no month {month}")]
    NoSuchMonth {
        /// The text, trimmed.
        text: String,
        /// The month as written.
        month: i16,
    },
    /// Not of any of the forms `YYYY-MM-DD`, `YYYY-MM` or `YYYY`.
    #[error("`{text}` is not a date (YYYY-MM-DD, YYYY-MM or YYYY)")]
    NotADate {
        /// The text, trimmed.
        text: String,
    },
}

/// Reads an event's date: `YYYY-MM-DD`, `YYYY-MM` or `YYYY`. Returns the first and last
/// day it may stand for, and its precision.
pub fn parse_event_date(text: &str) -> Result<(Date, Date, Precision), EventDateError> {
    let text = text.trim();
    let parts: Vec<&str> = text.split('-').collect();
    let not_a_date = || EventDateError::NotADate { text: text.into() };
    let number = |s: &str| s.parse::<i16>().map_err(|_| not_a_date());
    match parts.as_slice() {
        [_, _, _] => Ok(parse_date(text).map(|d| (d, d, Precision::Day))?),
        [year, month] if year.len() == 4 && month.len() == 2 => {
            let (year, month) = (number(year)?, number(month)?);
            if !(1..=12).contains(&month) {
                return Err(EventDateError::NoSuchMonth { text: text.into(), month });
            }
            let first = Date::new(year, month as i8, 1).map_err(|_| not_a_date())?;
            Ok((first, first.last_of_month(), Precision::Month))
        }
        [year] if year.len() == 4 => {
            let year = number(year)?;
            let first = Date::new(year, 1, 1).map_err(|_| not_a_date())?;
            let last = Date::new(year, 12, 31).map_err(|_| not_a_date())?;
            Ok((first, last, Precision::Year))
        }
        _ => Err(not_a_date()),
    }
}

/// Checks the fields only some kinds take: `matter` (violations), `until` (extensions).
fn validate_fields(
    kind: EventKind,
    value: Option<f64>,
    matter: Option<&str>,
    until: Option<Date>,
    date: Date,
) -> Result<(), Problem> {
    use EventKind::*;
    if matter.is_some() && !matches!(kind, Violation | ViolationVerified) {
        return problem(
            "matter",
            format!("a `{kind}` event has no `matter`: it belongs to violation events"),
            None,
        );
    }
    if matter.is_some_and(|m| m.trim().is_empty()) {
        return problem(
            "matter",
            "`matter` is empty",
            Some("name what the violation is about, e.g. \"satellite-launch\"".into()),
        );
    }
    match (kind, until) {
        (Extended, Some(_)) if value.is_some() => {
            problem("until", "an extension gives either `value` (days) or `until` (a date), not both", None)
        }
        (Extended, Some(until)) if until <= date => problem(
            "until",
            format!("an extension until {until} does not reach past the event's date ({date})"),
            None,
        ),
        (Extended, Some(_)) => Ok(()),
        (Extended, None) if value.is_none() => problem(
            "kind",
            "an `extended` event needs a `value` (the days added) or `until` (the new date)",
            None,
        ),
        (_, Some(_)) => {
            problem("until", format!("a `{kind}` event has no `until`: it belongs to extensions"), None)
        }
        _ => Ok(()),
    }
}

/// Why a typed event breaks the agreement's rules of assertion.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Problem {
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    /// The field of the event it concerns (`actor`, `subject`, `against`, ...), so that a
    /// log line's error can point at it.
    pub field: Option<&'static str>,
}

/// A problem with the field `field` of the event.
fn problem(field: &'static str, message: impl Into<String>, help: Option<String>) -> Result<(), Problem> {
    Err(Problem { message: message.into(), help, field: Some(field) })
}

/// An event before it has a place in a log: what [`validate_event`] checks and
/// [`crate::Machine::push_event`] appends.
#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    /// Who asserts it (a party index).
    pub actor: usize,
    /// What kind of event it is.
    pub kind: EventKind,
    /// What it is about.
    pub subject: Subject,
    /// A measurement, or the days of an extension.
    pub value: Option<f64>,
    /// The bound party a violation accuses.
    pub against: Option<usize>,
    /// What a violation is about.
    pub matter: Option<String>,
    /// The new date of an extension.
    pub until: Option<Date>,
    /// How precisely the record dates it (day, unless the record gives less).
    pub precision: Precision,
}

impl Draft {
    /// A draft with no optional field set, dated to the day.
    pub fn new(actor: usize, kind: EventKind, subject: Subject) -> Draft {
        Draft {
            actor,
            kind,
            subject,
            value: None,
            against: None,
            matter: None,
            until: None,
            precision: Precision::Day,
        }
    }
}

/// Checks a typed event against the agreement: whether the actor may assert its kind,
/// whether its subject is of the right sort, whether the actor is the one who can do
/// it (a bound party or its successor performs, renounces or suspends; the verifier
/// verifies; the verifier or a body of `established_by` establishes a breach; a holder
/// invokes), whether its value is what the kind needs, and whether the party it accuses
/// (`against`) is one the commitment binds. Log loading and [`crate::Machine::push`]
/// both use it, so an event means the same whichever way it arrives.
pub fn validate_event(
    agreement: &Agreement,
    actor: usize,
    kind: EventKind,
    subject: Subject,
    value: Option<f64>,
    against: Option<usize>,
) -> Result<(), Problem> {
    use EventKind::*;
    indices_exist(agreement, actor, subject, against)?;
    let spec = &agreement.spec;
    let actor_id = &spec.party[actor].id;
    if !agreement.may_assert(actor, kind) {
        let party = &spec.party[actor];
        let help = format!("a {} may assert: {}", party.role, list(&party.asserts));
        return problem("kind", format!("`{actor_id}` may not assert `{kind}` events"), Some(help));
    }
    let fits = match SubjectKind::of(subject) {
        None => kind == Withdrew,
        Some(k) => subject_kinds(kind).contains(&k),
    };
    if !fits {
        return problem("subject", format!("a `{kind}` event cannot be about {subject:?}"), None);
    }
    // A successor acts for its predecessor (from its succession date, which the
    // machine checks).
    let bound = |c: usize| {
        let by = &agreement.commitments[c].by;
        by.contains(&actor) || agreement.succeeds[actor].is_some_and(|(p, _)| by.contains(&p))
    };
    match (kind, subject) {
        (Performed | Renounced | Suspended | Resumed | Reversed, Subject::Commitment(c)) if !bound(c) => {
            let c_id = &spec.commitment[c].id;
            let help = format!("`{c_id}` binds: {}", list_ids(spec, &agreement.commitments[c].by));
            let verb = match kind {
                Performed => "perform",
                Renounced => "renounce",
                Reversed => "reverse",
                Suspended => "suspend",
                _ => "resume",
            };
            return problem(
                "actor",
                format!("`{actor_id}` is not bound by `{c_id}` and cannot {verb} it"),
                Some(help),
            );
        }
        (Reversed, Subject::Commitment(c))
            if agreement.commitments[c].kind == detente_spec::model::CommitmentKind::Continuing =>
        {
            return problem(
                "subject",
                format!(
                    "`{}` is a continuing commitment: a deed is reversed, a restraint is not",
                    spec.commitment[c].id
                ),
                Some("record a `violation` (or `violation-verified`), or the party's own `suspended`".into()),
            );
        }
        (Renounced | Suspended | Resumed, Subject::Phase(p))
            if !agreement.phases[p].commitments.iter().any(|&c| bound(c)) =>
        {
            return problem(
                "actor",
                format!("`{actor_id}` is bound by nothing in phase `{}`", spec.phase[p].id),
                Some("a party renounces, suspends or resumes its own part".into()),
            );
        }
        (Suspended | Resumed, Subject::Agreement) if !(0..agreement.commitments.len()).any(bound) => {
            return problem("actor", format!("`{actor_id}` is bound by nothing in the agreement"), None);
        }
        (Resumed, Subject::Power(p)) if !agreement.powers[p].holders.contains(&actor) => {
            return problem(
                "actor",
                format!("`{actor_id}` does not hold power `{}`", spec.power[p].id),
                None,
            );
        }
        (Verified, Subject::Commitment(c)) => {
            let c_id = &spec.commitment[c].id;
            match agreement.commitments[c].verifier {
                None => {
                    return problem(
                        "subject",
                        format!("`{c_id}` has no verification, so nobody verifies it"),
                        None,
                    )
                }
                Some(v) if v != actor => {
                    let help = format!("its verifier is `{}`", spec.party[v].id);
                    return problem(
                        "actor",
                        format!("`{actor_id}` is not the verifier of `{c_id}`"),
                        Some(help),
                    );
                }
                Some(_) => {}
            }
        }
        (ViolationVerified, Subject::Commitment(c))
            if !agreement.commitments[c].establishers.contains(&actor) =>
        {
            let c_id = &spec.commitment[c].id;
            let establishers = &agreement.commitments[c].establishers;
            return if establishers.is_empty() {
                problem(
                    "subject",
                    format!("nobody can establish a breach of `{c_id}`: it has no verification and no `established_by`"),
                    Some("claim the violation with a `violation` event instead".into()),
                )
            } else {
                problem(
                    "actor",
                    format!("`{actor_id}` cannot establish a breach of `{c_id}`"),
                    Some(format!("breaches of it are established by: {}", list_ids(spec, establishers))),
                )
            };
        }
        (Invoked, Subject::Power(p)) if !agreement.powers[p].holders.contains(&actor) => {
            return problem(
                "actor",
                format!("`{actor_id}` does not hold power `{}`", spec.power[p].id),
                None,
            );
        }
        _ => {}
    }
    if let Some(accused) = against {
        let accused_id = &spec.party[accused].id;
        match (kind, subject) {
            (Violation | ViolationVerified, Subject::Commitment(c)) => {
                let by = &agreement.commitments[c].by;
                let successor = agreement.succeeds[accused].is_some_and(|(p, _)| by.contains(&p));
                if !by.contains(&accused) && !successor {
                    let c_id = &spec.commitment[c].id;
                    let help = format!("`{c_id}` binds: {}", list_ids(spec, &agreement.commitments[c].by));
                    return problem("against", format!("`{accused_id}` is not bound by `{c_id}` and cannot be accused of violating it"), Some(help));
                }
            }
            _ => {
                return problem(
                    "against",
                    format!("a `{kind}` event accuses nobody: `against` belongs to `violation` and `violation-verified` events"),
                    None,
                )
            }
        }
    }
    match (kind, value) {
        (_, Some(v)) if !v.is_finite() => problem("value", "the value is not a finite number", None),
        (Measured, None) => problem("kind", "a `measured` event needs a `value`", None),
        // Quantities count material and arms: none is below zero (as `initial` may not be).
        (Measured, Some(v)) if v < 0.0 => problem(
            "value",
            format!("a measured quantity cannot be negative (found {v})"),
            Some("record how much there is: 0 or more, in the quantity's unit".into()),
        ),
        (Extended, Some(v)) if v < 1.0 || v.fract() != 0.0 || v > 36_600.0 => problem(
            "value",
            format!("an extension of {v} days is not a whole number of days from 1 to 36,600"),
            None,
        ),
        _ => Ok(()),
    }
}

/// Whether the indices of a typed event name items of the agreement: a caller that
/// builds events by index (a simulator, a foreign log) gets a problem, not a panic.
fn indices_exist(
    agreement: &Agreement,
    actor: usize,
    subject: Subject,
    against: Option<usize>,
) -> Result<(), Problem> {
    let spec = &agreement.spec;
    let parties = spec.party.len();
    if actor >= parties {
        return problem("actor", format!("there is no party #{actor}: the agreement has {parties}"), None);
    }
    if let Some(a) = against.filter(|&a| a >= parties) {
        return problem("against", format!("there is no party #{a}: the agreement has {parties}"), None);
    }
    let (index, count, noun) = match subject {
        Subject::Commitment(i) => (i, spec.commitment.len(), "commitment"),
        Subject::Power(i) => (i, spec.power.len(), "power"),
        Subject::Instrument(i) => (i, spec.instrument.len(), "instrument"),
        Subject::Quantity(i) => (i, spec.quantity.len(), "quantity"),
        Subject::Phase(i) => (i, spec.phase.len(), "phase"),
        Subject::Amendment(i) => (i, spec.amendment.len(), "amendment"),
        Subject::None | Subject::Agreement => return Ok(()),
    };
    if index >= count {
        return problem("subject", format!("there is no {noun} #{index}: the agreement has {count}"), None);
    }
    Ok(())
}

/// [`validate_event`] and the fields only some kinds take, for a whole draft.
pub fn validate_draft(agreement: &Agreement, draft: &Draft, date: Date) -> Result<(), Problem> {
    validate_event(agreement, draft.actor, draft.kind, draft.subject, draft.value, draft.against)?;
    validate_fields(draft.kind, draft.value, draft.matter.as_deref(), draft.until, date)
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
