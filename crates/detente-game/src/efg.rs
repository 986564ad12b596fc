//! Gambit's extensive-form file format, `.efg` (version 2, `EFG 2 R`), read and
//! written (<https://gambitproject.readthedocs.io/en/latest/formats.html>).
//!
//! A file is a prologue (`EFG 2 R "title" { "Player 1" "Player 2" }` and an optional
//! comment) and the nodes in prefix order, each a node then the subtrees of its
//! children in action order:
//!
//! * `c "name" INFOSET "infoset name" { "action" PROBABILITY ... } OUTCOME`: chance;
//! * `p "name" PLAYER INFOSET "infoset name" { "action" ... } OUTCOME`: a decision of
//!   player `PLAYER` (from 1);
//! * `t "name" OUTCOME`: the end of a play.
//!
//! `OUTCOME` is a number, 0 for none, followed where the outcome first appears by its
//! name and payoffs (`1 "win" { 2, -2 }`); an information set's name and actions are
//! given where it first appears. Later appearances may repeat them (they must then be
//! the same) or leave them out. Outcomes at inner nodes add to the payoffs of every
//! play through them. Numbers are read as by [`crate::nfg`] (integers, decimals,
//! fractions, scientific notation), exactly; chance's probabilities must be
//! non-negative and sum to exactly 1 at each of its information sets.
//!
//! The reader is meant for files from anywhere. It never recurses (a chain of a
//! million nodes is read like any other tree), and refuses, with the line and column
//! of the culprit and the limit in the hint, what it cannot hold before allocating for
//! it:
//!
//! * at most [`MAX_NODES`] nodes: counted as each node's actions announce its children,
//!   so a node declaring more children than the limit allows is refused at once;
//! * at most [`crate::nfg::MAX_PAYOFFS`] payoffs in the outcomes (outcomes times
//!   players);
//! * at most [`crate::nfg::MAX_DIGITS`] digits in a number, and at most
//!   [`crate::nfg::MAX_INPUT`] bytes of UTF-8 text, as for `.nfg` files.

use std::collections::HashMap;
use std::fmt::Write;

use num_traits::One;

use crate::extensive::{Infoset, Mover, Node, Outcome, Tree};
use crate::game::{to_text, Sign, Q};
use crate::nfg::{count, describe, excerpt, Lexer, NfgError, Parser, Token, MAX_INPUT, MAX_PAYOFFS};

/// The most nodes a tree may have.
pub const MAX_NODES: usize = 1_000_000;

/// A node whose children are still being read: its index and how many it has.
struct Open {
    node: usize,
    children: usize,
}

/// The state of a reading.
struct Reader<'t> {
    p: Parser<'t>,
    players: usize,
    nodes: Vec<Node>,
    infosets: Vec<Infoset>,
    outcomes: Vec<Outcome>,
    /// Information sets by mover and number: index and where first defined.
    infoset_numbers: HashMap<(Mover, usize), (usize, usize)>,
    /// Outcomes by number: index and where first defined.
    outcome_numbers: HashMap<usize, (usize, usize)>,
    /// Nodes read plus children announced and not read yet.
    promised: usize,
    /// Where each node starts, for messages.
    starts: Vec<usize>,
}

