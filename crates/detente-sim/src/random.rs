//! Counter-based random numbers, so that designs can be compared on common random numbers.
//!
//! A simulated run does not consume one sequential stream. Each random decision is a
//! pure function of *what* it decides: the seed, the run, the kind of decision (a
//! stream), the item it is about (a commitment, party or quantity, identified by a hash
//! of its id, not its position) and the step. This is the counter-based approach of
//! Salmon et al., "Parallel random numbers: as easy as 1, 2, 3" (SC 2011), with the
//! SplitMix64 finalizer as the mixing function. It buys three things a sequential
//! generator does not:
//!
//! * **Common random numbers across designs.** Two agreements that both contain a
//!   commitment `production-freeze` see the same inspection, detection and cheating
//!   draws for it in run 17, month 30, whatever else differs between them (more
//!   commitments, other phases), so differences between designs are not drowned by
//!   sampling noise.
//! * **Independence from the thread count and run order**: a run's draws do not depend
//!   on which runs came before it on the same thread.
//! * **Skipping is free**: a decision not taken consumes nothing, so adding a strategy
//!   branch does not shift every later draw.

/// The kinds of random decision. Each is a separate stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum Stream {
    /// Whether a covert cheater breaks a continuing measure this step.
    Cheat = 1,
    /// Whether an inspection takes place.
    Inspection = 2,
    /// Whether an inspection detects a real violation.
    Detection = 3,
    /// Whether an inspection of a compliant party raises a false alarm.
    FalseAlarm = 4,
    /// Whether an inspection confirms a measure that was performed.
    Confirmation = 5,
    /// When the dispute procedure decides an anomaly.
    Resolution = 6,
    /// Whether an election brings a government that reverses course.
    Election = 7,
    /// The true initial value of a quantity within its stated range.
    Initial = 8,
    /// Whether the dispute procedure's verdict confirms an anomaly.
    Verdict = 9,
    /// How long a party takes to perform a step.
    LeadTime = 10,
    /// The programme's rates and ratios within their stated ranges, drawn once per run:
    /// a facility's rate of production (keyed by the facility and the quantity), the
    /// material one unit takes (by the unit and the material) and assembly capacity.
    Programme = 11,
    /// When a party walks out of the agreement.
    Walkout = 12,
    /// The error of a verifier's measurement of a quantity (keyed by the quantity and
    /// the commitment whose inspection measures it).
    Measurement = 13,
}

/// The random draws of one run.
#[derive(Clone, Copy, Debug)]
pub struct Draws {
    key: u64,
}

impl Draws {
    /// The draws of run `run` under `seed`.
    pub fn new(seed: u64, run: u64) -> Draws {
        Draws { key: mix(mix(seed ^ 0x6a09_e667_f3bc_c908) ^ run) }
    }

    /// A uniform number in `[0, 1)` for a decision of `stream` about `item` at `step`.
    pub fn uniform(self, stream: Stream, item: u64, step: u64) -> f64 {
        // The stream is spread over the high bits by an odd multiplier before it meets the
        // item's key, so (stream, item) pairs do not collide in practice; two rounds of
        // mixing then separate the step and the pair.
        let what = item ^ (stream as u64).wrapping_mul(0xd6e8_feb8_6659_fd93);
        let h = mix(mix(self.key ^ step) ^ what);
        // The top 53 bits, as every f64 in [0, 1) with equal spacing.
        (h >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Whether an event of probability `p` happens: `p = 0` never, `p = 1` always.
    pub fn chance(self, p: f64, stream: Stream, item: u64, step: u64) -> bool {
        p > 0.0 && (p >= 1.0 || self.uniform(stream, item, step) < p)
    }
}

/// The SplitMix64 finalizer (Steele, Lea and Flood, 2014): a bijection on 64 bits with
/// good avalanche, after adding the golden-ratio increment.
fn mix(z: u64) -> u64 {
    let mut z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A stable 64-bit key for an id (FNV-1a): the same id gives the same key in every
/// agreement, on every platform and in every version.
pub fn key_of(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A chi-square test of uniformity over 20 bins on 100,000 draws: the statistic has
    /// 19 degrees of freedom, whose 99.99th percentile is about 50.
    #[test]
    fn draws_are_uniform() {
        let draws = Draws::new(1, 0);
        let mut bins = [0u32; 20];
        for step in 0..100_000 {
            bins[(draws.uniform(Stream::Cheat, key_of("freeze"), step) * 20.0) as usize] += 1;
        }
        let expected = 5_000.0;
        let chi2: f64 = bins.iter().map(|&n| (n as f64 - expected).powi(2) / expected).sum();
        assert!(chi2 < 50.0, "chi-square {chi2} over 19 degrees of freedom");
    }

    /// Neighbouring runs, streams and items are uncorrelated: the correlation of draws
    /// differing in one coordinate is within 4 standard errors of zero.
    #[test]
    fn neighbouring_coordinates_are_uncorrelated() {
        let n = 50_000;
        type Draw = Box<dyn Fn(u64) -> f64>;
        let pairs: [(Draw, Draw); 3] = [
            (
                Box::new(|i| Draws::new(7, i).uniform(Stream::Detection, 1, 3)),
                Box::new(|i| Draws::new(7, i + 1).uniform(Stream::Detection, 1, 3)),
            ),
            (
                Box::new(|i| Draws::new(7, 0).uniform(Stream::Detection, i, 3)),
                Box::new(|i| Draws::new(7, 0).uniform(Stream::FalseAlarm, i, 3)),
            ),
            (
                Box::new(|i| Draws::new(7, 0).uniform(Stream::Cheat, 9, i)),
                Box::new(|i| Draws::new(8, 0).uniform(Stream::Cheat, 9, i)),
            ),
        ];
        for (a, b) in pairs.iter() {
            let (xs, ys): (Vec<f64>, Vec<f64>) = (0..n).map(|i| (a(i), b(i))).unzip();
            let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
            let (mx, my) = (mean(&xs), mean(&ys));
            let cov: f64 = xs.iter().zip(&ys).map(|(x, y)| (x - mx) * (y - my)).sum::<f64>() / n as f64;
            let correlation = cov / (1.0 / 12.0);
            assert!(correlation.abs() < 4.0 / (n as f64).sqrt(), "correlation {correlation}");
        }
    }

    #[test]
    fn chance_is_exact_at_the_ends() {
        let draws = Draws::new(3, 4);
        assert!((0..1000).all(|s| draws.chance(1.0, Stream::Detection, 1, s)));
        assert!((0..1000).all(|s| !draws.chance(0.0, Stream::Detection, 1, s)));
    }

    #[test]
    fn keys_are_stable() {
        // FNV-1a reference values: the empty string is the offset basis.
        assert_eq!(key_of(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(key_of("a"), 0xaf63_dc4c_8601_ec8c);
    }
}
