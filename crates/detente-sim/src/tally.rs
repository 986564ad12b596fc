//! Streaming, exact and mergeable aggregation of runs.
//!
//! A [`Tally`] holds only counts and fixed-point sums (integers), never per-run data, so
//! its memory does not grow with the number of runs, and adding tallies is associative
//! and commutative *exactly*. That is what makes results byte-identical whatever the
//! thread count (rayon may combine partial tallies in any tree) and what lets
//! `detente merge` combine shards run on different machines into exactly the tally one
//! machine would have produced.
//!
//! Quantiles come from fixed-bin histograms whose ranges are known before any run (see
//! [`crate::plan::QuantityPlan::range`]); their resolution is the range divided by
//! [`BINS`], stated in every report.

use detente_engine::state::CommitmentStatus;
use serde::{Deserialize, Serialize};

use crate::plan::{Plan, BINS};
use crate::run::Trajectory;

/// Every commitment status, in the order tallies count them (the engine's order).
pub const STATUSES: [CommitmentStatus; 10] = CommitmentStatus::ALL;

/// Fixed-point scale of sums: values are rounded to a millionth before adding, so that
/// sums are integers and exact in any order.
const SCALE: f64 = 1e6;

/// Why a tally cannot hold what was added to it (a value beyond its exact range, counts
/// or sums that would overflow: never silently saturated or wrapped, the run or the
/// merge stops with this error), why two tallies cannot be merged, or why a tally read
/// from a file (a shard) cannot be believed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum TallyError {
    /// A value (or a sum with it) beyond the exact range of the sums (about 1e32).
    #[error("the value {value} (or a sum with it) {OVERFLOW}")]
    ValueOutOfRange {
        /// The value.
        value: f64,
    },
    /// The square of a value beyond the exact range of the sums of squares.
    #[error("the square of {value} {OVERFLOW}")]
    SquareOutOfRange {
        /// The value.
        value: f64,
    },
    /// A count or sum that would overflow.
    #[error("{what} {OVERFLOW}")]
    Overflow {
        /// What overflowed: `a sum`, `a histogram count`, `the number of runs`, ...
        what: &'static str,
    },
    /// Two tallies of different designs or horizons cannot be merged.
    #[error("the tallies have different shapes (another design or horizon)")]
    DifferentShapes,
    /// A tally read from a file is not of the shape of the agreement it claims to be of.
    #[error(
        "the tally's shape ({steps} steps) does not match the agreement's ({} steps, {} quantities, {} phases, {} commitments, {} instruments)",
        expected.steps, expected.quantities, expected.phases, expected.commitments, expected.instruments
    )]
    ShapeMismatch {
        /// The tally's steps.
        steps: usize,
        /// The agreement's shape.
        expected: Shape,
    },
    /// A tally read from a file contradicts itself (a histogram that does not count
    /// every run, a sum outside its least and greatest values, ...).
    #[error("{cell}: {problem}")]
    Inconsistent {
        /// Which figure: `quantity 2 at step 5`, `relief delivered`, `breakdown`, ...
        cell: String,
        /// What is wrong with it.
        problem: String,
    },
    /// The computation was cancelled (by [`crate::Control`]) before it finished.
    #[error("the {what} was cancelled")]
    Cancelled {
        /// `simulation` or `comparison`.
        what: &'static str,
    },
    /// A comparison of no designs.
    #[error("a comparison needs at least one design")]
    NoDesigns,
}

/// The end of every overflow message.
const OVERFLOW: &str = "exceeds the exact range of the tallies (sums of values in millionths must stay \
     within 128-bit integers); no real weight, stockpile or count comes near it: check the \
     numbers in the file (or simulate fewer runs)";

/// The shape of an agreement's tally, as a person counts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    /// Steps of the horizon.
    pub steps: usize,
    /// Quantities.
    pub quantities: usize,
    /// Phases.
    pub phases: usize,
    /// Commitments.
    pub commitments: usize,
    /// Instruments.
    pub instruments: usize,
}

fn overflow(what: &'static str) -> TallyError {
    TallyError::Overflow { what }
}

/// The error of a value a sum cannot take.
#[cold]
#[inline(never)]
fn value_error(value: f64) -> TallyError {
    TallyError::ValueOutOfRange { value }
}

/// `value` in millionths, rounded half away from zero; `None` for values that are not
/// finite or too large for 128-bit sums (beyond 1e32). Through i64 for |value| < 9e12
/// (one instruction; `round()` and the i128 conversion are library calls on the hottest
/// path of aggregation), through i128 above.
#[inline(always)]
fn fixed_point(value: f64) -> Option<i128> {
    let scaled = value * SCALE;
    if scaled.abs() < 9.0e18 {
        Some(if scaled >= 0.0 { (scaled + 0.5) as i64 } else { (scaled - 0.5) as i64 } as i128)
    } else if scaled.abs() < 1.0e38 {
        Some(scaled.round() as i128)
    } else {
        None
    }
}

