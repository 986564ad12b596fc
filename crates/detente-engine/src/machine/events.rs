//! Applying one event to the machine (step 3 of processing a day in
//! `docs/semantics.md`). An event that cannot apply is kept as a note saying why, never
//! dropped.

use detente_spec::model::{EventKind, Role};
use detente_spec::time::Duration;

use super::{ended, event_ref, on_date, Act, Allegation, Breach, Machine, Stage, SuspendedBy};
use crate::log::Subject;
use crate::state::*;

impl Machine {
    fn note(&mut self, event: &Act, text: impl Into<String>) {
        self.notes.push(Note { event: event.index, text: text.into() });
    }

    /// Applies one event; `false` when it cannot have changed any derived status (it was
    /// only noted, or it measured a quantity nothing reads), so settling can be skipped.
    pub(super) fn apply(&mut self, event: &Act) -> bool {
        let notes_before = self.notes.len();
        // Borrowed from the agreement, not the machine: no copy per event.
        let ag = self.ag.clone();
        let actor = ag.spec.party[event.actor].id.as_str();
        // Imposing or lifting an instrument acts outside the agreement: a party that has
        // left, or an agreement that has ended, does not stop it (the US re-imposed its
        // sanctions in 2018 after leaving the JCPOA).
        let outside = matches!(event.kind, EventKind::Imposed | EventKind::Lifted);
        if self.agreement_status.is_over() && !outside {
            let words = self.agreement_status.words();
            self.note(event, format!("the agreement had {words}; recorded only"));
            return false;
        }
        if let Some(why) = self.not_yet_or_no_longer(event) {
            self.note(event, why);
            return false;
        }
        if self.withdrawn[event.actor].is_some() && !outside {
            self.note(event, format!("`{actor}` had withdrawn; recorded only"));
            return false;
        }
        match (event.kind, event.subject) {
            (EventKind::Performed, Subject::Commitment(c)) => self.perform(event, c),
            (EventKind::Verified, Subject::Commitment(c)) => {
                if self.commitments[c].verified.is_none() {
                    self.commitments[c].verified = Some((event.date, event.index));
                } else {
                    self.note(event, "already verified; repeated verification ignored");
                }
            }
            (EventKind::Violation, Subject::Commitment(c)) => self.claim(event, c),
            (EventKind::ViolationVerified, Subject::Commitment(c)) => self.establish(event, c),
            (EventKind::Measured, Subject::Quantity(q)) => return self.measure(event, q),
            (EventKind::Invoked, Subject::Power(p)) => self.invoke(event, p),
            (EventKind::Resolved, Subject::Power(p)) => self.resolve_power(event, p),
            (EventKind::Resolved, Subject::Commitment(c)) => self.resolve(event, c),
            (EventKind::Withdrew, _) => {
                let day = event.date;
                let when = on_date(day, event.precision);
                let reason =
                    Reason::new(day, format!("`{actor}` withdrew {when} ({})", event_ref(event.index)))
                        .event(event.index);
                self.withdraw(event.actor, reason);
            }
            (EventKind::Imposed, Subject::Instrument(i)) => {
                let text = format!(
                    "imposed again by `{actor}` outside the agreement on {} ({})",
                    event.date,
                    event_ref(event.index)
                );
                let reason = Reason::new(event.date, text).event(event.index);
                self.set_instrument(i, InstrumentStatus::InForce, None, reason);
            }
            (EventKind::Lifted, Subject::Instrument(i)) => {
                let text = format!(
                    "lifted by `{actor}` outside the agreement on {} ({})",
                    event.date,
                    event_ref(event.index)
                );
                let reason = Reason::new(event.date, text).event(event.index);
                self.set_instrument(i, InstrumentStatus::Lifted, None, reason);
            }
            (EventKind::Extended, Subject::Commitment(c)) => self.extend(event, c),
            (EventKind::Extended, Subject::Agreement) => self.extend_agreement(event),
            (EventKind::Disputed, Subject::Commitment(c)) => self.dispute(event, c),
            (EventKind::Renounced, Subject::Commitment(c)) => self.renounce(event, c),
            (EventKind::Reversed, Subject::Commitment(c)) => self.reverse(event, c),
            (EventKind::Renounced, Subject::Phase(p)) => self.renounce_phase(event, p),
            (EventKind::Suspended, subject) => self.suspend_own(event, subject),
            (EventKind::Resumed, Subject::Power(p)) => self.resume_power(event, p),
            (EventKind::Resumed, subject) => self.resume_own(event, subject),
            (EventKind::Amended, Subject::Amendment(a)) => {
                if self.amendments[a].is_some() {
                    self.note(event, "the amendment had already taken effect; recorded only");
                } else {
                    self.take_effect(a, Some(event.index));
                }
            }
            _ => self.note(event, "event does not apply to its subject; ignored"),
        }
        self.notes.len() == notes_before
    }

