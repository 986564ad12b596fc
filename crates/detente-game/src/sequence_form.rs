//! One Nash equilibrium of a two-player game in extensive form with perfect recall,
//! through its sequence form: the linear complementarity problem of D. Koller,
//! N. Megiddo and B. von Stengel ("Efficient computation of equilibria for extensive
//! two-person games", Games and Economic Behavior 14, 1996), solved by Lemke's
//! algorithm in exact arithmetic.
//!
//! A player's *sequences* are the empty one and, for each of its information sets
//! and action, the moves that lead to that set followed by that action; with perfect
//! recall a behaviour strategy is the same as a *realization plan*, the probability of
//! playing each sequence, with `x(empty) = 1` and, at every information set, the
//! probabilities of its actions' sequences summing to that of the sequence that
//! leads to it. The sequence form's payoff matrices hold, for every pair of sequences
//! that together with chance lead to a leaf, the payoff there times chance's
//! probability. Equilibria are the solutions of an LCP whose size is linear in the
//! tree, not exponential as the strategic form is.
//!
//! The LCP is set up as Gambit 16.7 sets it up (`src/solvers/lcp/efglcp.cc`): rows and
//! columns for player 1's sequences, player 2's, then for each player a row anchoring
//! its empty sequence at 1 and one per information set (sets in the order they first
//! appear in the file, sequences numbered set by set); every payoff shifted down by one
//! more than the largest payoff of any play, so that all are costs (as Lemke's
//! algorithm needs here); the covering vector all ones; the first pivot brings the
//! artificial variable in at player 1's anchor row. The path is followed with
//! the lexicographic ratio test (ties between leaving rows broken by the columns of
//! the basis inverse in order), as Gambit's tableau does, which also rules out
//! cycling. The same path therefore ends at the same equilibrium as pygambit's
//! `lcp_solve` on a tree.
//!
//! The tableau is kept in integers, a denominator per row: a pivot changes only the
//! rows with a nonzero entry in the entering column, and each changed row is divided
//! by the greatest common divisor of its entries. The behaviour strategy is read off
//! the realization plan (an action's probability is its sequence's over the one that
//! leads to its information set); at an information set the player's own earlier
//! moves exclude, each action gets the same probability, as Gambit does. The result is
//! checked exactly as an equilibrium ([`Tree::is_equilibrium`]) before it is returned.

use std::collections::HashMap;

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, Zero};

use crate::extensive::{Behavior, ImperfectRecall, Mover, Tree};
use crate::game::Q;

/// The most rows of the LCP (sequences plus information sets plus 2, over both
/// players): the tableau has twice as many columns, each entry an exact integer.
pub const MAX_ROWS: usize = 1_500;

/// Why no equilibrium was computed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    /// More than two players.
    #[error(
        "a game of imperfect information with {0} players: the sequence form solves those with one or two"
    )]
    Players(usize),
    /// The game lacks perfect recall, which the sequence form needs.
    #[error("{0}; the sequence form needs perfect recall")]
    Recall(#[source] ImperfectRecall),
    /// The LCP would have this many rows, more than [`MAX_ROWS`].
    #[error("its sequence-form LCP would have {0} rows, more than the {MAX_ROWS} detente solves exactly")]
    TooLarge(usize),
    /// The path took more than this many pivots (a guard; Lemke's path is finite).
    #[error("Lemke's path on the sequence form took more than {0} pivots")]
    PivotLimit(usize),
    /// The path ended on a ray, or at a profile that failed the exact check: neither
    /// can happen for this LCP, so either would be a bug.
    #[error("Lemke's path on the sequence form ended at a profile that is not an equilibrium (a bug)")]
    Unverified,
}

/// The equilibrium found, and how long the path was.
#[derive(Clone, Debug, PartialEq)]
pub struct Solution {
    /// The behaviour profile.
    pub equilibrium: Behavior,
    /// The pivots of Lemke's path.
    pub pivots: usize,
}

/// The dense integer tableau `B^-1 [A | I | b]`, row `r`'s true values being its
/// entries over `denominators[r] > 0`.
struct Tableau {
    rows: Vec<Vec<BigInt>>,
    denominators: Vec<BigInt>,
    /// The column of the variable basic in each row.
    basis: Vec<usize>,
    /// The number of rows; columns are `z_0..=z_n`, then slacks `w_1..=w_n`, then
    /// the right-hand side.
    n: usize,
}

impl Tableau {
    fn rhs(&self) -> usize {
        2 * self.n + 1
    }

