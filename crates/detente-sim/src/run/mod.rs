//! One simulated future: the ground truth kept here, the record kept by the engine.
//!
//! The simulator owns what really happens (whether a measure was kept this month, what a
//! facility really produced, the true quantities). The record is a live
//! [`Machine`](detente_engine::Machine), fed only the events that verification and the
//! parties' own acts would produce: a covert violation reaches it only through an
//! inspection that takes place and detects it, as an anomaly the verifier reports (a
//! claim), which the dispute procedure later confirms or clears. Every status (owed,
//! performed, violated, suspended, snapped back, terminated) is the engine's: nothing
//! here re-implements a rule.
//!
//! Time has two grains. Steps (whole months) are when the parties read the record and
//! act, inspections report, and outcomes are measured. Within a step, things happen on
//! their own days: the engine's timers (deadlines, notices, terms) and the **agenda**
//! of this future (the dispute procedure's verdicts), so that a notice of 30 or 31 days
//! and a verdict on day 29 or day 32 are told apart whatever the step.
//!
//! A step of `step_months` ending on date `d` goes:
//! 1. **Truth for the period** ([`truth`]): each measure in force is kept or covertly
//!    broken (cheaters draw); facilities produce; quantities grow unless held.
//! 2. **The agenda and the timers** up to `d`, each on its own day: verdicts of the
//!    dispute procedure, deadlines, notices.
//! 3. **Elections** on or before `d` may reverse a party's course ([`parties`]).
//! 4. **Verification** at `d` ([`verification`]): inspections due take place with their
//!    probability; a broken measure is detected, or a kept one raises a false alarm, as
//!    an anomaly sent to the dispute procedure; a breach on record is settled once an
//!    inspection finds the measure kept again; performance is confirmed.
//! 5. **Parties act** on the record as it stands ([`parties`]).
//! 6. **Outcomes** of the step are read ([`outcomes`]).
//!
//! A run played with a trace ([`Simulator::trace`]) takes exactly the same path: every
//! event is pushed through [`Future::push`] with a closure that says why, called only
//! when the run is traced ([`crate::trace`]).

mod outcomes;
mod parties;
mod programme;
mod truth;
mod verification;

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use detente_engine::log::Subject;
use detente_engine::state::{AgreementStatus, CommitmentStatus};
use detente_engine::{Agreement, Machine};
use detente_spec::model::EventKind;
use detente_spec::time::Date;

use crate::plan::Plan;
use crate::random::{Draws, Stream};
use crate::reading::Reading;
use crate::strategy::{Memory, Rule};
use crate::trace::{EndState, Trace, TracedRun, Why};
use programme::Programme;

/// What one run produced, step by step. Reused between runs to avoid allocating.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Trajectory {
    /// True quantities at the end of each step: `[step * quantities + q]`.
    pub quantities: Vec<f64>,
    /// The programme's figures at the end of each step (see
    /// [`Plan::outputs`](crate::plan::Plan)): `[step * outputs + o]`.
    pub programme: Vec<f64>,
    /// Economic weight of the instruments relieved under the agreement, each step.
    pub relief: Vec<f64>,
    /// The step at which each phase was first open (or complete), if it was.
    pub phase_opened: Vec<Option<u32>>,
    /// The first step at which a snap-back had taken effect.
    pub first_snapback: Option<u32>,
    /// How many snap-back powers took effect.
    pub snapbacks: u32,
    /// The first step at which the agreement had broken down (a signatory withdrew, or
    /// it terminated before its end date).
    pub breakdown: Option<u32>,
    /// The first step at which the agreement had stopped: collapsed in the engine's
    /// sense (nothing owed is moving any more, docs/semantics.md) or broken down. Never
    /// after `breakdown`.
    pub collapse: Option<u32>,
    /// Each commitment's status at the horizon.
    pub end_status: Vec<CommitmentStatus>,
    /// Whether each instrument was relieved at the horizon.
    pub relieved_at_end: Vec<bool>,
    /// Party-months of covert violation (a measure broken by a party in a step).
    pub covert_violations: u32,
    /// Real violations detected by an inspection and reported as anomalies.
    pub detected: u32,
    /// False alarms recorded.
    pub false_alarms: u32,
    /// False alarms cleared by the dispute procedure.
    pub resolved: u32,
    /// Signatories that walked out (the walk-out hazard came due).
    pub walkouts: u32,
    /// When each commitment came into effect or stopped being in effect on record, in
    /// step order: kept only by a simulator asked for it
    /// ([`Simulator::keeping_effect`]), empty otherwise. "In effect" is the simulator's
    /// one reading of the engine's statuses (performed or fulfilled, as the parties
    /// read a measure in force); the statuses are those recorded at the end of each
    /// step, as every other outcome.
    pub effect_changes: Vec<EffectChange>,
    /// Events the agreement refused (an actor not allowed to assert them): should be
    /// zero; reported so a design that silences a verifier is visible.
    pub refused: u32,
}

