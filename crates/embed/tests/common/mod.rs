//! The real models, as the fetch scripts put them in `models/`. Without a model's files
//! the tests fail under CI (`CI=true`, where `scripts/install-test-deps.sh` fetches them)
//! and are skipped with a message elsewhere.

use std::path::PathBuf;

use corroborate_embed::Embedder;

/// The model in `models/{folder}`, or `None` (with a message) where it is missing outside CI.
pub fn model(folder: &str) -> Option<Embedder> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../models")
        .join(folder);
    match Embedder::load(&dir) {
        Ok(e) => Some(e),
        Err(e) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI=true but the model is not usable: {e}")
        }
        Err(e) => {
            eprintln!("skipped: {e}");
            None
        }
    }
}
