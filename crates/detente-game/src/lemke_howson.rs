//! One equilibrium of a two-player game by the Lemke-Howson algorithm (Lemke and
//! Howson, "Equilibrium points of bimatrix games", SIAM J. Appl. Math. 12, 1964; in the
//! tableau form of von Stengel, "Computing equilibria for two-person games", Handbook of
//! Game Theory vol. 3, 2002, section 4).
//!
//! The path is followed in floating point, which is fast; the equilibrium it ends at is
//! then *recomputed exactly* from its supports (the indifference systems, in rationals)
//! and checked exactly. Should rounding have led the path astray, or the game be
//! degenerate, the answer comes from exact vertex enumeration instead, so the result is
//! always an exactly verified equilibrium. A pivot limit guards against cycling.

use num_traits::{ToPrimitive, Zero};

use crate::bimatrix::{self, matrices};
use crate::game::{Game, Profile, Q};

/// How the equilibrium was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// The Lemke-Howson path, verified exactly.
    Path,
    /// Exact vertex enumeration (the path failed, e.g. on a degenerate game).
    Enumeration,
}

/// A tableau `basic = rhs - sum(columns)`, kept as rows over all variables plus the
/// right-hand side.
struct Tableau {
    rows: Vec<Vec<f64>>,
    /// The variable basic in each row.
    basis: Vec<usize>,
}

impl Tableau {
    /// Pivots `entering` into the basis; returns the variable that leaves, or `None` if
    /// the column is unbounded (cannot happen for positive payoffs).
    fn pivot(&mut self, entering: usize) -> Option<usize> {
        let width = self.rows[0].len();
        let rhs = width - 1;
        let mut best: Option<(usize, f64)> = None;
        for (r, row) in self.rows.iter().enumerate() {
            let coefficient = row[entering];
            if coefficient > 1e-12 {
                let ratio = row[rhs] / coefficient;
                // Ties go to the smaller basic variable: a fixed rule, with the pivot
                // limit below as the guard against cycling.
                let better = match best {
                    None => true,
                    Some((b, r0)) => {
                        ratio < r0 - 1e-12 || (ratio <= r0 + 1e-12 && self.basis[r] < self.basis[b])
                    }
                };
                if better {
                    best = Some((r, ratio));
                }
            }
        }
        let (r, _) = best?;
        let pivot_row: Vec<f64> = {
            let p = self.rows[r][entering];
            self.rows[r].iter().map(|v| v / p).collect()
        };
        for (i, row) in self.rows.iter_mut().enumerate() {
            if i != r {
                let factor = row[entering];
                if factor != 0.0 {
                    for (cell, p) in row.iter_mut().zip(&pivot_row) {
                        *cell -= factor * p;
                    }
                }
            }
        }
        self.rows[r] = pivot_row;
        let leaving = self.basis[r];
        self.basis[r] = entering;
        Some(leaving)
    }

    /// The value of each of the first `count` variables.
    fn values(&self, offset: usize, count: usize) -> Vec<f64> {
        let rhs = self.rows[0].len() - 1;
        let mut out = vec![0.0; count];
        for (r, &v) in self.basis.iter().enumerate() {
            if v >= offset && v < offset + count {
                out[v - offset] = self.rows[r][rhs];
            }
        }
        out
    }
}

