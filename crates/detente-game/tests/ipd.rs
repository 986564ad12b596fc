//! The iterated prisoner's dilemma against the Axelrod library's own results.

use detente_game::ipd::{play, round_robin, Player};

#[test]
fn axelrods_integration_oracle() {
    // The library's integration test: Cooperator, Tit For Tat, Defector, Grudger and Go
    // By Majority, 5 turns, 3 repetitions; per-repetition totals 45, 49, 52, 49, 49.
    let players =
        [Player::Cooperator, Player::TitForTat, Player::Defector, Player::Grudger, Player::GoByMajority];
    let result = round_robin(&players, 5, 3);
    let per_repetition: Vec<u64> = result.totals.iter().map(|t| t / 3).collect();
    assert_eq!(per_repetition, [45, 49, 52, 49, 49]);
    assert!(result.totals.iter().all(|t| t % 3 == 0), "deterministic players score alike each repetition");
}

#[test]
fn matches_worked_by_hand() {
    // Tit for tat against a defector: C/D then D/D: 0 + 4 x 1 against 5 + 4 x 1.
    assert_eq!(play(Player::TitForTat, Player::Defector, 5), (4, 9));
    // Suspicious tit for tat against tit for tat: they alternate out of phase:
    // STFT D C D C D, TFT C D C D C: STFT scores 5+0+5+0+5, TFT 0+5+0+5+0.
    assert_eq!(play(Player::SuspiciousTitForTat, Player::TitForTat, 5), (15, 10));
    // Tit for two tats forgives one defection: against the alternator (C D C D C) it
    // always cooperates: 3+0+3+0+3 against 3+5+3+5+3.
    assert_eq!(play(Player::TitForTwoTats, Player::Alternator, 5), (9, 19));
    // Win-stay lose-shift against a defector: C D C D C (shifts after each S or P).
    assert_eq!(play(Player::WinStayLoseShift, Player::Defector, 5), (2, 17));
    // Grudger against the alternator: C C D D D against C D C D C, scoring
    // 3, 0, 5, 1, 5 against 3, 5, 0, 1, 0.
    assert_eq!(play(Player::Grudger, Player::Alternator, 5), (14, 9));
}

#[test]
fn names_parse_both_ways() {
    for p in Player::ALL {
        assert_eq!(Player::parse(p.name()), Some(p));
    }
    assert_eq!(Player::parse("tit-for-tat"), Some(Player::TitForTat));
    assert_eq!(Player::parse("nobody"), None);
}

#[test]
fn every_pair_scores_as_in_the_axelrod_library() {
    // tests/axelrod-200-turns.json was written by benches/peers/peers.py running the
    // library (axelrod 4.14) on the same 15 strategies for 200 turns.
    let text = include_str!("axelrod-200-turns.json");
    let fixture: serde_json::Value = serde_json::from_str(text).unwrap();
    let scores = fixture["scores"].as_object().unwrap();
    assert_eq!(scores.len(), 105);
    for (pair, expected) in scores {
        let (a, b) = pair.split_once(" | ").unwrap();
        let (a, b) = (Player::parse(a).unwrap(), Player::parse(b).unwrap());
        let expected = (expected[0].as_u64().unwrap() as u32, expected[1].as_u64().unwrap() as u32);
        assert_eq!(play(a, b, 200), expected, "{pair}");
    }
}
