//! Learning by verified steps, worked by hand (`tests/types/hand.toml`), and the game
//! with types checked as a perfect Bayesian equilibrium.

use detente_game::beliefs::{decimal, likelihood, update, Learning, Setting, Signal};
use detente_game::game::Q;
use detente_game::types_game::TypesGame;
use detente_spec::model::Spec;
use detente_spec::{check, SourceFile};

fn spec(name: &str) -> Spec {
    let path = format!("{}/tests/types/{name}", env!("CARGO_MANIFEST_DIR"));
    let checked = check(&SourceFile::new(path.clone(), std::fs::read_to_string(&path).unwrap()));
    assert!(!checked.has_errors(), "{path}: {:?}", checked.diagnostics);
    checked.spec
}

fn q(n: i64, d: i64) -> Q {
    Q::new(n.into(), d.into())
}

#[test]
fn decimals_are_read_as_written() {
    assert_eq!(decimal(0.3), Some(q(3, 10)));
    assert_eq!(decimal(-1.25), Some(q(-5, 4)));
    assert_eq!(decimal(2.0), Some(q(2, 1)));
    assert_eq!(decimal(1e-7), Some(q(1, 10_000_000)));
    assert_eq!(decimal(f64::NAN), None);
}

#[test]
fn beliefs_after_the_first_step_by_hand() {
    // Prior: sincere 1/2, hedger 1/4, covert cheater 1/4 (cheat = 1: the measure is
    // broken at every inspection). The freeze is inspected: detection 3/4, false alarm
    // 1/10. P(no alarm): sincere 9/10, hedger 9/10 (it performs: cost 1 <= max_cost 2),
    // cheater 1 - 3/4 = 1/4.
    // Joint with the prior, over 80: 36, 18, 5 -> P(no alarm) = 59/80, posterior
    // (36, 18, 5)/59. After an alarm: 1/20, 1/40, 3/16 = (4, 2, 15)/80 -> 21/80,
    // posterior (4, 2, 15)/21.
    let setting = Setting::new(&spec("hand.toml"), "beta").unwrap();
    let prior = setting.prior();
    assert_eq!(prior, vec![q(1, 2), q(1, 4), q(1, 4)]);
    let stage = &setting.stages[0];
    let l: Vec<[Q; 3]> = setting.types.iter().map(|t| likelihood(t, stage)).collect();
    assert_eq!(l[0], [q(9, 10), q(1, 10), q(0, 1)]);
    assert_eq!(l[2], [q(1, 4), q(3, 4), q(0, 1)]);
    assert_eq!(update(&prior, &l, Signal::Clean).unwrap(), vec![q(36, 59), q(18, 59), q(5, 59)]);
    assert_eq!(update(&prior, &l, Signal::Alarm).unwrap(), vec![q(4, 21), q(2, 21), q(15, 21)]);
    assert_eq!(update(&prior, &l, Signal::Withheld), None, "no type withholds the first step");
}

#[test]
fn value_of_information_by_hand() {
    // The second phase: alpha's relief costs it 4; beta's cap is worth 5 to alpha,
    // delivered by the sincere and the hedger (cost 2 <= max_cost 2), never by the
    // cheater (cheat = 1). Delivering is worth 1, 1, -4 by type.
    // With the prior: 1/2 + 1/4 - 1 = -1/4 < 0: alpha would not deliver (worth 0).
    // After no alarm: (36 + 18 - 20)/59 = 34/59 > 0: deliver; after an alarm
    // (4 + 2 - 60)/21 < 0: not. Informed: 59/80 * 34/59 = 34/80 = 17/40.
    // The value of the first step's record is 17/40.
    let learning = Learning::new(Setting::new(&spec("hand.toml"), "beta").unwrap());
    let first = &learning.lessons[0];
    assert_eq!(first.chance, vec![q(59, 80), q(21, 80), q(0, 1)]);
    assert_eq!(first.value_of_information, Some(q(17, 40)));
    assert_eq!((first.delivers_before, first.delivers_after_clean), (Some(false), Some(true)));
    // The cap is verified by declaration only (detection 0, no false alarms): its
    // record teaches nothing, and the beliefs stay (36, 18, 5)/59.
    let second = &learning.lessons[1];
    assert_eq!(second.before, vec![q(36, 59), q(18, 59), q(5, 59)]);
    assert_eq!(second.after[&Signal::Clean], vec!["36/59", "18/59", "5/59"]);
    assert_eq!(second.value_of_information, Some(q(0, 1)));
    // The third phase's dismantlement costs 3 > max_cost 2: the hedger withholds, and
    // after it nobody but a hedger could have withheld.
    let third = &learning.lessons[2];
    assert_eq!(third.chance, vec![q(41, 59), q(0, 1), q(18, 59)]);
    assert_eq!(third.after[&Signal::Withheld], vec!["0", "1", "0"]);
    assert_eq!(third.after[&Signal::Clean], vec!["36/41", "0", "5/41"]);
    assert_eq!(third.value_of_information, None, "no later phase to decide on");
}

