//! What a future is measured by, read from the record and the truth at the end of each
//! step: true quantities, relief in effect, phases opened, snap-backs, breakdown and
//! collapse.
//!
//! **Breakdown** and **collapse** are read from the engine's statuses, by the functions
//! below, which the backtest also uses on a real history's replay: one reading for the
//! futures and for the record. A breakdown is an ending by a party (a signatory
//! withdrew, or the agreement was terminated); an agreement that expires on its end date
//! has run its course and has not broken down. A collapse is what an analyst asks of a
//! deal that nobody formally left: the engine reads the agreement as `collapsed` once
//! nothing owed is being performed or awaited any more (or its core bargain has
//! stopped; docs/semantics.md). The simulator's "collapse" outcome is the first step at
//! which the agreement had collapsed **or broken down**, whichever came first: the time
//! until the deal stopped moving or was left, never later than the breakdown.

use detente_engine::state::{InstrumentStatus, PhaseStatus, PowerStatus};
use detente_spec::model::PowerKind;

use super::{EffectChange, Future};

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
        if self.sim.keep_effect {
            self.record_effect(k);
        }
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
        if self.out.breakdown.is_none() && self.machine.has_broken_down() {
            self.out.breakdown = Some(k);
        }
        if self.out.collapse.is_none() && self.machine.has_stopped() {
            self.out.collapse = Some(k);
        }
    }

    /// Notes each commitment whose being in effect on record changed since the last
    /// recorded step (the engine's one rule, `CommitmentStatus::is_in_effect`).
    fn record_effect(&mut self, k: u32) {
        for (c, was) in self.in_effect.iter_mut().enumerate() {
            let now = self.reading.statuses[c].is_in_effect();
            if now != *was {
                *was = now;
                self.out.effect_changes.push(EffectChange { step: k, commitment: c as u32, in_effect: now });
            }
        }
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
