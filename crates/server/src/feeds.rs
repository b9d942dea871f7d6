//! The Atom feeds: `GET /feed.atom` (the stories, newest activity first, one entry per
//! story) and `GET /stories/{id}/feed.atom` (that story's change log: new facts and status
//! changes), read from the store and rendered by `corroborate_report::atom`.
//!
//! Entry ids are `tag:` URIs built from story ids and change numbers, so a reader sees a
//! story's entry updated, not duplicated, as its story changes. Links are paths, resolved
//! against the feed's own URL (RFC 4287 allows relative references), so the feeds are right
//! behind any host name or proxy.

use axum::extract::{Path as UrlPath, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use corroborate_report::atom::{self, status_words, Entry, Feed, TAG};
use corroborate_store::{ChangeKind, StoryChange};

use crate::{find_story, moved, percent_encode, ApiError, AppState, Lookup};

/// The `updated` of a feed or entry when the change log has nothing to say (a database
/// analysed before the log existed, or an empty one).
const EPOCH: &str = "1970-01-01T00:00:00Z";
/// Stories in the feed of stories.
const STORIES: i64 = 50;
/// Changes in a story's feed.
const CHANGES: i64 = 100;

fn atom_response(xml: String) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, atom::MEDIA_TYPE)],
        xml,
    )
        .into_response()
}

fn plural(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `GET /feed.atom`: one entry per story, newest activity first.
pub(crate) async fn stories_feed(State(state): State<AppState>) -> Result<Response, ApiError> {
    let (stories, last) = state
        .read(|s| Ok((s.story_feed(STORIES)?, s.last_change_at()?)))
        .await?;
    let fallback = last.unwrap_or_else(|| EPOCH.to_string());
    let entries: Vec<Entry> = stories
        .iter()
        .map(|f| {
            let s = &f.story;
            let mut summary = format!(
                "{}, {}: {} corroborated, {} contested.",
                plural(s.articles, "article", "articles"),
                plural(s.facts, "fact", "facts"),
                s.corroborated,
                s.contested
            );
            if !f.brief.is_empty() {
                summary.push(' ');
                summary.push_str(&f.brief);
            }
            Entry {
                id: format!("{TAG}story:{}", s.id),
                title: s.title.clone(),
                href: format!("/stories/{}", percent_encode(&s.id)),
                updated: f.updated.clone().unwrap_or_else(|| fallback.clone()),
                summary,
            }
        })
        .collect();
    let updated = entries
        .iter()
        .map(|e| e.updated.as_str())
        .max()
        .unwrap_or(&fallback)
        .to_string();
    Ok(atom_response(atom::to_atom(&Feed {
        id: format!("{TAG}stories"),
        title: "Stories — corroborate".into(),
        self_href: "/feed.atom".into(),
        alternate_href: "/".into(),
        updated,
        entries,
    })))
}

/// The entry of one change of a story's feed.
fn change_entry(c: &StoryChange) -> Entry {
    let story_path = format!("/stories/{}", percent_encode(&c.story));
    let status = |s: Option<corroborate_model::Status>| s.map_or("unknown", status_words);
    let (title, summary) = match c.kind {
        ChangeKind::NewStory => (
            format!("New story: {}", c.statement),
            format!(
                "The story first appeared (dossier version {}).",
                c.dossier_version
            ),
        ),
        ChangeKind::NewFact => (
            format!("New fact: {}", c.statement),
            format!(
                "A new fact, {}: {} (dossier version {}).",
                status(c.new_status),
                c.statement,
                c.dossier_version
            ),
        ),
        ChangeKind::StatusChange => (
            format!(
                "Status: {} → {}: {}",
                status(c.old_status),
                status(c.new_status),
                c.statement
            ),
            format!(
                "The fact went from {} to {}: {} (dossier version {}).",
                status(c.old_status),
                status(c.new_status),
                c.statement,
                c.dossier_version
            ),
        ),
    };
    Entry {
        id: format!("{TAG}story:{}:change:{}", c.story, c.seq),
        title,
        href: match &c.fact {
            Some(f) => format!("{story_path}#{}", percent_encode(f)),
            None => story_path,
        },
        updated: c.at.clone(),
        summary,
    }
}

/// `GET /stories/{id}/feed.atom`: the story's changes, newest first; a merged story's id
/// redirects (307) to the feed of the story holding its articles.
pub(crate) async fn story_feed(
    State(state): State<AppState>,
    UrlPath(id): UrlPath<String>,
) -> Result<Response, ApiError> {
    let found = find_story(&state, &id, |s, id| {
        Ok(match s.story_title(id)? {
            Some(title) => Some((title, s.changes(Some(id), CHANGES)?)),
            None => None,
        })
    })
    .await?;
    let (title, changes) = match found {
        Lookup::Found(f) => f,
        Lookup::Moved(to) => {
            return Ok(moved(
                format!("/stories/{}/feed.atom", percent_encode(&to)),
                &to,
            ))
        }
    };
    let path = format!("/stories/{}", percent_encode(&id));
    Ok(atom_response(atom::to_atom(&Feed {
        id: format!("{TAG}story:{id}:changes"),
        title: format!("{title} — changes"),
        self_href: format!("{path}/feed.atom"),
        updated: changes
            .first()
            .map_or_else(|| EPOCH.to_string(), |c| c.at.clone()),
        alternate_href: path,
        entries: changes.iter().map(change_entry).collect(),
    })))
}