impl Trajectory {
    /// The true value of quantity `q` at step `k`.
    pub fn quantity(&self, k: usize, q: usize, quantities: usize) -> f64 {
        self.quantities[k * quantities + q]
    }

    /// The steps during which commitment `c` was in effect on record, as half-open
    /// ranges of step indices `first..end` (the statuses recorded at the end of steps
    /// `first` to `end - 1` read it in effect), up to `steps`, the run's length. Empty
    /// unless the simulator kept [`Trajectory::effect_changes`].
    pub fn in_effect_spans(&self, c: usize, steps: u32) -> Vec<std::ops::Range<u32>> {
        let mut spans = Vec::new();
        let mut since = None;
        for change in self.effect_changes.iter().filter(|e| e.commitment as usize == c) {
            match (change.in_effect, since) {
                (true, None) => since = Some(change.step),
                (false, Some(first)) => {
                    spans.push(first..change.step);
                    since = None;
                }
                _ => {}
            }
        }
        if let Some(first) = since {
            spans.push(first..steps);
        }
        spans
    }
}

/// A commitment coming into effect, or ceasing to be in effect, on record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EffectChange {
    /// The step at whose end the record first read the new state.
    pub step: u32,
    /// The commitment (its index in the agreement).
    pub commitment: u32,
    /// Whether it is in effect from that step on.
    pub in_effect: bool,
}

/// Runs futures of one agreement under one plan.
pub struct Simulator<'a> {
    ag: &'a Agreement,
    plan: Plan,
    /// A fresh live machine, cloned for each run.
    fresh: Machine,
    /// For each quantity, the commitments that limit it.
    limiting: Vec<Vec<usize>>,
    /// Signatories, in party order.
    signatories: Vec<usize>,
    /// For each party, the commitments that bind it.
    own: Vec<Vec<usize>>,
    /// For each commitment, the parties it binds, as a bit set (at most 128 parties,
    /// checked by [`Plan::new`]).
    binds: Vec<u128>,
    /// Whether some party paces itself by the calendar (GRIT), so that a round of acts
    /// can never be skipped as a repeat of the last.
    paced: bool,
    /// Quantities measured in the history the futures continue: their starting truth.
    measured: Vec<Option<f64>>,
    /// How many signatories some commitment binds (who share the ordinary walk-out
    /// hazard).
    bound_signatories: usize,
    /// Whether runs keep [`Trajectory::effect_changes`] (the tournament's payoffs read
    /// them; an ordinary simulation does not pay for them).
    keep_effect: bool,
}

/// What the record says about each party's counterparts, as bit sets over parties: bit
/// `p` is set when the statement holds of the commitments that do not bind `p`. One pass
/// over the commitments gives every party's [`Outlook`].
#[derive(Clone, Copy, Debug, Default)]
struct Counterparts {
    violating: u128,
    violation_stands: u128,
    measures_open: u128,
    concessions_open: u128,
}

