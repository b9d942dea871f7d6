//! Main-body extraction from HTML: boilerplate pruning on the DOM, then dom_smoothie's
//! Readability scoring, then line-level cleanup of what Readability keeps by mistake
//! (captions, datelines, kickers, calls to action at the edges of the body).
//!
//! Every rule here is generic (element roles, class/id vocabulary shared across sites,
//! line shapes); none is keyed to a site. Each rule was kept only when it raised the
//! shingle F1 on the development pages (see docs/usage.md, "Extraction").

use std::collections::HashMap;

use dom_query::{Document, NodeId, NodeRef};
use dom_smoothie::{Config, Readability, TextMode};

use crate::ReadError;

/// Elements that are never article body. `form` is deliberately absent: some CMSs wrap
/// the whole page in one.
const DROP_TAGS: &[&str] = &[
    "figure",
    "figcaption",
    "aside",
    "nav",
    "footer",
    "button",
    "iframe",
    "script",
    "style",
];

/// Class/id fragments of boilerplate blocks: related links, newsletters, captions,
/// bylines, author boxes, date stamps, share bars. Words such as "advert", "social" or
/// "paywall" are left out because sites put them on the article's own container.
const DROP_CLASS_WORDS: &[&str] = &[
    "related",
    "newsletter",
    "byline",
    "author",
    "caption",
    "signup",
    "timestamp",
    "dateline",
    "share-",
    "photo",
    "date",
];

/// An element matched by a class/id word is removed only when it holds less than this
/// share of the page's visible text: the wrapper of the post itself (Blogger's
/// `date-outer`, TypePad's `entry-author-…`) holds most of it.
/// Chosen on both development sets, each half by file-name parity (0.1 to 0.3 score the
/// same; 0.5 deletes more body text, and no guard at all deletes whole post bodies).
const MAX_SHARE: f64 = 0.2;

/// Links-only paragraphs and list items up to this many words are navigation.
const LINK_BLOCK_MAX_WORDS: usize = 25;

/// Markup nested deeper than this is refused: Readability's scoring walks ancestors, so
/// its cost grows with the square of the depth (8,000 levels take seconds). Real pages
/// stay under 100.
pub const MAX_NESTING_DEPTH: usize = 1_000;

/// Nesting depth of elements in raw markup, counted before parsing: the HTML parser's own
/// cost grows with the square of the depth, so hostile nesting is refused before it is
/// parsed. Every element counts (issue 23: `<main>`, `<ul>` and `<ol>` 100,000 deep got
/// past a list of six containers) except void elements, self-closed tags and the
/// elements whose end tag is optional (`<p>`, `<li>`, `<td>`…: a sibling closes them, so
/// they do not nest; their lists and tables do count).
pub fn raw_nesting_depth(html: &str) -> usize {
    const NOT_NESTING: &[&[u8]] = &[
        // void
        b"area",
        b"base",
        b"br",
        b"col",
        b"embed",
        b"hr",
        b"img",
        b"input",
        b"link",
        b"meta",
        b"source",
        b"track",
        b"wbr",
        b"param",
        b"keygen",
        // end tag optional: closed by a sibling or their parent
        b"p",
        b"li",
        b"dt",
        b"dd",
        b"option",
        b"optgroup",
        b"tr",
        b"td",
        b"th",
        b"thead",
        b"tbody",
        b"tfoot",
        b"colgroup",
        b"caption",
        b"rb",
        b"rt",
        b"rtc",
        b"rp",
        b"html",
        b"head",
        b"body",
    ];
    let bytes = html.as_bytes();
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut i = 0;
    while let Some(off) = bytes[i..].iter().position(|&b| b == b'<') {
        i += off + 1;
        let closing = bytes.get(i) == Some(&b'/');
        let start = i + usize::from(closing);
        let name_len = bytes[start..]
            .iter()
            .take(16)
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
            .count();
        if name_len == 0 || !bytes[start].is_ascii_alphabetic() {
            continue;
        }
        let name = bytes[start..start + name_len].to_ascii_lowercase();
        if NOT_NESTING.contains(&name.as_slice()) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
            continue;
        }
        // `<x/>` opens nothing; the tag ends at the next `>` (scanned once: i moves past it)
        let end = bytes[start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(bytes.len(), |e| start + e);
        let self_closed = end > start && bytes[end - 1] == b'/';
        i = end.min(bytes.len());
        if !self_closed {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    deepest
}

/// The article body of an HTML page as paragraphs separated by blank lines. `doc` is
/// pruned in place.
///
/// Readability's choice is checked against the page's own statement of its body (the
/// largest `itemprop=articleBody`, `<article>` or `<main>` element, or JSON-LD
/// `articleBody`, given as `ld_body`): when that holds several times more words than
/// Readability kept, Readability picked a fragment (a teaser, a code block, a sign-in
/// box) and the page's statement is the body.
pub fn main_text(
    doc: Document,
    max_elements: usize,
    ld_body: Option<&str>,
) -> Result<String, ReadError> {
    let depth = prune(&doc);
    if depth > MAX_NESTING_DEPTH {
        return Err(ReadError::Html(format!(
            "markup nested {depth} levels deep, over the limit of {MAX_NESTING_DEPTH}"
        )));
    }
    let stated = stated_body(&doc, ld_body);
    let readability = readability_text(doc, max_elements);
    let r_words = readability.as_ref().map_or(0, |t| words(t));
    if let Some(s) = stated {
        let s_words = words(&s);
        if s_words >= STATED_MIN_WORDS && s_words as f64 >= STATED_FACTOR * r_words as f64 {
            return Ok(s);
        }
    }
    readability
}

/// The fewest words a stated body must hold to replace Readability's choice.
const STATED_MIN_WORDS: usize = 30;

/// How many times more words than Readability kept the stated body must hold to replace
/// it (chosen on both development sets by halves: 1.5 and below let comment threads and
/// listings in; 3 and 2 tie on one half, 3 wins the other).
const STATED_FACTOR: f64 = 3.0;

/// The page's own statement of its body, as cleaned lines joined by blank lines: the
/// largest of its marked body elements, its JSON-LD `articleBody` and the element whose
/// child paragraphs hold the most words.
fn stated_body(doc: &Document, ld_body: Option<&str>) -> Option<String> {
    let mut best: Option<(usize, String)> = None;
    let mut offer = |lines: Vec<String>| {
        let text = clean_lines(lines.iter().map(String::as_str).collect()).join("\n\n");
        let n = words(&text);
        if n > best.as_ref().map_or(0, |b| b.0) {
            best = Some((n, text));
        }
    };
    for sel in ["[itemprop=articleBody]", "article", "main"] {
        for node in doc.select(sel).nodes() {
            offer(block_lines(node));
        }
    }
    if let Some(parent) = densest_parent(doc) {
        offer(block_lines(&parent));
    }
    if let Some(b) = ld_body {
        offer(
            b.lines()
                .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|l| !l.is_empty())
                .collect(),
        );
    }
    best.map(|b| b.1)
}

/// The element whose child paragraphs hold the most words.
fn densest_parent(doc: &Document) -> Option<NodeRef<'_>> {
    let mut sums: HashMap<NodeId, (NodeRef, usize)> = HashMap::new();
    for p in doc.select("p").nodes() {
        let Some(parent) = p.parent() else { continue };
        sums.entry(parent.id).or_insert((parent, 0)).1 += words(&p.text());
    }
    // ties broken by document order, so the choice does not depend on hashing
    sums.into_values()
        .max_by_key(|(node, n)| (*n, std::cmp::Reverse(node.id)))
        .map(|e| e.0)
}

