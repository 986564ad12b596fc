//! The export of a whole log, and its offline verification.
//!
//! An export holds every submission exactly as received, the latest signed checkpoint
//! and the state the server derived. Anyone holding the parties' public keys, the
//! server's checkpoint key and the agreement's file can re-check it without the
//! server: every signature and key, every leaf, the root against the signed
//! checkpoint, and a fresh replay through the library whose state must equal the
//! exported one. A changed, dropped or reordered event fails one of these.

use detente::{Agreement, Date, History};
use serde::{Deserialize, Serialize};

use crate::keys::Keyring;
use crate::ledger::{self, Ledger};
use crate::merkle::{self, Checkpoint, ProofError, Tree};
use crate::signing::b64;
use crate::store::StoredEntry;

/// The export format's name and version.
pub const FORMAT: &str = "detente-export/1";

/// A whole log.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Export {
    /// [`FORMAT`].
    pub format: String,
    /// The agreement's id.
    pub agreement: String,
    /// The log's origin (the checkpoints' first line).
    pub origin: String,
    /// The server's checkpoint key.
    pub server: ServerKey,
    /// Every submission, by index.
    pub entries: Vec<ExportEntry>,
    /// The signed checkpoint of all the entries.
    pub checkpoint: String,
    /// The state the server derives at the end of the last event's date (the adoption
    /// date for an empty log), as the library's JSON.
    pub state: serde_json::Value,
}

/// A server's checkpoint key, as an export names it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerKey {
    /// The name its signature lines carry.
    pub name: String,
    /// The public key, base64.
    pub public: String,
}

/// One submission in an export.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportEntry {
    /// Its index.
    pub index: u64,
    /// Its bytes as received.
    pub submission: String,
    /// Its leaf hash, base64.
    pub leaf_hash: String,
}

/// The date an export's state is taken at: the last event's, or adoption.
pub fn state_date(history: &History) -> Date {
    history.events().last().map(|e| e.date).unwrap_or(history.agreement().spec().agreement.adopted)
}

/// The export of a ledger (consistent: taken while no append is in progress).
pub async fn export(ledger: &Ledger, server: ServerKey) -> Result<Export, detente::Error> {
    let origin = ledger.origin().to_string();
    let (entries, checkpoint, history) = ledger
        .with_tree(|tree, checkpoint, history| (entries(tree), checkpoint.to_string(), history.clone()))
        .await;
    let state = history.state(state_date(&history))?;
    Ok(Export {
        format: FORMAT.into(),
        agreement: ledger.agreement().id().into(),
        origin,
        server,
        entries,
        checkpoint,
        state: serde_json::to_value(state).unwrap_or_default(),
    })
}

fn entries(tree: &Tree) -> Vec<ExportEntry> {
    tree.items()
        .iter()
        .enumerate()
        .map(|(i, leaf)| ExportEntry {
            index: i as u64,
            submission: String::from_utf8_lossy(leaf).into_owned(),
            leaf_hash: b64(&merkle::leaf_hash(leaf)),
        })
        .collect()
}

/// Why an export does not verify.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// Not an export of this format, or of another agreement.
    #[error("{0}")]
    Format(String),
    /// The verifier's key directory has no checkpoint key of the export's server, or
    /// another one.
    #[error("{0}")]
    ServerKey(String),
    /// The checkpoint is malformed or its signature does not verify.
    #[error("the checkpoint: {0}")]
    Checkpoint(ProofError),
    /// An entry fails.
    #[error("entry {index}: {reason}")]
    Entry {
        /// Its index.
        index: u64,
        /// Why.
        reason: String,
    },
    /// The recomputed root or size is not the checkpoint's.
    #[error("{0}")]
    Root(String),
    /// The fresh replay's state differs from the exported state.
    #[error("the replayed state differs from the exported one: {0}")]
    State(String),
}

/// What a verified export holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    /// The number of entries (the tree's size).
    pub size: u64,
    /// The root, base64.
    pub root: String,
    /// The date of the compared state.
    pub state_as_of: String,
}

/// Verifies an export against the agreement, the parties' keys and the server's
/// checkpoint key (all from `keyring`).
pub fn verify(export: &Export, agreement: &Agreement, keyring: &Keyring) -> Result<Verified, VerifyError> {
    if export.format != FORMAT {
        return Err(VerifyError::Format(format!("format `{}`, not `{FORMAT}`", export.format)));
    }
    if export.agreement != agreement.id() {
        return Err(VerifyError::Format(format!(
            "the export is of `{}`, the agreement file of `{}`",
            export.agreement,
            agreement.id()
        )));
    }
    let key = keyring.server(&export.server.name).ok_or_else(|| {
        VerifyError::ServerKey(format!(
            "no checkpoint key of the server `{}` among the keys (its .pub file has `server = \"{}\"`)",
            export.server.name, export.server.name
        ))
    })?;
    if b64(key.as_bytes()) != export.server.public {
        return Err(VerifyError::ServerKey(format!(
            "the export names another key for `{}` than the one registered",
            export.server.name
        )));
    }
    let checkpoint =
        Checkpoint::open(&export.checkpoint, &export.server.name, key).map_err(VerifyError::Checkpoint)?;
    let stored: Vec<StoredEntry> = export
        .entries
        .iter()
        .map(|e| StoredEntry {
            seq: e.index,
            submission: e.submission.clone(),
            leaf_hash: e.leaf_hash.clone(),
        })
        .collect();
    let (history, tree) = ledger::replay(agreement, &stored, keyring)
        .map_err(|(index, reason)| VerifyError::Entry { index, reason })?;
    if checkpoint.origin != export.origin {
        return Err(VerifyError::Root(format!(
            "the checkpoint is of `{}`, the export of `{}`",
            checkpoint.origin, export.origin
        )));
    }
    if checkpoint.size != tree.len() {
        return Err(VerifyError::Root(format!(
            "the checkpoint signs {} entries and the export has {}",
            checkpoint.size,
            tree.len()
        )));
    }
    let root = merkle::root(&tree);
    if root != checkpoint.root {
        return Err(VerifyError::Root("the entries' root is not the signed checkpoint's root".into()));
    }
    let as_of = state_date(&history);
    let state = history.state(as_of).map_err(|e| VerifyError::State(e.to_string()))?;
    let replayed = serde_json::to_value(state).map_err(|e| VerifyError::State(e.to_string()))?;
    if replayed != export.state {
        return Err(VerifyError::State(first_difference(&replayed, &export.state, "state")));
    }
    Ok(Verified { size: tree.len(), root: b64(&root), state_as_of: as_of.to_string() })
}

/// Where two JSON values first differ, as a path.
fn first_difference(a: &serde_json::Value, b: &serde_json::Value, path: &str) -> String {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                match y.get(k) {
                    Some(w) if v == w => {}
                    Some(w) => return first_difference(v, w, &format!("{path}.{k}")),
                    None => return format!("{path}.{k} is missing from the export"),
                }
            }
            format!("{path} has fields the replay does not")
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find(|(_, (v, w))| v != w)
            .map(|(i, (v, w))| first_difference(v, w, &format!("{path}[{i}]")))
            .unwrap_or_else(|| path.to_string()),
        _ => format!("{path}: the replay has {a}, the export {b}"),
    }
}
