//! The ground truth of a future: whether each measure in force is really kept, what
//! facilities really produce, and how quantities really change. Only the simulator
//! knows it; the record learns of it only through verification ([`super::verification`]
//! reads [`Truth::take_unseen`] and the true quantities, and nothing else does).

use detente_spec::model::FacilityStatus;

use super::cache::Cached;
use super::programme::{self, Programme};
use super::reading::{holds_itself_to, Reading};
use super::record::Record;
use super::{Future, Simulator};
use crate::plan::Plan;
use crate::random::{Draws, Stream};
use crate::strategy::{Memory, Rule};
use crate::trace::{Truth as TruthNote, TruthKind};

/// What really happens in one future.
pub(super) struct Truth {
    /// True quantities now.
    pub quantities: Vec<f64>,
    /// Measures broken in the current step.
    broken_now: Vec<bool>,
    /// Measures broken in the current step (the set bits of `broken_now`).
    broken_list: Vec<usize>,
    /// Measures broken since their last scheduled inspection.
    broken_unseen: Vec<bool>,
    /// Each party's probability of breaking a measure in a step (see
    /// [`Truth::set_course`]).
    cheat_per_step: Vec<f64>,
    /// How each true quantity changed in the last step. Production and growth depend
    /// only on the record and on cheating, so the change holds while the record does
    /// not move and nothing is broken (it is forgotten in a step in which something is).
    growth: Cached<Vec<f64>>,
    /// The programme's rates in this run.
    programme: Programme,
}

impl Truth {
    /// The truth at the start of run `draws`: each quantity as measured in the history
    /// the future continues, else drawn in its initial range, then caught up from its
    /// estimate's date to the start.
    pub fn new(sim: &Simulator<'_>, draws: Draws) -> Truth {
        let plan = &sim.plan;
        let mut quantities: Vec<f64> = plan
            .quantities
            .iter()
            .zip(&sim.measured)
            .map(|(q, measured)| {
                let (low, high) = q.initial;
                measured.unwrap_or_else(|| low + (high - low) * draws.uniform(Stream::Initial, q.key, 0))
            })
            .collect();
        let programme = Programme::draw(plan, draws);
        programme.catch_up(plan, &sim.fresh, &sim.measured, &mut quantities);
        let (commitments, parties) = (sim.ag.commitments.len(), sim.ag.spec.party.len());
        Truth {
            quantities,
            broken_now: vec![false; commitments],
            broken_list: Vec::new(),
            broken_unseen: vec![false; commitments],
            cheat_per_step: vec![0.0; parties],
            growth: Cached::new(vec![0.0; plan.quantities.len()]),
            programme,
        }
    }

    /// Sets `party`'s probability of breaking a measure in a step under its course now
    /// (its `rule` as its `memory` of changes of government leaves it).
    pub fn set_course(&mut self, party: usize, plan: &Plan, rule: Option<Rule>, memory: &Memory) {
        let monthly = rule.map_or(0.0, |rule| rule.effective(memory).cheat());
        self.cheat_per_step[party] = 1.0 - (1.0 - monthly).powi(plan.step_months as i32);
    }

    /// Each measure in force over the period ending at step `k` is kept, or broken by a
    /// bound party that draws it; `covert(party, c)` is told of each breaking.
    fn cheat(
        &mut self,
        sim: &Simulator<'_>,
        reading: &Reading,
        draws: Draws,
        k: u32,
        mut covert: impl FnMut(usize, usize),
    ) {
        for c in self.broken_list.drain(..) {
            self.broken_now[c] = false;
        }
        for &c in &reading.measures_in_force {
            for &party in &sim.ag.commitments[c].by {
                let per_step = self.cheat_per_step[party];
                if per_step <= 0.0 {
                    continue;
                }
                let key = sim.plan.commitments[c].key ^ (party as u64).wrapping_mul(0x2545_f491);
                if draws.chance(per_step, Stream::Cheat, key, k as u64) {
                    if !self.broken_now[c] {
                        self.broken_list.push(c);
                    }
                    self.broken_now[c] = true;
                    covert(party, c);
                }
            }
            self.broken_unseen[c] |= self.broken_now[c];
        }
    }

    /// How the quantities change over the period: the same change as last step if
    /// everything was kept and nothing on record changed, else production and growth
    /// afresh; then assembly.
    fn change(&mut self, sim: &Simulator<'_>, record: &Record) {
        if self.broken_list.is_empty() && self.growth.is_valid(&record.machine) {
            for (value, delta) in self.quantities.iter_mut().zip(self.growth.get()) {
                *value += delta;
            }
        } else {
            self.produce_and_grow(sim, record);
        }
        self.assemble(sim, record);
    }

