//! The programme in one future: the rates drawn for the run, what was produced between
//! the estimates' dates and the start, and the figures reported each step (material not
//! yet assembled, in units' worth, and breakout time). Assembly itself happens with the
//! rest of the truth ([`super::truth`]). See docs/simulation.md, "The programme".

use detente_engine::Machine;
use detente_spec::model::FacilityStatus;

use crate::plan::{breakout_days, Plan};
use crate::random::Draws;

/// The programme's rates in one run, drawn once from their ranges.
#[derive(Clone, Debug)]
pub(super) struct Programme {
    /// Per step, for each entry of [`Plan::production`].
    pub rates: Vec<f64>,
    /// For each assembly, the material each unit takes, for each of its materials.
    pub per_unit: Vec<Vec<f64>>,
    /// For each assembly, the most units assembled per step (infinite: no limit).
    pub capacity: Vec<f64>,
}

impl Programme {
    pub fn draw(plan: &Plan, draws: Draws) -> Programme {
        Programme {
            rates: plan.production.iter().map(|p| p.per_step.draw(draws)).collect(),
            per_unit: plan
                .assembly
                .iter()
                .map(|a| a.materials.iter().map(|m| m.per_unit.draw(draws)).collect())
                .collect(),
            capacity: plan
                .assembly
                .iter()
                .map(|a| a.per_step.map_or(f64::INFINITY, |cap| cap.draw(draws)))
                .collect(),
        }
    }

    /// Adds to the initial truth what was produced between each quantity's `as_of` and
    /// the start: growth, production by the facilities operating at the start, then
    /// assembly up to capacity over the assembled quantity's own interval. Quantities
    /// measured in a replayed history are left as measured.
    pub fn catch_up(&self, plan: &Plan, fresh: &Machine, measured: &[Option<f64>], truth: &mut [f64]) {
        let step_years = plan.step_months as f64 / 12.0;
        let fresh_quantity = |q: usize| measured[q].is_none() && plan.catch_up[q] > 0.0;
        for (q, quantity) in plan.quantities.iter().enumerate() {
            if fresh_quantity(q) {
                truth[q] += quantity.growth / step_years * plan.catch_up[q];
            }
        }
        for (p, rate) in plan.production.iter().zip(&self.rates) {
            if fresh_quantity(p.quantity) && fresh.facility_status(p.facility) == FacilityStatus::Operating {
                truth[p.quantity] += rate / step_years * plan.catch_up[p.quantity];
            }
        }
        for (a, assembly) in plan.assembly.iter().enumerate() {
            if fresh_quantity(assembly.quantity) {
                let most = self.capacity[a] / step_years * plan.catch_up[assembly.quantity];
                assemble(assembly.quantity, &assembly.materials, &self.per_unit[a], most, truth);
            }
        }
    }

    /// The figures of each assembled quantity now, appended to `out`: the material not
    /// yet assembled, in units' worth (the sum over materials of the amount over the
    /// amount one unit takes), and the breakout time in days, the least over materials of
    /// the time to one unit's worth at the rate the material grew this step (0 when a
    /// unit's worth is there; `plan.breakout_cap` when no material grows, or not within
    /// it).
    pub fn report(&self, plan: &Plan, truth: &[f64], growth: &[f64], out: &mut Vec<f64>) {
        let step_years = plan.step_months as f64 / 12.0;
        for (a, assembly) in plan.assembly.iter().enumerate() {
            let mut worth = 0.0;
            let mut breakout = plan.breakout_cap;
            for (m, &per_unit) in assembly.materials.iter().zip(&self.per_unit[a]) {
                let amount = truth[m.quantity].max(0.0);
                worth += amount / per_unit;
                let per_year = growth[m.quantity] / step_years;
                breakout = breakout.min(breakout_days(amount, per_unit, per_year, plan.breakout_cap));
            }
            out.push(worth);
            out.push(breakout);
        }
    }
}

/// Assembles up to `most` units of `quantity` from its materials, as many as the
/// materials make: each unit takes `per_unit[i]` of material `i`, and the material used
/// comes from every material in proportion to the units' worth it holds (so the order
/// in which materials are listed does not matter). Returns the units assembled.
pub(super) fn assemble(
    quantity: usize,
    materials: &[crate::plan::MaterialPlan],
    per_unit: &[f64],
    most: f64,
    truth: &mut [f64],
) -> f64 {
    let worth: f64 = materials.iter().zip(per_unit).map(|(m, u)| truth[m.quantity].max(0.0) / u).sum();
    let units = most.min(worth);
    if units.is_nan() || units <= 0.0 {
        return 0.0;
    }
    let left = 1.0 - units / worth;
    for m in materials {
        if truth[m.quantity] > 0.0 {
            truth[m.quantity] *= left;
        }
    }
    truth[quantity] += units;
    units
}
