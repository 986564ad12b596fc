//! One simulated future: the ground truth kept here, the record kept by the engine.
//!
//! The simulator owns what really happens (whether a measure was kept this month, what a
//! facility really produced, the true quantities). The record is a live
//! [`Machine`](detente_engine::Machine), fed only the events that verification and the
//! parties' own acts would produce: a covert violation reaches it only as a
//! `violation-verified` by the verifier, drawn with the measure's detection probability
//! at an inspection that takes place. Every status (owed, performed, violated, suspended,
//! snapped back, terminated) is the engine's: nothing here re-implements a rule.
//!
//! A step of `step_months` ending on date `d` goes:
//! 1. **Truth for the period**: each continuing measure in effect at its start is kept
//!    or covertly broken (cheaters draw); facilities produce (an operating facility, or
//!    one held by a measure broken this period); quantities grow unless something holds
//!    them.
//! 2. **Timers** up to `d` fire in the engine (deadlines, notices).
//! 3. **Elections** on or before `d` may reverse a party's course.
//! 4. **Verification** at `d`: false alarms already on record may be cleared by the
//!    dispute procedure; inspections due take place with their probability; a broken
//!    measure is detected with its detection probability, a kept one draws a false alarm
//!    at its rate, and performance is confirmed with the detection probability.
//! 5. **Parties act** on the record as it stands: perform what they are willing to,
//!    invoke or cancel powers.
//! 6. **Outcomes** of the step are read: true quantities, phases opened, relief,
//!    snap-backs, breakdown.

use detente_engine::log::Subject;
use detente_engine::state::{AgreementStatus, CommitmentStatus, InstrumentStatus, PhaseStatus, PowerStatus};
use detente_engine::{Agreement, Machine};
use detente_spec::model::{Category, EventKind, FacilityStatus, PowerKind};
use detente_spec::time::Date;

use crate::plan::Plan;
use crate::random::{Draws, Stream};
use crate::reading::{in_effect, Reading};
use crate::strategy::{Memory, Outlook, Rule};

/// What one run produced, step by step. Reused between runs to avoid allocating.
#[derive(Clone, Debug, Default)]
pub struct Trajectory {
    /// True quantities at the end of each step: `[step * quantities + q]`.
    pub quantities: Vec<f64>,
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
    /// Each commitment's status at the horizon.
    pub end_status: Vec<CommitmentStatus>,
    /// Whether each instrument was relieved at the horizon.
    pub relieved_at_end: Vec<bool>,
    /// Party-months of covert violation (a measure broken by a party in a step).
    pub covert_violations: u32,
    /// Real violations detected and recorded.
    pub detected: u32,
    /// False alarms recorded.
    pub false_alarms: u32,
    /// False alarms cleared by the dispute procedure.
    pub resolved: u32,
    /// Events the agreement refused (an actor not allowed to assert them): should be
    /// zero; reported so a design that silences a verifier is visible.
    pub refused: u32,
}

impl Trajectory {
    /// The true value of quantity `q` at step `k`.
    pub fn quantity(&self, k: usize, q: usize, quantities: usize) -> f64 {
        self.quantities[k * quantities + q]
    }
}

