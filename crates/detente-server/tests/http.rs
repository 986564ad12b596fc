//! The server in process, over its HTTP API: a real agreement's history appended by its
//! parties and its inspectorate, each with its own key; every bad input refused with its
//! status and problem document, writing nothing; receipts and proofs checked; edited
//! rows detected.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use detente::{Agreement, EventRecord, History};
use detente_server::export::{self, Export};
use detente_server::keys::Keyring;
use detente_server::merkle::{self, Checkpoint};
use detente_server::store::SqliteStore;
use detente_server::{api, Server, Signer, StartError, Submission, Tampered};
use ed25519_dalek::SigningKey;
use serde_json::{json, Value};
use tower::ServiceExt as _;

const SPEC: &str = "../../scenarios/six-party-2007.toml";
const LOG: &str = "../../scenarios/six-party-2007.events.jsonl";
const ID: &str = "six-party-2007";
/// Four parties and the inspectorate, each with its own key.
const SIGNERS: [&str; 5] = ["dprk", "usa", "rok", "prc", "iaea"];

fn key_of(party: &str) -> SigningKey {
    let n = SIGNERS.iter().position(|p| *p == party).unwrap() as u8;
    SigningKey::from_bytes(&[n + 1; 32])
}

fn keyring() -> Keyring {
    let mut ring = Keyring::default();
    for party in SIGNERS {
        ring.add_party(party.into(), &key_of(party).verifying_key()).unwrap();
    }
    ring.add_server("detente".into(), signer().public());
    ring
}

fn signer() -> Signer {
    Signer { name: "detente".into(), key: SigningKey::from_bytes(&[42; 32]) }
}

fn agreement() -> Agreement {
    detente_server::read_agreement(Path::new(SPEC)).unwrap()
}

fn events() -> Vec<EventRecord> {
    std::fs::read_to_string(LOG).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// A fresh database file, removed (with its WAL) when dropped.
struct Db(PathBuf);

impl std::ops::Deref for Db {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
    }
}

fn database() -> Db {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir();
    let name =
        format!("detente-server-test-{}-{}.sqlite", std::process::id(), N.fetch_add(1, Ordering::SeqCst));
    let db = Db(dir.join(name));
    drop(Db(db.0.clone()));
    db
}

fn url(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

async fn open(path: &Path) -> Result<Arc<Server>, StartError> {
    let store = SqliteStore::open(&url(path)).await.unwrap();
    Server::open(vec![agreement()], Box::new(store), keyring(), signer()).await.map(Arc::new)
}

async fn call(server: &Arc<Server>, method: &str, uri: &str, body: Vec<u8>) -> (StatusCode, String, Value) {
    let request = Request::builder().method(method).uri(uri).body(Body::from(body)).unwrap();
    let response = api::router(server.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let kind =
        response.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    let value =
        serde_json::from_slice(&bytes).unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into()));
    (status, kind, value)
}

fn signed(party: &str, version: u64, event: EventRecord) -> Vec<u8> {
    serde_json::to_vec(&Submission::sign(&key_of(party), ID, version, event)).unwrap()
}

async fn post(server: &Arc<Server>, body: Vec<u8>) -> (StatusCode, String, Value) {
    call(server, "POST", &format!("/api/agreements/{ID}/events"), body).await
}

async fn rows(path: &Path) -> i64 {
    let pool = sqlx::SqlitePool::connect(&url(path)).await.unwrap();
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM events").fetch_one(&pool).await.unwrap();
    pool.close().await;
    n
}

/// The facade JSON layer's answer to `operation` for the scenario and `events`.
fn facade(operation: &str, events: &[EventRecord], extra: Value) -> Value {
    let mut request = json!({
        "agreement": { "name": SPEC, "text": std::fs::read_to_string(SPEC).unwrap() },
        "events": events,
    });
    for (k, v) in extra.as_object().unwrap() {
        request[k] = v.clone();
    }
    let answer: Value = serde_json::from_str(&detente::json::call(operation, &request.to_string())).unwrap();
    answer["ok"].clone()
}

/// Appends the whole history, each event signed by its actor; returns the receipts.
async fn append_history(server: &Arc<Server>) -> Vec<Value> {
    let mut receipts = Vec::new();
    for (i, event) in events().into_iter().enumerate() {
        let actor = event.actor.clone().unwrap();
        let (status, kind, receipt) = post(server, signed(&actor, i as u64, event)).await;
        assert_eq!(status, StatusCode::CREATED, "event {i}: {receipt}");
        assert_eq!(kind, "application/json");
        receipts.push(receipt);
    }
    receipts
}

