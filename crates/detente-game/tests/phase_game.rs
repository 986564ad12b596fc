//! The phase game: backward induction over the tree agrees with the analysis of phase
//! values, for 2 to 1,000 phases, and the tree is written as Gambit expects.

mod fixtures;

use detente_game::analysis::self_enforcement;
use detente_game::phase_game::PhaseGame;
use detente_spec::model::Spec;
use detente_spec::{check, SourceFile};
use num_traits::ToPrimitive;

/// An agreement of `phases` phases between two signatories whose phase values follow a
/// fixed pseudo-random pattern (some phases worth performing, some not).
fn chain(phases: usize, seed: u64) -> Spec {
    let mut text = String::from(
        "[agreement]\nid = \"chain\"\ntitle = \"A chain of phases\"\nadopted = 2030-01-01\n\n\
         [[party]]\nid = \"alpha\"\nname = \"Alpha\"\nrole = \"signatory\"\n\n\
         [[party]]\nid = \"beta\"\nname = \"Beta\"\nrole = \"signatory\"\n\n",
    );
    let mut state = seed;
    let mut draw = |range: u64| {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 33) % range
    };
    for k in 0..phases {
        let after = if k == 0 { String::new() } else { format!("after = [\"p{}\"]\n", k - 1) };
        text.push_str(&format!("[[phase]]\nid = \"p{k}\"\ntitle = \"Phase {k}\"\n{after}\n"));
        for (party, other) in [("alpha", "beta"), ("beta", "alpha")] {
            let (cost, benefit) = (draw(6), draw(5));
            text.push_str(&format!(
                "[[commitment]]\nid = \"{party}-{k}\"\ntitle = \"{party} step {k}\"\nphase = \"p{k}\"\n\
                 by = [\"{party}\"]\nkind = \"continuing\"\ncategory = \"mutual\"\n\
                 values = {{ cost = {cost}, benefit = {{ {other} = {benefit} }} }}\n\n"
            ));
        }
    }
    let checked = check(&SourceFile::new("chain.toml", &text));
    assert!(
        !checked.has_errors(),
        "{:?}",
        checked.diagnostics.iter().find(|d| d.severity() == detente_spec::Severity::Error)
    );
    checked.spec
}

#[test]
fn backward_induction_on_the_tree_equals_the_phase_analysis() {
    let cases: [(usize, u64, &[f64]); 5] = [
        (2, 1, &[0.5, 0.9, 1.0]),
        (3, 2, &[0.5, 0.9, 1.0]),
        (16, 3, &[0.5, 0.9, 1.0]),
        (100, 4, &[0.9, 1.0]),
        (1000, 5, &[0.9]),
    ];
    for (phases, seed, discounts) in cases {
        let spec = chain(phases, seed);
        for &discount in discounts {
            let game = PhaseGame::new(&spec, discount);
            let tree = game.backward_induction();
            let phases_result = self_enforcement(&spec, discount);
            let first = &phases_result[0];
            for (i, stake) in first.parties.iter().enumerate() {
                // No step waits for another here: one stage, no hold-up, and a phase
                // that does not hold leaves nothing.
                assert_eq!(first.order.len(), 1);
                let expected = if first.self_enforcing { stake.value_of_performing } else { 0.0 };
                assert_eq!(first.outcome[i], expected);
                let got = tree[i].to_f64().unwrap();
                assert!(
                    (got - expected).abs() <= 1e-4 * (1.0 + expected.abs()),
                    "{phases} phases, δ {discount}: {got} vs {expected}"
                );
            }
        }
    }
}

#[test]
fn the_efg_file_has_every_node_in_gambits_order() {
    let game = PhaseGame::new(&chain(16, 3), 0.9);
    let efg = game.efg();
    assert!(efg.starts_with("EFG 2 R \"detente phase game\" { \"alpha\" \"beta\" }"));
    let decisions = efg.lines().filter(|l| l.starts_with("p ")).count();
    let leaves = efg.lines().filter(|l| l.starts_with("t ")).count();
    assert_eq!((decisions, leaves), (32, 33));
    // The chain first, then the end of the chain, then the leaves innermost first.
    let first_leaf = efg.lines().position(|l| l.starts_with("t ")).unwrap();
    assert!(efg.lines().nth(first_leaf).unwrap().contains("all performed"));
    assert!(efg.lines().nth(first_leaf + 1).unwrap().contains("defection in p15"));
    assert!(efg.lines().last().unwrap().contains("defection in p0"));
}

