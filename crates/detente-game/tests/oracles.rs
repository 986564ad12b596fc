//! Games with known equilibrium sets (from Gambit's catalogue and tests; see
//! tests/games/*.nfg for each one's source), solved exactly.

use detente_game::game::to_text;
use detente_game::{bimatrix, nfg, pure, Game, Q};

fn game(name: &str) -> Game {
    let path = format!("{}/tests/games/{name}", env!("CARGO_MANIFEST_DIR"));
    nfg::read(&std::fs::read_to_string(&path).unwrap()).unwrap_or_else(|e| panic!("{path}:{e}"))
}

fn texts<T: std::fmt::Display>(items: &[T]) -> Vec<String> {
    items.iter().map(|x| x.to_string()).collect()
}

#[test]
fn von_stengels_game_has_exactly_75_equilibria() {
    for name in ["vonstengel-75.nfg", "vonstengel-75-small.nfg"] {
        let g = game(name);
        let solution = bimatrix::enumerate(&g);
        assert_eq!(solution.equilibria.len(), 75, "{name}");
        assert!(!solution.degenerate, "{name} is nondegenerate");
        assert!(solution.equilibria.iter().all(|e| g.is_equilibrium(e)), "{name}");
    }
}

#[test]
fn the_long_lemke_howson_game_has_its_unique_equilibrium() {
    let g = game("long-lh-unique.nfg");
    let solution = bimatrix::enumerate(&g);
    assert_eq!(solution.equilibria.len(), 1);
    let e = &solution.equilibria[0];
    assert_eq!(texts(&e[0]), ["1/30", "1/6", "3/10", "3/10", "1/6", "1/30"]);
    assert_eq!(texts(&e[1]), ["1/6", "1/30", "3/10", "3/10", "1/30", "1/6"]);
    assert_eq!(to_text(&g.expected(e, 0, None)), "3/2");
    assert_eq!(to_text(&g.expected(e, 1, None)), "3/2");
}

#[test]
fn the_three_player_game_has_its_nine_equilibria_two_totally_mixed() {
    let g = game("mckelvey-mclennan-9.nfg");
    let solution = detente_game::three_player::equilibria(&g);
    assert!(!solution.degenerate);
    assert!(solution.irrational.is_empty());
    assert_eq!(solution.equilibria.len(), 9);
    assert!(solution.equilibria.iter().all(|e| g.is_equilibrium(e)));
    let totally_mixed: Vec<_> = solution
        .equilibria
        .iter()
        .filter(|e| e.iter().all(|mix| mix.iter().all(|p| *p > Q::from_integer(0.into()))))
        .collect();
    assert_eq!(totally_mixed.len(), 2);
    // The one Gambit's catalogue names: (0.4, 0.6), (0.5, 0.5), (1/3, 2/3).
    let named: Vec<Vec<String>> =
        vec![texts(&["2/5", "3/5"]), texts(&["1/2", "1/2"]), texts(&["1/3", "2/3"])];
    assert!(totally_mixed.iter().any(|e| e.iter().map(|m| texts_of(m)).collect::<Vec<_>>() == named));
}

fn texts_of(mix: &[Q]) -> Vec<String> {
    mix.iter().map(to_text).collect()
}

#[test]
fn the_three_player_game_reads_and_its_pure_equilibria_are_equilibria() {
    let g = game("mckelvey-mclennan-9.nfg");
    assert_eq!(g.shape(), vec![2, 2, 2]);
    let found = pure::equilibria(&g);
    assert!(!found.is_empty());
    assert!(found.iter().all(|e| g.is_equilibrium(&pure::as_profile(&g, e))));
}

#[test]
fn the_outcome_form_and_the_payoff_form_read_the_same_game() {
    // vonstengel-75-small.nfg was written in the payoff form from Gambit's outcome-form
    // file; reading the outcome form directly must give the same payoffs.
    let outcome_form = r#"NFG 1 R "t" { "1" "2" } { { "a" "b" } { "c" "d" } } ""
{ { "" 1, 2 } { "" 3/2, -4 } { "" 0.5, 7 } }
1 2 3 0"#;
    let g = nfg::read(outcome_form).unwrap();
    let payoffs: Vec<Vec<String>> = g.payoffs.iter().map(|p| texts(p)).collect();
    assert_eq!(payoffs, [["1", "2"], ["3/2", "-4"], ["1/2", "7"], ["0", "0"]]);
    let again = nfg::read(&nfg::write(&g)).unwrap();
    assert_eq!(again.payoffs, g.payoffs);
    assert_eq!(again.strategies, g.strategies);
    let outcomes = nfg::write_outcomes(&g);
    assert!(outcomes.contains("{ \"outcome 1\" 1, 2 }"), "{outcomes}");
    let again = nfg::read(&outcomes).unwrap();
    assert_eq!((again.payoffs, again.strategies), (g.payoffs.clone(), g.strategies.clone()));
    // Every oracle survives both forms.
    for name in ["vonstengel-75.nfg", "mckelvey-mclennan-9.nfg", "long-lh-unique.nfg"] {
        let original = game(name);
        assert_eq!(nfg::read(&nfg::write_outcomes(&original)).unwrap().payoffs, original.payoffs, "{name}");
    }
}

#[test]
fn bad_files_are_explained_with_their_position() {
    let cases = [
        ("", "the file is empty"),
        ("EFG 2 R \"x\"", "not a Gambit strategic-form file"),
        ("NFG 1 R \"x\" { \"1\" \"2\" } { 2 2 }\n1 2 3", "only 3 of 8 payoffs"),
        ("NFG 1 R \"x\" { \"1\" \"2\" } { 2 }", "2 players but strategies for 1"),
        ("NFG 1 R \"x\" { \"1\" } { 2 }\n1 zz", "expected a payoff"),
        ("NFG 1 R \"x\" @", "unexpected character `@`"),
        ("NFG 1 R \"never closed", "never closed"),
        (
            "NFG 1 R \"x\" { \"1\" } { 1 }\n1e999999999",
            "the exponent of `1e999999999` makes it longer than 1000 digits",
        ),
        ("NFG 1 R \"x\" { \"1\" } { 1 } \"\" { { \"\" 1 } }\n 3", "no outcome 3"),
    ];
    for (text, message) in cases {
        let error = nfg::read(text).expect_err(text);
        assert!(error.message.contains(message), "{text:?}: {error}");
        assert!(error.line >= 1 && error.column >= 1);
    }
    let error = nfg::read("NFG 1 R \"x\" { \"1\" } { 2 }\n1 zz").unwrap_err();
    assert_eq!((error.line, error.column), (2, 3));
}
