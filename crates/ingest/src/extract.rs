//! The rich record of one extracted document ([`Extracted`]) and HTML metadata: the page's
//! own statements (JSON-LD, OpenGraph, Dublin Core and article meta tags, canonical link,
//! `<html lang>`, bylines, `<time>`), each date kept with where it came from.

use std::collections::HashMap;

use corroborate_model::Article;
use corroborate_text::dates::{date_in_url, parse_iso, parse_written, DateValue};
use dom_query::Document;
use serde::Serialize;
use serde_json::Value;

use crate::{clean_text, ReadError};

/// Where a date was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DateSource {
    JsonLd,
    Meta,
    TimeElement,
    Url,
    Byline,
    Text,
    Feed,
    Import,
}

/// A date (ISO 8601 `YYYY-MM-DD`, or coarser) with the string it was read from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DatedFrom {
    pub date: String,
    pub from: DateSource,
    pub raw: String,
}

impl DatedFrom {
    fn new(value: DateValue, from: DateSource, raw: &str) -> Self {
        DatedFrom {
            date: value.to_string(),
            from,
            raw: raw.trim().chars().take(120).collect(),
        }
    }
}

/// One document as `corroborate extract` prints it.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Extracted {
    /// The input path, or `path#record` inside archives and feeds.
    pub source: String,
    pub url: Option<String>,
    pub canonical_url: Option<String>,
    pub title: Option<String>,
    /// The article body only, paragraphs separated by blank lines, NFC.
    pub text: String,
    pub published: Option<DatedFrom>,
    pub modified: Option<DatedFrom>,
    pub authors: Vec<String>,
    pub outlet: Option<String>,
    pub language: Option<String>,
    /// `declared` (the page or feed says so) or `detected` (guessed from the text).
    pub language_from: Option<&'static str>,
    pub description: Option<String>,
    pub image: Option<String>,
    /// True for a feed item that carries only a summary, not the full article.
    pub summary_only: bool,
    /// The original publisher of a syndicated feed item (RSS `<source>`).
    pub original_publisher: Option<String>,
    pub warnings: Vec<String>,
}

impl Extracted {
    /// The analysis view of this record (the dossier's [`Article`]).
    pub fn to_article(&self, id: &str) -> Article {
        let mut a = Article::new(id, &self.source, &self.text);
        a.url = self.canonical_url.clone().or_else(|| self.url.clone());
        a.title = self.title.clone();
        a.outlet = self
            .outlet
            .clone()
            .or_else(|| self.original_publisher.clone());
        a.published = self.published.as_ref().map(|d| d.date.clone());
        a.language = self.language.clone();
        a
    }

    /// Fills language by detection when nothing declared one.
    pub(crate) fn finish(&mut self) {
        if self.language.is_none() {
            // the first few paragraphs decide; the cost stays flat on long articles
            let end = self
                .text
                .char_indices()
                .nth(2_000)
                .map_or(self.text.len(), |(i, _)| i);
            if let Some(info) = whatlang::detect(&self.text[..end]).filter(|i| i.is_reliable()) {
                self.language = Some(iso639_1(info.lang()).to_string());
                self.language_from = Some("detected");
            }
        }
    }
}

fn iso639_1(lang: whatlang::Lang) -> &'static str {
    use whatlang::Lang::*;
    match lang {
        Eng => "en",
        Fra => "fr",
        Deu => "de",
        Spa => "es",
        Ita => "it",
        Por => "pt",
        Nld => "nl",
        Rus => "ru",
        Ukr => "uk",
        Ara => "ar",
        Tur => "tr",
        Pol => "pl",
        Swe => "sv",
        Dan => "da",
        Nob => "nb",
        Fin => "fi",
        Ell => "el",
        Heb => "he",
        Pes => "fa",
        Hin => "hi",
        Jpn => "ja",
        Kor => "ko",
        Cmn => "zh",
        Ces => "cs",
        Ron => "ro",
        Hun => "hu",
        Bul => "bg",
        Srp => "sr",
        Hrv => "hr",
        Ind => "id",
        Vie => "vi",
        Tha => "th",
        Urd => "ur",
        Ben => "bn",
        other => other.code(),
    }
}

