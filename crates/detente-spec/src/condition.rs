//! The condition language.
//!
//! Phases open, commitments activate and powers become available when a *condition*
//! holds. Conditions are short boolean expressions written as strings in the
//! specification, for example
//!
//! ```text
//! complete(relations) and verified(inventory-declaration)
//! violated(any of dprk) or quantity(warheads) > 60
//! date >= 2021-01-01 and not in_force(us-travel-ban)
//! ```
//!
//! Grammar (keywords are lower case; `and` binds tighter than `or`):
//!
//! ```text
//! condition := disjunct ("or" disjunct)*
//! disjunct  := term ("and" term)*
//! term      := "not" term | "(" condition ")" | "true" | "false"
//!            | PREDICATE "(" subject ")"
//!            | "complete" "(" ID ")" | "in_force" "(" ID ")"
//!            | "status" "(" ID ")" ("==" | "!=") FACILITY-STATUS
//!            | "quantity" "(" ID ")" CMP NUMBER
//!            | "date" CMP DATE
//! PREDICATE := performed | fulfilled | verified | alleged | violated
//! subject   := ID | "any" "of" ID          (a commitment, a phase, or a party's commitments)
//! CMP       := "<" | "<=" | ">" | ">=" | "==" | "!="
//! ```
//!
//! The meaning of each predicate is given in `docs/language.md`; the engine implements it.
//! This module only parses, prints and lists the ids a condition mentions, so that the
//! validator can resolve them.

use std::fmt;
use std::ops::Range;

use crate::model::FacilityStatus;
use crate::time::{parse_date, Date};

/// A parsed condition.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    /// Always holds.
    True,
    /// Never holds.
    False,
    /// A predicate on the lifecycle of commitments.
    Commitment(Predicate, Subject),
    /// Every commitment of the phase is fulfilled.
    Complete(String),
    /// The instrument is in force (not relieved).
    InForce(String),
    /// A facility's status compared with a value.
    Status {
        /// The facility id.
        facility: String,
        /// `==` or `!=`; other comparisons are rejected by the parser.
        equal: bool,
        /// The status compared with.
        status: FacilityStatus,
    },
    /// A quantity's recorded value compared with a number.
    Quantity {
        /// The quantity id.
        quantity: String,
        /// The comparison.
        cmp: Cmp,
        /// The number compared with, in the quantity's unit.
        value: f64,
    },
    /// The evaluation date compared with a calendar date.
    Date {
        /// The comparison.
        cmp: Cmp,
        /// The date compared with.
        date: Date,
    },
    /// All of the parts hold.
    And(Vec<Condition>),
    /// At least one part holds.
    Or(Vec<Condition>),
    /// The part does not hold.
    Not(Box<Condition>),
}

/// A predicate over commitments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Predicate {
    /// Every party bound by it has performed it (verified or not).
    Performed,
    /// Performed and, where verification is required, verified.
    Fulfilled,
    /// A verifier has confirmed performance.
    Verified,
    /// Some party has claimed a violation (verified or not).
    Alleged,
    /// A violation is established: verified by a verifier, or a deadline lapsed.
    Violated,
    /// A breach stands that is not remedied: a verified violation not yet resolved, or
    /// a missed deadline whose party at fault has still not performed (one performed
    /// late is remedied, though it stays a breach).
    Unremedied,
    /// It is suspended (by a power, a party, or its `while` condition).
    Suspended,
    /// It has ended by withdrawal, renunciation or the agreement's termination.
    Terminated,
}

impl Predicate {
    const ALL: [Predicate; 8] = [
        Predicate::Performed,
        Predicate::Fulfilled,
        Predicate::Verified,
        Predicate::Alleged,
        Predicate::Violated,
        Predicate::Unremedied,
        Predicate::Suspended,
        Predicate::Terminated,
    ];

