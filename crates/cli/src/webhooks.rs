//! Webhooks: the config file's `webhooks` section, delivering the store's outbox through
//! the fetch crate (`ingest` and `watch` after they refresh, `serve` in a background
//! thread, `webhooks --deliver` on demand), and the `webhooks` subcommand that prints the
//! delivery log.
//!
//! The engine never sees the section: [`read_config_file`] takes it off before the rest of
//! the file is read as the engine's `Config`, and both parts refuse unknown fields.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use corroborate_engine::Config;
use corroborate_fetch::{FetchConfig, Fetcher};
use corroborate_store::{Attempt, DeliveryRound, Store, Webhook};

use crate::db::DbArg;

/// How long `ingest` and `watch` spend delivering after a refresh; what is left stays in
/// the outbox for the next run (or `serve`).
pub const DELIVERY_BUDGET: Duration = Duration::from_secs(10);
/// Whole-request timeout of one delivery, seconds.
const REQUEST_TIMEOUT_SECS: u64 = 5;
/// Longest wait before a retry (30 days) and most retries of one delivery.
const MAX_RETRY_SECS: u64 = 30 * 24 * 3600;
const MAX_RETRIES: usize = 20;
/// How often `serve`'s delivery thread looks for due deliveries.
const SERVE_POLL: Duration = Duration::from_secs(2);

/// The config file at `path` (none: the defaults and no webhooks): the engine's `Config`
/// and the `webhooks` section. Unknown fields in either are an error.
pub fn read_config_file(path: Option<&Path>) -> Result<(Config, Vec<Webhook>)> {
    let Some(path) = path else {
        return Ok((Config::default(), Vec::new()));
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read config {}", path.display()))?;
    let invalid = || format!("invalid config {}", path.display());
    let mut value: serde_json::Value = serde_json::from_str(&text).with_context(invalid)?;
    let Some(section) = value.as_object_mut().and_then(|o| o.remove("webhooks")) else {
        // parsed from the text, so an error names its line and column
        let config = serde_json::from_str(&text).with_context(invalid)?;
        return Ok((config, Vec::new()));
    };
    let hooks: Vec<Webhook> = serde_json::from_value(section)
        .with_context(|| format!("invalid webhooks section in {}", path.display()))?;
    check(&hooks).with_context(|| format!("invalid webhooks section in {}", path.display()))?;
    let config = serde_json::from_value(value).with_context(invalid)?;
    Ok((config, hooks))
}

fn check(hooks: &[Webhook]) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    for h in hooks {
        if !corroborate_fetch::is_url(&h.url) {
            bail!("not an http(s) URL: {:?}", h.url);
        }
        if h.events.is_empty() {
            bail!("{}: no event (corroborated, contested)", h.url);
        }
        if !seen.insert(h.url.as_str()) {
            bail!("{} is listed twice", h.url);
        }
        if let Some(wait) = h.retry_secs.iter().find(|&&w| w > MAX_RETRY_SECS) {
            bail!(
                "{}: a retry after {wait} s; at most {MAX_RETRY_SECS} s (30 days)",
                h.url
            );
        }
        if h.retry_secs.len() > MAX_RETRIES {
            bail!(
                "{}: {} retries; at most {MAX_RETRIES}",
                h.url,
                h.retry_secs.len()
            );
        }
    }
    Ok(())
}

/// Sends the deliveries of `store`'s outbox that are due, to the webhooks set on it,
/// for at most about `budget` (plus one request's timeout), until `stop` is set (no new
/// request then); each POST carries the event and delivery id in headers and, with a
/// secret, the HMAC-SHA256 signature of its body.
pub fn deliver(
    store: &mut Store,
    budget: Duration,
    stop: &Arc<AtomicBool>,
) -> Result<DeliveryRound> {
    if store.webhooks().is_empty() || store.pending_deliveries()? == 0 {
        return Ok(DeliveryRound::default());
    }
    let fetcher = Fetcher::new(FetchConfig {
        timeout_secs: REQUEST_TIMEOUT_SECS,
        connect_timeout_secs: REQUEST_TIMEOUT_SECS,
        // a webhook answers itself; a redirect is an answer that did not take the event
        max_redirects: 0,
        retries: 0,
        host_interval_ms: 0,
        threads: 1,
        ..FetchConfig::default()
    })
    .stopping_on(stop.clone());
    let round = store.deliver_due(Instant::now() + budget, stop, |d, hook| {
        let id = d.id.to_string();
        let signature = hook.secret.as_ref().map(|secret| {
            format!(
                "sha256={}",
                corroborate_fetch::hmac_sha256_hex(secret.as_bytes(), d.payload.as_bytes())
            )
        });
        let mut headers = vec![
            ("X-Corroborate-Event", d.event.as_str()),
            ("X-Corroborate-Delivery", id.as_str()),
        ];
        if let Some(s) = &signature {
            headers.push(("X-Corroborate-Signature", s.as_str()));
        }
        match fetcher.post(&d.url, "application/json", &headers, d.payload.as_bytes()) {
            Ok(status) => Attempt::Answered(status),
            Err(e) => Attempt::Failed(e.to_string()),
        }
    })?;
    Ok(round)
}

