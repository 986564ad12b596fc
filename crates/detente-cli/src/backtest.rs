//! `detente backtest SPEC LOG`: the real history against the futures the simulator gives
//! the agreement from its adoption (docs/simulation.md, "Backtest").

use std::path::Path;

use detente_sim::backtest::{backtest, Options};

use crate::term::write_stdout;
use crate::{replay, INVALID};

/// Prints the backtest of `spec` against `log`.
pub fn run(spec: &Path, log: &Path, runs: u32, seed: Option<u64>) -> Result<u8, String> {
    let agreement = match replay::agreement(spec)? {
        Ok(agreement) => agreement,
        Err(code) => return Ok(code),
    };
    let log = match replay::event_log(log, &agreement, false)? {
        Ok(log) => log,
        Err(code) => return Ok(code),
    };
    match backtest(&agreement, &log, Options { runs, seed }) {
        Ok(result) => {
            write_stdout(&result.to_string(), false)?;
            Ok(crate::SUCCESS)
        }
        Err(e) => {
            note!("{}: {e}", spec.display());
            Ok(INVALID)
        }
    }
}
