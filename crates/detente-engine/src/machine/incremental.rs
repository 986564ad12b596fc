//! Settling incrementally: what changed since the last settle, so that each pass of
//! `settle` examines only the items whose inputs changed, and reads of aggregates
//! ("every commitment of the phase", "any commitment binding P") cost nothing however
//! many commitments they range over.
//!
//! The invariant (also in ARCHITECTURE.md): an item is marked for a pass whenever
//! something that pass reads of it may have changed since the pass last examined it.
//! * Every write to a commitment's record goes through [`Records`]' `IndexMut`, which
//!   marks it *touched*; `sync` turns each touched commitment into marks for its own
//!   derivation, owing and `while`, refreshes its [`facts`](Machine::facts) and its
//!   memberships in aggregates, and marks what reads a fact that changed (its phase,
//!   the conditions that read it or an aggregate it belongs to).
//! * A phase's, instrument's, facility's or quantity's change marks the conditions that
//!   read it (the index in `compiled/dependencies.rs`); a phase's also its followers
//!   and itself; a power's stage, the power and the phases it suspends.
//! * The day moving marks the conditions that read the date or a quantity's first
//!   estimate, and the commitments waiting out a notice period.
//! * What changes rarely and reaches everything (an amendment taking effect, the
//!   agreement ending) marks everything.
//!
//! Passes examine marked items in index order, as a full scan would, so the statuses,
//! and the order of the timeline, are those of a full scan.

use std::ops::{Deref, Index, IndexMut};

use detente_spec::condition::Predicate;
use detente_spec::model::CommitmentKind;

use super::{Commitment, Machine};
use crate::compiled::Readers;
use crate::state::CommitmentStatus;

/// A set of indices below a fixed bound: a bitset with a summary word per 64 words, so
/// that finding the next marked index costs little however large the set is.
#[derive(Clone, Debug)]
pub(super) struct Marks {
    words: Vec<u64>,
    /// Bit `w` set: `words[w]` is not zero.
    summary: Vec<u64>,
    /// The bound.
    len: usize,
    /// How many are marked.
    count: usize,
}

impl Marks {
    /// An empty set of indices below `len`.
    pub(super) fn new(len: usize) -> Marks {
        let words = len.div_ceil(64);
        Marks { words: vec![0; words], summary: vec![0; words.div_ceil(64)], len, count: 0 }
    }

    pub(super) fn mark(&mut self, i: usize) {
        let (w, bit) = (i / 64, 1u64 << (i % 64));
        if self.words[w] & bit == 0 {
            self.words[w] |= bit;
            self.summary[w / 64] |= 1 << (w % 64);
            self.count += 1;
        }
    }

