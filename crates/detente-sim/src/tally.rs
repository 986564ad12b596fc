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

/// Every commitment status, in the order tallies count them.
pub const STATUSES: [CommitmentStatus; 10] = [
    CommitmentStatus::Inactive,
    CommitmentStatus::Pending,
    CommitmentStatus::Overdue,
    CommitmentStatus::Performed,
    CommitmentStatus::Fulfilled,
    CommitmentStatus::Violated,
    CommitmentStatus::Suspended,
    CommitmentStatus::Released,
    CommitmentStatus::Discharged,
    CommitmentStatus::Terminated,
];

fn status_index(status: CommitmentStatus) -> usize {
    STATUSES.iter().position(|s| *s == status).expect("every status is listed")
}

/// Fixed-point scale of sums: values are rounded to a millionth before adding, so that
/// sums are integers and exact in any order.
const SCALE: f64 = 1e6;

/// `value` in millionths, rounded half away from zero. Through i64 (one instruction, and
/// enough for |value| < 9e12) rather than `round()` and i128, which are library calls
/// on the hottest path of aggregation.
fn fixed_point(value: f64) -> i64 {
    let scaled = value * SCALE;
    if scaled >= 0.0 {
        (scaled + 0.5) as i64
    } else {
        (scaled - 0.5) as i64
    }
}

/// The sum, sum of squares, least and greatest of a value over runs, in fixed point.
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
}

impl Default for Moments {
    fn default() -> Moments {
        Moments { sum: 0, sum_sq: 0, min: i128::MAX, max: i128::MIN }
    }
}

impl Moments {
    /// Adds one value.
    pub fn add(&mut self, value: f64) {
        let fixed = fixed_point(value) as i128;
        self.sum += fixed;
        self.sum_sq += fixed * fixed;
        self.min = self.min.min(fixed);
        self.max = self.max.max(fixed);
    }

    /// Adds the values of another set (exact).
    pub fn merge(&mut self, other: &Moments) {
        self.sum += other.sum;
        self.sum_sq += other.sum_sq;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    /// The least and greatest values added (`None` when nothing was).
    pub fn bounds(&self) -> Option<(f64, f64)> {
        (self.min <= self.max).then(|| (self.min as f64 / SCALE, self.max as f64 / SCALE))
    }

    /// The mean over `n` values.
    pub fn mean(&self, n: u64) -> f64 {
        if n == 0 {
            return 0.0;
        }
        self.sum as f64 / SCALE / n as f64
    }

    /// The sample standard deviation over `n` values.
    pub fn sd(&self, n: u64) -> f64 {
        if n < 2 {
            return 0.0;
        }
        let n128 = n as i128;
        // n * sum_sq - sum^2 is exact in integers; divide once at the end.
        let numerator = (n128 * self.sum_sq - self.sum * self.sum) as f64;
        (numerator / (n as f64 * (n as f64 - 1.0))).max(0.0).sqrt() / SCALE
    }
}

/// The sum, least and greatest of a value over runs, in fixed point: [`Moments`] without
/// the sum of squares, for the per-step quantity cells whose spread the histograms give
/// (they are the bulk of aggregation, so the squares are not computed there).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Level {
    /// Sum of the values, in millionths.
    #[serde(with = "i128_string")]
    pub sum: i128,
    /// The least value, in millionths.
    pub min: i64,
    /// The greatest value, in millionths.
    pub max: i64,
}

impl Default for Level {
    fn default() -> Level {
        Level { sum: 0, min: i64::MAX, max: i64::MIN }
    }
}

impl Level {
    /// Adds one value.
    pub fn add(&mut self, value: f64) {
        let fixed = fixed_point(value);
        self.sum += fixed as i128;
        self.min = self.min.min(fixed);
        self.max = self.max.max(fixed);
    }

