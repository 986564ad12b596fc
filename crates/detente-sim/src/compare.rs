//! Several designs on common random numbers.
//!
//! Run `i` of every design uses the same random draws wherever the designs share an item
//! (the draws are keyed by ids, see [`crate::random`]), so that the difference between
//! two designs in run `i` reflects the designs, not luck. Differences are therefore
//! estimated *paired*: the mean of per-run differences, with a confidence interval from
//! their standard deviation, which is far narrower than comparing two independent
//! samples whenever the designs respond alike to the same shocks. Reports state both
//! standard errors so the gain is visible.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use detente_engine::Agreement;

use crate::parallel::{Control, Stopped};
use crate::plan::{Overrides, Plan, PlanError};
use crate::run::{Simulator, Trajectory};
use crate::tally::{Moments, Tally, TallyError};

/// A per-run outcome compared across designs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Metric {
    /// What it measures, e.g. `warheads at the horizon`.
    pub name: String,
    /// Its unit.
    pub unit: String,
}

/// The paired tallies of several designs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Each design's own tally.
    pub tallies: Vec<Tally>,
    /// The metrics compared.
    pub metrics: Vec<Metric>,
    /// `[design][metric]`: each design's values.
    pub values: Vec<Vec<Moments>>,
    /// `[design][metric]`: per-run differences from the first design.
    pub differences: Vec<Vec<Moments>>,
}

/// The metrics every design can report: the quantities all designs share (by id), relief
/// delivered, snap-back, breakdown and collapse (or breakdown).
pub fn metrics(sims: &[Simulator]) -> (Vec<Metric>, Vec<Vec<usize>>) {
    let first = &sims[0].agreement().spec;
    let mut metrics = Vec::new();
    let mut indices: Vec<Vec<usize>> = vec![Vec::new(); sims.len()];
    for quantity in &first.quantity {
        let positions: Option<Vec<usize>> = sims
            .iter()
            .map(|s| s.agreement().spec.quantity.iter().position(|q| q.id == quantity.id))
            .collect();
        if let Some(positions) = positions {
            metrics.push(Metric {
                name: format!("{} at the horizon", quantity.id),
                unit: quantity.unit.clone(),
            });
            for (d, p) in positions.into_iter().enumerate() {
                indices[d].push(p);
            }
        }
    }
    metrics.push(Metric { name: "relief delivered".into(), unit: "weight x years".into() });
    metrics.push(Metric { name: "snap-back".into(), unit: "probability".into() });
    metrics.push(Metric { name: "breakdown".into(), unit: "probability".into() });
    metrics.push(Metric { name: "collapse or breakdown".into(), unit: "probability".into() });
    (metrics, indices)
}

fn outcome(sim: &Simulator, quantities: &[usize], t: &Trajectory, out: &mut Vec<f64>) {
    let plan = sim.plan();
    let last = plan.steps() - 1;
    let count = plan.quantities.len();
    out.clear();
    out.extend(quantities.iter().map(|&q| t.quantity(last, q, count)));
    out.push(t.relief_delivered(plan.step_months));
    out.push(t.first_snapback.is_some() as u8 as f64);
    out.push(t.breakdown.is_some() as u8 as f64);
    out.push(t.collapse.is_some() as u8 as f64);
}

impl Comparison {
    fn empty(sims: &[Simulator]) -> Comparison {
        let metrics = metrics(sims).0;
        let blank = vec![vec![Moments::default(); metrics.len()]; sims.len()];
        Comparison {
            tallies: sims.iter().map(crate::empty_tally).collect(),
            metrics,
            values: blank.clone(),
            differences: blank,
        }
    }

    /// Adds another comparison of the same designs (exact, in any order), or says why it
    /// cannot be.
    pub fn merge(&mut self, other: &Comparison) -> Result<(), TallyError> {
        for (a, b) in self.tallies.iter_mut().zip(&other.tallies) {
            a.merge(b)?;
        }
        for (a, b) in self.values.iter_mut().flatten().zip(other.values.iter().flatten()) {
            a.try_merge(b)?;
        }
        for (a, b) in self.differences.iter_mut().flatten().zip(other.differences.iter().flatten()) {
            a.try_merge(b)?;
        }
        Ok(())
    }

