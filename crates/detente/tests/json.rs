//! The JSON layer answers what the library answers, in the shape its schemas state, and
//! refuses bad requests with a located, typed error, never a panic.

use detente::json::{call, schemas, OPERATIONS};
use detente::{Agreement, EventRecord, Format, History};
use proptest::prelude::*;
use serde_json::{json, Value};

fn starter_text() -> String {
    detente_spec::starter("deal")
}

fn events() -> Value {
    json!([
        { "date": "2026-02-01", "actor": "beta", "kind": "performed", "subject": "freeze-enrichment" },
        { "date": "2026-01-15", "actor": "inspectorate", "kind": "measured", "subject": "enriched-uranium", "value": 120.0 },
        { "date": "2026-03-01", "actor": "alpha", "kind": "performed", "subject": "suspend-sanctions", "id": "relief" },
    ])
}

fn request(extra: Value) -> Value {
    let mut request =
        json!({ "agreement": { "name": "deal.toml", "text": starter_text() }, "events": events() });
    request.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    request
}

fn answer(operation: &str, request: &Value) -> Value {
    serde_json::from_str(&call(operation, &request.to_string())).expect("every answer is JSON")
}

/// The same record through the library.
fn history() -> History {
    let agreement = Agreement::from_text("deal.toml", &starter_text(), Format::Toml).unwrap();
    let mut history = History::new(&agreement);
    for event in events().as_array().unwrap() {
        history.append(serde_json::from_value::<EventRecord>(event.clone()).unwrap()).unwrap();
    }
    history
}

fn validate(schema: &Value, instance: &Value, what: &str) {
    let validator = jsonschema::validator_for(schema).expect("a valid JSON Schema");
    let errors: Vec<String> =
        validator.iter_errors(instance).map(|e| format!("{e} at {}", e.instance_path)).collect();
    assert!(errors.is_empty(), "{what}: {errors:?}");
}

#[test]
fn answers_are_the_librarys_and_match_their_schemas() {
    let schemas = schemas();
    let at = "2026-04-01".parse().unwrap();
    let history = history();
    let cases = [
        (
            "state",
            request(json!({ "at": "2026-04-01" })),
            serde_json::to_value(history.state(at).unwrap()).unwrap(),
        ),
        (
            "timeline",
            request(json!({ "to": "2026-04-01" })),
            serde_json::to_value(history.timeline(at)).unwrap(),
        ),
        (
            "explain",
            request(json!({ "at": "2026-04-01", "id": "suspend-sanctions" })),
            serde_json::to_value(history.explain(at, "suspend-sanctions").unwrap()).unwrap(),
        ),
    ];
    for (operation, request, expected) in cases {
        validate(&schemas[operation]["request"], &request, operation);
        let got = answer(operation, &request);
        assert_eq!(got["ok"], expected, "{operation}");
        validate(&schemas[operation]["answer"], &got["ok"], operation);
    }
    let check = json!({ "agreement": { "name": "deal.toml", "text": starter_text() } });
    let got = answer("check", &check);
    assert_eq!(got["ok"]["valid"], true);
    validate(&schemas["check"]["answer"], &got["ok"], "check");
}

#[test]
fn analyze_answers_the_librarys_analysis_at_the_options_given() {
    let schemas = schemas();
    let request = json!({ "agreement": { "name": "deal.toml", "text": starter_text() }, "discount": 0.8 });
    validate(&schemas["analyze"]["request"], &request, "analyze");
    let got = answer("analyze", &request);
    let agreement = Agreement::from_text("deal.toml", &starter_text(), Format::Toml).unwrap();
    let options = detente::AnalyzeOptions { discount: Some(0.8), ..Default::default() };
    let expected = serde_json::to_value(agreement.analyze(options).unwrap()).unwrap();
    assert_eq!(got["ok"], expected);
    assert_eq!(got["ok"]["discount"], 0.8);
    assert_eq!(got["ok"]["inspection_cost"], 0.5);
    validate(&schemas["analyze"]["answer"], &got["ok"], "analyze");
    let bad = json!({ "agreement": { "name": "deal.toml", "text": starter_text() }, "discount": 1.5 });
    let got = answer("analyze", &bad);
    assert_eq!(got["error"]["kind"], "invalid_request", "{got}");
    assert!(got["error"]["message"].as_str().unwrap().starts_with("discount: 1.5 is not between 0 and 1"));
    validate(&schemas["error"], &got["error"], "analyze refused");
}

