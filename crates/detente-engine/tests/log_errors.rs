//! Bad logs: every bad line reported with its number and a clear message, and the log
//! rejected whole unless lenient, in which case the bad lines are listed.

use detente_engine::log::{load, Format, LogError};
use detente_engine::Agreement;
use detente_spec::{check, starter, SourceFile};

fn agreement() -> Agreement {
    Agreement::compile(&check(&SourceFile::new("starter.toml", starter("starter"))).spec).unwrap()
}

fn errors(text: &str) -> Vec<LogError> {
    load(text, Format::JsonLines, &agreement(), false).expect_err("the log must be rejected")
}

fn one_error(line: &str) -> LogError {
    let mut all = errors(line);
    assert_eq!(all.len(), 1, "{all:?}");
    all.remove(0)
}

#[test]
fn unknown_ids_are_reported_with_suggestions() {
    let e = one_error(
        r#"{"date": "2025-01-02", "actor": "alpah", "kind": "performed", "subject": "suspend-sanctions"}"#,
    );
    assert_eq!(e.line, 1);
    assert!(e.message.contains("no party has the id `alpah`"));
    assert_eq!(e.help.as_deref(), Some("did you mean `alpha`?"));
    let e = one_error(
        r#"{"date": "2025-01-02", "actor": "alpha", "kind": "performed", "subject": "suspend-sanction"}"#,
    );
    assert!(e.help.unwrap().contains("suspend-sanctions"));
    let e = one_error(
        r#"{"date": "2025-01-02", "actor": "alpha", "kind": "perfomed", "subject": "suspend-sanctions"}"#,
    );
    assert!(e.help.unwrap().contains("performed"));
}

#[test]
fn parties_may_only_assert_what_they_are_entitled_to() {
    let e = one_error(
        r#"{"date": "2025-01-02", "actor": "inspectorate", "kind": "performed", "subject": "freeze-enrichment"}"#,
    );
    assert!(e.message.contains("may not assert `performed`"), "{e:?}");
    let e = one_error(
        r#"{"date": "2025-01-02", "actor": "alpha", "kind": "performed", "subject": "freeze-enrichment"}"#,
    );
    assert!(e.message.contains("not bound by `freeze-enrichment`"), "{e:?}");
    let e = one_error(r#"{"date": "2025-01-02", "actor": "beta", "kind": "invoked", "subject": "snapback"}"#);
    assert!(e.message.contains("does not hold power"), "{e:?}");
}

#[test]
fn dates_must_follow_adoption_and_each_other() {
    let e = one_error(
        r#"{"date": "2024-12-31", "actor": "alpha", "kind": "performed", "subject": "suspend-sanctions"}"#,
    );
    assert!(e.message.contains("before the agreement was adopted"));
    let all = errors(concat!(
        r#"{"date": "2025-02-01", "actor": "alpha", "kind": "performed", "subject": "suspend-sanctions"}"#,
        "\n",
        r#"{"date": "2025-01-15", "actor": "beta", "kind": "performed", "subject": "freeze-enrichment"}"#,
    ));
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].line, 2);
    assert!(all[0].message.contains("out of date order"));
    let e = one_error(
        r#"{"date": "2025-02-30", "actor": "alpha", "kind": "performed", "subject": "suspend-sanctions"}"#,
    );
    assert!(e.message.contains("only 28 days"));
}

#[test]
fn duplicate_ids_malformed_lines_and_values_are_errors() {
    let all = errors(concat!(
        r#"{"id": "e1", "date": "2025-01-02", "actor": "beta", "kind": "performed", "subject": "freeze-enrichment"}"#,
        "\n",
        r#"{"id": "e1", "date": "2025-01-03", "actor": "alpha", "kind": "performed", "subject": "suspend-sanctions"}"#,
        "\n",
        r#"{"date": "2025-01-03", "actor": "alpha", "kind": "performed""#,
        "\n",
        r#"{"date": "2025-01-04", "actor": "beta", "kind": "measured", "subject": "enriched-uranium"}"#,
        "\n",
        r#"{"date": "2025-01-04", "actor": "alpha", "kind": "performed", "subject": "suspend-sanctions", "colour": "red"}"#,
    ));
    let lines: Vec<usize> = all.iter().map(|e| e.line).collect();
    assert_eq!(lines, [2, 3, 4, 5]);
    assert!(all[0].message.contains("duplicate event id `e1` (first on line 1)"));
    assert!(all[1].message.contains("not a valid event"));
    assert!(all[2].message.contains("needs a `value`"));
    assert!(all[3].message.contains("unknown field"));
}

