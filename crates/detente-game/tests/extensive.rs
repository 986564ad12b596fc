//! Extensive-form games: Gambit's own example games read and solved as pinned here
//! (each equilibrium also what pygambit 16.7 finds, see tests/efg_oracles.rs), games
//! worked by hand (a centipede by backward induction, Kuhn poker by the sequence form,
//! with its value from the literature), and every phase game `detente analyze --efg`
//! writes for the bundled scenarios read back into the same game.

use std::path::Path;

use detente_game::extensive::{Behavior, ImperfectRecall, Tree};
use detente_game::game::{to_text, Q};
use detente_game::phase_game::PhaseGame;
use detente_game::sequence_form::{self, Failure};
use detente_game::{efg, subgame_perfect};
use detente_spec::{check, SourceFile};

fn game(name: &str) -> Tree {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/games").join(name);
    let tree = efg::read(&std::fs::read_to_string(&path).unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(
        efg::read(&efg::write(&tree)).unwrap(),
        tree,
        "{name}: what the writer writes, the reader reads"
    );
    tree
}

/// A behaviour profile as text, `[player][information set][action]`.
fn text(profile: &Behavior) -> Vec<Vec<Vec<String>>> {
    profile.iter().map(|own| own.iter().map(|mix| mix.iter().map(to_text).collect()).collect()).collect()
}

fn payoffs(tree: &Tree, profile: &Behavior) -> Vec<String> {
    tree.expected_payoffs(profile).iter().map(to_text).collect()
}

/// `[["1", "0"], ...]` from `"1 0 | 1/3 2/3"`: one player's information sets.
fn sets(text: &str) -> Vec<Vec<String>> {
    text.split('|').map(|set| set.split_whitespace().map(String::from).collect()).collect()
}

fn lcp(tree: &Tree) -> Behavior {
    let solution = sequence_form::solve(tree).unwrap();
    assert!(tree.is_equilibrium(&solution.equilibrium));
    solution.equilibrium
}

#[test]
fn one_card_poker_by_the_sequence_form_is_worth_a_third_to_the_dealer() {
    // Myerson (1991), Gambit's doc/poker.efg, and the same game as Reiley et al.'s
    // stripped-down poker (Gambit's tests): Alice raises with the king always and
    // with the queen a third of the time; Bob meets two thirds of the time. By hand:
    // Bob is indifferent when 2 P(king | raise) = 1 + ... i.e. q = 1/3, Alice with the
    // queen when -2 m + (1 - m) = -1, m = 2/3; the value is (5/3 - 1) / 2 = 1/3.
    for name in ["myerson-poker.efg", "stripped-down-poker.efg"] {
        let tree = game(name);
        assert_eq!((tree.nodes.len(), tree.infosets.len(), tree.outcomes.len()), (11, 4, 4), "{name}");
        let profile = lcp(&tree);
        assert_eq!(text(&profile), [sets("1 0 | 1/3 2/3"), sets("2/3 1/3")], "{name}");
        assert_eq!(payoffs(&tree, &profile), ["1/3", "-1/3"], "{name}");
    }
}

#[test]
fn kuhn_poker_has_the_value_kuhn_found() {
    // Kuhn (1950): the game is worth -1/18 to the first player in every equilibrium;
    // the equilibria form a family in which the first player bluffs with the jack
    // with some probability a <= 1/3, bets the king with 3a, and calls with the queen
    // with a + 1/3. Lemke's path ends at a = 1/3.
    let tree = game("kuhn-poker.efg");
    assert_eq!((tree.nodes.len(), tree.infosets.len(), tree.outcomes.len()), (55, 13, 6));
    let profile = lcp(&tree);
    assert_eq!(payoffs(&tree, &profile), ["-1/18", "1/18"]);
    // Player 1's sets in order: J, J after check-bet, Q, Q after check-bet, K, K after.
    assert_eq!(
        text(&profile),
        [
            sets("2/3 1/3 | 1 0 | 1 0 | 1/3 2/3 | 0 1 | 1/2 1/2"),
            sets("1 0 | 2/3 1/3 | 0 1 | 0 1 | 2/3 1/3 | 1 0")
        ]
    );
    // The king after checking is never reached (the king always bets): its
    // probabilities are the centroid, as Gambit gives them.
    let reach = tree.infoset_reach(&profile);
    assert_eq!(to_text(&reach[0][5]), "0");
    assert!(reach[0][..5].iter().all(|p| to_text(p) != "0"));
}

#[test]
fn a_centipede_unravels_by_backward_induction() {
    let tree = game("centipede.efg");
    assert!(tree.is_perfect_information());
    let listed = subgame_perfect::all(&tree, 100).unwrap();
    assert_eq!(listed.len(), 1, "no ties: one subgame-perfect equilibrium");
    let profile = subgame_perfect::behavior(&tree, &listed[0]);
    assert_eq!(text(&profile), [sets("1 0 | 1 0 | 1 0"), sets("1 0 | 1 0 | 1 0")], "everyone takes");
    assert_eq!(payoffs(&tree, &profile), ["1", "1"]);
    assert!(tree.is_subgame_perfect(&profile) && tree.is_equilibrium(&profile));
    // Passing to the end would leave both better off, and is no equilibrium: the
    // inner outcomes add up along the play.
    let pass = vec![vec![vec![Q::from_integer(0.into()), Q::from_integer(1.into())]; 3]; 2];
    assert_eq!(payoffs(&tree, &pass), ["7", "7"]);
    assert!(!tree.is_equilibrium(&pass));
    // Bob taking only at his last move makes Ann's last pass a mistake there.
    let mut late = pass.clone();
    late[1][2] = profile[1][2].clone();
    assert!(!tree.is_subgame_perfect(&late));
}

#[test]
fn gambits_perfect_information_games_have_the_subgame_perfect_equilibria_pinned() {
    let cases: [(&str, &[[&str; 3]], usize); 3] = [
        // Chance after player 1's move; player 2 indifferent everywhere: four.
        (
            "perfect-info-with-chance.efg",
            &[
                ["0 1", "1 0 | 1 0", ""],
                ["0 1", "0 1 | 1 0", ""],
                ["0 1", "1 0 | 0 1", ""],
                ["0 1", "0 1 | 0 1", ""],
            ],
            2,
        ),
        (
            "three-players-perfect-info.efg",
            &[["1 0", "1 0", "1 0 0 0 0"], ["0 1", "1 0", "1 0 0 0 0"], ["0 1", "0 1", "1 0 0 0 0"]],
            3,
        ),
        // Gambit's nim.efg (its repeated node names make pygambit 16.7 refuse it).
        (
            "nim.efg",
            &[
                ["1 0 | 1 0 | 0 1 | 0 1", "1 0 | 0 1 | 0 1", ""],
                ["0 1 | 1 0 | 0 1 | 0 1", "1 0 | 0 1 | 0 1", ""],
                ["1 0 | 0 1 | 0 1 | 0 1", "1 0 | 0 1 | 0 1", ""],
                ["0 1 | 0 1 | 0 1 | 0 1", "1 0 | 0 1 | 0 1", ""],
            ],
            2,
        ),
    ];
    for (name, expected, players) in cases {
        let tree = game(name);
        assert!(tree.is_perfect_information(), "{name}");
        let listed = subgame_perfect::all(&tree, 1000).unwrap();
        let found: Vec<_> = listed.iter().map(|c| text(&subgame_perfect::behavior(&tree, c))).collect();
        let expected: Vec<Vec<Vec<Vec<String>>>> =
            expected.iter().map(|e| e[..players].iter().map(|p| sets(p)).collect()).collect();
        assert_eq!(found, expected, "{name}");
        assert_eq!(subgame_perfect::first(&tree), listed[0], "{name}");
        for choices in &listed {
            let profile = subgame_perfect::behavior(&tree, choices);
            assert!(tree.is_subgame_perfect(&profile) && tree.is_equilibrium(&profile), "{name}");
        }
    }
    // In nim (as Gambit's file scores it) the second player wins whatever happens.
    let nim = game("nim.efg");
    let profile = subgame_perfect::behavior(&nim, &subgame_perfect::first(&nim));
    assert_eq!(payoffs(&nim, &profile), ["-1", "1"]);
}

#[test]
fn gambits_imperfect_information_games_have_the_equilibria_pinned() {
    // Each profile and its payoffs as pygambit 16.7's lcp_solve(rational=True) gives them.
    let cases: [(&str, [&str; 2], [&str; 2]); 4] = [
        // Koller, Megiddo and von Stengel's example (STOC 1994), zero-sum.
        ("kmvs-stoc94.efg", ["0 1 | 2/3 1/3 | 1/3 2/3", "5/6 1/6 | 5/9 4/9"], ["13", "-13"]),
        // Bagwell (1995): with the follower's observation noisy, the leader's
        // commitment is lost: the simultaneous-move equilibrium (C; C, C).
        ("bagwell1995.efg", ["0 1", "0 1 | 0 1"], ["4", "4"]),
        // A two-inning centipede with a chance of altruists (McKelvey and Palfrey).
        ("cent2.efg", ["0 1 | 120/133 13/133 | 1 | 1", "13/19 6/19 | 1 0 | 1 | 1"], ["69/50", "276/175"]),
        // Outcomes at inner nodes, and terminal nodes without one.
        (
            "inner-and-missing-outcomes.efg",
            ["1/3 0 2/3 | 2/3 0 1/3", "2/3 1/3 | 1/3 2/3 | 1/3 2/3"],
            ["1/3", "-1/3"],
        ),
    ];
    for (name, expected, values) in cases {
        let tree = game(name);
        let profile = lcp(&tree);
        assert_eq!(text(&profile), [sets(expected[0]), sets(expected[1])], "{name}");
        assert_eq!(payoffs(&tree, &profile), values, "{name}");
    }
    // bayes2a: a two-stage Bayesian game whose first stage pays at inner nodes.
    let bayes = game("bayes2a.efg");
    assert!(bayes.nodes.iter().any(|n| !n.children.is_empty() && n.outcome.is_some()));
    assert!(bayes.is_equilibrium(&lcp(&bayes)));
}

#[test]
fn games_beyond_the_solvers_are_refused_with_the_reason() {
    // Selten's horse: three players, imperfect information. Its comment quotes with
    // escaped quotation marks.
    let horse = game("selten-horse.efg");
    assert!(horse.comment.contains("\"Selten's horse\""), "{}", horse.comment);
    assert!(!horse.is_perfect_information());
    assert_eq!(sequence_form::solve(&horse), Err(Failure::Players(3)));
    // One player, one information set met twice on a path: absent-minded.
    let forgetful = game("not-perfect-recall.efg");
    let failure = forgetful.perfect_recall().unwrap_err();
    assert_eq!((failure.infoset, failure.first, failure.other), (0, 0, 1));
    assert_eq!(sequence_form::solve(&forgetful), Err(Failure::Recall(failure)));
    // The failure says so in words and keeps where recall fails as its source.
    let error = sequence_form::solve(&forgetful).unwrap_err();
    assert_eq!(
        error.to_string(),
        "its player does not recall at information set 0 (from 0): nodes 0 and 1 follow different moves of its \
         own, or one follows the other; the sequence form needs perfect recall"
    );
    let source = std::error::Error::source(&error).and_then(|s| s.downcast_ref::<ImperfectRecall>());
    assert_eq!(source, Some(&failure));
    let types = detente_game::types_game::TypesGameError::Solver(error.clone());
    assert_eq!(std::error::Error::source(&types).and_then(|s| s.downcast_ref::<Failure>()), Some(&error));
    assert!(types
        .to_string()
        .starts_with("the sequence form did not solve the game: its player does not recall"));
    assert_eq!(
        Failure::Players(3).to_string(),
        "a game of imperfect information with 3 players: the sequence form solves those with one or two"
    );
}

#[test]
fn a_chance_set_that_spans_chance_moves_does_not_break_recall() {
    // What chance knows does not matter: one chance set for the coin after either
    // deal. (pygambit 16.7 calls this imperfect recall and refuses it.)
    let text = r#"EFG 2 R "g" { "1" "2" }
""
c "" 1 "" { "x" 1/2 "y" 1/2 } 0
p "" 1 1 "" { "a" "b" } 0
c "" 2 "" { "h" 1/3 "t" 2/3 } 0
p "" 2 1 "" { "l" "r" } 0
t "" 1 "" { 3, 0 }
t "" 2 "" { 0, 1 }
p "" 2 1 "" { "l" "r" } 0
t "" 2
t "" 1
t "" 3 "" { 1, 1 }
p "" 1 2 "" { "a" "b" } 0
c "" 2 0
p "" 2 1 "" { "l" "r" } 0
t "" 2
t "" 1
p "" 2 1 "" { "l" "r" } 0
t "" 1
t "" 2
t "" 3
"#;
    let tree = efg::read(text).unwrap();
    assert_eq!(tree.perfect_recall(), Ok(()));
    let split =
        efg::read(&text.replacen("c \"\" 2 0", "c \"\" 3 \"\" { \"h\" 1/3 \"t\" 2/3 } 0", 1)).unwrap();
    assert_ne!(split, tree);
    assert_eq!(lcp(&tree), lcp(&split));
}

fn scenario(name: &str) -> detente_spec::model::Spec {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios").join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    check(&SourceFile::new(name, &text)).spec
}

#[test]
fn every_phase_game_analyze_writes_reads_back_into_the_same_game() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    assert!(names.len() >= 10, "{names:?}");
    let mut decisions = 0;
    for name in &names {
        let spec = scenario(name);
        for discount in [0.5, 0.9, 1.0] {
            let phases = PhaseGame::new(&spec, discount);
            let tree = phases.tree();
            let read = efg::read(&phases.efg()).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(read, tree, "{name} at {discount}");
            assert!(tree.is_perfect_information());
            decisions += subgame_perfect::decision_nodes(&tree).len();
            // Ties are broken towards performing, the first action, as the phase game's
            // own backward induction breaks them.
            let first = subgame_perfect::behavior(&tree, &subgame_perfect::first(&tree));
            assert_eq!(tree.expected_payoffs(&first), phases.backward_induction(), "{name} at {discount}");
            assert!(tree.is_subgame_perfect(&first), "{name}");
            if let Ok(all) = subgame_perfect::all(&tree, 1000) {
                for choices in &all {
                    assert!(tree.is_subgame_perfect(&subgame_perfect::behavior(&tree, choices)), "{name}");
                }
            }
        }
    }
    assert!(decisions > 100, "the scenarios' phase games have {decisions} decision nodes in all");
}

#[test]
fn names_with_quotes_and_backslashes_survive_the_phase_game_file() {
    let mut spec = scenario("korea-2020.toml");
    spec.phase[0].id = "a \"quoted\" \\ phase".into();
    let phases = PhaseGame::new(&spec, 0.9);
    let read = efg::read(&phases.efg()).unwrap();
    assert_eq!(read, phases.tree());
    assert!(read.nodes.iter().any(|n| n.name.starts_with("a \"quoted\" \\ phase: ")));
}
