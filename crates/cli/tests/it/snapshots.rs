//! Snapshots of whole dossiers (insta), so every change of behaviour is a reviewable diff:
//! the seeds as JSON and Markdown, and the two fixtures as JSON. The one volatile field is
//! each article's `source`, the path it was read from: the checkout's folder is redacted. After a
//! change that is meant to alter output: `cargo insta review` (or run with
//! `INSTA_UPDATE=always` and read the `.snap` diff) and commit the snapshots with it.

use std::path::PathBuf;

use corroborate_engine::Config;

/// `text` with this checkout's folder written `[crate]`.
fn redacted(text: String) -> String {
    text.replace(env!("CARGO_MANIFEST_DIR"), "[crate]")
}

#[test]
fn seeds_json_dossier() {
    insta::assert_snapshot!(redacted(corroborate_report::to_json(crate::seed_dossier())));
}

#[test]
fn seeds_markdown_dossier() {
    insta::assert_snapshot!(redacted(corroborate_report::to_markdown(
        crate::seed_dossier()
    )));
}

#[test]
fn partial_copy_json_dossier() {
    insta::assert_snapshot!(redacted(corroborate_report::to_json(
        &crate::fixture_dossier("partial-copy.jsonl")
    )));
}

#[test]
fn two_attacks_json_dossier() {
    insta::assert_snapshot!(redacted(corroborate_report::to_json(
        &crate::fixture_dossier("two-attacks.jsonl")
    )));
}

#[test]
fn one_thread_and_all_threads_write_the_same_dossier() {
    let fresh = || {
        let read = corroborate_ingest::read_paths(
            &[
                crate::examples(),
                PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data"),
            ],
            &corroborate_ingest::Limits::default(),
        );
        assert!(read.diagnostics.is_empty(), "{:?}", read.diagnostics);
        let d = corroborate_engine::run(read.articles, &Config::default(), &|_| {}).unwrap();
        corroborate_report::to_json(&d.dossier)
    };
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(fresh);
    let four = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .unwrap()
        .install(fresh);
    assert_eq!(one, four);
}
