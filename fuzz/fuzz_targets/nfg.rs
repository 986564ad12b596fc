//! Fuzz Gambit's `.nfg` reader: any text is either a located error or a game whose
//! table has one payoff per player for every profile, that the writer's two forms
//! give back unchanged, and whose equilibria (for games small enough to solve here)
//! are equilibria. The reader refuses sizes it cannot hold, so no input makes it
//! allocate more than a small multiple of its length.
#![no_main]

use detente_game::{bimatrix, nfg, three_player};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let game = match nfg::read(&text) {
        Ok(game) => game,
        Err(e) => {
            assert!(e.line >= 1 && e.column >= 1);
            assert!(e.line <= text.matches('\n').count() + 1, "{e}");
            assert!(!e.message.is_empty() && !e.help.is_empty());
            return;
        }
    };
    let shape = game.shape();
    assert_eq!(game.players.len(), shape.len());
    assert_eq!(game.payoffs.len(), shape.iter().product::<usize>());
    assert!(game.payoffs.iter().all(|p| p.len() == game.players.len()));
    for written in [nfg::write(&game), nfg::write_outcomes(&game)] {
        let again = nfg::read(&written).expect("what the writer writes, the reader reads");
        assert_eq!(again, game);
    }
    if shape.len() == 2 && shape.iter().all(|&n| n <= 5) {
        let solution = bimatrix::enumerate(&game);
        assert!(!solution.equilibria.is_empty(), "every finite game has an equilibrium");
        assert!(solution.equilibria.iter().all(|e| game.is_equilibrium(e)));
    }
    if shape == [2, 2, 2] {
        let solution = three_player::equilibria(&game);
        assert!(solution.equilibria.iter().all(|e| game.is_equilibrium(e)));
    }
});
