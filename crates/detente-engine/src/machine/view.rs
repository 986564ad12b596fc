//! Building the engine's answer ([`State`]) from the machine.

use super::Machine;
use crate::state::*;

impl Machine {
    /// The state at the machine's current day.
    pub fn state(&self) -> State {
        let spec = &self.ag.spec;
        State {
            agreement_id: spec.agreement.id.clone(),
            as_of: self.day,
            events_applied: self.next_event,
            agreement: self.agreement_status,
            // What is suspended changes without the status changing: say what it is now.
            agreement_reason: match self.partly_suspended_words() {
                Some(text)
                    if matches!(
                        self.agreement_status,
                        AgreementStatus::PartlySuspended | AgreementStatus::PartlyRenounced
                    ) =>
                {
                    Reason { text, ..self.agreement_reason.clone() }
                }
                _ => self.agreement_reason.clone(),
            },
            parties: spec
                .party
                .iter()
                .enumerate()
                .map(|(i, p)| PartyState {
                    id: p.id.clone(),
                    withdrawn: self.withdrawn[i].as_ref().map(|r| r.since),
                    reason: self.withdrawn[i].clone(),
                    suspended: self.participation_suspended[i].clone(),
                    succeeded_by: self
                        .ag
                        .succeeds
                        .iter()
                        .enumerate()
                        .find(|(_, s)| s.is_some_and(|(q, on)| q == i && on <= self.day))
                        .and_then(|(successor, s)| s.map(|(_, on)| (spec.party[successor].id.clone(), on))),
                })
                .collect(),
            phases: self
                .phases
                .iter()
                .enumerate()
                .map(|(i, p)| PhaseState {
                    id: spec.phase[i].id.clone(),
                    status: p.status,
                    opened: p.opened,
                    reason: p.reason.clone(),
                })
                .collect(),
            commitments: (0..self.commitments.len()).map(|i| self.commitment_state(i)).collect(),
            powers: self
                .powers
                .iter()
                .enumerate()
                .map(|(i, p)| PowerState {
                    id: spec.power[i].id.clone(),
                    status: p.status,
                    takes_effect: match p.stage {
                        super::Stage::Invoked { effect, .. } => Some(effect),
                        _ => None,
                    },
                    reason: p.reason.clone(),
                })
                .collect(),
            instruments: self
                .instruments
                .iter()
                .enumerate()
                .map(|(i, x)| InstrumentState {
                    id: spec.instrument[i].id.clone(),
                    status: x.status,
                    reason: x.reason.clone(),
                })
                .collect(),
            quantities: self
                .quantities
                .iter()
                .enumerate()
                .map(|(q, (value, measured))| QuantityState {
                    id: spec.quantity[q].id.clone(),
                    value: *value,
                    caps: self.caps_on(q),
                    reason: self.quantity_reason(q, *value, *measured),
                })
                .collect(),
            facilities: self
                .facilities
                .iter()
                .enumerate()
                .map(|(f, x)| FacilityState {
                    id: spec.facility[f].id.clone(),
                    status: x.status,
                    reason: x.reason.clone(),
                })
                .collect(),
            amendments: spec
                .amendment
                .iter()
                .enumerate()
                .map(|(a, x)| AmendmentState {
                    id: x.id.clone(),
                    in_effect: self.amendments[a].map(|(d, _)| d),
                    reason: match self.amendments[a] {
                        Some((on, event)) => {
                            let reason = Reason::new(on, format!("took effect on {on}"));
                            match event {
                                Some(e) => reason.event(e),
                                None => reason,
                            }
                        }
                        None => Reason::new(spec.agreement.adopted, "not in effect"),
                    },
                })
                .collect(),
            notes: self.notes.clone(),
        }
    }

    fn commitment_state(&self, i: usize) -> CommitmentState {
        let spec = &self.ag.spec;
        let c = &self.commitments[i];
        let party = |p: usize| spec.party[p].id.clone();
        let breaches = [c.missed.as_deref(), c.violation.as_deref()]
            .into_iter()
            .flatten()
            .map(|b| BreachState {
                kind: b.kind,
                since: b.reason.since,
                parties: b.parties.iter().map(|&p| party(p)).collect(),
                event: b.reason.events.first().copied(),
            })
            .collect();
        let performed_on = c.performed.iter().flatten().map(|(d, _)| *d).max();
        let late = performed_on.filter(|_| {
            c.missed.is_some() && self.all_performed(i) && c.status != CommitmentStatus::Inactive
        });
        CommitmentState {
            id: spec.commitment[i].id.clone(),
            phase: spec.commitment[i].phase.clone(),
            status: c.status,
            describe: self.describe_now(i),
            alleged: c.allegation.is_some() && c.violation.is_none(),
            disputed: c.disputed,
            suspended_by: c.suspensions.iter().map(|s| self.suspended_by_words(s.by)).collect(),
            allegation: c.allegation.as_ref().map(|a| AllegationState {
                since: a.date,
                by: party(a.by),
                against: a.against.iter().map(|&p| party(p)).collect(),
                event: a.event,
                again: a.again.clone(),
            }),
            breaches,
            late,
            shares: self.ag.commitments[i]
                .by
                .iter()
                .zip(c.performed.iter().zip(&c.left))
                .map(|(&p, (performed, left))| ShareState {
                    party: party(p),
                    performed: performed.map(|(d, _)| d),
                    event: performed.map(|(_, e)| e),
                    left: left.as_ref().map(|reason| reason.since),
                })
                .collect(),
            done: self.is_done_deed(i),
            due: c.due.filter(|_| matches!(c.status, CommitmentStatus::Pending | CommitmentStatus::Overdue)),
            reason: self.commitment_reason(i),
        }
    }

    pub(super) fn suspended_by_words(&self, by: super::SuspendedBy) -> String {
        let spec = &self.ag.spec;
        match by {
            super::SuspendedBy::Power(p) => format!("power `{}`", spec.power[p].id),
            super::SuspendedBy::While => "its `while` condition".to_string(),
            super::SuspendedBy::Party(p) => format!("`{}` on its own", spec.party[p].id),
        }
    }

    fn quantity_reason(&self, q: usize, value: f64, measured: Option<usize>) -> Reason {
        match measured.map(|e| &self.events[e]) {
            Some(event) => {
                let by = &self.ag.spec.party[event.actor].id;
                let text =
                    format!("measured at {value} by `{by}` on {} (event #{})", event.date, event.index + 1);
                Reason::new(event.date, text).event(event.index)
            }
            None => {
                let as_of = self.ag.spec.quantity[q].as_of;
                if as_of > self.day {
                    Reason::new(self.day, format!("not known yet: the first estimate is dated {as_of}"))
                } else {
                    Reason::new(as_of, format!("initial estimate as of {as_of}"))
                }
            }
        }
    }

    /// Caps in force on a quantity: those of commitments now in effect.
    fn caps_on(&self, q: usize) -> Vec<(String, f64)> {
        self.ag
            .commitments
            .iter()
            .enumerate()
            .filter(|(c, _)| self.commitments[*c].status.is_in_effect())
            .flat_map(|(c, spec)| {
                spec.limits.iter().filter(|(quantity, _)| *quantity == q).map(move |(_, max)| (c, *max))
            })
            .map(|(c, max)| (self.ag.spec.commitment[c].id.clone(), max))
            .collect()
    }

    /// Every status change so far, if the machine records them.
    pub fn timeline(&self) -> &[Transition] {
        self.timeline.as_deref().unwrap_or(&[])
    }
}
