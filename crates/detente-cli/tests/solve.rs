//! Integration tests of `solve` (exact equilibria of Gambit games, strategic and
//! extensive form; bad files) and `analyze` (incentives of an agreement).

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
        .stdout(predicate::str::contains("Equilibria of the game of mean payoffs"))
        .stdout(predicate::str::contains("discounted at 0.95 a year"));
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
    for discount in ["0", "1.5", "nan"] {
        detente()
            .arg("tournament")
            .arg(&korea)
            .args(["--discount", discount])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("is not in (0, 1]"));
    }
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

/// Runs `solve` on `text` written to a file; returns the exit code, stdout and stderr.
fn solve_text(name: &str, text: &[u8], args: &[&str]) -> (i32, String, String) {
    let dir = temp_dir(name);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("game.nfg");
    std::fs::write(&file, text).unwrap();
    let output = detente().arg("solve").arg(&file).args(args).output().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn solve_refuses_headers_it_cannot_hold_with_a_located_error() {
    // Once an abort after trying to allocate 240 GB, and a capacity-overflow panic.
    let cases: [(&str, &str, &str); 4] = [
        (
            "NFG 1 R \"x\" { \"1\" \"2\" } { 100000 100000 }\n1 2 3",
            "game.nfg:1:34: error: with this player's 100000 strategies the game has more than 4000000 payoffs",
            "at most 4000000 payoffs",
        ),
        (
            "NFG 1 R \"x\" { \"1\" \"2\" \"3\" \"4\" \"5\" \"6\" \"7\" \"8\" } \
             { 1000 1000 1000 1000 1000 1000 1000 1000 }\n1",
            "more than 4000000 payoffs",
            "check the numbers of strategies",
        ),
        (
            "NFG 1 R \"x\" { \"1\" } { 18446744073709551616 }\n1",
            "is not a number of strategies",
            "whole, positive number",
        ),
        // Within the limit, but the file ends long before: refused where it ends.
        ("NFG 1 R \"x\" { \"1\" \"2\" } { 1000 1000 }\n1 2 3", "game.nfg:2:6: error: only 3 of 2000000 payoffs", "help"),
    ];
    for (text, message, help) in cases {
        let (code, stdout, stderr) = solve_text("huge-header", text.as_bytes(), &[]);
        assert_eq!(code, 1, "{text}: {stderr}");
        assert!(stdout.is_empty());
        assert!(stderr.contains(message), "{text}: {stderr}");
        assert!(stderr.contains(help), "{text}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn solve_bounds_numbers_and_says_why_one_is_refused() {
    let long = format!("NFG 1 R \"x\" {{ \"1\" }} {{ 1 }}\n{}", "7".repeat(100_000));
    let start = std::time::Instant::now();
    let (code, _, stderr) = solve_text("long-number", long.as_bytes(), &[]);
    assert_eq!(code, 1);
    assert!(stderr.contains("game.nfg:2:1: error: `7777"), "{stderr}");
    assert!(stderr.contains("has 100000 digits, more than the 1000 a number may have"), "{stderr}");
    assert!(start.elapsed().as_secs() < 10, "refused without converting the digits");
    let (code, _, stderr) = solve_text("exponent", b"NFG 1 R \"x\" { \"1\" } { 1 }\n1e1001", &[]);
    assert_eq!(code, 1);
    assert!(stderr.contains("the exponent of `1e1001` makes it longer than 1000 digits"), "{stderr}");
    assert!(!stderr.contains("is not a number"), "{stderr}");
    // Numbers of 1,000 digits, exponents included, are read.
    let fine =
        format!("NFG 1 R \"x\" {{ \"1\" }} {{ 3 }}\n{} 1e999 1/{}", "9".repeat(1000), "7".repeat(1000));
    let (code, stdout, stderr) = solve_text("fine-numbers", fine.as_bytes(), &["--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["equilibria"], serde_json::json!([[["1", "0", "0"]]]), "10^1000 - 1 beats 10^999");
    let (code, _, stderr) = solve_text("trailing", b"NFG 1 R \"x\" { \"1\" } { 1 }\n1 9", &[]);
    assert_eq!(code, 1);
    assert!(stderr.contains("game.nfg:2:3: error: found the number 9 after the last payoff"), "{stderr}");
    assert!(stderr.contains("1 profile x 1 player"), "{stderr}");
    let (code, _, stderr) = solve_text("not-utf8", b"NFG 1 R \"\xff\" { \"1\" } { 1 }\n1", &[]);
    assert_eq!(code, 1);
    assert!(stderr.contains("game.nfg:1:10: error: this byte is not UTF-8 text"), "{stderr}");
}

#[test]
fn solve_lists_extreme_equilibria_whose_supports_differ_in_size() {
    // A = [[0,0,1],[1,0,1]], B = [[0,0,1],[1,1,0]], first player's strategy fastest.
    // Gambit's enummixed lists x = (1/2, 1/2), y = (0, 1, 0) among others.
    let text = b"NFG 1 R \"d\" { \"1\" \"2\" } { 2 3 }\n0 0 1 1 0 0 0 1 1 1 1 0";
    let (code, stdout, stderr) = solve_text("unequal-supports", text, &["--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(json["equilibria"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!([["1/2", "1/2"], ["0", "1", "0"]])));
    assert!(stderr.contains("extreme equilibria (as Gambit's enummixed lists them)"), "{stderr}");
}

#[test]
fn solve_speaks_of_players_and_degeneracy_as_they_are() {
    let (code, stdout, stderr) = solve_text("one-player", b"NFG 1 R \"x\" { \"1\" } { 3 }\n1 5 5", &[]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("x: 2 equilibria"), "{stdout}");
    assert!(stderr.contains("has 1 player: every mixture of its 2 best strategies"), "{stderr}");
    assert!(!stderr.contains("1 players"), "{stderr}");
    // Four players of two strategies: pure equilibria only, said with the plural.
    let payoffs: Vec<String> = (0..16 * 4).map(|i| ((i * 7 + 3) % 11).to_string()).collect();
    let four = format!("NFG 1 R \"x\" {{ \"1\" \"2\" \"3\" \"4\" }} {{ 2 2 2 2 }}\n{}", payoffs.join(" "));
    let (code, _, stderr) = solve_text("four-players", four.as_bytes(), &[]);
    assert_eq!(code, 0);
    assert!(stderr.contains("has 4 players: only its pure-strategy equilibria"), "{stderr}");
    // Three players, distinct payoffs, each with a dominant first strategy: one
    // equilibrium and no claim of degeneracy.
    let mut numbers = Vec::new();
    for profile in 0..8usize {
        for player in 0..3usize {
            let first = (profile >> player) & 1 == 0;
            numbers.push((3 * profile + player + if first { 100 } else { 0 }).to_string());
        }
    }
    let three = format!("NFG 1 R \"x\" {{ \"1\" \"2\" \"3\" }} {{ 2 2 2 }}\n{}", numbers.join(" "));
    let (code, stdout, stderr) = solve_text("dominant", three.as_bytes(), &["--format", "json"]);
    assert_eq!(code, 0);
    assert!(!stderr.contains("degenerate"), "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["equilibria"], serde_json::json!([[["1", "0"], ["1", "0"], ["1", "0"]]]));
}

#[test]
fn solve_help_says_what_each_mode_solves() {
    let help = detente().args(["solve", "--help"]).assert().success().get_output().stdout.clone();
    let help = String::from_utf8(help).unwrap();
    for phrase in [
        "every extreme equilibrium",
        "Lemke-Howson",
        "(2x2x2): every equilibrium",
        "pure-strategy",
        "subgame-perfect equilibrium in pure strategies, by backward induction",
        "Lemke's algorithm on the sequence form",
        ".efg",
    ] {
        assert!(help.contains(phrase), "{phrase}: {help}");
    }
}

#[test]
fn strategy_names_from_a_game_file_are_escaped_in_the_text_report() {
    let game = "NFG 1 R \"g\" { \"P1\" \"P2\" } { { \"Up\u{1b}[2J\" \"Down\" } { \"L\u{202e}\" \"R\" } }\n\
                2 1 0 0 0 0 1 2\n";
    let (code, text, _) = solve_text("escape", game.as_bytes(), &[]);
    assert_eq!(code, 0, "{text}");
    assert!(!text.contains('\u{1b}') && !text.contains('\u{202e}'), "{text}");
    assert!(text.contains("\\u{1b}"), "{text}");
}

/// Runs `solve` on `text` written to a file named `name`; returns the exit code,
/// stdout and stderr.
fn solve_named(name: &str, text: &[u8], args: &[&str]) -> (i32, String, String) {
    let dir = temp_dir(&format!("named-{name}"));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(name);
    std::fs::write(&file, text).unwrap();
    let output = detente().arg("solve").arg(&file).args(args).output().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn solve_reads_extensive_form_games_and_solves_them_exactly() {
    // Imperfect information: one equilibrium by the sequence form, as pygambit's
    // lcp_solve finds it; the note says there may be others.
    let poker = game_file("myerson-poker.efg");
    let output = detente().arg("solve").arg(&poker).args(["--format", "json"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json, serde_json::json!({ "equilibria": [[[["1", "0"], ["1/3", "2/3"]], [["2/3", "1/3"]]]] }));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("one Nash equilibrium is computed (Lemke's algorithm on the sequence form)"),
        "{stderr}"
    );
    let kuhn = String::from_utf8(stdout(&["solve", game_file("kuhn-poker.efg").to_str().unwrap()])).unwrap();
    assert!(kuhn.contains("1 Nash equilibrium, by Lemke's algorithm on the sequence form"), "{kuhn}");
    assert!(kuhn.contains("  Player 1  (payoff -1/18)"), "{kuhn}");
    assert!(kuhn.contains("    information set 2 \"P1 has Q\": check: 1\n"), "{kuhn}");
    assert!(kuhn.contains("\"P1 has K, checked, P2 bet\": fold: 1/2, call: 1/2  (not reached)"), "{kuhn}");
    // Perfect information: every subgame-perfect equilibrium, or with --one the first.
    let centipede =
        String::from_utf8(stdout(&["solve", game_file("centipede.efg").to_str().unwrap()])).unwrap();
    assert!(centipede.contains(": 1 subgame-perfect equilibrium in pure strategies, by backward induction"));
    assert!(
        centipede.contains("  Ann  (payoff 1)\n    information set 1 \"Ann, first\": take: 1\n"),
        "{centipede}"
    );
    let nim = stdout(&["solve", game_file("nim.efg").to_str().unwrap(), "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&nim).unwrap();
    assert_eq!(json["equilibria"].as_array().unwrap().len(), 4);
    let one = stdout(&["solve", game_file("nim.efg").to_str().unwrap(), "--format", "json", "--one"]);
    let first: serde_json::Value = serde_json::from_slice(&one).unwrap();
    assert_eq!(first["equilibria"], serde_json::json!([json["equilibria"][0]]));
}

#[test]
fn solve_refuses_extensive_form_games_it_does_not_solve_with_the_reason() {
    let (code, _, stderr) = solve_named("x.efg", &std::fs::read(game_file("selten-horse.efg")).unwrap(), &[]);
    assert_eq!(code, 2);
    assert!(stderr
        .contains(": a game of imperfect information with 3 players: detente solves those with one or two"));
    let (code, _, stderr) =
        solve_named("x.efg", &std::fs::read(game_file("not-perfect-recall.efg")).unwrap(), &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("player 1 (Player 1) does not recall at its information set 1"), "{stderr}");
    assert!(stderr.contains("the sequence form needs perfect recall"), "{stderr}");
    // Eleven decision nodes, all payoffs zero: 2^11 subgame-perfect equilibria.
    let mut zeros = String::from("EFG 2 R \"zeros\" { \"1\" \"2\" }\n\"\"\n");
    for k in 0..11 {
        zeros.push_str(&format!("p \"\" {} {} \"\" {{ \"a\" \"b\" }} 0\nt \"\" 0\n", 1 + k % 2, 1 + k / 2));
    }
    zeros.push_str("t \"\" 0\n");
    let (code, stdout, stderr) = solve_named("zeros.efg", zeros.as_bytes(), &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stdout.is_empty());
    assert!(stderr.contains("has more than 1000 subgame-perfect equilibria in pure strategies"), "{stderr}");
    assert!(stderr.contains("use --one"), "{stderr}");
    let (code, stdout, _) = solve_named("zeros.efg", zeros.as_bytes(), &["--one", "--format", "json"]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let first = &json["equilibria"][0];
    assert!(first
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p.as_array().unwrap())
        .all(|m| m == &serde_json::json!(["1", "0"])));
}

#[test]
fn solve_explains_a_bad_efg_file_with_its_position() {
    let cases: [(&str, &[u8], &str); 5] = [
        (
            "cut.efg",
            b"EFG 2 R \"x\" { \"1\" }\np \"\" 1 1 \"\" { \"a\" \"b\" } 0\nt \"\" 0\n",
            "cut.efg:4:1: error: the file ends before the tree does: the node of line 2 has 1 more child to list",
        ),
        (
            "odds.efg",
            b"EFG 2 R \"x\" { \"1\" }\nc \"\" 1 \"\" { \"a\" 0.3333 \"b\" 0.6666 } 0\nt \"\" 0\nt \"\" 0\n",
            "odds.efg:2:11: error: chance's probabilities here sum to 9999/10000, not 1",
        ),
        // Named .efg but not one: the extensive-form reader says so.
        ("plain.efg", b"hello", "plain.efg:1:1: error: this is not a Gambit extensive-form file"),
        // Named .nfg but an extensive-form file: read as what it is.
        ("named.nfg", b"EFG 2 R \"x\" { \"1\" }\nt \"\" 1 \"o\" { 1 2 }\n", "named.nfg:2:16: error: more payoffs than the 1 player"),
        ("bytes.efg", b"EFG 2 R \"\xff\" { \"1\" }\nt \"\" 0\n", "an .efg file is text; save it as UTF-8"),
    ];
    for (name, text, message) in cases {
        let (code, stdout, stderr) = solve_named(name, text, &[]);
        assert_eq!(code, 1, "{name}: {stderr}");
        assert!(stdout.is_empty());
        assert!(stderr.contains(message), "{name}: {stderr}");
        assert!(stderr.contains("help: "), "{name}: {stderr}");
    }
}

#[test]
fn the_phase_game_analyze_writes_is_solved_to_the_analysis_payoffs() {
    let korea = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/korea-2020.toml");
    let dir = temp_dir("phase-efg");
    std::fs::create_dir_all(&dir).unwrap();
    let efg = dir.join("korea.efg");
    let report =
        stdout(&["analyze", korea.to_str().unwrap(), "--efg", efg.to_str().unwrap(), "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&report).unwrap();
    let first = &report["phases"][0];
    let text = String::from_utf8(stdout(&["solve", efg.to_str().unwrap(), "--one"])).unwrap();
    assert!(text.contains("detente phase game: 1 subgame-perfect equilibrium"), "{text}");
    for (n, party) in first["parties"].as_array().unwrap().iter().enumerate() {
        let name = party["party"].as_str().unwrap();
        let line = text.lines().find(|l| l.starts_with(&format!("  {name}  (payoff "))).unwrap();
        let payoff = line.trim_end_matches(')').rsplit(' ').next().unwrap();
        let value = match payoff.split_once('/') {
            Some((n, d)) => n.parse::<f64>().unwrap() / d.parse::<f64>().unwrap(),
            None => payoff.parse::<f64>().unwrap(),
        };
        // What the subgame-perfect play leaves each party from the first phase on: its
        // value of performing when the phase holds, else what the first defection,
        // with its hold-up, leaves it.
        let expected = first["outcome"][n].as_f64().unwrap();
        if first["self_enforcing"] == true {
            assert_eq!(expected, party["value_of_performing"].as_f64().unwrap());
        }
        assert!((value - expected).abs() < 1e-3, "{name}: {value} against {expected}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
