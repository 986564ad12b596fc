//! From TOML text to the model, collecting every problem on the way.
//!
//! We walk `toml_edit`'s spanned syntax tree by hand instead of deriving serde
//! deserializers: serde stops at the first error, while authors want every mistake in
//! one pass, each pointing at the exact key or value. An item whose required keys are
//! missing or malformed is left out of the model; its id is remembered so that the
//! validator does not report references to it as unknown (one mistake, one message).
//!
//! The decoder checks only what the TOML can get wrong that the model cannot express:
//! syntax, types, required and unknown keys, and the spelling of dates, durations,
//! keywords and conditions. Whether a value makes sense (a probability in [0, 1], a
//! well-formed id, a non-negative weight) is a rule of validation over the model
//! ([`crate::validate::values`]), so that normalized JSON, which does not pass through
//! here, is held to the same rules.

use std::collections::HashSet;
use std::ops::Range;

use toml_edit::{Item, TableLike, Value};

use crate::condition;
use crate::diagnostic::{Code, Collector, Diagnostic, Omitted};
use crate::model::*;
use crate::source_map::{ItemKey, SourceMap};
use crate::suggest::closest;
use crate::time::{parse_date, Date, Duration};

/// The outcome of decoding a file.
#[derive(Clone, Debug)]
pub struct Decoded {
    /// The model; items that failed to decode are left out.
    pub spec: Spec,
    /// Where everything was written.
    pub source_map: SourceMap,
    /// Every decoding problem, up to [`MAX_REPORTED`](crate::diagnostic::MAX_REPORTED)
    /// of each severity.
    pub diagnostics: Vec<Diagnostic>,
    /// Problems not kept past that limit.
    pub omitted: Omitted,
    /// Ids of items left out because of errors.
    pub broken_ids: HashSet<String>,
}

/// Top-level keys and, for each table of the format, the keys it accepts. The schema
/// test checks these against the JSON Schema derived from the model.
pub const TOP_LEVEL_FIELDS: &[&str] = &[
    "agreement",
    "party",
    "instrument",
    "quantity",
    "facility",
    "phase",
    "commitment",
    "power",
    "amendment",
    "simulation",
];
pub(crate) const AGREEMENT_FIELDS: &[&str] =
    &["id", "title", "adopted", "ends", "signed", "stalls_after", "record", "core", "summary", "sources"];
pub(crate) const PARTY_FIELDS: &[&str] = &["id", "name", "role", "asserts", "essential", "succeeds"];
pub(crate) const SUCCESSION_FIELDS: &[&str] = &["party", "on"];
pub(crate) const INSTRUMENT_FIELDS: &[&str] =
    &["id", "name", "kind", "authority", "imposed_by", "targets", "since", "weight", "source"];
pub(crate) const QUANTITY_FIELDS: &[&str] = &[
    "id",
    "name",
    "unit",
    "owner",
    "initial",
    "low",
    "high",
    "as_of",
    "growth_per_year",
    "made_from",
    "max_per_year",
    "source",
];
pub(crate) const FACILITY_FIELDS: &[&str] =
    &["id", "name", "owner", "location", "status", "produces", "source"];
pub(crate) const PRODUCTION_FIELDS: &[&str] = &["quantity", "per_year", "low", "high"];
pub(crate) const MATERIAL_FIELDS: &[&str] = &["quantity", "per_unit", "low", "high"];
pub(crate) const RATE_FIELDS: &[&str] = &["central", "low", "high"];
pub(crate) const PHASE_FIELDS: &[&str] = &["id", "title", "after", "opens_when", "amendment", "summary"];
pub(crate) const AMENDMENT_FIELDS: &[&str] = &["id", "title", "signed", "effective", "summary", "source"];
pub(crate) const READING_FIELDS: &[&str] =
    &["text", "excludes", "when", "while", "due", "on_timeout", "source"];
pub(crate) const COMMITMENT_FIELDS: &[&str] = &[
    "id",
    "title",
    "phase",
    "by",
    "kind",
    "category",
    "binding",
    "when",
    "while",
    "otherwise",
    "due",
    "on_timeout",
    "lasts",
    "verification",
    "established_by",
    "notice",
    "in_return_for",
    "amendment",
    "replaces",
    "readings",
    "relieves",
    "limits",
    "sets",
    "benefits",
    "values",
    "text",
    "source",
];
pub(crate) const VERIFICATION_FIELDS: &[&str] =
    &["by", "method", "detection", "false_alarm", "every", "access", "budget"];
pub(crate) const BUDGET_FIELDS: &[&str] = &["inspections", "per", "source"];
/// The field of each access clause's condition, which the clauses of one verification share.
pub(crate) const ACCESS_WHEN: &str = "verification.access.when";
pub(crate) const ACCESS_FIELDS: &[&str] = &["when", "detection", "false_alarm", "source"];
pub(crate) const LIMIT_FIELDS: &[&str] = &["quantity", "max", "unit"];
pub(crate) const SET_STATUS_FIELDS: &[&str] = &["facility", "status"];
pub(crate) const VALUES_FIELDS: &[&str] = &["cost", "benefit", "threat_reduction"];
pub(crate) const POWER_FIELDS: &[&str] = &[
    "id",
    "title",
    "kind",
    "holders",
    "automatic",
    "trigger",
    "notice",
    "cancellable",
    "restores",
    "suspends",
    "resumes_when",
    "amendment",
    "text",
    "source",
];

pub(crate) const SIMULATION_FIELDS: &[&str] = &[
    "horizon",
    "step",
    "runs",
    "seed",
    "strategy",
    "election",
    "detection",
    "false_alarm",
    "inspection",
    "resolution",
    "confirmation",
    "lead_time",
    "walkout",
    "measurement",
    "range",
    "prior",
];
pub(crate) const RANGE_FIELDS: &[&str] = &["low", "high", "source"];
pub(crate) const PRIOR_FIELDS: &[&str] =
    &["sincere", "hedger", "covert-cheater", "max_cost", "cheat", "source"];
pub(crate) const WALKOUT_FIELDS: &[&str] = &["base", "aggrieved"];
pub(crate) const CONFIRMATION_FIELDS: &[&str] = &["breach", "false_alarm"];
pub(crate) const LEAD_TIME_FIELDS: &[&str] = &["median", "p90"];
pub(crate) const STRATEGY_FIELDS: &[&str] = &["kind", "cheat", "max_cost", "patience"];
pub(crate) const ELECTION_FIELDS: &[&str] = &["party", "first", "every", "reversal"];

