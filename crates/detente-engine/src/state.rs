//! The state of an agreement on a date: every item's status, each with its reason.
//!
//! These types are the engine's answer. They serialize to the JSON that
//! `detente replay --format json` prints (documented in `docs/replay-json.md`).

use detente_spec::model::FacilityStatus;
use detente_spec::time::Date;
use schemars::JsonSchema;
use serde::Serialize;

/// Why an item has its status: since when, in words, and what caused it.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct Reason {
    /// The day the status began.
    pub since: Date,
    /// The explanation, in words.
    pub text: String,
    /// Events that caused it, by position in the log.
    pub events: Vec<usize>,
    /// Other items (by id) whose status caused it.
    pub causes: Vec<String>,
}

impl Reason {
    /// A reason with no event or item behind it.
    pub fn new(since: Date, text: impl Into<String>) -> Reason {
        Reason { since, text: text.into(), events: Vec::new(), causes: Vec::new() }
    }

    /// Adds the event at this log position.
    pub fn event(mut self, index: usize) -> Reason {
        if !self.events.contains(&index) {
            self.events.push(index);
        }
        self
    }

    /// Adds an item whose status caused this one.
    pub fn cause(mut self, id: impl Into<String>) -> Reason {
        let id = id.into();
        if !self.causes.contains(&id) {
            self.causes.push(id);
        }
        self
    }
}

/// The lifecycle of a commitment (see `docs/semantics.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CommitmentStatus {
    /// Not owed yet: its phase is locked or its `when` does not hold.
    Inactive,
    /// Owed, not yet performed, deadline not passed.
    Pending,
    /// Its deadline passed and was extended.
    Overdue,
    /// Performed, awaiting verification (for a continuing commitment: in effect).
    Performed,
    /// Performed and verified where required (continuing: in effect, verified).
    Fulfilled,
    /// A violation is established.
    Violated,
    /// Suspended by a power.
    Suspended,
    /// A continuing commitment held for its whole term.
    Released,
    /// Lapsed without fault.
    Discharged,
    /// Ended by a withdrawal or by termination of the agreement.
    Terminated,
}

impl CommitmentStatus {
    /// Every status, in the order of its declaration (the order tallies count them).
    pub const ALL: [CommitmentStatus; 10] = [
        CommitmentStatus::Inactive,
        CommitmentStatus::Pending,
        CommitmentStatus::Overdue,
        CommitmentStatus::Performed,
        CommitmentStatus::Fulfilled,
        CommitmentStatus::Violated,
        CommitmentStatus::Suspended,
        CommitmentStatus::Released,
        CommitmentStatus::Discharged,
        CommitmentStatus::Terminated,
    ];

    /// The status's position in [`CommitmentStatus::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// Whether the commitment is in effect: performed (and held, for a continuing
    /// one), verified or not. What the agreement delivers while it lasts; its `sets`
    /// apply and its `lasts` term runs from the day it began.
    pub fn is_in_effect(self) -> bool {
        matches!(self, CommitmentStatus::Performed | CommitmentStatus::Fulfilled)
    }

    /// Whether the condition language's `performed(x)` holds: in effect, or released
    /// after its whole term.
    pub fn reads_as_performed(self) -> bool {
        self.is_in_effect() || self == CommitmentStatus::Released
    }

    /// Whether the condition language's `fulfilled(x)` holds: fulfilled, or released
    /// after its whole term. Relief follows it, and the simulator counts a step done by it.
    pub fn reads_as_fulfilled(self) -> bool {
        matches!(self, CommitmentStatus::Fulfilled | CommitmentStatus::Released)
    }

    /// Whether the commitment no longer holds its phase open: fulfilled, released, or
    /// discharged without fault.
    pub fn is_done_for_its_phase(self) -> bool {
        self.reads_as_fulfilled() || self == CommitmentStatus::Discharged
    }

