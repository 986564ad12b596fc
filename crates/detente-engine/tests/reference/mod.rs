//! A reference interpreter of `docs/semantics.md`, for differential testing.
//!
//! Written straight from the document, for obviousness rather than speed: it visits
//! every day from adoption, recomputes every status from scratch after every timer and
//! every event, keeps plain flags, and produces statuses only (no reasons). It shares
//! nothing with the engine's machine except the compiled agreement and the loaded log.
#![allow(dead_code)]
// Each event case keeps its guard inside, as docs/semantics.md words it, so the
// reference can be read side by side with the document.
#![allow(clippy::collapsible_match)]

use std::collections::HashMap;

use detente_engine::compiled::{Agreement, Cond, Target};
use detente_engine::log::{Event, Subject};
use detente_engine::state::{
    AgreementStatus, BreachKind, CommitmentStatus, InstrumentStatus, PhaseStatus, PowerStatus,
};
use detente_spec::condition::Predicate;
use detente_spec::model::{
    Category, CommitmentKind, EventKind, FacilityStatus, PowerKind, Role, Timeout, WhileEnds,
};
use detente_spec::time::{Date, Duration};

/// What suspended a commitment.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Src {
    Power(usize),
    While,
    Party(usize),
}

#[derive(Clone, Default)]
struct C {
    owed: Option<Date>,
    performed: Vec<Option<Date>>,
    /// Parts left unperformed by a party that withdrew or renounced.
    left: Vec<bool>,
    /// A party renounced its part.
    renounced: bool,
    verified: bool,
    due: Option<Date>,
    /// Days left of a deadline a provided suspension stopped.
    tolled: Option<i32>,
    extended: bool,
    /// A standing claim: the parties accused.
    allegation: Option<Vec<usize>>,
    disputed: bool,
    /// A verified violation or exceeded cap: the parties at fault.
    violation: Option<Vec<usize>>,
    /// A missed deadline: the parties that had not performed.
    missed: Option<Vec<usize>>,
    suspended: Vec<Src>,
    discharged: bool,
    released: bool,
    terminated: bool,
    in_effect_since: Option<Date>,
    status: Option<CommitmentStatus>,
}

#[derive(Clone, PartialEq)]
enum P {
    Idle,
    Invoked(Date, usize),
    Exercised,
    Cancelled,
}

/// Every status of a state, for comparison with the engine.
#[derive(Debug, PartialEq)]
pub struct Statuses {
    pub agreement: AgreementStatus,
    pub phases: Vec<PhaseStatus>,
    pub commitments: Vec<CommitmentStatus>,
    pub alleged: Vec<bool>,
    pub disputed: Vec<bool>,
    /// Per commitment: the parties a standing claim accuses, those at fault for a
    /// missed deadline, and those at fault for a verified violation.
    pub blame: Vec<[Option<Vec<String>>; 3]>,
    pub powers: Vec<PowerStatus>,
    pub instruments: Vec<InstrumentStatus>,
    pub quantities: Vec<f64>,
    pub facilities: Vec<FacilityStatus>,
}

impl Statuses {
    /// The engine's statuses in the same shape, for comparison.
    pub fn of(s: &detente_engine::State) -> Statuses {
        Statuses {
            agreement: s.agreement,
            phases: s.phases.iter().map(|p| p.status).collect(),
            commitments: s.commitments.iter().map(|c| c.status).collect(),
            alleged: s.commitments.iter().map(|c| c.alleged).collect(),
            disputed: s.commitments.iter().map(|c| c.disputed.is_some()).collect(),
            blame: s
                .commitments
                .iter()
                .map(|c| {
                    let breach = |missed: bool| {
                        c.breaches
                            .iter()
                            .find(|b| (b.kind == BreachKind::MissedDeadline) == missed)
                            .map(|b| b.parties.clone())
                    };
                    [c.allegation.as_ref().map(|a| a.against.clone()), breach(true), breach(false)]
                })
                .collect(),
            powers: s.powers.iter().map(|p| p.status).collect(),
            instruments: s.instruments.iter().map(|i| i.status).collect(),
            quantities: s.quantities.iter().map(|q| q.value).collect(),
            facilities: s.facilities.iter().map(|f| f.status).collect(),
        }
    }
}

/// An instrument's status, its relieving commitment, and for a re-imposition the
/// snap-back and the commitment that had relieved it.
type InstrumentRecord = (InstrumentStatus, Option<usize>, Option<(usize, Option<usize>)>);

pub struct Reference<'a> {
    ag: &'a Agreement,
    day: Date,
    c: Vec<C>,
    opened: Vec<Option<Date>>,
    complete: Vec<bool>,
    phase_suspended: Vec<Option<usize>>,
    phase_terminated: Vec<bool>,
    power: Vec<P>,
    trigger: Vec<bool>,
    /// Status, relieving commitment, and (for a re-imposition) the snap-back and the
    /// commitment that had relieved it.
    instrument: Vec<InstrumentRecord>,
    quantity: Vec<f64>,
    measured: Vec<bool>,
    facility: Vec<FacilityStatus>,
    replaced: HashMap<(usize, usize), FacilityStatus>,
    /// Phases every commitment of which is suspended or terminated (one suspended),
    /// no power suspending them: they read suspended.
    held: Vec<bool>,
    withdrawn: Vec<bool>,
    amendment: Vec<bool>,
    /// Parties that suspended their whole participation.
    participation: Vec<bool>,
    ends: Option<Date>,
    over: Option<AgreementStatus>,
    last_movement: Date,
}

