//! `detente simulate SPEC --trace RUN`: one future written as an event log that
//! `replay`, `timeline` and `explain` read unchanged; the same bytes whatever the thread
//! count; a history it continues comes first; and its errors.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn scenario(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios").join(name)
}

fn detente() -> Command {
    let mut command = Command::cargo_bin("detente").unwrap();
    command.env("NO_COLOR", "1");
    command
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("detente-trace-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Standard output and error of a command that must succeed.
fn run(args: &[&str]) -> (String, String) {
    let output = detente().args(args).assert().success().get_output().clone();
    (String::from_utf8(output.stdout).unwrap(), String::from_utf8(output.stderr).unwrap())
}

/// The horizon the summary tells to replay at (`... --at 2040-03-01`).
fn replay_date(stderr: &str) -> String {
    let (_, date) = stderr.rsplit_once("--at ").unwrap_or_else(|| panic!("no replay hint in {stderr}"));
    date.trim().to_string()
}

#[test]
fn a_trace_is_a_log_replay_timeline_and_explain_read_unchanged() {
    let dir = temp_dir("replay");
    let korea = scenario("korea-2020.toml");
    let korea = korea.to_str().unwrap();
    let file = dir.join("trace-3.jsonl");
    let (stdout, stderr) = run(&["simulate", korea, "--trace", "3", "--trace-out", file.to_str().unwrap()]);
    assert!(stdout.is_empty(), "the log goes to the file: {stdout}");
    assert!(stderr.contains("korea-2020: run 3 of 10000 (seed 2020)"), "{stderr}");
    assert!(stderr.contains("Ground truth, not on the record:"), "{stderr}");
    let text = std::fs::read_to_string(&file).unwrap();
    let lines = text.lines().count();
    assert!(lines > 10, "{text}");
    for line in text.lines() {
        let event: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(event["source"].as_str().unwrap().starts_with("simulated: "), "{line}");
    }
    // Without --trace-out, the same log on standard output.
    assert_eq!(run(&["simulate", korea, "--trace", "3"]).0, text);
    let at = replay_date(&stderr);
    let file = file.to_str().unwrap();
    detente()
        .args(["replay", korea, file, "--at", &at])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!("korea-2020 on {at}")))
        .stdout(predicate::str::contains(format!("({lines} events applied)")));
    detente().args(["timeline", korea, file]).assert().success().stdout(predicate::str::is_empty().not());
    detente()
        .args(["explain", korea, file, "testing-halt"])
        .assert()
        .success()
        .stdout(predicate::str::contains("simulated: "));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_trace_is_the_same_whatever_the_threads() {
    let korea = scenario("korea-2020.toml");
    let trace = |threads: &str| {
        run(&["simulate", korea.to_str().unwrap(), "--trace", "41", "--runs", "50", "--threads", threads])
    };
    let (one, summary) = trace("1");
    assert_eq!((one.clone(), summary.clone()), trace("2"));
    assert!(!one.is_empty() && summary.contains("run 41 of 50"));
}

#[test]
fn a_trace_of_a_continued_history_begins_with_the_history() {
    let korea = scenario("korea-2020.toml");
    let history = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/logs/korea-hypothetical.jsonl");
    let history = history.to_str().unwrap();
    let (stdout, stderr) =
        run(&["simulate", korea.to_str().unwrap(), "--from", history, "--trace", "7", "--years", "5"]);
    let read = std::fs::read_to_string(history).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines.len() > read.lines().count(), "{stdout}");
    for (ours, theirs) in lines.iter().zip(read.lines()) {
        let (ours, theirs): (serde_json::Value, serde_json::Value) =
            (serde_json::from_str(ours).unwrap(), serde_json::from_str(theirs).unwrap());
        assert_eq!(ours, theirs, "the history's events come first, as read");
    }
    assert!(stderr.contains("The log begins with the 10 events of"), "{stderr}");
    let dir = temp_dir("from");
    let file = dir.join("trace.jsonl");
    std::fs::write(&file, &stdout).unwrap();
    detente()
        .arg("replay")
        .arg(&korea)
        .arg(&file)
        .args(["--at", &replay_date(&stderr)])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!("({} events applied)", lines.len())));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_run_beyond_the_simulation_is_refused_with_the_range() {
    let korea = scenario("korea-2020.toml");
    detente()
        .args(["simulate", korea.to_str().unwrap(), "--trace", "300", "--runs", "300"])
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("--trace 300: this simulation has 300 futures, numbered 0 to 299"));
    detente()
        .args(["simulate", korea.to_str().unwrap(), "--trace", "10000"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("numbered 0 to 9,999"));
    detente()
        .args(["simulate", korea.to_str().unwrap(), "--trace", "minus-one"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--trace"));
}

#[test]
fn a_trace_does_not_mix_with_outputs_of_many_futures() {
    let korea = scenario("korea-2020.toml");
    let korea = korea.to_str().unwrap();
    let dir = temp_dir("conflicts");
    let out = dir.join("out");
    for extra in [
        vec!["--out", out.to_str().unwrap()],
        vec!["--keep-runs"],
        vec!["--format", "json"],
        vec!["--shard", "1/2"],
        vec!["--sweep", "walkout.base=0..0.1:3"],
    ] {
        let mut args = vec!["simulate", korea, "--trace", "1"];
        args.extend(&extra);
        detente().args(&args).assert().code(2).stderr(predicate::str::contains("cannot be used with"));
    }
    assert!(!out.exists());
    // --trace-out needs --trace.
    detente()
        .args(["simulate", korea, "--trace-out", dir.join("t.jsonl").to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--trace <RUN>"));
    let _ = std::fs::remove_dir_all(&dir);
}
