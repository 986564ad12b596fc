//! Keys: each party's Ed25519 signing key, the public keys a server or a verifier
//! registers, and the server's own key for checkpoints.
//!
//! Key files are small TOML documents, so that a person can read which party a key is
//! for. A secret key file (`usa.key`) holds the party, the 32-byte seed and the public
//! key; its public twin (`usa.pub`) holds the party and the public key, and is what the
//! other parties, the server and verifiers register. A directory of `*.pub` files is a
//! [`Keyring`]: it maps each public key to the one party it signs for. A public file
//! with `server = NAME` instead of `party` is a server's checkpoint key.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::signing::b64;

/// Why keys could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The failure.
        source: std::io::Error,
    },
    /// A key file is not in the format of docs/server.md.
    #[error("{path}: {message}")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// One public key registered for two parties.
    #[error("{path}: this key is already registered for `{other}`; a key signs for one party only")]
    Shared {
        /// The second file naming the key.
        path: PathBuf,
        /// The party it was first registered for.
        other: String,
    },
    /// A secret key file exists already: keygen never overwrites one.
    #[error("{0} exists already; keygen never overwrites a key (move it away first)")]
    Exists(PathBuf),
    /// The operating system gave no randomness.
    #[error("no randomness from the operating system: {0}")]
    Random(String),
}

/// A secret key file.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SecretFile {
    party: String,
    algorithm: String,
    secret: String,
    public: String,
}

/// A public key file: a party's key, or a server's checkpoint key.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PublicFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    party: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    server: Option<String>,
    algorithm: String,
    public: String,
}

/// A party's signing key, as read from its file.
pub struct PartyKey {
    /// The party it signs for.
    pub party: String,
    /// The key.
    pub key: SigningKey,
}

impl std::fmt::Debug for PartyKey {
    /// The party and the public key, never the secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PartyKey")
            .field("party", &self.party)
            .field("public", &b64(self.key.verifying_key().as_bytes()))
            .finish()
    }
}

/// A fresh key from the operating system's randomness.
pub fn generate() -> Result<SigningKey, KeyError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| KeyError::Random(e.to_string()))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// Writes a new key for `party` to `out` (refusing to overwrite one) and its public
/// twin beside it, with the extension `pub`. Returns the key and the public file's path.
pub fn keygen(party: &str, out: &Path) -> Result<(SigningKey, PathBuf), KeyError> {
    if out.exists() {
        return Err(KeyError::Exists(out.to_path_buf()));
    }
    let key = generate()?;
    write_secret(out, party, &key)?;
    let public = out.with_extension("pub");
    write_public(&public, Some(party), None, &key.verifying_key())?;
    Ok((key, public))
}

fn write_secret(path: &Path, party: &str, key: &SigningKey) -> Result<(), KeyError> {
    let file = SecretFile {
        party: party.into(),
        algorithm: "ed25519".into(),
        secret: b64(&key.to_bytes()),
        public: b64(key.verifying_key().as_bytes()),
    };
    let text = format!("# detente signing key: keep it secret\n{}", to_toml(&file, path)?);
    write_private(path, &text).map_err(|source| KeyError::Io { path: path.into(), source })
}

/// Writes a public key file: for a party, or (with `server`) a server's checkpoint key.
pub fn write_public(
    path: &Path,
    party: Option<&str>,
    server: Option<&str>,
    key: &VerifyingKey,
) -> Result<(), KeyError> {
    let file = PublicFile {
        party: party.map(str::to_string),
        server: server.map(str::to_string),
        algorithm: "ed25519".into(),
        public: b64(key.as_bytes()),
    };
    let text = to_toml(&file, path)?;
    std::fs::write(path, text).map_err(|source| KeyError::Io { path: path.into(), source })
}

fn to_toml<T: Serialize>(value: &T, path: &Path) -> Result<String, KeyError> {
    toml::to_string(value).map_err(|e| KeyError::Malformed { path: path.into(), message: e.to_string() })
}

/// Creates a file readable by its owner only (where the system has such modes).
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    options.open(path)?.write_all(text.as_bytes())
}

