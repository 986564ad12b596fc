//! The phase game as an extensive-form game: phase after phase, the signatories move in
//! the order the agreement sets within the phase ([`crate::analysis::order_of_moves`]:
//! a step whose `when` requires another of the phase moves after it), each choosing to
//! perform or to defect (seeing the moves before it: perfect information); a defection
//! ends the game, and every party keeps what the earlier phases delivered and, from the
//! earlier stages of the phase, what their steps deliver until a power takes them away
//! (the hold-up, [`crate::analysis::hold_up`]); if all perform, each party gains its
//! phase value `B_k - C_k`, discounted by `δ` per phase, and play moves to the next
//! phase. It is written in Gambit's `.efg` format, and
//! solved here by backward induction over the tree itself (independently of
//! [`crate::analysis::self_enforcement`], which works on phase values): the two must
//! give the same subgame-perfect payoffs.
//!
//! Ties (a party indifferent between performing and defecting) are broken towards
//! performing, as the analysis does.

use num_rational::BigRational;
use num_traits::{One, Zero};

use crate::analysis::{hold_up, order_of_moves, phase_order};
use crate::extensive::{Infoset, Mover, Node, Outcome, Tree};
use crate::game::Q;
use detente_spec::model::{Role, Spec};

/// The phase game of an agreement.
#[derive(Clone, Debug, PartialEq)]
pub struct PhaseGame {
    /// The signatories.
    pub parties: Vec<String>,
    /// The moves of each phase in order: the mover (an index in `parties`) and what it
    /// keeps for each party, relative to the phase's start and undiscounted by the
    /// earlier phases, if it defects there (the hold-up; zero in a phase's first stage).
    pub moves: Vec<Vec<(usize, Vec<Q>)>>,
    /// The phases, in order.
    pub phases: Vec<String>,
    /// `values[k][i]`: party i's benefit minus cost in phase k, undiscounted.
    pub values: Vec<Vec<Q>>,
    /// The discount factor per phase.
    pub discount: Q,
}

fn exact(x: f64) -> Q {
    BigRational::from_float(x).unwrap_or_else(Q::zero)
}

impl PhaseGame {
    /// The phase game of `spec` with discount factor `discount`.
    pub fn new(spec: &Spec, discount: f64) -> PhaseGame {
        let parties: Vec<String> =
            spec.party.iter().filter(|p| p.role == Role::Signatory).map(|p| p.id.clone()).collect();
        let phases: Vec<String> = phase_order(spec).into_iter().map(String::from).collect();
        let values = phases
            .iter()
            .map(|phase| {
                parties
                    .iter()
                    .map(|party| {
                        let mut net = Q::zero();
                        for c in spec.commitment.iter().filter(|c| &c.phase == phase) {
                            let values = c.values.as_ref();
                            net += exact(values.and_then(|v| v.benefit.get(party)).copied().unwrap_or(0.0));
                            if c.by.contains(party) {
                                net -= exact(values.map_or(0.0, |v| v.cost.of(party)));
                            }
                        }
                        net
                    })
                    .collect()
            })
            .collect();
        let discount = exact(discount);
        let order = order_of_moves(spec);
        let moves = order
            .iter()
            .enumerate()
            .map(|(k, phase)| {
                (0..phase.len())
                    .map(|at| (phase[at].party, hold_up(spec, &order, k, at, &discount)))
                    .collect()
            })
            .collect();
        PhaseGame { parties, moves, phases, values, discount }
    }

    /// The subgame-perfect payoffs by backward induction over the game tree (a chain of
    /// decision nodes, each with a "defect" leaf).
    pub fn backward_induction(&self) -> Vec<Q> {
        let n = self.parties.len();
        // Walk the tree from its last decision node back to the root. `continuation`
        // is the payoff vector of the subgame that starts after the current node if the
        // mover performs; a defection yields the payoffs accumulated before this phase,
        // which (relative to the phase's start) are zero, so values are kept relative to
        // the start of the current phase.
        let mut after_phase: Vec<Q> = vec![Q::zero(); n];
        for k in (0..self.phases.len()).rev() {
            // Relative to the start of phase k: all perform -> phase value + discounted rest.
            let all_perform: Vec<Q> =
                (0..n).map(|i| &self.values[k][i] + &self.discount * &after_phase[i]).collect();
            // Movers from last to first: each performs iff the outcome of performing is at
            // least what defecting gives it (relative to the phase's start: what it keeps
            // of the earlier stages' steps, zero in the first stage).
            let mut outcome = all_perform;
            for (mover, keeps) in self.moves[k].iter().rev() {
                if outcome[*mover] < keeps[*mover] {
                    outcome = keeps.clone();
                }
            }
            after_phase = outcome;
        }
        after_phase
    }

