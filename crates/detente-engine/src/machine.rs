//! The replay machine: the one implementation of `docs/semantics.md`.
//!
//! The machine walks forward in time, visiting only days on which something can
//! change: a timer fires (agreement end, a notice period ending, a deadline passing, a
//! `lasts` term ending, a date in a condition) or an event is dated. On each such day
//! it fires timers, settles, then applies that day's events one by one, settling after
//! each. Settling re-derives statuses until nothing changes.

use std::borrow::Cow;
use std::collections::HashMap;

use detente_spec::model::{CommitmentKind, EventKind, FacilityStatus, PowerKind, Role, Timeout};
use detente_spec::time::{Date, Duration};

use crate::compiled::Agreement;
use crate::log::{validate_event, Event, Problem, Subject};
use crate::state::*;

/// What the machine keeps about a commitment.
#[derive(Clone, Debug)]
struct Commitment {
    owed: Option<Date>,
    performed: Vec<Option<(Date, usize)>>,
    verified: Option<(Date, usize)>,
    due: Option<Date>,
    extended: bool,
    alleged: Option<usize>,
    /// (The final-status reasons are boxed: they are rarely set, and unboxed they made
    /// each record span many cache lines on the engine's hottest loop.)
    violated: Option<Box<Reason>>,
    /// Whether the violation is a missed deadline, which no resolution can undo.
    missed_deadline: bool,
    suspended: Option<Box<Reason>>,
    discharged: Option<Box<Reason>>,
    released: Option<Box<Reason>>,
    terminated: Option<Box<Reason>>,
    in_effect_since: Option<Date>,
    /// When a continuing commitment's `lasts` term ends, computed once it is in effect.
    term_ends: Option<Date>,
    overdue_since: Option<Date>,
    status: CommitmentStatus,
}

#[derive(Clone, Debug)]
enum Stage {
    Idle,
    Invoked { effect: Date, by: usize, event: Option<usize> },
    Exercised { on: Date, event: Option<usize> },
    Cancelled { on: Date },
}

#[derive(Clone, Debug)]
struct Power {
    stage: Stage,
    trigger_holds: bool,
    status: PowerStatus,
    reason: Reason,
}

#[derive(Clone, Debug)]
struct Phase {
    opened: Option<Date>,
    status: PhaseStatus,
    reason: Reason,
}

#[derive(Clone, Debug)]
struct Instrument {
    status: InstrumentStatus,
    relieved_by: Option<usize>,
    reason: Reason,
}

#[derive(Clone, Debug)]
struct Facility {
    status: FacilityStatus,
    reason: Reason,
}

/// The replay machine over one agreement and log.
#[derive(Clone)]
pub struct Machine<'a> {
    ag: &'a Agreement,
    /// The log: borrowed when replaying a loaded log, owned when events are pushed
    /// one by one (a simulation).
    events: Cow<'a, [Event]>,
    day: Date,
    next_event: usize,
    commitments: Vec<Commitment>,
    phases: Vec<Phase>,
    powers: Vec<Power>,
    instruments: Vec<Instrument>,
    /// Each quantity's recorded value and the measuring event, if any (the reason is
    /// built only when a state is read: measurements are the bulk of any log).
    quantities: Vec<(f64, Option<usize>)>,
    facilities: Vec<Facility>,
    /// The status a commitment's `sets` replaced, to restore when it stops being in effect.
    replaced: HashMap<(usize, usize), FacilityStatus>,
    withdrawn: Vec<Option<Date>>,
    agreement_status: AgreementStatus,
    agreement_reason: Reason,
    notes: Vec<Note>,
    timeline: Option<Vec<Transition>>,
    /// Bumped by every change a condition could read (see `settle`): settling
    /// re-evaluates conditions only when it moved since they were last evaluated.
    version: u64,
    /// The version at which phase openings and owed commitments were last evaluated.
    evaluated: u64,
    /// The version at which power triggers were last evaluated.
    powers_evaluated: u64,
    /// The next timer and the version it was computed at (see `cached_next_timer`).
    timer_cache: (u64, Option<Date>),
    /// A lean machine keeps statuses but not the words of their reasons (see
    /// [`Machine::live_lean`]).
    lean: bool,
}

