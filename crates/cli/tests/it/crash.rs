//! Crash safety: `corroborate ingest` killed with SIGKILL at random moments, again and
//! again, never loses or duplicates what it reported as stored, never leaves a damaged file
//! or a duplicated story, and a re-run completes the rest.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use corroborate_store::Store;

use crate::service::{corroborate, ok, tempdir};

/// Kill runs; each resumes where the previous one was killed.
const RUNS: usize = 20;
const ARTICLES: usize = 150;
const BATCH: &str = "5";

/// Seeded: the same kill moments on every run of the test.
type Rng = corroborate_model::SplitMix64;

/// Runs `ingest` and kills it right after it has printed `kill_after` lines (0: as soon as
/// it starts). Returns the ids it reported as stored before dying.
fn ingest_killed(db: &Path, corpus: &Path, kill_after: usize) -> Vec<String> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_corroborate"))
        .args(["ingest", "-q", "--batch-size", BATCH, "--db"])
        .arg(db)
        .arg(corpus)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawns");
    let stdout = child.stdout.take().unwrap();
    let mut reported = Vec::new();
    let mut lines = BufReader::new(stdout).lines();
    let mut seen = 0;
    while seen < kill_after {
        match lines.next() {
            Some(Ok(line)) => {
                seen += 1;
                if let Some(id) = line.strip_prefix("stored ") {
                    reported.push(id.to_string());
                }
            }
            _ => break,
        }
    }
    // Child::kill sends SIGKILL on Unix: no destructor, no flush, no clean shutdown.
    let _ = child.kill();
    let _ = child.wait();
    // Lines the child wrote before dying are promises too.
    for line in lines.map_while(Result::ok) {
        if let Some(id) = line.strip_prefix("stored ") {
            reported.push(id.to_string());
        }
    }
    reported
}

/// What must hold after any crash.
fn check_store(db: &Path, corpus_ids: &BTreeSet<String>, reported: &BTreeSet<String>, run: usize) {
    let store =
        Store::open(db).unwrap_or_else(|e| panic!("run {run}: database does not open: {e}"));
    assert_eq!(store.integrity_check().unwrap(), "ok", "run {run}");
    let (stored, _) = store.articles_for_analysis().unwrap();
    let stored_ids: Vec<&str> = stored.iter().map(|a| a.id.as_str()).collect();
    let unique: BTreeSet<&str> = stored_ids.iter().copied().collect();
    assert_eq!(
        unique.len(),
        stored_ids.len(),
        "run {run}: an article is stored twice"
    );
    for id in &stored_ids {
        assert!(
            corpus_ids.contains(*id),
            "run {run}: unexpected article {id} (stored again under a new id?)"
        );
    }
    for id in reported {
        assert!(
            unique.contains(id.as_str()),
            "run {run}: {id} was reported stored but is missing"
        );
    }
    let dossier = store.dossier().unwrap();
    let story_ids: BTreeSet<&str> = dossier.stories.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        story_ids.len(),
        dossier.stories.len(),
        "run {run}: a story is duplicated"
    );
    let mut members = BTreeSet::new();
    for story in &dossier.stories {
        for a in &story.articles {
            assert!(
                members.insert(a.as_str()),
                "run {run}: {a} is in two stories"
            );
        }
    }
    // The dossier describes exactly the articles it was derived from.
    let analysed: BTreeSet<&str> = dossier.articles.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        members, analysed,
        "run {run}: stories and articles of the dossier disagree"
    );
}

#[test]
fn sigkill_during_ingest_loses_nothing_and_a_rerun_completes() {
    let dir = tempdir("crash");
    let corpus = dir.join("corpus");
    let db = dir.join("news.db");
    ok(&corroborate(&[
        "synth",
        crate::examples().to_str().unwrap(),
        "--articles",
        &ARTICLES.to_string(),
        "--per-file",
        "25",
        "-o",
        corpus.to_str().unwrap(),
    ]));
    let corpus_ids: BTreeSet<String> = (0..ARTICLES)
        .map(|i| format!("syn-{:06}-{}", i / 5, i % 5))
        .collect();
    let mut rng = Rng::new(20251123);
    let mut reported = BTreeSet::new();
    for run in 0..RUNS {
        let stored_before = Store::open(&db)
            .map(|s| s.health().unwrap().articles)
            .unwrap_or(0) as usize;
        let remaining = ARTICLES - stored_before;
        // A quarter of the runs die while the dossier is being replaced (after the last
        // `stored` line); the others somewhere among the next dozen articles' batches.
        let kill_after = if rng.below(4) == 0 {
            remaining
        } else {
            rng.below(remaining.min(12) + 1)
        };
        let got = ingest_killed(&db, &corpus, kill_after);
        for id in &got {
            assert!(
                reported.insert(id.clone()),
                "run {run}: {id} reported as stored twice"
            );
        }
        check_store(&db, &corpus_ids, &reported, run);
    }
    // A clean run completes the rest.
    let out = ok(&corroborate(&[
        "ingest",
        "-q",
        "--db",
        db.to_str().unwrap(),
        corpus.to_str().unwrap(),
    ]));
    for id in out.lines().filter_map(|l| l.strip_prefix("stored ")) {
        assert!(
            reported.insert(id.to_string()),
            "{id} reported as stored twice"
        );
    }
    check_store(&db, &corpus_ids, &reported, RUNS);
    let store = Store::open(&db).unwrap();
    let h = store.health().unwrap();
    assert_eq!((h.articles, h.pending), (ARTICLES as i64, 0));
    // An article committed just before a kill, whose line was never printed, is stored
    // without having been reported; every reported one was checked present above.
    assert!(reported.is_subset(&corpus_ids));
    // The dossier after all the crashes is the one a single clean analysis gives.
    let analyzed = ok(&corroborate(&[
        "analyze",
        "--format",
        "json",
        corpus.to_str().unwrap(),
    ]));
    let exported = ok(&corroborate(&[
        "export",
        "--db",
        db.to_str().unwrap(),
        "--format",
        "json",
    ]));
    assert!(
        exported == analyzed,
        "the dossier after crashes differs from a clean analysis"
    );
    let _ = std::fs::remove_dir_all(dir);
}
