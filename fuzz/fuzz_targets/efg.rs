//! Fuzz Gambit's `.efg` reader: any text is either a located error or a tree whose
//! structure holds together (children in prefix order, one per action, parents that
//! agree, information sets and outcomes of the right sizes), that the writer gives back
//! unchanged, and which the solvers solve (games small enough to solve here): every
//! subgame-perfect equilibrium listed is subgame perfect, and Lemke's path on the
//! sequence form ends at an exactly verified equilibrium or refuses the game for a
//! stated reason. The reader never recurses and refuses sizes it cannot hold, so no
//! input makes it allocate more than a small multiple of its length.
#![no_main]

use detente_game::extensive::Mover;
use detente_game::sequence_form::{self, Failure};
use detente_game::{efg, subgame_perfect};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let tree = match efg::read(&text) {
        Ok(tree) => tree,
        Err(e) => {
            assert!(e.line >= 1 && e.column >= 1);
            assert!(e.line <= text.matches('\n').count() + 1, "{e}");
            assert!(!e.message.is_empty() && !e.help.is_empty());
            return;
        }
    };
    assert!(!tree.nodes.is_empty() && tree.nodes.len() <= efg::MAX_NODES);
    assert_eq!(tree.nodes[0].parent, None);
    for (n, node) in tree.nodes.iter().enumerate() {
        let actions = node.infoset.map_or(0, |h| tree.infosets[h].actions.len());
        assert_eq!(node.children.len(), actions);
        assert!(node.children.iter().all(|&c| c > n && tree.nodes[c].parent == Some(n)));
        if let Some(o) = node.outcome {
            assert_eq!(tree.outcomes[o].payoffs.len(), tree.players.len());
        }
    }
    for infoset in &tree.infosets {
        match infoset.mover {
            Mover::Chance => assert_eq!(infoset.probabilities.len(), infoset.actions.len()),
            Mover::Player(p) => assert!(p < tree.players.len() && infoset.probabilities.is_empty()),
        }
    }
    let again = efg::read(&efg::write(&tree)).expect("what the writer writes, the reader reads");
    assert_eq!(again, tree);
    if tree.nodes.len() > 200 || tree.check_arithmetic().is_err() {
        return;
    }
    if tree.is_perfect_information() {
        let first = subgame_perfect::first(&tree);
        let profile = subgame_perfect::behavior(&tree, &first);
        assert!(tree.is_subgame_perfect(&profile) && tree.is_equilibrium(&profile));
        if let Ok(all) = subgame_perfect::all(&tree, 50) {
            assert_eq!(all[0], first);
            assert!(all.iter().all(|c| tree.is_subgame_perfect(&subgame_perfect::behavior(&tree, c))));
        }
    } else {
        match sequence_form::solve(&tree) {
            Ok(solution) => assert!(tree.is_equilibrium(&solution.equilibrium)),
            Err(Failure::Players(n)) => assert!(n > 2),
            Err(Failure::Recall(_)) => assert!(tree.perfect_recall().is_err()),
            Err(Failure::TooLarge(_)) => {}
            Err(e) => panic!("{e:?}"),
        }
    }
});
