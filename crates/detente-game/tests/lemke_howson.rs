//! Lemke-Howson: one equilibrium, always exactly verified.

use detente_game::game::random_bimatrix;
use detente_game::game::to_text;
use detente_game::lemke_howson::{one, Method};
use detente_game::{bimatrix, nfg, Game, Q};
use proptest::prelude::*;

#[test]
fn the_long_path_game_ends_at_its_unique_equilibrium() {
    let text = include_str!("games/long-lh-unique.nfg");
    let game = nfg::read(text).unwrap();
    let (e, method) = one(&game).unwrap();
    assert_eq!(method, Method::Path);
    let texts: Vec<String> = e[0].iter().map(to_text).collect();
    assert_eq!(texts, ["1/30", "1/6", "3/10", "3/10", "1/6", "1/30"]);
}

#[test]
fn large_random_games_are_solved_by_the_path_and_verified() {
    for (size, seed) in [(20, 1), (50, 2), (50, 3)] {
        let game = random_bimatrix(size, seed);
        let (e, method) = one(&game).unwrap();
        assert!(game.is_equilibrium(&e), "{size}x{size}");
        assert_eq!(method, Method::Path, "{size}x{size} seed {seed}");
    }
}

#[test]
fn every_equilibrium_of_the_75_game_includes_the_one_found() {
    let game = nfg::read(include_str!("games/vonstengel-75.nfg")).unwrap();
    let (e, _) = one(&game).unwrap();
    assert!(bimatrix::enumerate(&game).equilibria.contains(&e));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn one_always_returns_an_equilibrium(
        (m, n, v) in (1usize..=5, 1usize..=5).prop_flat_map(|(m, n)| (Just(m), Just(n), prop::collection::vec(-4i64..=4, 2 * m * n)))
    ) {
        let q = |x: i64| Q::from_integer(x.into());
        let a: Vec<Vec<Q>> = (0..m).map(|i| (0..n).map(|j| q(v[i * n + j])).collect()).collect();
        let b: Vec<Vec<Q>> = (0..m).map(|i| (0..n).map(|j| q(v[m * n + i * n + j])).collect()).collect();
        let game = Game::bimatrix(&a, &b);
        let (e, _) = one(&game).expect("every finite game has an equilibrium");
        prop_assert!(game.is_equilibrium(&e));
    }
}

#[test]
fn degenerate_games_still_get_a_verified_equilibrium() {
    // A column player indifferent everywhere, and a row player with tied rows: paths
    // may fail; some label, or enumeration, still gives a checked equilibrium.
    let q = |x: i64| Q::from_integer(x.into());
    let a = vec![vec![q(1), q(1), q(0)], vec![q(1), q(1), q(0)], vec![q(0), q(0), q(1)]];
    let b = vec![vec![q(0); 3]; 3];
    let game = Game::bimatrix(&a, &b);
    let (e, _) = one(&game).unwrap();
    assert!(game.is_equilibrium(&e));
}

#[test]
fn enumeration_knows_when_it_cannot_finish() {
    assert!(bimatrix::affordable(&random_bimatrix(10, 1)));
    assert!(!bimatrix::affordable(&random_bimatrix(40, 1)));
    // Two 2x2 polytopes: at most 4 vertices each (a quadrilateral), 4 steps per basis.
    assert_eq!(bimatrix::enumeration_work(&random_bimatrix(2, 1)), 32.0);
    // The same 10x10 game with payoffs of 900 digits: every pivot multiplies numbers
    // of thousands of digits, so it is refused.
    let mut long = random_bimatrix(10, 1);
    let huge = Q::from_integer(num_bigint::BigInt::from(10).pow(900));
    for payoff in long.payoffs.iter_mut().flatten() {
        *payoff *= &huge;
    }
    assert!(!bimatrix::affordable(&long));
}
