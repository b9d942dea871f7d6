//! The `--db` flag of the commands that use the store, and opening an existing store.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use corroborate_store::Store;

#[derive(clap::Args)]
pub struct DbArg {
    /// The database file. Default: $XDG_DATA_HOME/corroborate/corroborate.db, else
    /// ~/.local/share/corroborate/corroborate.db.
    #[arg(long)]
    db: Option<PathBuf>,
}

impl DbArg {
    pub fn path(&self) -> PathBuf {
        self.db
            .clone()
            .unwrap_or_else(corroborate_store::default_path)
    }
}

/// The store at `path`, which must exist: only `ingest` creates one. A database that
/// cannot be written here (read-only file, folder or media) is opened for reading.
pub fn open_existing(path: &Path) -> Result<Store> {
    if !path.exists() {
        bail!(
            "no database at {}; run `corroborate ingest` first",
            path.display()
        );
    }
    Store::open_writable_or_read_only(path)
        .with_context(|| format!("cannot open {}", path.display()))
}
