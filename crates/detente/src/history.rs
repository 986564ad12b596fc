//! A live history: an agreement's record, to which parties append events one at a
//! time, and from which readers ask the state on any date.
//!
//! The engine's machine only moves forward, so a history keeps checkpoints: machines at
//! the end of days, every [`CHECKPOINT_EVERY`] events or so. A state query resumes the
//! nearest earlier checkpoint on the current record. An append dated on or after the
//! last event costs nothing more; a back-dated one (a late report of an earlier deed)
//! drops only the checkpoints on or after its date, so what is replayed again is what
//! the new event can change, never the history before it.
//!
//! Cloning a history is its snapshot: the record and the checkpoints are shared, so a
//! reader can keep one while the writer goes on appending (the writer's next append
//! then copies the record once, because a snapshot must not change under its reader).

use std::collections::HashSet;
use std::sync::Arc;

use detente_engine::explain::Explanation;
use detente_engine::log::{check_record, Event, EventRecord, Events, Format as LogFormat};
use detente_engine::readings::ReadingDifference;
use detente_engine::state::{State, Transition};
use detente_engine::Machine;
use detente_spec::time::Date;

use crate::{Agreement, Error, EventRefused};

/// Events between checkpoints: a state query replays at most about this many.
pub const CHECKPOINT_EVERY: usize = 250;

/// An agreement's record and the means to read its state on any date.
#[derive(Clone)]
pub struct History {
    agreement: Agreement,
    /// The events in date order (arrival order within a date), each numbered by its
    /// position.
    events: Events,
    /// How many events have been accepted: an appended event's `line` is its arrival
    /// number, from 1 (a log's events keep their lines).
    arrived: usize,
    /// The ids of events that have one: unique in a history.
    ids: Arc<HashSet<String>>,
    /// Machines at the end of increasing days, each having applied every event dated on
    /// or before its day; the first is at adoption, before any event.
    checkpoints: Vec<Arc<Machine>>,
}

impl std::fmt::Debug for History {
    /// The agreement, the reading followed, and the record's size (not every event).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("History")
            .field("agreement", &self.agreement.id())
            .field("reading", &self.agreement.reading())
            .field("events", &self.events.len())
            .field("checkpoints", &self.checkpoints.len())
            .finish()
    }
}

/// What an append did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Appended {
    /// The event's position in the record (date order), from 0.
    pub position: usize,
    /// Whether it was dated before an event already recorded: states from its date on
    /// may have changed.
    pub back_dated: bool,
}

impl History {
    /// An empty record: the agreement as adopted, nothing done yet.
    ///
    /// ```
    /// use detente::{Agreement, EventRecord, Format, History};
    /// let agreement = Agreement::from_text("deal.toml", &detente_spec::starter("deal"), Format::Toml)?;
    /// let history = History::new(&agreement);
    /// assert!(history.events().is_empty());
    /// let state = history.state("2026-06-01".parse().unwrap())?;
    /// assert!(state.commitments.iter().all(|c| c.status != detente::CommitmentStatus::Performed));
    /// # Ok::<(), detente::Error>(())
    /// ```
    pub fn new(agreement: &Agreement) -> History {
        let start = Machine::new(agreement.compiled(), &Events::default(), false);
        History {
            agreement: agreement.clone(),
            events: Events::default(),
            arrived: 0,
            ids: Arc::default(),
            checkpoints: vec![Arc::new(start)],
        }
    }

