//! All equilibria of three-player games in which every player has two strategies
//! (2x2x2), exactly where they are rational, with continua detected.
//!
//! Write `p_i` for the probability that player i plays its first strategy, and `E_i`
//! for player i's payoff from its first strategy minus its second. `E_i` does not
//! depend on `p_i`, and is linear in each of the other two probabilities:
//! `E_i = A + B p_j + C p_l + D p_j p_l` (`j < l` the others). A profile is an
//! equilibrium when every mixing player is indifferent (`E_i = 0`), every player on its
//! first strategy has `E_i >= 0` and every player on its second `E_i <= 0`. The solver
//! goes through the 27 ways of choosing, for each player, first, second or mixing:
//!
//! * nobody mixes: a pure profile, checked;
//! * one player mixes: its `E_i` is a number (the others are pure); unless it is 0 there
//!   is nothing, and if it is, the mix must keep the two others' choices best, which
//!   holds on an interval of `p_i`: a single point is an equilibrium, a longer interval
//!   a continuum;
//! * two mix: each one's `E` is linear in the other's probability, which fixes it or
//!   (a zero line) leaves it free; the third player's condition then cuts a point, an
//!   interval or a region;
//! * all three mix: with `t = p_3`, `E_1 = 0` gives `p_2` and `E_2 = 0` gives `p_1` as
//!   ratios of linear functions of `t`, and `E_3 = 0` becomes a quadratic in `t`. Its
//!   rational roots give exact equilibria, irrational ones approximate equilibria
//!   (flagged); a quadratic that vanishes identically means a curve of equilibria
//!   wherever the probabilities stay inside `(0, 1)`, checked exactly between the
//!   points where they reach 0 or 1. The values of `t` at which a denominator vanishes
//!   (a player indifferent whatever the others do), and the games in which one
//!   vanishes for every `t`, are solved separately at those `t`.
//!
//! "Degenerate" means exactly that some equilibria are not isolated (a continuum, which
//! is not listed): ties in the payoffs alone do not make a game degenerate. Every
//! listed rational equilibrium is checked exactly with [`Game::is_equilibrium`].

use num_bigint::BigInt;
use num_traits::{One, Signed, ToPrimitive, Zero};

use crate::game::{Game, Profile, Q};
use crate::pure;

/// The equilibria found.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Solution {
    /// The isolated equilibria at rational probabilities, exactly, sorted.
    pub equilibria: Vec<Profile>,
    /// Equilibria at irrational probabilities, approximately: `p_i` per player.
    pub irrational: Vec<[f64; 3]>,
    /// The game has continua of equilibria (infinitely many), which are not listed.
    pub degenerate: bool,
}

/// Player `i`'s payoff difference `E_i` as `[A, B, C, D]` in
/// `A + B p_j + C p_l + D p_j p_l`, `j < l` the other two players.
fn difference(game: &Game, i: usize) -> [Q; 4] {
    let (j, l) = others(i);
    let diff = |sj: usize, sl: usize| {
        let mut profile = [0usize; 3];
        profile[j] = sj;
        profile[l] = sl;
        profile[i] = 0;
        let first = game.payoff(&profile, i).clone();
        profile[i] = 1;
        first - game.payoff(&profile, i)
    };
    // With P(first) = p and P(second) = 1 - p: E = sum of P(sj) P(sl) diff(sj, sl).
    let (u00, u01, u10, u11) = (diff(0, 0), diff(0, 1), diff(1, 0), diff(1, 1));
    let b = &u01 - &u11;
    let c = &u10 - &u11;
    let d = &u00 - &u01 - &u10 + &u11;
    [u11, b, c, d]
}

fn others(i: usize) -> (usize, usize) {
    match i {
        0 => (1, 2),
        1 => (0, 2),
        _ => (0, 1),
    }
}

fn half() -> Q {
    Q::new(1.into(), 2.into())
}

fn inside(x: &Q) -> bool {
    *x > Q::zero() && *x < Q::one()
}

/// A player's choice in a pattern: first strategy, second, or mixing.
#[derive(Clone, Copy, PartialEq)]
enum Choice {
    First,
    Second,
    Mix,
}

struct Solver<'g> {
    game: &'g Game,
    e: [[Q; 4]; 3],
    out: Solution,
}

