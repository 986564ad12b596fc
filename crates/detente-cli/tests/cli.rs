//! Integration tests: run the `detente` binary on files, as a user would.

use detente_cli::check::CheckFormat;
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
    // In process: the command line is a library (one process per file took seconds).
    for path in malformed() {
        for format in [CheckFormat::Text, CheckFormat::Json] {
            let checked = detente_cli::check::report(std::slice::from_ref(&path), format).unwrap();
            assert_eq!(checked.code, detente_cli::exit::INVALID, "{}: {}", path.display(), checked.stdout);
            assert!(checked.unreadable.is_empty(), "{}", path.display());
            if format == CheckFormat::Text {
                assert!(checked.stdout.contains("invalid"), "{}: {}", path.display(), checked.stdout);
                assert!(
                    checked.stdout.contains("help:"),
                    "{}: no help in {}",
                    path.display(),
                    checked.stdout
                );
            } else {
                let json: serde_json::Value = serde_json::from_str(&checked.stdout).unwrap();
                assert_eq!(json["files"][0]["valid"], false, "{}", path.display());
            }
        }
    }
    // And once through the binary, as a user runs it.
    let path = &malformed()[0];
    let output = detente().arg("check").arg(path).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&output.stderr).contains("panicked"));
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
        .stderr(predicate::str::contains("bad.jsonl:2:49: error: `iaea` may not assert `performed` events"))
        .stderr(predicate::str::contains("nothing was applied"));
    detente()
        .arg("replay")
        .arg(scenario("korea-2020.toml"))
        .arg(&bad)
        .arg("--lenient")
        .assert()
        .success()
        .stderr(predicate::str::contains("bad.jsonl:2:49: skipped:"));
    // simulate --from suggests --lenient when it rejects a log, and accepts it.
    detente()
        .arg("simulate")
        .arg(scenario("korea-2020.toml"))
        .arg("--from")
        .arg(&bad)
        .args(["--runs", "5", "--years", "1"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--lenient skips bad lines"));
    detente()
        .arg("simulate")
        .arg(scenario("korea-2020.toml"))
        .arg("--from")
        .arg(&bad)
        .args(["--runs", "5", "--years", "1", "--lenient"])
        .assert()
        .success()
        .stdout(predicate::str::contains("from 2020-04-15"))
        .stderr(predicate::str::contains("bad.jsonl:2:49: skipped:"));
}

/// The log is read as a stream: bad lines anywhere in it, one not even UTF-8, are each
/// reported with the file and line, and in JSON Lines the column of the faulty value (or
/// where the JSON parser stopped), by every command that reads a log; a CSV row by its
/// line; a log that cannot be read at all is an I/O error.
#[test]
fn a_streamed_log_still_reports_every_bad_line_by_file_line_and_column() {
    let dir = tempdir();
    let good = "{\"date\": \"2020-04-15\", \"actor\": \"usa\", \"kind\": \"performed\", \"subject\": \"lift-travel-ban\"}\n";
    let mut bytes = good.as_bytes().to_vec();
    bytes.extend_from_slice(b"{\"date\": \"2020-04-16\", \"actor\": \"usa\", \"kind\": \"perfomed\"}\n");
    bytes.extend_from_slice(b"{\"date\": \"2020-04-17\", \"actor\": \"\xff\"}\n");
    bytes.extend_from_slice(b"not json\n");
    let bad = dir.join("bad.jsonl");
    std::fs::write(&bad, &bytes).unwrap();
    let korea = scenario("korea-2020.toml");
    for command in [&["replay"][..], &["timeline"], &["explain"]] {
        let mut cmd = detente();
        cmd.args(command).arg(&korea).arg(&bad);
        if command == ["explain"] {
            cmd.arg("lift-travel-ban");
        }
        cmd.assert()
            .code(1)
            .stdout(predicate::str::is_empty())
            .stderr(predicate::str::contains("bad.jsonl:2:48: error: `perfomed` is not an event kind"))
            .stderr(predicate::str::contains("did you mean `performed`?"))
            .stderr(predicate::str::contains("bad.jsonl:3: error: not UTF-8 text"))
            .stderr(predicate::str::contains("bad.jsonl:4:2: error: not a valid event"))
            .stderr(predicate::str::contains("log rejected: 3 bad line(s)"));
    }
    detente()
        .arg("simulate")
        .arg(&korea)
        .arg("--from")
        .arg(&bad)
        .args(["--runs", "5", "--years", "1"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("bad.jsonl:3: error: not UTF-8 text"));
    // --lenient keeps the good line and lists the others.
    detente()
        .arg("replay")
        .arg(&korea)
        .arg(&bad)
        .arg("--lenient")
        .assert()
        .success()
        .stdout(predicate::str::contains("(1 events applied)"))
        .stderr(predicate::str::contains("bad.jsonl:2:48: skipped:"))
        .stderr(predicate::str::contains("bad.jsonl:4:2: skipped:"));
    // CSV: the line of the bad row.
    let csv = dir.join("bad.csv");
    std::fs::write(&csv, "date,actor,kind,subject\n2020-04-15,usa,performed,lift-travel-ban\n2020-04-16,usa,performed,no-such-thing\n")
        .unwrap();
    detente()
        .arg("replay")
        .arg(&korea)
        .arg(&csv)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("bad.csv:3: error:"));
    // Not a file: an I/O error, exit 2, not a bad line.
    for command in ["replay", "timeline"] {
        detente()
            .arg(command)
            .arg(&korea)
            .arg(&dir)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("cannot read"))
            .stderr(predicate::str::contains("bad line").not());
    }
    detente()
        .arg("replay")
        .arg(&korea)
        .arg(dir.join("missing.jsonl"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read"));
}

/// `simulate --from` continues the history `replay` reads: every field of a line
/// counts, so an extension `until` a date is no error and a claim `against` one party
/// stays against that party.
#[test]
fn simulate_from_replays_every_field_of_the_log() {
    let dir = tempdir();
    let log = dir.join("fields.jsonl");
    std::fs::write(
        &log,
        "{\"date\": \"2020-04-01\", \"actor\": \"usa\", \"kind\": \"extended\", \"subject\": \"lift-travel-ban\", \"until\": \"2020-07-31\"}\n\
         {\"date\": \"2020-04-02\", \"actor\": \"dprk\", \"kind\": \"violation\", \"subject\": \"liaison-offices\", \"against\": \"usa\"}\n",
    )
    .unwrap();
    let korea = scenario("korea-2020.toml");
    detente()
        .arg("replay")
        .arg(&korea)
        .arg(&log)
        .assert()
        .success()
        .stdout(predicate::str::contains("due by 2020-07-31"))
        .stdout(predicate::str::contains("violation alleged by `dprk` against `usa`"));
    detente()
        .arg("simulate")
        .arg(&korea)
        .arg("--from")
        .arg(&log)
        .args(["--runs", "5", "--years", "1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("from 2020-04-02"));
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

/// The six-party agreement and its history, where the DPRK published its own reading of
/// `terrorism-delisting` (due 2008-08-11, not waiting for verification).
fn six_party() -> [PathBuf; 2] {
    [scenario("six-party-2007.toml"), scenario("six-party-2007.events.jsonl")]
}

/// The status column of a commitment's row in a text report.
fn row<'a>(report: &'a str, commitment: &str) -> &'a str {
    let needle = format!(" {commitment} ");
    report.lines().find(|l| l.contains(&needle)).unwrap_or_else(|| panic!("no row {commitment} in {report}"))
}

#[test]
fn replay_follows_a_party_reading() {
    let output = detente()
        .arg("replay")
        .args(six_party())
        .args(["--at", "2008-08-12", "--reading", "dprk"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.starts_with("six-party-2007 on 2008-08-12, as read by `dprk`: in force"), "{text}");
    assert!(row(&text, "terrorism-delisting").contains("violated (deadline missed)"), "{text}");
    assert!(row(&text, "terrorism-delisting").contains("due on 2008-08-11"), "{text}");
    // The common text waits for verification: still pending that day.
    let common = detente().arg("replay").args(six_party()).args(["--at", "2008-08-12"]).output().unwrap();
    let common = String::from_utf8(common.stdout).unwrap();
    assert!(common.starts_with("six-party-2007 on 2008-08-12: in force"), "{common}");
    assert!(row(&common, "terrorism-delisting").contains("pending"), "{common}");
    // Markdown and JSON say whose reading too.
    detente()
        .arg("replay")
        .args(six_party())
        .args(["--at", "2008-08-12", "--reading", "dprk", "--format", "markdown"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("# six-party-2007 on 2008-08-12, as read by `dprk`\n"));
    let json = detente()
        .arg("replay")
        .args(six_party())
        .args(["--at", "2008-08-12", "--reading", "dprk", "--format", "json"])
        .output()
        .unwrap();
    let state: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(state["reading"], "dprk");
    let delisting =
        state["commitments"].as_array().unwrap().iter().find(|c| c["id"] == "terrorism-delisting").unwrap();
    assert_eq!(delisting["status"], "violated");
    assert_eq!(delisting["describe"], "violated (deadline missed)");
    // timeline and explain follow the reading as well.
    detente()
        .arg("timeline")
        .args(six_party())
        .args(["--from", "2008-08-01", "--to", "2008-08-31", "--reading", "dprk"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("Timeline of six-party-2007, as read by `dprk`:\n"))
        .stdout(predicate::str::contains(
            "2008-08-12  commitment terrorism-delisting          pending -> violated (deadline missed)",
        ));
    detente()
        .arg("explain")
        .args(six_party())
        .arg("terrorism-delisting")
        .args(["--at", "2008-08-12", "--reading", "dprk"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("As of 2008-08-12, as read by `dprk`:\n"))
        .stdout(predicate::str::contains("is violated (deadline missed) since 2008-08-12"));
}

#[test]
fn the_common_replay_lists_where_readings_differ() {
    let text = detente().arg("replay").args(six_party()).args(["--at", "2008-08-31"]).output().unwrap();
    assert_eq!(text.status.code(), Some(0));
    let text = String::from_utf8(text.stdout).unwrap();
    let (report, readings) = text.split_once("\nReadings differ on 2008-08-31").expect(&text);
    assert!(row(report, "terrorism-delisting").contains("pending, violation alleged"), "{report}");
    assert!(
        readings.contains(
            "  terrorism-delisting: common text 'pending, violation alleged'; as read by dprk 'violated (deadline missed)'\n"
        ),
        "{readings}"
    );
    // Only the commitments that differ are listed.
    assert_eq!(readings.lines().filter(|l| l.starts_with("  ")).count(), 1, "{readings}");
    let json = detente()
        .arg("replay")
        .args(six_party())
        .args(["--at", "2008-08-31", "--format", "json"])
        .output()
        .unwrap();
    let state: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(state.get("reading").is_none());
    assert_eq!(
        state["readings"],
        serde_json::json!([{
            "commitment": "terrorism-delisting",
            "common": "pending, violation alleged",
            "by_party": { "dprk": "violated (deadline missed)" }
        }])
    );
    // Before the DPRK's deadline the readings agree: said in text, an empty list in JSON.
    detente().arg("replay").args(six_party()).args(["--at", "2008-07-01"]).assert().success().stdout(
        predicate::str::contains(
            "Readings: on 2008-07-01 every commitment has the same status in every party's reading",
        ),
    );
    let json = detente()
        .arg("replay")
        .args(six_party())
        .args(["--at", "2008-07-01", "--format", "json"])
        .output()
        .unwrap();
    let state: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(state["readings"], serde_json::json!([]));
    // An agreement without readings has neither the section nor the field.
    let korea = [scenario("korea-2020.toml"), log_file("korea-hypothetical.jsonl")];
    detente()
        .arg("replay")
        .args(&korea)
        .assert()
        .success()
        .stdout(predicate::str::contains("Readings").not());
    let json = detente().arg("replay").args(&korea).args(["--format", "json"]).output().unwrap();
    let state: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(state.get("readings").is_none() && state.get("reading").is_none());
}

/// The example of docs/language.md, "Records of history": Beta's reading of the test
/// moratorium excludes satellite launches, so a violation about one is none as Beta
/// reads it.
#[test]
fn a_reading_that_excludes_a_matter_sees_no_violation() {
    let language = std::fs::read_to_string(repo().join("docs/language.md")).unwrap();
    let mut blocks = Vec::new();
    let mut block: Option<String> = None;
    for line in language.lines() {
        match (&mut block, line.trim_start()) {
            (None, "```toml") => block = Some(String::new()),
            (Some(b), "```") => {
                if !b.starts_with("#:schema") {
                    blocks.push(std::mem::take(b));
                }
                block = None;
            }
            (Some(b), _) => b.extend([line, "\n"]),
            (None, _) => {}
        }
    }
    let dir = tempdir();
    let spec = dir.join("language.toml");
    std::fs::write(&spec, blocks.join("\n")).unwrap();
    let log = dir.join("language.jsonl");
    std::fs::write(
        &log,
        "{\"date\": \"2025-01-10\", \"actor\": \"beta\", \"kind\": \"performed\", \"subject\": \"test-moratorium\"}\n\
         {\"date\": \"2025-03-01\", \"actor\": \"alpha\", \"kind\": \"violation\", \"subject\": \"test-moratorium\", \"against\": \"beta\", \"matter\": \"satellite-launch\"}\n\
         {\"date\": \"2025-04-01\", \"actor\": \"council\", \"kind\": \"violation-verified\", \"subject\": \"test-moratorium\", \"matter\": \"satellite-launch\"}\n",
    )
    .unwrap();
    detente().arg("check").arg(&spec).assert().success();
    detente().arg("replay").arg(&spec).arg(&log).args(["--at", "2025-05-01"]).assert().success().stdout(
        predicate::str::contains(
            "  test-moratorium: common text 'violated (violation verified)'; as read by beta 'in effect'\n",
        ),
    );
    let read = detente()
        .arg("replay")
        .arg(&spec)
        .arg(&log)
        .args(["--at", "2025-05-01", "--reading", "beta"])
        .output()
        .unwrap();
    let read = String::from_utf8(read.stdout).unwrap();
    assert!(read.starts_with("freeze-for-relief on 2025-05-01, as read by `beta`:"), "{read}");
    assert!(row(&read, "test-moratorium").contains("in effect"), "{read}");
    assert!(read.contains("it does not cover `satellite-launch`: no violation"), "{read}");
    assert!(!read.contains("Readings differ"), "{read}");
}

#[test]
fn a_reading_of_no_party_or_of_a_party_without_one_is_a_usage_error() {
    for (party, problem) in [
        ("dpkr", "--reading dpkr: no party has the id `dpkr`; did you mean `dprk`?"),
        ("xyzzy", "--reading xyzzy: no party has the id `xyzzy`"),
        ("usa", "--reading usa: `usa` published no reading of its own"),
    ] {
        for command in ["replay", "timeline"] {
            detente()
                .arg(command)
                .args(six_party())
                .args(["--reading", party])
                .assert()
                .code(2)
                .stdout(predicate::str::is_empty())
                .stderr(predicate::str::contains(format!("error: {problem}")))
                .stderr(predicate::str::contains("hint: parties with a reading of their own: dprk"));
        }
    }
    // An agreement without readings says so.
    detente()
        .arg("replay")
        .arg(scenario("korea-2020.toml"))
        .arg(log_file("korea-hypothetical.jsonl"))
        .args(["--reading", "usa"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("the agreement has no readings"))
        .stderr(predicate::str::contains("hint: replay without --reading"));
    // The party is checked before the log is read: a missing log is not reached.
    detente()
        .arg("explain")
        .arg(scenario("six-party-2007.toml"))
        .arg("/nonexistent/log.jsonl")
        .arg("terrorism-delisting")
        .args(["--reading", "usa"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("published no reading"))
        .stderr(predicate::str::contains("cannot read").not());
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
        .code(2)
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
        // The snap-back's trigger is explained by the event that established it, not
        // by the commitment (whose status could since be an effect of the snap-back).
        .stdout(predicate::str::contains(
            "    - event #19 (line 19) 2019-07-01: iaea violation-verified stockpile-limit",
        ));
}

#[test]
fn an_unreadable_file_does_not_stop_check_of_the_others() {
    let missing = "/nonexistent/agreement.toml";
    let korea = scenario("korea-2020.toml");
    detente()
        .arg("check")
        .arg(missing)
        .arg(&korea)
        .assert()
        .code(2)
        .stdout(predicate::str::contains("korea-2020.toml: valid"))
        .stderr(predicate::str::contains("cannot read /nonexistent/agreement.toml"));
    // In JSON, the error is JSON on standard output too.
    let output = detente().args(["check", "--format", "json", missing]).arg(&korea).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["files"][0]["file"], missing);
    assert_eq!(json["files"][0]["valid"], false);
    assert!(json["files"][0]["error"].as_str().unwrap().contains("cannot read"));
    assert_eq!(json["files"][1]["valid"], true);
}

/// A file far larger than any agreement is refused before it is read (checking holds a
/// syntax tree of some 50 times the text), with the reason, and check goes on with the
/// other files.
#[test]
fn a_file_too_large_to_be_a_specification_is_refused_before_it_is_read() {
    let dir = std::env::temp_dir().join(format!("detente-large-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let large = dir.join("large.toml");
    let file = std::fs::File::create(&large).unwrap();
    // Sparse: the size is there without writing 9 MiB.
    file.set_len(9 << 20).unwrap();
    let korea = scenario("korea-2020.toml");
    detente()
        .arg("check")
        .arg(&large)
        .arg(&korea)
        .assert()
        .code(2)
        .stdout(predicate::str::contains("korea-2020.toml: valid"))
        .stderr(
            predicate::str::contains("too large to be a specification")
                .and(predicate::str::contains("8 MiB")),
        );
    detente().arg("simulate").arg(&large).assert().code(2).stderr(predicate::str::contains("too large"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn nonsense_arguments_are_refused() {
    let korea = scenario("korea-2020.toml");
    let k = korea.to_str().unwrap();
    for (args, message) in [
        (vec!["simulate", k, "--years", "1001"], "1001"),
        (vec!["simulate", k, "--years", "0"], "--years"),
        (vec!["simulate", k, "--runs", "0"], "--runs"),
        (vec!["compare", k, k, "--runs", "0"], "--runs"),
        (vec!["tournament", k, "--runs", "0"], "--runs"),
        (vec!["tournament", k, "--years", "1001"], "--years"),
        (vec!["simulate", k, "--threads", "100000"], "per core"),
        (vec!["simulate", k, "--lenient"], "--from"),
    ] {
        detente().args(&args).assert().code(2).stderr(predicate::str::contains(message));
    }
    // The help no longer invites 0 runs.
    detente().args(["simulate", "--help"]).assert().success().stdout(predicate::str::contains("at least 1"));
    // A timeline that starts after it ends.
    detente()
        .arg("timeline")
        .arg(&korea)
        .arg(log_file("korea-hypothetical.jsonl"))
        .args(["--from", "2021-01-01", "--to", "2020-01-01"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--from 2021-01-01 is after --to, 2020-01-01"));
}

#[test]
fn init_refuses_a_reserved_word_for_an_id() {
    let dir = tempdir();
    for word in ["and", "or", "not", "true", "false", "any", "of", "date", "all"] {
        detente()
            .current_dir(&dir)
            .args(["init", word])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!("`{word}` cannot be an agreement's id")));
        assert!(!dir.join(format!("{word}.toml")).exists());
    }
}

/// A copy of the starter with a title and a party name holding a terminal escape and a
/// right-to-left override.
fn hostile_spec(dir: &Path, file_name: &str) -> PathBuf {
    let output = detente().args(["init", "hostile", "--stdout"]).output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    let text = text
        .replace(
            "title = \"A two-step freeze-for-relief agreement\"",
            "title = \"Deal \\u001B[2J\\u202Egnp.exe\"",
        )
        .replace("name = \"State Alpha\"", "name = \"Alpha\\u0007\"");
    let path = dir.join(file_name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn control_characters_from_input_are_escaped_in_text_and_exact_in_json() {
    let dir = tempdir();
    let path = hostile_spec(&dir, "hostile.toml");
    let text = detente().arg("show").arg(&path).output().unwrap();
    assert!(text.status.success());
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("Deal \\u{1b}[2J\\u{202e}gnp.exe"), "{text}");
    assert!(text.contains("Alpha\\u{7}"), "{text}");
    assert!(!text.contains('\u{1b}') && !text.contains('\u{202e}') && !text.contains('\u{7}'));
    let json = detente().args(["show", "--format", "json"]).arg(&path).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(json["agreement"]["title"], "Deal \u{1b}[2J\u{202e}gnp.exe");
    // A file name with a control character, in check's text and in a simulation report.
    let odd = hostile_spec(&dir, "odd\u{1b}]0;name\u{7}.toml");
    let checked = detente().arg("check").arg(&odd).output().unwrap();
    let checked = String::from_utf8(checked.stdout).unwrap();
    assert!(checked.contains("odd\\u{1b}]0;name\\u{7}.toml: valid"), "{checked}");
    let simulated =
        detente().arg("simulate").arg(&odd).args(["--runs", "5", "--years", "1"]).output().unwrap();
    let report = String::from_utf8(simulated.stdout).unwrap();
    assert!(report.contains("\\u{1b}[2J") && !report.contains('\u{1b}'), "{report}");
}

#[cfg(unix)]
#[test]
fn a_closed_stderr_or_stdout_keeps_the_intended_exit_code() {
    let bin = assert_cmd::cargo::cargo_bin("detente");
    let korea = scenario("korea-2020.toml");
    let cases: [(&[&str], i32); 4] = [
        (&["check", "/nonexistent/agreement.toml"], 2),
        (&["simulate", "/nonexistent/agreement.toml"], 2),
        (&["merge", korea.to_str().unwrap()], 1),
        (&["check", korea.to_str().unwrap()], 0),
    ];
    for (args, code) in cases {
        for closed in ["stderr", "stdout"] {
            let (reader, writer) = std::io::pipe().unwrap();
            drop(reader);
            let mut command = std::process::Command::new(&bin);
            command.args(args);
            if closed == "stderr" {
                command.stderr(writer).stdout(std::process::Stdio::null());
            } else {
                command.stdout(writer).stderr(std::process::Stdio::null());
            }
            let status = command.status().unwrap();
            assert_eq!(status.code(), Some(code), "{args:?} with a closed {closed}");
        }
    }
}

#[test]
fn a_negative_zero_weight_reads_as_zero() {
    let dir = tempdir();
    let output = detente().args(["init", "zero", "--stdout"]).output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap().replace("weight = 500", "weight = -0.0");
    let path = dir.join("zero.toml");
    std::fs::write(&path, text).unwrap();
    detente()
        .arg("show")
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("economic weight about 0 million USD a year"));
}

/// Spot checks of the table of exit codes in docs/cli.md: 0 done, 1 invalid input or a
/// failed check, 2 usage or I/O errors.
#[test]
fn exit_codes_follow_the_table_in_docs_cli_md() {
    let dir = tempdir();
    let korea = scenario("korea-2020.toml");
    let log = log_file("korea-hypothetical.jsonl");
    let codes = repo().join("crates/detente-spec/tests/cases/codes");
    let games = repo().join("crates/detente-game/tests/games");
    let bad_nfg = dir.join("bad.nfg");
    std::fs::write(&bad_nfg, "NFG 1 R \"x\" { \"a\" \"b\" } { 2 }\n").unwrap();
    let not_utf8 = dir.join("shard.json");
    std::fs::write(&not_utf8, b"{\"format\": \"\xff\"}\n").unwrap();
    let missing = dir.join("missing");
    let path = |p: &Path| p.to_str().unwrap().to_string();
    let cases: Vec<(Vec<String>, i32)> = vec![
        // check: valid (warnings allowed), invalid, unreadable (which wins over invalid).
        (vec!["check".into(), path(&korea)], 0),
        (vec!["check".into(), path(&codes.join("W101.toml"))], 0),
        (vec!["check".into(), path(&codes.join("E006.toml"))], 1),
        (vec!["check".into(), path(&codes.join("E006.toml")), path(&missing)], 2),
        // replay: done; invalid spec; unreadable log; a date that cannot be; a reading
        // of nobody.
        (vec!["replay".into(), path(&korea), path(&log)], 0),
        (vec!["replay".into(), path(&codes.join("E008.toml")), path(&log)], 1),
        (vec!["replay".into(), path(&korea), path(&missing)], 2),
        (vec!["replay".into(), path(&korea), path(&log), "--at".into(), "2019-01-01".into()], 2),
        (vec!["replay".into(), path(&korea), path(&log), "--reading".into(), "usa".into()], 2),
        // explain: an id that names nothing is a usage error, as --reading's party is.
        (vec!["explain".into(), path(&korea), path(&log), "us-entry-ban".into()], 0),
        (vec!["explain".into(), path(&korea), path(&log), "us-entry-bam".into()], 2),
        // solve: done; a game file with errors; unreadable.
        (vec!["solve".into(), path(&games.join("vonstengel-75-small.nfg"))], 0),
        (vec!["solve".into(), path(&bad_nfg)], 1),
        (vec!["solve".into(), path(&missing)], 2),
        // merge: a file that is not UTF-8 is not a shard (invalid), not an I/O error.
        (vec!["merge".into(), path(&not_utf8)], 1),
        (vec!["merge".into(), path(&missing)], 2),
        // Usage.
        (vec!["frobnicate".into()], 2),
        (vec!["--version".into()], 0),
    ];
    for (args, code) in cases {
        let output = detente().args(&args).output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(code),
            "detente {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    detente()
        .arg("merge")
        .arg(&not_utf8)
        .assert()
        .stderr(predicate::str::contains("shard.json: error: not a detente shard file: not UTF-8 text"));
}
