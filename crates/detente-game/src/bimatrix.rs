//! All extreme Nash equilibria of two-player games, exactly, by vertex enumeration of
//! the two best-response polytopes (the method of Gambit's `enummixed`).
//!
//! With payoffs made positive (adding a constant changes no equilibrium), the row
//! player's mixed strategies, scaled, are the points of
//! `P = { x >= 0 : B^T x <= 1 }` and the column player's of `Q = { y >= 0 : A y <= 1 }`.
//! A point is *labelled* by the pure strategies that are unplayed (`x_i = 0`) or best
//! responses (`(B^T x)_j = 1`). A pair `(x, y)`, neither zero, is an equilibrium exactly
//! when every pure strategy of either player labels `x` or `y` (every strategy played
//! is a best response), and the *extreme* equilibria are the completely labelled pairs of
//! vertices (von Stengel, "Computing equilibria for two-person games", Handbook of Game
//! Theory vol. 3, 2002, section 3; Avis, Rosenberg, Savani and von Stengel, "Enumeration
//! of Nash equilibria for two-player games", Economic Theory 42, 2010). Every
//! equilibrium is a convex combination of extreme ones, so the list is complete in the
//! sense Gambit's `enummixed` gives: for a *nondegenerate* game (no mixed strategy with
//! support of size `k` has more than `k` pure best responses) the extreme equilibria are
//! all the equilibria; a degenerate game can also have continua between them, and
//! [`Solution::degenerate`] says when. The vertices come from [`crate::vertex`]
//! (lexicographic pivoting in exact integers); a vertex with more labels than its
//! polytope's dimension is exactly what makes a game degenerate, so the flag is exact.

use std::collections::HashMap;

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Zero};

use crate::game::{Game, Profile, Sign, Q};
use crate::vertex::{self, Bits, Vertex};

/// The extreme equilibria, and whether the game is degenerate.
#[derive(Clone, Debug, PartialEq)]
pub struct Solution {
    /// Every extreme equilibrium, sorted.
    pub equilibria: Vec<Profile>,
    /// The game is degenerate (some mixed strategy has more pure best responses than
    /// its support has strategies): besides the extreme equilibria listed it may have
    /// continua of equilibria, made of convex combinations of them.
    pub degenerate: bool,
}

/// Payoff matrices of a two-player game: `a[i][j]` to the row player, `b[i][j]` to the
/// column player.
pub fn matrices(game: &Game) -> (Vec<Vec<Q>>, Vec<Vec<Q>>) {
    let shape = game.shape();
    let (m, n) = (shape[0], shape[1]);
    let a = (0..m).map(|i| (0..n).map(|j| game.payoff(&[i, j], 0).clone()).collect()).collect();
    let b = (0..m).map(|i| (0..n).map(|j| game.payoff(&[i, j], 1).clone()).collect()).collect();
    (a, b)
}

/// Solves the square system `m x = rhs` exactly; `None` when it is singular. Integer
/// systems small enough for 128-bit arithmetic take the fraction-free path (Bareiss's
/// Gauss-Jordan elimination, every intermediate an exact integer); the rest, or any
/// system whose intermediates would overflow, take the rational path.
fn solve(m: Vec<Vec<Q>>, rhs: Vec<Q>) -> Option<Vec<Q>> {
    match solve_integer(&m, &rhs) {
        Some(answer) => answer,
        None => solve_rational(m, rhs),
    }
}

