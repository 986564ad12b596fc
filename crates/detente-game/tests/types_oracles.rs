//! The phased games with types against pygambit 16.7, from the fixture
//! `tests/types-pygambit.json` (written by `benches/peers/peers.py --types-fixture`;
//! this test needs no Python). For each case, the `.efg` detente writes today must be
//! the text pygambit read (so the fixture is not stale), the sequence form's
//! equilibrium must be the one pygambit's `lcp_solve(rational=True)` found in it,
//! exactly, and its refinement a perfect Bayesian equilibrium with the same play.

use std::path::Path;

use detente_game::beliefs::Setting;
use detente_game::extensive::Behavior;
use detente_game::game::to_text;
use detente_game::types_game::TypesGame;
use detente_spec::{check, SourceFile};

fn text(profile: &Behavior) -> serde_json::Value {
    profile
        .iter()
        .map(|own| own.iter().map(|mix| mix.iter().map(to_text).collect::<Vec<_>>()).collect::<Vec<_>>())
        .collect::<Vec<_>>()
        .into()
}

#[test]
fn equilibria_of_games_with_types_are_pygambits() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let fixture: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("crates/detente-game/tests/types-pygambit.json")).unwrap(),
    )
    .unwrap();
    let cases = fixture.as_array().unwrap();
    let (mut off_path, mut mixed, mut three_types) = (0, 0, 0);
    for case in cases {
        let spec_path = case["spec"].as_str().unwrap();
        let phases = case["phases"].as_u64().unwrap() as usize;
        let discount: f64 = case["discount"].as_str().unwrap().parse().unwrap();
        let name = format!("{spec_path}, {phases} phases, discount {discount}");
        let source = std::fs::read_to_string(root.join(spec_path)).unwrap();
        let checked = check(&SourceFile::new(spec_path.to_string(), source));
        assert!(!checked.has_errors(), "{name}");
        let party = checked.spec.simulation.as_ref().unwrap().prior.keys().next().unwrap().clone();
        let setting = Setting::new(&checked.spec, &party).unwrap();
        three_types += usize::from(setting.types.len() == 3);
        let game = TypesGame::new(setting, phases, discount).unwrap();
        assert_eq!(game.efg(), case["text"].as_str().unwrap(), "{name}: the fixture is stale");
        let found = game.solve().unwrap();
        let expected = case["equilibria"].as_array().unwrap();
        assert_eq!(expected, &[text(&found.gambit_profile)], "{name}");
        assert!(found.nash && found.perfect_bayesian && found.same_play, "{name}: {:?}", found.failures);
        off_path += usize::from(found.counterpart_moves.iter().any(|m| !m.reached));
        mixed += usize::from(
            found
                .profile
                .iter()
                .flatten()
                .any(|mix| mix.iter().filter(|p| !num_traits::Zero::is_zero(*p)).count() > 1),
        );
    }
    assert!(cases.len() >= 29, "{} cases", cases.len());
    assert!(three_types >= 10 && off_path >= 10 && mixed >= 5, "{three_types} {off_path} {mixed}");
}