/// The sum, sum of squares, least and greatest of a value over runs, in fixed point.
///
/// [`Moments::try_add`] and [`Moments::try_merge`] are checked; `add` and `merge` (kept
/// for callers that cannot fail, such as the tournament's payoffs) mark the moments as
/// overflowed instead, after which `mean` and `sd` are NaN rather than a wrong number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moments {
    /// Sum of the values, in millionths.
    #[serde(with = "i128_string")]
    pub sum: i128,
    /// Sum of the squared values, in millionths squared.
    #[serde(with = "i128_string")]
    pub sum_sq: i128,
    /// The least value, in millionths (`i128::MAX` when empty).
    #[serde(with = "i128_string")]
    pub min: i128,
    /// The greatest value, in millionths (`i128::MIN` when empty).
    #[serde(with = "i128_string")]
    pub max: i128,
    /// Whether an unchecked `add` or `merge` overflowed (the moments are then void).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub overflowed: bool,
}

impl Default for Moments {
    fn default() -> Moments {
        Moments { sum: 0, sum_sq: 0, min: i128::MAX, max: i128::MIN, overflowed: false }
    }
}

impl Moments {
    /// Adds one value, or says why it cannot be (leaving the moments unchanged).
    pub fn try_add(&mut self, value: f64) -> Result<(), TallyError> {
        let fixed = fixed_point(value).ok_or(TallyError::ValueOutOfRange { value })?;
        let square = fixed.checked_mul(fixed).ok_or(TallyError::SquareOutOfRange { value })?;
        let sum = self.sum.checked_add(fixed).ok_or_else(|| overflow("a sum"))?;
        let sum_sq = self.sum_sq.checked_add(square).ok_or_else(|| overflow("a sum of squares"))?;
        self.sum = sum;
        self.sum_sq = sum_sq;
        self.min = self.min.min(fixed);
        self.max = self.max.max(fixed);
        Ok(())
    }

    /// Adds the values of another set (exact), or says why it cannot be.
    pub fn try_merge(&mut self, other: &Moments) -> Result<(), TallyError> {
        if other.overflowed {
            return Err(overflow("a sum"));
        }
        let sum = self.sum.checked_add(other.sum).ok_or_else(|| overflow("a sum"))?;
        let sum_sq = self.sum_sq.checked_add(other.sum_sq).ok_or_else(|| overflow("a sum of squares"))?;
        self.sum = sum;
        self.sum_sq = sum_sq;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        Ok(())
    }

    /// Adds one value; on overflow the moments become void (see the type's docs).
    pub fn add(&mut self, value: f64) {
        if self.try_add(value).is_err() {
            self.overflowed = true;
        }
    }

    /// Adds the values of another set; on overflow the moments become void.
    pub fn merge(&mut self, other: &Moments) {
        if self.try_merge(other).is_err() {
            self.overflowed = true;
        }
    }

    /// The least and greatest values added (`None` when nothing was).
    pub fn bounds(&self) -> Option<(f64, f64)> {
        (self.min <= self.max).then(|| (self.min as f64 / SCALE, self.max as f64 / SCALE))
    }

    /// The mean over `n` values (NaN if the moments overflowed).
    pub fn mean(&self, n: u64) -> f64 {
        if self.overflowed {
            return f64::NAN;
        }
        if n == 0 {
            return 0.0;
        }
        self.sum as f64 / SCALE / n as f64
    }

    /// The sample standard deviation over `n` values (NaN if the moments overflowed).
    pub fn sd(&self, n: u64) -> f64 {
        if self.overflowed {
            return f64::NAN;
        }
        if n < 2 {
            return 0.0;
        }
        // n * sum_sq - sum^2 is exact in integers when it fits; divide once at the end.
        let numerator = match (n as i128).checked_mul(self.sum_sq).zip(self.sum.checked_mul(self.sum)) {
            Some((a, b)) => (a - b) as f64,
            None => n as f64 * self.sum_sq as f64 - (self.sum as f64).powi(2),
        };
        (numerator / (n as f64 * (n as f64 - 1.0))).max(0.0).sqrt() / SCALE
    }