#[test]
fn solve_answers_exact_equilibria_with_payoffs_and_locates_a_bad_game() {
    let schemas = schemas();
    // The inspection game: the inspectee cheats with 1/8, the inspector inspects with 4/9.
    let game = "NFG 1 R \"inspection\" { \"inspectee\" \"inspector\" } { 2 2 }\n0 0 4 -9 0 -1 -5 -2\n";
    let request = json!({ "game": game });
    validate(&schemas["solve"]["request"], &request, "solve");
    let got = answer("solve", &request);
    validate(&schemas["solve"]["answer"], &got["ok"], "solve");
    assert_eq!(got["ok"]["format"], "nfg");
    assert_eq!(got["ok"]["players"], json!(["inspectee", "inspector"]));
    assert_eq!(
        got["ok"]["equilibria"],
        json!([{ "profile": [["7/8", "1/8"], ["5/9", "4/9"]], "payoffs": ["0", "-9/8"] }])
    );
    let bad = json!({ "game": "NFG 1 R \"broken\" { \"a\" \"b\" } { 2 x }\n", "format": "nfg" });
    let got = answer("solve", &bad);
    assert_eq!(got["error"]["kind"], "invalid_game", "{got}");
    assert_eq!(got["error"]["line"], 1, "{got}");
    assert!(got["error"]["column"].as_u64().is_some_and(|c| c > 1), "{got}");
    validate(&schemas["error"], &got["error"], "solve refused");
    let tree = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../detente-game/tests/games/selten-horse.efg"
    ))
    .unwrap();
    let got = answer("solve", &json!({ "game": tree }));
    assert_eq!(got["error"]["kind"], "beyond_limits", "{got}");
    assert!(got["error"]["message"].as_str().unwrap().contains("with 3 players"), "{got}");
}

#[test]
fn bad_requests_get_typed_errors_that_match_the_schema() {
    let schemas = schemas();
    let refused = {
        let mut r = request(json!({ "at": "2026-04-01" }));
        r["events"][1]["actor"] = json!("gamma");
        r
    };
    let invalid =
        json!({ "agreement": { "name": "bad.toml", "text": "[agreement]\nid = 3\n" }, "at": "2026-01-01" });
    let cases: Vec<(&str, String, &str, &str)> = vec![
        ("state", "{not json".into(), "invalid_request", "line 1 column 2"),
        (
            "state",
            json!({ "agreement": { "name": "a", "text": "" }, "at": "2026-01-01", "extra": 1 }).to_string(),
            "invalid_request",
            "unknown field `extra`",
        ),
        (
            "state",
            request(json!({ "at": "2026-02-30" })).to_string(),
            "invalid_request",
            "the request is not valid",
        ),
        ("replay", "{}".into(), "invalid_request", "no operation is called `replay`"),
        ("state", refused.to_string(), "invalid_event", "event 1 of the request"),
        ("state", invalid.to_string(), "invalid_agreement", "bad.toml:"),
        ("state", request(json!({ "at": "1990-01-01" })).to_string(), "not_found", "before the agreement"),
        (
            "explain",
            request(json!({ "at": "2026-04-01", "id": "freez" })).to_string(),
            "not_found",
            "`freez`",
        ),
    ];
    for (operation, text, kind, words) in cases {
        let got: Value = serde_json::from_str(&call(operation, &text)).unwrap();
        assert!(got.get("ok").is_none(), "{got}");
        let error = &got["error"];
        assert_eq!(error["kind"], kind, "{error}");
        assert!(error["message"].as_str().unwrap().contains(words), "{error}");
        validate(&schemas["error"], error, kind);
    }
    let got = answer("state", &refused);
    assert_eq!(got["error"]["event"], 1);
    assert_eq!(got["error"]["field"], "actor");
    let got = answer("state", &invalid);
    assert!(got["error"]["diagnostics"].as_array().is_some_and(|d| !d.is_empty()));
}