/// The keys accepted by each table of the format, by the name of its schema definition.
pub fn accepted_fields() -> Vec<(&'static str, &'static [&'static str])> {
    vec![
        ("Spec", TOP_LEVEL_FIELDS),
        ("Agreement", AGREEMENT_FIELDS),
        ("Party", PARTY_FIELDS),
        ("Succession", SUCCESSION_FIELDS),
        ("Amendment", AMENDMENT_FIELDS),
        ("Reading", READING_FIELDS),
        ("Instrument", INSTRUMENT_FIELDS),
        ("Quantity", QUANTITY_FIELDS),
        ("Facility", FACILITY_FIELDS),
        ("Production", PRODUCTION_FIELDS),
        ("Material", MATERIAL_FIELDS),
        ("Rate", RATE_FIELDS),
        ("Phase", PHASE_FIELDS),
        ("Commitment", COMMITMENT_FIELDS),
        ("Verification", VERIFICATION_FIELDS),
        ("Access", ACCESS_FIELDS),
        ("InspectionBudget", BUDGET_FIELDS),
        ("Limit", LIMIT_FIELDS),
        ("SetStatus", SET_STATUS_FIELDS),
        ("Values", VALUES_FIELDS),
        ("Power", POWER_FIELDS),
        ("Simulation", SIMULATION_FIELDS),
        ("Strategy", STRATEGY_FIELDS),
        ("Election", ELECTION_FIELDS),
        ("Confirmation", CONFIRMATION_FIELDS),
        ("LeadTime", LEAD_TIME_FIELDS),
        ("AssumptionRange", RANGE_FIELDS),
        ("Walkout", WALKOUT_FIELDS),
        ("Prior", PRIOR_FIELDS),
    ]
}

/// The range of numbers lives with the model, where validation checks it for TOML and
/// JSON alike.
pub use crate::model::MAX_MAGNITUDE;

/// Decodes a specification from TOML text.
pub fn decode(text: &str) -> Decoded {
    let mut decoder = Decoder {
        text,
        diagnostics: Collector::default(),
        map: SourceMap::default(),
        broken: HashSet::new(),
        misspelt: HashSet::new(),
        reported_elsewhere: 0,
    };
    // toml_edit 0.23 panicked on some malformed inputs (found by our fuzz target; fixed
    // upstream). A parser bug must never crash a check, so a panic becomes an error.
    let parsed = std::panic::catch_unwind(|| toml_edit::Document::parse(text));
    let spec = match parsed {
        Ok(Ok(document)) => decoder.spec(document.as_table()),
        Ok(Err(error)) => {
            decoder.syntax_error(&error);
            None
        }
        Err(_) => {
            decoder.report(
                Diagnostic::new(Code::Syntax, "the TOML parser failed on this file")
                    .label(Some(0..text.len().min(1)), "could not be parsed")
                    .help("this is a bug in the TOML parser; please report the file. Check the file's syntax meanwhile"),
            );
            None
        }
    };
    let spec = spec.unwrap_or_else(empty_spec);
    let (diagnostics, omitted) = decoder.diagnostics.into_parts();
    Decoded { spec, source_map: decoder.map, diagnostics, omitted, broken_ids: decoder.broken }
}

fn empty_spec() -> Spec {
    Spec {
        agreement: Agreement {
            id: String::new(),
            title: String::new(),
            adopted: Date::constant(2000, 1, 1),
            ends: None,
            signed: None,
            stalls_after: None,
            record: false,
            core: Vec::new(),
            summary: None,
            sources: Vec::new(),
        },
        party: Vec::new(),
        instrument: Vec::new(),
        quantity: Vec::new(),
        facility: Vec::new(),
        phase: Vec::new(),
        commitment: Vec::new(),
        power: Vec::new(),
        amendment: Vec::new(),
        simulation: None,
    }
}

struct Decoder<'s> {
    text: &'s str,
    diagnostics: Collector,
    map: SourceMap,
    broken: HashSet<String>,
    /// Required keys written misspelt, by table (start of its span, prefix) and key.
    misspelt: HashSet<(Option<usize>, &'static str, &'static str)>,
    /// Missing keys not reported because their misspelling was: they still count as
    /// errors of their item, which is then left out of the model.
    reported_elsewhere: usize,
}

/// A table being decoded: its keys, where it is, which item it belongs to, and the
/// prefix of its fields in the source map (`""` for an item, `"verification."` nested).
struct Table<'a> {
    table: &'a dyn TableLike,
    span: Option<Range<usize>>,
    item: ItemKey,
    prefix: &'static str,
    /// For an entry of a list or map of tables (`limits`, `[simulation.strategy]`), its
    /// position: the source map keys the entry's fields by it.
    index: Option<usize>,
    /// How the table is named in messages, e.g. "commitment `lift-travel-ban`".
    what: String,
}

impl<'a> Table<'a> {
    fn value(&self, key: &str) -> Option<&'a Item> {
        self.table.get(key).filter(|item| !item.is_none())
    }

    fn key_span(&self, key: &str) -> Option<Range<usize>> {
        self.table.get_key_value(key).and_then(|(k, _)| k.span())
    }
}

fn item_span(item: &Item) -> Option<Range<usize>> {
    match item {
        Item::Value(value) => value.span(),
        Item::Table(table) => table.span(),
        Item::ArrayOfTables(array) => array.span(),
        Item::None => None,
    }
}

fn type_name(item: &Item) -> &'static str {
    match item {
        Item::None => "nothing",
        Item::Table(_) => "a table",
        Item::ArrayOfTables(_) => "an array of tables",
        Item::Value(value) => match value {
            Value::String(_) => "a string",
            Value::Integer(_) => "an integer",
            Value::Float(_) => "a float",
            Value::Boolean(_) => "a boolean",
            Value::Datetime(_) => "a date-time",
            Value::Array(_) => "an array",
            Value::InlineTable(_) => "an inline table",
        },
    }
}

/// The source-map name of a field: the key itself at the top of an item, or a dotted
/// name such as `verification.by` in a nested table. Dotted names are interned once per
/// (prefix, key) pair; both halves come from the fixed key lists above, so the interner
/// holds a few dozen short strings at most.
pub(crate) fn field_name(prefix: &'static str, key: &'static str) -> &'static str {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    if prefix.is_empty() {
        return key;
    }
    static NAMES: OnceLock<Mutex<HashMap<(&'static str, &'static str), &'static str>>> = OnceLock::new();
    let mut names = NAMES.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    names.entry((prefix, key)).or_insert_with(|| Box::leak(format!("{prefix}{key}").into_boxed_str()))
}

/// The number a TOML integer or float holds.
fn number_of(value: &Value) -> Option<f64> {
    match value {
        Value::Integer(i) => Some(*i.value() as f64),
        Value::Float(f) => Some(*f.value()),
        _ => None,
    }
}

/// A hint showing how a value of the expected type is written.
fn example_for(key: &str, expected: &str) -> String {
    let example = match expected {
        "a number" => "42 or 0.5",
        "true or false" => "true",
        "a date (YYYY-MM-DD)" => "2020-03-01 (no quotes needed)",
        "a string" => "\"...\"",
        _ => return format!("`{key}` must be {expected}; see docs/language.md"),
    };
    format!("write it as {key} = {example}")
}

impl<'s> Decoder<'s> {
    fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    fn syntax_error(&mut self, error: &toml_edit::TomlError) {
        let span = error.span().unwrap_or(0..0);
        let message = error.message().lines().next().unwrap_or("invalid TOML").trim().to_string();
        let help = if self.text.trim().is_empty() {
            "the file is empty".to_string()
        } else {
            "fix the TOML syntax first; `detente init NAME` writes a valid starter file".into()
        };
        let mut label_span = span.clone();
        if label_span.is_empty() && label_span.end < self.text.len() {
            label_span.end += 1;
        }
        // TOML checks date literals itself; report those as the date errors they are.
        let (code, help) = if message.contains("date")
            || message.contains("day between")
            || message.contains("month between")
        {
            (Code::BadDate, "dates are YYYY-MM-DD and must exist in the calendar".to_string())
        } else {
            (Code::Syntax, help)
        };
        self.report(
            Diagnostic::new(code, format!("invalid TOML: {message}"))
                .label(Some(label_span), message)
                .help(help),
        );
    }

    fn spec(&mut self, root: &toml_edit::Table) -> Option<Spec> {
        let mut spec = empty_spec();
        let top = Table {
            table: root,
            span: Some(0..0),
            item: ItemKey::Agreement,
            prefix: "",
            index: None,
            what: "the file".into(),
        };
        self.check_keys(&top, TOP_LEVEL_FIELDS);
        match top.value("agreement") {
            Some(item) => {
                if let Some(table) =
                    self.open(item, ItemKey::Agreement, "", None, "[agreement]", AGREEMENT_FIELDS)
                {
                    self.map.insert(ItemKey::Agreement, "", item_span(item).unwrap_or(0..0));
                    spec.agreement = self.agreement(&table);
                }
            }
            None => {
                let empty = root.is_empty();
                self.report(
                    Diagnostic::new(
                        Code::MissingField,
                        if empty {
                            "the file has no `[agreement]` table (is it empty?)".to_string()
                        } else {
                            "the file has no `[agreement]` table".to_string()
                        },
                    )
                    .label(Some(0..self.text.len().min(1)), "expected `[agreement]` here")
                    .help("start with [agreement] and its id, title and adopted date; `detente init NAME` writes a starter file"),
                );
                return self.finish_partial(spec, root);
            }
        }
        self.items(&mut spec, root);
        Some(spec)
    }

    /// Decodes the item lists even when the agreement table is broken, so every error
    /// in the file is still reported.
    fn finish_partial(&mut self, mut spec: Spec, root: &toml_edit::Table) -> Option<Spec> {
        self.items(&mut spec, root);
        Some(spec)
    }

