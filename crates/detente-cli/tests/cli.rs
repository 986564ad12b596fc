//! Integration tests: run the `detente` binary on files, as a user would.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn scenario(name: &str) -> PathBuf {
    repo().join("scenarios").join(name)
}

fn detente() -> Command {
    let mut command = Command::cargo_bin("detente").unwrap();
    command.env("NO_COLOR", "1");
    command
}

fn malformed() -> Vec<PathBuf> {
    let dir = repo().join("crates/detente-spec/tests/cases/malformed");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    files
}

#[test]
fn check_accepts_the_bundled_scenarios() {
    detente()
        .arg("check")
        .arg(scenario("korea-2020.toml"))
        .arg(scenario("korea-2020-big-deal.toml"))
        .assert()
        .success()
        .stdout(predicate::str::contains("korea-2020.toml: valid"))
        .stdout(predicate::str::contains("korea-2020-big-deal.toml: valid"));
}

#[test]
fn check_rejects_every_malformed_file_with_exit_1_and_no_panic() {
    for path in malformed() {
        let output = detente().arg("check").arg(&path).output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{}: {stdout}{stderr}", path.display());
        assert!(!stderr.contains("panicked"), "{}: {stderr}", path.display());
        assert!(stdout.contains("invalid"), "{}: {stdout}", path.display());
        assert!(stdout.contains("help:"), "{}: no help in {stdout}", path.display());
    }
}

#[test]
fn check_reports_non_utf8_bytes_where_they_are() {
    let path = repo().join("crates/detente-spec/tests/cases/malformed/not-utf8.toml");
    detente()
        .arg("check")
        .arg(&path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("not valid UTF-8"))
        .stdout(predicate::str::contains("not-utf8.toml:2:"));
}

#[test]
fn check_reports_all_files_and_fails_if_any_is_invalid() {
    let bad = repo().join("crates/detente-spec/tests/cases/codes/E006.toml");
    detente()
        .arg("check")
        .arg(scenario("korea-2020.toml"))
        .arg(&bad)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("korea-2020.toml: valid"))
        .stdout(predicate::str::contains("E006.toml: invalid, 1 error"))
        .stdout(predicate::str::contains("did you mean `beta`?"));
}

#[test]
fn check_json_gives_lines_columns_and_codes() {
    let bad = repo().join("crates/detente-spec/tests/cases/codes/E006.toml");
    let output = detente().args(["check", "--format", "json"]).arg(&bad).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["files"][0]["valid"], false);
    let diagnostic = &report["diagnostics"][0];
    assert_eq!(diagnostic["code"], "E006");
    assert_eq!(diagnostic["severity"], "error");
    assert_eq!(diagnostic["start"]["line"], 38);
    assert_eq!(diagnostic["start"]["column"], 7);
    assert!(diagnostic["help"].as_str().unwrap().contains("beta"));
}

#[test]
fn warnings_alone_exit_zero() {
    let warned = repo().join("crates/detente-spec/tests/cases/codes/W101.toml");
    detente()
        .arg("check")
        .arg(&warned)
        .assert()
        .success()
        .stdout(predicate::str::contains("W101"))
        .stdout(predicate::str::contains("valid, 1 warning"));
}

#[test]
fn usage_and_io_errors_exit_2() {
    detente().assert().code(2);
    detente().arg("check").assert().code(2);
    detente().args(["check", "--format", "yaml", "x.toml"]).assert().code(2);
    detente()
        .args(["check", "/nonexistent/agreement.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read /nonexistent/agreement.toml"));
    detente().args(["frobnicate"]).assert().code(2);
}

#[test]
fn show_presents_the_roadmap_in_each_format() {
    let text = detente().arg("show").arg(scenario("korea-2020.toml")).output().unwrap();
    assert!(text.status.success());
    let text = String::from_utf8(text.stdout).unwrap();
    for needle in [
        "Phase 1: New relations (relations)",
        "Phase 2: Peace regime (security)",
        "gives lift-travel-ban",
        "gets inter-korean-projects",
        "Snap-back and other powers",
        "restores every instrument relieved under the agreement",
        "relieved by export-relief (phase freeze)",
    ] {
        assert!(text.contains(needle), "missing `{needle}` in:\n{text}");
    }
    let markdown =
        detente().args(["show", "--format", "markdown"]).arg(scenario("korea-2020.toml")).output().unwrap();
    let markdown = String::from_utf8(markdown.stdout).unwrap();
    assert!(markdown.starts_with("# Step-by-step detente"));
    assert!(markdown.contains("## Phase 3: Step 1: inventory declaration"));
}

