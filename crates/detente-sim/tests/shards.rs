//! The shard reader on mangled shard files (the properties of the `merge` fuzz target,
//! run on every `cargo test`): read and merge, or an error naming the file; never a
//! panic; a merge that succeeds is consistent.

mod common;

use detente_sim::shards::{self, merge, read, ShardFile};
use detente_sim::summary::Summary;
use detente_sim::{simulate, Overrides, Plan, Simulator, TallyError};
use proptest::prelude::*;

/// Two shard files of two-sides (40 runs, 12 months), as `simulate --shard` writes them.
fn shard_texts() -> Vec<String> {
    let ag = common::compile(&common::spec("tests/cases/two-sides.toml"));
    let plan = Plan::new(&ag, Overrides { runs: Some(40), ..Overrides::default() }).unwrap();
    let mut spec = ag.spec.clone();
    spec.simulation = Some(plan.assumptions.clone());
    let sim = Simulator::new(&ag, plan);
    (1..=2)
        .map(|i| {
            let runs = shards::slice(40, i, 2).unwrap();
            let (tally, _) = simulate(&sim, runs.clone(), false, &|_| {}).unwrap();
            let file = ShardFile {
                format: shards::FORMAT.into(),
                shard: (i, 2),
                spec: spec.clone(),
                runs: (runs.start, runs.end),
                tally,
            };
            serde_json::to_string(&file).unwrap()
        })
        .collect()
}

/// Reads and merges `texts`; checks what the fuzz target checks.
fn read_and_merge(texts: &[String]) -> Result<(), String> {
    let mut files = Vec::new();
    for (i, text) in texts.iter().enumerate() {
        let name = format!("shard-{i}.json");
        let shard = read(&name, text).map_err(|e| {
            assert_eq!(e.file.as_deref(), Some(name.as_str()));
            e.to_string()
        })?;
        files.push((name, shard));
    }
    let merged = merge(&files).map_err(|e| e.to_string())?;
    let shape = detente_sim::tally::Tally::new(
        &merged.plan,
        merged.agreement.phases.len(),
        merged.agreement.powers.len(),
        merged.agreement.commitments.len(),
        merged.agreement.spec.instrument.len(),
    );
    merged.tally.validate(&shape).expect("a merged tally is consistent");
    let summary = Summary::new(&merged.agreement, &merged.plan, &merged.tally);
    let risks = [summary.snapback.probability, summary.breakdown.probability, summary.collapse.probability];
    for p in summary.phases.iter().map(|p| p.reached).chain(risks) {
        assert!((0.0..=1.0).contains(&p), "probability {p}");
    }
    assert!(summary.collapse.probability >= summary.breakdown.probability, "a breakdown is a collapse");
    Ok(())
}

#[test]
fn intact_shards_merge() {
    read_and_merge(&shard_texts()).unwrap();
}

/// Regressions: inputs the fuzz target or review found, each an error, not a panic.
#[test]
fn mangled_shards_are_errors() {
    let texts = shard_texts();
    let edit = |text: &str, from: &str, to: &str| {
        assert!(text.contains(from), "the fixture has `{from}`");
        text.replacen(from, to, 1)
    };
    let cases: Vec<(&str, Vec<String>, &str)> = vec![
        // A vast simulation claimed by a small file: refused before its histograms are made.
        (
            "shape",
            vec![edit(&texts[0], "\"horizon\":\"12 months\"", "\"horizon\":\"1000 years\"")],
            "does not have the shape",
        ),
        ("empty", vec![String::new()], "not a detente shard file"),
        ("not json", vec!["{".into()], "not a detente shard file"),
        ("no shards", vec![], "no shard files"),
        (
            "reversed runs",
            vec![edit(&texts[0], "\"runs\":[0,20]", "\"runs\":[20,0]"), texts[1].clone()],
            "not a range",
        ),
    ];
    for (what, case, message) in cases {
        let error = read_and_merge(&case).expect_err(what);
        assert!(error.contains(message), "{what}: {error}");
    }
}

/// A shard refused for its tally keeps the tally's error as its source, naming the
/// figure at fault.
#[test]
fn an_inconsistent_tally_is_the_source_of_the_shards_error() {
    use std::error::Error as _;
    let texts = shard_texts();
    assert!(texts[0].contains("\"breakdown\":[0"), "the fixture has no breakdown in its first step");
    let edited = texts[0].replacen("\"breakdown\":[0", "\"breakdown\":[1", 1);
    let files = vec![
        ("a.json".to_string(), read("a.json", &edited).unwrap()),
        ("b.json".to_string(), read("b.json", &texts[1]).unwrap()),
    ];
    let Err(error) = merge(&files) else { panic!("the edited shard must be refused") };
    assert_eq!(error.file.as_deref(), Some("a.json"));
    assert!(
        error
            .to_string()
            .contains("its tally is inconsistent: breakdown: the counts add up to 21, not the 20 runs"),
        "{error}"
    );
    let source = error.source().and_then(|s| s.downcast_ref::<detente_sim::Error>());
    assert!(
        matches!(source, Some(detente_sim::Error::Tally(TallyError::Inconsistent { cell, .. })) if cell == "breakdown"),
        "{source:?}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// A digit changed, a span deleted or a span repeated anywhere in either file.
    #[test]
    fn mangled_shards_never_panic(which in 0..2usize, at in 0.0..1.0f64, edit in 0..3u8, len in 1..40usize, digit in 0..10u8) {
        let mut texts = shard_texts();
        let text = &mut texts[which];
        let mut start = ((text.len() as f64 * at) as usize).min(text.len() - 1);
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + len).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        match edit {
            0 => {
                if let Some(pos) = text[start..].find(|c: char| c.is_ascii_digit()) {
                    text.replace_range(start + pos..start + pos + 1, &digit.to_string());
                }
            }
            1 => text.replace_range(start..end, ""),
            _ => {
                let span = text[start..end].to_string();
                text.insert_str(end, &span);
            }
        }
        let _ = read_and_merge(&texts);
    }
}
