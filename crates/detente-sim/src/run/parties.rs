//! The parties' decisions: each signatory reads the record through its rule and
//! performs, withholds, invokes or cancels; elections may reverse a party's course.

use detente_engine::log::Subject;
use detente_engine::state::{InstrumentStatus, PowerStatus};
use detente_spec::model::{Category, EventKind, PowerKind};

use detente_spec::time::Duration;

use detente_spec::time::Date;

use super::{Counterparts, Future, Scheduled, ANSWER_AFTER_DAYS};
use crate::plan::days_at_rate;
use crate::random::Stream;
use crate::reading::still_to_do;
use crate::strategy::{Outlook, Rule};
use crate::trace::{Breach, Course, Grievance, Hazard, LeadDraw, Trace, Truth, TruthKind, Why};

impl Future<'_, '_> {
    /// Step 3: changes of government.
    pub(super) fn elections(&mut self, k: u32) {
        let elections = &self.sim.plan.elections;
        while let Some(election) = elections.get(self.next_election).filter(|e| e.step == k) {
            self.next_election += 1;
            if self.draws.chance(election.probability, Stream::Election, election.key, k as u64) {
                let party = election.party;
                self.memory[party].reversed ^= true;
                self.reversed_since_act = true;
                self.update_cheat(party);
                self.note(|f, trace| {
                    if let Some(rule) = f.sim.plan.rules[party] {
                        let now = rule.effective(&f.memory[party]);
                        trace.truth.push(Truth { date: f.date, party, what: TruthKind::Reversed { now } });
                    }
                });
            }
        }
    }

    /// What the record says about every party's counterparts, in one pass.
    fn counterparts(&self) -> Counterparts {
        let mut out = Counterparts::default();
        for (c, &binds) in self.sim.binds.iter().enumerate() {
            let others = !binds;
            let status = self.status(c);
            // A breach stands beside any status (a deadline missed and then performed
            // late is still a breach): what each party reads is who is at fault.
            let at_fault = self.at_fault(c);
            if at_fault != 0 {
                let seen_by_others = Self::others_of(at_fault);
                out.violating |= seen_by_others;
                if self.answer_due(c).is_some_and(|day| day <= self.date) {
                    out.violation_stands |= seen_by_others;
                }
            }
            if !status.reads_as_fulfilled() {
                match self.sim.plan.commitments[c].category {
                    Category::Measure => out.measures_open |= others,
                    Category::Concession => out.concessions_open |= others,
                    Category::Mutual => {}
                }
            }
        }
        out
    }

    /// The day a standing breach of `c` is to be answered: [`ANSWER_AFTER_DAYS`] after
    /// it was established.
    fn answer_due(&self, c: usize) -> Option<Date> {
        let since = self.machine.breach_since(c)?;
        Duration::days(ANSWER_AFTER_DAYS).after(since)
    }

    /// Puts on the agenda the day each breach that someone answers is to be answered,
    /// so that the answer comes on its day whatever the step.
    pub(super) fn plan_answers(&mut self) {
        // Breaches and their days change only with the record.
        if !self.reading.breaches || self.answers_planned == self.machine.version() {
            return;
        }
        self.answers_planned = self.machine.version();
        for c in 0..self.sim.ag.commitments.len() {
            if self.at_fault(c) == 0 {
                continue;
            }
            let Some(day) = self.answer_due(c) else { continue };
            if day > self.date && self.answer_on[c] != Some(day) {
                self.answer_on[c] = Some(day);
                self.schedule(day, Scheduled::Answer);
            }
        }
    }

    /// The parties whose breach of `c` the others answer, as a bit set: an unremedied
    /// one (the engine's `unremedied(any of P)`: a verified violation that stands, or a
    /// missed deadline for a part still not performed). A deadline met late stays a
    /// breach on record, but no rule answers it (the 60-day shutdown of 2007 came in five
    /// months and nobody retaliated: the six-party history).
    pub(super) fn at_fault(&self, c: usize) -> u128 {
        self.sim.ag.commitments[c]
            .by
            .iter()
            .filter(|&&p| self.machine.unremedied(c, p))
            .fold(0, |set, &p| set | 1 << p)
    }

