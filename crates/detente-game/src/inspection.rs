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
