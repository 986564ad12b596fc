//! The parties' decisions: each signatory reads the record through its rule and
//! performs, withholds, invokes or cancels; elections may reverse a party's course; a
//! party's grievance sets its walk-out hazard.
//!
//! [`Parties`] is what the strategies of one future remember between rounds: who
//! intends or declined each step, each party's [`Memory`], who performed how often,
//! who invoked which power, each party's walk-out draws, and what the record said of
//! their counterparts when they last read it. Every status they read is the engine's.

use detente_engine::log::Subject;
use detente_engine::state::{InstrumentStatus, PowerStatus};
use detente_engine::Machine;
use detente_spec::model::{Category, EventKind, PowerKind};
use detente_spec::time::{Date, Duration};

use super::agenda::Scheduled;
use super::cache::Cached;
use super::reading::still_to_do;
use super::record::Record;
use super::verification::{answer_due, at_fault};
use super::{Future, Simulator};
use crate::plan::{days_at_rate, Plan};
use crate::random::Stream;
use crate::strategy::{Memory, Outlook, Rule};
use crate::trace::{Breach, Course, Grievance, Hazard, LeadDraw, Trace, Truth, TruthKind, Why};

/// What the record says about each party's counterparts, as bit sets over parties: bit
/// `p` is set when the statement holds of the commitments that do not bind `p`. One pass
/// over the commitments gives every party's [`Outlook`].
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Counterparts {
    violating: u128,
    violation_stands: u128,
    measures_open: u128,
    concessions_open: u128,
}

impl Counterparts {
    /// Reads the record on `today`, in one pass over the commitments.
    fn read(sim: &Simulator<'_>, record: &Record, today: Date) -> Counterparts {
        let (ag, machine) = (sim.ag, &record.machine);
        let mut out = Counterparts::default();
        for (c, &binds) in sim.binds.iter().enumerate() {
            let others = !binds;
            // A breach stands beside any status (a deadline missed and then performed
            // late is still a breach): what each party reads is who is at fault.
            let at_fault = at_fault(ag, machine, c);
            if at_fault != 0 {
                let seen_by_others = others_of(at_fault);
                out.violating |= seen_by_others;
                if answer_due(machine, c).is_some_and(|day| day <= today) {
                    out.violation_stands |= seen_by_others;
                }
            }
            if !record.status(c).reads_as_fulfilled() {
                match sim.plan.commitments[c].category {
                    Category::Measure => out.measures_open |= others,
                    Category::Concession => out.concessions_open |= others,
                    Category::Mutual => {}
                }
            }
        }
        out
    }

    /// Whether every violation some party reads stands to be answered already: then
    /// the passing days change nothing of what they read until the record moves.
    fn settled(&self) -> bool {
        self.violation_stands == self.violating
    }
}

/// The parties that see a breach by the parties in `at_fault` as another's: everyone
/// but those at fault (a party that performed its part of a joint commitment sees the
/// other's breach).
fn others_of(at_fault: u128) -> u128 {
    if at_fault == 0 {
        0
    } else {
        !at_fault
    }
}

/// What the parties of one future remember.
pub(super) struct Parties {
    /// For each commitment, the parties that have decided to perform their part and are
    /// taking their lead time to do it, as a bit set.
    intends: Vec<u128>,
    /// For each commitment, the parties that saw it owed and declined: a later decision
    /// to perform counts its lead time from that day, not from when it became owed.
    declined: Vec<u128>,
    /// How many times each commitment was taken up (numbering lead-time draws).
    taken_up: Vec<u32>,
    /// Each party's memory of the record and of changes of government.
    memory: Vec<Memory>,
    /// Performances by each party so far (GRIT reads the others').
    performed_by: Vec<u64>,
    /// Performances by all parties so far.
    performed_total: u64,
    /// Who last invoked each power, and in which step.
    invoker: Vec<Option<usize>>,
    invoked_on: Vec<Option<u32>>,
    /// Each party's grievance as last read (`None`: not read yet): its walk-out hazard
    /// is drawn again only when it changes.
    aggrieved: Vec<Option<bool>>,
    /// How many walk-out draws each party has had; only the latest counts.
    walkout_draws: Vec<u32>,
    /// What the record said of each party's counterparts when the parties last acted.
    /// It changes with the record, and with the day while a violation is yet to stand
    /// (then it is forgotten before each round).
    counterparts: Cached<Counterparts>,
    /// Whether the last round of acts pushed nothing.
    quiet: bool,
    /// Whether a change of government has happened since the last round of acts.
    reversed_since_act: bool,
    /// The next election to hold (elections are in step order).
    next_election: usize,
}