    /// Divides row `r` by the gcd of its entries and denominator.
    fn reduce(&mut self, r: usize) {
        let mut g = self.denominators[r].clone();
        for x in &self.rows[r] {
            if g.is_one() {
                return;
            }
            if !x.is_zero() {
                g = g.gcd(x);
            }
        }
        if !g.is_one() {
            for x in &mut self.rows[r] {
                if !x.is_zero() {
                    *x /= &g;
                }
            }
            self.denominators[r] /= &g;
        }
    }

    /// Pivots the variable of column `c` in at row `r`.
    fn pivot(&mut self, r: usize, c: usize) {
        let pivot_row = std::mem::take(&mut self.rows[r]);
        let p = pivot_row[c].clone();
        for i in 0..self.n {
            if i == r || self.rows[i][c].is_zero() {
                continue;
            }
            // True values t_ij/d_i - (t_ic/d_i)(t_rj/t_rc) = (t_ij t_rc - t_ic t_rj)/(d_i t_rc).
            let factor = self.rows[i][c].clone();
            for (x, y) in self.rows[i].iter_mut().zip(&pivot_row) {
                let scaled = &*x * &p;
                *x = if y.is_zero() { scaled } else { scaled - &factor * y };
            }
            self.denominators[i] *= &p;
            if p.is_negative() {
                for x in &mut self.rows[i] {
                    *x = -std::mem::take(x);
                }
                self.denominators[i] = -std::mem::take(&mut self.denominators[i]);
            }
            self.reduce(i);
        }
        // Row r's true values are t_rj / t_rc.
        self.rows[r] = pivot_row;
        self.denominators[r] = p.clone();
        if p.is_negative() {
            for x in &mut self.rows[r] {
                *x = -std::mem::take(x);
            }
            self.denominators[r] = -p;
        }
        self.reduce(r);
        self.basis[r] = c;
    }

    /// The row that leaves when column `c` enters: the lexicographically least ratio
    /// of the right-hand side, then of each column of the basis inverse in order, to
    /// the entering column, among rows where that column is positive.
    fn leaving(&self, c: usize) -> Option<usize> {
        let mut candidates: Vec<usize> = (0..self.n).filter(|&r| self.rows[r][c].is_positive()).collect();
        let keys = std::iter::once(self.rhs()).chain(self.n + 1..=2 * self.n);
        for k in keys {
            if candidates.len() <= 1 {
                break;
            }
            // Ratios rows[r][k] / rows[r][c] (the row's denominator cancels); keep the least.
            let mut best = candidates[0];
            for &r in &candidates[1..] {
                if &self.rows[r][k] * &self.rows[best][c] < &self.rows[best][k] * &self.rows[r][c] {
                    best = r;
                }
            }
            let least = (self.rows[best][k].clone(), self.rows[best][c].clone());
            candidates.retain(|&r| &self.rows[r][k] * &least.1 == &least.0 * &self.rows[r][c]);
        }
        candidates.first().copied()
    }

    /// The value of variable (column) `v`: its row's right-hand side if basic, else 0.
    fn value(&self, v: usize) -> Q {
        match self.basis.iter().position(|&b| b == v) {
            Some(r) => Q::new(self.rows[r][self.rhs()].clone(), self.denominators[r].clone()),
            None => Q::zero(),
        }
    }
}

/// The sequence form's numbering for one player: sequence 1 is the empty one, then
/// each information set's actions in turn (sets in the order they first appear).
struct Sequences {
    /// The player's information sets, in order.
    infosets: Vec<usize>,
    /// For each information set of the game, the number of its first action's
    /// sequence minus one (Gambit's offset): action `a` (from 0) is `offset + a + 1`.
    offset: Vec<usize>,
    /// How many sequences.
    count: usize,
}

impl Sequences {
    fn new(tree: &Tree, infosets: Vec<usize>) -> Sequences {
        let mut offset = vec![0; tree.infosets.len()];
        let mut count = 1;
        for &h in &infosets {
            offset[h] = count;
            count += tree.infosets[h].actions.len();
        }
        Sequences { infosets, offset, count }
    }
}

