//! `detente backtest SPEC LOG`: the real history placed among simulated futures.

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

#[test]
fn backtest_prints_the_calibration_rows_of_a_history() {
    let spec = scenario("leap-day-2012.toml");
    let log = scenario("leap-day-2012.events.jsonl");
    let run = || {
        detente()
            .args(["backtest", spec.to_str().unwrap(), log.to_str().unwrap(), "--runs", "50", "--seed", "3"])
            .assert()
            .success()
            .stdout(predicate::str::contains("leap-day-2012: adopted 2012-02-29, last event 2012-04-17"))
            .stdout(predicate::str::contains("real breakdown: dprk withdrew"))
            .stdout(predicate::str::contains("| leap-day-2012 | months to breakdown | 2 |"))
            .stdout(predicate::str::contains("real collapse or breakdown: dprk withdrew"))
            .stdout(
                predicate::str::contains("futures: ")
                    .and(predicate::str::contains("collapsed before breaking down")),
            )
            .stdout(predicate::str::contains("| leap-day-2012 | months to collapse or breakdown | 2 |"))
            .stdout(predicate::str::contains("| percentile |"))
            .get_output()
            .stdout
            .clone()
    };
    assert_eq!(run(), run(), "the same seed gives the same output");
}

#[test]
fn backtest_rejects_a_log_of_another_agreement() {
    detente()
        .args([
            "backtest",
            scenario("leap-day-2012.toml").to_str().unwrap(),
            scenario("jcpoa-2015.events.jsonl").to_str().unwrap(),
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("log rejected"));
}

#[test]
fn backtest_needs_at_least_one_run() {
    detente()
        .args([
            "backtest",
            scenario("leap-day-2012.toml").to_str().unwrap(),
            scenario("leap-day-2012.events.jsonl").to_str().unwrap(),
            "--runs",
            "0",
        ])
        .assert()
        .code(2);
}