/// Runs futures of one agreement under one plan.
pub struct Simulator<'a> {
    ag: &'a Agreement,
    plan: Plan,
    /// A fresh live machine, cloned for each run.
    fresh: Machine<'a>,
    /// For each quantity, the commitments that limit it.
    limiting: Vec<Vec<usize>>,
    /// Signatories, in party order.
    signatories: Vec<usize>,
    /// For each commitment, who records the settlement of a false alarm about it: a
    /// signatory it does not bind, allowed to assert `resolved`.
    resolver: Vec<Option<usize>>,
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
    pub fn after(ag: &'a Agreement, plan: Plan, history: Machine<'a>) -> Simulator<'a> {
        let mut limiting = vec![Vec::new(); ag.spec.quantity.len()];
        for (c, commitment) in ag.commitments.iter().enumerate() {
            for &(q, _) in &commitment.limits {
                limiting[q].push(c);
            }
        }
        let signatories: Vec<usize> = ag.signatories().collect();
        let resolver = ag
            .commitments
            .iter()
            .map(|c| {
                let allowed = |p: &usize| ag.may_assert(*p, EventKind::Resolved);
                let outsider = signatories.iter().copied().filter(allowed).find(|p| !c.by.contains(p));
                outsider.or_else(|| signatories.iter().copied().find(allowed))
            })
            .collect();
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
        Simulator { ag, plan, fresh: history, limiting, signatories, resolver, own, binds, paced, measured }
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
        let mut future = Future::new(self, run, out);
        for k in 0..self.plan.steps() {
            future.step(k as u32);
        }
        future.finish();
    }
}

/// The state of one run in progress.
struct Future<'s, 'a> {
    sim: &'s Simulator<'a>,
    draws: Draws,
    machine: Machine<'a>,
    out: &'s mut Trajectory,
    /// True quantities now.
    truth: Vec<f64>,
    /// Measures broken since their last scheduled inspection.
    broken_unseen: Vec<bool>,
    /// Measures broken in the current step.
    broken_now: Vec<bool>,
    /// Violations on record that were false alarms.
    false_alarm_on_record: Vec<bool>,
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
    /// Whether each commitment was violated on record when the parties last acted.
    was_violated: Vec<bool>,
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
    /// How many false alarms are on record, awaiting the dispute procedure.
    open_false_alarms: usize,
    /// The next election to hold (elections are in step order).
    next_election: usize,
    /// Each party's probability of breaking a measure in a step (see `update_cheat`).
    cheat_per_step: Vec<f64>,
    /// How each true quantity changed in the last step, and the record version it was
    /// computed at (production and growth depend only on the record and on cheating).
    growth: Vec<f64>,
    growth_version: u64,
    /// Whether the parties' last round of acts pushed nothing, and whether a change of
    /// government has happened since (see `act`).
    quiet: bool,
    reversed_since_act: bool,
}