    /// The keyword of the predicate.
    pub fn keyword(self) -> &'static str {
        match self {
            Predicate::Performed => "performed",
            Predicate::Fulfilled => "fulfilled",
            Predicate::Verified => "verified",
            Predicate::Alleged => "alleged",
            Predicate::Violated => "violated",
            Predicate::Unremedied => "unremedied",
            Predicate::Suspended => "suspended",
            Predicate::Terminated => "terminated",
        }
    }
}

/// What a commitment predicate is about.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Subject {
    /// One commitment, or every commitment of a phase.
    Item(String),
    /// Any commitment undertaken by the party (`any of dprk`).
    AnyOf(String),
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cmp {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    Eq,
    /// `!=`
    Ne,
}

impl Cmp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
            Cmp::Eq => "==",
            Cmp::Ne => "!=",
        }
    }

    /// Applies the comparison.
    pub fn holds<T: PartialOrd>(self, left: T, right: T) -> bool {
        match self {
            Cmp::Lt => left < right,
            Cmp::Le => left <= right,
            Cmp::Gt => left > right,
            Cmp::Ge => left >= right,
            Cmp::Eq => left == right,
            Cmp::Ne => left != right,
        }
    }
}

/// The kind of item a condition refers to, for resolving its ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RefKind {
    /// A commitment or a phase (`fulfilled(x)`, `violated(x)`).
    CommitmentOrPhase,
    /// A party (`any of p`).
    Party,
    /// A phase (`complete(p)`).
    Phase,
    /// An instrument (`in_force(i)`).
    Instrument,
    /// A facility (`status(f)`).
    Facility,
    /// A quantity (`quantity(q)`).
    Quantity,
}

/// An id mentioned by a condition, in source order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference<'a> {
    /// The id as written.
    pub id: &'a str,
    /// What kind of item it must name.
    pub kind: RefKind,
}

impl Condition {
    /// Every id this condition mentions, left to right. The parser returns the source
    /// ranges of the same references in the same order (see [`Parsed::ranges`]).
    pub fn references(&self) -> Vec<Reference<'_>> {
        let mut out = Vec::new();
        self.collect_references(&mut out);
        out
    }

    fn collect_references<'a>(&'a self, out: &mut Vec<Reference<'a>>) {
        let mut push = |id: &'a str, kind| out.push(Reference { id, kind });
        match self {
            Condition::True | Condition::False | Condition::Date { .. } => {}
            Condition::Commitment(_, Subject::Item(id)) => push(id, RefKind::CommitmentOrPhase),
            Condition::Commitment(_, Subject::AnyOf(id)) => push(id, RefKind::Party),
            Condition::Complete(id) => push(id, RefKind::Phase),
            Condition::InForce(id) => push(id, RefKind::Instrument),
            Condition::Status { facility, .. } => push(facility, RefKind::Facility),
            Condition::Quantity { quantity, .. } => push(quantity, RefKind::Quantity),
            Condition::And(parts) | Condition::Or(parts) => {
                for part in parts {
                    part.collect_references(out);
                }
            }
            Condition::Not(inner) => inner.collect_references(out),
        }
    }

    /// The conjunction of `parts`, simplified: no parts is `true`, one part is itself.
    pub fn all(mut parts: Vec<Condition>) -> Condition {
        match parts.len() {
            0 => Condition::True,
            1 => parts.remove(0),
            _ => Condition::And(parts),
        }
    }
}

impl fmt::Display for Condition {
    /// Prints the canonical form, which parses back to an equal condition.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.print(f, Precedence::Or)
    }
}

#[derive(Clone, Copy, PartialEq, PartialOrd)]
enum Precedence {
    Or,
    And,
    Term,
}