/// The linear function `constant + slope x`.
type Line = (Q, Q);

/// Where player `i` alone decides: `sign * (constant + slope x) >= 0` for `x` in
/// `[0, 1]`, as a closed interval, `None` if empty.
fn half_line(sign: i8, (constant, slope): &Line) -> Option<(Q, Q)> {
    let (k, s) = if sign > 0 { (constant.clone(), slope.clone()) } else { (-constant, -slope) };
    if s.is_zero() {
        return (!k.is_negative()).then(|| (Q::zero(), Q::one()));
    }
    let root = -k / &s;
    if s.is_positive() {
        (root <= Q::one()).then(|| (root.max(Q::zero()), Q::one()))
    } else {
        (root >= Q::zero()).then(|| (Q::zero(), root.min(Q::one())))
    }
}

fn intersect(a: Option<(Q, Q)>, b: Option<(Q, Q)>) -> Option<(Q, Q)> {
    let ((a0, a1), (b0, b1)) = (a?, b?);
    let (lo, hi) = (a0.max(b0), a1.min(b1));
    (lo <= hi).then_some((lo, hi))
}

impl Solver<'_> {
    /// `E_i` at the probabilities `p` (its own entry ignored).
    fn value(&self, i: usize, p: &[Q; 3]) -> Q {
        let (j, l) = others(i);
        let [a, b, c, d] = &self.e[i];
        a + b * &p[j] + c * &p[l] + d * &p[j] * &p[l]
    }

    /// `E_i` as a linear function of `p_k` (`k != i`), the other probability as in `p`.
    fn line(&self, i: usize, k: usize, p: &[Q; 3]) -> Line {
        let mut at = p.clone();
        at[k] = Q::zero();
        let constant = self.value(i, &at);
        at[k] = Q::one();
        let slope = self.value(i, &at) - &constant;
        (constant, slope)
    }

    fn add(&mut self, p: &[Q; 3]) {
        let profile: Profile = p.iter().map(|x| vec![x.clone(), Q::one() - x]).collect();
        if self.game.is_equilibrium(&profile) && !self.out.equilibria.contains(&profile) {
            self.out.equilibria.push(profile);
        }
    }

    /// A closed interval `[lo, hi]` of `p_k` within `[0, 1]` on which the others' pure
    /// choices are best: a continuum if it has length, an equilibrium if it is one point
    /// inside `(0, 1)`.
    fn interval(&mut self, k: usize, p: &[Q; 3], range: Option<(Q, Q)>) {
        if let Some((lo, hi)) = range {
            if lo < hi {
                self.out.degenerate = true;
            } else if inside(&lo) {
                let mut at = p.clone();
                at[k] = lo;
                self.add(&at);
            }
        }
    }

    fn sign(choice: Choice) -> i8 {
        if choice == Choice::First {
            1
        } else {
            -1
        }
    }

    fn pattern(&mut self, choices: [Choice; 3]) {
        let mixing: Vec<usize> = (0..3).filter(|&i| choices[i] == Choice::Mix).collect();
        let mut p: [Q; 3] = std::array::from_fn(|i| match choices[i] {
            Choice::First => Q::one(),
            Choice::Second => Q::zero(),
            Choice::Mix => half(),
        });
        match mixing[..] {
            [] => self.add(&p),
            [i] => {
                if !self.value(i, &p).is_zero() {
                    return;
                }
                let (j, l) = others(i);
                let range = intersect(
                    half_line(Self::sign(choices[j]), &self.line(j, i, &p)),
                    half_line(Self::sign(choices[l]), &self.line(l, i, &p)),
                );
                self.interval(i, &p, range);
            }
            [i, j] => {
                let l = 3 - i - j;
                // E_i = 0 fixes p_j (or leaves it free); E_j = 0 fixes p_i.
                let fix = |(constant, slope): Line| -> Option<Option<Q>> {
                    if slope.is_zero() {
                        constant.is_zero().then_some(None)
                    } else {
                        Some(Some(-constant / slope))
                    }
                };
                let (Some(pj), Some(pi)) = (fix(self.line(i, j, &p)), fix(self.line(j, i, &p))) else {
                    return;
                };
                let sign = Self::sign(choices[l]);
                let (fixed, free) = if pi.is_some() { (i, j) } else { (j, i) };
                match (pi, pj) {
                    (Some(pi), Some(pj)) => {
                        if inside(&pi) && inside(&pj) {
                            p[i] = pi;
                            p[j] = pj;
                            self.add(&p);
                        }
                    }
                    (Some(x), None) | (None, Some(x)) => {
                        if inside(&x) {
                            p[fixed] = x;
                            let range = half_line(sign, &self.line(l, free, &p));
                            self.interval(free, &p, range);
                        }
                    }
                    (None, None) => {
                        // The third player's condition on the open square: a bilinear
                        // function is nonnegative somewhere inside exactly when it is
                        // positive at a corner or zero throughout.
                        let mut corners = Vec::new();
                        for x in [Q::zero(), Q::one()] {
                            for y in [Q::zero(), Q::one()] {
                                let mut at = p.clone();
                                at[i] = x.clone();
                                at[j] = y;
                                corners.push(Q::from_integer(sign.into()) * self.value(l, &at));
                            }
                        }
                        if corners.iter().any(Signed::is_positive) || corners.iter().all(Zero::is_zero) {
                            self.out.degenerate = true;
                        }
                    }
                }
            }
            _ => self.totally_mixed(),
        }
    }

    /// All three mix. See the module documentation.
    fn totally_mixed(&mut self) {
        // With t = p_3: E_1 = alpha1(t) + beta1(t) p_2 and E_2 = alpha2(t) + beta2(t) p_1.
        let linear = |i: usize, k: usize| -> (Poly, Poly) {
            // E_i with p_3 = t, as a linear function of p_k: constant and slope, each
            // linear in t.
            let at = |t: Q| self.line(i, k, &[half(), half(), t]);
            let ((c0, s0), (c1, s1)) = (at(Q::zero()), at(Q::one()));
            (Poly(vec![c0.clone(), c1 - c0]), Poly(vec![s0.clone(), s1 - s0]))
        };
        let (alpha1, beta1) = linear(0, 1);
        let (alpha2, beta2) = linear(1, 0);
        if beta1.is_zero() || beta2.is_zero() {
            // A player indifferent to the other's probability: solve at the values of t
            // that make its equation hold, or, if it holds for every t, with p_3 free.
            self.singular(&alpha1, &beta1, &alpha2, &beta2);
            return;
        }
        // p_2 = -alpha1/beta1, p_1 = -alpha2/beta2; E_3 times beta1 beta2 is q(t).
        let [a, b, c, d] = self.e[2].clone();
        let q = beta1.mul(&beta2).scale(&a) - alpha2.mul(&beta1).scale(&b) - alpha1.mul(&beta2).scale(&c)
            + alpha1.mul(&alpha2).scale(&d);
        let mut special: Vec<Q> = beta1.roots().into_iter().chain(beta2.roots()).collect();
        if q.is_zero() {
            let p1 = (alpha2.neg(), beta2.clone());
            let p2 = (alpha1.neg(), beta1.clone());
            if exists_inside(&[p1, p2]) {
                self.out.degenerate = true;
            }
        } else {
            for root in q.quadratic_roots() {
                match root {
                    Ok(t) => {
                        if !beta1.at(&t).is_zero() && !beta2.at(&t).is_zero() {
                            let p1 = -alpha2.at(&t) / beta2.at(&t);
                            let p2 = -alpha1.at(&t) / beta1.at(&t);
                            if inside(&t) && inside(&p1) && inside(&p2) {
                                self.add(&[p1, p2, t]);
                            }
                        } else {
                            special.push(t);
                        }
                    }
                    Err(t) => {
                        let f = |p: &Poly| p.at_f64(t);
                        let (p1, p2) = (-f(&alpha2) / f(&beta2), -f(&alpha1) / f(&beta1));
                        if [p1, p2, t].iter().all(|x| *x > 0.0 && *x < 1.0) {
                            self.out.irrational.push([p1, p2, t]);
                        }
                    }
                }
            }
        }
        for t in special {
            self.slice(&t);
        }
    }

    /// All three mix, and `beta1` or `beta2` vanishes for every `t`: that player's
    /// equation does not involve the other's probability.
    fn singular(&mut self, alpha1: &Poly, beta1: &Poly, alpha2: &Poly, beta2: &Poly) {
        // Its equation is then alpha(t) = 0: only at the roots of alpha, unless alpha
        // vanishes too and the player is indifferent whatever the others do.
        let pinning = |alpha: &Poly, beta: &Poly| beta.is_zero() && !alpha.is_zero();
        if pinning(alpha1, beta1) || pinning(alpha2, beta2) {
            let mut ts = Vec::new();
            for (alpha, beta) in [(alpha1, beta1), (alpha2, beta2)] {
                if pinning(alpha, beta) {
                    ts.extend(alpha.roots());
                }
            }
            for t in ts {
                self.slice(&t);
            }
            return;
        }
        let [a, b, c, d] = self.e[2].clone();
        if beta1.is_zero() && beta2.is_zero() {
            // Both indifferent whatever happens: every t behaves alike.
            self.slice(&half());
        } else if beta1.is_zero() {
            // Player 1 indifferent: p_1 = -alpha2/beta2, and E_3 is linear in p_2:
            // (c + d p_1) p_2 + (a + b p_1) = 0, times beta2.
            let slope = beta2.scale(&c) - alpha2.scale(&d);
            let constant = beta2.scale(&a) - alpha2.scale(&b);
            self.family((alpha2.neg(), beta2.clone()), slope, constant, beta2);
        } else {
            // Player 2 indifferent: p_2 = -alpha1/beta1, and E_3 is linear in p_1.
            let slope = beta1.scale(&b) - alpha1.scale(&d);
            let constant = beta1.scale(&a) - alpha1.scale(&c);
            self.family((alpha1.neg(), beta1.clone()), slope, constant, beta1);
        }
    }

    /// One of the first two players indifferent whatever happens; the other's
    /// probability is `known = num/den` of t, and the third equation is
    /// `slope(t) x + constant(t) = 0` in the indifferent player's probability `x`.
    fn family(&mut self, known: (Poly, Poly), slope: Poly, constant: Poly, den: &Poly) {
        let mut special = den.roots();
        if !slope.is_zero() {
            // x = -constant/slope: a curve of equilibria wherever everything is inside.
            if exists_inside(&[known, (constant.neg(), slope.clone())]) {
                self.out.degenerate = true;
            }
            special.extend(slope.roots());
        } else if constant.is_zero() {
            // x free: a continuum wherever the known probability is inside.
            let free = (Poly(vec![half()]), Poly(vec![Q::one()]));
            if exists_inside(&[known, free]) {
                self.out.degenerate = true;
            }
        } else {
            special.extend(constant.roots());
        }
        for t in special {
            self.slice(&t);
        }
    }

    /// All three mix with `p_3 = t` fixed: the first two equations fix or free `p_2` and
    /// `p_1`, and the third decides.
    fn slice(&mut self, t: &Q) {
        if !inside(t) {
            return;
        }
        let p = [half(), half(), t.clone()];
        let fix = |(constant, slope): Line| -> Option<Option<Q>> {
            if slope.is_zero() {
                constant.is_zero().then_some(None)
            } else {
                Some(Some(-constant / slope))
            }
        };
        let (Some(p2), Some(p1)) = (fix(self.line(0, 1, &p)), fix(self.line(1, 0, &p))) else { return };
        let (fixed, free) = if p1.is_some() { (0, 1) } else { (1, 0) };
        match (p1, p2) {
            (Some(p1), Some(p2)) => {
                let at = [p1, p2, t.clone()];
                if inside(&at[0]) && inside(&at[1]) && self.value(2, &at).is_zero() {
                    self.add(&at);
                }
            }
            (Some(x), None) | (None, Some(x)) => {
                if !inside(&x) {
                    return;
                }
                let mut at = p.clone();
                at[fixed] = x;
                let (constant, slope) = self.line(2, free, &at);
                if !slope.is_zero() {
                    at[free] = -constant / slope;
                    if inside(&at[free]) {
                        self.add(&at);
                    }
                } else if constant.is_zero() {
                    self.out.degenerate = true;
                }
            }
            (None, None) => {
                // E_3 = 0 somewhere inside the open square: a curve.
                let mut signs = Vec::new();
                for x in [Q::zero(), Q::one()] {
                    for y in [Q::zero(), Q::one()] {
                        signs.push(self.value(2, &[x.clone(), y, t.clone()]));
                    }
                }
                let (positive, negative) =
                    (signs.iter().any(Signed::is_positive), signs.iter().any(Signed::is_negative));
                if (positive && negative) || signs.iter().all(Zero::is_zero) {
                    self.out.degenerate = true;
                }
            }
        }
    }
}

