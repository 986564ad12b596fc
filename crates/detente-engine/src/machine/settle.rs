//! Settling: re-deriving statuses after a timer or an event until nothing changes, and
//! evaluating conditions on the machine's current state.

use detente_spec::condition::Predicate;
use detente_spec::model::{CommitmentKind, FacilityStatus};

use super::{ended, Machine, Stage, SuspendedBy};
use crate::compiled::{Cond, Target};
use crate::state::*;
use detente_spec::model::WhileEnds;

/// Settling stops after this many rounds even if statuses still change; every round
/// moves some item forward along a finite lifecycle, so real agreements settle in a few.
const MAX_ROUNDS: usize = 10_000;

impl Machine {
    /// Re-derives every status until a fixed point (see `docs/semantics.md`).
    ///
    /// Each pass examines only the items marked for it, those whose inputs changed
    /// since it last examined them (see `incremental`), in index order as a scan of
    /// every item would; the items it skips would be left as they are. An event that
    /// changed one commitment costs in proportion to what reads that commitment, not to
    /// the size of the agreement. Each pass first syncs the tallies with the records
    /// that the previous one changed.
    pub(crate) fn settle(&mut self) {
        for _ in 0..MAX_ROUNDS {
            let mut changed = false;
            changed |= self.open_phases();
            changed |= self.owe_commitments();
            changed |= self.hold_while();
            changed |= self.derive_commitments();
            changed |= self.hold_phases();
            changed |= self.complete_phases();
            changed |= self.update_powers();
            if !changed {
                break;
            }
        }
        self.derive_agreement();
        if self.check_incremental {
            self.check_against_full_settle();
        }
    }

    fn open_phases(&mut self) -> bool {
        self.sync();
        let mut changed = false;
        let mut next = 0;
        while let Some(p) = self.dirty.open.take_from(next) {
            next = p + 1;
            changed |= self.open_phase(p);
        }
        changed
    }

    /// Opens a locked phase whose predecessors are complete and whose condition holds.
    fn open_phase(&mut self, p: usize) -> bool {
        if self.phases[p].status != PhaseStatus::Locked || !self.in_effect(self.ag.phases[p].amendment) {
            return false;
        }
        let phase = &self.ag.phases[p];
        let waiting = phase.after.iter().find(|&&a| self.phases[a].status != PhaseStatus::Complete);
        if waiting.is_some() || !phase.opens_when.as_ref().is_none_or(|c| self.eval(c)) {
            return false;
        }
        let reason = self.reason_with(|| {
            let mut reason = Reason::new(self.day, "opened");
            reason.text = match (phase.after.is_empty(), phase.opens_when.is_some()) {
                (true, false) => format!("opened on adoption ({})", self.day),
                (false, false) => {
                    format!("opened on {} when {} became complete", self.day, self.phase_list(&phase.after))
                }
                (_, true) => format!("opened on {} when its opening condition came to hold", self.day),
            };
            for &a in &phase.after {
                reason = reason.cause(self.ag.spec.phase[a].id.clone());
            }
            reason
        });
        self.phases[p].opened = Some(self.day);
        self.set_phase(p, PhaseStatus::Open, reason);
        // Its commitments may now be owed.
        for &c in &self.ag.phases[p].commitments {
            self.dirty.owe.mark(c);
        }
        true
    }

    fn phase_list(&self, phases: &[usize]) -> String {
        phases.iter().map(|&p| format!("`{}`", self.ag.spec.phase[p].id)).collect::<Vec<_>>().join(", ")
    }

    fn owe_commitments(&mut self) -> bool {
        self.sync();
        let mut changed = false;
        let mut next = 0;
        while let Some(c) = self.dirty.owe.take_from(next) {
            next = c + 1;
            let spec = &self.ag.commitments[c];
            let phase_open = self.phases[spec.phase].opened.is_some();
            let record = &self.commitments[c];
            let blocked = !record.suspensions.is_empty()
                || record.terminated.is_some()
                || record.discharged.is_some()
                || !self.in_effect(spec.amendment);
            if record.owed.is_some() || !phase_open || blocked {
                continue;
            }
            if spec.when.as_ref().is_some_and(|w| !self.eval(w)) {
                continue;
            }
            let record = &mut self.commitments[c];
            record.owed = Some(self.day);
            // Past the calendar's end a deadline falls on its last day, never vanishes.
            record.due = spec.due.map(|d| d.from(self.day).unwrap_or(detente_spec::time::Date::MAX));
            changed = true;
            self.version += 1;
        }
        changed
    }

