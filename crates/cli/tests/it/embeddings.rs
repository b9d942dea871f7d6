//! `analyze --embeddings`: vectors files in every build, the model folder with the
//! `embeddings` feature.

use crate::corroborate;
use std::path::{Path, PathBuf};
use std::process::Output;

fn tempdir(tag: &str) -> PathBuf {
    crate::tempdir("emb", tag)
}

fn stories(out: &Output) -> Vec<Vec<String>> {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["stories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            s["articles"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap().to_string())
                .collect()
        })
        .collect()
}

/// Two reports of one flood in different words, and an unrelated article.
fn flood_corpus(dir: &Path) -> PathBuf {
    let articles = dir.join("articles.jsonl");
    std::fs::write(
        &articles,
        [
            r#"{"id": "flood-1", "text": "Heavy rain flooded Paris on Tuesday, closing three metro lines and the Louvre museum for the day."}"#,
            r#"{"id": "watch", "text": "Apple unveiled a new watch with a larger screen at its autumn event in Cupertino on Wednesday."}"#,
            r#"{"id": "flood-2", "text": "A downpour swamped the French capital on Tuesday; subway stations shut and visitors were turned away from the galleries."}"#,
        ]
        .join("\n"),
    )
    .unwrap();
    articles
}

fn write_vectors(path: &Path, rows: &[(&str, [f32; 3])]) {
    let text: Vec<String> = rows
        .iter()
        .map(|(id, v)| serde_json::json!({ "id": id, "vector": v }).to_string())
        .collect();
    std::fs::write(path, text.join("\n")).unwrap();
}

#[test]
fn embeddings_from_a_vectors_file_join_a_story_told_in_other_words() {
    let dir = tempdir("join");
    let articles = flood_corpus(&dir);
    let vectors = dir.join("vectors.jsonl");
    write_vectors(
        &vectors,
        &[
            ("flood-1", [1.0, 0.1, 0.0]),
            ("flood-2", [0.9, 0.2, 0.0]),
            ("watch", [0.0, 0.0, 1.0]),
        ],
    );
    // stream frequencies keep every term, as a live feed would: in a three-article corpus,
    // corpus frequencies would keep only the shared terms and make any overlap look close
    let config = dir.join("config.json");
    std::fs::write(&config, r#"{"cluster": {"idf": "stream"}}"#).unwrap();
    let a = articles.to_str().unwrap();
    let c = config.to_str().unwrap();
    let lexical = stories(&corroborate(&[
        "analyze", a, "--format", "json", "-q", "--config", c,
    ]));
    assert!(
        lexical.iter().all(|s| s.len() == 1),
        "terms alone keep the two flood reports apart: {lexical:?}"
    );
    let embedded = stories(&corroborate(&[
        "analyze",
        a,
        "--format",
        "json",
        "-q",
        "--config",
        c,
        "--embeddings",
        vectors.to_str().unwrap(),
    ]));
    assert!(
        embedded.contains(&vec!["flood-1".to_string(), "flood-2".to_string()]),
        "{embedded:?}"
    );
    assert!(
        embedded.contains(&vec!["watch".to_string()]),
        "{embedded:?}"
    );
}

#[test]
fn a_vectors_file_without_an_article_names_it() {
    let dir = tempdir("missing");
    let articles = flood_corpus(&dir);
    let vectors = dir.join("vectors.jsonl");
    write_vectors(&vectors, &[("flood-1", [1.0, 0.0, 0.0])]);
    let out = corroborate(&[
        "analyze",
        articles.to_str().unwrap(),
        "--embeddings",
        vectors.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no vector for article watch"), "{err}");
}

#[test]
fn a_model_folder_without_the_model_is_a_clear_error() {
    let dir = tempdir("nomodel");
    let out = corroborate(&[
        "analyze",
        crate::examples().to_str().unwrap(),
        "--embeddings",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    if cfg!(feature = "embeddings") {
        assert!(
            err.contains("missing model file model.safetensors"),
            "{err}"
        );
        assert!(err.contains("scripts/fetch-minilm.sh"), "{err}");
    } else {
        assert!(err.contains("without the `embeddings` feature"), "{err}");
    }
}

/// The real model on the example corpus: the five reports stay one story.
#[cfg(feature = "embeddings")]
#[test]
fn the_five_seeds_stay_one_story_with_the_model() {
    let model = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../models/all-MiniLM-L6-v2");
    if !model.join("model.safetensors").is_file() {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "CI=true but {} has no model (scripts/install-test-deps.sh fetches it)",
            model.display()
        );
        eprintln!(
            "skipped: no model in {} (run scripts/fetch-minilm.sh)",
            model.display()
        );
        return;
    }
    let found = stories(&corroborate(&[
        "analyze",
        crate::examples().to_str().unwrap(),
        "--format",
        "json",
        "-q",
        "--embeddings",
        model.to_str().unwrap(),
    ]));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].len(), 5, "{found:?}");
}
