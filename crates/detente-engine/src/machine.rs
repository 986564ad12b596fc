//! The replay machine: the one implementation of `docs/semantics.md`.
//!
//! The machine walks forward in time, visiting only days on which something can
//! change: a timer fires (agreement end, a notice period ending, a deadline passing, a
//! `lasts` term ending, a date in a condition) or an event is dated. On each such day
//! it fires timers, settles, then applies that day's events one by one, settling after
//! each. Settling re-derives statuses until nothing changes.
//!
//! The modules split the work: `events` applies one event, `settle` re-derives statuses
//! and evaluates conditions, `reasons` puts a commitment's status into words, `view`
//! builds the answer.

use std::collections::HashMap;

use detente_spec::model::{Category, CommitmentKind, EventKind, FacilityStatus, PowerKind, Timeout};
use detente_spec::time::{Date, Duration};

use crate::compiled::Agreement;
use crate::log::{validate_draft, Draft, Event, Events, Precision, Problem, Subject};
use crate::state::*;
use incremental::{Dirty, Records, Tallies};

mod events;
mod incremental;
mod reasons;
mod settle;
mod view;

/// A claim of violation that stands.
#[derive(Clone, Debug)]
struct Allegation {
    /// The claiming event.
    event: usize,
    /// Its date.
    date: Date,
    /// The claimant.
    by: usize,
    /// The parties accused.
    against: Vec<usize>,
    /// Later claims while it stood: cited beside it, the first date kept.
    again: Vec<usize>,
}

/// What suspended a commitment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SuspendedBy {
    /// A power the agreement provides (snap-back or suspension).
    Power(usize),
    /// Its `while` condition stopped holding.
    While,
    /// A bound party, on its own: the agreement provides no such suspension.
    Party(usize),
}

impl SuspendedBy {
    /// Whether the agreement provides for the suspension. Only such a suspension stops
    /// deadlines: a party cannot escape a deadline by suspending its own performance.
    fn provided(self) -> bool {
        !matches!(self, SuspendedBy::Party(_))
    }
}

/// One suspension of a commitment, with why.
#[derive(Clone, Debug)]
struct Suspension {
    by: SuspendedBy,
    reason: Reason,
}

/// An established breach: who is at fault, how and when it was established.
#[derive(Clone, Debug)]
struct Breach {
    kind: BreachKind,
    reason: Reason,
    /// The parties at fault.
    parties: Vec<usize>,
}

/// What the machine keeps about a commitment. Its status is derived from these facts
/// (see `settle::derive_status`); breaches and claims are kept beside the status, so a
/// suspension or a termination never hides them.
#[derive(Clone, Debug)]
struct Commitment {
    owed: Option<Date>,
    /// Each bound party's performance (date, event), in the order of `by`.
    performed: Vec<Option<(Date, usize)>>,
    /// Each bound party's leaving its part unperformed (it withdrew, or renounced the
    /// commitment), in the order of `by`: the others still owe theirs.
    left: Vec<Option<Box<Reason>>>,
    /// Whether a party renounced its part (the agreement then reads "partly renounced").
    renounced: bool,
    verified: Option<(Date, usize)>,
    due: Option<Date>,
    extended: bool,
    /// Days of the deadline that remained when a suspension stopped it running.
    tolled: Option<i32>,
    allegation: Option<Allegation>,
    /// The accused party's event contesting the standing claim or breach.
    disputed: Option<usize>,
    /// A missed deadline: never undone, even by late performance.
    /// (Final-status facts are boxed: they are rarely set, and unboxed they made each
    /// record span many cache lines on the engine's hottest loop.)
    missed: Option<Box<Breach>>,
    /// A verified violation or an exceeded cap, until resolved.
    violation: Option<Box<Breach>>,
    /// Suspensions in force (by a power, by its `while`, or by a party on its own).
    suspensions: Vec<Suspension>,
    discharged: Option<Box<Reason>>,
    released: Option<Box<Reason>>,
    terminated: Option<Box<Reason>>,
    in_effect_since: Option<Date>,
    /// When a continuing commitment's `lasts` term ends, computed once it is in effect.
    term_ends: Option<Date>,
    overdue_since: Option<Date>,
    status: CommitmentStatus,
    /// The facts shown beside the status when it was last derived (see `Flags`).
    flags: u8,
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
    /// While every commitment of it is suspended or has ended by its parties' own acts
    /// (no power suspending it), it reads suspended; this is the status to return to.
    held: Option<PhaseStatus>,
}

#[derive(Clone, Debug)]
struct Instrument {
    status: InstrumentStatus,
    relieved_by: Option<usize>,
    /// The snap-back that re-imposed it and the commitment that had relieved it, so that
    /// relief can return if the snap-back is reversed (`resumes_when`).
    reimposed: Option<(usize, Option<usize>)>,
    reason: Reason,
}

#[derive(Clone, Debug)]
struct Facility {
    status: FacilityStatus,
    reason: Reason,
}

