//! Applying one event to the machine (step 3 of processing a day in
//! `docs/semantics.md`). An event that cannot apply is kept as a note saying why, never
//! dropped.

use detente_spec::model::{EventKind, Role};
use detente_spec::time::Duration;

use super::{ended, event_ref, Act, Allegation, Breach, Machine, Stage};
use crate::log::Subject;
use crate::state::*;

impl Machine<'_> {
    fn note(&mut self, event: &Act, text: impl Into<String>) {
        self.notes.push(Note { event: event.index, text: text.into() });
    }

    /// Applies one event; `false` when it cannot have changed any derived status (it was
    /// only noted, or it measured a quantity nothing reads), so settling can be skipped.
    pub(super) fn apply(&mut self, event: &Act) -> bool {
        let notes_before = self.notes.len();
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
                let reason =
                    Reason::new(day, format!("`{actor}` withdrew on {day} ({})", event_ref(event.index)))
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
            _ => self.note(event, "event does not apply to its subject; ignored"),
        }
        self.notes.len() == notes_before
    }

    fn perform(&mut self, event: &Act, c: usize) {
        let status = self.commitments[c].status;
        if ended(status) {
            let words = status.describe(false, false);
            self.note(event, format!("performed after the commitment had ended ({words}); recorded only"));
            return;
        }
        let slot = self.ag.commitments[c].by.iter().position(|&p| p == event.actor);
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
            return vec![party];
        }
        let by = &self.ag.commitments[c].by;
        let others: Vec<usize> = by.iter().copied().filter(|&p| p != event.actor).collect();
        if others.is_empty() {
            by.clone()
        } else {
            others
        }
    }

    /// A party claims a violation: the commitment is alleged violated, beside whatever
    /// status it has. A claim already standing keeps its date; a later one may add
    /// accused parties.
    fn claim(&mut self, event: &Act, c: usize) {
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
                self.commitments[c].allegation =
                    Some(Allegation { event: event.index, date: event.date, by: event.actor, against });
            }
            Some(standing) => {
                let first = standing.event;
                let new: Vec<usize> = against.into_iter().filter(|p| !standing.against.contains(p)).collect();
                if new.is_empty() {
                    self.note(
                        event,
                        format!(
                            "a claim against the same parties already stands ({}); recorded only",
                            event_ref(first)
                        ),
                    );
                } else {
                    standing.against.extend(new);
                }
            }
        }
    }

    /// A verifier establishes a violation. It stands beside any status (a suspended
    /// commitment can still be found in breach) until resolved.
    fn establish(&mut self, event: &Act, c: usize) {
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
        let text = format!("violation verified by `{actor}` on {} ({})", event.date, event_ref(event.index));
        let reason = Reason::new(event.date, text).event(event.index);
        let parties = match event.against {
            Some(p) => vec![p],
            None => self.ag.commitments[c].by.clone(),
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
    }

    fn extend(&mut self, event: &Act, c: usize) {
        let days = event.value.unwrap_or(0.0) as u32;
        let record = &mut self.commitments[c];
        let running = matches!(record.status, CommitmentStatus::Pending | CommitmentStatus::Overdue);
        match (running, record.due, record.tolled) {
            (true, Some(due), _) => match Duration::days(days).after(due) {
                Some(new_due) => record.due = Some(new_due),
                None => self.note(event, "the extended deadline would fall past the calendar's end; ignored"),
            },
            (false, None, Some(left)) if record.status == CommitmentStatus::Suspended => {
                record.tolled = Some(left.saturating_add(days as i32));
            }
            _ => self.note(event, "extension of a commitment with no running deadline; ignored"),
        }
    }

    /// Records a measurement; `true` when it may change a status (it crossed a cap in
    /// effect, or a condition reads the quantity).
    fn measure(&mut self, event: &Act, q: usize) -> bool {
        let day = event.date;
        let value = event.value.unwrap_or_default();
        let ag = self.ag;
        let actor = &ag.spec.party[event.actor];
        self.quantities[q] = (value, Some(event.index));
        let by_verifier = actor.role == Role::Verifier;
        let mut crossed = false;
        for c in 0..self.commitments.len() {
            let cap =
                ag.commitments[c].limits.iter().find(|(quantity, _)| *quantity == q).map(|(_, max)| *max);
            let in_effect = matches!(
                self.commitments[c].status,
                CommitmentStatus::Performed | CommitmentStatus::Fulfilled
            );
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
                    let parties = ag.commitments[c].by.clone();
                    self.commitments[c].violation =
                        Some(Box::new(Breach { kind: BreachKind::CapExceeded, reason, parties }));
                }
            } else if self.commitments[c].allegation.is_none() {
                let against = self.accused(event, c);
                self.commitments[c].allegation =
                    Some(Allegation { event: event.index, date: day, by: event.actor, against });
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
                self.powers[p].stage = Stage::Cancelled { on: event.date }
            }
            Stage::Invoked { .. } => self.note(event, "this power cannot be cancelled; resolution ignored"),
            _ => self.note(event, "nothing to cancel: the power is not invoked"),
        }
    }
}
