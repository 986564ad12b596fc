//! The parties' decisions: each signatory reads the record through its rule and
//! performs, withholds, invokes or cancels; elections may reverse a party's course.

use detente_engine::log::Subject;
use detente_engine::state::{CommitmentStatus, PowerStatus};
use detente_spec::model::{Category, EventKind, PowerKind};

use super::{Counterparts, Future};
use crate::random::Stream;
use crate::strategy::{Outlook, Rule};

impl Future<'_, '_> {
    /// Step 3: changes of government.
    pub(super) fn elections(&mut self, k: u32) {
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
    pub(super) fn act(&mut self, k: u32) {
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
}
