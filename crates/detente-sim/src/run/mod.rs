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
//!
//! A `Future` is a few parts, each in its own module with one job, and the order of a
//! step, which is this module's:
//! * `agenda::Clock`: the step, the day and the agenda;
//! * `record::Record`: the engine's live machine, the events pushed to it, and the
//!   future's `reading::Reading` of its statuses;
//! * `truth::Truth`: the true quantities, the measures broken now and unseen, the
//!   programme;
//! * `verification::Verification`: inspection budgets in use, anomalies before the
//!   dispute procedure, the days breaches are to be answered;
//! * `parties::Parties`: the parties' decisions and memory (who intends or declined
//!   what, performances, invocations, walk-out draws, what they read of their
//!   counterparts);
//! * `outcomes::Outcomes`: the [`Trajectory`] being written.
//!
//! What any part derives from the record is kept in a `cache::Cached`, valid iff its
//! version equals the machine's: no part keeps a version counter of its own.

mod agenda;
mod cache;
mod outcomes;
mod parties;
mod programme;
mod reading;
mod record;
mod truth;
mod verification;

use detente_engine::log::Subject;
use detente_engine::{Agreement, Machine};
use detente_spec::model::EventKind;

use crate::plan::Plan;
use crate::random::Draws;
use crate::strategy::Rule;
use crate::trace::{EndState, Trace, TracedRun, Why};
use agenda::Clock;
use outcomes::Outcomes;
pub use outcomes::{EffectChange, Trajectory};
use parties::Parties;
use record::Record;
use truth::Truth;
use verification::Verification;
pub use verification::ANSWER_AFTER_DAYS;

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
        // Not broken down: stopped is collapsed (the engine's `has_stopped`).
        self.fresh.has_stopped().then(|| "collapsed (nothing owed moves any more)".to_string())
    }

    /// How the history the futures continue had already broken down, if it had (the
    /// engine's `Machine::has_broken_down`: a signatory withdrew, or the agreement
    /// terminated before its end): every future then starts, and stays, broken down.
    pub fn broken_down_at_start(&self) -> Option<String> {
        let machine = &self.fresh;
        if !machine.has_broken_down() {
            return None;
        }
        let withdrew: Vec<&str> = self
            .signatories
            .iter()
            .filter(|&&p| machine.has_withdrawn(p))
            .map(|&p| self.ag.spec.party[p].id.as_str())
            .collect();
        if !withdrew.is_empty() {
            return Some(format!("{} withdrew", withdrew.join(", ")));
        }
        Some("the agreement was terminated".to_string())
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

/// The state of one run in progress: its parts (see the module's documentation) and
/// the order of a step.
struct Future<'s, 'a> {
    sim: &'s Simulator<'a>,
    draws: Draws,
    clock: Clock,
    record: Record,
    truth: Truth,
    verification: Verification,
    parties: Parties,
    outcomes: Outcomes<'s>,
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
        let draws = Draws::new(sim.plan.seed, run);
        let (commitments, parties) = (sim.ag.commitments.len(), sim.ag.spec.party.len());
        let mut future = Future {
            sim,
            draws,
            clock: Clock::new(sim.fresh.day()),
            record: Record::new(&sim.fresh, commitments, parties),
            truth: Truth::new(sim, draws),
            verification: Verification::new(commitments),
            parties: Parties::new(sim),
            outcomes: Outcomes::new(out, sim),
            trace,
        };
        for party in 0..parties {
            future.set_course(party);
        }
        future
    }

    fn step(&mut self, k: u32) {
        let date = self.sim.plan.dates[k as usize];
        self.clock.date = date;
        self.clock.step = k;
        let live = !self.record.machine.agreement_status().is_over();
        self.read_record();
        self.truth_for_the_period(k);
        if live {
            self.run_agenda(date);
            self.record.machine.advance_to(date);
            self.read_record();
            self.elections(k);
            self.verify(k);
            self.apply_pushed();
            // Verdicts due the same day (a procedure that decides at once).
            self.run_agenda(date);
            self.act((k + 1) * self.sim.plan.step_months);
            self.apply_pushed();
        }
        debug_assert!(self.record.is_read(), "outcomes are read from the record as it stands");
        self.outcomes.record(k, self.sim, &self.record, &self.truth);
    }

    /// The start: the parties read the record as adopted (or as the history left it)
    /// and take up what they owe, so a step owed from the first day is under way from
    /// the first day, not from the end of the first step.
    fn begin(&mut self) {
        if self.record.machine.agreement_status().is_over() {
            return;
        }
        self.read_record();
        self.act(0);
        self.apply_pushed();
        self.plan_answers();
    }

    /// The statuses at the horizon (and the record's, in a traced run's trace).
    fn finish(self) {
        self.outcomes.finish(&self.record);
        if let Some(trace) = self.trace {
            trace.end = EndState::of(&self.record.machine, self.sim.ag);
        }
    }

    /// Reads the record again if it moved since it was last read.
    fn read_record(&mut self) {
        self.record.read(self.sim.ag, &self.sim.plan);
    }

    /// Applies the events pushed since the last call (settling costs a pass over the
    /// agreement, so steps in which nobody acts skip it).
    fn apply_pushed(&mut self) {
        self.record.apply_pushed(self.clock.date, self.sim.ag, &self.sim.plan);
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
        let why = self.trace.is_some().then(|| why(self));
        let date = self.clock.date;
        let result = self.record.push(date, actor, kind, subject, value);
        if result.is_err() {
            self.outcomes.trajectory.refused += 1;
        }
        if let Some(why) = why {
            let recorded = crate::trace::Recorded { date, actor, kind, subject, value, why };
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
}