    /// Recomputes each commitment's status from its record, applying the effects of
    /// entering and leaving performance (facility statuses, relief). Reasons are not
    /// built here: they are derived from the records when a state is read.
    fn derive_commitments(&mut self) -> bool {
        self.sync();
        let mut changed = false;
        let mut next = 0;
        while let Some(c) = self.dirty.stale.take_from(next) {
            next = c + 1;
            let status = self.derive_status(c);
            let old = self.commitments[c].status;
            if self.timeline.is_some() {
                self.record_commitment_change(c, status);
            }
            if old == status {
                continue;
            }
            changed = true;
            self.commitments[c].status = status;
            self.version += 1;
            self.last_movement = self.day;
            self.on_commitment_change(c, old, status);
        }
        changed
    }

    /// Records a change of a commitment's status, or of what stands beside it (a claim,
    /// a breach), in the timeline. The change itself is recorded before its effects
    /// (relief, facilities), so the timeline reads cause first.
    fn record_commitment_change(&mut self, c: usize, status: CommitmentStatus) {
        let flags = self.flags(c, status);
        let (old, old_flags) = (self.commitments[c].status, self.commitments[c].flags);
        let to = self.describe(c, status, flags);
        let from = match self.described[c].take() {
            Some(words) => words,
            None => self.describe(c, old, old_flags),
        };
        self.described[c] = Some(to.clone());
        self.commitments[c].flags = flags;
        if (old, from.as_str()) == (status, to.as_str()) {
            return;
        }
        // The reason is that of the new status: derive it with the status in place.
        self.commitments[c].status = status;
        let reason = self.commitment_reason(c);
        self.commitments[c].status = old;
        let id = self.ag.spec.commitment[c].id.clone();
        self.record_change("commitment", id, &from, &to, reason);
    }

    /// Whether every bound party has performed, those that left their parts aside, and
    /// at least one has (or, for a continuing commitment without a deadline, whether it
    /// needs no performance at all).
    pub(super) fn all_performed(&self, c: usize) -> bool {
        let spec = &self.ag.commitments[c];
        let automatic = spec.kind == CommitmentKind::Continuing && spec.due.is_none();
        automatic || (!self.outstanding(c) && self.commitments[c].performed.iter().any(Option::is_some))
    }

    /// The status a commitment's record gives it (see `docs/semantics.md`); the one
    /// place that decides it.
    fn derive_status(&self, c: usize) -> CommitmentStatus {
        let record = &self.commitments[c];
        let spec = &self.ag.commitments[c];
        // Final statuses outrank suspension, so that every commitment is final once the
        // agreement has ended (see the precedence in docs/semantics.md).
        if record.terminated.is_some() {
            return CommitmentStatus::Terminated;
        }
        if record.discharged.is_some() {
            return CommitmentStatus::Discharged;
        }
        if !record.suspensions.is_empty() {
            return CommitmentStatus::Suspended;
        }
        let performed = self.all_performed(c);
        // A missed deadline stands for ever, but performance after it (late) counts.
        if record.violation.is_some() || (record.missed.is_some() && !performed) {
            return CommitmentStatus::Violated;
        }
        if record.released.is_some() {
            return CommitmentStatus::Released;
        }
        if record.owed.is_none() {
            return CommitmentStatus::Inactive;
        }
        // Performed in time, taking effect after a notice period: not yet in effect.
        let waiting = performed && self.notice_ends(c).is_some_and(|d| d > self.day);
        if performed && !waiting {
            return if spec.verifier.is_some() && record.verified.is_none() {
                CommitmentStatus::Performed
            } else {
                CommitmentStatus::Fulfilled
            };
        }
        if record.extended {
            CommitmentStatus::Overdue
        } else {
            CommitmentStatus::Pending
        }
    }

    fn on_commitment_change(&mut self, c: usize, old: CommitmentStatus, new: CommitmentStatus) {
        let performing = CommitmentStatus::is_in_effect;
        let ag = self.ag.clone();
        let id = ag.spec.commitment[c].id.as_str();
        let continuing = ag.commitments[c].kind == CommitmentKind::Continuing;
        if performing(new) && !performing(old) {
            let since = *self.commitments[c].in_effect_since.get_or_insert(self.day);
            let lasts = self.ag.commitments[c].lasts;
            self.commitments[c].term_ends = lasts.and_then(|l| l.after(since));
            self.apply_sets(c, id);
        }
        if performing(old) && !performing(new) && new != CommitmentStatus::Released && continuing {
            self.revert_sets(c, id, new);
        }
        let relieving = CommitmentStatus::reads_as_fulfilled;
        // Relief begins only with fulfilment: a commitment released before it was ever
        // fulfilled (its `while` failed first) relieves nothing; one released after it
        // keeps the relief it gave.
        if new == CommitmentStatus::Fulfilled && !relieving(old) {
            for &i in &ag.commitments[c].relieves {
                if self.instruments[i].status.in_force() {
                    let reason = self.reason_with(|| {
                        Reason::new(self.day, format!("relieved by `{id}`, fulfilled on {}", self.day))
                            .cause(id)
                    });
                    self.set_instrument(i, InstrumentStatus::Relieved, Some(c), reason);
                }
            }
        }
        if relieving(old) && !relieving(new) {
            for i in 0..self.ag.spec.instrument.len() {
                if self.instruments[i].relieved_by == Some(c)
                    && self.instruments[i].status == InstrumentStatus::Relieved
                {
                    let verified = ag.commitments[c].verifier.is_some();
                    let reason = self.reason_with(|| {
                        let text =
                            format!("relief withdrawn: `{id}` is now {}", new.describe(continuing, verified));
                        Reason::new(self.day, text).cause(id)
                    });
                    self.set_instrument(i, InstrumentStatus::InForce, None, reason);
                }
            }
        }
    }

