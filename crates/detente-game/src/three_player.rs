//! All equilibria of three-player games in which every player has two strategies
//! (2x2x2), exactly where they are rational.
//!
//! Write `p_i` for the probability that player i plays its first strategy. A player who
//! mixes must be indifferent, which for two strategies is one equation, linear in each
//! of the other two players' probabilities:
//! `A + B p_j + C p_l + D p_j p_l = 0`. Enumerating who mixes:
//! * nobody: the pure equilibria;
//! * one player: its equation no longer involves any unknown, so it holds for every
//!   `p_i` or for none; when it holds the game is degenerate (a continuum);
//! * two players: each equation is linear in the other's probability;
//! * all three: eliminating two unknowns leaves a quadratic in the third. Its roots are
//!   rational exactly when the discriminant is the square of a rational; irrational
//!   equilibria are reported approximately and flagged.
//!
//! Every rational equilibrium is checked exactly with [`Game::is_equilibrium`].

use num_bigint::BigInt;
use num_traits::{One, Signed, ToPrimitive, Zero};

use crate::game::{Game, Profile, Q};
use crate::pure;

/// The equilibria found.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Solution {
    /// Exact equilibria, sorted.
    pub equilibria: Vec<Profile>,
    /// Equilibria at irrational probabilities, approximately: `p_i` per player.
    pub irrational: Vec<[f64; 3]>,
    /// The game is degenerate: continua of equilibria may exist and are not listed.
    pub degenerate: bool,
}

/// Player `i`'s indifference equation as coefficients (A, B, C, D) of
/// `A + B p_j + C p_l + D p_j p_l`, with `j < l` the other two players.
fn indifference(game: &Game, i: usize) -> [Q; 4] {
    let others: Vec<usize> = (0..3).filter(|&x| x != i).collect();
    // u(s_j, s_l) = payoff of strategy 0 minus payoff of strategy 1 for player i.
    let diff = |sj: usize, sl: usize| {
        let mut profile = [0usize; 3];
        profile[others[0]] = sj;
        profile[others[1]] = sl;
        profile[i] = 0;
        let first = game.payoff(&profile, i).clone();
        profile[i] = 1;
        first - game.payoff(&profile, i)
    };
    // E = sum over (sj, sl) of P(sj) P(sl) u, with P(0) = p, P(1) = 1 - p.
    let (u00, u01, u10, u11) = (diff(0, 0), diff(0, 1), diff(1, 0), diff(1, 1));
    let a = u11.clone();
    let b = &u01 - &u11;
    let c = &u10 - &u11;
    let d = &u00 - &u01 - &u10 + &u11;
    [a, b, c, d]
}

fn square_root(q: &Q) -> Option<Q> {
    if q.is_negative() {
        return None;
    }
    let (n, d): (&BigInt, &BigInt) = (q.numer(), q.denom());
    let (rn, rd) = (n.sqrt(), d.sqrt());
    (&rn * &rn == *n && &rd * &rd == *d).then(|| Q::new(rn, rd))
}

fn profile(p: [&Q; 3]) -> Profile {
    p.iter().map(|x| vec![(*x).clone(), Q::one() - *x]).collect()
}

