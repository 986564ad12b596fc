//! The empirical game of an agreement's parties.

use detente_engine::Agreement;
use detente_game::tournament::{label, parse_candidate, play};
use detente_game::{bimatrix, nfg};
use detente_sim::Overrides;
use detente_spec::{check, SourceFile};

fn korea() -> Agreement {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios/korea-2020.toml");
    let text = std::fs::read_to_string(path).unwrap();
    Agreement::compile(&check(&SourceFile::new("korea-2020.toml", &text)).spec).unwrap()
}

#[test]
fn candidates_parse_with_their_parameters_and_explain_mistakes() {
    assert_eq!(label(&parse_candidate("covert-cheater:0.05").unwrap()), "covert-cheater:0.05");
    assert_eq!(label(&parse_candidate("grit:6").unwrap()), "grit:6");
    assert_eq!(label(&parse_candidate("tit-for-tat").unwrap()), "tit-for-tat");
    assert!(parse_candidate("hedger").unwrap_err().contains("needs its `max_cost`"));
    assert!(parse_candidate("sincere:3").unwrap_err().contains("takes no parameter"));
    assert!(parse_candidate("saint").unwrap_err().contains("no strategy `saint`"));
    assert!(parse_candidate("covert-cheater:2").unwrap_err().contains("out of range"));
}

#[test]
fn the_empirical_game_is_reproducible_and_its_equilibria_are_equilibria() {
    let ag = korea();
    let usa = ag.ids.parties["usa"];
    let dprk = ag.ids.parties["dprk"];
    let candidates: Vec<_> =
        ["sincere", "maximalist", "grim-trigger"].iter().map(|c| parse_candidate(c).unwrap()).collect();
    let overrides = Overrides { runs: Some(120), years: Some(5), seed: Some(3), start: None };
    let result = play(&ag, [usa, dprk], &candidates, overrides).unwrap();
    assert_eq!(result.cells.len(), 3);
    assert!(result.cells.iter().all(|r| r.len() == 3));
    assert!(result.cells.iter().flatten().all(|c| c.half_width.iter().all(|h| *h >= 0.0)));
    assert_eq!(result, play(&ag, [usa, dprk], &candidates, overrides).unwrap(), "same seed, same game");
    // The written game reads back, and each reported equilibrium is one of it.
    let game = nfg::read(&result.nfg()).unwrap();
    let solution = bimatrix::enumerate(&game);
    assert_eq!(solution.equilibria.len(), result.equilibria.len());
    assert!(solution.equilibria.iter().all(|e| game.is_equilibrium(e)));
    // Strategies that decide nothing differently in these futures give equal cells:
    // sincere and grim-trigger United States differ only once a violation stands.
    assert_eq!(result.candidates, ["sincere", "maximalist", "grim-trigger"]);
}