#[tokio::test]
async fn parties_and_inspectorate_build_the_record_the_library_replays() {
    let path = database();
    let server = open(&path).await.unwrap();
    let receipts = append_history(&server).await;
    let events = events();
    assert_eq!(rows(&path).await, events.len() as i64);
    let actors: std::collections::BTreeSet<_> = events.iter().map(|e| e.actor.clone().unwrap()).collect();
    assert!(actors.len() >= 4, "{actors:?}");

    // Every state, timeline and explanation is the library's for the same events.
    for at in ["2007-02-13", "2007-07-15", "2007-10-31", "2008-06-30", "2009-12-31"] {
        let (status, _, state) =
            call(&server, "GET", &format!("/api/agreements/{ID}/state?at={at}"), vec![]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(state, facade("state", &events, json!({ "at": at })), "state at {at}");
    }
    let (_, _, timeline) =
        call(&server, "GET", &format!("/api/agreements/{ID}/timeline?to=2009-12-31"), vec![]).await;
    assert_eq!(timeline, facade("timeline", &events, json!({ "to": "2009-12-31" })));
    assert!(timeline.as_array().unwrap().len() > 5);
    let (_, _, why) =
        call(&server, "GET", &format!("/api/agreements/{ID}/explain?at=2008-01-01&id=shutdown"), vec![])
            .await;
    assert_eq!(why, facade("explain", &events, json!({ "at": "2008-01-01", "id": "shutdown" })));

    // Each receipt's inclusion proof leads to its signed checkpoint's root.
    let (_, _, record) = call(&server, "GET", &format!("/api/agreements/{ID}/events"), vec![]).await;
    assert_eq!(record["version"], events.len());
    let exported = export_of(&server).await;
    let mut roots = Vec::new();
    for (i, receipt) in receipts.iter().enumerate() {
        assert_eq!(receipt["index"], i);
        let checkpoint =
            Checkpoint::open(receipt["checkpoint"].as_str().unwrap(), "detente", &signer().public()).unwrap();
        assert_eq!(checkpoint.size, i as u64 + 1);
        let proof: Vec<String> = serde_json::from_value(receipt["inclusion_proof"].clone()).unwrap();
        let leaf = exported.entries[i].submission.as_bytes();
        merkle::verify_inclusion(leaf, i as u64, &proof, &checkpoint.root, checkpoint.size).unwrap();
        assert!(merkle::verify_inclusion(
            b"another leaf",
            i as u64,
            &proof,
            &checkpoint.root,
            checkpoint.size
        )
        .is_err());
        roots.push(checkpoint.root);
    }
    // Consistency proofs between sizes verify against the receipts' roots.
    for (from, to) in [(1u64, 20u64), (3, 20), (7, 13), (20, 20), (5, 6)] {
        let uri = format!("/api/agreements/{ID}/proof/consistency?from={from}&to={to}");
        let (status, _, answer) = call(&server, "GET", &uri, vec![]).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let proof: Vec<String> = serde_json::from_value(answer["proof"].clone()).unwrap();
        let (old, new) = (roots[from as usize - 1], roots[to as usize - 1]);
        merkle::verify_consistency(&old, from, &new, to, &proof).unwrap();
        if from < to {
            assert!(merkle::verify_consistency(&[0xAB; 32], from, &new, to, &proof).is_err());
        }
    }
    let (status, kind, problem) =
        call(&server, "GET", &format!("/api/agreements/{ID}/proof/consistency?from=0&to=3"), vec![]).await;
    assert_eq!(
        (status, kind.as_str(), problem["status"].as_u64()),
        (StatusCode::BAD_REQUEST, "application/problem+json", Some(400))
    );

    // The export verifies offline, and its state is the library's.
    let verified = export::verify(&exported, &agreement(), &keyring()).unwrap();
    assert_eq!(verified.size, 20);
    let at = verified.state_as_of.clone();
    assert_eq!(exported.state, facade("state", &events, json!({ "at": at })));

    // A restart rebuilds the same record.
    drop(server);
    let again = open(&path).await.unwrap();
    assert_eq!(export_of(&again).await.checkpoint, exported.checkpoint);
}

async fn export_of(server: &Arc<Server>) -> Export {
    let (status, _, value) = call(server, "GET", &format!("/api/agreements/{ID}/export"), vec![]).await;
    assert_eq!(status, StatusCode::OK);
    serde_json::from_value(value).unwrap()
}

#[tokio::test]
async fn every_bad_input_is_a_problem_and_writes_nothing() {
    let path = database();
    let server = open(&path).await.unwrap();
    let history = events();
    let first = history[0].clone();
    let (status, _, _) = post(&server, signed("rok", 0, first.clone())).await;
    assert_eq!(status, StatusCode::CREATED);

    let mut tampered: Value = serde_json::from_slice(&signed("dprk", 1, history[1].clone())).unwrap();
    tampered["event"]["date"] = json!("2007-07-15");
    let not_allowed = EventRecord {
        date: Some("2007-07-20".into()),
        actor: Some("rok".into()),
        kind: Some("verified".into()),
        subject: Some("shutdown".into()),
        ..EventRecord::default()
    };
    let before_adoption = EventRecord { date: Some("2006-01-01".into()), ..history[1].clone() };
    let stranger = SigningKey::from_bytes(&[99; 32]);
    let unknown = serde_json::to_vec(&Submission::sign(&stranger, ID, 1, history[1].clone())).unwrap();
    let big = vec![b' '; api::MAX_SUBMISSION_BYTES + 1];
    let cases: Vec<(&str, Vec<u8>, StatusCode, &str)> = vec![
        ("not JSON", b"{\"event\": ".to_vec(), StatusCode::BAD_REQUEST, "malformed-request"),
        (
            "a field missing",
            br#"{"event": {}, "expected_version": 1}"#.to_vec(),
            StatusCode::BAD_REQUEST,
            "malformed-request",
        ),
        (
            "an unknown field",
            {
                let mut v: Value = serde_json::from_slice(&signed("dprk", 1, history[1].clone())).unwrap();
                v["extra"] = json!(1);
                serde_json::to_vec(&v).unwrap()
            },
            StatusCode::BAD_REQUEST,
            "malformed-request",
        ),
        ("an edited event", serde_json::to_vec(&tampered).unwrap(), StatusCode::FORBIDDEN, "bad-signature"),
        ("an unknown key", unknown, StatusCode::FORBIDDEN, "unknown-key"),
        ("another party's key", signed("usa", 1, history[1].clone()), StatusCode::FORBIDDEN, "wrong-party"),
        (
            "an actor not allowed the kind",
            signed("rok", 1, not_allowed),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-event",
        ),
        (
            "a date before adoption",
            signed("dprk", 1, before_adoption),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-event",
        ),
        (
            "the same id again",
            signed("rok", 1, first.clone()),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-event",
        ),
        ("a stale version", signed("dprk", 0, history[1].clone()), StatusCode::CONFLICT, "stale-version"),
        ("a version ahead", signed("dprk", 5, history[1].clone()), StatusCode::CONFLICT, "stale-version"),
        ("an oversized body", big, StatusCode::PAYLOAD_TOO_LARGE, "too-large"),
    ];
    for (what, body, expected, code) in cases {
        let (status, kind, problem) = post(&server, body).await;
        assert_eq!(status, expected, "{what}: {problem}");
        assert_eq!(kind, "application/problem+json", "{what}");
        assert_eq!(problem["type"], format!("/problems/{code}"), "{what}: {problem}");
        assert_eq!(problem["status"], expected.as_u16(), "{what}");
        assert!(problem["title"].is_string() && problem["detail"].is_string(), "{what}");
        assert_eq!(rows(&path).await, 1, "{what} wrote a row");
    }
    // The library's fields are kept.
    let (_, _, duplicate) = post(&server, signed("rok", 1, first.clone())).await;
    assert_eq!(duplicate["field"], "id");
    assert_eq!(duplicate["kind"], "invalid_event");
    let (_, _, stale) = post(&server, signed("dprk", 0, history[1].clone())).await;
    assert_eq!(stale["current_version"], 1);

    // Unknown agreements and routes, bad queries, unknown items.
    let other = signed("dprk", 1, history[1].clone());
    let (status, _, problem) = call(&server, "POST", "/api/agreements/nowhere/events", other).await;
    assert_eq!(
        (status, problem["type"].as_str()),
        (StatusCode::NOT_FOUND, Some("/problems/unknown-agreement"))
    );
    for (uri, expected) in [
        (format!("/api/agreements/{ID}/state"), StatusCode::BAD_REQUEST),
        (format!("/api/agreements/{ID}/state?at=2008-13-01"), StatusCode::BAD_REQUEST),
        (format!("/api/agreements/{ID}/explain?at=2008-01-01&id=shutdwn"), StatusCode::NOT_FOUND),
        (format!("/api/agreements/{ID}/state?at=2008-01-01&reading=usa"), StatusCode::NOT_FOUND),
        (format!("/api/agreements/{ID}/proof/consistency?from=1&to=2"), StatusCode::BAD_REQUEST),
        ("/api/nothing".to_string(), StatusCode::NOT_FOUND),
    ] {
        let (status, kind, problem) = call(&server, "GET", &uri, vec![]).await;
        assert_eq!(status, expected, "{uri}: {problem}");
        assert_eq!(kind, "application/problem+json", "{uri}");
    }
    let (_, _, unknown_item) =
        call(&server, "GET", &format!("/api/agreements/{ID}/explain?at=2008-01-01&id=shutdwn"), vec![]).await;
    assert_eq!(unknown_item["help"], "did you mean `shutdown`?");
    assert_eq!(rows(&path).await, 1);

    // The same bytes again (a client retrying after a lost acknowledgement) get their
    // receipt, and write nothing.
    let (status, _, receipt) = post(&server, signed("rok", 0, first.clone())).await;
    assert_eq!(status, StatusCode::OK, "{receipt}");
    assert_eq!(receipt["index"], 0);
    assert_eq!(rows(&path).await, 1);

    // The next version is accepted.
    let (status, _, _) = post(&server, signed("dprk", 1, history[1].clone())).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(rows(&path).await, 2);
}

#[tokio::test]
async fn a_late_report_takes_its_place_in_date_order() {
    let path = database();
    let server = open(&path).await.unwrap();
    let history = events();
    // The first event arrives last: dated before every other, it is back-dated.
    let mut arrival: Vec<EventRecord> = history[1..6].to_vec();
    arrival.push(history[0].clone());
    let late_date = history[0].date.clone().unwrap();
    assert!(arrival[..5].iter().any(|e| e.date.as_deref().unwrap() > late_date.as_str()));
    let mut receipt = Value::Null;
    for (i, event) in arrival.iter().enumerate() {
        let actor = event.actor.clone().unwrap();
        let (status, _, answer) = post(&server, signed(&actor, i as u64, event.clone())).await;
        assert_eq!(status, StatusCode::CREATED, "{answer}");
        receipt = answer;
    }
    assert_eq!(receipt["back_dated"], true);
    assert_eq!(receipt["index"], 5);
    assert!(receipt["position"].as_u64().unwrap() < 5);
    let mut expected = History::new(&agreement());
    for event in &arrival {
        expected.append(event.clone()).unwrap();
    }
    let (_, _, state) =
        call(&server, "GET", &format!("/api/agreements/{ID}/state?at=2007-12-31"), vec![]).await;
    let at = "2007-12-31".parse().unwrap();
    assert_eq!(state, serde_json::to_value(expected.state(at).unwrap()).unwrap());
    assert_eq!(state, facade("state", &arrival, json!({ "at": "2007-12-31" })));
}

#[tokio::test]
async fn check_is_the_json_layers() {
    let db = database();
    let server = open(&db).await.unwrap();
    let request =
        json!({ "agreement": { "name": "six.toml", "text": std::fs::read_to_string(SPEC).unwrap() } });
    let (status, _, answer) = call(&server, "POST", "/api/check", request.to_string().into_bytes()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer, facade_check(&request));
    assert_eq!(answer["valid"], true);
    let bad = json!({ "agreement": { "name": "bad.toml", "text": "[agreement]\nid = 3\n" } });
    let (status, _, answer) = call(&server, "POST", "/api/check", bad.to_string().into_bytes()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer["valid"], false);
    assert_eq!(answer, facade_check(&bad));
    let (status, kind, _) = call(&server, "POST", "/api/check", b"{".to_vec()).await;
    assert_eq!((status, kind.as_str()), (StatusCode::BAD_REQUEST, "application/problem+json"));
}

fn facade_check(request: &Value) -> Value {
    let answer: Value = serde_json::from_str(&detente::json::call("check", &request.to_string())).unwrap();
    answer["ok"].clone()
}

/// Runs SQL on the database file, as someone with access to it might.
async fn edit(path: &Path, sql: &str) {
    let pool = sqlx::SqlitePool::connect(&url(path)).await.unwrap();
    let done = sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).execute(&pool).await.unwrap();
    assert!(done.rows_affected() > 0, "{sql} changed nothing");
    pool.close().await;
}