    /// Whether these moments could be those of `n` values: empty when `n` is 0; least
    /// at most greatest, the sum between `n` times each, and the sum of squares between
    /// what the sum implies and `n` times the largest square.
    pub fn consistent(&self, n: u64) -> bool {
        if self.overflowed {
            return false;
        }
        if n == 0 {
            return *self == Moments::default();
        }
        let n = n as i128;
        let sum_ok = Level { sum: self.sum, min: self.min, max: self.max }.consistent(n as u64);
        let largest = self.min.unsigned_abs().max(self.max.unsigned_abs());
        let square_ok = match largest.checked_mul(largest).and_then(|sq| sq.checked_mul(n as u128)) {
            Some(most) => (self.sum_sq as u128) <= most,
            None => true,
        };
        // Cauchy-Schwarz: sum^2 <= n * sum_sq.
        let cs_ok = match (self.sum.checked_mul(self.sum), n.checked_mul(self.sum_sq)) {
            (Some(a), Some(b)) => a <= b,
            _ => true,
        };
        sum_ok && self.sum_sq >= 0 && square_ok && cs_ok
    }
}

/// The sum, least and greatest of a value over runs, in fixed point: [`Moments`] without
/// the sum of squares, for the per-step cells whose spread histograms give (they are the
/// bulk of aggregation, so the squares are not computed there) and for relief (whose
/// weights, up to 1e12, would square past 128 bits).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Level {
    /// Sum of the values, in millionths.
    #[serde(with = "i128_string")]
    pub sum: i128,
    /// The least value, in millionths.
    #[serde(with = "i128_string")]
    pub min: i128,
    /// The greatest value, in millionths.
    #[serde(with = "i128_string")]
    pub max: i128,
}

impl Default for Level {
    fn default() -> Level {
        Level { sum: 0, min: i128::MAX, max: i128::MIN }
    }
}

impl Level {
    /// Adds one value, or says why it cannot be (leaving the level unchanged).
    // Inlined with the error path out of line: this is the bulk of aggregation.
    #[inline(always)]
    pub fn try_add(&mut self, value: f64) -> Result<(), TallyError> {
        match fixed_point(value).and_then(|fixed| Some((fixed, self.sum.checked_add(fixed)?))) {
            Some((fixed, sum)) => {
                self.sum = sum;
                self.min = self.min.min(fixed);
                self.max = self.max.max(fixed);
                Ok(())
            }
            None => Err(value_error(value)),
        }
    }

    /// Adds the values of another set (exact), or says why it cannot be.
    pub fn try_merge(&mut self, other: &Level) -> Result<(), TallyError> {
        self.sum = self.sum.checked_add(other.sum).ok_or_else(|| overflow("a sum"))?;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        Ok(())
    }

    /// The mean over `n` values.
    pub fn mean(&self, n: u64) -> f64 {
        if n == 0 {
            return 0.0;
        }
        self.sum as f64 / SCALE / n as f64
    }

    /// The least and greatest values added (`None` when nothing was).
    pub fn bounds(&self) -> Option<(f64, f64)> {
        (self.min <= self.max).then(|| (self.min as f64 / SCALE, self.max as f64 / SCALE))
    }

    /// Whether this could be the level of `n` values: empty when `n` is 0, otherwise
    /// least at most greatest and the sum between `n` times each.
    pub fn consistent(&self, n: u64) -> bool {
        if n == 0 {
            return *self == Level::default();
        }
        let n = n as i128;
        let (Some(low), Some(high)) = (self.min.checked_mul(n), self.max.checked_mul(n)) else {
            return false;
        };
        self.min <= self.max && low <= self.sum && self.sum <= high
    }
}

