//! Webhooks as a user configures them: the seed articles ingested in two batches, so that
//! facts become corroborated or contested, POSTed to a loopback receiver with their
//! signature; a receiver that answers 500 first is retried, and `corroborate webhooks`
//! shows the log.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use corroborate_engine::Config;
use corroborate_fetch::local::{Reply, Request, Server};
use corroborate_model::{Dossier, Status};
use serde_json::Value;

use crate::corroborate;
use crate::service::ok;

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn seed_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(crate::examples())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

fn analyse(files: &[PathBuf]) -> Dossier {
    let read = corroborate_ingest::read_paths(files, &corroborate_ingest::Limits::default());
    corroborate_engine::run(read.articles, &Config::default(), &|_| {})
        .unwrap()
        .dossier
}

fn event_of(s: Status) -> Option<&'static str> {
    match s {
        Status::Corroborated => Some("corroborated"),
        Status::Contested => Some("contested"),
        Status::SingleSource => None,
    }
}

/// (fact, event, kind) of every change from `before` (None: an empty store) to `after` that
/// makes a fact corroborated or contested.
fn events(before: Option<&Dossier>, after: &Dossier) -> BTreeSet<(String, String, String)> {
    let mut out = BTreeSet::new();
    for f in &after.facts {
        let old = before.and_then(|b| b.facts.iter().find(|o| o.id == f.id));
        let kind = match old {
            None => "new_fact",
            Some(o) if o.status != f.status => "status_change",
            Some(_) => continue,
        };
        if let Some(e) = event_of(f.status) {
            out.insert((f.id.clone(), e.to_string(), kind.to_string()));
        }
    }
    out
}

