//! Simulation through the facade: reproducible on any number of threads, cancellable
//! from another thread, and the JSON layer's answer is the library's.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use detente::{Agreement, Control, Error, Format, SimulateOptions};

fn starter() -> Agreement {
    Agreement::from_text("deal.toml", &detente_spec::starter("deal"), Format::Toml).unwrap()
}

const SMALL: SimulateOptions = SimulateOptions { runs: Some(1_000), years: Some(5), seed: Some(11) };

#[test]
fn the_same_seed_gives_the_same_summary_on_any_number_of_threads() {
    let agreement = starter();
    let on = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| agreement.simulate(SMALL, &Control::new(&|_| {})).unwrap())
    };
    let one = serde_json::to_string(&on(1)).unwrap();
    assert_eq!(one, serde_json::to_string(&on(3)).unwrap());
    let other_seed =
        agreement.simulate(SimulateOptions { seed: Some(12), ..SMALL }, &Control::new(&|_| {})).unwrap();
    assert_ne!(one, serde_json::to_string(&other_seed).unwrap(), "the seed must matter");
}

#[test]
fn a_simulation_stops_when_cancelled_and_returns_nothing() {
    let agreement = starter();
    let cancel = AtomicBool::new(true);
    let result = agreement.simulate(SMALL, &Control::new(&|_| {}).cancelled_by(&cancel));
    assert!(matches!(result, Err(Error::Cancelled)), "{result:?}");

    // Cancelled by the progress callback after the first chunk: fewer runs are done.
    let cancel = AtomicBool::new(false);
    let done = AtomicU64::new(0);
    let progress = |n: u64| {
        done.fetch_add(n, Ordering::Relaxed);
        cancel.store(true, Ordering::Relaxed);
    };
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let options = SimulateOptions { runs: Some(5_000), ..SMALL };
    let result = pool.install(|| agreement.simulate(options, &Control::new(&progress).cancelled_by(&cancel)));
    assert!(matches!(result, Err(Error::Cancelled)), "{result:?}");
    assert!(done.load(Ordering::Relaxed) < 5_000, "{}", done.load(Ordering::Relaxed));
}

#[test]
fn the_json_layer_simulates_as_the_library_does() {
    let agreement = starter();
    let expected = serde_json::to_value(agreement.simulate(SMALL, &Control::new(&|_| {})).unwrap()).unwrap();
    let request = serde_json::json!({
        "agreement": { "name": "deal.toml", "text": detente_spec::starter("deal") },
        "runs": 1000, "years": 5, "seed": 11,
    });
    let answer: serde_json::Value =
        serde_json::from_str(&detente::json::call("simulate", &request.to_string())).unwrap();
    assert_eq!(answer["ok"], expected);
    let schema = &detente::json::schemas()["simulate"];
    for (part, instance) in [("request", &request), ("answer", &answer["ok"])] {
        let validator = jsonschema::validator_for(&schema[part]).unwrap();
        let errors: Vec<String> = validator.iter_errors(instance).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{part}: {errors:?}");
    }
    let bad = serde_json::json!({ "agreement": { "name": "d", "text": "" }, "runs": -1 });
    let answer: serde_json::Value =
        serde_json::from_str(&detente::json::call("simulate", &bad.to_string())).unwrap();
    assert_eq!(answer["error"]["kind"], "invalid_request", "{answer}");
}

/// The starter with Beta cheating on its freeze 5% of months: a design that differs.
fn with_a_cheater() -> Agreement {
    let text = detente_spec::starter("cheat")
        + "\n[simulation.strategy.beta]\nkind = \"covert-cheater\"\ncheat = 0.05\n";
    Agreement::from_text("cheat.toml", &text, Format::Toml).unwrap()
}

#[test]
fn designs_are_compared_on_common_random_numbers_through_the_library_and_json() {
    let designs = [starter(), with_a_cheater()];
    let options = SimulateOptions { runs: Some(400), years: Some(4), seed: Some(3) };
    let report = detente::compare(&designs, options, &Control::new(&|_| {})).unwrap();
    assert_eq!(report.designs, ["deal", "cheat"]);
    // Each design's own summary is the one simulating it alone gives (common random
    // numbers do not change a design's futures).
    for (design, summary) in designs.iter().zip(&report.summaries) {
        let alone = design.simulate(options, &Control::new(&|_| {})).unwrap();
        assert_eq!(serde_json::to_value(summary).unwrap(), serde_json::to_value(alone).unwrap());
    }
    let snapback = report.metrics.iter().find(|m| m.name.contains("snap")).expect("a snap-back metric");
    assert!(
        snapback.differences[0].estimate.mean > 0.0,
        "the cheater's design snaps back more: {snapback:?}"
    );

    let text = |name: &str, a: &str| serde_json::json!({ "name": name, "text": a });
    let cheat_text = detente_spec::starter("cheat")
        + "\n[simulation.strategy.beta]\nkind = \"covert-cheater\"\ncheat = 0.05\n";
    let request = serde_json::json!({
        "designs": [text("deal.toml", &detente_spec::starter("deal")), text("cheat.toml", &cheat_text)],
        "runs": 400, "years": 4, "seed": 3,
    });
    let answer: serde_json::Value =
        serde_json::from_str(&detente::json::call("compare", &request.to_string())).unwrap();
    assert_eq!(answer["ok"], serde_json::to_value(&report).unwrap());
    let validator = jsonschema::validator_for(&detente::json::schemas()["compare"]["answer"]).unwrap();
    assert!(validator.is_valid(&answer["ok"]));

    let one = detente::compare(&designs[..1], options, &Control::new(&|_| {}));
    let Err(one) = one else { panic!("one design is not a comparison") };
    assert!(matches!(one, Error::TooFewDesigns { designs: 1 }), "{one:?}");
    assert_eq!(one.to_string(), "a comparison needs at least two designs, not 1");
    assert_eq!(one.kind(), detente::ErrorKind::InvalidAgreement);
    let cancel = AtomicBool::new(true);
    let cancelled = detente::compare(&designs, options, &Control::new(&|_| {}).cancelled_by(&cancel));
    assert!(matches!(cancelled, Err(Error::Cancelled)), "{cancelled:?}");
}

