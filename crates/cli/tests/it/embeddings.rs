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

/// `models/{folder}` when it holds `file`; else `None` with a message, and a failure under
/// CI (`CI=true`), where `scripts/install-test-deps.sh` runs `scripts/{script}`.
#[cfg(feature = "embeddings")]
fn model_folder(folder: &str, file: &str, script: &str) -> Option<PathBuf> {
    let model = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../models")
        .join(folder);
    if model.join(file).is_file() {
        return Some(model);
    }
    assert!(
        std::env::var("CI").map_or(true, |v| v != "true"),
        "CI=true but {} has no model (scripts/install-test-deps.sh fetches it)",
        model.display()
    );
    eprintln!(
        "skipped: no model in {} (run scripts/{script})",
        model.display()
    );
    None
}

/// The real model on the example corpus: the five reports stay one story.
#[cfg(feature = "embeddings")]
#[test]
fn the_five_seeds_stay_one_story_with_the_model() {
    let Some(model) = model_folder("all-MiniLM-L6-v2", "model.safetensors", "fetch-minilm.sh")
    else {
        return;
    };
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

/// multilingual-e5-small on one flood told in English, German and Spanish, beside an
/// English and a German article about other things: the three reports are one story, and
/// neither stranger joins it (the German one shares only function words with the German
/// report, the English one only the encoder's background).
#[cfg(feature = "embeddings")]
#[test]
fn one_story_told_in_three_languages_is_one_story_with_the_multilingual_model() {
    let Some(model) = model_folder("multilingual-e5-small", "e5-small-q4.bin", "fetch-e5.sh")
    else {
        return;
    };
    let dir = tempdir("multilingual");
    let articles = dir.join("articles.jsonl");
    std::fs::write(
        &articles,
        [
            r#"{"id": "watch", "language": "en", "text": "Apple unveiled a new watch with a larger screen and a longer battery life at its autumn event in Cupertino on Wednesday. The company said the device would go on sale next month at a higher price than last year's model."}"#,
            r#"{"id": "haushalt", "language": "de", "text": "Der Bundestag hat am Freitag den Haushalt für das kommende Jahr verabschiedet. Die Regierung plant höhere Ausgaben für Bildung und Verteidigung, die Opposition kritisierte die neue Verschuldung scharf."}"#,
            r#"{"id": "flood-en", "language": "en", "text": "Heavy rain flooded Paris on Tuesday, closing three metro lines and the Louvre museum for the day. The Seine rose by two metres overnight and the city's mayor asked residents to stay away from the river banks."}"#,
            r#"{"id": "flood-de", "language": "de", "text": "Starker Regen hat Paris am Dienstag überflutet: Drei Metrolinien und der Louvre blieben den ganzen Tag geschlossen. Die Seine stieg über Nacht um zwei Meter, und die Bürgermeisterin bat die Bewohner, das Flussufer zu meiden."}"#,
            r#"{"id": "flood-es", "language": "es", "text": "Las fuertes lluvias inundaron París el martes y cerraron tres líneas de metro y el museo del Louvre durante todo el día. El Sena subió dos metros durante la noche y la alcaldía pidió a los vecinos alejarse de las orillas del río."}"#,
        ]
        .join("\n"),
    )
    .unwrap();
    let found = stories(&corroborate(&[
        "analyze",
        articles.to_str().unwrap(),
        "--format",
        "json",
        "-q",
        "--embeddings",
        model.to_str().unwrap(),
    ]));
    assert_eq!(
        found,
        vec![
            vec!["watch".to_string()],
            vec!["haushalt".to_string()],
            vec![
                "flood-en".to_string(),
                "flood-de".to_string(),
                "flood-es".to_string()
            ],
        ]
    );
}

/// `embed -q` writes the vectors and nothing else: no progress and no throughput line.
#[cfg(feature = "embeddings")]
#[test]
fn embed_quiet_writes_vectors_and_says_nothing() {
    let Some(model) = model_folder("multilingual-e5-small", "e5-small-q4.bin", "fetch-e5.sh")
    else {
        return;
    };
    let out = corroborate(&[
        "embed",
        crate::examples().to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
        "-q",
    ]);
    assert!(out.status.success(), "{out:?}");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = String::from_utf8_lossy(&out.stdout).lines().count();
    assert_eq!(lines, 5, "one vector per seed article");
}
