//! The agreement model: what a specification says, without where it said it.
//!
//! These types are the *normalized form* of an agreement. The TOML decoder produces them
//! (filling defaults in explicitly), `detente show --format json` prints them, and they
//! parse back from that JSON unchanged. Source positions live apart, in
//! [`crate::SourceMap`], so that two agreements that say the same thing compare equal
//! wherever they were written.
//!
//! Field names are the keys of the TOML file format; the JSON Schema of the format
//! (`detente schema`) is derived from these types, and a test checks that the decoder
//! accepts exactly the keys the schema lists.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::condition::Condition;
use crate::time::{Date, Duration};

/// Declares a closed set of keywords (roles, kinds, statuses) with their spellings.
macro_rules! keyword_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $word)] $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The keyword as written in specification files.
            pub fn keyword(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }

            /// The value written as `word`, if any.
            pub fn from_keyword(word: &str) -> Option<$name> {
                match word { $($word => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.keyword())
            }
        }
    };
}

/// A whole agreement specification.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// What the agreement is and where its text comes from.
    pub agreement: Agreement,
    /// The parties: states, inspectorates, guarantors and observers.
    #[serde(default)]
    pub party: Vec<Party>,
    /// Sanctions, bans, resolutions and restrictions that are in force over time.
    #[serde(default)]
    pub instrument: Vec<Instrument>,
    /// Measured state variables such as warheads or separated plutonium.
    #[serde(default)]
    pub quantity: Vec<Quantity>,
    /// Named sites that produce quantities.
    #[serde(default)]
    pub facility: Vec<Facility>,
    /// Ordered groups of reciprocal commitments.
    #[serde(default)]
    pub phase: Vec<Phase>,
    /// Obligations of one or more parties.
    #[serde(default)]
    pub commitment: Vec<Commitment>,
    /// Rights a party may exercise: snap-back, suspension, withdrawal.
    #[serde(default)]
    pub power: Vec<Power>,
    /// Later layers: protocols, amendments or communiqués that add or replace terms
    /// from the day they take effect.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amendment: Vec<Amendment>,
    /// Assumptions for simulating futures of the agreement (`detente simulate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub simulation: Option<Simulation>,
}

/// The agreement itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Agreement {
    /// A short identifier, e.g. `korea-2020`.
    pub id: String,
    /// The title shown to people.
    pub title: String,
    /// The date of adoption: when the agreement starts and the first phases may open.
    #[schemars(schema_with = "crate::time::date_schema")]
    pub adopted: Date,
    /// An optional end date, after which every commitment is discharged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "optional_date_schema")]
    pub ends: Option<Date>,
    /// When the text was signed or concluded, if before it took effect (`adopted`):
    /// between the two the agreement is "signed, not yet in force".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "optional_date_schema")]
    pub signed: Option<Date>,
    /// How long nothing owed may go without moving before the agreement reads
    /// "stalled" (a derived status; no event is needed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stalls_after: Option<Duration>,
    /// A record of history rather than a design: a concession given without a verified
    /// measure in return is a warning (W106), not an error (E010), because it happened.
    #[serde(default, skip_serializing_if = "is_false")]
    pub record: bool,
    /// The commitments that make up the core bargain (the freeze for the fuel): the
    /// agreement reads "collapsed" once every one of them owed has stopped.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub core: Vec<String>,
    /// A paragraph describing the agreement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Citations of the text this specification encodes.
    #[serde(default)]
    pub sources: Vec<String>,
}

fn is_false(value: &bool) -> bool {
    !*value
}

fn is_true(value: &bool) -> bool {
    *value
}

fn yes() -> bool {
    true
}

fn optional_date_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    crate::time::date_schema(generator)
}

keyword_enum! {
    /// What part a party plays in the agreement.
    Role {
        /// A party bound by commitments and holding powers.
        Signatory = "signatory",
        /// An inspectorate that verifies performance and violations (e.g. the IAEA).
        Verifier = "verifier",
        /// A state that backs the agreement and may invoke its powers.
        Guarantor = "guarantor",
        /// A party that follows the process but asserts nothing.
        Observer = "observer",
        /// A body that is not a party (the UN Security Council, KEDO, the IAEA Board)
        /// but may assert the event kinds listed in its `asserts`.
        External = "external",
    }
}

keyword_enum! {
    /// The kinds of event a log records (see CONCEPTS.md section 2).
    EventKind {
        /// A party carried out a commitment.
        Performed = "performed",
        /// A verifier confirmed performance.
        Verified = "verified",
        /// A party claims a violation.
        Violation = "violation",
        /// A verifier established a violation.
        ViolationVerified = "violation-verified",
        /// A quantity was measured.
        Measured = "measured",
        /// A power was invoked.
        Invoked = "invoked",
        /// A dispute was settled; cancels a pending snap-back.
        Resolved = "resolved",
        /// A party left the agreement.
        Withdrew = "withdrew",
        /// An instrument was imposed outside the agreement.
        Imposed = "imposed",
        /// An instrument was lifted outside the agreement.
        Lifted = "lifted",
        /// A deadline (or the agreement's end) was moved by consent.
        Extended = "extended",
        /// The accused party contests a claimed violation without clearing it.
        Disputed = "disputed",
        /// A party renounces its part of a commitment, or of a whole phase, without
        /// leaving the agreement.
        Renounced = "renounced",
        /// A party suspends its own performance of a commitment, a phase or the whole
        /// agreement, whether or not the agreement provides for it.
        Suspended = "suspended",
        /// A suspension ends.
        Resumed = "resumed",
        /// An amendment takes effect.
        Amended = "amended",
        /// A party undoes an action it had performed (the liaison office demolished,
        /// disabled facilities restored): its part is no longer done, and the reversal
        /// is a breach.
        Reversed = "reversed",
    }
}

