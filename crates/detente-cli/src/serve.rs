//! `serve`, `keygen`, `submit` and `log verify`: thin clients of `detente-server`.

use std::path::{Path, PathBuf};

use detente_server::{client, export, keys, ServeOptions, StartError};

use crate::term::write_stdout;
use crate::{INVALID, SUCCESS};

/// `detente serve`: runs until stopped. A stored record that fails its checks is
/// invalid input (exit 1); anything else that stops it starting is trouble (2).
pub(crate) fn serve(options: ServeOptions) -> Result<u8, String> {
    match detente_server::serve(&options) {
        Ok(()) => Ok(SUCCESS),
        Err(error @ (StartError::Tampered(_) | StartError::Agreement { .. })) => {
            note!("error: {error}");
            Ok(INVALID)
        }
        Err(error) => Err(error.to_string()),
    }
}

/// `detente keygen`: writes PARTY.key (or `out`) and its .pub, prints the public key.
pub(crate) fn keygen(party: &str, out: Option<PathBuf>) -> Result<u8, String> {
    let out = out.unwrap_or_else(|| PathBuf::from(format!("{party}.key")));
    let (key, public) = keys::keygen(party, &out).map_err(|e| e.to_string())?;
    let encoded = detente_server::signing::b64(key.verifying_key().as_bytes());
    write_stdout(&format!("{party} {encoded}\n"), false)?;
    note!("wrote {} (secret: keep it) and {} (register it with the server)", out.display(), public.display());
    Ok(SUCCESS)
}

/// `detente submit`: signs the event for the log's current version and posts it; prints
/// the receipt. A refusal prints the server's problem document and exits 1.
pub(crate) fn submit(key: &Path, server: &str, agreement: &str, event: &Path) -> Result<u8, String> {
    let key = keys::read_key(key).map_err(|e| e.to_string())?;
    let text = std::fs::read_to_string(event).map_err(|e| format!("{}: {e}", event.display()))?;
    let record: detente::EventRecord = match serde_json::from_str(&text) {
        Ok(record) => record,
        Err(e) => {
            note!("{}: error: not an event: {e}", event.display());
            return Ok(INVALID);
        }
    };
    match client::submit(server, agreement, &key, record) {
        Ok(receipt) => {
            write_stdout(&format!("{receipt}\n"), false)?;
            Ok(SUCCESS)
        }
        Err(client::ClientError::Refused { status, body }) => {
            note!("error: the server refused the event ({status}):\n{body}");
            Ok(INVALID)
        }
        Err(error) => Err(error.to_string()),
    }
}

/// `detente log verify`: re-checks an export offline.
pub(crate) fn verify(export_path: &Path, keys_dir: &Path, spec: &Path) -> Result<u8, String> {
    let text = std::fs::read_to_string(export_path).map_err(|e| format!("{}: {e}", export_path.display()))?;
    let export: export::Export = match serde_json::from_str(&text) {
        Ok(export) => export,
        Err(e) => {
            note!("{}: error: not an export: {e}", export_path.display());
            return Ok(INVALID);
        }
    };
    let keyring = keys::Keyring::from_dir(keys_dir).map_err(|e| e.to_string())?;
    let agreement = match detente_server::read_agreement(spec) {
        Ok(agreement) => agreement,
        Err(error @ StartError::Unreadable { .. }) => return Err(error.to_string()),
        Err(error) => {
            note!("error: {error}");
            return Ok(INVALID);
        }
    };
    match export::verify(&export, &agreement, &keyring) {
        Ok(verified) => {
            let line = format!(
                "verified {}: {} events, root {}, signed checkpoint holds; the replayed state on {} equals the server's\n",
                export.agreement,
                verified.size,
                verified.root,
                verified.state_as_of
            );
            write_stdout(&line, false)?;
            Ok(SUCCESS)
        }
        Err(error) => {
            note!("{}: error: {error}", export_path.display());
            Ok(INVALID)
        }
    }
}
