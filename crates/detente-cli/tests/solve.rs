//! Integration tests of `solve` (exact equilibria of Gambit games, bad files) and
//! `analyze` (incentives of an agreement).

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn detente() -> Command {
    let mut command = Command::cargo_bin("detente").unwrap();
    command.env("NO_COLOR", "1");
    command
}

fn stdout(args: &[&str]) -> Vec<u8> {
    detente().args(args).assert().success().get_output().stdout.clone()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("detente-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn game_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../detente-game/tests/games").join(name)
}

#[test]
fn solve_prints_exact_equilibria_as_json() {
    let out = stdout(&["solve", game_file("long-lh-unique.nfg").to_str().unwrap(), "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(
        json,
        serde_json::json!({ "equilibria": [[
            ["1/30", "1/6", "3/10", "3/10", "1/6", "1/30"],
            ["1/6", "1/30", "3/10", "3/10", "1/30", "1/6"]
        ]] })
    );
    let all = stdout(&["solve", game_file("vonstengel-75.nfg").to_str().unwrap(), "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&all).unwrap();
    assert_eq!(json["equilibria"].as_array().unwrap().len(), 75);
    let one =
        stdout(&["solve", game_file("vonstengel-75.nfg").to_str().unwrap(), "--one", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&one).unwrap();
    assert_eq!(json["equilibria"].as_array().unwrap().len(), 1);
}

#[test]
fn solve_explains_a_bad_game_file_with_its_position() {
    let dir = temp_dir("bad-game");
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.nfg");
    std::fs::write(&bad, "NFG 1 R \"x\" { \"1\" \"2\" } { 2 2 }\n1 2 3 oops").unwrap();
    detente()
        .arg("solve")
        .arg(&bad)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("bad.nfg:2:7: error: expected a payoff, found `oops`"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn analyze_reports_deterrence_and_phases_with_warnings() {
    let korea = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/korea-2020.toml");
    detente()
        .arg("analyze")
        .arg(&korea)
        .assert()
        .success()
        .stdout(predicate::str::contains("production-freeze"))
        .stdout(predicate::str::contains("Self-enforcement by phase"))
        .stderr(predicate::str::contains(
            "`talks-on-all-subjects`: cheating by `dprk` is not deterred: nothing verifies it",
        ));
    let json = stdout(&["analyze", korea.to_str().unwrap(), "--format", "json", "--discount", "0.5"]);
    let report: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(report["discount"], 0.5);
    let freeze = report["deterrence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["commitment"] == "production-freeze")
        .unwrap();
    assert_eq!(freeze["deterred"], true);
    detente()
        .arg("analyze")
        .arg(&korea)
        .args(["--discount", "1.5"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not between 0 and 1"));
}

#[test]
fn tournament_of_an_agreement_writes_its_game_for_gambit() {
    let korea = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/korea-2020.toml");
    let dir = temp_dir("tournament");
    detente()
        .arg("tournament")
        .arg(&korea)
        .args([
            "--parties",
            "usa,dprk",
            "--candidates",
            "sincere,maximalist",
            "--runs",
            "50",
            "--years",
            "3",
            "--out",
        ])
        .arg(&dir)
        .assert()
        .success()
        .stdout(predicate::str::contains("Empirical game: usa (rows) against dprk (columns)"))
        .stdout(predicate::str::contains("Equilibria of the game of mean payoffs"));
    let game = std::fs::read_to_string(dir.join("game.nfg")).unwrap();
    assert!(game.starts_with("NFG 1 R \"detente tournament: usa against dprk\""));
    detente()
        .arg("tournament")
        .arg(&korea)
        .args(["--parties", "usa,iaea"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`iaea` is not a signatory"));
    detente()
        .arg("tournament")
        .arg(&korea)
        .args(["--candidates", "hedger"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs its `max_cost`"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn tournament_ipd_reproduces_axelrods_oracle() {
    let out = stdout(&[
        "tournament",
        "--ipd",
        "--players",
        "Cooperator,Tit For Tat,Defector,Grudger,Go By Majority",
        "--turns",
        "5",
        "--repetitions",
        "3",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(json["totals"], serde_json::json!([135, 147, 156, 147, 147]));
}

#[test]
fn solve_finds_all_nine_equilibria_of_the_three_player_game() {
    let out = stdout(&["solve", game_file("mckelvey-mclennan-9.nfg").to_str().unwrap(), "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let equilibria = json["equilibria"].as_array().unwrap();
    assert_eq!(equilibria.len(), 9);
    assert!(equilibria.contains(&serde_json::json!([["2/5", "3/5"], ["1/2", "1/2"], ["1/3", "2/3"]])));
}

#[test]
fn solve_refuses_enumerations_that_cannot_finish_and_still_finds_one() {
    let dir = temp_dir("big-game");
    std::fs::create_dir_all(&dir).unwrap();
    let big = dir.join("big.nfg");
    let payoffs: Vec<String> = (0..40 * 40 * 2).map(|i| ((i * 7919 + 13) % 97).to_string()).collect();
    std::fs::write(&big, format!("NFG 1 R \"big\" {{ \"1\" \"2\" }} {{ 40 40 }}\n{}", payoffs.join(" ")))
        .unwrap();
    detente().arg("solve").arg(&big).assert().code(2).stderr(predicate::str::contains("use --one"));
    let out = stdout(&["solve", big.to_str().unwrap(), "--one", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(json["equilibria"].as_array().unwrap().len(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}