    /// The parties that see a breach by the parties in `at_fault` as another's: everyone
    /// but those at fault (a party that performed its part of a joint commitment sees
    /// the other's breach).
    fn others_of(at_fault: u128) -> u128 {
        if at_fault == 0 {
            0
        } else {
            !at_fault
        }
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
    /// Each signatory acts on the record at the end of `month` (0: the start).
    pub(super) fn act(&mut self, month: u32) {
        let plan = &self.sim.plan;
        // The rules are deterministic functions of the record, memory and month: if the
        // last round changed nothing, the record has not moved, no breach is waiting to
        // be answered and no government changed, this round would decide the same (GRIT
        // alone reads the month).
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
        // Statuses change only with the machine's version, and a breach comes to be
        // answered only with the day: read the record again only then.
        if self.acted_version != self.reading.version || !settled {
            self.acted_version = self.reading.version;
            self.counterparts = self.counterparts();
        }
        let record = self.counterparts;
        for &party in &self.sim.signatories {
            if self.machine.has_withdrawn(party) {
                continue;
            }
            let Some(base) = plan.rules[party] else { continue };
            let outlook = self.outlook(party, &record);
            if outlook.others_violating && !self.memory[party].betrayed {
                self.note(|f, trace| trace.betrayals.push((party, f.breach_seen_by(party, false))));
            }
            self.memory[party].betrayed |= outlook.others_violating;
            let aggrieved = outlook.violation_stands || self.sanctioned_by_others(party);
            self.note_grievance(party, aggrieved);
            let memory = self.memory[party];
            let rule = base.effective(&memory);
            let mut budget = rule.budget(&memory, &outlook, month);
            for &c in &self.sim.own[party] {
                if budget == 0 || !self.reading.owes[party] {
                    break;
                }
                if !still_to_do(self.status(c), self.machine.took_effect(c))
                    || self.machine.has_performed(c, party)
                {
                    continue;
                }
                let bit = 1u128 << party;
                if let Some(because) = rule.withholds(&plan.commitments[c], party, &memory, &outlook) {
                    // Declined, or a change of mind during the lead time.
                    self.note(|f, trace| {
                        let changed_mind = f.intends[c] & bit != 0;
                        if changed_mind || f.declined[c] & bit == 0 {
                            let what = TruthKind::Declined { commitment: c, rule, because, changed_mind };
                            trace.truth.push(Truth { date: f.date, party, what });
                        }
                    });
                    self.intends[c] &= !bit;
                    self.declined[c] |= bit;
                } else if self.intends[c] & bit == 0 {
                    budget -= 1;
                    self.memory[party].last_step_month = Some(month);
                    self.take_up(c, party);
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

    /// Whether sanctions are snapped back against `party`: a snap-back held by others has
    /// taken effect.
    fn sanctioned_by_others(&self, party: usize) -> bool {
        let ag = self.sim.ag;
        self.reading.powers_exercised
            && ag.powers.iter().enumerate().any(|(w, power)| {
                power.kind == PowerKind::Snapback
                    && !power.holders.contains(&party)
                    && self.machine.power_status(w) == PowerStatus::Exercised
            })
    }

    /// Reads `party`'s grievance: when it changes (or is first read), the party's
    /// walk-out hazard changes, and the day it walks out is drawn again at the new rate
    /// (the hazard is memoryless, so redrawing from today is exact).
    /// A party bound by nothing has nothing to walk out of (the status quo). Without a
    /// grievance the agreement's ordinary hazard is shared among its bound signatories,
    /// so that it does not grow with their number; a grievance is each party's own.
    fn note_grievance(&mut self, party: usize, aggrieved: bool) {
        if self.aggrieved[party] == Some(aggrieved) || self.sim.own[party].is_empty() {
            return;
        }
        self.aggrieved[party] = Some(aggrieved);
        self.walkout_draws[party] += 1;
        let draw = self.walkout_draws[party];
        let (ordinary, when_aggrieved) = self.sim.plan.walkout_per_day;
        let bound = self.sim.bound_signatories.max(1) as f64;
        let rate = if aggrieved { when_aggrieved } else { ordinary / bound };
        let item = (party as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x5741_4c4b;
        let u = self.draws.uniform(Stream::Walkout, item, u64::from(draw));
        let day = days_at_rate(rate, u).and_then(|days| Duration::days(days).after(self.date));
        if let Some(day) = day {
            self.schedule(day, Scheduled::Walkout { party, draw });
        }
        self.note(|f, trace| {
            trace.hazards.push(Hazard {
                party,
                draw,
                drawn: f.date,
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
        if draw != self.walkout_draws[party]
            || self.machine.has_withdrawn(party)
            || self.machine.agreement_status().is_over()
        {
            return;
        }
        let ag = self.sim.ag;
        let power = ag.powers.iter().enumerate().find(|(w, power)| {
            power.kind == PowerKind::Withdraw
                && power.holders.contains(&party)
                && self.machine.power_status(*w) == PowerStatus::Available
        });
        let why = move |f: &Self, outright| Why::WalkOut {
            party,
            hazard: f.traced(|trace| trace.hazard(party, draw)),
            outright,
        };
        match power {
            Some((w, _)) => {
                self.invoker[w] = Some(party);
                self.invoked_on[w] = Some(self.step);
                self.push(party, EventKind::Invoked, Subject::Power(w), |f| why(f, false));
            }
            None => self.push(party, EventKind::Withdrew, Subject::None, |f| why(f, true)),
        }
        self.reimpose_own_sanctions(party);
        self.out.walkouts += 1;
    }

    /// A party that walks out puts back the sanctions it had lifted under the agreement
    /// (the United States in May 2018, outside the JCPOA). An assumption: a party could
    /// also leave its relief in place.
    fn reimpose_own_sanctions(&mut self, party: usize) {
        let ag = self.sim.ag;
        let id = ag.spec.party[party].id.as_str();
        for (i, instrument) in ag.spec.instrument.iter().enumerate() {
            let own = instrument.imposed_by.iter().any(|p| p == id);
            if own && self.machine.instrument_status(i) == InstrumentStatus::Relieved {
                self.push(party, EventKind::Imposed, Subject::Instrument(i), |_| Why::Reimposes { party });
            }
        }
    }

    /// `party` decides to perform its part of `c`: it is done once its lead time has run
    /// from the day `c` became owed (or from today, if the party had declined it before),
    /// at once if that day has passed. A deadline that passes meanwhile is missed, and
    /// the performance, when it comes, is recorded as late.
    fn take_up(&mut self, c: usize, party: usize) {
        let bit = 1u128 << party;
        let p = &self.sim.plan.commitments[c];
        let number = self.taken_up[c];
        self.taken_up[c] += 1;
        let item = p.key ^ (party as u64).wrapping_mul(0x9e37_79b9);
        let choice = self.draws.uniform(Stream::LeadTime, item, 2 * u64::from(number));
        let u = self.draws.uniform(Stream::LeadTime, item, 2 * u64::from(number) + 1);
        let days = p.lead.days(choice, u);
        let days = if days.is_finite() { days.round().clamp(0.0, 400_000.0) as u32 } else { 0 };
        let declined_before = self.declined[c] & bit != 0;
        let (from, from_owed) = match self.machine.owed_since(c) {
            Some(owed) if !declined_before => (owed, true),
            _ => (self.date, false),
        };
        let lead = move |f: &Self| LeadDraw {
            party,
            commitment: c,
            number,
            days,
            from,
            from_owed,
            declined_before,
            decided: f.date,
            course: f.course(party),
        };
        match Duration::days(days).after(from) {
            Some(done) if done > self.date => {
                self.intends[c] |= bit;
                self.schedule(done, Scheduled::Performance { commitment: c, party, number });
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
        let bit = 1u128 << party;
        if self.intends[c] & bit == 0 {
            return;
        }
        self.intends[c] &= !bit;
        let to_do = still_to_do(self.status(c), self.machine.took_effect(c));
        if to_do && !self.machine.has_performed(c, party) && !self.machine.has_withdrawn(party) {
            self.perform(c, party, |f| Why::LeadTimeOver {
                lead: f.traced(|trace| trace.lead(c, party, number)),
            });
        }
    }

    /// `party` performs its part of `c` today, for the reason `why` gives.
    fn perform(&mut self, c: usize, party: usize, why: impl FnOnce(&Self) -> Why) {
        self.performed_by[party] += 1;
        self.performed_total += 1;
        // Performing a step that caps quantities really brings them down to the caps
        // (dismantling warheads, down-blending or shipping out material, as Iran's
        // enriched-uranium stock was brought under the JCPOA's cap before Implementation
        // Day), with a margin of two standard errors of the verifier's measurement: a
        // party that complies keeps clear of a cap it knows is measured.
        for &(q, max) in &self.sim.ag.commitments[c].limits {
            let margin = 1.0 + 2.0 * self.sim.plan.quantities[q].measurement_error;
            self.truth[q] = self.truth[q].min(max / margin);
        }
        self.push(party, EventKind::Performed, Subject::Commitment(c), why);
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
                        let grim = matches!(rule, Rule::GrimTrigger);
                        let why = |f: &Self| match power.kind {
                            PowerKind::Withdraw => {
                                Why::Betrayed { party, breach: f.traced(|trace| trace.betrayal(party)) }
                            }
                            _ => {
                                Why::Answers { party, breach: f.breach_seen_by(party, !grim), at_once: grim }
                            }
                        };
                        self.push(party, EventKind::Invoked, Subject::Power(w), why);
                    }
                }
                PowerStatus::Invoked
                    if self.invoker[w] == Some(party)
                        && power.cancellable
                        && !self.machine.power_trigger_holds(w)
                        && rule.cancels() =>
                {
                    self.push(party, EventKind::Resolved, Subject::Power(w), |_| Why::Cancels { party });
                }
                _ => {}
            }
        }
    }

    /// A breach on record that `party` reads as another's: the first commitment, in
    /// order, in breach at another party's fault (`standing`: one that stands to be
    /// answered today). What a traced decision names as its cause.
    fn breach_seen_by(&self, party: usize, standing: bool) -> Option<Breach> {
        (0..self.sim.ag.commitments.len()).find_map(|c| {
            let at_fault = self.at_fault(c);
            if at_fault == 0 || at_fault & (1 << party) != 0 {
                return None;
            }
            let since = self.machine.breach_since(c)?;
            if standing && self.answer_due(c).is_none_or(|day| day > self.date) {
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
        self.sim.ag.powers.iter().enumerate().find_map(|(w, power)| {
            let against = power.kind == PowerKind::Snapback
                && !power.holders.contains(&party)
                && self.machine.power_status(w) == PowerStatus::Exercised;
            against.then_some(Grievance::Sanctioned { power: w })
        })
    }

    /// The course `party` follows now: its rule as a change of government left it.
    fn course(&self, party: usize) -> Option<Course> {
        let memory = &self.memory[party];
        let rule = self.sim.plan.rules[party]?.effective(memory);
        Some(Course { rule, reversed: memory.reversed })
    }

    /// Reads the trace of a traced run (`None` in an untraced one).
    fn traced<T>(&self, read: impl FnOnce(&Trace) -> Option<T>) -> Option<T> {
        self.trace.as_deref().and_then(read)
    }
}
