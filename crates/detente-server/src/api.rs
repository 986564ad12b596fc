//! The HTTP API (docs/server.md): thin handlers over the ledgers and the library.
//!
//! Answers are the library's types serialized as the JSON layer (`detente::json`)
//! serializes them, without its `{"ok": ...}` envelope (the HTTP status says that);
//! every refusal is a [`Refusal`], answered as a problem document.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use detente::{Date, History};
use serde::{Deserialize, Serialize};

use crate::export::{self, ServerKey};
use crate::ledger::{Ledger, Receipt, Submitted};
use crate::merkle;
use crate::problem::Refusal;
use crate::signing::b64;
use crate::Server;

/// The largest submission the server reads, in bytes (an event with a long source is
/// about 1 KB).
pub const MAX_SUBMISSION_BYTES: usize = 64 * 1024;

/// The routes.
pub fn router(server: Arc<Server>) -> Router {
    let check_limit = detente::MAX_AGREEMENT_BYTES + 64 * 1024;
    Router::new()
        .route("/api/agreements", get(list))
        .route("/api/agreements/{id}", get(summary))
        .route(
            "/api/agreements/{id}/events",
            post(submit).get(events).layer(DefaultBodyLimit::max(MAX_SUBMISSION_BYTES)),
        )
        .route("/api/agreements/{id}/state", get(state))
        .route("/api/agreements/{id}/timeline", get(timeline))
        .route("/api/agreements/{id}/explain", get(explain))
        .route("/api/agreements/{id}/checkpoint", get(checkpoint))
        .route("/api/agreements/{id}/proof/consistency", get(consistency))
        .route("/api/agreements/{id}/export", get(export))
        .route("/api/check", post(check).layer(DefaultBodyLimit::max(check_limit)))
        .fallback(not_found)
        .with_state(server)
}

type Answer<T> = Result<T, Refusal>;

/// The query parameters any read takes (each route uses its own).
#[derive(Debug, Deserialize)]
struct Params {
    at: Option<String>,
    to: Option<String>,
    from: Option<String>,
    id: Option<String>,
    reading: Option<String>,
}

fn params(query: Result<Query<Params>, QueryRejection>) -> Answer<Params> {
    query.map(|Query(p)| p).map_err(|e| Refusal::BadQuery(e.body_text()))
}

fn required<'a>(value: &'a Option<String>, name: &str) -> Answer<&'a str> {
    value.as_deref().ok_or_else(|| Refusal::BadQuery(format!("the query parameter `{name}` is required")))
}

fn date(value: &Option<String>, name: &str) -> Answer<Date> {
    let text = required(value, name)?;
    text.parse().map_err(|e| Refusal::BadQuery(format!("`{name}={text}` is not a date (YYYY-MM-DD): {e}")))
}

fn size(value: &Option<String>, name: &str) -> Answer<u64> {
    let text = required(value, name)?;
    text.parse().map_err(|_| Refusal::BadQuery(format!("`{name}={text}` is not a tree size")))
}

fn ledger(server: &Server, id: &str) -> Answer<Arc<Ledger>> {
    server.ledgers.get(id).cloned().ok_or_else(|| Refusal::UnknownAgreement {
        id: id.into(),
        served: server.ledgers.keys().cloned().collect(),
    })
}

/// The history a read follows: the common text's, or a party's reading.
fn history(ledger: &Ledger, reading: &Option<String>) -> Answer<History> {
    let (history, _) = ledger.snapshot();
    match reading {
        Some(party) => Ok(history.as_read_by(party)?),
        None => Ok(history),
    }
}

/// An agreement as listed.
#[derive(Debug, Serialize)]
pub struct Summary {
    /// Its id.
    pub id: String,
    /// Its log's origin.
    pub origin: String,
    /// The number of events recorded: the `expected_version` of the next submission.
    pub version: u64,
    /// The latest signed checkpoint.
    pub checkpoint: String,
}

fn summarize(ledger: &Ledger) -> Summary {
    let (history, checkpoint) = ledger.snapshot();
    Summary {
        id: ledger.agreement().id().into(),
        origin: ledger.origin().into(),
        version: history.events().len() as u64,
        checkpoint,
    }
}

async fn list(State(server): State<Arc<Server>>) -> Json<Vec<Summary>> {
    Json(server.ledgers.values().map(|l| summarize(l)).collect())
}

async fn summary(State(server): State<Arc<Server>>, Path(id): Path<String>) -> Answer<Json<Summary>> {
    Ok(Json(summarize(&*ledger(&server, &id)?)))
}

async fn submit(
    State(server): State<Arc<Server>>,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Answer<(StatusCode, Json<Receipt>)> {
    let ledger = ledger(&server, &id)?;
    let body = body.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => Refusal::TooLarge { limit: MAX_SUBMISSION_BYTES },
        _ => Refusal::Malformed(e.body_text()),
    })?;
    match ledger.submit(&body, &server.keyring, &server.signer, server.store.as_ref()).await? {
        Submitted::Appended(receipt) => Ok((StatusCode::CREATED, Json(receipt))),
        Submitted::Already(receipt) => Ok((StatusCode::OK, Json(receipt))),
    }
}

