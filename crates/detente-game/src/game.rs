//! A finite game in strategic (normal) form with exact rational payoffs.

use num_rational::BigRational;
use num_traits::{One, Zero};

/// A number of the exact arithmetic: an arbitrary-precision rational.
pub type Q = BigRational;

/// A finite strategic-form game.
#[derive(Clone, Debug, PartialEq)]
pub struct Game {
    /// Its title.
    pub title: String,
    /// The players' names, in order.
    pub players: Vec<String>,
    /// Each player's strategy names, in order.
    pub strategies: Vec<Vec<String>>,
    /// Payoffs by profile then player: `payoffs[profile][player]`, profiles numbered with
    /// the first player's strategy varying fastest (Gambit's order).
    pub payoffs: Vec<Vec<Q>>,
}

/// A mixed strategy per player: `profile[player][strategy]` is a probability.
pub type Profile = Vec<Vec<Q>>;

impl Game {
    /// A game of the given shape with all payoffs zero.
    pub fn zeros(players: usize, counts: &[usize]) -> Game {
        let profiles: usize = counts.iter().product();
        Game {
            title: String::new(),
            players: (1..=players).map(|p| p.to_string()).collect(),
            strategies: counts.iter().map(|&n| (1..=n).map(|s| s.to_string()).collect()).collect(),
            payoffs: vec![vec![Q::zero(); players]; profiles],
        }
    }

    /// A two-player game from payoff matrices `a` (row player) and `b` (column player).
    pub fn bimatrix(a: &[Vec<Q>], b: &[Vec<Q>]) -> Game {
        let (m, n) = (a.len(), a.first().map_or(0, Vec::len));
        let mut game = Game::zeros(2, &[m, n]);
        for i in 0..m {
            for j in 0..n {
                game.payoffs[i + j * m] = vec![a[i][j].clone(), b[i][j].clone()];
            }
        }
        game
    }

    /// How many strategies each player has.
    pub fn shape(&self) -> Vec<usize> {
        self.strategies.iter().map(Vec::len).collect()
    }

    /// The index of a pure profile (one strategy per player).
    pub fn profile_index(&self, pure: &[usize]) -> usize {
        let mut index = 0;
        let mut stride = 1;
        for (p, &s) in pure.iter().enumerate() {
            index += s * stride;
            stride *= self.strategies[p].len();
        }
        index
    }

    /// The payoff to `player` of a pure profile.
    pub fn payoff(&self, pure: &[usize], player: usize) -> &Q {
        &self.payoffs[self.profile_index(pure)][player]
    }

    /// The expected payoff to `player` when everyone plays `profile`, except that
    /// `player` plays pure strategy `own` if given.
    pub fn expected(&self, profile: &Profile, player: usize, own: Option<usize>) -> Q {
        let shape = self.shape();
        let mut total = Q::zero();
        let mut pure = vec![0usize; shape.len()];
        loop {
            let mut weight = Q::one();
            for (p, &s) in pure.iter().enumerate() {
                let prob = match (p == player, own) {
                    (true, Some(o)) => {
                        if s == o {
                            Q::one()
                        } else {
                            Q::zero()
                        }
                    }
                    _ => profile[p][s].clone(),
                };
                if prob.is_zero() {
                    weight = Q::zero();
                    break;
                }
                weight *= prob;
            }
            if !weight.is_zero() {
                total += weight * self.payoff(&pure, player);
            }
            if !next_profile(&mut pure, &shape) {
                break;
            }
        }
        total
    }

    /// Whether `profile` is a Nash equilibrium, exactly: every player's mix is a
    /// probability vector and no pure deviation pays more.
    pub fn is_equilibrium(&self, profile: &Profile) -> bool {
        for (player, mix) in profile.iter().enumerate() {
            let valid = mix.len() == self.strategies[player].len()
                && mix.iter().all(|p| !p.is_negative_q())
                && mix.iter().sum::<Q>() == Q::one();
            if !valid {
                return false;
            }
            let value = self.expected(profile, player, None);
            if (0..mix.len()).any(|s| self.expected(profile, player, Some(s)) > value) {
                return false;
            }
        }
        true
    }
}

/// Moves `pure` to the next pure profile in Gambit's order (first player fastest);
/// `false` after the last one.
pub fn next_profile(pure: &mut [usize], shape: &[usize]) -> bool {
    for (s, &n) in pure.iter_mut().zip(shape) {
        *s += 1;
        if *s < n {
            return true;
        }
        *s = 0;
    }
    false
}

/// A fixed pseudo-random `size` x `size` game with integer payoffs in -100..=100 (a
/// linear congruential generator): the same game for a seed everywhere, for tests and
/// benchmarks (`benches/peers/peers.py` builds the same games).
pub fn random_bimatrix(size: usize, seed: u64) -> Game {
    let mut state = seed;
    let mut next = || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        Q::from_integer((((state >> 33) % 201) as i64 - 100).into())
    };
    let a: Vec<Vec<Q>> = (0..size).map(|_| (0..size).map(|_| next()).collect()).collect();
    let b: Vec<Vec<Q>> = (0..size).map(|_| (0..size).map(|_| next()).collect()).collect();
    Game::bimatrix(&a, &b)
}

/// Sign tests on rationals without importing `Signed` everywhere.
pub trait Sign {
    /// Whether the number is below zero.
    fn is_negative_q(&self) -> bool;
}

impl Sign for Q {
    fn is_negative_q(&self) -> bool {
        *self < Q::zero()
    }
}

/// A rational as text: `"1/3"`, `"0"`, `"-2"`.
pub fn to_text(q: &Q) -> String {
    if q.denom().is_one() {
        q.numer().to_string()
    } else {
        format!("{}/{}", q.numer(), q.denom())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(n: i64) -> Q {
        Q::from_integer(n.into())
    }

    #[test]
    fn matching_pennies_has_its_mixed_equilibrium_and_no_pure_one() {
        let a = vec![vec![q(1), q(-1)], vec![q(-1), q(1)]];
        let b = vec![vec![q(-1), q(1)], vec![q(1), q(-1)]];
        let game = Game::bimatrix(&a, &b);
        let half = Q::new(1.into(), 2.into());
        assert!(game.is_equilibrium(&vec![vec![half.clone(), half.clone()], vec![half.clone(), half]]));
        assert!(!game.is_equilibrium(&vec![vec![q(1), q(0)], vec![q(1), q(0)]]));
    }

    #[test]
    fn profiles_are_numbered_first_player_fastest() {
        let game = Game::zeros(3, &[2, 3, 2]);
        assert_eq!(game.profile_index(&[1, 0, 0]), 1);
        assert_eq!(game.profile_index(&[0, 1, 0]), 2);
        assert_eq!(game.profile_index(&[0, 0, 1]), 6);
        assert_eq!(to_text(&Q::new(2.into(), 6.into())), "1/3");
    }
}
