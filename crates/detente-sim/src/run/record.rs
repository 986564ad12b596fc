//! The record of one future: the engine's live machine, the events pushed to it and not
//! yet applied, and what the future last read of it.
//!
//! Every status a future acts on is the engine's: this part only feeds the machine the
//! events that verification and the parties' acts produce, applies them when someone
//! has acted (settling costs a pass over the agreement, so steps in which nobody acts
//! skip it), and keeps the [`Reading`] of the statuses in the one cache that follows
//! [`Machine::version`] ([`Cached`]).

use detente_engine::log::{Problem, Subject};
use detente_engine::state::CommitmentStatus;
use detente_engine::{Agreement, Machine};
use detente_spec::model::EventKind;
use detente_spec::time::Date;

use super::cache::Cached;
use super::reading::Reading;
use crate::plan::Plan;

/// The engine's record of one future, and the future's reading of it.
pub(super) struct Record {
    /// The live machine that holds the record.
    pub machine: Machine,
    /// The statuses as last read (read again only when the machine's version moved).
    reading: Cached<Reading>,
    /// Events pushed so far, accepted or refused.
    pushes: u64,
    /// `pushes` when the machine last applied what was pushed.
    applied: u64,
}

impl Record {
    /// A record continuing `fresh` (adoption, or a replayed history), not yet read.
    pub fn new(fresh: &Machine, commitments: usize, parties: usize) -> Record {
        let mut machine = fresh.clone();
        machine.reserve(64);
        Record { machine, reading: Cached::new(Reading::new(commitments, parties)), pushes: 0, applied: 0 }
    }

    /// The record as last read, which is the record as it stands: every step reads it
    /// again after the machine moves and before anyone reads it (checked in debug
    /// builds).
    pub fn reading(&self) -> &Reading {
        debug_assert!(self.is_read(), "the record is read as it stands");
        self.reading.get()
    }

    /// A commitment's recorded status, as last read (status reads are the simulator's
    /// most frequent operation).
    pub fn status(&self, c: usize) -> CommitmentStatus {
        self.reading().statuses[c]
    }

    /// Whether the reading is the record as the machine holds it now.
    pub fn is_read(&self) -> bool {
        self.reading.is_valid(&self.machine)
    }

    /// Reads the record again if the machine's version moved since the last reading.
    pub fn read(&mut self, ag: &Agreement, plan: &Plan) {
        let machine = &self.machine;
        self.reading.refresh(machine, |reading| reading.read(machine, ag, plan));
    }

    /// Pushes an event dated `date`, checked by the engine; it takes effect when the
    /// machine next applies what was pushed ([`Record::apply_pushed`]).
    pub fn push(
        &mut self,
        date: Date,
        actor: usize,
        kind: EventKind,
        subject: Subject,
        value: Option<f64>,
    ) -> Result<usize, Problem> {
        self.pushes += 1;
        self.machine.push(date, actor, kind, subject, value)
    }

    /// How many events have been pushed so far (accepted or refused): a round that
    /// compares it before and after knows whether it pushed anything.
    pub fn pushes(&self) -> u64 {
        self.pushes
    }

    /// Applies the events pushed since the last call, on `date`, and reads the record
    /// again; does nothing if nothing was pushed.
    pub fn apply_pushed(&mut self, date: Date, ag: &Agreement, plan: &Plan) {
        if self.pushes != self.applied {
            self.applied = self.pushes;
            self.machine.advance_to(date);
            self.read(ag, plan);
        }
    }
}
