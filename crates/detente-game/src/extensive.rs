//! A finite game in extensive form: a tree of chance, decision and terminal nodes with
//! information sets, exact chance probabilities and outcomes (payoff vectors that may
//! sit at any node and add up along the path, as in Gambit).
//!
//! [`crate::efg`] reads and writes it in Gambit's `.efg` format; [`crate::subgame_perfect`]
//! solves games of perfect information by backward induction, and
//! [`crate::sequence_form`] two-player games of perfect recall through the sequence form.
//! This module holds what both need: the structure's queries (perfect information,
//! perfect recall), behaviour strategies, expected payoffs and the exact equilibrium
//! check that every reported equilibrium passes.
//!
//! Everything here walks the node list in its stored order (the root first, each node
//! before its children) or in reverse: nothing recurses, so a tree as deep as it is
//! large (a chain of a million nodes) is handled like any other.

use num_traits::{One, Zero};

use crate::game::{Sign, Q};

/// A finite game in extensive form.
#[derive(Clone, Debug, PartialEq)]
pub struct Tree {
    /// Its title.
    pub title: String,
    /// Its comment (Gambit's description; may be empty).
    pub comment: String,
    /// The players' names, in order.
    pub players: Vec<String>,
    /// The nodes in Gambit's order: the root first, then the subtree of each child in
    /// action order (prefix order). A node's children come after it.
    pub nodes: Vec<Node>,
    /// The information sets of chance and of the players, in the order they first
    /// appear among the nodes.
    pub infosets: Vec<Infoset>,
    /// The outcomes, in the order they first appear.
    pub outcomes: Vec<Outcome>,
}

/// A node of the tree.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// Its name (may be empty).
    pub name: String,
    /// The information set of a chance or decision node; `None` for a terminal node.
    pub infoset: Option<usize>,
    /// The outcome reached at this node, if any: its payoffs are added to those of
    /// the other outcomes on the path.
    pub outcome: Option<usize>,
    /// The children, one per action of the information set, in action order.
    pub children: Vec<usize>,
    /// The parent; `None` for the root.
    pub parent: Option<usize>,
}

/// Who moves at an information set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mover {
    /// Chance, with stated probabilities.
    Chance,
    /// A player, numbered from 0.
    Player(usize),
}

/// An information set: nodes among which its mover cannot tell.
#[derive(Clone, Debug, PartialEq)]
pub struct Infoset {
    /// Who moves.
    pub mover: Mover,
    /// Its number in the file (unique per mover).
    pub number: usize,
    /// Its name (may be empty).
    pub name: String,
    /// The actions' names.
    pub actions: Vec<String>,
    /// Chance's probability of each action; empty for a player's information set.
    pub probabilities: Vec<Q>,
}

/// An outcome: a payoff for every player.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// Its number in the file.
    pub number: usize,
    /// Its name (may be empty).
    pub name: String,
    /// A payoff per player.
    pub payoffs: Vec<Q>,
}

/// A behaviour strategy profile: `profile[player][k][action]` is the probability that
/// `player` chooses `action` at its `k`-th information set (in the order of
/// [`Tree::player_infosets`]). Gambit's `MixedBehaviorProfile` is nested the same way.
pub type Behavior = Vec<Vec<Vec<Q>>>;

/// The most digits the exact numbers computed from a tree may have together before a
/// solver starts: the probability with which chance reaches each node and the payoff
/// vector of each terminal node (outcomes summed along its path). A deep tree of
/// chance moves multiplies probabilities whose denominators grow with the depth.
pub const MAX_COMPUTED_DIGITS: usize = 20_000_000;

/// The most payoffs the solvers keep at once: one per player at every node.
pub const MAX_NODE_PAYOFFS: usize = 20_000_000;

