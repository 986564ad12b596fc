//! Every vertex of a polytope `{ z >= 0 : C z <= r }` whose matrix `C` has positive
//! integer entries and whose right-hand sides `r` are equal and positive, exactly.
//!
//! This is the vertex enumeration behind [`crate::bimatrix::enumerate`]: the
//! best-response polytopes of a two-player game with positive payoffs have this form
//! (von Stengel, "Computing equilibria for two-person games", Handbook of Game Theory
//! vol. 3, 2002, section 3; Avis, Rosenberg, Savani and von Stengel, "Enumeration of
//! Nash equilibria for two-player games", Economic Theory 42, 2010).
//!
//! The method is a depth-first search over the bases of the polytope's linear system,
//! moving between neighbouring bases by pivoting, as Avis and Fukuda's reverse search
//! and lrs do (D. Avis and K. Fukuda, "A pivoting algorithm for convex hulls and vertex
//! enumeration of arrangements and polyhedra", Discrete Comput. Geom. 8, 1992), though
//! it remembers the bases it has seen instead of deriving each one's parent:
//!
//! * **Degeneracy** is handled by lexicographic perturbation: the right-hand sides are
//!   read as `r + (ε, ε², ε³, ...)` for an infinitesimal `ε`, which makes the polytope
//!   simple, so every pivot has one leaving variable (the lexicographic ratio test) and
//!   every basis that is feasible for the perturbed system (a *lexico-feasible* basis)
//!   is one vertex of the perturbed polytope. That polytope's graph is connected, so the
//!   search from the basis at `z = 0` visits every lexico-feasible basis. Each vertex of
//!   the real polytope is the limit (`ε = 0`) of at least one of them, and several of
//!   them share a vertex where the real polytope is degenerate: vertices are kept once.
//! * **Exactness**: the dictionary is kept fraction-free (Bareiss's integer pivoting, as
//!   lrs does): every entry is an integer, the common denominator of all of them being
//!   the last pivot. Entries are 128-bit integers while they fit and arbitrary-precision
//!   ones otherwise, decided entry by entry.
//! * **Memory**: one dictionary, pivoted forward into a new basis and back again when the
//!   search returns, and the set of bases seen.

use std::cmp::Ordering;
use std::collections::HashSet;

use num_bigint::BigInt;
use num_traits::Signed;

/// An exact integer: 128 bits while it fits, arbitrary precision otherwise. Always
/// normalized (`Big` only for values outside `i128`), so `==` compares values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Z {
    Small(i128),
    Big(BigInt),
}

const ZERO: Z = Z::Small(0);

impl Z {
    fn from_big(value: BigInt) -> Z {
        match i128::try_from(&value) {
            Ok(small) => Z::Small(small),
            Err(_) => Z::Big(value),
        }
    }

    pub(crate) fn to_big(&self) -> BigInt {
        match self {
            Z::Small(v) => BigInt::from(*v),
            Z::Big(v) => v.clone(),
        }
    }

    fn signum(&self) -> Ordering {
        match self {
            Z::Small(v) => v.cmp(&0),
            Z::Big(v) => v.sign().cmp(&num_bigint::Sign::NoSign),
        }
    }

    fn is_positive(&self) -> bool {
        self.signum() == Ordering::Greater
    }

    fn is_zero(&self) -> bool {
        self.signum() == Ordering::Equal
    }

    fn neg(&self) -> Z {
        match self {
            Z::Small(v) => v.checked_neg().map_or_else(|| Z::from_big(-BigInt::from(*v)), Z::Small),
            Z::Big(v) => Z::from_big(-v),
        }
    }

    /// `(a p - b q) / d`, where the division is known to be exact.
    fn mul_sub_div(a: &Z, p: &Z, b: &Z, q: &Z, d: &Z) -> Z {
        if let (Z::Small(a), Z::Small(p), Z::Small(b), Z::Small(q), Z::Small(d)) = (a, p, b, q, d) {
            let small = a
                .checked_mul(*p)
                .and_then(|ap| b.checked_mul(*q).and_then(|bq| ap.checked_sub(bq)))
                .and_then(|n| n.checked_div(*d));
            if let Some(v) = small {
                return Z::Small(v);
            }
        }
        Z::from_big((a.to_big() * p.to_big() - b.to_big() * q.to_big()) / d.to_big())
    }

