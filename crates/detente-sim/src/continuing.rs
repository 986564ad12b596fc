//! Futures that continue a real history: `simulate --from LOG`, and a live record's
//! "what may happen from here" in the library and the server.
//!
//! A history is replayed into a lean live machine exactly as `replay` reads it (every
//! field of each event, not only its kind and subject), advanced to its last date, and
//! the simulator starts there: quantities the record measured start from their recorded
//! values, and what the record made owed, done or answered stays so. This is the one
//! place that turns a record into a simulator's starting point, so the command line and
//! the library cannot start futures from different states.

use detente_engine::log::Event;
use detente_engine::{Agreement, Machine};
use detente_spec::time::Date;

use crate::{Overrides, Plan, PlanError, Simulator};

/// Why a history cannot start futures.
#[derive(Clone, Debug, PartialEq)]
pub enum ContinueError {
    /// An event the live machine refused (out of date order, or not applicable).
    Refused {
        /// The event's line in its log (its arrival number in a live record).
        line: usize,
        /// What is wrong.
        message: String,
        /// What to do about it.
        help: Option<String>,
    },
    /// The plan of the futures cannot be made.
    Plan(PlanError),
}

impl std::fmt::Display for ContinueError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ContinueError::Refused { line, message, help } => {
                write!(f, "event on line {line}: {message}")?;
                match help {
                    Some(help) => write!(f, " (help: {help})"),
                    None => Ok(()),
                }
            }
            ContinueError::Plan(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ContinueError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ContinueError::Plan(e) => Some(e),
            ContinueError::Refused { .. } => None,
        }
    }
}

/// The record `events` (in date order) replayed into a lean live machine, advanced to
/// its last date (the adoption if there are no events); and that date.
pub fn replay_history(agreement: &Agreement, events: &[Event]) -> Result<(Machine, Date), ContinueError> {
    let mut machine = Machine::live_lean(agreement);
    for e in events {
        machine.push_event(e.date, e.draft()).map_err(|problem| ContinueError::Refused {
            line: e.line,
            message: problem.message,
            help: problem.help,
        })?;
    }
    let last = events.last().map_or(agreement.spec.agreement.adopted, |e| e.date);
    machine.advance_to(last);
    Ok((machine, last))
}

/// A simulator whose futures continue the record `events` from its last date, under
/// the file's assumptions and `overrides` (whose `start` is the record's last date).
pub fn simulator<'a>(
    agreement: &'a Agreement,
    overrides: Overrides,
    events: &[Event],
) -> Result<Simulator<'a>, ContinueError> {
    let (machine, last) = replay_history(agreement, events)?;
    let plan =
        Plan::new(agreement, Overrides { start: Some(last), ..overrides }).map_err(ContinueError::Plan)?;
    Ok(Simulator::after(agreement, plan, machine))
}

/// The warning a summary carries when the history had already ended the agreement:
/// every future starts there, so the futures show the end, not its prospects.
pub fn ended_note(sim: &Simulator) -> Option<String> {
    sim.stopped_at_start().map(|how| {
        format!(
            "the history had already {how} by {}: every future starts there, so these futures show the end, not \
             the agreement's prospects",
            sim.plan().start
        )
    })
}