/// Extracts body and metadata from HTML bytes (any declared or sniffed encoding).
/// `url` is the page address when known from outside the page (an archive record).
pub fn extract_html(bytes: &[u8], url: Option<&str>) -> Result<Extracted, ReadError> {
    let (html, warning) = crate::decode::decode_html(bytes)?;
    let mut out = extract_html_str(&html, url)?;
    out.warnings.extend(warning);
    Ok(out)
}

/// Largest number of elements Readability scores; beyond it Readability refuses the page
/// rather than take seconds, and only the page's stated body or its prose container (both
/// linear in the page) can stand for its body.
const MAX_ELEMENTS: usize = 200_000;

pub(crate) fn extract_html_str(html: &str, url: Option<&str>) -> Result<Extracted, ReadError> {
    if html.trim().is_empty() {
        return Err(ReadError::Empty);
    }
    let depth = crate::body::raw_nesting_depth(html);
    if depth > crate::body::MAX_NESTING_DEPTH {
        return Err(ReadError::Html(format!(
            "markup nested {depth} levels deep, over the limit of {}",
            crate::body::MAX_NESTING_DEPTH
        )));
    }
    let doc = Document::from(html);
    let mut out = Extracted {
        url: url.map(str::to_string),
        ..Default::default()
    };
    let ld_body = metadata(&doc, &mut out);
    let text = crate::body::main_text(doc, MAX_ELEMENTS, ld_body.as_deref())?;
    out.text = clean_text(&text);
    if out.text.is_empty() {
        return Err(ReadError::NoText("the page has no readable body".into()));
    }
    if out.published.is_none() {
        // a dateline at the top of the body
        let head: String = out.text.chars().take(300).collect();
        if let Some(d) = parse_written(&head) {
            out.published = Some(DatedFrom::new(d, DateSource::Text, &head));
        }
    }
    out.finish();
    Ok(out)
}

fn nonempty(s: impl AsRef<str>) -> Option<String> {
    let s = clean_text(s.as_ref());
    (!s.is_empty()).then_some(s)
}

/// Meta tags by lower-cased `property`, `name` or `itemprop`, first value wins.
fn meta_map(doc: &Document) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for m in doc.select("meta").nodes() {
        let Some(content) = m.attr("content") else {
            continue;
        };
        for key in ["property", "name", "itemprop", "http-equiv"] {
            if let Some(k) = m.attr(key) {
                map.entry(k.to_ascii_lowercase())
                    .or_insert_with(|| content.to_string());
            }
        }
    }
    map
}

const PUBLISHED_META: &[&str] = &[
    "article:published_time",
    "datepublished",
    "og:published_time",
    "pubdate",
    "publishdate",
    "dc.date.issued",
    "dc.date",
    "dcterms.created",
    "date",
    "sailthru.date",
    "parsely-pub-date",
    "publish-date",
    "article.published",
];
const MODIFIED_META: &[&str] = &[
    "article:modified_time",
    "datemodified",
    "og:updated_time",
    "dcterms.modified",
    "last-modified",
];
const AUTHOR_META: &[&str] = &[
    "author",
    "article:author",
    "dc.creator",
    "parsely-author",
    "byl",
    "sailthru.author",
];

fn date_of(raw: &str) -> Option<DateValue> {
    parse_iso(raw)
        .filter(|d| d.day.is_some())
        .or_else(|| parse_written(raw))
}

