//! Gambit's strategic-form file format, `.nfg` (version 1, rational payoffs).
//!
//! Two forms exist and both are read: the *payoff* form lists, for every pure profile
//! (first player's strategy varying fastest), each player's payoff; the *outcome* form
//! defines named outcomes with payoff vectors, then lists the outcome (1-based, 0 for
//! none) of every profile. Strategies are given by count (`{ 3 2 }`) or by name
//! (`{ { "a" "b" } { "c" "d" } }`). Numbers may be integers, decimals or fractions
//! (`3/2`). Games are written in the payoff form.
//!
//! The reader is meant for files from anywhere, so it refuses what it cannot hold
//! before allocating for it, each time with the line and column and the limit:
//!
//! * at most [`MAX_PAYOFFS`] payoffs (profiles times players); the profile count is
//!   multiplied out with overflow checks while the strategies are read, and the table
//!   is never given more room in advance than the rest of the file can fill (every
//!   payoff, or every outcome number, takes at least two bytes): a short file that
//!   declares a huge game is refused where it ends, having allocated little;
//! * at most [`MAX_DIGITS`] digits in a number (in a fraction's numerator and
//!   denominator each), counted before any digit is converted, and in the value an
//!   exponent (`1.5e3`) makes: decimal text is turned into big integers in time that
//!   grows with the square of its length, so one long number could otherwise keep the
//!   reader busy for minutes;
//! * at most [`MAX_INPUT`] bytes of text, and at most [`MAX_TABLE_DIGITS`] digits in the
//!   payoff table once the outcome form is expanded (a short file of outcomes can name
//!   a long number for every profile).

use std::fmt::Write;

use num_bigint::BigInt;
use num_traits::{One, Zero};

use crate::game::{to_text, Game, Q};

/// The most payoffs (profiles times players) a game may have: a 1,000 x 1,000
/// two-player game has 2,000,000. Each exact payoff takes about a hundred bytes.
pub const MAX_PAYOFFS: usize = 4_000_000;

/// The most digits a number may have: in its text (a fraction's numerator and
/// denominator each, a decimal's digits before and after the point together), and in
/// its exact value's numerator and denominator each, exponent included. What the
/// writer writes is read back.
pub const MAX_DIGITS: usize = 1_000;

/// The longest text read: 256 MiB.
pub const MAX_INPUT: usize = 256 << 20;

/// The most digits in the whole payoff table (numerators and denominators), as the
/// outcome form expands it.
pub const MAX_TABLE_DIGITS: usize = 100_000_000;

/// A problem in an `.nfg` file, with where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct NfgError {
    /// What is wrong.
    pub message: String,
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
    /// What to do about it.
    pub help: String,
}

impl NfgError {
    /// An error at byte `at` of `text`.
    pub fn at(text: &str, at: usize, message: impl Into<String>, help: impl Into<String>) -> NfgError {
        let before = &text.as_bytes()[..at.min(text.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        // Columns count characters (continuation bytes of UTF-8 are not counted).
        let column = before[start..].iter().filter(|&&b| b & 0xC0 != 0x80).count() + 1;
        NfgError { message: message.into(), line, column, help: help.into() }
    }

    /// The error for a file of `bytes` that is not UTF-8 from byte `valid_up_to`
    /// (`valid_up_to` bytes are).
    pub fn not_utf8(bytes: &[u8], valid_up_to: usize) -> NfgError {
        NfgError::not_utf8_in(bytes, valid_up_to, "nfg")
    }

    /// [`NfgError::not_utf8`] for a file of the format named by its extension
    /// (`"nfg"`, `"efg"`).
    pub fn not_utf8_in(bytes: &[u8], valid_up_to: usize, format: &str) -> NfgError {
        let text = std::str::from_utf8(&bytes[..valid_up_to]).unwrap_or_default();
        NfgError::at(
            text,
            valid_up_to,
            "this byte is not UTF-8 text",
            format!("an .{format} file is text; save it as UTF-8 (or ASCII)"),
        )
    }

    /// The error for a text longer than [`MAX_INPUT`].
    pub fn too_long(bytes: usize) -> NfgError {
        NfgError::too_long_in(bytes, "nfg")
    }

    /// [`NfgError::too_long`] for a file of the format named by its extension.
    pub fn too_long_in(bytes: usize, format: &str) -> NfgError {
        NfgError {
            message: format!("the file is longer than {} MiB ({bytes} bytes or more)", MAX_INPUT >> 20),
            line: 1,
            column: 1,
            help: format!("detente reads .{format} files of at most {} MiB", MAX_INPUT >> 20),
        }
    }
}

/// Text for a message, cut short if long (a token can be megabytes).
pub(crate) fn excerpt(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((i, _)) => format!("{}...", &text[..i]),
        None => text.to_string(),
    }
}

impl std::error::Error for NfgError {}

impl std::fmt::Display for NfgError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {} (help: {})", self.line, self.column, self.message, self.help)
    }
}

