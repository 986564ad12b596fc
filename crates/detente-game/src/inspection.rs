//! The simultaneous inspection game with imperfect detection and false alarms, and its
//! closed-form equilibrium (Avenhaus, von Stengel and Zamir, "Inspection games",
//! Handbook of Game Theory vol. 3, 2002, the basic model of section 3, with errors of
//! the first and second kind). The formulas are derived in docs/game-theory.md; the
//! tests check them against the exact solver on the 2x2 game.
//!
//! The inspector inspects or not; the inspectee acts legally or violates. An inspection
//! detects a violation with probability `1 - beta` and raises a false alarm on a legal
//! act with probability `alpha`.

use num_traits::{One, Zero};

use crate::game::{Game, Q};

/// The parameters, all exact.
#[derive(Clone, Debug, PartialEq)]
pub struct Parameters {
    /// The inspectee's gain from an undetected violation (`g > 0`).
    pub gain: Q,
    /// The inspectee's loss when a violation is detected, or a false alarm is raised
    /// (`L > 0`): the sanction.
    pub sanction: Q,
    /// The inspector's cost of an inspection (`e > 0`).
    pub cost: Q,
    /// The inspector's loss from an undetected violation (`D > 0`).
    pub damage: Q,
    /// The inspector's loss from a detected violation (`0 <= a < D`).
    pub detected_loss: Q,
    /// The inspector's loss from a false alarm (`F >= 0`).
    pub false_alarm_loss: Q,
    /// The probability an inspection misses a violation (`0 <= beta < 1`).
    pub beta: Q,
    /// The probability an inspection of a legal act raises a false alarm (`alpha`).
    pub alpha: Q,
}

/// The game: the inspector (player 1: inspect, not) against the inspectee (player 2:
/// legal, violate).
pub fn game(p: &Parameters) -> Game {
    let one = Q::one();
    let detect = &one - &p.beta;
    // Inspector's payoffs.
    let inspect_legal = -(&p.cost) - &p.alpha * &p.false_alarm_loss;
    let inspect_violate = -(&p.cost) - &detect * &p.detected_loss - &p.beta * &p.damage;
    let idle_legal = Q::zero();
    let idle_violate = -(&p.damage);
    // Inspectee's payoffs.
    let legal_inspected = -(&p.alpha * &p.sanction);
    let violate_inspected = &p.beta * &p.gain - &detect * &p.sanction;
    let a = vec![vec![inspect_legal, inspect_violate], vec![idle_legal, idle_violate]];
    let b = vec![vec![legal_inspected, violate_inspected], vec![Q::zero(), p.gain.clone()]];
    let mut g = Game::bimatrix(&a, &b);
    g.title = "inspection game with imperfect detection and false alarms".into();
    g.players = vec!["inspector".into(), "inspectee".into()];
    g.strategies =
        vec![vec!["inspect".into(), "no inspection".into()], vec!["legal".into(), "violate".into()]];
    g
}

/// The closed-form equilibrium when it is mixed: the inspection probability that leaves
/// the inspectee indifferent, `p* = g / ((1 - beta)(g + L) - alpha L)`, and the
/// violation probability that leaves the inspector indifferent,
/// `q* = (e + alpha F) / ((1 - beta)(D - a) + alpha F)`. `None` when either is not in
/// (0, 1): then the equilibrium is pure (inspections too weak to deter even when
/// certain, or too costly to be worth making).
pub fn closed_form(p: &Parameters) -> Option<(Q, Q)> {
    let one = Q::one();
    let detect = &one - &p.beta;
    let p_denominator = &detect * (&p.gain + &p.sanction) - &p.alpha * &p.sanction;
    let q_denominator = &detect * (&p.damage - &p.detected_loss) + &p.alpha * &p.false_alarm_loss;
    if p_denominator <= Q::zero() || q_denominator <= Q::zero() {
        return None;
    }
    let inspect = &p.gain / p_denominator;
    let violate = (&p.cost + &p.alpha * &p.false_alarm_loss) / q_denominator;
    let inside = |x: &Q| *x > Q::zero() && *x < one;
    (inside(&inspect) && inside(&violate)).then_some((inspect, violate))
}

/// The value of a 2x2 zero-sum game to the row player (exact): a saddle point if there
/// is one, otherwise the mixed value `(a d - b c) / (a + d - b - c)`.
pub fn zero_sum_value(a: &Q, b: &Q, c: &Q, d: &Q) -> Q {
    let lower = (a.min(b)).max(c.min(d)).clone();
    let upper = (a.max(c)).min(b.max(d)).clone();
    if lower == upper {
        return lower;
    }
    (a * d - b * c) / (a + d - b - c)
}

/// Dresher's sequential inspection game (M. Dresher, "A sampling inspection problem in
/// arms control agreements: a game-theoretic analysis", RAND RM-2972-ARPA, 1962), by
/// its recursion: `n` periods, `k` inspections, an inspectee who violates at most once
/// and sees each inspection; the inspector gains 1 for a caught violation, loses 1 for
/// an undetected one, 0 if there is none. Each period is the 2x2 zero-sum game
///
/// ```text
///                 violate   wait
///   inspect          1      v(n-1, k-1)
///   no inspection   -1      v(n-1, k)
/// ```
///
/// with `v(n, 0) = -1` (nothing stops the violation) and `v(n, k) = 0` for `k >= n` (the
/// inspectee never violates). Returns `v(n, k)`, exactly.
pub fn dresher_value(n: usize, k: usize) -> Q {
    // Period by period: values[j] = v(periods, j). With no periods left nothing happens.
    let mut values: Vec<Q> = vec![Q::zero(); k + 1];
    for periods in 1..=n {
        let mut next = values.clone();
        for (j, value) in next.iter_mut().enumerate() {
            *value = if j == 0 {
                -Q::one()
            } else if j >= periods {
                Q::zero()
            } else {
                zero_sum_value(&Q::one(), &values[j - 1], &(-Q::one()), &values[j])
            };
        }
        values = next;
    }
    values[k].clone()
}

/// Dresher's closed form: `v(n, k) = -C(n-1, k) / sum_{i=0..k} C(n, i)` for `k < n`.
pub fn dresher_closed_form(n: usize, k: usize) -> Q {
    if k >= n {
        return Q::zero();
    }
    let binomial = |n: usize, r: usize| -> num_bigint::BigInt {
        (0..r).fold(num_bigint::BigInt::one(), |acc, i| acc * (n - i) / (i + 1))
    };
    let denominator: num_bigint::BigInt = (0..=k).map(|i| binomial(n, i)).sum();
    -Q::new(binomial(n - 1, k), denominator)
}
