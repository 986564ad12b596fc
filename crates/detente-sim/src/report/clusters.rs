//! Clusters of futures: when an outcome is bimodal (the freeze held in some futures and
//! failed in the others), a median between the two modes describes no future at all.
//! The report then gives the two clusters with their shares instead.
//!
//! Bimodality is judged by Sarle's bimodality coefficient
//! `b = (g² + 1) / (k + 3 (n - 1)² / ((n - 2) (n - 3)))`, with `g` the sample skewness
//! and `k` the sample excess kurtosis (SAS/STAT user's guide, PROC CLUSTER; Pfister et
//! al., "Good things peak in pairs", Frontiers in Psychology 4:700, 2013): above 5/9,
//! the value of a uniform distribution, the distribution is taken as bimodal. The split
//! between the clusters is the one of least within-cluster variance (two-means in one
//! dimension, exact over the sorted values), and both clusters must hold at least a
//! tenth of the futures to be reported.

/// The bimodality coefficient's threshold: its value for a uniform distribution.
pub const THRESHOLD: f64 = 5.0 / 9.0;

/// The least share of futures a reported cluster holds.
pub const LEAST_SHARE: f64 = 0.1;

/// One cluster of futures.
#[derive(Clone, Debug, PartialEq)]
pub struct Cluster {
    /// Its share of the futures.
    pub share: f64,
    /// The median, 5th and 95th percentiles of the outcome within it.
    pub median: f64,
    /// See `median`.
    pub p5: f64,
    /// See `median`.
    pub p95: f64,
    /// Which futures (indices into the values given).
    pub members: Vec<usize>,
}

/// Sarle's bimodality coefficient of `values` (`None` below 4 values or without
/// spread).
pub fn coefficient(values: &[f64]) -> Option<f64> {
    let n = values.len() as f64;
    if values.len() < 4 {
        return None;
    }
    let mean = values.iter().sum::<f64>() / n;
    let moment = |p: i32| values.iter().map(|v| (v - mean).powi(p)).sum::<f64>() / n;
    let (m2, m3, m4) = (moment(2), moment(3), moment(4));
    if m2 <= f64::EPSILON * mean.abs().max(1.0) {
        return None;
    }
    // Sample skewness and excess kurtosis, corrected for bias.
    let g1 = m3 / m2.powf(1.5);
    let skew = g1 * (n * (n - 1.0)).sqrt() / (n - 2.0);
    let g2 = m4 / (m2 * m2) - 3.0;
    let kurtosis = (n - 1.0) / ((n - 2.0) * (n - 3.0)) * ((n + 1.0) * g2 + 6.0);
    Some((skew * skew + 1.0) / (kurtosis + 3.0 * (n - 1.0).powi(2) / ((n - 2.0) * (n - 3.0))))
}

/// The two clusters of `values`, if they are bimodal and both clusters hold at least
/// [`LEAST_SHARE`] of them; the lower cluster first.
pub fn split(values: &[f64]) -> Option<[Cluster; 2]> {
    if coefficient(values)? <= THRESHOLD {
        return None;
    }
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let sorted: Vec<f64> = order.iter().map(|&i| values[i]).collect();
    let cut = best_cut(&sorted)?;
    let n = values.len() as f64;
    let cluster = |range: std::ops::Range<usize>| {
        let part = &sorted[range.clone()];
        let at = |p: f64| part[((p * part.len() as f64).ceil() as usize).clamp(1, part.len()) - 1];
        Cluster {
            share: part.len() as f64 / n,
            median: at(0.5),
            p5: at(0.05),
            p95: at(0.95),
            members: order[range].to_vec(),
        }
    };
    let (low, high) = (cluster(0..cut), cluster(cut..sorted.len()));
    (low.share >= LEAST_SHARE && high.share >= LEAST_SHARE).then_some([low, high])
}

/// The index that splits sorted values into two groups of least total within-group sum
/// of squares (prefix sums make each candidate O(1)); `None` when all values are equal.
fn best_cut(sorted: &[f64]) -> Option<usize> {
    let n = sorted.len();
    let (mut sum, mut squares) = (vec![0.0; n + 1], vec![0.0; n + 1]);
    for (i, v) in sorted.iter().enumerate() {
        sum[i + 1] = sum[i] + v;
        squares[i + 1] = squares[i] + v * v;
    }
    let within = |a: usize, b: usize| {
        let k = (b - a) as f64;
        squares[b] - squares[a] - (sum[b] - sum[a]).powi(2) / k
    };
    (1..n)
        .filter(|&cut| sorted[cut] > sorted[cut - 1])
        .min_by(|&a, &b| (within(0, a) + within(a, n)).total_cmp(&(within(0, b) + within(b, n))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_separate_groups_are_two_clusters_with_their_shares() {
        let mut values: Vec<f64> = (0..70).map(|i| 10.0 + (i % 7) as f64 * 0.1).collect();
        values.extend((0..30).map(|i| 50.0 + (i % 5) as f64 * 0.1));
        let [low, high] = split(&values).expect("bimodal");
        assert_eq!((low.share, high.share), (0.7, 0.3));
        assert!((low.median - 10.3).abs() < 1e-9 && (high.median - 50.2).abs() < 1e-9);
        assert!(low.members.iter().all(|&i| i < 70) && high.members.iter().all(|&i| i >= 70));
    }

    #[test]
    fn one_mode_is_not_split() {
        // A bell-shaped sample: the number of set bits among 20 pseudo-random bits.
        let bits = |i: u64| (i.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 44).count_ones() as f64;
        let values: Vec<f64> = (1..=1000u64).map(bits).collect();
        assert!(coefficient(&values).unwrap() < THRESHOLD, "{:?}", coefficient(&values));
        assert!(split(&values).is_none());
    }

    #[test]
    fn a_small_second_mode_is_not_reported() {
        let mut values = vec![0.0; 95];
        values.extend([100.0; 5]);
        assert!(split(&values).is_none(), "5% is below the least share");
    }

    #[test]
    fn constant_or_tiny_samples_have_no_coefficient() {
        assert_eq!(coefficient(&[1.0; 10]), None);
        assert_eq!(coefficient(&[1.0, 2.0, 3.0]), None);
    }
}
