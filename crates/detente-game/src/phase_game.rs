//! The phase game as an extensive-form game: phase after phase, each signatory in turn
//! chooses to perform or to defect (seeing the moves before it: perfect information);
//! a defection ends the game, and every party keeps what the earlier phases delivered;
//! if all perform, each party gains its phase value `B_k - C_k`, discounted by `δ` per
//! phase, and play moves to the next phase. It is written in Gambit's `.efg` format, and
//! solved here by backward induction over the tree itself (independently of
//! [`crate::analysis::self_enforcement`], which works on phase values): the two must
//! give the same subgame-perfect payoffs.
//!
//! Ties (a party indifferent between performing and defecting) are broken towards
//! performing, as the analysis does.

use num_rational::BigRational;
use num_traits::{One, Zero};

use crate::analysis::phase_order;
use crate::extensive::{Infoset, Mover, Node, Outcome, Tree};
use crate::game::{to_text, Q};
use detente_spec::model::{Role, Spec};

/// The phase game of an agreement.
#[derive(Clone, Debug, PartialEq)]
pub struct PhaseGame {
    /// The signatories, in the order they move within a phase.
    pub parties: Vec<String>,
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
        PhaseGame { parties, phases, values, discount: exact(discount) }
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
            // least what defecting gives it (zero, relative to the phase's start).
            let mut outcome = all_perform;
            for mover in (0..n).rev() {
                if outcome[mover] < Q::zero() {
                    outcome = vec![Q::zero(); n];
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
    /// reads it back: decision node `j` (party `j mod n` in phase `j / n`) has
    /// children `perform` (the next decision, or the end of the chain) and `defect`
    /// (a leaf); in prefix order the chain comes first, then its end, then the
    /// `defect` leaves from the innermost out, each with its own outcome.
    pub fn tree(&self) -> Tree {
        let n = self.parties.len();
        let m = self.phases.len() * n;
        let prefix = self.prefix();
        let mut nodes = Vec::with_capacity(2 * m + 1);
        let mut infosets = Vec::with_capacity(m);
        for j in 0..m {
            let (phase, party) = (j / n, j % n);
            nodes.push(Node {
                name: format!("{}: {}", self.phases[phase], self.parties[party]),
                infoset: Some(j),
                outcome: None,
                children: vec![j + 1, 2 * m - j],
                parent: j.checked_sub(1),
            });
            infosets.push(Infoset {
                mover: Mover::Player(party),
                number: phase + 1,
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
            outcomes.push(Outcome {
                number: outcomes.len() + 1,
                name: format!("defection in {}", self.phases[j / n]),
                payoffs: prefix[j / n].clone(),
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
            comment: "Each phase, each signatory in turn performs or defects; a defection ends the game."
                .into(),
            players: self.parties.clone(),
            nodes,
            infosets,
            outcomes,
        }
    }

    /// The game in Gambit's `.efg` format (version 2, rational payoffs).
    pub fn efg(&self) -> String {
        let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
        let players: Vec<String> = self.parties.iter().map(|p| quote(p)).collect();
        let mut out = format!(
            "EFG 2 R {} {{ {} }}\n{}\n\n",
            quote("detente phase game"),
            players.join(" "),
            quote("Each phase, each signatory in turn performs or defects; a defection ends the game.")
        );
        let n = self.parties.len();
        // prefix[k]: what each party has when phase k begins (discounted to the root).
        let prefix = self.prefix();
        let payoffs = |v: &[Q]| v.iter().map(to_text).collect::<Vec<_>>().join(", ");
        // Gambit lists nodes depth first, children in action order: every decision node
        // of the chain (each one's "perform" child is the next), then the end of the
        // chain, then the "defect" leaves from the innermost out.
        let mut infoset = 0;
        for phase in &self.phases {
            infoset += 1;
            for (i, party) in self.parties.iter().enumerate() {
                out.push_str(&format!(
                    "p {} {} {infoset} \"\" {{ \"perform\" \"defect\" }} 0\n",
                    quote(&format!("{phase}: {party}")),
                    i + 1
                ));
            }
        }
        let mut outcome = 1;
        let all = prefix.last().expect("starts non-empty");
        out.push_str(&format!("t \"\" {outcome} \"all performed\" {{ {} }}\n", payoffs(all)));
        for k in (0..self.phases.len()).rev() {
            for _ in 0..n {
                outcome += 1;
                out.push_str(&format!(
                    "t \"\" {outcome} {} {{ {} }}\n",
                    quote(&format!("defection in {}", self.phases[k])),
                    payoffs(&prefix[k])
                ));
            }
        }
        out
    }

    /// The subgame-perfect payoffs in absolute terms from the root (the same as
    /// [`PhaseGame::backward_induction`], which is relative to the root).
    pub fn root_payoffs(&self) -> Vec<Q> {
        self.backward_induction()
    }
}