impl Role {
    /// The event kinds a party of this role may assert unless its `asserts` says otherwise.
    pub fn default_asserts(self) -> Vec<EventKind> {
        use EventKind::*;
        match self {
            Role::Signatory => vec![
                Performed, Violation, Measured, Invoked, Resolved, Withdrew, Imposed, Lifted, Extended,
                Disputed, Renounced, Suspended, Resumed, Amended, Reversed,
            ],
            Role::Verifier => vec![Verified, Violation, ViolationVerified, Measured, Resolved],
            Role::Guarantor => vec![Violation, Invoked, Resolved, Extended, Disputed],
            Role::Observer | Role::External => vec![],
        }
    }
}

/// A party to the agreement.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Party {
    /// A short identifier, e.g. `dprk`.
    pub id: String,
    /// The name shown to people.
    pub name: String,
    /// The party's role.
    pub role: Role,
    /// The event kinds this party may assert in a log. Defaults by role: signatories
    /// perform, claim violations, invoke powers; verifiers verify; observers and external
    /// bodies assert nothing unless listed.
    #[serde(default)]
    pub asserts: Vec<EventKind>,
    /// Whether the agreement cannot go on without this party: it terminates when the
    /// party withdraws.
    #[serde(default, skip_serializing_if = "is_false")]
    pub essential: bool,
    /// The party this one succeeds (state succession: the USSR's obligations carried on
    /// by Russia), and from when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub succeeds: Option<Succession>,
}

/// A party taking over another's place in the agreement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Succession {
    /// The predecessor party.
    pub party: String,
    /// The day the successor took its place.
    #[schemars(schema_with = "crate::time::date_schema")]
    pub on: Date,
}

/// Reads a party, filling an omitted `asserts` with its role's default, so that JSON
/// and TOML mean the same when the key is left out.
impl<'de> Deserialize<'de> for Party {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Raw {
            id: String,
            name: String,
            role: Role,
            asserts: Option<Vec<EventKind>>,
            #[serde(default)]
            essential: bool,
            #[serde(default)]
            succeeds: Option<Succession>,
        }
        let raw = Raw::deserialize(deserializer)?;
        Ok(Party {
            asserts: raw.asserts.unwrap_or_else(|| raw.role.default_asserts()),
            id: raw.id,
            name: raw.name,
            role: raw.role,
            essential: raw.essential,
            succeeds: raw.succeeds,
        })
    }
}

keyword_enum! {
    /// What sort of instrument it is.
    InstrumentKind {
        /// Economic or financial sanctions.
        Sanction = "sanction",
        /// A prohibition such as an arms embargo.
        Ban = "ban",
        /// A resolution of an international body.
        Resolution = "resolution",
        /// A restriction on travel or entry.
        TravelRestriction = "travel-restriction",
        /// Export controls.
        ExportControl = "export-control",
        /// Anything else.
        Other = "other",
    }
}

/// Something in force over dated intervals: a sanction, a ban, a resolution.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Instrument {
    /// A short identifier, e.g. `unscr-2397`.
    pub id: String,
    /// The name shown to people.
    pub name: String,
    /// What sort of instrument it is.
    pub kind: InstrumentKind,
    /// The body that imposed it when that body is not a party (e.g. the UN Security Council).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority: Option<String>,
    /// Parties that imposed it.
    #[serde(default)]
    pub imposed_by: Vec<String>,
    /// Parties it is aimed at; they benefit when it is relieved.
    #[serde(default)]
    pub targets: Vec<String>,
    /// Since when it has been in force, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "optional_date_schema")]
    pub since: Option<Date>,
    /// Its economic weight on the targets, in millions of US dollars per year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
    /// The public source of these facts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A measured state variable.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Quantity {
    /// A short identifier, e.g. `warheads`.
    pub id: String,
    /// The name shown to people.
    pub name: String,
    /// The unit of every value of this quantity (e.g. `warheads`, `kg`).
    pub unit: String,
    /// The party that holds it, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The best estimate of its value on `as_of`.
    pub initial: f64,
    /// The low end of the published estimates, if a range was published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    /// The high end of the published estimates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
    /// The date the initial estimate refers to.
    #[schemars(schema_with = "crate::time::date_schema")]
    pub as_of: Date,
    /// Growth per year not attributed to any facility.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub growth_per_year: Option<f64>,
    /// The materials one unit of it is made from, as alternatives: one unit takes
    /// `per_unit` of any one of them (a warhead of plutonium or of uranium). Units are
    /// assembled from the materials available, up to `max_per_year`, consuming them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub made_from: Vec<Material>,
    /// The most units that can be assembled in a year (without it, no limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_per_year: Option<Rate>,
    /// The public source of the estimate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A material a quantity is made from: how much of it one unit takes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Material {
    /// The material, a quantity.
    pub quantity: String,
    /// The best estimate of how much of it one unit takes, in the material's unit.
    pub per_unit: f64,
    /// The low end of that estimate, if a range was published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    /// The high end of that estimate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
}

/// A rate per year: a best estimate and, if a range was published, its ends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rate {
    /// The best estimate.
    pub central: f64,
    /// The low end of the published estimates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    /// The high end of the published estimates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
}

keyword_enum! {
    /// The status of a facility. `dismantled` is irreversible.
    FacilityStatus {
        /// Producing.
        Operating = "operating",
        /// Stopped but intact; can restart quickly.
        Frozen = "frozen",
        /// Key parts removed; restart takes months.
        Disabled = "disabled",
        /// Destroyed; cannot return to any other status.
        Dismantled = "dismantled",
    }
}

/// A facility's contribution to a quantity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Production {
    /// The quantity produced.
    pub quantity: String,
    /// How much per year while operating, in the quantity's unit: the best estimate.
    pub per_year: f64,
    /// The low end of the published estimates of that rate, if a range was published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    /// The high end of the published estimates of that rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
}