    /// Whether the status is final: the commitment has ended (released, discharged or
    /// terminated). A violated commitment has not: it may still be performed late, or
    /// its violation resolved, and it ends with the agreement like any other.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            CommitmentStatus::Released | CommitmentStatus::Discharged | CommitmentStatus::Terminated
        )
    }

    /// The status in words, as a continuing or an action commitment reads it, and with
    /// or without verification ("in effect, verified" only when someone verifies it).
    pub fn describe(self, continuing: bool, verified: bool) -> &'static str {
        match (self, continuing) {
            (CommitmentStatus::Performed, true) => "in effect",
            (CommitmentStatus::Fulfilled, true) if verified => "in effect, verified",
            (CommitmentStatus::Fulfilled, true) => "in effect",
            (CommitmentStatus::Inactive, _) => "inactive",
            (CommitmentStatus::Pending, _) => "pending",
            (CommitmentStatus::Overdue, _) => "overdue",
            (CommitmentStatus::Performed, false) => "performed, awaiting verification",
            (CommitmentStatus::Fulfilled, false) => "fulfilled",
            (CommitmentStatus::Violated, _) => "violated",
            (CommitmentStatus::Suspended, _) => "suspended",
            (CommitmentStatus::Released, _) => "released",
            (CommitmentStatus::Discharged, _) => "discharged",
            (CommitmentStatus::Terminated, _) => "terminated",
        }
    }
}

/// A commitment in a state.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct CommitmentState {
    /// Its id.
    pub id: String,
    /// Its phase's id.
    pub phase: String,
    /// Its status.
    pub status: CommitmentStatus,
    /// The status in words, with what stands beside it ("suspended, violation verified",
    /// "fulfilled late", "in effect, violation alleged").
    pub describe: String,
    /// Whether a violation is claimed but not established.
    pub alleged: bool,
    /// The claim of a violation that stands, if any (established or not).
    pub allegation: Option<AllegationState>,
    /// The accused party's event contesting the standing claim or breach, if any.
    pub disputed: Option<usize>,
    /// What suspends it, in words (a power, its `while` condition, a party on its own).
    pub suspended_by: Vec<String>,
    /// Established breaches that stand, whatever the status: a missed deadline (which
    /// nothing undoes), a verified violation, a cap exceeded on a verifier's measurement.
    pub breaches: Vec<BreachState>,
    /// When an action or continuing commitment was performed after its deadline had
    /// passed: the day the last bound party performed (a breach of the deadline still).
    pub late: Option<Date>,
    /// Each bound party's part: who has performed and who has not.
    pub shares: Vec<ShareState>,
    /// Whether it is a deed done: an action performed by every bound party and verified
    /// where required. No suspension, withdrawal or end of the agreement undoes it.
    pub done: bool,
    /// The current due date, if it has a deadline and is owed.
    pub due: Option<Date>,
    /// Why.
    pub reason: Reason,
}

/// A claim that a commitment was violated.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct AllegationState {
    /// The day of the claim.
    pub since: Date,
    /// Who made it.
    pub by: String,
    /// The parties it accuses.
    pub against: Vec<String>,
    /// The claiming event, by position in the log.
    pub event: usize,
    /// Later claims of the same violation while it stood (by position in the log): the
    /// claim keeps its first date, and they are cited beside it.
    pub again: Vec<usize>,
}

/// How a breach was established.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum BreachKind {
    /// The deadline passed with outcome `violated` (or after its extension).
    MissedDeadline,
    /// A verifier recorded `violation-verified`.
    Verified,
    /// A verifier measured a capped quantity above the cap.
    CapExceeded,
    /// A party undid an action it had performed (a `reversed` event).
    Reversed,
}

impl BreachKind {
    /// The breach in words.
    pub fn words(self) -> &'static str {
        match self {
            BreachKind::MissedDeadline => "deadline missed",
            BreachKind::Verified => "violation verified",
            BreachKind::CapExceeded => "cap exceeded",
            BreachKind::Reversed => "deed reversed",
        }
    }
}

/// An established breach of a commitment.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct BreachState {
    /// How it was established.
    pub kind: BreachKind,
    /// The day it was established.
    pub since: Date,
    /// The parties at fault: for a missed deadline, those bound parties that had not
    /// performed; otherwise those the establishing event names (default: every bound party).
    pub parties: Vec<String>,
    /// The establishing event, if any (a missed deadline has none).
    pub event: Option<usize>,
}

