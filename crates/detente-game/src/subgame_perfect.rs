//! The subgame-perfect equilibria in pure strategies of a game of perfect information,
//! by backward induction (Kuhn 1953; Zermelo 1913), exactly.
//!
//! Every node of such a game starts a subgame, so a pure profile is subgame perfect
//! exactly when, at every decision node, the mover's action is one of its best given
//! the profile below (the one-shot deviation principle). Working from the leaves to the
//! root, each node's value is its own outcome plus what follows: the chosen child's
//! value at a decision, the probability-weighted values of the children at chance.
//!
//! Without ties there is one such equilibrium. With ties (a mover indifferent between
//! actions) there are several, and a choice at one node can change the values, hence
//! the best choices, above it. They are listed in a fixed order: lexicographic in the
//! actions chosen (in action order) at the decision nodes taken from the last in the
//! file to the first (every node after its descendants), so the choice at the root
//! varies fastest. The first equilibrium ([`first`]) is thus the one that breaks every tie towards the
//! first best action in the file's order. Listing is an odometer: the last node (in
//! that order, the nearest to the root) that has a later tied action takes it, and
//! every node after it takes its first best action given the new values below.
//! Each step costs at most one pass over the nodes, so the work is bounded by the
//! number listed times the size of the tree.

use num_traits::{One, Zero};

use crate::extensive::{Behavior, Mover, Tree};
use crate::game::Q;

/// The most equilibria listed: a game with more (payoff ties multiply them) is
/// refused, and [`first`] gives one.
pub const MAX_LISTED: usize = 1_000;

/// The most choices kept across the equilibria listed (equilibria times decision
/// nodes): a tree of 100,000 decision nodes lists at most 100 equilibria.
pub const MAX_CHOICES: usize = 10_000_000;

/// The most node evaluations (a node's value computed again) spent listing.
pub const MAX_WORK: usize = 50_000_000;

/// Why not every equilibrium was listed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TooMany {
    /// There are more than this many.
    #[error("more than {0} subgame-perfect equilibria in pure strategies, too many to list")]
    MoreThan(usize),
    /// Listing would take too long: this many were found before the work limit.
    #[error("listing every subgame-perfect equilibrium would take too long ({0} found before the limit of {MAX_WORK} node evaluations)")]
    Work(usize),
}

/// A pure strategy profile of a game of perfect information: the action (from 0)
/// chosen at each decision node, in the order of [`decision_nodes`].
pub type Choices = Vec<u32>;

/// The decision nodes (players' nodes) of a tree, in order.
pub fn decision_nodes(tree: &Tree) -> Vec<usize> {
    (0..tree.nodes.len()).filter(|&n| matches!(tree.mover(n), Some(Mover::Player(_)))).collect()
}

/// Backward induction's state: every node's value and every decision node's choice.
struct Induction<'t> {
    tree: &'t Tree,
    values: Vec<Vec<Q>>,
    /// The action chosen at each node (decision nodes only).
    choice: Vec<usize>,
    work: usize,
}

impl Induction<'_> {
    /// The first best action at decision node `n` of player `p`, given the values below.
    fn first_best(&self, n: usize, p: usize) -> usize {
        let children = &self.tree.nodes[n].children;
        let mut best = 0;
        for (a, &c) in children.iter().enumerate().skip(1) {
            if self.values[c][p] > self.values[children[best]][p] {
                best = a;
            }
        }
        best
    }

    /// The next action after the chosen one at decision node `n` that is as good for
    /// its mover, given the values below.
    fn next_tie(&self, n: usize, p: usize) -> Option<usize> {
        let children = &self.tree.nodes[n].children;
        let chosen = &self.values[children[self.choice[n]]][p];
        (self.choice[n] + 1..children.len()).find(|&a| self.values[children[a]][p] == *chosen)
    }

    /// Computes node `n`'s value from its children's; at a decision node, first
    /// choosing its first best action if `reset`.
    fn evaluate(&mut self, n: usize, reset: bool) {
        self.work += 1;
        let tree = self.tree;
        let node = &tree.nodes[n];
        let mut value = match node.outcome {
            Some(o) => tree.outcomes[o].payoffs.clone(),
            None => vec![Q::zero(); tree.players.len()],
        };
        match tree.mover(n) {
            None => {}
            Some(Mover::Player(p)) => {
                if reset {
                    self.choice[n] = self.first_best(n, p);
                }
                for (x, y) in value.iter_mut().zip(&self.values[node.children[self.choice[n]]]) {
                    *x += y;
                }
            }
            Some(Mover::Chance) => {
                let probabilities = node.infoset.map_or(&[][..], |h| &tree.infosets[h].probabilities[..]);
                for (&c, p) in node.children.iter().zip(probabilities) {
                    if !p.is_zero() {
                        for (x, y) in value.iter_mut().zip(&self.values[c]) {
                            *x += p * y;
                        }
                    }
                }
            }
        }
        self.values[n] = value;
    }

    fn new(tree: &Tree) -> Induction<'_> {
        let mut induction = Induction {
            tree,
            values: vec![Vec::new(); tree.nodes.len()],
            choice: vec![0; tree.nodes.len()],
            work: 0,
        };
        for n in (0..tree.nodes.len()).rev() {
            induction.evaluate(n, true);
        }
        induction
    }

    /// Moves to the next equilibrium in the order of the module's documentation;
    /// `false` after the last.
    fn advance(&mut self) -> bool {
        let tree = self.tree;
        // The nearest decision node to the root, in the order of the file, that has a
        // later tied action.
        let found = (0..tree.nodes.len()).find_map(|n| match tree.mover(n) {
            Some(Mover::Player(p)) => self.next_tie(n, p).map(|a| (n, a)),
            _ => None,
        });
        let Some((j, a)) = found else { return false };
        self.choice[j] = a;
        self.evaluate(j, false);
        for n in (0..j).rev() {
            self.evaluate(n, true);
        }
        true
    }

    fn choices(&self, decisions: &[usize]) -> Choices {
        decisions.iter().map(|&n| self.choice[n] as u32).collect()
    }
}