/// Elements that end a line of text.
const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "pre",
    "blockquote",
    "dd",
    "dt",
    "dl",
    "tr",
    "table",
    "section",
    "article",
    "header",
    "main",
    "br",
    "hr",
];

/// The text under `node`, one line per block element.
fn block_lines(node: &NodeRef) -> Vec<String> {
    enum Step<'a> {
        Enter(NodeRef<'a>),
        Break,
    }
    let mut lines = Vec::new();
    let mut cur = String::new();
    let flush = |cur: &mut String, lines: &mut Vec<String>| {
        let l = cur.split_whitespace().collect::<Vec<_>>().join(" ");
        if !l.is_empty() {
            lines.push(l);
        }
        cur.clear();
    };
    let mut stack = vec![Step::Enter(*node)];
    while let Some(step) = stack.pop() {
        match step {
            Step::Break => flush(&mut cur, &mut lines),
            Step::Enter(n) if n.is_text() => {
                cur.push_str(&n.text());
                cur.push(' ');
            }
            Step::Enter(n) if n.is_element() => {
                let name = n.node_name().unwrap_or_default();
                if matches!(
                    &*name,
                    "script" | "style" | "noscript" | "template" | "select"
                ) {
                    continue;
                }
                let block = BLOCK_TAGS.contains(&&*name);
                if block {
                    flush(&mut cur, &mut lines);
                    stack.push(Step::Break);
                }
                let children: Vec<_> = n.children_it(false).collect();
                stack.extend(children.into_iter().rev().map(Step::Enter));
            }
            Step::Enter(_) => {}
        }
    }
    flush(&mut cur, &mut lines);
    lines
}

fn readability_text(doc: Document, max_elements: usize) -> Result<String, ReadError> {
    let cfg = Config {
        text_mode: TextMode::Formatted,
        max_elements_to_parse: max_elements,
        ..Config::default()
    };
    let mut reader = Readability::with_document(doc, None, Some(cfg))
        .map_err(|e| ReadError::Html(e.to_string()))?;
    let article = reader.parse().map_err(|e| ReadError::Html(e.to_string()))?;
    let lines = clean_lines(
        article
            .text_content
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect(),
    );
    let text = lines.join("\n\n");
    if text.is_empty() {
        return Err(ReadError::NoText("the page has no readable body".into()));
    }
    Ok(text)
}