impl Condition {
    fn print(&self, f: &mut fmt::Formatter<'_>, context: Precedence) -> fmt::Result {
        match self {
            Condition::True => f.write_str("true"),
            Condition::False => f.write_str("false"),
            Condition::Commitment(pred, Subject::Item(id)) => write!(f, "{}({id})", pred.keyword()),
            Condition::Commitment(pred, Subject::AnyOf(id)) => {
                write!(f, "{}(any of {id})", pred.keyword())
            }
            Condition::Complete(id) => write!(f, "complete({id})"),
            Condition::InForce(id) => write!(f, "in_force({id})"),
            Condition::Status { facility, equal, status } => {
                let op = if *equal { "==" } else { "!=" };
                write!(f, "status({facility}) {op} {}", status.keyword())
            }
            Condition::Quantity { quantity, cmp, value } => {
                write!(f, "quantity({quantity}) {} {value}", cmp.symbol())
            }
            Condition::Date { cmp, date } => write!(f, "date {} {date}", cmp.symbol()),
            Condition::Not(inner) => {
                f.write_str("not ")?;
                inner.print(f, Precedence::Term)
            }
            Condition::And(parts) => print_joined(f, parts, " and ", Precedence::And, context),
            Condition::Or(parts) => print_joined(f, parts, " or ", Precedence::Or, context),
        }
    }
}

fn print_joined(
    f: &mut fmt::Formatter<'_>,
    parts: &[Condition],
    separator: &str,
    own: Precedence,
    context: Precedence,
) -> fmt::Result {
    let parenthesize = context > own;
    if parenthesize {
        f.write_str("(")?;
    }
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            f.write_str(separator)?;
        }
        // A nested `and` inside `and` (or `or` in `or`) would flatten on re-parsing and
        // change the tree, so nested groups of the same kind keep their parentheses.
        let inner = match own {
            Precedence::Or => Precedence::And,
            _ => Precedence::Term,
        };
        part.print(f, inner)?;
    }
    if parenthesize {
        f.write_str(")")?;
    }
    Ok(())
}

/// A successfully parsed condition with the byte ranges of its references.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    /// The condition.
    pub condition: Condition,
    /// The range in the condition text of each item of [`Condition::references`].
    pub ranges: Vec<Range<usize>>,
}

/// A syntax error in a condition, with the byte range in the condition text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ConditionError {
    /// What is wrong.
    pub message: String,
    /// Where, as a byte range of the condition text.
    pub range: Range<usize>,
    /// What to do about it.
    pub help: Option<String>,
}

/// Conditions nested deeper than this are rejected rather than risk the stack.
pub const MAX_DEPTH: usize = 64;

/// Parses a condition.
pub fn parse(text: &str) -> Result<Parsed, ConditionError> {
    let tokens = lex(text)?;
    let mut parser = Parser { text, tokens, at: 0, ranges: Vec::new(), depth: 0 };
    let condition = parser.condition()?;
    if let Some(token) = parser.peek() {
        return Err(parser.error_at(
            token.range.clone(),
            format!("unexpected `{}` after a complete condition", token.text(text)),
            Some("join conditions with `and` or `or`".into()),
        ));
    }
    Ok(Parsed { condition, ranges: parser.ranges })
}

#[derive(Clone, Debug, PartialEq)]
enum TokenKind {
    Word,
    Number,
    Date,
    Open,
    Close,
    Cmp(Cmp),
}

#[derive(Clone, Debug)]
struct Token {
    kind: TokenKind,
    range: Range<usize>,
}

impl Token {
    fn text<'a>(&self, source: &'a str) -> &'a str {
        &source[self.range.clone()]
    }
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'
}

