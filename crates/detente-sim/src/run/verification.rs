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
//!
//! The part of a future kept here, [`Verification`], is what the verifiers and the
//! procedure remember: each inspection budget's use, the anomalies before the procedure,
//! and the days on which breaches on record are to be answered. Whether a breach stands,
//! and at whose fault, is the engine's ([`at_fault`], [`answer_due`] read it).

use detente_engine::log::Subject;
use detente_engine::state::CommitmentStatus;
use detente_engine::{Agreement, Machine};
use detente_spec::model::EventKind;
use detente_spec::time::{Date, Duration};

use super::agenda::Scheduled;
use super::cache::Cached;
use super::record::Record;
use super::Future;
use crate::plan::CommitmentPlan;
use crate::random::Stream;
use crate::trace::Why;

/// How long a breach stands before the other parties answer it (invoke a snap-back or
/// a suspension, withhold their steps), in days. An assumption: long enough for a
/// deadline missed by days to be made good without retaliation, as the record's slips
/// mostly were (docs/lead-times.md), short against the months a dispute takes.
pub const ANSWER_AFTER_DAYS: u32 = 30;

/// An anomaly before the dispute procedure: whether the breach it reports was real, its
/// number among the commitment's anomalies (which keys its random draws), and the day
/// it was reported.
#[derive(Clone, Copy, Debug)]
pub(super) struct Anomaly {
    real: bool,
    number: u32,
    reported: Date,
}

/// What the verifiers and the dispute procedure of one future remember.
pub(super) struct Verification {
    /// Each commitment's inspection budget in use: `(window, inspections made in it)`.
    budget_used: Vec<(u64, u32)>,
    /// Each commitment's anomaly before the dispute procedure, if one is.
    dispute: Vec<Option<Anomaly>>,
    /// How many anomalies each commitment has had (numbering their random draws).
    anomalies: Vec<u32>,
    /// For each commitment, the day its standing breach is to be answered, once that
    /// day is on the agenda (planned again only when the record moves).
    answer_on: Cached<Vec<Option<Date>>>,
}

impl Verification {
    /// Nothing inspected, reported or planned yet, for `commitments` commitments.
    pub fn new(commitments: usize) -> Verification {
        Verification {
            budget_used: vec![(0, 0); commitments],
            dispute: vec![None; commitments],
            anomalies: vec![0; commitments],
            answer_on: Cached::new(vec![None; commitments]),
        }
    }

    /// The probability that the inspection period of `c` ending at step `k` is
    /// inspected: under a budget, the inspections left in the window over its periods
    /// left (the window's count starts again when a new window begins); otherwise the
    /// plan's.
    fn inspection_chance(&mut self, p: &CommitmentPlan, c: usize, k: u32) -> f64 {
        let Some((n, _)) = p.budget.filter(|(n, _)| *n > 0) else { return p.inspection };
        let period = u64::from((k + 1) / p.every.max(1)).saturating_sub(1);
        let (window, position) = (period / u64::from(n), (period % u64::from(n)) as u32);
        let used = &mut self.budget_used[c];
        if used.0 != window {
            *used = (window, 0);
        }
        p.budgeted_chance(position, used.1)
    }

    /// An inspection of `c` took place: it uses the budget, if there is one.
    fn count_inspection(&mut self, p: &CommitmentPlan, c: usize) {
        if let Some(used) = self.budget_used.get_mut(c).filter(|_| p.budget.is_some()) {
            used.1 += 1;
        }
    }

    /// Whether the procedure is deciding an anomaly about `c`.
    fn in_dispute(&self, c: usize) -> bool {
        self.dispute[c].is_some()
    }

    /// Sends an anomaly about `c` reported on `date` to the procedure; returns its
    /// number among `c`'s anomalies.
    fn open(&mut self, c: usize, real: bool, date: Date) -> u32 {
        let number = self.anomalies[c];
        self.anomalies[c] += 1;
        self.dispute[c] = Some(Anomaly { real, number, reported: date });
        number
    }

    /// Takes `c`'s anomaly from the procedure, which has decided it.
    fn close(&mut self, c: usize) -> Option<Anomaly> {
        self.dispute[c].take()
    }

    /// Calls `schedule` with each new day on which a breach on record that someone
    /// answers is to be answered (after `today`), once per version of the record:
    /// breaches and their days change only with it.
    fn plan_answers(&mut self, ag: &Agreement, record: &Record, today: Date, mut schedule: impl FnMut(Date)) {
        if !record.reading().breaches {
            return;
        }
        let machine = &record.machine;
        self.answer_on.refresh(machine, |answer_on| {
            for (c, planned) in answer_on.iter_mut().enumerate() {
                if at_fault(ag, machine, c) == 0 {
                    continue;
                }
                let Some(day) = answer_due(machine, c) else { continue };
                if day > today && *planned != Some(day) {
                    *planned = Some(day);
                    schedule(day);
                }
            }
        });
    }
}

