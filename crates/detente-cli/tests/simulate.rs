//! Integration tests of `simulate`, `compare` and `merge`: the binary on the bundled
//! scenarios, its outputs, its reproducibility and its errors.

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
    let dir = std::env::temp_dir().join(format!("detente-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn stdout(args: &[&str]) -> Vec<u8> {
    detente().args(args).assert().success().get_output().stdout.clone()
}

#[test]
fn simulate_summarises_the_default_scenario() {
    let korea = scenario("korea-2020.toml");
    detente()
        .args(["simulate", korea.to_str().unwrap(), "--runs", "300", "--years", "5"])
        .assert()
        .success()
        .stdout(predicate::str::contains("korea-2020: 300 simulated futures over 5 years"))
        .stdout(predicate::str::contains("Phases: probability of opening"))
        .stdout(predicate::str::contains("Snap-back:"));
}

#[test]
fn the_same_seed_gives_byte_identical_output_whatever_the_threads() {
    let korea = scenario("korea-2020.toml");
    let run = |threads: &str| {
        stdout(&[
            "simulate",
            korea.to_str().unwrap(),
            "--runs",
            "500",
            "--seed",
            "9",
            "--format",
            "json",
            "--threads",
            threads,
        ])
    };
    let one = run("1");
    assert_eq!(one, run("2"));
    assert_eq!(one, run("4"));
    let json: serde_json::Value = serde_json::from_slice(&one).unwrap();
    assert_eq!(json["runs"], 500);
}

#[test]
fn out_writes_tables_charts_and_kept_runs() {
    let dir = temp_dir("out");
    let korea = scenario("korea-2020.toml");
    detente()
        .args(["simulate", korea.to_str().unwrap(), "--runs", "200", "--keep-runs", "--out"])
        .arg(&dir)
        .assert()
        .success();
    for file in
        ["quantities.csv", "phases.csv", "outcomes.csv", "commitments.csv", "summary.json", "runs.csv"]
    {
        assert!(dir.join(file).is_file(), "{file}");
    }
    for chart in ["fan-warheads", "phases", "risks", "relief"] {
        let svg = std::fs::read_to_string(dir.join(format!("{chart}.svg"))).unwrap();
        assert!(svg.starts_with("<svg"), "{chart}.svg is an SVG");
        let png = std::fs::read(dir.join(format!("{chart}.png"))).unwrap();
        assert_eq!(&png[..4], b"\x89PNG", "{chart}.png is a PNG");
    }
    let runs = std::fs::read_to_string(dir.join("runs.csv")).unwrap();
    assert_eq!(runs.lines().count(), 201, "a header and one row per run");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn shards_merge_into_the_output_of_one_run() {
    let dir = temp_dir("shards");
    let korea = scenario("korea-2020.toml");
    let k = korea.to_str().unwrap();
    for shard in ["1/3", "2/3", "3/3"] {
        detente()
            .args(["simulate", k, "--runs", "400", "--shard", shard, "--out"])
            .arg(&dir)
            .assert()
            .success();
    }
    let whole = stdout(&["simulate", k, "--runs", "400", "--format", "json"]);
    let shards: Vec<PathBuf> = (1..=3).map(|i| dir.join(format!("shard-{i}-of-3.json"))).collect();
    let merged = detente().arg("merge").args(&shards).args(["--format", "json"]).assert().success();
    assert_eq!(merged.get_output().stdout, whole);
    // A missing shard is named, and nothing is merged.
    detente()
        .arg("merge")
        .args(&shards[..2])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("missing: [3/3]"));
    // A file that is not a shard is reported with its position.
    detente()
        .arg("merge")
        .arg(scenario("korea-2020.toml"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("korea-2020.toml:1:1: error: not a detente shard file"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Writes `shards` of korea-2020 (`--runs 90`) into a new directory; returns the paths.
fn korea_shards(name: &str, shards: &[&str], seed: &str) -> (PathBuf, Vec<PathBuf>) {
    let dir = temp_dir(name);
    let korea = scenario("korea-2020.toml");
    let mut paths = Vec::new();
    for shard in shards {
        let out = stdout(&[
            "simulate",
            korea.to_str().unwrap(),
            "--runs",
            "90",
            "--years",
            "2",
            "--seed",
            seed,
            "--shard",
            shard,
        ]);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{}-{}.json", seed, shard.replace('/', "-of-")));
        std::fs::write(&path, out).unwrap();
        paths.push(path);
    }
    (dir, paths)
}

/// Edits a shard file's JSON.
fn edit(path: &Path, change: impl FnOnce(&mut serde_json::Value)) -> PathBuf {
    let mut json: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    change(&mut json);
    let edited = path.with_extension("edited.json");
    std::fs::write(&edited, serde_json::to_string(&json).unwrap()).unwrap();
    edited
}

#[test]
fn merge_believes_no_shard_it_has_not_checked() {
    let (dir, paths) = korea_shards("bad-shards", &["1/2", "2/2"], "4");
    let fails = |files: &[&PathBuf], message: &str| {
        let assert = detente().arg("merge").args(files).assert().code(1);
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        assert!(stderr.contains(message), "expected `{message}` in:\n{stderr}");
        assert!(assert.get_output().stdout.is_empty(), "nothing is printed: {stderr}");
        stderr
    };
    detente().arg("merge").args(&paths).assert().success();
    // A phase that opened in more runs than there are (once "relations 195.1%").
    let inflated = edit(&paths[1], |j| {
        let cell = &mut j["tally"]["phase_opened"][0];
        *cell = (cell.as_u64().unwrap() + 40).into();
    });
    let stderr = fails(&[&paths[0], &inflated], "its tally is inconsistent");
    assert!(stderr.contains(inflated.to_str().unwrap()) && stderr.contains("phase 1 opening"), "{stderr}");
    // Counts near u64::MAX that would wrap when added.
    let huge = edit(&paths[1], |j| {
        j["tally"]["runs"] = u64::MAX.into();
        j["runs"] = serde_json::json!([45, u64::MAX]);
    });
    fails(&[&paths[0], &huge], huge.to_str().unwrap());
    // The same runs twice, under another shard's name: an overlap, naming both files.
    let overlapping = edit(&paths[0], |j| j["shard"] = serde_json::json!([2, 2]));
    let stderr = fails(&[&paths[0], &overlapping], "overlap runs 0..45");
    assert!(stderr.contains(paths[0].to_str().unwrap()), "{stderr}");
    // A shard given twice.
    fails(&[&paths[0], &paths[1], &paths[1]], "given twice");
    // A shard whose range was moved.
    let moved = edit(&paths[1], |j| j["runs"] = serde_json::json!([44, 89]));
    fails(&[&paths[0], &moved], "overlap");
    // A gap: only shard 2 of 2.
    fails(&[&paths[1]], "runs 0..45 of the 90 are in no shard given (missing: [1/2])");
    // Another seed does not belong to the split.
    let (other_dir, other) = korea_shards("bad-shards-seed", &["2/2"], "5");
    fails(&[&paths[0], &other[0]], "this shard has seed 5, not 4");
    // An older format is named.
    let old = edit(&paths[0], |j| j["format"] = "detente-shard/2".into());
    fails(&[&old, &paths[1]], "shard format `detente-shard/2`, expected `detente-shard/3`");
    // A truncated file is not a shard file, with its position.
    let text = std::fs::read_to_string(&paths[0]).unwrap();
    let truncated = dir.join("truncated.json");
    std::fs::write(&truncated, &text[..text.len() / 2]).unwrap();
    fails(&[&truncated, &paths[1]], "not a detente shard file");
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&other_dir);
}

#[test]
fn compare_pairs_the_designs_with_the_status_quo() {
    let dir = temp_dir("compare");
    detente()
        .arg("compare")
        .arg(scenario("korea-status-quo.toml"))
        .arg(scenario("korea-2020.toml"))
        .arg(scenario("korea-2020-big-deal.toml"))
        .args(["--runs", "300", "--out"])
        .arg(&dir)
        .assert()
        .success()
        .stdout(predicate::str::contains("3 designs, 300 futures each on common random numbers"))
        .stdout(predicate::str::contains("korea-2020 minus korea-status-quo (paired by run)"))
        .stdout(predicate::str::contains("heu at the horizon"));
    assert!(dir.join("comparison.json").is_file());
    assert!(dir.join("compare-heu.svg").is_file() && dir.join("compare-heu.png").is_file());
    assert!(dir.join("korea-2020").join("quantities.csv").is_file());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sweep_varies_one_assumption() {
    let dir = temp_dir("sweep");
    let korea = scenario("korea-2020.toml");
    detente()
        .args([
            "simulate",
            korea.to_str().unwrap(),
            "--runs",
            "200",
            "--sweep",
            "detection.production-freeze=0.2..0.8:3",
            "--out",
        ])
        .arg(&dir)
        .assert()
        .success()
        .stdout(predicate::str::contains("sweep of detection.production-freeze over 3 points"));
    let csv = std::fs::read_to_string(dir.join("sweep.csv")).unwrap();
    assert_eq!(csv.lines().count(), 4);
    assert!(dir.join("sweep-01-probability-of-snap-back.svg").is_file());
    assert!(dir.join("sweep-01-probability-of-snap-back.png").is_file());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_simulation_arguments_are_explained() {
    let korea = scenario("korea-2020.toml");
    let k = korea.to_str().unwrap();
    let cases: [(&[&str], &str); 7] = [
        (&["--sweep", "detection.production-freeze"], "has no `=`"),
        (&["--sweep", "detection.nonexistent=0..1:3"], "no commitment `nonexistent`"),
        (
            &["--sweep", "strategy.usa.cheat=0..1:3"],
            "`usa` plays tit-for-tat, which has no `cheat` (it has no parameter to sweep)",
        ),
        (
            &["--sweep", "strategy.dprk.cheat=0..1:3"],
            "`dprk` plays hedger, which has no `cheat` (it takes `max_cost`)",
        ),
        (&["--sweep", "detection.production-freeze=0..2:3"], "out of range"),
        (&["--shard", "0/3"], "--shard `0/3`"),
        (&["--threads", "0"], "--threads must be at least 1"),
    ];
    for (args, message) in cases {
        detente()
            .args(["simulate", k, "--runs", "10"])
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message));
    }
}

#[test]
fn simulate_refuses_an_invalid_specification_with_its_diagnostics() {
    let bad = Path::new(env!("CARGO_MANIFEST_DIR")).join("../detente-spec/tests/cases/malformed");
    let first = std::fs::read_dir(bad).unwrap().map(|e| e.unwrap().path()).min().unwrap();
    detente().arg("simulate").arg(&first).assert().code(1).stderr(predicate::str::contains("invalid"));
    detente()
        .args(["compare"])
        .arg(scenario("korea-2020.toml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("required"));
}

#[test]
fn futures_can_continue_a_real_history() {
    // The Six-Party log ends with the DPRK's exit in April 2009: every future starts
    // broken down, with the declaration and disablement terminated.
    let out = stdout(&[
        "simulate",
        scenario("six-party-2007.toml").to_str().unwrap(),
        "--from",
        scenario("six-party-2007.events.jsonl").to_str().unwrap(),
        "--runs",
        "100",
        "--years",
        "2",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(json["start"], "2009-04-14");
    assert_eq!(json["dates"][0], "2009-05-14");
    assert_eq!(json["breakdown"]["probability"], 1.0);
    assert_eq!(json["collapse"]["probability"], 1.0, "a breakdown is a collapse");
    assert_eq!(json["commitments"]["disablement"]["terminated"], 1.0);
    // ... and the report says so, rather than print 100 dead futures without a word.
    assert!(json["notes"][0].as_str().unwrap().contains("already broken down (dprk withdrew) by 2009-04-14"));
    detente()
        .arg("simulate")
        .arg(scenario("six-party-2007.toml"))
        .arg("--from")
        .arg(scenario("six-party-2007.events.jsonl"))
        .args(["--runs", "10", "--years", "1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Note: the history had already broken down"))
        .stderr(predicate::str::contains("warning: the history had already broken down"));
    // A history that has not stopped gets no such note (the real logs end in a
    // withdrawal or a collapse; this hypothetical korea-2020 one in neither).
    let log = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/logs/korea-hypothetical.jsonl");
    let jcpoa = stdout(&[
        "simulate",
        scenario("korea-2020.toml").to_str().unwrap(),
        "--from",
        log.to_str().unwrap(),
        "--runs",
        "10",
        "--years",
        "1",
        "--format",
        "json",
    ]);
    let jcpoa: serde_json::Value = serde_json::from_slice(&jcpoa).unwrap();
    assert!(jcpoa.get("notes").is_none(), "{}", jcpoa["notes"]);

    // A log that does not fit the agreement is rejected with its lines, as in replay.
    detente()
        .args(["simulate", scenario("korea-2020.toml").to_str().unwrap(), "--from"])
        .arg(scenario("six-party-2007.events.jsonl"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("log rejected"));
}

/// Every file under `dir` (relative path, bytes), sorted.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path.strip_prefix(dir).unwrap().display().to_string();
                out.push((name, std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn names(dir: &Path) -> Vec<String> {
    files(dir).into_iter().map(|(name, _)| name).collect()
}

#[test]
fn out_replaces_a_previous_output_whole_and_leaves_other_directories_alone() {
    let parent = temp_dir("out-rule");
    let out = parent.join("out");
    let korea = scenario("korea-2020.toml");
    let jcpoa = scenario("jcpoa-2015.toml");
    let run = |spec: &Path, dir: &Path| {
        detente().arg("simulate").arg(spec).args(["--runs", "50", "--years", "2", "--out"]).arg(dir).assert()
    };
    run(&korea, &out).success();
    assert!(names(&out).contains(&"fan-warheads.png".to_string()));
    // Over korea's output, the JCPOA's replaces it whole: nothing of korea's survives.
    run(&jcpoa, &out).success();
    run(&jcpoa, &parent.join("fresh")).success();
    assert_eq!(files(&out), files(&parent.join("fresh")));
    assert!(!names(&out).contains(&"fan-warheads.png".to_string()));
    // A directory detente did not write is refused, and left as it was.
    let mine = parent.join("mine");
    std::fs::create_dir_all(&mine).unwrap();
    std::fs::write(mine.join("notes.txt"), "my notes").unwrap();
    run(&korea, &mine)
        .code(2)
        .stderr(predicate::str::contains("is not empty and was not written by detente"));
    assert_eq!(names(&mine), ["notes.txt"]);
    // So is a file.
    run(&korea, &mine.join("notes.txt")).code(2).stderr(predicate::str::contains("is not a directory"));
    // An empty directory is used; nothing is left beside the outputs.
    let empty = parent.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    run(&korea, &empty).success();
    let mut beside: Vec<String> = std::fs::read_dir(&parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    beside.sort();
    assert_eq!(beside, ["empty", "fresh", "mine", "out"]);
    let _ = std::fs::remove_dir_all(&parent);
}

#[test]
fn a_second_run_into_the_same_directory_fails_while_the_first_holds_the_lock() {
    let parent = temp_dir("out-lock");
    std::fs::create_dir_all(&parent).unwrap();
    let out = parent.join("out");
    // Hold the lock as a running detente would.
    let lock = std::fs::File::create(parent.join(".out.detente-lock")).unwrap();
    lock.lock().unwrap();
    detente()
        .arg("simulate")
        .arg(scenario("korea-2020.toml"))
        .args(["--runs", "20", "--years", "1", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("another detente run is writing"));
    assert!(!out.exists());
    drop(lock);
    let _ = std::fs::remove_dir_all(&parent);
}

#[test]
fn concurrent_runs_into_one_directory_never_mix() {
    let parent = temp_dir("out-concurrent");
    std::fs::create_dir_all(&parent).unwrap();
    let out = parent.join("out");
    let korea = scenario("korea-2020.toml");
    let spawn = |seed: &str| {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("detente"))
            .arg("simulate")
            .arg(&korea)
            .args(["--runs", "400", "--years", "5", "--threads", "1", "--seed", seed, "--out"])
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn("1"), spawn("2"));
    let results = [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()];
    for r in &results {
        let stderr = String::from_utf8_lossy(&r.stderr);
        assert!(r.status.success() || stderr.contains("another detente run is writing"), "{stderr}");
    }
    assert!(results.iter().any(|r| r.status.success()));
    // Whatever won, the directory is exactly one run's output.
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let seed = summary["assumptions"]["seed"].to_string();
    let alone = parent.join("alone");
    detente()
        .arg("simulate")
        .arg(&korea)
        .args(["--runs", "400", "--years", "5", "--seed", &seed, "--out"])
        .arg(&alone)
        .assert()
        .success();
    assert_eq!(files(&out), files(&alone));
    let _ = std::fs::remove_dir_all(&parent);
}

#[cfg(unix)]
#[test]
fn an_interrupted_run_leaves_the_output_whole_or_absent() {
    // Interrupted at moments spread over a whole run (most of which is spent writing
    // charts), `out` is either absent or exactly a complete output, never partial.
    let parent = temp_dir("out-interrupted");
    std::fs::create_dir_all(&parent).unwrap();
    let korea = scenario("korea-2020.toml");
    let args = ["--runs", "100", "--years", "20", "--threads", "1", "--out"];
    let complete = parent.join("complete");
    let started = std::time::Instant::now();
    detente().arg("simulate").arg(&korea).args(args).arg(&complete).assert().success();
    let whole = started.elapsed();
    let expected = files(&complete);
    let out = parent.join("out");
    for i in 1..=8u32 {
        let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("detente"))
            .env("NO_COLOR", "1")
            .arg("simulate")
            .arg(&korea)
            .args(args)
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(whole * i / 9);
        let killed =
            std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
        assert!(killed.success());
        child.wait_with_output().unwrap();
        if out.exists() {
            assert_eq!(files(&out), expected, "interrupted at {i}/9 of a run, {} is partial", out.display());
            std::fs::remove_dir_all(&out).unwrap();
        }
    }
    // The next run clears what the interrupted ones left beside the target.
    detente()
        .arg("simulate")
        .arg(&korea)
        .args(["--runs", "20", "--years", "1", "--out"])
        .arg(&out)
        .assert()
        .success();
    let mut left: Vec<String> = std::fs::read_dir(&parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["complete", "out"]);
    let _ = std::fs::remove_dir_all(&parent);
}

#[test]
fn the_largest_weights_are_simulated_exactly_or_refused_clearly() {
    let dir = temp_dir("big-weights");
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string(scenario("korea-2020.toml")).unwrap();
    // Kaesong's closure, the first instrument relieved, at the largest weight a file allows.
    assert!(text.contains("\nweight = 120 "));
    let big = dir.join("big.toml");
    std::fs::write(&big, text.replace("\nweight = 120 ", "\nweight = 1e12 ")).unwrap();
    // Relief delivered past 9.2e12 (where i64 millionths saturated) is reported as it is:
    // at most the weight times the 20 years.
    let out = stdout(&["simulate", big.to_str().unwrap(), "--runs", "100", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let p95 = json["relief"]["delivered"]["p95"].as_f64().unwrap();
    assert!(p95 > 9.3e12 && p95 < 2.1e13, "{p95}");
    // A comparison's paired variances square the relief: past 128 bits, a clear error.
    detente()
        .args(["compare", scenario("korea-2020.toml").to_str().unwrap(), big.to_str().unwrap()])
        .args(["--runs", "20"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("exceeds the exact range of the tallies"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A history that ended in collapse (nothing owed moves any more, nobody withdrew) is
/// said to have ended, as a breakdown is: its futures show the end, not prospects.
#[test]
fn futures_of_a_collapsed_history_say_so() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    Command::cargo_bin("detente")
        .unwrap()
        .arg("simulate")
        .arg(root.join("scenarios/agreed-framework-1994.toml"))
        .arg("--from")
        .arg(root.join("scenarios/agreed-framework-1994.events.jsonl"))
        .args(["--runs", "20"])
        .assert()
        .success()
        .stderr(predicates::str::contains("the history had already collapsed (nothing owed moves any more)"));
}