/// A named site.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Facility {
    /// A short identifier, e.g. `yongbyon-reactor`.
    pub id: String,
    /// The name shown to people.
    pub name: String,
    /// The party that runs it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Where it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Its status when the agreement is adopted.
    pub status: FacilityStatus,
    /// What it produces while operating.
    #[serde(default)]
    pub produces: Vec<Production>,
    /// The public source of these facts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// An ordered group of reciprocal commitments.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    /// A short identifier, e.g. `relations`.
    pub id: String,
    /// The title shown to people.
    pub title: String,
    /// Phases that must be complete (every commitment fulfilled, i.e. performed and
    /// verified) before this one opens.
    #[serde(default)]
    pub after: Vec<String>,
    /// A further condition for opening. The phase opens on the first date on which
    /// every phase in `after` is complete and this condition holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens_when: Option<Condition>,
    /// The amendment that adds this phase: it cannot open before the amendment takes effect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amendment: Option<String>,
    /// A paragraph describing the phase.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

keyword_enum! {
    /// How a commitment is performed.
    CommitmentKind {
        /// A deed done once by a deadline: dismantle, declare, open an office, sign.
        Action = "action",
        /// A restraint held over time: a moratorium, a freeze, relief kept in place.
        Continuing = "continuing",
    }
}

keyword_enum! {
    /// Which way a commitment points in the exchange.
    Category {
        /// Reduces the threat a party poses (test moratorium, freeze, dismantlement).
        Measure = "measure",
        /// Gives another party something it wants (sanctions relief, lifting a ban).
        Concession = "concession",
        /// Undertaken together for common benefit (liaison offices, a peace declaration).
        Mutual = "mutual",
    }
}

/// A deadline: a duration after the commitment becomes owed (`"90 days"`), or a
/// calendar date (`2018-12-31`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Due {
    /// This long after the day the commitment becomes owed.
    After(Duration),
    /// On this calendar date (or, if it is already past when the commitment becomes
    /// owed, on that day).
    On(Date),
}

impl Due {
    /// The due date of a commitment owed since `owed`; `None` past the calendar's end.
    pub fn from(self, owed: Date) -> Option<Date> {
        match self {
            Due::After(duration) => duration.after(owed),
            Due::On(date) => Some(date.max(owed)),
        }
    }

    /// Whether the deadline leaves no time at all (`"0 days"`).
    pub fn is_zero(self) -> bool {
        matches!(self, Due::After(d) if d.is_zero())
    }

    /// The duration, for a relative deadline.
    pub fn duration(self) -> Option<Duration> {
        match self {
            Due::After(d) => Some(d),
            Due::On(_) => None,
        }
    }
}

impl std::fmt::Display for Due {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Due::After(d) => write!(f, "{d}"),
            Due::On(date) => write!(f, "{date}"),
        }
    }
}

/// Why a text is not a `due`: a date that is not in the calendar, or a duration that
/// cannot be read (text that starts with a digit and has a dash is read as a date).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DueError {
    /// It reads as a date, but not a valid one.
    #[error(transparent)]
    Date(#[from] crate::time::DateError),
    /// It reads as a duration, but not a valid one.
    #[error(transparent)]
    Duration(#[from] crate::time::DurationError),
}

impl std::str::FromStr for Due {
    type Err = DueError;

    fn from_str(text: &str) -> Result<Due, DueError> {
        let text = text.trim();
        if text.starts_with(|c: char| c.is_ascii_digit()) && text.contains('-') {
            return Ok(Due::On(crate::time::parse_date(text)?));
        }
        Ok(Due::After(text.parse()?))
    }
}

impl Serialize for Due {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Due {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?.parse().map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Due {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Due".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A deadline: a duration after the commitment becomes owed (\"90 days\") or a calendar date (\"2018-12-31\").",
            "pattern": "^([0-9]+ *[a-z]+|[0-9]{4}-[0-9]{2}-[0-9]{2})$"
        })
    }
}

keyword_enum! {
    /// What becomes of a commitment whose `while` condition stops holding.
    WhileEnds {
        /// It is suspended, and owed again when the condition holds again.
        Suspended = "suspended",
        /// It ends without fault, for good.
        Released = "released",
    }
}

/// One party's reading of a commitment, where the parties published different texts.
/// Each key given replaces the commitment's own for that party's view.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reading {
    /// The wording in this party's text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Matters this party holds the commitment does not cover (a violation event naming
    /// one of them in `matter` is no violation in this reading).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excludes: Vec<String>,
    /// This party's condition for the commitment to be owed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
    /// This party's condition for the commitment to last.
    #[serde(default, rename = "while", skip_serializing_if = "Option::is_none")]
    pub while_: Option<Condition>,
    /// This party's deadline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Due>,
    /// This party's timeout outcome.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_timeout: Option<Timeout>,
    /// Where this reading comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A later layer of the agreement: a protocol, an amendment, a communiqué adding pledges.
/// The phases, commitments and powers that name it exist only from the day it takes
/// effect: on its `effective` date if the text fixes one, else by an `amended` event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Amendment {
    /// A short identifier, e.g. `protocol-2010`.
    pub id: String,
    /// The title shown to people.
    pub title: String,
    /// When it was signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "optional_date_schema")]
    pub signed: Option<Date>,
    /// When it takes effect, if the text fixes the date; otherwise an `amended` event
    /// in the log says when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "optional_date_schema")]
    pub effective: Option<Date>,
    /// A paragraph describing it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Where it comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// What happens when a deadline passes without performance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Timeout {
    /// The commitment is violated.
    Violated,
    /// The obligation lapses without fault.
    Discharged,
    /// The deadline moves once by this much; if it passes again, the commitment is violated.
    Extended(Duration),
}

impl std::fmt::Display for Timeout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Timeout::Violated => f.write_str("violated"),
            Timeout::Discharged => f.write_str("discharged"),
            Timeout::Extended(by) => write!(f, "extended by {by}"),
        }
    }
}