fn lex(text: &str) -> Result<Vec<Token>, ConditionError> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        let single = |kind| Token { kind, range: start..start + 1 };
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' => {
                tokens.push(single(TokenKind::Open));
                chars.next();
            }
            ')' => {
                tokens.push(single(TokenKind::Close));
                chars.next();
            }
            '<' | '>' | '=' | '!' => {
                chars.next();
                let two = chars.peek().map(|&(_, c)| c) == Some('=');
                if two {
                    chars.next();
                }
                let cmp = match (c, two) {
                    ('<', false) => Cmp::Lt,
                    ('<', true) => Cmp::Le,
                    ('>', false) => Cmp::Gt,
                    ('>', true) => Cmp::Ge,
                    ('=', true) => Cmp::Eq,
                    ('!', true) => Cmp::Ne,
                    _ => {
                        return Err(ConditionError {
                            message: format!("`{c}` is not an operator"),
                            range: start..start + 1,
                            help: Some("compare with <, <=, >, >=, == or !=; negate with `not`".into()),
                        })
                    }
                };
                let end = start + if two { 2 } else { 1 };
                tokens.push(Token { kind: TokenKind::Cmp(cmp), range: start..end });
            }
            c if is_word_char(c) => {
                let mut end = start;
                while let Some(&(i, c)) = chars.peek() {
                    if !is_word_char(c) {
                        break;
                    }
                    end = i + c.len_utf8();
                    chars.next();
                }
                let word = &text[start..end];
                let kind = if parse_date(word).is_ok() || looks_like_date(word) {
                    TokenKind::Date
                } else if is_number(word) {
                    TokenKind::Number
                } else {
                    TokenKind::Word
                };
                tokens.push(Token { kind, range: start..end });
            }
            other => {
                return Err(ConditionError {
                    message: format!("unexpected character `{other}` in a condition"),
                    range: start..start + other.len_utf8(),
                    help: Some("conditions use ids, parentheses, `and`, `or`, `not` and comparisons".into()),
                })
            }
        }
    }
    Ok(tokens)
}

/// Whether a word is a number: after an optional sign it starts with a digit or a point,
/// so that ids such as `inf` or `nan`, which Rust would parse as floats, stay ids.
fn is_number(word: &str) -> bool {
    let digits = word.strip_prefix(['-', '+']).unwrap_or(word);
    digits.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && word.parse::<f64>().is_ok_and(f64::is_finite)
}

fn looks_like_date(word: &str) -> bool {
    let bytes = word.as_bytes();
    bytes.len() >= 8
        && bytes[0].is_ascii_digit()
        && word.matches('-').count() == 2
        && word.chars().all(|c| c.is_ascii_digit() || c == '-')
}

