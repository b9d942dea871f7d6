//! `corroborate extract` and `bench --stage extract` as a user runs them.

use crate::corroborate;
use std::path::PathBuf;

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../ingest/tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn extract_prints_one_json_record_per_feed_item() {
    let out = corroborate(&["extract", &fixture("wire.rss"), &fixture("blog.atom")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let records: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 3);
    assert!(records[0]["source"]
        .as_str()
        .unwrap()
        .ends_with("wire.rss#1"));
    assert_eq!(records[0]["original_publisher"], "Agency Example");
    assert_eq!(records[0]["published"]["date"], "2025-11-11");
    assert_eq!(records[0]["published"]["from"], "feed");
    assert_eq!(records[1]["summary_only"], true);
    assert_eq!(records[2]["language"], "fr");
}

#[test]
fn extract_json_array_and_errors_named_with_exit_1() {
    let dir = std::env::temp_dir().join(format!("corroborate-cli-extract-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("broken.rss"), "<rss><channel><item><title>x").unwrap();
    let out = corroborate(&[
        "extract",
        "--format",
        "json",
        &fixture("items.json"),
        dir.join("broken.rss").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("broken.rss"));
}

#[test]
fn analyze_reads_a_feed_and_bench_measures_extraction() {
    let out = corroborate(&["analyze", "--format", "json", &fixture("wire.rss")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["articles"].as_array().unwrap().len(), 2);

    let out = corroborate(&[
        "bench",
        "--stage",
        "extract",
        "--repeat",
        "1",
        &fixture("wire.rss"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.contains("docs/s"), "{table}");
    assert!(
        table.lines().nth(1).unwrap().split_whitespace().nth(1) == Some("2"),
        "{table}"
    );
}