#[test]
fn facts_that_become_corroborated_are_posted_signed_and_retried_after_a_500() {
    let files = seed_files();
    // the first split of the seeds after which a fact already stored changes status to
    // corroborated or contested
    let all = analyse(&files);
    let (split, first) = (1..files.len())
        .map(|k| (k, analyse(&files[..k])))
        .find(|(_, d)| {
            events(Some(d), &all)
                .iter()
                .any(|(_, _, kind)| kind == "status_change")
        })
        .expect("a split of the seeds changes a fact's status");
    let mut expected = events(None, &first);
    expected.extend(events(Some(&first), &all));
    eprintln!("seeds split after {split}: events {expected:?}");

    let received: Arc<Mutex<Vec<Request>>> = Arc::default();
    let log = received.clone();
    let receiver = Server::start(move |r: &Request| {
        let mut log = log.lock().unwrap();
        log.push(r.clone());
        // the very first POST fails: it must come again
        let status = if log.len() == 1 { 500 } else { 200 };
        Reply::new(status, "text/plain", "")
    })
    .unwrap();
    let dir = crate::tempdir("webhooks", "two-batches");
    let db = dir.join("news.db");
    let config = dir.join("config.json");
    let url = receiver.url("/hook");
    // a second webhook nobody answers: its delivery fails and waits an hour for its retry
    std::fs::write(
        &config,
        serde_json::json!({
            "webhooks": [
                {"url": url, "secret": "s3cret", "retry_secs": [0, 0]},
                {"url": "http://127.0.0.1:1/down", "events": ["contested"], "retry_secs": [3600]}
            ]
        })
        .to_string(),
    )
    .unwrap();
    for batch in [&files[..split], &files[split..]] {
        let mut args = vec!["ingest", "-q", "--db", s(&db), "--config", s(&config)];
        args.extend(batch.iter().map(|p| s(p)));
        ok(&corroborate(&args));
    }

    let received = received.lock().unwrap();
    assert!(received.len() >= 2, "{received:?}");
    let mut got = BTreeSet::new();
    let mut ids = Vec::new();
    for r in received.iter() {
        assert_eq!(r.method, "POST");
        assert_eq!(r.path, "/hook");
        assert_eq!(r.header("content-type"), Some("application/json"));
        let expected_signature = format!(
            "sha256={}",
            corroborate_fetch::hmac_sha256_hex(b"s3cret", &r.body)
        );
        assert_eq!(
            r.header("x-corroborate-signature"),
            Some(expected_signature.as_str())
        );
        let body: Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(r.header("x-corroborate-event"), body["event"].as_str());
        assert_eq!(
            body["story_path"],
            format!("/stories/{}", body["story"].as_str().unwrap())
        );
        let fact = all
            .facts
            .iter()
            .chain(&first.facts)
            .find(|f| f.id == body["fact"])
            .unwrap();
        assert_eq!(body["statement"], fact.statement.as_str());
        assert!(body["dossier_version"].as_i64().unwrap() >= 1);
        ids.push(r.header("x-corroborate-delivery").unwrap().to_string());
        got.insert((
            body["fact"].as_str().unwrap().to_string(),
            body["event"].as_str().unwrap().to_string(),
            body["kind"].as_str().unwrap().to_string(),
        ));
    }
    assert_eq!(got, expected);
    // one POST per delivery, plus the retry of the one answered 500
    assert_eq!(received.len(), expected.len() + 1);
    assert_eq!(
        ids.iter().filter(|i| **i == ids[0]).count(),
        2,
        "the delivery answered 500 comes again: {ids:?}"
    );

    let out = ok(&corroborate(&["webhooks", "--db", s(&db), "--json"]));
    let log: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ours: Vec<&Value> = log.iter().filter(|d| d["url"] == url.as_str()).collect();
    assert_eq!(ours.len(), expected.len());
    assert!(ours
        .iter()
        .all(|d| d["state"] == "delivered" && d["last_status"] == 200));
    let retried: Vec<&&Value> = ours.iter().filter(|d| d["attempts"] == 2).collect();
    assert_eq!(retried.len(), 1, "{out}");
    assert_eq!(retried[0]["id"].to_string(), ids[0]);
    let down: Vec<&Value> = log.iter().filter(|d| d["url"] != url.as_str()).collect();
    let contested = expected.iter().filter(|(_, e, _)| e == "contested").count();
    assert_eq!(down.len(), contested);
    for d in &down {
        assert_eq!(d["state"], "pending", "{out}");
        assert_eq!(d["attempts"], 1);
        assert!(d["last_error"].as_str().is_some_and(|e| !e.is_empty()));
        assert!(d["next_attempt_at"].as_str() > d["created_at"].as_str());
    }
    // the table names every delivery, with its state
    let table = ok(&corroborate(&["webhooks", "--db", s(&db)]));
    assert_eq!(table.lines().count(), log.len() + 1);
    assert!(table.starts_with("id\tstate\tevent\turl\t"), "{table}");
    assert_eq!(
        table
            .lines()
            .filter(|l| l.contains("\tdelivered\t"))
            .count(),
        expected.len()
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_unknown_field_in_a_webhook_is_an_error() {
    let dir = crate::tempdir("webhooks", "unknown");
    let config = dir.join("config.json");
    std::fs::write(
        &config,
        r#"{"webhooks": [{"url": "http://127.0.0.1:1/h", "sekret": "x"}]}"#,
    )
    .unwrap();
    let db = dir.join("news.db");
    let seeds = crate::examples();
    let out = corroborate(&[
        "ingest",
        "-q",
        "--db",
        s(&db),
        "--config",
        s(&config),
        s(&seeds),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("webhooks") && err.contains("sekret"), "{err}");
    // and the engine's own fields are still checked beside the section
    std::fs::write(&config, r#"{"webhooks": [], "clusterr": {}}"#).unwrap();
    let out = corroborate(&[
        "ingest",
        "-q",
        "--db",
        s(&db),
        "--config",
        s(&config),
        s(&seeds),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("clusterr"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn serve_delivers_the_events_of_posted_articles_from_its_background_thread() {
    let received: Arc<Mutex<Vec<Request>>> = Arc::default();
    let log = received.clone();
    let receiver = Server::start(move |r: &Request| {
        log.lock().unwrap().push(r.clone());
        Reply::new(204, "text/plain", "")
    })
    .unwrap();
    let dir = crate::tempdir("webhooks", "serve");
    let db = dir.join("news.db");
    let config = dir.join("config.json");
    std::fs::write(
        &config,
        serde_json::json!({"webhooks": [{"url": receiver.url("/hook"), "secret": "k"}]})
            .to_string(),
    )
    .unwrap();
    let files = seed_files();
    ok(&corroborate(&[
        "ingest",
        "-q",
        "--db",
        s(&db),
        "--config",
        s(&config),
        s(&files[0]),
    ]));
    let before = corroborate_store::Store::open_read_only(&db)
        .unwrap()
        .deliveries(100)
        .unwrap()
        .len();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_corroborate"));
    command.args([
        "serve",
        "--db",
        s(&db),
        "--addr",
        "127.0.0.1:0",
        "--config",
        s(&config),
    ]);
    let (mut server, addr) = crate::service::start_serve(command);
    for f in &files[1..] {
        let article = serde_json::json!({
            "id": f.file_stem().unwrap().to_str().unwrap(),
            "text": std::fs::read_to_string(f).unwrap(),
        });
        let (status, body) =
            crate::service::request(addr, "POST", "/api/articles", &article.to_string());
        assert_eq!(status, 201, "{body}");
    }
    // the deliverer looks every 2 s; give it 30
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let log = loop {
        let log = corroborate_store::Store::open_read_only(&db)
            .unwrap()
            .deliveries(100)
            .unwrap();
        let done = log.len() > before
            && log
                .iter()
                .all(|d| d.state == corroborate_store::DeliveryState::Delivered);
        if done || std::time::Instant::now() > deadline {
            break log;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    server.kill().unwrap();
    let _ = server.wait();
    assert!(
        log.len() > before,
        "the posts made no fact corroborated or contested"
    );
    assert!(
        log.iter()
            .all(|d| d.state == corroborate_store::DeliveryState::Delivered),
        "{log:?}"
    );
    let received = received.lock().unwrap();
    assert_eq!(received.len(), log.len());
    for r in received.iter() {
        let signature = format!(
            "sha256={}",
            corroborate_fetch::hmac_sha256_hex(b"k", &r.body)
        );
        assert_eq!(
            r.header("x-corroborate-signature"),
            Some(signature.as_str())
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}