/// One equilibrium of a game of one or two players with perfect recall (one player
/// is solved as two, the second without moves or payoffs).
pub fn solve(tree: &Tree) -> Result<Solution, Failure> {
    let players = tree.players.len();
    if players > 2 {
        return Err(Failure::Players(players));
    }
    tree.perfect_recall().map_err(Failure::Recall)?;
    let mut by_player = tree.player_infosets();
    by_player.resize(2, Vec::new());
    let positions = tree.infoset_positions();
    let s2 = Sequences::new(tree, by_player.pop().unwrap_or_default());
    let s1 = Sequences::new(tree, by_player.pop().unwrap_or_default());
    let (ns1, ns2) = (s1.count, s2.count);
    let (ni1, ni2) = (s1.infosets.len() + 1, s2.infosets.len() + 1);
    let n = ns1 + ns2 + ni1 + ni2;
    if n > MAX_ROWS {
        return Err(Failure::TooLarge(n));
    }
    let anchor1 = ns1 + ns2 + 1;
    let anchor2 = ns1 + ns2 + ni1 + 1;
    // Rows and columns are numbered from 1 as in Gambit; A has columns 0..=n.
    let mut entries: HashMap<(usize, usize), Q> = HashMap::new();
    // The largest payoff of any play to any player (Gambit's GetMaxPayoff), plus one.
    // With one player, the second's payoffs (all 0) count too: every entry of both
    // payoff matrices must be a cost.
    let mut shift: Option<Q> = (players == 1).then(Q::zero);
    struct Path {
        probability: Q,
        s1: usize,
        s2: usize,
        payoffs: [Q; 2],
    }
    let mut paths: Vec<Option<Path>> = (0..tree.nodes.len()).map(|_| None).collect();
    let mut leaves: Vec<Path> = Vec::new();
    // The sequence that leads to each information set (the same at all its nodes, by
    // perfect recall).
    let mut leads_to = vec![1; tree.infosets.len()];
    paths[0] = Some(Path { probability: Q::one(), s1: 1, s2: 1, payoffs: [Q::zero(), Q::zero()] });
    for (v, node) in tree.nodes.iter().enumerate() {
        let Some(mut path) = paths[v].take() else { continue };
        if let Some(o) = node.outcome {
            for (x, y) in path.payoffs.iter_mut().zip(&tree.outcomes[o].payoffs) {
                *x += y;
            }
        }
        let Some(h) = node.infoset else {
            for x in &path.payoffs[..players] {
                if shift.as_ref().is_none_or(|s| x > s) {
                    shift = Some(x.clone());
                }
            }
            leaves.push(path);
            continue;
        };
        let infoset = &tree.infosets[h];
        match infoset.mover {
            Mover::Player(0) => leads_to[h] = path.s1,
            Mover::Player(_) => leads_to[h] = path.s2,
            Mover::Chance => {}
        }
        for (a, &child) in node.children.iter().enumerate() {
            let mut next = Path {
                probability: path.probability.clone(),
                s1: path.s1,
                s2: path.s2,
                payoffs: path.payoffs.clone(),
            };
            match infoset.mover {
                Mover::Chance => next.probability *= &infoset.probabilities[a],
                Mover::Player(0) => {
                    let row = ns1 + ns2 + positions[h] + 2;
                    let sequence = s1.offset[h] + a + 1;
                    entries.insert((path.s1, row), -Q::one());
                    entries.insert((row, path.s1), Q::one());
                    entries.insert((sequence, row), Q::one());
                    entries.insert((row, sequence), -Q::one());
                    next.s1 = sequence;
                }
                Mover::Player(_) => {
                    let row = ns1 + ns2 + ni1 + positions[h] + 2;
                    let sequence = s2.offset[h] + a + 1;
                    entries.insert((ns1 + path.s2, row), -Q::one());
                    entries.insert((row, ns1 + path.s2), Q::one());
                    entries.insert((ns1 + sequence, row), Q::one());
                    entries.insert((row, ns1 + sequence), -Q::one());
                    next.s2 = sequence;
                }
            }
            paths[child] = Some(next);
        }
    }
    let shift = shift.unwrap_or_else(Q::zero) + Q::one();
    for leaf in &leaves {
        let [pay1, pay2] = &leaf.payoffs;
        *entries.entry((leaf.s1, ns1 + leaf.s2)).or_insert_with(Q::zero) +=
            &leaf.probability * (pay1 - &shift);
        *entries.entry((ns1 + leaf.s2, leaf.s1)).or_insert_with(Q::zero) +=
            &leaf.probability * (pay2 - &shift);
    }
    entries.insert((1, anchor1), Q::one());
    entries.insert((anchor1, 1), -Q::one());
    entries.insert((ns1 + 1, anchor2), Q::one());
    entries.insert((anchor2, ns1 + 1), -Q::one());
    let mut by_row: Vec<Vec<(usize, Q)>> = vec![Vec::new(); n + 1];
    for ((i, j), q) in entries {
        if !q.is_zero() {
            by_row[i].push((j, q));
        }
    }
    // Row i: [A(i, 0..=n) | e_i | b_i] with A(i, 0) = -1, scaled to integers.
    let width = 2 * n + 2;
    let mut tableau = Tableau {
        rows: Vec::with_capacity(n),
        denominators: Vec::with_capacity(n),
        basis: Vec::with_capacity(n),
        n,
    };
    for (i, mut row_entries) in by_row.into_iter().enumerate().skip(1) {
        row_entries.push((0, -Q::one()));
        row_entries.push((n + i, Q::one()));
        if i == anchor1 || i == anchor2 {
            row_entries.push((width - 1, -Q::one()));
        }
        let lcm = row_entries.iter().fold(BigInt::one(), |l, (_, q)| l.lcm(q.denom()));
        let mut row = vec![BigInt::zero(); width];
        for (j, q) in row_entries {
            row[j] = q.numer() * (&lcm / q.denom());
        }
        tableau.rows.push(row);
        tableau.denominators.push(lcm);
        tableau.basis.push(n + i);
    }
    // Lemke's path: the artificial variable z_0 enters at player 1's anchor row, then
    // the complement of each leaving variable enters, until z_0 leaves.
    let limit = 50 * n + 100;
    tableau.pivot(anchor1 - 1, 0);
    let mut entering = anchor1;
    let mut pivots = 1;
    loop {
        if pivots > limit {
            return Err(Failure::PivotLimit(limit));
        }
        let r = tableau.leaving(entering).ok_or(Failure::Unverified)?;
        let leaving = tableau.basis[r];
        tableau.pivot(r, entering);
        pivots += 1;
        if leaving == 0 {
            break;
        }
        entering = if leaving <= n { n + leaving } else { leaving - n };
    }
    let realization =
        |player: usize, sequence: usize| tableau.value(if player == 0 { sequence } else { ns1 + sequence });
    let mut equilibrium: Behavior = Vec::with_capacity(players);
    for (player, sequences) in [&s1, &s2].into_iter().enumerate().take(players) {
        let mut own = Vec::with_capacity(sequences.infosets.len());
        for &h in &sequences.infosets {
            let actions = tree.infosets[h].actions.len();
            let reach = realization(player, leads_to[h]);
            own.push(if reach.is_zero() {
                vec![Q::new(BigInt::one(), BigInt::from(actions)); actions]
            } else {
                (0..actions).map(|a| realization(player, sequences.offset[h] + a + 1) / &reach).collect()
            });
        }
        equilibrium.push(own);
    }
    if !tree.is_equilibrium(&equilibrium) {
        return Err(Failure::Unverified);
    }
    Ok(Solution { equilibrium, pivots })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::efg;

    #[test]
    fn one_card_poker_has_its_known_equilibrium_and_value() {
        // Myerson's one-card poker (Gambit's doc/poker.efg): Alice raises with the
        // king, and with the queen a third of the time; Bob meets two thirds of the
        // time. Worth 1/3 to Alice.
        let tree = efg::read(
            r#"EFG 2 R "One card poker game, after Myerson (1991)" { "Alice" "Bob" }
""

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
t "" 4 "Bob wins" { -1, 1 }
"#,
        )
        .unwrap();
        let solution = solve(&tree).unwrap();
        let q = |n: i64, d: i64| Q::new(n.into(), d.into());
        assert_eq!(
            solution.equilibrium,
            vec![vec![vec![q(1, 1), q(0, 1)], vec![q(1, 3), q(2, 3)]], vec![vec![q(2, 3), q(1, 3)]]]
        );
        assert_eq!(tree.expected_payoffs(&solution.equilibrium), vec![q(1, 3), q(-1, 3)]);
    }

    #[test]
    fn one_player_with_losses_only_is_solved_as_two() {
        // Every payoff negative: the dummy second player's zeros must count in the
        // shift that makes the entries costs (a property test found this).
        let tree = efg::read(
            "EFG 2 R \"g\" { \"1\" }\nc \"\" 1 \"\" { \"x\" 1/5 \"y\" 4/5 } 0\np \"\" 1 1 \"\" { \"a\" \"b\" } 0\n\
             t \"\" 1 \"\" { -3 }\nt \"\" 2 \"\" { -5 }\np \"\" 1 2 \"\" { \"a\" } 0\nt \"\" 2\n",
        )
        .unwrap();
        let solution = solve(&tree).unwrap();
        let one = Q::one();
        assert_eq!(solution.equilibrium, vec![vec![vec![one.clone(), Q::zero()], vec![one]]]);
    }

    #[test]
    fn three_players_and_forgetfulness_are_refused() {
        let three = efg::read("EFG 2 R \"g\" { \"1\" \"2\" \"3\" }\nt \"\" 0\n").unwrap();
        assert_eq!(solve(&three), Err(Failure::Players(3)));
        let forgetful = efg::read(
            "EFG 2 R \"g\" { \"1\" }\np \"\" 1 1 \"\" { \"a\" \"b\" } 0\np \"\" 1 1 \"\" { \"a\" \"b\" } 0\n\
             t \"\" 0\nt \"\" 0\nt \"\" 0\n",
        )
        .unwrap();
        assert!(matches!(solve(&forgetful), Err(Failure::Recall(_))));
    }
}