/// Why a tree is too large to solve exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TooLarge {
    /// Nodes times players is more than [`MAX_NODE_PAYOFFS`].
    #[error(
        "{nodes} nodes of {players} players: the solvers keep a payoff per player at every node, more than the \
         {MAX_NODE_PAYOFFS} they hold"
    )]
    Payoffs {
        /// The nodes.
        nodes: usize,
        /// The players.
        players: usize,
    },
    /// The exact numbers computed before solving pass [`MAX_COMPUTED_DIGITS`] digits,
    /// at this node.
    #[error(
        "exact arithmetic on this tree would be too long: the probabilities with which chance reaches its \
         nodes and the payoffs of its plays pass {MAX_COMPUTED_DIGITS} digits together (by node {node}, from 0)"
    )]
    Digits {
        /// The node at which the digits passed the limit.
        node: usize,
    },
}

/// Where a game lacks perfect recall: a player's information set two of whose nodes
/// differ in what the player did or knew before (or one of which follows the other).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "its player does not recall at information set {infoset} (from 0): nodes {first} and {other} follow \
     different moves of its own, or one follows the other"
)]
pub struct ImperfectRecall {
    /// The information set.
    pub infoset: usize,
    /// Its first node.
    pub first: usize,
    /// A node of it that the player can tell apart from the first by its own history.
    pub other: usize,
}

/// About how many decimal digits a rational's numerator and denominator have together.
pub(crate) fn digits(q: &Q) -> usize {
    let bits = q.numer().bits() + q.denom().bits();
    (bits as f64 * std::f64::consts::LOG10_2) as usize + 1
}

impl Tree {
    /// Who moves at `node`; `None` at a terminal node.
    pub fn mover(&self, node: usize) -> Option<Mover> {
        self.nodes[node].infoset.map(|h| self.infosets[h].mover)
    }

    /// Each player's information sets (indices into [`Tree::infosets`]), in the order
    /// they first appear.
    pub fn player_infosets(&self) -> Vec<Vec<usize>> {
        let mut out = vec![Vec::new(); self.players.len()];
        for (h, infoset) in self.infosets.iter().enumerate() {
            if let Mover::Player(p) = infoset.mover {
                out[p].push(h);
            }
        }
        out
    }

    /// For every information set, its place among its player's (0 for chance's).
    pub fn infoset_positions(&self) -> Vec<usize> {
        let mut next = vec![0; self.players.len()];
        self.infosets
            .iter()
            .map(|infoset| match infoset.mover {
                Mover::Player(p) => {
                    next[p] += 1;
                    next[p] - 1
                }
                Mover::Chance => 0,
            })
            .collect()
    }

    /// The nodes of every information set, in order.
    pub fn members(&self) -> Vec<Vec<usize>> {
        let mut out = vec![Vec::new(); self.infosets.len()];
        for (n, node) in self.nodes.iter().enumerate() {
            if let Some(h) = node.infoset {
                out[h].push(n);
            }
        }
        out
    }

    /// Whether every player's information set has a single node (chance's may have
    /// more: what chance knows does not matter).
    pub fn is_perfect_information(&self) -> bool {
        let mut seen = vec![false; self.infosets.len()];
        for node in &self.nodes {
            if let Some(h) = node.infoset {
                if matches!(self.infosets[h].mover, Mover::Player(_)) && std::mem::replace(&mut seen[h], true)
                {
                    return false;
                }
            }
        }
        true
    }

    /// For `player`, every node's last own move before it: `Some((infoset, action))`,
    /// or `None` if the player has not moved yet on the path to the node, with the
    /// number of the player's moves on that path.
    fn own_history(&self, player: usize) -> Vec<(Option<(usize, usize)>, usize)> {
        let mut out = vec![(None, 0); self.nodes.len()];
        for (n, node) in self.nodes.iter().enumerate() {
            let own = node.infoset.filter(|&h| self.infosets[h].mover == Mover::Player(player));
            for (a, &child) in node.children.iter().enumerate() {
                out[child] = match own {
                    Some(h) => (Some((h, a)), out[n].1 + 1),
                    None => out[n],
                };
            }
        }
        out
    }