#[test]
fn show_json_is_the_normalized_form_and_reads_back() {
    let dir = tempdir();
    let json_path = dir.join("korea.json");
    let output =
        detente().args(["show", "--format", "json"]).arg(scenario("korea-2020.toml")).output().unwrap();
    assert!(output.status.success());
    std::fs::write(&json_path, &output.stdout).unwrap();
    detente().arg("check").arg(&json_path).assert().success();
    let again = detente().args(["show", "--format", "json"]).arg(&json_path).output().unwrap();
    assert_eq!(again.stdout, output.stdout, "normalized JSON is a fixed point");
    let text_from_toml = detente().arg("show").arg(scenario("korea-2020.toml")).output().unwrap().stdout;
    let text_from_json = detente().arg("show").arg(&json_path).output().unwrap().stdout;
    assert_eq!(text_from_toml, text_from_json);
}

#[test]
fn check_holds_normalized_json_to_the_same_rules_as_toml() {
    // Values out of range in the normalized form used to pass `check` and be simulated.
    let dir = tempdir();
    let output =
        detente().args(["show", "--format", "json"]).arg(scenario("korea-2020.toml")).output().unwrap();
    let json = String::from_utf8(output.stdout).unwrap();
    let (cut, _) = json.match_indices("\"detection\": ").next().expect("a verified commitment");
    let end = cut + json[cut..].find(',').unwrap();
    let broken = format!("{}\"detection\": -3{}", &json[..cut], &json[end..]);
    let line = json[..cut].matches('\n').count() + 1;
    let path = dir.join("broken.json");
    std::fs::write(&path, broken).unwrap();
    detente()
        .arg("check")
        .arg(&path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("E015"))
        .stdout(predicate::str::contains(format!("broken.json:{line}:")));
    detente()
        .arg("simulate")
        .arg(&path)
        .args(["--runs", "10"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("E015"));
}

#[test]
fn show_refuses_an_invalid_file_with_its_errors() {
    let bad = repo().join("crates/detente-spec/tests/cases/codes/E008.toml");
    detente()
        .arg("show")
        .arg(&bad)
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("E008"));
}

