//! The embedded store of corroborate: the articles a newsroom has ingested and the latest
//! dossier derived from them, in one SQLite file (WAL mode).
//!
//! Main types: [`Store`] (a connection: one writer or many readers), [`Added`] (what an
//! ingest stored), [`StoryPage`] and [`StorySummary`] (the story list), [`Health`].
//!
//! How incremental ingest works: [`Store::add_articles`] inserts the new articles in one
//! transaction, each with an ingest sequence number (`seq`) and a content hash that is
//! `UNIQUE`, so re-ingesting the same content changes nothing. The dossier is then derived
//! again from every stored article in `seq` order (by the caller, with the engine) and
//! written by [`Store::replace_analysis`] in one transaction, which replaces the derived
//! tables (stories, facts, entities, copies, full-text index of facts) and records the
//! `seq` it covers and a dossier version. Story ids that the new dossier no longer has
//! (merged, or regrouped by the re-analysis) keep an alias to the story holding their
//! articles ([`Store::story_alias`]), so a story link never stops resolving. A crash
//! between the two leaves the articles
//! stored and the dossier one step behind; [`Store::pending`] tells, and the next ingest
//! catches up.
//!
//! Each replacement also appends what changed (new stories, new facts, status changes) to
//! the change log ([`Store::changes`], read by the Atom feeds) and, in the same
//! transaction, enqueues a webhook delivery for each fact that became corroborated or
//! contested ([`Store::set_webhooks`], [`Store::deliver_due`]; see the `changes` module).
//!
//! ```
//! use corroborate_model::Article;
//! use corroborate_store::Store;
//! let mut store = Store::open_in_memory().unwrap();
//! let added = store.add_articles(vec![Article::new("a1", "inline", "Syria joined the coalition.")]).unwrap();
//! assert_eq!(added.stored, vec!["a1".to_string()]);
//! let again = store.add_articles(vec![Article::new("a1", "inline", "Syria joined the coalition.")]).unwrap();
//! assert!(again.stored.is_empty());
//! assert_eq!(store.pending().unwrap(), 1);
//! ```
//!
//! Architecture invariant: the only crate that writes to disk. It stores and returns model
//! types; it never analyses (the caller runs the engine) and knows nothing of HTTP.
//!
//! Architecture invariant: every write is one transaction, so a process killed at any
//! moment leaves either the state before or the state after it. An article is reported as
//! stored only after its transaction committed.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use corroborate_model::{stable_hash, Article, Dossier, Entity, Fact, Story, SCHEMA_VERSION};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use serde::Serialize;

mod changes;

pub use changes::{
    Attempt, ChangeKind, Delivery, DeliveryRound, DeliveryState, FeedStory, StoryChange, Webhook,
    WebhookEvent,
};

/// Errors of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database {path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("cannot create the folder {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A read-only database of an older schema lacks what was asked for; a writer (any
    /// `ingest`, or `serve` on a writable file) upgrades it.
    #[error("this database has schema version {found}; {what} needs version {needed}: open it writable once (corroborate ingest, or serve on a writable copy) to upgrade it")]
    OlderSchema {
        found: i64,
        needed: i64,
        what: &'static str,
    },
    /// The file was written by a newer version of corroborate.
    #[error("the database has schema version {found}, newer than the {supported} this version understands")]
    NewerSchema { found: i64, supported: i64 },
    /// The analysis the caller ran over the stored articles failed.
    #[error("analysis failed: {0}")]
    Analysis(String),
    /// A stored record could not be read back: the file was changed outside corroborate
    /// or is damaged.
    #[error("corrupted stored data in {table} {key}: {detail}")]
    DataCorruption {
        table: &'static str,
        key: String,
        detail: String,
    },
    /// The file is an SQLite database but not one corroborate made (no schema version).
    #[error("{path} is not a corroborate database (it has no schema version)")]
    NotAStore { path: PathBuf },
    /// The database file exists but is empty: truncated, not a database to start afresh in.
    #[error("database {path} is an empty (0-byte) file, not a corroborate database; remove it to start a new one")]
    EmptyFile { path: PathBuf },
}

/// Whether a database error means the file is damaged: SQLite's own corruption codes, or
/// a stored value that does not decode (damaged pages read as bad text).
pub fn is_corruption(e: &SqliteError) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
    ) || matches!(
        e,
        rusqlite::Error::Utf8Error(..)
            | rusqlite::Error::FromSqlConversionFailure(..)
            | rusqlite::Error::InvalidColumnType(..)
            | rusqlite::Error::IntegralValueOutOfRange(..)
    )
}

pub use rusqlite::Error as SqliteError;

/// Whether a database error means another connection holds the lock (try again later).
pub fn is_busy(e: &SqliteError) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// Whether a database error means a write did not reach the disk: the disk is full, a
/// file-size limit was hit, or the write, sync or truncation failed. Nothing of that
/// transaction was committed.
pub fn is_write_failure(e: &SqliteError) -> bool {
    const IOERR_WRITE: i32 = 778;
    const IOERR_FSYNC: i32 = 1034;
    const IOERR_TRUNCATE: i32 = 1546;
    match e {
        rusqlite::Error::SqliteFailure(f, _) => {
            f.code == rusqlite::ErrorCode::DiskFull
                || matches!(f.extended_code, IOERR_WRITE | IOERR_FSYNC | IOERR_TRUNCATE)
        }
        _ => false,
    }
}

/// Whether an error means the database cannot be written here: a read-only file, folder
/// or media, or a file this user may not write.
pub fn is_read_only(e: &StoreError) -> bool {
    let sqlite = match e {
        StoreError::Open { source, .. } | StoreError::Sqlite(source) => source,
        _ => return false,
    };
    matches!(
        sqlite.sqlite_error_code(),
        Some(rusqlite::ErrorCode::ReadOnly | rusqlite::ErrorCode::PermissionDenied)
    )
}

impl StoreError {
    /// A bare database error as an `Open` error naming `path`.
    fn at(self, path: &Path) -> StoreError {
        match self {
            StoreError::Sqlite(source) => StoreError::Open {
                path: path.to_path_buf(),
                source,
            },
            other => other,
        }
    }
}

