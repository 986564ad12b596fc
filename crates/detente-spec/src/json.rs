//! Reading the normalized JSON form (`detente show --format json`) back, with positions.
//!
//! serde reads the model: the JSON has the model's shape exactly. A small scanner then
//! walks the same text once and records where each item, field, list element and
//! condition reference was written, in the same [`SourceMap`] the TOML decoder fills.
//! Validation therefore holds JSON to the same rules as TOML and reports its mistakes at
//! their line and column. JSON that serde rejects is reported at serde's position, with
//! the path of the value in question (`commitment[2].verification.detection`).

use std::ops::Range;

use crate::condition;
use crate::decode::{self, field_name, Decoded};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::Spec;
use crate::source_map::{ItemKey, SourceMap};

/// Reads a specification from its normalized JSON form, recording where everything was
/// written. On a JSON or shape error the model is blank and the error is the one
/// diagnostic.
pub fn decode_json(text: &str) -> Decoded {
    match serde_json::from_str::<Spec>(text) {
        Ok(spec) => {
            let mut scanner = Scanner { text, at: 0, map: SourceMap::default(), buffer: None };
            scanner.root();
            Decoded {
                spec,
                source_map: scanner.map,
                diagnostics: Vec::new(),
                omitted: Default::default(),
                broken_ids: Default::default(),
            }
        }
        Err(error) => {
            let mut decoded = decode::decode("");
            decoded.diagnostics = vec![serde_error(text, &error)];
            decoded
        }
    }
}

/// A serde error as a located diagnostic, with the JSON path of the value and the code
/// the same mistake gets in TOML where the path tells which it is.
fn serde_error(text: &str, error: &serde_json::Error) -> Diagnostic {
    let offset = offset_of(text, error.line(), error.column());
    let end = text[offset..].chars().next().map_or(offset, |c| offset + c.len_utf8());
    let path = path_at(text, offset);
    let full = error.to_string();
    // serde_json appends " at line L column C"; the label carries the position.
    let message = match full.rfind(" at line ") {
        Some(cut) => &full[..cut],
        None => full.as_str(),
    };
    let last = path.rsplit(['.', '[']).next().unwrap_or("");
    let code = if error.is_syntax() || error.is_eof() {
        Code::Syntax
    } else if message.starts_with("missing field") {
        Code::MissingField
    } else if message.starts_with("unknown field") {
        Code::UnknownField
    } else if message.starts_with("invalid type") {
        Code::WrongType
    } else {
        match last {
            "due" | "lasts" | "notice" | "every" | "horizon" | "step" | "patience" => Code::BadDuration,
            "when" | "opens_when" | "trigger" => Code::BadCondition,
            "adopted" | "ends" | "since" | "as_of" | "first" => Code::BadDate,
            _ if message.starts_with("unknown variant") || last == "on_timeout" => Code::UnknownKeyword,
            _ => Code::WrongType,
        }
    };
    let message = if path.is_empty() {
        format!("invalid normalized JSON: {message}")
    } else {
        format!("invalid normalized JSON at `{path}`: {message}")
    };
    Diagnostic::new(code, message)
        .label(Some(offset..end), "here")
        .help("normalized JSON is what `detente show --format json` prints; see docs/normalized-json.md")
}