    /// Adds the values of another set (exact).
    pub fn merge(&mut self, other: &Level) {
        self.sum += other.sum;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
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
    /// Relief in effect (economic weight), per step.
    pub relief: Vec<Moments>,
    /// Relief delivered over the horizon (weight times years), per run.
    pub relief_total: Moments,
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
            relief: vec![Moments::default(); steps],
            relief_total: Moments::default(),
            relief_total_bins: vec![0; BINS],
            phase_opened: vec![0; phases * (steps + 1)],
            first_snapback: vec![0; steps + 1],
            snapbacks: vec![0; powers + 1],
            breakdown: vec![0; steps + 1],
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

    /// Adds one run.
    pub fn add(&mut self, plan: &Plan, run: &Trajectory) {
        let steps = self.steps;
        let quantities = plan.quantities.len();
        self.runs += 1;
        for (q, quantity) in plan.quantities.iter().enumerate() {
            let bins = &mut self.quantity_bins[q * steps * BINS..(q + 1) * steps * BINS];
            let moments = &mut self.quantity_moments[q * steps..(q + 1) * steps];
            let binning = Binning::new(quantity.range, BINS);
            for (k, (cell, m)) in bins.chunks_exact_mut(BINS).zip(moments).enumerate() {
                let value = run.quantities[k * quantities + q];
                cell[binning.bin(value)] += 1;
                m.add(value);
            }
        }
        let step_years = plan.step_months as f64 / 12.0;
        for (k, &relief) in run.relief.iter().enumerate() {
            self.relief[k].add(relief);
        }
        let delivered = run.relief.iter().sum::<f64>() * step_years;
        self.relief_total.add(delivered);
        self.relief_total_bins[bin(delivered, Tally::relief_range(plan), BINS)] += 1;
        for (p, opened) in run.phase_opened.iter().enumerate() {
            self.phase_opened[p * (steps + 1) + opened.map_or(steps, |k| k as usize)] += 1;
        }
        self.first_snapback[run.first_snapback.map_or(steps, |k| k as usize)] += 1;
        let most = self.snapbacks.len() - 1;
        self.snapbacks[(run.snapbacks as usize).min(most)] += 1;
        self.breakdown[run.breakdown.map_or(steps, |k| k as usize)] += 1;
        for (c, &status) in run.end_status.iter().enumerate() {
            self.end_status[c * STATUSES.len() + status_index(status)] += 1;
        }
        for (i, &relieved) in run.relieved_at_end.iter().enumerate() {
            self.relieved_at_end[i] += relieved as u64;
        }
        self.covert_violations.add(run.covert_violations as f64);
        self.detected.add(run.detected as f64);
        self.false_alarms.add(run.false_alarms as f64);
        self.resolved.add(run.resolved as f64);
        self.refused += run.refused as u64;
    }

    /// Adds another tally of the same design (exact: the order does not matter).
    pub fn merge(&mut self, other: &Tally) {
        fn add<T: Copy + std::ops::AddAssign>(a: &mut [T], b: &[T]) {
            a.iter_mut().zip(b).for_each(|(x, &y)| *x += y);
        }
        self.runs += other.runs;
        add(&mut self.quantity_bins, &other.quantity_bins);
        self.quantity_moments.iter_mut().zip(&other.quantity_moments).for_each(|(a, b)| a.merge(b));
        self.relief.iter_mut().zip(&other.relief).for_each(|(a, b)| a.merge(b));
        self.relief_total.merge(&other.relief_total);
        add(&mut self.relief_total_bins, &other.relief_total_bins);
        add(&mut self.phase_opened, &other.phase_opened);
        add(&mut self.first_snapback, &other.first_snapback);
        add(&mut self.snapbacks, &other.snapbacks);
        add(&mut self.breakdown, &other.breakdown);
        add(&mut self.end_status, &other.end_status);
        add(&mut self.relieved_at_end, &other.relieved_at_end);
        self.covert_violations.merge(&other.covert_violations);
        self.detected.merge(&other.detected);
        self.false_alarms.merge(&other.false_alarms);
        self.resolved.merge(&other.resolved);
        self.refused += other.refused;
    }

    /// Whether `other` has the same shape (the same design and horizon).
    pub fn same_shape(&self, other: &Tally) -> bool {
        self.steps == other.steps
            && self.quantity_bins.len() == other.quantity_bins.len()
            && self.phase_opened.len() == other.phase_opened.len()
            && self.snapbacks.len() == other.snapbacks.len()
            && self.end_status.len() == other.end_status.len()
            && self.relieved_at_end.len() == other.relieved_at_end.len()
    }

    /// The histogram of quantity `q` at step `k`.
    pub fn quantity_histogram(&self, q: usize, k: usize) -> &[u32] {
        let cell = q * self.steps + k;
        &self.quantity_bins[cell * BINS..(cell + 1) * BINS]
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
        assert_eq!(fixed_point(1.0000005), 1_000_001);
        assert_eq!(fixed_point(-1.0000005), -1_000_001);
        assert_eq!(fixed_point(0.0), 0);
        assert_eq!(fixed_point(2.25e-7), 0);
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
