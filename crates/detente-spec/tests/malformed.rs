//! The malformed-input corpus (`tests/cases/malformed/`): truncated files, wrong types,
//! unknown ids, cycles, bad dates, huge numbers, non-UTF-8 bytes, empty files, and
//! normalized JSON (`*.json`) with values out of range and broken shapes. Every file must
//! give at least one error, each with a location inside the file, a message and a help
//! text, and nothing may panic. A snapshot records which codes each file
//! produces, so a change in how a mistake is classified is seen in review.

use std::path::{Path, PathBuf};

use detente_spec::diagnostic::line_column;
use detente_spec::{check, check_json, Severity, SourceFile};

fn corpus() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/malformed");
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(dir).unwrap().map(|entry| entry.unwrap().path()).collect();
    files.sort();
    files
}

#[test]
fn the_corpus_is_large_enough() {
    assert!(corpus().len() >= 40, "the corpus must hold at least 40 files");
}

#[test]
fn every_malformed_file_gets_located_errors_with_help() {
    let mut summary = String::new();
    for path in corpus() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        let Ok(text) = String::from_utf8(bytes) else {
            // Decoding bytes is the CLI's job (see the integration tests); the library
            // takes text. Record the file so the snapshot shows it was not skipped silently.
            summary.push_str(&format!("{name}: not UTF-8 (checked by the CLI tests)\n"));
            continue;
        };
        let len = text.len();
        let file = SourceFile::new(name.clone(), text);
        let checked = if name.ends_with(".json") { check_json(&file) } else { check(&file) };
        let errors: Vec<_> = checked.diagnostics.iter().filter(|d| d.severity() == Severity::Error).collect();
        assert!(!errors.is_empty(), "{name}: no error reported");
        for error in &errors {
            assert!(!error.message.is_empty(), "{name}: empty message");
            assert!(error.help.is_some(), "{name}: no help for {}", error.message);
            let span = error.primary().unwrap_or_else(|| panic!("{name}: no location for {}", error.message));
            assert!(span.start <= span.end && span.end <= len, "{name}: span {span:?} outside the file");
        }
        let mut codes: Vec<&str> = errors.iter().map(|d| d.code.as_str()).collect();
        codes.dedup();
        if name.ends_with(".json") {
            // JSON is checked by the same rules as TOML; pin where its errors point too.
            let at = |d: &detente_spec::Diagnostic| {
                let start = line_column(&file.text, d.primary().unwrap().start);
                format!("{}:{}", start.line, start.column)
            };
            let located: Vec<String> = errors.iter().map(|d| format!("{} at {}", d.code, at(d))).collect();
            summary.push_str(&format!("{name}: {}\n", located.join(", ")));
            continue;
        }
        summary.push_str(&format!("{name}: {}\n", codes.join(" ")));
    }
    insta::assert_snapshot!(summary);
}

/// Messages read as English and print numbers compactly (an E022 once printed 1e300 as
/// 301 digits; E025 said "a election").
#[test]
fn messages_are_worded_with_care() {
    let message = |name: &str| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/malformed").join(name);
        let checked = check(&SourceFile::new(name, std::fs::read_to_string(path).unwrap()));
        checked.diagnostics.into_iter().map(|d| d.message).collect::<Vec<_>>().join("\n")
    };
    assert_eq!(message("float-huge.toml"), "`weight` = 1e300 is out of range");
    assert_eq!(
        message("simulation-election-for-verifier.toml"),
        "`inspectorate` is not a signatory, so an election assumption cannot apply to it"
    );
}