impl<'a> Simulator<'a> {
    /// A simulator of `ag` under `plan`, from adoption.
    pub fn new(ag: &'a Agreement, plan: Plan) -> Simulator<'a> {
        Simulator::after(ag, plan, Machine::live_lean(ag))
    }

    /// A simulator whose futures continue a history: `history` is a lean live machine
    /// that has been fed a real log (and advanced to its last day, which should be the
    /// plan's start). Quantities the log measured start from their recorded values.
    pub fn after(ag: &'a Agreement, plan: Plan, history: Machine) -> Simulator<'a> {
        let mut limiting = vec![Vec::new(); ag.spec.quantity.len()];
        for (c, commitment) in ag.commitments.iter().enumerate() {
            for &(q, _) in &commitment.limits {
                limiting[q].push(c);
            }
        }
        let signatories: Vec<usize> = ag.signatories().collect();
        let mut own = vec![Vec::new(); ag.spec.party.len()];
        let mut binds = vec![0u128; ag.commitments.len()];
        for (c, commitment) in ag.commitments.iter().enumerate() {
            for &p in &commitment.by {
                own[p].push(c);
                binds[c] |= 1 << p;
            }
        }
        let paced = plan.rules.iter().flatten().any(|r| matches!(r, Rule::Grit { .. }));
        let measured = (0..ag.spec.quantity.len()).map(|q| history.measured(q)).collect();
        let bound_signatories = signatories.iter().filter(|&&p| !own[p].is_empty()).count();
        Simulator {
            ag,
            plan,
            fresh: history,
            limiting,
            signatories,
            own,
            binds,
            paced,
            measured,
            bound_signatories,
            keep_effect: false,
        }
    }

    /// The same simulator, its runs keeping when each commitment was in effect on
    /// record ([`Trajectory::effect_changes`]), which discounted payoffs over the whole
    /// horizon need. The futures are the same futures.
    pub fn keeping_effect(mut self) -> Simulator<'a> {
        self.keep_effect = true;
        self
    }

    /// How the history the futures continue had already stopped, if it had: "broken
    /// down (...)" when a signatory withdrew or the agreement terminated before its end,
    /// "collapsed (...)" when nothing owed moves any more (the engine's status). Every
    /// future then starts stopped.
    pub fn stopped_at_start(&self) -> Option<String> {
        if let Some(how) = self.broken_down_at_start() {
            return Some(format!("broken down ({how})"));
        }
        let collapsed = self.fresh.agreement_status() == AgreementStatus::Collapsed;
        collapsed.then(|| "collapsed (nothing owed moves any more)".to_string())
    }

    /// How the history the futures continue had already broken down, if it had (a
    /// signatory withdrew, or the agreement terminated before its end): every future then
    /// starts, and stays, broken down.
    pub fn broken_down_at_start(&self) -> Option<String> {
        let machine = &self.fresh;
        let withdrew: Vec<&str> = self
            .signatories
            .iter()
            .filter(|&&p| machine.has_withdrawn(p))
            .map(|&p| self.ag.spec.party[p].id.as_str())
            .collect();
        if !withdrew.is_empty() {
            return Some(format!("{} withdrew", withdrew.join(", ")));
        }
        let ended_early = machine.agreement_status() == AgreementStatus::Terminated
            && self.ag.spec.agreement.ends.is_none_or(|end| machine.day() < end);
        ended_early.then(|| "the agreement was terminated".to_string())
    }

    /// The plan.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The agreement.
    pub fn agreement(&self) -> &'a Agreement {
        self.ag
    }

    /// Simulates run `run` into `out`.
    pub fn run(&self, run: u64, out: &mut Trajectory) {
        self.play(run, out, None);
    }

    /// Plays run `run` again with a trace: the same future as [`Simulator::run`] gives
    /// it among any others on any thread (its draws depend only on the seed and `run`),
    /// with every event it recorded and why, and the truth not on record. Any index gives
    /// a future; those of a simulation of `runs` futures are `0..runs`.
    pub fn trace(&self, run: u64) -> TracedRun {
        let mut trajectory = Trajectory::default();
        let mut trace = Trace::new(EndState::of(&self.fresh, self.ag));
        self.play(run, &mut trajectory, Some(&mut trace));
        TracedRun::new(self.ag, run, trace, trajectory)
    }

    /// The one path of every run, traced or not: the start, every step, the end.
    fn play(&self, run: u64, out: &mut Trajectory, trace: Option<&mut Trace>) {
        let mut future = Future::new(self, run, out, trace);
        future.begin();
        for k in 0..self.plan.steps() {
            future.step(k as u32);
        }
        future.finish();
    }
}

/// What a future has put on its agenda, to happen on a day of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Scheduled {
    /// The dispute procedure's verdict on a commitment's anomaly.
    Verdict { commitment: usize },
    /// The end of a party's lead time for its part of a commitment (`number` numbers
    /// the commitment's take-ups: the one whose draw this is).
    Performance { commitment: usize, party: usize, number: u32 },
    /// A breach has stood long enough to be answered: the parties act on that day.
    Answer,
    /// A party's walk-out hazard comes due, if its grievance has not changed since the
    /// draw (`draw` numbers the party's draws).
    Walkout { party: usize, draw: u32 },
}

