//! A commitment's status in words: what it is, what stands beside it (a claim, a
//! breach, late performance, a stopped deadline), and why, with the events and items
//! behind it.
//!
//! Reasons are composed only when read (a state, a timeline entry), never while
//! replaying, so their cost does not fall on the engine's hot loop.

use detente_spec::model::CommitmentKind;
use detente_spec::time::Date;

use super::{event_ref, Machine};
use crate::state::*;

/// A verified violation or an exceeded cap stands.
const VIOLATION: u8 = 1;
/// A deadline was missed.
const MISSED: u8 = 2;
/// Performed after a missed deadline.
const LATE: u8 = 4;
/// A violation is claimed but not established.
const ALLEGED: u8 = 8;
/// The accused contests the claim or breach.
const DISPUTED: u8 = 16;
/// Performed in time; takes effect after a notice period.
const NOTIFIED: u8 = 32;

impl Machine {
    /// The facts that stand beside a commitment's status, as bits: what a reader is told
    /// after the status ("suspended, violation verified").
    pub(super) fn flags(&self, c: usize, status: CommitmentStatus) -> u8 {
        let record = &self.commitments[c];
        let mut flags = 0;
        if record.violation.is_some() {
            flags |= VIOLATION;
        }
        if record.missed.is_some() {
            flags |= MISSED;
            if self.all_performed(c) && status != CommitmentStatus::Inactive {
                flags |= LATE;
            }
        }
        if record.allegation.is_some() && record.violation.is_none() {
            flags |= ALLEGED;
        }
        if record.disputed.is_some() {
            flags |= DISPUTED;
        }
        // How many suspensions stand (up to 3), so that a second one is a change too.
        flags |= (record.suspensions.len().min(3) as u8) << 6;
        let waiting = matches!(status, CommitmentStatus::Pending | CommitmentStatus::Overdue);
        if waiting && self.notice_ends(c).is_some_and(|d| d > self.day) {
            flags |= NOTIFIED;
        }
        flags
    }

    /// A commitment's status in words, with the facts that stand beside it.
    pub(super) fn describe(&self, c: usize, status: CommitmentStatus, flags: u8) -> String {
        let spec = &self.ag.commitments[c];
        let continuing = spec.kind == CommitmentKind::Continuing;
        let mut words = status.describe(continuing, spec.verifier.is_some()).to_string();
        let breach = self.commitments[c].violation.as_ref().map(|b| b.kind.words());
        if !spec.binding {
            words = format!("{words} (declaration)");
        }
        let suspensions = &self.commitments[c].suspensions;
        if status == CommitmentStatus::Suspended && suspensions.len() > 1 {
            let mut by: Vec<String> = suspensions.iter().map(|s| self.suspended_by_words(s.by)).collect();
            let last = by.pop().unwrap_or_default();
            words = format!("{words} (by {} and {last})", by.join(", "));
        }
        if status == CommitmentStatus::Violated {
            let how = breach.unwrap_or(BreachKind::MissedDeadline.words());
            words.push_str(&format!(" ({how})"));
            if flags & DISPUTED != 0 {
                words.push_str(", disputed");
            }
            return words;
        }
        if let Some(on) = self.notice_ends(c).filter(|_| flags & NOTIFIED != 0) {
            words = format!("performed, takes effect on {on}");
        }
        if flags & LATE != 0 {
            words.push_str(" (performed late)");
        } else if flags & MISSED != 0 {
            words.push_str(", deadline missed");
        }
        if let Some(how) = breach.filter(|_| flags & VIOLATION != 0) {
            words.push_str(&format!(", {how}"));
        }
        if flags & ALLEGED != 0 {
            words.push_str(", violation alleged");
        }
        if flags & DISPUTED != 0 {
            words.push_str(", disputed");
        }
        words
    }

    /// A commitment's status in words now.
    pub(super) fn describe_now(&self, c: usize) -> String {
        let status = self.commitments[c].status;
        self.describe(c, status, self.flags(c, status))
    }

