//! Readers: the only code in corroborate that opens input files.
//!
//! Owns turning paths (files or directories, walked recursively in sorted order) into
//! [`Article`]s: `.txt`, `.json` (one article or an array; news-please and trafilatura
//! exports too), `.jsonl`, `.html`/`.htm`, each optionally gzipped (`.gz`), and feeds
//! (RSS, Atom, JSON Feed), WARC files and tar archives of pages. For the `extract`
//! command it also owns the richer [`Extracted`] record ([`extract_paths`]): body text by
//! DOM pruning + Readability scoring + line cleanup (`body.rs`), and metadata with date
//! provenance (`extract.rs`). Every document that cannot be read becomes a
//! [`Diagnostic`] naming it; the others are still returned.
//!
//! Architecture invariant: no analysis happens here beyond what a document says about
//! itself (its id, title, date, outlet, language and text). Text is NFC-normalised once,
//! here, and never changed afterwards, so byte offsets computed later stay valid.
//!
//! ```no_run
//! use corroborate_ingest::{read_paths, Limits};
//! let read = read_paths(&["examples/syria-2025-11".into()], &Limits::default());
//! for d in &read.diagnostics { eprintln!("{d}"); }
//! println!("{} articles", read.articles.len());
//! ```

mod body;
mod decode;
mod documents;
mod extract;
mod html;
mod json;
mod txt;

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use corroborate_model::{stable_id, Article, Diagnostic, Severity};

pub use decode::decode_html;
pub use decode::decode_text;
pub use documents::{extract_document, extract_paths, extract_paths_watched, Item};
pub use extract::{extract_html, DateSource, DatedFrom, Extracted};

/// Input size limits. A file over a limit is reported and skipped, never truncated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest input file read, in bytes (compressed size for `.gz`).
    pub max_file_bytes: u64,
    /// Largest decompressed size of a `.gz` file, in bytes.
    pub max_decompressed_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 64 << 20,
            max_decompressed_bytes: 256 << 20,
        }
    }
}

/// How a caller follows a long read and stops it: told how many files the walk listed,
/// told after each file how many are done, and asked before each file whether to stop. A
/// file is the unit (an archive or feed is one file, however many articles it holds).
#[derive(Clone, Copy)]
pub struct Watch<'a> {
    /// The number of files to read, once every path has been listed.
    pub listed: &'a dyn Fn(usize),
    /// Files done so far, and articles (or records) read so far.
    pub read: &'a dyn Fn(usize, usize),
    /// Asked before each file; `true` ends the read there, with what was read so far.
    pub stop: &'a dyn Fn() -> bool,
}

impl Watch<'static> {
    /// Nothing to tell, never stops.
    pub const NONE: Watch<'static> = Watch {
        listed: &|_| {},
        read: &|_, _| {},
        stop: &|| false,
    };
}

/// Why one document could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("no such file or directory")]
    Missing,
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    #[error("file is {size} bytes, over the limit of {limit} bytes")]
    TooLarge { size: u64, limit: u64 },
    #[error("empty file")]
    Empty,
    #[error("not valid gzip: {0}")]
    Gzip(std::io::Error),
    #[error("malformed JSON: {0}")]
    Json(String),
    #[error("no article text: {0}")]
    NoText(String),
    #[error("cannot extract an article from this HTML: {0}")]
    Html(String),
    #[error("unsupported file type (expected .txt, .json, .jsonl, .html, .htm, optionally .gz; .xml, .rss, .atom feeds; .warc(.gz); .tar(.gz); .zip)")]
    Unsupported,
    #[error("malformed feed: {0}")]
    Feed(String),
    #[error("malformed WARC: {0}")]
    Warc(String),
    #[error("malformed archive: {0}")]
    Archive(String),
    #[error("not a regular file (FIFO, socket or device)")]
    NotRegular,
    #[error("undecodable text: {0}")]
    Encoding(String),
}

/// What the readers delivered: the articles in input order, and one diagnostic per
/// problem.
#[derive(Debug, Default)]
pub struct ReadOutcome {
    pub articles: Vec<Article>,
    pub diagnostics: Vec<Diagnostic>,
    /// Files skipped inside directories because their type is not an article format.
    pub skipped: usize,
    /// The skipped files by type: their extension (`.png`), `no extension`, or `not a
    /// regular file`.
    pub skipped_types: std::collections::BTreeMap<String, usize>,
    /// [`Watch::stop`] ended the read: files, or records of an archive, may be left unread.
    pub stopped: bool,
}