/// Why a text is not an `on_timeout` outcome.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TimeoutError {
    /// Not one of the outcome words.
    #[error(
        "`{text}` is not a timeout outcome; use \"violated\", \"discharged\" or \"extended by 30 days\""
    )]
    UnknownOutcome {
        /// The text, trimmed.
        text: String,
    },
    /// `extended by` with a duration that cannot be read.
    #[error(transparent)]
    Extension(#[from] crate::time::DurationError),
}

impl std::str::FromStr for Timeout {
    type Err = TimeoutError;

    fn from_str(text: &str) -> Result<Timeout, TimeoutError> {
        let text = text.trim();
        match text {
            "violated" => Ok(Timeout::Violated),
            "discharged" => Ok(Timeout::Discharged),
            _ => match text.strip_prefix("extended by ") {
                Some(rest) => Ok(Timeout::Extended(rest.parse()?)),
                None => Err(TimeoutError::UnknownOutcome { text: text.into() }),
            },
        }
    }
}

impl Serialize for Timeout {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timeout {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?.parse().map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Timeout {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Timeout".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "What happens when the deadline passes: \"violated\", \"discharged\" or \"extended by DURATION\" (once, then violated).",
            "pattern": "^(violated|discharged|extended by .+)$"
        })
    }
}

/// How performance of a commitment is checked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Verification {
    /// The verifying party (a party with role `verifier`, or one allowed to assert `verified`).
    pub by: String,
    /// How it verifies, e.g. "on-site inspection" or "seismic monitoring".
    pub method: String,
    /// Probability that a violation in one inspection period is detected, in [0, 1].
    pub detection: f64,
    /// Probability of a false alarm per inspection period, in [0, 1].
    #[serde(default)]
    pub false_alarm: f64,
    /// How often inspections take place, if periodic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every: Option<Duration>,
    /// Detection that depends on access: the first clause whose condition holds on the
    /// day of an inspection sets its detection (and false-alarm) probability; with none
    /// holding, `detection` and `false_alarm` apply.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access: Vec<Access>,
    /// How many inspections the verifier may make in a window of time (Dresher's
    /// inspection game: `k` inspections among the `n` periods of `every` the window
    /// holds). Needs `every`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<InspectionBudget>,
}

/// The most inspections a budget may allow in its window (E022 beyond it): no verifier
/// makes more than one a day for years, and the game's exact value stays small.
pub const MAX_INSPECTIONS: u32 = 10_000;

/// A verifier's inspection budget: at most `inspections` in every window of `per`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InspectionBudget {
    /// How many inspections the window allows (at least 1).
    pub inspections: u32,
    /// The window, a whole number of the verification's periods (`every`).
    pub per: Duration,
    /// The public source of the budget, or the label of the assumption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl Verification {
    /// The number of inspection periods (`every`) in the budget's window, when the
    /// verification has both and the window holds a whole number of periods.
    pub fn budget_periods(&self) -> Option<u64> {
        let (every, budget) = (self.every?, self.budget.as_ref()?);
        let (period, window) = (every.approx_days(), budget.per.approx_days());
        let months = |d: Duration| match d.unit {
            crate::time::Unit::Month => Some(u64::from(d.amount)),
            crate::time::Unit::Year => Some(12 * u64::from(d.amount)),
            _ => None,
        };
        match (months(every), months(budget.per)) {
            (Some(p), Some(w)) if p > 0 && w % p == 0 => Some(w / p),
            (Some(_), Some(_)) => None,
            _ if period > 0 && window % period == 0 => Some(window / period),
            _ => None,
        }
    }
}

/// A clause of detection that depends on access, e.g. inspectors in the country raise
/// it, a declaration found incomplete (undeclared sites) lowers it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Access {
    /// When the clause applies: a condition on the agreement's state, evaluated on the
    /// day of each inspection.
    pub when: Condition,
    /// Probability that a violation in one inspection period is detected while the
    /// clause applies, in [0, 1].
    pub detection: f64,
    /// Probability of a false alarm per inspection period while the clause applies, in
    /// [0, 1]; the verification's own `false_alarm` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub false_alarm: Option<f64>,
    /// The public source of the figures, or the label of the assumption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A cap on a quantity while the commitment is in effect.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Limit {
    /// The quantity capped.
    pub quantity: String,
    /// The highest value allowed.
    pub max: f64,
    /// The unit of `max`, if stated; must match the quantity's unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

/// A facility status the commitment brings about.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetStatus {
    /// The facility.
    pub facility: String,
    /// Its status once the commitment is performed.
    pub status: FacilityStatus,
}

/// What keeping a commitment costs the parties bound by it: one cost that each of them
/// carries (`cost = 2`), or each its own (`cost = { usa = 1, prc = 3 }`), which must
/// then name every party bound by it and no other (docs/language.md).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Cost {
    /// Every party bound by the commitment carries this cost.
    Each(f64),
    /// Each party bound by the commitment carries its own cost, by party id.
    ByParty(BTreeMap<String, f64>),
}

impl Default for Cost {
    fn default() -> Cost {
        Cost::Each(0.0)
    }
}

impl From<f64> for Cost {
    fn from(cost: f64) -> Cost {
        Cost::Each(cost)
    }
}

impl Cost {
    /// What the commitment costs `party`, a party bound by it: the one cost, or the
    /// party's own. A party a table leaves out is charged nothing here, but validation
    /// refuses a table that leaves out a bound party (E003), so that never happens to a
    /// checked specification's givers.
    pub fn of(&self, party: &str) -> f64 {
        match self {
            Cost::Each(cost) => *cost,
            Cost::ByParty(costs) => costs.get(party).copied().unwrap_or(0.0),
        }
    }
}

