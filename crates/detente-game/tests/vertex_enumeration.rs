//! Extreme equilibria of degenerate two-player games, against an independent
//! enumeration written here from the definition: every vertex of each best-response
//! polytope found by brute force (every choice of as many tight constraints as the
//! dimension, solved by plain Gaussian elimination in rationals, kept if feasible), and
//! every completely labelled pair of vertices. It shares no code with the library's
//! pivoting enumeration (src/vertex.rs), which reaches vertices through lexicographic
//! pivots instead.

use std::collections::BTreeSet;

use detente_game::{bimatrix, Game, Profile, Q};
use num_traits::{One, Zero};
use proptest::prelude::*;

/// Solves `m z = rhs` (square) exactly; `None` when singular.
fn gauss(mut m: Vec<Vec<Q>>, mut rhs: Vec<Q>) -> Option<Vec<Q>> {
    let size = rhs.len();
    for col in 0..size {
        let pivot = (col..size).find(|&r| !m[r][col].is_zero())?;
        m.swap(col, pivot);
        rhs.swap(col, pivot);
        let pivot_row = m[col].clone();
        for r in 0..size {
            if r != col && !m[r][col].is_zero() {
                let factor = &m[r][col] / &pivot_row[col];
                for (cell, p) in m[r].iter_mut().zip(&pivot_row).skip(col) {
                    *cell -= &factor * p;
                }
                let delta = &factor * &rhs[col];
                rhs[r] -= delta;
            }
        }
    }
    Some((0..size).map(|r| &rhs[r] / &m[r][r]).collect())
}

/// Every subset of `0..n` of size `k`.
fn choose(n: usize, k: usize) -> Vec<Vec<usize>> {
    if k == 0 {
        return vec![vec![]];
    }
    if n < k {
        return vec![];
    }
    let mut out = choose(n - 1, k);
    for mut s in choose(n - 1, k - 1) {
        s.push(n - 1);
        out.push(s);
    }
    out
}

/// A vertex of `{ z >= 0 : M z <= 1 }` (M positive, `rows x dim`) with its labels:
/// `(point, zero coordinates, tight rows)`.
type Point = (Vec<Q>, BTreeSet<usize>, BTreeSet<usize>);

/// All vertices of `{ z >= 0 : M z <= 1 }`: constraint `k < dim` is `z_k >= 0`,
/// constraint `dim + r` is row `r`.
fn brute_vertices(m: &[Vec<Q>]) -> Vec<Point> {
    let dim = m[0].len();
    let mut out: Vec<Point> = Vec::new();
    for tight in choose(dim + m.len(), dim) {
        let system: Vec<Vec<Q>> = tight
            .iter()
            .map(|&c| {
                if c < dim {
                    (0..dim).map(|k| if k == c { Q::one() } else { Q::zero() }).collect()
                } else {
                    m[c - dim].clone()
                }
            })
            .collect();
        let rhs: Vec<Q> = tight.iter().map(|&c| if c < dim { Q::zero() } else { Q::one() }).collect();
        let Some(z) = gauss(system, rhs) else { continue };
        let slack: Vec<Q> =
            m.iter().map(|row| Q::one() - row.iter().zip(&z).map(|(a, b)| a * b).sum::<Q>()).collect();
        if z.iter().chain(&slack).any(|v| *v < Q::zero()) {
            continue;
        }
        let zeros = (0..dim).filter(|&k| z[k].is_zero()).collect();
        let tight_rows = (0..m.len()).filter(|&r| slack[r].is_zero()).collect();
        if !out.iter().any(|(p, _, _)| *p == z) {
            out.push((z, zeros, tight_rows));
        }
    }
    out
}

fn positive(m: &[Vec<Q>]) -> Vec<Vec<Q>> {
    let least = m.iter().flatten().min().unwrap().clone();
    m.iter().map(|row| row.iter().map(|v| v - &least + Q::one()).collect()).collect()
}

/// The extreme equilibria and whether the game is degenerate, by brute force.
fn brute_equilibria(a: &[Vec<Q>], b: &[Vec<Q>]) -> (Vec<Profile>, bool) {
    let (m, n) = (a.len(), a[0].len());
    let bt: Vec<Vec<Q>> = (0..n).map(|j| (0..m).map(|i| b[i][j].clone()).collect()).collect();
    let p = brute_vertices(&positive(&bt)); // x in R^m, rows are the columns j
    let q = brute_vertices(&positive(a)); // y in R^n, rows are the rows i
    let degenerate =
        p.iter().any(|(_, z, t)| z.len() + t.len() > m) || q.iter().any(|(_, z, t)| z.len() + t.len() > n);
    let normalize = |z: &[Q]| {
        let total: Q = z.iter().sum();
        z.iter().map(|v| v / &total).collect::<Vec<Q>>()
    };
    let mut out = Vec::new();
    for (x, x_zero, x_tight) in p.iter().filter(|(z, _, _)| z.iter().any(|v| !v.is_zero())) {
        for (y, y_zero, y_tight) in q.iter().filter(|(z, _, _)| z.iter().any(|v| !v.is_zero())) {
            // Label i: x_i = 0 or row i tight in Q; label m + j: y_j = 0 or column j
            // tight in P.
            let complete = (0..m).all(|i| x_zero.contains(&i) || y_tight.contains(&i))
                && (0..n).all(|j| y_zero.contains(&j) || x_tight.contains(&j));
            if complete {
                out.push(vec![normalize(x), normalize(y)]);
            }
        }
    }
    out.sort();
    (out, degenerate)
}