/// The phase game of an agreement whose phases have an order of moves (korea-2020, whose
/// relief waits for the measure it pays for; the big deal's single package has none): backward induction
/// over the tree, with each late mover's hold-up at its `defect` leaf, gives what the
/// analysis of phase values gives, phase by phase from the root.
#[test]
fn the_tree_and_the_analysis_agree_where_moves_are_ordered() {
    for name in ["korea-2020.toml", "korea-2020-big-deal.toml"] {
        let path = format!("{}/../../scenarios/{name}", env!("CARGO_MANIFEST_DIR"));
        let spec = check(&SourceFile::new(name, std::fs::read_to_string(path).unwrap())).spec;
        for discount in [0.5, 0.9, 1.0] {
            let game = PhaseGame::new(&spec, discount);
            let root = game.backward_induction();
            let analysis = self_enforcement(&spec, discount);
            let staged = analysis.iter().any(|p| p.order.len() > 1);
            assert_eq!(staged, name == "korea-2020.toml", "{name}: phases with stages");
            for (i, expected) in analysis[0].outcome.iter().enumerate() {
                let got = root[i].to_f64().unwrap();
                assert!(
                    (got - expected).abs() <= 1e-4 * (1.0 + expected.abs()),
                    "{name} at {discount}: {got} vs {expected}"
                );
            }
        }
    }
}

/// The hold-up's leaf, exactly: Alpha freezes (3 a year to Beta, costing Alpha 1), then
/// Beta owes a relief within 3 months; Alpha may suspend its freeze once the relief is
/// late, after a notice of 6 months. If Beta defects after Alpha's move, the freeze
/// delivers for 9 months, 3/4 of the phase game's yearly period: Alpha -3/4, Beta 9/4.
#[test]
fn the_defect_leaf_of_a_late_mover_holds_what_the_early_step_delivers_until_it_is_taken_away() {
    let text = fixtures::two_parties_and_an_embargo("hold-up", "A hold-up")
        + r#"
[[phase]]
id = "only"
title = "Only"

[[commitment]]
id = "freeze"
title = "Alpha freezes"
phase = "only"
by = ["alpha"]
kind = "continuing"
category = "measure"
values = { cost = 1, benefit = { beta = 3 } }

[commitment.verification]
by = "inspectorate"
method = "inspection"
detection = 0.5

[[commitment]]
id = "relief"
title = "Beta lifts the embargo"
phase = "only"
by = ["beta"]
kind = "action"
category = "concession"
due = "3 months"
on_timeout = "violated"
when = "performed(freeze)"
relieves = ["embargo"]
values = { cost = 4, benefit = { alpha = 2 } }

[[power]]
id = "alpha-suspends"
title = "Alpha suspends its freeze while the relief is overdue"
kind = "suspend"
holders = ["alpha"]
trigger = "violated(relief)"
suspends = ["freeze"]
notice = "6 months"
"#;
    let checked = check(&SourceFile::new("hold-up.toml", text));
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    let game = PhaseGame::new(&checked.spec, 0.9);
    let q = |n: i64, d: i64| num_rational::BigRational::new(n.into(), d.into());
    assert_eq!(game.moves[0], [(0, vec![q(0, 1), q(0, 1)]), (1, vec![q(-3, 4), q(9, 4)])]);
    let tree = game.tree();
    let leaf = tree.outcomes.iter().find(|o| o.payoffs == [q(-3, 4), q(9, 4)]);
    assert!(leaf.is_some_and(|o| o.name == "defection in only"), "{:?}", tree.outcomes);
    // Beta: relief costs 4 for 3 (-1) against 9/4 kept: it defects; Alpha, facing that,
    // defects first (0 against -3/4): nothing is delivered.
    assert_eq!(game.backward_induction(), [q(0, 1), q(0, 1)]);
    let analysis = self_enforcement(&checked.spec, 0.9);
    assert!(analysis[0].hold_ups[0].binds && !analysis[0].self_enforcing);
    assert_eq!(analysis[0].outcome, [0.0, 0.0]);
}
