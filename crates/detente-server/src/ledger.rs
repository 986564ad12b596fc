//! One agreement's served record: its facade [`History`], its Merkle tree and its
//! latest checkpoint, kept in step with storage.
//!
//! Appends are serialized per agreement (one writer at a time holds the log). A
//! submission is checked in full on a copy of the history, stored and committed, and
//! only then published: readers never see an event that is not durably stored, and a
//! refused or failed append leaves the served record as it was. On start a ledger is
//! rebuilt from the stored rows, re-checking every one as if it were submitted again.

use std::sync::Mutex;

use detente::{Agreement, History};
use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::Serialize;

use crate::keys::Keyring;
use crate::merkle::{self, Checkpoint, Tree};
use crate::problem::Refusal;
use crate::signing::{b64, Submission};
use crate::store::{Store, StoreError, StoredCheckpoint, StoredEntry};

/// What an append returns: where the event is, and the proof that it is there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Receipt {
    /// The submission's index in the log (its leaf index), from 0.
    pub index: u64,
    /// Its place among the events in date order, from 0 (a back-dated event lands
    /// before later-dated ones).
    pub position: usize,
    /// Whether it is dated before an event already recorded.
    pub back_dated: bool,
    /// `SHA-256(0x00 ‖ submission bytes)`, base64.
    pub leaf_hash: String,
    /// The audit path from the leaf to the checkpoint's root, base64 hashes.
    pub inclusion_proof: Vec<String>,
    /// The signed checkpoint of the tree that includes it (`index + 1` leaves).
    pub checkpoint: String,
}

/// The server's checkpoint key and the name its signature lines carry.
pub struct Signer {
    /// The name (the origin prefix).
    pub name: String,
    /// The key.
    pub key: SigningKey,
}

impl Signer {
    /// The public key.
    pub fn public(&self) -> VerifyingKey {
        self.key.verifying_key()
    }
}

/// The log as the writer holds it.
struct Log {
    history: History,
    tree: Tree,
    checkpoint: String,
}

/// One served agreement.
pub struct Ledger {
    agreement: Agreement,
    origin: String,
    log: tokio::sync::Mutex<Log>,
    /// What readers see: the history and checkpoint of the last committed append.
    published: Mutex<(History, String)>,
}

/// Why a stored record cannot be served: it was edited, or it is not this server's.
#[derive(Debug, thiserror::Error)]
pub enum Tampered {
    /// A row does not hold what was stored.
    #[error("agreement `{agreement}`, row {row}: {reason}")]
    Row {
        /// The agreement.
        agreement: String,
        /// The row's index (its `seq`).
        row: u64,
        /// What does not hold.
        reason: String,
    },
    /// Storage could not be read.
    #[error("agreement `{agreement}`: {source}")]
    Store {
        /// The agreement.
        agreement: String,
        /// The failure.
        source: StoreError,
    },
}

/// Checks a submission's signature and that its key belongs to its actor: returns the
/// party.
pub fn authenticate(keyring: &Keyring, agreement: &str, submission: &Submission) -> Result<String, Refusal> {
    let key = submission.verifying_key().map_err(Refusal::Signature)?;
    let party = keyring.party_of(&key).ok_or_else(|| Refusal::UnknownKey { key: submission.key.clone() })?;
    submission.verify(agreement).map_err(Refusal::Signature)?;
    let actor = submission.event.actor.as_deref().unwrap_or("");
    if party != actor {
        return Err(Refusal::WrongParty { party: party.into(), actor: actor.into() });
    }
    Ok(party.to_string())
}

/// Reads a submission's bytes.
pub fn parse(raw: &[u8]) -> Result<(Submission, String), Refusal> {
    let text = std::str::from_utf8(raw).map_err(|e| Refusal::Malformed(format!("not UTF-8: {e}")))?;
    let submission = serde_json::from_str(text).map_err(|e| Refusal::Malformed(e.to_string()))?;
    Ok((submission, text.to_string()))
}