/// Analytic values of a commitment, on the analyst's own scale, used by the analysis.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Values {
    /// What performing it costs the parties bound by it: a number each of them carries,
    /// or a table of each one's own cost by party id.
    #[serde(default)]
    pub cost: Cost,
    /// What it is worth to each other party, by party id.
    #[serde(default)]
    pub benefit: BTreeMap<String, f64>,
    /// How much it reduces the military threat.
    #[serde(default)]
    pub threat_reduction: f64,
}

/// An obligation of one or more parties.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Commitment {
    /// A short identifier, e.g. `lift-travel-ban`.
    pub id: String,
    /// The title shown to people.
    pub title: String,
    /// The phase it belongs to.
    pub phase: String,
    /// The parties bound by it; a multi-party commitment is performed when all have performed.
    pub by: Vec<String>,
    /// `action` (done once) or `continuing` (held over time).
    pub kind: CommitmentKind,
    /// `measure`, `concession` or `mutual`.
    pub category: Category,
    /// Whether it binds: `false` for a declaration or aspiration, which no deadline can
    /// violate and which no phase waits for.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    #[schemars(default = "yes")]
    pub binding: bool,
    /// A further condition, besides its phase being open, for the commitment to be owed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
    /// A condition for the commitment to last ("a moratorium while talks continue"):
    /// when it stops holding, the commitment is suspended or released (`otherwise`).
    #[serde(default, rename = "while", skip_serializing_if = "Option::is_none")]
    pub while_: Option<Condition>,
    /// What becomes of it when `while` stops holding (default `suspended`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub otherwise: Option<WhileEnds>,
    /// When it must be performed (actions) or in effect (continuing): a duration after
    /// it becomes owed (its phase open and `when` holding), or a calendar date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Due>,
    /// What happens if `due` passes without performance. Required whenever `due` is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_timeout: Option<Timeout>,
    /// For continuing commitments: how long it must be held once in effect (default: until
    /// the agreement ends).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lasts: Option<Duration>,
    /// How performance is verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification: Option<Verification>,
    /// Parties or bodies, besides its verifier, whose `violation-verified` establishes
    /// a breach by an agreed procedure (a breach seen by everyone, with no verifier).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub established_by: Vec<String>,
    /// How long after performance it takes effect (a notification period): relief and
    /// fulfilment wait until then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<Duration>,
    /// The measures this concession is traded for, when the text pairs them: they
    /// satisfy reciprocity even unverified, with a warning (W106).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub in_return_for: Vec<String>,
    /// The amendment that adds it: it is owed only once the amendment has taken effect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amendment: Option<String>,
    /// Commitments it replaces once its amendment takes effect (they end, superseded).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replaces: Vec<String>,
    /// Per-party readings where the parties published different texts.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub readings: BTreeMap<String, Reading>,
    /// Instruments relieved once it is fulfilled.
    #[serde(default)]
    pub relieves: Vec<String>,
    /// Quantities capped while it is in effect.
    #[serde(default)]
    pub limits: Vec<Limit>,
    /// Facility statuses it brings about.
    #[serde(default)]
    pub sets: Vec<SetStatus>,
    /// Parties it is for. Defaults: for a concession, the targets of the instruments it
    /// relieves; for a measure, every other signatory.
    #[serde(default)]
    pub benefits: Vec<String>,
    /// Analytic values for the analysis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Values>,
    /// The wording it encodes, in the specification author's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Where the commitment comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

keyword_enum! {
    /// What a power does.
    PowerKind {
        /// Re-imposes relieved instruments and suspends the other side's concessions.
        Snapback = "snapback",
        /// Suspends the holder's own performance of listed commitments.
        Suspend = "suspend",
        /// Takes the holder out of the agreement.
        Withdraw = "withdraw",
    }
}

/// Which instruments a power re-imposes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Restores {
    /// Every instrument relieved under the agreement (written `"all"`).
    AllRelieved,
    /// Only these instruments (written as a list of ids).
    Listed(Vec<String>),
}

impl Restores {
    /// Whether it restores nothing.
    pub fn is_empty(&self) -> bool {
        matches!(self, Restores::Listed(ids) if ids.is_empty())
    }
}

impl Default for Restores {
    fn default() -> Restores {
        Restores::Listed(Vec::new())
    }
}

impl Serialize for Restores {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Restores::AllRelieved => serializer.serialize_str("all"),
            Restores::Listed(ids) => ids.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Restores {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Word(String),
            List(Vec<String>),
        }
        match Raw::deserialize(deserializer)? {
            Raw::Word(word) if word == "all" => Ok(Restores::AllRelieved),
            Raw::Word(word) => Err(serde::de::Error::custom(format!(
                "`{word}`: restores is \"all\" or a list of instrument ids"
            ))),
            Raw::List(ids) => Ok(Restores::Listed(ids)),
        }
    }
}

impl JsonSchema for Restores {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Restores".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Which instruments the power re-imposes: \"all\" (every instrument relieved under the agreement) or a list of instrument ids.",
            "anyOf": [
                { "type": "string", "const": "all" },
                { "type": "array", "items": { "type": "string" } }
            ]
        })
    }
}

