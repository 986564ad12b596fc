//! Fuzz the library's JSON layer, the reader every front end's requests go through (the
//! server's handlers, the Python binding, a browser worker): the first byte picks an
//! operation, the rest is the request's text. Every call must answer one JSON envelope,
//! `{"ok": ...}` or `{"error": ...}`, never panic, and an error must be a typed one
//! (never `internal`, which would be a bug). Seed it with real requests (README.md) so
//! that mutations reach the agreement, event and game readers behind the JSON parser.
#![no_main]

use detente::json::{call, OPERATIONS};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    let operation = OPERATIONS[usize::from(first) % OPERATIONS.len()];
    // Futures are expensive; the fuzzer explores the readers, not the simulator's speed.
    if matches!(operation, "simulate" | "compare") {
        return;
    }
    let text = String::from_utf8_lossy(rest);
    let answer: serde_json::Value = serde_json::from_str(&call(operation, &text)).expect("an envelope is JSON");
    assert!(answer.get("ok").is_some() != answer.get("error").is_some(), "{answer}");
    if let Some(error) = answer.get("error") {
        assert_ne!(error["kind"], "internal", "{operation}: {error}");
    }
});