/// [`deliver`] for `ingest` and `watch`, with a line on stderr when anything was sent; a
/// failure to deliver is reported, never the command's failure (the outbox keeps it).
pub fn deliver_and_report(store: &mut Store, stop: &Arc<AtomicBool>) {
    match deliver(store, DELIVERY_BUDGET, stop) {
        Ok(r) if r == DeliveryRound::default() => {}
        Ok(r) => eprintln!(
            "webhooks: {} delivered, {} to retry, {} failed",
            r.delivered, r.retrying, r.failed
        ),
        Err(e) => eprintln!("warning: webhook deliveries not sent: {e:#}"),
    }
}

/// `serve`'s deliverer: a thread with its own connection to `db` that delivers what is
/// due every few seconds until `stop` is set. `None` when there is no webhook.
pub fn spawn_deliverer(
    db: PathBuf,
    hooks: Vec<Webhook>,
    stop: Arc<AtomicBool>,
) -> Result<Option<std::thread::JoinHandle<()>>> {
    if hooks.is_empty() {
        return Ok(None);
    }
    let mut store = Store::open(&db).with_context(|| format!("cannot open {}", db.display()))?;
    store.set_webhooks(hooks);
    let handle = std::thread::Builder::new()
        .name("webhooks".into())
        .spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                if let Err(e) = deliver(&mut store, DELIVERY_BUDGET, &stop) {
                    eprintln!("warning: webhook deliveries not sent: {e:#}");
                }
                let next = Instant::now() + SERVE_POLL;
                while Instant::now() < next && !stop.load(Ordering::SeqCst) {
                    std::thread::sleep(Duration::from_millis(100));
                }
            }
        })
        .context("cannot start the webhook thread")?;
    Ok(Some(handle))
}

#[derive(clap::Args)]
pub struct WebhooksArgs {
    #[command(flatten)]
    db: DbArg,
    /// Deliveries shown, newest first.
    #[arg(long, default_value_t = 50)]
    limit: i64,
    /// One JSON object per delivery (with its payload) instead of a table.
    #[arg(long)]
    json: bool,
    /// First send the deliveries that are due to the config file's webhooks.
    #[arg(long, requires = "config")]
    deliver: bool,
    /// The config file whose `webhooks` section `--deliver` uses.
    #[arg(long)]
    config: Option<PathBuf>,
}

/// `webhooks`: the delivery log, newest first (and, with `--deliver`, a delivery round
/// first).
pub fn webhooks(args: &WebhooksArgs) -> Result<ExitCode> {
    let path = args.db.path();
    let mut store = crate::db::open_existing(&path)?;
    if args.deliver {
        let (_, hooks) = read_config_file(args.config.as_deref())?;
        store.set_webhooks(hooks);
        deliver_and_report(&mut store, &Arc::new(AtomicBool::new(false)));
    }
    let mut out = std::io::stdout().lock();
    let log = store.deliveries(args.limit.max(1))?;
    if args.json {
        for d in &log {
            writeln!(out, "{}", serde_json::to_string(d)?)?;
        }
    } else {
        writeln!(
            out,
            "id\tstate\tevent\turl\tattempts\tlast_status\tlast_error\tnext_attempt_at\tdelivered_at"
        )?;
        let or_dash = |s: Option<&str>| s.unwrap_or("-").to_string();
        for d in &log {
            writeln!(
                out,
                "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                d.id,
                serde_json::to_value(d.state)?.as_str().unwrap_or("?"),
                d.event,
                d.url,
                d.attempts,
                d.last_status.map_or("-".to_string(), |s| s.to_string()),
                or_dash(d.last_error.as_deref()),
                or_dash(d.next_attempt_at.as_deref()),
                or_dash(d.delivered_at.as_deref()),
            )?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