impl ReadOutcome {
    /// The skipped files in words: `3 .png, 1 .pdf`, most common first; empty when none.
    pub fn skipped_summary(&self) -> String {
        let mut types: Vec<(&String, &usize)> = self.skipped_types.iter().collect();
        types.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        types
            .iter()
            .map(|(t, n)| format!("{n} {t}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn failed(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }
    fn error(&mut self, input: &str, e: ReadError) {
        self.diagnostics.push(Diagnostic {
            input: input.to_string(),
            severity: Severity::Error,
            message: e.to_string(),
        });
    }
    fn warn(&mut self, input: &str, message: String) {
        self.diagnostics.push(Diagnostic {
            input: input.to_string(),
            severity: Severity::Warning,
            message,
        });
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Txt,
    Json,
    Jsonl,
    Html,
}

/// Format of a file name (after removing `.gz`), and whether it is gzipped.
fn format_of(path: &Path) -> Option<(Format, bool)> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    let (name, gz) = match name.strip_suffix(".gz") {
        Some(n) => (n.to_string(), true),
        None => (name, false),
    };
    let ext = name.rsplit_once('.')?.1;
    let f = match ext {
        "txt" | "text" => Format::Txt,
        "json" => Format::Json,
        "jsonl" | "ndjson" => Format::Jsonl,
        "html" | "htm" | "xhtml" => Format::Html,
        _ => return None,
    };
    Some((f, gz))
}

/// The file name without its format extensions: `004_e1e0.txt.gz` → `004_e1e0`.
pub(crate) fn stem_of(path: &Path) -> String {
    let mut name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for _ in 0..2 {
        if let Some((head, ext)) = name.rsplit_once('.') {
            if matches!(
                ext.to_ascii_lowercase().as_str(),
                "gz" | "txt" | "text" | "html" | "htm" | "xhtml"
            ) {
                name = head.to_string();
            }
        }
    }
    name
}

fn walk(
    path: &Path,
    out: &mut Vec<PathBuf>,
    outcome: &mut ReadOutcome,
) -> Vec<(PathBuf, std::io::Error)> {
    let mut types = std::mem::take(&mut outcome.skipped_types);
    let problems = walk_with(path, out, &mut outcome.skipped, &mut types, &|p| {
        format_of(p).is_some() || documents::is_container(p)
    });
    outcome.skipped_types = types;
    problems
}

/// The type a skipped file is counted under: its extension, lowercased.
fn skipped_type(path: &Path) -> String {
    match path.extension() {
        Some(e) => format!(".{}", e.to_string_lossy().to_ascii_lowercase()),
        None => "no extension".into(),
    }
}

/// Files under `path` in sorted order that `wanted` accepts; hidden entries skipped.
/// Returns the folders that could not be listed, with why; the walk goes on past them.
///
/// The walk cannot hang or explode: a symlinked directory is followed only the first time
/// its real directory is reached (so `up -> ..` or two links to an ancestor add nothing),
/// and entries that are neither directories nor regular files (FIFOs, sockets, devices,
/// which would block a read) are skipped.
pub(crate) fn walk_with(
    path: &Path,
    out: &mut Vec<PathBuf>,
    skipped: &mut usize,
    skipped_types: &mut std::collections::BTreeMap<String, usize>,
    wanted: &dyn Fn(&Path) -> bool,
) -> Vec<(PathBuf, std::io::Error)> {
    let mut walker = Walker {
        out,
        skipped,
        skipped_types,
        wanted,
        seen: HashSet::new(),
        problems: Vec::new(),
    };
    walker.dir(path);
    walker.problems
}

struct Walker<'a> {
    out: &'a mut Vec<PathBuf>,
    skipped: &'a mut usize,
    skipped_types: &'a mut std::collections::BTreeMap<String, usize>,
    wanted: &'a dyn Fn(&Path) -> bool,
    /// Real (canonical) directories already walked.
    seen: HashSet<PathBuf>,
    problems: Vec<(PathBuf, std::io::Error)>,
}

impl Walker<'_> {
    fn dir(&mut self, path: &Path) {
        match std::fs::canonicalize(path) {
            Ok(real) => {
                if !self.seen.insert(real) {
                    return;
                }
            }
            Err(e) => return self.problems.push((path.to_path_buf(), e)),
        }
        let listing = match std::fs::read_dir(path) {
            Ok(l) => l,
            Err(e) => return self.problems.push((path.to_path_buf(), e)),
        };
        let mut entries: Vec<PathBuf> = listing.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        for p in entries {
            let hidden = p
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if hidden {
                continue;
            }
            match std::fs::metadata(&p) {
                Ok(m) if m.is_dir() => self.dir(&p),
                // not a regular file: reading a FIFO would block forever
                Ok(m) if !m.is_file() => {
                    *self.skipped += 1;
                    *self
                        .skipped_types
                        .entry("not a regular file".into())
                        .or_default() += 1;
                }
                // a regular file, or a dangling link, which the reader reports as missing
                _ if (self.wanted)(&p) => self.out.push(p),
                _ => {
                    *self.skipped += 1;
                    *self.skipped_types.entry(skipped_type(&p)).or_default() += 1;
                }
            }
        }
    }
}

/// Fails for anything that exists but is not a regular file (a FIFO would block the read).
pub(crate) fn check_regular(path: &Path) -> Result<(), ReadError> {
    match std::fs::metadata(path) {
        Ok(m) if !m.is_file() && !m.is_dir() => Err(ReadError::NotRegular),
        _ => Ok(()),
    }
}

pub(crate) fn read_bytes(path: &Path, gz: bool, limits: &Limits) -> Result<Vec<u8>, ReadError> {
    check_regular(path)?;
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => ReadError::Missing,
        _ => ReadError::Io(e),
    })?;
    if meta.len() > limits.max_file_bytes {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            limit: limits.max_file_bytes,
        });
    }
    let raw = std::fs::read(path)?;
    if raw.is_empty() {
        return Err(ReadError::Empty);
    }
    if !gz {
        return Ok(raw);
    }
    let mut out = Vec::new();
    let mut decoder =
        flate2::read::MultiGzDecoder::new(&raw[..]).take(limits.max_decompressed_bytes + 1);
    decoder.read_to_end(&mut out).map_err(ReadError::Gzip)?;
    if out.len() as u64 > limits.max_decompressed_bytes {
        return Err(ReadError::TooLarge {
            size: out.len() as u64,
            limit: limits.max_decompressed_bytes,
        });
    }
    if out.is_empty() {
        return Err(ReadError::Empty);
    }
    Ok(out)
}

