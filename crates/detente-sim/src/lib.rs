//! Monte Carlo simulation of phased reciprocal agreements.
//!
//! `detente-sim` runs many futures of one agreement under the assumptions of its
//! `[simulation]` table (docs/simulation.md). Each future keeps the *ground truth* (what
//! the parties really do, what facilities really produce) beside the *record* (what
//! verification lets the agreement know), and the record goes through the same engine
//! as a real event log: the simulator decides no status itself.
//!
//! * [`backtest`]: where real histories fall among the futures the simulator gives them.
//! * [`plan`]: the assumptions resolved against the agreement.
//! * [`random`]: counter-based random numbers (common random numbers across designs).
//! * [`strategy`]: the parties' decision rules.
//! * [`run`]: one future (and `reading`, its cached view of the engine's record).
//! * [`tally`]: exact, mergeable aggregation of many futures.
//! * [`summary`]: what a tally says (quantiles, probabilities), as text, JSON and CSV.
//! * [`compare`]: several designs on common random numbers, with paired differences.
//! * [`sweep`]: one assumption varied over a range.
//! * [`trace`]: one future played again, its record as an event log with the reason
//!   for every event, and the truth not on record.
//!
//! Runs are split into fixed chunks run in parallel ([`parallel`], the one driver);
//! since a run's draws depend only on `(seed, run)` and tallies add exactly, the result
//! is byte-identical whatever the number of threads.

// Every public item is documented, and library code never unwraps: bad input is
// refused with an error, never a panic (clippy.toml allows both in tests).
#![warn(missing_docs, clippy::unwrap_used, clippy::expect_used)]

pub mod backtest;
pub mod compare;
pub mod continuing;
mod error;
pub mod lead_time;
pub mod parallel;
pub mod plan;
pub mod random;
pub mod report;
pub mod run;
pub mod shards;
pub mod strategy;
pub mod summary;
pub mod sweep;
pub mod tally;
pub mod trace;

use std::ops::Range;

use serde::{Deserialize, Serialize};

pub use error::Error;
pub use parallel::{Control, Stopped};
pub use plan::{Overrides, Plan, PlanError};
pub use run::{EffectChange, Simulator, Trajectory};
pub use sweep::SweepError;
pub use tally::{Tally, TallyError};
pub use trace::TracedRun;

/// The outcome of one run, kept only on request (`--keep-runs`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// The run's index (its random stream).
    pub run: u64,
    /// Each quantity's true value at the horizon.
    pub final_quantities: Vec<f64>,
    /// Relief delivered (economic weight times years).
    pub relief: f64,
    /// How many phases opened.
    pub phases_opened: usize,
    /// The month of the first snap-back, if any.
    pub snapback_month: Option<u32>,
    /// The month of the breakdown, if any.
    pub breakdown_month: Option<u32>,
    /// The month the agreement had collapsed or broken down, if it had
    /// ([`Trajectory::collapse`]).
    pub collapse_month: Option<u32>,
}

impl RunRecord {
    /// The record of run `run` of `sim`, from what it produced.
    pub fn of(sim: &Simulator, run: u64, t: &Trajectory) -> RunRecord {
        let plan = sim.plan();
        let q = plan.quantities.len();
        let last = plan.steps() - 1;
        let month = |k: u32| (k + 1) * plan.step_months;
        RunRecord {
            run,
            final_quantities: (0..q).map(|i| t.quantity(last, i, q)).collect(),
            relief: t.relief_delivered(plan.step_months),
            phases_opened: t.phase_opened.iter().filter(|p| p.is_some()).count(),
            snapback_month: t.first_snapback.map(month),
            breakdown_month: t.breakdown.map(month),
            collapse_month: t.collapse.map(month),
        }
    }
}

/// One row per run, in run order (`simulate --keep-runs` writes it as `runs.csv`):
/// each quantity's final value, relief delivered, phases opened, and the months of the
/// first snap-back, the breakdown and the collapse (empty when none happened).
pub fn runs_csv(records: &[RunRecord], agreement: &detente_engine::Agreement) -> String {
    use std::fmt::Write as _;
    let mut out = String::from("run");
    for q in &agreement.spec.quantity {
        let _ = write!(out, ",final_{}", q.id);
    }
    out.push_str(",relief_delivered,phases_opened,snapback_month,breakdown_month,collapse_month\n");
    let month = |m: Option<u32>| m.map_or(String::new(), |m| m.to_string());
    for r in records {
        let _ = write!(out, "{}", r.run);
        for v in &r.final_quantities {
            let _ = write!(out, ",{v}");
        }
        let _ = writeln!(
            out,
            ",{},{},{},{},{}",
            r.relief,
            r.phases_opened,
            month(r.snapback_month),
            month(r.breakdown_month),
            month(r.collapse_month)
        );
    }
    out
}

/// An empty tally shaped for `sim`.
pub fn empty_tally(sim: &Simulator) -> Tally {
    let ag = sim.agreement();
    Tally::new(sim.plan(), ag.phases.len(), ag.powers.len(), ag.commitments.len(), ag.spec.instrument.len())
}

/// Runs the futures with indices in `runs`, in parallel, calling `progress` with the
/// number of runs finished as chunks complete. With `keep_runs`, also returns each run's
/// record, in run order. Fails only if the tally cannot hold the results exactly (see
/// [`TallyError`]); it then stops early.
pub fn simulate(
    sim: &Simulator,
    runs: Range<u64>,
    keep_runs: bool,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(Tally, Vec<RunRecord>), TallyError> {
    simulate_with(sim, runs, keep_runs, &Control::new(progress)).map_err(|stopped| match stopped {
        Stopped::Failed(e) => e,
        // Without a flag nothing cancels; said plainly if it ever did.
        Stopped::Cancelled => TallyError::Cancelled { what: "simulation" },
    })
}

/// [`simulate`] under a [`Control`]: progress, and cancellation by a flag another
/// thread may set.
pub fn simulate_with(
    sim: &Simulator,
    runs: Range<u64>,
    keep_runs: bool,
    control: &Control,
) -> Result<(Tally, Vec<RunRecord>), Stopped<TallyError>> {
    let (tally, mut records) = parallel::fold_runs(
        runs,
        control,
        || (empty_tally(sim), Vec::new()),
        Trajectory::default,
        |(tally, records), trajectory, run| {
            sim.run(run, trajectory);
            tally.add(sim.plan(), trajectory)?;
            if keep_runs {
                records.push(RunRecord::of(sim, run, trajectory));
            }
            Ok(())
        },
        |(tally, records), (other, more)| {
            tally.merge(&other)?;
            records.extend(more);
            Ok(())
        },
    )?;
    records.sort_by_key(|r| r.run);
    Ok((tally, records))
}

/// A slice `index` of `count` (1-based, as `--shard 2/4` writes it) of `runs` runs: a
/// contiguous range of run indices, so that the shards together are exactly the runs
/// (empty for an index out of `1..=count`). See [`shards::slice`].
pub fn shard(runs: u64, index: u64, count: u64) -> Range<u64> {
    shards::slice(runs, index, count).unwrap_or(0..0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_runs() {
        for runs in [1u64, 7, 100, 10_001] {
            for count in 1..=5u64 {
                let ranges: Vec<Range<u64>> = (1..=count).map(|i| shard(runs, i, count)).collect();
                assert_eq!(ranges[0].start, 0);
                assert_eq!(ranges.last().unwrap().end, runs);
                assert!(ranges.windows(2).all(|w| w[0].end == w[1].start));
            }
        }
    }
}
