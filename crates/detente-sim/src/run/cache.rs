//! The one home of what a future remembers of the record between reads.
//!
//! Reading the engine costs a pass over the agreement, and most steps change nothing on
//! record. The engine's version counter ([`Machine::version`]) moves whenever a status
//! may have changed, so what a future derives from the record (the statuses it reads,
//! the parties' view of their counterparts, the days breaches are to be answered, the
//! outcomes of a step, the true growth of quantities) is kept in a [`Cached`] that knows
//! the version it was read at, and is read again only when that version moved.
//!
//! **Invariant: a cache is valid iff its version equals the machine's.** Nothing keeps a
//! version counter by hand. A value that also depends on something the version does not
//! cover (the day, the truth) is [forgotten](Cached::forget) when that changes, which
//! makes it invalid until it is read again.

use detente_engine::Machine;

/// A value derived from the record, with the record's version when it was derived.
#[derive(Clone, Debug)]
pub(super) struct Cached<T> {
    /// The machine's version when `value` was read ([`NEVER`]: not valid at any).
    version: u64,
    value: T,
}

/// The version of a cache that was never read, or was forgotten. A machine's version
/// starts at 1 and only grows, so it never equals this.
const NEVER: u64 = u64::MAX;

impl<T> Cached<T> {
    /// A cache holding `value`, not yet read: invalid until [`Cached::refresh`] or
    /// [`Cached::renew`].
    pub fn new(value: T) -> Cached<T> {
        Cached { version: NEVER, value }
    }

    /// Whether the value is the record's as `machine` holds it now.
    pub fn is_valid(&self, machine: &Machine) -> bool {
        self.version == machine.version()
    }

    /// The value as last read (which may be older than the machine: see
    /// [`Cached::is_valid`]).
    pub fn get(&self) -> &T {
        &self.value
    }

    /// Reads the value again with `read` unless it is valid; returns whether it read.
    pub fn refresh(&mut self, machine: &Machine, read: impl FnOnce(&mut T)) -> bool {
        if self.is_valid(machine) {
            return false;
        }
        read(self.renew(machine));
        true
    }

    /// The value to be written afresh, from now on valid at the machine's version.
    pub fn renew(&mut self, machine: &Machine) -> &mut T {
        self.version = machine.version();
        &mut self.value
    }

    /// Makes the value invalid, whatever the version (what it read has changed).
    pub fn forget(&mut self) {
        self.version = NEVER;
    }
}
