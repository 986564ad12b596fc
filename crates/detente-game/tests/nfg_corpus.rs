//! The `.nfg` fuzz target's properties (fuzz/fuzz_targets/nfg.rs) on the inputs it
//! found that matter: after 13 minutes of fuzzing and a corpus minimization, the
//! smallest input reaching each distinct outcome (every error message of the reader,
//! and games solved with and without warnings), kept in `tests/nfg-corpus/` as
//! `error-*.nfg` and `ok-*.nfg`.

use detente_game::{bimatrix, nfg, three_player};

#[test]
fn the_fuzz_corpus_keeps_its_outcomes_and_properties() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/nfg-corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(files.len() >= 50, "{} inputs", files.len());
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        match nfg::read(&text) {
            Err(e) => {
                assert!(name.starts_with("error-"), "{name} was a game: {e}");
                assert!(e.line >= 1 && e.column >= 1, "{name}: {e}");
                assert!(e.line <= text.matches('\n').count() + 1, "{name}: {e}");
                assert!(!e.message.is_empty() && !e.help.is_empty(), "{name}");
            }
            Ok(game) => {
                assert!(name.starts_with("ok-"), "{name} was an error");
                let shape = game.shape();
                assert_eq!(game.payoffs.len(), shape.iter().product::<usize>(), "{name}");
                for written in [nfg::write(&game), nfg::write_outcomes(&game)] {
                    assert_eq!(nfg::read(&written).unwrap(), game, "{name}");
                }
                if shape.len() == 2 {
                    let solution = bimatrix::enumerate(&game);
                    assert!(!solution.equilibria.is_empty(), "{name}");
                    assert!(solution.equilibria.iter().all(|e| game.is_equilibrium(e)), "{name}");
                }
                if shape == [2, 2, 2] {
                    let solution = three_player::equilibria(&game);
                    assert!(solution.equilibria.iter().all(|e| game.is_equilibrium(e)), "{name}");
                }
            }
        }
    }
}