    /// What each party has when each phase begins, discounted to the start: `n + 1`
    /// vectors for `n` phases, the last what all performing gives.
    fn prefix(&self) -> Vec<Vec<Q>> {
        let n = self.parties.len();
        let mut prefix: Vec<Vec<Q>> = vec![vec![Q::zero(); n]];
        let mut weight = Q::one();
        for values in &self.values {
            let next = prefix
                .last()
                .expect("starts non-empty")
                .iter()
                .zip(values)
                .map(|(have, v)| have + &weight * v)
                .collect();
            prefix.push(next);
            weight *= &self.discount;
        }
        prefix
    }

    /// The game tree itself, as [`PhaseGame::efg`] writes it and [`crate::efg::read`]
    /// reads it back: decision node `j` is the `j`-th move of the chain (phase after
    /// phase, each phase's moves in order), with children `perform` (the next decision,
    /// or the end of the chain) and `defect` (a leaf); in prefix order the chain comes
    /// first, then its end, then the `defect` leaves from the innermost out, each with
    /// its own outcome: what the earlier phases delivered plus, discounted to the start,
    /// what the defector's hold-up leaves each party. Each player's information sets
    /// are numbered from 1 in the order it moves (one per phase where it moves once).
    pub fn tree(&self) -> Tree {
        let chain: Vec<(usize, usize, &Vec<Q>)> = self
            .moves
            .iter()
            .enumerate()
            .flat_map(|(k, moves)| moves.iter().map(move |(party, keeps)| (k, *party, keeps)))
            .collect();
        let m = chain.len();
        let prefix = self.prefix();
        let mut weights = vec![Q::one()];
        for _ in 1..self.phases.len() {
            let next = weights.last().expect("starts non-empty") * &self.discount;
            weights.push(next);
        }
        let mut nodes = Vec::with_capacity(2 * m + 1);
        let mut infosets = Vec::with_capacity(m);
        let mut sets_of = vec![0; self.parties.len()];
        let mut seen_in_phase: Vec<(usize, usize)> = Vec::new();
        for (j, &(phase, party, _)) in chain.iter().enumerate() {
            sets_of[party] += 1;
            // A party moving again in the same phase (a later stage) gets a name of its
            // own: Gambit refuses two nodes of the same name.
            let again = seen_in_phase.iter().filter(|&&(k, p)| k == phase && p == party).count();
            seen_in_phase.push((phase, party));
            let name = match again {
                0 => format!("{}: {}", self.phases[phase], self.parties[party]),
                n => format!("{}: {} (move {})", self.phases[phase], self.parties[party], n + 1),
            };
            nodes.push(Node {
                name,
                infoset: Some(j),
                outcome: None,
                children: vec![j + 1, 2 * m - j],
                parent: j.checked_sub(1),
            });
            infosets.push(Infoset {
                mover: Mover::Player(party),
                number: sets_of[party],
                name: String::new(),
                actions: vec!["perform".into(), "defect".into()],
                probabilities: vec![],
            });
        }
        let mut outcomes = vec![Outcome {
            number: 1,
            name: "all performed".into(),
            payoffs: prefix[self.phases.len()].clone(),
        }];
        nodes.push(Node {
            name: String::new(),
            infoset: None,
            outcome: Some(0),
            children: vec![],
            parent: m.checked_sub(1),
        });
        for j in (0..m).rev() {
            let (phase, _, keeps) = chain[j];
            outcomes.push(Outcome {
                number: outcomes.len() + 1,
                name: format!("defection in {}", self.phases[phase]),
                payoffs: prefix[phase]
                    .iter()
                    .zip(keeps)
                    .map(|(have, kept)| have + &weights[phase] * kept)
                    .collect(),
            });
            nodes.push(Node {
                name: String::new(),
                infoset: None,
                outcome: Some(outcomes.len() - 1),
                children: vec![],
                parent: Some(j),
            });
        }
        Tree {
            title: "detente phase game".into(),
            comment: "Each phase, the signatories in the agreement's order of moves perform or defect; a defection ends the game."
                .into(),
            players: self.parties.clone(),
            nodes,
            infosets,
            outcomes,
        }
    }

    /// The game in Gambit's `.efg` format (version 2, rational payoffs): the tree of
    /// [`PhaseGame::tree`], written by [`crate::efg::write`].
    pub fn efg(&self) -> String {
        crate::efg::write(&self.tree())
    }

    /// The subgame-perfect payoffs in absolute terms from the root (the same as
    /// [`PhaseGame::backward_induction`], which is relative to the root).
    pub fn root_payoffs(&self) -> Vec<Q> {
        self.backward_induction()
    }
}