/// A token of Gambit's file formats (`.nfg` and `.efg` share their lexical rules).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Token {
    Word(String),
    Text(String),
    Number(Q),
    Open,
    Close,
    Comma,
}

pub(crate) struct Lexer<'t> {
    pub(crate) text: &'t str,
    pub(crate) at: usize,
    /// The format's extension, for messages: `"nfg"` or `"efg"`.
    pub(crate) format: &'static str,
}

impl Lexer<'_> {
    pub(crate) fn error(&self, at: usize, message: impl Into<String>, help: impl Into<String>) -> NfgError {
        NfgError::at(self.text, at, message, help)
    }

    /// The next token and where it starts, or `None` at the end.
    fn next(&mut self) -> Result<Option<(Token, usize)>, NfgError> {
        let bytes = self.text.as_bytes();
        while self.at < bytes.len() && bytes[self.at].is_ascii_whitespace() {
            self.at += 1;
        }
        let start = self.at;
        let Some(&c) = bytes.get(start) else { return Ok(None) };
        let token = match c {
            b'{' => {
                self.at += 1;
                Token::Open
            }
            b'}' => {
                self.at += 1;
                Token::Close
            }
            b',' => {
                self.at += 1;
                Token::Comma
            }
            b'"' => Token::Text(self.string(start)?),
            b'-' | b'+' | b'.' | b'0'..=b'9' => Token::Number(self.number(start)?),
            c if c.is_ascii_alphabetic() => {
                while self.at < bytes.len() && bytes[self.at].is_ascii_alphanumeric() {
                    self.at += 1;
                }
                Token::Word(self.text[start..self.at].to_string())
            }
            _ => {
                let ch = self.text[start..].chars().next().unwrap_or('?');
                return Err(self.error(
                    start,
                    format!("unexpected character `{ch}`"),
                    format!("an .{} file holds numbers, quoted names and braces", self.format),
                ));
            }
        };
        Ok(Some((token, start)))
    }

    fn string(&mut self, start: usize) -> Result<String, NfgError> {
        let mut out = String::new();
        let mut chars = self.text[start + 1..].char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.at = start + 1 + i + 1;
                    return Ok(out);
                }
                '\\' => {
                    if let Some((_, escaped)) = chars.next() {
                        out.push(escaped);
                    }
                }
                c => out.push(c),
            }
        }
        Err(self.error(start, "this quoted text is never closed", "add the closing `\"`"))
    }

    fn number(&mut self, start: usize) -> Result<Q, NfgError> {
        let bytes = self.text.as_bytes();
        let mut end = start + 1;
        while end < bytes.len() && matches!(bytes[end], b'0'..=b'9' | b'.' | b'/' | b'e' | b'E' | b'-' | b'+')
        {
            // A sign is part of the number only after an exponent marker.
            if matches!(bytes[end], b'-' | b'+') && !matches!(bytes[end - 1], b'e' | b'E') {
                break;
            }
            end += 1;
        }
        self.at = end;
        let text = &self.text[start..end];
        parse_number(text).map_err(|e| {
            let shown = excerpt(text);
            match e {
                NumberError::Malformed => self.error(
                    start,
                    format!("`{shown}` is not a number"),
                    "numbers are integers, decimals (1.5), fractions (3/2) or scientific (2.5e3)",
                ),
                NumberError::ZeroDenominator => self.error(
                    start,
                    format!("`{shown}` divides by zero"),
                    "a fraction's denominator is not 0",
                ),
                NumberError::TooManyDigits(digits) => self.error(
                    start,
                    format!("`{shown}` has {digits} digits, more than the {MAX_DIGITS} a number may have"),
                    format!(
                        "detente reads numbers of at most {MAX_DIGITS} digits, in a fraction's numerator \
                         and denominator each (long digit strings take time that grows with the square of \
                         their length); round the number"
                    ),
                ),
                NumberError::ExponentTooLarge => self.error(
                    start,
                    format!("the exponent of `{shown}` makes it longer than {MAX_DIGITS} digits"),
                    format!(
                        "detente reads numbers of at most {MAX_DIGITS} digits (a fraction's numerator and \
                         denominator each, exponent included); rescale the numbers"
                    ),
                ),
            }
        })
    }
}