impl Ledger {
    /// The agreement's ledger, rebuilt from storage: every row re-checked (its leaf
    /// hash, its signature and key, its index, the library's rules) and every stored
    /// checkpoint compared with the recomputed root and its signature checked.
    pub async fn open(
        agreement: Agreement,
        origin_prefix: &str,
        keyring: &Keyring,
        signer: &Signer,
        store: &dyn Store,
    ) -> Result<Ledger, Tampered> {
        let id = agreement.id().to_string();
        let origin = format!("{origin_prefix}/{id}");
        let store_error = |source| Tampered::Store { agreement: id.clone(), source };
        let entries = store.entries(&id).await.map_err(store_error)?;
        let checkpoints = store.checkpoints(&id).await.map_err(store_error)?;
        let replayed = replay(&agreement, &entries, keyring).map_err(|(row, reason)| Tampered::Row {
            agreement: id.clone(),
            row,
            reason,
        })?;
        check_checkpoints(&replayed.1, &checkpoints, &origin, signer)
            .map_err(|(row, reason)| Tampered::Row { agreement: id.clone(), row, reason })?;
        let (history, tree) = replayed;
        let checkpoint = match checkpoints.last() {
            Some(stored) => stored.note.clone(),
            None => Checkpoint { origin: origin.clone(), size: 0, root: merkle::root(&tree) }
                .sign(&signer.name, &signer.key),
        };
        Ok(Ledger {
            agreement,
            origin,
            published: Mutex::new((history.clone(), checkpoint.clone())),
            log: tokio::sync::Mutex::new(Log { history, tree, checkpoint }),
        })
    }

    /// The agreement.
    pub fn agreement(&self) -> &Agreement {
        &self.agreement
    }

    /// The log's origin line.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Shows readers the append just committed: the published history (a history of
    /// its own, so that neither it nor the writer's copies the other's record) gets the
    /// same event; should it refuse what the writer's accepted, it becomes a snapshot of
    /// the writer's.
    fn publish(&self, log: &Log, event: &detente::EventRecord, note: &str) {
        let mut guard = match self.published.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if guard.0.append(event.clone()).is_err() || guard.0.events().len() != log.history.events().len() {
            guard.0 = log.history.clone();
        }
        guard.1 = note.to_string();
    }

    /// The committed history and latest checkpoint (a cheap snapshot).
    pub fn snapshot(&self) -> (History, String) {
        match self.published.lock() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Runs `f` on the tree (with its leaves), the latest checkpoint and the history,
    /// all of the same size (waiting for an append in progress).
    pub async fn with_tree<T>(&self, f: impl FnOnce(&Tree, &str, &History) -> T) -> T {
        let log = self.log.lock().await;
        f(&log.tree, &log.checkpoint, &log.history)
    }

    /// Appends a submission received as `raw`: authenticated, checked by the library,
    /// at the expected version, stored and committed; then published and acknowledged
    /// with a receipt. Any refusal leaves storage and the served record unchanged. The
    /// same bytes submitted again (a retry) get their receipt, and write nothing.
    pub async fn submit(
        &self,
        raw: &[u8],
        keyring: &Keyring,
        signer: &Signer,
        store: &dyn Store,
    ) -> Result<Submitted, Refusal> {
        let (submission, text) = parse(raw)?;
        authenticate(keyring, self.agreement.id(), &submission)?;
        let mut log = self.log.lock().await;
        if let Some(receipt) = recorded(&log, &submission, raw) {
            return Ok(Submitted::Already(receipt));
        }
        // Checked first, appended only once stored: the writer's history is its own (not
        // shared with what readers see), so appending to it copies nothing.
        log.history.would_accept(&submission.event)?;
        let current = log.tree.len();
        if submission.expected_version != current {
            return Err(Refusal::Stale { expected: submission.expected_version, current });
        }
        let leaf = text.into_bytes();
        let leaf_hash = b64(&merkle::leaf_hash(&leaf));
        log.tree.push(leaf.clone());
        let size = log.tree.len();
        let note = Checkpoint { origin: self.origin.clone(), size, root: merkle::root(&log.tree) }
            .sign(&signer.name, &signer.key);
        let entry =
            StoredEntry { seq: current, submission: String::from_utf8_lossy(&leaf).into_owned(), leaf_hash };
        let stored = StoredCheckpoint { size, note: note.clone() };
        if let Err(e) = store.append(self.agreement.id(), &entry, &stored).await {
            log.tree = merkle::prefix(&log.tree, current);
            return Err(match e {
                StoreError::Taken { .. } => Refusal::Stale { expected: current, current: current + 1 },
                other => Refusal::Storage(other.to_string()),
            });
        }
        let inclusion_proof = merkle::inclusion_proof(&log.tree, current).unwrap_or_default();
        let appended = log.history.append(submission.event.clone())?;
        log.checkpoint = note.clone();
        self.publish(&log, &submission.event, &note);
        Ok(Submitted::Appended(Receipt {
            index: current,
            position: appended.position,
            back_dated: appended.back_dated,
            leaf_hash: entry.leaf_hash,
            inclusion_proof,
            checkpoint: note,
        }))
    }
}

/// What [`Ledger::submit`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Submitted {
    /// The submission was appended (HTTP 201).
    Appended(Receipt),
    /// These very bytes were already recorded at their expected version (a client
    /// retrying after a lost acknowledgement): nothing was written, and the receipt
    /// proves the recorded entry against the latest checkpoint (HTTP 200).
    Already(Receipt),
}