    /// A record read from a log's text (JSON Lines, or CSV), every line checked. Refused
    /// with every bad line when any is bad.
    ///
    /// ```
    /// use detente::{Agreement, EventRecord, Format, History};
    /// let agreement = Agreement::from_text("deal.toml", &detente_spec::starter("deal"), Format::Toml)?;
    /// let log = r#"{"date": "2026-02-01", "actor": "beta", "kind": "performed", "subject": "freeze-enrichment"}"#;
    /// let history = History::from_log(&agreement, log, detente::LogFormat::JsonLines)?;
    /// assert_eq!(history.events().len(), 1);
    /// let bad = r#"{"date": "2026-02-01", "actor": "nobody", "kind": "performed", "subject": "freeze-enrichment"}"#;
    /// assert!(matches!(
    ///     History::from_log(&agreement, bad, detente::LogFormat::JsonLines),
    ///     Err(detente::Error::InvalidLog { .. })
    /// ));
    /// # Ok::<(), detente::Error>(())
    /// ```
    pub fn from_log(agreement: &Agreement, text: &str, format: LogFormat) -> Result<History, Error> {
        let log = detente_engine::log::load(text, format, agreement.compiled(), false)
            .map_err(|errors| Error::InvalidLog { errors })?;
        let mut history = History::new(agreement);
        history.ids = Arc::new(log.events.iter().filter_map(|e| e.id.clone()).collect());
        history.arrived = log.events.iter().map(|e| e.line).max().unwrap_or(0);
        history.events = log.events;
        history.extend_checkpoints();
        Ok(history)
    }

    /// Appends one event, checked exactly as a log line is: the actor must be a party
    /// allowed to assert its kind, the subject an item of the right sort, its id unique.
    /// It may be dated before events already recorded (a late report). Refused events
    /// change nothing.
    ///
    /// ```
    /// use detente::{Agreement, EventRecord, Format, History};
    /// let agreement = Agreement::from_text("deal.toml", &detente_spec::starter("deal"), Format::Toml)?;
    /// let mut history = History::new(&agreement);
    /// let freeze = EventRecord {
    ///     date: Some("2026-02-01".into()),
    ///     actor: Some("beta".into()),
    ///     kind: Some("performed".into()),
    ///     subject: Some("freeze-enrichment".into()),
    ///     ..EventRecord::default()
    /// };
    /// history.append(freeze)?;
    /// let wrong = EventRecord { actor: Some("gamma".into()), ..EventRecord::default() };
    /// assert!(history.append(wrong).is_err());
    /// assert_eq!(history.events().len(), 1);
    /// # Ok::<(), detente::Error>(())
    /// ```
    pub fn append(&mut self, record: EventRecord) -> Result<Appended, Error> {
        let id = record.id.clone();
        let arrival = self.arrived + 1;
        let mut event = self.checked(record)?;
        let position = self.events.partition_point(|e| e.date <= event.date);
        let back_dated = position < self.events.len();
        event.index = position;
        self.insert(position, event);
        self.arrived = arrival;
        if let Some(id) = id {
            Arc::make_mut(&mut self.ids).insert(id);
        }
        Ok(Appended { position, back_dated })
    }

    /// Whether [`History::append`] would accept `record`, without recording it: the
    /// same checks, for a writer that must store an event elsewhere (a database) before
    /// it appends, and must not append what it could not store.
    ///
    /// ```
    /// use detente::{Agreement, EventRecord, Format, History};
    /// let agreement = Agreement::from_text("deal.toml", &detente_spec::starter("deal"), Format::Toml)?;
    /// let history = History::new(&agreement);
    /// let wrong = EventRecord { actor: Some("gamma".into()), ..EventRecord::default() };
    /// assert!(history.would_accept(&wrong).is_err());
    /// assert!(history.events().is_empty());
    /// # Ok::<(), detente::Error>(())
    /// ```
    pub fn would_accept(&self, record: &EventRecord) -> Result<(), Error> {
        self.checked(record.clone()).map(|_| ())
    }

    /// The record as the event it would be appended as, or why it would be refused.
    fn checked(&self, record: EventRecord) -> Result<Event, Error> {
        if let Some(id) = record.id.as_ref().filter(|id| self.ids.contains(*id)) {
            return Err(EventRefused {
                field: Some("id"),
                message: format!("an event with the id `{id}` is already recorded"),
                help: Some("give each event its own id; the record keeps the first".into()),
            }
            .into());
        }
        Ok(check_record(self.agreement.compiled(), record, self.arrived + 1, 0)
            .map_err(EventRefused::from)?)
    }

    /// The agreement.
    pub fn agreement(&self) -> &Agreement {
        &self.agreement
    }