/// Fraction-free Gauss-Jordan elimination (E. H. Bareiss, "Sylvester's identity and
/// multistep integer-preserving Gaussian elimination", Math. Comp. 22, 1968) in checked
/// 128-bit integers. `None` when an entry is not an integer or an intermediate would
/// overflow; `Some(None)` when the system is singular.
fn solve_integer(m: &[Vec<Q>], rhs: &[Q]) -> Option<Option<Vec<Q>>> {
    let size = rhs.len();
    let as_int = |q: &Q| -> Option<i128> { q.is_integer().then(|| q.to_integer().try_into().ok()).flatten() };
    let mut a: Vec<Vec<i128>> = Vec::with_capacity(size);
    for (row, b) in m.iter().zip(rhs) {
        let mut r: Vec<i128> = row.iter().map(as_int).collect::<Option<_>>()?;
        r.push(as_int(b)?);
        a.push(r);
    }
    let mut previous: i128 = 1;
    for k in 0..size {
        let Some(pivot) = (k..size).find(|&r| a[r][k] != 0) else { return Some(None) };
        a.swap(k, pivot);
        for i in 0..size {
            if i == k {
                continue;
            }
            for j in 0..=size {
                if j == k {
                    continue;
                }
                let value = a[k][k].checked_mul(a[i][j])?.checked_sub(a[i][k].checked_mul(a[k][j])?)?;
                // `checked_div`: i128::MIN / -1 overflows too.
                a[i][j] = value.checked_div(previous)?;
            }
            a[i][k] = 0;
        }
        previous = a[k][k];
    }
    // Now a[i][i] * x_i = a[i][size] for every i.
    Some(Some((0..size).map(|i| Q::new(a[i][size].into(), a[i][i].into())).collect()))
}

fn solve_rational(mut m: Vec<Vec<Q>>, mut rhs: Vec<Q>) -> Option<Vec<Q>> {
    let size = rhs.len();
    for col in 0..size {
        let pivot = (col..size).find(|&r| !m[r][col].is_zero())?;
        m.swap(col, pivot);
        rhs.swap(col, pivot);
        let inverse = Q::one() / &m[col][col];
        let pivot_row = m[col].clone();
        for r in 0..size {
            if r == col || m[r][col].is_zero() {
                continue;
            }
            let factor = &m[r][col] * &inverse;
            for (cell, p) in m[r].iter_mut().zip(&pivot_row).skip(col) {
                *cell -= &factor * p;
            }
            let delta = &factor * &rhs[col];
            rhs[r] -= delta;
        }
    }
    Some((0..size).map(|r| &rhs[r] / &m[r][r]).collect())
}

/// The opponent's mix on `support` that makes `payoff[own][other]` equal across `own`
/// (rows of `payoff` are the indifferent player's strategies); returns the mix (full
/// length) and the common value.
fn indifference(payoff: &[Vec<Q>], own: &[usize], support: &[usize], width: usize) -> Option<(Vec<Q>, Q)> {
    let k = support.len();
    // Unknowns: the mix on `support`, then the value. Equations: one per own strategy,
    // then the probabilities summing to one.
    let mut m = Vec::with_capacity(k + 1);
    let mut rhs = Vec::with_capacity(k + 1);
    for &i in own {
        let mut row: Vec<Q> = support.iter().map(|&j| payoff[i][j].clone()).collect();
        row.push(-Q::one());
        m.push(row);
        rhs.push(Q::zero());
    }
    let mut total = vec![Q::one(); k];
    total.push(Q::zero());
    m.push(total);
    rhs.push(Q::one());
    let solution = solve(m, rhs)?;
    if solution[..k].iter().any(|p| p.is_negative_q()) {
        return None;
    }
    let mut mix = vec![Q::zero(); width];
    for (n, &j) in support.iter().enumerate() {
        mix[j] = solution[n].clone();
    }
    Some((mix, solution[k].clone()))
}

/// Whether no strategy of the indifferent player pays more than `value` against `mix`,
/// and how many attain it.
fn best_responses(payoff: &[Vec<Q>], mix: &[Q], value: &Q) -> Option<usize> {
    let mut attained = 0;
    for row in payoff {
        let earned: Q = row.iter().zip(mix).filter(|(_, p)| !p.is_zero()).map(|(u, p)| u * p).sum();
        if earned > *value {
            return None;
        }
        attained += usize::from(earned == *value);
    }
    Some(attained)
}