    /// Whether the game has perfect recall: every player, at each of its information
    /// sets, remembers what it did and knew before (all the set's nodes follow the
    /// same own moves). The first information set where this fails, if any.
    pub fn perfect_recall(&self) -> Result<(), ImperfectRecall> {
        let members = self.members();
        for player in 0..self.players.len() {
            let shared = (0..self.infosets.len())
                .any(|h| self.infosets[h].mover == Mover::Player(player) && members[h].len() > 1);
            if !shared {
                continue;
            }
            let history = self.own_history(player);
            for (h, nodes) in members.iter().enumerate() {
                if self.infosets[h].mover != Mover::Player(player) {
                    continue;
                }
                if let Some(&other) = nodes.iter().find(|&&n| history[n] != history[nodes[0]]) {
                    return Err(ImperfectRecall { infoset: h, first: nodes[0], other });
                }
            }
        }
        Ok(())
    }

    /// Checks that the solvers can hold the tree's numbers, as they must before
    /// solving it: a payoff per player at every node, at most [`MAX_NODE_PAYOFFS`], and
    /// at most [`MAX_COMPUTED_DIGITS`] in the exact numbers they start from (the
    /// probability with which chance reaches every node, and every terminal node's
    /// payoffs summed along its path).
    pub fn check_arithmetic(&self) -> Result<(), TooLarge> {
        self.check_within(MAX_NODE_PAYOFFS, MAX_COMPUTED_DIGITS)
    }

    /// [`Tree::check_arithmetic`] with the limits given.
    fn check_within(&self, max_payoffs: usize, max_digits: usize) -> Result<(), TooLarge> {
        let players = self.players.len();
        if self.nodes.len().saturating_mul(players) > max_payoffs {
            return Err(TooLarge::Payoffs { nodes: self.nodes.len(), players });
        }
        let mut reach: Vec<Option<Q>> = vec![None; self.nodes.len()];
        let mut sums: Vec<Option<Vec<Q>>> = vec![None; self.nodes.len()];
        reach[0] = Some(Q::one());
        sums[0] = Some(vec![Q::zero(); players]);
        let mut total = 0usize;
        for (n, node) in self.nodes.iter().enumerate() {
            let (Some(p), Some(mut sum)) = (reach[n].take(), sums[n].take()) else { continue };
            if let Some(o) = node.outcome {
                for (s, x) in sum.iter_mut().zip(&self.outcomes[o].payoffs) {
                    *s += x;
                }
            }
            total += digits(&p);
            if node.children.is_empty() {
                total += sum.iter().map(digits).sum::<usize>();
            }
            if total > max_digits {
                return Err(TooLarge::Digits { node: n });
            }
            let chance = node.infoset.map(|h| &self.infosets[h]).filter(|h| h.mover == Mover::Chance);
            for (a, &child) in node.children.iter().enumerate() {
                reach[child] = Some(match chance {
                    Some(h) => &p * &h.probabilities[a],
                    None => p.clone(),
                });
                sums[child] = Some(sum.clone());
            }
        }
        Ok(())
    }