/// The subgame-perfect equilibrium that breaks every tie towards the first best
/// action (in the file's order), as [`Choices`]. The tree must have perfect
/// information (see [`Tree::is_perfect_information`]).
pub fn first(tree: &Tree) -> Choices {
    Induction::new(tree).choices(&decision_nodes(tree))
}

/// Every subgame-perfect equilibrium in pure strategies, in the order of the module's
/// documentation, or why they were not all listed: more than `max` of them (and more
/// than [`MAX_CHOICES`] allows), or more work than [`MAX_WORK`].
pub fn all(tree: &Tree, max: usize) -> Result<Vec<Choices>, TooMany> {
    let decisions = decision_nodes(tree);
    let max = max.min(MAX_CHOICES / decisions.len().max(1)).max(1);
    let mut induction = Induction::new(tree);
    let mut out = vec![induction.choices(&decisions)];
    while induction.advance() {
        if out.len() == max {
            return Err(TooMany::MoreThan(max));
        }
        if induction.work > MAX_WORK {
            return Err(TooMany::Work(out.len()));
        }
        out.push(induction.choices(&decisions));
    }
    Ok(out)
}

/// A pure profile as a behaviour profile: probability 1 on the chosen action at each
/// decision node's information set (each has one node).
pub fn behavior(tree: &Tree, choices: &Choices) -> Behavior {
    let positions = tree.infoset_positions();
    let mut profile: Behavior = tree
        .player_infosets()
        .iter()
        .map(|hs| hs.iter().map(|&h| vec![Q::zero(); tree.infosets[h].actions.len()]).collect())
        .collect();
    for (&n, &a) in decision_nodes(tree).iter().zip(choices) {
        let Some(h) = tree.nodes[n].infoset else { continue };
        if let Mover::Player(p) = tree.infosets[h].mover {
            profile[p][positions[h]][a as usize] = Q::one();
        }
    }
    profile
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::efg;

    #[test]
    fn ties_multiply_equilibria_and_change_the_values_above() {
        // Player 2 is indifferent after `b`, which matters to player 1: with `x` player
        // 1 prefers `b` (2 > 1), with `y` it prefers `a`. Two equilibria.
        let tree = efg::read(
            r#"EFG 2 R "tie" { "1" "2" }
p "" 1 1 "" { "a" "b" } 0
t "" 1 "" { 1, 0 }
p "" 2 1 "" { "x" "y" } 0
t "" 2 "" { 2, 5 }
t "" 3 "" { 0, 5 }
"#,
        )
        .unwrap();
        let listed = all(&tree, 10).unwrap();
        assert_eq!(listed, vec![vec![1, 0], vec![0, 1]]);
        assert_eq!(first(&tree), listed[0]);
        for choices in &listed {
            let profile = behavior(&tree, choices);
            assert!(tree.is_subgame_perfect(&profile));
            assert!(tree.is_equilibrium(&profile));
        }
        // Player 1 choosing `a` while player 2 plays `x` is not subgame perfect.
        assert!(!tree.is_subgame_perfect(&behavior(&tree, &vec![0, 0])));
        assert_eq!(all(&tree, 1), Err(TooMany::MoreThan(1)));
    }

    #[test]
    fn a_tree_of_ties_has_every_profile_as_an_equilibrium() {
        // Three decision nodes of two actions each, all payoffs zero: 8 equilibria.
        let tree = efg::read(
            r#"EFG 2 R "zeros" { "1" "2" }
p "" 1 1 "" { "a" "b" } 0
p "" 2 1 "" { "c" "d" } 0
t "" 0
t "" 0
p "" 2 2 "" { "e" "f" } 0
t "" 0
t "" 0
"#,
        )
        .unwrap();
        let listed = all(&tree, 100).unwrap();
        assert_eq!(listed.len(), 8);
        let mut sorted = listed.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 8);
        // Decision nodes 0, 1, 4 in the file: the root's choice varies fastest.
        assert_eq!(listed[0], vec![0, 0, 0]);
        assert_eq!(listed[1], vec![1, 0, 0]);
        assert_eq!(listed[2], vec![0, 1, 0]);
        assert_eq!(listed[7], vec![1, 1, 1]);
    }
}