/// Assumptions the simulator refuses keep the simulator's error as their source, so a
/// front end can tell which assumption, and the message says it in words.
#[test]
fn refused_assumptions_keep_the_simulators_error() {
    use detente_sim::PlanError;
    use std::error::Error as _;
    let options = SimulateOptions { runs: Some(10), years: Some(0), seed: None };
    let error = starter().simulate(options, &Control::new(&|_| {})).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the simulation's assumptions cannot be used: a horizon of 0 years is out of range: from 1 to 1000 years"
    );
    assert_eq!(error.kind(), detente::ErrorKind::InvalidAgreement);
    let source = error.source().and_then(|s| s.downcast_ref::<detente_sim::Error>());
    assert_eq!(source, Some(&detente_sim::Error::Plan(PlanError::YearsOutOfRange { years: 0, max: 1000 })));

    let designs = [starter(), with_a_cheater()];
    let no_runs = SimulateOptions { runs: Some(0), years: Some(2), seed: None };
    let error = detente::compare(&designs, no_runs, &Control::new(&|_| {})).unwrap_err();
    let Error::InvalidAssumptions { design, source } = &error else { panic!("{error:?}") };
    assert_eq!(design.as_deref(), Some(designs[0].id()));
    assert_eq!(source, &detente_sim::Error::Plan(PlanError::NoRuns));
    assert_eq!(
        error.to_string(),
        format!(
            "the simulation's assumptions cannot be used: {}: the number of runs must be at least 1",
            designs[0].id()
        )
    );
}

fn event(date: &str, actor: &str, kind: &str, subject: Option<&str>) -> detente::EventRecord {
    detente::EventRecord {
        date: Some(date.into()),
        actor: Some(actor.into()),
        kind: Some(kind.into()),
        subject: subject.map(Into::into),
        ..detente::EventRecord::default()
    }
}

#[test]
fn futures_continue_a_live_record_from_its_last_date() {
    let agreement = starter();
    let mut history = detente::History::new(&agreement);
    history.append(event("2026-02-01", "beta", "performed", Some("freeze-enrichment"))).unwrap();
    let control = Control::new(&|_| {});
    let from_record = history.simulate(SMALL, &control).unwrap();
    assert_eq!(from_record.start, "2026-02-01");
    assert!(from_record.notes.iter().all(|n| !n.contains("already")), "{:?}", from_record.notes);
    // Same seed, same futures, but a different start: the record matters.
    let from_adoption = agreement.simulate(SMALL, &control).unwrap();
    assert_ne!(from_adoption.start, from_record.start);

    // A record in which a signatory withdrew: every future starts, and stays, broken down.
    history.append(event("2026-03-01", "beta", "withdrew", None)).unwrap();
    let ended = history.simulate(SMALL, &control).unwrap();
    assert_eq!(ended.breakdown.probability, 1.0);
    assert!(
        ended.notes.iter().any(|n| n.contains("the history had already broken down")),
        "{:?}",
        ended.notes
    );
}

#[test]
fn the_json_layer_continues_a_record_when_given_one() {
    let agreement = starter();
    let mut history = detente::History::new(&agreement);
    history.append(event("2026-02-01", "beta", "performed", Some("freeze-enrichment"))).unwrap();
    let expected = serde_json::to_value(history.simulate(SMALL, &Control::new(&|_| {})).unwrap()).unwrap();
    let request = serde_json::json!({
        "agreement": { "name": "deal.toml", "text": detente_spec::starter("deal") },
        "events": [{ "date": "2026-02-01", "actor": "beta", "kind": "performed", "subject": "freeze-enrichment" }],
        "runs": 1000, "years": 5, "seed": 11,
    });
    let answer: serde_json::Value =
        serde_json::from_str(&detente::json::call("simulate", &request.to_string())).unwrap();
    assert_eq!(answer["ok"], expected);
    assert_eq!(answer["ok"]["start"], "2026-02-01");
}
