//! The story page's two drawings, as inline SVG written by the server (no script, no
//! external resource, every label escaped by the template): when each outlet published
//! ([`timeline`]) and which article copies which ([`copy_graph`]). Each is capped so a
//! story of hundreds of articles still draws a readable picture; the page's tables list
//! everything.

use std::collections::{BTreeMap, HashMap};

use corroborate_model::{Copy, CopyKind};
use maud::{html, Markup};

use crate::outlets::{short_id, truncate_words, Labels};

/// Most outlet rows drawn in the timeline.
const TIMELINE_ROWS: usize = 30;
/// Most articles drawn in the copy graph.
const GRAPH_NODES: usize = 40;

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (the first ten characters of `published`);
/// `None` for a date less precise than a day, or not a date.
pub fn day_number(published: &str) -> Option<i64> {
    let date = published.get(..10)?;
    let mut parts = date.split('-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || date.as_bytes()[4] != b'-' {
        return None;
    }
    // Howard Hinnant's days_from_civil
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// One dot per dated article on its outlet's row, outlets in the order they first
/// published; hovering a dot names the article. `members` in story order.
pub fn timeline(labels: &Labels, members: &[String]) -> Markup {
    // (key, label, dots): an outlet's row, or an unnamed article's own; each dot a day
    // and an article id
    type Row<'a> = (String, String, Vec<(i64, &'a str)>);
    let mut rows: Vec<Row> = Vec::new();
    for id in members {
        let Some(day) = labels
            .article(id)
            .and_then(|a| a.published.as_deref())
            .and_then(day_number)
        else {
            continue;
        };
        let key = labels.key(id);
        match rows.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, _, dots)) => dots.push((day, id)),
            None => rows.push((key, labels.name(id), vec![(day, id)])),
        }
    }
    // outlets by their first publication, then first reading
    rows.sort_by_key(|(_, _, dots)| dots.iter().map(|d| d.0).min());
    let hidden = rows.len().saturating_sub(TIMELINE_ROWS);
    rows.truncate(TIMELINE_ROWS);
    let days: Vec<i64> = rows
        .iter()
        .flat_map(|(_, _, d)| d.iter().map(|x| x.0))
        .collect();
    let (Some(&first), Some(&last)) = (days.iter().min(), days.iter().max()) else {
        return html! {};
    };
    let (left, width, row_h, top) = (170.0, 520.0, 22.0, 24.0);
    let span = (last - first).max(1) as f64;
    let x_of = |day: i64| {
        if last == first {
            left + width / 2.0
        } else {
            left + (day - first) as f64 / span * width
        }
    };
    let height = top + row_h * rows.len() as f64 + 8.0;
    let date_of = |day: i64| -> String {
        members
            .iter()
            .filter_map(|id| labels.article(id)?.published.as_deref())
            .find(|p| day_number(p) == Some(day))
            .map(|p| p[..10].to_string())
            .unwrap_or_default()
    };
    html! {
        svg class="timeline-graph" xmlns="http://www.w3.org/2000/svg" role="img"
            width=(format!("{:.0}", left + width + 30.0)) height=(format!("{height:.0}"))
            viewBox=(format!("0 0 {:.0} {height:.0}", left + width + 30.0)) {
            title { "When each outlet published" }
            text x=(format!("{left:.0}")) y="14" class="axis" { (date_of(first)) }
            @if last != first {
                text x=(format!("{:.0}", left + width)) y="14" class="axis" text-anchor="end" { (date_of(last)) }
            }
            @for (row, (_, name, dots)) in rows.iter().enumerate() {
                @let y = top + row_h * row as f64 + row_h / 2.0;
                text x="4" y=(format!("{:.0}", y + 4.0)) class="label" { (truncate_words(name, 24)) }
                line x1=(format!("{left:.0}")) x2=(format!("{:.0}", left + width)) y1=(format!("{y:.0}")) y2=(format!("{y:.0}")) class="rule" {}
                @for (day, id) in dots {
                    circle cx=(format!("{:.1}", x_of(*day))) cy=(format!("{y:.0}")) r="5" class="dot" {
                        title { (date_of(*day)) " · " (name) " · " (labels.headline(id)) " (" (id) ")" }
                    }
                }
            }
        }
        @if hidden > 0 {
            p class="meta" { (hidden) " more outlets are listed under Articles." }
        }
    }
}