/// The replay machine over one agreement and log. It owns what it reads (both are
/// shared handles), so it can be kept, cloned and sent anywhere.
#[derive(Clone)]
pub struct Machine {
    ag: Agreement,
    /// The log: shared with the replay or simulation that gave it, copied on the first
    /// push if another holder shares it.
    events: Events,
    /// The last applied event, kept while the machine is detached from its log
    /// ([`Machine::detach_events`]) so that resuming can check the log continues it.
    detached_last: Option<Box<Event>>,
    day: Date,
    next_event: usize,
    /// Every write to a record marks it touched (see `incremental`).
    commitments: Records,
    phases: Vec<Phase>,
    powers: Vec<Power>,
    instruments: Vec<Instrument>,
    /// Each quantity's recorded value and the measuring event, if any (the reason is
    /// built only when a state is read: measurements are the bulk of any log).
    quantities: Vec<(f64, Option<usize>)>,
    facilities: Vec<Facility>,
    /// The status a commitment's `sets` replaced, to restore when it stops being in effect.
    replaced: HashMap<(usize, usize), FacilityStatus>,
    /// For each party, when and why it withdrew.
    withdrawn: Vec<Option<Reason>>,
    /// For each party, when and why it suspended its whole participation (on its own).
    participation_suspended: Vec<Option<Reason>>,
    /// For each amendment, when it took effect and by which event.
    amendments: Vec<Option<(Date, Option<usize>)>>,
    /// The agreement's end date, as extended.
    ends: Option<Date>,
    /// The last day on which some commitment changed status (for "stalled").
    last_movement: Date,
    agreement_status: AgreementStatus,
    agreement_reason: Reason,
    notes: Vec<Note>,
    timeline: Option<Vec<Transition>>,
    /// With a timeline: each commitment's status in words as last recorded, so that a
    /// change of what stands beside a status (a second suspender) is a change too.
    described: Vec<Option<String>>,
    /// Bumped by every change a status could depend on (see [`Machine::version`]).
    version: u64,
    /// What each pass of `settle` must examine again (see `incremental`).
    dirty: Dirty,
    /// Counts of commitments' facts, for reading aggregates at no cost.
    tallies: Tallies,
    /// The next timer and the version it was computed at (see `cached_next_timer`).
    timer_cache: (u64, Option<Date>),
    /// A lean machine keeps statuses but not the words of their reasons (see
    /// [`Machine::live_lean`]).
    lean: bool,
    /// Whether to check every settle against a full one (see `checking_incremental`).
    check_incremental: bool,
}

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
    against: Option<usize>,
    until: Option<Date>,
    /// How precisely the record dates it.
    precision: Precision,
}

impl From<&Event> for Act {
    fn from(e: &Event) -> Act {
        Act {
            index: e.index,
            date: e.date,
            actor: e.actor,
            kind: e.kind,
            subject: e.subject,
            value: e.value,
            against: e.against,
            until: e.until,
            precision: e.precision,
        }
    }
}

fn event_ref(index: usize) -> String {
    format!("event #{}", index + 1)
}

impl Machine {
    /// When an event happened, as the record dates it: "on 2002-12-22", or "in 2002-12
    /// (day unknown)".
    pub(crate) fn when(&self, e: usize) -> String {
        let event = &self.events[e];
        on_date(event.date, event.precision)
    }
}

/// "on 2002-12-22", or "in 2002-12 (day unknown)" for an event dated to the month.
fn on_date(date: Date, precision: Precision) -> String {
    match precision {
        Precision::Day => format!("on {date}"),
        Precision::Month => format!("in {:04}-{:02} (day unknown)", date.year(), date.month()),
        Precision::Year => format!("in {:04} (month unknown)", date.year()),
    }
}

/// Whether a commitment's status has ended its life: nothing that happens to it later
/// changes its obligations (a violation can still be resolved).
fn ended(status: CommitmentStatus) -> bool {
    matches!(status, CommitmentStatus::Terminated | CommitmentStatus::Discharged | CommitmentStatus::Released)
}

impl Machine {
    /// A machine at the adoption date, before anything has happened. With
    /// `record_timeline`, every status change is kept for [`Machine::timeline`].
    pub fn new(ag: &Agreement, events: &Events, record_timeline: bool) -> Machine {
        let mut machine = Machine::unsettled(ag, events, record_timeline);
        machine.settle();
        machine
    }

    /// The state of a signed agreement on a day before it took effect (`signed` <=
    /// `day` < `adopted`): nothing is owed yet and nothing has happened under it.
    pub fn before_adoption(ag: &Agreement, day: Date) -> State {
        let mut machine = Machine::unsettled(ag, &Events::default(), false);
        machine.day = day;
        machine.agreement_status = AgreementStatus::Signed;
        let signed = ag.spec.agreement.signed.unwrap_or(day);
        let text = format!("signed on {signed}; takes effect on {}", ag.spec.agreement.adopted);
        machine.agreement_reason = Reason::new(signed, text);
        machine.state()
    }

    /// The state before anything is derived, at adoption: every commitment inactive,
    /// as a timeline starts (tests compare the first transition with it).
    pub fn unsettled_state(ag: &Agreement) -> State {
        Machine::unsettled(ag, &Events::default(), false).state()
    }

