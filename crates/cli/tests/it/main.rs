//! Integration tests, compiled as one binary: the acceptance checks on the example corpus,
//! the output schema, the command line, and invariants over generated input.

mod browser;
mod cli;
mod crash;
mod embeddings;
mod extract;
mod properties;
mod schema;
mod seeds;
mod service;
mod stance;

use std::path::PathBuf;
use std::sync::OnceLock;

use corroborate_engine::Config;
use corroborate_model::Dossier;

pub fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/syria-2025-11")
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
