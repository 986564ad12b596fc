//! Verification and the dispute procedure: how the truth reaches the record.
//!
//! An inspection that takes place examines the period since the last scheduled one. A
//! broken measure is detected with its detection probability; a kept one raises a false
//! alarm at its rate. Both depend on access where the agreement says so: the engine
//! tells which of the verification's `access` clauses holds on the day. Either way the verifier reports an **anomaly**: a claim
//! (`violation`), not yet a verified violation, because the record cannot tell a real
//! breach from a false alarm. The dispute procedure decides it on a day of its own,
//! drawn at a constant daily rate, and confirms it (`violation-verified`) with a
//! probability that is high for a real breach and low for a false alarm, or else clears
//! it (`resolved`). A breach on record, real or not, is settled (`resolved`) at the
//! first inspection that finds the measure kept for its whole period and confirms it:
//! the breach is remedied, and relief re-imposed by a snap-back returns where the
//! agreement's `resumes_when` says so.

use detente_engine::log::Subject;
use detente_engine::state::CommitmentStatus;
use detente_spec::model::EventKind;
use detente_spec::time::Duration;

use super::{Anomaly, Future, Scheduled};
use crate::random::Stream;
use crate::trace::Why;

impl Future<'_, '_> {
    /// Inspections at the end of step `k`.
    pub(super) fn verify(&mut self, k: u32) {
        for i in 0..self.reading.verifiable.len() {
            let c = self.reading.verifiable[i];
            if self.sim.plan.commitments[c].continuing {
                self.inspect_measure(c, k);
            } else {
                self.inspect_action(c, k);
            }
        }
    }

    /// A measure in force, at its scheduled inspection.
    fn inspect_measure(&mut self, c: usize, k: u32) {
        let p = &self.sim.plan.commitments[c];
        let (key, step) = (p.key, k as u64);
        if !(p.every == 1 || (k + 1).is_multiple_of(p.every)) {
            return;
        }
        // The inspection examines the period since the last scheduled one: if it does not
        // take place, or misses, that period's evidence is gone.
        let broken = std::mem::take(&mut self.broken_unseen[c]);
        if !self.draws.chance(self.inspection_chance(c, k), Stream::Inspection, key, step) {
            return;
        }
        if let Some(used) = self.budget_used.get_mut(c).filter(|_| p.budget.is_some()) {
            used.1 += 1;
        }
        self.measure_capped(c, k);
        let (detection, false_alarm) = self.detection_today(c);
        let status = self.status(c);
        if broken {
            if self.draws.chance(detection, Stream::Detection, key, step) {
                self.report_anomaly(c, true, (detection, false_alarm));
            }
        } else if self.draws.chance(false_alarm, Stream::FalseAlarm, key, step) {
            self.report_anomaly(c, false, (detection, false_alarm));
        } else if self.draws.chance(detection, Stream::Confirmation, key, step) {
            self.confirm_kept(c, status);
        }
    }

    /// The probability that the inspection period ending at step `k` is inspected: under
    /// a budget, the inspections left in the window over its periods left (the window's
    /// count starts again when a new window begins); otherwise the plan's.
    fn inspection_chance(&mut self, c: usize, k: u32) -> f64 {
        let p = &self.sim.plan.commitments[c];
        let Some((n, _)) = p.budget.filter(|(n, _)| *n > 0) else { return p.inspection };
        let period = u64::from((k + 1) / p.every.max(1)).saturating_sub(1);
        let (window, position) = (period / u64::from(n), (period % u64::from(n)) as u32);
        let used = &mut self.budget_used[c];
        if used.0 != window {
            *used = (window, 0);
        }
        p.budgeted_chance(position, used.1)
    }

    /// A performed action awaiting verification: confirmed, or falsely accused.
    fn inspect_action(&mut self, c: usize, k: u32) {
        let p = &self.sim.plan.commitments[c];
        let (key, step) = (p.key, k as u64);
        if !self.draws.chance(p.inspection, Stream::Inspection, key, step) {
            return;
        }
        self.measure_capped(c, k);
        let (detection, false_alarm) = self.detection_today(c);
        if self.draws.chance(false_alarm, Stream::FalseAlarm, key, step) {
            self.report_anomaly(c, false, (detection, false_alarm));
        } else if self.draws.chance(detection, Stream::Confirmation, key, step) {
            self.verifier_records(c, EventKind::Verified, |_| Why::Confirmed);
        }
    }

    /// The detection and false-alarm probabilities of an inspection of `c` today: those
    /// of the first access clause the engine finds holding, else the verification's own.
    fn detection_today(&self, c: usize) -> (f64, f64) {
        let p = &self.sim.plan.commitments[c];
        if p.access.is_empty() {
            return (p.detection, p.false_alarm);
        }
        match self.machine.access_clause(c) {
            Some(clause) => p.access[clause],
            None => (p.detection, p.false_alarm),
        }
    }