async fn refused_row(path: &Path) -> u64 {
    match open(path).await {
        Err(StartError::Tampered(Tampered::Row { row, .. })) => row,
        Err(other) => panic!("refused for another reason: {other}"),
        Ok(_) => panic!("an edited store was served"),
    }
}

/// A store with the whole history, and its export, then closed.
async fn filled() -> (Db, Export) {
    let path = database();
    let server = open(&path).await.unwrap();
    append_history(&server).await;
    let exported = export_of(&server).await;
    drop(server);
    (path, exported)
}

#[tokio::test]
async fn an_edited_row_is_detected_at_restart_and_named() {
    // The submission edited: its leaf hash no longer matches.
    let (path, _) = filled().await;
    edit(
        &path,
        "UPDATE events SET submission = replace(submission, '2007-07-14', '2007-07-13') WHERE seq = 3",
    )
    .await;
    assert_eq!(refused_row(&path).await, 3);

    // The submission and its leaf hash edited together: the signature fails.
    let (path, _) = filled().await;
    let pool = sqlx::SqlitePool::connect(&url(&path)).await.unwrap();
    let (text,): (String,) =
        sqlx::query_as("SELECT submission FROM events WHERE seq = 5").fetch_one(&pool).await.unwrap();
    pool.close().await;
    let edited = text.replacen("\"date\":\"2007", "\"date\":\"2008", 1);
    assert_ne!(edited, text);
    let hash = detente_server::signing::b64(&merkle::leaf_hash(edited.as_bytes()));
    edit(
        &path,
        &format!(
            "UPDATE events SET submission = '{}', leaf_hash = '{hash}' WHERE seq = 5",
            edited.replace('\'', "''")
        ),
    )
    .await;
    assert_eq!(refused_row(&path).await, 5);

    // The last row dropped (with its checkpoint, or not).
    let (path, _) = filled().await;
    edit(&path, "DELETE FROM events WHERE seq = 19").await;
    assert_eq!(refused_row(&path).await, 19);
    edit(&path, "DELETE FROM checkpoints WHERE size = 20").await;
    // Without the row's checkpoint the store is a consistent older log: what proves the
    // drop is a receipt or checkpoint a party holds (consistency from size 20 fails).
    assert!(open(&path).await.is_ok());

    // A row in the middle dropped.
    let (path, _) = filled().await;
    edit(&path, "DELETE FROM events WHERE seq = 7").await;
    assert_eq!(refused_row(&path).await, 7);

    // A checkpoint replaced by one not signed by the server.
    let (path, _) = filled().await;
    edit(&path, "UPDATE checkpoints SET note = replace(note, char(10) || '12' || char(10), char(10) || '13' || char(10)) WHERE size = 12").await;
    assert_eq!(refused_row(&path).await, 11);
}

