//! Differential fuzzing: the fuzzer's bytes seed the test generator of random agreements
//! and logs, and the engine must agree with the reference interpreter of
//! docs/semantics.md on every status. `cargo test` runs 1,000 such cases; this runs
//! as many as you let it.
#![no_main]

#[path = "../../crates/detente-engine/tests/common/mod.rs"]
mod common;
#[path = "../../crates/detente-engine/tests/reference/mod.rs"]
mod reference;

use libfuzzer_sys::fuzz_target;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

fuzz_target!(|seed: [u8; 32]| {
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    let plan = common::plan().new_tree(&mut runner).expect("plans always generate").current();
    let agreement = common::build(&plan);
    let log = common::events(&agreement, &plan);
    let days = common::query_days();
    let expected = reference::statuses_at(&agreement, &log.events, &days);
    for (as_of, expected) in days.iter().zip(expected) {
        let s = detente_engine::state(&agreement, &log, *as_of).unwrap();
        let actual = reference::Statuses::of(&s);
        assert_eq!(actual, expected, "on {as_of}");
    }
});