    /// The probability of `action` at `node` under `profile` (chance's own at a chance
    /// node).
    fn probability<'a>(
        &'a self,
        profile: &'a Behavior,
        positions: &[usize],
        node: usize,
        action: usize,
    ) -> &'a Q {
        // Reading a tree gives every node with children an information set; a node
        // without one has no moves, so no action of it is ever played.
        static NEVER: std::sync::LazyLock<Q> = std::sync::LazyLock::new(Q::zero);
        let Some(h) = self.nodes[node].infoset else { return &NEVER };
        match self.infosets[h].mover {
            Mover::Chance => &self.infosets[h].probabilities[action],
            Mover::Player(p) => &profile[p][positions[h]][action],
        }
    }

    /// The probability of reaching each node when everyone plays `profile`, except that
    /// `skip`'s own moves count as certain (its opponents' and chance's reach, for a
    /// best response).
    fn reach(&self, profile: &Behavior, skip: Option<usize>) -> Vec<Q> {
        let positions = self.infoset_positions();
        let mut reach = vec![Q::zero(); self.nodes.len()];
        reach[0] = Q::one();
        for (n, node) in self.nodes.iter().enumerate() {
            if reach[n].is_zero() {
                continue;
            }
            let own = skip.is_some_and(|p| self.mover(n) == Some(Mover::Player(p)));
            for (a, &child) in node.children.iter().enumerate() {
                reach[child] = if own {
                    reach[n].clone()
                } else {
                    &reach[n] * self.probability(profile, &positions, n, a)
                };
            }
        }
        reach
    }

    /// Whether `profile` has the shape of the game's behaviour strategies and gives
    /// every player, at every information set, a probability vector.
    pub fn is_behavior(&self, profile: &Behavior) -> bool {
        let infosets = self.player_infosets();
        profile.len() == self.players.len()
            && profile.iter().zip(&infosets).all(|(own, hs)| {
                own.len() == hs.len()
                    && own.iter().zip(hs).all(|(mix, &h)| {
                        mix.len() == self.infosets[h].actions.len()
                            && mix.iter().all(|p| !p.is_negative_q())
                            && mix.iter().sum::<Q>() == Q::one()
                    })
            })
    }

    /// Each player's expected payoff when everyone plays `profile` (a behaviour
    /// profile, see [`Tree::is_behavior`]).
    pub fn expected_payoffs(&self, profile: &Behavior) -> Vec<Q> {
        let reach = self.reach(profile, None);
        let mut out = vec![Q::zero(); self.players.len()];
        for (node, p) in self.nodes.iter().zip(&reach) {
            if let (Some(o), false) = (node.outcome, p.is_zero()) {
                for (total, x) in out.iter_mut().zip(&self.outcomes[o].payoffs) {
                    *total += p * x;
                }
            }
        }
        out
    }

    /// The probability with which each of the players' information sets is reached
    /// under `profile`, by player and place as in [`Behavior`].
    pub fn infoset_reach(&self, profile: &Behavior) -> Vec<Vec<Q>> {
        let reach = self.reach(profile, None);
        let positions = self.infoset_positions();
        let mut out: Vec<Vec<Q>> =
            self.player_infosets().iter().map(|hs| vec![Q::zero(); hs.len()]).collect();
        for (node, p) in self.nodes.iter().zip(&reach) {
            if let Some(h) = node.infoset {
                if let Mover::Player(player) = self.infosets[h].mover {
                    out[player][positions[h]] += p;
                }
            }
        }
        out
    }

    /// What `player` gets from a best response to the others' strategies in
    /// `profile`. The game must have perfect recall (see [`Tree::perfect_recall`]):
    /// the player's information sets then form a tree of sequences, and the value of
    /// each sequence (what the payoffs reached after it, weighted by the others' and
    /// chance's probabilities, are worth with the best choices from there on) is
    /// computed from the last information set back to the first.
    pub fn best_response_value(&self, profile: &Behavior, player: usize) -> Q {
        let reach = self.reach(profile, Some(player));
        let history = self.own_history(player);
        let infosets = self.player_infosets();
        // Sequence 0 is the empty one; the actions of the k-th information set follow
        // those of the earlier ones.
        let mut offset = vec![0usize; self.infosets.len()];
        let mut sequences = 1;
        for &h in &infosets[player] {
            offset[h] = sequences;
            sequences += self.infosets[h].actions.len();
        }
        let index = |own: Option<(usize, usize)>| own.map_or(0, |(h, a)| offset[h] + a);
        let mut value = vec![Q::zero(); sequences];
        let mut parent = vec![None; self.infosets.len()];
        for (n, node) in self.nodes.iter().enumerate() {
            if let Some(h) = node.infoset {
                if self.infosets[h].mover == Mover::Player(player) && parent[h].is_none() {
                    parent[h] = Some(index(history[n].0));
                }
            }
            if let (Some(o), false) = (node.outcome, reach[n].is_zero()) {
                let payoff = &self.outcomes[o].payoffs[player];
                if !payoff.is_zero() {
                    value[index(history[n].0)] += &reach[n] * payoff;
                }
            }
        }
        for &h in infosets[player].iter().rev() {
            let actions = self.infosets[h].actions.len();
            let best = (0..actions).map(|a| &value[offset[h] + a]).max().cloned().unwrap_or_else(Q::zero);
            value[parent[h].unwrap_or(0)] += best;
        }
        value.swap_remove(0)
    }

    /// Whether `profile` is a Nash equilibrium, exactly: a behaviour profile from which
    /// no player gains by any other strategy. The game must have perfect recall.
    pub fn is_equilibrium(&self, profile: &Behavior) -> bool {
        if !self.is_behavior(profile) {
            return false;
        }
        let payoffs = self.expected_payoffs(profile);
        (0..self.players.len()).all(|p| self.best_response_value(profile, p) == payoffs[p])
    }

    /// Each node's payoff vector under `profile` from that node on (its own outcome
    /// included), computed from the leaves back to the root.
    pub fn node_values(&self, profile: &Behavior) -> Vec<Vec<Q>> {
        let positions = self.infoset_positions();
        let players = self.players.len();
        let mut values: Vec<Vec<Q>> = vec![Vec::new(); self.nodes.len()];
        for n in (0..self.nodes.len()).rev() {
            let node = &self.nodes[n];
            let mut v = match node.outcome {
                Some(o) => self.outcomes[o].payoffs.clone(),
                None => vec![Q::zero(); players],
            };
            for (a, &child) in node.children.iter().enumerate() {
                let p = self.probability(profile, &positions, n, a);
                if !p.is_zero() {
                    for (x, y) in v.iter_mut().zip(&values[child]) {
                        *x += p * y;
                    }
                }
            }
            values[n] = v;
        }
        values
    }

    /// Whether `profile` is a subgame-perfect equilibrium of a game of perfect
    /// information: at every decision node, every action played with positive
    /// probability is one of the mover's best, given the profile from there on (the
    /// one-shot deviation principle; every node starts a subgame).
    pub fn is_subgame_perfect(&self, profile: &Behavior) -> bool {
        if !self.is_perfect_information() || !self.is_behavior(profile) {
            return false;
        }
        let positions = self.infoset_positions();
        let values = self.node_values(profile);
        self.nodes.iter().enumerate().all(|(n, node)| {
            let Some(Mover::Player(p)) = self.mover(n) else { return true };
            let best = node.children.iter().map(|&c| &values[c][p]).max();
            node.children.iter().enumerate().all(|(a, &c)| {
                self.probability(profile, &positions, n, a).is_zero() || Some(&values[c][p]) == best
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(n: i64) -> Q {
        Q::from_integer(n.into())
    }

    /// Matching pennies in extensive form: the second player does not see the first's
    /// move.
    fn pennies() -> Tree {
        let node = |infoset: Option<usize>, outcome: Option<usize>, children: Vec<usize>, parent| Node {
            name: String::new(),
            infoset,
            outcome,
            children,
            parent,
        };
        let infoset = |mover, number| Infoset {
            mover,
            number,
            name: String::new(),
            actions: vec!["H".into(), "T".into()],
            probabilities: vec![],
        };
        let outcome = |number, a: i64| Outcome { number, name: String::new(), payoffs: vec![q(a), q(-a)] };
        Tree {
            title: "pennies".into(),
            comment: String::new(),
            players: vec!["1".into(), "2".into()],
            nodes: vec![
                node(Some(0), None, vec![1, 4], None),
                node(Some(1), None, vec![2, 3], Some(0)),
                node(None, Some(0), vec![], Some(1)),
                node(None, Some(1), vec![], Some(1)),
                node(Some(1), None, vec![5, 6], Some(0)),
                node(None, Some(1), vec![], Some(4)),
                node(None, Some(0), vec![], Some(4)),
            ],
            infosets: vec![infoset(Mover::Player(0), 1), infoset(Mover::Player(1), 1)],
            outcomes: vec![outcome(1, 1), outcome(2, -1)],
        }
    }

    #[test]
    fn matching_pennies_in_a_tree_has_its_mixed_equilibrium_only() {
        let tree = pennies();
        assert!(!tree.is_perfect_information());
        assert_eq!(tree.perfect_recall(), Ok(()));
        let half = Q::new(1.into(), 2.into());
        let mixed = vec![vec![vec![half.clone(), half.clone()]], vec![vec![half.clone(), half.clone()]]];
        assert!(tree.is_equilibrium(&mixed));
        assert_eq!(tree.expected_payoffs(&mixed), vec![q(0), q(0)]);
        let pure = vec![vec![vec![q(1), q(0)]], vec![vec![q(1), q(0)]]];
        assert!(!tree.is_equilibrium(&pure));
        // Against heads, the first player's best response (heads) is worth 1.
        assert_eq!(tree.best_response_value(&pure, 0), q(1));
        assert_eq!(tree.best_response_value(&pure, 1), q(1));
        let lopsided = vec![vec![vec![half.clone(), half.clone()]], vec![vec![q(1), q(0)]]];
        assert!(!tree.is_equilibrium(&lopsided));
        assert!(!tree.is_behavior(&vec![vec![vec![half.clone(), q(0)]], vec![vec![q(1), q(0)]]]));
    }

    #[test]
    fn forgetting_ones_own_move_is_imperfect_recall() {
        let mut tree = pennies();
        // The second mover becomes the first player, who forgets its own move.
        tree.infosets[1].mover = Mover::Player(0);
        tree.infosets[1].number = 2;
        assert_eq!(tree.perfect_recall(), Err(ImperfectRecall { infoset: 1, first: 1, other: 4 }));
        assert_eq!(tree.check_arithmetic(), Ok(()));
    }

    #[test]
    fn trees_too_large_to_solve_exactly_say_why() {
        let mut tree = pennies();
        tree.players = (0..MAX_NODE_PAYOFFS / 7 + 1).map(|p| p.to_string()).collect();
        assert_eq!(
            tree.check_arithmetic(),
            Err(TooLarge::Payoffs { nodes: 7, players: MAX_NODE_PAYOFFS / 7 + 1 })
        );
        let error = tree.check_arithmetic().unwrap_err();
        assert!(
            error.to_string().starts_with(&format!(
                "7 nodes of {} players: the solvers keep a payoff",
                MAX_NODE_PAYOFFS / 7 + 1
            )),
            "{error}"
        );
        // Chance's first move to 110 leaves, each paying both players 10^999, against a
        // limit of 200,000 digits (the check is the same with the real one, 100 times
        // larger, which takes long to reach with exact arithmetic in a debug build).
        let leaves = 110;
        let probability = Q::new(1.into(), (leaves as i64).into());
        let big = Q::from_integer(num_traits::pow(num_bigint::BigInt::from(10), 999));
        let mut tree = pennies();
        tree.outcomes =
            vec![Outcome { number: 1, name: String::new(), payoffs: vec![big.clone(), big.clone()] }];
        tree.infosets = vec![Infoset {
            mover: Mover::Chance,
            number: 1,
            name: String::new(),
            actions: (0..leaves).map(|a| a.to_string()).collect(),
            probabilities: vec![probability.clone(); leaves],
        }];
        let leaf =
            Node { name: String::new(), infoset: None, outcome: Some(0), children: vec![], parent: Some(0) };
        tree.nodes = vec![Node {
            children: (1..=leaves).collect(),
            infoset: Some(0),
            outcome: None,
            parent: None,
            ..leaf.clone()
        }];
        tree.nodes.extend(std::iter::repeat_n(leaf, leaves));
        // The root counts 1 (its probability); each leaf its probability and payoffs.
        let per_leaf = digits(&probability) + 2 * digits(&big);
        assert_eq!(per_leaf, 2003, "about 3 for 1/110, 1,000 for each payoff");
        let limit = 200_000;
        assert_eq!(
            tree.check_within(MAX_NODE_PAYOFFS, limit),
            Err(TooLarge::Digits { node: (limit - 1) / per_leaf + 1 })
        );
        assert_eq!(tree.check_within(MAX_NODE_PAYOFFS, 1 + leaves * per_leaf), Ok(()));
        assert_eq!(tree.check_arithmetic(), Ok(()));
    }
}