/// A right a party may exercise.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Power {
    /// A short identifier, e.g. `snapback`.
    pub id: String,
    /// The title shown to people.
    pub title: String,
    /// What it does.
    pub kind: PowerKind,
    /// Parties that may invoke it. Empty when `automatic`.
    #[serde(default)]
    pub holders: Vec<String>,
    /// Takes effect by itself when the trigger holds, without being invoked.
    #[serde(default)]
    pub automatic: bool,
    /// When it becomes available.
    pub trigger: Condition,
    /// Time between invocation and effect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<Duration>,
    /// Whether a `resolved` event during the notice period cancels it.
    #[serde(default)]
    pub cancellable: bool,
    /// Instruments re-imposed when it takes effect.
    #[serde(default)]
    #[schemars(default)]
    pub restores: Restores,
    /// Commitments or whole phases suspended when it takes effect.
    #[serde(default)]
    pub suspends: Vec<String>,
    /// When the suspension it caused ends by itself (conditions for resuming).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resumes_when: Option<Condition>,
    /// The amendment that adds it: it cannot be exercised before the amendment takes effect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amendment: Option<String>,
    /// The wording it encodes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Where it comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl Spec {
    /// The commitments of a phase, in file order.
    pub fn commitments_of<'a>(&'a self, phase: &'a str) -> impl Iterator<Item = &'a Commitment> {
        self.commitment.iter().filter(move |c| c.phase == phase)
    }

    /// The party with this id.
    pub fn party(&self, id: &str) -> Option<&Party> {
        self.party.iter().find(|p| p.id == id)
    }

    /// The instrument with this id.
    pub fn instrument(&self, id: &str) -> Option<&Instrument> {
        self.instrument.iter().find(|i| i.id == id)
    }

    /// Who a commitment is for, minus the parties performing it: its explicit
    /// `benefits` if given; otherwise, for a concession, the targets of the instruments
    /// it relieves, and for a measure, every other signatory (a freeze or a test halt
    /// makes the whole region safer). A mutual commitment is for its own parties, so
    /// this is empty for it.
    pub fn beneficiaries(&self, commitment: &Commitment) -> Vec<String> {
        self.beneficiaries_with(commitment, |id| self.instrument(id))
    }

    /// [`Spec::beneficiaries`] with a caller's way of finding instruments by id (an index
    /// for callers that ask about many commitments).
    pub fn beneficiaries_with<'a>(
        &'a self,
        commitment: &Commitment,
        instrument: impl Fn(&str) -> Option<&'a Instrument>,
    ) -> Vec<String> {
        let mut out: Vec<String> = match (commitment.benefits.is_empty(), commitment.category) {
            (false, _) => commitment.benefits.clone(),
            (true, Category::Concession) => commitment
                .relieves
                .iter()
                .filter_map(|id| instrument(id))
                .flat_map(|i| i.targets.iter().cloned())
                .collect(),
            (true, Category::Measure) => {
                self.party.iter().filter(|p| p.role == Role::Signatory).map(|p| p.id.clone()).collect()
            }
            (true, Category::Mutual) => Vec::new(),
        };
        out.retain(|p| !commitment.by.contains(p));
        out.sort();
        out.dedup();
        out
    }
}

keyword_enum! {
    /// How a party behaves in simulated futures (see docs/simulation.md for each rule).
    StrategyKind {
        /// Performs everything owed on time and never cheats.
        Sincere = "sincere",
        /// Performs actions; breaks continuing measures with probability `cheat` a month.
        CovertCheater = "covert-cheater",
        /// Performs steps costing at most `max_cost`; lets costlier ones lapse.
        Hedger = "hedger",
        /// Performs while the other side has no violation on record.
        TitForTat = "tit-for-tat",
        /// Stops for good after the other side's first violation.
        GrimTrigger = "grim-trigger",
        /// Graduated reciprocation: keeps stepping while the other side answers within `patience`.
        Grit = "grit",
        /// Gives no concession before every measure of the other side is fulfilled.
        Maximalist = "maximalist",
    }
}

impl StrategyKind {
    /// The parameters this strategy takes (besides `kind`).
    pub fn parameters(self) -> &'static [&'static str] {
        match self {
            StrategyKind::CovertCheater => &["cheat"],
            StrategyKind::Hedger => &["max_cost"],
            StrategyKind::Grit => &["patience"],
            _ => &[],
        }
    }
}

/// A party's strategy in simulated futures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Strategy {
    /// Which decision rule.
    pub kind: StrategyKind,
    /// `covert-cheater`: the monthly probability of breaking a continuing measure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cheat: Option<f64>,
    /// `hedger`: the highest `values.cost` of a step it still performs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_cost: Option<f64>,
    /// `grit`: how long it waits for the other side to reciprocate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patience: Option<Duration>,
}

/// A political shock: elections that may bring a government reversing course.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Election {
    /// The party that holds elections.
    pub party: String,
    /// The first election date.
    #[schemars(schema_with = "crate::time::date_schema")]
    pub first: Date,
    /// The interval between elections.
    pub every: Duration,
    /// The probability that a new government turns `maximalist`, in [0, 1].
    pub reversal: f64,
}

fn default_horizon() -> Duration {
    Duration { amount: 20, unit: crate::time::Unit::Year }
}

fn default_step() -> Duration {
    Duration::months(1)
}

fn default_runs() -> u32 {
    10_000
}

fn default_seed() -> u64 {
    1
}

fn default_resolution() -> f64 {
    0.5
}

fn default_confirm_breach() -> f64 {
    0.9
}

fn default_confirm_false_alarm() -> f64 {
    0.1
}

/// How the dispute procedure decides an anomaly that a verifier reported: the
/// probability that it confirms the anomaly as a verified violation. Both are
/// assumptions (defaults 0.9 and 0.1): a real breach is usually confirmed once it is
/// investigated, a false alarm usually cleared, and neither always.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Confirmation {
    /// The probability that an anomaly caused by a real breach is confirmed.
    #[serde(default = "default_confirm_breach")]
    pub breach: f64,
    /// The probability that a false alarm is confirmed all the same.
    #[serde(default = "default_confirm_false_alarm")]
    pub false_alarm: f64,
}

impl Default for Confirmation {
    fn default() -> Confirmation {
        Confirmation { breach: default_confirm_breach(), false_alarm: default_confirm_false_alarm() }
    }
}

fn default_walkout_base() -> f64 {
    0.03
}

fn default_walkout_aggrieved() -> f64 {
    0.3
}