/// Reads a secret key file.
pub fn read_key(path: &Path) -> Result<PartyKey, KeyError> {
    let text = std::fs::read_to_string(path).map_err(|source| KeyError::Io { path: path.into(), source })?;
    let file: SecretFile = toml::from_str(&text).map_err(|e| malformed(path, e))?;
    let seed: [u8; 32] =
        decode_32(&file.secret).map_err(|m| KeyError::Malformed { path: path.into(), message: m })?;
    let key = SigningKey::from_bytes(&seed);
    if b64(key.verifying_key().as_bytes()) != file.public {
        return Err(KeyError::Malformed {
            path: path.into(),
            message: "`public` is not the public key of `secret`".into(),
        });
    }
    Ok(PartyKey { party: file.party, key })
}

/// Reads the server's checkpoint key from `path`, creating it (and its public twin,
/// `path` with the extension `pub`, naming the server `name`) if it does not exist.
pub fn server_key(path: &Path, name: &str) -> Result<SigningKey, KeyError> {
    if !path.exists() {
        let key = generate()?;
        write_secret(path, name, &key)?;
        write_public(&path.with_extension("pub"), None, Some(name), &key.verifying_key())?;
        return Ok(key);
    }
    Ok(read_key(path)?.key)
}

fn malformed(path: &Path, e: impl std::fmt::Display) -> KeyError {
    KeyError::Malformed { path: path.into(), message: e.to_string() }
}

fn decode_32(text: &str) -> Result<[u8; 32], String> {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD.decode(text).map_err(|e| e.to_string())?;
    bytes.try_into().map_err(|b: Vec<u8>| format!("{} bytes where a key has 32", b.len()))
}

/// The registered public keys: each party's keys, and the servers' checkpoint keys.
#[derive(Clone, Debug, Default)]
pub struct Keyring {
    parties: HashMap<[u8; 32], String>,
    servers: HashMap<String, VerifyingKey>,
}

impl Keyring {
    /// Every `*.pub` file of `dir`.
    pub fn from_dir(dir: &Path) -> Result<Keyring, KeyError> {
        let entries = std::fs::read_dir(dir).map_err(|source| KeyError::Io { path: dir.into(), source })?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "pub"))
            .collect();
        paths.sort();
        let mut ring = Keyring::default();
        for path in paths {
            ring.add_file(&path)?;
        }
        Ok(ring)
    }

    fn add_file(&mut self, path: &Path) -> Result<(), KeyError> {
        let text =
            std::fs::read_to_string(path).map_err(|source| KeyError::Io { path: path.into(), source })?;
        let file: PublicFile = toml::from_str(&text).map_err(|e| malformed(path, e))?;
        if file.algorithm != "ed25519" {
            return Err(malformed(path, format!("algorithm `{}`: only `ed25519` is known", file.algorithm)));
        }
        let bytes = decode_32(&file.public).map_err(|m| malformed(path, m))?;
        let key = VerifyingKey::from_bytes(&bytes).map_err(|e| malformed(path, e))?;
        match (file.party, file.server) {
            (Some(party), None) => {
                self.add_party(party, &key).map_err(|other| KeyError::Shared { path: path.into(), other })
            }
            (None, Some(server)) => {
                self.servers.insert(server, key);
                Ok(())
            }
            _ => Err(malformed(path, "a public key file names either `party` or `server`")),
        }
    }

    /// Registers `key` for `party`; refused (with the other party) if it is registered
    /// for another.
    pub fn add_party(&mut self, party: String, key: &VerifyingKey) -> Result<(), String> {
        match self.parties.get(key.as_bytes()) {
            Some(other) if *other != party => Err(other.clone()),
            _ => {
                self.parties.insert(key.to_bytes(), party);
                Ok(())
            }
        }
    }

    /// Registers a server's checkpoint key under its name.
    pub fn add_server(&mut self, name: String, key: VerifyingKey) {
        self.servers.insert(name, key);
    }

    /// The party `key` signs for, if it is registered.
    pub fn party_of(&self, key: &VerifyingKey) -> Option<&str> {
        self.parties.get(key.as_bytes()).map(String::as_str)
    }

    /// The checkpoint key of the server called `name`.
    pub fn server(&self, name: &str) -> Option<&VerifyingKey> {
        self.servers.get(name)
    }

    /// How many party keys are registered.
    pub fn party_keys(&self) -> usize {
        self.parties.len()
    }
}
