//! `extract`: every document in files, directories, feeds and archives as an
//! [`Extracted`] record, streamed to a callback in input order.
//!
//! Formats: HTML pages; RSS 2.0 / Atom / JSON Feed (`.xml`, `.rss`, `.atom`, `.feed`,
//! or a `.json` whose `version` names jsonfeed.org); WARC (`.warc`, `.warc.gz`, response
//! records with HTML, read record by record, never whole); tar archives of pages (`.tar`,
//! `.tar.gz`, `.tgz`) and zip archives (`.zip`, entry by entry); JSON/JSONL imports (the spine's fields, news-please, trafilatura).
//! HTML files given together are extracted in parallel; output order stays input order.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use corroborate_model::{Diagnostic, Severity};
use rayon::prelude::*;

use crate::extract::{extract_html, DateSource, DatedFrom, Extracted};
use crate::{clean_text, Limits, ReadError, ReadOutcome, Watch};

/// What one input produced: a record, or a diagnostic (error or warning) naming it.
pub enum Item {
    Record(Box<Extracted>),
    Problem(Diagnostic),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Html,
    Feed,
    Warc,
    Tar,
    Zip,
    Json,
    Jsonl,
}

fn kind_of(path: &Path) -> Option<Kind> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    if name.ends_with(".tgz") || name.ends_with(".tar.gz") || name.ends_with(".tar") {
        return Some(Kind::Tar);
    }
    if name.ends_with(".zip") {
        return Some(Kind::Zip);
    }
    let base = name.strip_suffix(".gz").unwrap_or(&name);
    Some(match base.rsplit_once('.')?.1 {
        "html" | "htm" | "xhtml" => Kind::Html,
        "xml" | "rss" | "atom" | "feed" => Kind::Feed,
        "warc" => Kind::Warc,
        "json" => Kind::Json,
        "jsonl" | "ndjson" => Kind::Jsonl,
        _ => return None,
    })
}

fn problem(input: &str, severity: Severity, message: String) -> Item {
    Item::Problem(Diagnostic {
        input: input.to_string(),
        severity,
        message,
    })
}

fn error(input: &str, e: ReadError) -> Item {
    problem(input, Severity::Error, e.to_string())
}

/// Extracts every document under `paths`, calling `emit` once per record or problem, in
/// input order. Never fails as a whole.
pub fn extract_paths(paths: &[PathBuf], limits: &Limits, emit: &mut dyn FnMut(Item)) {
    extract_paths_watched(paths, limits, &Watch::NONE, emit)
}

/// HTML files extracted together in parallel before their records go out: small enough
/// that progress and a stop come often, large enough to keep every core busy.
const HTML_CHUNK: usize = 128;

/// [`extract_paths`], telling `watch` the number of files once listed and the files and
/// records done as they go, and stopping between files (between chunks of
/// [`HTML_CHUNK`] for runs of HTML files) when `watch.stop` says so.
pub fn extract_paths_watched(
    paths: &[PathBuf],
    limits: &Limits,
    watch: &Watch,
    emit: &mut dyn FnMut(Item),
) {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found = Vec::new();
            let mut skipped = 0;
            let mut types = std::collections::BTreeMap::new();
            for (dir, e) in crate::walk_with(path, &mut found, &mut skipped, &mut types, &|p| {
                kind_of(p).is_some()
            }) {
                emit(error(&dir.display().to_string(), ReadError::Io(e)));
            }
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    (watch.listed)(files.len());
    let mut records = 0usize;
    let mut counted = |item: Item, records: &mut usize| {
        if matches!(item, Item::Record(_)) {
            *records += 1;
        }
        emit(item);
    };
    // runs of HTML files in parallel, chunk by chunk; everything else in order
    let mut i = 0;
    while i < files.len() {
        if (watch.stop)() {
            return;
        }
        if kind_of(&files[i]) == Some(Kind::Html) {
            let start = i;
            while i < files.len()
                && i - start < HTML_CHUNK
                && kind_of(&files[i]) == Some(Kind::Html)
            {
                i += 1;
            }
            let done: Vec<Vec<Item>> = files[start..i]
                .par_iter()
                .map(|f| {
                    let mut items = Vec::new();
                    extract_file(f, limits, &|| false, &mut |it| items.push(it));
                    items
                })
                .collect();
            for item in done.into_iter().flatten() {
                counted(item, &mut records);
            }
        } else {
            extract_file(&files[i], limits, watch.stop, &mut |item| {
                counted(item, &mut records)
            });
            i += 1;
        }
        (watch.read)(i, records);
    }
}

