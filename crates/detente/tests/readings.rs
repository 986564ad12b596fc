//! Readings through the library: the Six-Party record of 2008 read under the common
//! text and under the DPRK's own text of `terrorism-delisting` (due 2008-08-11, not
//! waiting for verification), as `detente replay --reading dprk` reads it.

use detente::{Agreement, ErrorKind, Format, History, LogFormat};

fn scenario(name: &str) -> String {
    std::fs::read_to_string(format!("{}/../../scenarios/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn six_party() -> History {
    let agreement =
        Agreement::from_text("six-party-2007.toml", &scenario("six-party-2007.toml"), Format::Toml).unwrap();
    History::from_log(&agreement, &scenario("six-party-2007.events.jsonl"), LogFormat::JsonLines).unwrap()
}

fn status(history: &History, at: &str, id: &str) -> String {
    let state = history.state(at.parse().unwrap()).unwrap();
    state.commitments.iter().find(|c| c.id == id).unwrap().describe.clone()
}

#[test]
fn the_dprks_reading_has_the_delisting_violated_where_the_common_text_waits() {
    let common = six_party();
    assert_eq!(common.agreement().readers(), ["dprk"]);
    assert!(status(&common, "2008-08-12", "terrorism-delisting").starts_with("pending"));
    let read = common.as_read_by("dprk").unwrap();
    assert_eq!(read.agreement().reading(), Some("dprk"));
    assert_eq!(read.events().len(), common.events().len());
    assert_eq!(status(&read, "2008-08-12", "terrorism-delisting"), "violated (deadline missed)");
    // The day before the deadline, both texts agree.
    assert_eq!(
        status(&read, "2008-08-10", "terrorism-delisting"),
        status(&common, "2008-08-10", "terrorism-delisting")
    );
}

#[test]
fn differences_list_where_the_readings_part_and_nothing_else() {
    let common = six_party();
    let differences = common.reading_differences("2008-08-12".parse().unwrap()).unwrap().unwrap();
    let delisting = differences.iter().find(|d| d.commitment == "terrorism-delisting").unwrap();
    assert!(delisting.common.starts_with("pending"), "{delisting:?}");
    assert_eq!(delisting.by_party, [("dprk".to_string(), "violated (deadline missed)".to_string())]);
    for d in &differences {
        let read = common.as_read_by("dprk").unwrap();
        assert_ne!(status(&read, "2008-08-12", &d.commitment), d.common, "{d:?}");
    }
    // Before the deadline, no difference.
    let before = common.reading_differences("2008-08-10".parse().unwrap()).unwrap().unwrap();
    assert!(before.iter().all(|d| d.commitment != "terrorism-delisting"), "{before:?}");
    let json = serde_json::to_value(delisting).unwrap();
    assert_eq!(json["by_party"], serde_json::json!({ "dprk": "violated (deadline missed)" }));
}

#[test]
fn a_reading_that_does_not_exist_is_refused_with_the_parties_that_have_one() {
    let common = six_party();
    for party in ["dpkr", "usa"] {
        let refused = common.as_read_by(party).unwrap_err();
        assert_eq!(refused.kind(), ErrorKind::NotFound, "{refused}");
        let help = miette::Diagnostic::help(&refused).unwrap().to_string();
        assert!(help.contains("parties with a reading of their own: dprk"), "{help}");
    }
    assert!(common.as_read_by("dpkr").unwrap_err().to_string().contains("did you mean `dprk`?"));
}

#[test]
fn the_json_layer_follows_a_reading_and_lists_differences() {
    let events: Vec<serde_json::Value> =
        scenario("six-party-2007.events.jsonl").lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let agreement =
        serde_json::json!({ "name": "six-party-2007.toml", "text": scenario("six-party-2007.toml") });
    let call = |operation: &str, request: serde_json::Value| -> serde_json::Value {
        serde_json::from_str(&detente::json::call(operation, &request.to_string())).unwrap()
    };
    let state = call(
        "state",
        serde_json::json!({ "agreement": agreement, "events": events, "at": "2008-08-12", "reading": "dprk" }),
    );
    let read = six_party().as_read_by("dprk").unwrap();
    assert_eq!(
        state["ok"],
        serde_json::to_value(read.state("2008-08-12".parse().unwrap()).unwrap()).unwrap()
    );
    let readings =
        call("readings", serde_json::json!({ "agreement": agreement, "events": events, "at": "2008-08-12" }));
    assert_eq!(readings["ok"]["readers"], serde_json::json!(["dprk"]));
    let schemas = detente::json::schemas();
    let validator = jsonschema::validator_for(&schemas["readings"]["answer"]).unwrap();
    assert!(validator.is_valid(&readings["ok"]), "{readings}");
    assert!(readings["ok"]["differences"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["commitment"] == "terrorism-delisting"
            && d["by_party"]["dprk"] == "violated (deadline missed)"));
    let refused = call(
        "timeline",
        serde_json::json!({ "agreement": agreement, "events": events, "to": "2008-08-12", "reading": "usa" }),
    );
    assert_eq!(refused["error"]["kind"], "not_found", "{refused}");
}
