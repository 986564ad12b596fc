//! All Nash equilibria of two-player games by support enumeration, in exact arithmetic.
//!
//! For every pair of supports of equal size `k` (rows `I`, columns `J`), the column
//! player's mix on `J` must make the row player indifferent among `I`, and the row
//! player's mix on `I` must make the column player indifferent among `J`: two square
//! linear systems of size `k + 1`, solved exactly. A solution is an equilibrium when both
//! mixes are non-negative and no strategy outside a support pays more. For a
//! *nondegenerate* game (no mixed strategy with support of size `k` has more than `k` pure
//! best responses) this finds every equilibrium, and they are finitely many: the same set
//! Gambit's `enummixed` reports. A degenerate game can have continua of equilibria;
//! [`Solution::degenerate`] says so instead of pretending the list is complete.
//! (Support enumeration: Dickhaut and Kaplen 1991; see von Stengel, "Computing
//! equilibria for two-person games", Handbook of Game Theory vol. 3, 2002, section 2.)

use num_traits::{One, Zero};

use crate::game::{Game, Profile, Sign, Q};

/// The equilibria found, and whether the game showed degeneracy.
#[derive(Clone, Debug, PartialEq)]
pub struct Solution {
    /// Every equilibrium found, each checked exactly, sorted.
    pub equilibria: Vec<Profile>,
    /// The game is degenerate: the list may miss equilibria on continua (the extreme
    /// points of which need vertex enumeration).
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
                a[i][j] = value / previous;
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

/// Calls `f` with every subset of `0..n` of size `k`, in lexicographic order.
fn subsets(n: usize, k: usize, f: &mut dyn FnMut(&[usize])) {
    let mut chosen: Vec<usize> = (0..k).collect();
    if k > n {
        return;
    }
    loop {
        f(&chosen);
        let Some(i) = (0..k).rev().find(|&i| chosen[i] != i + n - k) else { return };
        chosen[i] += 1;
        for j in i + 1..k {
            chosen[j] = chosen[j - 1] + 1;
        }
    }
}

/// A floating-point screen of one indifference system: `false` only when the system
/// clearly has no feasible solution (a probability clearly negative, or a strategy
/// outside the support clearly better). Exact arithmetic then decides every pair the
/// screen lets through, so the screen can only save time, never change an answer: its
/// tolerance is loose, and a near-singular system always passes.
fn plausible(payoff: &[Vec<f64>], own: &[usize], support: &[usize], scale: f64) -> bool {
    let k = support.len();
    let mut m: Vec<Vec<f64>> =
        own.iter().map(|&i| support.iter().map(|&j| payoff[i][j]).chain([-1.0, 0.0]).collect()).collect();
    m.push(std::iter::repeat_n(1.0, k).chain([0.0, 1.0]).collect());
    let size = k + 1;
    for col in 0..size {
        let pivot = (col..size).max_by(|&x, &y| m[x][col].abs().total_cmp(&m[y][col].abs())).unwrap_or(col);
        if m[pivot][col].abs() < 1e-9 * scale.max(1.0) {
            return true;
        }
        m.swap(col, pivot);
        let pivot_row = m[col].clone();
        for (r, row) in m.iter_mut().enumerate() {
            let factor = row[col] / pivot_row[col];
            if r != col && factor != 0.0 {
                for (cell, p) in row.iter_mut().zip(&pivot_row).skip(col) {
                    *cell -= factor * p;
                }
            }
        }
    }
    let solution: Vec<f64> = (0..size).map(|r| m[r][size] / m[r][r]).collect();
    let tolerance = 1e-6;
    if solution[..k].iter().any(|&p| p < -tolerance) {
        return false;
    }
    let value = solution[k];
    payoff.iter().all(|row| {
        let earned: f64 = support.iter().zip(&solution).map(|(&j, p)| row[j] * p).sum();
        earned <= value + tolerance * scale.max(1.0)
    })
}

fn to_f64(m: &[Vec<Q>]) -> Vec<Vec<f64>> {
    use num_traits::ToPrimitive;
    m.iter().map(|row| row.iter().map(|q| q.to_f64().unwrap_or(f64::NAN)).collect()).collect()
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

/// How many pairs of equal-size supports a game has: the work of [`enumerate`].
pub fn support_pairs(game: &Game) -> f64 {
    let shape = game.shape();
    let (m, n) = (shape[0], shape[1]);
    let choose = |n: usize, k: usize| (0..k).fold(1.0f64, |acc, i| acc * (n - i) as f64 / (i + 1) as f64);
    (1..=m.min(n)).map(|k| choose(m, k) * choose(n, k)).sum()
}

/// Whether support enumeration finishes in reasonable time (at most 50 million pairs of
/// supports: about a minute; von Stengel's 6x6 game has 923).
pub fn affordable(game: &Game) -> bool {
    support_pairs(game) <= 5e7
}

/// Every equilibrium of a two-player game found by support enumeration.
pub fn enumerate(game: &Game) -> Solution {
    assert_eq!(game.players.len(), 2, "support enumeration is for two-player games");
    let (a, b) = matrices(game);
    let bt = transpose(&b);
    let (m, n) = (a.len(), bt.len());
    let (af, btf) = (to_f64(&a), to_f64(&bt));
    let scale = af.iter().chain(&btf).flatten().fold(0.0f64, |s, x| s.max(x.abs()));
    let screen = scale.is_finite();
    let mut equilibria: Vec<Profile> = Vec::new();
    let mut degenerate = false;
    for k in 1..=m.min(n) {
        subsets(m, k, &mut |rows| {
            subsets(n, k, &mut |cols| {
                if screen && !(plausible(&af, rows, cols, scale) && plausible(&btf, cols, rows, scale)) {
                    return;
                }
                // The column player's mix makes the row player indifferent over `rows`.
                let Some((y, u)) = indifference(&a, rows, cols, n) else { return };
                let Some(row_best) = best_responses(&a, &y, &u) else { return };
                let Some((x, v)) = indifference(&bt, cols, rows, m) else { return };
                let Some(col_best) = best_responses(&bt, &x, &v) else { return };
                // More best responses than the other's support: a degenerate game.
                let support = |mix: &[Q]| mix.iter().filter(|p| !p.is_zero()).count();
                if row_best > support(&y) || col_best > support(&x) {
                    degenerate = true;
                }
                let profile = vec![x, y];
                if !equilibria.contains(&profile) {
                    equilibria.push(profile);
                }
            });
        });
    }
    equilibria.sort();
    debug_assert!(equilibria.iter().all(|e| game.is_equilibrium(e)));
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

    #[test]
    fn subsets_are_all_there() {
        let mut seen = Vec::new();
        subsets(4, 2, &mut |s| seen.push(s.to_vec()));
        assert_eq!(seen.len(), 6);
        assert_eq!(seen[0], vec![0, 1]);
        assert_eq!(seen[5], vec![2, 3]);
    }
}