struct Parser<'a> {
    text: &'a str,
    tokens: Vec<Token>,
    at: usize,
    ranges: Vec<Range<usize>>,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn peek_word(&self) -> Option<&str> {
        self.peek().filter(|t| t.kind == TokenKind::Word).map(|t| t.text(self.text))
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn end_range(&self) -> Range<usize> {
        self.text.len()..self.text.len()
    }

    fn error_at(&self, range: Range<usize>, message: String, help: Option<String>) -> ConditionError {
        ConditionError { message, range, help }
    }

    fn condition(&mut self) -> Result<Condition, ConditionError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let range = self.peek().map(|t| t.range.clone()).unwrap_or(self.end_range());
            return Err(self.error_at(
                range,
                format!("condition nested more than {MAX_DEPTH} levels deep"),
                Some("split it, or name intermediate steps as phases".into()),
            ));
        }
        let mut parts = vec![self.disjunct()?];
        while self.peek_word() == Some("or") {
            self.next();
            parts.push(self.disjunct()?);
        }
        self.depth -= 1;
        Ok(if parts.len() == 1 { parts.remove(0) } else { Condition::Or(parts) })
    }

    fn disjunct(&mut self) -> Result<Condition, ConditionError> {
        let mut parts = vec![self.term()?];
        while self.peek_word() == Some("and") {
            self.next();
            parts.push(self.term()?);
        }
        Ok(if parts.len() == 1 { parts.remove(0) } else { Condition::And(parts) })
    }

    fn term(&mut self) -> Result<Condition, ConditionError> {
        let Some(token) = self.next() else {
            return Err(self.error_at(
                self.end_range(),
                "the condition ends where a term was expected".into(),
                Some("finish it, e.g. `fulfilled(some-commitment)`".into()),
            ));
        };
        match token.kind {
            TokenKind::Open => {
                let inner = self.condition()?;
                self.expect_close(&token)?;
                Ok(inner)
            }
            TokenKind::Word => self.word_term(token),
            _ => Err(self.error_at(
                token.range.clone(),
                format!("expected a condition, found `{}`", token.text(self.text)),
                Some(known_forms()),
            )),
        }
    }

    fn word_term(&mut self, token: Token) -> Result<Condition, ConditionError> {
        let word = token.text(self.text);
        if let Some(pred) = Predicate::ALL.iter().find(|p| p.keyword() == word) {
            let subject = self.parenthesized_subject(&token)?;
            return Ok(Condition::Commitment(*pred, subject));
        }
        match word {
            "true" => Ok(Condition::True),
            "false" => Ok(Condition::False),
            "not" => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(self.error_at(
                        token.range.clone(),
                        format!("condition nested more than {MAX_DEPTH} levels deep"),
                        None,
                    ));
                }
                let inner = self.term()?;
                self.depth -= 1;
                Ok(Condition::Not(Box::new(inner)))
            }
            "complete" => Ok(Condition::Complete(self.parenthesized_id(&token)?)),
            "in_force" => Ok(Condition::InForce(self.parenthesized_id(&token)?)),
            "status" => self.status(&token),
            "quantity" => self.quantity(&token),
            "date" => self.date(&token),
            _ => Err(self.unknown_word(&token)),
        }
    }

    fn unknown_word(&self, token: &Token) -> ConditionError {
        let word = token.text(self.text);
        let keywords = [
            "performed",
            "fulfilled",
            "verified",
            "alleged",
            "violated",
            "unremedied",
            "suspended",
            "terminated",
            "complete",
            "in_force",
            "status",
            "quantity",
            "date",
            "not",
            "true",
            "false",
        ];
        let suggestion = crate::suggest::closest(word, keywords.iter().copied());
        let help = match suggestion {
            Some(s) => format!("did you mean `{s}`? {}", known_forms()),
            None => known_forms(),
        };
        self.error_at(token.range.clone(), format!("`{word}` is not a condition"), Some(help))
    }

    fn expect_open(&mut self, after: &Token) -> Result<(), ConditionError> {
        match self.next() {
            Some(Token { kind: TokenKind::Open, .. }) => Ok(()),
            other => Err(self.error_at(
                other.map(|t| t.range).unwrap_or(self.end_range()),
                format!("expected `(` after `{}`", after.text(self.text)),
                None,
            )),
        }
    }

    fn expect_close(&mut self, open: &Token) -> Result<(), ConditionError> {
        match self.next() {
            Some(Token { kind: TokenKind::Close, .. }) => Ok(()),
            other => Err(self.error_at(
                other.map(|t| t.range).unwrap_or(self.end_range()),
                "expected `)`".into(),
                Some(format!("the parenthesis opened at offset {} is not closed", open.range.start)),
            )),
        }
    }

    fn id(&mut self) -> Result<String, ConditionError> {
        match self.next() {
            Some(token @ Token { kind: TokenKind::Word, .. }) => {
                self.ranges.push(token.range.clone());
                Ok(token.text(self.text).to_string())
            }
            other => Err(self.error_at(
                other.map(|t| t.range).unwrap_or(self.end_range()),
                "expected an id".into(),
                Some("ids are letters, digits, `-`, `_` and `.`".into()),
            )),
        }
    }

    fn parenthesized_id(&mut self, keyword: &Token) -> Result<String, ConditionError> {
        self.expect_open(keyword)?;
        let open = self.tokens[self.at - 1].clone();
        let id = self.id()?;
        self.expect_close(&open)?;
        Ok(id)
    }

    fn parenthesized_subject(&mut self, keyword: &Token) -> Result<Subject, ConditionError> {
        self.expect_open(keyword)?;
        let open = self.tokens[self.at - 1].clone();
        let any_of = self.peek_word() == Some("any")
            && self.tokens.get(self.at + 1).map(|t| t.text(self.text)) == Some("of");
        let subject = if any_of {
            self.at += 2;
            Subject::AnyOf(self.id()?)
        } else {
            Subject::Item(self.id()?)
        };
        self.expect_close(&open)?;
        Ok(subject)
    }

    fn cmp(&mut self, after: &str) -> Result<(Cmp, Range<usize>), ConditionError> {
        match self.next() {
            Some(Token { kind: TokenKind::Cmp(cmp), range }) => Ok((cmp, range)),
            other => Err(self.error_at(
                other.map(|t| t.range).unwrap_or(self.end_range()),
                format!("expected a comparison (<, <=, >, >=, ==, !=) after {after}"),
                None,
            )),
        }
    }

    fn status(&mut self, keyword: &Token) -> Result<Condition, ConditionError> {
        let facility = self.parenthesized_id(keyword)?;
        let (cmp, range) = self.cmp("`status(...)`")?;
        let equal = match cmp {
            Cmp::Eq => true,
            Cmp::Ne => false,
            _ => {
                return Err(self.error_at(
                    range,
                    "a facility status can only be compared with == or !=".into(),
                    None,
                ))
            }
        };
        let token = self.next();
        let word = token.as_ref().map(|t| t.text(self.text)).unwrap_or("");
        let status = FacilityStatus::from_keyword(word).ok_or_else(|| {
            self.error_at(
                token.map(|t| t.range).unwrap_or(self.end_range()),
                format!("`{word}` is not a facility status"),
                Some("use operating, frozen, disabled or dismantled".into()),
            )
        })?;
        Ok(Condition::Status { facility, equal, status })
    }

    fn quantity(&mut self, keyword: &Token) -> Result<Condition, ConditionError> {
        let quantity = self.parenthesized_id(keyword)?;
        let (cmp, _) = self.cmp("`quantity(...)`")?;
        match self.next() {
            Some(token @ Token { kind: TokenKind::Number, .. }) => {
                let value: f64 = token.text(self.text).parse().unwrap_or(f64::NAN);
                if !value.is_finite() {
                    return Err(self.error_at(token.range, "the number is not finite".into(), None));
                }
                Ok(Condition::Quantity { quantity, cmp, value })
            }
            other => Err(self.error_at(
                other.map(|t| t.range).unwrap_or(self.end_range()),
                "expected a number to compare the quantity with".into(),
                None,
            )),
        }
    }

    fn date(&mut self, _keyword: &Token) -> Result<Condition, ConditionError> {
        let (cmp, _) = self.cmp("`date`")?;
        match self.next() {
            Some(token) if token.kind == TokenKind::Date => {
                let date = parse_date(token.text(self.text))
                    .map_err(|message| self.error_at(token.range.clone(), message.to_string(), None))?;
                Ok(Condition::Date { cmp, date })
            }
            other => Err(self.error_at(
                other.map(|t| t.range).unwrap_or(self.end_range()),
                "expected a date (YYYY-MM-DD) to compare with".into(),
                None,
            )),
        }
    }
}