/// One recorded submission, as `/events` lists it.
#[derive(Debug, Serialize)]
pub struct Recorded {
    /// Its index in the log.
    pub index: u64,
    /// The event.
    pub event: serde_json::Value,
    /// The version it was signed for (its index).
    pub expected_version: u64,
    /// The signer's key, base64.
    pub key: String,
    /// The signature, base64.
    pub signature: String,
    /// Its leaf hash, base64.
    pub leaf_hash: String,
}

/// The record: every submission in arrival order.
#[derive(Debug, Serialize)]
pub struct Record {
    /// The number of events.
    pub version: u64,
    /// The submissions.
    pub events: Vec<Recorded>,
}

async fn events(State(server): State<Arc<Server>>, Path(id): Path<String>) -> Answer<Json<Record>> {
    let ledger = ledger(&server, &id)?;
    let events = ledger
        .with_tree(|tree, _, _| {
            tree.items()
                .iter()
                .enumerate()
                .filter_map(|(i, leaf)| {
                    let submission: crate::Submission = serde_json::from_slice(leaf).ok()?;
                    Some(Recorded {
                        index: i as u64,
                        event: serde_json::to_value(&submission.event).ok()?,
                        expected_version: submission.expected_version,
                        key: submission.key,
                        signature: submission.signature,
                        leaf_hash: b64(&merkle::leaf_hash(leaf)),
                    })
                })
                .collect::<Vec<_>>()
        })
        .await;
    Ok(Json(Record { version: events.len() as u64, events }))
}

async fn state(
    State(server): State<Arc<Server>>,
    Path(id): Path<String>,
    query: Result<Query<Params>, QueryRejection>,
) -> Answer<Json<detente::State>> {
    let p = params(query)?;
    let ledger = ledger(&server, &id)?;
    let at = date(&p.at, "at")?;
    Ok(Json(history(&ledger, &p.reading)?.state(at)?))
}

async fn timeline(
    State(server): State<Arc<Server>>,
    Path(id): Path<String>,
    query: Result<Query<Params>, QueryRejection>,
) -> Answer<Json<Vec<detente::Transition>>> {
    let p = params(query)?;
    let ledger = ledger(&server, &id)?;
    let to = date(&p.to, "to")?;
    Ok(Json(history(&ledger, &p.reading)?.timeline(to)))
}

async fn explain(
    State(server): State<Arc<Server>>,
    Path(id): Path<String>,
    query: Result<Query<Params>, QueryRejection>,
) -> Answer<Json<detente::Explanation>> {
    let p = params(query)?;
    let ledger = ledger(&server, &id)?;
    let at = date(&p.at, "at")?;
    let item = required(&p.id, "id")?;
    Ok(Json(history(&ledger, &p.reading)?.explain(at, item)?))
}

async fn checkpoint(State(server): State<Arc<Server>>, Path(id): Path<String>) -> Answer<Response> {
    let (_, note) = ledger(&server, &id)?.snapshot();
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], note).into_response())
}

/// A consistency proof between two tree sizes.
#[derive(Debug, Serialize)]
pub struct Consistency {
    /// The older size.
    pub from: u64,
    /// The newer size.
    pub to: u64,
    /// The root of the older tree, base64 (compare it with a checkpoint you hold).
    pub from_root: String,
    /// The root of the newer tree, base64.
    pub to_root: String,
    /// The proof's hashes, base64, in RFC 6962 order.
    pub proof: Vec<String>,
}

async fn consistency(
    State(server): State<Arc<Server>>,
    Path(id): Path<String>,
    query: Result<Query<Params>, QueryRejection>,
) -> Answer<Json<Consistency>> {
    let p = params(query)?;
    let ledger = ledger(&server, &id)?;
    let (from, to) = (size(&p.from, "from")?, size(&p.to, "to")?);
    let answer = ledger
        .with_tree(|tree, _, _| {
            let proof = merkle::consistency_proof(tree, from, to)?;
            Ok::<_, merkle::ProofError>(Consistency {
                from,
                to,
                from_root: b64(&merkle::root(&merkle::prefix(tree, from))),
                to_root: b64(&merkle::root(&merkle::prefix(tree, to))),
                proof,
            })
        })
        .await;
    answer.map(Json).map_err(Refusal::Proof)
}

async fn export(State(server): State<Arc<Server>>, Path(id): Path<String>) -> Answer<Json<export::Export>> {
    let ledger = ledger(&server, &id)?;
    let key = ServerKey { name: server.signer.name.clone(), public: b64(server.signer.public().as_bytes()) };
    Ok(Json(export::export(&ledger, key).await?))
}

async fn check(body: Result<Bytes, BytesRejection>) -> Answer<Json<detente::json::CheckAnswer>> {
    let body = body.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => Refusal::TooLarge { limit: detente::MAX_AGREEMENT_BYTES },
        _ => Refusal::Malformed(e.body_text()),
    })?;
    let request: detente::json::CheckRequest =
        serde_json::from_slice(&body).map_err(|e| Refusal::Malformed(e.to_string()))?;
    detente::json::check(&request).map(Json).map_err(Refusal::Library)
}

async fn not_found(uri: axum::http::Uri) -> Refusal {
    Refusal::NoRoute(uri.path().to_string())
}
