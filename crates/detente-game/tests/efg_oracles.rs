//! Extensive-form games solved as pygambit 16.7 solves them, from the fixture
//! `tests/efg-pygambit.json` (written by `benches/peers/peers.py --efg-fixture`; this
//! test needs no Python): the bundled Gambit games pygambit reads and 300 generated
//! ones. For two-player games of imperfect information, the one equilibrium of
//! pygambit's `lcp_solve(rational=True)`, exactly (the same Lemke path on the same
//! sequence-form LCP); for games of perfect information, the pure agent-form
//! equilibria of `enumpure_agent_solve` that are subgame perfect, as a set.

use std::path::Path;

use detente_game::extensive::{Behavior, Tree};
use detente_game::game::to_text;
use detente_game::{efg, sequence_form, subgame_perfect};

fn text(profile: &Behavior) -> serde_json::Value {
    profile
        .iter()
        .map(|own| own.iter().map(|mix| mix.iter().map(to_text).collect::<Vec<_>>()).collect::<Vec<_>>())
        .collect::<Vec<_>>()
        .into()
}

#[test]
fn equilibria_are_pygambits() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let fixture: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("efg-pygambit.json")).unwrap()).unwrap();
    let cases = fixture.as_array().unwrap();
    let (mut lcp, mut perfect, mut several, mut bundled) = (0, 0, 0, 0);
    for (k, case) in cases.iter().enumerate() {
        let (name, source) = match (case["file"].as_str(), case["text"].as_str()) {
            (Some(file), _) => {
                bundled += 1;
                (file.to_string(), std::fs::read_to_string(dir.join("games").join(file)).unwrap())
            }
            (None, Some(text)) => (format!("generated game {k}"), text.to_string()),
            _ => panic!("case {k} has neither a file nor a text"),
        };
        let tree: Tree = efg::read(&source).unwrap_or_else(|e| panic!("{name}: {e}"));
        let expected = case["equilibria"].as_array().unwrap();
        match case["method"].as_str().unwrap() {
            "lcp" => {
                lcp += 1;
                let solution = sequence_form::solve(&tree).unwrap_or_else(|e| panic!("{name}: {e:?}"));
                assert_eq!(expected, &[text(&solution.equilibrium)], "{name}\n{source}");
            }
            "subgame-perfect" => {
                perfect += 1;
                assert!(tree.is_perfect_information(), "{name}");
                let listed = subgame_perfect::all(&tree, subgame_perfect::MAX_LISTED).unwrap();
                let mut ours: Vec<String> =
                    listed.iter().map(|c| text(&subgame_perfect::behavior(&tree, c)).to_string()).collect();
                let mut theirs: Vec<String> = expected.iter().map(|e| e.to_string()).collect();
                ours.sort();
                theirs.sort();
                assert_eq!(ours, theirs, "{name}\n{source}");
                several += usize::from(listed.len() > 1);
            }
            method => panic!("{name}: unknown method {method}"),
        }
    }
    assert!(bundled >= 10 && lcp >= 200 && perfect >= 100, "{bundled} bundled, {lcp} lcp, {perfect} perfect");
    assert!(several >= 30, "ties give several subgame-perfect equilibria in {several} games");
}
