//! Detection that depends on access (`verification.access`): read from TOML and JSON
//! alike, with every mistake located in the clause that makes it.

use std::path::Path;

use detente_spec::{check, check_json, to_normalized_json, Code, SourceFile};

fn base() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/codes/valid.toml");
    std::fs::read_to_string(path).unwrap()
}

/// The valid case with the freeze's inline verification replaced by `verification`, a
/// table written out with its access clauses.
fn with_verification(verification: &str) -> String {
    let inline = "verification = { by = \"inspectorate\", method = \"inspection\", detection = 0.9 }\n";
    let text = base();
    assert!(text.contains(inline));
    let (head, tail) = text.split_once(inline).unwrap();
    // The table must come after the commitment's own keys: move the rest first.
    let next = tail.find("[[").unwrap_or(tail.len());
    format!("{head}{}\n{verification}\n{}", &tail[..next], &tail[next..])
}

const CLAUSES: &str = r#"[commitment.verification]
by = "inspectorate"
method = "satellite imagery; on-site inspection once admitted"
detection = 0.3
false_alarm = 0.05

[[commitment.verification.access]]
when = "performed(alpha-relief) and not violated(beta-freeze)"
detection = 0.9
false_alarm = 0.01
source = "Assumption: inspectors on site."

[[commitment.verification.access]]
when = "date >= 2021-01-01"
detection = 0.6
"#;

#[test]
fn access_clauses_are_read_in_order_with_their_defaults() {
    let checked = check(&SourceFile::new("access.toml", with_verification(CLAUSES)));
    assert_eq!(checked.diagnostics, vec![]);
    let spec = checked.spec;
    let verification = spec.commitment[0].verification.as_ref().unwrap();
    assert_eq!(verification.access.len(), 2);
    assert_eq!(verification.access[0].detection, 0.9);
    assert_eq!(verification.access[0].false_alarm, Some(0.01));
    assert_eq!(verification.access[1].false_alarm, None);
    assert_eq!(verification.access[1].when.to_string(), "date >= 2021-01-01");
}

#[test]
fn access_clauses_survive_the_normalized_json() {
    let spec = check(&SourceFile::new("access.toml", with_verification(CLAUSES))).spec;
    let json = to_normalized_json(&spec);
    let again = check_json(&SourceFile::new("access.json", json));
    assert_eq!(again.diagnostics, vec![]);
    assert_eq!(again.spec, spec);
}

/// An unknown id in the second clause is pointed at in the second clause, not the first:
/// the clauses share a field name, so their references are numbered across them.
#[test]
fn an_unknown_id_in_a_later_clause_is_located_in_that_clause() {
    let text = with_verification(&CLAUSES.replace("date >= 2021-01-01", "performed(alpha-releif)"));
    let checked = check(&SourceFile::new("access.toml", text.clone()));
    let unknown: Vec<_> = checked.diagnostics.iter().filter(|d| d.code == Code::UnknownId).collect();
    assert_eq!(unknown.len(), 1, "{:?}", checked.diagnostics);
    let span = unknown[0].labels[0].span.clone();
    assert_eq!(&text[span.clone()], "alpha-releif");
    assert!(span.start > text.find("detection = 0.9").unwrap(), "located in the first clause");
    assert!(unknown[0].help.as_deref().unwrap_or("").contains("alpha-relief"), "{:?}", unknown[0].help);
}

/// The same mistake in the JSON form is located the same way.
#[test]
fn an_unknown_id_in_a_later_clause_of_json_is_located_in_that_clause() {
    let spec = check(&SourceFile::new("access.toml", with_verification(CLAUSES))).spec;
    let json = to_normalized_json(&spec).replace("date >= 2021-01-01", "performed(alpha-releif)");
    let checked = check_json(&SourceFile::new("access.json", json.clone()));
    let unknown: Vec<_> = checked.diagnostics.iter().filter(|d| d.code == Code::UnknownId).collect();
    assert_eq!(unknown.len(), 1, "{:?}", checked.diagnostics);
    assert_eq!(&json[unknown[0].labels[0].span.clone()], "alpha-releif");
}

#[test]
fn a_clause_probability_out_of_range_is_located_in_its_clause() {
    for form in ["toml", "json"] {
        let toml = with_verification(&CLAUSES.replace("detection = 0.6", "detection = 1.5"));
        let text = match form {
            "toml" => toml,
            _ => {
                let spec = check(&SourceFile::new("a.toml", with_verification(CLAUSES))).spec;
                to_normalized_json(&spec).replace("\"detection\": 0.6", "\"detection\": 1.5")
            }
        };
        let file = SourceFile::new(format!("access.{form}"), text.clone());
        let checked = if form == "toml" { check(&file) } else { check_json(&file) };
        let bad: Vec<_> = checked.diagnostics.iter().filter(|d| d.code == Code::Probability).collect();
        assert_eq!(bad.len(), 1, "{form}: {:?}", checked.diagnostics);
        assert_eq!(&text[bad[0].labels[0].span.clone()], "1.5", "{form}");
        let after_first_clause = text.find("0.01").unwrap();
        assert!(bad[0].labels[0].span.start > after_first_clause, "{form}: located in the second clause");
    }
}

#[test]
fn a_clause_without_a_condition_is_an_error_with_an_example() {
    let text = with_verification(&CLAUSES.replace("when = \"date >= 2021-01-01\"\n", ""));
    let checked = check(&SourceFile::new("access.toml", text));
    let missing: Vec<_> = checked.diagnostics.iter().filter(|d| d.code == Code::MissingField).collect();
    assert_eq!(missing.len(), 1, "{:?}", checked.diagnostics);
    assert!(missing[0].message.contains("`when`"), "{}", missing[0].message);
    assert!(checked.diagnostics.iter().all(|d| d.code != Code::UnknownId), "{:?}", checked.diagnostics);
}

#[test]
fn an_unknown_key_in_a_clause_is_named() {
    let text = with_verification(&CLAUSES.replace("detection = 0.6", "detection = 0.6\ndetect = 0.7"));
    let checked = check(&SourceFile::new("access.toml", text));
    assert!(checked.diagnostics.iter().any(|d| d.code == Code::UnknownField), "{:?}", checked.diagnostics);
}
