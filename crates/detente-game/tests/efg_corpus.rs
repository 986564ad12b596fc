//! The `.efg` fuzz target's properties (fuzz/fuzz_targets/efg.rs) on the inputs it
//! found that matter: after 10 minutes of fuzzing (728,526 inputs, seeded with the
//! bundled games and Gambit's 174 example files) and a corpus minimization, the
//! smallest input reaching each distinct outcome (every error message of the reader
//! it reached, games solved by backward induction with one equilibrium and several,
//! by the sequence form, and refused for each reason), kept in `tests/efg-corpus/` as
//! `error-*.efg` and `ok-*.efg`.

use detente_game::extensive::Mover;
use detente_game::sequence_form::{self, Failure};
use detente_game::{efg, subgame_perfect};

#[test]
fn the_fuzz_corpus_keeps_its_outcomes_and_properties() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/efg-corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(files.len() >= 60, "{} inputs", files.len());
    let (mut perfect, mut several, mut lcp, mut refused) = (0, 0, 0, 0);
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let tree = match efg::read(&text) {
            Err(e) => {
                assert!(name.starts_with("error-"), "{name} was a game: {e}");
                assert!(e.line >= 1 && e.column >= 1, "{name}: {e}");
                assert!(e.line <= text.matches('\n').count() + 1, "{name}: {e}");
                assert!(!e.message.is_empty() && !e.help.is_empty(), "{name}");
                continue;
            }
            Ok(tree) => tree,
        };
        assert!(name.starts_with("ok-"), "{name} was an error");
        for (n, node) in tree.nodes.iter().enumerate() {
            let actions = node.infoset.map_or(0, |h| tree.infosets[h].actions.len());
            assert_eq!(node.children.len(), actions, "{name}");
            assert!(node.children.iter().all(|&c| c > n && tree.nodes[c].parent == Some(n)), "{name}");
            assert!(node.outcome.is_none_or(|o| tree.outcomes[o].payoffs.len() == tree.players.len()));
        }
        assert!(tree.infosets.iter().all(|h| match h.mover {
            Mover::Chance => h.probabilities.len() == h.actions.len(),
            Mover::Player(p) => p < tree.players.len() && h.probabilities.is_empty(),
        }));
        assert_eq!(efg::read(&efg::write(&tree)).unwrap(), tree, "{name}");
        if tree.is_perfect_information() {
            perfect += 1;
            let first = subgame_perfect::first(&tree);
            let profile = subgame_perfect::behavior(&tree, &first);
            assert!(tree.is_subgame_perfect(&profile) && tree.is_equilibrium(&profile), "{name}");
            match subgame_perfect::all(&tree, 50) {
                Ok(all) => {
                    assert_eq!(all[0], first, "{name}");
                    several += usize::from(all.len() > 1);
                    assert!(all
                        .iter()
                        .all(|c| tree.is_subgame_perfect(&subgame_perfect::behavior(&tree, c))));
                }
                Err(_) => refused += 1,
            }
        } else {
            match sequence_form::solve(&tree) {
                Ok(solution) => {
                    lcp += 1;
                    assert!(tree.is_equilibrium(&solution.equilibrium), "{name}");
                }
                Err(Failure::Players(n)) => {
                    refused += 1;
                    assert!(n > 2, "{name}");
                }
                Err(Failure::Recall(_)) => {
                    refused += 1;
                    assert!(tree.perfect_recall().is_err(), "{name}");
                }
                Err(e) => panic!("{name}: {e:?}"),
            }
        }
    }
    assert!(perfect >= 3 && several >= 1 && lcp >= 1 && refused >= 3, "{perfect} {several} {lcp} {refused}");
}