/// What the pruning pass makes of one element.
#[derive(PartialEq)]
enum Verdict {
    Keep,
    /// Never body, whatever it holds (furniture tags and ARIA roles).
    Drop,
    /// Its class or id names furniture; dropped unless it holds much of the page's text.
    DropIfSmall,
}

fn verdict(node: &NodeRef) -> Verdict {
    let Some(name) = node.node_name() else {
        return Verdict::Keep;
    };
    if DROP_TAGS.contains(&&*name) {
        return Verdict::Drop;
    }
    if matches!(&*name, "html" | "body" | "article" | "main") {
        return Verdict::Keep;
    }
    let role = node.attr("role");
    if role.is_some_and(|r| &*r == "complementary" || &*r == "navigation") {
        return Verdict::Drop;
    }
    if node.attr("itemprop").is_some_and(|p| &*p == "articleBody") {
        return Verdict::Keep;
    }
    let mut names = String::new();
    for attr in ["class", "id"] {
        if let Some(v) = node.attr(attr) {
            names.push_str(&v.to_ascii_lowercase());
            names.push(' ');
        }
    }
    if !names.is_empty() && DROP_CLASS_WORDS.iter().any(|w| names.contains(w)) {
        Verdict::DropIfSmall
    } else {
        Verdict::Keep
    }
}

/// Characters of text under `node` that a reader sees (not script or style).
fn visible_len(node: &NodeRef) -> usize {
    node.descendants_it()
        .filter(|d| d.is_text())
        .filter(|d| {
            !d.parent()
                .and_then(|p| p.node_name())
                .is_some_and(|n| matches!(&*n, "script" | "style" | "noscript" | "template"))
        })
        .map(|d| d.text().trim().len())
        .sum()
}

fn is_link_block(node: &NodeRef) -> bool {
    if !node.node_name().is_some_and(|n| &*n == "p" || &*n == "li") {
        return false;
    }
    let n = words(&node.text());
    if n == 0 || n > LINK_BLOCK_MAX_WORDS {
        return false;
    }
    let linked: usize = node
        .descendants_it()
        .filter(|d| d.node_name().is_some_and(|t| &*t == "a"))
        .map(|a| words(&a.text()))
        .sum();
    linked * 10 >= n * 9
}

/// Removes boilerplate blocks; returns the deepest element nesting seen.
fn prune(doc: &Document) -> usize {
    let root = doc.root();
    let mut doomed = Vec::new();
    let mut deepest = 0;
    // depth-first with an explicit stack (no recursion on deep markup); a removed
    // subtree is not descended into
    // the page's visible text, measured the first time a class/id word matches
    let mut page_len = None;
    let mut stack = vec![(root, 0usize)];
    while let Some((node, depth)) = stack.pop() {
        deepest = deepest.max(depth);
        if node.is_element() {
            let drop = match verdict(&node) {
                Verdict::Drop => true,
                Verdict::DropIfSmall => {
                    let total = *page_len.get_or_insert_with(|| visible_len(&root));
                    (visible_len(&node) as f64) < MAX_SHARE * total as f64
                }
                Verdict::Keep => is_link_block(&node),
            };
            if drop {
                doomed.push(node);
                continue;
            }
        }
        stack.extend(
            node.children_it(false)
                .filter(|c| c.is_element() || c.is_document())
                .map(|c| (c, depth + 1)),
        );
    }
    for node in doomed {
        node.remove_from_parent();
    }
    deepest
}

/// Openings of date stamps, which the body drops like page chrome (segmentation keeps a
/// dateline it can parse as such; a stamp inside the extracted body is only noise).
const DATE_STAMPS: &[&str] = &["updated:", "posted:", "published:"];

fn words(line: &str) -> usize {
    line.split_whitespace().count()
}

fn is_sentence(line: &str) -> bool {
    let end = line.trim_end_matches(['"', '\u{201d}', '\'', '\u{2019}', ')', ']']);
    words(line) >= 8 || end.ends_with(['.', '!', '?', ':', ';'])
}

fn is_chrome(line: &str) -> bool {
    let l = line.trim().to_lowercase();
    corroborate_text::segment::is_furniture(line)
        || (words(line) < 30 && DATE_STAMPS.iter().any(|p| l.starts_with(p)))
}

/// Drops chrome lines anywhere, and short non-sentences (kickers, datelines, credits) at
/// the head and tail of the body.
fn clean_lines(lines: Vec<&str>) -> Vec<&str> {
    let mut lines: Vec<&str> = lines.into_iter().filter(|l| !is_chrome(l)).collect();
    let stray = |l: &str| !is_sentence(l) && words(l) < 6;
    while lines.len() > 1 && stray(lines[0]) {
        lines.remove(0);
    }
    while lines.len() > 1 && lines.last().is_some_and(|l| stray(l)) {
        lines.pop();
    }
    lines
}