fn transpose(m: &[Vec<Q>]) -> Vec<Vec<Q>> {
    let cols = m.first().map_or(0, Vec::len);
    (0..cols).map(|j| m.iter().map(|row| row[j].clone()).collect()).collect()
}

/// Whether `profile` is an equilibrium of the bimatrix game `(a, b)`, exactly: the same
/// test as [`Game::is_equilibrium`], by two matrix-vector products instead of a pass
/// over every pure profile for every deviation (which large games cannot afford).
pub fn is_equilibrium(a: &[Vec<Q>], b: &[Vec<Q>], profile: &Profile) -> bool {
    let (x, y) = (&profile[0], &profile[1]);
    let valid = |mix: &[Q], len: usize| {
        mix.len() == len && mix.iter().all(|p| !p.is_negative_q()) && mix.iter().sum::<Q>() == Q::one()
    };
    let (m, n) = (a.len(), a.first().map_or(0, Vec::len));
    if !valid(x, m) || !valid(y, n) {
        return false;
    }
    let dot = |row: &[Q], mix: &[Q]| -> Q {
        row.iter().zip(mix).filter(|(_, p)| !p.is_zero()).map(|(u, p)| u * p).sum()
    };
    let row_payoffs: Vec<Q> = a.iter().map(|row| dot(row, y)).collect();
    let bt = transpose(b);
    let col_payoffs: Vec<Q> = bt.iter().map(|col| dot(col, x)).collect();
    let value = |payoffs: &[Q], mix: &[Q]| -> Q { dot(payoffs, mix) };
    let (u, v) = (value(&row_payoffs, x), value(&col_payoffs, y));
    row_payoffs.iter().all(|p| *p <= u) && col_payoffs.iter().all(|p| *p <= v)
}

/// The equilibrium with supports `rows` and `cols`, computed exactly, if there is one.
pub fn exact_at(a: &[Vec<Q>], b: &[Vec<Q>], rows: &[usize], cols: &[usize]) -> Option<Profile> {
    if rows.len() != cols.len() || rows.is_empty() {
        return None;
    }
    let bt = transpose(b);
    let (m, n) = (a.len(), bt.len());
    let (y, u) = indifference(a, rows, cols, n)?;
    best_responses(a, &y, &u)?;
    let (x, v) = indifference(&bt, cols, rows, m)?;
    best_responses(&bt, &x, &v)?;
    Some(vec![x, y])
}

/// The matrix with a constant added to make every entry at least 1, scaled by the
/// least common multiple of the denominators to integers: the constraint matrix and the
/// (common) right-hand side of `{ z >= 0 : M z <= 1 }` in integers.
fn positive_integers(m: &[Vec<Q>]) -> (Vec<Vec<BigInt>>, BigInt) {
    let least = m.iter().flatten().min().cloned().unwrap_or_else(Q::zero);
    let shift = Q::one() - least;
    let shifted: Vec<Vec<Q>> = m.iter().map(|row| row.iter().map(|v| v + &shift).collect()).collect();
    let scale = shifted.iter().flatten().fold(BigInt::one(), |l, v| l.lcm(v.denom()));
    let integers = shifted
        .iter()
        .map(|row| row.iter().map(|v| (v * Q::from_integer(scale.clone())).to_integer()).collect())
        .collect();
    (integers, scale)
}

/// A vertex's point, recomputed from its basis: `C[tight][basic] z = rhs`, as a
/// probability vector of length `width`.
fn mix(c: &[Vec<BigInt>], rhs: &BigInt, v: &Vertex, width: usize) -> Vec<Q> {
    let system: Vec<Vec<Q>> = v
        .tight_basis
        .iter()
        .map(|&r| v.basic.iter().map(|&k| Q::from_integer(c[r][k].clone())).collect())
        .collect();
    // The columns of a basis are independent by construction (each pivot keeps the
    // basis matrix invertible), so the system always has its one solution.
    #[allow(clippy::expect_used)]
    let values = solve(system, vec![Q::from_integer(rhs.clone()); v.basic.len()])
        .expect("a basis of the polytope is nonsingular");
    let total: Q = values.iter().sum();
    let mut out = vec![Q::zero(); width];
    for (&k, value) in v.basic.iter().zip(values) {
        out[k] = value / &total;
    }
    out
}