/// Extracts the documents in in-memory `bytes`, typed by the extension of `name`
/// (`.html`, `.rss`, `.warc`, `.tar`, `.json`, … as for files, without `.gz`). The
/// entry point the fuzz targets drive.
pub fn extract_document(bytes: &[u8], name: &str, limits: &Limits, emit: &mut dyn FnMut(Item)) {
    match kind_of(Path::new(name)) {
        Some(Kind::Warc) => read_warc(
            Box::new(std::io::Cursor::new(bytes.to_vec())),
            name,
            limits,
            &|| false,
            emit,
        ),
        Some(Kind::Tar) => read_tar(
            Box::new(std::io::Cursor::new(bytes.to_vec())),
            name,
            limits,
            &|| false,
            emit,
        ),
        Some(Kind::Zip) => read_zip(std::io::Cursor::new(bytes), name, limits, &|| false, emit),
        Some(kind) => extract_bytes(kind, bytes, name, None, emit),
        None => emit(error(name, ReadError::Unsupported)),
    }
}

/// Extracts one file's documents; an archive (WARC, tar, zip) stops between two records
/// once `stop` says so, keeping those emitted.
fn extract_file(path: &Path, limits: &Limits, stop: &dyn Fn() -> bool, emit: &mut dyn FnMut(Item)) {
    let name = path.display().to_string();
    if std::fs::symlink_metadata(path).is_err() {
        return emit(error(&name, ReadError::Missing));
    }
    let Some(kind) = kind_of(path) else {
        return emit(error(&name, ReadError::Unsupported));
    };
    if let Err(e) = crate::check_regular(path) {
        return emit(error(&name, e));
    }
    let gz =
        name.to_ascii_lowercase().ends_with(".gz") || name.to_ascii_lowercase().ends_with(".tgz");
    match kind {
        Kind::Warc => match open_stream(path, gz, limits) {
            Ok(r) => read_warc(r, &name, limits, stop, emit),
            Err(e) => emit(error(&name, e)),
        },
        Kind::Tar => match open_stream(path, gz, limits) {
            Ok(r) => read_tar(r, &name, limits, stop, emit),
            Err(e) => emit(error(&name, e)),
        },
        // zip keeps its directory at the end, so it is read from the file, not streamed
        Kind::Zip => match std::fs::File::open(path) {
            Ok(f) => read_zip(std::io::BufReader::new(f), &name, limits, stop, emit),
            Err(e) => emit(error(&name, ReadError::Io(e))),
        },
        _ => match crate::read_bytes(path, gz, limits) {
            Ok(bytes) => extract_bytes(kind, &bytes, &name, None, emit),
            Err(e) => emit(error(&name, e)),
        },
    }
}

/// A streaming reader over a file, gunzipped when `gz`. Archives may be larger than
/// `max_file_bytes`: they are never held in memory whole; each record is limited instead.
fn open_stream(path: &Path, gz: bool, _limits: &Limits) -> Result<Box<dyn BufRead>, ReadError> {
    let file = std::fs::File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => ReadError::Missing,
        _ => ReadError::Io(e),
    })?;
    if file.metadata().map(|m| m.len() == 0).unwrap_or(false) {
        return Err(ReadError::Empty);
    }
    let reader: Box<dyn BufRead> = if gz {
        Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(
            BufReader::new(file),
        )))
    } else {
        Box::new(BufReader::new(file))
    };
    Ok(reader)
}

