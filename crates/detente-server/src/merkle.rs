//! The tamper-evident log: an RFC 6962 Merkle tree over the submissions as received,
//! and checkpoints of it as C2SP tlog-checkpoint signed notes.
//!
//! A leaf is the submission's bytes exactly as the server received them, so changing
//! any byte of a stored row changes its leaf hash, `SHA-256(0x00 ‖ bytes)`, and with it
//! every root from its index on. A checkpoint is the text `ORIGIN\nSIZE\nBASE64(ROOT)\n`
//! signed by the server's key as a signed note (<https://c2sp.org/signed-note>): after a
//! blank line, `— NAME BASE64(KEY_ID ‖ SIGNATURE)` where `KEY_ID` is the first 4 bytes
//! of `SHA-256(NAME ‖ 0x0A ‖ 0x01 ‖ PUBLIC_KEY)` (0x01: Ed25519).

use base64::Engine as _;
use ct_merkle::mem_backed_tree::MemoryBackedTree;
use ct_merkle::{ConsistencyProof, InclusionProof, RootHash};
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest as _, Sha256};

use crate::signing::b64;

/// The tree over the leaves (each leaf kept: proofs for older sizes are rebuilt from
/// them).
pub type Tree = MemoryBackedTree<Sha256, Vec<u8>>;

/// The leaf hash of `leaf`: `SHA-256(0x00 ‖ leaf)`.
pub fn leaf_hash(leaf: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update([0u8]);
    hasher.update(leaf);
    hasher.finalize().into()
}

/// The root hash of `tree`, as 32 bytes.
pub fn root(tree: &Tree) -> [u8; 32] {
    let root = tree.root();
    let mut out = [0u8; 32];
    out.copy_from_slice(root.as_bytes().as_slice());
    out
}

/// The audit path of leaf `index` in `tree`, each hash in base64; `None` when the
/// index is outside the tree.
pub fn inclusion_proof(tree: &Tree, index: u64) -> Option<Vec<String>> {
    let index = usize::try_from(index).ok().filter(|&i| (i as u64) < tree.len())?;
    Some(tree.prove_inclusion(index).as_bytes().chunks(32).map(b64).collect())
}

/// Why a proof or a checkpoint does not hold.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// A hash is not 32 bytes of base64.
    #[error("`{0}` is not a SHA-256 hash in base64")]
    MalformedHash(String),
    /// The sizes asked for are not `1 <= from <= to <= size`.
    #[error(
        "a consistency proof needs 1 <= from <= to <= {size} (the tree's size); asked from {from} to {to}"
    )]
    Range {
        /// The older size.
        from: u64,
        /// The newer size.
        to: u64,
        /// The tree's size.
        size: u64,
    },
    /// The proof does not lead to the root.
    #[error("the proof does not verify: {0}")]
    DoesNotVerify(String),
    /// A checkpoint's text is not a signed note of the tlog-checkpoint form.
    #[error("the checkpoint is malformed: {0}")]
    MalformedCheckpoint(String),
}

/// A consistency proof that the tree of the first `from` leaves is a prefix of that of
/// the first `to`, each hash in base64.
pub fn consistency_proof(tree: &Tree, from: u64, to: u64) -> Result<Vec<String>, ProofError> {
    let size = tree.len();
    if from == 0 || from > to || to > size {
        return Err(ProofError::Range { from, to, size });
    }
    let proof = if to == size {
        tree.prove_consistency((to - from) as usize)
    } else {
        prefix(tree, to).prove_consistency((to - from) as usize)
    };
    Ok(proof.as_bytes().chunks(32).map(b64).collect())
}

/// The tree of the first `size` leaves of `tree`.
pub fn prefix(tree: &Tree, size: u64) -> Tree {
    let mut older = Tree::new();
    for leaf in tree.items().iter().take(size as usize) {
        older.push(leaf.clone());
    }
    older
}

/// Decodes one base64 hash.
pub fn decode_hash(text: &str) -> Result<[u8; 32], ProofError> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or_else(|| ProofError::MalformedHash(text.into()))
}

fn decode_path(hashes: &[String]) -> Result<Vec<u8>, ProofError> {
    let mut out = Vec::with_capacity(hashes.len() * 32);
    for hash in hashes {
        out.extend_from_slice(&decode_hash(hash)?);
    }
    Ok(out)
}

fn root_hash(root: &[u8; 32], size: u64) -> RootHash<Sha256> {
    let mut digest = ct_merkle::digest::Output::<Sha256>::default();
    digest.copy_from_slice(root);
    RootHash::new(digest, size)
}

/// Checks that `leaf` is at `index` in the tree of `size` leaves whose root is `root`.
pub fn verify_inclusion(
    leaf: &[u8],
    index: u64,
    proof: &[String],
    root: &[u8; 32],
    size: u64,
) -> Result<(), ProofError> {
    let proof = InclusionProof::<Sha256>::try_from_bytes(decode_path(proof)?)
        .map_err(|e| ProofError::DoesNotVerify(e.to_string()))?;
    root_hash(root, size)
        .verify_inclusion(&leaf, index, &proof)
        .map_err(|e| ProofError::DoesNotVerify(e.to_string()))
}

/// Checks that the tree (`old`, `old_size`) is a prefix of (`new`, `new_size`).
pub fn verify_consistency(
    old: &[u8; 32],
    old_size: u64,
    new: &[u8; 32],
    new_size: u64,
    proof: &[String],
) -> Result<(), ProofError> {
    let proof = ConsistencyProof::<Sha256>::try_from_bytes(decode_path(proof)?)
        .map_err(|e| ProofError::DoesNotVerify(e.to_string()))?;
    root_hash(new, new_size)
        .verify_consistency(&root_hash(old, old_size), &proof)
        .map_err(|e| ProofError::DoesNotVerify(e.to_string()))
}

