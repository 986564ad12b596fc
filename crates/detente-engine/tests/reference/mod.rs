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
use detente_spec::model::{CommitmentKind, EventKind, FacilityStatus, PowerKind, Role, Timeout};
use detente_spec::time::{Date, Duration};

#[derive(Clone, Default)]
struct C {
    owed: Option<Date>,
    performed: Vec<Option<Date>>,
    verified: bool,
    due: Option<Date>,
    extended: bool,
    /// A standing claim: the parties accused.
    allegation: Option<Vec<usize>>,
    /// A verified violation or exceeded cap: the parties at fault.
    violation: Option<Vec<usize>>,
    /// A missed deadline: the parties that had not performed.
    missed: Option<Vec<usize>>,
    suspended: bool,
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

pub struct Reference<'a> {
    ag: &'a Agreement,
    day: Date,
    c: Vec<C>,
    opened: Vec<Option<Date>>,
    complete: Vec<bool>,
    phase_suspended: Vec<bool>,
    power: Vec<P>,
    trigger: Vec<bool>,
    instrument: Vec<(InstrumentStatus, Option<usize>)>,
    quantity: Vec<f64>,
    facility: Vec<FacilityStatus>,
    replaced: HashMap<(usize, usize), FacilityStatus>,
    withdrawn: Vec<bool>,
    terminated: bool,
}