    /// `a b` compared with `c d`.
    fn cmp_products(a: &Z, b: &Z, c: &Z, d: &Z) -> Ordering {
        if let (Z::Small(a), Z::Small(b), Z::Small(c), Z::Small(d)) = (a, b, c, d) {
            if let (Some(ab), Some(cd)) = (a.checked_mul(*b), c.checked_mul(*d)) {
                return ab.cmp(&cd);
            }
        }
        (a.to_big() * b.to_big()).cmp(&(c.to_big() * d.to_big()))
    }
}

/// A set of small indices.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Bits(Vec<u64>);

impl Bits {
    pub(crate) fn new(size: usize) -> Bits {
        Bits(vec![0; size.div_ceil(64)])
    }

    pub(crate) fn insert(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }

    pub(crate) fn len(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.iter().all(|&w| w == 0)
    }

    /// Whether every member of `self` is in `other` (of the same size).
    pub(crate) fn is_subset(&self, other: &Bits) -> bool {
        self.0.iter().zip(&other.0).all(|(a, b)| a & !b == 0)
    }
}

/// A vertex of the polytope.
#[derive(Clone, Debug)]
pub(crate) struct Vertex {
    /// The variables `z_k` that are positive at the vertex.
    pub support: Bits,
    /// The constraints `(C z)_r <= r` that hold with equality at the vertex.
    pub tight: Bits,
    /// One basis of the vertex, from which its coordinates are recomputed: the basic
    /// variables (`z_k` for `k` in `basic`, some possibly zero) and, as many, the
    /// tight constraints that are nonbasic; `C[tight][basic] z = r` is nonsingular.
    pub basic: Vec<usize>,
    /// See `basic`.
    pub tight_basis: Vec<usize>,
}

/// Where a variable is in the dictionary. Variables `0..vars` are the `z_k`; variable
/// `vars + r` is the slack of constraint `r`.
#[derive(Clone, Copy)]
enum Place {
    Row(usize),
    Column(usize),
}

/// The fraction-free dictionary: for each row `i`,
/// `det * basic_i + sum_k t[i][k] * nonbasic_k = t[i][rhs]`.
struct Dictionary {
    rows: usize,
    vars: usize,
    /// `rows x (vars + 1)`, the last column the right-hand side.
    t: Vec<Z>,
    basic: Vec<usize>,
    nonbasic: Vec<usize>,
    place: Vec<Place>,
    det: Z,
}

impl Dictionary {
    fn new(c: &[Vec<BigInt>], rhs: &BigInt) -> Dictionary {
        let rows = c.len();
        let vars = c.first().map_or(0, Vec::len);
        let mut t = Vec::with_capacity(rows * (vars + 1));
        for row in c {
            t.extend(row.iter().map(|v| Z::from_big(v.clone())));
            t.push(Z::from_big(rhs.clone()));
        }
        let mut place: Vec<Place> = (0..vars).map(Place::Column).collect();
        place.extend((0..rows).map(Place::Row));
        Dictionary {
            rows,
            vars,
            t,
            basic: (vars..vars + rows).collect(),
            nonbasic: (0..vars).collect(),
            place,
            det: Z::Small(1),
        }
    }

    fn at(&self, row: usize, col: usize) -> &Z {
        &self.t[row * (self.vars + 1) + col]
    }

    fn rhs(&self, row: usize) -> &Z {
        self.at(row, self.vars)
    }

    /// The entry of row `row` in the column of constraint `r`'s slack, in the full
    /// tableau (where a basic variable's column is `det` in its row, zero elsewhere).
    fn slack_entry(&self, row: usize, r: usize) -> Z {
        match self.place[self.vars + r] {
            Place::Row(i) => {
                if i == row {
                    self.det.clone()
                } else {
                    Z::Small(0)
                }
            }
            Place::Column(k) => self.at(row, k).clone(),
        }
    }