    /// A phase of which nothing is performed or awaited any more, and something is
    /// suspended (the military agreement once the ROK suspended all of it and the DPRK
    /// renounced its part, the deeds of 2018 aside) reads suspended, and returns to open or complete when one resumes. A phase
    /// a power suspends is the power's to release.
    fn hold_phases(&mut self) -> bool {
        if self.agreement_status.is_over() {
            return false;
        }
        self.sync();
        let mut changed = false;
        let mut next = 0;
        while let Some(p) = self.dirty.hold.take_from(next) {
            next = p + 1;
            changed |= self.hold_phase(p);
        }
        changed
    }

    fn hold_phase(&mut self, p: usize) -> bool {
        let (status, held) = (self.phases[p].status, self.phases[p].held);
        let eligible = matches!(status, PhaseStatus::Open | PhaseStatus::Complete)
            || (status == PhaseStatus::Suspended && held.is_some());
        if !eligible || self.power_suspends_phase(p) {
            return false;
        }
        // Nothing of it is being performed or awaited: every binding commitment in
        // effect is suspended, ended, in breach, or an action done (a past deed holds
        // nothing up), and one is suspended. Counted as commitments change (`facts`).
        let all_stopped = self.phase_all_stopped(p);
        match (held, all_stopped) {
            (None, true) => {
                self.phases[p].held = Some(status);
                let reason = self.reason_with(|| {
                    let mut reason = Reason::new(
                        self.day,
                        format!("every commitment of it is suspended or has ended, by {}", self.day),
                    );
                    for &c in &self.ag.phases[p].commitments {
                        let spec = &self.ag.commitments[c];
                        if spec.binding && self.in_effect(spec.amendment) {
                            reason = reason.cause(self.ag.spec.commitment[c].id.clone());
                        }
                    }
                    reason
                });
                self.set_phase(p, PhaseStatus::Suspended, reason);
                true
            }
            (Some(prior), false) => {
                self.phases[p].held = None;
                let reason = self.reason_with(|| {
                    Reason::new(
                        self.day,
                        format!("{} again: a commitment of it resumed on {}", prior.words(), self.day),
                    )
                });
                self.set_phase(p, prior, reason);
                true
            }
            _ => false,
        }
    }

    /// Whether an exercised power suspends phase `p` now.
    fn power_suspends_phase(&self, p: usize) -> bool {
        self.ag.powers.iter().enumerate().any(|(w, power)| {
            power.suspends_phases.contains(&p) && matches!(self.powers[w].stage, Stage::Exercised { .. })
        })
    }

    fn complete_phases(&mut self) -> bool {
        self.sync();
        let mut changed = false;
        let mut next = 0;
        while let Some(p) = self.dirty.complete.take_from(next) {
            next = p + 1;
            // Commitments discharged by the agreement's end complete nothing.
            if self.phases[p].status != PhaseStatus::Open || self.agreement_status.is_over() {
                continue;
            }
            let members = &self.ag.phases[p].commitments;
            // Every binding commitment in effect is fulfilled, released or discharged:
            // declarations (not binding) neither hold a phase back nor complete it
            // alone, and commitments of a later layer not yet in effect do not exist yet.
            // Counted as commitments change (`facts`).
            if self.phase_done(p) {
                let reason = self.reason_with(|| {
                    let mut reason = Reason::new(
                        self.day,
                        format!("every commitment fulfilled, released or discharged by {}", self.day),
                    );
                    for &c in members {
                        reason = reason.cause(self.ag.spec.commitment[c].id.clone());
                    }
                    reason
                });
                self.set_phase(p, PhaseStatus::Complete, reason);
                changed = true;
            }
        }
        changed
    }

    fn update_powers(&mut self) -> bool {
        self.sync();
        let mut changed = false;
        let mut next = 0;
        while let Some(p) = self.dirty.powers.take_from(next) {
            next = p + 1;
            let power = &self.ag.powers[p];
            let exists = self.in_effect(power.amendment) && !self.agreement_status.is_over();
            let holds = exists && self.eval(&power.trigger) && self.holder_remains(p);
            self.powers[p].trigger_holds = holds;
            let over = self.agreement_status.is_over();
            let resumes = !over && power.resumes_when.as_ref().is_some_and(|r| self.eval(r));
            if resumes && matches!(self.powers[p].stage, Stage::Exercised { .. }) {
                let condition =
                    self.ag.spec.power[p].resumes_when.as_ref().map(|r| r.to_string()).unwrap_or_default();
                let text = format!("the suspension ended on {} when {condition} came to hold", self.day);
                self.end_power_suspension(p, Reason::new(self.day, text));
                changed = true;
            }
            if holds && !over && self.ag.powers[p].automatic && matches!(self.powers[p].stage, Stage::Idle) {
                let by = self.ag.powers[p].holders.first().copied().unwrap_or(0);
                self.start_invocation(p, by, None);
            }
            changed |= self.derive_power(p);
        }
        changed
    }

