//! `[simulation.measurement]`: relative errors by quantity, validated in TOML and JSON
//! alike, with located errors.

use std::path::Path;

use detente_spec::{check, check_json, to_normalized_json, Code, SourceFile};

/// The valid case with a quantity and a measurement table.
fn case(measurement: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/codes/valid.toml");
    let base = std::fs::read_to_string(path).unwrap();
    format!(
        "{base}\n[[quantity]]\nid = \"stock\"\nname = \"Stock\"\nunit = \"kg\"\ninitial = 10\n\
         as_of = 2020-01-01\nsource = \"Fictitious.\"\n\n[simulation]\n\n[simulation.measurement]\n{measurement}\n"
    )
}

#[test]
fn a_measurement_error_is_read_by_quantity() {
    let checked = check(&SourceFile::new("m.toml", case("stock = 0.15")));
    assert_eq!(checked.diagnostics, vec![]);
    assert_eq!(checked.spec.simulation.as_ref().unwrap().measurement.get("stock"), Some(&0.15));
    let json = to_normalized_json(&checked.spec);
    let again = check_json(&SourceFile::new("m.json", json));
    assert_eq!(again.diagnostics, vec![]);
    assert_eq!(again.spec, checked.spec);
}

#[test]
fn a_negative_measurement_error_is_located() {
    let text = case("stock = -0.1");
    let checked = check(&SourceFile::new("m.toml", text.clone()));
    let bad: Vec<_> = checked.diagnostics.iter().filter(|d| d.code == Code::NumberOutOfRange).collect();
    assert_eq!(bad.len(), 1, "{:?}", checked.diagnostics);
    assert_eq!(&text[bad[0].labels[0].span.clone()], "-0.1");
}

#[test]
fn a_negative_measurement_error_in_json_is_refused_too() {
    let spec = check(&SourceFile::new("m.toml", case("stock = 0.1"))).spec;
    let json = to_normalized_json(&spec).replace("\"stock\": 0.1", "\"stock\": -0.1");
    let checked = check_json(&SourceFile::new("m.json", json.clone()));
    let bad: Vec<_> = checked.diagnostics.iter().filter(|d| d.code == Code::NumberOutOfRange).collect();
    assert_eq!(bad.len(), 1, "{:?}", checked.diagnostics);
    assert_eq!(&json[bad[0].labels[0].span.clone()], "-0.1");
}

#[test]
fn a_measurement_of_an_unknown_quantity_is_named() {
    let text = case("stok = 0.1");
    let checked = check(&SourceFile::new("m.toml", text.clone()));
    let unknown: Vec<_> = checked.diagnostics.iter().filter(|d| d.code == Code::UnknownId).collect();
    assert_eq!(unknown.len(), 1, "{:?}", checked.diagnostics);
    assert_eq!(&text[unknown[0].labels[0].span.clone()], "stok");
    assert!(unknown[0].help.as_deref().unwrap_or("").contains("stock"));
}