/// The hazard that a signatory walks out of the agreement: the probability of doing so
/// within a year, at a constant rate, in ordinary times (`base`) and while it has a
/// grievance on record (`aggrieved`: another party's breach unremedied, or sanctions
/// snapped back against it). Assumptions (defaults 0.03 and 0.3): bilateral treaties
/// between peers ended about once in 20 years; the proliferation deals of 1994, 2007
/// and 2012 collapsed within months of a dispute.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Walkout {
    /// The probability of walking out within a year without a grievance.
    #[serde(default = "default_walkout_base")]
    pub base: f64,
    /// The probability of walking out within a year while aggrieved.
    #[serde(default = "default_walkout_aggrieved")]
    pub aggrieved: f64,
}

impl Default for Walkout {
    fn default() -> Walkout {
        Walkout { base: default_walkout_base(), aggrieved: default_walkout_aggrieved() }
    }
}

/// How long a willing party takes to perform a step once it is owed: a log-normal
/// distribution given by its median and its 90th percentile.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LeadTime {
    /// Half of the performances take at most this long.
    pub median: Duration,
    /// Nine in ten take at most this long (at least the median).
    pub p90: Duration,
}

/// Assumptions for simulating futures. Every assumption is explicit, with a default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Simulation {
    /// How far ahead to simulate (default 20 years).
    #[serde(default = "default_horizon")]
    pub horizon: Duration,
    /// The time step (default 1 month).
    #[serde(default = "default_step")]
    pub step: Duration,
    /// How many futures to simulate (default 10,000).
    #[serde(default = "default_runs")]
    pub runs: u32,
    /// The seed of the random streams (default 1): the same seed gives the same results.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Strategies by party id; parties not listed are `sincere`.
    #[serde(default)]
    pub strategy: BTreeMap<String, Strategy>,
    /// Political shocks.
    #[serde(default)]
    pub election: Vec<Election>,
    /// Detection probabilities by commitment id, overriding their verification's.
    #[serde(default)]
    pub detection: BTreeMap<String, f64>,
    /// False-alarm probabilities by commitment id, overriding their verification's.
    #[serde(default)]
    pub false_alarm: BTreeMap<String, f64>,
    /// By commitment id, the probability that an inspection actually takes place in an
    /// inspection period (default 1: every period). Detection and false alarms apply to
    /// inspections that take place.
    #[serde(default)]
    pub inspection: BTreeMap<String, f64>,
    /// The probability that the dispute procedure reaches its verdict on an anomaly
    /// within a month (default 0.5): verdicts come at a constant rate in days, so the
    /// time to a verdict does not depend on the simulation's step.
    #[serde(default = "default_resolution")]
    pub resolution: f64,
    /// How the dispute procedure decides the anomalies it is given.
    #[serde(default)]
    pub confirmation: Confirmation,
    /// Lead times by commitment id, overriding the default for its kind of step.
    #[serde(default)]
    pub lead_time: BTreeMap<String, LeadTime>,
    /// The hazard that a signatory walks out.
    #[serde(default)]
    pub walkout: Walkout,
    /// By quantity id, the relative standard error of a verifier's measurement of it
    /// (0.1: a measured value is the true one times `1 + 0.1 Z`, `Z` standard normal);
    /// [`DEFAULT_MEASUREMENT_ERROR`] for a quantity not listed.
    #[serde(default)]
    pub measurement: BTreeMap<String, f64>,
    /// By party id, what the other parties believe of its type before the agreement
    /// starts (see [`Prior`]); read by the analysis of learning, not by the simulator.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub prior: BTreeMap<String, Prior>,
    /// Stated ranges of assumptions, by parameter as `--sweep` names it (e.g.
    /// `detection.freeze`): what the decision report moves each assumption through,
    /// instead of its rule (docs/simulation.md, "The decision report").
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub range: BTreeMap<String, AssumptionRange>,
}

/// The range an assumption may take, with where it comes from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssumptionRange {
    /// The low end (at most the assumption's value).
    pub low: f64,
    /// The high end (at least the assumption's value).
    pub high: f64,
    /// The public source of the range, or the label of the assumption (e.g. "the
    /// encoder's judgment").
    pub source: String,
}

/// The largest amount by which a prior's probabilities may sum to other than 1: what
/// writing thirds as decimals (`0.333333333333`) leaves. The analysis then divides
/// each by their exact sum.
pub const PRIOR_TOLERANCE: f64 = 1e-9;

/// What the other parties believe, before the first step, of a party's type: the
/// probability that it is each of the simulator's strategy kinds that a type of
/// party can be (`sincere`, `hedger`, `covert-cheater`; a kind not written has
/// probability 0). The probabilities sum to 1 (within [`PRIOR_TOLERANCE`]). The
/// types' parameters come from the party's `[simulation.strategy]` when it is of
/// that kind, and otherwise from `max_cost` and `cheat` here. A prior is always an
/// assumption: `source` gives its source or its label.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Prior {
    /// The probability that the party performs everything it owes and never cheats.
    #[serde(default)]
    pub sincere: f64,
    /// The probability that it performs only steps costing at most `max_cost`.
    #[serde(default)]
    pub hedger: f64,
    /// The probability that it performs visible steps but breaks continuing measures.
    #[serde(default, rename = "covert-cheater")]
    pub covert_cheater: f64,
    /// The hedger type's highest `values.cost` of a step it still performs, when the
    /// party's `[simulation.strategy]` is not a hedger's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_cost: Option<f64>,
    /// The covert cheater type's probability of breaking a continuing measure in an
    /// inspection period, when the party's `[simulation.strategy]` is not a cheater's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cheat: Option<f64>,
    /// The public source of the figures, or the label of the assumption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl Prior {
    /// The kinds a type can be, with their probabilities, in this order.
    pub fn types(&self) -> [(StrategyKind, f64); 3] {
        [
            (StrategyKind::Sincere, self.sincere),
            (StrategyKind::Hedger, self.hedger),
            (StrategyKind::CovertCheater, self.covert_cheater),
        ]
    }
}

