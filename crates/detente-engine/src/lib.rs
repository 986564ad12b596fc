//! The detente compliance engine: the one semantics of an agreement over time.
//!
//! Given a compiled [`Agreement`], an event [`Log`] and a date, [`state`] answers, for
//! every commitment, phase, power, instrument, quantity and facility, what its status
//! was on that date and why. There is no implicit "now": the date is always given.
//! Replay of real histories, the simulator and the analysis all obtain states here;
//! the rules are written down in `docs/semantics.md` and implemented once, in
//! [`machine`].

// Every public item is documented, and library code never unwraps: bad input is
// refused with an error, never a panic (clippy.toml allows both in tests).
#![warn(missing_docs, clippy::unwrap_used, clippy::expect_used)]

pub mod compiled;
pub mod explain;
pub mod log;
pub mod machine;
pub mod readings;
pub mod replay;
pub mod report;
pub mod state;

pub use compiled::Agreement;
pub use log::{Event, Log};
pub use machine::Machine;
pub use replay::Replay;
pub use state::State;

use detente_spec::time::Date;

/// Why a state cannot be computed: the date is before the agreement existed (before it
/// was signed, or before it took effect when no signing date is given).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateBeforeAdoption {
    /// The date asked for.
    pub asked: Date,
    /// The adoption date.
    pub adopted: Date,
    /// The signing date, if the agreement gives one.
    pub signed: Option<Date>,
}

impl std::fmt::Display for DateBeforeAdoption {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.signed {
            Some(signed) => write!(f, "{} is before the agreement was signed ({signed})", self.asked),
            None => write!(f, "{} is before the agreement was adopted ({})", self.asked, self.adopted),
        }
    }
}

impl std::error::Error for DateBeforeAdoption {}

/// The state before adoption, if the agreement was signed by then; else why there is none.
pub(crate) fn before_adoption(agreement: &Agreement, as_of: Date) -> Result<State, DateBeforeAdoption> {
    let adopted = agreement.spec.agreement.adopted;
    let signed = agreement.spec.agreement.signed;
    match signed {
        Some(s) if s <= as_of => Ok(Machine::before_adoption(agreement, as_of)),
        _ => Err(DateBeforeAdoption { asked: as_of, adopted, signed }),
    }
}

/// The state of the agreement at the end of `as_of`, after every event dated on or
/// before it and every deadline and notice period that fell due by then. Between its
/// signing and its adoption, the agreement reads "signed, not yet in force".
pub fn state(agreement: &Agreement, log: &Log, as_of: Date) -> Result<State, DateBeforeAdoption> {
    let adopted = agreement.spec.agreement.adopted;
    if as_of < adopted {
        return before_adoption(agreement, as_of);
    }
    let mut machine = Machine::new(agreement, &log.events, false);
    machine.advance_to(as_of);
    Ok(machine.state())
}

/// Every status change from adoption to the end of `to`, in order.
pub fn timeline(agreement: &Agreement, log: &Log, to: Date) -> Vec<state::Transition> {
    let mut machine = Machine::new(agreement, &log.events, true);
    machine.advance_to(to);
    machine.timeline().to_vec()
}