/// Reads one file into `outcome`.
fn read_file(
    path: &Path,
    explicit: bool,
    limits: &Limits,
    stop: &dyn Fn() -> bool,
    outcome: &mut ReadOutcome,
) {
    let name = path.display().to_string();
    if std::fs::symlink_metadata(path).is_err() {
        return outcome.error(&name, ReadError::Missing);
    }
    if let Err(e) = check_regular(path) {
        return outcome.error(&name, e);
    }
    if documents::read_container(path, limits, stop, outcome) {
        return;
    }
    let Some((format, gz)) = format_of(path) else {
        if explicit {
            outcome.error(&name, ReadError::Unsupported);
        } else {
            outcome.skipped += 1;
            *outcome.skipped_types.entry(skipped_type(path)).or_default() += 1;
        }
        return;
    };
    let bytes = match read_bytes(path, gz, limits) {
        Ok(b) => b,
        Err(e) => return outcome.error(&name, e),
    };
    parse_bytes(&bytes, format, path, name, outcome);
}

/// Parses the bytes of one `.txt`, `.html`, `.json` or `.jsonl` input named `name`.
fn parse_bytes(bytes: &[u8], format: Format, path: &Path, name: String, outcome: &mut ReadOutcome) {
    match format {
        Format::Txt | Format::Html => {
            let (text, warning) = match decode_text(bytes) {
                Ok(t) => t,
                Err(e) => return outcome.error(&name, e),
            };
            if let Some(w) = warning {
                outcome.warn(&name, w);
            }
            let parsed = if format == Format::Txt {
                txt::parse(&text)
            } else {
                html::parse(&text)
            };
            match parsed {
                Ok(mut article) => {
                    article.id = stem_of(path);
                    article.source = name;
                    outcome.articles.push(article);
                }
                Err(e) => outcome.error(&name, e),
            }
        }
        Format::Json => json::parse_json(bytes, &name, outcome),
        Format::Jsonl => json::parse_jsonl(bytes, &name, outcome),
    }
}

/// Reads every path (files, or directories walked recursively). Never fails as a whole:
/// problems are diagnostics on the outcome.
pub fn read_paths(paths: &[PathBuf], limits: &Limits) -> ReadOutcome {
    read_paths_watched(paths, limits, &Watch::NONE)
}

