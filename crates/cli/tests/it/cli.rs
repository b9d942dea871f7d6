//! The command line as a user meets it: output, errors naming inputs, exit codes.

use crate::corroborate;
use std::path::PathBuf;

fn tempdir(tag: &str) -> PathBuf {
    crate::tempdir("cli", tag)
}

#[test]
fn analyze_prints_a_markdown_dossier() {
    let out = corroborate(&["analyze", crate::examples().to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains("Syria foils Islamic State plots"), "{md}");
    assert!(md.contains("Contested"));
    assert!(md.contains("rewrite"));
}

#[test]
fn json_goes_to_the_output_file() {
    let dir = tempdir("json");
    let path = dir.join("dossier.json");
    let out = corroborate(&[
        "analyze",
        crate::examples().to_str().unwrap(),
        "--format",
        "json",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(v["schema_version"], 1);
}

#[test]
fn bad_inputs_are_named_and_the_rest_is_analysed() {
    let dir = tempdir("bad");
    std::fs::write(dir.join("good.txt"), "Syria joined the international coalition against the Islamic State group on Monday, officials said.").unwrap();
    std::fs::write(dir.join("broken.json"), "{\"text\": ").unwrap();
    std::fs::write(dir.join("empty.txt"), "").unwrap();
    let out = corroborate(&["analyze", dir.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("broken.json") && err.contains("malformed JSON"),
        "{err}"
    );
    assert!(
        err.contains("empty.txt") && err.contains("empty file"),
        "{err}"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["articles"].as_array().unwrap().len(), 1);
}

#[test]
fn no_readable_input_is_an_error_not_an_empty_dossier() {
    let dir = tempdir("none");
    let out = corroborate(&["analyze", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no article files in"),
        "an empty folder says so: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let missing = dir.join("nowhere.txt");
    let out = corroborate(&["analyze", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("nowhere.txt") && err.contains("no such file"),
        "{err}"
    );
}

#[test]
fn a_config_typo_is_an_error() {
    let dir = tempdir("config");
    let cfg = dir.join("c.json");
    std::fs::write(&cfg, r#"{"cluster": {"join_treshold": 0.3}}"#).unwrap();
    let out = corroborate(&[
        "analyze",
        crate::examples().to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("join_treshold"));
}

#[test]
fn bench_prints_throughput_per_stage() {
    let out = corroborate(&[
        "bench",
        crate::examples().to_str().unwrap(),
        "--repeat",
        "1",
    ]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for stage in [
        "analyze",
        "dedupe",
        "entities",
        "cluster",
        "claims",
        "assess",
        "end-to-end",
    ] {
        assert!(text.contains(stage), "{stage} missing: {text}");
    }
}

/// `analyze --format jsonld` on the seeds: one schema.org Claim per fact, each appearance
/// an article that carries it, the first appearance the earliest of them.
#[test]
fn analyze_writes_every_fact_as_a_schema_org_claim() {
    let out = corroborate(&[
        "analyze",
        crate::examples().to_str().unwrap(),
        "--format",
        "jsonld",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = crate::seed_dossier();
    assert_eq!(v["@context"], "https://schema.org");
    let graph = v["@graph"].as_array().unwrap();
    assert_eq!(graph.len(), d.facts.len());
    for (claim, fact) in graph.iter().zip(&d.facts) {
        assert_eq!(claim["@type"], "Claim");
        assert_eq!(claim["@id"], format!("urn:corroborate:fact:{}", fact.id));
        assert_eq!(claim["text"], fact.statement.as_str());
        let shown: Vec<&str> = claim["appearance"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["identifier"].as_str().unwrap())
            .collect();
        assert_eq!(
            shown,
            fact.articles.iter().map(String::as_str).collect::<Vec<_>>()
        );
        // the first appearance is the earliest dated carrying article (ties: the first)
        let earliest = fact
            .articles
            .iter()
            .filter_map(|id| d.article(id))
            .filter(|a| a.published.is_some())
            .min_by_key(|a| a.published.clone());
        if let Some(a) = earliest {
            assert_eq!(claim["firstAppearance"]["identifier"], a.id.as_str());
            assert_eq!(
                claim["firstAppearance"]["datePublished"],
                a.published.as_deref().unwrap()
            );
        }
        let status = claim["additionalProperty"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "status")
            .unwrap();
        let expected = serde_json::to_value(fact.status).unwrap();
        assert_eq!(status["value"], expected);
    }
    // an outlet read from the text is the publisher
    assert!(graph.iter().any(|c| c["appearance"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["publisher"]["name"] == "UNN")));
    // the same input gives the same bytes
    let again = corroborate(&[
        "analyze",
        crate::examples().to_str().unwrap(),
        "--format",
        "jsonld",
    ]);
    assert_eq!(out.stdout, again.stdout);
}