/// Why text is not a number [`parse_number`] reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    /// Not an integer, decimal, fraction or number in scientific notation.
    #[error("not a number: numbers are integers, decimals (1.5), fractions (3/2) or scientific (2.5e3)")]
    Malformed,
    /// A fraction with denominator 0.
    #[error("a fraction's denominator is 0")]
    ZeroDenominator,
    /// More than [`MAX_DIGITS`] digits in the text or in the value's numerator or
    /// denominator (how many).
    #[error("{0} digits, more than the {MAX_DIGITS} a number may have")]
    TooManyDigits(usize),
    /// An exponent that makes the value's numerator or denominator longer than
    /// [`MAX_DIGITS`] digits.
    #[error("the exponent makes the number longer than {MAX_DIGITS} digits")]
    ExponentTooLarge,
}

fn integer(text: &str) -> Result<BigInt, NumberError> {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(NumberError::Malformed);
    }
    text.parse().map_err(|_| NumberError::Malformed)
}

/// Whether `n` has at most [`MAX_DIGITS`] decimal digits.
fn short(n: &BigInt) -> bool {
    // 2^3321 < 10^1000: most numbers are decided by their length in bits alone.
    n.bits() <= 3321 || *n.magnitude() < num_traits::pow(num_bigint::BigUint::from(10u8), MAX_DIGITS)
}

/// Parses an integer, decimal, fraction or number in scientific notation exactly. Its
/// text may have at most [`MAX_DIGITS`] digits (a fraction: in numerator and
/// denominator each), and so may its value's numerator and denominator, exponent
/// included; the text is counted before any of it is converted (conversion takes time
/// that grows with the square of the length).
pub fn parse_number(text: &str) -> Result<Q, NumberError> {
    if let Some((n, d)) = text.split_once('/') {
        for part in [n, d] {
            let digits = part.bytes().filter(u8::is_ascii_digit).count();
            if digits > MAX_DIGITS {
                return Err(NumberError::TooManyDigits(digits));
            }
        }
        let (n, d) = (integer(n)?, integer(d)?);
        if d.is_zero() {
            return Err(NumberError::ZeroDenominator);
        }
        return Ok(Q::new(n, d));
    }
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    let digits = mantissa.bytes().filter(u8::is_ascii_digit).count();
    if digits > MAX_DIGITS {
        return Err(NumberError::TooManyDigits(digits));
    }
    let exponent: i64 = match exponent {
        None => 0,
        Some(e) => {
            let e_digits = e.strip_prefix(['-', '+']).unwrap_or(e);
            if e_digits.is_empty() || !e_digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(NumberError::Malformed);
            }
            // Any exponent of more than six digits is far beyond what the digit limit
            // allows; only short ones are parsed.
            if e_digits.trim_start_matches('0').len() > 6 {
                return Err(NumberError::ExponentTooLarge);
            }
            e.parse().map_err(|_| NumberError::Malformed)?
        }
    };
    let (negative, unsigned) = match mantissa.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, mantissa.strip_prefix('+').unwrap_or(mantissa)),
    };
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    if whole.is_empty() && fraction.is_empty()
        || !(whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit()))
    {
        return Err(NumberError::Malformed);
    }
    let significant = format!("{whole}{fraction}");
    let significant = significant.trim_start_matches('0');
    if significant.is_empty() {
        return Ok(Q::zero());
    }
    let numerator: BigInt = significant.parse().map_err(|_| NumberError::Malformed)?;
    let scale = exponent - fraction.len() as i64;
    let too_long = if exponent != 0 {
        NumberError::ExponentTooLarge
    } else {
        NumberError::TooManyDigits(fraction.len() + 1)
    };
    let value = if scale >= 0 {
        // Exactly this many digits: the significant ones, then `scale` zeros.
        if significant.len() as i64 + scale > MAX_DIGITS as i64 {
            return Err(too_long);
        }
        Q::from_integer(numerator * num_traits::pow(BigInt::from(10), scale as usize))
    } else {
        // The denominator 10^-scale loses at most the factors of 2 and 5 of a
        // numerator below 10^1000 (fewer than 3,400) in lowest terms.
        if -scale > (MAX_DIGITS + 3_400) as i64 {
            return Err(too_long);
        }
        let value = Q::new(numerator, num_traits::pow(BigInt::from(10), (-scale) as usize));
        if !short(value.denom()) {
            return Err(too_long);
        }
        value
    };
    Ok(if negative { -value } else { value })
}

