//! Readings: where the parties published different texts of the same agreement (a
//! commitment's `readings.PARTY` gives that party's `when`, `while`, `due`,
//! `on_timeout` or excluded matters), the record is read under each text.
//!
//! Historians' disputes about an agreement are often disputes of reading: the 1994
//! Agreed Framework's "special inspections" and the 2007 Six-Party "complete and
//! correct declaration" were each read differently by the parties. The engine replays
//! the same events under each party's text and says where the statuses part. This is
//! the one home of that comparison, for the command line's `replay` and the library.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::compiled::CompileError;
use crate::log::Events;
use crate::state::State;
use crate::{Agreement, Machine};

/// A commitment whose status on a date differs between the common text and one
/// party's reading or more.
#[derive(Clone, Debug, PartialEq, Eq, schemars::JsonSchema)]
pub struct ReadingDifference {
    /// The commitment's id.
    pub commitment: String,
    /// Its status under the common text, in words.
    pub common: String,
    /// Its status as each party whose reading differs reads it, in file order
    /// (serialized as an object keyed by party).
    #[schemars(with = "std::collections::BTreeMap<String, String>")]
    pub by_party: Vec<(String, String)>,
}

impl Serialize for ReadingDifference {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("commitment", &self.commitment)?;
        map.serialize_entry("common", &self.common)?;
        map.serialize_entry("by_party", &ByParty(&self.by_party))?;
        map.end()
    }
}

struct ByParty<'a>(&'a [(String, String)]);

impl Serialize for ByParty<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (party, status) in self.0 {
            map.serialize_entry(party, status)?;
        }
        map.end()
    }
}

/// Why an agreement cannot be read as a party reads it.
#[derive(Clone, Debug, PartialEq)]
pub enum ReadingError {
    /// No party has this id.
    UnknownParty {
        /// The id asked for.
        party: String,
        /// The closest party id, if one is close.
        closest: Option<String>,
        /// The parties that published a reading, in file order.
        readers: Vec<String>,
    },
    /// No party published a text of its own.
    NoReadings {
        /// The party asked for.
        party: String,
    },
    /// This party published no reading of its own; others did.
    NoOwnReading {
        /// The party asked for.
        party: String,
        /// The parties that did, in file order.
        readers: Vec<String>,
    },
    /// The party's text does not compile (a reading that the checker let through).
    Compile {
        /// The party.
        party: String,
        /// What the compiler said.
        error: CompileError,
    },
}

impl std::fmt::Display for ReadingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadingError::UnknownParty { party, closest: Some(close), .. } => {
                write!(f, "no party has the id `{party}`; did you mean `{close}`?")
            }
            ReadingError::UnknownParty { party, closest: None, .. } => {
                write!(f, "no party has the id `{party}`")
            }
            ReadingError::NoReadings { .. } => {
                write!(f, "the agreement has no readings: no party published a text of its own")
            }
            ReadingError::NoOwnReading { party, .. } => {
                write!(f, "`{party}` published no reading of its own (no commitment has `readings.{party}`)")
            }
            ReadingError::Compile { party, error } => write!(f, "as read by `{party}`: {error}"),
        }
    }
}

impl std::error::Error for ReadingError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ReadingError::Compile { error, .. } => Some(error),
            _ => None,
        }
    }
}

impl ReadingError {
    /// What to do about it.
    pub fn help(&self) -> String {
        match self {
            ReadingError::NoOwnReading { readers, .. } | ReadingError::UnknownParty { readers, .. }
                if !readers.is_empty() =>
            {
                format!("parties with a reading of their own: {}", readers.join(", "))
            }
            ReadingError::Compile { .. } => "this is a bug in detente; please report it with the file".into(),
            _ => "replay without --reading, which follows the common text".into(),
        }
    }
}

/// The ids of the parties that published a reading, in file order.
pub fn reader_ids(agreement: &Agreement) -> Vec<&str> {
    agreement.readers().into_iter().map(|p| agreement.spec.party[p].id.as_str()).collect()
}

/// The agreement as `party` reads it: refused when the party is unknown or published
/// no reading of its own.
pub fn as_read_by(agreement: &Agreement, party: &str) -> Result<Agreement, ReadingError> {
    let readers = reader_ids(agreement);
    if !readers.contains(&party) {
        return Err(not_a_reader(agreement, party, &readers));
    }
    Agreement::compile_as_read_by(&agreement.spec, party)
        .map_err(|error| ReadingError::Compile { party: party.into(), error })
}

fn not_a_reader(agreement: &Agreement, party: &str, readers: &[&str]) -> ReadingError {
    let party = party.to_string();
    let readers: Vec<String> = readers.iter().map(|r| r.to_string()).collect();
    if !agreement.ids.parties.contains_key(&party) {
        let ids = agreement.spec.party.iter().map(|p| p.id.as_str());
        let closest = detente_spec::suggest::closest(&party, ids).map(str::to_string);
        ReadingError::UnknownParty { party, closest, readers }
    } else if readers.is_empty() {
        ReadingError::NoReadings { party }
    } else {
        ReadingError::NoOwnReading { party, readers }
    }
}

/// Where the parties' readings lead to other statuses than the common text on the
/// date of `state` (the common text's state after `events`): `None` when no party
/// published a reading, else every commitment whose status differs under some reading.
/// A reading can change commitments it does not name, through the conditions that
/// read them, so every commitment is compared.
pub fn differences(
    common: &Agreement,
    events: &Events,
    state: &State,
) -> Result<Option<Vec<ReadingDifference>>, ReadingError> {
    let readers = reader_ids(common);
    if readers.is_empty() {
        return Ok(None);
    }
    let mut read_states = Vec::new();
    for party in readers {
        let read = as_read_by(common, party)?;
        // The same events (they name the same ids) replayed on the reading.
        let mut machine = Machine::new(&read, events, false);
        machine.advance_to(state.as_of);
        read_states.push((party, machine.state()));
    }
    let differences = state
        .commitments
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let by_party: Vec<(String, String)> = read_states
                .iter()
                .map(|(party, read)| (party, &read.commitments[i]))
                .filter(|(_, read)| read.id == c.id && read.describe != c.describe)
                .map(|(party, read)| (party.to_string(), read.describe.clone()))
                .collect();
            (!by_party.is_empty()).then(|| ReadingDifference {
                commitment: c.id.clone(),
                common: c.describe.clone(),
                by_party,
            })
        })
        .collect();
    Ok(Some(differences))
}