#[test]
fn schema_prints_a_json_schema() {
    let output = detente().arg("schema").output().unwrap();
    assert!(output.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(schema["title"], "detente agreement specification");
    assert!(schema["$defs"]["Commitment"]["properties"]["on_timeout"].is_object());
}

#[test]
fn the_committed_schema_file_is_current() {
    let output = detente().arg("schema").output().unwrap();
    let committed = std::fs::read_to_string(repo().join("docs/detente.schema.json")).unwrap();
    assert!(
        committed == String::from_utf8(output.stdout).unwrap(),
        "docs/detente.schema.json is stale: run `detente schema --out docs/detente.schema.json`"
    );
}

#[test]
fn init_writes_a_starter_that_checks_and_refuses_to_overwrite() {
    let dir = tempdir();
    detente().current_dir(&dir).args(["init", "my-deal"]).assert().success();
    let path = dir.join("my-deal.toml");
    assert!(std::fs::read_to_string(&path).unwrap().contains("id = \"my-deal\""));
    detente()
        .current_dir(&dir)
        .args(["check", "my-deal.toml"])
        .assert()
        .success()
        .stdout("my-deal.toml: valid\n");
    detente()
        .current_dir(&dir)
        .args(["init", "my-deal"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"));
    detente().current_dir(&dir).args(["init", "my-deal", "--force"]).assert().success();
    detente()
        .args(["init", "Some Name", "--stdout"])
        .assert()
        .success()
        .stdout(predicate::str::contains("id = \"some-name\""));
}

/// A fresh directory under the target directory (no extra dependency for temp dirs).
fn tempdir() -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "cli-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn log_file(name: &str) -> PathBuf {
    repo().join("crates/detente-cli/tests/logs").join(name)
}

#[test]
fn replay_reports_the_state_on_a_date() {
    detente()
        .arg("replay")
        .arg(scenario("korea-2020.toml"))
        .arg(log_file("korea-hypothetical.jsonl"))
        .args(["--at", "2021-03-15"])
        .assert()
        .success()
        .stdout(predicate::str::contains("korea-2020 on 2021-03-15: partly suspended (10 events applied)"))
        .stdout(predicate::str::contains("re-imposed by snap-back `snapback` on 2021-03-05"))
        .stdout(predicate::str::contains("violation verified by `monitors` on 2021-02-01 (event #9)"));
    let json = detente()
        .arg("replay")
        .arg(scenario("korea-2020.toml"))
        .arg(log_file("korea-hypothetical.jsonl"))
        .args(["--at", "2020-05-01", "--format", "json"])
        .output()
        .unwrap();
    let state: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(state["events_applied"], 2);
    let ban = state["instruments"].as_array().unwrap().iter().find(|i| i["id"] == "us-entry-ban").unwrap();
    assert_eq!(ban["status"], "relieved");
}

#[test]
fn replay_rejects_a_bad_log_whole_with_line_numbers() {
    let dir = tempdir();
    let bad = dir.join("bad.jsonl");
    std::fs::write(
        &bad,
        "{\"date\": \"2020-04-15\", \"actor\": \"usa\", \"kind\": \"performed\", \"subject\": \"lift-travel-ban\"}\n\
         {\"date\": \"2020-04-16\", \"actor\": \"iaea\", \"kind\": \"performed\", \"subject\": \"lift-travel-ban\"}\n",
    )
    .unwrap();
    detente()
        .arg("replay")
        .arg(scenario("korea-2020.toml"))
        .arg(&bad)
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("bad.jsonl:2: error: `iaea` may not assert `performed` events"))
        .stderr(predicate::str::contains("nothing was applied"));
    detente()
        .arg("replay")
        .arg(scenario("korea-2020.toml"))
        .arg(&bad)
        .arg("--lenient")
        .assert()
        .success()
        .stderr(predicate::str::contains("bad.jsonl:2: skipped:"));
}

#[test]
fn replay_refuses_bad_dates_and_invalid_specs() {
    detente()
        .arg("replay")
        .arg(scenario("korea-2020.toml"))
        .arg(log_file("korea-hypothetical.jsonl"))
        .args(["--at", "2020-02-30"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("only 29 days"));
    detente()
        .arg("replay")
        .arg(scenario("korea-2020.toml"))
        .arg(log_file("korea-hypothetical.jsonl"))
        .args(["--at", "2019-01-01"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("before the agreement was adopted"));
    detente()
        .arg("replay")
        .arg(repo().join("crates/detente-spec/tests/cases/codes/E008.toml"))
        .arg(log_file("korea-hypothetical.jsonl"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("E008"));
}

#[test]
fn timeline_lists_transitions_cause_first() {
    let output = detente()
        .arg("timeline")
        .arg(scenario("korea-2020.toml"))
        .arg(log_file("korea-hypothetical.jsonl"))
        .args(["--from", "2020-04-15", "--to", "2020-04-15"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].contains("lift-travel-ban") && lines[0].contains("pending -> fulfilled"));
    assert!(lines[1].contains("us-passport-restriction") && lines[1].contains("in force -> relieved"));
}

#[test]
fn explain_follows_reasons_to_events_and_causes() {
    detente()
        .arg("explain")
        .arg(scenario("korea-2020.toml"))
        .arg(log_file("korea-hypothetical.jsonl"))
        .arg("us-entry-ban")
        .args(["--at", "2021-03-15"])
        .assert()
        .success()
        .stdout(predicate::str::contains("instrument `us-entry-ban` is re-imposed since 2021-03-05"))
        .stdout(predicate::str::contains("event #10 (line 10) 2021-02-03: usa invoked snapback"))
        .stdout(predicate::str::contains("because power `snapback` is exercised since 2021-03-05"));
    detente()
        .arg("explain")
        .arg(scenario("korea-2020.toml"))
        .arg(log_file("korea-hypothetical.jsonl"))
        .arg("us-entry-bam")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("did you mean `us-entry-ban`?"));
}

#[test]
fn timeline_and_explain_render_markdown_for_reports() {
    detente()
        .arg("timeline")
        .arg(scenario("agreed-framework-1994.toml"))
        .arg(scenario("agreed-framework-1994.events.jsonl"))
        .args(["--to", "1995-01-31", "--format", "markdown"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("| date | kind | item | from | to | why |"))
        .stdout(predicate::str::contains(
            "| 1995-01-20 | instrument | `us-sanctions-first-tranche` | in force | relieved |",
        ));
    detente()
        .arg("explain")
        .arg(scenario("jcpoa-2015.toml"))
        .arg(scenario("jcpoa-2015.events.jsonl"))
        .arg("un-sanctions")
        .args(["--at", "2025-10-01", "--format", "markdown"])
        .assert()
        .success()
        .stdout(predicate::str::contains("- instrument `un-sanctions` is re-imposed since 2025-09-27"))
        .stdout(predicate::str::contains(
            "    - because commitment `nuclear-limits` is violated since 2019-07-01",
        ));
}