pub(crate) struct Parser<'t> {
    pub(crate) lexer: Lexer<'t>,
    pub(crate) peeked: Option<(Token, usize)>,
}

impl Parser<'_> {
    pub(crate) fn peek(&mut self) -> Result<Option<&(Token, usize)>, NfgError> {
        if self.peeked.is_none() {
            self.peeked = self.lexer.next()?;
        }
        Ok(self.peeked.as_ref())
    }

    pub(crate) fn take(&mut self) -> Result<Option<(Token, usize)>, NfgError> {
        self.peek()?;
        Ok(self.peeked.take())
    }

    pub(crate) fn end_error(&self, expected: &str) -> NfgError {
        self.lexer.error(
            self.lexer.text.len(),
            format!("the file ends where {expected} was expected"),
            "the file is cut short",
        )
    }

    pub(crate) fn expect(&mut self, wanted: &Token, what: &str) -> Result<usize, NfgError> {
        match self.take()? {
            Some((token, at)) if token == *wanted => Ok(at),
            Some((token, at)) => Err(self.lexer.error(
                at,
                format!("expected {what}, found {}", describe(&token)),
                format!("write {what} here"),
            )),
            None => Err(self.end_error(what)),
        }
    }

    pub(crate) fn text(&mut self, what: &str) -> Result<String, NfgError> {
        match self.take()? {
            Some((Token::Text(s), _)) => Ok(s),
            Some((token, at)) => Err(self.lexer.error(
                at,
                format!("expected {what}, found {}", describe(&token)),
                "names are quoted, e.g. \"Player 1\"",
            )),
            None => Err(self.end_error(what)),
        }
    }

    /// `{ "a" "b" ... }`.
    pub(crate) fn names(&mut self, what: &str) -> Result<Vec<String>, NfgError> {
        self.expect(&Token::Open, "`{`")?;
        let mut out = Vec::new();
        loop {
            match self.take()? {
                Some((Token::Close, _)) => return Ok(out),
                Some((Token::Text(s), _)) => out.push(s),
                Some((token, at)) => {
                    return Err(self.lexer.error(
                        at,
                        format!("expected a quoted {what} or `}}`, found {}", describe(&token)),
                        "names are quoted",
                    ))
                }
                None => return Err(self.end_error("`}`")),
            }
        }
    }

    pub(crate) fn number(&mut self, what: &str) -> Result<(Q, usize), NfgError> {
        match self.take()? {
            Some((Token::Number(q), at)) => Ok((q, at)),
            Some((token, at)) => Err(self.lexer.error(
                at,
                format!("expected {what}, found {}", describe(&token)),
                format!("{what} is a number"),
            )),
            None => Err(self.end_error(what)),
        }
    }
}

pub(crate) fn describe(token: &Token) -> String {
    match token {
        Token::Word(w) => format!("`{}`", excerpt(w)),
        Token::Text(t) => format!("\"{}\"", excerpt(t)),
        Token::Number(q) => format!("the number {}", excerpt(&to_text(q))),
        Token::Open => "`{`".into(),
        Token::Close => "`}`".into(),
        Token::Comma => "`,`".into(),
    }
}