/// How long a breach stands before the other parties answer it (invoke a snap-back or
/// a suspension, withhold their steps), in days. An assumption: long enough for a
/// deadline missed by days to be made good without retaliation, as the record's slips
/// mostly were (docs/lead-times.md), short against the months a dispute takes.
pub const ANSWER_AFTER_DAYS: u32 = 30;

/// An anomaly before the dispute procedure: whether the breach it reports was real, its
/// number among the commitment's anomalies (which keys its random draws), and the day
/// it was reported.
#[derive(Clone, Copy, Debug)]
struct Anomaly {
    real: bool,
    number: u32,
    reported: Date,
}

/// The state of one run in progress.
struct Future<'s, 'a> {
    sim: &'s Simulator<'a>,
    draws: Draws,
    machine: Machine,
    out: &'s mut Trajectory,
    /// True quantities now.
    truth: Vec<f64>,
    /// Measures broken since their last scheduled inspection.
    broken_unseen: Vec<bool>,
    /// Each commitment's inspection budget in use: `(window, inspections made in it)`.
    budget_used: Vec<(u64, u32)>,
    /// Measures broken in the current step.
    broken_now: Vec<bool>,
    /// Each commitment's anomaly before the dispute procedure, if one is.
    dispute: Vec<Option<Anomaly>>,
    /// How many anomalies each commitment has had (numbering their random draws).
    anomalies: Vec<u32>,
    /// What falls due on days of its own: the earliest first, ties in order of entry.
    agenda: BinaryHeap<Reverse<(Date, u32, Scheduled)>>,
    /// Entries made in the agenda so far (orders ties).
    scheduled: u32,
    /// For each commitment, the parties that have decided to perform their part and are
    /// taking their lead time to do it, as a bit set.
    intends: Vec<u128>,
    /// For each commitment, the parties that saw it owed and declined: a later decision
    /// to perform counts its lead time from that day, not from when it became owed.
    declined: Vec<u128>,
    /// How many times each commitment was taken up (numbering lead-time draws).
    taken_up: Vec<u32>,
    memory: Vec<Memory>,
    /// Performances by each party so far (GRIT reads the others').
    performed_by: Vec<u64>,
    /// Performances by all parties so far.
    performed_total: u64,
    /// Who last invoked each power, and in which step.
    invoker: Vec<Option<usize>>,
    invoked_on: Vec<Option<u32>>,
    /// The current step.
    step: u32,
    /// The current step's date.
    date: Date,
    /// For each commitment, the day its standing breach is to be answered, once that
    /// day is on the agenda.
    answer_on: Vec<Option<Date>>,
    /// The record's version when the answers were last planned.
    answers_planned: u64,
    /// Each party's grievance as last read (`None`: not read yet).
    aggrieved: Vec<Option<bool>>,
    /// How many walk-out draws each party has had; only the latest counts.
    walkout_draws: Vec<u32>,
    /// Whether events were pushed that the machine has not applied yet.
    pushed: bool,
    /// The record as last read (re-read only when the engine's version moves).
    reading: Reading,
    /// Measures broken in the current step (the set bits of `broken_now`).
    broken_list: Vec<usize>,
    /// The version at which the parties last read the record, and what they read.
    acted_version: u64,
    counterparts: Counterparts,
    /// The version at which outcomes were last read, and the relief then in effect.
    recorded_version: u64,
    relief_in_effect: f64,
    /// The next election to hold (elections are in step order).
    next_election: usize,
    /// Each party's probability of breaking a measure in a step (see `update_cheat`).
    cheat_per_step: Vec<f64>,
    /// How each true quantity changed in the last step, and the record version it was
    /// computed at (production and growth depend only on the record and on cheating).
    growth: Vec<f64>,
    growth_version: u64,
    /// The programme's rates in this run.
    programme: Programme,
    /// Whether each commitment was in effect at the last recorded step (empty unless
    /// the simulator keeps [`Trajectory::effect_changes`]).
    in_effect: Vec<bool>,
    /// Whether the parties' last round of acts pushed nothing, and whether a change of
    /// government has happened since (see `act`).
    quiet: bool,
    reversed_since_act: bool,
    /// What a traced run collects (`None`, the rule: nothing is collected or formatted).
    trace: Option<&'s mut Trace>,
}

