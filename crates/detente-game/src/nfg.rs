//! Gambit's strategic-form file format, `.nfg` (version 1, rational payoffs).
//!
//! Two forms exist and both are read: the *payoff* form lists, for every pure profile
//! (first player's strategy varying fastest), each player's payoff; the *outcome* form
//! defines named outcomes with payoff vectors, then lists the outcome (1-based, 0 for
//! none) of every profile. Strategies are given by count (`{ 3 2 }`) or by name
//! (`{ { "a" "b" } { "c" "d" } }`). Numbers may be integers, decimals or fractions
//! (`3/2`). Games are written in the payoff form.

use std::fmt::Write;

use num_bigint::BigInt;
use num_traits::{One, Zero};

use crate::game::{to_text, Game, Q};

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

impl std::fmt::Display for NfgError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {} (help: {})", self.line, self.column, self.message, self.help)
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Word(String),
    Text(String),
    Number(Q),
    Open,
    Close,
    Comma,
}

struct Lexer<'t> {
    text: &'t str,
    at: usize,
}

impl Lexer<'_> {
    fn position(&self, at: usize) -> (usize, usize) {
        let before = &self.text[..at];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, column)
    }

    fn error(&self, at: usize, message: impl Into<String>, help: impl Into<String>) -> NfgError {
        let (line, column) = self.position(at);
        NfgError { message: message.into(), line, column, help: help.into() }
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
                    "an .nfg file holds numbers, quoted names and braces",
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
        parse_number(text).ok_or_else(|| {
            self.error(
                start,
                format!("`{text}` is not a number"),
                "payoffs are integers, decimals (1.5) or fractions (3/2)",
            )
        })
    }
}

/// Parses an integer, decimal or fraction exactly.
pub fn parse_number(text: &str) -> Option<Q> {
    if let Some((n, d)) = text.split_once('/') {
        let (n, d): (BigInt, BigInt) = (n.parse().ok()?, d.parse().ok()?);
        return (!d.is_zero()).then(|| Q::new(n, d));
    }
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], text[i + 1..].parse::<i32>().ok()?),
        None => (text, 0),
    };
    let (negative, digits) = match mantissa.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, mantissa.strip_prefix('+').unwrap_or(mantissa)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() && fraction.is_empty()
        || !(whole.chars().chain(fraction.chars()).all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    let numerator: BigInt = format!("{whole}{fraction}").parse().ok()?;
    let scale = exponent.checked_sub(fraction.len() as i32)?;
    // A payoff of 10^1000 is not a payoff; refusing it keeps a hostile file from making
    // the reader compute enormous powers.
    if scale.abs() > 1000 {
        return None;
    }
    let ten = BigInt::from(10);
    let mut value = Q::from_integer(numerator);
    if scale >= 0 {
        value *= Q::from_integer(num_traits::pow(ten, scale as usize));
    } else {
        value /= Q::from_integer(num_traits::pow(ten, (-scale) as usize));
    }
    Some(if negative { -value } else { value })
}

struct Parser<'t> {
    lexer: Lexer<'t>,
    peeked: Option<(Token, usize)>,
}

