//! The change log and the webhook outbox.
//!
//! Each [`Store::replace_analysis`] compares the dossier it writes with the one stored and,
//! in the same transaction, appends a [`StoryChange`] for every new story, new fact and
//! fact status change (`story_changes`), and enqueues a [`Delivery`] in
//! `webhook_deliveries` for every change that makes a fact corroborated or contested, one
//! per configured [`Webhook`] that asks for that event. The outbox is the delivery's only
//! record: a process killed after the commit loses no event, and one killed before it
//! loses the whole analysis with it. [`Store::deliver_due`] sends what is due through the
//! caller's `send` (the store knows no HTTP) and records each attempt, with retries after
//! the webhook's `retry_secs`.
//!
//! Story ids that move: a change is recorded under the story id that held the fact when
//! it happened, and never rewritten. A fact id derives from its story id, so when a story
//! is merged into another its facts reappear under the survivor as `new_fact` changes
//! (and a fact that was already corroborated fires its webhook again, with the new
//! fact id); the merged id's own changes stay under the old id, which the server
//! redirects to the survivor.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use corroborate_model::{Dossier, Status};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use crate::{Result, Store, StoreError, StorySummary};

/// What a change log row records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// A fact id the stored dossier did not have.
    NewFact,
    /// A fact whose status differs from the stored one.
    StatusChange,
    /// A story id the stored dossier did not have.
    NewStory,
}

impl ChangeKind {
    fn name(self) -> &'static str {
        match self {
            ChangeKind::NewFact => "new_fact",
            ChangeKind::StatusChange => "status_change",
            ChangeKind::NewStory => "new_story",
        }
    }

    fn parse(s: &str) -> Option<ChangeKind> {
        Some(match s {
            "new_fact" => ChangeKind::NewFact,
            "status_change" => ChangeKind::StatusChange,
            "new_story" => ChangeKind::NewStory,
            _ => return None,
        })
    }
}

/// One row of the change log ([`Store::changes`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoryChange {
    /// Increases with every change recorded: a stable id of the change.
    pub seq: i64,
    /// The dossier version the change came with.
    pub dossier_version: i64,
    /// When it was recorded, RFC 3339 UTC.
    pub at: String,
    pub story: String,
    /// The fact, for `new_fact` and `status_change`.
    pub fact: Option<String>,
    pub kind: ChangeKind,
    /// The fact's status before (`status_change` only).
    pub old_status: Option<Status>,
    /// The fact's status after (`new_fact`, `status_change`).
    pub new_status: Option<Status>,
    /// The fact's statement, or the story's title for `new_story`.
    pub statement: String,
}

/// A story as the feed of stories shows it ([`Store::story_feed`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FeedStory {
    pub story: StorySummary,
    pub brief: String,
    /// When the story's newest change was recorded; `None` when the log has none.
    pub updated: Option<String>,
}

/// An event a webhook can ask for: a fact became corroborated, or contested.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WebhookEvent {
    Corroborated,
    Contested,
}

impl WebhookEvent {
    pub fn name(self) -> &'static str {
        match self {
            WebhookEvent::Corroborated => "corroborated",
            WebhookEvent::Contested => "contested",
        }
    }

    fn of(status: Status) -> Option<WebhookEvent> {
        match status {
            Status::Corroborated => Some(WebhookEvent::Corroborated),
            Status::Contested => Some(WebhookEvent::Contested),
            Status::SingleSource => None,
        }
    }
}

/// One webhook of the config file's `webhooks` section. Unknown fields are an error.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Webhook {
    /// Where the JSON is POSTed (http or https).
    pub url: String,
    /// The events sent (default: both).
    #[serde(default = "Webhook::all_events")]
    pub events: Vec<WebhookEvent>,
    /// When set, each POST carries `X-Corroborate-Signature: sha256=<hex HMAC-SHA256 of the
    /// body under this secret>`.
    #[serde(default, skip_serializing)]
    pub secret: Option<String>,
    /// Seconds to wait before each retry of a failed delivery; its length is the number of
    /// retries (default 60, 300, 1800, 7200: five attempts over about 2.6 hours).
    #[serde(default = "Webhook::default_retry_secs")]
    pub retry_secs: Vec<u64>,
}