#[test]
fn lenient_loading_skips_and_lists_bad_lines() {
    let text = concat!(
        r#"{"date": "2025-01-02", "actor": "beta", "kind": "performed", "subject": "freeze-enrichment"}"#,
        "\n",
        r#"{"date": "2025-01-03", "actor": "nobody", "kind": "performed", "subject": "freeze-enrichment"}"#,
    );
    let log = load(text, Format::JsonLines, &agreement(), true).unwrap();
    assert_eq!(log.events.len(), 1);
    assert_eq!(log.skipped.len(), 1);
    assert_eq!(log.skipped[0].line, 2);
}

#[test]
fn csv_logs_read_like_json_lines() {
    let csv = "date,actor,kind,subject,value,source\n\
               2025-01-02,beta,performed,freeze-enrichment,,\"Hypothetical, for the test\"\n\
               2025-01-05,inspectorate,measured,enriched-uranium,118.5,\n";
    let log = load(csv, Format::Csv, &agreement(), false).unwrap();
    assert_eq!(log.events.len(), 2);
    assert_eq!(log.events[1].value, Some(118.5));
    assert_eq!(log.events[0].source.as_deref(), Some("Hypothetical, for the test"));
    let bad =
        load("date,actor,knd\n2025-01-02,beta,performed\n", Format::Csv, &agreement(), false).unwrap_err();
    assert!(bad[0].help.as_deref().unwrap().contains("kind"));
}

#[test]
fn a_byte_order_mark_is_skipped_in_json_lines_as_in_csv() {
    let line = "\u{feff}{\"date\": \"2025-01-02\", \"actor\": \"beta\", \"kind\": \"performed\", \"subject\": \"freeze-enrichment\"}";
    let log = load(line, Format::JsonLines, &agreement(), false).unwrap();
    assert_eq!(log.events.len(), 1);
    let csv = "\u{feff}date,actor,kind,subject\n2025-01-02,beta,performed,freeze-enrichment\n";
    assert_eq!(load(csv, Format::Csv, &agreement(), false).unwrap().events.len(), 1);
}

#[test]
fn a_column_named_twice_is_an_error() {
    let csv = "date,actor,kind,subject,date\n2025-01-02,beta,performed,freeze-enrichment,2025-03-01\n";
    let errors = load(csv, Format::Csv, &agreement(), false).unwrap_err();
    assert!(errors[0].message.contains("the column `date` appears twice"), "{errors:?}");
}

#[test]
fn a_line_that_is_not_utf8_is_a_bad_line_not_a_failure() {
    let mut bytes =
        br#"{"date": "2025-01-02", "actor": "beta", "kind": "performed", "subject": "freeze-enrichment"}"#
            .to_vec();
    bytes.extend_from_slice(b"\n{\"date\": \"2025-01-03\xff\"}\n");
    let errors =
        detente_engine::log::load_from(&bytes[..], Format::JsonLines, &agreement(), false).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].line, 2);
    assert!(errors[0].message.contains("not UTF-8"), "{errors:?}");
}

#[test]
fn a_huge_bad_log_lists_a_bounded_number_of_errors() {
    let bad =
        "{\"date\": \"2025-01-02\", \"actor\": \"nobody\", \"kind\": \"performed\", \"subject\": \"x\"}\n";
    let text = bad.repeat(5_000);
    let errors = load(&text, Format::JsonLines, &agreement(), false).unwrap_err();
    assert_eq!(errors.len(), detente_engine::log::MAX_LISTED_ERRORS + 1);
    let last = errors.last().unwrap();
    assert!(last.message.contains("and 4000 more bad line(s)"), "{last:?}");
    assert_eq!(last.line, 5_000);
}