/// One bound party's part of a commitment.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct ShareState {
    /// The party.
    pub party: String,
    /// The day it performed, if it has.
    pub performed: Option<Date>,
    /// Its performing event, by position in the log.
    pub event: Option<usize>,
    /// The day it left its part unperformed (it withdrew or renounced the commitment),
    /// if it did: the other parties still owe theirs.
    pub left: Option<Date>,
}

/// The lifecycle of a phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PhaseStatus {
    /// Not open yet.
    Locked,
    /// Open.
    Open,
    /// Every commitment fulfilled, released or discharged.
    Complete,
    /// Suspended by a power.
    Suspended,
    /// Renounced by a party: its commitments ended.
    Terminated,
}

impl PhaseStatus {
    /// The status in words, as reports and timelines print it.
    pub fn words(self) -> &'static str {
        match self {
            PhaseStatus::Locked => "locked",
            PhaseStatus::Open => "open",
            PhaseStatus::Complete => "complete",
            PhaseStatus::Suspended => "suspended",
            PhaseStatus::Terminated => "terminated",
        }
    }
}

/// A phase in a state.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct PhaseState {
    /// Its id.
    pub id: String,
    /// Its status.
    pub status: PhaseStatus,
    /// The day it opened, if it has.
    pub opened: Option<Date>,
    /// Why.
    pub reason: Reason,
}

/// The lifecycle of a power.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PowerStatus {
    /// Its trigger does not hold.
    Dormant,
    /// Its trigger holds; it may be invoked.
    Available,
    /// Invoked; its notice period is running.
    Invoked,
    /// It has taken effect.
    Exercised,
    /// Invoked, then cancelled by a resolution.
    Cancelled,
}

impl PowerStatus {
    /// The status in words, as reports and timelines print it.
    pub fn words(self) -> &'static str {
        match self {
            PowerStatus::Dormant => "dormant",
            PowerStatus::Available => "available",
            PowerStatus::Invoked => "invoked",
            PowerStatus::Exercised => "exercised",
            PowerStatus::Cancelled => "cancelled",
        }
    }
}

/// A power in a state.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct PowerState {
    /// Its id.
    pub id: String,
    /// Its status.
    pub status: PowerStatus,
    /// When an invoked power takes effect.
    pub takes_effect: Option<Date>,
    /// Why.
    pub reason: Reason,
}

/// The status of an instrument.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum InstrumentStatus {
    /// In force.
    InForce,
    /// Relieved by a fulfilled commitment.
    Relieved,
    /// Re-imposed by a power.
    ReImposed,
    /// Lifted outside the agreement.
    Lifted,
}

impl InstrumentStatus {
    /// The status in words, as reports and timelines print it.
    pub fn words(self) -> &'static str {
        match self {
            InstrumentStatus::InForce => "in force",
            InstrumentStatus::Relieved => "relieved",
            InstrumentStatus::ReImposed => "re-imposed",
            InstrumentStatus::Lifted => "lifted",
        }
    }
}

impl InstrumentStatus {
    /// Whether the instrument bites (in force or re-imposed).
    pub fn in_force(self) -> bool {
        matches!(self, InstrumentStatus::InForce | InstrumentStatus::ReImposed)
    }
}

/// An instrument in a state.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct InstrumentState {
    /// Its id.
    pub id: String,
    /// Its status.
    pub status: InstrumentStatus,
    /// Why.
    pub reason: Reason,
}

/// A quantity in a state.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct QuantityState {
    /// Its id.
    pub id: String,
    /// Its recorded value: the latest measurement, else the initial estimate.
    pub value: f64,
    /// Caps in force: (commitment id, max).
    pub caps: Vec<(String, f64)>,
    /// Why the value is what it is.
    pub reason: Reason,
}

