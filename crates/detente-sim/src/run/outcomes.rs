//! What a future is measured by, read from the record and the truth at the end of each
//! step: true quantities, relief in effect, phases opened, snap-backs, breakdown.

use detente_engine::state::{AgreementStatus, InstrumentStatus, PhaseStatus, PowerStatus};
use detente_spec::model::PowerKind;

use super::Future;

impl Future<'_, '_> {
    /// Step 6: the outcomes of step `k`.
    pub(super) fn record(&mut self, k: u32) {
        let (ag, plan) = (self.sim.ag, &self.sim.plan);
        self.out.quantities.extend_from_slice(&self.truth);
        self.programme.report(plan, &self.truth, &self.growth, &mut self.out.programme);
        if self.recorded_version == self.reading.version {
            // Nothing on record changed since the last step: the same relief, phases,
            // snap-backs and agreement status.
            self.out.relief.push(self.relief_in_effect);
            return;
        }
        self.recorded_version = self.reading.version;
        self.relief_in_effect = (0..ag.spec.instrument.len())
            .filter(|&i| self.machine.instrument_status(i) == InstrumentStatus::Relieved)
            .map(|i| plan.weights[i])
            .sum();
        self.out.relief.push(self.relief_in_effect);
        for p in 0..ag.phases.len() {
            if self.out.phase_opened[p].is_none() && self.machine.phase_status(p) != PhaseStatus::Locked {
                self.out.phase_opened[p] = Some(k);
            }
        }
        let snapbacks = ag
            .powers
            .iter()
            .enumerate()
            .filter(|(w, p)| {
                p.kind == PowerKind::Snapback && self.machine.power_status(*w) == PowerStatus::Exercised
            })
            .count() as u32;
        if snapbacks > 0 && self.out.first_snapback.is_none() {
            self.out.first_snapback = Some(k);
        }
        self.out.snapbacks = snapbacks;
        if self.out.breakdown.is_none() && self.broken_down() {
            self.out.breakdown = Some(k);
        }
    }

    fn broken_down(&self) -> bool {
        let withdrew = self.sim.signatories.iter().any(|&p| self.machine.has_withdrawn(p));
        // Terminated (by withdrawal), as against expired on its end date.
        let ended_early = self.machine.agreement_status() == AgreementStatus::Terminated;
        withdrew || ended_early
    }

    /// The statuses at the horizon (and the record's, in a traced run's trace).
    pub(super) fn finish(self) {
        self.out.end_status.extend_from_slice(&self.reading.statuses);
        for (i, relieved) in self.out.relieved_at_end.iter_mut().enumerate() {
            *relieved = self.machine.instrument_status(i) == InstrumentStatus::Relieved;
        }
        if let Some(trace) = self.trace {
            trace.end = crate::trace::EndState::of(&self.machine, self.sim.ag);
        }
    }
}