    /// Why an actor cannot act on this day: a successor before its succession, or a
    /// predecessor after it; an item of an amendment not yet in effect.
    fn not_yet_or_no_longer(&self, event: &Act) -> Option<String> {
        let spec = &self.ag.spec;
        let actor = &spec.party[event.actor].id;
        if let Some((predecessor, on)) = self.ag.succeeds[event.actor].filter(|(_, on)| event.date < *on) {
            return Some(format!(
                "`{actor}` takes the place of `{}` only from {on}; recorded only",
                spec.party[predecessor].id
            ));
        }
        let successor = self
            .ag
            .succeeds
            .iter()
            .position(|s| s.is_some_and(|(p, on)| p == event.actor && on <= event.date));
        if let Some(successor) = successor {
            return Some(format!(
                "`{actor}` had been succeeded by `{}`; recorded only",
                spec.party[successor].id
            ));
        }
        let amendment = match event.subject {
            Subject::Commitment(c) => self.ag.commitments[c].amendment,
            Subject::Phase(p) => self.ag.phases[p].amendment,
            Subject::Power(p) => self.ag.powers[p].amendment,
            _ => None,
        };
        // Performance (and its verification) before a later layer takes effect counts
        // once it does, like any early performance; nothing else can act on it yet.
        let early = matches!(event.kind, EventKind::Performed | EventKind::Verified);
        (!self.in_effect(amendment) && !early).then(|| {
            let id = &spec.amendment[amendment.unwrap_or_default()].id;
            format!("about an item of amendment `{id}`, not yet in effect; recorded only")
        })
    }

    /// Whether this reading excludes the matter of a violation event from the commitment.
    fn excluded(&mut self, event: &Act, c: usize) -> bool {
        let excludes = &self.ag.commitments[c].excludes;
        let Some(matter) = self.events[event.index].matter.as_ref().filter(|m| excludes.contains(m)) else {
            return false;
        };
        let reader = self.ag.reading.map(|p| self.ag.spec.party[p].id.clone()).unwrap_or_default();
        let text = format!(
            "as `{reader}` reads `{}`, it does not cover `{matter}`: no violation; recorded only",
            self.ag.spec.commitment[c].id
        );
        self.note(event, text);
        true
    }

    fn perform(&mut self, event: &Act, c: usize) {
        let status = self.commitments[c].status;
        if ended(status) {
            let words = status.describe(false, false);
            self.note(event, format!("performed after the commitment had ended ({words}); recorded only"));
            return;
        }
        let slot = self.slot_of(c, event.actor);
        if slot.is_some_and(|s| self.commitments[c].left[s].is_some()) {
            let actor = &self.ag.spec.party[event.actor].id;
            self.note(event, format!("`{actor}` had renounced its part; recorded only"));
            return;
        }
        match slot.map(|s| &mut self.commitments[c].performed[s]) {
            Some(record @ None) => *record = Some((event.date, event.index)),
            _ => {
                let actor = &self.ag.spec.party[event.actor].id;
                self.note(event, format!("`{actor}` had already performed it; repeated report ignored"))
            }
        }
    }

    /// The parties an event accuses: the one it names, or by default every bound party
    /// but the accuser (every bound party when the accuser is the only one).
    fn accused(&self, event: &Act, c: usize) -> Vec<usize> {
        if let Some(party) = event.against {
            return vec![self.answering(party)];
        }
        let by: Vec<usize> = self.ag.commitments[c].by.iter().map(|&p| self.answering(p)).collect();
        let others: Vec<usize> = by.iter().copied().filter(|&p| p != event.actor).collect();
        if others.is_empty() {
            by
        } else {
            others
        }
    }