/// The statuses at the end of each of `days` (in increasing order), in one pass.
pub fn statuses_at(ag: &Agreement, events: &[Event], days: &[Date]) -> Vec<Statuses> {
    let adopted = ag.spec.agreement.adopted;
    let mut r = Reference {
        ag,
        day: adopted,
        c: ag.commitments.iter().map(|c| C { performed: vec![None; c.by.len()], ..C::default() }).collect(),
        opened: vec![None; ag.phases.len()],
        complete: vec![false; ag.phases.len()],
        phase_suspended: vec![false; ag.phases.len()],
        power: vec![P::Idle; ag.powers.len()],
        trigger: vec![false; ag.powers.len()],
        instrument: vec![(InstrumentStatus::InForce, None); ag.spec.instrument.len()],
        quantity: ag.spec.quantity.iter().map(|q| q.initial).collect(),
        facility: ag.spec.facility.iter().map(|f| f.status).collect(),
        replaced: HashMap::new(),
        withdrawn: vec![false; ag.spec.party.len()],
        terminated: false,
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

fn next_day(d: Date) -> Date {
    Duration::days(1).after(d).unwrap()
}

impl Reference<'_> {
    fn status(&self, c: usize) -> CommitmentStatus {
        let x = &self.c[c];
        let spec = &self.ag.commitments[c];
        if x.terminated {
            return CommitmentStatus::Terminated;
        }
        if x.discharged {
            return CommitmentStatus::Discharged;
        }
        if x.suspended {
            return CommitmentStatus::Suspended;
        }
        let automatic = spec.kind == CommitmentKind::Continuing && spec.due.is_none();
        let all_performed = automatic || x.performed.iter().all(Option::is_some);
        // Late performance cures the status of a missed deadline, never the breach.
        if x.violation.is_some() || (x.missed.is_some() && !all_performed) {
            return CommitmentStatus::Violated;
        }
        if x.released {
            return CommitmentStatus::Released;
        }
        if x.owed.is_none() {
            return CommitmentStatus::Inactive;
        }
        if all_performed {
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

    // 1. Timers, in the documented order.
    fn timers(&mut self) {
        let day = self.day;
        if self.ag.spec.agreement.ends == Some(day) && !self.terminated {
            self.end(true);
        }
        for p in 0..self.power.len() {
            if let P::Invoked(effect, by) = self.power[p] {
                if effect == day {
                    self.exercise(p, by);
                }
            }
        }
        for c in 0..self.c.len() {
            let status = self.c[c].status;
            // A deadline does not run while its commitment is suspended (even by a power
            // that took effect earlier today).
            let pending = matches!(status, Some(CommitmentStatus::Pending | CommitmentStatus::Overdue))
                && !self.c[c].suspended;
            if pending && self.c[c].due.map(next_day) == Some(day) {
                let outcome = if self.c[c].extended {
                    Some(Timeout::Violated)
                } else {
                    self.ag.commitments[c].on_timeout
                };
                match outcome {
                    Some(Timeout::Discharged) => self.c[c].discharged = true,
                    Some(Timeout::Extended(by)) => {
                        self.c[c].extended = true;
                        self.c[c].due = by.after(self.c[c].due.unwrap());
                    }
                    _ => {
                        let by = &self.ag.commitments[c].by;
                        let late: Vec<usize> = (0..by.len())
                            .filter(|&s| self.c[c].performed[s].is_none())
                            .map(|s| by[s])
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
                let ready = phase.after.iter().all(|&a| self.complete[a] && !self.phase_suspended[a]);
                let condition = phase.opens_when.as_ref().is_none_or(|w| self.eval(w));
                if self.opened[p].is_none() && !self.phase_suspended[p] && ready && condition {
                    self.opened[p] = Some(self.day);
                }
            }
            for c in 0..self.c.len() {
                let spec = &self.ag.commitments[c];
                let blocked = self.c[c].suspended || self.c[c].terminated;
                let when = spec.when.as_ref().is_none_or(|w| self.eval(w));
                if self.c[c].owed.is_none() && self.opened[spec.phase].is_some() && !blocked && when {
                    self.c[c].owed = Some(self.day);
                    self.c[c].due = spec.due.and_then(|d| d.after(self.day));
                }
            }
            for c in 0..self.c.len() {
                let new = self.status(c);
                let old = self.c[c].status;
                if old != Some(new) {
                    self.c[c].status = Some(new);
                    self.on_change(c, old, new);
                }
            }
            for p in 0..self.complete.len() {
                let members = &self.ag.phases[p].commitments;
                let done = members.iter().all(|&c| {
                    matches!(
                        self.c[c].status,
                        Some(
                            CommitmentStatus::Fulfilled
                                | CommitmentStatus::Released
                                | CommitmentStatus::Discharged
                        )
                    )
                });
                if self.opened[p].is_some() && !self.complete[p] && !self.phase_suspended[p] && done {
                    self.complete[p] = true;
                }
            }
            for p in 0..self.power.len() {
                let power = &self.ag.powers[p];
                let holder = power.automatic || power.holders.iter().any(|&h| !self.withdrawn[h]);
                self.trigger[p] = self.eval(&power.trigger) && holder;
                if self.trigger[p] && power.automatic && self.power[p] == P::Idle {
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
            "{:?}{:?}{:?}{:?}{:?}{:?}",
            self.opened,
            self.complete,
            self.c.iter().map(|c| (c.owed, c.status)).collect::<Vec<_>>(),
            self.trigger,
            self.instrument,
            self.facility
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
        if relieving(Some(new)) && !relieving(old) {
            for &i in &spec.relieves {
                if matches!(self.instrument[i].0, InstrumentStatus::InForce | InstrumentStatus::ReImposed) {
                    self.instrument[i] = (InstrumentStatus::Relieved, Some(c));
                }
            }
        }
        if relieving(old) && !relieving(Some(new)) {
            for i in 0..self.instrument.len() {
                if self.instrument[i] == (InstrumentStatus::Relieved, Some(c)) {
                    self.instrument[i] = (InstrumentStatus::InForce, None);
                }
            }
        }
    }

    fn eval(&self, cond: &Cond) -> bool {
        match cond {
            Cond::True => true,
            Cond::False => false,
            Cond::Commitments(pred, target) => {
                // `party` is set for `any of P`: then a breach or a claim counts only
                // against the parties it blames.
                let holds = |c: usize, party: Option<usize>| {
                    let x = &self.c[c];
                    let s = x.status.unwrap_or(CommitmentStatus::Inactive);
                    let blames = |list: &Option<Vec<usize>>| {
                        list.as_ref().is_some_and(|l| party.is_none_or(|p| l.contains(&p)))
                    };
                    let violated = blames(&x.missed) || blames(&x.violation);
                    match pred {
                        Predicate::Performed => {
                            matches!(
                                s,
                                CommitmentStatus::Performed
                                    | CommitmentStatus::Fulfilled
                                    | CommitmentStatus::Released
                            )
                        }
                        Predicate::Fulfilled => {
                            matches!(s, CommitmentStatus::Fulfilled | CommitmentStatus::Released)
                        }
                        Predicate::Verified => x.verified && s != CommitmentStatus::Inactive,
                        Predicate::Alleged => violated || blames(&x.allegation),
                        Predicate::Violated => violated,
                    }
                };
                let any = matches!(pred, Predicate::Alleged | Predicate::Violated);
                match target {
                    Target::AnyOf(party) => (0..self.c.len())
                        .filter(|&c| self.ag.commitments[c].by.contains(party))
                        .any(|c| holds(c, Some(*party))),
                    Target::Commitment(c) => holds(*c, None),
                    Target::Phase(p) => {
                        let members = &self.ag.phases[*p].commitments;
                        if any {
                            members.iter().any(|&c| holds(c, None))
                        } else {
                            !members.is_empty() && members.iter().all(|&c| holds(c, None))
                        }
                    }
                }
            }
            Cond::Complete(p) => self.complete[*p] && !self.phase_suspended[*p],
            Cond::InForce(i) => {
                matches!(self.instrument[*i].0, InstrumentStatus::InForce | InstrumentStatus::ReImposed)
            }
            Cond::Status(f, equal, status) => (self.facility[*f] == *status) == *equal,
            Cond::Quantity(q, cmp, v) => cmp.holds(self.quantity[*q], *v),
            Cond::Date(cmp, d) => cmp.holds(self.day, *d),
            Cond::And(parts) => parts.iter().all(|p| self.eval(p)),
            Cond::Or(parts) => parts.iter().any(|p| self.eval(p)),
            Cond::Not(inner) => !self.eval(inner),
        }
    }

    // 3. Events.
    fn apply(&mut self, e: &Event) {
        let outside = matches!(e.kind, EventKind::Imposed | EventKind::Lifted);
        if self.terminated || (self.withdrawn[e.actor] && !outside) {
            return;
        }
        let ended = |x: &C| {
            matches!(
                x.status,
                Some(
                    CommitmentStatus::Released | CommitmentStatus::Discharged | CommitmentStatus::Terminated
                )
            )
        };
        // Whom a claim accuses: the named party, else every bound party but the claimant
        // (all of them when the claimant is the only one).
        let accused = |c: usize| -> Vec<usize> {
            if let Some(p) = e.against {
                return vec![p];
            }
            let by = &self.ag.commitments[c].by;
            let others: Vec<usize> = by.iter().copied().filter(|&p| p != e.actor).collect();
            if others.is_empty() {
                by.clone()
            } else {
                others
            }
        };
        match (e.kind, e.subject) {
            (EventKind::Performed, Subject::Commitment(c)) => {
                if !ended(&self.c[c]) {
                    let slot = self.ag.commitments[c].by.iter().position(|&p| p == e.actor).unwrap();
                    self.c[c].performed[slot].get_or_insert(e.date);
                }
            }
            (EventKind::Verified, Subject::Commitment(c)) => self.c[c].verified = true,
            (EventKind::Violation, Subject::Commitment(c)) => {
                let x = &self.c[c];
                let open = x.owed.is_some() && !ended(x);
                let established = x.violation.is_some() || x.status == Some(CommitmentStatus::Violated);
                if open && !established {
                    let mut list = self.c[c].allegation.take().unwrap_or_default();
                    for p in accused(c) {
                        if !list.contains(&p) {
                            list.push(p);
                        }
                    }
                    self.c[c].allegation = Some(list);
                }
            }
            (EventKind::ViolationVerified, Subject::Commitment(c)) => {
                let x = &self.c[c];
                if x.owed.is_some() && !ended(x) && x.violation.is_none() {
                    let parties = e.against.map_or_else(|| self.ag.commitments[c].by.clone(), |p| vec![p]);
                    self.c[c].violation = Some(parties);
                }
            }
            (EventKind::Measured, Subject::Quantity(q)) => {
                let value = e.value.unwrap();
                self.quantity[q] = value;
                let verifier = self.ag.spec.party[e.actor].role == Role::Verifier;
                for c in 0..self.c.len() {
                    let over = self.ag.commitments[c].limits.iter().any(|&(x, max)| x == q && value > max);
                    if over && performing(self.c[c].status) {
                        if verifier {
                            if self.c[c].violation.is_none() {
                                self.c[c].violation = Some(self.ag.commitments[c].by.clone());
                            }
                        } else if self.c[c].allegation.is_none() {
                            self.c[c].allegation = Some(accused(c));
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
                if !is_accused {
                    self.c[c].allegation = None;
                    self.c[c].violation = None;
                }
            }
            (EventKind::Withdrew, _) => self.withdraw(e.actor),
            (EventKind::Imposed, Subject::Instrument(i)) => {
                self.instrument[i] = (InstrumentStatus::InForce, None)
            }
            (EventKind::Lifted, Subject::Instrument(i)) => {
                self.instrument[i] = (InstrumentStatus::Lifted, None)
            }
            (EventKind::Extended, Subject::Commitment(c)) => {
                let running =
                    matches!(self.c[c].status, Some(CommitmentStatus::Pending | CommitmentStatus::Overdue));
                if let (Some(due), true) = (self.c[c].due, running) {
                    self.c[c].due = Duration::days(e.value.unwrap() as u32).after(due);
                }
            }
            _ => {}
        }
    }

    /// A deed done: an action every bound party performed, verified where required.
    fn done_deed(&self, c: usize) -> bool {
        let spec = &self.ag.commitments[c];
        let x = &self.c[c];
        spec.kind == CommitmentKind::Action
            && x.owed.is_some()
            && x.performed.iter().all(Option::is_some)
            && (spec.verifier.is_none() || x.verified)
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
                    self.instrument[i] = (InstrumentStatus::ReImposed, None);
                }
                self.suspend(&power);
            }
            PowerKind::Suspend => self.suspend(&power),
            PowerKind::Withdraw => self.withdraw(by),
        }
    }

    fn suspend(&mut self, power: &detente_engine::compiled::CPower) {
        let mut targets: Vec<usize> = power.suspends_commitments.clone();
        for &ph in &power.suspends_phases {
            self.phase_suspended[ph] = true;
            targets.extend(&self.ag.phases[ph].commitments);
        }
        for c in targets {
            // What has ended cannot be suspended.
            let ended = matches!(
                self.c[c].status,
                Some(
                    CommitmentStatus::Released | CommitmentStatus::Discharged | CommitmentStatus::Terminated
                )
            );
            if !ended {
                self.c[c].suspended = true;
            }
        }
    }

    fn withdraw(&mut self, party: usize) {
        if self.withdrawn[party] {
            return;
        }
        self.withdrawn[party] = true;
        for c in 0..self.c.len() {
            let status = self.c[c].status.unwrap_or(CommitmentStatus::Inactive);
            let bound = self.ag.commitments[c].by.contains(&party);
            if bound && !status.is_terminal() && !self.done_deed(c) {
                self.c[c].terminated = true;
            }
        }
        let remaining = self.ag.signatories().filter(|&s| !self.withdrawn[s]).count();
        if remaining < 2 {
            self.end(false);
        }
    }

    fn end(&mut self, ended: bool) {
        self.terminated = true;
        for c in 0..self.c.len() {
            let status = self.c[c].status.unwrap_or(CommitmentStatus::Inactive);
            if status.is_terminal() || self.done_deed(c) {
                continue;
            }
            if ended {
                self.c[c].discharged = true;
            } else {
                self.c[c].terminated = true;
            }
        }
    }

    fn statuses(&self) -> Statuses {
        let suspended = self.c.iter().any(|c| c.status == Some(CommitmentStatus::Suspended));
        let reimposed = self.instrument.iter().any(|i| i.0 == InstrumentStatus::ReImposed);
        Statuses {
            agreement: if self.terminated {
                AgreementStatus::Terminated
            } else if suspended || reimposed {
                AgreementStatus::PartlySuspended
            } else {
                AgreementStatus::InForce
            },
            phases: (0..self.opened.len())
                .map(|p| {
                    if self.phase_suspended[p] {
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
            blame: self
                .c
                .iter()
                .map(|c| {
                    let ids = |l: &Option<Vec<usize>>| {
                        l.as_ref().map(|l| l.iter().map(|&p| self.ag.spec.party[p].id.clone()).collect())
                    };
                    [ids(&c.allegation), ids(&c.missed), ids(&c.violation)]
                })
                .collect(),
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