impl<'s, 'a> Future<'s, 'a> {
    fn new(
        sim: &'s Simulator<'a>,
        run: u64,
        out: &'s mut Trajectory,
        trace: Option<&'s mut Trace>,
    ) -> Future<'s, 'a> {
        let plan = &sim.plan;
        let draws = Draws::new(plan.seed, run);
        let mut truth: Vec<f64> = plan
            .quantities
            .iter()
            .zip(&sim.measured)
            .map(|(q, measured)| {
                let (low, high) = q.initial;
                measured.unwrap_or_else(|| low + (high - low) * draws.uniform(Stream::Initial, q.key, 0))
            })
            .collect();
        let programme = Programme::draw(plan, draws);
        programme.catch_up(plan, &sim.fresh, &sim.measured, &mut truth);
        let (commitments, phases, instruments) =
            (sim.ag.commitments.len(), sim.ag.phases.len(), sim.ag.spec.instrument.len());
        out.quantities.clear();
        out.programme.clear();
        out.relief.clear();
        out.phase_opened.clear();
        out.phase_opened.resize(phases, None);
        out.first_snapback = None;
        out.snapbacks = 0;
        out.breakdown = None;
        out.collapse = None;
        out.end_status.clear();
        out.relieved_at_end.clear();
        out.relieved_at_end.resize(instruments, false);
        out.covert_violations = 0;
        out.detected = 0;
        out.false_alarms = 0;
        out.resolved = 0;
        out.refused = 0;
        out.walkouts = 0;
        out.effect_changes.clear();
        let parties = sim.ag.spec.party.len();
        let mut future = Future {
            sim,
            draws,
            machine: {
                let mut machine = sim.fresh.clone();
                machine.reserve(64);
                machine
            },
            out,
            truth,
            broken_unseen: vec![false; commitments],
            budget_used: vec![(0, 0); commitments],
            broken_now: vec![false; commitments],
            dispute: vec![None; commitments],
            anomalies: vec![0; commitments],
            agenda: BinaryHeap::new(),
            scheduled: 0,
            intends: vec![0; commitments],
            declined: vec![0; commitments],
            taken_up: vec![0; commitments],
            memory: vec![Memory::default(); parties],
            performed_by: vec![0; parties],
            performed_total: 0,
            invoker: vec![None; sim.ag.powers.len()],
            invoked_on: vec![None; sim.ag.powers.len()],
            step: 0,
            date: sim.fresh.day(),
            answer_on: vec![None; commitments],
            answers_planned: u64::MAX,
            aggrieved: vec![None; parties],
            walkout_draws: vec![0; parties],
            pushed: false,
            broken_list: Vec::new(),
            reading: Reading::new(commitments, parties),
            acted_version: u64::MAX,
            counterparts: Counterparts::default(),
            recorded_version: u64::MAX,
            relief_in_effect: 0.0,
            next_election: 0,
            cheat_per_step: vec![0.0; parties],
            growth: vec![0.0; sim.plan.quantities.len()],
            growth_version: u64::MAX,
            programme,
            in_effect: if sim.keep_effect { vec![false; commitments] } else { Vec::new() },
            quiet: false,
            reversed_since_act: false,
            trace,
        };
        for party in 0..parties {
            future.update_cheat(party);
        }
        future
    }

    fn step(&mut self, k: u32) {
        let date = self.sim.plan.dates[k as usize];
        self.date = date;
        self.step = k;
        let live = !self.machine.agreement_status().is_over();
        self.reading.refresh(&self.machine, self.sim.ag, &self.sim.plan);
        self.truth_for_the_period(k);
        if live {
            self.run_agenda(date);
            self.machine.advance_to(date);
            self.reading.refresh(&self.machine, self.sim.ag, &self.sim.plan);
            self.elections(k);
            self.verify(k);
            self.apply_pushed();
            // Verdicts due the same day (a procedure that decides at once).
            self.run_agenda(date);
            self.act((k + 1) * self.sim.plan.step_months);
            self.apply_pushed();
        }
        self.record(k);
    }

    /// The start: the parties read the record as adopted (or as the history left it)
    /// and take up what they owe, so a step owed from the first day is under way from
    /// the first day, not from the end of the first step.
    fn begin(&mut self) {
        if self.machine.agreement_status().is_over() {
            return;
        }
        self.reading.refresh(&self.machine, self.sim.ag, &self.sim.plan);
        self.act(0);
        self.apply_pushed();
        self.plan_answers();
    }