    /// Commitments with a `while` condition: suspended (or released) when it stops
    /// holding, and resumed when it holds again.
    fn hold_while(&mut self) -> bool {
        let mut changed = false;
        if self.agreement_status.is_over() {
            return false;
        }
        self.sync();
        let mut next = 0;
        while let Some(c) = self.dirty.lasting.take_from(next) {
            next = c + 1;
            let Some((condition, otherwise)) = &self.ag.commitments[c].while_ else { continue };
            let record = &self.commitments[c];
            if record.owed.is_none() || ended(record.status) {
                continue;
            }
            let holds = self.eval(condition);
            let suspended = record.suspensions.iter().any(|s| s.by == SuspendedBy::While);
            match (holds, suspended, otherwise) {
                (false, false, WhileEnds::Suspended) => {
                    let text = self.while_words(c, "suspended");
                    self.suspend(c, SuspendedBy::While, Reason::new(self.day, text));
                    changed = true;
                }
                (false, _, WhileEnds::Released) => {
                    let text = self.while_words(c, "released");
                    self.commitments[c].released = Some(Box::new(Reason::new(self.day, text)));
                    changed = true;
                }
                (true, true, _) => {
                    self.resume(c, SuspendedBy::While);
                    changed = true;
                }
                _ => {}
            }
        }
        changed
    }

    fn while_words(&self, c: usize, what: &str) -> String {
        let condition = self.ag.spec.commitment[c].while_.as_ref().map(|w| w.to_string()).unwrap_or_default();
        format!("{what} on {}: it lasts while {condition}, which stopped holding", self.day)
    }

    fn holder_remains(&self, p: usize) -> bool {
        let power = &self.ag.powers[p];
        power.automatic || power.holders.iter().any(|&h| self.withdrawn[h].is_none())
    }

    /// Evaluates a condition on the current day and state.
    pub(crate) fn eval(&self, cond: &Cond) -> bool {
        match cond {
            Cond::True => true,
            Cond::False => false,
            Cond::Commitments(pred, target) => self.eval_commitments(*pred, target),
            Cond::Complete(p) => self.phases[*p].status == PhaseStatus::Complete,
            Cond::InForce(i) => self.instruments[*i].status.in_force(),
            Cond::Status(f, equal, status) => (self.facilities[*f].status == *status) == *equal,
            // A quantity first estimated after adoption is unknown until then.
            Cond::Quantity(q, cmp, value) => {
                let (recorded, measured) = self.quantities[*q];
                let known = measured.is_some() || self.ag.spec.quantity[*q].as_of <= self.day;
                known && cmp.holds(recorded, *value)
            }
            Cond::Date(cmp, date) => cmp.holds(self.day, *date),
            Cond::And(parts) => parts.iter().all(|p| self.eval(p)),
            Cond::Or(parts) => parts.iter().any(|p| self.eval(p)),
            Cond::Not(inner) => !self.eval(inner),
        }
    }

    fn eval_commitments(&self, pred: Predicate, target: &Target) -> bool {
        let any = matches!(pred, Predicate::Alleged | Predicate::Violated | Predicate::Unremedied);
        match target {
            Target::Commitment(c) => self.holds(pred, *c, None),
            // A phase is itself suspended or terminated (by a power, a renunciation).
            Target::Phase(p) if matches!(pred, Predicate::Suspended | Predicate::Terminated) => {
                let wanted = if pred == Predicate::Suspended {
                    PhaseStatus::Suspended
                } else {
                    PhaseStatus::Terminated
                };
                self.phases[*p].status == wanted
            }
            // An aggregate: counted as commitments change, or read member by member
            // while a commitment changed since (an event being applied).
            Target::Phase(p) => self.aggregate_now(pred, target).unwrap_or_else(|| {
                let members = &self.ag.phases[*p].commitments;
                if any {
                    members.iter().any(|&c| self.holds(pred, c, None))
                } else {
                    !members.is_empty() && members.iter().all(|&c| self.holds(pred, c, None))
                }
            }),
            Target::AnyOf(party) => self.aggregate_now(pred, target).unwrap_or_else(|| {
                self.ag.binding[*party].iter().any(|&c| self.holds(pred, c, Some(*party)))
            }),
        }
    }

