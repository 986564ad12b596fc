//! Fuzz the shard reader and `merge`: any bytes, split at 0x1E (record separator) into
//! up to four shard files, must be read and merged, or refused with an error naming a
//! file, without panicking; a merge that succeeds gives a tally that is consistent and a
//! summary whose probabilities are probabilities.
#![no_main]

use detente_sim::shards::{merge, read};
use detente_sim::summary::Summary;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut shards = Vec::new();
    for (i, part) in data.split(|&b| b == 0x1e).take(4).enumerate() {
        let name = format!("shard-{i}.json");
        let text = String::from_utf8_lossy(part);
        match read(&name, &text) {
            Ok(shard) => shards.push((name, shard)),
            Err(e) => {
                assert_eq!(e.file.as_deref(), Some(name.as_str()));
                return;
            }
        }
    }
    match merge(&shards) {
        Ok(merged) => {
            let shape = detente_sim::tally::Tally::new(
                &merged.plan,
                merged.agreement.phases.len(),
                merged.agreement.powers.len(),
                merged.agreement.commitments.len(),
                merged.agreement.spec.instrument.len(),
            );
            merged.tally.validate(&shape).expect("a merged tally is consistent");
            assert_eq!(merged.tally.runs, u64::from(merged.plan.runs));
            let summary = Summary::new(&merged.agreement, &merged.plan, &merged.tally);
            let probabilities = summary
                .phases
                .iter()
                .map(|p| p.reached)
                .chain([summary.snapback.probability, summary.breakdown.probability])
                .chain([summary.collapse.probability])
                .chain(summary.relief.relieved_at_end.values().copied());
            for p in probabilities {
                assert!((0.0..=1.0).contains(&p), "probability {p}");
            }
            let _ = summary.text();
            let _ = serde_json::to_string(&summary).expect("a summary serializes");
        }
        Err(e) => assert!(!e.message.is_empty()),
    }
});