    /// A party claims a violation: the commitment is alleged violated, beside whatever
    /// status it has. A claim already standing keeps its date; a later one may add
    /// accused parties.
    fn claim(&mut self, event: &Act, c: usize) {
        if self.excluded(event, c) {
            return;
        }
        let record = &self.commitments[c];
        if record.owed.is_none() || ended(record.status) {
            self.note(
                event,
                "violation claimed while the commitment was not owed or had ended; recorded only",
            );
            return;
        }
        if record.violation.is_some() || record.status == CommitmentStatus::Violated {
            self.note(event, "violation claimed when a violation was already established; recorded only");
            return;
        }
        let against = self.accused(event, c);
        match &mut self.commitments[c].allegation {
            None => {
                self.commitments[c].allegation = Some(Allegation {
                    event: event.index,
                    date: event.date,
                    by: event.actor,
                    against,
                    again: Vec::new(),
                });
            }
            Some(standing) => {
                let first = standing.event;
                let new: Vec<usize> = against.into_iter().filter(|p| !standing.against.contains(p)).collect();
                // A later claim keeps the first one's date and is cited beside it (the
                // launch after its announcement), adding any newly accused party.
                let _ = first;
                standing.against.extend(new);
                standing.again.push(event.index);
            }
        }
    }

    /// A verifier establishes a violation. It stands beside any status (a suspended
    /// commitment can still be found in breach) until resolved.
    fn establish(&mut self, event: &Act, c: usize) {
        if self.excluded(event, c) {
            return;
        }
        let record = &self.commitments[c];
        if record.owed.is_none() || ended(record.status) {
            self.note(
                event,
                "violation verified while the commitment was not owed or had ended; recorded only",
            );
            return;
        }
        if record.violation.is_some() {
            self.note(event, "a verified violation already stands; recorded only");
            return;
        }
        let actor = &self.ag.spec.party[event.actor].id;
        let established = if self.ag.commitments[c].verifier == Some(event.actor) {
            "verified"
        } else {
            "established by agreed procedure"
        };
        let text = format!(
            "violation {established} by `{actor}` {} ({})",
            on_date(event.date, event.precision),
            event_ref(event.index)
        );
        let reason = Reason::new(event.date, text).event(event.index);
        let parties = match event.against {
            Some(p) => vec![self.answering(p)],
            None => self.ag.commitments[c].by.iter().map(|&p| self.answering(p)).collect(),
        };
        self.commitments[c].violation =
            Some(Box::new(Breach { kind: BreachKind::Verified, reason, parties }));
    }

    /// A `resolved` event on a commitment settles the dispute: the claim and any verified
    /// violation are cleared. A party accused cannot resolve the claim against itself,
    /// and a missed deadline cannot be resolved at all.
    fn resolve(&mut self, event: &Act, c: usize) {
        let record = &self.commitments[c];
        if record.allegation.is_none() && record.violation.is_none() {
            let text = if record.missed.is_some() {
                "a missed deadline cannot be resolved; only an extension before it passes avoids it"
            } else {
                "nothing to resolve: no violation was claimed or established"
            };
            self.note(event, text);
            return;
        }
        let accused = record
            .allegation
            .iter()
            .flat_map(|a| a.against.iter())
            .chain(record.violation.iter().flat_map(|v| v.parties.iter()));
        if accused.copied().any(|p| p == event.actor) {
            let actor = &self.ag.spec.party[event.actor].id;
            let text = format!(
                "`{actor}` is accused of the violation and cannot resolve the claim against itself; recorded only"
            );
            self.note(event, text);
            return;
        }
        let record = &mut self.commitments[c];
        record.allegation = None;
        record.violation = None;
        record.disputed = None;
    }