/// A checkpoint's body: the log's origin, its size and its root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's unique name (`ORIGIN_PREFIX/AGREEMENT_ID`).
    pub origin: String,
    /// The number of leaves.
    pub size: u64,
    /// The root hash.
    pub root: [u8; 32],
}

impl Checkpoint {
    /// The note's text: three lines, each ending in a newline.
    pub fn text(&self) -> String {
        format!("{}\n{}\n{}\n", self.origin, self.size, b64(&self.root))
    }

    /// The signed note: the text, a blank line, and the server's signature line.
    pub fn sign(&self, name: &str, key: &SigningKey) -> String {
        let text = self.text();
        let signature = key.sign(text.as_bytes());
        let mut blob = key_id(name, &key.verifying_key()).to_vec();
        blob.extend_from_slice(&signature.to_bytes());
        format!("{text}\n\u{2014} {name} {}\n", b64(&blob))
    }

    /// Reads a signed note and checks the signature of the key `name` on it (other
    /// signature lines, a witness's cosignature for example, are ignored here).
    pub fn open(note: &str, name: &str, key: &VerifyingKey) -> Result<Checkpoint, ProofError> {
        let bad = |m: &str| ProofError::MalformedCheckpoint(m.into());
        let (text, signatures) =
            note.split_once("\n\n").ok_or_else(|| bad("no blank line before the signatures"))?;
        let text = format!("{text}\n");
        let mut lines = text.lines();
        let origin = lines.next().filter(|l| !l.is_empty()).ok_or_else(|| bad("no origin line"))?;
        let size =
            lines.next().and_then(|l| l.parse::<u64>().ok()).ok_or_else(|| bad("no tree size line"))?;
        let root = decode_hash(lines.next().ok_or_else(|| bad("no root hash line"))?)?;
        let id = key_id(name, key);
        let prefix = format!("\u{2014} {name} ");
        let signed = signatures.lines().filter_map(|l| l.strip_prefix(&prefix)).find_map(|blob| {
            let blob = base64::engine::general_purpose::STANDARD.decode(blob).ok()?;
            (blob.len() == 68 && blob[..4] == id).then(|| blob[4..].to_vec())
        });
        let signature =
            signed.ok_or_else(|| bad(&format!("no signature by `{name}` with the registered key")))?;
        let signature = Signature::from_slice(&signature).map_err(|e| bad(&e.to_string()))?;
        key.verify_strict(text.as_bytes(), &signature)
            .map_err(|_| bad(&format!("the signature of `{name}` does not verify")))?;
        Ok(Checkpoint { origin: origin.into(), size, root })
    }
}

/// The signed-note key id of an Ed25519 key: the first 4 bytes of
/// `SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)`.
pub fn key_id(name: &str, key: &VerifyingKey) -> [u8; 4] {
    let mut hasher = Sha256::new();
    hasher.update(name.as_bytes());
    hasher.update([0x0A, 0x01]);
    hasher.update(key.as_bytes());
    let hash: [u8; 32] = hasher.finalize().into();
    [hash[0], hash[1], hash[2], hash[3]]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(n: usize) -> Tree {
        let mut tree = Tree::new();
        for i in 0..n {
            tree.push(format!("leaf {i}").into_bytes());
        }
        tree
    }

    #[test]
    fn the_empty_tree_has_the_hash_of_nothing() {
        let empty: [u8; 32] = Sha256::digest(b"").into();
        assert_eq!(root(&Tree::new()), empty);
        // RFC 6962: a single leaf's root is its leaf hash.
        assert_eq!(root(&tree(1)), leaf_hash(b"leaf 0"));
    }

    #[test]
    fn proofs_verify_and_fail_on_other_leaves() {
        let t = tree(7);
        let r = root(&t);
        for i in 0..7u64 {
            let proof = inclusion_proof(&t, i).unwrap();
            verify_inclusion(format!("leaf {i}").as_bytes(), i, &proof, &r, 7).unwrap();
            assert!(verify_inclusion(b"leaf x", i, &proof, &r, 7).is_err());
        }
        for from in 1..=7 {
            for to in from..=7 {
                let proof = consistency_proof(&t, from, to).unwrap();
                let old = root(&prefix(&t, from));
                let new = root(&prefix(&t, to));
                verify_consistency(&old, from, &new, to, &proof).unwrap();
                if from < to {
                    assert!(verify_consistency(&[1; 32], from, &new, to, &proof).is_err());
                }
            }
        }
        assert!(matches!(consistency_proof(&t, 0, 3), Err(ProofError::Range { .. })));
        assert!(matches!(consistency_proof(&t, 3, 8), Err(ProofError::Range { .. })));
    }

    #[test]
    fn checkpoints_round_trip_and_refuse_edits() {
        let key = SigningKey::from_bytes(&[3; 32]);
        let checkpoint = Checkpoint { origin: "detente/deal".into(), size: 5, root: [9; 32] };
        let note = checkpoint.sign("detente", &key);
        assert!(note.starts_with("detente/deal\n5\nCQkJ"));
        assert_eq!(Checkpoint::open(&note, "detente", &key.verifying_key()), Ok(checkpoint));
        let edited = note.replacen("\n5\n", "\n6\n", 1);
        assert!(Checkpoint::open(&edited, "detente", &key.verifying_key()).is_err());
        let other = SigningKey::from_bytes(&[4; 32]).verifying_key();
        assert!(Checkpoint::open(&note, "detente", &other).is_err());
    }
}