/// Whether every strategy that `own` plays is a best reply to `opponent`, exactly, in
/// the game whose payoffs (to the player choosing a row) are the integers `c` (rows:
/// the player's strategies, columns: the opponent's): the same best replies as the
/// original payoffs, which `c` only shifts and scales. Both mixes must be probability
/// vectors.
fn best_replies(c: &[Vec<BigInt>], opponent: &[Q], own: &[Q]) -> bool {
    let valid = |mix: &[Q]| mix.iter().all(|p| !p.is_negative_q()) && mix.iter().sum::<Q>() == Q::one();
    if !valid(opponent) || !valid(own) {
        return false;
    }
    // The opponent's mix over a common denominator: integer weights.
    let denominator = opponent.iter().fold(BigInt::one(), |l, p| l.lcm(p.denom()));
    let weights: Vec<BigInt> = opponent.iter().map(|p| p.numer() * (&denominator / p.denom())).collect();
    let payoffs: Vec<BigInt> = c
        .iter()
        .map(|row| row.iter().zip(&weights).filter(|(_, w)| !w.is_zero()).map(|(u, w)| u * w).sum())
        .collect();
    let Some(best) = payoffs.iter().max() else { return false };
    own.iter().zip(&payoffs).all(|(p, payoff)| p.is_zero() || payoff == best)
}

/// An upper bound on the steps of [`enumerate`]: the bases its vertex enumeration can
/// visit in the two polytopes (McMullen's upper bound on the vertices of a simple
/// polytope of that dimension and number of facets), times the `m n` operations each
/// costs, times the cost of one operation on the dictionary's integers relative to
/// 128-bit ones (their length is at most that of a `k x k` minor, `k = min(m, n)`, and
/// multiplying takes time growing with the square of the length).
pub fn enumeration_work(game: &Game) -> f64 {
    let shape = game.shape();
    let (m, n) = (shape[0], shape[1]);
    let (a, b) = matrices(game);
    let bits = entry_bits(&a).max(entry_bits(&transpose(&b)));
    let words = (m.min(n) as f64 * bits as f64 / 128.0).max(1.0);
    (vertex::upper_bound(m, m + n) + vertex::upper_bound(n, m + n)) * (m * n) as f64 * words * words
}

/// The length in bits of the largest entry of the integer matrix [`positive_integers`]
/// makes of `m` (plus its right-hand side), computed without building it.
fn entry_bits(m: &[Vec<Q>]) -> u64 {
    let Some(least) = m.iter().flatten().min() else { return 0 };
    let greatest = m.iter().flatten().max().cloned().unwrap_or_else(Q::zero);
    // The scale is the least common multiple of the denominators; stop early once it is
    // hopelessly long (the work is then refused anyway).
    let mut scale = BigInt::one();
    for v in m.iter().flatten() {
        scale = scale.lcm(v.denom());
        if scale.bits() > 1 << 20 {
            break;
        }
    }
    let top = (greatest - least + Q::one()) * Q::from_integer(scale.clone());
    top.to_integer().bits().max(scale.bits())
}

/// Whether [`enumerate`] surely finishes in reasonable time and memory: at most 10^9
/// steps by [`enumeration_work`] (von Stengel's 6x6 game: 8,064; a 16x16 game: 5·10^8,
/// a random one of which takes 8 s; a 17x17 game is refused). The bound counts every
/// vertex the polytopes could have, so actual games take far less.
pub fn affordable(game: &Game) -> bool {
    enumeration_work(game) <= 1e9
}