/// A polynomial in t, lowest degree first.
#[derive(Clone, Debug)]
struct Poly(Vec<Q>);

impl Poly {
    fn is_zero(&self) -> bool {
        self.0.iter().all(Zero::is_zero)
    }

    fn at(&self, t: &Q) -> Q {
        self.0.iter().rev().fold(Q::zero(), |acc, c| acc * t + c)
    }

    fn at_f64(&self, t: f64) -> f64 {
        self.0.iter().rev().fold(0.0, |acc, c| acc * t + c.to_f64().unwrap_or(f64::NAN))
    }

    fn scale(&self, k: &Q) -> Poly {
        Poly(self.0.iter().map(|c| c * k).collect())
    }

    fn neg(&self) -> Poly {
        Poly(self.0.iter().map(|c| -c).collect())
    }

    fn mul(&self, other: &Poly) -> Poly {
        let mut out = vec![Q::zero(); self.0.len() + other.0.len() - 1];
        for (i, a) in self.0.iter().enumerate() {
            for (j, b) in other.0.iter().enumerate() {
                out[i + j] += a * b;
            }
        }
        Poly(out)
    }

    fn coefficient(&self, k: usize) -> Q {
        self.0.get(k).cloned().unwrap_or_else(Q::zero)
    }

    /// The real roots of a polynomial of degree at most 1, exactly (none if constant).
    fn roots(&self) -> Vec<Q> {
        debug_assert!(self.0.iter().skip(2).all(Zero::is_zero));
        let (c0, c1) = (self.coefficient(0), self.coefficient(1));
        if c1.is_zero() {
            vec![]
        } else {
            vec![-c0 / c1]
        }
    }