/// Fills `out` from the page's statements; returns JSON-LD `articleBody` when present.
fn metadata(doc: &Document, out: &mut Extracted) -> Option<String> {
    let ld = json_ld(doc);
    let meta = meta_map(doc);
    let get = |keys: &[&str]| keys.iter().find_map(|k| meta.get(*k).and_then(nonempty));

    out.title = ld
        .headline
        .clone()
        .or_else(|| get(&["og:title", "twitter:title", "dc.title", "headline"]))
        .or_else(|| nonempty(doc.select("title").text()));
    out.canonical_url = doc
        .select("link[rel=canonical]")
        .attr("href")
        .and_then(nonempty)
        .or_else(|| get(&["og:url"]))
        .or_else(|| ld.url.clone());
    out.description = ld.description.clone().or_else(|| {
        get(&[
            "description",
            "og:description",
            "twitter:description",
            "dc.description",
        ])
    });
    out.image = ld
        .image
        .clone()
        .or_else(|| get(&["og:image", "twitter:image"]));
    out.outlet = ld
        .publisher
        .clone()
        .or_else(|| get(&["og:site_name", "application-name", "dc.publisher"]));

    let declared = doc
        .select("html")
        .attr("lang")
        .and_then(nonempty)
        .or_else(|| ld.language.clone())
        .or_else(|| get(&["content-language", "og:locale", "dc.language"]));
    if let Some(lang) = declared {
        out.language = Some(
            lang.replace('_', "-")
                .split('-')
                .next()
                .unwrap_or("")
                .to_ascii_lowercase(),
        )
        .filter(|l| !l.is_empty());
        out.language_from = out.language.as_ref().map(|_| "declared");
    }

    // dates: JSON-LD, then meta tags, then <time datetime>, then the URL, then a byline
    out.published = ld
        .published
        .as_deref()
        .and_then(|r| date_of(r).map(|d| DatedFrom::new(d, DateSource::JsonLd, r)))
        .or_else(|| {
            PUBLISHED_META.iter().find_map(|k| {
                meta.get(*k)
                    .and_then(|r| date_of(r).map(|d| DatedFrom::new(d, DateSource::Meta, r)))
            })
        })
        .or_else(|| {
            doc.select("time[datetime]").nodes().iter().find_map(|t| {
                let r = t.attr("datetime")?;
                date_of(&r).map(|d| DatedFrom::new(d, DateSource::TimeElement, &r))
            })
        })
        .or_else(|| {
            let u = out.canonical_url.as_deref().or(out.url.as_deref())?;
            date_in_url(u).map(|d| DatedFrom::new(d, DateSource::Url, u))
        });
    out.modified = ld
        .modified
        .as_deref()
        .and_then(|r| date_of(r).map(|d| DatedFrom::new(d, DateSource::JsonLd, r)))
        .or_else(|| {
            MODIFIED_META.iter().find_map(|k| {
                meta.get(*k)
                    .and_then(|r| date_of(r).map(|d| DatedFrom::new(d, DateSource::Meta, r)))
            })
        });

    out.authors = ld.authors.clone();
    if out.authors.is_empty() {
        if let Some(a) = AUTHOR_META
            .iter()
            .find_map(|k| meta.get(*k))
            .filter(|a| !a.starts_with("http"))
        {
            out.authors = split_names(a);
        }
    }
    tidy(out);
    let byline = doc
        .select("[rel=author], [class*=byline], [itemprop=author]")
        .nodes()
        .iter()
        .map(|n| n.text().to_string())
        .find(|t| !t.trim().is_empty() && t.split_whitespace().count() <= 20);
    if let Some(b) = byline {
        if out.authors.is_empty() {
            out.authors = split_names(&b);
        }
        if out.published.is_none() {
            if let Some(d) = parse_written(&b) {
                out.published = Some(DatedFrom::new(d, DateSource::Byline, &b));
            }
        }
    }
    ld.body
}

/// Entities left in the page's statements (`Bike &amp; Style`, `&#8211;`): JSON-LD
/// strings are not entity-decoded by the parser, and some sites escape twice.
pub(crate) fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let decoded = rest[1..]
            .find(';')
            .filter(|&j| j <= 10)
            .and_then(|j| entity(&rest[1..=j]).map(|c| (c, j + 2)));
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code).filter(|c| !c.is_control() || c.is_whitespace());
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "ndash" => '\u{2013}',
        "mdash" => '\u{2014}',
        "lsquo" => '\u{2018}',
        "rsquo" => '\u{2019}',
        "ldquo" => '\u{201c}',
        "rdquo" => '\u{201d}',
        "hellip" => '\u{2026}',
        "middot" => '\u{b7}',
        "raquo" => '\u{bb}',
        "laquo" => '\u{ab}',
        _ => return None,
    })
}