/// The `file:` URI that opens `path` as immutable (no locks, no WAL index).
fn immutable_uri(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut uri = String::from("file:");
    for b in absolute.to_string_lossy().bytes() {
        match b {
            b'?' | b'#' | b'%' | 0x80.. => uri.push_str(&format!("%{b:02X}")),
            _ => uri.push(b as char),
        }
    }
    uri.push_str("?immutable=1");
    uri
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Schema migrations, applied in order; `PRAGMA user_version` records how many ran. A new
/// version appends a step here and never edits an old one.
const MIGRATIONS: &[&str] = &[
    // 1: articles with ingest order and content hash; derived dossier tables; FTS5.
    "
    CREATE TABLE articles (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        content_hash TEXT NOT NULL UNIQUE,
        batch INTEGER NOT NULL,
        body TEXT NOT NULL
    );
    CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
    INSERT INTO meta (key, value) VALUES ('dossier_version', 0), ('analysed_seq', 0), ('batch', 0);
    CREATE TABLE stories (
        id TEXT PRIMARY KEY,
        position INTEGER NOT NULL,
        title TEXT NOT NULL,
        last_seq INTEGER NOT NULL,
        articles INTEGER NOT NULL,
        facts INTEGER NOT NULL,
        corroborated INTEGER NOT NULL,
        contested INTEGER NOT NULL,
        dossier TEXT NOT NULL
    );
    CREATE INDEX stories_by_activity ON stories (last_seq DESC, position);
    CREATE TABLE story_articles (
        article TEXT PRIMARY KEY,
        story TEXT NOT NULL REFERENCES stories (id)
    );
    CREATE TABLE facts (
        id TEXT PRIMARY KEY,
        story TEXT NOT NULL,
        position INTEGER NOT NULL UNIQUE,
        body TEXT NOT NULL
    );
    CREATE TABLE entities (id TEXT PRIMARY KEY, position INTEGER NOT NULL UNIQUE, body TEXT NOT NULL);
    CREATE TABLE copies (position INTEGER PRIMARY KEY, article TEXT NOT NULL, body TEXT NOT NULL);
    CREATE TABLE dossier_articles (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, body TEXT NOT NULL);
    CREATE VIRTUAL TABLE articles_fts USING fts5 (id UNINDEXED, title, text);
    CREATE VIRTUAL TABLE facts_fts USING fts5 (id UNINDEXED, story UNINDEXED, statement);
    ",
    // 2: ids of stories no longer in the dossier, each with the story that holds its
    // articles now (see `Store::replace_analysis`).
    "
    CREATE TABLE story_aliases (id TEXT PRIMARY KEY, story TEXT NOT NULL);
    ",
    // 3: the fetch log: every request `watch` (or a URL input stored by `ingest`) made,
    // with the validators of its answer for the next conditional GET.
    "
    CREATE TABLE fetches (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        url TEXT NOT NULL,
        status INTEGER NOT NULL,
        at TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        etag TEXT,
        last_modified TEXT,
        error TEXT
    );
    CREATE INDEX fetches_by_url ON fetches (url, seq);
    ",
    // 4: the change log (every new story, new fact and fact status change, written by
    // `Store::replace_analysis`) and the webhook outbox it fills in the same transaction.
    "
    CREATE TABLE story_changes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        dossier_version INTEGER NOT NULL,
        at TEXT NOT NULL,
        story TEXT NOT NULL,
        fact TEXT,
        kind TEXT NOT NULL CHECK (kind IN ('new_fact', 'status_change', 'new_story')),
        old_status TEXT,
        new_status TEXT,
        statement TEXT NOT NULL
    );
    CREATE INDEX story_changes_by_story ON story_changes (story, seq);
    CREATE TABLE webhook_deliveries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        url TEXT NOT NULL,
        event TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_at TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT,
        delivered_at TEXT,
        last_status INTEGER,
        last_error TEXT
    );
    CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
        WHERE next_attempt_at IS NOT NULL;
    ",
    // 5: what the story list filters on: each story's outlets and languages, and the
    // span of its articles' publication dates (filled from the stored dossier when an
    // older store is migrated; see `FACETS_MIGRATION`).
    "
    CREATE TABLE story_facets (
        story TEXT NOT NULL,
        kind TEXT NOT NULL,
        value TEXT NOT NULL COLLATE NOCASE,
        PRIMARY KEY (story, kind, value)
    );
    CREATE INDEX story_facets_by_value ON story_facets (kind, value);
    ALTER TABLE stories ADD COLUMN first_published TEXT;
    ALTER TABLE stories ADD COLUMN last_published TEXT;
    ",
];

/// The migration (its 1-based number) that adds `story_facets`: a store migrated across it
/// has its facets filled from the stories it already holds, in the same transaction.
const FACETS_MIGRATION: i64 = 5;

/// The schema version this code writes.
pub const STORE_SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Wait this long for another writer before giving up with "database is locked".
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// The default database: `$XDG_DATA_HOME/corroborate/corroborate.db`, else
/// `$HOME/.local/share/corroborate/corroborate.db`, else `corroborate.db` in the current
/// folder.
pub fn default_path() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".local").join("share"))
        });
    match base {
        Some(b) => b.join("corroborate").join("corroborate.db"),
        None => PathBuf::from("corroborate.db"),
    }
}

/// What one [`Store::add_articles`] call did, in input order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Added {
    /// Ids of the articles stored (committed) by this call.
    pub stored: Vec<String>,
    /// `(input id, stored id)` of articles whose content was already stored.
    pub unchanged: Vec<(String, String)>,
    /// `(input id, stored id)` of stored articles whose id was taken by different content
    /// and got a suffix (also listed in `stored`).
    pub renamed: Vec<(String, String)>,
}

/// One line of the story list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StorySummary {
    pub id: String,
    pub title: String,
    pub articles: i64,
    pub facts: i64,
    pub corroborated: i64,
    pub contested: i64,
    /// Ingest sequence number of the story's newest article: the list is sorted by it.
    pub last_activity: i64,
    /// Earliest and latest publication date among its articles (`YYYY-MM-DD`, or less
    /// precise as the articles give it); `None` when no article is dated.
    pub first_published: Option<String>,
    pub last_published: Option<String>,
    /// Its outlets as the story page names them (the article's outlet or URL host, else
    /// the name a copy of it credits it with), sorted.
    pub outlets: Vec<String>,
    /// Its articles' language tags (primary subtag, lower case), sorted.
    pub languages: Vec<String>,
}

/// Which stories [`Store::stories`] lists: every condition given must hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StoryFilter {
    /// Every word in the story's articles (title or text) or facts.
    pub q: Option<String>,
    /// An article published on or after this date (`YYYY-MM-DD`, compared as text).
    pub from: Option<String>,
    /// An article published on or before this date (the whole day: `2025-11-10` takes
    /// `2025-11-10T23:00`).
    pub to: Option<String>,
    /// An article from this outlet (case-insensitive, the whole name).
    pub outlet: Option<String>,
    /// An article in this language (primary subtag, case-insensitive: `en` takes `en-GB`).
    pub language: Option<String>,
    pub status: Option<StatusFilter>,
}