    /// The events, in date order.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// How many checkpoints the history keeps (one at adoption, then about one per
    /// [`CHECKPOINT_EVERY`] events).
    pub fn checkpoints(&self) -> usize {
        self.checkpoints.len()
    }

    /// The state at the end of `as_of`: every status with its reason.
    ///
    /// ```
    /// use detente::{Agreement, EventRecord, Format, History};
    /// let agreement = Agreement::from_text("deal.toml", &detente_spec::starter("deal"), Format::Toml)?;
    /// let mut history = History::new(&agreement);
    /// history.append(EventRecord {
    ///     date: Some("2026-02-01".into()),
    ///     actor: Some("beta".into()),
    ///     kind: Some("performed".into()),
    ///     subject: Some("freeze-enrichment".into()),
    ///     ..EventRecord::default()
    /// })?;
    /// let state = history.state("2026-03-01".parse().unwrap())?;
    /// let freeze = state.commitments.iter().find(|c| c.id == "freeze-enrichment").unwrap();
    /// assert_eq!(freeze.status, detente::CommitmentStatus::Performed);
    /// // Before adoption there is no agreement to ask about.
    /// assert!(history.state("1990-01-01".parse().unwrap()).is_err());
    /// # Ok::<(), detente::Error>(())
    /// ```
    pub fn state(&self, as_of: Date) -> Result<State, Error> {
        let adopted = self.agreement.spec().agreement.adopted;
        if as_of < adopted {
            return Ok(detente_engine::state(self.agreement.compiled(), &Default::default(), as_of)?);
        }
        Ok(self.machine_at(as_of)?.state())
    }

    /// Every status change from adoption to the end of `to`, in order.
    ///
    /// ```
    /// use detente::{Agreement, EventRecord, Format, History};
    /// let agreement = Agreement::from_text("deal.toml", &detente_spec::starter("deal"), Format::Toml)?;
    /// let mut history = History::new(&agreement);
    /// history.append(EventRecord {
    ///     date: Some("2026-02-01".into()),
    ///     actor: Some("beta".into()),
    ///     kind: Some("performed".into()),
    ///     subject: Some("freeze-enrichment".into()),
    ///     ..EventRecord::default()
    /// })?;
    /// let changes = history.timeline("2026-12-31".parse().unwrap());
    /// assert!(changes.iter().any(|t| t.item == "freeze-enrichment"));
    /// # Ok::<(), detente::Error>(())
    /// ```
    pub fn timeline(&self, to: Date) -> Vec<Transition> {
        let mut machine = Machine::new(self.agreement.compiled(), &self.events, true);
        machine.advance_to(to);
        machine.timeline().to_vec()
    }

    /// Why an item (commitment, phase, power, instrument, ...) stands as it does at the
    /// end of `as_of`: its status, the reason, and the reasons behind that reason.
    ///
    /// ```
    /// use detente::{Agreement, EventRecord, Format, History};
    /// let agreement = Agreement::from_text("deal.toml", &detente_spec::starter("deal"), Format::Toml)?;
    /// let mut history = History::new(&agreement);
    /// history.append(EventRecord {
    ///     date: Some("2026-02-01".into()),
    ///     actor: Some("beta".into()),
    ///     kind: Some("performed".into()),
    ///     subject: Some("freeze-enrichment".into()),
    ///     ..EventRecord::default()
    /// })?;
    /// let why = history.explain("2026-03-01".parse().unwrap(), "freeze-enrichment")?;
    /// assert!(!why.steps.is_empty());
    /// // An unknown id is refused with the closest one.
    /// let refused = history.explain("2026-03-01".parse().unwrap(), "freeze-enrichmnt").unwrap_err();
    /// assert!(refused.to_string().contains("freeze-enrichmnt"));
    /// # Ok::<(), detente::Error>(())
    /// ```
    pub fn explain(&self, as_of: Date, id: &str) -> Result<Explanation, Error> {
        let state = self.state(as_of)?;
        detente_engine::explain::explain(&state, id).map_err(|e| Error::UnknownItem {
            id: id.into(),
            suggestion: e.suggestion.map(|s| format!("did you mean `{s}`?")),
        })
    }