/// [`read_paths`], listing every path first so that `watch` learns the number of files,
/// then told after each file and asked before each whether to stop (and between two
/// records of a WARC, tar or zip archive). A stopped read returns the articles read before
/// the stop, and sets [`ReadOutcome::stopped`].
pub fn read_paths_watched(paths: &[PathBuf], limits: &Limits, watch: &Watch) -> ReadOutcome {
    enum Listed {
        /// A file, and whether it was named (not found in a folder).
        File(PathBuf, bool),
        /// A folder that could not be listed, in its place in the order.
        Unlisted(PathBuf, std::io::Error),
    }
    let mut outcome = ReadOutcome::default();
    let mut listed = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut files = Vec::new();
            for (dir, e) in walk(path, &mut files, &mut outcome) {
                listed.push(Listed::Unlisted(dir, e));
            }
            listed.extend(files.into_iter().map(|f| Listed::File(f, false)));
        } else {
            listed.push(Listed::File(path.clone(), true));
        }
    }
    let files = listed
        .iter()
        .filter(|l| matches!(l, Listed::File(..)))
        .count();
    (watch.listed)(files);
    let mut done = 0;
    for entry in listed {
        match entry {
            Listed::Unlisted(dir, e) => outcome.error(&dir.display().to_string(), ReadError::Io(e)),
            Listed::File(f, explicit) => {
                if (watch.stop)() {
                    outcome.stopped = true;
                    break;
                }
                read_file(&f, explicit, limits, watch.stop, &mut outcome);
                done += 1;
                (watch.read)(done, outcome.articles.len());
                // asked during the file: an archive may have records left unread
                outcome.stopped |= (watch.stop)();
            }
        }
    }
    make_ids_unique(&mut outcome);
    outcome
}

/// Articles from in-memory `bytes` typed by the extension of `name`, as a file of that
/// name would be read (`stdin.jsonl`, `page.html`, `feed.xml`, …; ids from its stem).
pub fn read_document(bytes: &[u8], name: &str, limits: &Limits) -> ReadOutcome {
    let mut outcome = ReadOutcome::default();
    let path = Path::new(name);
    if documents::is_container(path) {
        let stem = stem_of(path);
        extract_document(bytes, name, limits, &mut |item| {
            documents::collect_item(item, &stem, &mut outcome)
        });
    } else {
        match format_of(path) {
            Some((format, _)) => parse_bytes(bytes, format, path, name.to_string(), &mut outcome),
            None => outcome.error(name, ReadError::Unsupported),
        }
    }
    make_ids_unique(&mut outcome);
    outcome
}

/// Articles from in-memory JSON values (the same fields as `.json` input), for callers that
/// receive articles over an API rather than from files.
pub fn read_json_str(input: &str, name: &str) -> ReadOutcome {
    let mut outcome = ReadOutcome::default();
    json::parse_json(input.as_bytes(), name, &mut outcome);
    make_ids_unique(&mut outcome);
    outcome
}

/// Two inputs with the same id (same file stem in two folders, or a repeated JSON id) keep
/// the first as is; later ones get the content hash appended and a warning.
fn make_ids_unique(outcome: &mut ReadOutcome) {
    let mut seen = HashSet::new();
    let mut warnings = Vec::new();
    for a in &mut outcome.articles {
        if !seen.insert(a.id.clone()) {
            // the same text under the same stem a third time hashes to the same suffix:
            // count on until the id is free, so no id is ever given twice
            let base = format!("{}-{}", a.id, &stable_id("", &[&a.text])[..8]);
            let mut new_id = base.clone();
            let mut n = 2;
            while seen.contains(&new_id) {
                new_id = format!("{base}-{n}");
                n += 1;
            }
            warnings.push((
                a.source.clone(),
                format!(
                    "id {:?} already used by another input; renamed {:?}",
                    a.id, new_id
                ),
            ));
            a.id = new_id;
            seen.insert(a.id.clone());
        }
    }
    for (input, message) in warnings {
        outcome.warn(&input, message);
    }
}

/// NFC-normalises text and removes a BOM; the one place text is ever changed.
pub(crate) fn clean_text(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let t = text.strip_prefix('\u{feff}').unwrap_or(text);
    let t = crate::decode::repair_double_utf8(t);
    let t = if t.contains('\r') {
        std::borrow::Cow::Owned(t.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        t
    };
    // most text is already NFC, and the quick check says so without building a copy
    if unicode_normalization::is_nfc_quick(t.chars()) == unicode_normalization::IsNormalized::Yes {
        return t.trim().to_string();
    }
    t.nfc().collect::<String>().trim().to_string()
}

#[cfg(test)]
mod tests;