/// The story-list filter on fact status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusFilter {
    /// At least one corroborated fact.
    Corroborated,
    /// At least one contested fact.
    Contested,
    /// No fact corroborated or contested: everything rests on one source.
    SingleSource,
}

impl std::str::FromStr for StatusFilter {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "corroborated" => Ok(StatusFilter::Corroborated),
            "contested" => Ok(StatusFilter::Contested),
            "single_source" => Ok(StatusFilter::SingleSource),
            other => Err(format!(
                "unknown status {other:?}: expected corroborated, contested or single_source"
            )),
        }
    }
}

impl StoryFilter {
    /// Whether nothing is filtered (a query with no word in it filters nothing).
    pub fn is_empty(&self) -> bool {
        self.q.as_deref().is_none_or(|q| fts_query(q).is_empty())
            && !self.uses_facets()
            && self.status.is_none()
    }

    /// Whether a filter reads the stories' facets (dates, outlet, language).
    fn uses_facets(&self) -> bool {
        let blank = |v: &Option<String>| v.as_deref().is_none_or(|v| v.trim().is_empty());
        !(blank(&self.from) && blank(&self.to) && blank(&self.outlet) && blank(&self.language))
    }

    /// The `WHERE` clause over `stories` and its parameters (`?1`, `?2`, … in order).
    fn clause(&self) -> (String, Vec<rusqlite::types::Value>) {
        use rusqlite::types::Value;
        let mut conditions: Vec<String> = Vec::new();
        let mut args: Vec<Value> = Vec::new();
        let given = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        if let Some(q) = self.q.as_deref().map(fts_query).filter(|q| !q.is_empty()) {
            args.push(Value::Text(q));
            let n = args.len();
            conditions.push(format!(
                "id IN (SELECT sa.story FROM story_articles sa JOIN articles_fts f ON f.id = sa.article WHERE articles_fts MATCH ?{n}
                        UNION SELECT story FROM facts_fts WHERE facts_fts MATCH ?{n})"
            ));
        }
        // an article published within the range (each article's date is a facet)
        let (from, to) = (given(&self.from), given(&self.to));
        if from.is_some() || to.is_some() {
            let mut bounds = Vec::new();
            if let Some(from) = from {
                args.push(Value::Text(from));
                bounds.push(format!("value >= ?{}", args.len()));
            }
            if let Some(to) = to {
                // the whole day: a timestamp on that day sorts after the bare date
                args.push(Value::Text(format!("{to}\u{10FFFF}")));
                bounds.push(format!("value <= ?{}", args.len()));
            }
            conditions.push(format!(
                "id IN (SELECT story FROM story_facets WHERE kind = 'published' AND {})",
                bounds.join(" AND ")
            ));
        }
        for (kind, value) in [
            ("outlet", given(&self.outlet)),
            (
                "language",
                given(&self.language).map(|l| primary_language(&l)),
            ),
        ] {
            if let Some(value) = value {
                args.push(Value::Text(value));
                conditions.push(format!(
                    "id IN (SELECT story FROM story_facets WHERE kind = '{kind}' AND value = ?{})",
                    args.len()
                ));
            }
        }
        match self.status {
            Some(StatusFilter::Corroborated) => conditions.push("corroborated > 0".into()),
            Some(StatusFilter::Contested) => conditions.push("contested > 0".into()),
            Some(StatusFilter::SingleSource) => {
                conditions.push("corroborated = 0 AND contested = 0".into())
            }
            None => {}
        }
        if conditions.is_empty() {
            (String::new(), args)
        } else {
            (format!("WHERE {}", conditions.join(" AND ")), args)
        }
    }
}

/// The filterable values of the whole dossier, with how many stories have each.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FacetValues {
    pub outlets: Vec<(String, i64)>,
    pub languages: Vec<(String, i64)>,
}

/// A language tag's primary subtag in lower case: `en-GB` → `en`.
fn primary_language(tag: &str) -> String {
    tag.trim()
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// The story's facets, read off its own dossier: outlets, languages, and the span of its
/// articles' publication dates.
fn story_facets(scoped: &Dossier) -> (BTreeSet<String>, BTreeSet<String>, Vec<&str>) {
    let credited = corroborate_model::credited_outlets(&scoped.copies);
    let mut outlets = BTreeSet::new();
    let mut languages = BTreeSet::new();
    let mut dates: Vec<&str> = Vec::new();
    for a in &scoped.articles {
        if let Some(name) = a.outlet_or_host().or_else(|| {
            credited
                .get(a.id.as_str())
                .map(|(name, _)| name.to_string())
        }) {
            outlets.insert(name);
        }
        if let Some(lang) = a
            .language
            .as_deref()
            .map(primary_language)
            .filter(|l| !l.is_empty())
        {
            languages.insert(lang);
        }
        if let Some(p) = a
            .published
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            dates.push(p);
        }
    }
    dates.sort_unstable();
    dates.dedup();
    (outlets, languages, dates)
}

/// Writes story `id`'s facets (its rows in `story_facets`, its date span on `stories`).
fn write_facets(tx: &rusqlite::Transaction, id: &str, scoped: &Dossier) -> Result<()> {
    let (outlets, languages, dates) = story_facets(scoped);
    let (first, last) = (dates.first().copied(), dates.last().copied());
    let mut ins = tx.prepare_cached(
        "INSERT OR IGNORE INTO story_facets (story, kind, value) VALUES (?1, ?2, ?3)",
    )?;
    for o in &outlets {
        ins.execute(params![id, "outlet", o])?;
    }
    for l in &languages {
        ins.execute(params![id, "language", l])?;
    }
    for d in &dates {
        ins.execute(params![id, "published", d])?;
    }
    tx.prepare_cached(
        "UPDATE stories SET first_published = ?2, last_published = ?3 WHERE id = ?1",
    )?
    .execute(params![id, first, last])?;
    Ok(())
}

/// Fills the facets of every stored story from its stored dossier (a store migrated from a
/// version without them).
fn fill_facets(tx: &rusqlite::Transaction) -> Result<()> {
    let stories: Vec<(String, String)> = {
        let mut stmt = tx.prepare("SELECT id, dossier FROM stories")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    for (id, body) in stories {
        let scoped: Dossier = decode("stories", &id, &body)?;
        write_facets(tx, &id, &scoped)?;
    }
    Ok(())
}

/// A page of the story list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoryPage {
    pub stories: Vec<StorySummary>,
    /// Stories matching the query, over all pages.
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// Counts for `/api/health` and `corroborate ingest`'s summary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Health {
    pub schema_version: i64,
    pub articles: i64,
    pub stories: i64,
    pub facts: i64,
    /// Increases by one each time the dossier is replaced.
    pub dossier_version: i64,
    /// Articles stored but not yet in the dossier.
    pub pending: i64,
}