    /// The real roots of a nonzero polynomial of degree at most 2: exact when rational,
    /// approximate (`Err`) when irrational.
    fn quadratic_roots(&self) -> Vec<Result<Q, f64>> {
        let (c0, c1, c2) = (self.coefficient(0), self.coefficient(1), self.coefficient(2));
        if c2.is_zero() {
            return self.roots().into_iter().map(Ok).collect();
        }
        let discriminant = &c1 * &c1 - Q::from_integer(4.into()) * &c2 * &c0;
        if discriminant.is_negative() {
            return vec![];
        }
        let two_a = Q::from_integer(2.into()) * &c2;
        match square_root(&discriminant) {
            Some(root) => {
                let mut roots = vec![Ok((-&c1 + &root) / &two_a)];
                if !root.is_zero() {
                    roots.push(Ok((-&c1 - &root) / &two_a));
                }
                roots
            }
            None => {
                let f = |q: &Q| q.to_f64().unwrap_or(f64::NAN);
                let (a, b, d) = (f(&c2), f(&c1), f(&discriminant).sqrt());
                vec![Err((-b + d) / (2.0 * a)), Err((-b - d) / (2.0 * a))]
            }
        }
    }
}

impl std::ops::Sub for Poly {
    type Output = Poly;
    fn sub(self, other: Poly) -> Poly {
        let len = self.0.len().max(other.0.len());
        Poly((0..len).map(|k| self.coefficient(k) - other.coefficient(k)).collect())
    }
}