/// The statuses at the end of each of `days` (in increasing order), in one pass.
pub fn statuses_at(ag: &Agreement, events: &[Event], days: &[Date]) -> Vec<Statuses> {
    let adopted = ag.spec.agreement.adopted;
    let mut r = Reference {
        ag,
        day: adopted,
        c: ag
            .commitments
            .iter()
            .map(|c| C { performed: vec![None; c.by.len()], left: vec![false; c.by.len()], ..C::default() })
            .collect(),
        opened: vec![None; ag.phases.len()],
        complete: vec![false; ag.phases.len()],
        phase_suspended: vec![None; ag.phases.len()],
        phase_terminated: vec![false; ag.phases.len()],
        power: vec![P::Idle; ag.powers.len()],
        trigger: vec![false; ag.powers.len()],
        instrument: vec![(InstrumentStatus::InForce, None, None); ag.spec.instrument.len()],
        quantity: ag.spec.quantity.iter().map(|q| q.initial).collect(),
        measured: vec![false; ag.spec.quantity.len()],
        facility: ag.spec.facility.iter().map(|f| f.status).collect(),
        replaced: HashMap::new(),
        held: vec![false; ag.phases.len()],
        withdrawn: vec![false; ag.spec.party.len()],
        amendment: vec![false; ag.amendments.len()],
        participation: vec![false; ag.spec.party.len()],
        ends: ag.spec.agreement.ends,
        over: None,
        last_movement: adopted,
    };
    let mut out = Vec::new();
    let last = *days.last().expect("at least one day");
    let mut day = adopted;
    loop {
        r.day = day;
        if day > adopted {
            r.timers();
        }
        r.settle();
        for event in events.iter().filter(|e| e.date == day) {
            r.apply(event);
            r.settle();
        }
        for _ in days.iter().filter(|d| **d == day) {
            out.push(r.statuses());
        }
        if day >= last {
            break;
        }
        day = next_day(day);
    }
    out
}

fn performing(s: Option<CommitmentStatus>) -> bool {
    matches!(s, Some(CommitmentStatus::Performed | CommitmentStatus::Fulfilled))
}

fn ended(s: Option<CommitmentStatus>) -> bool {
    matches!(
        s,
        Some(CommitmentStatus::Released | CommitmentStatus::Discharged | CommitmentStatus::Terminated)
    )
}

fn next_day(d: Date) -> Date {
    Duration::days(1).after(d).unwrap()
}

