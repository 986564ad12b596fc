//! The ground truth of a future: whether each measure in force is really kept, what
//! facilities really produce, and how quantities really change. Only the simulator
//! knows it; the record learns of it only through verification.

use detente_engine::state::CommitmentStatus;
use detente_spec::model::FacilityStatus;

use super::Future;
use crate::random::Stream;
use crate::trace::{Truth, TruthKind};

impl Future<'_, '_> {
    /// Step 1: what really happens over the period ending at step `k`.
    pub(super) fn truth_for_the_period(&mut self, k: u32) {
        let (ag, plan) = (self.sim.ag, &self.sim.plan);
        for c in self.broken_list.drain(..) {
            self.broken_now[c] = false;
        }
        for i in 0..self.reading.measures_in_force.len() {
            let c = self.reading.measures_in_force[i];
            let commitment = &ag.commitments[c];
            for &party in &commitment.by {
                let per_step = self.cheat_per_step[party];
                if per_step <= 0.0 {
                    continue;
                }
                let key = plan.commitments[c].key ^ (party as u64).wrapping_mul(0x2545_f491);
                if self.draws.chance(per_step, Stream::Cheat, key, k as u64) {
                    if !self.broken_now[c] {
                        self.broken_list.push(c);
                    }
                    self.broken_now[c] = true;
                    self.out.covert_violations += 1;
                    self.note(|f, trace| {
                        trace.truth.push(Truth {
                            date: f.date,
                            party,
                            what: TruthKind::Covert { commitment: c },
                        })
                    });
                }
            }
            self.broken_unseen[c] |= self.broken_now[c];
        }
        if self.broken_list.is_empty() && self.growth_version == self.reading.version {
            // Everything kept and nothing on record changed: the same change as last step.
            for (value, delta) in self.truth.iter_mut().zip(&self.growth) {
                *value += delta;
            }
        } else {
            self.produce_and_grow();
        }
        self.assemble();
    }

    /// Production and growth over the period, computed afresh (see `growth_version`).
    fn produce_and_grow(&mut self) {
        let (ag, plan) = (self.sim.ag, &self.sim.plan);
        for delta in self.growth.iter_mut() {
            *delta = 0.0;
        }
        // Production by facilities really operating, at this run's rates.
        for (p, &rate) in plan.production.iter().zip(&self.programme.rates) {
            let f = p.facility;
            let operating = self.machine.facility_status(f) == FacilityStatus::Operating
                || self.broken_list.iter().any(|&c| ag.commitments[c].sets.iter().any(|&(g, _)| g == f));
            if operating {
                self.growth[p.quantity] += rate;
            }
        }
        // Growth, unless a commitment limiting the quantity holds it: a continuing one in
        // effect and kept this period, or an action performed.
        for (q, quantity) in plan.quantities.iter().enumerate() {
            let held = self.sim.limiting[q].iter().any(|&c| self.in_force(c) && !self.broken_now[c]);
            if !held {
                self.growth[q] += quantity.growth;
            }
        }
        for (value, delta) in self.truth.iter_mut().zip(&self.growth) {
            *value += delta;
        }
        // The change holds for later steps only if no measure was broken in this one.
        self.growth_version = if self.broken_list.is_empty() { self.reading.version } else { u64::MAX };
    }

    /// Assembly over the period: each quantity made from materials gains what its
    /// capacity for a step and the materials allow, consuming them, unless a commitment
    /// limiting it holds it (as it holds growth).
    fn assemble(&mut self) {
        let plan = &self.sim.plan;
        for (a, assembly) in plan.assembly.iter().enumerate() {
            let q = assembly.quantity;
            if self.sim.limiting[q].iter().any(|&c| self.in_force(c) && !self.broken_now[c]) {
                continue;
            }
            let (per_unit, most) = (&self.programme.per_unit[a], self.programme.capacity[a]);
            super::programme::assemble(q, &assembly.materials, per_unit, most, &mut self.truth);
        }
    }

    /// A party's probability of breaking a measure in a step, under its current course.
    /// Whether the parties really hold themselves to measure `c` (see
    /// [`Reading::measures_in_force`](crate::reading::Reading)): an action performed
    /// holds what it caps too.
    fn in_force(&self, c: usize) -> bool {
        let status = self.status(c);
        status.is_in_effect() || status == CommitmentStatus::Violated && self.machine.took_effect(c)
    }

    pub(super) fn update_cheat(&mut self, party: usize) {
        let plan = &self.sim.plan;
        let monthly = plan.rules[party].map_or(0.0, |rule| rule.effective(&self.memory[party]).cheat());
        self.cheat_per_step[party] = 1.0 - (1.0 - monthly).powi(plan.step_months as i32);
    }
}