/// A one-line summary of the condition language, for help texts.
pub fn known_forms() -> String {
    "conditions are fulfilled(x), verified(x), performed(x), violated(x), alleged(x), suspended(x), terminated(x), \
     complete(phase), in_force(instrument), status(facility) == frozen, \
     quantity(q) <= n, date >= YYYY-MM-DD, joined with and/or/not"
        .into()
}

impl serde::Serialize for Condition {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Condition {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        parse(&text).map(|parsed| parsed.condition).map_err(|e| serde::de::Error::custom(e.message))
    }
}

impl schemars::JsonSchema for Condition {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Condition".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A condition, e.g. \"complete(relations) and verified(inventory-declaration)\" or \"violated(any of dprk)\". See docs/language.md."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_condition_error_displays_its_message_and_is_an_error() {
        let error = parse("phase-1 and").unwrap_err();
        let as_error: &dyn std::error::Error = &error;
        assert_eq!(as_error.to_string(), error.message);
        assert!(!error.message.is_empty() && error.range.start <= "phase-1 and".len());
    }

    fn roundtrip(text: &str) -> String {
        let parsed = parse(text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        let printed = parsed.condition.to_string();
        let again = parse(&printed).unwrap();
        assert_eq!(again.condition, parsed.condition, "{text} -> {printed}");
        printed
    }

    #[test]
    fn parses_every_form() {
        assert_eq!(roundtrip("fulfilled(a)"), "fulfilled(a)");
        assert_eq!(roundtrip("violated( any of dprk )"), "violated(any of dprk)");
        assert_eq!(
            roundtrip("complete(p1) and (verified(x) or alleged(y))"),
            "complete(p1) and (verified(x) or alleged(y))"
        );
        assert_eq!(roundtrip("not in_force(ban)"), "not in_force(ban)");
        assert_eq!(roundtrip("quantity(warheads)<=30.5"), "quantity(warheads) <= 30.5");
        assert_eq!(roundtrip("date >= 2021-01-31"), "date >= 2021-01-31");
        assert_eq!(roundtrip("status(yongbyon) != dismantled"), "status(yongbyon) != dismantled");
        assert_eq!(roundtrip("a_or_b(x)".replace("a_or_b", "performed").as_str()), "performed(x)");
        assert_eq!(roundtrip("(true or false) and true"), "(true or false) and true");
        // Words Rust would read as floats are ids here (found by the round-trip property).
        assert_eq!(roundtrip("quantity(inf) < 0"), "quantity(inf) < 0");
        assert_eq!(
            roundtrip("performed(nan) and fulfilled(infinity)"),
            "performed(nan) and fulfilled(infinity)"
        );
    }

    #[test]
    fn and_binds_tighter_than_or() {
        let parsed = parse("performed(a) or performed(b) and performed(c)").unwrap();
        assert!(matches!(parsed.condition, Condition::Or(ref parts) if parts.len() == 2));
    }

    #[test]
    fn nested_groups_keep_their_shape() {
        roundtrip("(performed(a) and performed(b)) and performed(c)");
        roundtrip("not (performed(a) or performed(b))");
        roundtrip("not not true");
    }

    #[test]
    fn reference_ranges_line_up_with_references() {
        let text = "complete(p) and violated(any of dprk) or quantity(w) > 3";
        let parsed = parse(text).unwrap();
        let refs = parsed.condition.references();
        assert_eq!(refs.len(), parsed.ranges.len());
        let found: Vec<_> = parsed.ranges.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(found, ["p", "dprk", "w"]);
        assert_eq!(refs[1].kind, RefKind::Party);
    }

    #[test]
    fn errors_point_at_the_problem() {
        let err = parse("fulfiled(a)").unwrap_err();
        assert_eq!(err.range, 0..8);
        assert!(err.help.unwrap().contains("did you mean `fulfilled`"));

        let err = parse("complete(a").unwrap_err();
        assert!(err.message.contains("expected `)`"));

        let err = parse("performed(a) performed(b)").unwrap_err();
        assert!(err.message.contains("after a complete condition"));

        let err = parse("date >= 2021-02-30").unwrap_err();
        assert!(err.message.contains("only 28 days"));

        assert!(parse("").is_err());
        assert!(parse("status(f) < frozen").is_err());
        assert!(parse("quantity(w) <= lots").is_err());
        assert!(parse("a = b").is_err());
        assert!(parse("fulfilled(a) && fulfilled(b)").is_err());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = format!("{}true{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(parse(&deep).unwrap_err().message.contains("nested"));
        let nots = format!("{}true", "not ".repeat(10_000));
        assert!(parse(&nots).unwrap_err().message.contains("nested"));
    }
}
