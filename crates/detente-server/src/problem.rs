//! Every refusal of the server, and its HTTP answer: one place maps each to a status and
//! a problem document (RFC 9457, `application/problem+json`).
//!
//! The library's own refusals arrive as the JSON layer's [`ErrorAnswer`] (built from
//! [`detente::Error::kind`]) and keep its fields (`kind`, `field`, `event`, `help`,
//! `diagnostics`), so that a client reads a refused event over HTTP exactly as it reads
//! one from `detente::json`.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use detente::json::ErrorAnswer;
use serde::Serialize;

use crate::merkle::ProofError;
use crate::signing::SignatureFault;

/// Why the server refused a request. Nothing is written on any refusal.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// The body is not a submission (not JSON, a field missing or unknown).
    #[error("the request body is not a submission: {0}")]
    Malformed(String),
    /// A query parameter is missing or not of its form.
    #[error("{0}")]
    BadQuery(String),
    /// The body is above the limit.
    #[error("the request body is larger than the {limit} bytes a submission may have")]
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// The key or signature field cannot be read, or the signature does not verify.
    #[error("{0}")]
    Signature(SignatureFault),
    /// The key is not registered with the server.
    #[error("the key {key} is not registered with this server")]
    UnknownKey {
        /// The key, in base64.
        key: String,
    },
    /// The key is registered, but for another party than the event's actor.
    #[error("the key is registered for `{party}`, and the event's actor is `{actor}`: a key signs only for its own party")]
    WrongParty {
        /// The key's party.
        party: String,
        /// The event's actor (empty when it has none).
        actor: String,
    },
    /// The library refused (the event, the date, the item...).
    #[error("{}", .0.message)]
    Library(ErrorAnswer),
    /// The submission was signed for another version of the log.
    #[error("the submission expects version {expected}, and the log is at version {current}")]
    Stale {
        /// The version the submission was signed for.
        expected: u64,
        /// The log's version now.
        current: u64,
    },
    /// No agreement of that id is served.
    #[error("no agreement `{id}` is served here (served: {})", .served.join(", "))]
    UnknownAgreement {
        /// The id asked for.
        id: String,
        /// The ids served.
        served: Vec<String>,
    },
    /// No route has this path.
    #[error("no resource at `{0}` (see docs/server.md for the API)")]
    NoRoute(String),
    /// A proof cannot be made for the sizes asked.
    #[error("{0}")]
    Proof(ProofError),
    /// Storage failed: nothing was acknowledged.
    #[error("storage failed, nothing was recorded: {0}")]
    Storage(String),
}

/// An RFC 9457 problem document, with the library's fields where it has them.
#[derive(Debug, Serialize)]
pub struct Problem {
    /// `/problems/CODE` (relative: docs/server.md lists the codes).
    #[serde(rename = "type")]
    pub type_: String,
    /// The code's title, the same for every occurrence.
    pub title: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// This occurrence, in one line.
    pub detail: String,
    /// The library's error kind, for its refusals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    /// The event's field at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
    /// The position of the refused event in a request's events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<u32>,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// For an invalid agreement: every diagnostic.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<detente::Diagnostic>,
    /// For a stale submission: the log's version now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<u64>,
}

/// The status of each of the library's error kinds (the JSON layer's names).
fn library_status(kind: &str) -> StatusCode {
    match kind {
        "invalid_request" => StatusCode::BAD_REQUEST,
        "not_found" => StatusCode::NOT_FOUND,
        "internal" => StatusCode::INTERNAL_SERVER_ERROR,
        "cancelled" => StatusCode::SERVICE_UNAVAILABLE,
        // invalid_event, invalid_agreement, invalid_game, beyond_limits: understood,
        // and refused on its merits.
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

impl Refusal {
    /// The status, the problem's code and its title: the one mapping.
    pub fn status(&self) -> (StatusCode, &'static str, &'static str) {
        match self {
            Refusal::Malformed(_) => (StatusCode::BAD_REQUEST, "malformed-request", "Malformed request"),
            Refusal::BadQuery(_) => (StatusCode::BAD_REQUEST, "bad-query", "Bad query parameter"),
            Refusal::TooLarge { .. } => {
                (StatusCode::PAYLOAD_TOO_LARGE, "too-large", "Request body too large")
            }
            Refusal::Signature(SignatureFault::DoesNotVerify) => {
                (StatusCode::FORBIDDEN, "bad-signature", "Signature does not verify")
            }
            Refusal::Signature(_) => {
                (StatusCode::BAD_REQUEST, "malformed-signature", "Malformed key or signature")
            }
            Refusal::UnknownKey { .. } => (StatusCode::FORBIDDEN, "unknown-key", "Unknown key"),
            Refusal::WrongParty { .. } => (StatusCode::FORBIDDEN, "wrong-party", "Key of another party"),
            Refusal::Library(answer) => {
                (library_status(answer.kind), library_code(answer.kind), "Refused by the agreement's rules")
            }
            Refusal::Stale { .. } => (StatusCode::CONFLICT, "stale-version", "Stale expected version"),
            Refusal::UnknownAgreement { .. } => {
                (StatusCode::NOT_FOUND, "unknown-agreement", "Unknown agreement")
            }
            Refusal::NoRoute(_) => (StatusCode::NOT_FOUND, "no-route", "No such resource"),
            Refusal::Proof(_) => (StatusCode::BAD_REQUEST, "bad-proof-range", "No proof for these sizes"),
            Refusal::Storage(_) => (StatusCode::INTERNAL_SERVER_ERROR, "storage", "Storage failed"),
        }
    }

    /// The problem document.
    pub fn problem(&self) -> Problem {
        let (status, code, title) = self.status();
        let mut problem = Problem {
            type_: format!("/problems/{code}"),
            title,
            status: status.as_u16(),
            detail: self.to_string(),
            kind: None,
            field: None,
            event: None,
            help: None,
            diagnostics: Vec::new(),
            current_version: None,
        };
        match self {
            Refusal::Library(answer) => {
                problem.kind = Some(answer.kind);
                problem.field = answer.field;
                problem.event = answer.event;
                problem.help = answer.help.clone();
                problem.diagnostics = answer.diagnostics.clone();
            }
            Refusal::Stale { current, .. } => {
                problem.current_version = Some(*current);
                problem.help =
                    Some("read the version (GET /api/agreements/ID), sign again for it, and resubmit".into());
            }
            Refusal::WrongParty { .. } | Refusal::UnknownKey { .. } => {
                problem.help = Some(
                    "sign with the key registered for the event's actor (`detente keygen --party ACTOR`)"
                        .into(),
                );
            }
            _ => {}
        }
        problem
    }
}

/// The problem code of each of the library's error kinds.
fn library_code(kind: &str) -> &'static str {
    match kind {
        "invalid_event" => "invalid-event",
        "invalid_agreement" => "invalid-agreement",
        "invalid_request" => "invalid-request",
        "invalid_game" => "invalid-game",
        "not_found" => "not-found",
        "beyond_limits" => "beyond-limits",
        "cancelled" => "cancelled",
        _ => "internal",
    }
}

impl From<detente::Error> for Refusal {
    fn from(error: detente::Error) -> Refusal {
        Refusal::Library(detente::json::error_answer(error))
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let problem = self.problem();
        let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        (status, [(header::CONTENT_TYPE, "application/problem+json")], body).into_response()
    }
}