/// The host of a URL without `www.`: `https://www.nytimes.com/x` → `nytimes.com`.
pub(crate) fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest
        .split(['/', '?', '#', ':'])
        .next()?
        .to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    (host.contains('.') && !host.starts_with('.')).then_some(host)
}

/// Letters and digits only, lower-cased: how a site's name is compared with its host.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Separators between a headline and the site's name in `<title>`.
const TITLE_SEPARATORS: &[&str] = &[
    " | ",
    " - ",
    " \u{2013} ",
    " \u{2014} ",
    " :: ",
    " \u{b7} ",
    " \u{bb} ",
];

/// True when `part` names the site: it is the outlet the page states, or it spells the
/// host's name (`TheHill` for thehill.com, `The New York Times` does not for nytimes.com
/// but does when the page's outlet says so).
fn names_site(part: &str, outlet: Option<&str>, host: Option<&str>) -> bool {
    let p = squash(part);
    if p.is_empty() || part.split_whitespace().count() > 6 {
        return false;
    }
    if outlet.is_some_and(|o| squash(o) == p) {
        return true;
    }
    host.is_some_and(|h| {
        let label = h.rsplit('.').nth(1).map(squash).unwrap_or_default();
        let p = p.strip_prefix("the").filter(|r| r.len() >= 3).unwrap_or(&p);
        label.len() >= 3 && (label == p || label == format!("the{p}") || p == squash(h))
    })
}

/// Decodes entities in the title, outlet and authors; cuts the site's name off the
/// title (`Headline | TheHill`); names the outlet from the title's site part or, failing
/// that, the host of the canonical address when the page names none.
fn tidy(out: &mut Extracted) {
    for field in [&mut out.title, &mut out.outlet, &mut out.description] {
        if let Some(v) = field.as_mut() {
            *v = clean_text(&decode_entities(v));
        }
    }
    out.authors = out
        .authors
        .iter()
        .map(|a| name_case(&clean_text(&decode_entities(a))))
        .collect();
    out.authors.dedup();
    let host = out
        .canonical_url
        .as_deref()
        .or(out.url.as_deref())
        .and_then(host_of);
    if let Some(title) = out.title.clone() {
        for sep in TITLE_SEPARATORS {
            let Some((head, tail)) = title.rsplit_once(sep) else {
                continue;
            };
            let (head, tail) = (head.trim(), tail.trim());
            if head.split_whitespace().count() >= 2
                && names_site(tail, out.outlet.as_deref(), host.as_deref())
            {
                out.title = Some(head.to_string());
                if out.outlet.is_none() {
                    out.outlet = Some(tail.to_string());
                }
                break;
            }
        }
    }
    if out.outlet.is_none() {
        out.outlet = host;
    }
}

/// Words of a byline part that give a role, not a name (`AP Auto Writer`).
const ROLE_WORDS: &[&str] = &[
    "writer",
    "correspondent",
    "reporter",
    "editor",
    "staff",
    "contributor",
    "columnist",
    "photographer",
    "producer",
];