fn extract_bytes(
    kind: Kind,
    bytes: &[u8],
    name: &str,
    url: Option<&str>,
    emit: &mut dyn FnMut(Item),
) {
    match kind {
        Kind::Html => match extract_html(bytes, url) {
            Ok(mut e) => {
                e.source = name.to_string();
                for w in std::mem::take(&mut e.warnings) {
                    emit(problem(name, Severity::Warning, w));
                }
                emit(Item::Record(Box::new(e)));
            }
            Err(e) => emit(error(name, e)),
        },
        Kind::Feed => read_feed(bytes, name, emit),
        Kind::Json if is_json_feed(bytes) => read_feed(bytes, name, emit),
        Kind::Json | Kind::Jsonl => {
            let mut outcome = ReadOutcome::default();
            if kind == Kind::Json {
                crate::json::parse_json(bytes, name, &mut outcome);
            } else {
                crate::json::parse_jsonl(bytes, name, &mut outcome);
            }
            for d in outcome.diagnostics {
                emit(Item::Problem(d));
            }
            for a in outcome.articles {
                let mut e = Extracted {
                    source: a.source.clone(),
                    url: a.url.clone(),
                    title: a.title.clone(),
                    outlet: a.outlet.clone(),
                    language: a.language.clone(),
                    language_from: a.language.as_ref().map(|_| "declared"),
                    published: a.published.as_ref().map(|p| DatedFrom {
                        date: p.clone(),
                        from: DateSource::Import,
                        raw: p.clone(),
                    }),
                    text: a.text,
                    ..Default::default()
                };
                e.finish();
                emit(Item::Record(Box::new(e)));
            }
        }
        Kind::Warc | Kind::Tar | Kind::Zip => {}
    }
}

fn is_json_feed(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(512)];
    String::from_utf8_lossy(head).contains("jsonfeed.org/version")
}

/// Plain text of an HTML fragment (a feed item's content or summary).
fn fragment_text(html: &str) -> String {
    if !html.contains('<') {
        return clean_text(html);
    }
    let doc = dom_query::Document::fragment(html);
    let text = doc.select("html").formatted_text().to_string();
    let paragraphs: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    clean_text(&paragraphs.join("\n\n"))
}

/// The `<source>` of each RSS `<item>`, in order (feed-rs does not keep it).
fn rss_sources(xml: &str) -> Vec<Option<String>> {
    xml.split("<item")
        .skip(1)
        .map(|item| {
            let item = item.split("</item>").next().unwrap_or("");
            let start = item.find("<source")?;
            let rest = &item[start..];
            let open_end = rest.find('>')?;
            let close = rest.find("</source>")?;
            (open_end < close)
                .then(|| clean_text(&rest[open_end + 1..close]))
                .filter(|s| !s.is_empty())
        })
        .collect()
}