/// Reads an `.nfg` file.
pub fn read(text: &str) -> Result<Game, NfgError> {
    if text.len() > MAX_INPUT {
        return Err(NfgError::too_long(text.len()));
    }
    let mut p = Parser { lexer: Lexer { text, at: 0, format: "nfg" }, peeked: None };
    match p.take()? {
        Some((Token::Word(w), _)) if w == "NFG" => {}
        Some((_, at)) => {
            return Err(p.lexer.error(
                at,
                "this is not a Gambit strategic-form file",
                "an .nfg file starts with `NFG 1 R`",
            ))
        }
        None => return Err(p.lexer.error(0, "the file is empty", "an .nfg file starts with `NFG 1 R`")),
    }
    let (version, at) = p.number("the format version")?;
    if version != Q::one() {
        return Err(p.lexer.error(
            at,
            format!("format version {} is not supported", excerpt(&to_text(&version))),
            "only version 1 (`NFG 1 R`) is read",
        ));
    }
    match p.take()? {
        Some((Token::Word(w), _)) if w == "R" || w == "D" => {}
        Some((token, at)) => {
            return Err(p.lexer.error(
                at,
                format!("expected `R`, found {}", describe(&token)),
                "write `NFG 1 R`",
            ))
        }
        None => return Err(p.end_error("`R`")),
    }
    let title = p.text("the game's title")?;
    let players = p.names("player name")?;
    if players.is_empty() {
        return Err(p.lexer.error(
            p.lexer.at,
            "a game needs at least one player",
            "list the players, e.g. { \"1\" \"2\" }",
        ));
    }
    let (strategies, profiles) = strategies(&mut p, players.len())?;
    // An optional comment.
    if matches!(p.peek()?, Some((Token::Text(_), _))) {
        p.take()?;
    }
    let outcome = matches!(p.peek()?, Some((Token::Open, _)));
    // Every payoff (payoff form) or outcome number (outcome form) takes at least one
    // byte and a separator: room is reserved for no more than the rest of the file can
    // hold, whatever the header declares (a short file that declares a huge game is
    // then refused where it ends).
    let body = p.peeked.as_ref().map_or(text.len(), |(_, at)| *at);
    let room = (text.len() - body).div_ceil(2);
    let capacity = profiles.min(if outcome { room } else { room / players.len() });
    let strategies = strategies.into_iter().map(Strategies::names).collect();
    let payoffs = if outcome {
        outcome_form(&mut p, players.len(), profiles, capacity)?
    } else {
        payoff_form(&mut p, players.len(), profiles, capacity)?
    };
    if let Some((token, at)) = p.take()? {
        return Err(p.lexer.error(
            at,
            format!("found {} after the last payoff", describe(&token)),
            format!(
                "the game has {} x {}; remove what follows, or check the numbers of strategies",
                count(profiles, "profile"),
                count(players.len(), "player")
            ),
        ));
    }
    Ok(Game { title, players, strategies, payoffs })
}

/// A player's strategies as the header gives them: a count (names made only once the
/// table is known to fit) or names.
enum Strategies {
    Count(usize),
    Names(Vec<String>),
}

impl Strategies {
    fn len(&self) -> usize {
        match self {
            Strategies::Count(n) => *n,
            Strategies::Names(names) => names.len(),
        }
    }

    fn names(self) -> Vec<String> {
        match self {
            Strategies::Count(n) => (1..=n).map(|s| s.to_string()).collect(),
            Strategies::Names(names) => names,
        }
    }
}

