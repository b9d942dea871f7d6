//! `export`: a story, or the whole dossier, rendered from the store.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use corroborate_report::Format;

use crate::db::{open_existing, DbArg};

#[derive(clap::Args)]
pub struct ExportArgs {
    #[command(flatten)]
    db: DbArg,
    /// Story id; without it, the whole dossier. The id of a story that has since been
    /// merged into another exports that other story (and says so on stderr).
    #[arg(long)]
    story: Option<String>,
    /// json (schema 1), markdown, html (standalone page), csv (facts), prov (PROV-JSON) or jsonld
    /// (each fact a schema.org Claim).
    #[arg(long, default_value = "json")]
    format: Format,
    /// Write to this file instead of stdout.
    #[arg(short, long)]
    output: Option<PathBuf>,
}

/// `export`: renders a story (or everything) from the store.
pub fn export(args: &ExportArgs) -> Result<ExitCode> {
    let store = open_existing(&args.db.path())?;
    let dossier = match &args.story {
        Some(id) => match store.story(id)? {
            Some(d) => d,
            None => {
                // an id the database published before: its articles are in another story now
                let to = store
                    .story_alias(id)?
                    .with_context(|| format!("no story with id {id:?} in the database"))?;
                eprintln!("story {id} was merged into {to}; exporting {to}");
                store
                    .story(&to)?
                    .with_context(|| format!("story {id:?} points at {to:?}, which is missing"))?
            }
        },
        None => store.dossier()?,
    };
    crate::write_output(&args.format.render(&dossier), args.output.as_ref())?;
    Ok(ExitCode::SUCCESS)
}
