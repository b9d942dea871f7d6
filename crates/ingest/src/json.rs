//! `.json` (one article object or an array of them) and `.jsonl` (one per line). Fields:
//! `id`, `text` (or news-please's `maintext`), `title`, `url`, `published` (or
//! `date_publish`, trafilatura's `date`), `outlet` (or `source_domain`, `sitename`,
//! `hostname`), `language`. Only `text` is required.

use corroborate_model::{stable_id, Article};
use corroborate_text::dates::parse_iso;
use serde_json::Value;

use crate::{clean_text, ReadError, ReadOutcome};

fn field<'a>(obj: &'a serde_json::Map<String, Value>, names: &[&str]) -> Option<&'a Value> {
    names
        .iter()
        .find_map(|n| obj.get(*n).filter(|v| !v.is_null()))
}

fn string_field(obj: &serde_json::Map<String, Value>, names: &[&str]) -> Option<String> {
    match field(obj, names)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// One JSON value to an article; the warning is for a field that was present but unusable.
fn article_from(value: &Value) -> Result<(Article, Option<String>), ReadError> {
    let Value::Object(obj) = value else {
        return Err(ReadError::Json(format!(
            "expected an object, found {}",
            kind_of(value)
        )));
    };
    let text = match field(obj, &["text", "maintext"]) {
        Some(Value::String(s)) => clean_text(s),
        Some(other) => {
            return Err(ReadError::Json(format!(
                "\"text\" must be a string, found {}",
                kind_of(other)
            )))
        }
        None => {
            return Err(ReadError::NoText(
                "no \"text\" (or \"maintext\") field".into(),
            ))
        }
    };
    if text.is_empty() {
        return Err(ReadError::NoText("\"text\" is empty".into()));
    }
    let id = string_field(obj, &["id"]).unwrap_or_else(|| stable_id("a-", &[&text]));
    let mut article = Article::new(id, "", text);
    article.title = string_field(obj, &["title"]).map(|t| clean_text(&t));
    // news-please: source_domain, date_publish; trafilatura: source (the URL), sitename,
    // hostname, date
    article.url = string_field(obj, &["url"])
        .or_else(|| string_field(obj, &["source"]).filter(|s| s.starts_with("http")));
    article.outlet = string_field(obj, &["outlet", "source_domain", "sitename", "hostname"]);
    article.language = string_field(obj, &["language"]);
    let mut warning = None;
    if let Some(p) = string_field(obj, &["published", "date_publish", "date"]) {
        match parse_iso(&p).or_else(|| corroborate_text::dates::parse_written(&p)) {
            Some(d) => article.published = Some(d.to_string()),
            None => warning = Some(format!("unreadable date {p:?} ignored (expected ISO 8601)")),
        }
    }
    Ok((article, warning))
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn push(value: &Value, input: String, outcome: &mut ReadOutcome) {
    match article_from(value) {
        Ok((mut article, warning)) => {
            if let Some(w) = warning {
                outcome.warn(&input, w);
            }
            article.source = input;
            outcome.articles.push(article);
        }
        Err(e) => outcome.error(&input, e),
    }
}

pub fn parse_json(bytes: &[u8], name: &str, outcome: &mut ReadOutcome) {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let value: Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => return outcome.error(name, ReadError::Json(e.to_string())),
    };
    match &value {
        Value::Array(items) => {
            if items.is_empty() {
                outcome.error(name, ReadError::NoText("empty array".into()));
            }
            for (i, item) in items.iter().enumerate() {
                push(item, format!("{name}#{i}"), outcome);
            }
        }
        _ => push(&value, name.to_string(), outcome),
    }
}

pub fn parse_jsonl(bytes: &[u8], name: &str, outcome: &mut ReadOutcome) {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let mut any = false;
    for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        any = true;
        let input = format!("{name}#{}", i + 1);
        match serde_json::from_slice::<Value>(line) {
            Ok(v) => push(&v, input, outcome),
            Err(e) => outcome.error(&input, ReadError::Json(e.to_string())),
        }
    }
    if !any {
        outcome.error(name, ReadError::Empty);
    }
}