/// An article as served by the API: the dossier's version of it (outlet filled in by the
/// analysis) and the story it belongs to.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ArticleRecord {
    pub article: Article,
    pub story: Option<String>,
    pub seq: i64,
}

/// One request of the fetch log (see [`Store::record_fetches`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FetchEntry {
    pub url: String,
    /// HTTP status; 0 when no answer came.
    pub status: u16,
    /// RFC 3339 UTC.
    pub at: String,
    pub bytes: u64,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub error: Option<String>,
}

impl FetchEntry {
    fn from_row(r: &rusqlite::Row) -> rusqlite::Result<FetchEntry> {
        Ok(FetchEntry {
            url: r.get(0)?,
            status: r.get(1)?,
            at: r.get(2)?,
            bytes: r.get::<_, i64>(3)?.max(0) as u64,
            etag: r.get(4)?,
            last_modified: r.get(5)?,
            error: r.get(6)?,
        })
    }
}

/// A connection to the store.
pub struct Store {
    conn: Connection,
    write: bool,
    /// Where [`Store::replace_analysis`] enqueues a delivery for each fact that becomes
    /// corroborated or contested (see [`Store::set_webhooks`]).
    webhooks: Vec<Webhook>,
    /// The schema version of the file: this code's, once a writer migrated it; a reader
    /// may hold an older one, whose missing tables and columns it reports as
    /// [`StoreError::OlderSchema`] when asked for them.
    schema: i64,
}