/// `text` without `<?xml …?>` declarations (the text is already decoded).
fn without_xml_declarations(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("<?xml") {
        out.push_str(&rest[..i]);
        match rest[i..].find("?>") {
            Some(end) => rest = &rest[i + end + 2..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

fn read_feed(bytes: &[u8], name: &str, emit: &mut dyn FnMut(Item)) {
    // decode here (declared charset, BOM, fallback) and hand feed-rs UTF-8 without XML
    // declarations: quick-xml panics on a second declaration that names an encoding
    // (found by fuzzing, tests/fuzz-regressions)
    let xml = match crate::decode::decode_html(bytes) {
        Ok((text, warning)) => {
            if let Some(w) = warning {
                emit(problem(name, Severity::Warning, w));
            }
            without_xml_declarations(&text)
        }
        Err(e) => return emit(error(name, e)),
    };
    // a panic inside the XML or feed parser is this document's error, not the run's end
    let parsed = std::panic::catch_unwind(|| feed_rs::parser::parse(xml.as_bytes()));
    let feed = match parsed {
        Ok(Ok(f)) => f,
        Ok(Err(e)) => return emit(error(name, ReadError::Feed(e.to_string()))),
        Err(_) => {
            return emit(error(
                name,
                ReadError::Feed("the feed parser failed on this input".into()),
            ))
        }
    };
    let sources = rss_sources(&xml);
    let outlet = feed
        .title
        .as_ref()
        .map(|t| clean_text(&t.content))
        .filter(|t| !t.is_empty());
    let feed_lang = feed.language.clone();
    for (i, entry) in feed.entries.iter().enumerate() {
        let record = format!("{name}#{}", i + 1);
        let body = entry
            .content
            .as_ref()
            .and_then(|c| c.body.as_deref())
            .map(fragment_text)
            .filter(|t| !t.is_empty());
        let summary = entry
            .summary
            .as_ref()
            .map(|s| fragment_text(&s.content))
            .filter(|t| !t.is_empty());
        let summary_only = body.is_none();
        let Some(text) = body.or_else(|| summary.clone()) else {
            emit(error(
                &record,
                ReadError::NoText("feed item has neither content nor summary".into()),
            ));
            continue;
        };
        let date = |d: Option<chrono::DateTime<chrono::Utc>>| {
            d.map(|d| DatedFrom {
                date: d.format("%Y-%m-%d").to_string(),
                from: DateSource::Feed,
                raw: d.to_rfc3339(),
            })
        };
        let language = entry.language.clone().or_else(|| feed_lang.clone());
        let mut e = Extracted {
            source: record,
            url: entry.links.first().map(|l| l.href.clone()),
            title: entry
                .title
                .as_ref()
                .map(|t| clean_text(&t.content))
                .filter(|t| !t.is_empty()),
            text,
            published: date(entry.published.or(entry.updated)),
            modified: date(entry.updated),
            authors: entry
                .authors
                .iter()
                .filter_map(|p| p.name.as_deref())
                .flat_map(crate::extract::split_names)
                .collect(),
            outlet: outlet.clone(),
            language_from: language.as_ref().map(|_| "declared"),
            language: language.map(|l| {
                l.split(['-', '_'])
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase()
            }),
            description: if summary_only { None } else { summary },
            summary_only,
            original_publisher: sources.get(i).cloned().flatten(),
            ..Default::default()
        };
        e.finish();
        emit(Item::Record(Box::new(e)));
    }
}

/// Reads WARC records one at a time; `response` records whose HTTP payload is HTML
/// become documents. A truncated or malformed record ends the file with an error naming
/// the record; the documents before it are kept.
fn read_warc(
    mut r: Box<dyn BufRead>,
    name: &str,
    limits: &Limits,
    stop: &dyn Fn() -> bool,
    emit: &mut dyn FnMut(Item),
) {
    let mut n = 0usize;
    loop {
        if stop() {
            return;
        }
        n += 1;
        let record = format!("{name}#{n}");
        let mut line = String::new();
        // skip blank lines between records
        loop {
            line.clear();
            match r.read_line(&mut line) {
                Ok(0) => return,
                Ok(_) if line.trim().is_empty() => continue,
                Ok(_) => break,
                Err(e) => return emit(error(&record, ReadError::Warc(format!("unreadable: {e}")))),
            }
        }
        if !line.starts_with("WARC/") {
            return emit(error(
                &record,
                ReadError::Warc(format!(
                    "expected a WARC/1.x header, found {:?}",
                    line.trim().chars().take(40).collect::<String>()
                )),
            ));
        }
        let (mut kind, mut length, mut uri) = (String::new(), None::<u64>, None::<String>);
        loop {
            line.clear();
            match r.read_line(&mut line) {
                Ok(0) => return emit(error(&record, ReadError::Warc("truncated header".into()))),
                Ok(_) if line.trim().is_empty() => break,
                Ok(_) => {
                    if let Some((k, v)) = line.split_once(':') {
                        match k.trim().to_ascii_lowercase().as_str() {
                            "warc-type" => kind = v.trim().to_ascii_lowercase(),
                            "content-length" => length = v.trim().parse().ok(),
                            "warc-target-uri" => {
                                uri = Some(v.trim().trim_matches(['<', '>']).to_string())
                            }
                            _ => {}
                        }
                    }
                }
                Err(e) => return emit(error(&record, ReadError::Warc(format!("unreadable: {e}")))),
            }
        }
        let Some(length) = length else {
            return emit(error(
                &record,
                ReadError::Warc("record has no Content-Length".into()),
            ));
        };
        let wanted = kind == "response" && length <= limits.max_decompressed_bytes;
        if !wanted {
            if kind == "response" {
                emit(error(
                    &record,
                    ReadError::TooLarge {
                        size: length,
                        limit: limits.max_decompressed_bytes,
                    },
                ));
            }
            match std::io::copy(&mut (&mut r).take(length), &mut std::io::sink()) {
                Ok(got) if got == length => continue,
                _ => return emit(error(&record, ReadError::Warc("truncated record".into()))),
            }
        }
        let mut block = Vec::with_capacity(length as usize);
        match (&mut r).take(length).read_to_end(&mut block) {
            Ok(got) if got as u64 == length => {}
            _ => return emit(error(&record, ReadError::Warc("truncated record".into()))),
        }
        let Some(split) = block.windows(4).position(|w| w == b"\r\n\r\n") else {
            emit(error(
                &record,
                ReadError::Warc("response without HTTP headers".into()),
            ));
            continue;
        };
        let headers = String::from_utf8_lossy(&block[..split]).to_ascii_lowercase();
        let is_html = headers
            .lines()
            .any(|l| l.starts_with("content-type:") && l.contains("html"));
        if !is_html {
            continue;
        }
        let payload = &block[split + 4..];
        extract_bytes(Kind::Html, payload, &record, uri.as_deref(), emit);
    }
}

/// Pages inside a tar archive, streamed entry by entry.
fn read_tar(
    r: Box<dyn BufRead>,
    name: &str,
    limits: &Limits,
    stop: &dyn Fn() -> bool,
    emit: &mut dyn FnMut(Item),
) {
    let mut archive = tar::Archive::new(r);
    let entries = match archive.entries() {
        Ok(e) => e,
        Err(e) => return emit(error(name, ReadError::Archive(e.to_string()))),
    };
    for entry in entries {
        if stop() {
            return;
        }
        let mut entry = match entry {
            Ok(e) => e,
            Err(e) => return emit(error(name, ReadError::Archive(e.to_string()))),
        };
        let path = entry
            .path()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let record = format!("{name}#{path}");
        let Some(kind) = kind_of(Path::new(&path)) else {
            continue;
        };
        if matches!(kind, Kind::Warc | Kind::Tar | Kind::Zip)
            || !entry.header().entry_type().is_file()
        {
            continue;
        }
        if over_limit(entry.size(), &record, limits, emit) {
            continue;
        }
        let mut bytes = Vec::new();
        if let Err(e) = entry.read_to_end(&mut bytes) {
            return emit(error(&record, ReadError::Archive(e.to_string())));
        }
        archived_page(kind, bytes, &path, &record, limits, emit);
    }
}

/// Reports an archive member over the size limit; true when it is.
fn over_limit(size: u64, record: &str, limits: &Limits, emit: &mut dyn FnMut(Item)) -> bool {
    let over = size > limits.max_file_bytes;
    if over {
        emit(error(
            record,
            ReadError::TooLarge {
                size,
                limit: limits.max_file_bytes,
            },
        ));
    }
    over
}

/// One page taken out of an archive: gunzipped when its name ends in `.gz`, then extracted.
fn archived_page(
    kind: Kind,
    mut bytes: Vec<u8>,
    path: &str,
    record: &str,
    limits: &Limits,
    emit: &mut dyn FnMut(Item),
) {
    if path.to_ascii_lowercase().ends_with(".gz") {
        let mut out = Vec::new();
        let mut d =
            flate2::read::MultiGzDecoder::new(&bytes[..]).take(limits.max_decompressed_bytes + 1);
        if let Err(e) = d.read_to_end(&mut out) {
            return emit(error(record, ReadError::Gzip(e)));
        }
        // over the limit is reported, as for a `.gz` file on its own, never cut short
        if out.len() as u64 > limits.max_decompressed_bytes {
            return emit(error(
                record,
                ReadError::TooLarge {
                    size: out.len() as u64,
                    limit: limits.max_decompressed_bytes,
                },
            ));
        }
        bytes = out;
    }
    extract_bytes(kind, &bytes, record, None, emit);
}

/// Pages inside a zip archive, entry by entry (each entry's size checked before reading).
fn read_zip<R: Read + std::io::Seek>(
    r: R,
    name: &str,
    limits: &Limits,
    stop: &dyn Fn() -> bool,
    emit: &mut dyn FnMut(Item),
) {
    let mut archive = match zip::ZipArchive::new(r) {
        Ok(a) => a,
        Err(e) => return emit(error(name, ReadError::Archive(e.to_string()))),
    };
    for i in 0..archive.len() {
        if stop() {
            return;
        }
        let mut entry = match archive.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                emit(error(name, ReadError::Archive(e.to_string())));
                continue;
            }
        };
        let path = entry.name().to_string();
        let record = format!("{name}#{path}");
        let Some(kind) = kind_of(Path::new(&path)) else {
            continue;
        };
        if matches!(kind, Kind::Warc | Kind::Tar | Kind::Zip) || !entry.is_file() {
            continue;
        }
        if over_limit(entry.size(), &record, limits, emit) {
            continue;
        }
        // the declared size can lie: never read more than the limit
        let mut bytes = Vec::new();
        if let Err(e) = (&mut entry)
            .take(limits.max_file_bytes + 1)
            .read_to_end(&mut bytes)
        {
            emit(error(&record, ReadError::Archive(e.to_string())));
            continue;
        }
        if over_limit(bytes.len() as u64, &record, limits, emit) {
            continue;
        }
        archived_page(kind, bytes, &path, &record, limits, emit);
    }
}

/// For `analyze`: reads a feed, WARC or tar file into `outcome` as articles (an archive
/// stops between two records once `stop` says so); false when `path` is none of these.
pub(crate) fn read_container(
    path: &Path,
    limits: &Limits,
    stop: &dyn Fn() -> bool,
    outcome: &mut ReadOutcome,
) -> bool {
    if !matches!(
        kind_of(path),
        Some(Kind::Feed | Kind::Warc | Kind::Tar | Kind::Zip)
    ) {
        return false;
    }
    let stem = crate::stem_of(path);
    extract_file(path, limits, stop, &mut |item| {
        collect_item(item, &stem, outcome)
    });
    true
}

/// A container's item into `outcome`: a record as an article with the id `stem#record`
/// (`stem` alone for a record with no number), a problem as a diagnostic.
pub(crate) fn collect_item(item: Item, stem: &str, outcome: &mut ReadOutcome) {
    match item {
        Item::Record(e) => {
            let id = match e.source.rsplit_once('#') {
                Some((_, rec)) => format!("{stem}#{rec}"),
                None => stem.to_string(),
            };
            outcome.articles.push(e.to_article(&id));
        }
        Item::Problem(d) => outcome.diagnostics.push(d),
    }
}

/// Whether `path` is a feed, WARC or tar file (read by this module for `analyze`).
pub(crate) fn is_container(path: &Path) -> bool {
    matches!(
        kind_of(path),
        Some(Kind::Feed | Kind::Warc | Kind::Tar | Kind::Zip)
    )
}
