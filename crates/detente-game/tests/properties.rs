//! Properties of the solvers on random integer games: every equilibrium returned is one
//! (checked exactly), and a nondegenerate two-player game has an odd number of
//! equilibria (Shapley 1974; the parity of Lemke-Howson paths), hence at least one.

use detente_game::{bimatrix, pure, Game, Q};
use proptest::prelude::*;

fn games() -> impl Strategy<Value = Game> {
    (1usize..=4, 1usize..=4).prop_flat_map(|(m, n)| {
        prop::collection::vec(-6i64..=6, 2 * m * n).prop_map(move |v| {
            let q = |x: i64| Q::from_integer(x.into());
            let a: Vec<Vec<Q>> = (0..m).map(|i| (0..n).map(|j| q(v[i * n + j])).collect()).collect();
            let b: Vec<Vec<Q>> = (0..m).map(|i| (0..n).map(|j| q(v[m * n + i * n + j])).collect()).collect();
            Game::bimatrix(&a, &b)
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn every_equilibrium_returned_is_one(game in games()) {
        let solution = bimatrix::enumerate(&game);
        for e in &solution.equilibria {
            prop_assert!(game.is_equilibrium(e));
        }
        for e in pure::equilibria(&game) {
            prop_assert!(game.is_equilibrium(&pure::as_profile(&game, &e)));
        }
        if !solution.degenerate {
            prop_assert!(solution.equilibria.len() % 2 == 1, "{} equilibria", solution.equilibria.len());
        }
    }

    #[test]
    fn pure_equilibria_are_among_all_equilibria(game in games()) {
        // A pure equilibrium is a pair of vertices of the best-response polytopes (on
        // the edges from 0 along its two strategies), so it is extreme, degenerate game
        // or not.
        let solution = bimatrix::enumerate(&game);
        for e in pure::equilibria(&game) {
            prop_assert!(solution.equilibria.contains(&pure::as_profile(&game, &e)));
        }
    }
}

proptest! {
    #[test]
    fn the_fast_bimatrix_check_agrees_with_the_general_one(game in games(), weights in prop::collection::vec(0u32..4, 8)) {
        // Arbitrary mixes (and the equilibria): both checks must give the same verdict.
        let (a, b) = bimatrix::matrices(&game);
        let shape = game.shape();
        let mix = |n: usize, offset: usize| {
            let w: Vec<u32> = (0..n).map(|i| weights[(i + offset) % weights.len()]).collect();
            let total: u32 = w.iter().sum::<u32>().max(1);
            w.iter().map(|&x| Q::new(x.into(), total.into())).collect::<Vec<Q>>()
        };
        let mut profiles = vec![vec![mix(shape[0], 0), mix(shape[1], 3)]];
        profiles.extend(bimatrix::enumerate(&game).equilibria);
        for p in &profiles {
            prop_assert_eq!(bimatrix::is_equilibrium(&a, &b, p), game.is_equilibrium(p));
        }
    }
}

fn three_player_games() -> impl Strategy<Value = Game> {
    prop::collection::vec(-40i64..=40, 24).prop_map(|v| {
        let mut game = Game::zeros(3, &[2, 2, 2]);
        for (profile, payoffs) in game.payoffs.iter_mut().enumerate() {
            *payoffs = (0..3).map(|p| Q::from_integer(v[profile * 3 + p].into())).collect();
        }
        game
    })
}

/// Player `i`'s payoff from its first strategy minus its second, when the players play
/// their first strategies with probabilities `p` (its own entry ignored).
fn difference(game: &Game, i: usize, p: &[Q; 3]) -> Q {
    let mut total = Q::from_integer(0.into());
    for profile in 0..8usize {
        let s = [profile & 1, (profile >> 1) & 1, (profile >> 2) & 1];
        if s[i] != 0 {
            continue;
        }
        let weight: Q = (0..3)
            .filter(|&k| k != i)
            .map(|k| if s[k] == 0 { p[k].clone() } else { Q::from_integer(1.into()) - &p[k] })
            .product();
        let mut other = s;
        other[i] = 1;
        total += weight * (game.payoff(&s, i) - game.payoff(&other, i));
    }
    total
}

/// Whether every listed equilibrium is regular: players on a pure strategy strictly
/// prefer it, and the indifference equations of the mixing players have a nonsingular
/// Jacobian there (computed here by finite differences of the exact, multilinear
/// payoff differences, which are exact for multilinear functions).
fn regular(game: &Game, equilibria: &[Vec<Vec<Q>>]) -> bool {
    let one = Q::from_integer(1.into());
    equilibria.iter().all(|e| {
        let p: [Q; 3] = std::array::from_fn(|i| e[i][0].clone());
        let mixing: Vec<usize> =
            (0..3).filter(|&i| p[i] != one && p[i] != Q::from_integer(0.into())).collect();
        if (0..3).any(|i| !mixing.contains(&i) && difference(game, i, &p) == Q::from_integer(0.into())) {
            return false;
        }
        // d E_i / d p_k = E_i(p_k = 1) - E_i(p_k = 0): E_i is linear in p_k.
        let jacobian: Vec<Vec<Q>> = mixing
            .iter()
            .map(|&i| {
                mixing
                    .iter()
                    .map(|&k| {
                        let (mut hi, mut lo) = (p.clone(), p.clone());
                        hi[k] = one.clone();
                        lo[k] = Q::from_integer(0.into());
                        difference(game, i, &hi) - difference(game, i, &lo)
                    })
                    .collect()
            })
            .collect();
        determinant(jacobian) != Q::from_integer(0.into())
    })
}

fn determinant(m: Vec<Vec<Q>>) -> Q {
    match m.len() {
        0 => Q::from_integer(1.into()),
        1 => m[0][0].clone(),
        2 => &m[0][0] * &m[1][1] - &m[0][1] * &m[1][0],
        _ => {
            &m[0][0] * (&m[1][1] * &m[2][2] - &m[1][2] * &m[2][1])
                - &m[0][1] * (&m[1][0] * &m[2][2] - &m[1][2] * &m[2][0])
                + &m[0][2] * (&m[1][0] * &m[2][1] - &m[1][1] * &m[2][0])
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn every_three_player_equilibrium_is_one_and_regular_games_have_an_odd_number(game in three_player_games()) {
        let solution = detente_game::three_player::equilibria(&game);
        for e in &solution.equilibria {
            prop_assert!(game.is_equilibrium(e));
        }
        // Wilson's oddness theorem (1971), in Harsanyi's form: a game whose equilibria
        // are all regular has an odd number of them (rational and irrational alike).
        // Games with payoff ties may have an even number, or continua (then reported).
        if !solution.degenerate && regular(&game, &solution.equilibria) {
            prop_assert!((solution.equilibria.len() + solution.irrational.len()) % 2 == 1,
                "{} + {} equilibria", solution.equilibria.len(), solution.irrational.len());
        }
    }

    #[test]
    fn three_player_games_with_ties_miss_no_equilibrium_on_a_grid(v in prop::collection::vec(0i64..=2, 24)) {
        // Payoffs in 0..=2: ties everywhere, equilibria at simple fractions. Every
        // listed equilibrium is one, and unless the game is reported to have a
        // continuum, every equilibrium among the profiles with probabilities in
        // multiples of 1/6 (found here by checking each) is listed.
        let mut game = Game::zeros(3, &[2, 2, 2]);
        for (profile, payoffs) in game.payoffs.iter_mut().enumerate() {
            *payoffs = (0..3).map(|p| Q::from_integer(v[profile * 3 + p].into())).collect();
        }
        let solution = detente_game::three_player::equilibria(&game);
        for e in &solution.equilibria {
            prop_assert!(game.is_equilibrium(e));
        }
        if !solution.degenerate {
            let grid: Vec<Q> = (0..=6).map(|k| Q::new(k.into(), 6.into())).collect();
            for x in &grid {
                for y in &grid {
                    for z in &grid {
                        let profile: Vec<Vec<Q>> =
                            [x, y, z].iter().map(|p| vec![(*p).clone(), Q::from_integer(1.into()) - *p]).collect();
                        if game.is_equilibrium(&profile) {
                            prop_assert!(solution.equilibria.contains(&profile), "{:?} is missing", profile);
                        }
                    }
                }
            }
        }
    }
}

proptest! {
    #[test]
    fn the_nfg_reader_never_panics(text in ".{0,300}") {
        let _ = detente_game::nfg::read(&text);
    }

    #[test]
    fn mangled_games_are_errors_or_games(cut in 0usize..200, insert in "[{}\",0-9a-zA-Z/.-]{0,3}") {
        let original = include_str!("games/long-lh-unique.nfg");
        let at = cut.min(original.len());
        let at = (0..=at).rev().find(|&i| original.is_char_boundary(i)).unwrap_or(0);
        let text = format!("{}{}{}", &original[..at], insert, &original[at..]);
        if let Ok(game) = detente_game::nfg::read(&text) {
            if game.players.len() == 2 && game.shape().iter().all(|&n| n <= 8) {
                let _ = detente_game::bimatrix::enumerate(&game);
            }
        }
    }
}