impl std::ops::Add for Poly {
    type Output = Poly;
    fn add(self, other: Poly) -> Poly {
        let len = self.0.len().max(other.0.len());
        Poly((0..len).map(|k| self.coefficient(k) + other.coefficient(k)).collect())
    }
}

fn square_root(q: &Q) -> Option<Q> {
    if q.is_negative() {
        return None;
    }
    let (n, d): (&BigInt, &BigInt) = (q.numer(), q.denom());
    let (rn, rd) = (n.sqrt(), d.sqrt());
    (&rn * &rn == *n && &rd * &rd == *d).then(|| Q::new(rn, rd))
}

/// Whether some `t` in `(0, 1)` puts every ratio `num(t)/den(t)` (each of degree at
/// most 1 over degree at most 1) strictly inside `(0, 1)`. Between consecutive points
/// at which a numerator, a denominator or their difference vanishes every sign is
/// constant, so one rational point per gap decides, exactly.
fn exists_inside(ratios: &[(Poly, Poly)]) -> bool {
    let mut cuts = vec![Q::zero(), Q::one()];
    for (num, den) in ratios {
        for poly in [num.clone(), den.clone(), num.clone() - den.clone()] {
            cuts.extend(poly.roots().into_iter().filter(inside));
        }
    }
    cuts.sort();
    cuts.dedup();
    cuts.windows(2).any(|w| {
        let t = (&w[0] + &w[1]) / Q::from_integer(2.into());
        ratios.iter().all(|(num, den)| {
            let d = den.at(&t);
            !d.is_zero() && inside(&(num.at(&t) / d))
        })
    })
}