mod settle;
mod view;

/// What applying an event needs: its `Copy` fields, so the machine can read its own log
/// while changing its state.
#[derive(Clone, Copy, Debug)]
struct Act {
    index: usize,
    date: Date,
    actor: usize,
    kind: EventKind,
    subject: Subject,
    value: Option<f64>,
}

impl From<&Event> for Act {
    fn from(e: &Event) -> Act {
        Act { index: e.index, date: e.date, actor: e.actor, kind: e.kind, subject: e.subject, value: e.value }
    }
}

fn event_ref(index: usize) -> String {
    format!("event #{}", index + 1)
}

impl<'a> Machine<'a> {
    /// A machine at the adoption date, before anything has happened. With
    /// `record_timeline`, every status change is kept for [`Machine::timeline`].
    pub fn new(ag: &'a Agreement, events: &'a [Event], record_timeline: bool) -> Machine<'a> {
        let adopted = ag.spec.agreement.adopted;
        let start = |text: &str| Reason::new(adopted, text);
        let commitments = ag
            .commitments
            .iter()
            .map(|c| Commitment {
                owed: None,
                performed: vec![None; c.by.len()],
                verified: None,
                due: None,
                extended: false,
                alleged: None,
                violated: None,
                missed_deadline: false,
                suspended: None,
                discharged: None,
                released: None,
                terminated: None,
                in_effect_since: None,
                term_ends: None,
                overdue_since: None,
                status: CommitmentStatus::Inactive,
            })
            .collect();
        let mut machine = Machine {
            ag,
            events: Cow::Borrowed(events),
            day: adopted,
            next_event: 0,
            commitments,
            phases: ag
                .phases
                .iter()
                .map(|_| Phase { opened: None, status: PhaseStatus::Locked, reason: start("not yet open") })
                .collect(),
            powers: ag
                .powers
                .iter()
                .map(|_| Power {
                    stage: Stage::Idle,
                    trigger_holds: false,
                    status: PowerStatus::Dormant,
                    reason: start("its trigger does not hold"),
                })
                .collect(),
            instruments: ag
                .spec
                .instrument
                .iter()
                .map(|i| Instrument {
                    status: InstrumentStatus::InForce,
                    relieved_by: None,
                    reason: Reason::new(i.since, format!("in force since {}", i.since)),
                })
                .collect(),
            quantities: ag.spec.quantity.iter().map(|q| (q.initial, None)).collect(),
            facilities: ag
                .spec
                .facility
                .iter()
                .map(|f| Facility { status: f.status, reason: start("status at adoption") })
                .collect(),
            replaced: HashMap::new(),
            withdrawn: vec![None; ag.spec.party.len()],
            agreement_status: AgreementStatus::InForce,
            agreement_reason: start(format!("adopted on {adopted}").as_str()),
            notes: Vec::new(),
            timeline: record_timeline.then(Vec::new),
            version: 1,
            evaluated: 0,
            powers_evaluated: 0,
            timer_cache: (0, None),
            lean: false,
        };
        machine.settle();
        machine
    }

    /// Advances the machine to the end of `as_of`: every timer and event up to and
    /// including that day. Advancing to an earlier day than the current one does nothing.
    pub fn advance_to(&mut self, as_of: Date) {
        loop {
            let next_event_day = self.events.get(self.next_event).map(|e| e.date).filter(|d| *d <= as_of);
            let next_timer_day = self.cached_next_timer().filter(|d| *d <= as_of);
            let day = match (next_event_day, next_timer_day) {
                (None, None) => break,
                (Some(e), Some(t)) => e.min(t),
                (Some(e), None) => e,
                (None, Some(t)) => t,
            };
            self.day = day;
            // A new day (date conditions) and whatever timers did: conditions may differ.
            self.version += 1;
            self.fire_timers();
            self.settle();
            while let Some(event) = self.events.get(self.next_event).filter(|e| e.date == day).map(Act::from)
            {
                self.next_event += 1;
                if self.apply(&event) {
                    self.version += 1;
                    self.settle();
                }
            }
        }
        if as_of > self.day {
            self.day = as_of;
        }
    }

    /// A machine with no log yet, to which events are [pushed](Machine::push) as they
    /// happen: how a simulator drives the engine.
    pub fn live(ag: &'a Agreement, record_timeline: bool) -> Machine<'a> {
        let mut machine = Machine::new(ag, &[], record_timeline);
        machine.events = Cow::Owned(Vec::new());
        machine
    }

    /// A live machine for simulators, which read statuses and never the reasons: it
    /// derives exactly the same statuses as [`Machine::live`] (a property test checks
    /// it) but does not compose the text of phase, power, instrument and facility
    /// reasons, which would cost an allocation at every change. The reasons of a state
    /// read from it are not meaningful.
    pub fn live_lean(ag: &'a Agreement) -> Machine<'a> {
        let mut machine = Machine::live(ag, false);
        machine.lean = true;
        // Without words, a clone of this machine (one per simulated run) allocates no
        // reason text.
        let silent = |r: &mut Reason| *r = Reason::new(r.since, String::new());
        machine.phases.iter_mut().for_each(|p| silent(&mut p.reason));
        machine.powers.iter_mut().for_each(|p| silent(&mut p.reason));
        machine.instruments.iter_mut().for_each(|i| silent(&mut i.reason));
        machine.facilities.iter_mut().for_each(|f| silent(&mut f.reason));
        silent(&mut machine.agreement_reason);
        machine
    }

    /// Makes room for `additional` more pushed events at once (a simulator knows roughly
    /// how many a run records), instead of growing the log by doubling.
    pub fn reserve(&mut self, additional: usize) {
        self.events.to_mut().reserve(additional);
    }

    /// Builds a reason, unless the machine is lean (then an empty one: no allocation).
    pub(crate) fn reason_with(&self, build: impl FnOnce() -> Reason) -> Reason {
        if self.lean {
            Reason::new(self.day, String::new())
        } else {
            build()
        }
    }

    /// Appends an event, checked exactly as a log line is (see
    /// [`crate::log::validate_event`]). Its date must not precede the last event's, nor
    /// the day the machine has advanced to; it takes effect on the next
    /// [`Machine::advance_to`] that reaches its date. Returns its position in the log.
    pub fn push(
        &mut self,
        date: Date,
        actor: usize,
        kind: EventKind,
        subject: Subject,
        value: Option<f64>,
    ) -> Result<usize, Problem> {
        let last = self.events.last().map_or(self.day, |e| e.date.max(self.day));
        if date < last {
            return Err(Problem {
                message: format!("{date} is before {last}, where the machine already is"),
                help: Some("push events in date order, and before advancing past their date".into()),
            });
        }
        validate_event(self.ag, actor, kind, subject, value)?;
        let index = self.events.len();
        let event = Event { index, line: 0, id: None, date, actor, kind, subject, value, source: None };
        self.events.to_mut().push(event);
        Ok(index)
    }

    /// The day the machine has advanced to.
    pub fn day(&self) -> Date {
        self.day
    }

    /// A commitment's status now, cheaply (no reason built, nothing allocated): what a
    /// strategy reads to decide its next move.
    pub fn commitment_status(&self, c: usize) -> CommitmentStatus {
        self.commitments[c].status
    }

    /// Whether `party` has performed its part of commitment `c` (false for a party the
    /// commitment does not bind).
    pub fn has_performed(&self, c: usize, party: usize) -> bool {
        let slot = self.ag.commitments[c].by.iter().position(|&p| p == party);
        slot.is_some_and(|s| self.commitments[c].performed[s].is_some())
    }

    /// A quantity's recorded value, if some event has measured it.
    pub fn measured(&self, q: usize) -> Option<f64> {
        let (value, event) = self.quantities[q];
        event.map(|_| value)
    }

    /// A phase's status now, cheaply.
    pub fn phase_status(&self, p: usize) -> PhaseStatus {
        self.phases[p].status
    }

    /// A power's status now, cheaply.
    pub fn power_status(&self, p: usize) -> PowerStatus {
        self.powers[p].status
    }

    /// Whether a power's trigger holds now (it may hold while the power is invoked).
    pub fn power_trigger_holds(&self, p: usize) -> bool {
        self.powers[p].trigger_holds
    }

    /// An instrument's status now, cheaply.
    pub fn instrument_status(&self, i: usize) -> InstrumentStatus {
        self.instruments[i].status
    }

    /// A facility's recorded status now, cheaply.
    pub fn facility_status(&self, f: usize) -> FacilityStatus {
        self.facilities[f].status
    }

    /// Whether a party has withdrawn.
    pub fn has_withdrawn(&self, party: usize) -> bool {
        self.withdrawn[party].is_some()
    }

    /// The agreement's status now, cheaply.
    pub fn agreement_status(&self) -> AgreementStatus {
        self.agreement_status
    }

    /// A counter that changes whenever a status may have changed: a reader that cached
    /// statuses need not read them again while it stays the same.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// How many events of the log have been applied.
    pub fn events_applied(&self) -> usize {
        self.next_event
    }

    /// [`Machine::next_timer`], remembered until the version moves: timers are derived
    /// from state that only changes with the version, and a remembered timer still after
    /// the current day is still the earliest one after it. A simulator advancing month by
    /// month through quiet months then pays nothing to find that no timer fires.
    fn cached_next_timer(&mut self) -> Option<Date> {
        let (version, next) = self.timer_cache;
        if version == self.version && next.is_none_or(|d| d > self.day) {
            return next;
        }
        let next = self.next_timer();
        self.timer_cache = (self.version, next);
        next
    }

    /// The earliest day after the current one on which a timer fires.
    fn next_timer(&self) -> Option<Date> {
        let today = self.day;
        let mut next: Option<Date> = None;
        let mut consider = |d: Option<Date>| {
            if let Some(d) = d.filter(|d| *d > today) {
                next = Some(next.map_or(d, |n: Date| n.min(d)));
            }
        };
        if self.agreement_status != AgreementStatus::Terminated {
            consider(self.ag.spec.agreement.ends);
        }
        for power in &self.powers {
            if let Stage::Invoked { effect, .. } = power.stage {
                consider(Some(effect));
            }
        }
        for c in &self.commitments {
            if matches!(c.status, CommitmentStatus::Pending | CommitmentStatus::Overdue) {
                consider(c.due.and_then(|d| d.tomorrow().ok()));
            }
            if matches!(c.status, CommitmentStatus::Performed | CommitmentStatus::Fulfilled) {
                consider(c.term_ends);
            }
        }
        let upcoming = self.ag.condition_days.partition_point(|d| *d <= today);
        consider(self.ag.condition_days.get(upcoming).copied());
        next
    }

    fn fire_timers(&mut self) {
        let day = self.day;
        if self.ag.spec.agreement.ends == Some(day) && self.agreement_status != AgreementStatus::Terminated {
            self.terminate(Reason::new(day, format!("the agreement ended on {day}, its end date")), true);
        }
        for p in 0..self.powers.len() {
            if let Stage::Invoked { effect, by, event } = self.powers[p].stage {
                if effect == day {
                    self.exercise(p, by, event);
                }
            }
        }
        for i in 0..self.commitments.len() {
            let c = &self.commitments[i];
            let lapsed = matches!(c.status, CommitmentStatus::Pending | CommitmentStatus::Overdue)
                && c.due.and_then(|d| d.tomorrow().ok()) == Some(day);
            if lapsed {
                self.time_out(i);
            }
            let c = &self.commitments[i];
            let term = c.term_ends;
            if term == Some(day)
                && matches!(c.status, CommitmentStatus::Performed | CommitmentStatus::Fulfilled)
            {
                let lasts = self.ag.commitments[i].lasts.map(|l| l.to_string()).unwrap_or_default();
                self.commitments[i].released =
                    Some(Box::new(Reason::new(day, format!("held for its full term of {lasts}"))));
            }
        }
    }

    fn time_out(&mut self, i: usize) {
        let day = self.day;
        let c = &self.commitments[i];
        let (Some(due), Some(owed)) = (c.due, c.owed) else { return };
        let spec = &self.ag.commitments[i];
        let what = format!(
            "due on {due} ({} after it became owed on {owed}) but not performed",
            spec.due.map(|d| d.to_string()).unwrap_or_default()
        );
        let phase_id = self.ag.spec.phase[spec.phase].id.clone();
        let outcome = if c.extended { Some(Timeout::Violated) } else { spec.on_timeout };
        let c = &mut self.commitments[i];
        match outcome {
            Some(Timeout::Violated) | None => {
                c.violated = Some(Box::new(
                    Reason::new(day, format!("{what}; the deadline's outcome is a violation"))
                        .cause(phase_id),
                ));
                c.missed_deadline = true;
            }
            Some(Timeout::Discharged) => {
                c.discharged = Some(Box::new(
                    Reason::new(day, format!("{what}; the obligation lapsed without fault")).cause(phase_id),
                ));
            }
            Some(Timeout::Extended(by)) => {
                c.extended = true;
                c.overdue_since = Some(day);
                c.due = by.after(due);
            }
        }
    }

    // ---- events -------------------------------------------------------------------

    fn note(&mut self, event: &Act, text: impl Into<String>) {
        self.notes.push(Note { event: event.index, text: text.into() });
    }

    /// Applies one event; `false` when it cannot have changed any derived status (it was
    /// only noted, or it measured a quantity nothing reads), so settling can be skipped.
    fn apply(&mut self, event: &Act) -> bool {
        let notes_before = self.notes.len();
        let day = event.date;
        // Borrowed from the agreement, not the machine: no copy per event.
        let ag = self.ag;
        let actor = ag.spec.party[event.actor].id.as_str();
        if self.agreement_status == AgreementStatus::Terminated {
            self.note(event, "the agreement had terminated; recorded only");
            return false;
        }
        // A party that has left can no longer act under the agreement, but it can still
        // impose or lift its own instruments outside it (the US did in 2018).
        let outside = matches!(event.kind, EventKind::Imposed | EventKind::Lifted);
        if self.withdrawn[event.actor].is_some() && !outside {
            self.note(event, format!("`{actor}` had withdrawn; recorded only"));
            return false;
        }
        match (event.kind, event.subject) {
            (EventKind::Performed, Subject::Commitment(c)) => {
                let slot = self.ag.commitments[c].by.iter().position(|&p| p == event.actor);
                match slot.map(|s| &mut self.commitments[c].performed[s]) {
                    Some(record @ None) => *record = Some((day, event.index)),
                    _ => self
                        .note(event, format!("`{actor}` had already performed it; repeated report ignored")),
                }
            }
            (EventKind::Verified, Subject::Commitment(c)) => {
                if self.commitments[c].verified.is_none() {
                    self.commitments[c].verified = Some((day, event.index));
                } else {
                    self.note(event, "already verified; repeated verification ignored");
                }
            }
            (EventKind::Violation, Subject::Commitment(c)) => {
                if self.commitments[c].owed.is_some() && !self.commitments[c].status.is_terminal() {
                    self.commitments[c].alleged = Some(event.index);
                } else {
                    self.note(
                        event,
                        "violation claimed while the commitment was not owed or already final; recorded only",
                    );
                }
            }
            (EventKind::ViolationVerified, Subject::Commitment(c)) => {
                if self.commitments[c].owed.is_some() && !self.commitments[c].status.is_terminal() {
                    let text =
                        format!("violation verified by `{actor}` on {day} ({})", event_ref(event.index));
                    self.commitments[c].violated = Some(Box::new(Reason::new(day, text).event(event.index)));
                } else {
                    self.note(event, "violation verified while the commitment was not owed or already final; recorded only");
                }
            }
            (EventKind::Measured, Subject::Quantity(q)) => return self.measure(event, q),
            (EventKind::Invoked, Subject::Power(p)) => self.invoke(event, p),
            (EventKind::Resolved, Subject::Power(p)) => self.resolve_power(event, p),
            (EventKind::Resolved, Subject::Commitment(c)) => {
                let record = &mut self.commitments[c];
                if record.missed_deadline {
                    self.note(
                        event,
                        "a missed deadline cannot be resolved; only an extension before it passes avoids it",
                    );
                } else if record.alleged.is_none() && record.violated.is_none() {
                    self.note(event, "nothing to resolve: no violation was claimed or established");
                } else {
                    record.alleged = None;
                    record.violated = None;
                }
            }
            (EventKind::Withdrew, _) => {
                let reason =
                    Reason::new(day, format!("`{actor}` withdrew on {day} ({})", event_ref(event.index)))
                        .event(event.index);
                self.withdraw(event.actor, reason);
            }
            (EventKind::Imposed, Subject::Instrument(i)) => {
                let text = format!(
                    "imposed again by `{actor}` outside the agreement on {day} ({})",
                    event_ref(event.index)
                );
                self.set_instrument(
                    i,
                    InstrumentStatus::InForce,
                    None,
                    Reason::new(day, text).event(event.index),
                );
            }
            (EventKind::Lifted, Subject::Instrument(i)) => {
                let text = format!(
                    "lifted by `{actor}` outside the agreement on {day} ({})",
                    event_ref(event.index)
                );
                self.set_instrument(
                    i,
                    InstrumentStatus::Lifted,
                    None,
                    Reason::new(day, text).event(event.index),
                );
            }
            (EventKind::Extended, Subject::Commitment(c)) => {
                let days = event.value.unwrap_or(0.0) as u32;
                match self.commitments[c].due.and_then(|d| Duration::days(days).after(d)) {
                    Some(new_due) if !self.commitments[c].status.is_terminal() => {
                        self.commitments[c].due = Some(new_due)
                    }
                    _ => self.note(event, "extension of a commitment with no running deadline; ignored"),
                }
            }
            _ => self.note(event, "event does not apply to its subject; ignored"),
        }
        self.notes.len() == notes_before
    }

    /// Records a measurement; `true` when it may change a status (it crossed a cap in
    /// effect, or a condition reads the quantity).
    fn measure(&mut self, event: &Act, q: usize) -> bool {
        let day = event.date;
        let value = event.value.unwrap_or_default();
        let actor = &self.ag.spec.party[event.actor];
        self.quantities[q] = (value, Some(event.index));
        let by_verifier = actor.role == Role::Verifier;
        let mut crossed = false;
        for c in 0..self.commitments.len() {
            let cap = self.ag.commitments[c]
                .limits
                .iter()
                .find(|(quantity, _)| *quantity == q)
                .map(|(_, max)| *max);
            let in_effect = matches!(
                self.commitments[c].status,
                CommitmentStatus::Performed | CommitmentStatus::Fulfilled
            );
            let Some(max) = cap.filter(|max| value > *max && in_effect) else { continue };
            crossed = true;
            if by_verifier {
                let quantity = &self.ag.spec.quantity[q].id;
                let text = format!(
                    "`{quantity}` measured at {value}, above the cap of {max}, by `{}` on {day}",
                    actor.id
                );
                self.commitments[c].violated =
                    Some(Box::new(Reason::new(day, text).event(event.index).cause(quantity.clone())));
            } else {
                self.commitments[c].alleged = Some(event.index);
            }
        }
        crossed || self.ag.quantity_read[q]
    }

    fn invoke(&mut self, event: &Act, p: usize) {
        let invocable = self.powers[p].trigger_holds
            && matches!(self.powers[p].stage, Stage::Idle | Stage::Cancelled { .. });
        if !invocable {
            self.note(event, "invoked while its trigger did not hold or while already invoked; ignored");
            return;
        }
        self.start_invocation(p, event.actor, Some(event.index));
    }

    fn start_invocation(&mut self, p: usize, by: usize, event: Option<usize>) {
        let day = self.day;
        let effect = self.ag.powers[p].notice.and_then(|n| n.after(day)).unwrap_or(day);
        self.powers[p].stage = Stage::Invoked { effect, by, event };
        if effect == day {
            self.exercise(p, by, event);
        }
    }

    fn resolve_power(&mut self, event: &Act, p: usize) {
        match self.powers[p].stage {
            Stage::Invoked { .. } if self.ag.powers[p].cancellable => {
                self.powers[p].stage = Stage::Cancelled { on: event.date }
            }
            Stage::Invoked { .. } => self.note(event, "this power cannot be cancelled; resolution ignored"),
            _ => self.note(event, "nothing to cancel: the power is not invoked"),
        }
    }

    fn exercise(&mut self, p: usize, by: usize, event: Option<usize>) {
        let day = self.day;
        let power = &self.ag.powers[p];
        let id = self.ag.spec.power[p].id.clone();
        self.powers[p].stage = Stage::Exercised { on: day, event };
        let mut because = Reason::new(day, format!("power `{id}` took effect on {day}")).cause(id.clone());
        if let Some(e) = event {
            because = because.event(e);
        }
        match power.kind {
            PowerKind::Snapback => {
                let targets: Vec<usize> = match &power.restores {
                    Some(list) => list.clone(),
                    None => (0..self.instruments.len())
                        .filter(|&i| self.instruments[i].status == InstrumentStatus::Relieved)
                        .collect(),
                };
                for i in targets {
                    let text = format!("re-imposed by snap-back `{id}` on {day}");
                    self.set_instrument(
                        i,
                        InstrumentStatus::ReImposed,
                        None,
                        Reason { text, ..because.clone() },
                    );
                }
                self.suspend_listed(p, &because);
            }
            PowerKind::Suspend => self.suspend_listed(p, &because),
            PowerKind::Withdraw => {
                let party = self.ag.spec.party[by].id.clone();
                let text = format!("`{party}` withdrew through power `{id}` on {day}");
                self.withdraw(by, Reason { text, ..because });
            }
        }
    }

    fn suspend_listed(&mut self, p: usize, because: &Reason) {
        let power = &self.ag.powers[p];
        let id = &self.ag.spec.power[p].id;
        let text = format!("suspended by `{id}` on {}", because.since);
        for &ph in &power.suspends_phases {
            self.phases[ph].status = PhaseStatus::Suspended;
            self.version += 1;
            self.phases[ph].reason = Reason { text: text.clone(), ..because.clone() };
            for &c in &self.ag.phases[ph].commitments {
                self.commitments[c]
                    .suspended
                    .get_or_insert_with(|| Box::new(Reason { text: text.clone(), ..because.clone() }));
            }
        }
        for &c in &power.suspends_commitments {
            self.commitments[c]
                .suspended
                .get_or_insert_with(|| Box::new(Reason { text: text.clone(), ..because.clone() }));
        }
    }

    fn withdraw(&mut self, party: usize, reason: Reason) {
        if self.withdrawn[party].is_some() {
            return;
        }
        self.withdrawn[party] = Some(reason.since);
        self.version += 1;
        for (c, spec) in self.ag.commitments.iter().enumerate() {
            let record = &self.commitments[c];
            let done_deed =
                spec.kind == CommitmentKind::Action && record.status == CommitmentStatus::Fulfilled;
            if spec.by.contains(&party) && !record.status.is_terminal() && !done_deed {
                self.commitments[c].terminated.get_or_insert_with(|| Box::new(reason.clone()));
            }
        }
        let remaining = self.ag.signatories().filter(|&s| self.withdrawn[s].is_none()).count();
        if remaining < 2 {
            let text = format!("{}; fewer than two signatories remain", reason.text);
            self.terminate(Reason { text, ..reason }, false);
        }
    }

    /// Ends the agreement: open commitments are discharged (at its end date) or
    /// terminated (by withdrawal).
    fn terminate(&mut self, reason: Reason, ended: bool) {
        self.agreement_status = AgreementStatus::Terminated;
        self.agreement_reason = reason.clone();
        for c in 0..self.commitments.len() {
            let record = &mut self.commitments[c];
            let done = matches!(record.status, CommitmentStatus::Fulfilled | CommitmentStatus::Released)
                && self.ag.commitments[c].kind == CommitmentKind::Action;
            if record.status.is_terminal() || done {
                continue;
            }
            if ended {
                record.discharged.get_or_insert_with(|| Box::new(reason.clone()));
            } else {
                record.terminated.get_or_insert_with(|| Box::new(reason.clone()));
            }
        }
    }

    fn set_instrument(&mut self, i: usize, status: InstrumentStatus, by: Option<usize>, reason: Reason) {
        let old = self.instruments[i].status;
        if old != status && self.timeline.is_some() {
            let id = self.ag.spec.instrument[i].id.clone();
            self.record_change("instrument", id, old.words(), status.words(), reason.clone());
        }
        self.instruments[i] = Instrument { status, relieved_by: by, reason };
        self.version += 1;
    }
}
