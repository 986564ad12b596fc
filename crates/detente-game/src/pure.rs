//! Pure-strategy Nash equilibria of n-player games: every profile in which no player
//! gains by switching alone. Exact, and complete.

use num_traits::{One, Zero};

use crate::game::{next_profile, Game, Profile, Q};

/// Every pure equilibrium, as strategy indices per player, in profile order.
pub fn equilibria(game: &Game) -> Vec<Vec<usize>> {
    let shape = game.shape();
    let mut out = Vec::new();
    let mut pure = vec![0usize; shape.len()];
    loop {
        let stable = (0..shape.len()).all(|player| {
            let here = game.payoff(&pure, player);
            let mut deviation = pure.clone();
            (0..shape[player]).all(|s| {
                deviation[player] = s;
                game.payoff(&deviation, player) <= here
            })
        });
        if stable {
            out.push(pure.clone());
        }
        if !next_profile(&mut pure, &shape) {
            break;
        }
    }
    out
}

/// A pure profile as a mixed one (probability one on each chosen strategy).
pub fn as_profile(game: &Game, pure: &[usize]) -> Profile {
    pure.iter()
        .zip(game.shape())
        .map(|(&s, n)| (0..n).map(|t| if t == s { Q::one() } else { Q::zero() }).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(n: i64) -> Q {
        Q::from_integer(n.into())
    }

    #[test]
    fn prisoners_dilemma_has_mutual_defection_only() {
        // Strategies: 0 cooperate, 1 defect.
        let a = vec![vec![q(3), q(0)], vec![q(5), q(1)]];
        let b = vec![vec![q(3), q(5)], vec![q(0), q(1)]];
        let game = Game::bimatrix(&a, &b);
        assert_eq!(equilibria(&game), vec![vec![1, 1]]);
    }

    #[test]
    fn every_pure_equilibrium_is_an_equilibrium() {
        let a = vec![vec![q(2), q(0)], vec![q(0), q(1)]];
        let b = vec![vec![q(1), q(0)], vec![q(0), q(2)]];
        let game = Game::bimatrix(&a, &b);
        let found = equilibria(&game);
        assert_eq!(found, vec![vec![0, 0], vec![1, 1]]);
        assert!(found.iter().all(|e| game.is_equilibrium(&as_profile(&game, e))));
    }
}