    fn add_run(
        &mut self,
        sims: &[Simulator],
        indices: &[Vec<usize>],
        trajectories: &[Trajectory],
        (base, other): (&mut Vec<f64>, &mut Vec<f64>),
    ) -> Result<(), TallyError> {
        for (d, sim) in sims.iter().enumerate() {
            self.tallies[d].add(sim.plan(), &trajectories[d])?;
        }
        outcome(&sims[0], &indices[0], &trajectories[0], base);
        for (d, sim) in sims.iter().enumerate() {
            outcome(sim, &indices[d], &trajectories[d], other);
            for (m, value) in other.iter().enumerate() {
                self.values[d][m].try_add(*value)?;
                self.differences[d][m].try_add(value - base[m])?;
            }
        }
        Ok(())
    }
}

/// Puts every design under the first design's horizon, step, runs and seed (its file's,
/// or `overrides`), so that run `i` lines up month by month across designs; each keeps
/// its own strategies and other assumptions. On failure, says which design (by index)
/// cannot be planned and why.
pub fn align(agreements: &mut [Agreement], overrides: Overrides) -> Result<(), (usize, PlanError)> {
    let Some(first) = agreements.first() else { return Ok(()) };
    let first = Plan::new(first, overrides).map_err(|e| (0, e))?.assumptions;
    for agreement in agreements.iter_mut() {
        let sim = agreement.simulation_mut();
        sim.horizon = first.horizon;
        sim.step = first.step;
        sim.runs = first.runs;
        sim.seed = first.seed;
    }
    for (d, agreement) in agreements.iter().enumerate() {
        Plan::new(agreement, Overrides::default()).map_err(|e| (d, e))?;
    }
    Ok(())
}

/// Runs the runs in `runs` of every design, pairing run `i` across designs. Fails only
/// if the tallies cannot hold the results exactly (see [`TallyError`]).
pub fn compare(
    sims: &[Simulator],
    runs: Range<u64>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Comparison, TallyError> {
    compare_with(sims, runs, &Control::new(progress)).map_err(|stopped| match stopped {
        Stopped::Failed(e) => e,
        Stopped::Cancelled => TallyError::Cancelled { what: "comparison" },
    })
}

/// [`compare`] under a [`Control`] (progress and cancellation). No design is an error,
/// not a panic.
pub fn compare_with(
    sims: &[Simulator],
    runs: Range<u64>,
    control: &Control,
) -> Result<Comparison, Stopped<TallyError>> {
    if sims.is_empty() {
        return Err(Stopped::Failed(TallyError::NoDesigns));
    }
    let indices = metrics(sims).1;
    crate::parallel::fold_runs(
        runs,
        control,
        || Comparison::empty(sims),
        || (vec![Trajectory::default(); sims.len()], Vec::new(), Vec::new()),
        |acc, (trajectories, base, other), run| {
            for (d, sim) in sims.iter().enumerate() {
                sim.run(run, &mut trajectories[d]);
            }
            acc.add_run(sims, &indices, trajectories, (base, other))
        },
        |acc, other| acc.merge(&other),
    )
}

/// A mean with its 95% confidence interval (normal approximation).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Estimate {
    /// The mean.
    pub mean: f64,
    /// Lower end of the 95% interval.
    pub low: f64,
    /// Upper end of the 95% interval.
    pub high: f64,
    /// The standard error of the mean.
    pub se: f64,
}

fn round(x: f64) -> f64 {
    if x.is_finite() {
        (x * 1e4).round() / 1e4
    } else {
        0.0
    }
}

impl Estimate {
    fn of(m: &Moments, n: u64) -> Estimate {
        let mean = m.mean(n);
        let se = m.sd(n) / (n.max(1) as f64).sqrt();
        Estimate {
            mean: round(mean),
            low: round(mean - 1.96 * se),
            high: round(mean + 1.96 * se),
            se: round(se),
        }
    }
}

/// One metric across designs.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct MetricRow {
    /// The metric.
    pub name: String,
    /// Its unit.
    pub unit: String,
    /// Each design's mean, in design order.
    pub designs: Vec<Estimate>,
    /// Each later design minus the first, paired by run.
    pub differences: Vec<Difference>,
}

