//! `serve`: the store's API and web pages over HTTP, served by `corroborate-server`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

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
    /// Stage configuration for analysing posted articles (JSON), and the webhooks that
    /// facts becoming corroborated or contested are sent to.
    #[arg(long)]
    config: Option<PathBuf>,
    /// File holding the write token: every write then needs `Authorization: Bearer
    /// TOKEN`. Without it, writes are accepted from loopback only, never from a web page
    /// of another origin.
    #[arg(long)]
    token_file: Option<PathBuf>,
    /// A host name accepted in `Host` besides loopback names (a reverse proxy's name);
    /// may be repeated.
    #[arg(long = "allowed-host")]
    allowed_hosts: Vec<String>,
}

/// `serve`: the API and web pages until Ctrl-C.
pub fn serve(args: &ServeArgs) -> Result<ExitCode> {
    let (engine, hooks) = crate::webhooks::read_config_file(args.config.as_deref())?;
    let path = args.db.path();
    let token = match &args.token_file {
        Some(file) => {
            let token = std::fs::read_to_string(file)
                .with_context(|| format!("cannot read the token file {}", file.display()))?
                .trim()
                .to_string();
            anyhow::ensure!(
                !token.is_empty(),
                "the token file {} is empty",
                file.display()
            );
            Some(token)
        }
        None => None,
    };
    if let Some(warning) = corroborate_server::exposure_warning(args.addr, token.is_some()) {
        eprintln!("{warning}");
    }
    let server_config = corroborate_server::ServerConfig {
        body_limit: args.body_limit,
        token,
        allowed_hosts: args.allowed_hosts.clone(),
        ..Default::default()
    };
    let state = corroborate_server::AppState::open(&path, engine, server_config)
        .with_context(|| format!("cannot open {}", path.display()))?;
    if !state.writable() {
        eprintln!(
            "warning: {} cannot be written here (read-only file, folder or media): serving reads only; writes answer 403 read_only",
            path.display()
        );
    }
    // posted articles enqueue webhook deliveries; a thread of our own sends them
    let stop = Arc::new(AtomicBool::new(false));
    let deliverer = if state.writable() {
        state.set_webhooks(hooks.clone());
        crate::webhooks::spawn_deliverer(path.clone(), hooks, stop.clone())?
    } else {
        None
    };
    let served = corroborate_server::run(args.addr, state, |local| {
        eprintln!("serving {} on http://{local}/", path.display());
    })
    .context("server failed");
    stop.store(true, Ordering::SeqCst);
    if let Some(d) = deliverer {
        let _ = d.join();
    }
    served?;
    Ok(ExitCode::SUCCESS)
}
