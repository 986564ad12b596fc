//! Properties of extensive-form games on random trees, each against an oracle written
//! here independently of the code under test:
//!
//! * the subgame-perfect equilibria listed are exactly the pure profiles (all of
//!   them, enumerated) that pass the one-shot deviation test at every node;
//! * a best response's value (computed by sequences, the basis of the exact
//!   equilibrium check) is the best of the player's pure strategies, all enumerated;
//! * Lemke's path on the sequence form ends at an exactly verified equilibrium for
//!   one- and two-player games of perfect recall, degenerate ones included;
//! * what the `.efg` writer writes the reader reads back, and mangled files are read
//!   or refused with a position inside the text, never a panic.

use std::collections::BTreeMap;

use detente_game::efg;
use detente_game::extensive::{Behavior, Infoset, Mover, Node, Outcome, Tree};
use detente_game::game::Q;
use detente_game::{sequence_form, subgame_perfect};
use num_traits::{One, Zero};
use proptest::prelude::*;

/// The benches' generator: a draw below `n`.
struct Draw(u64);

impl Draw {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }

    fn int(&mut self, low: i64, high: i64) -> Q {
        Q::from_integer((low + self.below((high - low + 1) as u64) as i64).into())
    }

    /// `count` probabilities summing to 1, zero now and then.
    fn probabilities(&mut self, count: usize) -> Vec<Q> {
        let weights: Vec<u64> =
            (0..count).map(|k| if k > 0 && self.below(6) == 0 { 0 } else { 1 + self.below(4) }).collect();
        let total: u64 = weights.iter().sum();
        weights.iter().map(|&w| Q::new((w as i64).into(), (total as i64).into())).collect()
    }
}

/// Builds a tree node by node, keying information sets.
struct Builder {
    tree: Tree,
    keys: BTreeMap<(Mover, Vec<i64>), usize>,
    numbers: BTreeMap<Mover, usize>,
}

impl Builder {
    fn new(players: usize) -> Builder {
        Builder {
            tree: Tree {
                title: "random".into(),
                comment: String::new(),
                players: (1..=players).map(|p| format!("P{p}")).collect(),
                nodes: Vec::new(),
                infosets: Vec::new(),
                outcomes: Vec::new(),
            },
            keys: BTreeMap::new(),
            numbers: BTreeMap::new(),
        }
    }

    fn outcome(&mut self, d: &mut Draw, low: i64, high: i64) -> usize {
        let payoffs = (0..self.tree.players.len()).map(|_| d.int(low, high)).collect();
        let number = self.tree.outcomes.len() + 1;
        self.tree.outcomes.push(Outcome { number, name: format!("o{number}"), payoffs });
        number - 1
    }

    /// A node; its information set is the one of `key` (made with `actions` and
    /// `probabilities` if new).
    fn node(
        &mut self,
        parent: Option<usize>,
        set: Option<(Mover, Vec<i64>, usize, Vec<Q>)>,
        outcome: Option<usize>,
    ) -> usize {
        let infoset = set.map(|(mover, key, actions, probabilities)| {
            let count = self.tree.infosets.len();
            *self.keys.entry((mover, key)).or_insert_with(|| {
                let number = self.numbers.entry(mover).or_insert(0);
                *number += 1;
                self.tree.infosets.push(Infoset {
                    mover,
                    number: *number,
                    name: String::new(),
                    actions: (0..actions).map(|a| format!("a{a}")).collect(),
                    probabilities,
                });
                count
            })
        });
        self.tree.nodes.push(Node { name: String::new(), infoset, outcome, children: Vec::new(), parent });
        let n = self.tree.nodes.len() - 1;
        if let Some(p) = parent {
            self.tree.nodes[p].children.push(n);
        }
        n
    }
}

/// A game of perfect information: 1 to 3 players, chance here and there, payoffs 0
/// to 2 (ties are common), at most 7 decision nodes.
fn perfect(seed: u64) -> Tree {
    let mut d = Draw(seed);
    let players = 1 + d.below(3) as usize;
    let mut b = Builder::new(players);
    let mut decisions = 0;
    fn grow(
        b: &mut Builder,
        d: &mut Draw,
        parent: Option<usize>,
        depth: usize,
        decisions: &mut usize,
        players: usize,
    ) {
        let leaf = depth == 4 || (depth > 0 && d.below(3) == 0) || *decisions >= 7;
        let inner = if !leaf && d.below(4) == 0 { Some(b.outcome(d, -1, 1)) } else { None };
        if leaf {
            let outcome = if d.below(6) == 0 { None } else { Some(b.outcome(d, 0, 2)) };
            b.node(parent, None, outcome);
            return;
        }
        let actions = 1 + d.below(3) as usize;
        let n = if d.below(5) == 0 {
            let key = vec![b.tree.nodes.len() as i64];
            let probabilities = d.probabilities(actions);
            b.node(parent, Some((Mover::Chance, key, actions, probabilities)), inner)
        } else {
            *decisions += 1;
            let mover = Mover::Player(d.below(players as u64) as usize);
            b.node(parent, Some((mover, vec![b.tree.nodes.len() as i64], actions, vec![])), inner)
        };
        for _ in 0..actions {
            grow(b, d, Some(n), depth + 1, decisions, players);
        }
    }
    grow(&mut b, &mut d, None, 0, &mut decisions, players);
    b.tree
}