impl<'s, 'a> Future<'s, 'a> {
    fn new(sim: &'s Simulator<'a>, run: u64, out: &'s mut Trajectory) -> Future<'s, 'a> {
        let plan = &sim.plan;
        let draws = Draws::new(plan.seed, run);
        let truth = plan
            .quantities
            .iter()
            .zip(&sim.measured)
            .map(|(q, measured)| {
                let (low, high) = q.initial;
                measured.unwrap_or_else(|| low + (high - low) * draws.uniform(Stream::Initial, q.key, 0))
            })
            .collect();
        let (commitments, phases, instruments) =
            (sim.ag.commitments.len(), sim.ag.phases.len(), sim.ag.spec.instrument.len());
        out.quantities.clear();
        out.relief.clear();
        out.phase_opened.clear();
        out.phase_opened.resize(phases, None);
        out.first_snapback = None;
        out.snapbacks = 0;
        out.breakdown = None;
        out.end_status.clear();
        out.relieved_at_end.clear();
        out.relieved_at_end.resize(instruments, false);
        out.covert_violations = 0;
        out.detected = 0;
        out.false_alarms = 0;
        out.resolved = 0;
        out.refused = 0;
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
            broken_now: vec![false; commitments],
            false_alarm_on_record: vec![false; commitments],
            memory: vec![Memory::default(); parties],
            performed_by: vec![0; parties],
            performed_total: 0,
            invoker: vec![None; sim.ag.powers.len()],
            invoked_on: vec![None; sim.ag.powers.len()],
            step: 0,
            date: sim.fresh.day(),
            was_violated: vec![false; commitments],
            pushed: false,
            broken_list: Vec::new(),
            reading: Reading::new(commitments, parties),
            acted_version: u64::MAX,
            counterparts: Counterparts::default(),
            recorded_version: u64::MAX,
            relief_in_effect: 0.0,
            open_false_alarms: 0,
            next_election: 0,
            cheat_per_step: vec![0.0; parties],
            growth: vec![0.0; sim.plan.quantities.len()],
            growth_version: u64::MAX,
            quiet: false,
            reversed_since_act: false,
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
            self.machine.advance_to(date);
            self.reading.refresh(&self.machine, self.sim.ag, &self.sim.plan);
            self.elections(k);
            self.settle_disputes(k);
            self.verify(k);
            self.apply_pushed();
            self.act(k);
            self.apply_pushed();
        }
        self.record(k);
    }

    /// A commitment's recorded status, from a cache refreshed only when the machine's
    /// version moved (status reads are the simulator's most frequent operation).
    fn status(&self, c: usize) -> CommitmentStatus {
        self.reading.statuses[c]
    }

    /// Records an event on the current step's date.
    fn push(&mut self, actor: usize, kind: EventKind, subject: Subject) {
        self.pushed = true;
        if self.machine.push(self.date, actor, kind, subject, None).is_err() {
            self.out.refused += 1;
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

    /// Step 1: what really happens over the period ending at step `k`.
    fn truth_for_the_period(&mut self, k: u32) {
        let (ag, plan) = (self.sim.ag, &self.sim.plan);
        for c in self.broken_list.drain(..) {
            self.broken_now[c] = false;
        }
        for i in 0..self.reading.in_effect_continuing.len() {
            let c = self.reading.in_effect_continuing[i];
            let commitment = &ag.commitments[c];
            for &party in &commitment.by {
                let per_step = self.cheat_per_step[party];
                if per_step <= 0.0 {
                    continue;
                }
                let key = plan.commitments[c].key ^ (party as u64).wrapping_mul(0x2545_f491);
                if self.draws.chance(per_step, Stream::Cheat, key, k as u64) {
                    if !self.broken_now[c] {
                        self.broken_list.push(c);
                    }
                    self.broken_now[c] = true;
                    self.out.covert_violations += 1;
                }
            }
            self.broken_unseen[c] |= self.broken_now[c];
        }
        if self.broken_list.is_empty() && self.growth_version == self.reading.version {
            // Everything kept and nothing on record changed: the same change as last step.
            for (value, delta) in self.truth.iter_mut().zip(&self.growth) {
                *value += delta;
            }
            return;
        }
        for delta in self.growth.iter_mut() {
            *delta = 0.0;
        }
        // Production by facilities really operating.
        for (f, produces) in plan.production.iter().enumerate() {
            if produces.is_empty() {
                continue;
            }
            let operating = self.machine.facility_status(f) == FacilityStatus::Operating
                || self.broken_list.iter().any(|&c| ag.commitments[c].sets.iter().any(|&(g, _)| g == f));
            if operating {
                for &(q, amount) in produces {
                    self.growth[q] += amount;
                }
            }
        }
        // Growth, unless a commitment limiting the quantity holds it: a continuing one in
        // effect and kept this period, or an action performed.
        for (q, quantity) in plan.quantities.iter().enumerate() {
            let held = self.sim.limiting[q].iter().any(|&c| in_effect(self.status(c)) && !self.broken_now[c]);
            if !held {
                self.growth[q] += quantity.growth;
            }
        }
        for (value, delta) in self.truth.iter_mut().zip(&self.growth) {
            *value += delta;
        }
        // The change holds for later steps only if no measure was broken in this one.
        self.growth_version = if self.broken_list.is_empty() { self.reading.version } else { u64::MAX };
    }

    /// Step 3: changes of government.
    fn elections(&mut self, k: u32) {
        let elections = &self.sim.plan.elections;
        while let Some(election) = elections.get(self.next_election).filter(|e| e.step == k) {
            self.next_election += 1;
            if self.draws.chance(election.probability, Stream::Election, election.key, k as u64) {
                self.memory[election.party].reversed ^= true;
                self.reversed_since_act = true;
                self.update_cheat(election.party);
            }
        }
    }

    /// A party's probability of breaking a measure in a step, under its current course.
    fn update_cheat(&mut self, party: usize) {
        let plan = &self.sim.plan;
        let monthly = plan.rules[party].map_or(0.0, |rule| rule.effective(&self.memory[party]).cheat());
        self.cheat_per_step[party] = 1.0 - (1.0 - monthly).powi(plan.step_months as i32);
    }

    /// Step 4: inspections at the end of step `k`.
    fn verify(&mut self, k: u32) {
        let (ag, plan) = (self.sim.ag, &self.sim.plan);
        for i in 0..self.reading.verifiable.len() {
            let c = self.reading.verifiable[i];
            let Some(verifier) = ag.commitments[c].verifier else { continue };
            let p = &plan.commitments[c];
            let status = self.status(c);
            let due = p.every == 1 || (k + 1).is_multiple_of(p.every);
            let step = k as u64;
            let subject = Subject::Commitment(c);
            if p.continuing && in_effect(status) && due {
                // An inspection examines the period since the last scheduled one: if it
                // does not take place, or misses, that period's evidence is gone.
                let broken = std::mem::take(&mut self.broken_unseen[c]);
                if !self.draws.chance(p.inspection, Stream::Inspection, p.key, step) {
                    continue;
                }
                if broken {
                    if self.draws.chance(p.detection, Stream::Detection, p.key, step) {
                        self.out.detected += 1;
                        self.push(verifier, EventKind::ViolationVerified, subject);
                    }
                } else if self.draws.chance(p.false_alarm, Stream::FalseAlarm, p.key, step) {
                    self.raise_false_alarm(c, verifier);
                } else if status == CommitmentStatus::Performed
                    && self.draws.chance(p.detection, Stream::Confirmation, p.key, step)
                {
                    self.push(verifier, EventKind::Verified, subject);
                }
            } else if !p.continuing && status == CommitmentStatus::Performed {
                if !self.draws.chance(p.inspection, Stream::Inspection, p.key, step) {
                    continue;
                }
                if self.draws.chance(p.false_alarm, Stream::FalseAlarm, p.key, step) {
                    self.raise_false_alarm(c, verifier);
                } else if self.draws.chance(p.detection, Stream::Confirmation, p.key, step) {
                    self.push(verifier, EventKind::Verified, subject);
                }
            }
        }
    }

    fn raise_false_alarm(&mut self, c: usize, verifier: usize) {
        self.out.false_alarms += 1;
        if !self.false_alarm_on_record[c] {
            self.open_false_alarms += 1;
        }
        self.false_alarm_on_record[c] = true;
        self.push(verifier, EventKind::ViolationVerified, Subject::Commitment(c));
    }

    /// The dispute procedure: a false alarm on record is cleared with the plan's
    /// probability per step (a real violation is not).
    fn settle_disputes(&mut self, k: u32) {
        if self.open_false_alarms == 0 {
            return;
        }
        let plan = &self.sim.plan;
        for c in 0..self.false_alarm_on_record.len() {
            if !self.false_alarm_on_record[c] {
                continue;
            }
            if self.status(c) != CommitmentStatus::Violated {
                self.false_alarm_on_record[c] = false;
                self.open_false_alarms -= 1;
                continue;
            }
            let Some(resolver) = self.sim.resolver[c] else { continue };
            if self.draws.chance(plan.resolution, Stream::Resolution, plan.commitments[c].key, k as u64) {
                self.false_alarm_on_record[c] = false;
                self.open_false_alarms -= 1;
                self.out.resolved += 1;
                self.push(resolver, EventKind::Resolved, Subject::Commitment(c));
            }
        }
    }

    /// What the record says about every party's counterparts, in one pass.
    fn counterparts(&self) -> Counterparts {
        let mut out = Counterparts::default();
        for (c, &binds) in self.sim.binds.iter().enumerate() {
            let others = !binds;
            let status = self.status(c);
            if status == CommitmentStatus::Violated {
                out.violating |= others;
                if self.was_violated[c] {
                    out.violation_stands |= others;
                }
            }
            if !matches!(status, CommitmentStatus::Fulfilled | CommitmentStatus::Released) {
                match self.sim.plan.commitments[c].category {
                    Category::Measure => out.measures_open |= others,
                    Category::Concession => out.concessions_open |= others,
                    Category::Mutual => {}
                }
            }
        }
        out
    }

    /// What `party` reads from the record.
    fn outlook(&self, party: usize, record: &Counterparts) -> Outlook {
        let bit = 1u128 << party;
        let others: u64 = self.performed_total - self.performed_by[party];
        Outlook {
            others_violating: record.violating & bit != 0,
            violation_stands: record.violation_stands & bit != 0,
            others_measures_done: record.measures_open & bit == 0,
            others_concessions_done: record.concessions_open & bit == 0,
            answered: others > self.memory[party].answers_seen,
        }
    }

    /// Step 5: each signatory acts on the record.
    fn act(&mut self, k: u32) {
        let (ag, plan) = (self.sim.ag, &self.sim.plan);
        let month = (k + 1) * plan.step_months;
        // The rules are deterministic functions of the record, memory and month: if the
        // last round changed nothing, the record has not moved, no violation is coming to
        // stand and no government changed, this round would decide the same (GRIT alone
        // reads the month).
        let settled = self.counterparts.violation_stands == self.counterparts.violating;
        if self.quiet
            && settled
            && self.acted_version == self.reading.version
            && !self.reversed_since_act
            && !self.sim.paced
        {
            return;
        }
        self.reversed_since_act = false;
        let pushed_before = self.pushed;
        self.pushed = false;
        // Statuses change only with the machine's version: read the record again only
        // then. A violation stands once the parties have seen it at a previous step.
        if self.acted_version != self.reading.version {
            self.acted_version = self.reading.version;
            self.counterparts = self.counterparts();
            for c in 0..ag.commitments.len() {
                self.was_violated[c] = self.status(c) == CommitmentStatus::Violated;
            }
        } else {
            self.counterparts.violation_stands = self.counterparts.violating;
        }
        let record = self.counterparts;
        for &party in &self.sim.signatories {
            if self.machine.has_withdrawn(party) {
                continue;
            }
            let Some(base) = plan.rules[party] else { continue };
            let outlook = self.outlook(party, &record);
            self.memory[party].betrayed |= outlook.others_violating;
            let memory = self.memory[party];
            let rule = base.effective(&memory);
            let mut budget = rule.budget(&memory, &outlook, month);
            for &c in &self.sim.own[party] {
                if budget == 0 || !self.reading.owes[party] {
                    break;
                }
                let owed = matches!(self.status(c), CommitmentStatus::Pending | CommitmentStatus::Overdue);
                if owed
                    && !self.machine.has_performed(c, party)
                    && rule.performs(&plan.commitments[c], &memory, &outlook)
                {
                    budget -= 1;
                    self.performed_by[party] += 1;
                    self.performed_total += 1;
                    // An action that caps quantities really brings them down to the caps
                    // (dismantling warheads, down-blending material); a continuing cap
                    // only holds them (growth, below).
                    if !plan.commitments[c].continuing {
                        for &(q, max) in &ag.commitments[c].limits {
                            self.truth[q] = self.truth[q].min(max);
                        }
                    }
                    self.memory[party].last_step_month = Some(month);
                    self.push(party, EventKind::Performed, Subject::Commitment(c));
                }
            }
            if self.memory[party].last_step_month == Some(month) {
                let others: u64 = self.performed_total - self.performed_by[party];
                self.memory[party].answers_seen = others;
            }
            if self.reading.powers_active {
                self.use_powers(party, rule, &outlook);
            }
        }
        self.quiet = !self.pushed;
        self.pushed |= pushed_before;
    }

    fn use_powers(&mut self, party: usize, rule: Rule, outlook: &Outlook) {
        // Nothing to invoke without a violation on record (or a grievance), and nothing
        // to cancel without an invoked power: the common case, decided at once.
        let aggrieved = outlook.others_violating || rule.withdraws(&self.memory[party]);
        if !aggrieved && !self.reading.powers_invoked {
            return;
        }
        let ag = self.sim.ag;
        for (w, power) in ag.powers.iter().enumerate() {
            if power.automatic || !power.holders.contains(&party) {
                continue;
            }
            match self.machine.power_status(w) {
                PowerStatus::Available => {
                    let wants = match power.kind {
                        PowerKind::Snapback | PowerKind::Suspend => rule.enforces(outlook),
                        PowerKind::Withdraw => rule.withdraws(&self.memory[party]),
                    };
                    // One invocation per power and step: a second holder acting in the
                    // same step sees the power still available (events apply after).
                    if wants && self.invoked_on[w] != Some(self.step) {
                        self.invoker[w] = Some(party);
                        self.invoked_on[w] = Some(self.step);
                        self.push(party, EventKind::Invoked, Subject::Power(w));
                    }
                }
                PowerStatus::Invoked
                    if self.invoker[w] == Some(party)
                        && power.cancellable
                        && !self.machine.power_trigger_holds(w)
                        && rule.cancels() =>
                {
                    self.push(party, EventKind::Resolved, Subject::Power(w));
                }
                _ => {}
            }
        }
    }

    /// Step 6: the outcomes of step `k`.
    fn record(&mut self, k: u32) {
        let (ag, plan) = (self.sim.ag, &self.sim.plan);
        self.out.quantities.extend_from_slice(&self.truth);
        if self.recorded_version == self.reading.version {
            // Nothing on record changed since the last step: the same relief, phases,
            // snap-backs and agreement status.
            self.out.relief.push(self.relief_in_effect);
            return;
        }
        self.recorded_version = self.reading.version;
        self.relief_in_effect = (0..ag.spec.instrument.len())
            .filter(|&i| self.machine.instrument_status(i) == InstrumentStatus::Relieved)
            .map(|i| plan.weights[i])
            .sum();
        self.out.relief.push(self.relief_in_effect);
        for p in 0..ag.phases.len() {
            if self.out.phase_opened[p].is_none() && self.machine.phase_status(p) != PhaseStatus::Locked {
                self.out.phase_opened[p] = Some(k);
            }
        }
        let snapbacks = ag
            .powers
            .iter()
            .enumerate()
            .filter(|(w, p)| {
                p.kind == PowerKind::Snapback && self.machine.power_status(*w) == PowerStatus::Exercised
            })
            .count() as u32;
        if snapbacks > 0 && self.out.first_snapback.is_none() {
            self.out.first_snapback = Some(k);
        }
        self.out.snapbacks = snapbacks;
        if self.out.breakdown.is_none() && self.broken_down() {
            self.out.breakdown = Some(k);
        }
    }

    fn broken_down(&self) -> bool {
        let withdrew = self.sim.signatories.iter().any(|&p| self.machine.has_withdrawn(p));
        // Terminated (by withdrawal), as against expired on its end date.
        let ended_early = self.machine.agreement_status() == AgreementStatus::Terminated;
        withdrew || ended_early
    }

    fn finish(self) {
        self.out.end_status.extend_from_slice(&self.reading.statuses);
        for (i, relieved) in self.out.relieved_at_end.iter_mut().enumerate() {
            *relieved = self.machine.instrument_status(i) == InstrumentStatus::Relieved;
        }
    }
}
