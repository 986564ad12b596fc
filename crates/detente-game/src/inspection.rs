//! The simultaneous inspection game with imperfect detection and false alarms, and its
//! closed-form equilibrium (Avenhaus, von Stengel and Zamir, "Inspection games",
//! Handbook of Game Theory vol. 3, 2002, the basic model of section 3, with errors of
//! the first and second kind). The formulas are derived in docs/game-theory.md; the
//! tests check them against the exact solver on the 2x2 game.
//!
//! Dresher's sequential game ([`dresher_value`], [`dresher_equilibrium`]) is drawn from an
//! agreement's inspection budgets ([`budget_games`]): a verification every period with at
//! most `k` inspections in a window of `n` periods.
//!
//! The inspector inspects or not; the inspectee acts legally or violates. An inspection
//! detects a violation with probability `1 - beta` and raises a false alarm on a legal
//! act with probability `alpha`.

use detente_spec::model::Spec;
use detente_spec::time::Duration;
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

/// Dresher's game at `n` periods and `k` inspections in equilibrium: its value
/// `v(n, k)` (by the closed form, in `O(k)` exact operations, so that budgets of many
/// periods stay cheap) and the probability that the inspector inspects in the first
/// period. While inspections are scarce (`0 < k < n`) the inspectee is indifferent
/// between violating now and waiting, so `v = p - (1 - p)`: the first-period
/// inspection probability is `p = (1 + v) / 2`, and a violation goes undetected with
/// probability `(1 - v) / 2` whenever it is made. With no inspection left (`k = 0`) the
/// inspector never inspects; with one for every period (`k >= n`) it always does, and
/// the inspectee never violates.
pub fn dresher_equilibrium(n: u64, k: u64) -> (Q, Q) {
    if k == 0 {
        return (-Q::one(), Q::zero());
    }
    if k >= n {
        return (Q::zero(), Q::one());
    }
    let big = |x: u64| num_bigint::BigInt::from(x);
    // sum_{i=0..k} C(n, i), and C(n-1, k), each term from the last.
    let (mut term, mut sum) = (num_bigint::BigInt::one(), num_bigint::BigInt::one());
    let mut below = num_bigint::BigInt::one();
    for i in 1..=k {
        term = term * big(n - i + 1) / big(i);
        sum += &term;
        below = below * big(n - i) / big(i);
    }
    let value = -Q::new(below, sum);
    let inspect = (Q::one() + &value) / Q::from_integer(2.into());
    (value, inspect)
}

/// Dresher's game drawn from one verification's inspection budget.
#[derive(Clone, Debug, PartialEq)]
pub struct BudgetGame {
    /// The commitment verified.
    pub commitment: String,
    /// The verifying party.
    pub verifier: String,
    /// The verification's period (`every`).
    pub every: Duration,
    /// The budget's window (`per`).
    pub per: Duration,
    /// Periods in the window, `n`.
    pub periods: u64,
    /// Inspections the budget allows in the window, `k`.
    pub inspections: u64,
    /// `v(n, k)`, exact: +1 for a caught violation, -1 for an undetected one.
    pub value: Q,
    /// The equilibrium probability of an inspection in the first period.
    pub first_inspection: Q,
    /// The probability that a violation, made in equilibrium, goes undetected:
    /// `(1 - v) / 2` (an inspection is assumed to find any violation, as in Dresher's
    /// model).
    pub undetected: Q,
    /// The budget's source or label, as the file gives it.
    pub source: Option<String>,
    /// The verification's stated probability that an inspection finds a violation
    /// (`detection`), beside the model's assumption of 1.
    pub detection: f64,
}

/// Dresher's game for every verification of `spec` with an inspection budget (and a
/// window of whole periods, which validation requires), in the file's order.
pub fn budget_games(spec: &Spec) -> Vec<BudgetGame> {
    let mut out = Vec::new();
    for c in &spec.commitment {
        let Some(v) = &c.verification else { continue };
        let (Some(budget), Some(every), Some(n)) = (&v.budget, v.every, v.budget_periods()) else { continue };
        let k = u64::from(budget.inspections);
        let (value, first_inspection) = dresher_equilibrium(n, k);
        let undetected = (Q::one() - &value) / Q::from_integer(2.into());
        out.push(BudgetGame {
            commitment: c.id.clone(),
            verifier: v.by.clone(),
            every,
            per: budget.per,
            periods: n,
            inspections: k,
            value,
            first_inspection,
            undetected,
            source: budget.source.clone(),
            detection: v.detection,
        });
    }
    out
}

#[cfg(test)]
mod budget_tests {
    use super::*;

    #[test]
    fn the_equilibrium_agrees_with_the_recursion() {
        for n in 1..=12u64 {
            for k in 0..=n + 1 {
                let (value, inspect) = dresher_equilibrium(n, k);
                assert_eq!(value, dresher_value(n as usize, k as usize), "v({n}, {k})");
                if k < n && k > 0 {
                    assert_eq!(value, dresher_closed_form(n as usize, k as usize));
                    // The inspectee is indifferent: violating now is worth the value.
                    let now = &inspect - (Q::one() - &inspect);
                    assert_eq!(now, value);
                }
            }
        }
        // Hand-worked: two periods, one inspection: v = -1/3, inspect first with 1/3.
        assert_eq!(dresher_equilibrium(2, 1), (Q::new((-1).into(), 3.into()), Q::new(1.into(), 3.into())));
    }

    #[test]
    fn budgets_are_read_from_the_agreement() {
        let text = detente_spec::starter("tiny");
        let mut spec = detente_spec::check(&detente_spec::SourceFile::new("tiny.toml", text)).spec;
        let c = spec.commitment.iter_mut().find(|c| c.verification.is_some()).expect("a verified step");
        let v = c.verification.as_mut().expect("verified");
        v.every = Some(Duration::months(3));
        v.budget = Some(detente_spec::model::InspectionBudget {
            inspections: 1,
            per: Duration::months(6),
            source: None,
        });
        let games = budget_games(&spec);
        assert_eq!(games.len(), 1);
        assert_eq!(games[0].periods, 2);
        assert_eq!(games[0].undetected, Q::new(2.into(), 3.into()));
    }
}
