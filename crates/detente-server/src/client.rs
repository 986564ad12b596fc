//! A small blocking client for `detente submit`: reads the log's version, signs the
//! event for it, and posts it.

use detente::EventRecord;

use crate::keys::PartyKey;
use crate::signing::Submission;

/// Why a submission was not acknowledged.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The server could not be reached, or answered something unreadable.
    #[error("{url}: {message}")]
    Transport {
        /// The URL.
        url: String,
        /// What failed.
        message: String,
    },
    /// The server refused: its status and problem document.
    #[error("the server refused ({status}): {body}")]
    Refused {
        /// The HTTP status.
        status: u16,
        /// The problem document.
        body: String,
    },
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).build().into()
}

fn fetch(agent: &ureq::Agent, url: &str, body: Option<&str>) -> Result<(u16, String), ClientError> {
    let transport = |e: ureq::Error| ClientError::Transport { url: url.into(), message: e.to_string() };
    let mut response = match body {
        None => agent.get(url).call().map_err(transport)?,
        Some(body) => {
            agent.post(url).header("content-type", "application/json").send(body).map_err(transport)?
        }
    };
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().map_err(transport)?;
    Ok((status, text))
}

/// Signs `event` with `key` for the log's current version of `agreement` on the server
/// at `base` (`http://HOST:PORT`), posts it, and returns the receipt (JSON text).
pub fn submit(
    base: &str,
    agreement: &str,
    key: &PartyKey,
    event: EventRecord,
) -> Result<String, ClientError> {
    let agent = agent();
    let base = base.trim_end_matches('/');
    let url = format!("{base}/api/agreements/{agreement}");
    let (status, text) = fetch(&agent, &url, None)?;
    if status != 200 {
        return Err(ClientError::Refused { status, body: text });
    }
    let summary: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| ClientError::Transport { url: url.clone(), message: e.to_string() })?;
    let version = summary["version"].as_u64().ok_or_else(|| ClientError::Transport {
        url: url.clone(),
        message: "the answer has no `version`".into(),
    })?;
    let submission = Submission::sign(&key.key, agreement, version, event);
    let body = serde_json::to_string(&submission)
        .map_err(|e| ClientError::Transport { url: url.clone(), message: e.to_string() })?;
    let url = format!("{url}/events");
    let (status, text) = fetch(&agent, &url, Some(&body))?;
    // 200: these very bytes were recorded already (only a retry of a signed body).
    if status != 201 && status != 200 {
        return Err(ClientError::Refused { status, body: text });
    }
    Ok(text)
}
