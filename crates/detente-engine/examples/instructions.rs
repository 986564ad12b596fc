//! The work whose instructions `benches/engine-instructions.sh` counts under callgrind,
//! on the replay bench's generated agreement (100 commitments) and log:
//!
//! * `load TOTAL N`: generate TOTAL lines, read the first N as a log and replay them;
//! * `replay TOTAL N`: generate and read TOTAL lines, replay the first N events;
//! * `query TOTAL Q`: generate, read and replay TOTAL lines, then ask for the state on
//!   Q different dates, composing each state with its reasons.
//!
//! Run twice with N and 2N (or Q and 2Q), the same TOTAL: the difference over N is the
//! cost of one event (or query), everything else cancelling.

use detente_engine::log::{load, Events, Format};
use detente_engine::{Machine, Replay};

#[path = "../benches/generated/mod.rs"]
mod generated;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |i: usize| args.get(i).and_then(|a| a.parse::<usize>().ok());
    let (Some(mode), Some(total), Some(n)) = (args.first(), number(1), number(2)) else {
        eprintln!("usage: instructions load|replay|query TOTAL N");
        std::process::exit(2);
    };
    let agreement = generated::agreement();
    let lines = generated::log_lines(&agreement, total);
    let answer = match mode.as_str() {
        "load" => {
            let log = load(&lines[..n.min(total)].join("\n"), Format::JsonLines, &agreement, false).unwrap();
            replay_all(&agreement, &log.events, n.min(total))
        }
        "replay" => {
            let log = load(&lines.join("\n"), Format::JsonLines, &agreement, false).unwrap();
            replay_all(&agreement, &log.events, n.min(total))
        }
        "query" => {
            let log = load(&lines.join("\n"), Format::JsonLines, &agreement, false).unwrap();
            let replay = Replay::new(&agreement, &log);
            let dates = generated::query_dates(&agreement, &log, n as u32);
            dates.iter().map(|d| replay.state_at(*d).unwrap().events_applied).sum()
        }
        other => {
            eprintln!("unknown mode {other}: load, replay or query");
            std::process::exit(2);
        }
    };
    println!("{answer}");
}

/// Replays the first `n` events to the last one's date (the log's later events, dated
/// after it, are not reached): the state as of that date.
fn replay_all(agreement: &detente_engine::Agreement, events: &Events, n: usize) -> usize {
    let Some(last) = events[..n].last().map(|e| e.date) else { return 0 };
    let mut machine = Machine::new(agreement, events, false);
    machine.advance_to(last);
    machine.state().events_applied
}
