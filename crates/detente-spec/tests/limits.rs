//! Hostile and very large inputs finish in bounded time and memory. The limits here are
//! loose (debug builds, a shared machine); the exact figures are in the benches
//! (`benches/check.rs`, `benches/memory.rs`) and docs/diagnostics.md.

use std::time::{Duration, Instant};

use detente_spec::diagnostic::{render, JsonDiagnostic, Style, MAX_REPORTED};
use detente_spec::{check, SourceFile};

mod common;
use common::generate;

/// Checks `text`, failing if it takes longer than `limit`.
fn check_within(name: &str, text: String, limit: Duration) -> detente_spec::Checked {
    let start = Instant::now();
    let checked = check(&SourceFile::new(name, text));
    let elapsed = start.elapsed();
    assert!(elapsed < limit, "{name}: took {elapsed:?}, more than {limit:?}");
    checked
}

#[test]
fn a_condition_of_200_000_terms_decodes_in_bounded_time() {
    // Mapping each reference into the file compared the whole condition text once per
    // reference: 27 s for 100,000 terms, about 28 s for 200,000 in a debug build here.
    // Linear now: about a second in a debug build, 30 ms in release.
    for op in ["and", "or"] {
        let checked = check_within(
            &format!("long-{op}.toml"),
            generate::long_condition(200_000, op),
            Duration::from_secs(10),
        );
        assert!(!checked.has_errors(), "{:?}", &checked.diagnostics[..checked.diagnostics.len().min(3)]);
        let when = checked.spec.commitment[1].when.as_ref().unwrap();
        assert_eq!(when.references().len(), 200_000);
    }
}

#[test]
fn a_file_of_junk_reports_a_bounded_number_of_problems_quickly() {
    // 1 MB of junk tables is 42,590 unknown keys. Every one was kept and drawn, each
    // snippet drawn by scanning the file from its start: 10 MB took over 12 minutes and
    // 1 GB. Now the first MAX_REPORTED are shown and the rest counted in one more.
    let text = generate::junk_tables(1_000_000);
    let start = Instant::now();
    let file = SourceFile::new("junk.toml", text);
    let checked = check(&file);
    let rendered = render(&checked.diagnostics, &file, Style::Plain);
    let json: Vec<JsonDiagnostic> =
        checked.diagnostics.iter().map(|d| JsonDiagnostic::new(d, &file)).collect();
    let elapsed = start.elapsed();
    assert!(elapsed < Duration::from_secs(60), "took {elapsed:?}");
    assert_eq!(checked.diagnostics.len(), MAX_REPORTED + 1);
    let omitted = file.text.matches("[junk").count() - MAX_REPORTED;
    let omitted = format!("{},{:03}", omitted / 1000, omitted % 1000);
    let summary = checked.diagnostics.last().unwrap();
    assert_eq!(summary.code.as_str(), "E004");
    assert_eq!(summary.message, format!("{omitted} more problems are not shown: E004 ×{omitted}"));
    assert!(summary.primary().is_some() && summary.help.is_some());
    assert!(checked.has_errors());
    assert!(rendered.len() < 100_000, "{} bytes rendered", rendered.len());
    assert_eq!(json.len(), MAX_REPORTED + 1);
    // The diagnostics shown are the first ones, in file order.
    let first = checked.diagnostics[0].primary().unwrap().start;
    assert!(file.text[first..].starts_with("junk0]"), "{}", &file.text[first..first + 10]);
}

#[test]
fn the_limit_never_hides_that_a_file_is_invalid() {
    // More warnings than are shown (unsourced instruments, W103), found before an
    // error (a strategy for the verifier, E025, checked after the warnings): the error
    // is kept, so the file is still invalid.
    let mut text = generate::agreement(1, 3 * (MAX_REPORTED + 10));
    text = text.replace("source = \"generated\"\n", "");
    text.push_str("\n[simulation.strategy]\ninspectorate = { kind = \"sincere\" }\n");
    let checked = check(&SourceFile::new("many.toml", text));
    let (summary, shown) = checked.diagnostics.split_last().unwrap();
    let warnings = shown.iter().filter(|d| d.code.as_str() == "W103").count();
    assert_eq!(warnings, MAX_REPORTED, "the warnings fill their share");
    assert!(summary.message.contains("more problems are not shown: W103 ×"), "{}", summary.message);
    assert!(checked.has_errors());
    assert!(checked.diagnostics.iter().any(|d| d.code.as_str() == "E025"));
}