/// Every equilibrium of a 2x2x2 game.
pub fn equilibria(game: &Game) -> Solution {
    assert_eq!(game.shape(), vec![2, 2, 2], "this solver is for 2x2x2 games");
    let eq: Vec<[Q; 4]> = (0..3).map(|i| indifference(game, i)).collect();
    let mut out = Solution::default();
    // A player indifferent between its strategies against some pure profile of the
    // others makes the game non-generic: equilibria may come in continua.
    let zero_one = [Q::zero(), Q::one()];
    for [a, b, c, d] in &eq {
        for pj in &zero_one {
            for pl in &zero_one {
                if (a + b * pj + c * pl + d * pj * pl).is_zero() {
                    out.degenerate = true;
                }
            }
        }
    }
    let add = |out: &mut Solution, e: Profile| {
        if game.is_equilibrium(&e) && !out.equilibria.contains(&e) {
            out.equilibria.push(e);
        }
    };
    for e in pure::equilibria(game) {
        add(&mut out, pure::as_profile(game, &e));
    }
    let unit = |x: &Q| *x > Q::zero() && *x < Q::one();
    let pure_values = [Q::zero(), Q::one()];
    // Exactly one player mixes: its equation, at the others' pure strategies, holds
    // identically or not at all.
    for i in 0..3 {
        let (j, l) = others(i);
        for pj in &pure_values {
            for pl in &pure_values {
                let [a, b, c, d] = &eq[i];
                if (a + b * pj + c * pl + d * pj * pl).is_zero() {
                    // Some mix of i may be an equilibrium for a whole interval.
                    let mut p = [Q::zero(), Q::zero(), Q::zero()];
                    p[j] = pj.clone();
                    p[l] = pl.clone();
                    p[i] = Q::new(1.into(), 2.into());
                    if game.is_equilibrium(&profile([&p[0], &p[1], &p[2]])) {
                        out.degenerate = true;
                    }
                }
            }
        }
    }
    // Exactly two players mix (i and j), the third (l) plays a pure strategy.
    for l in 0..3 {
        let (i, j) = others(l);
        for pl in &pure_values {
            // i's equation in p_j (its others are j and l): A + B p_j + C p_l + D p_j p_l.
            let solve_for = |who: usize, unknown_is_first: bool| -> Option<Q> {
                let [a, b, c, d] = &eq[who];
                // The other players of `who` in order (first, second); `l` is one of them.
                let (constant, slope) =
                    if unknown_is_first { (a + c * pl, b + d * pl) } else { (a + b * pl, c + d * pl) };
                if slope.is_zero() && constant.is_zero() {
                    // Indifferent whatever the other does: a continuum.
                    return None;
                }
                (!slope.is_zero()).then(|| -constant / slope)
            };
            // For player i, its others are (j, l) or (l, j) in index order.
            let pj = solve_for(i, j < l);
            let pi = solve_for(j, i < l);
            if let (Some(pi), Some(pj)) = (pi, pj) {
                if unit(&pi) && unit(&pj) {
                    let mut p = [Q::zero(), Q::zero(), Q::zero()];
                    p[i] = pi;
                    p[j] = pj;
                    p[l] = pl.clone();
                    add(&mut out, profile([&p[0], &p[1], &p[2]]));
                }
            }
        }
    }
    totally_mixed(game, &eq, &mut out);
    out.equilibria.sort();
    out
}

fn others(i: usize) -> (usize, usize) {
    match i {
        0 => (1, 2),
        1 => (0, 2),
        _ => (0, 1),
    }
}

