//! `analyze` on an agreement that states priors: beliefs after each step, the value of
//! information of each step, the equilibrium of the game with types, and the game
//! written as `.efg` and solved back by `solve` to the same equilibrium.

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

fn hand() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../detente-game/tests/types/hand.toml")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("detente-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn analyze_shows_what_each_step_teaches() {
    let text = String::from_utf8(stdout(&["analyze", hand().to_str().unwrap()])).unwrap();
    assert!(text.contains("Learning `beta`'s type from verified steps"), "{text}");
    let prose = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(prose.contains("(Assumption: a test case worked by hand.)"), "{text}");
    // Worked by hand in crates/detente-game/tests/beliefs.rs: 17/40.
    assert!(text.contains("value of information: 0.425"), "{text}");
    assert!(prose.contains("it is a perfect Bayesian equilibrium"), "{text}");
    let markdown =
        String::from_utf8(stdout(&["analyze", hand().to_str().unwrap(), "--format", "markdown"])).unwrap();
    assert!(markdown.contains("## Learning `beta`'s type from verified steps"), "{markdown}");
    assert!(markdown.contains("| first | 0.5 / 0.25 / 0.25 | 0.7375 / 0.2625 / 0 |"), "{markdown}");
    let json: serde_json::Value =
        serde_json::from_slice(&stdout(&["analyze", hand().to_str().unwrap(), "--format", "json"])).unwrap();
    let lesson = &json["learning"]["parties"][0]["learning"]["lessons"][0];
    assert_eq!(lesson["value_of_information"], "17/40");
    assert_eq!(lesson["after"]["clean"], serde_json::json!(["36/59", "18/59", "5/59"]));
    assert_eq!(json["learning"]["parties"][0]["game"]["perfect_bayesian"], true);
}

#[test]
fn the_game_with_types_is_written_and_solved_back_to_the_same_equilibrium() {
    let dir = temp_dir("types-efg");
    let efg = dir.join("types.efg");
    let report = stdout(&[
        "analyze",
        hand().to_str().unwrap(),
        "--types-efg",
        efg.to_str().unwrap(),
        "--types-phases",
        "2",
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&report).unwrap();
    let game = &report["learning"]["parties"][0]["game"];
    assert_eq!(game["phases"], serde_json::json!(["first", "second"]));
    let solved: serde_json::Value =
        serde_json::from_slice(&stdout(&["solve", efg.to_str().unwrap(), "--format", "json"])).unwrap();
    assert_eq!(solved["equilibria"][0], game["gambit_profile"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_game_with_types_is_refused_where_it_cannot_be() {
    let dir = temp_dir("types-refused");
    let starter = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/korea-status-quo.toml");
    detente()
        .arg("analyze")
        .arg(&starter)
        .arg("--types-efg")
        .arg(dir.join("x.efg"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("the file states no priors"));
    assert!(!dir.join("x.efg").exists());
    detente()
        .arg("analyze")
        .arg(hand())
        .args(["--types-phases", "7"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("7 is not in 1..=6"));
    // No priors: nothing about learning is printed.
    let text = String::from_utf8(stdout(&["analyze", starter.to_str().unwrap()])).unwrap();
    assert!(!text.contains("Learning"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}