    fn items(&mut self, spec: &mut Spec, root: &toml_edit::Table) {
        spec.party = self.list(root, "party", ItemKey::Party, PARTY_FIELDS, Self::party);
        spec.instrument =
            self.list(root, "instrument", ItemKey::Instrument, INSTRUMENT_FIELDS, Self::instrument);
        spec.quantity = self.list(root, "quantity", ItemKey::Quantity, QUANTITY_FIELDS, Self::quantity);
        spec.facility = self.list(root, "facility", ItemKey::Facility, FACILITY_FIELDS, Self::facility);
        spec.phase = self.list(root, "phase", ItemKey::Phase, PHASE_FIELDS, Self::phase);
        spec.commitment =
            self.list(root, "commitment", ItemKey::Commitment, COMMITMENT_FIELDS, Self::commitment);
        spec.power = self.list(root, "power", ItemKey::Power, POWER_FIELDS, Self::power);
        spec.amendment = self.list(root, "amendment", ItemKey::Amendment, AMENDMENT_FIELDS, Self::amendment);
        spec.simulation = root.get("simulation").filter(|i| !i.is_none()).and_then(|i| self.simulation(i));
    }

    /// Decodes `[[name]]` (or `name = [{...}]`) into items. Item keys are numbered by
    /// position among the successfully decoded items, so they index the model's lists.
    fn list<T>(
        &mut self,
        root: &toml_edit::Table,
        name: &'static str,
        key: fn(usize) -> ItemKey,
        fields: &'static [&'static str],
        decode: fn(&mut Self, &Table<'_>) -> Option<T>,
    ) -> Vec<T> {
        let Some(item) = root.get(name).filter(|i| !i.is_none()) else {
            return Vec::new();
        };
        let tables: Vec<(&dyn TableLike, Option<Range<usize>>)> = match item {
            Item::ArrayOfTables(array) => array.iter().map(|t| (t as &dyn TableLike, t.span())).collect(),
            Item::Value(Value::Array(array)) => {
                let mut tables = Vec::new();
                for value in array.iter() {
                    match value {
                        Value::InlineTable(t) => tables.push((t as &dyn TableLike, t.span())),
                        other => self.report(
                            Diagnostic::new(
                                Code::WrongType,
                                format!(
                                    "each `{name}` must be a table, found {}",
                                    type_name(&Item::Value(other.clone()))
                                ),
                            )
                            .label(other.span(), "expected a table")
                            .help(format!("write each one as [[{name}]] followed by its keys")),
                        ),
                    }
                }
                tables
            }
            other => {
                self.report(
                    Diagnostic::new(
                        Code::WrongType,
                        format!("`{name}` must be an array of tables, found {}", type_name(other)),
                    )
                    .label(
                        item_span(other).or_else(|| root.get_key_value(name).and_then(|(k, _)| k.span())),
                        "expected [[{name}]] tables",
                    )
                    .help(format!("write each {name} as a [[{name}]] table")),
                );
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for (table, span) in tables {
            let item_key = key(out.len());
            let what = match table.get("id").and_then(|i| i.as_str()) {
                Some(id) => format!("{name} `{id}`"),
                None => format!("a [[{name}]] table"),
            };
            let wrapped = Table { table, span: span.clone(), item: item_key, prefix: "", index: None, what };
            self.check_keys(&wrapped, fields);
            if let Some(span) = span {
                self.map.insert(item_key, "", span);
            }
            let errors_before = self.error_count();
            match decode(self, &wrapped) {
                Some(value) if self.error_count() == errors_before => out.push(value),
                _ => {
                    if let Some(id) = table.get("id").and_then(|i| i.as_str()) {
                        self.broken.insert(id.to_string());
                    }
                }
            }
        }
        out
    }

    fn error_count(&self) -> usize {
        self.diagnostics.reported() + self.reported_elsewhere
    }

    fn check_keys(&mut self, table: &Table<'_>, fields: &'static [&'static str]) {
        for (key, value) in table.table.iter() {
            if fields.contains(&key) {
                continue;
            }
            let suggestion = closest(key, fields.iter().copied());
            // A misspelt key that the table needs (`idd` for `id`) is one mistake: the
            // unknown key says so, and the missing key is not reported again. A
            // misspelt id still names its item, so references to it are not unknown.
            if let Some(meant) = suggestion.filter(|s| table.value(s).is_none()) {
                self.misspelt.insert((table.span.as_ref().map(|s| s.start), table.prefix, meant));
                if meant == "id" {
                    if let Some(id) = value.as_str() {
                        self.broken.insert(id.to_string());
                    }
                }
            }
            let help = match suggestion {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("{} accepts: {}", table.what, fields.join(", ")),
            };
            let span = table.key_span(key);
            self.report(
                Diagnostic::new(Code::UnknownField, format!("unknown key `{key}` in {}", table.what))
                    .label(span, "not a key of this table")
                    .help(help),
            );
        }
    }

    fn open<'a>(
        &mut self,
        item: &'a Item,
        key: ItemKey,
        prefix: &'static str,
        index: Option<usize>,
        what: &str,
        fields: &'static [&'static str],
    ) -> Option<Table<'a>> {
        let Some(table) = item.as_table_like() else {
            self.report(
                Diagnostic::new(
                    Code::WrongType,
                    format!("{what} must be a table, found {}", type_name(item)),
                )
                .label(item_span(item), "expected a table")
                .help(format!("write {what} as a table of keys, e.g. {{ key = \"value\" }}")),
            );
            return None;
        };
        let table = Table { table, span: item_span(item), item: key, prefix, index, what: what.to_string() };
        self.check_keys(&table, fields);
        Some(table)
    }

    fn missing(&mut self, table: &Table<'_>, key: &'static str, example: &str) {
        if self.misspelt.contains(&(table.span.as_ref().map(|s| s.start), table.prefix, key)) {
            // Reported as the unknown key it was misspelt as; the item is still left out.
            self.reported_elsewhere += 1;
            return;
        }
        self.report(
            Diagnostic::new(Code::MissingField, format!("{} has no `{key}`", table.what))
                .label(table.span.clone().map(|s| self.first_line(s)), format!("`{key}` is required here"))
                .help(format!("add e.g. {key} = {example}")),
        );
    }

    /// The first line of a span (a table's header), so a label does not cover the table.
    fn first_line(&self, span: Range<usize>) -> Range<usize> {
        let text = self.text.get(span.clone()).unwrap_or("");
        let len = text.find('\n').unwrap_or(text.len()).max(1);
        span.start..(span.start + len).min(self.text.len().max(span.start))
    }

