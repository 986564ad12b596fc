//! The dependency index: which conditions read which items. The machine keeps dirty
//! sets (see `machine/incremental.rs`) and, when an item changes, marks only the
//! conditions that read it for evaluation, so that settling costs in proportion to what
//! changed rather than to the size of the agreement.
//!
//! A condition's value depends on commitments (directly, or through an aggregate over a
//! phase's or a party's commitments), phases, instruments, facilities, quantities and
//! the day.

use std::collections::HashMap;
use std::ops::Range;

use detente_spec::condition::Predicate;

use super::{CCommitment, CPhase, CPower, Cond, Target};

/// The conditions that read an item, by owner: what must be evaluated again when the
/// item changes.
#[derive(Clone, Debug, Default)]
pub struct Readers {
    /// Phases whose `opens_when` reads it.
    pub phases: Vec<usize>,
    /// Commitments whose `when` or `while` reads it.
    pub commitments: Vec<usize>,
    /// Powers whose `trigger` or `resumes_when` reads it.
    pub powers: Vec<usize>,
}

impl Readers {
    fn add(&mut self, owner: Owner) {
        match owner {
            Owner::Phase(p) => self.phases.push(p),
            Owner::Commitment(c) => self.commitments.push(c),
            Owner::Power(p) => self.powers.push(p),
        }
    }

    fn dedup(&mut self) {
        for list in [&mut self.phases, &mut self.commitments, &mut self.powers] {
            list.sort_unstable();
            list.dedup();
        }
    }
}

/// The item a condition belongs to.
#[derive(Clone, Copy)]
enum Owner {
    Phase(usize),
    Commitment(usize),
    Power(usize),
}

/// A predicate over several commitments: a phase's (`fulfilled(phase)`) or any binding
/// a party (`violated(any of P)`). The machine keeps, for each, how many of its members
/// it holds of, so that evaluating it costs nothing however many members it has.
#[derive(Clone, Debug)]
pub struct Aggregate {
    /// The predicate.
    pub predicate: Predicate,
    /// The party it is read against (`any of P`), if any.
    pub party: Option<usize>,
    /// Its members.
    pub members: Vec<usize>,
    /// `true`: it holds when it holds of any member; `false`: of every member.
    pub any: bool,
}

/// Which conditions read which items (see the module documentation).
#[derive(Clone, Debug, Default)]
pub struct Dependencies {
    /// The aggregates conditions read, each once.
    pub aggregates: Vec<Aggregate>,
    /// Each aggregate's position in `aggregates`, by predicate and target.
    pub aggregate_index: HashMap<(Predicate, Target), usize>,
    /// For commitment `c`, `memberships[membership_start[c]..membership_start[c + 1]]`
    /// are the aggregates it is a member of (see [`Dependencies::memberships`]).
    pub memberships: Vec<usize>,
    /// Where each commitment's memberships start, and one past the last.
    pub membership_start: Vec<usize>,
    /// For each commitment, the conditions that read it by name.
    pub commitment_readers: Vec<Readers>,
    /// For each aggregate, the conditions that read it.
    pub aggregate_readers: Vec<Readers>,
    /// For each phase, the conditions that read its status (`complete(p)`,
    /// `suspended(p)`, `terminated(p)`).
    pub phase_readers: Vec<Readers>,
    /// For each instrument, the conditions that read it.
    pub instrument_readers: Vec<Readers>,
    /// For each facility, the conditions that read it.
    pub facility_readers: Vec<Readers>,
    /// For each quantity, the conditions that read it.
    pub quantity_readers: Vec<Readers>,
    /// The conditions that read the day: a date, or a quantity (unknown until its first
    /// estimate).
    pub day_readers: Readers,
    /// Commitments with a notice period: while one runs, the status reads the day.
    pub noticed: Vec<usize>,
    /// For each phase, the phases that open after it (`after`).
    pub followers: Vec<Vec<usize>>,
    /// For each quantity, the commitments that cap it (`limits`).
    pub capped: Vec<Vec<usize>>,
    /// Commitments with a `while` condition.
    pub lasting: Vec<bool>,
    /// The commitments whose collapse the agreement's collapse reads: the core bargain,
    /// or without one every binding commitment.
    pub bargain: Vec<bool>,
}

/// The counts of the items conditions can read.
pub(super) struct Sizes {
    pub instruments: usize,
    pub facilities: usize,
    pub quantities: usize,
}

impl Dependencies {
    /// The positions in `memberships` of commitment `c`'s aggregates.
    pub fn memberships(&self, c: usize) -> Range<usize> {
        self.membership_start[c]..self.membership_start[c + 1]
    }