    /// Why a commitment has its current status, in words, with events and causes: the
    /// reason of the status itself, then whatever stands beside it.
    pub(super) fn commitment_reason(&self, c: usize) -> Reason {
        let mut reason = self.status_reason(c);
        let record = &self.commitments[c];
        let status = record.status;
        let mut also: Vec<String> = Vec::new();
        // A breach that is not itself the reason for the status is still told.
        if let Some(v) = record.violation.as_ref().filter(|_| status != CommitmentStatus::Violated) {
            also.push(v.reason.text.clone());
            for &e in &v.reason.events {
                reason = reason.event(e);
            }
        }
        let missed_is_reason = status == CommitmentStatus::Violated && record.violation.is_none();
        if let Some(m) = record.missed.as_ref().filter(|_| !missed_is_reason) {
            let late = self.all_performed(c) && status != CommitmentStatus::Inactive;
            let prefix = if late { "performed late: it was " } else { "" };
            also.push(format!("{prefix}{}", m.reason.text));
        }
        if let Some(a) = record.allegation.as_ref().filter(|_| record.violation.is_none()) {
            let by = &self.ag.spec.party[a.by].id;
            let again: Vec<String> =
                a.again.iter().map(|&e| format!("{} ({})", self.when(e), event_ref(e))).collect();
            let again = if again.is_empty() {
                String::new()
            } else {
                format!("; claimed again {}", again.join(", "))
            };
            also.push(format!(
                "violation alleged by `{by}` against {} {} ({}){again}",
                self.party_list(&a.against),
                self.when(a.event),
                event_ref(a.event)
            ));
            reason = reason.event(a.event);
            for &e in &a.again {
                reason = reason.event(e);
            }
        }
        if let Some(e) = record.disputed {
            let event = &self.events[e];
            let by = &self.ag.spec.party[event.actor].id;
            also.push(format!(
                "disputed by `{by}` {} ({})",
                super::on_date(event.date, event.precision),
                event_ref(e)
            ));
            reason = reason.event(e);
        }
        if let (CommitmentStatus::Suspended, Some(left)) = (status, record.tolled) {
            also.push(format!("its deadline does not run while it is suspended ({left} days were left)"));
        }
        if status == CommitmentStatus::Suspended && self.deadline_runs(c) {
            let due = record.due.map(|d| d.to_string()).unwrap_or_default();
            also.push(format!(
                "its deadline ({due}) still runs: the agreement does not provide for this suspension"
            ));
        }
        if let Some(shares) = self.shares_in_words(c) {
            also.push(shares);
        }
        if !also.is_empty() {
            reason.text = format!("{}; {}", reason.text, also.join("; "));
        }
        reason
    }

    /// For a commitment binding several parties that not all have performed, or that
    /// some have left: who has performed, who has not, and who left its part.
    fn shares_in_words(&self, c: usize) -> Option<String> {
        let spec = &self.ag.commitments[c];
        let record = &self.commitments[c];
        let done = record.performed.iter().filter(|p| p.is_some()).count();
        // Once the whole commitment has ended, who left it is its reason, not a share.
        let over = super::ended(record.status);
        let left = if over { 0 } else { record.left.iter().filter(|l| l.is_some()).count() };
        if spec.by.len() < 2 || (left == 0 && (done == 0 || done == spec.by.len())) {
            return None;
        }
        // A continuing commitment in effect without any event has nothing to perform.
        let automatic = spec.kind == CommitmentKind::Continuing && spec.due.is_none();
        let parts: Vec<String> = (0..spec.by.len())
            .map(|slot| {
                let id = &self.ag.spec.party[spec.by[slot]].id;
                match (&record.performed[slot], record.left[slot].as_ref().filter(|_| !over)) {
                    (Some((_, e)), _) => format!("`{id}` performed {} ({})", self.when(*e), event_ref(*e)),
                    (None, Some(reason)) => format!("{}, leaving its part", reason.text),
                    (None, None) if automatic => format!("`{id}` still bound"),
                    (None, None) => format!("`{id}` has not performed"),
                }
            })
            .collect();
        Some(parts.join("; "))
    }

