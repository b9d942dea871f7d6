//! Progress on stderr (`--progress always` draws plain lines on a pipe) and Ctrl-C: a run
//! stopped by SIGINT says in one line what it did, exits 130, and loses nothing it reported
//! stored. The signal is sent only once the run has shown its first progress line (or
//! stored its first batch), so the tests do not depend on timing.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use corroborate_store::Store;

use crate::{corroborate, examples, tempdir};

/// A corpus of `n` synthetic articles, one JSON Lines file each.
fn corpus(tag: &str, n: usize) -> PathBuf {
    let dir = tempdir("progress", tag).join("corpus");
    let out = corroborate(&[
        "synth",
        examples().to_str().unwrap(),
        "--articles",
        &n.to_string(),
        "--per-file",
        "1",
        "-o",
        dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

fn spawn(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_corroborate"))
        .args(args)
        .env(
            "XDG_DATA_HOME",
            std::env::temp_dir().join("corroborate-it-xdg"),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns")
}

fn sigint(child: &Child) {
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success());
}

/// Reads `from` line by line until `wanted` holds for one, which it returns with the lines
/// before it; `None` when the stream ends first.
fn read_until(
    from: &mut impl BufRead,
    seen: &mut Vec<String>,
    wanted: impl Fn(&str) -> bool,
) -> Option<String> {
    let mut line = String::new();
    loop {
        line.clear();
        if from.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let l = line.trim_end().to_string();
        seen.push(l.clone());
        if wanted(&l) {
            return Some(l);
        }
    }
}

#[test]
fn progress_always_draws_counts_rate_and_eta_on_stderr_and_leaves_stdout_alone() {
    let dir = corpus("lines", 40);
    let run = |progress: &str| {
        corroborate(&[
            "analyze",
            "--format",
            "json",
            "--progress",
            progress,
            dir.to_str().unwrap(),
        ])
    };
    let shown = run("always");
    let hidden = run("never");
    assert!(shown.status.success());
    assert_eq!(shown.stdout, hidden.stdout, "progress never reaches stdout");
    assert!(
        hidden.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&hidden.stderr)
    );
    let err = String::from_utf8(shown.stderr).unwrap();
    // the first count of the read, with rate and time left, then its total
    let first = err.lines().find(|l| l.starts_with("read ")).expect(&err);
    assert!(
        first.contains(" of 40 files (") && first.contains("/s, ETA "),
        "{err}"
    );
    assert!(
        err.lines()
            .any(|l| l.starts_with("read 40 of 40 files in ")),
        "{err}"
    );
    // the analysis steps, counted where the engine counts
    assert!(
        err.lines()
            .any(|l| l.starts_with("analyze ") && l.contains(" of 40 articles")),
        "{err}"
    );
    assert!(
        err.lines().any(|l| l.starts_with("dedupe (40 articles)")),
        "{err}"
    );
    assert!(
        err.lines()
            .any(|l| l.starts_with("assess 40 of 40 articles in ")),
        "{err}"
    );
    // -q wins over --progress always
    let quiet = corroborate(&[
        "analyze",
        "-q",
        "--progress",
        "always",
        dir.to_str().unwrap(),
    ]);
    assert!(
        quiet.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&quiet.stderr)
    );
}

#[test]
fn progress_always_on_extract_counts_files() {
    let dir = corpus("extract", 20);
    let out = corroborate(&["extract", "--progress", "always", dir.to_str().unwrap()]);
    assert!(out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.lines()
            .any(|l| l.starts_with("extract 1 of 20 files (")),
        "{err}"
    );
    assert!(
        err.lines()
            .any(|l| l.starts_with("extract 20 of 20 files in ")),
        "{err}"
    );
    let records = String::from_utf8(out.stdout).unwrap();
    assert_eq!(records.lines().count(), 20, "{records}");
    assert!(records.lines().all(|l| l.starts_with('{')));
}

#[test]
fn sigint_stops_analyze_with_a_summary_and_exit_130() {
    let dir = corpus("analyze", 1500);
    let mut child = spawn(&["analyze", "--progress", "always", dir.to_str().unwrap()]);
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut seen = Vec::new();
    let first = read_until(&mut err, &mut seen, |l| l.starts_with("read "));
    assert!(first.is_some(), "no progress line: {seen:?}");
    sigint(&child);
    let mut rest = String::new();
    err.read_to_string(&mut rest).unwrap();
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    let status = child.wait().unwrap();
    let summary = rest
        .lines()
        .find(|l| l.starts_with("interrupted: "))
        .unwrap_or_else(|| panic!("no summary: {rest}"));
    assert!(summary.contains(" of 1,500 files"), "{summary}");
    assert!(summary.ends_with("nothing written"), "{summary}");
    assert_eq!(status.code(), Some(130), "{rest}");
    assert!(out.is_empty(), "nothing on stdout: {out}");
}

fn stored_ids(db: &Path) -> Vec<String> {
    let store = Store::open(db).unwrap();
    let (articles, _) = store.articles_for_analysis().unwrap();
    articles.into_iter().map(|a| a.id).collect()
}

#[test]
fn sigint_during_ingest_keeps_what_was_stored_and_a_rerun_completes() {
    let n = 300;
    let dir = corpus("ingest", n);
    let db = tempdir("progress", "ingest-db").join("news.db");
    let mut child = spawn(&[
        "ingest",
        "--batch-size",
        "5",
        "--db",
        db.to_str().unwrap(),
        dir.to_str().unwrap(),
    ]);
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    let first = read_until(&mut out, &mut lines, |l| l.starts_with("stored "));
    assert!(first.is_some(), "nothing stored: {lines:?}");
    sigint(&child);
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    lines.extend(rest.lines().map(str::to_string));
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{err}");
    let summary = err
        .lines()
        .find(|l| l.starts_with("interrupted: "))
        .unwrap_or_else(|| panic!("no summary: {err}"));
    assert!(
        summary.contains("stored ") && summary.contains("kept"),
        "{summary}"
    );
    assert!(
        summary.contains("pending until the next ingest"),
        "{summary}"
    );
    assert_eq!(
        lines.last().map(String::as_str),
        Some("dossier pending"),
        "{lines:?}"
    );
    let reported: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.strip_prefix("stored "))
        .collect();
    let stored = stored_ids(&db);
    for id in &reported {
        assert!(
            stored.iter().any(|s| s == id),
            "{id} was reported stored and is lost"
        );
    }
    // the next ingest stores the rest and brings the dossier up to date
    let again = corroborate(&[
        "ingest",
        "-q",
        "--db",
        db.to_str().unwrap(),
        dir.to_str().unwrap(),
    ]);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(stored_ids(&db).len(), n);
    let last = String::from_utf8(again.stdout).unwrap();
    assert!(
        last.lines().last().unwrap().starts_with("dossier "),
        "{last}"
    );
    assert_ne!(last.lines().last(), Some("dossier pending"));
}