/// The strategies and the number of profiles. The product of
/// the counts is checked as it grows: a game of more than [`MAX_PAYOFFS`] payoffs is
/// refused at the count that makes it so.
fn strategies(p: &mut Parser<'_>, players: usize) -> Result<(Vec<Strategies>, usize), NfgError> {
    p.expect(&Token::Open, "`{` opening the strategies")?;
    let mut out = Vec::new();
    let mut profiles: usize = 1;
    loop {
        let (player, at) = match p.take()? {
            Some((Token::Close, at)) => {
                if out.len() != players {
                    return Err(p.lexer.error(
                        at,
                        format!("{} but strategies for {}", count(players, "player"), out.len()),
                        "give one count or name list per player",
                    ));
                }
                return Ok((out, profiles));
            }
            Some((Token::Number(n), at)) => {
                let count: usize =
                    n.to_integer().try_into().ok().filter(|c: &usize| *c > 0 && n.is_integer()).ok_or_else(
                        || {
                            p.lexer.error(
                                at,
                                format!("`{}` is not a number of strategies", excerpt(&to_text(&n))),
                                "each player has a whole, positive number of strategies",
                            )
                        },
                    )?;
                (Strategies::Count(count), at)
            }
            Some((Token::Open, at)) => {
                p.peeked = Some((Token::Open, at));
                let names = p.names("strategy name")?;
                if names.is_empty() {
                    return Err(p.lexer.error(
                        p.lexer.at,
                        "a player has no strategies",
                        "every player needs at least one",
                    ));
                }
                (Strategies::Names(names), at)
            }
            Some((token, at)) => {
                return Err(p.lexer.error(
                    at,
                    format!("expected a strategy count or list, found {}", describe(&token)),
                    "e.g. { 2 3 } or { { \"a\" \"b\" } { \"c\" } }",
                ))
            }
            None => return Err(p.end_error("`}`")),
        };
        if out.len() == players {
            return Err(p.lexer.error(
                at,
                format!("{} but more strategy lists than that", count(players, "player")),
                "give one count or name list per player",
            ));
        }
        let fits = profiles
            .checked_mul(player.len())
            .filter(|&n| n.checked_mul(players).is_some_and(|payoffs| payoffs <= MAX_PAYOFFS));
        let Some(more) = fits else {
            return Err(p.lexer.error(
                at,
                format!(
                    "with this player's {} strategies the game has more than {MAX_PAYOFFS} payoffs (profiles \
                     x players)",
                    player.len()
                ),
                format!(
                    "detente reads games of at most {MAX_PAYOFFS} payoffs; check the numbers of strategies"
                ),
            ));
        };
        profiles = more;
        out.push(player);
    }
}

/// `1 player`, `2 players`.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// About how many decimal digits a rational's numerator and denominator have together.
fn digits(q: &Q) -> usize {
    let bits = q.numer().bits() + q.denom().bits();
    (bits as f64 * std::f64::consts::LOG10_2) as usize + 1
}

/// The running total of digits in the payoff table, refused past [`MAX_TABLE_DIGITS`]
/// at the number (or outcome number) at byte `at`.
fn add_digits(p: &Parser<'_>, total: &mut usize, more: usize, at: usize) -> Result<(), NfgError> {
    *total += more;
    if *total > MAX_TABLE_DIGITS {
        return Err(p.lexer.error(
            at,
            format!("here the payoff table passes {MAX_TABLE_DIGITS} digits in all"),
            format!(
                "detente reads payoff tables of at most {MAX_TABLE_DIGITS} digits (about {} MB of exact \
                 numbers); use shorter payoffs",
                MAX_TABLE_DIGITS / 2_400_000
            ),
        ));
    }
    Ok(())
}

fn payoff_form(
    p: &mut Parser<'_>,
    players: usize,
    profiles: usize,
    capacity: usize,
) -> Result<Vec<Vec<Q>>, NfgError> {
    let mut payoffs = Vec::with_capacity(capacity);
    let mut total = 0;
    for _ in 0..profiles {
        let mut row = Vec::with_capacity(players);
        for _ in 0..players {
            if matches!(p.peek()?, Some((Token::Comma, _))) {
                p.take()?;
            }
            match p.peek()? {
                Some((Token::Number(_), _)) => {
                    let (q, at) = p.number("a payoff")?;
                    add_digits(p, &mut total, digits(&q), at)?;
                    row.push(q);
                }
                _ => {
                    let expected = profiles * players;
                    let found = payoffs.len() * players + row.len();
                    return Err(match p.take()? {
                        Some((token, at)) => p.lexer.error(at, format!("expected a payoff, found {}", describe(&token)), format!("the payoff form lists {expected} numbers ({profiles} profiles x {players} players); {found} were read")),
                        None => p.lexer.error(p.lexer.text.len(), format!("only {found} of {expected} payoffs"), format!("{profiles} profiles x {players} players, first player's strategy varying fastest")),
                    });
                }
            }
        }
        payoffs.push(row);
    }
    Ok(payoffs)
}