/// Each copy drawn as an arrow from the copy to the article it took from, originals on
/// the right, copies of copies further left; labelled with the kind and the share taken.
pub fn copy_graph(labels: &Labels, members: &[String], copies: &[&Copy]) -> Markup {
    let order: HashMap<&str, usize> = members
        .iter()
        .enumerate()
        .map(|(i, m)| (m.as_str(), i))
        .collect();
    // nodes in story order (an original outside the story after the members)
    let mut nodes: Vec<&str> = Vec::new();
    for c in copies {
        for id in [c.article.as_str(), c.of.as_str()] {
            if !nodes.contains(&id) {
                nodes.push(id);
            }
        }
    }
    nodes.sort_by_key(|id| order.get(id).copied().unwrap_or(usize::MAX));
    let hidden = nodes.len().saturating_sub(GRAPH_NODES);
    nodes.truncate(GRAPH_NODES);
    // depth: 0 for an article that copies nothing drawn, else one more than what it copies;
    // at most `nodes.len()` rounds, so a loop of copies cannot run forever
    let mut depth: HashMap<&str, usize> = nodes.iter().map(|&n| (n, 0)).collect();
    for _ in 0..nodes.len() {
        let mut changed = false;
        for c in copies {
            let (Some(&of), Some(&me)) = (depth.get(c.of.as_str()), depth.get(c.article.as_str()))
            else {
                continue;
            };
            if me < of + 1 && of + 1 < nodes.len() {
                depth.insert(c.article.as_str(), of + 1);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let deepest = depth.values().copied().max().unwrap_or(0);
    let mut columns: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    for &n in &nodes {
        columns.entry(deepest - depth[n]).or_default().push(n);
    }
    let (box_w, box_h, gap_x, gap_y, pad) = (190.0, 40.0, 110.0, 14.0, 8.0);
    let mut place: HashMap<&str, (f64, f64)> = HashMap::new();
    for (&col, ids) in &columns {
        for (row, &id) in ids.iter().enumerate() {
            let x = pad + col as f64 * (box_w + gap_x);
            let y = pad + row as f64 * (box_h + gap_y);
            place.insert(id, (x, y));
        }
    }
    let rows = columns.values().map(Vec::len).max().unwrap_or(0);
    let width = pad * 2.0 + (deepest + 1) as f64 * box_w + deepest as f64 * gap_x;
    let height = pad * 2.0 + rows as f64 * (box_h + gap_y) - gap_y;
    // each copy with the top-left corners of its own box and its original's
    type Arrow<'c> = (&'c Copy, (f64, f64), (f64, f64));
    let drawn: Vec<Arrow> = copies
        .iter()
        .filter_map(|c| {
            Some((
                *c,
                *place.get(c.article.as_str())?,
                *place.get(c.of.as_str())?,
            ))
        })
        .collect();
    let date = |id: &str| {
        labels
            .article(id)
            .and_then(|a| a.published.as_deref())
            .map(|p| format!(" · {}", p.get(..10).unwrap_or(p)))
            .unwrap_or_default()
    };
    html! {
        svg class="copy-graph" xmlns="http://www.w3.org/2000/svg" role="img"
            width=(format!("{width:.0}")) height=(format!("{height:.0}"))
            viewBox=(format!("0 0 {width:.0} {height:.0}")) {
            title { "Which article copies which" }
            defs {
                marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse" {
                    path d="M 0 0 L 10 5 L 0 10 z" class="head" {}
                }
            }
            @for (c, (cx, cy), (ox, oy)) in &drawn {
                @let (x1, y1, x2, y2) = (cx + box_w, cy + box_h / 2.0, *ox, oy + box_h / 2.0);
                g class={ "edge " (kind_class(c.kind)) } data-copy=(c.article) data-of=(c.of) {
                    title { (labels.name(&c.article)) " copies " (labels.name(&c.of)) ": " (kind_class(c.kind)) ", " (format!("{:.0}", c.similarity * 100.0)) "% of its prose taken" }
                    line x1=(format!("{x1:.0}")) y1=(format!("{y1:.0}")) x2=(format!("{x2:.0}")) y2=(format!("{y2:.0}")) marker-end="url(#arrow)" {}
                    text x=(format!("{:.0}", (x1 + x2) / 2.0)) y=(format!("{:.0}", (y1 + y2) / 2.0 - 4.0)) text-anchor="middle" {
                        (kind_class(c.kind)) " " (format!("{:.0}%", c.similarity * 100.0))
                    }
                }
            }
            @for &id in &nodes {
                @let (x, y) = place[id];
                g class="node" data-article=(id) {
                    title { (labels.name(id)) ": " (labels.headline(id)) " (" (id) ")" }
                    rect x=(format!("{x:.0}")) y=(format!("{y:.0}")) width=(format!("{box_w:.0}")) height=(format!("{box_h:.0}")) rx="5" {}
                    text x=(format!("{:.0}", x + 8.0)) y=(format!("{:.0}", y + 17.0)) class="label" { (truncate_words(&labels.name(id), 26)) }
                    text x=(format!("{:.0}", x + 8.0)) y=(format!("{:.0}", y + 33.0)) class="sub" { (short_id(id)) (date(id)) }
                }
            }
        }
        @if hidden > 0 {
            p class="meta" { (hidden) " more articles in copies are listed below." }
        }
    }
}

fn kind_class(kind: CopyKind) -> &'static str {
    match kind {
        CopyKind::Duplicate => "duplicate",
        CopyKind::Rewrite => "rewrite",
        CopyKind::Partial => "partial",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_count_from_the_unix_epoch() {
        assert_eq!(day_number("1970-01-01"), Some(0));
        assert_eq!(day_number("2000-03-01"), Some(11_017));
        assert_eq!(day_number("2025-11-11T08:00:00Z"), Some(20_403));
        assert_eq!(day_number("2025-11"), None);
        assert_eq!(day_number("2025-13-01"), None);
        assert_eq!(day_number("garbage!!!!"), None);
    }
}
