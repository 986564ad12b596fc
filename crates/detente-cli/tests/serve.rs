//! `detente serve` as a real child process: a kill -9 in the middle of a stream of
//! signed appends loses nothing acknowledged and leaves nothing half-written; keygen,
//! submit and `log verify` end to end.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use detente::EventRecord;
use detente_server::keys;
use detente_server::Submission;
use ed25519_dalek::SigningKey;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_detente");
const SPEC: &str = "../../scenarios/six-party-2007.toml";
const ID: &str = "six-party-2007";

fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("detente-serve-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("keys")).unwrap();
    dir
}

/// Starts `detente serve` on a free port; returns the child and its base URL.
fn start(dir: &Path) -> (Child, String) {
    let mut child = Command::new(BIN)
        .args(["serve", SPEC, "--addr", "127.0.0.1:0"])
        .arg("--database")
        .arg(format!("sqlite://{}", dir.join("detente.db").display()))
        .arg("--keys")
        .arg(dir.join("keys"))
        .arg("--server-key")
        .arg(dir.join("server.key"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim().strip_prefix("listening on ").unwrap_or_else(|| panic!("no address: {line:?}"));
    (child, url.to_string())
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into()
}

fn get(url: &str) -> Value {
    let mut response = agent().get(url).call().unwrap();
    serde_json::from_str(&response.body_mut().read_to_string().unwrap()).unwrap()
}

/// The `i`th event of the stream: the shutdown reported again, each with its own id
/// (valid whatever came before: repeats are kept as notes).
fn event(i: u64) -> EventRecord {
    EventRecord {
        date: Some("2007-07-14".into()),
        actor: Some("dprk".into()),
        kind: Some("performed".into()),
        subject: Some("shutdown".into()),
        id: Some(format!("report-{i}")),
        ..EventRecord::default()
    }
}

#[test]
fn a_kill_9_mid_stream_loses_no_acknowledged_append() {
    let dir = workdir("kill");
    let key = SigningKey::from_bytes(&[5; 32]);
    keys::write_public(&dir.join("keys/dprk.pub"), Some("dprk"), None, &key.verifying_key()).unwrap();
    let (mut child, url) = start(&dir);

    // One client streams appends, recording each acknowledged one, until the server dies.
    let acked: Arc<Mutex<Vec<(u64, String)>>> = Arc::default();
    let sent = Arc::new(AtomicU64::new(0));
    let last: Arc<Mutex<String>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let streamer = {
        let (acked, sent, stop, url, last) =
            (acked.clone(), sent.clone(), stop.clone(), url.clone(), last.clone());
        std::thread::spawn(move || {
            let agent = agent();
            let post = format!("{url}/api/agreements/{ID}/events");
            for i in 0.. {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let body = serde_json::to_string(&Submission::sign(&key, ID, i, event(i))).unwrap();
                sent.store(i + 1, Ordering::SeqCst);
                *last.lock().unwrap() = body.clone();
                let Ok(mut response) =
                    agent.post(&post).header("content-type", "application/json").send(&body)
                else {
                    break;
                };
                let status = response.status().as_u16();
                let Ok(text) = response.body_mut().read_to_string() else { break };
                assert_eq!(status, 201, "append {i}: {text}");
                acked.lock().unwrap().push((i, body));
            }
        })
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while acked.lock().unwrap().len() < 40 {
        assert!(Instant::now() < deadline, "the stream did not start");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    stop.store(true, Ordering::SeqCst);
    streamer.join().unwrap();
    let acked = acked.lock().unwrap().clone();
    let sent = sent.load(Ordering::SeqCst);

    // The restarted server re-checks every row and every checkpoint (it refuses to start
    // on a half-written or edited store), and holds every acknowledged append as sent.
    let (mut child, url) = start(&dir);
    let record = get(&format!("{url}/api/agreements/{ID}/events"));
    let stored = record["events"].as_array().unwrap();
    eprintln!("killed after {} acknowledged and {sent} sent; {} stored", acked.len(), stored.len());
    assert!(stored.len() >= acked.len(), "{} stored, {} acknowledged", stored.len(), acked.len());
    assert!(stored.len() as u64 <= sent, "more stored than sent");
    for (i, body) in &acked {
        let sent: Value = serde_json::from_str(body).unwrap();
        assert_eq!(stored[*i as usize]["event"], sent["event"], "append {i}");
        assert_eq!(stored[*i as usize]["signature"], sent["signature"], "append {i}");
    }
    let summary = get(&format!("{url}/api/agreements/{ID}"));
    assert_eq!(summary["version"], stored.len());
    assert!(summary["checkpoint"].as_str().unwrap().contains(&format!("\n{}\n", stored.len())));

    // The client retries the last submission it sent: recorded already (the kill came
    // after its commit), it gets its receipt (200); if not, it is appended now (201).
    let last = last.lock().unwrap().clone();
    assert!(stored.len() as u64 + 1 >= sent, "at most one append in flight");
    let mut response = agent()
        .post(&format!("{url}/api/agreements/{ID}/events"))
        .header("content-type", "application/json")
        .send(&last)
        .unwrap();
    let expected = if stored.len() as u64 == sent { 200 } else { 201 };
    assert_eq!(response.status().as_u16(), expected, "{}", response.body_mut().read_to_string().unwrap());
    let summary = get(&format!("{url}/api/agreements/{ID}"));
    assert_eq!(summary["version"], sent);
    child.kill().unwrap();
    child.wait().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn keygen_submit_and_log_verify_end_to_end() {
    let dir = workdir("cli");
    let keys_dir = dir.join("keys");
    for party in ["dprk", "iaea"] {
        let out = Command::new(BIN)
            .args(["keygen", "--party", party, "--out"])
            .arg(keys_dir.join(format!("{party}.key")))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).starts_with(&format!("{party} ")));
    }
    // keygen never overwrites a key.
    let again = Command::new(BIN)
        .args(["keygen", "--party", "dprk", "--out"])
        .arg(keys_dir.join("dprk.key"))
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));

    let (mut child, url) = start(&dir);
    let events = [
        r#"{"id": "shutdown", "date": "2007-07-14", "actor": "dprk", "kind": "performed", "subject": "shutdown"}"#,
        r#"{"date": "2007-07-18", "actor": "iaea", "kind": "verified", "subject": "shutdown"}"#,
    ];
    for (i, text) in events.iter().enumerate() {
        let file = dir.join(format!("event{i}.json"));
        std::fs::write(&file, text).unwrap();
        let actor = if i == 0 { "dprk" } else { "iaea" };
        let out = Command::new(BIN)
            .args(["submit", "--server", &url, "--agreement", ID, "--key"])
            .arg(keys_dir.join(format!("{actor}.key")))
            .arg(&file)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let receipt: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(receipt["index"], i);
    }
    // The inspectorate cannot sign for the state it inspects.
    let out = Command::new(BIN)
        .args(["submit", "--server", &url, "--agreement", ID, "--key"])
        .arg(keys_dir.join("iaea.key"))
        .arg(dir.join("event0.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("wrong-party"));

    let mut response = agent().get(&format!("{url}/api/agreements/{ID}/export")).call().unwrap();
    let export = response.body_mut().read_to_string().unwrap();
    child.kill().unwrap();
    child.wait().unwrap();

    // The verifier holds the parties' keys and the server's checkpoint key.
    std::fs::copy(dir.join("server.pub"), keys_dir.join("server.pub")).unwrap();
    let path = dir.join("export.json");
    std::fs::write(&path, &export).unwrap();
    let verify = |path: &Path| {
        Command::new(BIN)
            .args(["log", "verify"])
            .arg(path)
            .arg("--keys")
            .arg(&keys_dir)
            .args(["--spec", SPEC])
            .output()
            .unwrap()
    };
    let out = verify(&path);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("verified six-party-2007: 2 events"));

    let edited = dir.join("edited.json");
    std::fs::write(&edited, export.replace("2007-07-18", "2007-07-17")).unwrap();
    let out = verify(&edited);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("entry 1"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