/// A game of imperfect information with perfect recall: one or two players, chance
/// deals each a private type, then one to three stages, each a move of a player (one
/// to three actions, seen by the other or not) or a public chance move; small integer
/// payoffs, at inner nodes now and then.
fn imperfect(seed: u64) -> Tree {
    let mut d = Draw(seed);
    let players = 1 + d.below(2) as usize;
    let stages: Vec<(Option<usize>, usize, bool)> = (0..1 + d.below(3))
        .map(|_| {
            if d.below(5) == 0 {
                (None, 2, true)
            } else {
                (Some(d.below(players as u64) as usize), 1 + d.below(3) as usize, d.below(2) == 0)
            }
        })
        .collect();
    let mut b = Builder::new(players);
    let deals = 1usize << players;
    let deal = d.probabilities(deals);
    let root = b.node(None, Some((Mover::Chance, vec![-1], deals, deal)), None);
    #[allow(clippy::too_many_arguments)]
    fn grow(
        b: &mut Builder,
        d: &mut Draw,
        parent: usize,
        stages: &[(Option<usize>, usize, bool)],
        stage: usize,
        types: &[i64],
        seen: &mut Vec<Vec<i64>>,
    ) {
        let inner =
            |b: &mut Builder, d: &mut Draw| if d.below(5) == 0 { Some(b.outcome(d, -2, 2)) } else { None };
        if stage == stages.len() {
            let outcome = if d.below(8) == 0 { None } else { Some(b.outcome(d, -3, 3)) };
            b.node(Some(parent), None, outcome);
            return;
        }
        let (mover, actions, visible) = stages[stage];
        let outcome = inner(b, d);
        let n = match mover {
            None => {
                let key = vec![b.tree.nodes.len() as i64];
                let probabilities = d.probabilities(actions);
                b.node(Some(parent), Some((Mover::Chance, key, actions, probabilities)), outcome)
            }
            Some(p) => {
                let mut key = vec![types[p]];
                key.extend(&seen[p]);
                b.node(Some(parent), Some((Mover::Player(p), key, actions, vec![])), outcome)
            }
        };
        for a in 0..actions as i64 {
            for (q, history) in seen.iter_mut().enumerate() {
                history.push(if mover.is_none() || mover == Some(q) || visible { a } else { -9 });
            }
            grow(b, d, n, stages, stage + 1, types, seen);
            for history in seen.iter_mut() {
                history.pop();
            }
        }
    }
    for dealt in 0..deals {
        let types: Vec<i64> = (0..players).map(|p| ((dealt >> p) & 1) as i64).collect();
        grow(&mut b, &mut d, root, &stages, 0, &types, &mut vec![Vec::new(); players]);
    }
    b.tree
}

/// Every pure behaviour profile of the players in `only` (others as in `base`), or of
/// all players if `only` is `None`.
fn pure_profiles(tree: &Tree, base: &Behavior, only: Option<usize>) -> Vec<Behavior> {
    let sets = tree.player_infosets();
    let slots: Vec<(usize, usize, usize)> = sets
        .iter()
        .enumerate()
        .filter(|(p, _)| only.is_none_or(|o| o == *p))
        .flat_map(|(p, hs)| hs.iter().enumerate().map(move |(k, &h)| (p, k, h)))
        .map(|(p, k, h)| (p, k, tree.infosets[h].actions.len()))
        .collect();
    let mut out = Vec::new();
    let mut digits = vec![0usize; slots.len()];
    loop {
        let mut profile = base.clone();
        for (&(p, k, actions), &a) in slots.iter().zip(&digits) {
            profile[p][k] = (0..actions).map(|b| if b == a { Q::one() } else { Q::zero() }).collect();
        }
        out.push(profile);
        let mut i = 0;
        loop {
            if i == slots.len() {
                return out;
            }
            digits[i] += 1;
            if digits[i] < slots[i].2 {
                break;
            }
            digits[i] = 0;
            i += 1;
        }
    }
}