/// The line of byte `at` of `text`.
fn line_of(text: &str, at: usize) -> usize {
    text.as_bytes()[..at.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn list(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| quote(n)).collect();
    format!("{{ {} }}", quoted.join(" "))
}

impl Reader<'_> {
    fn error(&self, at: usize, message: impl Into<String>, help: impl Into<String>) -> NfgError {
        self.p.lexer.error(at, message, help)
    }

    /// A whole number at least `least` that fits in memory's indices.
    fn whole(&mut self, what: &str, least: usize, help: &str) -> Result<(usize, usize), NfgError> {
        let (q, at) = self.p.number(what)?;
        let value = q.is_integer().then(|| usize::try_from(q.to_integer()).ok()).flatten();
        match value {
            Some(v) if v >= least => Ok((v, at)),
            _ => Err(self.error(at, format!("`{}` is not {what}", excerpt(&to_text(&q))), help)),
        }
    }

    /// `{ ... }` of payoffs, one per player, commas allowed between them.
    fn payoffs(&mut self) -> Result<Vec<Q>, NfgError> {
        let open = self.p.expect(&Token::Open, "`{` opening the payoffs")?;
        let mut out = Vec::new();
        loop {
            match self.p.take()? {
                Some((Token::Close, at)) => {
                    if out.len() != self.players {
                        return Err(self.error(
                            at,
                            format!("{} for {}", count(out.len(), "payoff"), count(self.players, "player")),
                            "an outcome gives one payoff per player, e.g. { 1, -1 }",
                        ));
                    }
                    return Ok(out);
                }
                Some((Token::Comma, _)) => {}
                Some((Token::Number(q), at)) => {
                    if out.len() == self.players {
                        return Err(self.error(
                            at,
                            format!("more payoffs than the {}", count(self.players, "player")),
                            "an outcome gives one payoff per player, then `}`",
                        ));
                    }
                    out.push(q);
                }
                Some((token, at)) => {
                    return Err(self.error(
                        at,
                        format!("expected a payoff or `}}`, found {}", describe(&token)),
                        "payoffs are numbers, e.g. { 1, -1 }",
                    ))
                }
                None => {
                    return Err(self.error(
                        self.p.lexer.text.len(),
                        "the file ends inside a list of payoffs",
                        format!(
                            "close the list opened on line {} with `}}`",
                            line_of(self.p.lexer.text, open)
                        ),
                    ))
                }
            }
        }
    }

    /// The outcome of a node: its number, and its name and payoffs where given.
    fn outcome(&mut self) -> Result<Option<usize>, NfgError> {
        let (number, at) = self.whole(
            "an outcome number",
            0,
            "an outcome is numbered 1 or more, or 0 for none, e.g. `1 \"win\" { 2, -2 }`",
        )?;
        let defined = matches!(self.p.peek()?, Some((Token::Text(_), _)));
        if number == 0 {
            if defined {
                let at = self.p.peek()?.map_or(at, |(_, at)| *at);
                return Err(self.error(
                    at,
                    "outcome 0 is no outcome: it has no name or payoffs",
                    "give the outcome a number from 1 to attach payoffs",
                ));
            }
            return Ok(None);
        }
        if !defined {
            return match self.outcome_numbers.get(&number) {
                Some(&(index, _)) => Ok(Some(index)),
                None => Err(self.error(
                    at,
                    format!("outcome {number} is used before its payoffs are given"),
                    format!("where outcome {number} first appears, give its name and payoffs: {number} \"name\" {{ 1, 2 }}"),
                )),
            };
        }
        let name = self.p.text("the outcome's name")?;
        let payoffs = self.payoffs()?;
        if let Some(&(index, first)) = self.outcome_numbers.get(&number) {
            let known = &self.outcomes[index];
            if known.name != name || known.payoffs != payoffs {
                return Err(self.error(
                    at,
                    format!(
                        "outcome {number} was {} {} on line {}, and is {} {} here",
                        quote(&known.name),
                        payoff_list(&known.payoffs),
                        line_of(self.p.lexer.text, first),
                        quote(&name),
                        payoff_list(&payoffs)
                    ),
                    "an outcome that appears again repeats its name and payoffs exactly, or gives only its number",
                ));
            }
            return Ok(Some(index));
        }
        if (self.outcomes.len() + 1).saturating_mul(self.players) > MAX_PAYOFFS {
            return Err(self.error(
                at,
                format!("with outcome {number} the outcomes hold more than {MAX_PAYOFFS} payoffs"),
                format!("detente reads games whose outcomes hold at most {MAX_PAYOFFS} payoffs (outcomes x players)"),
            ));
        }
        self.outcome_numbers.insert(number, (self.outcomes.len(), at));
        self.outcomes.push(Outcome { number, name, payoffs });
        Ok(Some(self.outcomes.len() - 1))
    }

    /// An information set's actions (and chance's probabilities): `{ "a" "b" }` or
    /// `{ "a" 1/2 "b" 1/2 }`.
    fn actions(&mut self, chance: bool) -> Result<(Vec<String>, Vec<Q>), NfgError> {
        let open = self.p.expect(&Token::Open, "`{` opening the actions")?;
        let mut actions = Vec::new();
        let mut probabilities = Vec::new();
        loop {
            match self.p.take()? {
                Some((Token::Close, at)) => {
                    if actions.is_empty() {
                        return Err(self.error(
                            at,
                            "an information set with no actions",
                            "a node that is not terminal has at least one action; a play that ends here is a `t` node",
                        ));
                    }
                    if chance {
                        let total: Q = probabilities.iter().sum();
                        if total != Q::one() {
                            return Err(self.error(
                                open,
                                format!(
                                    "chance's probabilities here sum to {}, not 1",
                                    excerpt(&to_text(&total))
                                ),
                                "write them so that they sum to exactly 1 (fractions such as 1/3 are exact)",
                            ));
                        }
                    }
                    return Ok((actions, probabilities));
                }
                Some((Token::Text(name), _)) => {
                    actions.push(name);
                    if chance {
                        let (q, at) = self.p.number("the action's probability")?;
                        if q.is_negative_q() || q > Q::one() {
                            return Err(self.error(
                                at,
                                format!("`{}` is not a probability", excerpt(&to_text(&q))),
                                "chance's probabilities are between 0 and 1",
                            ));
                        }
                        probabilities.push(q);
                    }
                }
                Some((token, at)) => {
                    let example =
                        if chance { "{ \"heads\" 1/2 \"tails\" 1/2 }" } else { "{ \"left\" \"right\" }" };
                    return Err(self.error(
                        at,
                        format!("expected a quoted action name or `}}`, found {}", describe(&token)),
                        format!("actions are quoted names, e.g. {example}"),
                    ));
                }
                None => {
                    return Err(self.error(
                        self.p.lexer.text.len(),
                        "the file ends inside a list of actions",
                        format!(
                            "close the list opened on line {} with `}}`",
                            line_of(self.p.lexer.text, open)
                        ),
                    ))
                }
            }
        }
    }

    /// The information set of a chance or decision node, defined here or before.
    fn infoset(&mut self, mover: Mover) -> Result<usize, NfgError> {
        let (number, at) = self.whole(
            "an information set number",
            1,
            "information sets are numbered from 1 (per player, and for chance)",
        )?;
        let whose = match mover {
            Mover::Chance => format!("chance's information set {number}"),
            Mover::Player(p) => format!("information set {number} of player {}", p + 1),
        };
        if !matches!(self.p.peek()?, Some((Token::Text(_), _))) {
            return match self.infoset_numbers.get(&(mover, number)) {
                Some(&(index, _)) => Ok(index),
                None => Err(self.error(
                    at,
                    format!("{whose} is used before its actions are given"),
                    format!("where it first appears, give its name and actions: {number} \"name\" {{ \"a\" \"b\" }}"),
                )),
            };
        }
        let name = self.p.text("the information set's name")?;
        let (actions, probabilities) = self.actions(mover == Mover::Chance)?;
        if let Some(&(index, first)) = self.infoset_numbers.get(&(mover, number)) {
            let known = &self.infosets[index];
            if known.name != name || known.actions != actions || known.probabilities != probabilities {
                let shown = |name: &str, actions: &[String], probabilities: &[Q]| {
                    let mut text = format!("{} {}", quote(name), list(actions));
                    if !probabilities.is_empty() {
                        text.push_str(&format!(" with probabilities {}", payoff_list(probabilities)));
                    }
                    excerpt_long(&text)
                };
                return Err(self.error(
                    at,
                    format!(
                        "{whose} was {} on line {}, and is {} here",
                        shown(&known.name, &known.actions, &known.probabilities),
                        line_of(self.p.lexer.text, first),
                        shown(&name, &actions, &probabilities)
                    ),
                    "an information set that appears again repeats its name and actions exactly, or gives only its number",
                ));
            }
            return Ok(index);
        }
        self.infoset_numbers.insert((mover, number), (self.infosets.len(), at));
        self.infosets.push(Infoset { mover, number, name, actions, probabilities });
        Ok(self.infosets.len() - 1)
    }

    /// One node, after its letter at byte `at`.
    fn node(&mut self, kind: &str, at: usize, parent: Option<usize>) -> Result<Node, NfgError> {
        let name = self.p.text("the node's name")?;
        let infoset = match kind {
            "t" => None,
            "c" => Some(self.infoset(Mover::Chance)?),
            _ => {
                let players = self.players;
                let (player, _) = self.whole(
                    "a player number",
                    1,
                    &format!("players are numbered 1 to {players}, in the order the prologue lists them"),
                )
                .and_then(|(p, at)| {
                    if p > players {
                        Err(self.error(
                            at,
                            format!("player {p} is not in the game, which has {}", count(players, "player")),
                            format!("players are numbered 1 to {players}, in the order the prologue lists them"),
                        ))
                    } else {
                        Ok((p, at))
                    }
                })?;
                Some(self.infoset(Mover::Player(player - 1))?)
            }
        };
        let children = infoset.map_or(0, |h| self.infosets[h].actions.len());
        if self.promised + 1 + children > MAX_NODES {
            return Err(self.error(
                at,
                format!(
                    "with this node and its {} the tree has more than {MAX_NODES} nodes",
                    count(children, "child")
                ),
                format!("detente reads trees of at most {MAX_NODES} nodes"),
            ));
        }
        let outcome = self.outcome()?;
        Ok(Node { name, infoset, outcome, children: Vec::with_capacity(children), parent })
    }
}