fn outcome_form(
    p: &mut Parser<'_>,
    players: usize,
    profiles: usize,
    capacity: usize,
) -> Result<Vec<Vec<Q>>, NfgError> {
    p.expect(&Token::Open, "`{`")?;
    let mut outcomes: Vec<Vec<Q>> = Vec::new();
    loop {
        match p.take()? {
            Some((Token::Close, _)) => break,
            Some((Token::Open, _)) => {
                p.text("the outcome's name")?;
                let mut row = Vec::new();
                loop {
                    match p.take()? {
                        Some((Token::Close, at)) => {
                            if row.len() != players {
                                return Err(p.lexer.error(
                                    at,
                                    format!(
                                        "outcome {} has {} for {}",
                                        outcomes.len() + 1,
                                        count(row.len(), "payoff"),
                                        count(players, "player")
                                    ),
                                    "give one payoff per player",
                                ));
                            }
                            break;
                        }
                        Some((Token::Comma, _)) => {}
                        Some((Token::Number(q), _)) => row.push(q),
                        Some((token, at)) => {
                            return Err(p.lexer.error(
                                at,
                                format!("expected a payoff, found {}", describe(&token)),
                                "an outcome is { \"name\" 1, 2 }",
                            ))
                        }
                        None => return Err(p.end_error("`}`")),
                    }
                }
                outcomes.push(row);
            }
            Some((token, at)) => {
                return Err(p.lexer.error(
                    at,
                    format!("expected an outcome, found {}", describe(&token)),
                    "an outcome is { \"name\" 1, 2 }",
                ))
            }
            None => return Err(p.end_error("`}`")),
        }
    }
    let sizes: Vec<usize> = outcomes.iter().map(|o| o.iter().map(digits).sum()).collect();
    let mut total = 0;
    let mut payoffs = Vec::with_capacity(capacity);
    for n in 0..profiles {
        let (q, at) = match p.take()? {
            Some((Token::Number(q), at)) => (q, at),
            Some((token, at)) => {
                return Err(p.lexer.error(
                    at,
                    format!("expected an outcome number, found {}", describe(&token)),
                    "list one outcome number per profile",
                ))
            }
            None => {
                return Err(p.lexer.error(
                    p.lexer.text.len(),
                    format!("only {n} of {profiles} profiles have an outcome"),
                    "list one outcome number per profile (0 for none)",
                ))
            }
        };
        let index: Option<usize> = q.is_integer().then(|| q.to_integer().try_into().ok()).flatten();
        match index {
            Some(0) => payoffs.push(vec![Q::zero(); players]),
            Some(i) if i <= outcomes.len() => {
                add_digits(p, &mut total, sizes[i - 1], at)?;
                payoffs.push(outcomes[i - 1].clone());
            }
            _ => {
                return Err(p.lexer.error(
                    at,
                    format!("no outcome {}", excerpt(&to_text(&q))),
                    format!("outcomes are numbered 1 to {} (0: none)", outcomes.len()),
                ))
            }
        }
    }
    Ok(payoffs)
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Writes a game in the outcome form: each distinct payoff vector once, as a named
/// outcome, then the outcome of every profile.
pub fn write_outcomes(game: &Game) -> String {
    let mut out = header(game);
    let mut outcomes: Vec<&Vec<Q>> = Vec::new();
    let mut numbers = Vec::with_capacity(game.payoffs.len());
    for payoffs in &game.payoffs {
        let index = match outcomes.iter().position(|o| *o == payoffs) {
            Some(i) => i,
            None => {
                outcomes.push(payoffs);
                outcomes.len() - 1
            }
        };
        numbers.push((index + 1).to_string());
    }
    out.push_str("{\n");
    for (i, o) in outcomes.iter().enumerate() {
        let values: Vec<String> = o.iter().map(to_text).collect();
        let _ = writeln!(out, "{{ {} {} }}", quote(&format!("outcome {}", i + 1)), values.join(", "));
    }
    out.push_str("}\n");
    out.push_str(&numbers.join(" "));
    out.push('\n');
    out
}

/// The title, players and strategies, and an empty comment.
fn header(game: &Game) -> String {
    let mut out = String::new();
    let players: Vec<String> = game.players.iter().map(|p| quote(p)).collect();
    let _ = writeln!(out, "NFG 1 R {} {{ {} }}", quote(&game.title), players.join(" "));
    out.push_str("\n{ ");
    for names in &game.strategies {
        let names: Vec<String> = names.iter().map(|s| quote(s)).collect();
        let _ = writeln!(out, "{{ {} }}", names.join(" "));
    }
    out.push_str("}\n\"\"\n\n");
    out
}

/// Writes a game in the payoff form.
pub fn write(game: &Game) -> String {
    let mut out = header(game);
    let numbers: Vec<String> = game.payoffs.iter().flatten().map(to_text).collect();
    out.push_str(&numbers.join(" "));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> Q {
        parse_number(text).unwrap()
    }

    #[test]
    fn numbers_within_the_limits_are_read_exactly() {
        assert_eq!(q("1.5e3"), Q::from_integer(1500.into()));
        assert_eq!(q("-2.5E-1"), Q::new((-1).into(), 4.into()));
        assert_eq!(q("+7/14"), Q::new(1.into(), 2.into()));
        assert_eq!(q("0e999999"), Q::zero());
        assert_eq!(q(".5"), Q::new(1.into(), 2.into()));
        // The largest value and the smallest positive one: 1,000 digits each way.
        let nines = "9".repeat(1000);
        assert_eq!(to_text(&q(&nines)), nines);
        assert_eq!(to_text(&q("1e999")).len(), 1000);
        assert_eq!(to_text(&q("1e-999")).len(), 2 + 1000);
        assert_eq!(to_text(&q("5e-1000")), format!("1/2{}", "0".repeat(999)));
    }

    #[test]
    fn numbers_beyond_the_limits_say_why() {
        assert_eq!(parse_number(&"1".repeat(1001)), Err(NumberError::TooManyDigits(1001)));
        assert_eq!(parse_number(&format!("1/{}", "3".repeat(1001))), Err(NumberError::TooManyDigits(1001)));
        assert_eq!(parse_number("1e1000"), Err(NumberError::ExponentTooLarge));
        assert_eq!(parse_number("1e-1000"), Err(NumberError::ExponentTooLarge));
        assert_eq!(parse_number("1e1001"), Err(NumberError::ExponentTooLarge));
        assert_eq!(parse_number("1e99999999999999999999"), Err(NumberError::ExponentTooLarge));
        // A decimal of 1,000 digits after the point needs a denominator of 1,001.
        assert_eq!(parse_number(&format!("0.{}1", "0".repeat(999))), Err(NumberError::TooManyDigits(1001)));
        assert_eq!(parse_number("1/0"), Err(NumberError::ZeroDenominator));
        assert_eq!(
            NumberError::TooManyDigits(1001).to_string(),
            format!("1001 digits, more than the {MAX_DIGITS} a number may have")
        );
        assert_eq!(parse_number("1/0").unwrap_err().to_string(), "a fraction's denominator is 0");
        for bad in ["1e", "e5", "1.2.3", "--1", "1/2/3", "1e5/2", "1e+-2", "."] {
            assert_eq!(parse_number(bad), Err(NumberError::Malformed), "{bad}");
        }
    }

    #[test]
    fn what_the_writer_writes_the_reader_reads() {
        // Values at the limits, written in lowest terms, read back the same.
        let values = [
            "9".repeat(1000),
            "1e-999".into(),
            "5e-1000".into(),
            format!("{}/{}", "7".repeat(1000), "9".repeat(1000)),
        ];
        let mut game = Game::zeros(1, &[values.len()]);
        for (payoff, text) in game.payoffs.iter_mut().zip(&values) {
            payoff[0] = q(text);
        }
        assert_eq!(read(&write(&game)).unwrap().payoffs, game.payoffs);
        assert_eq!(read(&write_outcomes(&game)).unwrap().payoffs, game.payoffs);
    }

    #[test]
    fn errors_count_lines_and_characters() {
        let e = NfgError::at("ab\nçé x", 8, "m", "h");
        assert_eq!((e.line, e.column), (2, 4));
        let e = NfgError::not_utf8(b"NFG\n\xff", 4);
        assert_eq!((e.line, e.column), (2, 1));
        assert_eq!(count(1, "player"), "1 player");
        assert_eq!(count(3, "player"), "3 players");
    }
}