    /// Whether row `a` comes before row `b` in the lexicographic ratio test for column
    /// `k`: the right-hand side, then the columns of the first basis (the slacks), each
    /// divided by the row's entry in column `k`.
    fn lex_before(&self, a: usize, b: usize, k: usize) -> bool {
        let (pa, pb) = (self.at(a, k), self.at(b, k));
        match Z::cmp_products(self.rhs(a), pb, self.rhs(b), pa) {
            Ordering::Less => return true,
            Ordering::Greater => return false,
            Ordering::Equal => {}
        }
        for r in 0..self.rows {
            match Z::cmp_products(&self.slack_entry(a, r), pb, &self.slack_entry(b, r), pa) {
                Ordering::Less => return true,
                Ordering::Greater => return false,
                Ordering::Equal => {}
            }
        }
        // Rows of an invertible matrix differ somewhere; equal rows cannot happen.
        false
    }

    /// The row that leaves when column `k` enters (the lexicographic ratio test), or
    /// `None` if the column has no positive entry (an unbounded direction, impossible
    /// for the bounded polytopes enumerated here).
    fn leaving(&self, k: usize) -> Option<usize> {
        let mut best: Option<usize> = None;
        for r in 0..self.rows {
            if self.at(r, k).is_positive() {
                best = match best {
                    Some(b) if !self.lex_before(r, b, k) => Some(b),
                    _ => Some(r),
                };
            }
        }
        best
    }

    /// Pivots column `k` into the basis at row `row`. Pivoting again at the same place
    /// undoes it exactly.
    fn pivot(&mut self, row: usize, k: usize) {
        let width = self.vars + 1;
        let p = self.at(row, k).clone();
        let pivot_row: Vec<Z> = self.t[row * width..(row + 1) * width].to_vec();
        for i in 0..self.rows {
            if i == row {
                continue;
            }
            let factor = self.t[i * width + k].clone();
            for (j, r) in pivot_row.iter().enumerate() {
                let cell = &mut self.t[i * width + j];
                if j == k {
                    *cell = cell.neg();
                } else if !factor.is_zero() {
                    *cell = Z::mul_sub_div(cell, &p, &factor, r, &self.det);
                } else if !cell.is_zero() {
                    *cell = Z::mul_sub_div(cell, &p, &ZERO, &ZERO, &self.det);
                }
            }
        }
        self.t[row * width + k] = self.det.clone();
        self.det = p;
        let (entering, leaving) = (self.nonbasic[k], self.basic[row]);
        self.basic[row] = entering;
        self.nonbasic[k] = leaving;
        self.place[entering] = Place::Row(row);
        self.place[leaving] = Place::Column(k);
    }

    /// The basis as a key for the set of bases seen: the shorter of the sorted basic and
    /// nonbasic variable lists (they determine each other), after exchanging the
    /// variables at `row` and column `k` if given.
    fn key(&self, swap: Option<(usize, usize)>) -> Vec<u32> {
        let (mut basic, mut nonbasic) = (self.basic.clone(), self.nonbasic.clone());
        if let Some((row, k)) = swap {
            std::mem::swap(&mut basic[row], &mut nonbasic[k]);
        }
        let mut key: Vec<u32> = if nonbasic.len() <= basic.len() { nonbasic } else { basic }
            .into_iter()
            .map(|v| v as u32)
            .collect();
        key.sort_unstable();
        key
    }

    fn vertex(&self) -> Vertex {
        let mut support = Bits::new(self.vars);
        let mut tight = Bits::new(self.rows);
        let mut basic = Vec::new();
        let mut tight_basis = Vec::new();
        for (i, &v) in self.basic.iter().enumerate() {
            let zero = self.rhs(i).is_zero();
            if v < self.vars {
                basic.push(v);
                if !zero {
                    support.insert(v);
                }
            } else if zero {
                tight.insert(v - self.vars);
            }
        }
        for &v in &self.nonbasic {
            if v >= self.vars {
                tight.insert(v - self.vars);
                tight_basis.push(v - self.vars);
            }
        }
        basic.sort_unstable();
        tight_basis.sort_unstable();
        Vertex { support, tight, basic, tight_basis }
    }
}