/// The relative standard error of a measurement of a quantity that
/// `[simulation.measurement]` does not list: none. Counts of events that monitoring sees
/// (tests, launches) are exact; for a stock of material the file must state its error
/// (docs/simulation.md, "What the verifiers measure").
pub const DEFAULT_MEASUREMENT_ERROR: f64 = 0.0;

impl Default for Simulation {
    fn default() -> Simulation {
        Simulation {
            horizon: default_horizon(),
            step: default_step(),
            runs: default_runs(),
            seed: default_seed(),
            strategy: BTreeMap::new(),
            election: Vec::new(),
            detection: BTreeMap::new(),
            false_alarm: BTreeMap::new(),
            inspection: BTreeMap::new(),
            resolution: default_resolution(),
            confirmation: Confirmation::default(),
            lead_time: BTreeMap::new(),
            walkout: Walkout::default(),
            measurement: BTreeMap::new(),
            range: BTreeMap::new(),
            prior: BTreeMap::new(),
        }
    }
}

/// How verification of a commitment is assumed to work, resolved once for every reader
/// (the simulator's plan, the incentive analysis, the learning analysis): the
/// `[simulation]` table's override, else the verification's own figure, else the
/// default. A commitment nothing verifies is never inspected.
impl Simulation {
    /// The probability that an inspection of `commitment` that takes place finds a real
    /// violation: `[simulation.detection]`, else the verification's `detection`, else 0.
    pub fn detection_of(&self, commitment: &Commitment) -> f64 {
        let stated = commitment.verification.as_ref().map(|v| v.detection);
        self.detection.get(&commitment.id).copied().or(stated).unwrap_or(0.0)
    }

    /// The probability that an inspection of a compliant party raises a false alarm:
    /// `[simulation.false_alarm]`, else the verification's `false_alarm`, else 0.
    pub fn false_alarm_of(&self, commitment: &Commitment) -> f64 {
        let stated = commitment.verification.as_ref().map(|v| v.false_alarm);
        self.false_alarm.get(&commitment.id).copied().or(stated).unwrap_or(0.0)
    }

    /// The probability that an inspection of `commitment` takes place in an inspection
    /// period: `[simulation.inspection]`, else 1 (every period); 0 when nothing verifies
    /// it.
    pub fn inspection_of(&self, commitment: &Commitment) -> f64 {
        match commitment.verification {
            Some(_) => self.inspection.get(&commitment.id).copied().unwrap_or(1.0),
            None => 0.0,
        }
    }
}

/// Numbers larger than this in magnitude are rejected (E022): no warhead count,
/// stockpile or sanction weight comes near it, and keeping values small keeps
/// arithmetic exact enough.
pub const MAX_MAGNITUDE: f64 = 1e12;

/// Ids that would be read as keywords inside conditions.
pub const RESERVED_IDS: &[&str] = &["and", "or", "not", "true", "false", "any", "of", "date", "all"];

/// Why a string is not a valid id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdError {
    /// The id is empty.
    Empty,
    /// The id starts with a character other than a letter or digit.
    BadStart(char),
    /// The id contains a character other than letters, digits, `-`, `_` and `.`.
    BadCharacter(char),
    /// The id is a word the condition language reserves.
    Reserved(&'static str),
}

impl std::fmt::Display for IdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IdError::Empty => f.write_str("an id cannot be empty"),
            IdError::BadStart(c) => write!(f, "an id cannot start with `{}`", c.escape_debug()),
            IdError::BadCharacter(' ') => f.write_str("an id cannot contain spaces"),
            IdError::BadCharacter(c) if c.is_whitespace() => f.write_str("an id cannot contain whitespace"),
            IdError::BadCharacter(c) => write!(f, "an id cannot contain `{}`", c.escape_debug()),
            IdError::Reserved(word) => write!(f, "`{word}` is a reserved word and cannot be an id"),
        }
    }
}

impl std::error::Error for IdError {}

/// Checks that `id` can name an item: letters, digits, `-`, `_` and `.`, starting with a
/// letter or digit, and not a reserved word. The one definition of a valid id, used by
/// validation (E023) and by the starter file.
pub fn check_id(id: &str) -> Result<(), IdError> {
    let mut chars = id.chars();
    let first = chars.next().ok_or(IdError::Empty)?;
    if !first.is_ascii_alphanumeric() {
        return Err(IdError::BadStart(first));
    }
    if let Some(bad) = chars.find(|&c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))) {
        return Err(IdError::BadCharacter(bad));
    }
    match RESERVED_IDS.iter().find(|&&word| word == id) {
        Some(word) => Err(IdError::Reserved(word)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{DateError, DurationError};
    use std::error::Error as _;

    #[test]
    fn a_bad_due_says_whether_it_read_as_a_date_or_a_duration() {
        let date = "2021-02-30".parse::<Due>().unwrap_err();
        assert!(matches!(date, DueError::Date(DateError::NoSuchDay { days_in_month: 28, .. })));
        assert_eq!(date.to_string(), "`2021-02-30`: that month has only 28 days");
        let duration = "90 dayz".parse::<Due>().unwrap_err();
        assert_eq!(duration, DueError::Duration(DurationError::UnknownUnit { word: "dayz".into() }));
        assert_eq!(duration.to_string(), "`dayz` is not a unit of time; use days, weeks, months or years");
    }

    #[test]
    fn a_bad_timeout_names_the_outcomes_or_the_bad_extension() {
        let unknown = "voilated".parse::<Timeout>().unwrap_err();
        assert_eq!(unknown, TimeoutError::UnknownOutcome { text: "voilated".into() });
        assert!(unknown.to_string().contains("use \"violated\", \"discharged\" or \"extended by 30 days\""));
        assert!(unknown.source().is_none());
        let extension = "extended by thirty days".parse::<Timeout>().unwrap_err();
        assert!(matches!(extension, TimeoutError::Extension(DurationError::NoNumber { .. })));
        assert!(extension.to_string().contains("`thirty days` does not start with a whole number"));
    }
}