impl Store {
    /// Opens (creating it and its folder if needed) the database at `path` for reading and
    /// writing, and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        // SQLite takes a 0-byte file for a new database: refuse it, it was one once
        if std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == 0) {
            return Err(StoreError::EmptyFile {
                path: path.to_path_buf(),
            });
        }
        let conn = Connection::open(path).map_err(|source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        Store::setup(conn, true)
    }

    /// Opens `path` for writing when it can, and for reading only when the file, its
    /// folder or the media is read-only (a database on a read-only mount can still be
    /// served and exported). [`Store::writable`] says which it got.
    pub fn open_writable_or_read_only(path: &Path) -> Result<Store> {
        match Store::open(path) {
            Err(e) if is_read_only(&e) => Store::open_read_only(path),
            other => other,
        }
    }

    /// Whether this connection may write (see [`Store::open_writable_or_read_only`]).
    pub fn writable(&self) -> bool {
        self.write
    }

    /// Opens an existing database for reading only (the server's readers). Readers never
    /// block the writer, nor the writer them (WAL). A database whose folder cannot be
    /// written (read-only media, or another user's folder: SQLite cannot create the WAL's
    /// shared-memory file) is opened as immutable, which needs no lock file; nobody can
    /// write it from here, and its owner should not write it while it is read so.
    pub fn open_read_only(path: &Path) -> Result<Store> {
        if std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == 0) {
            return Err(StoreError::EmptyFile {
                path: path.to_path_buf(),
            });
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let opened = Connection::open_with_flags(path, flags)
            .map_err(StoreError::from)
            .and_then(|conn| Store::setup(conn, false))
            .and_then(|store| store.schema_version().map(|v| (store, v)));
        let (store, found) = match opened {
            Ok(opened) => opened,
            Err(e) if !path.exists() => return Err(e.at(path)),
            // e.g. SQLITE_READONLY_DIRECTORY: WAL readers need the shared-memory file
            Err(e) => {
                let immutable = Connection::open_with_flags(
                    immutable_uri(path),
                    flags | OpenFlags::SQLITE_OPEN_URI,
                )
                .map_err(StoreError::from)
                .and_then(|conn| Store::setup(conn, false))
                .and_then(|store| store.schema_version().map(|v| (store, v)));
                match immutable {
                    Ok(opened) => opened,
                    // the first error says more than the fallback's
                    Err(_) => return Err(e.at(path)),
                }
            }
        };
        // an older schema reads as it is; what it lacks (the change log, the story list's
        // facets) is refused by name, see `Store::needs`
        if found > STORE_SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                found,
                supported: STORE_SCHEMA_VERSION,
            });
        }
        if found < 1 {
            return Err(StoreError::NotAStore {
                path: path.to_path_buf(),
            });
        }
        Ok(store)
    }

    /// A private database in memory, for tests and examples.
    pub fn open_in_memory() -> Result<Store> {
        Store::setup(Connection::open_in_memory()?, true)
    }

    fn setup(conn: Connection, write: bool) -> Result<Store> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        if write {
            // WAL lets readers go on while ingest writes; FULL syncs each commit so a
            // committed ingest survives a power cut, not only a crash.
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.pragma_update(None, "synchronous", "FULL")?;
        }
        let mut store = Store {
            conn,
            write,
            webhooks: Vec::new(),
            schema: STORE_SCHEMA_VERSION,
        };
        if write {
            store.migrate()?;
        } else {
            store.schema = store.schema_version()?;
        }
        Ok(store)
    }

    /// `Ok` when the file's schema has migration `needed`, else [`StoreError::OlderSchema`]
    /// naming `what` needs it.
    pub(crate) fn needs(&self, needed: i64, what: &'static str) -> Result<()> {
        if self.schema >= needed {
            Ok(())
        } else {
            Err(StoreError::OlderSchema {
                found: self.schema,
                needed,
                what,
            })
        }
    }

    fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    fn migrate(&mut self) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let found: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if found > STORE_SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                found,
                supported: STORE_SCHEMA_VERSION,
            });
        }
        for step in &MIGRATIONS[found as usize..] {
            tx.execute_batch(step)?;
        }
        if found > 0 && found < FACETS_MIGRATION {
            fill_facets(&tx)?;
        }
        tx.pragma_update(None, "user_version", STORE_SCHEMA_VERSION)?;
        tx.commit()?;
        Ok(())
    }

    /// Stores the articles that are not stored yet, in one transaction, in the order given.
    /// An article whose content (title, url, outlet, date, language, text) is already
    /// stored is skipped; one whose id is taken by other content is stored under the id
    /// with `-` and 8 hex digits of its content hash appended.
    pub fn add_articles(&mut self, articles: Vec<Article>) -> Result<Added> {
        let mut added = Added::default();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let batch: i64 = tx.query_row(
            "UPDATE meta SET value = value + 1 WHERE key = 'batch' RETURNING value",
            [],
            |r| r.get(0),
        )?;
        {
            let mut by_hash = tx.prepare("SELECT id FROM articles WHERE content_hash = ?1")?;
            let mut id_taken = tx.prepare("SELECT 1 FROM articles WHERE id = ?1")?;
            let mut insert = tx.prepare(
                "INSERT INTO articles (id, content_hash, batch, body) VALUES (?1, ?2, ?3, ?4)",
            )?;
            let mut fts =
                tx.prepare("INSERT INTO articles_fts (id, title, text) VALUES (?1, ?2, ?3)")?;
            for mut article in articles {
                let hash = content_hash(&article);
                if let Some(existing) = by_hash
                    .query_row([&hash], |r| r.get::<_, String>(0))
                    .optional()?
                {
                    added.unchanged.push((article.id, existing));
                    continue;
                }
                let input_id = article.id.clone();
                let mut candidate = article.id.clone();
                let mut n = 0u32;
                while id_taken.exists([&candidate])? {
                    n += 1;
                    candidate = if n == 1 {
                        format!("{input_id}-{}", &hash[..8])
                    } else {
                        format!("{input_id}-{}-{n}", &hash[..8])
                    };
                }
                if candidate != input_id {
                    added.renamed.push((input_id, candidate.clone()));
                }
                article.id = candidate;
                let body =
                    serde_json::to_string(&article).map_err(|e| StoreError::DataCorruption {
                        table: "articles",
                        key: article.id.clone(),
                        detail: e.to_string(),
                    })?;
                insert.execute(params![article.id, hash, batch, body])?;
                fts.execute(params![
                    article.id,
                    article.title.as_deref().unwrap_or(""),
                    article.text
                ])?;
                added.stored.push(article.id);
            }
        }
        tx.commit()?;
        Ok(added)
    }

    /// Every stored article in ingest order, and the `seq` of the last one: what the next
    /// analysis covers.
    pub fn articles_for_analysis(&self) -> Result<(Vec<Article>, i64)> {
        let mut stmt = self
            .conn
            .prepare("SELECT seq, id, body FROM articles ORDER BY seq")?;
        let mut rows = stmt.query([])?;
        let mut articles = Vec::new();
        let mut last = 0;
        while let Some(row) = rows.next()? {
            last = row.get(0)?;
            let id: String = row.get(1)?;
            let body: String = row.get(2)?;
            articles.push(decode("articles", &id, &body)?);
        }
        Ok((articles, last))
    }

    /// Articles stored after the last analysis.
    pub fn pending(&self) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM articles WHERE seq > (SELECT value FROM meta WHERE key = 'analysed_seq')",
            [],
            |r| r.get(0),
        )?)
    }

    /// Replaces the derived tables with `dossier`, the analysis of every article up to
    /// `analysed_seq`, in one transaction. Returns `false` (and writes nothing) when the
    /// stored dossier already covers as much: a slower, older analysis never overwrites a
    /// newer one.
    ///
    /// In the same transaction it appends to the change log ([`Store::changes`]) a
    /// `new_story` for every story id the stored dossier did not have, a `new_fact` for
    /// every new fact id and a `status_change` for every fact whose status differs, and
    /// enqueues a webhook delivery (see [`Store::set_webhooks`]) for every new fact or
    /// status change whose new status is corroborated or contested. The first analysis
    /// of an empty store records every story and fact as new (and so fires webhooks for
    /// the facts already corroborated or contested): a subscriber hears of every fact
    /// that reached such a status, whichever ingest brought it.
    pub fn replace_analysis(&mut self, dossier: &Dossier, analysed_seq: i64) -> Result<bool> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current: i64 = tx.query_row(
            "SELECT value FROM meta WHERE key = 'analysed_seq'",
            [],
            |r| r.get(0),
        )?;
        let version: i64 = tx.query_row(
            "SELECT value FROM meta WHERE key = 'dossier_version'",
            [],
            |r| r.get(0),
        )?;
        if current >= analysed_seq && version > 0 {
            return Ok(false);
        }
        let before = story_members(&tx)?;
        let aliases = carried_aliases(&tx, &before, dossier)?;
        // read before the derived tables are emptied: what the dossier changes
        let changes = changes::diff(&tx, dossier)?;
        changes::record(&tx, &changes, version + 1, &self.webhooks)?;
        tx.execute_batch(
            "DELETE FROM story_articles; DELETE FROM stories; DELETE FROM facts;
             DELETE FROM story_aliases;
             DELETE FROM entities; DELETE FROM copies; DELETE FROM dossier_articles;
             DELETE FROM facts_fts; DELETE FROM story_facets;",
        )?;
        {
            let seqs: BTreeMap<String, i64> = {
                let mut stmt = tx.prepare("SELECT id, seq FROM articles")?;
                let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<Result<_, _>>()?
            };
            let mut ins =
                tx.prepare("INSERT INTO dossier_articles (seq, id, body) VALUES (?1, ?2, ?3)")?;
            for (i, a) in dossier.articles.iter().enumerate() {
                let seq = seqs.get(&a.id).copied().unwrap_or(-(i as i64) - 1);
                ins.execute(params![seq, a.id, encode(a)])?;
            }
            let mut ins = tx.prepare(
                "INSERT INTO stories (id, position, title, last_seq, articles, facts, corroborated, contested, dossier)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?;
            let mut member = tx
                .prepare("INSERT OR IGNORE INTO story_articles (article, story) VALUES (?1, ?2)")?;
            let index = StoryIndex::new(dossier);
            for (position, story) in dossier.stories.iter().enumerate() {
                let scoped = index.dossier_of(story);
                let last_seq = story
                    .articles
                    .iter()
                    .filter_map(|a| seqs.get(a))
                    .max()
                    .copied()
                    .unwrap_or(0);
                let count = |s: corroborate_model::Status| {
                    scoped.facts.iter().filter(|f| f.status == s).count() as i64
                };
                ins.execute(params![
                    story.id,
                    position as i64,
                    story.title,
                    last_seq,
                    story.articles.len() as i64,
                    scoped.facts.len() as i64,
                    count(corroborate_model::Status::Corroborated),
                    count(corroborate_model::Status::Contested),
                    encode(&scoped),
                ])?;
                for a in &story.articles {
                    member.execute(params![a, story.id])?;
                }
                write_facets(&tx, &story.id, &scoped)?;
            }
            let mut ins = tx
                .prepare("INSERT INTO facts (id, story, position, body) VALUES (?1, ?2, ?3, ?4)")?;
            let mut fts =
                tx.prepare("INSERT INTO facts_fts (id, story, statement) VALUES (?1, ?2, ?3)")?;
            for (position, fact) in dossier.facts.iter().enumerate() {
                ins.execute(params![fact.id, fact.story, position as i64, encode(fact)])?;
                fts.execute(params![fact.id, fact.story, fact.statement])?;
            }
            let mut ins =
                tx.prepare("INSERT INTO entities (id, position, body) VALUES (?1, ?2, ?3)")?;
            for (position, e) in dossier.entities.iter().enumerate() {
                ins.execute(params![e.id, position as i64, encode(e)])?;
            }
            let mut ins =
                tx.prepare("INSERT INTO copies (position, article, body) VALUES (?1, ?2, ?3)")?;
            for (position, c) in dossier.copies.iter().enumerate() {
                ins.execute(params![position as i64, c.article, encode(c)])?;
            }
            let mut ins = tx.prepare("INSERT INTO story_aliases (id, story) VALUES (?1, ?2)")?;
            for (id, story) in &aliases {
                ins.execute(params![id, story])?;
            }
        }
        tx.execute(
            "UPDATE meta SET value = ?1 WHERE key = 'analysed_seq'",
            [analysed_seq],
        )?;
        tx.execute(
            "UPDATE meta SET value = value + 1 WHERE key = 'dossier_version'",
            [],
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// Brings the dossier up to date: when articles are pending, runs `analyse` over every
    /// stored article in ingest order and replaces the derived tables with its result.
    /// Returns whether a new dossier was written. The cost is a full analysis of the corpus
    /// per call; the caller decides when to pay it (once per ingest).
    pub fn refresh<E: std::fmt::Display>(
        &mut self,
        analyse: impl FnOnce(Vec<Article>) -> std::result::Result<Dossier, E>,
    ) -> Result<bool> {
        if self.pending()? == 0 {
            return Ok(false);
        }
        let (articles, last) = self.articles_for_analysis()?;
        let dossier = analyse(articles).map_err(|e| StoreError::Analysis(e.to_string()))?;
        self.replace_analysis(&dossier, last)
    }

    /// The whole stored dossier, as the engine produced it.
    pub fn dossier(&self) -> Result<Dossier> {
        Ok(Dossier {
            schema_version: SCHEMA_VERSION,
            articles: self.bodies("dossier_articles", "id", "seq")?,
            copies: self.bodies("copies", "article", "position")?,
            stories: {
                let scoped: Vec<Dossier> =
                    self.bodies_of("stories", "id", "dossier", "position")?;
                scoped.into_iter().flat_map(|d| d.stories).collect()
            },
            entities: self.bodies("entities", "id", "position")?,
            facts: self.bodies("facts", "id", "position")?,
        })
    }

    fn bodies<T: serde::de::DeserializeOwned>(
        &self,
        table: &'static str,
        key: &str,
        order: &str,
    ) -> Result<Vec<T>> {
        self.bodies_of(table, key, "body", order)
    }

    fn bodies_of<T: serde::de::DeserializeOwned>(
        &self,
        table: &'static str,
        key: &str,
        column: &str,
        order: &str,
    ) -> Result<Vec<T>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {key}, {column} FROM {table} ORDER BY {order}"
        ))?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let k: String = row.get(0)?;
            let body: String = row.get(1)?;
            out.push(decode(table, &k, &body)?);
        }
        Ok(out)
    }

    /// The dossier of one story as stored JSON (schema 1): the story, its articles, the
    /// copies among them, the entities they mention and the story's facts. `None` for an
    /// unknown id.
    /// The body is checked to be JSON, so a damaged record is `DataCorruption`, never
    /// served.
    pub fn story_json(&self, id: &str) -> Result<Option<String>> {
        let body: Option<String> = self
            .conn
            .prepare_cached("SELECT dossier FROM stories WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        if let Some(body) = &body {
            decode::<serde::de::IgnoredAny>("stories", id, body)?;
        }
        Ok(body)
    }

    /// The story that now holds the articles of `id`, a story id the store published
    /// before and the dossier no longer has (merged into an older story, or, with corpus
    /// frequencies, folded into another by a re-analysis). `None` for a live or unknown id.
    pub fn story_alias(&self, id: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT story FROM story_aliases WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?)
    }

    /// [`Store::story_json`], decoded.
    pub fn story(&self, id: &str) -> Result<Option<Dossier>> {
        match self.story_json(id)? {
            Some(body) => Ok(Some(decode("stories", id, &body)?)),
            None => Ok(None),
        }
    }

    /// One article as the dossier has it, with its story. Articles stored but not yet
    /// analysed are returned as stored, without a story.
    pub fn article(&self, id: &str) -> Result<Option<ArticleRecord>> {
        let row: Option<(i64, String, Option<String>, Option<String>)> = self
            .conn
            .prepare_cached(
                "SELECT a.seq, a.body, d.body, s.story FROM articles a
                 LEFT JOIN dossier_articles d ON d.id = a.id
                 LEFT JOIN story_articles s ON s.article = a.id WHERE a.id = ?1",
            )?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .optional()?;
        let Some((seq, stored, analysed, story)) = row else {
            return Ok(None);
        };
        let article = decode("articles", id, analysed.as_deref().unwrap_or(&stored))?;
        Ok(Some(ArticleRecord {
            article,
            story,
            seq,
        }))
    }

    /// One fact, or `None` for an unknown id.
    pub fn fact(&self, id: &str) -> Result<Option<Fact>> {
        let body: Option<String> = self
            .conn
            .prepare_cached("SELECT body FROM facts WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        body.map(|b| decode("facts", id, &b)).transpose()
    }

    /// Stories, newest activity first (the story holding the most recently ingested
    /// article), `per_page` at a time (1–100), that pass `filter` (see [`StoryFilter`]).
    pub fn stories(&self, filter: &StoryFilter, page: i64, per_page: i64) -> Result<StoryPage> {
        let page = page.max(1);
        let per_page = per_page.clamp(1, 100);
        let offset = (page - 1).saturating_mul(per_page);
        let faceted = self.schema >= FACETS_MIGRATION;
        if !faceted && filter.uses_facets() {
            self.needs(
                FACETS_MIGRATION,
                "filtering stories by date, outlet or language",
            )?;
        }
        let (clause, mut args) = filter.clause();
        let published = if faceted {
            "first_published, last_published"
        } else {
            "NULL, NULL"
        };
        let total: i64 = self
            .conn
            .prepare_cached(&format!("SELECT COUNT(*) FROM stories {clause}"))?
            .query_row(rusqlite::params_from_iter(&args), |r| r.get(0))?;
        let n = args.len();
        args.push(rusqlite::types::Value::Integer(per_page));
        args.push(rusqlite::types::Value::Integer(offset));
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT id, title, articles, facts, corroborated, contested, last_seq, {published}
             FROM stories {clause}
             ORDER BY last_seq DESC, position LIMIT ?{} OFFSET ?{}",
            n + 1,
            n + 2
        ))?;
        let mut stories = stmt
            .query_map(rusqlite::params_from_iter(&args), |r| {
                Ok(StorySummary {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    articles: r.get(2)?,
                    facts: r.get(3)?,
                    corroborated: r.get(4)?,
                    contested: r.get(5)?,
                    last_activity: r.get(6)?,
                    first_published: r.get(7)?,
                    last_published: r.get(8)?,
                    outlets: Vec::new(),
                    languages: Vec::new(),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        if !faceted {
            return Ok(StoryPage {
                stories,
                total,
                page,
                per_page,
            });
        }
        let mut facets = self.conn.prepare_cached(
            "SELECT kind, value FROM story_facets WHERE story = ?1 AND kind IN ('outlet', 'language')
             ORDER BY kind, value",
        )?;
        for story in &mut stories {
            let rows = facets.query_map([&story.id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?;
            for row in rows {
                let (kind, value) = row?;
                match kind.as_str() {
                    "outlet" => story.outlets.push(value),
                    "language" => story.languages.push(value),
                    _ => {}
                }
            }
        }
        Ok(StoryPage {
            stories,
            total,
            page,
            per_page,
        })
    }

    /// The values the story list can be filtered on: every outlet and language of the
    /// dossier with the number of stories that have it, most stories first (then by name),
    /// at most `limit` of each.
    pub fn facet_values(&self, limit: i64) -> Result<FacetValues> {
        if self.schema < FACETS_MIGRATION {
            return Ok(FacetValues::default());
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT value, COUNT(*) AS n FROM story_facets WHERE kind = ?1
             GROUP BY value ORDER BY n DESC, value LIMIT ?2",
        )?;
        let mut read = |kind: &str| -> Result<Vec<(String, i64)>> {
            let rows = stmt.query_map(params![kind, limit], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<Result<_, _>>()?)
        };
        Ok(FacetValues {
            outlets: read("outlet")?,
            languages: read("language")?,
        })
    }

    /// Counts for a health check.
    pub fn health(&self) -> Result<Health> {
        let count = |sql: &str| -> Result<i64> { Ok(self.conn.query_row(sql, [], |r| r.get(0))?) };
        Ok(Health {
            schema_version: self.schema_version()?,
            articles: count("SELECT COUNT(*) FROM articles")?,
            stories: count("SELECT COUNT(*) FROM stories")?,
            facts: count("SELECT COUNT(*) FROM facts")?,
            dossier_version: count("SELECT value FROM meta WHERE key = 'dossier_version'")?,
            pending: self.pending()?,
        })
    }

    /// SQLite's `PRAGMA integrity_check`: `"ok"` for a sound file, else the problems found.
    /// Appends requests to the fetch log, in one transaction.
    pub fn record_fetches(&mut self, fetches: &[FetchEntry]) -> Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO fetches (url, status, at, bytes, etag, last_modified, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for f in fetches {
                insert.execute(params![
                    f.url,
                    f.status,
                    f.at,
                    f.bytes as i64,
                    f.etag,
                    f.last_modified,
                    f.error
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The newest fetch of `url` answered 200, if any: its validators for a conditional GET.
    pub fn last_fetched(&self, url: &str) -> Result<Option<FetchEntry>> {
        Ok(self
            .conn
            .query_row(
                "SELECT url, status, at, bytes, etag, last_modified, error FROM fetches WHERE url = ?1 AND status = 200 ORDER BY seq DESC LIMIT 1",
                [url],
                FetchEntry::from_row,
            )
            .optional()?)
    }

    /// The fetch log, newest first, at most `limit` entries.
    pub fn fetch_log(&self, limit: i64) -> Result<Vec<FetchEntry>> {
        let mut q = self.conn.prepare(
            "SELECT url, status, at, bytes, etag, last_modified, error FROM fetches ORDER BY seq DESC LIMIT ?1",
        )?;
        let rows = q.query_map([limit], FetchEntry::from_row)?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    pub fn integrity_check(&self) -> Result<String> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let lines = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(lines.join("\n"))
    }
}

/// Each stored story's articles, in ingest order.
fn story_members(tx: &rusqlite::Transaction) -> Result<BTreeMap<String, Vec<String>>> {
    let mut stmt = tx.prepare(
        "SELECT sa.story, sa.article FROM story_articles sa
         LEFT JOIN articles a ON a.id = sa.article ORDER BY sa.story, a.seq",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for row in rows {
        let (story, article) = row?;
        out.entry(story).or_default().push(article);
    }
    Ok(out)
}

/// The aliases to store with `dossier`: every story id the store has published that the
/// dossier does not have, mapped to a story it does have, so a link to a story never
/// stops resolving. A story the engine records as merged goes to its survivor; any other
/// vanished story goes to the new story holding most of its articles (the earliest such
/// article breaks ties); an older alias follows its story to wherever that went. An id
/// that is a story again loses its alias.
fn carried_aliases(
    tx: &rusqlite::Transaction,
    before: &BTreeMap<String, Vec<String>>,
    dossier: &Dossier,
) -> Result<BTreeMap<String, String>> {
    let live: BTreeSet<&str> = dossier.stories.iter().map(|s| s.id.as_str()).collect();
    let story_of: HashMap<&str, &str> = dossier
        .stories
        .iter()
        .flat_map(|s| s.articles.iter().map(|a| (a.as_str(), s.id.as_str())))
        .collect();
    let mut moved: BTreeMap<String, String> = BTreeMap::new();
    for story in &dossier.stories {
        for m in &story.merged {
            if !live.contains(m.as_str()) {
                moved.insert(m.clone(), story.id.clone());
            }
        }
    }
    for (old, members) in before {
        if live.contains(old.as_str()) || moved.contains_key(old) {
            continue;
        }
        // (articles held, -(first position)) per new story: most articles, then earliest
        let mut votes: HashMap<&str, (usize, isize)> = HashMap::new();
        for (i, a) in members.iter().enumerate() {
            if let Some(&s) = story_of.get(a.as_str()) {
                let v = votes.entry(s).or_insert((0, -(i as isize)));
                v.0 += 1;
            }
        }
        // first positions differ, so the key is unique: no tie is left to the map's order
        if let Some((s, _)) = votes.into_iter().max_by_key(|&(_, v)| v) {
            moved.insert(old.clone(), s.to_string());
        }
    }
    let mut aliases = moved.clone();
    let mut stmt = tx.prepare("SELECT id, story FROM story_aliases")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (id, target) = row?;
        if live.contains(id.as_str()) || aliases.contains_key(&id) {
            continue;
        }
        // targets were live stories when written: one step reaches a live story again
        let target = if live.contains(target.as_str()) {
            Some(target)
        } else {
            moved.get(&target).cloned()
        };
        if let Some(t) = target {
            aliases.insert(id, t);
        }
    }
    Ok(aliases)
}

/// The dossier restricted to one story: the story, its articles (dossier order), the copies
/// whose copy is among them, the entities mentioned in them and the story's facts. Empty
/// lists when the story is unknown.
pub fn story_dossier(d: &Dossier, story_id: &str) -> Dossier {
    let index = StoryIndex::new(d);
    match d.stories.iter().find(|s| s.id == story_id) {
        Some(story) => index.dossier_of(story),
        None => Dossier {
            schema_version: d.schema_version,
            articles: vec![],
            copies: vec![],
            stories: vec![],
            entities: vec![],
            facts: vec![],
        },
    }
}

/// Positions of each article's records in a dossier, so that every story's own dossier is
/// cut in time proportional to its size rather than the whole dossier's (a 100k-article
/// corpus has some 20k stories).
struct StoryIndex<'a> {
    d: &'a Dossier,
    article: HashMap<&'a str, usize>,
    copies_of: HashMap<&'a str, Vec<usize>>,
    entities_of: HashMap<&'a str, Vec<usize>>,
    facts_of: HashMap<&'a str, Vec<usize>>,
}

impl<'a> StoryIndex<'a> {
    fn new(d: &'a Dossier) -> Self {
        let mut index = StoryIndex {
            d,
            article: HashMap::new(),
            copies_of: HashMap::new(),
            entities_of: HashMap::new(),
            facts_of: HashMap::new(),
        };
        for (i, a) in d.articles.iter().enumerate() {
            index.article.entry(a.id.as_str()).or_insert(i);
        }
        for (i, c) in d.copies.iter().enumerate() {
            index
                .copies_of
                .entry(c.article.as_str())
                .or_default()
                .push(i);
        }
        for (i, e) in d.entities.iter().enumerate() {
            for a in &e.articles {
                index.entities_of.entry(a.as_str()).or_default().push(i);
            }
        }
        for (i, f) in d.facts.iter().enumerate() {
            index.facts_of.entry(f.story.as_str()).or_default().push(i);
        }
        index
    }

    /// Same records, in the same (dossier) order, as filtering the whole dossier would give,
    /// except that each entity lists only the story's articles: the whole list of a name
    /// that thousands of articles mention would be copied into every story that mentions
    /// it (at 20k articles that was 93% of the stored story dossiers, 2.2 GB).
    fn dossier_of(&self, story: &Story) -> Dossier {
        let d = self.d;
        let mut articles: BTreeSet<usize> = BTreeSet::new();
        let mut copies: BTreeSet<usize> = BTreeSet::new();
        let mut entities: BTreeSet<usize> = BTreeSet::new();
        let members: HashSet<&str> = story.articles.iter().map(String::as_str).collect();
        for a in &story.articles {
            if let Some(&i) = self.article.get(a.as_str()) {
                articles.insert(i);
            }
            copies.extend(self.copies_of.get(a.as_str()).into_iter().flatten());
            entities.extend(self.entities_of.get(a.as_str()).into_iter().flatten());
        }
        Dossier {
            schema_version: d.schema_version,
            articles: articles
                .into_iter()
                .map(|i| d.articles[i].clone())
                .collect(),
            copies: copies.into_iter().map(|i| d.copies[i].clone()).collect(),
            stories: vec![story.clone()],
            entities: entities
                .into_iter()
                .map(|i| {
                    let e = &d.entities[i];
                    Entity {
                        id: e.id.clone(),
                        name: e.name.clone(),
                        kind: e.kind,
                        aliases: e.aliases.clone(),
                        articles: e
                            .articles
                            .iter()
                            .filter(|a| members.contains(a.as_str()))
                            .cloned()
                            .collect(),
                        mentions: e.mentions,
                    }
                })
                .collect(),
            facts: self
                .facts_of
                .get(story.id.as_str())
                .into_iter()
                .flatten()
                .map(|&i| d.facts[i].clone())
                .collect(),
        }
    }
}

/// Hash of what makes two articles the same content; the id and the path it was read from
/// are left out, so the same file read from another folder is still the same article.
pub fn content_hash(a: &Article) -> String {
    let parts = [
        a.title.as_deref().unwrap_or("\u{1}"),
        a.url.as_deref().unwrap_or("\u{1}"),
        a.outlet.as_deref().unwrap_or("\u{1}"),
        a.published.as_deref().unwrap_or("\u{1}"),
        a.language.as_deref().unwrap_or("\u{1}"),
        &a.text,
    ];
    let joined = parts.join("\u{0}");
    // Two FNV-1a hashes (of the content, and of the content after a salt byte) give 128
    // bits, so an accidental collision that would silently drop an article is out of reach.
    let h1 = stable_hash(joined.as_bytes());
    let mut salted = Vec::with_capacity(joined.len() + 1);
    salted.push(0xa5);
    salted.extend_from_slice(joined.as_bytes());
    let h2 = stable_hash(&salted);
    format!("{h1:016x}{h2:016x}")
}

/// A user's search words as an FTS5 query: each word quoted (so operators and punctuation in
/// the input are never syntax), all required.
fn fts_query(q: &str) -> String {
    q.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\""))
        .collect::<Vec<_>>()
        .join(" ")
}

fn encode<T: Serialize>(value: &T) -> String {
    // The model types serialise infallibly (no maps with non-string keys); the fallback keeps
    // the write going and is caught as DataCorruption when read back.
    serde_json::to_string(value).unwrap_or_default()
}

fn decode<T: serde::de::DeserializeOwned>(table: &'static str, key: &str, body: &str) -> Result<T> {
    serde_json::from_str(body).map_err(|e| StoreError::DataCorruption {
        table,
        key: key.to_string(),
        detail: e.to_string(),
    })
}

#[cfg(test)]
mod tests;