    fn record(&mut self, table: &Table<'_>, key: &'static str, item: &Item) -> &'static str {
        let field = field_name(table.prefix, key);
        if let Some(span) = item_span(item).or_else(|| table.key_span(key)) {
            match table.index {
                Some(index) => self.map.insert_at(table.item, field, index, span),
                None => self.map.insert(table.item, field, span),
            }
        }
        field
    }

    /// Where the value of `key` in `table` was written (recorded by [`Self::record`]).
    fn span(&self, table: &Table<'_>, key: &'static str) -> Option<Range<usize>> {
        let field = field_name(table.prefix, key);
        match table.index {
            Some(index) => self.map.field_at(table.item, field, index),
            None => self.map.field(table.item, field),
        }
    }

    fn wrong_type(
        &mut self,
        table: &Table<'_>,
        key: &'static str,
        item: &Item,
        expected: &str,
        help: Option<String>,
    ) {
        self.report(
            Diagnostic::new(
                Code::WrongType,
                format!("`{key}` in {} must be {expected}, found {}", table.what, type_name(item)),
            )
            .label(item_span(item), format!("expected {expected}"))
            .help(help.unwrap_or_else(|| example_for(key, expected))),
        );
    }

    fn string(&mut self, table: &Table<'_>, key: &'static str) -> Option<String> {
        let item = table.value(key)?;
        self.record(table, key, item);
        match item.as_str() {
            Some(text) => Some(text.to_string()),
            None => {
                self.wrong_type(table, key, item, "a string", Some(format!("quote it: {key} = \"...\"")));
                None
            }
        }
    }

    fn required_string(&mut self, table: &Table<'_>, key: &'static str, example: &str) -> Option<String> {
        if table.value(key).is_none() {
            self.missing(table, key, example);
            return None;
        }
        self.string(table, key)
    }

    /// The id of an item. Whether it is a well-formed id is a rule of validation
    /// (E023), so that JSON input is held to it too.
    fn id(&mut self, table: &Table<'_>) -> Option<String> {
        self.required_string(table, "id", "\"short-name\"")
    }

    fn strings(&mut self, table: &Table<'_>, key: &'static str) -> Vec<String> {
        let Some(item) = table.value(key) else {
            return Vec::new();
        };
        let field = self.record(table, key, item);
        let Some(array) = item.as_array() else {
            let help = item.as_str().map(|s| format!("write a list: {key} = [\"{s}\"]"));
            self.wrong_type(table, key, item, "a list of strings", help);
            return Vec::new();
        };
        let mut out = Vec::new();
        for (index, value) in array.iter().enumerate() {
            if let Some(span) = value.span() {
                self.map.insert_at(table.item, field, index, span);
            }
            match value.as_str() {
                Some(text) => out.push(text.to_string()),
                None => self.report(
                    Diagnostic::new(Code::WrongType, format!("every element of `{key}` must be a string"))
                        .label(value.span(), "expected a string")
                        .help("quote each id: [\"a\", \"b\"]"),
                ),
            }
        }
        out
    }

    fn number(&mut self, table: &Table<'_>, key: &'static str) -> Option<f64> {
        let item = table.value(key)?;
        self.record(table, key, item);
        let value = item.as_value().and_then(number_of);
        if value.is_none() {
            self.wrong_type(table, key, item, "a number", None);
        }
        // Its range (finite, not too large, non-negative or a probability where the key
        // needs it) is checked by validation.
        value
    }

    fn required_number(&mut self, table: &Table<'_>, key: &'static str, example: &str) -> Option<f64> {
        if table.value(key).is_none() {
            self.missing(table, key, example);
            return None;
        }
        self.number(table, key)
    }

    fn boolean(&mut self, table: &Table<'_>, key: &'static str) -> Option<bool> {
        let item = table.value(key)?;
        self.record(table, key, item);
        match item.as_bool() {
            Some(b) => Some(b),
            None => {
                self.wrong_type(table, key, item, "true or false", None);
                None
            }
        }
    }

    fn date(&mut self, table: &Table<'_>, key: &'static str) -> Option<Date> {
        let item = table.value(key)?;
        self.record(table, key, item);
        let text = match item.as_value() {
            Some(Value::Datetime(dt)) => {
                let dt = dt.value();
                match (dt.date, dt.time) {
                    (Some(d), None) => format!("{:04}-{:02}-{:02}", d.year, d.month, d.day),
                    _ => {
                        self.report(
                            Diagnostic::new(
                                Code::BadDate,
                                format!("`{key}` must be a date without a time of day"),
                            )
                            .label(item_span(item), "has a time")
                            .help("write just the date, e.g. 2020-03-01"),
                        );
                        return None;
                    }
                }
            }
            Some(Value::String(s)) => s.value().clone(),
            _ => {
                self.wrong_type(table, key, item, "a date (YYYY-MM-DD)", None);
                return None;
            }
        };
        match parse_date(&text) {
            Ok(date) => Some(date),
            Err(error) => {
                self.report(
                    Diagnostic::new(Code::BadDate, format!("`{key}` is not a valid date: {error}"))
                        .label(item_span(item), "invalid date")
                        .help("dates are YYYY-MM-DD and must exist in the calendar"),
                );
                None
            }
        }
    }

    fn required_date(&mut self, table: &Table<'_>, key: &'static str) -> Option<Date> {
        if table.value(key).is_none() {
            self.missing(table, key, "2020-03-01");
            return None;
        }
        self.date(table, key)
    }

    fn duration(&mut self, table: &Table<'_>, key: &'static str) -> Option<Duration> {
        let text = self.string(table, key)?;
        let span = self.span(table, key);
        match text.parse::<Duration>() {
            Ok(duration) => Some(duration),
            Err(error) => {
                self.report(
                    Diagnostic::new(Code::BadDuration, format!("`{key}` is not a duration: {error}"))
                        .label(span, "invalid duration")
                        .help("write a whole number and a unit, e.g. \"90 days\", \"6 months\", \"1 year\""),
                );
                None
            }
        }
    }

    fn keyword<T: Copy>(
        &mut self,
        table: &Table<'_>,
        key: &'static str,
        all: &[T],
        word_of: fn(T) -> &'static str,
    ) -> Option<T> {
        let text = self.string(table, key)?;
        if let Some(found) = all.iter().copied().find(|v| word_of(*v) == text) {
            return Some(found);
        }
        let words: Vec<&str> = all.iter().map(|v| word_of(*v)).collect();
        let span = self.span(table, key);
        let help = match closest(&text, words.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? `{key}` is one of: {}", words.join(", ")),
            None => format!("`{key}` is one of: {}", words.join(", ")),
        };
        self.report(
            Diagnostic::new(Code::UnknownKeyword, format!("`{text}` is not a valid `{key}`"))
                .label(span, "unknown value")
                .help(help),
        );
        None
    }

    fn required_keyword<T: Copy>(
        &mut self,
        table: &Table<'_>,
        key: &'static str,
        all: &[T],
        word_of: fn(T) -> &'static str,
    ) -> Option<T> {
        if table.value(key).is_none() {
            self.missing(table, key, &format!("\"{}\"", word_of(all[0])));
            return None;
        }
        self.keyword(table, key, all, word_of)
    }

    fn condition(&mut self, table: &Table<'_>, key: &'static str) -> Option<condition::Condition> {
        let item = table.value(key)?;
        let text = self.string(table, key)?;
        let field = field_name(table.prefix, key);
        let value_span = item_span(item);
        // Offsets inside the string map exactly onto the file only when the string is
        // written without escapes: then the raw text between the quotes is the value
        // itself. Otherwise, point at the whole string. This is decided once per
        // condition: comparing the text again for every reference made a condition of
        // n terms cost n times its length.
        let inner_start = value_span.as_ref().and_then(|span| {
            let raw = self.text.get(span.clone())?;
            let quote = raw.chars().next()?;
            let start = span.start + if raw.starts_with("\"\"\"") || raw.starts_with("'''") { 3 } else { 1 };
            let exact = matches!(quote, '"' | '\'')
                && self.text.get(start..start + text.len()) == Some(text.as_str());
            exact.then_some(start)
        });
        let to_file = |range: Range<usize>| -> Option<Range<usize>> {
            match inner_start {
                Some(start) => Some(start + range.start..start + range.end),
                None => value_span.clone(),
            }
        };
        match condition::parse(&text) {
            Ok(parsed) => {
                let refs = parsed.ranges.into_iter().filter_map(to_file).collect();
                if field == ACCESS_WHEN {
                    self.map.append_condition_refs(table.item, field, refs);
                } else {
                    self.map.insert_condition_refs(table.item, field, refs);
                }
                Some(parsed.condition)
            }
            Err(error) => {
                let mut range = error.range.clone();
                if range.is_empty() {
                    range.start = range.start.saturating_sub(1);
                }
                self.report(
                    Diagnostic::new(
                        Code::BadCondition,
                        format!("invalid condition in `{key}`: {}", error.message),
                    )
                    .label(to_file(range), error.message.clone())
                    .help(error.help.unwrap_or_else(condition::known_forms)),
                );
                None
            }
        }
    }

    fn subtable<'a>(
        &mut self,
        table: &Table<'a>,
        key: &'static str,
        prefix: &'static str,
        fields: &'static [&'static str],
    ) -> Option<Table<'a>> {
        let item = table.value(key)?;
        self.record(table, key, item);
        let what = format!("`{key}` of {}", table.what);
        self.open(item, table.item, prefix, table.index, &what, fields)
    }

    /// Decodes a list of small tables (`limits`, `sets`, `produces`).
    fn table_list<T>(
        &mut self,
        table: &Table<'_>,
        key: &'static str,
        prefix: &'static str,
        fields: &'static [&'static str],
        decode: fn(&mut Self, &Table<'_>) -> Option<T>,
    ) -> Vec<T> {
        let Some(item) = table.value(key) else {
            return Vec::new();
        };
        let field = self.record(table, key, item);
        let entries: Vec<(&dyn TableLike, Option<Range<usize>>)> = match item {
            Item::ArrayOfTables(array) => array.iter().map(|t| (t as &dyn TableLike, t.span())).collect(),
            Item::Value(Value::Array(array)) => array
                .iter()
                .filter_map(|v| match v {
                    Value::InlineTable(t) => Some((t as &dyn TableLike, t.span())),
                    other => {
                        self.report(
                            Diagnostic::new(
                                Code::WrongType,
                                format!("each entry of `{key}` must be a table"),
                            )
                            .label(other.span(), "expected { ... }")
                            .help(format!("e.g. {key} = [{{ {} = ... }}]", fields[0])),
                        );
                        None
                    }
                })
                .collect(),
            other => {
                self.wrong_type(
                    table,
                    key,
                    other,
                    "a list of tables",
                    Some(format!("e.g. {key} = [{{ {} = ... }}]", fields[0])),
                );
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for (index, (entry, span)) in entries.into_iter().enumerate() {
            if let Some(span) = span.clone() {
                self.map.insert_at(table.item, field, index, span);
            }
            let wrapped = Table {
                table: entry,
                span,
                item: table.item,
                prefix,
                index: Some(index),
                what: format!("an entry of `{key}` in {}", table.what),
            };
            self.check_keys(&wrapped, fields);
            if let Some(value) = decode(self, &wrapped) {
                out.push(value);
            }
        }
        out
    }

    // ---- items ----------------------------------------------------------------------

    /// The agreement as far as it reads: a key that does not read is left blank (its
    /// error reported), so that validation sees the keys that do.
    fn agreement(&mut self, t: &Table<'_>) -> Agreement {
        let blank = empty_spec().agreement;
        let id = self.id(t);
        let title = self.required_string(t, "title", "\"A step-by-step roadmap\"");
        let adopted = self.required_date(t, "adopted");
        let ends = self.date(t, "ends");
        let signed = self.date(t, "signed");
        let stalls_after = self.duration(t, "stalls_after");
        let record = self.boolean(t, "record").unwrap_or(false);
        let core = self.strings(t, "core");
        let summary = self.string(t, "summary");
        let sources = self.strings(t, "sources");
        Agreement {
            id: id.unwrap_or(blank.id),
            title: title.unwrap_or(blank.title),
            adopted: adopted.unwrap_or(blank.adopted),
            ends,
            signed,
            stalls_after,
            record,
            core,
            summary,
            sources,
        }
    }

    fn party(&mut self, t: &Table<'_>) -> Option<Party> {
        let id = self.id(t);
        let name = self.required_string(t, "name", "\"Republic of Korea\"");
        let role = self.required_keyword(t, "role", Role::ALL, Role::keyword);
        let asserts = match t.value("asserts") {
            Some(_) => {
                let words = self.strings(t, "asserts");
                let mut kinds = Vec::new();
                for (index, word) in words.iter().enumerate() {
                    match EventKind::from_keyword(word) {
                        Some(kind) => kinds.push(kind),
                        None => {
                            let all: Vec<&str> = EventKind::ALL.iter().map(|k| k.keyword()).collect();
                            let help = match closest(word, all.iter().copied()) {
                                Some(s) => format!("did you mean `{s}`? event kinds are: {}", all.join(", ")),
                                None => format!("event kinds are: {}", all.join(", ")),
                            };
                            self.report(
                                Diagnostic::new(
                                    Code::UnknownKeyword,
                                    format!("`{word}` is not an event kind"),
                                )
                                .label(self.map.element(t.item, "asserts", index), "unknown event kind")
                                .help(help),
                            );
                        }
                    }
                }
                Some(kinds)
            }
            None => role.map(Role::default_asserts),
        };
        let essential = self.boolean(t, "essential").unwrap_or(false);
        let succeeds =
            self.subtable(t, "succeeds", "succeeds.", SUCCESSION_FIELDS).and_then(|s| self.succession(&s));
        Some(Party { id: id?, name: name?, role: role?, asserts: asserts?, essential, succeeds })
    }

    fn succession(&mut self, t: &Table<'_>) -> Option<Succession> {
        let party = self.required_string(t, "party", "\"ussr\"");
        let on = self.required_date(t, "on");
        Some(Succession { party: party?, on: on? })
    }

    fn amendment(&mut self, t: &Table<'_>) -> Option<Amendment> {
        let id = self.id(t);
        let title = self.required_string(t, "title", "\"Protocol of 2010\"");
        let signed = self.date(t, "signed");
        let effective = self.date(t, "effective");
        let summary = self.string(t, "summary");
        let source = self.string(t, "source");
        Some(Amendment { id: id?, title: title?, signed, effective, summary, source })
    }

    fn instrument(&mut self, t: &Table<'_>) -> Option<Instrument> {
        let id = self.id(t);
        let name = self.required_string(t, "name", "\"UN Security Council resolution 2397\"");
        let kind = self.required_keyword(t, "kind", InstrumentKind::ALL, InstrumentKind::keyword);
        let authority = self.string(t, "authority");
        let imposed_by = self.strings(t, "imposed_by");
        let targets = self.strings(t, "targets");
        let since = self.date(t, "since");
        let weight = self.number(t, "weight");
        let source = self.string(t, "source");
        Some(Instrument {
            id: id?,
            name: name?,
            kind: kind?,
            authority,
            imposed_by,
            targets,
            since,
            weight,
            source,
        })
    }

    fn quantity(&mut self, t: &Table<'_>) -> Option<Quantity> {
        let id = self.id(t);
        let name = self.required_string(t, "name", "\"Nuclear warheads\"");
        let unit = self.required_string(t, "unit", "\"warheads\"");
        let owner = self.string(t, "owner");
        let initial = self.required_number(t, "initial", "30");
        let low = self.number(t, "low");
        let high = self.number(t, "high");
        let as_of = self.required_date(t, "as_of");
        let growth_per_year = self.number(t, "growth_per_year");
        let made_from = self.table_list(t, "made_from", "made_from.", MATERIAL_FIELDS, Self::material);
        let max_per_year =
            self.subtable(t, "max_per_year", "max_per_year.", RATE_FIELDS).and_then(|r| self.rate(&r));
        let source = self.string(t, "source");
        Some(Quantity {
            id: id?,
            name: name?,
            unit: unit?,
            owner,
            initial: initial?,
            low,
            high,
            as_of: as_of?,
            growth_per_year,
            made_from,
            max_per_year,
            source,
        })
    }

    fn material(&mut self, t: &Table<'_>) -> Option<Material> {
        let quantity = self.required_string(t, "quantity", "\"plutonium\"");
        let per_unit = self.required_number(t, "per_unit", "4");
        let low = self.number(t, "low");
        let high = self.number(t, "high");
        Some(Material { quantity: quantity?, per_unit: per_unit?, low, high })
    }

    fn rate(&mut self, t: &Table<'_>) -> Option<Rate> {
        let central = self.required_number(t, "central", "6");
        let low = self.number(t, "low");
        let high = self.number(t, "high");
        Some(Rate { central: central?, low, high })
    }

    fn facility(&mut self, t: &Table<'_>) -> Option<Facility> {
        let id = self.id(t);
        let name = self.required_string(t, "name", "\"5 MWe reactor\"");
        let owner = self.string(t, "owner");
        let location = self.string(t, "location");
        let status = self.required_keyword(t, "status", FacilityStatus::ALL, FacilityStatus::keyword);
        let produces = self.table_list(t, "produces", "produces.", PRODUCTION_FIELDS, Self::production);
        let source = self.string(t, "source");
        Some(Facility { id: id?, name: name?, owner, location, status: status?, produces, source })
    }

    fn production(&mut self, t: &Table<'_>) -> Option<Production> {
        let quantity = self.required_string(t, "quantity", "\"plutonium\"");
        let per_year = self.required_number(t, "per_year", "6");
        let low = self.number(t, "low");
        let high = self.number(t, "high");
        Some(Production { quantity: quantity?, per_year: per_year?, low, high })
    }

    fn phase(&mut self, t: &Table<'_>) -> Option<Phase> {
        let id = self.id(t);
        let title = self.required_string(t, "title", "\"New relations\"");
        let after = self.strings(t, "after");
        let opens_when = self.condition(t, "opens_when");
        let amendment = self.string(t, "amendment");
        let summary = self.string(t, "summary");
        Some(Phase { id: id?, title: title?, after, opens_when, amendment, summary })
    }

    fn commitment(&mut self, t: &Table<'_>) -> Option<Commitment> {
        let id = self.id(t);
        let title = self.required_string(t, "title", "\"Lift the travel ban\"");
        let phase = self.required_string(t, "phase", "\"relations\"");
        if t.value("by").is_none() {
            self.missing(t, "by", "[\"usa\"]");
        }
        let by = self.strings(t, "by");
        let kind = self.required_keyword(t, "kind", CommitmentKind::ALL, CommitmentKind::keyword);
        let category = self.required_keyword(t, "category", Category::ALL, Category::keyword);
        let binding = self.boolean(t, "binding").unwrap_or(true);
        let when = self.condition(t, "when");
        let while_ = self.condition(t, "while");
        let otherwise = self.keyword(t, "otherwise", WhileEnds::ALL, WhileEnds::keyword);
        let due = self.due(t, "due");
        let on_timeout = self.timeout(t);
        let lasts = self.duration(t, "lasts");
        let verification = self
            .subtable(t, "verification", "verification.", VERIFICATION_FIELDS)
            .and_then(|v| self.verification(&v));
        let established_by = self.strings(t, "established_by");
        let notice = self.duration(t, "notice");
        let in_return_for = self.strings(t, "in_return_for");
        let amendment = self.string(t, "amendment");
        let replaces = self.strings(t, "replaces");
        let readings = self.readings(t);
        let relieves = self.strings(t, "relieves");
        let limits = self.table_list(t, "limits", "limits.", LIMIT_FIELDS, Self::limit);
        let sets = self.table_list(t, "sets", "sets.", SET_STATUS_FIELDS, Self::set_status);
        let benefits = self.strings(t, "benefits");
        let values = self.subtable(t, "values", "values.", VALUES_FIELDS).and_then(|v| self.values(&v));
        let text = self.string(t, "text");
        let source = self.string(t, "source");
        Some(Commitment {
            id: id?,
            title: title?,
            phase: phase?,
            by,
            kind: kind?,
            category: category?,
            binding,
            when,
            while_,
            otherwise,
            due,
            on_timeout,
            lasts,
            verification,
            established_by,
            notice,
            in_return_for,
            amendment,
            replaces,
            readings,
            relieves,
            limits,
            sets,
            benefits,
            values,
            text,
            source,
        })
    }

    /// Per-party readings: `[commitment.readings.PARTY]` tables, keyed by party id.
    fn readings(&mut self, t: &Table<'_>) -> std::collections::BTreeMap<String, Reading> {
        let mut readings = std::collections::BTreeMap::new();
        let Some(item) = t.value("readings") else { return readings };
        self.record(t, "readings", item);
        let Some(table) = item.as_table_like() else {
            self.wrong_type(t, "readings", item, "a table of party ids to readings", None);
            return readings;
        };
        for (party, value) in table.iter() {
            let Some(reading) = value.as_table_like() else {
                self.report(
                    Diagnostic::new(Code::WrongType, format!("the reading of `{party}` must be a table"))
                        .label(item_span(value), "expected a table")
                        .help("write [commitment.readings.PARTY] followed by text, excludes, when, while, due, on_timeout"),
                );
                continue;
            };
            let sub = Table {
                table: reading,
                span: item_span(value),
                item: t.item,
                prefix: "readings.",
                index: None,
                what: format!("the reading of `{party}` in {}", t.what),
            };
            self.check_keys(&sub, READING_FIELDS);
            let errors_before = self.error_count();
            let parsed = Reading {
                text: self.string(&sub, "text"),
                excludes: self.strings(&sub, "excludes"),
                when: self.condition(&sub, "when"),
                while_: self.condition(&sub, "while"),
                due: self.due(&sub, "due"),
                on_timeout: self.timeout(&sub),
                source: self.string(&sub, "source"),
            };
            if self.error_count() == errors_before {
                readings.insert(party.to_string(), parsed);
            }
        }
        readings
    }

    /// A deadline: a duration (`"90 days"`) or a calendar date (`2018-12-31`, quoted or not).
    fn due(&mut self, t: &Table<'_>, key: &'static str) -> Option<Due> {
        let item = t.value(key)?;
        if matches!(item.as_value(), Some(Value::Datetime(_))) {
            return self.date(t, key).map(Due::On);
        }
        let text = self.string(t, key)?;
        let span = self.map.field(t.item, field_name(t.prefix, key));
        match text.parse::<Due>() {
            Ok(due) => Some(due),
            Err(error) => {
                let (code, help) = match error {
                    DueError::Date(_) => {
                        (Code::BadDate, "a calendar deadline is a date that exists, e.g. 2018-12-31")
                    }
                    DueError::Duration(_) => (
                        Code::BadDuration,
                        "write a duration (\"90 days\", \"6 months\") or a date (2018-12-31)",
                    ),
                };
                self.report(
                    Diagnostic::new(code, format!("`{key}` is neither a duration nor a date: {error}"))
                        .label(span, "invalid deadline")
                        .help(help),
                );
                None
            }
        }
    }

    fn timeout(&mut self, t: &Table<'_>) -> Option<Timeout> {
        let text = self.string(t, "on_timeout")?;
        match text.parse::<Timeout>() {
            Ok(timeout) => Some(timeout),
            Err(error) => {
                let span = self.map.field(t.item, "on_timeout");
                let code = if text.trim().starts_with("extended by") {
                    Code::BadDuration
                } else {
                    Code::UnknownKeyword
                };
                let suggestion = closest(text.trim(), ["violated", "discharged", "extended by"]);
                let help = match suggestion {
                    Some(s) => format!("did you mean `{s}`? on_timeout is \"violated\", \"discharged\" or \"extended by 30 days\""),
                    None => "on_timeout is \"violated\", \"discharged\" or \"extended by 30 days\"".to_string(),
                };
                self.report(
                    Diagnostic::new(code, error.to_string())
                        .label(span, "invalid timeout outcome")
                        .help(help),
                );
                None
            }
        }
    }

    fn verification(&mut self, t: &Table<'_>) -> Option<Verification> {
        let by = self.required_string(t, "by", "\"iaea\"");
        let method = self.required_string(t, "method", "\"on-site inspection\"");
        let detection = self.required_number(t, "detection", "0.9");
        let false_alarm =
            if t.value("false_alarm").is_some() { self.number(t, "false_alarm") } else { Some(0.0) };
        let every = self.duration(t, "every");
        let access = self.table_list(t, "access", "verification.access.", ACCESS_FIELDS, Self::access);
        let budget =
            self.subtable(t, "budget", "verification.budget.", BUDGET_FIELDS).and_then(|b| self.budget(&b));
        Some(Verification {
            by: by?,
            method: method?,
            detection: detection?,
            false_alarm: false_alarm?,
            every,
            access,
            budget,
        })
    }

    /// An inspection budget: both its count and its window are needed. Whether the
    /// window holds whole periods of `every` is a rule of validation.
    fn budget(&mut self, t: &Table<'_>) -> Option<InspectionBudget> {
        if t.value("inspections").is_none() {
            self.missing(t, "inspections", "4");
        }
        if t.value("per").is_none() {
            self.missing(t, "per", "\"1 year\"");
        }
        let inspections = self.whole_number(t, "inspections", 1, i64::from(MAX_INSPECTIONS));
        let per = self.duration(t, "per");
        let source = self.string(t, "source");
        Some(InspectionBudget { inspections: inspections? as u32, per: per?, source })
    }

    fn access(&mut self, t: &Table<'_>) -> Option<Access> {
        if t.value("when").is_none() {
            self.missing(t, "when", "\"fulfilled(admit-inspectors)\"");
        }
        let when = self.condition(t, "when");
        let detection = self.required_number(t, "detection", "0.9");
        let false_alarm = self.number(t, "false_alarm");
        let source = self.string(t, "source");
        Some(Access { when: when?, detection: detection?, false_alarm, source })
    }

    fn limit(&mut self, t: &Table<'_>) -> Option<Limit> {
        let quantity = self.required_string(t, "quantity", "\"warheads\"");
        let max = self.required_number(t, "max", "30");
        let unit = self.string(t, "unit");
        Some(Limit { quantity: quantity?, max: max?, unit })
    }

    fn set_status(&mut self, t: &Table<'_>) -> Option<SetStatus> {
        let facility = self.required_string(t, "facility", "\"yongbyon-reactor\"");
        let status = self.required_keyword(t, "status", FacilityStatus::ALL, FacilityStatus::keyword);
        Some(SetStatus { facility: facility?, status: status? })
    }

    fn values(&mut self, t: &Table<'_>) -> Option<Values> {
        let cost = self.cost(t);
        let threat_reduction = self.number(t, "threat_reduction").unwrap_or(0.0);
        let benefit = self
            .by_party(t, "benefit", ["e.g. benefit = { dprk = 5 }", "e.g. benefit = { dprk = 5, usa = 2.5 }"])
            .unwrap_or_default();
        Some(Values { cost, benefit, threat_reduction })
    }

    /// `cost`: a number each party bound carries, or a table of each one's own cost.
    fn cost(&mut self, t: &Table<'_>) -> Cost {
        match t.value("cost") {
            Some(item) if item.is_table_like() => {
                let example = "e.g. cost = { usa = 1, prc = 3 }";
                Cost::ByParty(self.by_party(t, "cost", [example, example]).unwrap_or_default())
            }
            Some(item) if item.as_value().and_then(number_of).is_none() => {
                self.record(t, "cost", item);
                self.wrong_type(
                    t,
                    "cost",
                    item,
                    "a number or a table of party ids to numbers",
                    Some("e.g. cost = 2 (each party bound carries it) or cost = { usa = 1, prc = 3 }".into()),
                );
                Cost::default()
            }
            _ => Cost::Each(self.number(t, "cost").unwrap_or(0.0)),
        }
    }

    /// A table of party ids to numbers under `key` of `values` (`benefit`, `cost`), with
    /// the help for a value that is not a table and for an entry that is not a number.
    fn by_party(
        &mut self,
        t: &Table<'_>,
        key: &'static str,
        [table_help, entry_help]: [&str; 2],
    ) -> Option<std::collections::BTreeMap<String, f64>> {
        let item = t.value(key)?;
        self.record(t, key, item);
        let (entries, values) = match key {
            "cost" => ("values.cost", "values.cost.value"),
            _ => ("values.benefit", "values.benefit.value"),
        };
        let Some(table) = item.as_table_like() else {
            self.wrong_type(t, key, item, "a table of party ids to numbers", Some(table_help.into()));
            return None;
        };
        let mut by_party = std::collections::BTreeMap::new();
        // Every key is a party id, so there is no fixed key list. The model keeps the
        // entries sorted by party id; number the spans of keys and values in that order
        // so the validator finds each by position.
        let mut entries_sorted: Vec<(&str, &Item)> = table.iter().collect();
        entries_sorted.sort_unstable_by_key(|(k, _)| *k);
        for (index, (party, value)) in entries_sorted.into_iter().enumerate() {
            if let Some(span) = table.key(party).and_then(|k| k.span()) {
                self.map.insert_at(t.item, entries, index, span);
            }
            if let Some(span) = item_span(value) {
                self.map.insert_at(t.item, values, index, span);
            }
            match value.as_value().and_then(number_of) {
                Some(number) => {
                    by_party.insert(party.to_string(), number);
                }
                None => self.report(
                    Diagnostic::new(Code::WrongType, format!("the {key} to `{party}` must be a number"))
                        .label(item_span(value), "expected a number")
                        .help(entry_help),
                ),
            }
        }
        Some(by_party)
    }

    fn power(&mut self, t: &Table<'_>) -> Option<Power> {
        let id = self.id(t);
        let title = self.required_string(t, "title", "\"Snap-back of sanctions\"");
        let kind = self.required_keyword(t, "kind", PowerKind::ALL, PowerKind::keyword);
        let holders = self.strings(t, "holders");
        let automatic = self.boolean(t, "automatic").unwrap_or(false);
        if t.value("trigger").is_none() {
            self.missing(t, "trigger", "\"violated(any of dprk)\"");
        }
        let trigger = self.condition(t, "trigger");
        let notice = self.duration(t, "notice");
        let cancellable = self.boolean(t, "cancellable").unwrap_or(false);
        let restores = self.restores(t);
        let suspends = self.strings(t, "suspends");
        let resumes_when = self.condition(t, "resumes_when");
        let amendment = self.string(t, "amendment");
        let text = self.string(t, "text");
        let source = self.string(t, "source");
        Some(Power {
            id: id?,
            title: title?,
            kind: kind?,
            holders,
            automatic,
            trigger: trigger?,
            notice,
            cancellable,
            restores,
            suspends,
            resumes_when,
            amendment,
            text,
            source,
        })
    }

    fn restores(&mut self, t: &Table<'_>) -> Restores {
        match t.value("restores") {
            None => Restores::default(),
            Some(item) if item.as_str().is_some() => {
                self.record(t, "restores", item);
                if item.as_str() == Some("all") {
                    Restores::AllRelieved
                } else {
                    self.report(
                        Diagnostic::new(Code::WrongType, "`restores` is \"all\" or a list of instrument ids")
                            .label(item_span(item), "expected \"all\" or a list")
                            .help("write restores = \"all\" or restores = [\"unscr-2397\", ...]"),
                    );
                    Restores::default()
                }
            }
            Some(_) => Restores::Listed(self.strings(t, "restores")),
        }
    }
}

impl Decoder<'_> {
    // ---- the [simulation] table ---------------------------------------------------

    fn simulation(&mut self, item: &Item) -> Option<Simulation> {
        let t = self.open(item, ItemKey::Simulation, "", None, "[simulation]", SIMULATION_FIELDS)?;
        if let Some(span) = item_span(item) {
            self.map.insert(ItemKey::Simulation, "", self.first_line(span));
        }
        let mut sim = Simulation::default();
        if let Some(d) = self.duration(&t, "horizon") {
            sim.horizon = d;
        }
        if let Some(d) = self.duration(&t, "step") {
            sim.step = d;
        }
        if let Some(n) = self.whole_number(&t, "runs", 0, u32::MAX.into()) {
            sim.runs = n as u32;
        }
        if let Some(n) = self.whole_number(&t, "seed", 0, i64::MAX) {
            sim.seed = n as u64;
        }
        sim.strategy = self.by_id(&t, "strategy", Self::strategy);
        sim.election = self.table_list(&t, "election", "election.", ELECTION_FIELDS, Self::election);
        sim.detection = self.by_id(&t, "detection", Self::id_number);
        sim.false_alarm = self.by_id(&t, "false_alarm", Self::id_number);
        sim.inspection = self.by_id(&t, "inspection", Self::id_number);
        sim.measurement = self.by_id(&t, "measurement", Self::id_number);
        sim.prior = self.by_id(&t, "prior", Self::prior);
        if let Some(p) = self.number(&t, "resolution") {
            sim.resolution = p;
        }
        if let Some(item) = t.value("confirmation") {
            self.record(&t, "confirmation", item);
            let what = "[simulation.confirmation]";
            if let Some(c) =
                self.open(item, ItemKey::Simulation, "confirmation.", None, what, CONFIRMATION_FIELDS)
            {
                if let Some(p) = self.number(&c, "breach") {
                    sim.confirmation.breach = p;
                }
                if let Some(p) = self.number(&c, "false_alarm") {
                    sim.confirmation.false_alarm = p;
                }
            }
        }
        sim.lead_time = self.by_id(&t, "lead_time", Self::lead_time);
        sim.range = self.by_id(&t, "range", Self::assumption_range);
        if let Some(item) = t.value("walkout") {
            self.record(&t, "walkout", item);
            let what = "[simulation.walkout]";
            if let Some(w) = self.open(item, ItemKey::Simulation, "walkout.", None, what, WALKOUT_FIELDS) {
                if let Some(p) = self.number(&w, "base") {
                    sim.walkout.base = p;
                }
                if let Some(p) = self.number(&w, "aggrieved") {
                    sim.walkout.aggrieved = p;
                }
            }
        }
        Some(sim)
    }

    /// A whole number in `min..=max`: the numbers the model can hold (runs, seeds). The
    /// range that makes sense (at least one run) is checked by validation.
    fn whole_number(&mut self, t: &Table<'_>, key: &'static str, min: i64, max: i64) -> Option<i64> {
        let item = t.value(key)?;
        self.record(t, key, item);
        let Some(n) = item.as_integer() else {
            self.wrong_type(t, key, item, "a whole number", Some(format!("e.g. {key} = {}", min.max(1))));
            return None;
        };
        if !(min..=max).contains(&n) {
            self.report(
                Diagnostic::new(Code::NumberOutOfRange, format!("`{key}` = {n} is out of range"))
                    .label(item_span(item), "out of range")
                    .help(format!("`{key}` is a whole number from {min} to {max}")),
            );
            return None;
        }
        Some(n)
    }

    /// A table keyed by ids (parties, commitments), each value decoded by `decode`. Key
    /// spans are numbered in sorted order, the order of the model's map.
    fn by_id<T>(
        &mut self,
        t: &Table<'_>,
        key: &'static str,
        decode: fn(&mut Self, &Item, &'static str, usize, &str) -> Option<T>,
    ) -> std::collections::BTreeMap<String, T> {
        let mut out = std::collections::BTreeMap::new();
        let Some(item) = t.value(key) else { return out };
        self.record(t, key, item);
        let Some(table) = item.as_table_like() else {
            self.wrong_type(t, key, item, "a table keyed by ids", Some(format!("e.g. [simulation.{key}]")));
            return out;
        };
        let mut entries: Vec<(&str, &Item)> = table.iter().collect();
        entries.sort_unstable_by_key(|(k, _)| *k);
        for (index, (id, value)) in entries.into_iter().enumerate() {
            if let Some(span) = table.key(id).and_then(|k| k.span()) {
                self.map.insert_at(ItemKey::Simulation, key, index, span);
            }
            if let Some(decoded) = decode(self, value, key, index, id) {
                out.insert(id.to_string(), decoded);
            }
        }
        out
    }

    /// A number keyed by a commitment id (`[simulation.detection]` and the like). Its
    /// span is recorded as the field `KEY.value`, numbered like the keys.
    fn id_number(&mut self, item: &Item, key: &'static str, index: usize, id: &str) -> Option<f64> {
        if let Some(span) = item_span(item) {
            self.map.insert_at(ItemKey::Simulation, field_name(key, ".value"), index, span);
        }
        let value = item.as_value().and_then(number_of);
        if value.is_none() {
            self.report(
                Diagnostic::new(Code::WrongType, format!("the {key} of `{id}` must be a number"))
                    .label(item_span(item), "expected a number")
                    .help(format!("e.g. {id} = 0.8")),
            );
        }
        value
    }

    /// A party's strategy. Which parameters its kind takes is a rule of validation.
    fn strategy(&mut self, item: &Item, _key: &'static str, index: usize, party: &str) -> Option<Strategy> {
        let what = format!("the strategy of `{party}`");
        let t = self.open(item, ItemKey::Simulation, "strategy.", Some(index), &what, STRATEGY_FIELDS)?;
        let kind = self.required_keyword(&t, "kind", StrategyKind::ALL, StrategyKind::keyword)?;
        let cheat = self.number(&t, "cheat");
        let max_cost = self.number(&t, "max_cost");
        let patience = self.duration(&t, "patience");
        Some(Strategy { kind, cheat, max_cost, patience })
    }

    /// A party's prior over its types. Whether the probabilities make a distribution,
    /// and whether the types' parameters are stated, are rules of validation.
    fn prior(&mut self, item: &Item, _key: &'static str, index: usize, party: &str) -> Option<Prior> {
        let what = format!("the prior of `{party}`");
        let t = self.open(item, ItemKey::Simulation, "prior.", Some(index), &what, PRIOR_FIELDS)?;
        Some(Prior {
            sincere: self.number(&t, "sincere").unwrap_or(0.0),
            hedger: self.number(&t, "hedger").unwrap_or(0.0),
            covert_cheater: self.number(&t, "covert-cheater").unwrap_or(0.0),
            max_cost: self.number(&t, "max_cost"),
            cheat: self.number(&t, "cheat"),
            source: self.string(&t, "source"),
        })
    }

    /// A commitment's lead time: both its median and its 90th percentile are needed.
    fn lead_time(&mut self, item: &Item, _key: &'static str, index: usize, id: &str) -> Option<LeadTime> {
        let what = format!("the lead time of `{id}`");
        let t = self.open(item, ItemKey::Simulation, "lead_time.", Some(index), &what, LEAD_TIME_FIELDS)?;
        for key in ["median", "p90"] {
            if t.value(key).is_none() {
                self.missing(&t, key, if key == "median" { "\"60 days\"" } else { "\"130 days\"" });
            }
        }
        let median = self.duration(&t, "median");
        let p90 = self.duration(&t, "p90");
        Some(LeadTime { median: median?, p90: p90? })
    }

    /// A stated range of an assumption: both ends and where they come from. Which
    /// parameters exist and whether the value lies inside is a rule of validation.
    fn assumption_range(
        &mut self,
        item: &Item,
        _key: &'static str,
        index: usize,
        parameter: &str,
    ) -> Option<AssumptionRange> {
        let what = format!("the range of `{parameter}`");
        let t = self.open(item, ItemKey::Simulation, "range.", Some(index), &what, RANGE_FIELDS)?;
        let low = self.required_number(&t, "low", "0.5");
        let high = self.required_number(&t, "high", "0.9");
        if t.value("source").is_none() {
            self.missing(&t, "source", "\"the encoder's judgment\"");
        }
        let source = self.string(&t, "source");
        Some(AssumptionRange { low: low?, high: high?, source: source? })
    }

    fn election(&mut self, t: &Table<'_>) -> Option<Election> {
        let party = self.required_string(t, "party", "\"usa\"");
        let first = self.required_date(t, "first");
        if t.value("every").is_none() {
            self.missing(t, "every", "\"4 years\"");
        }
        let every = self.duration(t, "every");
        let reversal = self.required_number(t, "reversal", "0.3");
        Some(Election { party: party?, first: first?, every: every?, reversal: reversal? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
[agreement]
id = "mini"
title = "Minimal"
adopted = 2020-03-01

[[party]]
id = "a"
name = "A"
role = "signatory"
"#;

    #[test]
    fn decodes_a_minimal_file() {
        let decoded = decode(MINIMAL);
        assert!(decoded.diagnostics.is_empty(), "{:?}", decoded.diagnostics);
        assert_eq!(decoded.spec.agreement.id, "mini");
        assert_eq!(decoded.spec.party[0].asserts, Role::Signatory.default_asserts());
        let span = decoded.source_map.item(ItemKey::Party(0)).unwrap();
        assert_eq!(&MINIMAL[span], "\"a\"");
    }

    #[test]
    fn reports_every_error_at_once() {
        let text = format!(
            "{MINIMAL}\n[[party]]\nid = \"b\"\ncolour = \"B\"\nrole = \"signatroy\"\n\n[[phase]]\nid = 3\ntitle = \"x\"\n"
        );
        let decoded = decode(&text);
        let codes: Vec<&str> = decoded.diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert!(codes.contains(&"E004"), "{codes:?}");
        assert!(codes.contains(&"E003"), "{codes:?}");
        assert!(codes.contains(&"E020"), "{codes:?}");
        assert!(codes.contains(&"E002"), "{codes:?}");
        assert!(decoded.broken_ids.contains("b"));
        assert_eq!(decoded.spec.party.len(), 1);
    }

    #[test]
    fn a_misspelt_required_key_is_one_mistake() {
        // `nmae` is reported as an unknown key with a suggestion, not again as a missing
        // `name`; `idd` likewise, and references to the id it holds are not unknown.
        let text = format!(
            "{MINIMAL}\n[[party]]\nid = \"b\"\nnmae = \"B\"\nrole = \"signatory\"\n\n[[phase]]\nidd = \"p\"\ntitle = \"x\"\n"
        );
        let decoded = decode(&text);
        let codes: Vec<&str> = decoded.diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["E004", "E004"]);
        assert!(decoded.diagnostics[0].help.as_deref().unwrap().contains("did you mean `name`?"));
        assert!(decoded.broken_ids.contains("b") && decoded.broken_ids.contains("p"));
        assert_eq!(decoded.spec.party.len(), 1);
        assert!(decoded.spec.phase.is_empty());
    }

    #[test]
    fn condition_reference_spans_point_into_the_file() {
        let text = format!(
            "{MINIMAL}\n[[phase]]\nid = \"p\"\ntitle = \"P\"\nopens_when = \"complete(q) and violated(any of a)\"\n"
        );
        let decoded = decode(&text);
        assert!(decoded.diagnostics.is_empty(), "{:?}", decoded.diagnostics);
        let span = decoded.source_map.condition_ref(ItemKey::Phase(0), "opens_when", 1).unwrap();
        assert_eq!(&text[span], "a");
    }
}