/// `{ 1, -1 }`.
fn payoff_list(payoffs: &[Q]) -> String {
    let numbers: Vec<String> = payoffs.iter().map(to_text).collect();
    excerpt_long(&format!("{{ {} }}", numbers.join(", ")))
}

/// Text for a message, cut short past 200 characters.
fn excerpt_long(text: &str) -> String {
    match text.char_indices().nth(200) {
        Some((i, _)) => format!("{}...", &text[..i]),
        None => text.to_string(),
    }
}

/// Reads an `.efg` file.
pub fn read(text: &str) -> Result<Tree, NfgError> {
    if text.len() > MAX_INPUT {
        return Err(NfgError::too_long_in(text.len(), "efg"));
    }
    let mut p = Parser { lexer: Lexer { text, at: 0, format: "efg" }, peeked: None };
    let header_help = "an .efg file starts with `EFG 2 R`";
    match p.take()? {
        Some((Token::Word(w), _)) if w == "EFG" => {}
        Some((_, at)) => {
            return Err(p.lexer.error(at, "this is not a Gambit extensive-form file", header_help));
        }
        None => return Err(p.lexer.error(0, "the file is empty", header_help)),
    }
    let (version, at) = p.number("the format version")?;
    if version != Q::from_integer(2.into()) {
        return Err(p.lexer.error(
            at,
            format!("format version {} is not supported", excerpt(&to_text(&version))),
            "only version 2 (`EFG 2 R`) is read",
        ));
    }
    match p.take()? {
        Some((Token::Word(w), _)) if w == "R" || w == "D" => {}
        Some((token, at)) => {
            return Err(p.lexer.error(
                at,
                format!("expected `R`, found {}", describe(&token)),
                "write `EFG 2 R`",
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
            "list the players, e.g. { \"Player 1\" \"Player 2\" }",
        ));
    }
    let comment = match p.peek()? {
        Some((Token::Text(_), _)) => p.text("the comment")?,
        _ => String::new(),
    };
    let mut r = Reader {
        p,
        players: players.len(),
        nodes: Vec::new(),
        infosets: Vec::new(),
        outcomes: Vec::new(),
        infoset_numbers: HashMap::new(),
        outcome_numbers: HashMap::new(),
        promised: 0,
        starts: Vec::new(),
    };
    let mut open: Vec<Open> = Vec::new();
    loop {
        let (kind, at) = match r.p.take()? {
            Some((Token::Word(w), at)) if matches!(w.as_str(), "c" | "p" | "t") => (w, at),
            Some((token, at)) => {
                let (message, help) = if r.nodes.is_empty() || !open.is_empty() {
                    (
                        format!("expected a node (`c`, `p` or `t`), found {}", describe(&token)),
                        "a node is `c` (chance), `p` (a player's decision) or `t` (terminal), e.g. t \"\" 1 \"win\" { 1, -1 }",
                    )
                } else {
                    (
                        format!("found {} after the last node of the tree", describe(&token)),
                        "every node's children are listed; remove what follows, or check the nodes' numbers of actions",
                    )
                };
                return Err(r.error(at, message, help));
            }
            None if r.nodes.is_empty() => {
                return Err(r.error(
                    text.len(),
                    "the game has no nodes",
                    "list the nodes after the players, root first",
                ))
            }
            None => break,
        };
        if !r.nodes.is_empty() && open.is_empty() {
            return Err(r.error(
                at,
                "found a node after the last node of the tree",
                "every node's children are listed; remove what follows, or check the nodes' numbers of actions",
            ));
        }
        let parent = open.last().map(|o| o.node);
        let node = r.node(&kind, at, parent)?;
        let index = r.nodes.len();
        let children = node.children.capacity();
        r.nodes.push(node);
        r.starts.push(at);
        // The root counts itself; any other node was promised by its parent.
        r.promised += children + usize::from(parent.is_none());
        if let Some(top) = open.last_mut() {
            r.nodes[top.node].children.push(index);
            if r.nodes[top.node].children.len() == top.children {
                open.pop();
            }
        }
        if children > 0 {
            open.push(Open { node: index, children });
        }
    }
    if let Some(top) = open.last() {
        let node = &r.nodes[top.node];
        let missing = top.children - node.children.len();
        let name =
            if node.name.is_empty() { String::new() } else { format!(" ({})", quote(&excerpt(&node.name))) };
        return Err(r.error(
            text.len(),
            format!(
                "the file ends before the tree does: the node{name} of line {} has {} more {} to list",
                line_of(text, r.starts[top.node]),
                missing,
                if missing == 1 { "child" } else { "children" }
            ),
            "list each node's children after it, one subtree per action, in action order",
        ));
    }
    Ok(Tree { title, comment, players, nodes: r.nodes, infosets: r.infosets, outcomes: r.outcomes })
}

/// Writes a tree in Gambit's format, every information set's name and actions and
/// every outcome's name and payoffs at each of their nodes (as Gambit writes).
pub fn write(tree: &Tree) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "EFG 2 R {} {}", quote(&tree.title), list(&tree.players));
    let _ = writeln!(out, "{}\n", quote(&tree.comment));
    for node in &tree.nodes {
        match node.infoset.map(|h| &tree.infosets[h]) {
            None => {
                let _ = write!(out, "t {}", quote(&node.name));
            }
            Some(h) => {
                let actions = match h.mover {
                    Mover::Chance => {
                        let pairs: Vec<String> = h
                            .actions
                            .iter()
                            .zip(&h.probabilities)
                            .map(|(a, p)| format!("{} {}", quote(a), to_text(p)))
                            .collect();
                        let _ = write!(out, "c {} {}", quote(&node.name), h.number);
                        format!("{{ {} }}", pairs.join(" "))
                    }
                    Mover::Player(p) => {
                        let _ = write!(out, "p {} {} {}", quote(&node.name), p + 1, h.number);
                        list(&h.actions)
                    }
                };
                let _ = write!(out, " {} {actions}", quote(&h.name));
            }
        }
        match node.outcome.map(|o| &tree.outcomes[o]) {
            None => out.push_str(" 0\n"),
            Some(o) => {
                let payoffs: Vec<String> = o.payoffs.iter().map(to_text).collect();
                let _ = writeln!(out, " {} {} {{ {} }}", o.number, quote(&o.name), payoffs.join(", "));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const POKER: &str = r#"EFG 2 R "One card poker" { "Alice" "Bob" }
"A comment"

c "" 1 "" { "King" 1/2 "Queen" 1/2 } 0
p "" 1 1 "" { "Raise" "Fold" } 0
p "" 2 1 "" { "Meet" "Pass" } 0
t "" 1 "Alice wins big" { 2, -2 }
t "" 2 "Alice wins" { 1, -1 }
t "" 4 "Bob wins" { -1, 1 }
p "" 1 2 "" { "Raise" "Fold" } 0
p "" 2 1 "" { "Meet" "Pass" } 0
t "" 3 "Bob wins big" { -2, 2 }
t "" 2 "Alice wins" { 1, -1 }
t "" 4
"#;

    #[test]
    fn a_tree_is_read_in_prefix_order_with_shared_sets_and_outcomes() {
        let tree = read(POKER).unwrap();
        assert_eq!(tree.players, ["Alice", "Bob"]);
        assert_eq!(tree.comment, "A comment");
        assert_eq!(tree.nodes.len(), 11);
        assert_eq!(tree.infosets.len(), 4);
        assert_eq!(tree.outcomes.len(), 4);
        assert_eq!(tree.nodes[0].children, [1, 6]);
        assert_eq!(tree.nodes[1].children, [2, 5]);
        assert_eq!(tree.nodes[6].children, [7, 10]);
        assert_eq!(tree.nodes[7].infoset, tree.nodes[2].infoset);
        assert_eq!(tree.nodes[10].outcome, tree.nodes[5].outcome);
        assert_eq!(tree.nodes[7].parent, Some(6));
        assert_eq!(tree.infosets[0].probabilities, [Q::new(1.into(), 2.into()), Q::new(1.into(), 2.into())]);
        assert!(!tree.is_perfect_information());
        assert_eq!(read(&write(&tree)).unwrap(), tree);
    }

    fn error(text: &str) -> NfgError {
        read(text).expect_err(text)
    }

    #[test]
    fn mistakes_are_located_and_explained() {
        let head = "EFG 2 R \"g\" { \"1\" \"2\" }\n";
        let cases = [
            (format!("{head}p \"\" 1 1 \"\" {{ \"a\" \"b\" }} 0\nt \"\" 0\n"), (4, 1), "the file ends before the tree does: the node of line 2 has 1 more child"),
            (format!("{head}p \"\" 3 1 \"\" {{ \"a\" }} 0\nt \"\" 0\n"), (2, 6), "player 3 is not in the game, which has 2 players"),
            (format!("{head}p \"\" 1 1 {{ \"a\" }} 0\nt \"\" 0\n"), (2, 8), "information set 1 of player 1 is used before its actions are given"),
            (format!("{head}c \"\" 1 \"\" {{ \"a\" 1/3 \"b\" 1/3 }} 0\nt \"\" 0\nt \"\" 0\n"), (2, 11), "chance's probabilities here sum to 2/3, not 1"),
            (format!("{head}c \"\" 1 \"\" {{ \"a\" 3/2 \"b\" -1/2 }} 0\nt \"\" 0\nt \"\" 0\n"), (2, 17), "`3/2` is not a probability"),
            (format!("{head}t \"\" 1 \"x\" {{ 1 }}\n"), (2, 16), "1 payoff for 2 players"),
            (format!("{head}t \"\" 1\n"), (2, 6), "outcome 1 is used before its payoffs are given"),
            (format!("{head}t \"\" 0 \"x\" {{ 1 2 }}\n"), (2, 8), "outcome 0 is no outcome"),
            (format!("{head}t \"\" 0\nt \"\" 0\n"), (3, 1), "found a node after the last node of the tree"),
            (format!("{head}p \"\" 1 1 \"\" {{ }} 0\n"), (2, 15), "an information set with no actions"),
            (format!("{head}x\n"), (2, 1), "expected a node (`c`, `p` or `t`), found `x`"),
            (head.to_string(), (2, 1), "the game has no nodes"),
            ("NFG 1 R \"g\" { \"1\" } { 1 }\n1\n".to_string(), (1, 1), "this is not a Gambit extensive-form file"),
            ("EFG 3 R \"g\" { \"1\" }\nt \"\" 0\n".to_string(), (1, 5), "format version 3 is not supported"),
            ("EFG 2 R \"g\" { }\nt \"\" 0\n".to_string(), (1, 16), "a game needs at least one player"),
            (
                format!("{head}p \"\" 1 1 \"\" {{ \"a\" \"b\" }} 0\np \"\" 2 1 \"\" {{ \"x\" }} 1 \"o\" {{ 1 2 }}\nt \"\" 1 \"o\" {{ 1 3 }}\nt \"\" 0\n"),
                (4, 6),
                "outcome 1 was \"o\" { 1, 2 } on line 3, and is \"o\" { 1, 3 } here",
            ),
            (
                format!("{head}p \"\" 1 1 \"\" {{ \"a\" \"b\" }} 0\nt \"\" 0\np \"\" 1 1 \"\" {{ \"a\" \"c\" }} 0\n"),
                (4, 8),
                "information set 1 of player 1 was \"\" { \"a\" \"b\" } on line 2, and is \"\" { \"a\" \"c\" } here",
            ),
        ];
        for (text, (line, column), message) in cases {
            let e = error(&text);
            assert!(e.message.starts_with(message), "{text}\n{e}");
            assert_eq!((e.line, e.column), (line, column), "{text}\n{e}");
            assert!(!e.help.is_empty());
        }
    }

    #[test]
    fn sizes_beyond_the_limits_are_refused_before_allocating() {
        // One node announcing more children than the limit: refused at that node.
        let actions: Vec<String> = (0..MAX_NODES).map(|_| "\"\"".to_string()).collect();
        let text = format!("EFG 2 R \"g\" {{ \"1\" }}\np \"\" 1 1 \"\" {{ {} }} 0\n", actions.join(" "));
        let e = error(&text);
        assert!(e.message.contains("the tree has more than 1000000 nodes"), "{e}");
        assert_eq!((e.line, e.column), (2, 1));
        // A chain as deep as it is long reads without recursion: decisions first, each
        // `on` leading to the next, then the `off` leaves from the innermost out. Every
        // decision shares information set 1 (the player forgets), repeating its actions.
        let depth = 200_000;
        let mut text = String::from("EFG 2 R \"chain\" { \"1\" }\n");
        for _ in 0..depth {
            text.push_str("p \"\" 1 1 \"\" { \"on\" \"off\" } 0\n");
        }
        for _ in 0..=depth {
            text.push_str("t \"\" 0\n");
        }
        let tree = read(&text).unwrap();
        assert_eq!(tree.nodes.len(), 2 * depth + 1);
        assert_eq!(tree.infosets.len(), 1);
        assert!(tree.perfect_recall().is_err(), "the player forgets its own moves");
    }
}
