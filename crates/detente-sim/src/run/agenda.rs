//! The clock of one future: the step, the day, and the agenda of what falls due on days
//! of its own (verdicts, the end of lead times, answers to breaches, walk-outs).
//!
//! Steps are when the parties read the record and act; within a step the agenda and the
//! engine's timers are carried out each on its own day, in date order, so that a notice
//! of 30 or 31 days and a verdict on day 29 or day 32 are told apart whatever the step.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use detente_spec::time::Date;

use super::Future;

/// What a future has put on its agenda, to happen on a day of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Scheduled {
    /// The dispute procedure's verdict on a commitment's anomaly.
    Verdict { commitment: usize },
    /// The end of a party's lead time for its part of a commitment (`number` numbers
    /// the commitment's take-ups: the one whose draw this is).
    Performance { commitment: usize, party: usize, number: u32 },
    /// A breach has stood long enough to be answered: the parties act on that day.
    Answer,
    /// A party's walk-out hazard comes due, if its grievance has not changed since the
    /// draw (`draw` numbers the party's draws).
    Walkout { party: usize, draw: u32 },
}

/// The step and day of a future, and its agenda.
pub(super) struct Clock {
    /// The current step.
    pub step: u32,
    /// The current day: the step's end, or the day of what is being carried out.
    pub date: Date,
    /// What falls due on days of its own: the earliest first, ties in order of entry.
    agenda: BinaryHeap<Reverse<(Date, u32, Scheduled)>>,
    /// Entries made in the agenda so far (orders ties).
    scheduled: u32,
}

impl Clock {
    /// A clock at `date`, step 0, with nothing on the agenda.
    pub fn new(date: Date) -> Clock {
        Clock { step: 0, date, agenda: BinaryHeap::new(), scheduled: 0 }
    }

    /// Puts `what` on the agenda for `date` (never before the current day).
    pub fn schedule(&mut self, date: Date, what: Scheduled) {
        self.scheduled += 1;
        self.agenda.push(Reverse((date.max(self.date), self.scheduled, what)));
    }

    /// The day of the next entry on the agenda, if it falls on or before `until`.
    fn next_day(&self, until: Date) -> Option<Date> {
        self.agenda.peek().map(|Reverse((date, ..))| *date).filter(|d| *d <= until)
    }

    /// Takes the next entry off the agenda.
    fn pop(&mut self) -> Option<Scheduled> {
        self.agenda.pop().map(|Reverse((_, _, what))| what)
    }
}

impl Future<'_, '_> {
    /// Carries out, each on its own day and in order, what the agenda holds up to
    /// `until`: the record is advanced to that day first, so timers that fall before it
    /// fire before it.
    pub(super) fn run_agenda(&mut self, until: Date) {
        loop {
            let next_entry = self.clock.next_day(until);
            let next_timer = self.record.machine.upcoming_timer().filter(|d| *d <= until);
            match (next_entry, next_timer) {
                // A timer first: its day's breaches (a missed deadline) are seen on the
                // day, and their answer put on the agenda.
                (entry, Some(timer)) if entry.is_none_or(|e| timer < e) => {
                    self.clock.date = timer;
                    self.record.machine.advance_to(timer);
                    self.read_record();
                    self.plan_answers();
                }
                (Some(date), _) => {
                    let Some(what) = self.clock.pop() else { break };
                    self.clock.date = date;
                    self.record.machine.advance_to(date);
                    // The day's timers may have fired (a deadline missed on the day a
                    // lead time ends): what is carried out, and the answers planned
                    // after it, read the record as it stands.
                    self.read_record();
                    self.carry_out(what);
                    self.apply_pushed();
                    self.plan_answers();
                }
                _ => break,
            }
        }
        self.clock.date = until;
    }

    /// Carries out one entry of the agenda, on its day.
    fn carry_out(&mut self, what: Scheduled) {
        match what {
            Scheduled::Verdict { commitment } => self.verdict(commitment),
            Scheduled::Performance { commitment, party, number } => {
                self.lead_time_over(commitment, party, number)
            }
            Scheduled::Answer => self.act(self.clock.step * self.sim.plan.step_months),
            Scheduled::Walkout { party, draw } => self.walk_out(party, draw),
        }
    }
}
