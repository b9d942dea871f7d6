//! Integration tests, compiled as one binary: the acceptance checks on the example corpus,
//! the output schema, the command line, and invariants over generated input.

mod architecture;
mod browser;
mod cli;
mod copies;
mod crash;
mod embeddings;
mod events;
mod extract;
mod fetching;
mod mixed;
mod progress;
mod properties;
mod schema;
mod seeds;
mod service;
mod snapshots;
mod stance;
mod webhooks;

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::OnceLock;

use corroborate_engine::Config;
use corroborate_model::Dossier;

/// Runs the `corroborate` binary; its default store lives under the temp folder, never in
/// the user's data folder.
pub fn corroborate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_corroborate"))
        .args(args)
        .env(
            "XDG_DATA_HOME",
            std::env::temp_dir().join("corroborate-it-xdg"),
        )
        .output()
        .expect("runs")
}

/// A fresh, empty folder for one test: `module` and `tag` keep tests apart, the process id
/// keeps concurrent runs apart.
pub fn tempdir(module: &str, tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("corroborate-{module}-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

pub fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/syria-2025-11")
}

/// The dossier of one fixture of `tests/data`.
pub fn fixture_dossier(name: &str) -> Dossier {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    let read = corroborate_ingest::read_paths(&[path], &corroborate_ingest::Limits::default());
    assert!(read.diagnostics.is_empty(), "{:?}", read.diagnostics);
    corroborate_engine::run(read.articles, &Config::default(), &|_| {})
        .unwrap()
        .dossier
}

/// The dossier of the example corpus, computed once for all tests.
pub fn seed_dossier() -> &'static Dossier {
    static D: OnceLock<Dossier> = OnceLock::new();
    D.get_or_init(|| {
        let read =
            corroborate_ingest::read_paths(&[examples()], &corroborate_ingest::Limits::default());
        assert!(read.diagnostics.is_empty(), "{:?}", read.diagnostics);
        corroborate_engine::run(read.articles, &Config::default(), &|_| {})
            .unwrap()
            .dossier
    })
}