/// i128 sums as decimal strings: JSON numbers cannot carry them exactly everywhere.
mod i128_string {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &i128, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&value.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i128, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The bin of a fixed-range histogram over `[low, high]`: bin 0 holds exactly `low` (and
/// anything below), the other `bins - 1` bins split `(low, high]` evenly; values above
/// are clamped into the last. Bin 0 is a point mass because the floor of a range is
/// where whole distributions pile up (a quantity dismantled to zero, no relief at all),
/// and such a mass should read as that exact value, not as a spread within a bin.
fn bin(value: f64, range: (f64, f64), bins: usize) -> usize {
    Binning::new(range, bins).bin(value)
}

/// [`bin`] for one range, with the division done once (aggregation bins 240 values per
/// quantity and run with one `Binning`).
struct Binning {
    low: f64,
    per_unit: f64,
    last: usize,
}

impl Binning {
    fn new((low, high): (f64, f64), bins: usize) -> Binning {
        Binning { low, per_unit: (bins - 1) as f64 / (high - low), last: bins - 2 }
    }

    fn bin(&self, value: f64) -> usize {
        if value.is_nan() || value <= self.low {
            return 0;
        }
        // Positive here, so truncation is the floor (and saturates for huge values).
        1 + (((value - self.low) * self.per_unit) as usize).min(self.last)
    }
}

/// The `p`-quantile of a histogram made by [`bin`], interpolating within a bin.
pub fn quantile(counts: &[u32], (low, high): (f64, f64), p: f64) -> f64 {
    let total: u64 = counts.iter().map(|&c| c as u64).sum();
    if total == 0 {
        return f64::NAN;
    }
    let target = p * total as f64;
    let width = (high - low) / (counts.len() - 1) as f64;
    let mut below = 0u64;
    for (b, &count) in counts.iter().enumerate() {
        let upto = below + count as u64;
        if count > 0 && upto as f64 >= target {
            if b == 0 {
                return low;
            }
            let within = ((target - below as f64) / count as f64).clamp(0.0, 1.0);
            return low + width * ((b - 1) as f64 + within);
        }
        below = upto;
    }
    high
}

/// Adds one to a count, or says it would overflow.
fn increment(count: &mut u64) -> Result<(), TallyError> {
    *count = count.checked_add(1).ok_or_else(|| overflow("a count"))?;
    Ok(())
}

/// Adds one to a histogram count, or says it would overflow.
fn increment32(count: &mut u32) -> Result<(), TallyError> {
    *count = count.checked_add(1).ok_or_else(|| overflow("a histogram count"))?;
    Ok(())
}

/// Addition that reports overflow, for the integer cells of a tally.
mod num {
    pub trait OverflowingAdd: Sized {
        fn overflowing(self, other: Self) -> (Self, bool);
    }
    impl OverflowingAdd for u32 {
        fn overflowing(self, other: u32) -> (u32, bool) {
            self.overflowing_add(other)
        }
    }
    impl OverflowingAdd for u64 {
        fn overflowing(self, other: u64) -> (u64, bool) {
            self.overflowing_add(other)
        }
    }
}

/// The aggregate of any number of runs of one design.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    /// How many runs.
    pub runs: u64,
    /// Steps per run.
    pub steps: usize,
    /// Quantity histograms: `[(q * steps + k) * BINS + bin]`.
    pub quantity_bins: Vec<u32>,
    /// Quantity sums: `[q * steps + k]`.
    pub quantity_moments: Vec<Level>,
    /// Histograms of the programme's figures ([`Plan::outputs`]): `[(o * steps + k) *
    /// BINS + bin]` (empty when no quantity is made from others, and in shards written
    /// before the programme was modelled).
    #[serde(default)]
    pub programme_bins: Vec<u32>,
    /// Sums of the programme's figures: `[o * steps + k]`.
    #[serde(default)]
    pub programme_moments: Vec<Level>,
    /// Relief in effect (economic weight), per step.
    pub relief: Vec<Level>,
    /// Histograms of relief in effect over `[0, every weight]`, per step:
    /// `[k * BINS + bin]` (the spread of futures the relief chart shows).
    pub relief_bins: Vec<u32>,
    /// Relief delivered over the horizon (weight times years), per run.
    pub relief_total: Level,
    /// Histogram of relief delivered over `[0, every weight for the whole horizon]`.
    pub relief_total_bins: Vec<u32>,
    /// For each phase, how many runs first had it open at step k (`[p * (steps + 1) + k]`;
    /// index `steps`: never).
    pub phase_opened: Vec<u64>,
    /// How many runs first had a snap-back take effect at step k (index `steps`: never).
    pub first_snapback: Vec<u64>,
    /// How many runs had n snap-back powers exercised by the horizon.
    pub snapbacks: Vec<u64>,
    /// How many runs first broke down at step k (index `steps`: never).
    pub breakdown: Vec<u64>,
    /// How many runs first had the agreement collapsed or broken down at step k (index
    /// `steps`: never; see [`Trajectory::collapse`]).
    pub collapse: Vec<u64>,
    /// Each commitment's status at the horizon: `[c * STATUSES.len() + s]`.
    pub end_status: Vec<u64>,
    /// How many runs ended with each instrument relieved.
    pub relieved_at_end: Vec<u64>,
    /// Party-months of covert violation.
    pub covert_violations: Moments,
    /// Real violations detected.
    pub detected: Moments,
    /// False alarms recorded.
    pub false_alarms: Moments,
    /// False alarms cleared.
    pub resolved: Moments,
    /// Events the agreement refused.
    pub refused: u64,
}

impl Tally {
    /// An empty tally shaped for `plan` over an agreement with these counts.
    pub fn new(plan: &Plan, phases: usize, powers: usize, commitments: usize, instruments: usize) -> Tally {
        let steps = plan.steps();
        let quantities = plan.quantities.len();
        Tally {
            runs: 0,
            steps,
            quantity_bins: vec![0; quantities * steps * BINS],
            quantity_moments: vec![Level::default(); quantities * steps],
            programme_bins: vec![0; plan.outputs.len() * steps * BINS],
            programme_moments: vec![Level::default(); plan.outputs.len() * steps],
            relief: vec![Level::default(); steps],
            relief_bins: vec![0; steps * BINS],
            relief_total: Level::default(),
            relief_total_bins: vec![0; BINS],
            phase_opened: vec![0; phases * (steps + 1)],
            first_snapback: vec![0; steps + 1],
            snapbacks: vec![0; powers + 1],
            breakdown: vec![0; steps + 1],
            collapse: vec![0; steps + 1],
            end_status: vec![0; commitments * STATUSES.len()],
            relieved_at_end: vec![0; instruments],
            covert_violations: Moments::default(),
            detected: Moments::default(),
            false_alarms: Moments::default(),
            resolved: Moments::default(),
            refused: 0,
        }
    }

