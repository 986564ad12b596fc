//! What a future reads from the engine's record: each commitment's status and the lists
//! the steps walk (measures in force, what can be inspected, who owes what).
//!
//! Statuses are the simulator's most frequent read; the [`Record`](super::record::Record)
//! keeps a [`Reading`] in a [`Cached`](super::cache::Cached), read again only when the
//! engine's version moves. The two readings of a status that are the parties' behaviour,
//! not the record's rules, are written here once: what a party still sets out to
//! perform ([`still_to_do`]; the engine records a performance whenever it comes) and
//! what it really holds itself to ([`holds_itself_to`], which the truth follows).

use detente_engine::state::{CommitmentStatus, PowerStatus};
use detente_engine::{Agreement, Machine};

use crate::plan::Plan;

/// Whether a party bound by a commitment with this status, which has not performed its
/// part, still has it to do: it is owed (pending or overdue), or its deadline was missed
/// before it ever took effect and performing late still counts (docs/semantics.md,
/// "performed late"). A measure found in breach after it took effect is not redone: it
/// is kept or broken ([`Reading::measures_in_force`]).
pub(super) fn still_to_do(status: CommitmentStatus, took_effect: bool) -> bool {
    match status {
        CommitmentStatus::Pending | CommitmentStatus::Overdue => true,
        CommitmentStatus::Violated => !took_effect,
        _ => false,
    }
}

/// Whether the parties really hold themselves to commitment `c`, whose recorded status
/// is `status`: in effect, or in effect until a breach was put on record (a party found
/// in breach of a freeze is still bound by it, and may keep it or break it again).
pub(super) fn holds_itself_to(status: CommitmentStatus, machine: &Machine, c: usize) -> bool {
    status.is_in_effect() || status == CommitmentStatus::Violated && machine.took_effect(c)
}

/// The record as last read.
pub(super) struct Reading {
    /// Each commitment's status.
    pub statuses: Vec<CommitmentStatus>,
    /// Continuing measures the parties really hold themselves to: in effect, or in
    /// effect until a breach was put on record (a party found in breach of a freeze is
    /// still bound by it, and may keep it or break it again).
    pub measures_in_force: Vec<usize>,
    /// Commitments an inspection can look at, that someone verifies: measures in force,
    /// and performed actions awaiting verification.
    pub verifiable: Vec<usize>,
    /// Whether each party has something still to do (see [`still_to_do`]).
    pub owes: Vec<bool>,
    /// Whether any power is available or invoked.
    pub powers_active: bool,
    /// Whether any power is invoked.
    pub powers_invoked: bool,
    /// Whether any power has taken effect.
    pub powers_exercised: bool,
    /// Whether a breach of some commitment stands.
    pub breaches: bool,
}

impl Reading {
    /// An empty reading for an agreement with these many commitments and parties.
    pub fn new(commitments: usize, parties: usize) -> Reading {
        Reading {
            statuses: vec![CommitmentStatus::Inactive; commitments],
            measures_in_force: Vec::new(),
            verifiable: Vec::new(),
            owes: vec![false; parties],
            powers_active: false,
            powers_invoked: false,
            powers_exercised: false,
            breaches: false,
        }
    }

    /// Reads the record as `machine` holds it now.
    pub fn read(&mut self, machine: &Machine, ag: &Agreement, plan: &Plan) {
        self.owes.iter_mut().for_each(|o| *o = false);
        let power = |w: usize| machine.power_status(w);
        self.powers_active =
            (0..ag.powers.len()).any(|w| matches!(power(w), PowerStatus::Available | PowerStatus::Invoked));
        self.powers_invoked = (0..ag.powers.len()).any(|w| power(w) == PowerStatus::Invoked);
        self.powers_exercised = (0..ag.powers.len()).any(|w| power(w) == PowerStatus::Exercised);
        self.measures_in_force.clear();
        self.breaches = false;
        self.verifiable.clear();
        for (c, commitment) in ag.commitments.iter().enumerate() {
            let status = machine.commitment_status(c);
            self.statuses[c] = status;
            self.breaches |= machine.breach_since(c).is_some();
            if still_to_do(status, machine.took_effect(c)) {
                for &party in &commitment.by {
                    self.owes[party] |= !machine.has_performed(c, party);
                }
            }
            let continuing = plan.commitments[c].continuing;
            let in_force = continuing && holds_itself_to(status, machine, c);
            if in_force {
                self.measures_in_force.push(c);
            }
            let inspectable = if continuing { in_force } else { status == CommitmentStatus::Performed };
            if inspectable && commitment.verifier.is_some() {
                self.verifiable.push(c);
            }
        }
    }
}