/// The supports of the equilibrium at the end of the Lemke-Howson path that drops
/// label `dropped`, or `None` if the path fails.
fn path_supports(a: &[Vec<f64>], b: &[Vec<f64>], dropped: usize) -> Option<(Vec<usize>, Vec<usize>)> {
    let (m, n) = (a.len(), a[0].len());
    // Labels: 0..m for the row player's strategies, m..m+n for the column player's.
    // Tableau of Q = { y >= 0 : A y <= 1 }: variables y_j (label m + j) at 0..n and
    // slacks r_i (label i) at n..n+m.
    let mut q = Tableau {
        rows: (0..m)
            .map(|i| {
                let mut row: Vec<f64> = a[i].clone();
                row.extend((0..m).map(|k| if k == i { 1.0 } else { 0.0 }));
                row.push(1.0);
                row
            })
            .collect(),
        basis: (n..n + m).collect(),
    };
    // Tableau of P = { x >= 0 : B^T x <= 1 }: variables x_i (label i) at 0..m and slacks
    // s_j (label m + j) at m..m+n.
    let mut p = Tableau {
        rows: (0..n)
            .map(|j| {
                let mut row: Vec<f64> = (0..m).map(|i| b[i][j]).collect();
                row.extend((0..n).map(|k| if k == j { 1.0 } else { 0.0 }));
                row.push(1.0);
                row
            })
            .collect(),
        basis: (m..m + n).collect(),
    };
    let label_in_q = |v: usize| if v < n { m + v } else { v - n };
    let label_in_p = |v: usize| v; // x_i is label i, s_j (at m + j) is label m + j.
                                   // The first entering variable: x_k in P if the dropped label is the row player's,
                                   // y_j in Q otherwise.
    let mut in_p = dropped < m;
    let mut entering = if in_p { dropped } else { dropped - m };
    let limit = 50 * (m + n) * (m + n);
    for _ in 0..limit {
        let (leaving, label) = if in_p {
            let l = p.pivot(entering)?;
            (l, label_in_p(l))
        } else {
            let l = q.pivot(entering)?;
            (l, label_in_q(l))
        };
        let _ = leaving;
        if label == dropped {
            let x = p.values(0, m);
            let y = q.values(0, n);
            let rows: Vec<usize> = (0..m).filter(|&i| x[i] > 1e-9).collect();
            let cols: Vec<usize> = (0..n).filter(|&j| y[j] > 1e-9).collect();
            return Some((rows, cols));
        }
        // The duplicate label: its complementary variable enters the other tableau.
        in_p = !in_p;
        entering = if in_p {
            // Label `label` must now leave Q's set of labels by entering P: x_i for a
            // row label i, or s_j for a column label m + j.
            label
        } else if label < m {
            n + label // r_i
        } else {
            label - m // y_j
        };
    }
    None
}

/// One equilibrium, exactly verified, and how it was found.
pub fn one(game: &Game) -> Option<(Profile, Method)> {
    assert_eq!(game.players.len(), 2, "Lemke-Howson is for two-player games");
    let (a, b) = matrices(game);
    let to_f64 = |m: &[Vec<Q>]| -> Vec<Vec<f64>> {
        m.iter().map(|row| row.iter().map(|q| q.to_f64().unwrap_or(f64::NAN)).collect()).collect()
    };
    let (mut af, mut bf) = (to_f64(&a), to_f64(&b));
    // Positive payoffs keep the polytopes bounded; adding a constant changes no equilibrium.
    let least = af.iter().chain(&bf).flatten().fold(f64::INFINITY, |s, &x| s.min(x));
    if least.is_finite() {
        let shift = 1.0 - least.min(0.0);
        for v in af.iter_mut().chain(bf.iter_mut()).flatten() {
            *v += shift;
        }
        // Every label starts a path; on a degenerate game, or when rounding misleads one
        // path, another may still end at a verifiable equilibrium.
        for dropped in 0..af.len() + af[0].len() {
            let Some((rows, cols)) = path_supports(&af, &bf, dropped) else { continue };
            if let Some(profile) = bimatrix::exact_at(&a, &b, &rows, &cols) {
                if bimatrix::is_equilibrium(&a, &b, &profile) {
                    return Some((profile, Method::Path));
                }
            }
        }
    }
    // Exact enumeration as the last resort, only where it is affordable.
    if !bimatrix::affordable(game) {
        return None;
    }
    let solution = bimatrix::enumerate(game);
    solution.equilibria.into_iter().next().map(|e| (e, Method::Enumeration))
}

/// Whether a profile puts positive weight only where `Q` says so (for tests).
pub fn support(mix: &[Q]) -> Vec<usize> {
    mix.iter().enumerate().filter(|(_, p)| !p.is_zero()).map(|(i, _)| i).collect()
}