    /// The range of the relief-delivered histogram.
    pub fn relief_range(plan: &Plan) -> (f64, f64) {
        let years = plan.steps() as f64 * plan.step_months as f64 / 12.0;
        let all: f64 = plan.weights.iter().sum();
        (0.0, (all * years).max(1.0))
    }

    /// The range of the relief-in-effect histograms: up to every weight at once.
    pub fn relief_step_range(plan: &Plan) -> (f64, f64) {
        let all: f64 = plan.weights.iter().sum();
        (0.0, all.max(1.0))
    }

    /// The histogram of relief in effect at step `k`.
    pub fn relief_histogram(&self, k: usize) -> &[u32] {
        &self.relief_bins[k * BINS..(k + 1) * BINS]
    }

    /// Adds one run, or says why it cannot be (the tally is then unusable).
    pub fn add(&mut self, plan: &Plan, run: &Trajectory) -> Result<(), TallyError> {
        let steps = self.steps;
        let quantities = plan.quantities.len();
        self.runs = self.runs.checked_add(1).ok_or_else(|| overflow("the number of runs"))?;
        for (q, quantity) in plan.quantities.iter().enumerate() {
            let bins = &mut self.quantity_bins[q * steps * BINS..(q + 1) * steps * BINS];
            let moments = &mut self.quantity_moments[q * steps..(q + 1) * steps];
            let binning = Binning::new(quantity.range, BINS);
            for (k, (cell, m)) in bins.chunks_exact_mut(BINS).zip(moments).enumerate() {
                let value = run.quantities[k * quantities + q];
                increment32(&mut cell[binning.bin(value)])?;
                m.try_add(value)?;
            }
        }
        let outputs = plan.outputs.len();
        for (o, output) in plan.outputs.iter().enumerate() {
            let bins = &mut self.programme_bins[o * steps * BINS..(o + 1) * steps * BINS];
            let moments = &mut self.programme_moments[o * steps..(o + 1) * steps];
            let binning = Binning::new(output.range, BINS);
            for (k, (cell, m)) in bins.chunks_exact_mut(BINS).zip(moments).enumerate() {
                let value = run.programme[k * outputs + o];
                increment32(&mut cell[binning.bin(value)])?;
                m.try_add(value)?;
            }
        }
        let relief_binning = Binning::new(Tally::relief_step_range(plan), BINS);
        for (k, (&relief, cell)) in run.relief.iter().zip(self.relief_bins.chunks_exact_mut(BINS)).enumerate()
        {
            self.relief[k].try_add(relief)?;
            increment32(&mut cell[relief_binning.bin(relief)])?;
        }
        let delivered = run.relief_delivered(plan.step_months);
        self.relief_total.try_add(delivered)?;
        increment32(&mut self.relief_total_bins[bin(delivered, Tally::relief_range(plan), BINS)])?;
        for (p, opened) in run.phase_opened.iter().enumerate() {
            increment(&mut self.phase_opened[p * (steps + 1) + opened.map_or(steps, |k| k as usize)])?;
        }
        increment(&mut self.first_snapback[run.first_snapback.map_or(steps, |k| k as usize)])?;
        let most = self.snapbacks.len() - 1;
        increment(&mut self.snapbacks[(run.snapbacks as usize).min(most)])?;
        increment(&mut self.breakdown[run.breakdown.map_or(steps, |k| k as usize)])?;
        increment(&mut self.collapse[run.collapse.map_or(steps, |k| k as usize)])?;
        for (c, &status) in run.end_status.iter().enumerate() {
            increment(&mut self.end_status[c * STATUSES.len() + status.index()])?;
        }
        for (i, &relieved) in run.relieved_at_end.iter().enumerate() {
            if relieved {
                increment(&mut self.relieved_at_end[i])?;
            }
        }
        self.covert_violations.try_add(run.covert_violations as f64)?;
        self.detected.try_add(run.detected as f64)?;
        self.false_alarms.try_add(run.false_alarms as f64)?;
        self.resolved.try_add(run.resolved as f64)?;
        self.refused =
            self.refused.checked_add(run.refused as u64).ok_or_else(|| overflow("refused events"))?;
        Ok(())
    }