    /// An aggregate's value from its count, if the counts are up to date.
    fn aggregate_now(&self, pred: Predicate, target: &Target) -> Option<bool> {
        if !self.synced() {
            return None;
        }
        let a = self.ag.dependencies.aggregate_index.get(&(pred, target.clone()))?;
        Some(self.aggregate_holds(*a))
    }

    /// Whether a commitment predicate holds of commitment `c`; with `party`, whether it
    /// holds against that party (`violated(any of P)`): a breach or claim counts against
    /// the parties it blames, not every party the commitment binds.
    pub(super) fn holds(&self, pred: Predicate, c: usize, party: Option<usize>) -> bool {
        let record = &self.commitments[c];
        let status = record.status;
        // A successor answers for what was blamed on its predecessor.
        let predecessor = party.and_then(|p| self.ag.succeeds[p]).map(|(q, _)| q);
        let blames = |parties: &[usize]| {
            party.is_none_or(|p| parties.contains(&p) || predecessor.is_some_and(|q| parties.contains(&q)))
        };
        let violated = || {
            record.missed.as_ref().is_some_and(|b| blames(&b.parties))
                || record.violation.as_ref().is_some_and(|b| blames(&b.parties))
        };
        match pred {
            Predicate::Performed => status.reads_as_performed(),
            Predicate::Fulfilled => status.reads_as_fulfilled(),
            Predicate::Verified => record.verified.is_some() && status != CommitmentStatus::Inactive,
            Predicate::Violated => violated(),
            Predicate::Unremedied => {
                // A missed deadline is remedied by each party at fault performing late.
                let by = &self.ag.commitments[c].by;
                let still_owed =
                    |q: &usize| by.iter().position(|p| p == q).is_some_and(|s| record.performed[s].is_none());
                let missed = record
                    .missed
                    .as_ref()
                    .is_some_and(|b| b.parties.iter().filter(|&&q| blames(&[q])).any(still_owed));
                missed || record.violation.as_ref().is_some_and(|b| blames(&b.parties))
            }
            Predicate::Alleged => {
                violated() || record.allegation.as_ref().is_some_and(|a| blames(&a.against))
            }
            Predicate::Suspended => status == CommitmentStatus::Suspended,
            Predicate::Terminated => status == CommitmentStatus::Terminated,
        }
    }
}

/// Why a condition holds: the items and events behind it, for a power's reason.
#[derive(Default)]
pub(super) struct Evidence {
    /// Facts in words, one per item.
    pub facts: Vec<String>,
    /// Items whose status is the fact (a phase complete, an instrument in force), or
    /// whose fact has no event (a missed deadline).
    pub causes: Vec<String>,
    /// Events that established the facts.
    pub events: Vec<usize>,
}

impl Machine {
    /// The evidence that a holding condition holds. Events are cited rather than the
    /// commitments themselves where an event established the fact, so that an
    /// explanation never runs in a circle (a snap-back exercised because of a
    /// commitment it then suspended).
    pub(super) fn evidence(&self, cond: &Cond, out: &mut Evidence) {
        if !self.eval(cond) {
            return;
        }
        match cond {
            Cond::Commitments(pred, target) => {
                let (members, party): (Vec<usize>, Option<usize>) = match target {
                    Target::Commitment(c) => (vec![*c], None),
                    Target::Phase(p) => (self.ag.phases[*p].commitments.clone(), None),
                    Target::AnyOf(party) => (self.ag.binding[*party].clone(), Some(*party)),
                };
                for c in members.into_iter().filter(|&c| self.holds(*pred, c, party)) {
                    self.commitment_evidence(*pred, c, out);
                }
            }
            Cond::Complete(p) => out.causes.push(self.ag.spec.phase[*p].id.clone()),
            Cond::InForce(i) => out.causes.push(self.ag.spec.instrument[*i].id.clone()),
            Cond::Status(f, ..) => out.causes.push(self.ag.spec.facility[*f].id.clone()),
            Cond::Quantity(q, ..) => out.causes.push(self.ag.spec.quantity[*q].id.clone()),
            Cond::And(parts) | Cond::Or(parts) => parts.iter().for_each(|p| self.evidence(p, out)),
            Cond::True | Cond::False | Cond::Date(..) | Cond::Not(_) => {}
        }
    }