/// All three mix: p2 and p1 from players 1's and 2's equations as functions of p3, then
/// player 3's equation becomes a quadratic in p3.
fn totally_mixed(game: &Game, eq: &[[Q; 4]], out: &mut Solution) {
    // Player 0: A0 + B0 p1 + C0 p2 + D0 p1 p2 = 0 -> p1 = -(A0 + C0 p2) / (B0 + D0 p2).
    // Player 1: A1 + B1 p0 + C1 p2 + D1 p0 p2 = 0 -> p0 = -(A1 + C1 p2) / (B1 + D1 p2).
    // Player 2: A2 + B2 p0 + C2 p1 + D2 p0 p1 = 0; multiply by both denominators.
    let [a0, b0, c0, d0] = &eq[0];
    let [a1, b1, c1, d1] = &eq[1];
    let [a2, b2, c2, d2] = &eq[2];
    // With t = p2: p1 = N1(t)/M1(t), p0 = N0(t)/M0(t) where
    // N1 = -(a0 + c0 t), M1 = b0 + d0 t, N0 = -(a1 + c1 t), M0 = b1 + d1 t.
    // a2 M0 M1 + b2 N0 M1 + c2 N1 M0 + d2 N0 N1 = 0: a quadratic k2 t^2 + k1 t + k0.
    let lin = |c0: &Q, c1: &Q| [c0.clone(), c1.clone()]; // c0 + c1 t
    let (n1, m1) = (lin(&-a0.clone(), &-c0.clone()), lin(b0, d0));
    let (n0, m0) = (lin(&-a1.clone(), &-c1.clone()), lin(b1, d1));
    let mul = |x: &[Q; 2], y: &[Q; 2]| [&x[0] * &y[0], &x[0] * &y[1] + &x[1] * &y[0], &x[1] * &y[1]];
    let terms = [(a2, mul(&m0, &m1)), (b2, mul(&n0, &m1)), (c2, mul(&n1, &m0)), (d2, mul(&n0, &n1))];
    let mut k = [Q::zero(), Q::zero(), Q::zero()];
    for (coefficient, poly) in &terms {
        for (slot, value) in k.iter_mut().zip(poly) {
            *slot += *coefficient * value;
        }
    }
    let roots: Vec<Result<Q, f64>> = if k[2].is_zero() {
        if k[1].is_zero() {
            if k[0].is_zero() {
                out.degenerate = true;
            }
            vec![]
        } else {
            vec![Ok(-&k[0] / &k[1])]
        }
    } else {
        let discriminant = &k[1] * &k[1] - Q::from_integer(4.into()) * &k[2] * &k[0];
        if discriminant.is_negative() {
            vec![]
        } else if let Some(root) = square_root(&discriminant) {
            let two_a = Q::from_integer(2.into()) * &k[2];
            vec![Ok((-&k[1] + &root) / &two_a), Ok((-&k[1] - &root) / &two_a)]
        } else {
            let f = |q: &Q| q.to_f64().unwrap_or(f64::NAN);
            let (a, b, d) = (f(&k[2]), f(&k[1]), f(&discriminant).sqrt());
            vec![Err((-b + d) / (2.0 * a)), Err((-b - d) / (2.0 * a))]
        }
    };
    let eval = |p: &[Q; 2], t: &Q| &p[0] + &p[1] * t;
    for root in roots {
        match root {
            Ok(t) => {
                let (den1, den0) = (eval(&m1, &t), eval(&m0, &t));
                // Where a player's equation no longer involves the unknown it was solved
                // for, that unknown comes from player 2's equation instead (linear in it
                // once the other is known); both at once leave a continuum.
                let from_player_2 = |known: &Q, known_is_p0: bool| -> Option<Q> {
                    let (constant, slope) = if known_is_p0 {
                        (a2 + b2 * known, c2 + d2 * known)
                    } else {
                        (a2 + c2 * known, b2 + d2 * known)
                    };
                    (!slope.is_zero()).then(|| -constant / slope)
                };
                let (p0, p1) = match (den0.is_zero(), den1.is_zero()) {
                    (false, false) => (eval(&n0, &t) / den0, eval(&n1, &t) / den1),
                    (false, true) => {
                        let p0 = eval(&n0, &t) / den0;
                        match from_player_2(&p0, true) {
                            Some(p1) => (p0, p1),
                            None => {
                                out.degenerate = true;
                                continue;
                            }
                        }
                    }
                    (true, false) => {
                        let p1 = eval(&n1, &t) / den1;
                        match from_player_2(&p1, false) {
                            Some(p0) => (p0, p1),
                            None => {
                                out.degenerate = true;
                                continue;
                            }
                        }
                    }
                    (true, true) => {
                        out.degenerate = true;
                        continue;
                    }
                };
                let unit = |x: &Q| *x > Q::zero() && *x < Q::one();
                if unit(&p0) && unit(&p1) && unit(&t) {
                    let e = profile([&p0, &p1, &t]);
                    if game.is_equilibrium(&e) && !out.equilibria.contains(&e) {
                        out.equilibria.push(e);
                    }
                }
            }
            Err(t) => {
                let f =
                    |p: &[Q; 2]| p[0].to_f64().unwrap_or(f64::NAN) + p[1].to_f64().unwrap_or(f64::NAN) * t;
                let (p1, p0) = (f(&n1) / f(&m1), f(&n0) / f(&m0));
                if [p0, p1, t].iter().all(|x| *x > 0.0 && *x < 1.0) {
                    out.irrational.push([p0, p1, t]);
                }
            }
        }
    }
}