impl Parties {
    /// Parties that have decided nothing yet, in an agreement of `sim`'s.
    pub fn new(sim: &Simulator<'_>) -> Parties {
        let (commitments, parties, powers) =
            (sim.ag.commitments.len(), sim.ag.spec.party.len(), sim.ag.powers.len());
        Parties {
            intends: vec![0; commitments],
            declined: vec![0; commitments],
            taken_up: vec![0; commitments],
            memory: vec![Memory::default(); parties],
            performed_by: vec![0; parties],
            performed_total: 0,
            invoker: vec![None; powers],
            invoked_on: vec![None; powers],
            aggrieved: vec![None; parties],
            walkout_draws: vec![0; parties],
            counterparts: Cached::new(Counterparts::default()),
            quiet: false,
            reversed_since_act: false,
            next_election: 0,
        }
    }

    /// Whether a round of acts now would decide what the last one did, so it can be
    /// skipped. The rules are deterministic functions of the record, memory and month:
    /// if the last round pushed nothing, the record has not moved, no breach is waiting
    /// to be answered and no government changed, this round would decide the same
    /// (GRIT alone reads the month: `paced`).
    fn round_repeats(&self, machine: &Machine, paced: bool) -> bool {
        self.quiet
            && self.counterparts.get().settled()
            && self.counterparts.is_valid(machine)
            && !self.reversed_since_act
            && !paced
    }

    /// What `party` reads from the record, given what it says of the counterparts.
    fn outlook(&self, party: usize, record: &Counterparts) -> Outlook {
        let bit = 1u128 << party;
        Outlook {
            others_violating: record.violating & bit != 0,
            violation_stands: record.violation_stands & bit != 0,
            others_measures_done: record.measures_open & bit == 0,
            others_concessions_done: record.concessions_open & bit == 0,
            answered: self.others_performed(party) > self.memory[party].answers_seen,
        }
    }

    /// Performances by parties other than `party` so far.
    fn others_performed(&self, party: usize) -> u64 {
        self.performed_total - self.performed_by[party]
    }

    /// After `party`'s turn at `month`: if it took a step, it has seen the others'
    /// performances so far (GRIT answers only new ones).
    fn remember_answers(&mut self, party: usize, month: u32) {
        if self.memory[party].last_step_month == Some(month) {
            self.memory[party].answers_seen = self.others_performed(party);
        }
    }

    /// A change of government reverses `party`'s course.
    fn reverse(&mut self, party: usize) {
        self.memory[party].reversed ^= true;
        self.reversed_since_act = true;
    }

    /// The course `party` follows now: its rule as a change of government left it.
    fn course(&self, party: usize, plan: &Plan) -> Option<Course> {
        let memory = &self.memory[party];
        let rule = plan.rules[party]?.effective(memory);
        Some(Course { rule, reversed: memory.reversed })
    }

    /// Whether `party` is taking its lead time to perform its part of `c`.
    fn intends(&self, c: usize, party: usize) -> bool {
        self.intends[c] & 1 << party != 0
    }

    /// Whether `party` saw `c` owed and declined it at some time.
    fn declined(&self, c: usize, party: usize) -> bool {
        self.declined[c] & 1 << party != 0
    }

    /// `party` declines its part of `c` (or changes its mind during its lead time).
    fn decline(&mut self, c: usize, party: usize) {
        self.intends[c] &= !(1 << party);
        self.declined[c] |= 1 << party;
    }

    /// `party` takes its lead time to perform its part of `c`.
    fn intend(&mut self, c: usize, party: usize) {
        self.intends[c] |= 1 << party;
    }

    /// `party`'s lead time for `c` is over: whether it still intended to perform.
    fn end_lead_time(&mut self, c: usize, party: usize) -> bool {
        let intended = self.intends(c, party);
        self.intends[c] &= !(1 << party);
        intended
    }