    /// Indexes every condition of the agreement.
    pub(super) fn build(
        commitments: &[CCommitment],
        phases: &[CPhase],
        powers: &[CPower],
        binding: &[Vec<usize>],
        core: &[usize],
        sizes: Sizes,
    ) -> Dependencies {
        let mut deps = Dependencies {
            commitment_readers: vec![Readers::default(); commitments.len()],
            phase_readers: vec![Readers::default(); phases.len()],
            instrument_readers: vec![Readers::default(); sizes.instruments],
            facility_readers: vec![Readers::default(); sizes.facilities],
            quantity_readers: vec![Readers::default(); sizes.quantities],
            followers: vec![Vec::new(); phases.len()],
            capped: vec![Vec::new(); sizes.quantities],
            lasting: commitments.iter().map(|c| c.while_.is_some()).collect(),
            noticed: (0..commitments.len()).filter(|&c| commitments[c].notice.is_some()).collect(),
            bargain: (0..commitments.len())
                .map(|c| if core.is_empty() { commitments[c].binding } else { core.contains(&c) })
                .collect(),
            ..Dependencies::default()
        };
        let mut index = Indexer { deps: &mut deps, phases, binding };
        for (p, phase) in phases.iter().enumerate() {
            if let Some(condition) = &phase.opens_when {
                index.walk(condition, Owner::Phase(p));
            }
        }
        for (c, commitment) in commitments.iter().enumerate() {
            for condition in commitment.when.iter().chain(commitment.while_.as_ref().map(|(w, _)| w)) {
                index.walk(condition, Owner::Commitment(c));
            }
        }
        for (p, power) in powers.iter().enumerate() {
            for condition in std::iter::once(&power.trigger).chain(&power.resumes_when) {
                index.walk(condition, Owner::Power(p));
            }
        }
        let lists = [
            &mut deps.commitment_readers,
            &mut deps.aggregate_readers,
            &mut deps.phase_readers,
            &mut deps.instrument_readers,
            &mut deps.facility_readers,
            &mut deps.quantity_readers,
        ];
        lists.into_iter().flatten().for_each(Readers::dedup);
        deps.day_readers.dedup();
        for (p, phase) in phases.iter().enumerate() {
            for &a in &phase.after {
                deps.followers[a].push(p);
            }
        }
        for (c, commitment) in commitments.iter().enumerate() {
            for &(q, _) in &commitment.limits {
                if deps.capped[q].last() != Some(&c) {
                    deps.capped[q].push(c);
                }
            }
        }
        // Each commitment's memberships, laid out flat (the machine keeps one value per
        // membership, cloned with it).
        let mut member_of = vec![Vec::new(); commitments.len()];
        for (a, aggregate) in deps.aggregates.iter().enumerate() {
            for &c in &aggregate.members {
                member_of[c].push(a);
            }
        }
        deps.membership_start.push(0);
        for list in member_of {
            deps.memberships.extend(list);
            deps.membership_start.push(deps.memberships.len());
        }
        deps
    }
}

struct Indexer<'a> {
    deps: &'a mut Dependencies,
    phases: &'a [CPhase],
    binding: &'a [Vec<usize>],
}

impl Indexer<'_> {
    fn walk(&mut self, condition: &Cond, owner: Owner) {
        let deps = &mut *self.deps;
        match condition {
            Cond::Commitments(_, Target::Commitment(c)) => deps.commitment_readers[*c].add(owner),
            // A phase is itself suspended or terminated: its status is read.
            Cond::Commitments(Predicate::Suspended | Predicate::Terminated, Target::Phase(p)) => {
                deps.phase_readers[*p].add(owner)
            }
            Cond::Commitments(predicate, target) => {
                let a = self.aggregate(*predicate, target);
                self.deps.aggregate_readers[a].add(owner);
            }
            Cond::Complete(p) => deps.phase_readers[*p].add(owner),
            Cond::InForce(i) => deps.instrument_readers[*i].add(owner),
            Cond::Status(f, ..) => deps.facility_readers[*f].add(owner),
            Cond::Quantity(q, ..) => {
                deps.quantity_readers[*q].add(owner);
                deps.day_readers.add(owner);
            }
            Cond::And(parts) | Cond::Or(parts) => parts.iter().for_each(|part| self.walk(part, owner)),
            Cond::Not(inner) => self.walk(inner, owner),
            Cond::Date(..) => deps.day_readers.add(owner),
            Cond::True | Cond::False => {}
        }
    }

    /// The aggregate of a predicate over a phase's or a party's commitments, added the
    /// first time a condition reads it.
    fn aggregate(&mut self, predicate: Predicate, target: &Target) -> usize {
        if let Some(&a) = self.deps.aggregate_index.get(&(predicate, target.clone())) {
            return a;
        }
        // As `eval` reads them: `alleged`, `violated` and `unremedied` of a phase hold
        // of any member, the others of every member; of a party's commitments, of any.
        let (mut members, party, any) = match *target {
            Target::Phase(p) => (
                self.phases[p].commitments.clone(),
                None,
                matches!(predicate, Predicate::Alleged | Predicate::Violated | Predicate::Unremedied),
            ),
            Target::AnyOf(party) => (self.binding[party].clone(), Some(party), true),
            Target::Commitment(c) => (vec![c], None, true),
        };
        members.sort_unstable();
        members.dedup();
        let a = self.deps.aggregates.len();
        self.deps.aggregates.push(Aggregate { predicate, party, members, any });
        self.deps.aggregate_readers.push(Readers::default());
        self.deps.aggregate_index.insert((predicate, target.clone()), a);
        a
    }
}