/// Every extreme equilibrium of a two-player game: each completely labelled pair of
/// vertices of the best-response polytopes, as a pair of mixed strategies.
pub fn enumerate(game: &Game) -> Solution {
    assert_eq!(game.players.len(), 2, "vertex enumeration is for two-player games");
    let (a, b) = matrices(game);
    let (m, n) = (a.len(), a.first().map_or(0, Vec::len));
    // P: the row player's x, one constraint per column; Q: the column player's y, one
    // constraint per row.
    let (cp, rp) = positive_integers(&transpose(&b));
    let (cq, rq) = positive_integers(&a);
    let vp = vertex::vertices(&cp, &rp);
    let vq = vertex::vertices(&cq, &rq);
    // A vertex is tight on at least as many constraints as it has positive coordinates;
    // more means more labels than the dimension: a degenerate game.
    let degenerate = vp.iter().chain(&vq).any(|v| v.tight.len() > v.support.len());
    // (x, y) is completely labelled when supp x is among y's best responses (the rows
    // tight in Q) and supp y among x's (the columns tight in P). Vertices with exactly
    // as many labels as the dimension pair only with the vertex whose support and
    // tight set are theirs exchanged, found by lookup; degenerate vertices are tried
    // against every vertex.
    let mut simple_q: HashMap<(&Bits, &Bits), usize> = HashMap::new();
    let mut degenerate_q = Vec::new();
    for (iy, y) in vq.iter().enumerate().filter(|(_, y)| !y.support.is_empty()) {
        if y.tight.len() == y.support.len() {
            simple_q.insert((&y.tight, &y.support), iy);
        } else {
            degenerate_q.push(iy);
        }
    }
    let every_q: Vec<usize> = (0..vq.len()).filter(|&iy| !vq[iy].support.is_empty()).collect();
    let mut mixes_q: HashMap<usize, Vec<Q>> = HashMap::new();
    let mut equilibria: Vec<Profile> = Vec::new();
    for x in vp.iter().filter(|x| !x.support.is_empty()) {
        let candidates: Vec<usize> = if x.tight.len() == x.support.len() {
            simple_q
                .get(&(&x.support, &x.tight))
                .copied()
                .into_iter()
                .chain(degenerate_q.iter().copied())
                .collect()
        } else {
            every_q.clone()
        };
        let mut mix_x: Option<Vec<Q>> = None;
        for iy in candidates {
            let y = &vq[iy];
            if x.support.is_subset(&y.tight) && y.support.is_subset(&x.tight) {
                let mx = mix_x.get_or_insert_with(|| mix(&cp, &rp, x, m)).clone();
                let my = mixes_q.entry(iy).or_insert_with(|| mix(&cq, &rq, y, n)).clone();
                equilibria.push(vec![mx, my]);
            }
        }
    }
    equilibria.sort();
    equilibria.dedup();
    // Complete labelling is the equilibrium condition itself, read off the pivoting
    // dictionaries; the check below recomputes it independently, by products of the
    // payoff matrices with the mixed strategies (in integers, without the reductions of
    // rational arithmetic), so that no profile is ever reported unverified.
    let found = equilibria.len();
    equilibria.retain(|e| best_replies(&cq, &e[1], &e[0]) && best_replies(&cp, &e[0], &e[1]));
    debug_assert_eq!(equilibria.len(), found, "a completely labelled pair that is no equilibrium");
    debug_assert!(equilibria.iter().all(|e| is_equilibrium(&a, &b, e)));
    Solution { equilibria, degenerate }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(n: i64) -> Q {
        Q::from_integer(n.into())
    }

    fn game(a: &[[i64; 3]; 3], b: &[[i64; 3]; 3]) -> Game {
        let m =
            |x: &[[i64; 3]; 3]| x.iter().map(|r| r.iter().map(|&v| q(v)).collect()).collect::<Vec<Vec<Q>>>();
        Game::bimatrix(&m(a), &m(b))
    }

    #[test]
    fn rock_paper_scissors_has_one_equilibrium_all_thirds() {
        let a = [[0, -1, 1], [1, 0, -1], [-1, 1, 0]];
        let b = [[0, 1, -1], [-1, 0, 1], [1, -1, 0]];
        let s = enumerate(&game(&a, &b));
        let third = Q::new(1.into(), 3.into());
        assert_eq!(s.equilibria, vec![vec![vec![third.clone(); 3], vec![third; 3]]]);
        assert!(!s.degenerate);
    }

    #[test]
    fn battle_of_the_sexes_has_three() {
        let a = vec![vec![q(3), q(0)], vec![q(0), q(2)]];
        let b = vec![vec![q(2), q(0)], vec![q(0), q(3)]];
        let s = enumerate(&Game::bimatrix(&a, &b));
        assert_eq!(s.equilibria.len(), 3);
        // The mixed one: row plays (3/5, 2/5), column (2/5, 3/5).
        let mixed = vec![
            vec![Q::new(3.into(), 5.into()), Q::new(2.into(), 5.into())],
            vec![Q::new(2.into(), 5.into()), Q::new(3.into(), 5.into())],
        ];
        assert!(s.equilibria.contains(&mixed));
    }

    #[test]
    fn a_degenerate_game_is_reported() {
        // The column player is indifferent everywhere: a continuum of equilibria.
        let a = vec![vec![q(1), q(0)], vec![q(0), q(1)]];
        let b = vec![vec![q(0), q(0)], vec![q(0), q(0)]];
        assert!(enumerate(&Game::bimatrix(&a, &b)).degenerate);
    }

    #[test]
    fn the_independent_check_tells_equilibria_from_other_profiles() {
        // Matching pennies, shifted to positive integers: rows are the row player's
        // strategies, columns the opponent's.
        let big = |rows: [[i64; 2]; 2]| -> Vec<Vec<BigInt>> {
            rows.iter().map(|r| r.iter().map(|&v| BigInt::from(v)).collect()).collect()
        };
        let (a, bt) = (big([[3, 1], [1, 3]]), big([[1, 3], [3, 1]]));
        let half = vec![Q::new(1.into(), 2.into()); 2];
        let pure = vec![q(1), q(0)];
        assert!(best_replies(&a, &half, &half) && best_replies(&bt, &half, &half));
        // Against heads the row player must play heads: tails is no best reply.
        assert!(best_replies(&a, &pure, &pure));
        assert!(!best_replies(&a, &pure, &[q(0), q(1)]));
        assert!(!best_replies(&bt, &pure, &pure));
        // Not probability vectors.
        assert!(!best_replies(&a, &[q(1), q(1)], &half));
        assert!(!best_replies(&a, &half, &[q(2), q(-1)]));
    }

    #[test]
    fn the_integer_and_rational_paths_agree() {
        let m = vec![vec![q(2), q(1), q(-1)], vec![q(-3), q(-1), q(2)], vec![q(-2), q(1), q(2)]];
        let rhs = vec![q(8), q(-11), q(-3)];
        let integer = solve_integer(&m, &rhs).unwrap().unwrap();
        assert_eq!(integer, vec![q(2), q(3), q(-1)]);
        assert_eq!(Some(integer), solve_rational(m, rhs));
        // Singular systems are singular on both paths.
        let singular = vec![vec![q(1), q(2)], vec![q(2), q(4)]];
        assert_eq!(solve_integer(&singular, &[q(1), q(2)]), Some(None));
        assert_eq!(solve_rational(singular, vec![q(1), q(2)]), None);
        // Fractions and huge entries leave the integer path.
        assert_eq!(solve_integer(&[vec![Q::new(1.into(), 2.into())]], &[q(1)]), None);
    }
}