    /// The number of this take-up of `c` among its take-ups (keying its lead-time draw).
    fn next_take_up(&mut self, c: usize) -> u32 {
        let number = self.taken_up[c];
        self.taken_up[c] += 1;
        number
    }

    /// `party` performed a part.
    fn count_performance(&mut self, party: usize) {
        self.performed_by[party] += 1;
        self.performed_total += 1;
    }

    /// `party` invokes power `w` in `step`.
    fn invoke(&mut self, w: usize, party: usize, step: u32) {
        self.invoker[w] = Some(party);
        self.invoked_on[w] = Some(step);
    }

    /// `party`'s grievance is read as `aggrieved`: when it changed (or is read the first
    /// time), the number of the new walk-out draw.
    fn grievance_changed(&mut self, party: usize, aggrieved: bool) -> Option<u32> {
        if self.aggrieved[party] == Some(aggrieved) {
            return None;
        }
        self.aggrieved[party] = Some(aggrieved);
        self.walkout_draws[party] += 1;
        Some(self.walkout_draws[party])
    }
}

impl Future<'_, '_> {
    /// Step 3: changes of government.
    pub(super) fn elections(&mut self, k: u32) {
        let elections = &self.sim.plan.elections;
        while let Some(election) = elections.get(self.parties.next_election).filter(|e| e.step == k) {
            self.parties.next_election += 1;
            if self.draws.chance(election.probability, Stream::Election, election.key, k as u64) {
                let party = election.party;
                self.parties.reverse(party);
                self.set_course(party);
                self.note(|f, trace| {
                    if let Some(rule) = f.sim.plan.rules[party] {
                        let now = rule.effective(&f.parties.memory[party]);
                        trace.truth.push(Truth {
                            date: f.clock.date,
                            party,
                            what: TruthKind::Reversed { now },
                        });
                    }
                });
            }
        }
    }

    /// Sets what `party` really does under its course now (how often it cheats).
    pub(super) fn set_course(&mut self, party: usize) {
        let plan = &self.sim.plan;
        self.truth.set_course(party, plan, plan.rules[party], &self.parties.memory[party]);
    }

    /// Step 5: each signatory acts on the record at the end of `month` (0: the start),
    /// unless the round would repeat the last.
    pub(super) fn act(&mut self, month: u32) {
        debug_assert!(self.record.is_read(), "the parties act on the record as it stands");
        if self.parties.round_repeats(&self.record.machine, self.sim.paced) {
            return;
        }
        self.parties.reversed_since_act = false;
        let pushes = self.record.pushes();
        let counterparts = self.read_counterparts();
        let sim = self.sim;
        for &party in &sim.signatories {
            self.act_as(party, month, &counterparts);
        }
        self.parties.quiet = self.record.pushes() == pushes;
    }

    /// What the record says of every party's counterparts now. Statuses change only
    /// with the machine's version, and a breach comes to be answered only with the
    /// day: the record is read again only then.
    fn read_counterparts(&mut self) -> Counterparts {
        let counterparts = &mut self.parties.counterparts;
        if !counterparts.get().settled() {
            counterparts.forget();
        }
        let (sim, record, today) = (self.sim, &self.record, self.clock.date);
        counterparts.refresh(&record.machine, |read| *read = Counterparts::read(sim, record, today));
        *counterparts.get()
    }

    /// `party`'s turn in a round at `month`: it reads the record, takes up what it owes
    /// and is willing to do, and uses its powers.
    fn act_as(&mut self, party: usize, month: u32, counterparts: &Counterparts) {
        if self.record.machine.has_withdrawn(party) {
            return;
        }
        let Some(base) = self.sim.plan.rules[party] else { return };
        let outlook = self.parties.outlook(party, counterparts);
        if outlook.others_violating && !self.parties.memory[party].betrayed {
            self.note(|f, trace| trace.betrayals.push((party, f.breach_seen_by(party, false))));
        }
        self.parties.memory[party].betrayed |= outlook.others_violating;
        let aggrieved = outlook.violation_stands || self.sanctioned_by_others(party);
        self.note_grievance(party, aggrieved);
        let memory = self.parties.memory[party];
        let rule = base.effective(&memory);
        self.take_up_owed(party, rule, &memory, &outlook, month);
        self.parties.remember_answers(party, month);
        if self.record.reading().powers_active {
            self.use_powers(party, rule, &outlook);
        }
    }