    fn commitment_evidence(&self, pred: Predicate, c: usize, out: &mut Evidence) {
        let record = &self.commitments[c];
        let id = &self.ag.spec.commitment[c].id;
        let breach = record.violation.as_deref().or(record.missed.as_deref());
        let claim = record.allegation.as_ref().filter(|_| breach.is_none());
        match pred {
            Predicate::Violated | Predicate::Alleged | Predicate::Unremedied
                if breach.is_some() || claim.is_some() =>
            {
                if let Some(b) = breach {
                    out.facts.push(format!("`{id}`: {}", b.reason.text));
                    if b.reason.events.is_empty() {
                        out.causes.push(id.clone());
                    }
                    out.events.extend(&b.reason.events);
                } else if let Some(a) = claim {
                    let by = &self.ag.spec.party[a.by].id;
                    out.facts.push(format!(
                        "`{id}`: violation alleged by `{by}` {} ({})",
                        self.when(a.event),
                        format_event(a.event)
                    ));
                    out.events.push(a.event);
                }
            }
            Predicate::Verified => {
                if let Some((on, e)) = record.verified {
                    let _ = on;
                    out.facts.push(format!("`{id}`: verified {} ({})", self.when(e), format_event(e)));
                    out.events.push(e);
                }
            }
            _ => {
                let events: Vec<usize> = record.performed.iter().flatten().map(|(_, e)| *e).collect();
                let spec = &self.ag.commitments[c];
                let continuing = spec.kind == CommitmentKind::Continuing;
                let words = record.status.describe(continuing, spec.verifier.is_some());
                out.facts.push(format!("`{id}` is {words}"));
                if events.is_empty() {
                    out.causes.push(id.clone());
                }
                out.events.extend(events);
            }
        }
    }
}

fn format_event(index: usize) -> String {
    format!("event #{}", index + 1)
}

impl Machine {
    pub(super) fn set_phase(&mut self, p: usize, status: PhaseStatus, reason: Reason) {
        let old = self.phases[p].status;
        self.phases[p].status = status;
        self.version += 1;
        self.phase_changed(p);
        if old != status && self.timeline.is_some() {
            let id = self.ag.spec.phase[p].id.clone();
            self.record_change("phase", id, old.words(), status.words(), reason.clone());
        }
        self.phases[p].reason = reason;
    }

    pub(super) fn record_change(
        &mut self,
        kind: &'static str,
        id: String,
        from: &str,
        to: &str,
        reason: Reason,
    ) {
        if let Some(timeline) = &mut self.timeline {
            let date = self.day;
            timeline.push(Transition {
                date,
                item: id,
                kind,
                from: from.to_string(),
                to: to.to_string(),
                reason,
            });
        }
    }

    /// A commitment came into effect or was performed: its facilities take the statuses
    /// it sets (never leaving `dismantled`).
    fn apply_sets(&mut self, c: usize, id: &str) {
        let ag = self.ag.clone();
        for &(f, status) in &ag.commitments[c].sets {
            let old = self.facilities[f].status;
            if old == FacilityStatus::Dismantled || old == status {
                continue;
            }
            self.replaced.entry((c, f)).or_insert(old);
            let reason = self.reason_with(|| {
                Reason::new(self.day, format!("made {} by `{id}` on {}", status.keyword(), self.day))
                    .cause(id)
            });
            self.set_facility(f, status, reason);
        }
    }

    /// An action's deed was reversed: the facilities it set return to the statuses it
    /// replaced, unless they have changed since or were dismantled (a dismantled facility
    /// never changes again; rebuilding it is a new facility).
    pub(super) fn undo_sets(&mut self, c: usize) {
        let ag = self.ag.clone();
        let id = ag.spec.commitment[c].id.as_str();
        for &(f, set) in &ag.commitments[c].sets {
            if set == FacilityStatus::Dismantled || self.facilities[f].status != set {
                continue;
            }
            let Some(previous) = self.replaced.remove(&(c, f)) else { continue };
            let reason = self.reason_with(|| {
                let text = format!("back to {} on {}: `{id}` was reversed", previous.keyword(), self.day);
                Reason::new(self.day, text).cause(id)
            });
            self.set_facility(f, previous, reason);
        }
    }

    /// A continuing commitment stopped being in effect: facilities it froze return to
    /// the statuses it replaced, unless they have changed since. A freeze is held, so it
    /// ends with the commitment; disabling and dismantling are deeds, and stay done.
    fn revert_sets(&mut self, c: usize, id: &str, now: CommitmentStatus) {
        let ag = self.ag.clone();
        for &(f, set) in &ag.commitments[c].sets {
            let Some(previous) = self.replaced.remove(&(c, f)) else { continue };
            if set != FacilityStatus::Frozen || self.facilities[f].status != FacilityStatus::Frozen {
                continue;
            }
            let reason = self.reason_with(|| {
                // "Operating" is the status before the freeze, not a finding that the
                // facility runs: say that the freeze ended, and why.
                let text = format!(
                    "no longer held frozen: `{id}` is {} ({}); back to its status before the freeze ({})",
                    now.describe(true, true),
                    self.day,
                    previous.keyword(),
                );
                Reason::new(self.day, text).cause(id)
            });
            self.set_facility(f, previous, reason);
        }
    }

    fn set_facility(&mut self, f: usize, status: FacilityStatus, reason: Reason) {
        let old = self.facilities[f].status;
        self.facilities[f].status = status;
        self.version += 1;
        let ag = self.ag.clone();
        self.mark_readers(&ag.dependencies.facility_readers[f]);
        if self.timeline.is_some() {
            let id = self.ag.spec.facility[f].id.clone();
            self.record_change("facility", id, old.keyword(), status.keyword(), reason.clone());
        }
        self.facilities[f].reason = reason;
    }