/// Every equilibrium of a 2x2x2 game.
pub fn equilibria(game: &Game) -> Solution {
    assert_eq!(game.shape(), vec![2, 2, 2], "this solver is for 2x2x2 games");
    let mut solver =
        Solver { game, e: std::array::from_fn(|i| difference(game, i)), out: Solution::default() };
    for e in pure::equilibria(game) {
        solver.add(&std::array::from_fn(|i| if e[i] == 0 { Q::one() } else { Q::zero() }));
    }
    let all = [Choice::First, Choice::Second, Choice::Mix];
    for c0 in all {
        for c1 in all {
            for c2 in all {
                let choices = [c0, c1, c2];
                if choices.contains(&Choice::Mix) {
                    solver.pattern(choices);
                }
            }
        }
    }
    solver.out.equilibria.sort();
    solver.out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn game(payoffs: [[i64; 3]; 8]) -> Game {
        let mut g = Game::zeros(3, &[2, 2, 2]);
        for (profile, row) in payoffs.iter().enumerate() {
            g.payoffs[profile] = row.iter().map(|&v| Q::from_integer(v.into())).collect();
        }
        g
    }

    #[test]
    fn dominant_strategies_with_distinct_payoffs_are_not_degenerate() {
        // Each player gains 10 from its first strategy whatever the others do (every
        // difference E_i constant): one equilibrium, all on their first strategies.
        let mut payoffs = [[0i64; 3]; 8];
        for (profile, row) in payoffs.iter_mut().enumerate() {
            for (player, v) in row.iter_mut().enumerate() {
                let first = (profile >> player) & 1 == 0;
                *v = 3 * profile as i64 + player as i64 + if first { 100 } else { 0 };
            }
        }
        let g = game(payoffs);
        let distinct: std::collections::BTreeSet<&Q> = g.payoffs.iter().flatten().collect();
        assert_eq!(distinct.len(), 24);
        let s = equilibria(&g);
        assert!(!s.degenerate, "{s:?}");
        assert_eq!(s.equilibria.len(), 1);
        assert!(s.equilibria[0].iter().all(|mix| mix[0] == Q::one()));
    }

    #[test]
    fn a_player_indifferent_everywhere_gives_a_continuum() {
        // All payoffs zero: every profile is an equilibrium.
        let s = equilibria(&Game::zeros(3, &[2, 2, 2]));
        assert!(s.degenerate);
    }

    #[test]
    fn an_interval_of_one_players_mixes_is_a_continuum_and_its_end_is_listed() {
        // Player 1 is indifferent when players 2 and 3 play their first strategies
        // (E_1 = 0 there, 2 elsewhere); player 2's difference is E_2 = 2 p_1 - 1;
        // player 3's first strategy is dominant. With players 2 and 3 on their first
        // strategies, every p_1 in [1/2, 1] is an equilibrium: a continuum, whose end
        // p_1 = 1 is the pure equilibrium.
        let mut payoffs = [[0i64; 3]; 8];
        for (profile, row) in payoffs.iter_mut().enumerate() {
            let (s1, s2, s3) = (profile & 1, (profile >> 1) & 1, (profile >> 2) & 1);
            row[0] = if s2 == 0 && s3 == 0 {
                5
            } else if s1 == 0 {
                3
            } else {
                1
            };
            row[1] = if s1 == s2 { 1 } else { 0 };
            row[2] = if s3 == 0 { 1 } else { 0 };
        }
        let s = equilibria(&game(payoffs));
        assert!(s.degenerate);
        let first = vec![Q::one(), Q::zero()];
        assert!(s.equilibria.contains(&vec![first.clone(), first.clone(), first]));
    }
}