impl Reference<'_> {
    fn all_performed(&self, c: usize) -> bool {
        let spec = &self.ag.commitments[c];
        (spec.kind == CommitmentKind::Continuing && spec.due.is_none())
            || (!self.owing(c) && self.c[c].performed.iter().any(Option::is_some))
    }

    /// Whether some party still owes its part: not performed, not left.
    fn owing(&self, c: usize) -> bool {
        (0..self.c[c].performed.len()).any(|s| self.c[c].performed[s].is_none() && !self.c[c].left[s])
    }

    /// A party leaves its part (withdrawal, renunciation). The commitment ends when it
    /// bound only that party, is a joint (mutual) act, or every part has been left.
    fn leave(&mut self, c: usize, party: usize) -> bool {
        let by = &self.ag.commitments[c].by;
        let slot = by.iter().position(|&p| p == party).or_else(|| {
            let (q, _) = self.ag.succeeds[party]?;
            by.iter().position(|&p| p == q)
        });
        let Some(slot) = slot else { return false };
        let continuing = self.ag.commitments[c].kind == CommitmentKind::Continuing;
        // An action's part once performed is done; a restraint can always be left.
        if self.c[c].performed[slot].is_some() && !continuing {
            return false;
        }
        self.c[c].left[slot] = true;
        let joint_act = self.ag.spec.commitment[c].category == Category::Mutual && !continuing;
        if by.len() == 1 || joint_act || self.c[c].left.iter().all(|&l| l) {
            self.c[c].terminated = true;
        }
        true
    }

    /// The day a commitment performed in time takes effect, after its notice period.
    fn notice_ends(&self, c: usize) -> Option<Date> {
        let notice = self.ag.commitments[c].notice?;
        if self.owing(c) {
            return None;
        }
        notice.after(self.c[c].performed.iter().flatten().max().copied()?)
    }

    fn status(&self, c: usize) -> CommitmentStatus {
        let x = &self.c[c];
        let spec = &self.ag.commitments[c];
        if x.terminated {
            return CommitmentStatus::Terminated;
        }
        if x.discharged {
            return CommitmentStatus::Discharged;
        }
        if !x.suspended.is_empty() {
            return CommitmentStatus::Suspended;
        }
        let all = self.all_performed(c);
        // Late performance cures the status of a missed deadline, never the breach.
        if x.violation.is_some() || (x.missed.is_some() && !all) {
            return CommitmentStatus::Violated;
        }
        if x.released {
            return CommitmentStatus::Released;
        }
        if x.owed.is_none() {
            return CommitmentStatus::Inactive;
        }
        let waiting = self.notice_ends(c).is_some_and(|d| d > self.day);
        if all && !waiting {
            if spec.verifier.is_some() && !x.verified {
                return CommitmentStatus::Performed;
            }
            return CommitmentStatus::Fulfilled;
        }
        if x.extended {
            CommitmentStatus::Overdue
        } else {
            CommitmentStatus::Pending
        }
    }

    /// Who answers now for a bound party's part: its successor once it took its place.
    fn answering(&self, party: usize) -> usize {
        self.ag
            .succeeds
            .iter()
            .position(|s| s.is_some_and(|(q, on)| q == party && on <= self.day))
            .unwrap_or(party)
    }

    /// A deadline runs while the commitment is owed, not yet performed by every party,
    /// not ended, not found in breach, and not stopped by a provided suspension.
    fn deadline_runs(&self, c: usize) -> bool {
        let x = &self.c[c];
        x.due.is_some()
            && x.owed.is_some()
            && self.owing(c)
            && x.missed.is_none()
            && x.violation.is_none()
            && !x.terminated
            && !x.discharged
            && !x.released
    }

    // 1. Timers, in the documented order.
    fn timers(&mut self) {
        let day = self.day;
        // The end date is the last day in force.
        if self.ends.map(next_day) == Some(day) && self.over.is_none() {
            self.end(true);
        }
        for a in 0..self.amendment.len() {
            if !self.amendment[a] && self.ag.amendments[a].effective == Some(day) {
                self.amend(a);
            }
        }
        let live = self.over.is_none();
        for p in (0..self.power.len()).filter(|_| live) {
            if let P::Invoked(effect, by) = self.power[p] {
                if effect == day {
                    self.exercise(p, by);
                }
            }
        }
        for c in 0..self.c.len() {
            if self.deadline_runs(c) && self.c[c].due.map(next_day) == Some(day) {
                let spec = &self.ag.commitments[c];
                let outcome = if self.c[c].extended { Some(Timeout::Violated) } else { spec.on_timeout };
                match outcome {
                    _ if !spec.binding => self.c[c].discharged = true,
                    Some(Timeout::Discharged) => self.c[c].discharged = true,
                    Some(Timeout::Extended(by)) => {
                        self.c[c].extended = true;
                        self.c[c].due = Some(by.after(self.c[c].due.unwrap()).unwrap_or(Date::MAX));
                    }
                    _ => {
                        let by = spec.by.clone();
                        let late: Vec<usize> = (0..by.len())
                            .filter(|&s| self.c[c].performed[s].is_none() && !self.c[c].left[s])
                            .map(|s| self.answering(by[s]))
                            .collect();
                        self.c[c].missed = Some(late);
                    }
                }
            }
            let lasts = self.ag.commitments[c].lasts;
            if let (Some(l), Some(s)) = (lasts, self.c[c].in_effect_since) {
                if l.after(s) == Some(day) && performing(self.c[c].status) {
                    self.c[c].released = true;
                }
            }
        }
    }

    // 2. Settle until nothing changes.
    fn settle(&mut self) {
        for _ in 0..10_000 {
            let before = self.snapshot();
            for p in 0..self.opened.len() {
                let phase = &self.ag.phases[p];
                let exists = phase.amendment.is_none_or(|a| self.amendment[a]);
                let ready = phase.after.iter().all(|&a| {
                    self.complete[a]
                        && self.phase_suspended[a].is_none()
                        && !self.phase_terminated[a]
                        && !self.held[a]
                });
                let condition = phase.opens_when.as_ref().is_none_or(|w| self.eval(w));
                let free = self.phase_suspended[p].is_none() && !self.phase_terminated[p];
                if self.opened[p].is_none() && exists && free && ready && condition {
                    self.opened[p] = Some(self.day);
                }
            }
            for c in 0..self.c.len() {
                let spec = &self.ag.commitments[c];
                let x = &self.c[c];
                let blocked = !x.suspended.is_empty()
                    || x.terminated
                    || x.discharged
                    || !spec.amendment.is_none_or(|a| self.amendment[a]);
                let when = spec.when.as_ref().is_none_or(|w| self.eval(w));
                if x.owed.is_none() && self.opened[spec.phase].is_some() && !blocked && when {
                    self.c[c].owed = Some(self.day);
                    self.c[c].due = spec.due.map(|d| d.from(self.day).unwrap_or(Date::MAX));
                }
            }
            // Nothing happens under an agreement that has ended.
            let live = self.over.is_none();
            for c in (0..self.c.len()).filter(|_| live) {
                let Some((condition, otherwise)) = self.ag.commitments[c].while_.clone() else { continue };
                if self.c[c].owed.is_none() || ended(self.c[c].status) {
                    continue;
                }
                let holds = self.eval(&condition);
                let by_while = self.c[c].suspended.contains(&Src::While);
                match (holds, otherwise) {
                    (false, WhileEnds::Suspended) if !by_while => self.suspend(c, Src::While),
                    (false, WhileEnds::Released) => self.c[c].released = true,
                    (true, _) if by_while => self.resume(c, Src::While),
                    _ => {}
                }
            }
            for c in 0..self.c.len() {
                let new = self.status(c);
                let old = self.c[c].status;
                if old != Some(new) {
                    self.c[c].status = Some(new);
                    self.last_movement = self.day;
                    self.on_change(c, old, new);
                }
            }
            if self.over.is_none() {
                for p in 0..self.held.len() {
                    let exists =
                        |c: usize| self.ag.commitments[c].amendment.is_none_or(|a| self.amendment[a]);
                    let members: Vec<usize> = self.ag.phases[p]
                        .commitments
                        .iter()
                        .copied()
                        .filter(|&c| self.ag.commitments[c].binding && exists(c))
                        .collect();
                    let status = |c: usize| self.c[c].status.unwrap_or(CommitmentStatus::Inactive);
                    let stopped = !members.is_empty()
                        && members.iter().all(|&c| match status(c) {
                            CommitmentStatus::Fulfilled => {
                                self.ag.commitments[c].kind == CommitmentKind::Action
                            }
                            s => matches!(
                                s,
                                CommitmentStatus::Suspended
                                    | CommitmentStatus::Terminated
                                    | CommitmentStatus::Discharged
                                    | CommitmentStatus::Released
                                    | CommitmentStatus::Violated
                            ),
                        })
                        && members.iter().any(|&c| status(c) == CommitmentStatus::Suspended);
                    let eligible = self.opened[p].is_some()
                        && !self.phase_terminated[p]
                        && self.phase_suspended[p].is_none();
                    self.held[p] = eligible && stopped;
                }
            }
            for p in 0..self.complete.len() {
                let members = &self.ag.phases[p].commitments;
                let exists = |c: usize| self.ag.commitments[c].amendment.is_none_or(|a| self.amendment[a]);
                let binding: Vec<usize> = members
                    .iter()
                    .copied()
                    .filter(|&c| self.ag.commitments[c].binding && exists(c))
                    .collect();
                let done = !binding.is_empty()
                    && binding.iter().all(|&c| {
                        matches!(
                            self.c[c].status,
                            Some(
                                CommitmentStatus::Fulfilled
                                    | CommitmentStatus::Released
                                    | CommitmentStatus::Discharged
                            )
                        )
                    });
                let free = self.phase_suspended[p].is_none()
                    && !self.phase_terminated[p]
                    && !self.held[p]
                    && self.over.is_none();
                if self.opened[p].is_some() && !self.complete[p] && free && done {
                    self.complete[p] = true;
                }
            }
            for p in 0..self.power.len() {
                let power = &self.ag.powers[p];
                let exists = power.amendment.is_none_or(|a| self.amendment[a]) && self.over.is_none();
                let holder = power.automatic || power.holders.iter().any(|&h| !self.withdrawn[h]);
                self.trigger[p] = exists && self.eval(&power.trigger) && holder;
                let resumes =
                    self.over.is_none() && power.resumes_when.as_ref().is_some_and(|r| self.eval(r));
                if resumes && self.power[p] == P::Exercised {
                    self.end_suspension(p);
                }
                if self.trigger[p] && self.over.is_none() && power.automatic && self.power[p] == P::Idle {
                    let by = power.holders.first().copied().unwrap_or(0);
                    self.invoke(p, by);
                }
            }
            if self.snapshot() == before {
                return;
            }
        }
    }

    fn snapshot(&self) -> String {
        format!(
            "{:?}{:?}{:?}{:?}{:?}{:?}{:?}",
            self.opened,
            self.complete,
            self.c.iter().map(|c| (c.owed, c.status, &c.suspended, c.released)).collect::<Vec<_>>(),
            self.trigger,
            self.instrument,
            self.facility,
            self.phase_suspended,
        )
    }

    fn on_change(&mut self, c: usize, old: Option<CommitmentStatus>, new: CommitmentStatus) {
        let spec = self.ag.commitments[c].clone();
        if performing(Some(new)) && !performing(old) {
            self.c[c].in_effect_since.get_or_insert(self.day);
            for &(f, status) in &spec.sets {
                if self.facility[f] != FacilityStatus::Dismantled && self.facility[f] != status {
                    self.replaced.entry((c, f)).or_insert(self.facility[f]);
                    self.facility[f] = status;
                }
            }
        }
        let stops = performing(old) && !performing(Some(new)) && new != CommitmentStatus::Released;
        if stops && spec.kind == CommitmentKind::Continuing {
            for &(f, set) in &spec.sets {
                if let Some(previous) = self.replaced.remove(&(c, f)) {
                    if set == FacilityStatus::Frozen && self.facility[f] == FacilityStatus::Frozen {
                        self.facility[f] = previous;
                    }
                }
            }
        }
        let relieving = |s: Option<CommitmentStatus>| {
            matches!(s, Some(CommitmentStatus::Fulfilled | CommitmentStatus::Released))
        };
        // Relief begins only with fulfilment: a commitment released before it was ever
        // fulfilled (its `while` failed first) relieves nothing.
        if new == CommitmentStatus::Fulfilled && !relieving(old) {
            for &i in &spec.relieves {
                if matches!(self.instrument[i].0, InstrumentStatus::InForce | InstrumentStatus::ReImposed) {
                    self.instrument[i] = (InstrumentStatus::Relieved, Some(c), None);
                }
            }
        }
        if relieving(old) && !relieving(Some(new)) {
            for i in 0..self.instrument.len() {
                if self.instrument[i].0 == InstrumentStatus::Relieved && self.instrument[i].1 == Some(c) {
                    self.instrument[i] = (InstrumentStatus::InForce, None, None);
                }
            }
        }
    }

    fn holds(&self, pred: Predicate, c: usize, party: Option<usize>) -> bool {
        let x = &self.c[c];
        let s = x.status.unwrap_or(CommitmentStatus::Inactive);
        // `any of P` counts what is blamed on P, or on the party P succeeded.
        let predecessor = party.and_then(|p| self.ag.succeeds[p]).map(|(q, _)| q);
        let blames = |list: &Option<Vec<usize>>| {
            list.as_ref().is_some_and(|l| {
                party.is_none_or(|p| l.contains(&p) || predecessor.is_some_and(|q| l.contains(&q)))
            })
        };
        let violated = blames(&x.missed) || blames(&x.violation);
        match pred {
            Predicate::Performed => {
                matches!(
                    s,
                    CommitmentStatus::Performed | CommitmentStatus::Fulfilled | CommitmentStatus::Released
                )
            }
            Predicate::Fulfilled => matches!(s, CommitmentStatus::Fulfilled | CommitmentStatus::Released),
            Predicate::Verified => x.verified && s != CommitmentStatus::Inactive,
            Predicate::Alleged => violated || blames(&x.allegation),
            Predicate::Violated => violated,
            Predicate::Unremedied => {
                // Blamed for a missed deadline and still not performed, or a verified
                // violation standing.
                let by = &self.ag.commitments[c].by;
                let unperformed =
                    |q: usize| by.iter().position(|&p| p == q).is_some_and(|i| x.performed[i].is_none());
                let missed = x.missed.as_ref().is_some_and(|l| {
                    l.iter()
                        .any(|&q| unperformed(q) && party.is_none_or(|p| q == p || predecessor == Some(q)))
                });
                missed || blames(&x.violation)
            }
            Predicate::Suspended => s == CommitmentStatus::Suspended,
            Predicate::Terminated => s == CommitmentStatus::Terminated,
        }
    }

    fn eval(&self, cond: &Cond) -> bool {
        match cond {
            Cond::True => true,
            Cond::False => false,
            Cond::Commitments(pred, target) => {
                let any = matches!(pred, Predicate::Alleged | Predicate::Violated | Predicate::Unremedied);
                match target {
                    Target::AnyOf(party) => {
                        self.ag.binding[*party].iter().any(|&c| self.holds(*pred, c, Some(*party)))
                    }
                    Target::Commitment(c) => self.holds(*pred, *c, None),
                    Target::Phase(p) if *pred == Predicate::Suspended => {
                        self.phase_suspended[*p].is_some() || self.held[*p]
                    }
                    Target::Phase(p) if *pred == Predicate::Terminated => self.phase_terminated[*p],
                    Target::Phase(p) => {
                        let members = &self.ag.phases[*p].commitments;
                        if any {
                            members.iter().any(|&c| self.holds(*pred, c, None))
                        } else {
                            !members.is_empty() && members.iter().all(|&c| self.holds(*pred, c, None))
                        }
                    }
                }
            }
            Cond::Complete(p) => {
                self.complete[*p]
                    && self.phase_suspended[*p].is_none()
                    && !self.phase_terminated[*p]
                    && !self.held[*p]
            }
            Cond::InForce(i) => {
                matches!(self.instrument[*i].0, InstrumentStatus::InForce | InstrumentStatus::ReImposed)
            }
            Cond::Status(f, equal, status) => (self.facility[*f] == *status) == *equal,
            Cond::Quantity(q, cmp, v) => {
                // Unknown until its first estimate, unless measured.
                let known = self.measured[*q] || self.ag.spec.quantity[*q].as_of <= self.day;
                known && cmp.holds(self.quantity[*q], *v)
            }
            Cond::Date(cmp, d) => cmp.holds(self.day, *d),
            Cond::And(parts) => parts.iter().all(|p| self.eval(p)),
            Cond::Or(parts) => parts.iter().any(|p| self.eval(p)),
            Cond::Not(inner) => !self.eval(inner),
        }
    }

    /// Whether `party` answers for a part of commitment `c`, directly or as successor.
    fn bound(&self, c: usize, party: usize) -> bool {
        let by = &self.ag.commitments[c].by;
        by.contains(&party)
            || self.ag.succeeds[party].is_some_and(|(q, on)| by.contains(&q) && on <= self.day)
    }

    fn done_deed(&self, c: usize) -> bool {
        let spec = &self.ag.commitments[c];
        let x = &self.c[c];
        spec.kind == CommitmentKind::Action
            && x.owed.is_some()
            && x.performed.iter().any(Option::is_some)
            && !self.owing(c)
            && (spec.verifier.is_none() || x.verified)
            && self.notice_ends(c).is_none_or(|effect| effect <= self.day)
    }

    // 3. Events.
    fn apply(&mut self, e: &Event) {
        // Imposing and lifting act outside the agreement, even after it has ended.
        let outside = matches!(e.kind, EventKind::Imposed | EventKind::Lifted);
        if (self.over.is_some() || self.withdrawn[e.actor]) && !outside {
            return;
        }
        // A successor acts from its succession on; its predecessor no longer does.
        if self.ag.succeeds[e.actor].is_some_and(|(_, on)| e.date < on) {
            return;
        }
        if self.ag.succeeds.iter().any(|s| s.is_some_and(|(q, on)| q == e.actor && on <= e.date)) {
            return;
        }
        let amendment = match e.subject {
            Subject::Commitment(c) => self.ag.commitments[c].amendment,
            Subject::Phase(p) => self.ag.phases[p].amendment,
            Subject::Power(p) => self.ag.powers[p].amendment,
            _ => None,
        };
        // Performing or verifying a later layer's commitment before it takes effect
        // counts once it does; nothing else acts on it before.
        let early = matches!(e.kind, EventKind::Performed | EventKind::Verified);
        if amendment.is_some_and(|a| !self.amendment[a]) && !early {
            return;
        }
        let excluded =
            |c: usize| e.matter.as_ref().is_some_and(|m| self.ag.commitments[c].excludes.contains(m));
        // Whom a claim accuses: the named party, else every bound party but the claimant
        // (all of them when the claimant is the only one); successors answer.
        let accused = |me: &Self, c: usize| -> Vec<usize> {
            if let Some(p) = e.against {
                return vec![me.answering(p)];
            }
            let by: Vec<usize> = me.ag.commitments[c].by.iter().map(|&p| me.answering(p)).collect();
            let others: Vec<usize> = by.iter().copied().filter(|&p| p != e.actor).collect();
            if others.is_empty() {
                by
            } else {
                others
            }
        };
        match (e.kind, e.subject) {
            (EventKind::Performed, Subject::Commitment(c)) => {
                if !ended(self.c[c].status) {
                    let by = &self.ag.commitments[c].by;
                    let slot = by.iter().position(|&p| p == e.actor).or_else(|| {
                        let (q, _) = self.ag.succeeds[e.actor]?;
                        by.iter().position(|&p| p == q)
                    });
                    let slot = slot.unwrap();
                    if !self.c[c].left[slot] {
                        self.c[c].performed[slot].get_or_insert(e.date);
                    }
                }
            }
            (EventKind::Verified, Subject::Commitment(c)) => self.c[c].verified = true,
            (EventKind::Violation, Subject::Commitment(c)) if !excluded(c) => {
                let x = &self.c[c];
                let open = x.owed.is_some() && !ended(x.status);
                let established = x.violation.is_some() || x.status == Some(CommitmentStatus::Violated);
                if open && !established {
                    let mut list = self.c[c].allegation.take().unwrap_or_default();
                    for p in accused(self, c) {
                        if !list.contains(&p) {
                            list.push(p);
                        }
                    }
                    self.c[c].allegation = Some(list);
                }
            }
            (EventKind::ViolationVerified, Subject::Commitment(c)) if !excluded(c) => {
                let x = &self.c[c];
                if x.owed.is_some() && !ended(x.status) && x.violation.is_none() {
                    let parties = match e.against {
                        Some(p) => vec![self.answering(p)],
                        None => self.ag.commitments[c].by.iter().map(|&p| self.answering(p)).collect(),
                    };
                    self.c[c].violation = Some(parties);
                }
            }
            (EventKind::Measured, Subject::Quantity(q)) => {
                let value = e.value.unwrap();
                self.quantity[q] = value;
                self.measured[q] = true;
                let verifier = self.ag.spec.party[e.actor].role == Role::Verifier;
                for c in 0..self.c.len() {
                    let over = self.ag.commitments[c].limits.iter().any(|&(x, max)| x == q && value > max);
                    if over && performing(self.c[c].status) {
                        if verifier {
                            if self.c[c].violation.is_none() {
                                let by: Vec<usize> =
                                    self.ag.commitments[c].by.iter().map(|&p| self.answering(p)).collect();
                                self.c[c].violation = Some(by);
                            }
                        } else if self.c[c].allegation.is_none() {
                            self.c[c].allegation = Some(accused(self, c));
                        }
                    }
                }
            }
            (EventKind::Invoked, Subject::Power(p)) => {
                if self.trigger[p] && matches!(self.power[p], P::Idle | P::Cancelled) {
                    self.invoke(p, e.actor);
                }
            }
            (EventKind::Resolved, Subject::Power(p)) => {
                if matches!(self.power[p], P::Invoked(..)) && self.ag.powers[p].cancellable {
                    self.power[p] = P::Cancelled;
                }
            }
            (EventKind::Resolved, Subject::Commitment(c)) => {
                // The accused cannot settle a claim against itself.
                let x = &self.c[c];
                let is_accused = x.allegation.iter().chain(x.violation.iter()).any(|l| l.contains(&e.actor));
                let something = x.allegation.is_some() || x.violation.is_some();
                if something && !is_accused {
                    self.c[c].allegation = None;
                    self.c[c].violation = None;
                    self.c[c].disputed = false;
                }
            }
            (EventKind::Disputed, Subject::Commitment(c)) => {
                let x = &self.c[c];
                let predecessor = self.ag.succeeds[e.actor].map(|(q, _)| q);
                let me = |l: &Vec<usize>| l.contains(&e.actor) || predecessor.is_some_and(|q| l.contains(&q));
                if x.allegation.iter().chain(x.violation.iter()).chain(x.missed.iter()).any(me) {
                    self.c[c].disputed = true;
                }
            }
            (EventKind::Reversed, Subject::Commitment(c)) => {
                // The actor's part is undone; the reversal is a breach at its fault.
                let by = &self.ag.commitments[c].by;
                let slot = by.iter().position(|&p| p == e.actor).or_else(|| {
                    let (q, _) = self.ag.succeeds[e.actor]?;
                    by.iter().position(|&p| p == q)
                });
                if let Some(slot) = slot.filter(|&s| self.c[c].performed[s].is_some()) {
                    if !ended(self.c[c].status) {
                        self.c[c].performed[slot] = None;
                        if self.c[c].violation.is_none() {
                            self.c[c].violation = Some(vec![self.answering(e.actor)]);
                        }
                        for (f, set) in self.ag.commitments[c].sets.clone() {
                            if set != FacilityStatus::Dismantled && self.facility[f] == set {
                                if let Some(previous) = self.replaced.remove(&(c, f)) {
                                    self.facility[f] = previous;
                                }
                            }
                        }
                    }
                }
            }
            (EventKind::Renounced, Subject::Commitment(c)) => {
                if !ended(self.c[c].status) && !self.done_deed(c) && self.leave(c, e.actor) {
                    self.c[c].renounced = true;
                }
            }
            (EventKind::Renounced, Subject::Phase(p)) => {
                if !self.phase_terminated[p] {
                    // The renouncer leaves its part of each commitment; the phase ends
                    // only when every commitment of it has (or is a deed done).
                    for c in self.ag.phases[p].commitments.clone() {
                        if self.bound(c, e.actor)
                            && !ended(self.c[c].status)
                            && !self.done_deed(c)
                            && self.leave(c, e.actor)
                        {
                            self.c[c].renounced = true;
                        }
                    }
                    let members = self.ag.phases[p].commitments.clone();
                    if members.iter().all(|&c| self.c[c].terminated || self.done_deed(c)) {
                        self.phase_terminated[p] = true;
                    }
                }
            }
            (EventKind::Suspended, subject) => {
                // Suspending one's participation twice changes nothing; deeds done stay done.
                let again = subject == Subject::Agreement && self.participation[e.actor];
                if !again {
                    for c in self.own(e.actor, subject) {
                        if !self.done_deed(c) {
                            self.suspend(c, Src::Party(e.actor));
                        }
                    }
                }
                if subject == Subject::Agreement {
                    self.participation[e.actor] = true;
                }
            }
            (EventKind::Resumed, Subject::Power(p)) => {
                if self.power[p] == P::Exercised && self.ag.powers[p].kind != PowerKind::Withdraw {
                    self.end_suspension(p);
                }
            }
            (EventKind::Resumed, subject) => {
                for c in self.own(e.actor, subject) {
                    self.resume(c, Src::Party(e.actor));
                }
                if subject == Subject::Agreement {
                    self.participation[e.actor] = false;
                }
            }
            (EventKind::Amended, Subject::Amendment(a)) => {
                if !self.amendment[a] {
                    self.amend(a);
                }
            }
            (EventKind::Withdrew, _) => self.withdraw(e.actor),
            (EventKind::Imposed, Subject::Instrument(i)) => {
                self.instrument[i] = (InstrumentStatus::InForce, None, None)
            }
            (EventKind::Lifted, Subject::Instrument(i)) => {
                self.instrument[i] = (InstrumentStatus::Lifted, None, None)
            }
            (EventKind::Extended, Subject::Agreement) => {
                if let Some(ends) = self.ends {
                    let new = e.until.or_else(|| Duration::days(e.value.unwrap() as u32).after(ends));
                    if let Some(new) = new.filter(|n| *n > ends) {
                        self.ends = Some(new);
                    }
                }
            }
            (EventKind::Extended, Subject::Commitment(c)) => {
                let runs = self.deadline_runs(c);
                let suspended = self.c[c].status == Some(CommitmentStatus::Suspended);
                match (runs, self.c[c].due, self.c[c].tolled) {
                    (true, Some(due), _) => {
                        let new = e.until.or_else(|| Duration::days(e.value.unwrap() as u32).after(due));
                        if let Some(new) = new.filter(|n| *n >= due) {
                            self.c[c].due = Some(new);
                        }
                    }
                    (false, None, Some(left)) if suspended => {
                        self.c[c].tolled = Some(match e.until {
                            Some(until) => (until - e.date).get_days().max(left),
                            None => left + e.value.unwrap() as i32,
                        });
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }

    /// The commitments a party's own suspension of `subject` reaches.
    fn own(&self, party: usize, subject: Subject) -> Vec<usize> {
        match subject {
            Subject::Commitment(c) => vec![c],
            Subject::Phase(p) => {
                self.ag.phases[p].commitments.iter().copied().filter(|&c| self.bound(c, party)).collect()
            }
            _ => (0..self.c.len()).filter(|&c| self.bound(c, party)).collect(),
        }
    }

    fn suspend(&mut self, c: usize, src: Src) {
        if ended(self.c[c].status) || self.c[c].suspended.contains(&src) {
            return;
        }
        // Only a suspension the agreement provides for stops (tolls) the deadline.
        let provided = !matches!(src, Src::Party(_));
        let running = matches!(self.c[c].status, Some(CommitmentStatus::Pending | CommitmentStatus::Overdue));
        if provided && running && self.c[c].tolled.is_none() {
            if let Some(due) = self.c[c].due.take() {
                self.c[c].tolled = Some((due - self.day).get_days());
            }
        }
        self.c[c].suspended.push(src);
    }

    fn resume(&mut self, c: usize, src: Src) {
        if !self.c[c].suspended.contains(&src) {
            return;
        }
        self.c[c].suspended.retain(|s| *s != src);
        if !self.c[c].suspended.iter().any(|s| !matches!(s, Src::Party(_))) {
            if let Some(left) = self.c[c].tolled.take() {
                self.c[c].due = Some(Duration::days(left.max(0) as u32).after(self.day).unwrap_or(Date::MAX));
            }
        }
    }

    fn amend(&mut self, a: usize) {
        self.amendment[a] = true;
        // A complete phase that gains binding commitments is open again.
        for p in 0..self.complete.len() {
            let gains = self.ag.phases[p]
                .commitments
                .iter()
                .any(|&c| self.ag.commitments[c].amendment == Some(a) && self.ag.commitments[c].binding);
            if gains {
                self.complete[p] = false;
            }
        }
        for c in 0..self.c.len() {
            let Some(new) = self.ag.commitments[c].replaced_by else { continue };
            if self.ag.commitments[new].amendment == Some(a) && !ended(self.c[c].status) {
                self.c[c].discharged = true;
            }
        }
    }

    fn invoke(&mut self, p: usize, by: usize) {
        let effect = self.ag.powers[p].notice.and_then(|n| n.after(self.day)).unwrap_or(self.day);
        self.power[p] = P::Invoked(effect, by);
        if effect == self.day {
            self.exercise(p, by);
        }
    }

    fn exercise(&mut self, p: usize, by: usize) {
        self.power[p] = P::Exercised;
        let power = self.ag.powers[p].clone();
        match power.kind {
            PowerKind::Snapback => {
                let restores: Vec<usize> = match &power.restores {
                    Some(list) => list.clone(),
                    None => (0..self.instrument.len())
                        .filter(|&i| self.instrument[i].0 == InstrumentStatus::Relieved)
                        .collect(),
                };
                for i in restores {
                    let relieved_by = self.instrument[i].1;
                    self.instrument[i] = (InstrumentStatus::ReImposed, None, Some((p, relieved_by)));
                }
                self.suspend_listed(p, &power);
            }
            PowerKind::Suspend => self.suspend_listed(p, &power),
            PowerKind::Withdraw => self.withdraw(by),
        }
    }

    fn suspend_listed(&mut self, p: usize, power: &detente_engine::compiled::CPower) {
        let mut targets: Vec<usize> = Vec::new();
        for &ph in &power.suspends_phases {
            if !self.phase_terminated[ph] {
                self.phase_suspended[ph] = Some(p);
                targets.extend(&self.ag.phases[ph].commitments);
            }
        }
        targets.extend(&power.suspends_commitments);
        for c in targets {
            self.suspend(c, Src::Power(p));
        }
    }

    /// The power's suspension ends: what it suspended resumes, and a snap-back's
    /// re-impositions give way to relief again if the relieving commitment still stands.
    fn end_suspension(&mut self, p: usize) {
        for ph in 0..self.phase_suspended.len() {
            if self.phase_suspended[ph] == Some(p) {
                // It returns to open, and completes again once its commitments are done.
                self.phase_suspended[ph] = None;
                self.complete[ph] = false;
            }
        }
        for c in 0..self.c.len() {
            self.resume(c, Src::Power(p));
        }
        for i in 0..self.instrument.len() {
            if let (InstrumentStatus::ReImposed, _, Some((by, relieved_by))) = self.instrument[i] {
                if by == p {
                    let still = relieved_by.filter(|&c| {
                        matches!(
                            self.c[c].status,
                            Some(CommitmentStatus::Fulfilled | CommitmentStatus::Released)
                        )
                    });
                    self.instrument[i] = match still {
                        Some(c) => (InstrumentStatus::Relieved, Some(c), None),
                        None => (InstrumentStatus::InForce, None, None),
                    };
                }
            }
        }
        self.power[p] = P::Idle;
    }

    fn participating(&self) -> usize {
        (0..self.ag.spec.party.len())
            .filter(|&s| self.ag.spec.party[s].role == Role::Signatory && !self.withdrawn[s])
            .filter(|&s| self.ag.succeeds[s].is_none_or(|(_, on)| on <= self.day))
            .filter(|&s| !self.ag.succeeds.iter().any(|x| x.is_some_and(|(q, on)| q == s && on <= self.day)))
            .count()
    }

    fn withdraw(&mut self, party: usize) {
        if self.withdrawn[party] {
            return;
        }
        self.withdrawn[party] = true;
        for c in 0..self.c.len() {
            let status = self.c[c].status.unwrap_or(CommitmentStatus::Inactive);
            if self.bound(c, party) && !ended(Some(status)) && !self.done_deed(c) {
                let _ = self.leave(c, party);
            }
        }
        if self.ag.essential[party] || self.participating() < 2 {
            self.end(false);
        }
    }

    fn end(&mut self, expired: bool) {
        self.over = Some(if expired { AgreementStatus::Expired } else { AgreementStatus::Terminated });
        for c in 0..self.c.len() {
            let status = self.c[c].status.unwrap_or(CommitmentStatus::Inactive);
            if ended(Some(status)) || self.done_deed(c) {
                continue;
            }
            if expired {
                self.c[c].discharged = true;
            } else {
                self.c[c].terminated = true;
            }
        }
    }

    /// The agreement's status while it has not ended (docs/semantics.md, "The
    /// agreement's own life").
    fn agreement_status(&self) -> AgreementStatus {
        if let Some(over) = self.over {
            return over;
        }
        let core = &self.ag.core;
        let considered: Vec<usize> = if core.is_empty() {
            (0..self.c.len()).filter(|&c| self.ag.commitments[c].binding).collect()
        } else {
            core.clone()
        };
        let owed: Vec<usize> = considered.into_iter().filter(|&c| self.c[c].owed.is_some()).collect();
        // Stopped: suspended, terminated, or found in violation (not by a missed deadline).
        let stopped = |c: usize| {
            self.c[c].violation.is_some()
                || matches!(
                    self.c[c].status,
                    Some(CommitmentStatus::Suspended | CommitmentStatus::Terminated)
                )
        };
        // Live: performed or in effect, awaited with its deadline running, or late (a
        // missed deadline, performance still awaited); not found in violation.
        let live = |c: usize| {
            let continuing = self.ag.commitments[c].kind == CommitmentKind::Continuing;
            self.c[c].violation.is_none()
                && match self.c[c].status {
                    Some(CommitmentStatus::Performed | CommitmentStatus::Violated) => true,
                    Some(CommitmentStatus::Fulfilled) => continuing,
                    Some(CommitmentStatus::Pending | CommitmentStatus::Overdue) => self.deadline_runs(c),
                    _ => false,
                }
        };
        let collapsed = if core.is_empty() {
            owed.iter().any(|&c| stopped(c)) && !owed.iter().any(|&c| live(c))
        } else {
            !owed.is_empty() && owed.iter().all(|&c| stopped(c))
        };
        if collapsed {
            return AgreementStatus::Collapsed;
        }
        if let Some(after) = self.ag.spec.agreement.stalls_after {
            let waiting = self.ag.commitments.iter().zip(&self.c).any(|(spec, x)| {
                spec.binding
                    && matches!(x.status, Some(CommitmentStatus::Pending | CommitmentStatus::Overdue))
            });
            if waiting && after.after(self.last_movement).is_some_and(|d| d <= self.day) {
                return AgreementStatus::Stalled;
            }
        }
        let suspended = self.c.iter().any(|c| c.status == Some(CommitmentStatus::Suspended));
        let reimposed = self.instrument.iter().any(|i| i.0 == InstrumentStatus::ReImposed);
        if self.c.iter().any(|c| c.renounced) {
            AgreementStatus::PartlyRenounced
        } else if suspended || reimposed {
            AgreementStatus::PartlySuspended
        } else {
            AgreementStatus::InForce
        }
    }

    fn statuses(&self) -> Statuses {
        let ids = |l: &Option<Vec<usize>>| {
            l.as_ref().map(|l| l.iter().map(|&p| self.ag.spec.party[p].id.clone()).collect())
        };
        Statuses {
            agreement: self.agreement_status(),
            phases: (0..self.opened.len())
                .map(|p| {
                    if self.phase_terminated[p] {
                        PhaseStatus::Terminated
                    } else if self.phase_suspended[p].is_some() || self.held[p] {
                        PhaseStatus::Suspended
                    } else if self.complete[p] {
                        PhaseStatus::Complete
                    } else if self.opened[p].is_some() {
                        PhaseStatus::Open
                    } else {
                        PhaseStatus::Locked
                    }
                })
                .collect(),
            commitments: self.c.iter().map(|c| c.status.unwrap_or(CommitmentStatus::Inactive)).collect(),
            alleged: self.c.iter().map(|c| c.allegation.is_some() && c.violation.is_none()).collect(),
            disputed: self.c.iter().map(|c| c.disputed).collect(),
            blame: self.c.iter().map(|c| [ids(&c.allegation), ids(&c.missed), ids(&c.violation)]).collect(),
            powers: (0..self.power.len())
                .map(|p| match self.power[p] {
                    P::Idle if self.trigger[p] => PowerStatus::Available,
                    P::Idle => PowerStatus::Dormant,
                    P::Invoked(..) => PowerStatus::Invoked,
                    P::Exercised => PowerStatus::Exercised,
                    P::Cancelled => PowerStatus::Cancelled,
                })
                .collect(),
            instruments: self.instrument.iter().map(|i| i.0).collect(),
            quantities: self.quantity.clone(),
            facilities: self.facility.clone(),
        }
    }
}
