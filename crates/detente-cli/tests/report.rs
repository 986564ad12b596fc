//! `detente report`: Markdown on standard output or report.md and report.html in --out,
//! and its refusals.

use std::path::PathBuf;

use assert_cmd::Command;
use predicates::prelude::*;

fn detente() -> Command {
    Command::cargo_bin("detente").unwrap()
}

fn case(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../detente-sim/tests/cases").join(name)
}

#[test]
fn a_report_is_printed_or_written_whole() {
    let args = ["--runs", "60", "--driver-runs", "20"];
    detente()
        .arg("report")
        .arg(case("two-sides.toml"))
        .arg(case("closed-form.toml"))
        .args(args)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("# Decision report: two-sides, closed-form")
                .and(predicate::str::contains("## What drives it")),
        );
    let dir = std::env::temp_dir().join(format!("detente-report-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    detente().arg("report").arg(case("two-sides.toml")).args(args).arg("--out").arg(&dir).assert().success();
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(md.starts_with("# Decision report: two-sides"));
    assert!(html.contains("<h1>Decision report: two-sides</h1>") && html.trim_end().ends_with("</html>"));
    // The charts: files linked from the Markdown, the same SVG inline in the HTML.
    assert!(md.contains("![Probability of snap-back by then, by design](compare-snapback.svg)"));
    let svg = std::fs::read_to_string(dir.join("compare-snapback.svg")).unwrap();
    let body = &svg[svg.find("<svg").unwrap()..];
    assert!(html.contains(body.trim()), "the chart is inline");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_report_refuses_what_it_cannot_do() {
    detente()
        .args(["report", "--format", "json"])
        .arg(case("two-sides.toml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Markdown and HTML"));
    detente().args(["report", "--driver-runs", "0"]).arg(case("two-sides.toml")).assert().code(2);
    detente()
        .args(["report", "/nonexistent/x.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read"));
}