    /// Adds another tally of the same design (exact: the order does not matter), or says
    /// why it cannot be: a different shape, or counts or sums that would overflow (the
    /// tally is then unusable).
    pub fn merge(&mut self, other: &Tally) -> Result<(), TallyError> {
        // Overflow is collected over the whole slice rather than checked per cell, so
        // that the loop stays vectorized (merging is per chunk of runs, over every cell).
        fn add<T: Copy + num::OverflowingAdd>(
            a: &mut [T],
            b: &[T],
            what: &'static str,
        ) -> Result<(), TallyError> {
            let mut overflowed = false;
            for (x, &y) in a.iter_mut().zip(b) {
                let (sum, over) = x.overflowing(y);
                *x = sum;
                overflowed |= over;
            }
            if overflowed {
                return Err(overflow(what));
            }
            Ok(())
        }
        if !self.same_shape(other) {
            return Err(TallyError::DifferentShapes);
        }
        self.runs = self.runs.checked_add(other.runs).ok_or_else(|| overflow("the number of runs"))?;
        add(&mut self.quantity_bins, &other.quantity_bins, "a quantity histogram count")?;
        for (a, b) in self.quantity_moments.iter_mut().zip(&other.quantity_moments) {
            a.try_merge(b)?;
        }
        add(&mut self.programme_bins, &other.programme_bins, "a programme histogram count")?;
        for (a, b) in self.programme_moments.iter_mut().zip(&other.programme_moments) {
            a.try_merge(b)?;
        }
        for (a, b) in self.relief.iter_mut().zip(&other.relief) {
            a.try_merge(b)?;
        }
        add(&mut self.relief_bins, &other.relief_bins, "a relief histogram count")?;
        self.relief_total.try_merge(&other.relief_total)?;
        add(&mut self.relief_total_bins, &other.relief_total_bins, "a relief histogram count")?;
        add(&mut self.phase_opened, &other.phase_opened, "a phase count")?;
        add(&mut self.first_snapback, &other.first_snapback, "a snap-back count")?;
        add(&mut self.snapbacks, &other.snapbacks, "a snap-back count")?;
        add(&mut self.breakdown, &other.breakdown, "a breakdown count")?;
        add(&mut self.collapse, &other.collapse, "a collapse count")?;
        add(&mut self.end_status, &other.end_status, "a status count")?;
        add(&mut self.relieved_at_end, &other.relieved_at_end, "a relief count")?;
        self.covert_violations.try_merge(&other.covert_violations)?;
        self.detected.try_merge(&other.detected)?;
        self.false_alarms.try_merge(&other.false_alarms)?;
        self.resolved.try_merge(&other.resolved)?;
        self.refused = self.refused.checked_add(other.refused).ok_or_else(|| overflow("refused events"))?;
        Ok(())
    }

    /// Whether `other` has the same shape (the same design and horizon).
    pub fn same_shape(&self, other: &Tally) -> bool {
        self.steps == other.steps
            && self.quantity_bins.len() == other.quantity_bins.len()
            && self.quantity_moments.len() == other.quantity_moments.len()
            && self.programme_bins.len() == other.programme_bins.len()
            && self.programme_moments.len() == other.programme_moments.len()
            && self.relief.len() == other.relief.len()
            && self.relief_bins.len() == other.relief_bins.len()
            && self.relief_total_bins.len() == other.relief_total_bins.len()
            && self.phase_opened.len() == other.phase_opened.len()
            && self.first_snapback.len() == other.first_snapback.len()
            && self.snapbacks.len() == other.snapbacks.len()
            && self.breakdown.len() == other.breakdown.len()
            && self.collapse.len() == other.collapse.len()
            && self.end_status.len() == other.end_status.len()
            && self.relieved_at_end.len() == other.relieved_at_end.len()
    }