/// `TOM KRISHER` → `Tom Krisher`; names written in mixed case are left alone.
fn name_case(name: &str) -> String {
    if name.chars().any(char::is_lowercase) || !name.chars().any(char::is_uppercase) {
        return name.to_string();
    }
    name.split(' ')
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|f| f.to_string() + &cs.as_str().to_lowercase())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `By Jane Roe and John Doe, Reuters` → `[Jane Roe, John Doe, Reuters]`; dates and
/// times that follow a byline are cut off, and so are roles (`By TOM KRISHER, AP Auto
/// Writer` → `[Tom Krisher]`).
pub(crate) fn split_names(byline: &str) -> Vec<String> {
    let b = byline.trim();
    let b = b
        .strip_prefix("By ")
        .or_else(|| b.strip_prefix("by "))
        .or_else(|| b.strip_prefix("BY "))
        .unwrap_or(b);
    let b = b.split(['|', '\n', '–', '—']).next().unwrap_or("");
    let b = b.split(" - ").next().unwrap_or("");
    b.replace(" and ", ",")
        .replace(" & ", ",")
        .split([',', ';'])
        .map(clean_text)
        .filter(|n| {
            !n.is_empty()
                && n.split_whitespace().count() <= 5
                && !n.chars().any(|c| c.is_ascii_digit())
                && !n
                    .split_whitespace()
                    .any(|w| ROLE_WORDS.contains(&w.to_lowercase().as_str()))
        })
        .map(|n| name_case(&n))
        .collect()
}

#[derive(Default)]
struct LdArticle {
    headline: Option<String>,
    published: Option<String>,
    modified: Option<String>,
    authors: Vec<String>,
    publisher: Option<String>,
    image: Option<String>,
    description: Option<String>,
    url: Option<String>,
    language: Option<String>,
    body: Option<String>,
}

const ARTICLE_TYPES: &[&str] = &[
    "NewsArticle",
    "Article",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "BlogPosting",
    "OpinionNewsArticle",
    "ReviewNewsArticle",
    "BackgroundNewsArticle",
    "LiveBlogPosting",
    "Report",
    "WebPage",
];

fn json_ld(doc: &Document) -> LdArticle {
    let mut found: Vec<Value> = Vec::new();
    for s in doc.select("script[type=\"application/ld+json\"]").nodes() {
        let Ok(v) = serde_json::from_str::<Value>(s.text().trim()) else {
            continue;
        };
        collect_ld(&v, &mut found, 0);
    }
    // prefer a news type over a generic WebPage
    found.sort_by_key(|v| {
        let t = ld_types(v);
        ARTICLE_TYPES
            .iter()
            .position(|a| t.iter().any(|x| x == a))
            .unwrap_or(99)
    });
    let Some(a) = found.first() else {
        return LdArticle::default();
    };
    let s = |k: &str| a.get(k).and_then(Value::as_str).and_then(nonempty);
    LdArticle {
        headline: s("headline").or_else(|| s("name")),
        published: s("datePublished").or_else(|| s("dateCreated")),
        modified: s("dateModified"),
        authors: names(a.get("author")),
        publisher: names(a.get("publisher")).into_iter().next(),
        image: url_of(a.get("image")),
        description: s("description"),
        url: s("url"),
        language: s("inLanguage"),
        body: a
            .get("articleBody")
            .and_then(Value::as_str)
            .map(decode_entities),
    }
}

fn ld_types(v: &Value) -> Vec<String> {
    match v.get("@type") {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(|t| t.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

fn collect_ld(v: &Value, out: &mut Vec<Value>, depth: usize) {
    if depth > 8 {
        return;
    }
    match v {
        Value::Array(items) => items.iter().for_each(|i| collect_ld(i, out, depth + 1)),
        Value::Object(map) => {
            if let Some(g) = map.get("@graph") {
                collect_ld(g, out, depth + 1);
            }
            if ld_types(v)
                .iter()
                .any(|t| ARTICLE_TYPES.contains(&t.as_str()))
            {
                out.push(v.clone());
            }
        }
        _ => {}
    }
}

fn names(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => split_names(s),
        Some(Value::Object(o)) => o
            .get("name")
            .and_then(Value::as_str)
            .and_then(nonempty)
            .into_iter()
            .collect(),
        Some(Value::Array(items)) => items.iter().flat_map(|i| names(Some(i))).collect(),
        _ => Vec::new(),
    }
}

fn url_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => nonempty(s),
        Value::Object(o) => o.get("url").and_then(Value::as_str).and_then(nonempty),
        Value::Array(items) => items.iter().find_map(|i| url_of(Some(i))),
        _ => None,
    }
}