/// The fields the history constructs added (`against`, `matter`, `until`, dates known to
/// the month or the year): each misuse is an error of its line, with a message.
#[test]
fn misused_history_fields_are_errors_of_their_line() {
    let cases = [
        (
            r#"{"date": "2025-01-02", "actor": "alpha", "kind": "violation", "subject": "freeze-enrichment", "against": "gamma"}"#,
            "no party has the id `gamma`",
        ),
        (
            r#"{"date": "2025-01-02", "actor": "alpha", "kind": "violation", "subject": "freeze-enrichment", "against": "alpha"}"#,
            "alpha",
        ),
        (
            r#"{"date": "2025-01-02", "actor": "alpha", "kind": "performed", "subject": "suspend-sanctions", "matter": "oil"}"#,
            "has no `matter`",
        ),
        (
            r#"{"date": "2025-01-02", "actor": "alpha", "kind": "violation", "subject": "freeze-enrichment", "matter": "  "}"#,
            "`matter` is empty",
        ),
        (
            r#"{"date": "2025-01-02", "actor": "alpha", "kind": "extended", "subject": "freeze-enrichment", "until": "2025-01-01"}"#,
            "does not reach past",
        ),
        (
            r#"{"date": "2025-01-02", "actor": "alpha", "kind": "extended", "subject": "freeze-enrichment", "until": "2025-03-01", "value": 30}"#,
            "not both",
        ),
        (
            r#"{"date": "2025-01-02", "actor": "alpha", "kind": "performed", "subject": "suspend-sanctions", "until": "2025-03-01"}"#,
            "has no `until`",
        ),
        (
            r#"{"date": "2025-01-02", "actor": "alpha", "kind": "extended", "subject": "freeze-enrichment", "until": "2025-02-30"}"#,
            "2025-02-30",
        ),
        (
            r#"{"date": "2025-13", "actor": "alpha", "kind": "performed", "subject": "suspend-sanctions"}"#,
            "2025-13",
        ),
        (
            r#"{"date": "20255", "actor": "alpha", "kind": "performed", "subject": "suspend-sanctions"}"#,
            "20255",
        ),
    ];
    for (line, expected) in cases {
        let e = one_error(line);
        assert_eq!(e.line, 1);
        let text = format!("{} {}", e.message, e.help.clone().unwrap_or_default());
        assert!(text.contains(expected), "{line}\n  gave: {text}");
    }
}

/// A JSON line's error points at the value of the field at fault, in characters.
#[test]
fn errors_point_at_the_column_of_the_faulty_field() {
    let e = one_error(
        r#"{"date": "2025-01-02", "actor": "alpah", "kind": "performed", "subject": "suspend-sanctions"}"#,
    );
    assert_eq!((e.field, e.column), (Some("actor"), Some(33)));
    let e = one_error(r#"{"date": "2025-01-02", "actor": "alpha", "kind": "performed", "subject":"ghost"}"#);
    assert_eq!((e.field, e.column), (Some("subject"), Some(73)));
    // Characters, not bytes: the accented source before the date does not shift it.
    let e = one_error(
        r#"{"source": "Genève", "date": "2025-13-02", "actor": "alpha", "kind": "performed", "subject": "suspend-sanctions"}"#,
    );
    assert_eq!((e.field, e.column), (Some("date"), Some(30)));
    assert_eq!(e.to_string().lines().next().unwrap(), format!("line 1, column 30: {}", e.message));
    // A line that is not JSON: where the parser stopped.
    let e = one_error(r#"{"date": "2025-01-02", "actor": alpha}"#);
    assert_eq!(e.column, Some(33));
    // A missing field has no column of its own.
    let e = one_error(r#"{"date": "2025-01-02", "kind": "performed", "subject": "suspend-sanctions"}"#);
    assert_eq!(e.column, None);
}