    /// Checks that this tally is internally consistent, as a tally read from a file (a
    /// shard) must be before it is believed: every histogram and distribution counts
    /// exactly `runs` runs, counts of runs are at most `runs`, sums lie between `runs`
    /// times the least and the greatest values, counts of events are not negative.
    /// `shape` is an empty tally of the design it claims to be.
    pub fn validate(&self, shape: &Tally) -> Result<(), TallyError> {
        if !self.same_shape(shape) {
            return Err(TallyError::ShapeMismatch {
                steps: self.steps,
                expected: Shape {
                    steps: shape.steps,
                    quantities: shape.quantity_moments.len() / shape.steps.max(1),
                    phases: shape.phase_opened.len() / (shape.steps + 1),
                    commitments: shape.end_status.len() / STATUSES.len(),
                    instruments: shape.relieved_at_end.len(),
                },
            });
        }
        let runs = self.runs;
        let bad = |cell: String, problem: String| Err(TallyError::Inconsistent { cell, problem });
        let total32 = |cells: &[u32]| cells.iter().map(|&c| u64::from(c)).sum::<u64>();
        let total = |cells: &[u64]| cells.iter().try_fold(0u64, |a, &c| a.checked_add(c));
        for (cell, counts) in self.quantity_bins.chunks_exact(BINS).enumerate() {
            if total32(counts) != runs {
                let (q, k) = (cell / self.steps, cell % self.steps);
                return bad(
                    format!("quantity {} at step {}", q + 1, k + 1),
                    format!("the histogram counts {} runs, not {runs}", total32(counts)),
                );
            }
        }
        for (cell, level) in self.quantity_moments.iter().enumerate() {
            if !level.consistent(runs) {
                let (q, k) = (cell / self.steps, cell % self.steps);
                return bad(
                    format!("quantity {} at step {}", q + 1, k + 1),
                    format!("the sum, least and greatest values are inconsistent with {runs} runs"),
                );
            }
        }
        for (cell, (level, counts)) in
            self.programme_moments.iter().zip(self.programme_bins.chunks_exact(BINS)).enumerate()
        {
            if !level.consistent(runs) || total32(counts) != runs {
                let (o, k) = (cell / self.steps, cell % self.steps);
                return bad(
                    format!("programme figure {} at step {}", o + 1, k + 1),
                    format!("inconsistent with {runs} runs"),
                );
            }
        }
        for (k, (level, counts)) in self.relief.iter().zip(self.relief_bins.chunks_exact(BINS)).enumerate() {
            if !level.consistent(runs) || (runs > 0 && level.min < 0) || total32(counts) != runs {
                return bad(format!("relief at step {}", k + 1), format!("inconsistent with {runs} runs"));
            }
        }
        if !self.relief_total.consistent(runs) || (runs > 0 && self.relief_total.min < 0) {
            return bad("relief delivered".into(), format!("inconsistent with {runs} runs"));
        }
        if total32(&self.relief_total_bins) != runs {
            return bad(
                "relief delivered".into(),
                format!("the histogram counts {} runs, not {runs}", total32(&self.relief_total_bins)),
            );
        }
        let distributions = self
            .phase_opened
            .chunks_exact(self.steps + 1)
            .enumerate()
            .map(|(p, counts)| (format!("phase {} opening", p + 1), counts))
            .chain([
                ("first snap-back".to_string(), &self.first_snapback[..]),
                ("snap-backs per run".to_string(), &self.snapbacks[..]),
                ("breakdown".to_string(), &self.breakdown[..]),
                ("collapse".to_string(), &self.collapse[..]),
            ])
            .chain(
                self.end_status
                    .chunks_exact(STATUSES.len())
                    .enumerate()
                    .map(|(c, counts)| (format!("commitment {} status at the horizon", c + 1), counts)),
            );
        for (what, counts) in distributions {
            if total(counts) != Some(runs) {
                return bad(
                    what,
                    format!(
                        "the counts add up to {}, not the {runs} runs",
                        total(counts).map_or("more than 2^64".to_string(), |t| t.to_string())
                    ),
                );
            }
        }
        if let Some(k) = self.collapse_before_breakdown() {
            return bad(
                format!("by step {}", k + 1),
                "fewer runs collapsed or broke down than broke down, but a breakdown is a collapse".into(),
            );
        }
        if let Some(i) = self.relieved_at_end.iter().position(|&n| n > runs) {
            return bad(
                format!("instrument {}", i + 1),
                format!("relieved in {} runs of {runs}", self.relieved_at_end[i]),
            );
        }
        for (what, moments) in [
            ("covert violations", &self.covert_violations),
            ("violations detected", &self.detected),
            ("false alarms", &self.false_alarms),
            ("false alarms cleared", &self.resolved),
        ] {
            if !moments.consistent(runs) || (runs > 0 && moments.min < 0) {
                return bad(what.into(), format!("inconsistent with {runs} runs"));
            }
        }
        if self.resolved.sum > self.false_alarms.sum {
            return bad("false alarms cleared".into(), "more than the false alarms recorded".into());
        }
        Ok(())
    }