impl Parser<'_> {
    fn peek(&mut self) -> Result<Option<&(Token, usize)>, NfgError> {
        if self.peeked.is_none() {
            self.peeked = self.lexer.next()?;
        }
        Ok(self.peeked.as_ref())
    }

    fn take(&mut self) -> Result<Option<(Token, usize)>, NfgError> {
        self.peek()?;
        Ok(self.peeked.take())
    }

    fn end_error(&self, expected: &str) -> NfgError {
        self.lexer.error(
            self.lexer.text.len(),
            format!("the file ends where {expected} was expected"),
            "the file is cut short",
        )
    }

    fn expect(&mut self, wanted: &Token, what: &str) -> Result<usize, NfgError> {
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

    fn text(&mut self, what: &str) -> Result<String, NfgError> {
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
    fn names(&mut self, what: &str) -> Result<Vec<String>, NfgError> {
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

    fn number(&mut self, what: &str) -> Result<(Q, usize), NfgError> {
        match self.take()? {
            Some((Token::Number(q), at)) => Ok((q, at)),
            Some((token, at)) => Err(self.lexer.error(
                at,
                format!("expected {what}, found {}", describe(&token)),
                "payoffs are numbers",
            )),
            None => Err(self.end_error(what)),
        }
    }
}

fn describe(token: &Token) -> String {
    match token {
        Token::Word(w) => format!("`{w}`"),
        Token::Text(t) => format!("\"{t}\""),
        Token::Number(q) => format!("the number {}", to_text(q)),
        Token::Open => "`{`".into(),
        Token::Close => "`}`".into(),
        Token::Comma => "`,`".into(),
    }
}

/// Reads an `.nfg` file.
pub fn read(text: &str) -> Result<Game, NfgError> {
    let mut p = Parser { lexer: Lexer { text, at: 0 }, peeked: None };
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
            format!("format version {} is not supported", to_text(&version)),
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
    let strategies = strategies(&mut p, players.len())?;
    // An optional comment.
    if matches!(p.peek()?, Some((Token::Text(_), _))) {
        p.take()?;
    }
    let profiles: usize = strategies.iter().map(Vec::len).product();
    let payoffs = match p.peek()? {
        Some((Token::Open, _)) => outcome_form(&mut p, players.len(), profiles)?,
        _ => payoff_form(&mut p, players.len(), profiles)?,
    };
    if let Some((token, at)) = p.take()? {
        return Err(p.lexer.error(
            at,
            format!("unexpected {} after the last payoff", describe(&token)),
            "remove it, or check the number of strategies",
        ));
    }
    Ok(Game { title, players, strategies, payoffs })
}

fn strategies(p: &mut Parser<'_>, players: usize) -> Result<Vec<Vec<String>>, NfgError> {
    let open = p.expect(&Token::Open, "`{` opening the strategies")?;
    let mut out = Vec::new();
    loop {
        match p.take()? {
            Some((Token::Close, at)) => {
                if out.len() != players {
                    return Err(p.lexer.error(
                        at,
                        format!("{} players but strategies for {}", players, out.len()),
                        "give one count or name list per player",
                    ));
                }
                return Ok(out);
            }
            Some((Token::Number(n), at)) => {
                let count: usize =
                    n.to_integer().try_into().ok().filter(|c: &usize| *c > 0 && n.is_integer()).ok_or_else(
                        || {
                            p.lexer.error(
                                at,
                                format!("`{}` is not a number of strategies", to_text(&n)),
                                "each player has a whole, positive number of strategies",
                            )
                        },
                    )?;
                out.push((1..=count).map(|s| s.to_string()).collect());
            }
            Some((Token::Open, _)) => {
                p.peeked = Some((Token::Open, open));
                let names = p.names("strategy name")?;
                if names.is_empty() {
                    return Err(p.lexer.error(
                        p.lexer.at,
                        "a player has no strategies",
                        "every player needs at least one",
                    ));
                }
                out.push(names);
            }
            Some((token, at)) => {
                return Err(p.lexer.error(
                    at,
                    format!("expected a strategy count or list, found {}", describe(&token)),
                    "e.g. { 2 3 } or { { \"a\" \"b\" } { \"c\" } }",
                ))
            }
            None => return Err(p.end_error("`}`")),
        }
    }
}

fn payoff_form(p: &mut Parser<'_>, players: usize, profiles: usize) -> Result<Vec<Vec<Q>>, NfgError> {
    let mut payoffs = Vec::with_capacity(profiles);
    for _ in 0..profiles {
        let mut row = Vec::with_capacity(players);
        for _ in 0..players {
            if matches!(p.peek()?, Some((Token::Comma, _))) {
                p.take()?;
            }
            match p.peek()? {
                Some((Token::Number(_), _)) => row.push(p.number("a payoff")?.0),
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

fn outcome_form(p: &mut Parser<'_>, players: usize, profiles: usize) -> Result<Vec<Vec<Q>>, NfgError> {
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
                                        "outcome {} has {} payoffs for {players} players",
                                        outcomes.len() + 1,
                                        row.len()
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
    let mut payoffs = Vec::with_capacity(profiles);
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
            Some(i) if i <= outcomes.len() => payoffs.push(outcomes[i - 1].clone()),
            _ => {
                return Err(p.lexer.error(
                    at,
                    format!("no outcome {}", to_text(&q)),
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
