//! `ingest`, `export` and `synth` as a user runs them: incremental and idempotent ingest,
//! exports of a stored story in every format, equal to what `analyze` says.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub use crate::corroborate;
use corroborate_store::Store;

pub fn tempdir(tag: &str) -> PathBuf {
    crate::tempdir("svc", tag)
}

pub fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn ingest_is_idempotent_and_export_equals_analyze() {
    let dir = tempdir("idem");
    let db = dir.join("news.db");
    let seeds = crate::examples();
    let first = ok(&corroborate(&["ingest", "-q", "--db", s(&db), s(&seeds)]));
    assert_eq!(
        first.lines().filter(|l| l.starts_with("stored ")).count(),
        5
    );
    let exported = ok(&corroborate(&[
        "export",
        "--db",
        s(&db),
        "--format",
        "json",
    ]));
    let second = ok(&corroborate(&["ingest", "-q", "--db", s(&db), s(&seeds)]));
    assert_eq!(
        second, "dossier 1\n",
        "a re-run stores nothing and keeps the dossier"
    );
    let again = ok(&corroborate(&[
        "export",
        "--db",
        s(&db),
        "--format",
        "json",
    ]));
    assert_eq!(exported, again);
    let analyzed = ok(&corroborate(&["analyze", "--format", "json", s(&seeds)]));
    assert_eq!(
        exported, analyzed,
        "the stored dossier is the batch dossier"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn articles_ingested_later_join_the_existing_story_with_a_stable_id() {
    let dir = tempdir("incr");
    let db = dir.join("news.db");
    let seeds = crate::examples();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&seeds)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    ok(&corroborate(&[
        "ingest",
        "-q",
        "--db",
        s(&db),
        s(&files[0]),
        s(&files[1]),
    ]));
    let before = Store::open(&db).unwrap().dossier().unwrap();
    let story = before.stories[0].id.clone();
    // Same paths as the full run, so `source` matches too.
    let rest: Vec<&str> = files[2..].iter().map(|p| s(p)).collect();
    let mut args = vec!["ingest", "-q", "--db", s(&db)];
    args.extend(rest);
    ok(&corroborate(&args));
    let after = Store::open(&db).unwrap().dossier().unwrap();
    assert_eq!(after.stories.len(), 1);
    assert_eq!(after.stories[0].id, story, "the story keeps its id");
    assert_eq!(after.stories[0].articles.len(), 5);
    let all: Vec<&str> = files.iter().map(|p| s(p)).collect();
    let mut args = vec!["analyze", "--format", "json"];
    args.extend(all);
    let batch: corroborate_model::Dossier = serde_json::from_str(&ok(&corroborate(&args))).unwrap();
    assert_eq!(after, batch, "ingest in two steps gives the batch dossier");
    let _ = std::fs::remove_dir_all(dir);
}

/// A fresh folder (`tag`) with a database holding the examples, ingested: (folder, db).
fn examples_db(tag: &str) -> (PathBuf, PathBuf) {
    let dir = tempdir(tag);
    let db = dir.join("news.db");
    ok(&corroborate(&[
        "ingest",
        "-q",
        "--db",
        s(&db),
        s(&crate::examples()),
    ]));
    (dir, db)
}

#[test]
fn export_of_a_merged_story_id_exports_the_story_holding_its_articles() {
    let (dir, db) = examples_db("moved");
    let mut store = Store::open(&db).unwrap();
    let mut d = store.dossier().unwrap();
    let old = d.stories[0].id.clone();
    // as if a later analysis had merged the story into an older one
    d.stories[0].id = "s-000000000001".into();
    d.stories[0].merged = vec![old.clone()];
    let (_, seq) = store.articles_for_analysis().unwrap();
    assert!(store.replace_analysis(&d, seq + 1).unwrap());
    let out = corroborate(&[
        "export",
        "--db",
        s(&db),
        "--story",
        &old,
        "--format",
        "json",
    ]);
    let json: corroborate_model::Dossier = serde_json::from_str(&ok(&out)).unwrap();
    assert_eq!(json.stories[0].id, "s-000000000001");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("story {old} was merged into s-000000000001")),
        "{stderr}"
    );
    let out = corroborate(&["export", "--db", s(&db), "--story", "s-ffffffffffff"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no story with id"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn export_renders_a_story_in_every_format() {
    let (dir, db) = examples_db("export");
    let story = Store::open(&db).unwrap().dossier().unwrap().stories[0]
        .id
        .clone();
    let export = |format: &str| {
        ok(&corroborate(&[
            "export",
            "--db",
            s(&db),
            "--story",
            &story,
            "--format",
            format,
        ]))
    };
    let json: corroborate_model::Dossier = serde_json::from_str(&export("json")).unwrap();
    assert_eq!(json.stories[0].id, story);
    assert!(export("markdown").contains("# Story: Syria foils"));
    let html = export("html");
    assert!(html.starts_with("<!doctype html>") && html.contains("<mark>"));
    let csv = export("csv");
    assert!(csv.starts_with("fact,story,status,independent_sources"));
    assert_eq!(csv.lines().count(), json.facts.len() + 1);
    let prov: serde_json::Value = serde_json::from_str(&export("prov")).unwrap();
    let copy = &json.copies[0];
    let derived = prov["wasDerivedFrom"].as_object().unwrap();
    assert!(derived.values().any(|r| r["prov:generatedEntity"]
        == format!("cor:article/{}", copy.article)
        && r["prov:usedEntity"] == format!("cor:article/{}", copy.of)));
    assert!(prov["hadPrimarySource"]
        .as_object()
        .unwrap()
        .values()
        .any(|r| r["prov:usedEntity"] == "cor:source/Reuters"));
    let jsonld: serde_json::Value = serde_json::from_str(&export("jsonld")).unwrap();
    assert_eq!(jsonld["@context"], "https://schema.org");
    assert_eq!(jsonld["@graph"].as_array().unwrap().len(), json.facts.len());
    let missing = corroborate(&["export", "--db", s(&db), "--story", "s-nope"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("s-nope"));
    let no_db = corroborate(&["export", "--db", s(&dir.join("absent.db"))]);
    assert_eq!(no_db.status.code(), Some(2));
    assert!(
        !dir.join("absent.db").exists(),
        "export never creates a database"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_default_database_lives_under_xdg_data_home() {
    let dir = tempdir("xdg");
    let out = Command::new(env!("CARGO_BIN_EXE_corroborate"))
        .args(["ingest", "-q", s(&crate::examples())])
        .env("XDG_DATA_HOME", &dir)
        .output()
        .unwrap();
    ok(&out);
    assert!(dir.join("corroborate").join("corroborate.db").exists());
    let _ = std::fs::remove_dir_all(dir);
}

/// `bench-serve` builds its synthetic database (in slices, merged), serves it, and every
/// one of its requests gets a 200 from the server through the client.
#[test]
fn bench_serve_builds_a_database_serves_it_and_times_every_request() {
    let dir = tempdir("bench-serve");
    let db = dir.join("bench.db");
    let out = ok(&corroborate(&[
        "bench-serve",
        s(&crate::examples()),
        "--db",
        s(&db),
        "--articles",
        "20",
        "--analysis-slice",
        "10",
        "--connections",
        "3",
        "--requests",
        "30",
    ]));
    assert!(out.contains("stored 20 articles"), "{out}");
    let stories = Store::open(&db).unwrap().health().unwrap().stories;
    assert!(
        stories >= 4,
        "20 synthetic articles make 4 stories or more: {out}"
    );
    assert!(
        out.contains(&format!(
            "GET /api/stories/{{id}}: 30 requests, 3 connections, {stories} stories"
        )),
        "{out}"
    );
    assert!(out.contains("latency ms: p50 "), "{out}");
    let _ = std::fs::remove_dir_all(dir);
}

/// `corroborate ARGS` run by bash with a file-size limit of `kib` KiB (SIGXFSZ ignored, so
/// a write past it fails like one on a full disk).
fn with_file_size_limit(kib: u32, args: &[&str]) -> Command {
    let mut c = Command::new("bash");
    c.arg("-c")
        .arg(format!("trap '' XFSZ; ulimit -f {kib}; exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_corroborate"))
        .args(args);
    c
}

/// `serve` started by `command` (with `--addr 127.0.0.1:0`), and the address it printed.
pub(crate) fn start_serve(mut command: Command) -> (std::process::Child, std::net::SocketAddr) {
    use std::io::BufRead;
    let mut child = command
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut said = String::new();
    for line in std::io::BufReader::new(stderr).lines() {
        let line = line.unwrap();
        said.push_str(&line);
        said.push('\n');
        if let Some(addr) = line.split("http://").nth(1) {
            return (child, addr.trim_end_matches('/').parse().unwrap());
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("serve did not start: {said}");
}

/// One HTTP/1.1 request, its status and body.
pub(crate) fn request(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    body: &str,
) -> (u16, String) {
    use std::io::{Read, Write};
    let mut c = std::net::TcpStream::connect(addr).unwrap();
    c.set_read_timeout(Some(std::time::Duration::from_secs(60)))
        .unwrap();
    write!(
        c,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    c.read_to_string(&mut answer).unwrap();
    let status = answer[9..12].parse().unwrap();
    (status, answer.split_once("\r\n\r\n").unwrap().1.to_string())
}

/// Issue 23: when the disk fills after the articles are committed, `ingest` says the
/// dossier is pending (not a bare error after `stored` lines), keeps what it stored, and
/// the next run completes it; a POST in the same case answers 202 with `dossier_pending`,
/// not 500. (A limit of 320 KiB lets the five articles in and stops the dossier; 120 KiB
/// does the same for one posted article on top of the stored corpus.)
#[test]
fn a_disk_that_fills_after_the_commit_leaves_the_dossier_pending_and_loses_nothing() {
    let dir = tempdir("full-disk");
    let db = dir.join("news.db");
    let seeds = crate::examples();
    let out = with_file_size_limit(320, &["ingest", "-q", "--db", s(&db), s(&seeds)])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("stored ")).count(),
        5,
        "the limit no longer lets the articles in: {stdout}{stderr}"
    );
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stdout.lines().last(), Some("dossier pending"), "{stdout}");
    assert!(
        stderr.contains("not brought up to date") && stderr.contains("are kept"),
        "{stderr}"
    );
    let again = ok(&corroborate(&["ingest", "-q", "--db", s(&db), s(&seeds)]));
    assert_eq!(again, "dossier 1\n", "the re-run completes the dossier");

    let (mut server, addr) = start_serve(with_file_size_limit(
        120,
        &["serve", "--db", s(&db), "--addr", "127.0.0.1:0"],
    ));
    let text = std::fs::read_to_string(seeds.join("001_ff9f89c8fdc9676a.txt")).unwrap();
    let article = serde_json::json!({"id": "late", "title": "Late", "text": format!("{text}\nA closing line of its own.")});
    let (status, body) = request(addr, "POST", "/api/articles", &article.to_string());
    server.kill().unwrap();
    let _ = server.wait();
    assert_eq!(status, 202, "{body}");
    let answer: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(answer["stored"], serde_json::json!(["late"]));
    assert!(answer["dossier_pending"].as_str().is_some(), "{body}");
    let health = Store::open(&db).unwrap().health().unwrap();
    assert_eq!((health.articles, health.pending), (6, 1), "nothing lost");
}

/// Issue 23: a database that cannot be written here (its file and folder read-only to
/// this user) is exported, and served for reading with writes answered 403 `read_only`.
/// As root, permissions do not bind, so the commands run as `nobody`.
#[test]
fn a_read_only_database_is_exported_and_served_for_reading() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, db) = examples_db("read-only");
    let as_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout == b"0\n");
    let run_as_user = |args: &[&str]| {
        let mut c = if as_root {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=nobody", "--regid=nogroup", "--clear-groups"])
                .arg(env!("CARGO_BIN_EXE_corroborate"));
            c
        } else {
            Command::new(env!("CARGO_BIN_EXE_corroborate"))
        };
        c.args(args).env("XDG_DATA_HOME", &dir);
        c
    };
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let p = entry.unwrap().path();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o444)).unwrap();
    }
    let exported = run_as_user(&["export", "--db", s(&db), "--format", "markdown"])
        .output()
        .unwrap();
    let (mut server, addr) = start_serve(run_as_user(&[
        "serve",
        "--db",
        s(&db),
        "--addr",
        "127.0.0.1:0",
    ]));
    let health = request(addr, "GET", "/api/health", "");
    let write = request(
        addr,
        "POST",
        "/api/articles",
        r#"{"id":"x","text":"A short article."}"#,
    );
    server.kill().unwrap();
    let _ = server.wait();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert!(
        exported.status.success(),
        "{}",
        String::from_utf8_lossy(&exported.stderr)
    );
    assert!(String::from_utf8_lossy(&exported.stdout).contains("\n# Story: "));
    assert_eq!(health.0, 200, "{}", health.1);
    assert_eq!(write.0, 403, "{}", write.1);
    assert!(write.1.contains("\"read_only\""), "{}", write.1);
}