    /// `party` goes through what it owes, in order: it declines what its rule withholds
    /// and takes up the rest, as many steps as its rule's budget for `month` allows.
    fn take_up_owed(&mut self, party: usize, rule: Rule, memory: &Memory, outlook: &Outlook, month: u32) {
        let sim = self.sim;
        let mut budget = rule.budget(memory, outlook, month);
        for &c in &sim.own[party] {
            if budget == 0 || !self.record.reading().owes[party] {
                break;
            }
            let machine = &self.record.machine;
            if !still_to_do(self.record.status(c), machine.took_effect(c)) || machine.has_performed(c, party)
            {
                continue;
            }
            if let Some(because) = rule.withholds(&sim.plan.commitments[c], party, memory, outlook) {
                // Declined, or a change of mind during the lead time.
                self.note(|f, trace| {
                    let changed_mind = f.parties.intends(c, party);
                    if changed_mind || !f.parties.declined(c, party) {
                        let what = TruthKind::Declined { commitment: c, rule, because, changed_mind };
                        trace.truth.push(Truth { date: f.clock.date, party, what });
                    }
                });
                self.parties.decline(c, party);
            } else if !self.parties.intends(c, party) {
                budget -= 1;
                self.parties.memory[party].last_step_month = Some(month);
                self.take_up(c, party);
            }
        }
    }

    /// Whether sanctions are snapped back against `party`: a snap-back held by others has
    /// taken effect.
    fn sanctioned_by_others(&self, party: usize) -> bool {
        self.record.reading().powers_exercised && self.snapback_against(party).is_some()
    }

    /// The first snap-back held by others than `party` that has taken effect (the
    /// engine's power status), if any.
    fn snapback_against(&self, party: usize) -> Option<usize> {
        let machine = &self.record.machine;
        self.sim.ag.powers.iter().enumerate().find_map(|(w, power)| {
            let against = power.kind == PowerKind::Snapback
                && !power.holders.contains(&party)
                && machine.power_status(w) == PowerStatus::Exercised;
            against.then_some(w)
        })
    }