/// The receipt of `raw` if exactly these bytes are recorded at the submission's
/// expected version.
fn recorded(log: &Log, submission: &Submission, raw: &[u8]) -> Option<Receipt> {
    let index = usize::try_from(submission.expected_version).ok()?;
    if log.tree.get(index).map(Vec::as_slice) != Some(raw) {
        return None;
    }
    // An event's `line` is its arrival number, from 1: its index plus one.
    let position = log.history.events().iter().position(|e| e.line == index + 1)?;
    let later = log.history.events().iter().skip(position + 1).any(|e| e.line < index + 1);
    Some(Receipt {
        index: index as u64,
        position,
        back_dated: later,
        leaf_hash: b64(&merkle::leaf_hash(raw)),
        inclusion_proof: merkle::inclusion_proof(&log.tree, index as u64)?,
        checkpoint: log.checkpoint.clone(),
    })
}

/// Replays stored entries as submissions: each must be at its index, hash to its
/// stored leaf hash, carry a valid signature by a key of its actor, and be accepted by
/// the library. The first that fails is named with why.
pub fn replay(
    agreement: &Agreement,
    entries: &[StoredEntry],
    keyring: &Keyring,
) -> Result<(History, Tree), (u64, String)> {
    let mut history = History::new(agreement);
    let mut tree = Tree::new();
    for (i, entry) in entries.iter().enumerate() {
        let i = i as u64;
        if entry.seq != i {
            return Err((i, format!("missing: the next stored row is {}", entry.seq)));
        }
        let leaf = entry.submission.as_bytes();
        if b64(&merkle::leaf_hash(leaf)) != entry.leaf_hash {
            return Err((
                i,
                "its submission does not hash to its stored leaf hash (the row was edited)".into(),
            ));
        }
        let (submission, _) = parse(leaf).map_err(|e| (i, e.to_string()))?;
        authenticate(keyring, agreement.id(), &submission).map_err(|e| (i, e.to_string()))?;
        if submission.expected_version != i {
            return Err((
                i,
                format!("it was signed for index {}, and is stored at {i}", submission.expected_version),
            ));
        }
        history.append(submission.event).map_err(|e| (i, format!("the library refuses it: {e}")))?;
        tree.push(leaf.to_vec());
    }
    Ok((history, tree))
}

/// Checks every stored checkpoint against the rebuilt tree: the server's signature, the
/// origin, the size, and the root of the tree's prefix of that size. A checkpoint that
/// disagrees names the first row of the leaves it signs that could have changed.
fn check_checkpoints(
    tree: &Tree,
    checkpoints: &[StoredCheckpoint],
    origin: &str,
    signer: &Signer,
) -> Result<(), (u64, String)> {
    let size = tree.len();
    let mut incremental = Tree::new();
    for stored in checkpoints {
        let row = stored.size.saturating_sub(1);
        let opened = Checkpoint::open(&stored.note, &signer.name, &signer.public())
            .map_err(|e| (row, format!("its checkpoint: {e}")))?;
        if opened.origin != origin || opened.size != stored.size {
            return Err((row, format!("its checkpoint is for `{}` at size {}", opened.origin, opened.size)));
        }
        if stored.size > size {
            return Err((
                size,
                format!(
                    "missing: a signed checkpoint covers {} rows and only {size} are stored",
                    stored.size
                ),
            ));
        }
        while incremental.len() < stored.size {
            let Some(leaf) = tree.get(incremental.len() as usize) else { break };
            incremental.push(leaf.clone());
        }
        if merkle::root(&incremental) != opened.root {
            return Err((
                row,
                format!("the root of the first {} rows differs from the signed checkpoint's", stored.size),
            ));
        }
    }
    if size > 0 && checkpoints.last().map(|c| c.size) != Some(size) {
        return Err((size - 1, "no signed checkpoint covers the last row".into()));
    }
    Ok(())
}
