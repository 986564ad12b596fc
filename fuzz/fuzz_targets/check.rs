//! Fuzz the whole checker: any bytes, read as (lossy) UTF-8, must check without
//! panicking, every reported location must lie inside the text, and the diagnostics
//! must render (text and JSON). A valid agreement must survive the normalized JSON
//! round trip and get the same diagnostics in that form.
#![no_main]

use detente_spec::diagnostic::{render, JsonDiagnostic, Style, MAX_REPORTED};
use detente_spec::{check, check_json, to_normalized_json, SourceFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let len = text.len();
    let file = SourceFile::new("fuzz.toml", text);
    let checked = check(&file);
    assert!(checked.diagnostics.len() <= 2 * MAX_REPORTED + 1);
    for diagnostic in &checked.diagnostics {
        for label in &diagnostic.labels {
            assert!(label.span.start <= label.span.end && label.span.end <= len);
        }
        let _ = JsonDiagnostic::new(diagnostic, &file);
    }
    let _ = render(&checked.diagnostics, &file, Style::Plain);
    // A valid agreement must survive the normalized JSON round trip.
    if !checked.has_errors() {
        let json = to_normalized_json(&checked.spec);
        let again = check_json(&SourceFile::new("fuzz.json", json));
        assert_eq!(again.spec, checked.spec);
        let codes = |d: &[detente_spec::Diagnostic]| {
            let mut v: Vec<(detente_spec::Code, String)> = d.iter().map(|d| (d.code, d.message.clone())).collect();
            v.sort();
            v
        };
        assert_eq!(codes(&again.diagnostics), codes(&checked.diagnostics));
    }
});