    /// Re-derives a power's displayed status from its stage and trigger; its reason is
    /// built only when the status changes.
    pub(super) fn derive_power(&mut self, p: usize) -> bool {
        let power = &self.powers[p];
        let status = match &power.stage {
            Stage::Idle if power.trigger_holds => PowerStatus::Available,
            Stage::Idle => PowerStatus::Dormant,
            Stage::Invoked { .. } => PowerStatus::Invoked,
            Stage::Exercised { .. } => PowerStatus::Exercised,
            Stage::Cancelled { .. } => PowerStatus::Cancelled,
        };
        if status == power.status {
            return false;
        }
        if self.lean {
            self.powers[p].status = status;
            return true;
        }
        let reason = self.power_reason(p, status);
        let old = self.powers[p].status;
        self.powers[p].status = status;
        if self.timeline.is_some() {
            let id = self.ag.spec.power[p].id.clone();
            self.record_change("power", id, old.words(), status.words(), reason.clone());
        }
        self.powers[p].reason = reason;
        true
    }

    /// Why a power has its status: its stage in words, the invoking event, and for an
    /// available, invoked or exercised power the evidence that its trigger held.
    fn power_reason(&self, p: usize, status: PowerStatus) -> Reason {
        let power = &self.powers[p];
        let trigger = self.ag.spec.power[p].trigger.to_string();
        let invoked_by = |event: Option<usize>| match event {
            Some(e) => {
                let by = &self.ag.spec.party[self.events[e].actor].id;
                format!("invoked by `{by}` {} ({})", self.when(e), format_event(e))
            }
            None => "invoked automatically".to_string(),
        };
        let mut text = match &power.stage {
            Stage::Idle if power.trigger_holds => format!("its trigger holds: {trigger}"),
            Stage::Idle => format!("its trigger does not hold: {trigger}"),
            Stage::Invoked { effect, event, .. } => {
                format!("{}; takes effect on {effect}; its trigger: {trigger}", invoked_by(*event))
            }
            Stage::Exercised { on, event } => {
                format!("took effect on {on}, {}; its trigger: {trigger}", invoked_by(*event))
            }
            Stage::Cancelled { on } => format!("invoked, then cancelled by a resolution on {on}"),
        };
        let mut reason = Reason::new(self.day, String::new());
        if let Stage::Invoked { event: Some(e), .. } | Stage::Exercised { event: Some(e), .. } = power.stage {
            reason = reason.event(e);
        }
        if matches!(status, PowerStatus::Available | PowerStatus::Invoked | PowerStatus::Exercised) {
            let mut evidence = Evidence::default();
            self.evidence(&self.ag.powers[p].trigger, &mut evidence);
            if !evidence.facts.is_empty() {
                text.push_str(&format!(" (held because {})", evidence.facts.join("; ")));
            }
            for e in evidence.events {
                reason = reason.event(e);
            }
            for id in evidence.causes {
                reason = reason.cause(id);
            }
        }
        reason.text = text;
        reason
    }

    fn derive_agreement(&mut self) {
        if self.agreement_status.is_over() {
            return;
        }
        self.sync();
        let status = self.agreement_now();
        if status != self.agreement_status {
            let old = self.agreement_status;
            self.agreement_status = status;
            self.agreement_reason = Reason::new(self.day, self.agreement_words(status));
            let id = self.ag.spec.agreement.id.clone();
            let reason = self.agreement_reason.clone();
            self.record_change("agreement", id, old.words(), status.words(), reason);
        }
    }

    /// The agreement's status while it has not ended: collapsed, stalled, partly
    /// suspended (or renounced) or in force, in that order of precedence. Read from the
    /// tallies, which must be synced.
    fn agreement_now(&self) -> AgreementStatus {
        if self.collapsed() {
            return AgreementStatus::Collapsed;
        }
        if self.stalls_on().is_some_and(|d| d <= self.day) {
            return AgreementStatus::Stalled;
        }
        match self.partly() {
            (true, true) => AgreementStatus::PartlyRenounced,
            (true, false) => AgreementStatus::PartlySuspended,
            (false, _) => AgreementStatus::InForce,
        }
    }

    /// Why the agreement has the status `agreement_now` gives, in words.
    fn agreement_words(&self, status: AgreementStatus) -> String {
        match status {
            AgreementStatus::Collapsed => self.collapse().unwrap_or_default(),
            AgreementStatus::Stalled => {
                let after = self.ag.spec.agreement.stalls_after.map(|d| d.to_string()).unwrap_or_default();
                format!("nothing owed has moved since {} ({after} or more)", self.last_movement)
            }
            AgreementStatus::PartlyRenounced | AgreementStatus::PartlySuspended => {
                self.partly_suspended_words().unwrap_or_default()
            }
            _ => "no commitment is suspended or renounced and no instrument re-imposed".into(),
        }
    }