    /// The same record read under `party`'s text (see [`Agreement::as_read_by`]): the
    /// events are shared, the states are the reading's.
    ///
    /// ```
    /// use detente::{Agreement, Format, History};
    /// let agreement = Agreement::from_text("deal.toml", &detente_spec::starter("deal"), Format::Toml)?;
    /// // The starter's parties published no readings of their own.
    /// assert!(History::new(&agreement).as_read_by("alpha").is_err());
    /// # Ok::<(), detente::Error>(())
    /// ```
    pub fn as_read_by(&self, party: &str) -> Result<History, Error> {
        let agreement = self.agreement.as_read_by(party)?;
        let start = Machine::new(agreement.compiled(), &Events::default(), false);
        let mut read = History { agreement, checkpoints: vec![Arc::new(start)], ..self.clone() };
        read.extend_checkpoints();
        Ok(read)
    }

    /// Where the parties' readings lead to other statuses than the common text at the
    /// end of `as_of`: `None` when no party published a reading of its own, else every
    /// commitment whose status differs under some reading, with each reading's status.
    ///
    /// ```
    /// use detente::{Agreement, Format, History};
    /// let agreement = Agreement::from_text("deal.toml", &detente_spec::starter("deal"), Format::Toml)?;
    /// let history = History::new(&agreement);
    /// assert_eq!(history.reading_differences("2026-06-01".parse().unwrap())?, None);
    /// # Ok::<(), detente::Error>(())
    /// ```
    pub fn reading_differences(&self, as_of: Date) -> Result<Option<Vec<ReadingDifference>>, Error> {
        let state = self.state(as_of)?;
        let common = self.agreement.compiled();
        detente_engine::readings::differences(common, &self.events, &state).map_err(Error::Reading)
    }

    /// A machine that has applied every event dated on or before `as_of`.
    fn machine_at(&self, as_of: Date) -> Result<Machine, Error> {
        let nearest = self.checkpoints.partition_point(|m| m.day() <= as_of).saturating_sub(1);
        let mut machine = Machine::clone(&self.checkpoints[nearest]);
        machine.resume_on(&self.events).map_err(|p| Error::Internal { source: Box::new(p) })?;
        machine.advance_to(as_of);
        Ok(machine)
    }

    /// Puts an event in its place, numbering those after it again, and keeps the
    /// checkpoints that it cannot change.
    fn insert(&mut self, position: usize, event: Event) {
        let date = event.date;
        if position == self.events.len() {
            self.events.push(event);
        } else {
            let after = self.events[position..].iter().cloned().map(|e| Event { index: e.index + 1, ..e });
            let events: Vec<Event> =
                self.events[..position].iter().cloned().chain(std::iter::once(event)).chain(after).collect();
            self.events = events.into();
        }
        // A checkpoint at the end of a day on or after the event's date has not
        // applied it; the first (at adoption, before any event) always stays.
        let keep = 1 + self.checkpoints[1..].partition_point(|m| m.day() < date);
        self.checkpoints.truncate(keep);
        self.extend_checkpoints();
    }

    /// Adds checkpoints while more than twice [`CHECKPOINT_EVERY`] events follow the
    /// last one, each at the end of the day of the event that many events on.
    fn extend_checkpoints(&mut self) {
        loop {
            let Some(last) = self.checkpoints.last() else { return };
            let applied = last.events_applied();
            if self.events.len() < applied + 2 * CHECKPOINT_EVERY {
                return;
            }
            let day = self.events[applied + CHECKPOINT_EVERY - 1].date;
            let mut machine = Machine::clone(last);
            if machine.resume_on(&self.events).is_err() {
                // Cannot happen (checkpoints only ever precede the events they have not
                // applied); stopping keeps every query correct, only slower.
                return;
            }
            machine.advance_to(day);
            // A checkpoint lets go of the record, so that appending to it copies nothing.
            machine.detach_events();
            self.checkpoints.push(Arc::new(machine));
        }
    }
}