    /// Production and growth over the period, computed afresh (see [`Truth::growth`]).
    fn produce_and_grow(&mut self, sim: &Simulator<'_>, record: &Record) {
        let (ag, plan, machine) = (sim.ag, &sim.plan, &record.machine);
        let growth = self.growth.renew(machine);
        growth.iter_mut().for_each(|delta| *delta = 0.0);
        // Production by facilities really operating, at this run's rates.
        for (p, &rate) in plan.production.iter().zip(&self.programme.rates) {
            let f = p.facility;
            let operating = machine.facility_status(f) == FacilityStatus::Operating
                || self.broken_list.iter().any(|&c| ag.commitments[c].sets.iter().any(|&(g, _)| g == f));
            if operating {
                growth[p.quantity] += rate;
            }
        }
        // Growth, unless a commitment limiting the quantity holds it: a continuing one in
        // effect and kept this period, or an action performed.
        for (q, quantity) in plan.quantities.iter().enumerate() {
            if !Self::held(sim, record, &self.broken_now, q) {
                growth[q] += quantity.growth;
            }
        }
        for (value, delta) in self.quantities.iter_mut().zip(growth.iter()) {
            *value += delta;
        }
        // The change holds for later steps only if no measure was broken in this one.
        if !self.broken_list.is_empty() {
            self.growth.forget();
        }
    }

    /// Assembly over the period: each quantity made from materials gains what its
    /// capacity for a step and the materials allow, consuming them, unless a commitment
    /// limiting it holds it (as it holds growth).
    fn assemble(&mut self, sim: &Simulator<'_>, record: &Record) {
        for (a, assembly) in sim.plan.assembly.iter().enumerate() {
            let q = assembly.quantity;
            if Self::held(sim, record, &self.broken_now, q) {
                continue;
            }
            let (per_unit, most) = (&self.programme.per_unit[a], self.programme.capacity[a]);
            programme::assemble(q, &assembly.materials, per_unit, most, &mut self.quantities);
        }
    }

    /// Whether quantity `q` is held this period: some commitment limiting it is one the
    /// parties hold themselves to ([`holds_itself_to`]: an action performed holds what
    /// it caps too) and it was kept.
    fn held(sim: &Simulator<'_>, record: &Record, broken_now: &[bool], q: usize) -> bool {
        sim.limiting[q]
            .iter()
            .any(|&c| holds_itself_to(record.status(c), &record.machine, c) && !broken_now[c])
    }

    /// Whether measure `c` was broken since its last scheduled inspection, forgetting
    /// it: the inspection that takes place now examines that period, and if it does not
    /// take place, or misses, that period's evidence is gone.
    pub fn take_unseen(&mut self, c: usize) -> bool {
        std::mem::take(&mut self.broken_unseen[c])
    }

    /// Performing a step that caps quantities really brings them down to the caps
    /// (dismantling warheads, down-blending or shipping out material, as Iran's
    /// enriched-uranium stock was brought under the JCPOA's cap before Implementation
    /// Day), with a margin of two standard errors of the verifier's measurement: a party
    /// that complies keeps clear of a cap it knows is measured.
    pub fn bring_under_caps(&mut self, sim: &Simulator<'_>, c: usize) {
        for &(q, max) in &sim.ag.commitments[c].limits {
            let margin = 1.0 + 2.0 * sim.plan.quantities[q].measurement_error;
            self.quantities[q] = self.quantities[q].min(max / margin);
        }
    }

    /// The programme's figures now (see [`Programme::report`]), appended to `out`.
    pub fn report(&self, plan: &Plan, out: &mut Vec<f64>) {
        self.programme.report(plan, &self.quantities, self.growth.get(), out);
    }
}

impl Future<'_, '_> {
    /// Step 1: what really happens over the period ending at step `k`.
    pub(super) fn truth_for_the_period(&mut self, k: u32) {
        let (trajectory, trace, date) = (&mut *self.outcomes.trajectory, &mut self.trace, self.clock.date);
        self.truth.cheat(self.sim, self.record.reading(), self.draws, k, |party, c| {
            trajectory.covert_violations += 1;
            if let Some(trace) = trace.as_deref_mut() {
                let what = TruthKind::Covert { commitment: c };
                trace.truth.push(TruthNote { date, party, what });
            }
        });
        self.truth.change(self.sim, &self.record);
    }
}
