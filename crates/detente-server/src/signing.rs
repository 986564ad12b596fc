//! Signed submissions, and the exact bytes a party signs.
//!
//! A party never signs JSON: two encoders may write the same event with other spacing,
//! key order or number forms, and a verifier would then have to guess what was signed.
//! It signs a canonical byte string built from the event's fields in a fixed order, each
//! length-prefixed, together with the agreement's id and the version of the log the
//! event is meant to follow (so a signature cannot be replayed into another agreement
//! or at another place in the log). docs/server.md states the encoding byte for byte.

use base64::Engine as _;
use detente::EventRecord;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

/// The first bytes of every signed message: the domain and the encoding's version.
pub const SIGNING_CONTEXT: &[u8] = b"detente signed event v1\n";

/// What a party posts to append an event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    /// The event, as the library's [`EventRecord`] (docs/event-log.md).
    pub event: EventRecord,
    /// The number of events the log holds before this one: the event's index.
    pub expected_version: u64,
    /// The Ed25519 signature over [`signing_bytes`], in standard base64.
    pub signature: String,
    /// The signer's public key, in standard base64 (32 bytes).
    pub key: String,
}

/// Why a submission's signature was not accepted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureFault {
    /// The key field is not a base64 Ed25519 public key.
    #[error("`key` is not an Ed25519 public key in base64: {0}")]
    MalformedKey(String),
    /// The signature field is not a base64 Ed25519 signature.
    #[error("`signature` is not an Ed25519 signature in base64 (64 bytes)")]
    MalformedSignature,
    /// The signature does not verify over the canonical bytes.
    #[error("the signature does not verify with the given key over the event, the agreement id and the expected version")]
    DoesNotVerify,
}

/// The canonical bytes signed for `event`, appended to `agreement` at `expected_version`.
///
/// The context line, then the agreement id, then the version as 8 bytes big-endian,
/// then each field of the event in the order date, actor, kind, subject, value,
/// against, matter, until, source, id: `0x00` when absent, else `0x01` and the
/// value (a string as its UTF-8 length in 4 bytes big-endian and its bytes; `value` as
/// the 8 bytes big-endian of its IEEE 754 binary64).
pub fn signing_bytes(agreement: &str, expected_version: u64, event: &EventRecord) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(SIGNING_CONTEXT);
    put_str(&mut out, agreement);
    out.extend_from_slice(&expected_version.to_be_bytes());
    for field in [&event.date, &event.actor, &event.kind, &event.subject] {
        put_field(&mut out, field.as_deref());
    }
    match event.value {
        None => out.push(0),
        Some(v) => {
            out.push(1);
            out.extend_from_slice(&v.to_bits().to_be_bytes());
        }
    }
    for field in [&event.against, &event.matter, &event.until, &event.source, &event.id] {
        put_field(&mut out, field.as_deref());
    }
    out
}

fn put_field(out: &mut Vec<u8>, value: Option<&str>) {
    match value {
        None => out.push(0),
        Some(text) => {
            out.push(1);
            put_str(out, text);
        }
    }
}

fn put_str(out: &mut Vec<u8>, text: &str) {
    // Texts above 4 GiB cannot arrive (the body limit is far below); saturating keeps
    // the function total.
    let len = u32::try_from(text.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(text.as_bytes());
}

impl Submission {
    /// Signs `event` for `agreement` at `expected_version` with `key`.
    pub fn sign(key: &SigningKey, agreement: &str, expected_version: u64, event: EventRecord) -> Submission {
        let signature = key.sign(&signing_bytes(agreement, expected_version, &event));
        Submission {
            event,
            expected_version,
            signature: b64(&signature.to_bytes()),
            key: b64(key.verifying_key().as_bytes()),
        }
    }

    /// The public key the submission names.
    pub fn verifying_key(&self) -> Result<VerifyingKey, SignatureFault> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&self.key)
            .map_err(|e| SignatureFault::MalformedKey(e.to_string()))?;
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|b: Vec<u8>| SignatureFault::MalformedKey(format!("{} bytes, not 32", b.len())))?;
        VerifyingKey::from_bytes(&bytes).map_err(|e| SignatureFault::MalformedKey(e.to_string()))
    }

    /// Checks the signature (strictly: no malleable or small-order forms) for
    /// `agreement`, and returns the key that made it.
    pub fn verify(&self, agreement: &str) -> Result<VerifyingKey, SignatureFault> {
        let key = self.verifying_key()?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&self.signature)
            .map_err(|_| SignatureFault::MalformedSignature)?;
        let bytes: [u8; 64] = bytes.try_into().map_err(|_| SignatureFault::MalformedSignature)?;
        let signature = Signature::from_bytes(&bytes);
        let message = signing_bytes(agreement, self.expected_version, &self.event);
        key.verify_strict(&message, &signature).map_err(|_| SignatureFault::DoesNotVerify)?;
        Ok(key)
    }
}

/// Standard base64 with padding, the encoding of every key, signature and hash here.
pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> EventRecord {
        EventRecord {
            date: Some("2007-07-14".into()),
            actor: Some("dprk".into()),
            kind: Some("performed".into()),
            subject: Some("shutdown".into()),
            value: Some(1.5),
            ..EventRecord::default()
        }
    }

    #[test]
    fn the_encoding_is_fixed() {
        let bytes = signing_bytes("a", 2, &EventRecord { actor: Some("x".into()), ..EventRecord::default() });
        let mut expected = SIGNING_CONTEXT.to_vec();
        expected.extend_from_slice(&[0, 0, 0, 1, b'a', 0, 0, 0, 0, 0, 0, 0, 2]);
        expected.extend_from_slice(&[0, 1, 0, 0, 0, 1, b'x', 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(bytes, expected);
    }

    #[test]
    fn moving_bytes_between_fields_changes_the_message() {
        let a = EventRecord { subject: Some("ab".into()), against: Some("c".into()), ..event() };
        let b = EventRecord { subject: Some("a".into()), against: Some("bc".into()), ..event() };
        assert_ne!(signing_bytes("k", 0, &a), signing_bytes("k", 0, &b));
        let none = EventRecord { source: None, ..event() };
        let empty = EventRecord { source: Some(String::new()), ..event() };
        assert_ne!(signing_bytes("k", 0, &none), signing_bytes("k", 0, &empty));
    }

    #[test]
    fn a_signature_binds_agreement_version_and_every_field() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let signed = Submission::sign(&key, "deal", 3, event());
        assert!(signed.verify("deal").is_ok());
        assert_eq!(signed.verify("other"), Err(SignatureFault::DoesNotVerify));
        let moved = Submission { expected_version: 4, ..signed.clone() };
        assert_eq!(moved.verify("deal"), Err(SignatureFault::DoesNotVerify));
        let edited = Submission { event: EventRecord { value: Some(1.25), ..event() }, ..signed.clone() };
        assert_eq!(edited.verify("deal"), Err(SignatureFault::DoesNotVerify));
        let garbled = Submission { signature: "AAAA".into(), ..signed };
        assert_eq!(garbled.verify("deal"), Err(SignatureFault::MalformedSignature));
    }
}