    pub(super) fn mark_all(&mut self) {
        for i in 0..self.len {
            self.mark(i);
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Removes and returns the smallest marked index at or after `from`.
    pub(super) fn take_from(&mut self, from: usize) -> Option<usize> {
        if self.count == 0 || from >= self.len {
            return None;
        }
        let mut w = from / 64;
        let mut bits = self.words[w] & (!0u64 << (from % 64));
        if bits == 0 {
            // The next word with a mark, from the summary.
            let start = w + 1;
            let mut s = start / 64;
            let mut found = None;
            while s < self.summary.len() {
                let mask = if s == start / 64 { !0u64 << (start % 64) } else { !0 };
                let live = self.summary[s] & mask;
                if live != 0 {
                    found = Some(s * 64 + live.trailing_zeros() as usize);
                    break;
                }
                s += 1;
            }
            w = found?;
            bits = self.words[w];
        }
        let i = w * 64 + bits.trailing_zeros() as usize;
        self.words[w] &= !(1u64 << (i % 64));
        if self.words[w] == 0 {
            self.summary[w / 64] &= !(1u64 << (w % 64));
        }
        self.count -= 1;
        Some(i)
    }
}

/// The machine's commitment records. Reading is free; every write goes through
/// `IndexMut`, which marks the record touched, so that no change can escape `sync`.
#[derive(Clone)]
pub(super) struct Records {
    items: Vec<Commitment>,
    pub(super) touched: Marks,
}

impl Records {
    /// Records, all touched: nothing is known of them yet.
    pub(super) fn new(items: Vec<Commitment>) -> Records {
        let mut touched = Marks::new(items.len());
        touched.mark_all();
        Records { items, touched }
    }
}

impl Deref for Records {
    type Target = [Commitment];
    fn deref(&self) -> &[Commitment] {
        &self.items
    }
}

impl Index<usize> for Records {
    type Output = Commitment;
    fn index(&self, c: usize) -> &Commitment {
        &self.items[c]
    }
}

impl IndexMut<usize> for Records {
    fn index_mut(&mut self, c: usize) -> &mut Commitment {
        self.touched.mark(c);
        &mut self.items[c]
    }
}

/// The items each pass of `settle` must examine (see the module documentation).
#[derive(Clone, Debug)]
pub(super) struct Dirty {
    /// Commitments whose status must be derived again.
    pub(super) stale: Marks,
    /// Commitments that may become owed.
    pub(super) owe: Marks,
    /// Commitments whose `while` must be evaluated again.
    pub(super) lasting: Marks,
    /// Phases that may open.
    pub(super) open: Marks,
    /// Phases that may be held (every commitment stopped) or released.
    pub(super) hold: Marks,
    /// Phases that may complete.
    pub(super) complete: Marks,
    /// Powers whose trigger, resumption and status must be evaluated again.
    pub(super) powers: Marks,
}

impl Dirty {
    pub(super) fn new(commitments: usize, phases: usize, powers: usize) -> Dirty {
        Dirty {
            stale: Marks::new(commitments),
            owe: Marks::new(commitments),
            lasting: Marks::new(commitments),
            open: Marks::new(phases),
            hold: Marks::new(phases),
            complete: Marks::new(phases),
            powers: Marks::new(powers),
        }
    }

    fn mark_all(&mut self) {
        for marks in [
            &mut self.stale,
            &mut self.owe,
            &mut self.lasting,
            &mut self.open,
            &mut self.hold,
            &mut self.complete,
            &mut self.powers,
        ] {
            marks.mark_all();
        }
    }
}

// A commitment's facts, as bits: what phases, the agreement and conditions read of it.
// Phase facts count toward its phase's tally; agreement facts toward the agreement's.

/// Binding and in effect: a member of its phase for holding and completing.
const MEMBER: u32 = 1 << 0;
/// A member of which nothing is performed or awaited (see `hold_phases`).
const MEMBER_STOPPED: u32 = 1 << 1;
/// A member suspended.
const MEMBER_SUSPENDED: u32 = 1 << 2;
/// A member fulfilled, released or discharged (see `complete_phases`).
const MEMBER_DONE: u32 = 1 << 3;
const PHASE_FACTS: u32 = 0b1111;
/// In the bargain whose collapse is read (the core, or every binding commitment), owed.
const OWED: u32 = 1 << 4;
/// That, and stopped (see `stopped`).
const OWED_STOPPED: u32 = 1 << 5;
/// That, and performed or awaited (see `performing_or_awaited`).
const OWED_PERFORMING: u32 = 1 << 6;
/// Binding, pending or overdue (see `stalls_on`).
const WAITING: u32 = 1 << 7;
/// Suspended.
const SUSPENDED: u32 = 1 << 8;
/// Renounced, in whole or by one party.
const RENOUNCED: u32 = 1 << 9;
const AGREEMENT_FACTS: u32 = 0b11_1111_0000;
/// From this bit: which predicates hold of it, as a condition naming it reads them.
const HOLDS_SHIFT: u32 = 16;
const PREDICATES: [Predicate; 8] = [
    Predicate::Performed,
    Predicate::Fulfilled,
    Predicate::Verified,
    Predicate::Alleged,
    Predicate::Violated,
    Predicate::Unremedied,
    Predicate::Suspended,
    Predicate::Terminated,
];

/// Counts of commitments by fact, kept as the facts change.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct Tally([u32; 10]);

impl Tally {
    /// Moves one commitment's contribution from `old` facts to `new` (among `mask`).
    fn apply(&mut self, old: u32, new: u32, mask: u32) {
        let changed = (old ^ new) & mask;
        for bit in 0..10 {
            if changed & (1 << bit) != 0 {
                if new & (1 << bit) != 0 {
                    self.0[bit] += 1;
                } else {
                    self.0[bit] -= 1;
                }
            }
        }
    }

    fn get(&self, fact: u32) -> u32 {
        self.0[fact.trailing_zeros() as usize]
    }
}

/// What the machine keeps of its commitments' facts, for reading aggregates in
/// constant time. Valid for every commitment not touched since the last `sync`.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Tallies {
    /// Each commitment's facts when last synced.
    facts: Vec<u32>,
    /// For each membership (see `Dependencies::memberships`), whether its aggregate's
    /// predicate held of the commitment.
    held: Vec<bool>,
    /// For each aggregate, how many of its members it holds of.
    counts: Vec<u32>,
    /// For each phase, its commitments' phase facts.
    phases: Vec<Tally>,
    /// Every commitment's agreement facts.
    agreement: Tally,
    /// How many instruments are re-imposed.
    pub(super) reimposed: u32,
}

impl Tallies {
    pub(super) fn new(commitments: usize, memberships: usize, aggregates: usize, phases: usize) -> Tallies {
        Tallies {
            facts: vec![0; commitments],
            held: vec![false; memberships],
            counts: vec![0; aggregates],
            phases: vec![Tally::default(); phases],
            agreement: Tally::default(),
            reimposed: 0,
        }
    }
}

impl Machine {
    /// A commitment's facts now (see the constants above): a function of its record
    /// and of which amendments are in effect.
    fn facts(&self, c: usize) -> u32 {
        let spec = &self.ag.commitments[c];
        let record = &self.commitments[c];
        let status = record.status;
        let mut facts = 0;
        let mut set = |fact: u32, holds: bool| {
            if holds {
                facts |= fact;
            }
        };
        if spec.binding && self.in_effect(spec.amendment) {
            set(MEMBER, true);
            // Nothing of it is being performed or awaited (a past deed holds nothing up).
            let stopped = match status {
                CommitmentStatus::Fulfilled => spec.kind == CommitmentKind::Action,
                status => matches!(
                    status,
                    CommitmentStatus::Suspended
                        | CommitmentStatus::Terminated
                        | CommitmentStatus::Discharged
                        | CommitmentStatus::Released
                        | CommitmentStatus::Violated
                ),
            };
            set(MEMBER_STOPPED, stopped);
            set(MEMBER_SUSPENDED, status == CommitmentStatus::Suspended);
            set(MEMBER_DONE, status.is_done_for_its_phase());
        }
        if self.ag.dependencies.bargain[c] && record.owed.is_some() {
            set(OWED, true);
            set(OWED_STOPPED, self.stopped(c));
            set(OWED_PERFORMING, self.performing_or_awaited(c));
        }
        set(WAITING, spec.binding && matches!(status, CommitmentStatus::Pending | CommitmentStatus::Overdue));
        set(SUSPENDED, status == CommitmentStatus::Suspended);
        set(RENOUNCED, record.renounced);
        for (k, &predicate) in PREDICATES.iter().enumerate() {
            set(1 << (HOLDS_SHIFT + k as u32), self.holds(predicate, c, None));
        }
        facts
    }