    /// The accused contests a claim or a breach: it stands, shown as disputed.
    fn dispute(&mut self, event: &Act, c: usize) {
        let record = &self.commitments[c];
        let accused = record
            .allegation
            .iter()
            .flat_map(|a| a.against.iter())
            .chain(record.violation.iter().flat_map(|v| v.parties.iter()))
            .chain(record.missed.iter().flat_map(|m| m.parties.iter()))
            .any(|&p| p == event.actor || self.ag.succeeds[event.actor].is_some_and(|(q, _)| q == p));
        if !accused {
            let actor = &self.ag.spec.party[event.actor].id;
            self.note(event, format!("nothing accuses `{actor}` of violating it; recorded only"));
        } else if record.disputed.is_some() {
            self.note(event, "already disputed; recorded only");
        } else {
            self.commitments[c].disputed = Some(event.index);
        }
    }

    /// A party renounces a commitment: it ends (terminated), unless it is a deed done.
    fn renounce(&mut self, event: &Act, c: usize) {
        let status = self.commitments[c].status;
        if ended(status) {
            self.note(event, "renounced after the commitment had ended; recorded only");
            return;
        }
        if self.is_done_deed(c) {
            self.note(event, "a deed done cannot be renounced; recorded only");
            return;
        }
        let ag = self.ag.clone();
        let actor = &ag.spec.party[event.actor].id;
        let text = format!(
            "renounced by `{actor}` {} ({})",
            on_date(event.date, event.precision),
            event_ref(event.index)
        );
        let reason = Reason::new(event.date, text).event(event.index);
        if self.leave_share(c, event.actor, &reason) {
            self.commitments[c].renounced = true;
        } else {
            self.note(
                event,
                format!("`{actor}` had already performed its part, which stays done; recorded only"),
            );
        }
    }

    /// A party undoes an action it had performed: its part is no longer done (relief
    /// it gave is withdrawn, facilities it set return to their earlier status unless
    /// dismantled), and the reversal is a breach at its fault, which stands, like a
    /// verified violation, until resolved by another party. Performing again counts.
    fn reverse(&mut self, event: &Act, c: usize) {
        let actor = &self.ag.spec.party[event.actor].id;
        let Some(slot) = self.slot_of(c, event.actor) else { return };
        if self.commitments[c].performed[slot].is_none() {
            self.note(
                event,
                format!("`{actor}` had not performed its part: nothing to reverse; recorded only"),
            );
            return;
        }
        if ended(self.commitments[c].status) {
            self.note(event, "reversed after the commitment had ended; recorded only");
            return;
        }
        let text = format!(
            "deed reversed by `{actor}` {} ({})",
            on_date(event.date, event.precision),
            event_ref(event.index)
        );
        let reason = Reason::new(event.date, text).event(event.index);
        let record = &mut self.commitments[c];
        record.performed[slot] = None;
        if record.violation.is_none() {
            let parties = vec![self.answering(event.actor)];
            self.commitments[c].violation =
                Some(Box::new(Breach { kind: BreachKind::Reversed, reason, parties }));
        }
        self.undo_sets(c);
    }

    /// A party renounces a whole phase (one instrument of a process): the phase is
    /// terminated, and with it every commitment of it still open.
    fn renounce_phase(&mut self, event: &Act, p: usize) {
        if self.phases[p].status == PhaseStatus::Terminated {
            self.note(event, "the phase had already been renounced; recorded only");
            return;
        }
        let actor = &self.ag.spec.party[event.actor].id;
        let phase = &self.ag.spec.phase[p].id;
        let text = format!(
            "phase `{phase}` renounced by `{actor}` {} ({})",
            on_date(event.date, event.precision),
            event_ref(event.index)
        );
        let reason = Reason::new(event.date, text).event(event.index);
        // The party leaves its part of each commitment of the phase; the others' pledges
        // stand. The phase ends when nothing of it is left to anyone.
        let ag = self.ag.clone();
        for &c in &ag.phases[p].commitments {
            if self.binds(c, event.actor)
                && !ended(self.commitments[c].status)
                && !self.is_done_deed(c)
                && self.leave_share(c, event.actor, &reason)
            {
                self.commitments[c].renounced = true;
            }
        }
        let all_ended = ag.phases[p]
            .commitments
            .iter()
            .all(|&c| self.commitments[c].terminated.is_some() || self.is_done_deed(c));
        if all_ended {
            self.phases[p].held = None;
            self.set_phase(p, PhaseStatus::Terminated, reason);
        }
    }

