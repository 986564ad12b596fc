//! The one parallel driver of simulated runs: simulation, comparison and backtest all
//! go through [`fold_runs`], so chunking, progress, cancellation and stopping on the
//! first failure are written once.
//!
//! Runs are split into chunks of [`CHUNK`] consecutive indices, folded in parallel
//! (rayon) into per-worker accumulators and merged. A run's draws depend only on
//! `(seed, run)` and the accumulators add exactly (integer tallies, or records sorted by
//! run afterwards), so the result does not depend on the number of threads or the order
//! in which chunks finish.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

/// How many runs a parallel task takes at a time: large enough that scheduling costs
/// nothing beside the runs, small enough that progress moves and cancellation is quick
/// (a chunk of korea-2020 takes about 4 ms on one core).
pub const CHUNK: u64 = 64;

/// What a caller sees of a long computation and how it stops it: progress (runs
/// finished, reported as chunks complete) and an optional cancellation flag, checked
/// before each chunk.
#[derive(Clone, Copy)]
pub struct Control<'a> {
    progress: &'a (dyn Fn(u64) + Sync),
    cancel: Option<&'a AtomicBool>,
}

impl<'a> Control<'a> {
    /// Reports progress to `progress`; not cancellable.
    pub fn new(progress: &'a (dyn Fn(u64) + Sync)) -> Control<'a> {
        Control { progress, cancel: None }
    }

    /// Stops, with [`Stopped::Cancelled`], once `flag` is set (by another thread, a
    /// signal handler, a server dropping a request).
    pub fn cancelled_by(self, flag: &'a AtomicBool) -> Control<'a> {
        Control { cancel: Some(flag), ..self }
    }

    fn is_cancelled(&self) -> bool {
        self.cancel.is_some_and(|flag| flag.load(Ordering::Relaxed))
    }
}

/// Why a fold of runs stopped before the end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stopped<E> {
    /// A run's result could not be accumulated.
    Failed(E),
    /// The caller cancelled.
    Cancelled,
}

impl<E: std::fmt::Display> std::fmt::Display for Stopped<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stopped::Failed(e) => e.fmt(f),
            Stopped::Cancelled => f.write_str("cancelled"),
        }
    }
}

impl<E: std::fmt::Debug + std::fmt::Display> std::error::Error for Stopped<E> {}

/// Folds `each` over the runs in `runs`, in parallel chunks: every worker starts from
/// `empty()` with its own `workspace()` (a trajectory, reused run after run), and the
/// workers' accumulators are merged with `merge`. Stops at the first failure or at
/// cancellation, running no further chunk.
pub fn fold_runs<A, W, E>(
    runs: Range<u64>,
    control: &Control,
    empty: impl Fn() -> A + Sync + Send,
    workspace: impl Fn() -> W + Sync + Send,
    each: impl Fn(&mut A, &mut W, u64) -> Result<(), E> + Sync + Send,
    merge: impl Fn(&mut A, A) -> Result<(), E> + Sync + Send,
) -> Result<A, Stopped<E>>
where
    A: Send,
    W: Send,
    E: Send,
{
    let chunks = runs.end.saturating_sub(runs.start).div_ceil(CHUNK);
    let stop = AtomicBool::new(false);
    let folded = (0..chunks)
        .into_par_iter()
        .fold(
            || (Ok(empty()), workspace()),
            |(acc, mut work), chunk| {
                let Ok(mut acc) = acc else { return (acc, work) };
                if stop.load(Ordering::Relaxed) {
                    return (Ok(acc), work);
                }
                if control.is_cancelled() {
                    stop.store(true, Ordering::Relaxed);
                    return (Err(Stopped::Cancelled), work);
                }
                let first = runs.start + chunk * CHUNK;
                let last = (first + CHUNK).min(runs.end);
                for run in first..last {
                    if let Err(e) = each(&mut acc, &mut work, run) {
                        stop.store(true, Ordering::Relaxed);
                        return (Err(Stopped::Failed(e)), work);
                    }
                }
                (control.progress)(last - first);
                (Ok(acc), work)
            },
        )
        .map(|(acc, _)| acc)
        .reduce(
            || Ok(empty()),
            |a, b| {
                let mut a = a?;
                merge(&mut a, b?).map_err(Stopped::Failed)?;
                Ok(a)
            },
        );
    // A worker that found the flag set by another's cancellation kept its partial
    // accumulator: the result of a cancelled fold is never returned.
    if control.is_cancelled() {
        return Err(Stopped::Cancelled);
    }
    folded
}