    /// Brings the tallies up to date with every touched commitment, marking what reads
    /// a fact that changed. Passes call it before reading tallies or conditions.
    pub(super) fn sync(&mut self) {
        while let Some(c) = self.commitments.touched.take_from(0) {
            self.sync_commitment(c);
        }
    }

    fn sync_commitment(&mut self, c: usize) {
        let ag = self.ag.clone();
        let deps = &ag.dependencies;
        // Its own record changed: its status, owing and `while` may change.
        self.dirty.stale.mark(c);
        self.dirty.owe.mark(c);
        if deps.lasting[c] {
            self.dirty.lasting.mark(c);
        }
        let new = self.facts(c);
        let old = std::mem::replace(&mut self.tallies.facts[c], new);
        if old != new {
            let phase = ag.commitments[c].phase;
            self.tallies.phases[phase].apply(old, new, PHASE_FACTS);
            self.tallies.agreement.apply(old, new, AGREEMENT_FACTS);
            if (old ^ new) & PHASE_FACTS != 0 {
                self.dirty.hold.mark(phase);
                self.dirty.complete.mark(phase);
            }
            if (old ^ new) >> HOLDS_SHIFT != 0 {
                self.mark_readers(&deps.commitment_readers[c]);
            }
        }
        for slot in deps.memberships(c) {
            let a = deps.memberships[slot];
            let aggregate = &deps.aggregates[a];
            let holds = self.holds(aggregate.predicate, c, aggregate.party);
            if holds != self.tallies.held[slot] {
                self.tallies.held[slot] = holds;
                if holds {
                    self.tallies.counts[a] += 1;
                } else {
                    self.tallies.counts[a] -= 1;
                }
                self.mark_readers(&deps.aggregate_readers[a]);
            }
        }
    }