/// The parties whose breach of `c` the others answer, as a bit set: an unremedied
/// one (the engine's `unremedied(any of P)`: a verified violation that stands, or a
/// missed deadline for a part still not performed). A deadline met late stays a
/// breach on record, but no rule answers it (the 60-day shutdown of 2007 came in five
/// months and nobody retaliated: the six-party history).
pub(super) fn at_fault(ag: &Agreement, machine: &Machine, c: usize) -> u128 {
    ag.commitments[c].by.iter().filter(|&&p| machine.unremedied(c, p)).fold(0, |set, &p| set | 1 << p)
}

/// The day a standing breach of `c` is to be answered: [`ANSWER_AFTER_DAYS`] after
/// it was established (the engine's `breach_since`).
pub(super) fn answer_due(machine: &Machine, c: usize) -> Option<Date> {
    let since = machine.breach_since(c)?;
    Duration::days(ANSWER_AFTER_DAYS).after(since)
}

/// The detection and false-alarm probabilities of an inspection of `c` today: those
/// of the first access clause the engine finds holding, else the verification's own.
fn detection_today(p: &CommitmentPlan, machine: &Machine, c: usize) -> (f64, f64) {
    if p.access.is_empty() {
        return (p.detection, p.false_alarm);
    }
    match machine.access_clause(c) {
        Some(clause) => p.access[clause],
        None => (p.detection, p.false_alarm),
    }
}

impl Future<'_, '_> {
    /// Inspections at the end of step `k`.
    pub(super) fn verify(&mut self, k: u32) {
        for i in 0..self.record.reading().verifiable.len() {
            let c = self.record.reading().verifiable[i];
            if self.sim.plan.commitments[c].continuing {
                self.inspect_measure(c, k);
            } else {
                self.inspect_action(c, k);
            }
        }
    }

    /// A measure in force, at its scheduled inspection.
    fn inspect_measure(&mut self, c: usize, k: u32) {
        let sim = self.sim;
        let p = &sim.plan.commitments[c];
        let (key, step) = (p.key, k as u64);
        if !(p.every == 1 || (k + 1).is_multiple_of(p.every)) {
            return;
        }
        let broken = self.truth.take_unseen(c);
        if !self.draws.chance(self.verification.inspection_chance(p, c, k), Stream::Inspection, key, step) {
            return;
        }
        self.verification.count_inspection(p, c);
        self.measure_capped(c, k);
        let (detection, false_alarm) = detection_today(p, &self.record.machine, c);
        let status = self.record.status(c);
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

    /// A performed action awaiting verification: confirmed, or falsely accused.
    fn inspect_action(&mut self, c: usize, k: u32) {
        let sim = self.sim;
        let p = &sim.plan.commitments[c];
        let (key, step) = (p.key, k as u64);
        if !self.draws.chance(p.inspection, Stream::Inspection, key, step) {
            return;
        }
        self.measure_capped(c, k);
        let (detection, false_alarm) = detection_today(p, &self.record.machine, c);
        if self.draws.chance(false_alarm, Stream::FalseAlarm, key, step) {
            self.report_anomaly(c, false, (detection, false_alarm));
        } else if self.draws.chance(detection, Stream::Confirmation, key, step) {
            self.verifier_records(c, EventKind::Verified, |_| Why::Confirmed);
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
            let (truth, error) = (self.truth.quantities[q], plan.measurement_error);
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
            if value <= cap && self.record.machine.measured(q) == Some(value) {
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
        if self.verification.in_dispute(c) {
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
        if self.verification.in_dispute(c) || self.record.status(c) == CommitmentStatus::Violated {
            return;
        }
        if real {
            self.outcomes.trajectory.detected += 1;
        } else {
            self.outcomes.trajectory.false_alarms += 1;
        }
        let number = self.verification.open(c, real, self.clock.date);
        let p = &self.sim.plan.commitments[c];
        let u = self.draws.uniform(Stream::Resolution, p.key, u64::from(number));
        let verdict_on = self
            .sim
            .plan
            .disputes
            .days_to_verdict(u)
            .and_then(|days| Duration::days(days).after(self.clock.date));
        self.verifier_records(c, EventKind::Violation, |_| match real {
            true => Why::Detected { detection, verdict_on },
            false => Why::FalseAlarm { rate, verdict_on },
        });
        if let Some(date) = verdict_on {
            self.clock.schedule(date, Scheduled::Verdict { commitment: c });
        }
    }

    /// The dispute procedure's verdict on commitment `c`'s anomaly: confirmed, a
    /// verified violation; otherwise cleared.
    pub(super) fn verdict(&mut self, c: usize) {
        let Some(anomaly) = self.verification.close(c) else { return };
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
                self.outcomes.trajectory.resolved += 1;
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

    /// Puts on the agenda the day each breach that someone answers is to be answered,
    /// so that the answer comes on its day whatever the step.
    pub(super) fn plan_answers(&mut self) {
        let today = self.clock.date;
        let clock = &mut self.clock;
        let schedule = |day| clock.schedule(day, Scheduled::Answer);
        self.verification.plan_answers(self.sim.ag, &self.record, today, schedule);
    }
}