    /// What is renounced, suspended or re-imposed now, in words ("`aid` was renounced;
    /// `a`, `b` and 3 more are suspended; `un-sanctions` is re-imposed"), if anything is.
    pub(super) fn partly_suspended_words(&self) -> Option<String> {
        let list = |ids: Vec<&str>| {
            let shown: Vec<String> = ids.iter().take(4).map(|id| format!("`{id}`")).collect();
            match ids.len() {
                n if n > 4 => format!("{} and {} more", shown.join(", "), n - 4),
                1 => shown[0].clone(),
                _ => format!("{} and {}", shown[..shown.len() - 1].join(", "), shown[shown.len() - 1]),
            }
        };
        let suspended: Vec<&str> = (0..self.commitments.len())
            .filter(|&c| self.commitments[c].status == CommitmentStatus::Suspended)
            .map(|c| self.ag.spec.commitment[c].id.as_str())
            .collect();
        let reimposed: Vec<&str> = (0..self.instruments.len())
            .filter(|&i| self.instruments[i].status == InstrumentStatus::ReImposed)
            .map(|i| self.ag.spec.instrument[i].id.as_str())
            .collect();
        let renounced: Vec<&str> = (0..self.commitments.len())
            .filter(|&c| self.commitments[c].renounced)
            .map(|c| self.ag.spec.commitment[c].id.as_str())
            .collect();
        let mut parts = Vec::new();
        if !renounced.is_empty() {
            let verb = if renounced.len() == 1 { "was" } else { "were" };
            parts.push(format!("{} {verb} renounced (in whole or by one party)", list(renounced)));
        }
        if !suspended.is_empty() {
            let verb = if suspended.len() == 1 { "is" } else { "are" };
            parts.push(format!("{} {verb} suspended", list(suspended)));
        }
        if !reimposed.is_empty() {
            let verb = if reimposed.len() == 1 { "is" } else { "are" };
            parts.push(format!("{} {verb} re-imposed", list(reimposed)));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }

    /// Why the agreement has collapsed de facto, if it has. With a `core` bargain: once
    /// every core commitment that was owed has stopped (suspended, terminated, or found
    /// in violation). Without one: once something binding was owed, nothing binding is
    /// performed or awaited any more (an obligation whose deadline does not run is not
    /// awaited), and something has stopped.
    fn collapse(&self) -> Option<String> {
        let core = &self.ag.core;
        let owed: Vec<usize> = if core.is_empty() {
            (0..self.commitments.len()).filter(|&c| self.ag.commitments[c].binding).collect()
        } else {
            core.clone()
        };
        let owed: Vec<usize> = owed.into_iter().filter(|&c| self.commitments[c].owed.is_some()).collect();
        let stopped: Vec<usize> = owed.iter().copied().filter(|&c| self.stopped(c)).collect();
        let collapsed = if core.is_empty() {
            !stopped.is_empty() && !owed.iter().any(|&c| self.performing_or_awaited(c))
        } else {
            !owed.is_empty() && stopped.len() == owed.len()
        };
        if !collapsed {
            return None;
        }
        let names: Vec<String> = stopped
            .iter()
            .take(4)
            .map(|&c| format!("`{}` {}", self.ag.spec.commitment[c].id, self.describe_now(c)))
            .collect();
        let more = if stopped.len() > 4 { format!(" and {} more", stopped.len() - 4) } else { String::new() };
        let what = if core.is_empty() {
            "nothing owed is being performed or awaited"
        } else {
            "the core bargain has stopped"
        };
        Some(format!("{what}: {}{more}", names.join(", ")))
    }

    /// Whether a commitment has stopped: suspended, ended by termination, or found in
    /// violation by its verifier or a measurement. Neither a claim nor a missed deadline
    /// stops it: late performance still counts, and historically it often came.
    pub(super) fn stopped(&self, c: usize) -> bool {
        let record = &self.commitments[c];
        record.violation.is_some()
            || matches!(record.status, CommitmentStatus::Suspended | CommitmentStatus::Terminated)
    }

    /// Whether a commitment is being performed or awaited: in effect (or performed,
    /// awaiting verification), pending with its deadline running, or late (its deadline
    /// missed, its performance still awaited), and not found in violation.
    pub(super) fn performing_or_awaited(&self, c: usize) -> bool {
        let record = &self.commitments[c];
        let continuing = self.ag.commitments[c].kind == CommitmentKind::Continuing;
        record.violation.is_none()
            && match record.status {
                CommitmentStatus::Performed | CommitmentStatus::Violated => true,
                CommitmentStatus::Fulfilled => continuing,
                CommitmentStatus::Pending | CommitmentStatus::Overdue => self.deadline_runs(c),
                _ => false,
            }
    }
}