    /// Whether the tallies are up to date: no commitment touched since the last sync.
    pub(super) fn synced(&self) -> bool {
        self.commitments.touched.is_empty()
    }

    /// An aggregate's value from its count (the tallies must be synced).
    pub(super) fn aggregate_holds(&self, a: usize) -> bool {
        debug_assert!(self.synced());
        let aggregate = &self.ag.dependencies.aggregates[a];
        let count = self.tallies.counts[a] as usize;
        if aggregate.any {
            count > 0
        } else {
            !aggregate.members.is_empty() && count == aggregate.members.len()
        }
    }

    /// Marks the conditions in `readers` for evaluation.
    pub(super) fn mark_readers(&mut self, readers: &Readers) {
        for &p in &readers.phases {
            self.dirty.open.mark(p);
        }
        for &c in &readers.commitments {
            self.dirty.owe.mark(c);
            if self.ag.dependencies.lasting[c] {
                self.dirty.lasting.mark(c);
            }
        }
        for &p in &readers.powers {
            self.dirty.powers.mark(p);
        }
    }

    /// A phase's status changed: what reads it, the phases that open after it, and its
    /// own opening, holding and completing.
    pub(super) fn phase_changed(&mut self, p: usize) {
        let ag = self.ag.clone();
        self.mark_readers(&ag.dependencies.phase_readers[p]);
        for &next in &ag.dependencies.followers[p] {
            self.dirty.open.mark(next);
        }
        self.dirty.open.mark(p);
        self.dirty.hold.mark(p);
        self.dirty.complete.mark(p);
    }

    /// A power's stage changed: the power, and the phases it suspends (a phase a power
    /// suspends is not held by its commitments).
    pub(super) fn power_changed(&mut self, p: usize) {
        self.dirty.powers.mark(p);
        for &phase in &self.ag.powers[p].suspends_phases {
            self.dirty.hold.mark(phase);
        }
    }

    /// The day moved: what reads the day.
    pub(super) fn day_changed(&mut self) {
        let ag = self.ag.clone();
        self.mark_readers(&ag.dependencies.day_readers);
        for &c in &ag.dependencies.noticed {
            self.dirty.stale.mark(c);
        }
    }

    /// Something that reaches every item changed (an amendment took effect, the
    /// agreement ended): everything is examined again.
    pub(super) fn mark_all(&mut self) {
        self.commitments.touched.mark_all();
        self.dirty.mark_all();
    }

    /// How many commitments have an agreement fact (tallies must be synced).
    fn count(&self, fact: u32) -> u32 {
        debug_assert!(self.commitments.touched.is_empty());
        self.tallies.agreement.get(fact)
    }