#[tokio::test]
async fn an_edited_export_is_refused_with_the_entry() {
    let (_, exported) = filled().await;
    let ring = keyring();
    assert!(export::verify(&exported, &agreement(), &ring).is_ok());

    let mut edited = exported.clone();
    edited.entries[4].submission = edited.entries[4].submission.replace("2007-07", "2007-08");
    assert!(matches!(
        export::verify(&edited, &agreement(), &ring),
        Err(export::VerifyError::Entry { index: 4, .. })
    ));

    let mut dropped = exported.clone();
    dropped.entries.pop();
    assert!(export::verify(&dropped, &agreement(), &ring).is_err());

    let mut swapped = exported.clone();
    swapped.entries.swap(2, 3);
    assert!(export::verify(&swapped, &agreement(), &ring).is_err());

    let mut state = exported.clone();
    state.state["events_applied"] = json!(3);
    assert!(matches!(export::verify(&state, &agreement(), &ring), Err(export::VerifyError::State(_))));

    let mut other_server = Keyring::default();
    for party in SIGNERS {
        other_server.add_party(party.into(), &key_of(party).verifying_key()).unwrap();
    }
    other_server.add_server("detente".into(), SigningKey::from_bytes(&[43; 32]).verifying_key());
    assert!(matches!(
        export::verify(&exported, &agreement(), &other_server),
        Err(export::VerifyError::ServerKey(_))
    ));
}