/// Every vertex of `{ z >= 0 : C z <= rhs }`, `z = 0` among them, each once. `C` must
/// have positive entries (which bounds the polytope) and `rhs` must be positive.
pub(crate) fn vertices(c: &[Vec<BigInt>], rhs: &BigInt) -> Vec<Vertex> {
    debug_assert!(rhs.is_positive() && c.iter().flatten().all(Signed::is_positive));
    let mut dictionary = Dictionary::new(c, rhs);
    let mut bases: HashSet<Vec<u32>> = HashSet::new();
    bases.insert(dictionary.key(None));
    let mut seen: HashSet<(Bits, Bits)> = HashSet::new();
    let mut out = Vec::new();
    let mut record = |d: &Dictionary| {
        let v = d.vertex();
        if seen.insert((v.support.clone(), v.tight.clone())) {
            out.push(v);
        }
    };
    record(&dictionary);
    // Depth-first: the pivots that led here, to be undone on the way back.
    let mut path: Vec<(usize, usize)> = Vec::new();
    let mut next = 0;
    loop {
        if next < dictionary.vars {
            let k = next;
            next += 1;
            let Some(row) = dictionary.leaving(k) else { continue };
            if bases.insert(dictionary.key(Some((row, k)))) {
                dictionary.pivot(row, k);
                record(&dictionary);
                path.push((row, k));
                next = 0;
            }
        } else {
            let Some((row, k)) = path.pop() else { break };
            dictionary.pivot(row, k);
            next = k + 1;
        }
    }
    out
}

/// The most vertices a `d`-dimensional polytope with `f` facets can have (McMullen's
/// upper bound theorem), as a float: a bound on the bases [`vertices`] visits, since
/// the perturbed polytope it walks is simple, of dimension `vars`, with at most
/// `vars + rows` facets.
pub(crate) fn upper_bound(d: usize, f: usize) -> f64 {
    let choose = |n: usize, k: usize| -> f64 {
        if k > n {
            return 0.0;
        }
        let k = k.min(n - k);
        (0..k).fold(1.0f64, |acc, i| acc * (n - i) as f64 / (i + 1) as f64)
    };
    if d == 0 {
        return 1.0;
    }
    let (floor, ceil) = (d / 2, d.div_ceil(2));
    if f <= d {
        // Not a bounded polytope; no call here asks for one.
        return 1.0;
    }
    choose(f - ceil, floor) + choose(f - floor - 1, ceil - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn big(rows: &[&[i64]]) -> Vec<Vec<BigInt>> {
        rows.iter().map(|r| r.iter().map(|&v| BigInt::from(v)).collect()).collect()
    }

    #[test]
    fn a_square_has_four_vertices() {
        // 2 z1 + z2 <= 2 and z1 + 2 z2 <= 2: vertices 0, (1, 0), (0, 1), (2/3, 2/3).
        let v = vertices(&big(&[&[2, 1], &[1, 2]]), &BigInt::from(2));
        assert_eq!(v.len(), 4);
        let supports: Vec<usize> = v.iter().map(|v| v.support.len()).collect();
        assert_eq!(supports.iter().filter(|&&s| s == 2).count(), 1);
    }

    #[test]
    fn a_degenerate_vertex_is_listed_once() {
        // Three constraints through (1, 1) in the plane: 3 z1 + 3 z2 <= 6,
        // 4 z1 + 2 z2 <= 6, 2 z1 + 4 z2 <= 6. Vertices 0, (3/2, 0), (0, 3/2), (1, 1), the
        // last one tight three times (and reached by several bases).
        let v = vertices(&big(&[&[3, 3], &[4, 2], &[2, 4]]), &BigInt::from(6));
        assert_eq!(v.len(), 4);
        assert!(v.iter().any(|v| v.tight.len() == 3));
    }

    #[test]
    fn big_entries_take_the_arbitrary_precision_path() {
        let huge = BigInt::from(10).pow(40);
        let c = vec![vec![huge.clone(), BigInt::from(1)], vec![BigInt::from(1), huge.clone()]];
        assert_eq!(vertices(&c, &huge).len(), 4);
        assert_eq!(Z::from_big(huge.clone()), Z::Big(huge));
        assert_eq!(Z::from_big(BigInt::from(5)), Z::Small(5));
        assert_eq!(Z::Small(i128::MIN).neg(), Z::Big(BigInt::from(i128::MIN) * -1));
    }

    #[test]
    fn the_upper_bound_theorem() {
        assert_eq!(upper_bound(2, 7), 7.0); // a heptagon
        assert_eq!(upper_bound(3, 6), 8.0); // a cube
        assert_eq!(upper_bound(1, 2), 2.0);
        assert_eq!(upper_bound(6, 12), 112.0);
    }
}