    /// An inspection of `c` measures the quantities it caps: the verifier records each
    /// (`measured`) as its true value times `1 + e Z`, with `e` the quantity's relative
    /// measurement error and `Z` standard normal, never below zero. The engine then holds
    /// the record to the caps (a verifier's measurement above a cap in effect is a
    /// breach) and conditions on the quantity read it.
    fn measure_capped(&mut self, c: usize, k: u32) {
        let ag = self.sim.ag;
        let Some(verifier) = ag.commitments[c].verifier else { return };
        for &(q, cap) in &ag.commitments[c].limits {
            let plan = &self.sim.plan.quantities[q];
            let (truth, error) = (self.truth[q], plan.measurement_error);
            let value = if error > 0.0 {
                let key = plan.key ^ self.sim.plan.commitments[c].key.rotate_left(17);
                // Half a grid step up: `uniform` can give 0, whose quantile is infinite.
                let u = self.draws.uniform(Stream::Measurement, key, u64::from(k)) + f64::EPSILON / 4.0;
                (truth * (1.0 + error * crate::lead_time::standard_normal_quantile(u))).max(0.0)
            } else {
                truth
            };
            // A measurement within the cap that repeats the value on record changes
            // nothing the engine reads; leaving it out spares a settle every step of a
            // long moratorium (a count of tests measured monthly). One above the cap is
            // always recorded: it is a finding.
            if value <= cap && self.machine.measured(q) == Some(value) {
                continue;
            }
            let why = move |_: &Self| Why::Measured { truth, error };
            self.push_value(verifier, EventKind::Measured, Subject::Quantity(q), Some(value), why);
        }
    }

    /// An inspection found the measure kept and could confirm it: performance is
    /// verified, or a breach on record is settled (the measure is kept again), unless
    /// the procedure is still deciding an anomaly about it.
    fn confirm_kept(&mut self, c: usize, status: CommitmentStatus) {
        if self.dispute[c].is_some() {
            return;
        }
        match status {
            CommitmentStatus::Performed => self.verifier_records(c, EventKind::Verified, |_| Why::FoundKept),
            CommitmentStatus::Violated => self.verifier_records(c, EventKind::Resolved, |_| Why::Settled),
            _ => {}
        }
    }

    /// The verifier reports an anomaly (a claim), and the procedure will decide it. A
    /// commitment already before the procedure, or already in breach on record, gets no
    /// second one: the first stands, and only reported anomalies are counted.
    fn report_anomaly(&mut self, c: usize, real: bool, (detection, rate): (f64, f64)) {
        if self.dispute[c].is_some() || self.status(c) == CommitmentStatus::Violated {
            return;
        }
        if real {
            self.out.detected += 1;
        } else {
            self.out.false_alarms += 1;
        }
        let number = self.anomalies[c];
        self.anomalies[c] += 1;
        self.dispute[c] = Some(Anomaly { real, number, reported: self.date });
        let p = &self.sim.plan.commitments[c];
        let u = self.draws.uniform(Stream::Resolution, p.key, u64::from(number));
        let verdict_on =
            self.sim.plan.disputes.days_to_verdict(u).and_then(|days| Duration::days(days).after(self.date));
        self.verifier_records(c, EventKind::Violation, |_| match real {
            true => Why::Detected { detection, verdict_on },
            false => Why::FalseAlarm { rate, verdict_on },
        });
        if let Some(date) = verdict_on {
            self.schedule(date, Scheduled::Verdict { commitment: c });
        }
    }

    /// The dispute procedure's verdict on commitment `c`'s anomaly: confirmed, a
    /// verified violation; otherwise cleared.
    pub(super) fn verdict(&mut self, c: usize) {
        let Some(anomaly) = self.dispute[c].take() else { return };
        let plan = &self.sim.plan;
        let p = if anomaly.real { plan.disputes.confirms_breach } else { plan.disputes.confirms_false_alarm };
        let key = plan.commitments[c].key;
        let confirmed = self.draws.chance(p, Stream::Verdict, key, u64::from(anomaly.number));
        let why = move |_: &Self| Why::Verdict {
            confirmed,
            real: anomaly.real,
            reported: anomaly.reported,
            probability: p,
        };
        if confirmed {
            self.verifier_records(c, EventKind::ViolationVerified, why);
        } else {
            if !anomaly.real {
                self.out.resolved += 1;
            }
            self.verifier_records(c, EventKind::Resolved, why);
        }
    }

    /// An event by the commitment's verifier, for the reason `why` gives.
    fn verifier_records(&mut self, c: usize, kind: EventKind, why: impl FnOnce(&Self) -> Why) {
        if let Some(verifier) = self.sim.ag.commitments[c].verifier {
            self.push(verifier, kind, Subject::Commitment(c), why);
        }
    }
}