/// The byte offset of serde_json's 1-based line and column (columns count bytes).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let mut offset = (start + column.saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The path of the innermost value open at `offset`, e.g. `commitment[2].verification`.
/// Reads only up to `offset`, so it works on text that does not parse further on.
pub fn path_at(text: &str, offset: usize) -> String {
    enum Open {
        Object(Option<String>),
        Array(usize),
    }
    let bytes = text.as_bytes();
    let mut stack: Vec<Open> = Vec::new();
    let mut expecting_key = false;
    let mut i = 0;
    while i < bytes.len() && i < offset {
        match bytes[i] {
            b'{' => {
                stack.push(Open::Object(None));
                expecting_key = true;
            }
            b'[' => {
                stack.push(Open::Array(0));
                expecting_key = false;
            }
            b'}' | b']' => {
                stack.pop();
                expecting_key = false;
            }
            b',' => match stack.last_mut() {
                Some(Open::Array(n)) => *n += 1,
                Some(Open::Object(_)) => expecting_key = true,
                None => {}
            },
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                if expecting_key {
                    let raw = text.get(start..(i + 1).min(text.len())).unwrap_or("\"\"");
                    let key =
                        serde_json::from_str::<String>(raw).unwrap_or_else(|_| raw.trim_matches('"').into());
                    if let Some(Open::Object(slot)) = stack.last_mut() {
                        *slot = Some(key);
                    }
                    expecting_key = false;
                }
            }
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for open in &stack {
        match open {
            Open::Object(Some(key)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Open::Object(None) => {}
            Open::Array(n) => path.push_str(&format!("[{n}]")),
        }
    }
    path
}

/// Fields that are lists of small tables, with the keys of their entries.
fn entry_fields(field: &str) -> Option<(&'static str, &'static [&'static str])> {
    Some(match field {
        "limits" => ("limits.", decode::LIMIT_FIELDS),
        "sets" => ("sets.", decode::SET_STATUS_FIELDS),
        "produces" => ("produces.", decode::PRODUCTION_FIELDS),
        "made_from" => ("made_from.", decode::MATERIAL_FIELDS),
        "election" => ("election.", decode::ELECTION_FIELDS),
        "verification.access" => ("verification.access.", decode::ACCESS_FIELDS),
        _ => return None,
    })
}

/// One recorded range of an entry of a map keyed by ids, numbered in file order until
/// the map is complete and can be renumbered in the model's (sorted) order.
type Buffered = (ItemKey, &'static str, usize, Range<usize>);

/// Walks JSON text that serde has already accepted, recording ranges. It never fails:
/// on anything unexpected it stops recording, and the diagnostics lose a location, not
/// their correctness.
struct Scanner<'t> {
    text: &'t str,
    at: usize,
    map: SourceMap,
    buffer: Option<Vec<Buffered>>,
}

impl<'t> Scanner<'t> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn ws(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        self.ws();
        let found = self.peek() == Some(byte);
        if found {
            self.at += 1;
        }
        found
    }

    /// A string, quotes included.
    fn string(&mut self) -> Range<usize> {
        self.ws();
        let start = self.at;
        let bytes = self.text.as_bytes();
        if bytes.get(self.at) != Some(&b'"') {
            return start..start;
        }
        self.at += 1;
        while self.at < bytes.len() && bytes[self.at] != b'"' {
            self.at += if bytes[self.at] == b'\\' { 2 } else { 1 };
        }
        self.at = (self.at + 1).min(bytes.len());
        start..self.at
    }

    /// Any value, skipped over. Nesting is bounded by serde_json's recursion limit,
    /// which the text has passed, and is counted here rather than recursed.
    fn skip_value(&mut self) -> Range<usize> {
        self.ws();
        let start = self.at;
        let mut depth = 0usize;
        loop {
            self.ws();
            match self.peek() {
                None => break,
                Some(b'"') => {
                    self.string();
                }
                Some(b'{' | b'[') => {
                    depth += 1;
                    self.at += 1;
                }
                Some(b'}' | b']') => {
                    if depth == 0 {
                        break;
                    }
                    depth -= 1;
                    self.at += 1;
                }
                Some(b',' | b':') if depth > 0 => self.at += 1,
                Some(b',' | b':') => break,
                Some(_) => {
                    while self.peek().is_some_and(|b| !b",:]} \t\r\n".contains(&b)) {
                        self.at += 1;
                    }
                }
            }
            if depth == 0 {
                break;
            }
        }
        start..self.at
    }

    /// An object: calls `entry` with each key (decoded) and its range, positioned at the
    /// value, which `entry` must consume. Returns the object's range.
    fn object(&mut self, mut entry: impl FnMut(&mut Self, &str, Range<usize>)) -> Range<usize> {
        self.ws();
        let start = self.at;
        if !self.eat(b'{') {
            return self.skip_value();
        }
        if !self.eat(b'}') {
            loop {
                let key_span = self.string();
                let raw = &self.text[key_span.clone()];
                let key = if raw.contains('\\') {
                    serde_json::from_str::<String>(raw).unwrap_or_default()
                } else {
                    raw.trim_matches('"').to_string()
                };
                if !self.eat(b':') {
                    break;
                }
                entry(self, &key, key_span);
                if !self.eat(b',') {
                    self.eat(b'}');
                    break;
                }
            }
        }
        start..self.at
    }

    /// An array: calls `element` with each index, positioned at the element, which
    /// `element` must consume. Returns the array's range.
    fn array(&mut self, mut element: impl FnMut(&mut Self, usize)) -> Range<usize> {
        self.ws();
        let start = self.at;
        if !self.eat(b'[') {
            return self.skip_value();
        }
        if !self.eat(b']') {
            let mut index = 0;
            loop {
                element(self, index);
                index += 1;
                if !self.eat(b',') {
                    self.eat(b']');
                    break;
                }
            }
        }
        start..self.at
    }

    fn record(&mut self, item: ItemKey, field: &'static str, index: Option<usize>, span: Range<usize>) {
        match (index, &mut self.buffer) {
            (Some(index), Some(buffer)) => buffer.push((item, field, index, span)),
            (Some(index), None) => self.map.insert_at(item, field, index, span),
            (None, _) => self.map.insert(item, field, span),
        }
    }

    fn root(&mut self) {
        self.object(|s, key, _| {
            let (kind, fields): (fn(usize) -> ItemKey, &'static [&'static str]) = match key {
                "agreement" => return s.item(ItemKey::Agreement, decode::AGREEMENT_FIELDS),
                "simulation" => return s.item(ItemKey::Simulation, decode::SIMULATION_FIELDS),
                "party" => (ItemKey::Party, decode::PARTY_FIELDS),
                "instrument" => (ItemKey::Instrument, decode::INSTRUMENT_FIELDS),
                "quantity" => (ItemKey::Quantity, decode::QUANTITY_FIELDS),
                "facility" => (ItemKey::Facility, decode::FACILITY_FIELDS),
                "phase" => (ItemKey::Phase, decode::PHASE_FIELDS),
                "commitment" => (ItemKey::Commitment, decode::COMMITMENT_FIELDS),
                "power" => (ItemKey::Power, decode::POWER_FIELDS),
                "amendment" => (ItemKey::Amendment, decode::AMENDMENT_FIELDS),
                _ => {
                    s.skip_value();
                    return;
                }
            };
            s.array(|s, i| s.item(kind(i), fields));
        });
    }

    fn item(&mut self, item: ItemKey, fields: &'static [&'static str]) {
        let span = self.object(|s, key, _| s.field(item, "", None, fields, key));
        self.map.insert(item, "", span);
    }

    /// The value of `key` in a table of `item` whose fields are named `prefix` + key,
    /// numbered `index` if the table is an entry of a list or map.
    fn field(
        &mut self,
        item: ItemKey,
        prefix: &'static str,
        index: Option<usize>,
        fields: &'static [&'static str],
        key: &str,
    ) {
        let Some(&name) = fields.iter().find(|f| **f == key) else {
            self.skip_value();
            return;
        };
        let field = field_name(prefix, name);
        self.ws();
        let span = match (self.peek(), field) {
            (Some(b'['), _) => self.list(item, field),
            (Some(b'{'), "verification") => self
                .object(|s, key, _| s.field(item, "verification.", None, decode::VERIFICATION_FIELDS, key)),
            (Some(b'{'), "values") => {
                self.object(|s, key, _| s.field(item, "values.", None, decode::VALUES_FIELDS, key))
            }
            (Some(b'{'), "max_per_year") => {
                self.object(|s, key, _| s.field(item, "max_per_year.", None, decode::RATE_FIELDS, key))
            }
            (Some(b'{'), "succeeds") => {
                self.object(|s, key, _| s.field(item, "succeeds.", None, decode::SUCCESSION_FIELDS, key))
            }
            // Each party's reading: its fields and conditions, as the TOML decoder records them.
            (Some(b'{'), "readings") => self.object(|s, _, _| {
                s.ws();
                if s.peek() == Some(b'{') {
                    s.object(|s, key, _| s.field(item, "readings.", None, decode::READING_FIELDS, key));
                } else {
                    s.skip_value();
                }
            }),
            (
                Some(b'{'),
                "values.benefit" | "values.cost" | "detection" | "false_alarm" | "inspection" | "strategy"
                | "lead_time" | "measurement" | "range" | "prior",
            ) => self.by_id(item, field),
            (Some(b'{'), "verification.budget") => self
                .object(|s, key, _| s.field(item, "verification.budget.", None, decode::BUDGET_FIELDS, key)),
            (Some(b'{'), "confirmation") => self
                .object(|s, key, _| s.field(item, "confirmation.", None, decode::CONFIRMATION_FIELDS, key)),
            (Some(b'{'), "walkout") => {
                self.object(|s, key, _| s.field(item, "walkout.", None, decode::WALKOUT_FIELDS, key))
            }
            (
                Some(b'"'),
                "when"
                | "opens_when"
                | "trigger"
                | "while"
                | "resumes_when"
                | "readings.when"
                | "readings.while"
                | "verification.access.when",
            ) => {
                let span = self.string();
                self.condition_refs(item, field, span.clone());
                span
            }
            _ => self.skip_value(),
        };
        self.record(item, field, index, span);
    }

    fn list(&mut self, item: ItemKey, field: &'static str) -> Range<usize> {
        let entries = entry_fields(field);
        self.array(|s, n| {
            s.ws();
            let span = match entries {
                Some((prefix, fields)) if s.peek() == Some(b'{') => {
                    s.object(|s, key, _| s.field(item, prefix, Some(n), fields, key))
                }
                _ => s.skip_value(),
            };
            s.map.insert_at(item, field, n, span);
        })
    }

    /// A map keyed by ids. The model keeps it sorted, so its ranges are numbered by the
    /// sorted position of their key, as the TOML decoder numbers them.
    fn by_id(&mut self, item: ItemKey, field: &'static str) -> Range<usize> {
        let outer = self.buffer.replace(Vec::new());
        let mut keys: Vec<String> = Vec::new();
        let value_field = field_name(field, ".value");
        let span = self.object(|s, key, key_span| {
            let n = keys.len();
            keys.push(key.to_string());
            s.record(item, field, Some(n), key_span);
            s.ws();
            if field == "strategy" && s.peek() == Some(b'{') {
                s.object(|s, key, _| s.field(item, "strategy.", Some(n), decode::STRATEGY_FIELDS, key));
            } else if field == "prior" && s.peek() == Some(b'{') {
                s.object(|s, key, _| s.field(item, "prior.", Some(n), decode::PRIOR_FIELDS, key));
            } else if field == "lead_time" && s.peek() == Some(b'{') {
                s.object(|s, key, _| s.field(item, "lead_time.", Some(n), decode::LEAD_TIME_FIELDS, key));
            } else if field == "range" && s.peek() == Some(b'{') {
                s.object(|s, key, _| s.field(item, "range.", Some(n), decode::RANGE_FIELDS, key));
            } else {
                let value = s.skip_value();
                s.record(item, value_field, Some(n), value);
            }
        });
        let mut order: Vec<usize> = (0..keys.len()).collect();
        order.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
        let mut rank = vec![0; keys.len()];
        for (sorted, &file) in order.iter().enumerate() {
            rank[file] = sorted;
        }
        let buffered = std::mem::replace(&mut self.buffer, outer).unwrap_or_default();
        for (item, field, n, span) in buffered {
            self.map.insert_at(item, field, rank.get(n).copied().unwrap_or(n), span);
        }
        span
    }

    /// Ranges of the references of a condition written without escapes, where offsets
    /// in the string are offsets in the file.
    fn condition_refs(&mut self, item: ItemKey, field: &'static str, span: Range<usize>) {
        if span.len() < 2 {
            return;
        }
        let inner = span.start + 1..span.end - 1;
        let text = &self.text[inner.clone()];
        if text.contains('\\') {
            return;
        }
        if let Ok(parsed) = condition::parse(text) {
            let refs =
                parsed.ranges.into_iter().map(|r| inner.start + r.start..inner.start + r.end).collect();
            if field == decode::ACCESS_WHEN {
                self.map.append_condition_refs(item, field, refs);
            } else {
                self.map.insert_condition_refs(item, field, refs);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_the_open_value() {
        let text =
            r#"{"agreement": {"id": "a"}, "commitment": [{"id": "x"}, {"verification": {"detection": "#;
        assert_eq!(path_at(text, text.len()), "commitment[1].verification.detection");
        assert_eq!(path_at(text, 20), "agreement.id");
    }

    #[test]
    fn ranges_of_json_fields_point_into_the_text() {
        let text = r#"{
  "agreement": { "id": "a", "title": "T", "adopted": "2020-01-01", "sources": [] },
  "party": [ { "id": "p", "name": "P", "role": "signatory" } ],
  "commitment": [ { "id": "c", "title": "C", "phase": "ph", "by": ["p", "q"], "kind": "action",
    "category": "measure", "when": "verified(c) and not alleged(any of p)",
    "limits": [ { "quantity": "w", "max": -1 } ],
    "values": { "benefit": { "z": 1, "b": 2 } } } ],
  "simulation": { "strategy": { "y": { "kind": "grit", "patience": "0 days" }, "x": { "kind": "sincere" } },
    "detection": { "c": 7 } }
}"#;
        let decoded = decode_json(text);
        assert!(decoded.diagnostics.is_empty(), "{:?}", decoded.diagnostics);
        let map = &decoded.source_map;
        let at = |span: Option<Range<usize>>| &text[span.unwrap()];
        let c = ItemKey::Commitment(0);
        assert_eq!(at(map.item(ItemKey::Party(0))), "\"p\"");
        assert_eq!(at(map.element(c, "by", 1)), "\"q\"");
        assert_eq!(at(map.condition_ref(c, "when", 1)), "p");
        assert_eq!(at(map.field_at(c, "limits.max", 0)), "-1");
        assert_eq!(at(map.element(c, "values.benefit", 0)), "\"b\"");
        assert_eq!(at(map.field_at(c, "values.benefit.value", 1)), "1");
        let sim = ItemKey::Simulation;
        assert_eq!(at(map.element(sim, "strategy", 0)), "\"x\"");
        assert_eq!(at(map.field_at(sim, "strategy.patience", 1)), "\"0 days\"");
        assert_eq!(at(map.field_at(sim, "detection.value", 0)), "7");
    }

    #[test]
    fn serde_errors_are_located_with_their_path() {
        let text = "{\n  \"agreement\": { \"id\": \"a\", \"title\": 3, \"adopted\": \"2020-01-01\" }\n}";
        let decoded = decode_json(text);
        let error = &decoded.diagnostics[0];
        assert_eq!(error.code, Code::WrongType);
        assert!(error.message.contains("`agreement.title`"), "{}", error.message);
        assert_eq!(&text[error.primary().unwrap().clone()], "3");
    }
}