#[test]
fn the_game_with_types_has_a_perfect_bayesian_equilibrium() {
    let setting = Setting::new(&spec("hand.toml"), "beta").unwrap();
    for phases in [1, 2, 3] {
        for discount in [0.5, 0.9, 1.0] {
            let game = TypesGame::new(setting.clone(), phases, discount).unwrap();
            let text = game.efg();
            let read = detente_game::efg::read(&text).unwrap();
            assert_eq!(read, game.tree, "the .efg reads back");
            let equilibrium = game.solve().unwrap();
            assert!(equilibrium.nash, "{phases} phases, discount {discount}");
            assert!(
                equilibrium.same_play,
                "{phases} phases, discount {discount}: the refinement keeps the play"
            );
            assert!(
                equilibrium.perfect_bayesian,
                "{phases} phases, discount {discount}: {:?}",
                equilibrium.failures
            );
        }
    }
}

#[test]
fn priors_that_cannot_be_read_are_refused_with_typed_errors() {
    use detente_game::beliefs::BeliefsError;
    use detente_game::types_game::{TypesGameError, MAX_PHASES};
    use detente_spec::model::StrategyKind;
    // The library takes specifications that were never checked, so it refuses what
    // validation would have refused, without panicking.
    let base = spec("hand.toml");
    let with = |edit: &dyn Fn(&mut detente_spec::model::Prior)| {
        let mut s = base.clone();
        edit(s.simulation.as_mut().unwrap().prior.get_mut("beta").unwrap());
        Setting::new(&s, "beta")
    };
    assert_eq!(
        with(&|p| p.max_cost = None),
        Err(BeliefsError::MissingParameter {
            party: "beta".into(),
            kind: StrategyKind::Hedger,
            parameter: "max_cost"
        })
    );
    assert!(matches!(with(&|p| p.cheat = Some(1.5)), Err(BeliefsError::BadNumber { .. })));
    assert!(matches!(with(&|p| p.sincere = f64::NAN), Err(BeliefsError::BadNumber { .. })));
    assert_eq!(
        with(&|p| {
            p.sincere = 0.0;
            p.hedger = 0.0;
            p.covert_cheater = 0.0
        }),
        Err(BeliefsError::EmptyPrior("beta".into()))
    );
    // Thirds written as decimals are divided by their exact sum.
    let thirds = with(&|p| {
        p.sincere = 0.333333333333;
        p.hedger = 0.333333333333;
        p.covert_cheater = 0.333333333333
    })
    .unwrap();
    assert_eq!(thirds.prior(), vec![q(1, 3), q(1, 3), q(1, 3)]);
    assert_eq!(Setting::new(&base, "inspectorate"), Err(BeliefsError::NotASignatory("inspectorate".into())));
    assert_eq!(Setting::new(&base, "gamma"), Err(BeliefsError::NotASignatory("gamma".into())));
    assert_eq!(Setting::new(&base, "alpha"), Err(BeliefsError::NoPrior("alpha".into())));
    let mut alone = base.clone();
    alone.party.retain(|p| p.id != "alpha");
    assert_eq!(Setting::new(&alone, "beta"), Err(BeliefsError::NoCounterpart("beta".into())));
    let setting = Setting::new(&base, "beta").unwrap();
    assert_eq!(
        TypesGame::new(setting.clone(), MAX_PHASES + 1, 0.9),
        Err(TypesGameError::TooManyPhases(MAX_PHASES + 1))
    );
    for discount in [0.0, -0.5, 1.5, f64::INFINITY] {
        assert_eq!(TypesGame::new(setting.clone(), 2, discount), Err(TypesGameError::Discount));
    }
    // Asking for more phases than the agreement has covers all of them.
    assert_eq!(TypesGame::new(setting, MAX_PHASES, 0.9).unwrap().phases, 3);
}

#[test]
fn an_agreement_without_phases_teaches_nothing_and_its_game_is_trivial() {
    let mut s = spec("hand.toml");
    s.phase.clear();
    s.commitment.clear();
    let setting = Setting::new(&s, "beta").unwrap();
    assert!(Learning::new(setting.clone()).lessons.is_empty());
    let game = TypesGame::new(setting, 3, 0.9).unwrap();
    assert_eq!(game.phases, 0);
    let e = game.solve().unwrap();
    assert!(e.perfect_bayesian && e.counterpart_moves.is_empty());
    // One type only: chance has one move, and nothing is learned.
    let mut s = spec("hand.toml");
    let prior = s.simulation.as_mut().unwrap().prior.get_mut("beta").unwrap();
    (prior.sincere, prior.hedger, prior.covert_cheater) = (1.0, 0.0, 0.0);
    let learning = Learning::new(Setting::new(&s, "beta").unwrap());
    assert!(learning.lessons.iter().all(|l| l.value_of_information.as_ref().is_none_or(|v| *v == q(0, 1))));
    let e = TypesGame::new(Setting::new(&s, "beta").unwrap(), 3, 0.9).unwrap().solve().unwrap();
    assert!(e.perfect_bayesian);
}