/// A paired difference between a design and the first.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Difference {
    /// The design.
    pub design: String,
    /// Its difference from the first design.
    pub estimate: Estimate,
    /// The standard error two independent samples of the same size would have had: the
    /// ratio to `estimate.se` is what common random numbers bought.
    pub se_independent: f64,
}

/// The comparison as reports show it.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct CompareReport {
    /// Runs per design.
    pub runs: u64,
    /// The seed.
    pub seed: u64,
    /// The designs' ids, in order; the first is the reference.
    pub designs: Vec<String>,
    /// Metrics.
    pub metrics: Vec<MetricRow>,
    /// Each design's own summary.
    pub summaries: Vec<crate::summary::Summary>,
}

impl CompareReport {
    /// The report of `comparison` over `sims`.
    pub fn new(sims: &[Simulator], comparison: &Comparison) -> CompareReport {
        let n = comparison.tallies[0].runs;
        let designs: Vec<String> = sims.iter().map(|s| s.agreement().spec.agreement.id.clone()).collect();
        let metrics = comparison
            .metrics
            .iter()
            .enumerate()
            .map(|(m, metric)| {
                let sd = |d: usize| comparison.values[d][m].sd(n);
                MetricRow {
                    name: metric.name.clone(),
                    unit: metric.unit.clone(),
                    designs: (0..sims.len()).map(|d| Estimate::of(&comparison.values[d][m], n)).collect(),
                    differences: (1..sims.len())
                        .map(|d| Difference {
                            design: designs[d].clone(),
                            estimate: Estimate::of(&comparison.differences[d][m], n),
                            se_independent: round(((sd(0).powi(2) + sd(d).powi(2)) / n.max(1) as f64).sqrt()),
                        })
                        .collect(),
                }
            })
            .collect();
        let summaries = sims
            .iter()
            .zip(&comparison.tallies)
            .map(|(s, t)| crate::summary::Summary::new(s.agreement(), s.plan(), t))
            .collect();
        CompareReport { runs: n, seed: sims[0].plan().seed, designs, metrics, summaries }
    }

    /// The terminal table.
    pub fn text(&self) -> String {
        use crate::summary::num;
        use std::fmt::Write;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} designs, {} futures each on common random numbers (seed {}); reference: {}",
            self.designs.len(),
            self.runs,
            self.seed,
            self.designs[0]
        );
        for s in &self.summaries {
            let _ = writeln!(out, "  {}: {}", s.agreement, s.title);
        }
        let _ = writeln!(out, "\nMeans [95% interval]:");
        let width = 30;
        // Labels padded to the longest, so that every row's columns line up.
        let label = |row: &MetricRow| format!("{} ({})", row.name, row.unit);
        let labels = self.metrics.iter().map(|row| label(row).chars().count()).max().unwrap_or(0).max(34);
        let _ = write!(out, "  {:<labels$}", "");
        for d in &self.designs {
            let _ = write!(out, "{d:>width$}");
        }
        let _ = writeln!(out);
        for row in &self.metrics {
            let _ = write!(out, "  {:<labels$}", label(row));
            for e in &row.designs {
                let _ =
                    write!(out, "{:>width$}", format!("{} [{}, {}]", num(e.mean), num(e.low), num(e.high)));
            }
            let _ = writeln!(out);
        }
        for (d, design) in self.designs.iter().enumerate().skip(1) {
            let _ = writeln!(out, "\n{design} minus {} (paired by run) [95% interval]:", self.designs[0]);
            for row in &self.metrics {
                let diff = &row.differences[d - 1];
                let e = &diff.estimate;
                let pairing = if e.se > 0.0 {
                    format!("{}x narrower than unpaired", num(diff.se_independent / e.se))
                } else if diff.se_independent > 0.0 {
                    "exact when paired".to_string()
                } else {
                    "no variation".to_string()
                };
                let _ = writeln!(
                    out,
                    "  {:<labels$}{:>30}   standard error {} ({pairing})",
                    label(row),
                    format!("{} [{}, {}]", num(e.mean), num(e.low), num(e.high)),
                    num(e.se),
                );
            }
        }
        out
    }
}