    fn unsettled(ag: &Agreement, events: &Events, record_timeline: bool) -> Machine {
        let adopted = ag.spec.agreement.adopted;
        let start = |text: &str| Reason::new(adopted, text);
        let commitments: Vec<Commitment> = ag
            .commitments
            .iter()
            .map(|c| Commitment {
                owed: None,
                performed: vec![None; c.by.len()],
                left: vec![None; c.by.len()],
                renounced: false,
                verified: None,
                due: None,
                extended: false,
                tolled: None,
                allegation: None,
                disputed: None,
                missed: None,
                violation: None,
                suspensions: Vec::new(),
                discharged: None,
                released: None,
                terminated: None,
                in_effect_since: None,
                term_ends: None,
                overdue_since: None,
                status: CommitmentStatus::Inactive,
                flags: 0,
            })
            .collect();
        let deps = &ag.dependencies;
        let (n, phases, powers) = (commitments.len(), ag.phases.len(), ag.powers.len());
        let mut machine = Machine {
            ag: ag.clone(),
            events: events.clone(),
            detached_last: None,
            day: adopted,
            next_event: 0,
            commitments: Records::new(commitments),
            phases: ag
                .phases
                .iter()
                .map(|_| Phase {
                    opened: None,
                    status: PhaseStatus::Locked,
                    reason: start("not yet open"),
                    held: None,
                })
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
                    reimposed: None,
                    reason: match i.since {
                        Some(since) => Reason::new(since, format!("in force since {since}")),
                        None => Reason::new(adopted, "in force since a date the record does not give"),
                    },
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
            participation_suspended: vec![None; ag.spec.party.len()],
            amendments: vec![None; ag.amendments.len()],
            ends: ag.spec.agreement.ends,
            last_movement: adopted,
            agreement_status: AgreementStatus::InForce,
            agreement_reason: start(format!("adopted on {adopted}").as_str()),
            notes: Vec::new(),
            timeline: record_timeline.then(Vec::new),
            described: if record_timeline { vec![None; ag.commitments.len()] } else { Vec::new() },
            version: 1,
            dirty: Dirty::new(n, phases, powers),
            tallies: Tallies::new(n, deps.memberships.len(), deps.aggregates.len(), phases),
            timer_cache: (0, None),
            lean: false,
            check_incremental: false,
        };
        // Nothing has been examined yet.
        machine.mark_all();
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
            self.day_changed();
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
    pub fn live(ag: &Agreement, record_timeline: bool) -> Machine {
        Machine::new(ag, &Events::default(), record_timeline)
    }

    /// A live machine for simulators, which read statuses and never the reasons: it
    /// derives exactly the same statuses as [`Machine::live`] (a property test checks
    /// it) but does not compose the text of phase, power, instrument and facility
    /// reasons, which would cost an allocation at every change. The reasons of a state
    /// read from it are not meaningful.
    pub fn live_lean(ag: &Agreement) -> Machine {
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
        self.events.reserve(additional);
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
        self.push_against(date, actor, kind, subject, value, None)
    }

    /// [`Machine::push`] for a violation claimed or verified against one bound party
    /// (`against` in a log line).
    pub fn push_against(
        &mut self,
        date: Date,
        actor: usize,
        kind: EventKind,
        subject: Subject,
        value: Option<f64>,
        against: Option<usize>,
    ) -> Result<usize, Problem> {
        let mut draft = Draft::new(actor, kind, subject);
        draft.value = value;
        draft.against = against;
        self.push_event(date, draft)
    }

    /// Appends an event with every field a log line can have, checked as a log line is.
    pub fn push_event(&mut self, date: Date, draft: Draft) -> Result<usize, Problem> {
        let last = self.events.last().map_or(self.day, |e| e.date.max(self.day));
        if date < last {
            return Err(Problem {
                message: format!("{date} is before {last}, where the machine already is"),
                help: Some("push events in date order, and before advancing past their date".into()),
                field: Some("date"),
            });
        }
        validate_draft(&self.ag, &draft, date)?;
        let index = self.events.len();
        let event = Event {
            index,
            line: 0,
            id: None,
            date,
            actor: draft.actor,
            kind: draft.kind,
            subject: draft.subject,
            value: draft.value,
            against: draft.against,
            matter: draft.matter,
            until: draft.until,
            precision: draft.precision,
            source: None,
        };
        self.events.push(event);
        Ok(index)
    }

    /// Continues on another log that begins with the events this machine has applied
    /// and goes on differently (a history to which events were appended, perhaps
    /// back-dated to after the machine's day): what lets a live history keep its
    /// checkpoints. Refused when the new log does not keep the applied events in
    /// place, or puts an event it has not applied before its day (the last applied
    /// event is compared, not all: callers keep the prefix, this catches the mistake
    /// of not doing so). A machine that has advanced through day `D` must not resume on
    /// a log with new events dated `D`: they would be applied after the day's timers.
    pub fn resume_on(&mut self, events: &Events) -> Result<(), Problem> {
        let applied = self.next_event;
        let last_applied = self.events.get(applied.wrapping_sub(1)).or(self.detached_last.as_deref());
        let kept = events.len() >= applied
            && (applied == 0 || events.get(applied - 1) == last_applied)
            && events.get(applied).is_none_or(|next| next.date >= self.day);
        if !kept {
            return Err(Problem {
                message: format!("the log does not continue the {applied} events this machine has applied"),
                help: Some(
                    "resume a machine only on a log that keeps the events it has applied, in place".into(),
                ),
                field: None,
            });
        }
        self.events = events.clone();
        self.detached_last = None;
        Ok(())
    }

    /// Lets go of the log, keeping only the last applied event (what
    /// [`Machine::resume_on`] checks): a machine kept as a checkpoint then does not
    /// share the log, so that appending to the log does not copy it. A detached machine
    /// must be resumed on a log before it advances or explains anything.
    pub fn detach_events(&mut self) {
        let last = self.next_event.checked_sub(1).and_then(|i| self.events.get(i));
        self.detached_last = last.cloned().map(Box::new);
        self.events = Events::default();
    }

    /// The agreement the machine runs.
    pub fn agreement(&self) -> &Agreement {
        &self.ag
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

    /// The day commitment `c` became owed (its `when` held and its phase was open), if it
    /// has: what a party's time to perform it is counted from.
    pub fn owed_since(&self, c: usize) -> Option<Date> {
        self.commitments[c].owed
    }

    /// Whether a breach of commitment `c` stands at `party`'s fault and is not remedied
    /// (a verified violation not yet resolved, or a deadline it missed and has still not
    /// made good): what `unremedied(any of P)` reads, one commitment at a time.
    pub fn unremedied(&self, c: usize, party: usize) -> bool {
        self.holds(detente_spec::condition::Predicate::Unremedied, c, Some(party))
    }

    /// The day the earliest breach of commitment `c` that still stands was established
    /// (a missed deadline on the day after it, a verified violation on its event's day).
    pub fn breach_since(&self, c: usize) -> Option<Date> {
        let record = &self.commitments[c];
        let missed = record.missed.as_ref().map(|b| b.reason.since);
        let violation = record.violation.as_ref().map(|b| b.reason.since);
        missed.into_iter().chain(violation).min()
    }

    /// The next day after the current one on which a timer fires (a deadline, a notice,
    /// a term, the agreement's end), if any: a driver that must see what each day
    /// brings (a simulator answering a missed deadline on its day) advances to it.
    pub fn upcoming_timer(&mut self) -> Option<Date> {
        self.cached_next_timer()
    }

    /// The first access clause of commitment `c`'s verification whose condition holds
    /// today, if any: which detection applies to an inspection today. The clauses are
    /// the agreement's (`verification.access`), and so are their probabilities.
    pub fn access_clause(&self, c: usize) -> Option<usize> {
        self.ag.commitments[c].access.iter().position(|cond| self.eval(cond))
    }

    /// Whether commitment `c` has ever been in effect (performed or fulfilled; a
    /// continuing commitment without a deadline is from the day it is owed), whatever
    /// its status now: a measure found in breach had taken effect, a missed deadline had
    /// not.
    pub fn took_effect(&self, c: usize) -> bool {
        self.commitments[c].in_effect_since.is_some()
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

    /// Whether the agreement has broken down: a signatory has withdrawn (whether or not
    /// the agreement goes on without it), or the agreement was terminated before its end
    /// (as against expired on its end date). What the simulator counts as a breakdown
    /// and the backtest reads in a real history.
    pub fn has_broken_down(&self) -> bool {
        self.ag.signatories().any(|p| self.has_withdrawn(p))
            || self.agreement_status == AgreementStatus::Terminated
    }

    /// Whether the agreement has stopped: broken down, or collapsed (nothing owed moves
    /// any more).
    pub fn has_stopped(&self) -> bool {
        self.agreement_status == AgreementStatus::Collapsed || self.has_broken_down()
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
        // The stall timer reads the tallies.
        self.sync();
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
        if !self.agreement_status.is_over() {
            consider(self.ends.and_then(|d| d.tomorrow().ok()));
        }
        for power in &self.powers {
            if let Stage::Invoked { effect, .. } = power.stage {
                consider(Some(effect));
            }
        }
        for (i, c) in self.commitments.iter().enumerate() {
            if self.deadline_runs(i) {
                consider(c.due.and_then(|d| d.tomorrow().ok()));
            }
            if matches!(c.status, CommitmentStatus::Pending | CommitmentStatus::Overdue) {
                consider(self.notice_ends(i));
            }
            if c.status.is_in_effect() {
                consider(c.term_ends);
            }
        }
        for (a, amendment) in self.ag.amendments.iter().enumerate() {
            if self.amendments[a].is_none() {
                consider(amendment.effective);
            }
        }
        for succession in self.ag.succeeds.iter().flatten() {
            consider(Some(succession.1));
        }
        if let Some(stalls) = self.stalls_on() {
            consider(Some(stalls));
        }
        let upcoming = self.ag.condition_days.partition_point(|d| *d <= today);
        consider(self.ag.condition_days.get(upcoming).copied());
        next
    }

    fn fire_timers(&mut self) {
        let day = self.day;
        // The end date is the last day in force, as a due date is the last day in time.
        let ended = self.ends.filter(|e| e.tomorrow().ok() == Some(day));
        if let (Some(last), false) = (ended, self.agreement_status.is_over()) {
            let text = format!("the agreement expired after {last}, its last day in force");
            self.terminate(Reason::new(day, text), true);
        }
        for a in 0..self.amendments.len() {
            if self.amendments[a].is_none() && self.ag.amendments[a].effective == Some(day) {
                self.take_effect(a, None);
            }
        }
        for party in 0..self.ag.succeeds.len() {
            if let Some((predecessor, on)) = self.ag.succeeds[party].filter(|s| s.1 == day) {
                self.record_succession(party, predecessor, on);
            }
        }
        // Once the agreement has ended, nothing takes effect under it any more.
        let over = self.agreement_status.is_over();
        for p in (0..self.powers.len()).filter(|_| !over) {
            if let Stage::Invoked { effect, by, event } = self.powers[p].stage {
                if effect == day {
                    self.exercise(p, by, event);
                }
            }
        }
        for i in 0..self.commitments.len() {
            let c = &self.commitments[i];
            let lapsed = self.deadline_runs(i) && c.due.and_then(|d| d.tomorrow().ok()) == Some(day);
            if lapsed {
                self.time_out(i);
            }
            let c = &self.commitments[i];
            let term = c.term_ends;
            if term == Some(day) && c.status.is_in_effect() {
                let lasts = self.ag.commitments[i].lasts.map(|l| l.to_string()).unwrap_or_default();
                self.commitments[i].released =
                    Some(Box::new(Reason::new(day, format!("held for its full term of {lasts}"))));
            }
        }
    }

    /// Whether a commitment's deadline is running: it is owed and not yet performed by
    /// every bound party (performance in time counts even if a notice period delays
    /// its effect), it has not ended or been found in breach, and no suspension the
    /// agreement provides for has stopped it (that one takes the deadline away, tolled).
    /// A party's own suspension does not stop it.
    pub(super) fn deadline_runs(&self, c: usize) -> bool {
        let r = &self.commitments[c];
        r.due.is_some()
            && r.owed.is_some()
            && self.outstanding(c)
            && r.missed.is_none()
            && r.violation.is_none()
            && r.terminated.is_none()
            && r.discharged.is_none()
            && r.released.is_none()
            && r.status != CommitmentStatus::Inactive
    }

    /// A deadline passed without performance: its outcome applies. A missed deadline
    /// is blamed on the bound parties that had not performed their part.
    fn time_out(&mut self, i: usize) {
        let day = self.day;
        let c = &self.commitments[i];
        let (Some(due), Some(owed)) = (c.due, c.owed) else { return };
        let spec = &self.ag.commitments[i];
        let outcome = if c.extended { Some(Timeout::Violated) } else { spec.on_timeout };
        let defaulters: Vec<usize> = (0..spec.by.len())
            .filter(|&slot| c.performed[slot].is_none() && c.left[slot].is_none())
            .map(|slot| self.answering(spec.by[slot]))
            .collect();
        let phase_id = self.ag.spec.phase[spec.phase].id.clone();
        let what = || {
            let mut what = match spec.due {
                Some(detente_spec::model::Due::After(d)) => {
                    format!("due on {due} ({d} after it became owed on {owed}) and not performed by then")
                }
                _ => format!("due on {due} and not performed by then"),
            };
            if defaulters.len() < spec.by.len() {
                what.push_str(&format!(" by {}", self.party_list(&defaulters)));
            }
            what
        };
        match outcome {
            // A declaration cannot be violated by a deadline (the checker refuses the
            // outcome); should one pass, it lapses.
            _ if !spec.binding => {
                let text = format!("{}; a declaration, it lapsed without fault", what());
                self.commitments[i].discharged = Some(Box::new(Reason::new(day, text).cause(phase_id)));
            }
            Some(Timeout::Violated) | None => {
                let text = format!("{}; the deadline's outcome is a violation", what());
                let reason = Reason::new(day, text).cause(phase_id);
                let breach = Breach { kind: BreachKind::MissedDeadline, reason, parties: defaulters };
                self.commitments[i].missed = Some(Box::new(breach));
            }
            Some(Timeout::Discharged) => {
                let text = format!("{}; the obligation lapsed without fault", what());
                self.commitments[i].discharged = Some(Box::new(Reason::new(day, text).cause(phase_id)));
            }
            Some(Timeout::Extended(by)) => {
                let c = &mut self.commitments[i];
                c.extended = true;
                c.overdue_since = Some(day);
                // Past the calendar's end a deadline falls on its last day, never vanishes.
                c.due = Some(by.after(due).unwrap_or(Date::MAX));
            }
        }
    }

    /// Party ids in backquotes, for reasons.
    fn party_list(&self, parties: &[usize]) -> String {
        parties.iter().map(|&p| format!("`{}`", self.ag.spec.party[p].id)).collect::<Vec<_>>().join(", ")
    }

    // ---- powers ---------------------------------------------------------------------

    fn start_invocation(&mut self, p: usize, by: usize, event: Option<usize>) {
        let day = self.day;
        let effect = self.ag.powers[p].notice.and_then(|n| n.after(day)).unwrap_or(day);
        self.set_stage(p, Stage::Invoked { effect, by, event });
        if effect == day {
            self.exercise(p, by, event);
        }
    }

    /// A power takes effect. Its own change of status is recorded first, so that the
    /// timeline reads cause before effect.
    fn exercise(&mut self, p: usize, by: usize, event: Option<usize>) {
        let day = self.day;
        let ag = self.ag.clone();
        let power = &ag.powers[p];
        let id = ag.spec.power[p].id.clone();
        self.set_stage(p, Stage::Exercised { on: day, event });
        self.derive_power(p);
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
                    let relieved_by = self.instruments[i].relieved_by;
                    self.set_instrument(
                        i,
                        InstrumentStatus::ReImposed,
                        None,
                        Reason { text, ..because.clone() },
                    );
                    self.instruments[i].reimposed = Some((p, relieved_by));
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

    /// Moves a power to a new stage; what reads its stage is examined again.
    fn set_stage(&mut self, p: usize, stage: Stage) {
        self.powers[p].stage = stage;
        self.power_changed(p);
    }

    fn suspend_listed(&mut self, p: usize, because: &Reason) {
        let ag = self.ag.clone();
        let power = &ag.powers[p];
        let id = &ag.spec.power[p].id;
        let text = format!("suspended by `{id}` on {}", because.since);
        for &ph in &power.suspends_phases {
            if self.phases[ph].status == PhaseStatus::Terminated {
                continue;
            }
            self.set_phase(ph, PhaseStatus::Suspended, Reason { text: text.clone(), ..because.clone() });
            for &c in &ag.phases[ph].commitments {
                self.suspend(c, SuspendedBy::Power(p), Reason { text: text.clone(), ..because.clone() });
            }
        }
        for &c in &power.suspends_commitments {
            self.suspend(c, SuspendedBy::Power(p), Reason { text: text.clone(), ..because.clone() });
        }
    }

    /// An exercised power's suspension ends (its `resumes_when` came to hold, or a holder
    /// recorded `resumed`): what it suspended resumes, and what a snap-back re-imposed is
    /// relieved again where the commitment that relieved it still stands.
    fn end_power_suspension(&mut self, p: usize, reason: Reason) {
        let ag = self.ag.clone();
        for &ph in &ag.powers[p].suspends_phases {
            if self.phases[ph].status == PhaseStatus::Suspended {
                let status =
                    if self.phases[ph].opened.is_some() { PhaseStatus::Open } else { PhaseStatus::Locked };
                let text = format!("resumed: {}", reason.text);
                self.phases[ph].held = None;
                self.set_phase(ph, status, Reason { text, ..reason.clone() });
            }
        }
        for c in 0..self.commitments.len() {
            self.resume(c, SuspendedBy::Power(p));
        }
        for i in 0..self.instruments.len() {
            let Some((by, relieved_by)) = self.instruments[i].reimposed else { continue };
            if by != p || self.instruments[i].status != InstrumentStatus::ReImposed {
                continue;
            }
            let still = relieved_by.filter(|&c| self.commitments[c].status.reads_as_fulfilled());
            let (status, text) = match still {
                Some(c) => (
                    InstrumentStatus::Relieved,
                    format!("relieved again by `{}`: {}", ag.spec.commitment[c].id, reason.text),
                ),
                None => {
                    (InstrumentStatus::InForce, format!("in force: the snap-back ended ({})", reason.text))
                }
            };
            let mut why = Reason { text, ..reason.clone() };
            if let Some(c) = still {
                // The relieving commitment is the first cause, as for any relief.
                why.causes.insert(0, ag.spec.commitment[c].id.clone());
            }
            self.set_instrument(i, status, still, why);
        }
        self.set_stage(p, Stage::Idle);
        self.version += 1;
    }

    /// Suspends a commitment. A suspension the agreement provides for (a power, its
    /// `while`) stops a running deadline: the days it had left are kept (tolled), so such
    /// a suspension never turns into a missed deadline. A party's own suspension does not.
    fn suspend(&mut self, c: usize, by: SuspendedBy, reason: Reason) {
        let day = self.day;
        let record = &self.commitments[c];
        if ended(record.status) || record.suspensions.iter().any(|s| s.by == by) {
            return;
        }
        let record = &mut self.commitments[c];
        let running = matches!(record.status, CommitmentStatus::Pending | CommitmentStatus::Overdue);
        if by.provided() && running && record.tolled.is_none() {
            if let Some(due) = record.due.take() {
                record.tolled = Some((due - day).get_days());
            }
        }
        record.suspensions.push(Suspension { by, reason });
        self.version += 1;
    }

    /// Ends the suspensions of one source. When none the agreement provides remains, a
    /// stopped deadline runs again with the days it had left.
    fn resume(&mut self, c: usize, by: SuspendedBy) -> bool {
        let day = self.day;
        if !self.commitments[c].suspensions.iter().any(|s| s.by == by) {
            return false;
        }
        let record = &mut self.commitments[c];
        record.suspensions.retain(|s| s.by != by);
        if !record.suspensions.iter().any(|s| s.by.provided()) {
            if let Some(left) = record.tolled.take() {
                record.due = Some(Duration::days(left.max(0).unsigned_abs()).after(day).unwrap_or(Date::MAX));
            }
        }
        self.version += 1;
        true
    }

    /// The signatories taking part now: not withdrawn, not succeeded, and successors
    /// only from their succession.
    fn participating(&self) -> usize {
        let day = self.day;
        self.ag
            .signatories()
            .filter(|&s| self.withdrawn[s].is_none())
            .filter(|&s| self.ag.succeeds[s].is_none_or(|(_, on)| on <= day))
            .filter(|&s| !self.ag.succeeds.iter().any(|x| x.is_some_and(|(p, on)| p == s && on <= day)))
            .count()
    }

    fn withdraw(&mut self, party: usize, reason: Reason) {
        if self.withdrawn[party].is_some() {
            return;
        }
        self.withdrawn[party] = Some(reason.clone());
        self.version += 1;
        // A power whose holders have all withdrawn is no longer available.
        self.dirty.powers.mark_all();
        if self.timeline.is_some() {
            let id = self.ag.spec.party[party].id.clone();
            let from = if self.participation_suspended[party].is_some() {
                "suspended its participation"
            } else {
                "participating"
            };
            self.record_change("party", id, from, "withdrawn", reason.clone());
        }
        for c in 0..self.commitments.len() {
            // A breach stands beside the termination: it is not undone by leaving.
            if self.binds(c, party) && !ended(self.commitments[c].status) && !self.is_done_deed(c) {
                let _ = self.leave_share(c, party, &reason);
            }
        }
        if self.ag.essential[party] {
            let id = &self.ag.spec.party[party].id;
            let text = format!("{}; `{id}` is essential to the agreement", reason.text);
            self.terminate(Reason { text, ..reason }, false);
        } else if self.participating() < 2 {
            let text = format!("{}; fewer than two signatories remain", reason.text);
            self.terminate(Reason { text, ..reason }, false);
        }
    }

    /// Whether commitment `c` binds `party`, directly or as the successor of a bound party.
    fn binds(&self, c: usize, party: usize) -> bool {
        let by = &self.ag.commitments[c].by;
        by.contains(&party)
            || self.ag.succeeds[party].is_some_and(|(p, on)| by.contains(&p) && on <= self.day)
    }

    /// Whether some bound party's part of a commitment is still owed: neither performed
    /// nor left (by withdrawing or renouncing).
    pub(super) fn outstanding(&self, c: usize) -> bool {
        let record = &self.commitments[c];
        record.performed.iter().zip(&record.left).any(|(done, left)| done.is_none() && left.is_none())
    }

    /// A bound party leaves its part of a commitment unperformed (it withdrew, or
    /// renounced it). A commitment binding several parties goes on for the others,
    /// who still owe their parts (five donors' aid, when one leaves); it ends
    /// (terminated) when no one is left to perform it, or when it is a joint act
    /// (`mutual`, a contract both must sign) that cannot be done without the leaver.
    ///
    /// A party's part of a continuing commitment (a restraint it keeps) can be left
    /// whether or not it was put in effect; its part of an action, once performed, is
    /// done and cannot be left: then nothing changes and this returns `false`.
    pub(super) fn leave_share(&mut self, c: usize, party: usize, reason: &Reason) -> bool {
        let Some(slot) = self.slot_of(c, party) else { return false };
        let spec = &self.ag.commitments[c];
        let continuing = spec.kind == CommitmentKind::Continuing;
        let single = spec.by.len() == 1;
        let joint = self.ag.spec.commitment[c].category == Category::Mutual && !continuing;
        let record = &mut self.commitments[c];
        if record.performed[slot].is_some() && !continuing {
            return false;
        }
        record.left[slot].get_or_insert_with(|| Box::new(reason.clone()));
        let nobody_left = record.left.iter().all(Option::is_some);
        if single || joint || nobody_left {
            record.terminated.get_or_insert_with(|| Box::new(reason.clone()));
        }
        self.version += 1;
        true
    }

    /// Who answers for a bound party's part now: its successor once it has taken the
    /// predecessor's place, else the party itself.
    pub(super) fn answering(&self, party: usize) -> usize {
        let day = self.day;
        self.ag
            .succeeds
            .iter()
            .position(|s| s.is_some_and(|(predecessor, on)| predecessor == party && on <= day))
            .unwrap_or(party)
    }

    /// The position in `by` whose part `party` performs: its own, or its predecessor's.
    fn slot_of(&self, c: usize, party: usize) -> Option<usize> {
        let by = &self.ag.commitments[c].by;
        by.iter().position(|&p| p == party).or_else(|| {
            let (predecessor, _) = self.ag.succeeds[party]?;
            by.iter().position(|&p| p == predecessor)
        })
    }

    /// Whether a commitment is a deed done: an action performed by every bound party and
    /// verified where required. Neither a suspension nor a withdrawal nor the
    /// agreement's end undoes it.
    pub(crate) fn is_done_deed(&self, c: usize) -> bool {
        let spec = &self.ag.commitments[c];
        let record = &self.commitments[c];
        spec.kind == CommitmentKind::Action
            && record.owed.is_some()
            && record.performed.iter().any(Option::is_some)
            && !self.outstanding(c)
            && (spec.verifier.is_none() || record.verified.is_some())
            && self.notice_ends(c).is_none_or(|effect| effect <= self.day)
    }

    /// Ends the agreement: open commitments are discharged (it expired on its end date)
    /// or terminated (a withdrawal ended it). Deeds done stay done.
    fn terminate(&mut self, reason: Reason, expired: bool) {
        let old = self.agreement_status;
        let status = if expired { AgreementStatus::Expired } else { AgreementStatus::Terminated };
        self.agreement_status = status;
        self.agreement_reason = reason.clone();
        self.version += 1;
        // Every pass reads whether the agreement is over.
        self.mark_all();
        if self.timeline.is_some() {
            let id = self.ag.spec.agreement.id.clone();
            self.record_change("agreement", id, old.words(), status.words(), reason.clone());
        }
        for c in 0..self.commitments.len() {
            let status = self.commitments[c].status;
            if ended(status) || self.is_done_deed(c) {
                continue;
            }
            let record = &mut self.commitments[c];
            if expired {
                record.discharged.get_or_insert_with(|| Box::new(reason.clone()));
            } else {
                record.terminated.get_or_insert_with(|| Box::new(reason.clone()));
            }
        }
    }

    /// An amendment takes effect: what it adds may open or become owed; what it
    /// replaces ends, superseded.
    fn take_effect(&mut self, a: usize, event: Option<usize>) {
        let day = self.day;
        self.amendments[a] = Some((day, event));
        self.version += 1;
        // What it adds now exists: phases, commitments, powers, and what they count in.
        self.mark_all();
        // A complete phase that this layer adds binding commitments to is open again
        // until they are done too.
        for p in 0..self.phases.len() {
            let gains = self.ag.phases[p]
                .commitments
                .iter()
                .any(|&c| self.ag.commitments[c].amendment == Some(a) && self.ag.commitments[c].binding);
            if gains && self.phases[p].status == PhaseStatus::Complete {
                let id = &self.ag.spec.amendment[a].id;
                let reason = Reason::new(
                    day,
                    format!("open again: amendment `{id}` added commitments to it on {day}"),
                )
                .cause(id.clone());
                self.set_phase(p, PhaseStatus::Open, reason);
            }
        }
        let ag = self.ag.clone();
        let id = &ag.spec.amendment[a].id;
        let mut reason = Reason::new(day, format!("amendment `{id}` took effect on {day}")).cause(id.clone());
        if let Some(e) = event {
            reason = reason.event(e);
        }
        if self.timeline.is_some() {
            self.record_change("amendment", id.clone(), "not in effect", "in effect", reason.clone());
        }
        for c in 0..self.commitments.len() {
            let Some(new) = ag.commitments[c].replaced_by else { continue };
            if ag.commitments[new].amendment != Some(a) || ended(self.commitments[c].status) {
                continue;
            }
            let text = format!("superseded by `{}` of amendment `{id}` on {day}", ag.spec.commitment[new].id);
            let superseded = Reason { text, ..reason.clone() }.cause(ag.spec.commitment[new].id.clone());
            self.commitments[c].discharged.get_or_insert_with(|| Box::new(superseded));
        }
    }

    /// Whether an item added by amendment `a` exists yet.
    fn in_effect(&self, a: Option<usize>) -> bool {
        a.is_none_or(|a| self.amendments[a].is_some())
    }

    fn record_succession(&mut self, party: usize, predecessor: usize, on: Date) {
        self.version += 1;
        if self.timeline.is_some() {
            let (id, old) = (&self.ag.spec.party[party].id, &self.ag.spec.party[predecessor].id);
            let reason =
                Reason::new(on, format!("`{id}` took the place of `{old}` on {on}")).cause(id.clone());
            self.record_change("party", old.clone(), "participating", &format!("succeeded by {id}"), reason);
        }
    }

    /// When a commitment performed in time takes effect after its notice period.
    fn notice_ends(&self, c: usize) -> Option<Date> {
        let notice = self.ag.commitments[c].notice?;
        if self.outstanding(c) {
            return None;
        }
        let last = self.commitments[c].performed.iter().flatten().map(|(d, _)| *d).max()?;
        notice.after(last)
    }

    /// The day the agreement reads "stalled" if nothing owed moves before it. The
    /// tallies must be synced.
    fn stalls_on(&self) -> Option<Date> {
        let after = self.ag.spec.agreement.stalls_after?;
        if self.agreement_status.is_over() {
            return None;
        }
        // Whether a binding commitment is pending or overdue, from the (synced) tallies.
        self.waiting().then(|| after.after(self.last_movement)).flatten()
    }

    fn set_instrument(&mut self, i: usize, status: InstrumentStatus, by: Option<usize>, reason: Reason) {
        let old = self.instruments[i].status;
        let reimposed = |s: InstrumentStatus| u32::from(s == InstrumentStatus::ReImposed);
        self.tallies.reimposed = self.tallies.reimposed - reimposed(old) + reimposed(status);
        let ag = self.ag.clone();
        self.mark_readers(&ag.dependencies.instrument_readers[i]);
        if old != status && self.timeline.is_some() {
            let id = self.ag.spec.instrument[i].id.clone();
            self.record_change("instrument", id, old.words(), status.words(), reason.clone());
        }
        self.instruments[i] = Instrument { status, relieved_by: by, reimposed: None, reason };
        self.version += 1;
    }
}