    /// A commitment's recorded status, from a cache refreshed only when the machine's
    /// version moved (status reads are the simulator's most frequent operation).
    fn status(&self, c: usize) -> CommitmentStatus {
        self.reading.statuses[c]
    }

    /// Puts `what` on the agenda for `date` (never before the record's day).
    fn schedule(&mut self, date: Date, what: Scheduled) {
        self.scheduled += 1;
        self.agenda.push(Reverse((date.max(self.date), self.scheduled, what)));
    }

    /// Carries out, each on its own day and in order, what the agenda holds up to
    /// `until`: the record is advanced to that day first, so timers that fall before it
    /// fire before it.
    fn run_agenda(&mut self, until: Date) {
        loop {
            let next_entry = self.agenda.peek().map(|Reverse((date, ..))| *date).filter(|d| *d <= until);
            let next_timer = self.machine.upcoming_timer().filter(|d| *d <= until);
            match (next_entry, next_timer) {
                // A timer first: its day's breaches (a missed deadline) are seen on the
                // day, and their answer put on the agenda.
                (entry, Some(timer)) if entry.is_none_or(|e| timer < e) => {
                    self.date = timer;
                    self.machine.advance_to(timer);
                    self.reading.refresh(&self.machine, self.sim.ag, &self.sim.plan);
                    self.plan_answers();
                }
                (Some(date), _) => {
                    let Some(Reverse((_, _, what))) = self.agenda.pop() else { break };
                    self.date = date;
                    self.machine.advance_to(date);
                    match what {
                        Scheduled::Verdict { commitment } => self.verdict(commitment),
                        Scheduled::Performance { commitment, party, number } => {
                            self.lead_time_over(commitment, party, number)
                        }
                        Scheduled::Answer => {
                            self.reading.refresh(&self.machine, self.sim.ag, &self.sim.plan);
                            self.act(self.step * self.sim.plan.step_months);
                        }
                        Scheduled::Walkout { party, draw } => self.walk_out(party, draw),
                    }
                    self.apply_pushed();
                    self.plan_answers();
                }
                _ => break,
            }
        }
        self.date = until;
    }

    /// Records an event on the current date. `why` says what decided it; it is called
    /// only when the run is traced, so an untraced run builds and formats nothing.
    fn push(&mut self, actor: usize, kind: EventKind, subject: Subject, why: impl FnOnce(&Self) -> Why) {
        self.push_value(actor, kind, subject, None, why);
    }

    /// [`Future::push`] with a value (a measurement).
    fn push_value(
        &mut self,
        actor: usize,
        kind: EventKind,
        subject: Subject,
        value: Option<f64>,
        why: impl FnOnce(&Self) -> Why,
    ) {
        self.pushed = true;
        let why = self.trace.is_some().then(|| why(self));
        let result = self.machine.push(self.date, actor, kind, subject, value);
        if result.is_err() {
            self.out.refused += 1;
        }
        if let Some(why) = why {
            let recorded = crate::trace::Recorded { date: self.date, actor, kind, subject, value, why };
            self.trace_event(recorded, result.err().map(|problem| problem.message));
        }
    }

    /// Keeps an event in the trace: accepted, or refused with the engine's reason.
    #[cold]
    #[inline(never)]
    fn trace_event(&mut self, recorded: crate::trace::Recorded, refused: Option<String>) {
        if let Some(trace) = self.trace.as_deref_mut() {
            match refused {
                None => trace.events.push(recorded),
                Some(why) => trace.refused.push((recorded, why)),
            }
        }
    }

    /// Lets a traced run note something in its trace (a draw, a truth not on record),
    /// reading the future as it stands; does nothing in an untraced run.
    fn note(&mut self, what: impl FnOnce(&Self, &mut Trace)) {
        if self.trace.is_none() {
            return;
        }
        if let Some(trace) = self.trace.take() {
            what(self, trace);
            self.trace = Some(trace);
        }
    }

    /// Applies the events pushed since the last call (settling costs a pass over the
    /// agreement, so steps in which nobody acts skip it).
    fn apply_pushed(&mut self) {
        if std::mem::take(&mut self.pushed) {
            self.machine.advance_to(self.date);
            self.reading.refresh(&self.machine, self.sim.ag, &self.sim.plan);
        }
    }
}