    /// Reads `party`'s grievance: when it changes (or is first read), the party's
    /// walk-out hazard changes, and the day it walks out is drawn again at the new rate
    /// (the hazard is memoryless, so redrawing from today is exact).
    /// A party bound by nothing has nothing to walk out of (the status quo). Without a
    /// grievance the agreement's ordinary hazard is shared among its bound signatories,
    /// so that it does not grow with their number; a grievance is each party's own.
    fn note_grievance(&mut self, party: usize, aggrieved: bool) {
        if self.sim.own[party].is_empty() {
            return;
        }
        let Some(draw) = self.parties.grievance_changed(party, aggrieved) else { return };
        let (ordinary, when_aggrieved) = self.sim.plan.walkout_per_day;
        let bound = self.sim.bound_signatories.max(1) as f64;
        let rate = if aggrieved { when_aggrieved } else { ordinary / bound };
        let item = (party as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x5741_4c4b;
        let u = self.draws.uniform(Stream::Walkout, item, u64::from(draw));
        let day = days_at_rate(rate, u).and_then(|days| Duration::days(days).after(self.clock.date));
        if let Some(day) = day {
            self.clock.schedule(day, Scheduled::Walkout { party, draw });
        }
        self.note(|f, trace| {
            trace.hazards.push(Hazard {
                party,
                draw,
                drawn: f.clock.date,
                per_day: rate,
                aggrieved,
                grievance: if aggrieved { f.grievance(party) } else { None },
                shared_by: f.sim.bound_signatories,
            })
        });
    }

    /// `party`'s walk-out hazard has come due: unless its grievance changed since the
    /// draw, it walks out, through a withdrawal power it holds (with its notice), or by
    /// withdrawing outright where the agreement provides none (the DPRK's exit from the
    /// six-party talks in April 2009).
    pub(super) fn walk_out(&mut self, party: usize, draw: u32) {
        let machine = &self.record.machine;
        if draw != self.parties.walkout_draws[party]
            || machine.has_withdrawn(party)
            || machine.agreement_status().is_over()
        {
            return;
        }
        let power = self.sim.ag.powers.iter().enumerate().find(|(w, power)| {
            power.kind == PowerKind::Withdraw
                && power.holders.contains(&party)
                && machine.power_status(*w) == PowerStatus::Available
        });
        let why = move |f: &Self, outright| Why::WalkOut {
            party,
            hazard: f.traced(|trace| trace.hazard(party, draw)),
            outright,
        };
        match power {
            Some((w, _)) => {
                self.parties.invoke(w, party, self.clock.step);
                self.push(party, EventKind::Invoked, Subject::Power(w), |f| why(f, false));
            }
            None => self.push(party, EventKind::Withdrew, Subject::None, |f| why(f, true)),
        }
        self.reimpose_own_sanctions(party);
        self.outcomes.trajectory.walkouts += 1;
    }

    /// A party that walks out puts back the sanctions it had lifted under the agreement
    /// (the United States in May 2018, outside the JCPOA). An assumption: a party could
    /// also leave its relief in place.
    fn reimpose_own_sanctions(&mut self, party: usize) {
        let ag = self.sim.ag;
        let id = ag.spec.party[party].id.as_str();
        for (i, instrument) in ag.spec.instrument.iter().enumerate() {
            let own = instrument.imposed_by.iter().any(|p| p == id);
            if own && self.record.machine.instrument_status(i) == InstrumentStatus::Relieved {
                self.push(party, EventKind::Imposed, Subject::Instrument(i), |_| Why::Reimposes { party });
            }
        }
    }

    /// `party` decides to perform its part of `c`: it is done once its lead time has run
    /// from the day `c` became owed (or from today, if the party had declined it before),
    /// at once if that day has passed. A deadline that passes meanwhile is missed, and
    /// the performance, when it comes, is recorded as late.
    fn take_up(&mut self, c: usize, party: usize) {
        let p = &self.sim.plan.commitments[c];
        let number = self.parties.next_take_up(c);
        let item = p.key ^ (party as u64).wrapping_mul(0x9e37_79b9);
        let choice = self.draws.uniform(Stream::LeadTime, item, 2 * u64::from(number));
        let u = self.draws.uniform(Stream::LeadTime, item, 2 * u64::from(number) + 1);
        let days = p.lead.days(choice, u);
        let days = if days.is_finite() { days.round().clamp(0.0, 400_000.0) as u32 } else { 0 };
        let declined_before = self.parties.declined(c, party);
        let today = self.clock.date;
        let (from, from_owed) = match self.record.machine.owed_since(c) {
            Some(owed) if !declined_before => (owed, true),
            _ => (today, false),
        };
        let lead = move |f: &Self| LeadDraw {
            party,
            commitment: c,
            number,
            days,
            from,
            from_owed,
            declined_before,
            decided: f.clock.date,
            course: f.parties.course(party, &f.sim.plan),
        };
        match Duration::days(days).after(from) {
            Some(done) if done > today => {
                self.parties.intend(c, party);
                self.clock.schedule(done, Scheduled::Performance { commitment: c, party, number });
                self.note(|f, trace| trace.leads.push(lead(f)));
            }
            Some(_) => self.perform(c, party, |f| Why::AtOnce { lead: lead(f) }),
            // Past the last representable date: never within any horizon.
            None => {}
        }
    }

    /// The end of `party`'s lead time for `c`: it performs, unless it changed its mind,
    /// left, or the commitment is no longer owed.
    pub(super) fn lead_time_over(&mut self, c: usize, party: usize, number: u32) {
        if !self.parties.end_lead_time(c, party) {
            return;
        }
        let machine = &self.record.machine;
        let to_do = still_to_do(self.record.status(c), machine.took_effect(c));
        if to_do && !machine.has_performed(c, party) && !machine.has_withdrawn(party) {
            self.perform(c, party, |f| Why::LeadTimeOver {
                lead: f.traced(|trace| trace.lead(c, party, number)),
            });
        }
    }

    /// `party` performs its part of `c` today, for the reason `why` gives; performing a
    /// step that caps quantities really brings them under the caps.
    fn perform(&mut self, c: usize, party: usize, why: impl FnOnce(&Self) -> Why) {
        self.parties.count_performance(party);
        self.truth.bring_under_caps(self.sim, c);
        self.push(party, EventKind::Performed, Subject::Commitment(c), why);
    }

    /// `party` invokes the powers it holds that its rule wants invoked, and cancels
    /// those it invoked that its rule lets go.
    fn use_powers(&mut self, party: usize, rule: Rule, outlook: &Outlook) {
        // Nothing to invoke without a violation on record (or a grievance), and nothing
        // to cancel without an invoked power: the common case, decided at once.
        let aggrieved = outlook.others_violating || rule.withdraws(&self.parties.memory[party]);
        if !aggrieved && !self.record.reading().powers_invoked {
            return;
        }
        for (w, power) in self.sim.ag.powers.iter().enumerate() {
            if power.automatic || !power.holders.contains(&party) {
                continue;
            }
            match self.record.machine.power_status(w) {
                PowerStatus::Available => self.invoke_if_wanted(party, w, rule, outlook),
                PowerStatus::Invoked
                    if self.parties.invoker[w] == Some(party)
                        && power.cancellable
                        && !self.record.machine.power_trigger_holds(w)
                        && rule.cancels() =>
                {
                    self.push(party, EventKind::Resolved, Subject::Power(w), |_| Why::Cancels { party });
                }
                _ => {}
            }
        }
    }

    /// `party` invokes available power `w` if its rule wants it: a snap-back or a
    /// suspension to enforce, a withdrawal to leave.
    fn invoke_if_wanted(&mut self, party: usize, w: usize, rule: Rule, outlook: &Outlook) {
        let power = &self.sim.ag.powers[w];
        let wants = match power.kind {
            PowerKind::Snapback | PowerKind::Suspend => rule.enforces(outlook),
            PowerKind::Withdraw => rule.withdraws(&self.parties.memory[party]),
        };
        // One invocation per power and step: a second holder acting in the same step
        // sees the power still available (events apply after).
        if !wants || self.parties.invoked_on[w] == Some(self.clock.step) {
            return;
        }
        self.parties.invoke(w, party, self.clock.step);
        let grim = matches!(rule, Rule::GrimTrigger);
        let why = |f: &Self| match power.kind {
            PowerKind::Withdraw => Why::Betrayed { party, breach: f.traced(|trace| trace.betrayal(party)) },
            _ => Why::Answers { party, breach: f.breach_seen_by(party, !grim), at_once: grim },
        };
        self.push(party, EventKind::Invoked, Subject::Power(w), why);
    }

    /// A breach on record that `party` reads as another's: the first commitment, in
    /// order, in breach at another party's fault (`standing`: one that stands to be
    /// answered today). What a traced decision names as its cause.
    fn breach_seen_by(&self, party: usize, standing: bool) -> Option<Breach> {
        let (ag, machine) = (self.sim.ag, &self.record.machine);
        (0..ag.commitments.len()).find_map(|c| {
            let at_fault = at_fault(ag, machine, c);
            if at_fault == 0 || at_fault & (1 << party) != 0 {
                return None;
            }
            let since = machine.breach_since(c)?;
            if standing && answer_due(machine, c).is_none_or(|day| day > self.clock.date) {
                return None;
            }
            Some(Breach { by: at_fault, commitment: c, since })
        })
    }

    /// What aggrieves `party` (see `act`): another's breach standing to be answered, or
    /// a snap-back held by others in effect against it.
    fn grievance(&self, party: usize) -> Option<Grievance> {
        if let Some(breach) = self.breach_seen_by(party, true) {
            return Some(Grievance::Breach(breach));
        }
        self.snapback_against(party).map(|power| Grievance::Sanctioned { power })
    }

    /// Reads the trace of a traced run (`None` in an untraced one).
    fn traced<T>(&self, read: impl FnOnce(&Trace) -> Option<T>) -> Option<T> {
        self.trace.as_deref().and_then(read)
    }
}