    /// The first step by which fewer runs had collapsed (or broken down) than had broken
    /// down, if there is one: impossible in a real tally, since every run's collapse
    /// comes at or before its breakdown. The tally must have its shape (`steps + 1`
    /// cells each).
    fn collapse_before_breakdown(&self) -> Option<usize> {
        let (mut collapsed, mut broke) = (0u128, 0u128);
        (0..self.steps).find(|&k| {
            collapsed += u128::from(self.collapse[k]);
            broke += u128::from(self.breakdown[k]);
            collapsed < broke
        })
    }

    /// The histogram of quantity `q` at step `k`.
    pub fn quantity_histogram(&self, q: usize, k: usize) -> &[u32] {
        let cell = q * self.steps + k;
        &self.quantity_bins[cell * BINS..(cell + 1) * BINS]
    }

    /// The histogram of the programme's figure `o` at step `k`.
    pub fn programme_histogram(&self, o: usize, k: usize) -> &[u32] {
        let cell = o * self.steps + k;
        &self.programme_bins[cell * BINS..(cell + 1) * BINS]
    }

    /// Cumulative probability, per step, that an event first counted in `first`
    /// (`steps + 1` cells, the last one "never") has happened by then.
    pub fn by_step(&self, first: &[u64]) -> Vec<f64> {
        let mut seen = 0u64;
        first[..self.steps]
            .iter()
            .map(|&n| {
                seen += n;
                seen as f64 / self.runs.max(1) as f64
            })
            .collect()
    }

    /// The first-open counts of phase `p`.
    pub fn phase_first(&self, p: usize) -> &[u64] {
        &self.phase_opened[p * (self.steps + 1)..(p + 1) * (self.steps + 1)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_of_a_uniform_histogram_are_linear() {
        let mut counts = vec![10u32; 101];
        counts[0] = 0;
        for p in [0.05, 0.25, 0.5, 0.75, 0.95] {
            assert!((quantile(&counts, (0.0, 100.0), p) - p * 100.0).abs() < 1e-9);
        }
    }

    #[test]
    fn a_mass_at_the_floor_reads_exactly() {
        let mut counts = vec![0u32; BINS];
        counts[bin(0.0, (0.0, 240.0), BINS)] += 60;
        counts[bin(100.0, (0.0, 240.0), BINS)] += 40;
        assert_eq!(quantile(&counts, (0.0, 240.0), 0.5), 0.0);
        assert!((quantile(&counts, (0.0, 240.0), 0.95) - 100.0).abs() < 240.0 / BINS as f64);
    }

    #[test]
    fn a_point_mass_has_every_quantile_in_its_bin() {
        let mut counts = vec![0u32; BINS];
        counts[bin(35.0, (0.0, 400.0), BINS)] = 1000;
        for p in [0.05, 0.5, 0.95] {
            let q = quantile(&counts, (0.0, 400.0), p);
            let width = 400.0 / (BINS - 1) as f64;
            assert!((q - 35.0).abs() <= width, "{q}");
        }
    }

    #[test]
    fn out_of_range_values_are_clamped_not_lost() {
        assert_eq!(bin(-5.0, (0.0, 10.0), 10), 0);
        assert_eq!(bin(10.0, (0.0, 10.0), 10), 9);
        assert_eq!(bin(99.0, (0.0, 10.0), 10), 9);
        assert_eq!(bin(0.001, (0.0, 10.0), 10), 1);
        assert_eq!(bin(f64::NAN, (0.0, 10.0), 10), 0);
    }

    #[test]
    fn fixed_point_rounds_half_away_from_zero() {
        assert_eq!(fixed_point(1.0000005), Some(1_000_001));
        assert_eq!(fixed_point(-1.0000005), Some(-1_000_001));
        assert_eq!(fixed_point(0.0), Some(0));
        assert_eq!(fixed_point(2.25e-7), Some(0));
        assert_eq!(fixed_point(2e13), Some(20_000_000_000_000_000_000));
        assert_eq!(fixed_point(-2e13), Some(-20_000_000_000_000_000_000));
        assert_eq!(fixed_point(f64::NAN), None);
        assert_eq!(fixed_point(f64::INFINITY), None);
        assert_eq!(fixed_point(1e33), None);
    }

    #[test]
    fn moments_are_exact_in_any_order() {
        let values = [0.1, 0.2, 0.3, 1e6, -3.25, 7.0];
        let mut forward = Moments::default();
        values.iter().for_each(|&v| forward.add(v));
        let mut backward = Moments::default();
        values.iter().rev().for_each(|&v| backward.add(v));
        assert_eq!(forward, backward);
        let mean = values.iter().sum::<f64>() / 6.0;
        assert!((forward.mean(6) - mean).abs() < 1e-6);
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 5.0;
        assert!((forward.sd(6) - var.sqrt()).abs() / var.sqrt() < 1e-9);
    }
}