/// How many pure strategies `player` has (`None`: profiles of all players), up to a
/// cap.
fn pure_count(tree: &Tree, only: Option<usize>) -> u64 {
    tree.infosets
        .iter()
        .filter(|h| matches!(h.mover, Mover::Player(p) if only.is_none_or(|o| o == p)))
        .fold(1u64, |n, h| n.saturating_mul(h.actions.len() as u64).min(1 << 40))
}

/// A random behaviour profile, some actions with probability zero.
fn random_profile(tree: &Tree, d: &mut Draw) -> Behavior {
    tree.player_infosets()
        .iter()
        .map(|hs| hs.iter().map(|&h| d.probabilities(tree.infosets[h].actions.len())).collect())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn the_subgame_perfect_equilibria_listed_are_all_there_are(seed in any::<u64>()) {
        let tree = perfect(seed);
        prop_assert!(tree.is_perfect_information());
        prop_assert!(pure_count(&tree, None) <= 3u64.pow(7));
        prop_assert_eq!(efg::read(&efg::write(&tree)).unwrap(), tree.clone());
        let listed = subgame_perfect::all(&tree, 10_000).unwrap();
        let mut ours: Vec<Behavior> = listed.iter().map(|c| subgame_perfect::behavior(&tree, c)).collect();
        let base = random_profile(&tree, &mut Draw(seed));
        let mut all: Vec<Behavior> =
            pure_profiles(&tree, &base, None).into_iter().filter(|p| tree.is_subgame_perfect(p)).collect();
        prop_assert_eq!(subgame_perfect::first(&tree), listed[0].clone());
        prop_assert!(ours.iter().all(|p| tree.is_equilibrium(p)));
        ours.sort();
        all.sort();
        prop_assert_eq!(ours, all);
    }

    #[test]
    fn a_best_response_is_worth_the_best_pure_strategy(seed in any::<u64>()) {
        let tree = imperfect(seed);
        prop_assert_eq!(tree.perfect_recall(), Ok(()));
        prop_assert_eq!(efg::read(&efg::write(&tree)).unwrap(), tree.clone());
        prop_assume!((0..tree.players.len()).all(|p| pure_count(&tree, Some(p)) <= 4096));
        let mut d = Draw(seed ^ 0x5eed);
        let profile = random_profile(&tree, &mut d);
        for player in 0..tree.players.len() {
            let best = pure_profiles(&tree, &profile, Some(player))
                .iter()
                .map(|p| tree.expected_payoffs(p)[player].clone())
                .max()
                .unwrap();
            prop_assert_eq!(tree.best_response_value(&profile, player), best);
        }
    }

    /// Found by this test: with one player whose payoffs are all negative, the
    /// second (dummy) player's zeros were left out of the shift that makes every
    /// entry a cost, and the path ended elsewhere than at an equilibrium.
    #[test]
    fn lemkes_path_ends_at_an_equilibrium(seed in any::<u64>()) {
        let tree = imperfect(seed);
        let solution = sequence_form::solve(&tree).unwrap();
        prop_assert!(tree.is_equilibrium(&solution.equilibrium));
        // No pure strategy of either player does better: the check, done by brute force
        // where the strategies are few enough.
        let payoffs = tree.expected_payoffs(&solution.equilibrium);
        for player in (0..tree.players.len()).filter(|&p| pure_count(&tree, Some(p)) <= 4096) {
            for deviation in pure_profiles(&tree, &solution.equilibrium, Some(player)) {
                prop_assert!(tree.expected_payoffs(&deviation)[player] <= payoffs[player]);
            }
        }
    }

    #[test]
    fn mangled_files_are_read_or_refused_where_they_go_wrong(seed in any::<u64>(), cut in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let tree = if seed % 2 == 0 { perfect(seed) } else { imperfect(seed) };
        let text = efg::write(&tree);
        let mut bytes = text.into_bytes();
        let at = cut.index(bytes.len());
        match seed % 3 {
            0 => bytes.truncate(at),
            1 => bytes[at] = byte,
            _ => { bytes.remove(at); }
        }
        let mangled = String::from_utf8_lossy(&bytes);
        match efg::read(&mangled) {
            Ok(read) => prop_assert_eq!(efg::read(&efg::write(&read)).unwrap(), read),
            Err(e) => {
                prop_assert!(e.line >= 1 && e.column >= 1);
                prop_assert!(e.line <= mangled.matches('\n').count() + 1, "{}", e);
                prop_assert!(!e.message.is_empty() && !e.help.is_empty());
            }
        }
    }
}