#[test]
fn the_committed_schema_file_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/library.schema.json");
    let current = serde_json::to_string_pretty(&schemas()).unwrap() + "\n";
    if std::env::var_os("DETENTE_WRITE_SCHEMA").is_some() {
        std::fs::write(path, &current).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == current,
        "docs/library.schema.json is stale: run DETENTE_WRITE_SCHEMA=1 cargo test -p detente --test json"
    );
    for operation in OPERATIONS {
        assert!(schemas().get(operation).is_some(), "{operation}");
    }
}

proptest! {
    #[test]
    fn any_text_gets_an_envelope(operation in "[a-z]{0,9}", text in ".{0,200}") {
        let got: Value = serde_json::from_str(&call(&operation, &text)).unwrap();
        prop_assert!(got.get("ok").is_some() != got.get("error").is_some(), "{}", got);
    }
}

/// A request for `operation` built from a valid one with some fields set to arbitrary
/// values of the right JSON type (zero runs, discounts above 1, truncated games, dates
/// that do not exist...).
fn mutated_request(operation: &str, number: f64, cut: usize, date: &str, flag: bool) -> Value {
    let game = "NFG 1 R \"g\" { \"1\" \"2\" } { 2 2 }\n3 3 0 5 5 0 1 1\n";
    match operation {
        "check" => {
            json!({ "agreement": { "name": "a.toml", "text": &starter_text()[..cut.min(starter_text().len())] } })
        }
        "state" | "readings" => request(json!({ "at": date })),
        "timeline" => request(json!({ "to": date })),
        "explain" => request(json!({ "at": date, "id": if flag { "freeze-enrichment" } else { "nothing" } })),
        "simulate" => json!({
            "agreement": { "name": "deal.toml", "text": starter_text() },
            "runs": (number.abs() * 10.0) as u32 % 40, "years": cut % 4, "seed": cut,
        }),
        "compare" => json!({
            "designs": [{ "name": "a", "text": starter_text() }, { "name": "b", "text": starter_text() }],
            "runs": (number.abs() * 10.0) as u32 % 40, "years": cut % 4,
        }),
        "analyze" => json!({
            "agreement": { "name": "deal.toml", "text": starter_text() },
            "discount": number, "inspection_cost": number - 0.5, "type_phases": cut % 9,
        }),
        _ => json!({ "game": &game[..cut.min(game.len())], "one": flag }),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn odd_but_well_typed_requests_get_an_answer_or_a_typed_error(
        which in 0..OPERATIONS.len(),
        number in -1.0..2.0f64,
        cut in 0usize..400,
        date in prop_oneof![Just("2026-04-01"), Just("1990-01-01"), Just("2026-02-30"), Just("9999-12-31")],
        flag in any::<bool>(),
    ) {
        let operation = OPERATIONS[which];
        let got = answer(operation, &mutated_request(operation, number, cut, date, flag));
        prop_assert!(got.get("ok").is_some() != got.get("error").is_some(), "{}", got);
        if let Some(error) = got.get("error") {
            prop_assert_ne!(&error["kind"], "internal", "{}", error);
            let validator = jsonschema::validator_for(&schemas()["error"]).unwrap();
            prop_assert!(validator.is_valid(error), "{}", error);
        }
    }
}