fn degenerate_games() -> impl Strategy<Value = (Vec<Vec<Q>>, Vec<Vec<Q>>)> {
    (2usize..=4, 2usize..=4).prop_flat_map(|(m, n)| {
        prop::collection::vec(0i64..=3, 2 * m * n).prop_map(move |v| {
            let q = |x: i64| Q::from_integer(x.into());
            let a = (0..m).map(|i| (0..n).map(|j| q(v[i * n + j])).collect()).collect();
            let b = (0..m).map(|i| (0..n).map(|j| q(v[m * n + i * n + j])).collect()).collect();
            (a, b)
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    #[test]
    fn vertex_enumeration_agrees_with_brute_force_on_degenerate_games((a, b) in degenerate_games()) {
        let solution = bimatrix::enumerate(&Game::bimatrix(&a, &b));
        let (expected, degenerate) = brute_equilibria(&a, &b);
        prop_assert_eq!(&solution.equilibria, &expected);
        prop_assert_eq!(solution.degenerate, degenerate);
        let game = Game::bimatrix(&a, &b);
        for e in &solution.equilibria {
            prop_assert!(game.is_equilibrium(e));
        }
    }
}

#[test]
fn the_equilibrium_with_supports_of_different_sizes_is_found() {
    // The example of the issue: Gambit's enummixed lists x = (1/2, 1/2), y = (0, 1, 0),
    // which support enumeration (equal support sizes only) missed.
    let q = |x: i64| Q::from_integer(x.into());
    let a = vec![vec![q(0), q(0), q(1)], vec![q(1), q(0), q(1)]];
    let b = vec![vec![q(0), q(0), q(1)], vec![q(1), q(1), q(0)]];
    let solution = bimatrix::enumerate(&Game::bimatrix(&a, &b));
    let half = Q::new(1.into(), 2.into());
    assert!(solution.degenerate);
    assert!(solution.equilibria.contains(&vec![vec![half.clone(), half], vec![q(0), q(1), q(0)]]));
    assert_eq!(solution.equilibria, brute_equilibria(&a, &b).0);
}

#[test]
fn gambits_enummixed_lists_the_same_extreme_equilibria() {
    // 600 random degenerate games and what pygambit 16.7's enummixed_solve
    // (rational=True) lists for each, written by `benches/peers/peers.py
    // --enummixed-fixture` (Python is not needed to run this test).
    let fixture: serde_json::Value = serde_json::from_str(include_str!("enummixed-degenerate.json")).unwrap();
    let games = fixture["games"].as_array().unwrap();
    assert_eq!(games.len(), 600);
    let matrix = |v: &serde_json::Value| -> Vec<Vec<Q>> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|row| {
                row.as_array().unwrap().iter().map(|x| Q::from_integer(x.as_i64().unwrap().into())).collect()
            })
            .collect()
    };
    let mut degenerate = 0;
    let mut unequal_supports = 0;
    for (k, g) in games.iter().enumerate() {
        let (a, b) = (matrix(&g["a"]), matrix(&g["b"]));
        let solution = bimatrix::enumerate(&Game::bimatrix(&a, &b));
        let ours: Vec<Vec<Vec<String>>> = solution
            .equilibria
            .iter()
            .map(|e| e.iter().map(|mix| mix.iter().map(detente_game::game::to_text).collect()).collect())
            .collect();
        let mut theirs: Vec<Vec<Vec<String>>> = serde_json::from_value(g["equilibria"].clone()).unwrap();
        let mut ours_sorted = ours.clone();
        ours_sorted.sort();
        theirs.sort();
        theirs.dedup();
        assert_eq!(ours_sorted, theirs, "game {k}: a = {:?}, b = {:?}", g["a"], g["b"]);
        degenerate += usize::from(solution.degenerate);
        let support = |mix: &Vec<String>| mix.iter().filter(|p| *p != "0").count();
        unequal_supports += usize::from(ours.iter().any(|e| support(&e[0]) != support(&e[1])));
    }
    // The fixture exercises what it is for.
    assert!(degenerate > 300, "{degenerate} degenerate games");
    assert!(unequal_supports > 50, "{unequal_supports} games with supports of different sizes");
}