    /// The reason of the status alone.
    fn status_reason(&self, c: usize) -> Reason {
        let record = &self.commitments[c];
        let spec = &self.ag.commitments[c];
        let adopted = self.ag.spec.agreement.adopted;
        let phase_id = self.ag.spec.phase[spec.phase].id.clone();
        if record.status == CommitmentStatus::Suspended && !record.suspensions.is_empty() {
            let mut reason = record.suspensions[0].reason.clone();
            for other in &record.suspensions[1..] {
                reason.text = format!("{}; also {}", reason.text, other.reason.text);
                for &e in &other.reason.events {
                    reason = reason.event(e);
                }
                for cause in &other.reason.causes {
                    reason = reason.cause(cause.clone());
                }
            }
            return reason;
        }
        let stored = match record.status {
            CommitmentStatus::Terminated => record.terminated.as_deref(),
            CommitmentStatus::Violated => {
                record.violation.as_deref().or(record.missed.as_deref()).map(|b| &b.reason)
            }
            CommitmentStatus::Discharged => record.discharged.as_deref(),
            CommitmentStatus::Released => record.released.as_deref(),
            _ => None,
        };
        if let Some(reason) = stored {
            return reason.clone();
        }
        let Some(owed) = record.owed else {
            return match self.phases[spec.phase].opened {
                None => {
                    Reason::new(adopted, format!("its phase `{phase_id}` has not opened")).cause(phase_id)
                }
                Some(opened) => self.not_yet_owed(c, opened),
            };
        };
        match record.status {
            CommitmentStatus::Performed | CommitmentStatus::Fulfilled => self.performance_reason(c, owed),
            CommitmentStatus::Overdue => {
                let due = record.due.map(|d| format!(", due by {d}")).unwrap_or_default();
                let since = record.overdue_since.unwrap_or(owed);
                Reason::new(since, format!("not performed by its first deadline; extended{due}"))
                    .cause(phase_id)
            }
            _ => {
                let due = record.due.map(|d| format!(", due by {d}")).unwrap_or_default();
                Reason::new(owed, format!("owed since {owed}{due}")).cause(phase_id)
            }
        }
    }

    /// Why a commitment of an open phase is not owed yet: its amendment has not taken
    /// effect, or its `when` does not hold.
    fn not_yet_owed(&self, c: usize, opened: Date) -> Reason {
        let phase_id = self.ag.spec.phase[self.ag.commitments[c].phase].id.clone();
        if let Some(a) = self.ag.commitments[c].amendment.filter(|&a| !self.in_effect(Some(a))) {
            let id = self.ag.spec.amendment[a].id.clone();
            return Reason::new(opened, format!("it comes with amendment `{id}`, not yet in effect"))
                .cause(id);
        }
        match &self.ag.spec.commitment[c].when {
            Some(when) => Reason::new(opened, format!("owed only when {when}, which does not hold yet")),
            None => Reason::new(opened, "not owed yet"),
        }
        .cause(phase_id)
    }

    fn performance_reason(&self, c: usize, owed: Date) -> Reason {
        let record = &self.commitments[c];
        let spec = &self.ag.commitments[c];
        let auto_in_effect = spec.kind == CommitmentKind::Continuing && spec.due.is_none();
        let performed_on = if auto_in_effect {
            owed
        } else {
            record.performed.iter().flatten().map(|(d, _)| *d).max().unwrap_or(owed).max(owed)
        };
        let mut reason = Reason::new(performed_on, "");
        for (_, e) in record.performed.iter().flatten() {
            reason = reason.event(*e);
        }
        let how = if auto_in_effect {
            format!("in effect since it became owed on {owed}")
        } else {
            let last = record.performed.iter().flatten().max_by_key(|(d, _)| *d).map(|(_, e)| *e);
            match last {
                Some(e) => format!("performed by all bound parties, last {}", self.when(e)),
                None => format!("performed by all bound parties, last on {performed_on}"),
            }
        };
        match (spec.verifier, record.verified) {
            (Some(v), None) => {
                reason.text = format!("{how}; awaiting verification by `{}`", self.ag.spec.party[v].id);
            }
            (Some(_), Some((on, e))) => {
                reason.text = format!("{how}; verified {} ({})", self.when(e), event_ref(e));
                reason.since = on.max(performed_on);
                reason = reason.event(e);
            }
            (None, _) => reason.text = format!("{how}; no verification required"),
        }
        reason
    }
}
