//! `serve`: the store's API and web pages over HTTP, served by `corroborate-server`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::db::DbArg;

#[derive(clap::Args)]
pub struct ServeArgs {
    #[command(flatten)]
    db: DbArg,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Largest request body accepted (POST /api/articles), in bytes.
    #[arg(long, default_value_t = corroborate_server::ServerConfig::default().body_limit)]
    body_limit: usize,
    /// Stage configuration for analysing posted articles (JSON).
    #[arg(long)]
    config: Option<PathBuf>,
}

/// `serve`: the API and web pages until Ctrl-C.
pub fn serve(args: &ServeArgs) -> Result<ExitCode> {
    let engine = crate::read_config(args.config.as_deref())?;
    let path = args.db.path();
    let server_config = corroborate_server::ServerConfig {
        body_limit: args.body_limit,
        ..Default::default()
    };
    let state = corroborate_server::AppState::open(&path, engine, server_config)
        .with_context(|| format!("cannot open {}", path.display()))?;
    corroborate_server::run(args.addr, state, |local| {
        eprintln!("serving {} on http://{local}/", path.display());
    })
    .context("server failed")?;
    Ok(ExitCode::SUCCESS)
}