impl Webhook {
    fn all_events() -> Vec<WebhookEvent> {
        vec![WebhookEvent::Corroborated, WebhookEvent::Contested]
    }

    pub fn default_retry_secs() -> Vec<u64> {
        vec![60, 300, 1800, 7200]
    }

    /// Attempts made at most.
    pub fn max_attempts(&self) -> i64 {
        self.retry_secs.len() as i64 + 1
    }
}

/// Where a delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Not sent yet, or to be retried at `next_attempt_at`.
    Pending,
    /// Answered 2xx.
    Delivered,
    /// Every attempt failed.
    Failed,
}

/// One webhook delivery of the outbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Delivery {
    pub id: i64,
    pub url: String,
    /// `corroborated` or `contested`.
    pub event: String,
    /// The JSON body POSTed.
    pub payload: String,
    /// RFC 3339 UTC.
    pub created_at: String,
    pub attempts: i64,
    pub next_attempt_at: Option<String>,
    pub delivered_at: Option<String>,
    /// The HTTP status of the last answer, when one came.
    pub last_status: Option<u16>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    pub state: DeliveryState,
}

impl Delivery {
    fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Delivery> {
        let next_attempt_at: Option<String> = r.get(6)?;
        let delivered_at: Option<String> = r.get(7)?;
        let state = match (&next_attempt_at, &delivered_at) {
            (_, Some(_)) => DeliveryState::Delivered,
            (Some(_), None) => DeliveryState::Pending,
            (None, None) => DeliveryState::Failed,
        };
        Ok(Delivery {
            id: r.get(0)?,
            url: r.get(1)?,
            event: r.get(2)?,
            payload: r.get(3)?,
            created_at: r.get(4)?,
            attempts: r.get(5)?,
            next_attempt_at,
            delivered_at,
            last_status: r.get(8)?,
            last_error: r.get(9)?,
            state,
        })
    }
}

const DELIVERY_COLUMNS: &str = "id, url, event, payload, created_at, attempts, next_attempt_at, delivered_at, last_status, last_error";

/// How one attempt went, as the caller's `send` saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Attempt {
    /// An HTTP answer: 2xx is delivered, anything else is retried.
    Answered(u16),
    /// No answer (connection refused, timeout, a bad URL).
    Failed(String),
}

/// What one [`Store::deliver_due`] call did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DeliveryRound {
    /// Attempts answered 2xx.
    pub delivered: usize,
    /// Attempts that failed and will be retried.
    pub retrying: usize,
    /// Attempts that failed for the last time.
    pub failed: usize,
}

/// The migration (1-based) that adds the change log and the webhook outbox.
const CHANGES_MIGRATION: i64 = 4;

/// How long a deliverer holds a delivery it is sending before another may take it: longer
/// than one request can last.
const CLAIM_SECS: u64 = 120;

/// The time now as SQLite gives it: RFC 3339 UTC with milliseconds, which sorts as text.
const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

fn status_name(s: Status) -> &'static str {
    match s {
        Status::Corroborated => "corroborated",
        Status::SingleSource => "single_source",
        Status::Contested => "contested",
    }
}

fn parse_status(s: &str) -> Option<Status> {
    Some(match s {
        "corroborated" => Status::Corroborated,
        "single_source" => Status::SingleSource,
        "contested" => Status::Contested,
        _ => return None,
    })
}

/// A change before it is numbered and timed.
pub(crate) struct Change<'a> {
    story: &'a str,
    fact: Option<&'a str>,
    kind: ChangeKind,
    old_status: Option<String>,
    new_status: Option<Status>,
    statement: &'a str,
}