/// A facility in a state.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct FacilityState {
    /// Its id.
    pub id: String,
    /// Its recorded status.
    pub status: FacilityStatus,
    /// Why.
    pub reason: Reason,
}

/// A party in a state.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct PartyState {
    /// Its id.
    pub id: String,
    /// The day it withdrew, if it has.
    pub withdrawn: Option<Date>,
    /// Why it withdrew (the event or power), if it has.
    pub reason: Option<Reason>,
    /// Why it suspended its whole participation on its own, if it has.
    pub suspended: Option<Reason>,
    /// The party that succeeded it, and from when.
    pub succeeded_by: Option<(String, Date)>,
}

/// An amendment in a state.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct AmendmentState {
    /// Its id.
    pub id: String,
    /// The day it took effect, if it has.
    pub in_effect: Option<Date>,
    /// Why.
    pub reason: Reason,
}

/// The status of the agreement as a whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AgreementStatus {
    /// Concluded, not yet in force (between `signed` and `adopted`).
    Signed,
    /// In force.
    InForce,
    /// Some commitment or phase suspended, or an instrument re-imposed by a power.
    PartlySuspended,
    /// A party renounced some of its commitments (or its part of them) while the
    /// agreement goes on: the Leap Day food aid cancelled, one instrument of a process
    /// scrapped.
    PartlyRenounced,
    /// Something owed is waiting, and nothing owed has moved for `stalls_after`.
    Stalled,
    /// Not ended, but nothing owed is being performed or awaited any more: every
    /// obligation still open is suspended, violated, found in breach or ended.
    Collapsed,
    /// Ended on its end date.
    Expired,
    /// Ended by withdrawal (fewer than two signatories, or an essential party left).
    Terminated,
}

impl AgreementStatus {
    /// The status in words, as reports and timelines print it.
    pub fn words(self) -> &'static str {
        match self {
            AgreementStatus::Signed => "signed, not yet in force",
            AgreementStatus::InForce => "in force",
            AgreementStatus::PartlySuspended => "partly suspended",
            AgreementStatus::PartlyRenounced => "partly renounced",
            AgreementStatus::Stalled => "stalled",
            AgreementStatus::Collapsed => "collapsed",
            AgreementStatus::Expired => "expired",
            AgreementStatus::Terminated => "terminated",
        }
    }

    /// Whether the agreement has ended (expired or terminated): nothing can happen
    /// under it any more.
    pub fn is_over(self) -> bool {
        matches!(self, AgreementStatus::Expired | AgreementStatus::Terminated)
    }
}

/// Something the log did that had no effect, kept so that nothing is lost silently.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct Note {
    /// The event, by position in the log.
    pub event: usize,
    /// What happened to it.
    pub text: String,
}

/// The whole state on a date.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct State {
    /// The agreement's id.
    pub agreement_id: String,
    /// The date of the state.
    pub as_of: Date,
    /// How many events of the log were applied (those dated on or before `as_of`).
    pub events_applied: usize,
    /// The agreement's status.
    pub agreement: AgreementStatus,
    /// Why.
    pub agreement_reason: Reason,
    /// Parties.
    pub parties: Vec<PartyState>,
    /// Phases, in specification order.
    pub phases: Vec<PhaseState>,
    /// Commitments, in specification order.
    pub commitments: Vec<CommitmentState>,
    /// Powers.
    pub powers: Vec<PowerState>,
    /// Instruments.
    pub instruments: Vec<InstrumentState>,
    /// Quantities.
    pub quantities: Vec<QuantityState>,
    /// Facilities.
    pub facilities: Vec<FacilityState>,
    /// Amendments.
    pub amendments: Vec<AmendmentState>,
    /// Events that had no effect, and why.
    pub notes: Vec<Note>,
}

/// One change of status, for the timeline.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct Transition {
    /// When.
    pub date: Date,
    /// The item's id.
    pub item: String,
    /// Its kind (`commitment`, `phase`, ...).
    pub kind: &'static str,
    /// The status before.
    pub from: String,
    /// The status after.
    pub to: String,
    /// Why.
    pub reason: Reason,
}
