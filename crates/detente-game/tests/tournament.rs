//! The empirical game of an agreement's parties.

mod fixtures;

use detente_engine::Agreement;
use detente_game::tournament::{label, parse_candidate, payoff, play, CandidateError, Discounting};
use detente_game::{bimatrix, nfg};
use detente_sim::{Overrides, Plan, Simulator, Trajectory};
use detente_spec::model::StrategyKind;
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
    let error = |text: &str| parse_candidate(text).unwrap_err();
    assert_eq!(
        error("hedger"),
        CandidateError::NeedsParameter { kind: StrategyKind::Hedger, parameter: "max_cost" }
    );
    assert_eq!(error("hedger").to_string(), "`hedger` needs its `max_cost`, e.g. hedger:3");
    assert_eq!(error("sincere:3").to_string(), "`sincere` takes no parameter");
    assert!(
        error("saint").to_string().starts_with("no strategy `saint`; known: sincere, "),
        "{}",
        error("saint")
    );
    assert_eq!(
        error("tit-for-tot"),
        CandidateError::UnknownStrategy { name: "tit-for-tot".into(), closest: Some("tit-for-tat".into()) }
    );
    assert!(error("tit-for-tot")
        .to_string()
        .starts_with("no strategy `tit-for-tot` (did you mean `tit-for-tat`?); known: "));
    assert_eq!(error("covert-cheater:2"), CandidateError::CheatOutOfRange { cheat: 2.0 });
    assert_eq!(error("grit:six").to_string(), "`six` is not a number for `grit`'s `patience`");
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

/// Relief given on a known day and snapped back on a known day: Alpha freezes from
/// adoption (a continuing measure without a deadline is in effect at once), Beta lifts
/// the embargo in return a day later (a lead time of one day), Alpha cheats every month
/// (covert-cheater with probability 1), the inspection of month 12 finds it for sure
/// (detection 1, inspections every 12 months), the dispute procedure confirms it that
/// day, and the automatic snap-back suspends the relief. Nothing is drawn that matters.
fn sure_snapback() -> String {
    fixtures::two_parties_and_an_embargo(
        "sure-snapback",
        "Relief given, then snapped back on a sure detection",
    ) + SURE_SNAPBACK_PHASES
}

const SURE_SNAPBACK_PHASES: &str = r#"
[[phase]]
id = "only"
title = "The only phase"

[[commitment]]
id = "freeze"
title = "Alpha freezes production"
phase = "only"
by = ["alpha"]
kind = "continuing"
category = "measure"
values = { cost = 1, benefit = { beta = 3 } }

[commitment.verification]
by = "inspectorate"
method = "yearly inspection"
detection = 1
false_alarm = 0
every = "12 months"

[[commitment]]
id = "relief"
title = "Beta lifts the embargo"
phase = "only"
by = ["beta"]
kind = "action"
category = "concession"
when = "performed(freeze)"
due = "1 month"
on_timeout = "violated"
relieves = ["embargo"]
values = { cost = 2, benefit = { alpha = 5 } }

[[power]]
id = "snapback"
title = "The embargo snaps back on a verified violation"
kind = "snapback"
automatic = true
trigger = "violated(freeze)"
restores = "all"
suspends = ["relief"]

[simulation]
horizon = "3 years"
runs = 1
seed = 1
resolution = 1
confirmation = { breach = 1, false_alarm = 1 }
walkout = { base = 0, aggrieved = 0 }

[simulation.strategy]
alpha = { kind = "covert-cheater", cheat = 1 }

[simulation.lead_time]
relief = { median = "1 day", p90 = "1 day" }
"#;

#[test]
fn relief_snapped_back_pays_for_the_months_it_was_in_effect() {
    let checked = check(&SourceFile::new("sure-snapback.toml", sure_snapback()));
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    let ag = Agreement::compile(&checked.spec).unwrap();
    let plan = Plan::new(&ag, Overrides::default()).unwrap();
    let (steps, step_months) = (plan.steps() as u32, plan.step_months);
    assert_eq!((steps, step_months), (36, 1));
    let simulator = Simulator::new(&ag, plan).keeping_effect();
    let mut run = Trajectory::default();
    simulator.run(0, &mut run);
    // On record: the freeze and the relief are in effect at the ends of months 1 to 11
    // (steps 0 to 10); at the end of month 12 the freeze is violated and the relief
    // suspended by the snap-back, and stay so.
    assert_eq!(run.first_snapback, Some(11));
    assert_eq!(run.in_effect_spans(0, steps), vec![std::ops::Range { start: 0, end: 11 }]);
    assert_eq!(run.in_effect_spans(1, steps), vec![std::ops::Range { start: 0, end: 11 }]);

    // By hand: eleven months in effect, each a twelfth of a year discounted from its
    // end, r = δ^(1/12): (1/12) (r + r² + ... + r¹¹) = (1/12) r (1 - r¹¹) / (1 - r).
    for discount in [0.9, 0.95, 1.0] {
        let discounting = Discounting::new(steps, step_months, discount).unwrap();
        let r: f64 = if discount == 1.0 { 1.0 } else { f64::powf(discount, 1.0 / 12.0) };
        let years = if discount == 1.0 { 11.0 / 12.0 } else { r * (1.0 - r.powi(11)) / (1.0 - r) / 12.0 };
        // Alpha gets the relief (5 a year) and pays for the freeze (1 a year); Beta gets
        // the freeze (3) and pays for the relief (2).
        let alpha = payoff(&ag, "alpha", &run, &discounting);
        let beta = payoff(&ag, "beta", &run, &discounting);
        assert!((alpha - 4.0 * years).abs() < 1e-12, "δ {discount}: alpha {alpha}, by hand {}", 4.0 * years);
        assert!((beta - years).abs() < 1e-12, "δ {discount}: beta {beta}, by hand {years}");
    }
    // The snapshot at the horizon, as payoffs were read before, would give nothing.
    assert!(run.end_status.iter().all(|s| !matches!(
        s,
        detente_engine::state::CommitmentStatus::Performed
            | detente_engine::state::CommitmentStatus::Fulfilled
    )));
    assert!(Discounting::new(steps, step_months, 0.0).is_err());
    assert!(Discounting::new(steps, step_months, 1.5).is_err());
}