    /// How many commitments of a phase have a phase fact (tallies must be synced).
    fn phase_count(&self, p: usize, fact: u32) -> u32 {
        debug_assert!(self.commitments.touched.is_empty());
        self.tallies.phases[p].get(fact)
    }

    /// Whether every binding commitment of the phase in effect is stopped and one is
    /// suspended (see `hold_phases`).
    pub(super) fn phase_all_stopped(&self, p: usize) -> bool {
        let members = self.phase_count(p, MEMBER);
        members > 0
            && self.phase_count(p, MEMBER_STOPPED) == members
            && self.phase_count(p, MEMBER_SUSPENDED) > 0
    }

    /// Whether every binding commitment of the phase in effect is done, and there is
    /// one (see `complete_phases`).
    pub(super) fn phase_done(&self, p: usize) -> bool {
        let members = self.phase_count(p, MEMBER);
        members > 0 && self.phase_count(p, MEMBER_DONE) == members
    }

    /// Whether the agreement has collapsed de facto (see `collapse`).
    pub(super) fn collapsed(&self) -> bool {
        let (owed, stopped) = (self.count(OWED), self.count(OWED_STOPPED));
        if self.ag.core.is_empty() {
            stopped > 0 && self.count(OWED_PERFORMING) == 0
        } else {
            owed > 0 && stopped == owed
        }
    }

    /// Whether a binding commitment is pending or overdue.
    pub(super) fn waiting(&self) -> bool {
        self.count(WAITING) > 0
    }

    /// Whether something is suspended, re-imposed or renounced (the agreement is then
    /// partly suspended), and whether something is renounced.
    pub(super) fn partly(&self) -> (bool, bool) {
        let renounced = self.count(RENOUNCED) > 0;
        (renounced || self.count(SUSPENDED) > 0 || self.tallies.reimposed > 0, renounced)
    }
}

impl Machine {
    /// A machine that checks, after every settle, that settling incrementally left it
    /// as settling every item would, and that its tallies equal a recount; it panics
    /// otherwise. For tests: the check costs a clone and a full settle each time.
    #[doc(hidden)]
    pub fn checking_incremental(mut self) -> Machine {
        self.check_incremental = true;
        self
    }

    pub(super) fn check_against_full_settle(&mut self) {
        self.sync();
        let mut recount = self.clone();
        let deps = &self.ag.dependencies;
        let n = self.commitments.len();
        recount.tallies = Tallies::new(n, deps.memberships.len(), deps.aggregates.len(), self.phases.len());
        recount.tallies.reimposed = self.tallies.reimposed;
        let reimposed =
            self.instruments.iter().filter(|i| i.status == crate::state::InstrumentStatus::ReImposed).count();
        assert_eq!(reimposed as u32, self.tallies.reimposed, "instruments re-imposed on {}", self.day);
        recount.commitments.touched.mark_all();
        recount.sync();
        assert!(recount.tallies == self.tallies, "tallies differ from a recount on {}", self.day);
        let mut full = self.clone();
        full.check_incremental = false;
        full.timeline = None;
        full.mark_all();
        full.settle();
        assert_eq!(self.state(), full.state(), "settling everything again changed the state on {}", self.day);
    }
}

#[cfg(test)]
mod tests {
    use super::Marks;

    #[test]
    fn marks_come_out_in_order_from_where_asked() {
        let mut marks = Marks::new(10_000);
        for i in [9_999, 3, 4_095, 4_096, 64, 63, 0] {
            marks.mark(i);
        }
        marks.mark(3);
        assert_eq!(marks.take_from(4), Some(63));
        let mut rest = Vec::new();
        while let Some(i) = marks.take_from(0) {
            rest.push(i);
        }
        assert_eq!(rest, vec![0, 3, 64, 4_095, 4_096, 9_999]);
        assert!(marks.is_empty());
        marks.mark_all();
        assert_eq!(marks.take_from(9_999), Some(9_999));
        assert_eq!(marks.take_from(9_999), None);
    }
}
