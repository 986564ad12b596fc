//! The JSON Schema stays in step with the decoder and describes real files.

use std::collections::BTreeSet;

use detente_spec::decode::accepted_fields;
use detente_spec::schema::schema;
use serde_json::Value;

/// The keys a schema object lists, following a `$ref` if there is one.
fn properties<'a>(schema: &'a Value, root: &'a Value) -> BTreeSet<&'a str> {
    let mut node = schema;
    if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
        let name = reference.trim_start_matches("#/$defs/");
        node = &root["$defs"][name];
    }
    node["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("no properties in {node}"))
        .keys()
        .map(String::as_str)
        .collect()
}

#[test]
fn the_decoder_accepts_exactly_the_keys_the_schema_lists() {
    let root = schema();
    for (definition, fields) in accepted_fields() {
        let node = if definition == "Spec" { &root } else { &root["$defs"][definition] };
        assert!(!node.is_null(), "the schema has no definition {definition}");
        let listed = properties(node, &root);
        let accepted: BTreeSet<&str> = fields.iter().copied().collect();
        assert_eq!(listed, accepted, "keys of {definition} differ between schema and decoder");
    }
}

/// Converts TOML text to JSON as a schema-aware editor sees it (dates become strings).
fn toml_to_json(text: &str) -> Value {
    fn item(node: &toml_edit::Item) -> Value {
        match node {
            toml_edit::Item::None => Value::Null,
            toml_edit::Item::Value(v) => value(v),
            toml_edit::Item::Table(t) => {
                Value::Object(t.iter().map(|(k, v)| (k.to_string(), item(v))).collect())
            }
            toml_edit::Item::ArrayOfTables(a) => Value::Array(
                a.iter()
                    .map(|t| Value::Object(t.iter().map(|(k, v)| (k.to_string(), item(v))).collect()))
                    .collect(),
            ),
        }
    }
    fn value(v: &toml_edit::Value) -> Value {
        match v {
            toml_edit::Value::String(s) => Value::String(s.value().clone()),
            toml_edit::Value::Integer(i) => Value::from(*i.value()),
            toml_edit::Value::Float(f) => Value::from(*f.value()),
            toml_edit::Value::Boolean(b) => Value::Bool(*b.value()),
            toml_edit::Value::Datetime(d) => Value::String(d.value().to_string()),
            toml_edit::Value::Array(a) => Value::Array(a.iter().map(value).collect()),
            toml_edit::Value::InlineTable(t) => {
                Value::Object(t.iter().map(|(k, v)| (k.to_string(), value(v))).collect())
            }
        }
    }
    let document = toml_edit::Document::parse(text).expect("valid TOML");
    item(document.as_item())
}

fn assert_valid(validator: &jsonschema::Validator, instance: &Value, what: &str) {
    let errors: Vec<String> =
        validator.iter_errors(instance).map(|e| format!("{e} at {}", e.instance_path)).collect();
    assert!(errors.is_empty(), "{what} does not match the schema:\n{}", errors.join("\n"));
}

#[test]
fn bundled_files_and_their_normalized_json_match_the_schema() {
    let validator = jsonschema::validator_for(&schema()).expect("the schema is a valid JSON Schema");
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios");
    let mut texts: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| (p.display().to_string(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    texts.push(("starter".into(), detente_spec::starter("starter")));
    assert!(texts.len() >= 3);
    for (name, text) in texts {
        assert_valid(&validator, &toml_to_json(&text), &name);
        let checked = detente_spec::check(&detente_spec::SourceFile::new(name.clone(), text));
        let normalized: Value =
            serde_json::from_str(&detente_spec::to_normalized_json(&checked.spec)).unwrap();
        assert_valid(&validator, &normalized, &format!("normalized {name}"));
    }
}

#[test]
fn the_schema_rejects_what_the_decoder_rejects() {
    let validator = jsonschema::validator_for(&schema()).unwrap();
    let bad = toml_to_json("[agreement]\nid = \"x\"\ntitle = \"x\"\nadopted = 2020-01-01\nsurprise = 1\n");
    assert!(!validator.is_valid(&bad), "unknown keys must be rejected");
    let missing = toml_to_json("[agreement]\nid = \"x\"\n");
    assert!(!validator.is_valid(&missing), "missing required keys must be rejected");
}

#[test]
fn omitted_asserts_mean_the_role_default_in_json_too() {
    let json = r#"{"agreement": {"id": "x", "title": "x", "adopted": "2020-01-01"},
                   "party": [{"id": "v", "name": "V", "role": "verifier"}]}"#;
    let spec = detente_spec::from_normalized_json(json).unwrap();
    assert_eq!(spec.party[0].asserts, detente_spec::model::Role::Verifier.default_asserts());
}
