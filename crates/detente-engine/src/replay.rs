//! Many state queries over one log: replay once, keep checkpoints, answer each query
//! from the nearest earlier checkpoint.
//!
//! The machine is deterministic and only moves forward, so a machine cloned at the end
//! of day `D` and advanced to `X` is in exactly the state of a fresh machine advanced to
//! `X` (a property test checks this). Checkpoints are taken at day boundaries every
//! [`CHECKPOINT_EVERY`] events, so a query replays at most that many events.

use detente_spec::time::Date;

use crate::compiled::Agreement;
use crate::log::Log;
use crate::machine::Machine;
use crate::state::State;
use crate::DateBeforeAdoption;

/// Events between checkpoints: small enough that a query is quick, large enough that
/// checkpoints of a million-event log fit comfortably in memory.
pub const CHECKPOINT_EVERY: usize = 250;

/// A replayed log with checkpoints, ready for state queries at any date.
#[derive(Clone)]
pub struct Replay {
    adopted: Date,
    /// Machines at the end of increasing days; the first is at adoption.
    checkpoints: Vec<Machine>,
}

impl Replay {
    /// Replays the whole log once, keeping checkpoints.
    pub fn new(agreement: &Agreement, log: &Log) -> Replay {
        let mut machine = Machine::new(agreement, &log.events, false);
        let mut checkpoints = vec![machine.clone()];
        let mut last_checkpoint = 0;
        let mut index = 0;
        while index < log.events.len() {
            let day = log.events[index].date;
            while index < log.events.len() && log.events[index].date == day {
                index += 1;
            }
            if index - last_checkpoint >= CHECKPOINT_EVERY {
                machine.advance_to(day);
                checkpoints.push(machine.clone());
                last_checkpoint = index;
            }
        }
        Replay { adopted: agreement.spec.agreement.adopted, checkpoints }
    }

    /// The state at the end of `as_of`, as [`crate::state`] would compute it.
    pub fn state_at(&self, as_of: Date) -> Result<State, DateBeforeAdoption> {
        if as_of < self.adopted {
            return crate::before_adoption(self.checkpoints[0].agreement(), as_of);
        }
        let nearest = self.checkpoints.partition_point(|m| m.day() <= as_of).saturating_sub(1);
        let mut machine = self.checkpoints[nearest].clone();
        machine.advance_to(as_of);
        Ok(machine.state())
    }

    /// How many checkpoints are kept.
    pub fn checkpoints(&self) -> usize {
        self.checkpoints.len()
    }
}
