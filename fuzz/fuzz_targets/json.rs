//! Fuzz the normalized JSON reader: any bytes, read as (lossy) UTF-8 and checked as
//! normalized JSON, must not panic; every location must lie inside the text; the
//! diagnostics must render. What reads as a model must print back to JSON that reads
//! as the same model with the same diagnostics. Seed it with normalized JSON (see
//! README.md) so that mutations reach the validator, not only the JSON parser.
#![no_main]

use detente_spec::diagnostic::{render, JsonDiagnostic, Style, MAX_REPORTED};
use detente_spec::{check_json, to_normalized_json, SourceFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let len = text.len();
    let file = SourceFile::new("fuzz.json", text);
    let checked = check_json(&file);
    assert!(checked.diagnostics.len() <= 2 * MAX_REPORTED + 1);
    for diagnostic in &checked.diagnostics {
        for label in &diagnostic.labels {
            assert!(label.span.start <= label.span.end && label.span.end <= len);
        }
        let _ = JsonDiagnostic::new(diagnostic, &file);
    }
    let _ = render(&checked.diagnostics, &file, Style::Plain);
    let read = !checked.diagnostics.iter().any(|d| d.message.starts_with("invalid normalized JSON"));
    if read {
        let json = to_normalized_json(&checked.spec);
        let again = check_json(&SourceFile::new("again.json", json));
        assert_eq!(again.spec, checked.spec);
        let codes = |d: &[detente_spec::Diagnostic]| {
            let mut v: Vec<(detente_spec::Code, String)> = d.iter().map(|d| (d.code, d.message.clone())).collect();
            v.sort();
            v
        };
        assert_eq!(codes(&again.diagnostics), codes(&checked.diagnostics));
    }
});