    /// The commitments a party's own suspension or resumption of `subject` reaches: its
    /// part of one commitment, of a phase, or of the whole agreement.
    fn own_commitments(&self, actor: usize, subject: Subject) -> Vec<usize> {
        let all = 0..self.commitments.len();
        match subject {
            Subject::Commitment(c) => vec![c],
            Subject::Phase(p) => {
                self.ag.phases[p].commitments.iter().copied().filter(|&c| self.binds(c, actor)).collect()
            }
            _ => all.filter(|&c| self.binds(c, actor)).collect(),
        }
    }

    /// A party suspends its own performance, which the agreement does not provide for:
    /// the commitments read "suspended", deadlines keep running, breaches still count.
    fn suspend_own(&mut self, event: &Act, subject: Subject) {
        let actor = self.ag.spec.party[event.actor].id.clone();
        let what = match subject {
            Subject::Agreement => "its participation in the agreement".to_string(),
            Subject::Phase(p) => format!("its part of phase `{}`", self.ag.spec.phase[p].id),
            _ => "its performance".to_string(),
        };
        let text = format!(
            "`{actor}` suspended {what} {} ({}), which the agreement does not provide for",
            on_date(event.date, event.precision),
            event_ref(event.index)
        );
        let reason = Reason::new(event.date, text).event(event.index);
        if subject == Subject::Agreement && self.participation_suspended[event.actor].is_some() {
            self.note(event, "its participation was already suspended; recorded only");
            return;
        }
        // A deed done stays done: a party suspends what it still has to do or to hold.
        let targets: Vec<usize> = self
            .own_commitments(event.actor, subject)
            .into_iter()
            .filter(|&c| !self.is_done_deed(c))
            .collect();
        let before = self.version;
        for c in targets {
            self.suspend(c, SuspendedBy::Party(event.actor), reason.clone());
        }
        if subject == Subject::Agreement && self.participation_suspended[event.actor].is_none() {
            if self.timeline.is_some() {
                self.record_change(
                    "party",
                    actor.clone(),
                    "participating",
                    "suspended its participation",
                    reason.clone(),
                );
            }
            self.participation_suspended[event.actor] = Some(reason);
        } else if self.version == before {
            self.note(
                event,
                "nothing of its own to suspend there (already suspended or ended); recorded only",
            );
        }
    }

    /// A party ends its own suspension.
    fn resume_own(&mut self, event: &Act, subject: Subject) {
        let mut any = false;
        for c in self.own_commitments(event.actor, subject) {
            any |= self.resume(c, SuspendedBy::Party(event.actor));
        }
        if subject == Subject::Agreement {
            if let Some(was) = self.participation_suspended[event.actor].take() {
                any = true;
                if self.timeline.is_some() {
                    let actor = self.ag.spec.party[event.actor].id.clone();
                    let text = format!(
                        "`{actor}` resumed its participation {} ({})",
                        on_date(event.date, event.precision),
                        event_ref(event.index)
                    );
                    let _ = was;
                    self.record_change(
                        "party",
                        actor,
                        "suspended its participation",
                        "participating",
                        Reason::new(event.date, text).event(event.index),
                    );
                }
            }
        }
        if !any {
            self.note(event, "nothing it had suspended there; recorded only");
        }
    }

    /// A holder ends the suspension its power caused.
    fn resume_power(&mut self, event: &Act, p: usize) {
        if !matches!(self.powers[p].stage, Stage::Exercised { .. })
            || self.ag.powers[p].kind == detente_spec::model::PowerKind::Withdraw
        {
            self.note(event, "the power has no suspension in effect to end; recorded only");
            return;
        }
        let actor = &self.ag.spec.party[event.actor].id;
        let text = format!(
            "`{actor}` ended it {} ({})",
            on_date(event.date, event.precision),
            event_ref(event.index)
        );
        self.end_power_suspension(p, Reason::new(event.date, text).event(event.index));
    }