/// What `dossier` changes against the stored one: new stories (in story order), then new
/// facts and status changes (in fact order). Reads the derived tables, so it runs before
/// they are replaced.
pub(crate) fn diff<'a>(tx: &Transaction, dossier: &'a Dossier) -> Result<Vec<Change<'a>>> {
    let stories: HashSet<String> = {
        let mut stmt = tx.prepare("SELECT id FROM stories")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    let facts: HashMap<String, Option<String>> = {
        let mut stmt = tx.prepare("SELECT id, json_extract(body, '$.status') FROM facts")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    let mut out = Vec::new();
    for story in &dossier.stories {
        if !stories.contains(&story.id) {
            out.push(Change {
                story: &story.id,
                fact: None,
                kind: ChangeKind::NewStory,
                old_status: None,
                new_status: None,
                statement: &story.title,
            });
        }
    }
    for fact in &dossier.facts {
        let new = status_name(fact.status);
        let (kind, old_status) = match facts.get(&fact.id) {
            None => (ChangeKind::NewFact, None),
            Some(Some(old)) if old == new => continue,
            Some(old) => (ChangeKind::StatusChange, old.clone()),
        };
        out.push(Change {
            story: &fact.story,
            fact: Some(&fact.id),
            kind,
            old_status,
            new_status: Some(fact.status),
            statement: &fact.statement,
        });
    }
    Ok(out)
}

/// Appends `changes` to the change log under `version`, and enqueues a delivery to each
/// of `webhooks` that asks for the event of a change.
pub(crate) fn record(
    tx: &Transaction,
    changes: &[Change],
    version: i64,
    webhooks: &[Webhook],
) -> Result<()> {
    if changes.is_empty() {
        return Ok(());
    }
    let now: String = tx.query_row(&format!("SELECT {NOW}"), [], |r| r.get(0))?;
    let mut log = tx.prepare(
        "INSERT INTO story_changes (dossier_version, at, story, fact, kind, old_status, new_status, statement)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING seq",
    )?;
    let mut outbox = tx.prepare(
        "INSERT INTO webhook_deliveries (url, event, payload, created_at, next_attempt_at)
         VALUES (?1, ?2, ?3, ?4, ?4)",
    )?;
    for c in changes {
        let seq: i64 = log.query_row(
            params![
                version,
                now,
                c.story,
                c.fact,
                c.kind.name(),
                c.old_status,
                c.new_status.map(status_name),
                c.statement
            ],
            |r| r.get(0),
        )?;
        let Some(event) = c.new_status.and_then(WebhookEvent::of) else {
            continue;
        };
        let payload = serde_json::json!({
            "event": event.name(),
            "change": seq,
            "kind": c.kind.name(),
            "fact": c.fact,
            "story": c.story,
            "statement": c.statement,
            "old_status": c.old_status,
            "new_status": c.new_status.map(status_name),
            "story_path": format!("/stories/{}", c.story),
            "dossier_version": version,
            "at": now,
        })
        .to_string();
        for hook in webhooks.iter().filter(|h| h.events.contains(&event)) {
            outbox.execute(params![hook.url, event.name(), payload, now])?;
        }
    }
    Ok(())
}

impl Store {
    /// The webhooks that [`Store::replace_analysis`] enqueues deliveries for from now on
    /// (the config file's `webhooks`). Not stored: each process that analyses sets them.
    pub fn set_webhooks(&mut self, webhooks: Vec<Webhook>) {
        self.webhooks = webhooks;
    }

    /// The webhooks set by [`Store::set_webhooks`].
    pub fn webhooks(&self) -> &[Webhook] {
        &self.webhooks
    }

    /// The change log, newest first, at most `limit` rows (1–1,000); only `story`'s when
    /// given (the changes recorded under that id, see the module's note on merged
    /// stories).
    pub fn changes(&self, story: Option<&str>, limit: i64) -> Result<Vec<StoryChange>> {
        self.needs(CHANGES_MIGRATION, "the change log")?;
        let limit = limit.clamp(1, 1000);
        // two statements, so one story's reads its index instead of the whole log
        const COLUMNS: &str =
            "seq, dossier_version, at, story, fact, kind, old_status, new_status, statement";
        let mut stmt = match story {
            Some(_) => self.conn.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM story_changes WHERE story = ?1 ORDER BY seq DESC LIMIT ?2"
            ))?,
            None => self.conn.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM story_changes WHERE ?1 IS NULL ORDER BY seq DESC LIMIT ?2"
            ))?,
        };
        let rows = stmt.query_map(params![story, limit], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, Option<String>>(7)?,
                r.get::<_, String>(8)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, dossier_version, at, story, fact, kind, old, new, statement) = row?;
            let corrupt = |detail: String| StoreError::DataCorruption {
                table: "story_changes",
                key: seq.to_string(),
                detail,
            };
            let status = |s: Option<String>| match s {
                None => Ok(None),
                Some(s) => parse_status(&s)
                    .map(Some)
                    .ok_or_else(|| corrupt(format!("unknown status {s:?}"))),
            };
            out.push(StoryChange {
                seq,
                dossier_version,
                at,
                story,
                fact,
                kind: ChangeKind::parse(&kind)
                    .ok_or_else(|| corrupt(format!("unknown kind {kind:?}")))?,
                old_status: status(old)?,
                new_status: status(new)?,
                statement,
            });
        }
        Ok(out)
    }

    /// When the newest change of `story` was recorded (RFC 3339 UTC); `None` when the log
    /// has none (a story analysed before the log existed).
    pub fn story_updated(&self, story: &str) -> Result<Option<String>> {
        self.needs(CHANGES_MIGRATION, "the change log")?;
        Ok(self
            .conn
            .prepare_cached("SELECT MAX(at) FROM story_changes WHERE story = ?1")?
            .query_row([story], |r| r.get(0))
            .optional()?
            .flatten())
    }

    /// The stories for a feed, newest activity first (as [`Store::stories`] orders them),
    /// at most `limit` (1–100), each with its brief and when its newest change was
    /// recorded.
    pub fn story_feed(&self, limit: i64) -> Result<Vec<FeedStory>> {
        self.needs(crate::FACETS_MIGRATION, "the feed of stories")?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.id, s.title, s.articles, s.facts, s.corroborated, s.contested, s.last_seq,
                    json_extract(s.dossier, '$.stories[0].brief'),
                    (SELECT MAX(c.at) FROM story_changes c WHERE c.story = s.id),
                    s.first_published, s.last_published
             FROM stories s ORDER BY s.last_seq DESC, s.position LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit.clamp(1, 100)], |r| {
            Ok(FeedStory {
                story: StorySummary {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    articles: r.get(2)?,
                    facts: r.get(3)?,
                    corroborated: r.get(4)?,
                    contested: r.get(5)?,
                    last_activity: r.get(6)?,
                    first_published: r.get(9)?,
                    last_published: r.get(10)?,
                    // the feed's entries do not list them
                    outlets: Vec::new(),
                    languages: Vec::new(),
                },
                brief: r.get::<_, Option<String>>(7)?.unwrap_or_default(),
                updated: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The title of story `id`; `None` for an unknown id.
    pub fn story_title(&self, id: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT title FROM stories WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?)
    }

    /// When the newest change of all was recorded.
    pub fn last_change_at(&self) -> Result<Option<String>> {
        self.needs(CHANGES_MIGRATION, "the change log")?;
        Ok(self
            .conn
            .query_row("SELECT MAX(at) FROM story_changes", [], |r| r.get(0))?)
    }

    /// The delivery log, newest first, at most `limit` entries.
    pub fn deliveries(&self, limit: i64) -> Result<Vec<Delivery>> {
        self.needs(CHANGES_MIGRATION, "the webhook delivery log")?;
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries ORDER BY id DESC LIMIT ?1"
        ))?;
        let rows = stmt.query_map([limit], Delivery::from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Deliveries due now to one of `urls`, oldest first, at most `limit`.
    pub(crate) fn due(&self, urls: &[&str], limit: i64) -> Result<Vec<Delivery>> {
        let urls = serde_json::to_string(urls).unwrap_or_else(|_| "[]".into());
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries
             WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= {NOW}
               AND url IN (SELECT value FROM json_each(?1))
             ORDER BY next_attempt_at, id LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![urls, limit], Delivery::from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Takes `delivery` for one attempt: moves its next attempt [`CLAIM_SECS`] ahead, if no
    /// other process did since it was read as due, so two deliverers never send it both.
    /// A process that dies holding it leaves it due again when the claim runs out.
    pub(crate) fn claim(&mut self, delivery: &Delivery) -> Result<bool> {
        let Some(due) = &delivery.next_attempt_at else {
            return Ok(false);
        };
        let changed = self.conn.execute(
            &format!(
                "UPDATE webhook_deliveries
                 SET next_attempt_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+{CLAIM_SECS} seconds')
                 WHERE id = ?1 AND next_attempt_at = ?2 AND delivered_at IS NULL"
            ),
            params![delivery.id, due],
        )?;
        Ok(changed == 1)
    }

    /// Records one attempt of `delivery` to `hook`: delivered on a 2xx answer, else
    /// retried after the hook's next `retry_secs` or, with none left, failed.
    fn record_attempt(
        &mut self,
        delivery: &Delivery,
        hook: &Webhook,
        attempt: &Attempt,
    ) -> Result<DeliveryState> {
        let attempts = delivery.attempts + 1;
        let (status, error) = match attempt {
            Attempt::Answered(s) if (200..300).contains(s) => (Some(*s), None),
            Attempt::Answered(s) => (Some(*s), Some(format!("HTTP {s}"))),
            Attempt::Failed(e) => (None, Some(e.clone())),
        };
        let state = if error.is_none() {
            DeliveryState::Delivered
        } else if attempts < hook.max_attempts() {
            DeliveryState::Pending
        } else {
            DeliveryState::Failed
        };
        let wait = hook
            .retry_secs
            .get((attempts - 1) as usize)
            .copied()
            .unwrap_or(0)
            .min(i64::MAX as u64 / 2);
        let (next, delivered) = match state {
            DeliveryState::Delivered => ("NULL".to_string(), NOW.to_string()),
            DeliveryState::Pending => (
                format!("strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+{wait} seconds')"),
                "NULL".to_string(),
            ),
            DeliveryState::Failed => ("NULL".to_string(), "NULL".to_string()),
        };
        let tx = self.conn.transaction()?;
        tx.execute(
            &format!(
                "UPDATE webhook_deliveries SET attempts = ?2, last_status = ?3, last_error = ?4,
                 next_attempt_at = {next}, delivered_at = {delivered} WHERE id = ?1"
            ),
            params![delivery.id, attempts, status, error],
        )?;
        tx.commit()?;
        Ok(state)
    }

    /// Sends the deliveries that are due to the webhooks set by [`Store::set_webhooks`],
    /// through `send` (which makes the request; it is called with no transaction open),
    /// until none is due or `until` has passed, recording every attempt. A delivery to a
    /// URL no longer configured stays pending, unsent.
    pub fn deliver_due(
        &mut self,
        until: Instant,
        stop: &std::sync::atomic::AtomicBool,
        mut send: impl FnMut(&Delivery, &Webhook) -> Attempt,
    ) -> Result<DeliveryRound> {
        let stopped = || stop.load(std::sync::atomic::Ordering::SeqCst);
        let mut round = DeliveryRound::default();
        let hooks = self.webhooks.clone();
        if hooks.is_empty() {
            return Ok(round);
        }
        let urls: Vec<&str> = hooks.iter().map(|h| h.url.as_str()).collect();
        while Instant::now() < until && !stopped() {
            let due = self.due(&urls, 16)?;
            if due.is_empty() {
                break;
            }
            for d in &due {
                if Instant::now() >= until || stopped() {
                    break;
                }
                let Some(hook) = hooks.iter().find(|h| h.url == d.url) else {
                    continue;
                };
                // another process delivering the same outbox took it first
                if !self.claim(d)? {
                    continue;
                }
                let attempt = send(d, hook);
                match self.record_attempt(d, hook, &attempt)? {
                    DeliveryState::Delivered => round.delivered += 1,
                    DeliveryState::Pending => round.retrying += 1,
                    DeliveryState::Failed => round.failed += 1,
                }
            }
        }
        Ok(round)
    }

    /// Deliveries not yet delivered nor given up.
    pub fn pending_deliveries(&self) -> Result<i64> {
        self.needs(CHANGES_MIGRATION, "the webhook outbox")?;
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM webhook_deliveries WHERE next_attempt_at IS NOT NULL",
            [],
            |r| r.get(0),
        )?)
    }
}
