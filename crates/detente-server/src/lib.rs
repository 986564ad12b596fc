//! # detente-server
//!
//! `detente serve`: one shared, tamper-evident record of each agreement it serves,
//! written by the parties over HTTP and read by anyone (docs/server.md).
//!
//! The parties of an agreement do not trust each other, nor whoever runs the server.
//! So every event is signed by its actor's key ([`signing`]), checked by the library
//! with the same rules as a replay ([`detente::History::append`]), and stored as
//! received in an append-only table ([`store`]) under an RFC 6962 Merkle tree whose
//! signed checkpoints let anyone prove that no recorded event was changed or dropped
//! ([`merkle`], [`export`]).
//!
//! The crate depends on the library facade (`detente`) only: every state it shows is a
//! facade [`detente::History`]'s, and every refusal of the library keeps the JSON
//! layer's form ([`problem`]).

#![warn(missing_docs, clippy::unwrap_used, clippy::expect_used)]

pub mod api;
pub mod client;
pub mod export;
pub mod keys;
pub mod ledger;
pub mod merkle;
pub mod problem;
pub mod signing;
pub mod store;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use detente::Agreement;

pub use ledger::{Ledger, Receipt, Signer, Submitted, Tampered};
pub use signing::{signing_bytes, Submission};

/// A running server's agreements, keys and storage.
pub struct Server {
    /// The served agreements' ledgers, by id.
    pub ledgers: BTreeMap<String, Arc<Ledger>>,
    /// The parties' registered keys.
    pub keyring: keys::Keyring,
    /// The server's checkpoint key.
    pub signer: Signer,
    /// Storage.
    pub store: Box<dyn store::Store>,
}

/// Why a server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// An agreement's file has errors.
    #[error("{path}: {message}")]
    Agreement {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// An agreement's file cannot be read.
    #[error("{path}: {message}")]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// Two files define the same agreement.
    #[error("two agreement files have the id `{0}`")]
    DuplicateAgreement(String),
    /// No agreement to serve.
    #[error("no agreement to serve: name one or more agreement files")]
    NothingToServe,
    /// Keys could not be read.
    #[error(transparent)]
    Keys(#[from] keys::KeyError),
    /// Storage could not be opened.
    #[error(transparent)]
    Store(#[from] store::StoreError),
    /// A stored record fails its checks: the server refuses to serve it.
    #[error("the stored record was altered, refusing to serve it: {0}")]
    Tampered(#[from] Tampered),
    /// The address could not be bound.
    #[error("{addr}: {source}")]
    Bind {
        /// The address.
        addr: String,
        /// Why.
        source: std::io::Error,
    },
}

impl Server {
    /// A server over `store` for `agreements`, each ledger rebuilt from storage and
    /// checked.
    pub async fn open(
        agreements: Vec<Agreement>,
        store: Box<dyn store::Store>,
        keyring: keys::Keyring,
        signer: Signer,
    ) -> Result<Server, StartError> {
        if agreements.is_empty() {
            return Err(StartError::NothingToServe);
        }
        let mut ledgers = BTreeMap::new();
        for agreement in agreements {
            let id = agreement.id().to_string();
            if ledgers.contains_key(&id) {
                return Err(StartError::DuplicateAgreement(id));
            }
            let ledger = Ledger::open(agreement, &signer.name, &keyring, &signer, store.as_ref()).await?;
            ledgers.insert(id, Arc::new(ledger));
        }
        Ok(Server { ledgers, keyring, signer, store })
    }
}

/// Reads an agreement file (TOML, or the normalized JSON for `.json`).
pub fn read_agreement(path: &std::path::Path) -> Result<Agreement, StartError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| StartError::Unreadable { path: path.into(), message: e.to_string() })?;
    let fail = |message: String| StartError::Agreement { path: path.into(), message };
    let format = match path.extension().and_then(|e| e.to_str()) {
        Some("json") => detente::Format::Json,
        _ => detente::Format::Toml,
    };
    Agreement::from_text(&path.display().to_string(), &text, format).map_err(|e| fail(e.to_string()))
}

/// What `detente serve` is told.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// The agreement files.
    pub specs: Vec<PathBuf>,
    /// The database URL (`sqlite://PATH`).
    pub database: String,
    /// The address to listen on (`127.0.0.1:0` picks a free port).
    pub addr: String,
    /// The directory of the parties' `*.pub` files.
    pub keys: PathBuf,
    /// The server's checkpoint key file (created if missing, with its `.pub` beside).
    pub server_key: PathBuf,
    /// The checkpoints' origin prefix and the server key's name.
    pub origin: String,
}

/// Runs `detente serve` until the process is stopped: opens storage, rebuilds and checks
/// every ledger, binds, prints `listening on http://ADDR` on standard output, serves.
pub fn serve(options: &ServeOptions) -> Result<(), StartError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|source| StartError::Bind { addr: options.addr.clone(), source })?;
    runtime.block_on(serve_async(options))
}

async fn serve_async(options: &ServeOptions) -> Result<(), StartError> {
    let agreements = options.specs.iter().map(|p| read_agreement(p)).collect::<Result<Vec<_>, _>>()?;
    let keyring = keys::Keyring::from_dir(&options.keys)?;
    let key = keys::server_key(&options.server_key, &options.origin)?;
    let signer = Signer { name: options.origin.clone(), key };
    let store = store::open(&options.database).await?;
    let server = Server::open(agreements, store, keyring, signer).await?;
    let bind = |source| StartError::Bind { addr: options.addr.clone(), source };
    let listener = tokio::net::TcpListener::bind(&options.addr).await.map_err(bind)?;
    let local = listener.local_addr().map_err(bind)?;
    {
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        // The first line is what scripts and tests wait for; a closed stdout is no
        // reason not to serve.
        let _ = writeln!(out, "listening on http://{local}");
        let _ = out.flush();
    }
    axum::serve(listener, api::router(Arc::new(server))).await.map_err(bind)
}
