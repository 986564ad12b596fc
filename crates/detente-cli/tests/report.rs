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
                .and(predicate::str::contains("## What drives it"))
                // A design without `values` has a tournament of zeros, and says so.
                .and(predicate::str::contains("`closed-form`: the file states no `values`")),
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

/// A design with an inspection budget and a stated range: Dresher's game drawn from the
/// budget, the tournament's findings, the stated range with its source, and tornado
/// charts linked from the Markdown and inline in the HTML, byte for byte the same when
/// the report is built again with the same seed.
#[test]
fn a_report_draws_the_budget_the_ranges_and_the_tornadoes_reproducibly() {
    let text = std::fs::read_to_string(case("two-sides.toml")).unwrap().replacen(
        "every = \"1 month\"\n",
        "every = \"1 month\"\nbudget = { inspections = 3, per = \"1 year\", source = \"a test's label\" }\n",
        1,
    ) + "\n[simulation.range]\n\"detection.freeze\" = { low = 0.5, high = 1.0, source = \"the test's doubt\" }\n";
    let base = std::env::temp_dir().join(format!("detente-report-budget-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(&base).unwrap();
    let file = base.join("budgeted.toml");
    std::fs::write(&file, text).unwrap();
    let build = |name: &str| {
        let dir = base.join(name);
        let args = ["--runs", "60", "--driver-runs", "30", "--game-runs", "30"];
        detente().arg("report").arg(&file).args(args).arg("--out").arg(&dir).assert().success();
        dir
    };
    let (first, second) = (build("first"), build("second"));
    let md = std::fs::read_to_string(first.join("report.md")).unwrap();
    let html = std::fs::read_to_string(first.join("report.html")).unwrap();
    // Dresher's game: 3 inspections in 12 monthly periods, v(12, 3) = -165/299.
    assert!(md.contains("## Inspection budgets: Dresher's game"), "{md}");
    assert!(md.contains("3 of 12 (every 1 month, per 1 year; a test's label) | -165/299 (-0.55)"), "{md}");
    assert!(md.contains("## Best responses: the tournament"));
    // Beta pays for lifting the embargo and gets nothing for it in `values`: a hedger
    // that skips the costlier step does better than sincere Beta.
    assert!(md.contains("beta's simulated strategy `sincere` is not a best response to alpha's `sincere`: `hedger:1.5` pays beta"), "{md}");
    assert!(md.contains("every payoff of alpha is 0 whatever the strategies"), "{md}");
    assert!(md.contains("0.5 to 1 (stated: the test's doubt)"), "{md}");
    let tornadoes: Vec<String> = std::fs::read_dir(&first)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| f.starts_with("tornado-"))
        .collect();
    assert!(!tornadoes.is_empty(), "some assumption moves some outcome");
    for file in &tornadoes {
        assert!(md.contains(&format!("]({file})")), "{file} is linked");
        let svg = std::fs::read(first.join(file)).unwrap();
        assert_eq!(svg, std::fs::read(second.join(file)).unwrap(), "{file} is the same again");
        let svg = String::from_utf8(svg).unwrap();
        assert!(html.contains(svg[svg.find("<svg").unwrap()..].trim()), "{file} is inline");
    }
    assert_eq!(md, std::fs::read_to_string(second.join("report.md")).unwrap());
    std::fs::remove_dir_all(&base).unwrap();
}

/// A design whose file states priors: the report carries what each verified step
/// teaches, the numbers `detente analyze` gives (the hand-worked case of
/// crates/detente-game/tests/beliefs.rs: prior 1/2-1/4-1/4, detection 3/4, false alarm
/// 1/10, so (36, 18, 5)/59 after no alarm and a value of information of 17/40).
#[test]
fn a_report_shows_what_each_verified_step_teaches_where_priors_are_stated() {
    let hand = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../detente-game/tests/types/hand.toml");
    let args = ["--runs", "60", "--driver-runs", "30", "--game-runs", "30"];
    let output = detente().arg("report").arg(&hand).args(args).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let md = String::from_utf8(output.stdout).unwrap();
    assert!(md.contains("## Learning by verified steps"), "{md}");
    assert!(md.contains("### Learning `beta`'s type from verified steps"), "{md}");
    assert!(
        md.contains("| first | 0.5 / 0.25 / 0.25 | 0.7375 / 0.2625 / 0 | 0.6102 / 0.3051 / 0.0847 |"),
        "{md}"
    );
    assert!(md.contains("| 0.425 |"), "{md}");
    // A design without priors has no such section.
    let plain = detente().arg("report").arg(case("two-sides.toml")).args(args).output().unwrap();
    assert!(!String::from_utf8_lossy(&plain.stdout).contains("## Learning by verified steps"));
}