    /// The parties extend the agreement's term: its end date moves.
    fn extend_agreement(&mut self, event: &Act) {
        let Some(ends) = self.ends else {
            self.note(event, "the agreement has no end date to extend; recorded only");
            return;
        };
        let new = match (event.until, event.value) {
            (Some(until), _) => Some(until),
            (None, Some(days)) => Duration::days(days as u32).after(ends),
            (None, None) => None,
        };
        match new {
            Some(new) if new > ends => {
                self.ends = Some(new);
                self.version += 1;
                if self.timeline.is_some() {
                    let id = self.ag.spec.agreement.id.clone();
                    let text = format!(
                        "its term extended: its last day in force moved from {ends} to {new} ({})",
                        event_ref(event.index)
                    );
                    let words = self.agreement_status.words();
                    self.record_change(
                        "agreement",
                        id,
                        words,
                        words,
                        Reason::new(event.date, text).event(event.index),
                    );
                }
            }
            _ => self.note(
                event,
                format!("the extension does not move the end date ({ends}) later; recorded only"),
            ),
        }
    }

    fn extend(&mut self, event: &Act, c: usize) {
        let days = event.value.unwrap_or(0.0) as u32;
        let day = event.date;
        let running = self.deadline_runs(c);
        let record = &mut self.commitments[c];
        match (running, record.due, record.tolled) {
            (true, Some(due), _) => {
                let new_due = match event.until {
                    Some(until) => Some(until),
                    None => Duration::days(days).after(due),
                };
                match new_due {
                    Some(new_due) if new_due >= due => record.due = Some(new_due),
                    Some(_) => self.note(event, "the new deadline is earlier than the current one; ignored"),
                    None => {
                        self.note(event, "the extended deadline would fall past the calendar's end; ignored")
                    }
                }
            }
            (false, None, Some(left)) if record.status == CommitmentStatus::Suspended => {
                record.tolled = Some(match event.until {
                    Some(until) => (until - day).get_days().max(left),
                    None => left.saturating_add(days as i32),
                });
            }
            _ => self.note(event, "extension of a commitment with no running deadline; ignored"),
        }
    }

    /// Records a measurement; `true` when it may change a status (it crossed a cap in
    /// effect, or a condition reads the quantity).
    fn measure(&mut self, event: &Act, q: usize) -> bool {
        let day = event.date;
        let value = event.value.unwrap_or_default();
        let ag = self.ag.clone();
        let actor = &ag.spec.party[event.actor];
        self.quantities[q] = (value, Some(event.index));
        self.mark_readers(&ag.dependencies.quantity_readers[q]);
        let by_verifier = actor.role == Role::Verifier;
        let mut crossed = false;
        for &c in &ag.dependencies.capped[q] {
            let cap =
                ag.commitments[c].limits.iter().find(|(quantity, _)| *quantity == q).map(|(_, max)| *max);
            let in_effect = self.commitments[c].status.is_in_effect();
            let Some(max) = cap.filter(|max| value > *max && in_effect) else { continue };
            crossed = true;
            if by_verifier {
                if self.commitments[c].violation.is_none() {
                    let quantity = &ag.spec.quantity[q].id;
                    let text = format!(
                        "`{quantity}` measured at {value}, above the cap of {max}, by `{}` on {day} ({})",
                        actor.id,
                        event_ref(event.index)
                    );
                    let reason = Reason::new(day, text).event(event.index).cause(quantity.clone());
                    let parties = ag.commitments[c].by.iter().map(|&p| self.answering(p)).collect();
                    self.commitments[c].violation =
                        Some(Box::new(Breach { kind: BreachKind::CapExceeded, reason, parties }));
                }
            } else if self.commitments[c].allegation.is_none() {
                let against = self.accused(event, c);
                self.commitments[c].allegation = Some(Allegation {
                    event: event.index,
                    date: day,
                    by: event.actor,
                    against,
                    again: Vec::new(),
                });
            }
        }
        crossed || ag.quantity_read[q]
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

    fn resolve_power(&mut self, event: &Act, p: usize) {
        match self.powers[p].stage {
            Stage::Invoked { .. } if self.ag.powers[p].cancellable => {
                self.set_stage(p, Stage::Cancelled { on: event.date })
            }
            Stage::Invoked { .. } => self.note(event, "this power cannot be cancelled; resolution ignored"),
            _ => self.note(event, "nothing to cancel: the power is not invoked"),
        }
    }
}
