//! Entities: people, organisations and places, with their spellings folded together.
//!
//! Mentions are runs of capitalised words (with name particles such as `al-`, `bin`,
//! `of`), stripped of leading titles and demonyms ("Syrian Information Minister").
//! Mentions join one entity when their folded keys match (`al-Shara`/`ash-Sharaa`),
//! when a person's full names agree on the family name and the consonants of every given
//! name the shorter one has (`Ahmad al-Shara`/`Ahmed al Sharaa`), when a lone family name
//! (not an acronym) has exactly one full-name owner (`Trump` → `Donald Trump`), when an
//! acronym is defined in parentheses anywhere and its letters appear in order in the name
//! (`Islamic State (ISIS)`, `ISIL (ISIS)`; not a dateline's `NEW YORK (CNN)`) or it is the
//! initials of exactly one name
//! (`IS` → `Islamic State`). Nothing else merges, so two real-world things never share an
//! entity on a guess.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use compact_str::CompactString;
use corroborate_model::{stable_id, Entity, EntityKind};
use corroborate_text::token::{is_all_caps, TokenKind};
use corroborate_text::{fold, lexicon, ParaKind};

use crate::doc::{Doc, Word};

/// One mention of an entity in an article.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mention {
    pub sentence: usize,
    pub start: usize,
    pub end: usize,
    /// Index into the entity list.
    pub entity: usize,
}

/// The entity stage's result: entities (dossier order) and each document's mentions.
#[derive(Clone, Debug, Default)]
pub struct EntityIndex {
    pub entities: Vec<Entity>,
    pub mentions: Vec<Vec<Mention>>,
}

#[derive(Clone, Debug)]
struct Candidate {
    doc: usize,
    sentence: usize,
    start: usize,
    end: usize,
    /// Word index range in the sentence, for parenthetical definitions.
    w_start: usize,
    w_end: usize,
    surface: CompactString,
    key: CompactString,
    person_hint: bool,
    /// Next to an organisation noun: 'the newspaper "Independence"', "Dabiq news agency".
    org_hint: bool,
    sentence_initial: bool,
}

/// Common nouns that name a kind of organisation when they stand next to a name.
const ORG_NOUNS: &[&str] = &[
    "newspaper",
    "agency",
    "daily",
    "channel",
    "broadcaster",
    "outlet",
    "organization",
    "organisation",
    "group",
    "network",
    "magazine",
    "station",
    "tv",
    "television",
    "militia",
    "company",
    "firm",
    "party",
    "movement",
];

const SHORT_WORDS: &[&str] = &[
    "is", "us", "it", "as", "at", "or", "in", "on", "no", "an", "am", "be", "do", "go", "he", "me",
    "my", "of", "so", "to", "up", "we", "if", "by",
];
const COMMON_SUFFIXES: &[&str] = &[
    "ic", "al", "ly", "ing", "ed", "ive", "ous", "ity", "ment", "ness", "tion", "ers", "ists",
    "ies", "ful", "less", "able",
];

fn is_quote(s: &str) -> bool {
    matches!(s, "\"" | "“" | "”" | "'" | "‘" | "’" | "«" | "»")
}

fn possessive_len(raw: &str) -> usize {
    for p in ["'s", "’s"] {
        if raw.len() > p.len() && raw.ends_with(p) {
            return p.len();
        }
    }
    0
}

/// "I'm", "He'll", "We've", "They'd": capitalised, but a pronoun (folded, "He'll" would
/// be the key of "Hell").
fn is_pronoun_contraction(raw: &str) -> bool {
    let Some((head, tail)) = raw.split_once(['\'', '’']) else {
        return false;
    };
    matches!(
        head.to_ascii_lowercase().as_str(),
        "i" | "he" | "she" | "it" | "we" | "you" | "they" | "there" | "that" | "who"
    ) && matches!(
        tail.to_ascii_lowercase().as_str(),
        "m" | "ll" | "ve" | "re" | "d" | "s"
    )
}

fn name_word(w: &Word, text: &str) -> bool {
    w.kind == TokenKind::Word && w.capitalized && {
        let norm = w.norm.as_str();
        let raw = &text[w.start..w.end];
        !lexicon::is_month(norm)
            && !lexicon::is_weekday(norm)
            && raw.chars().count() > 1
            && !is_pronoun_contraction(raw)
    }
}

/// Runs of name words in one sentence.
fn sentence_candidates(
    doc_idx: usize,
    doc: &Doc,
    sentence: usize,
    lower_vocab: &[&str],
    out: &mut Vec<Candidate>,
) {
    let text = doc.text();
    let words = &doc.sentences[sentence].words;
    let first_word = words.iter().position(|w| w.kind != TokenKind::Punct);
    let n = words.len();
    let mut i = 0;
    while i < n {
        if !name_word(&words[i], text) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < n {
            let w = &words[j];
            if name_word(w, text) {
                j += 1;
                if possessive_len(&text[w.start..w.end]) > 0 {
                    break;
                }
            } else if w.kind == TokenKind::Word
                && lexicon::is_name_connector(&w.norm)
                && j > i
                && j + 1 < n
                && name_word(&words[j + 1], text)
            {
                j += 1;
            } else {
                break;
            }
        }
        make_candidate(
            doc_idx,
            doc,
            sentence,
            i,
            j,
            first_word == Some(i),
            lower_vocab,
            out,
        );
        i = j.max(i + 1);
    }
}

#[allow(clippy::too_many_arguments)]
fn make_candidate(
    doc_idx: usize,
    doc: &Doc,
    sentence: usize,
    mut i: usize,
    j: usize,
    mut initial: bool,
    lower_vocab: &[&str],
    out: &mut Vec<Candidate>,
) {
    let text = doc.text();
    let words = &doc.sentences[sentence].words;
    let raw = |k: usize| &text[words[k].start..words[k].end];
    // leading function words ("The", "In") are not part of a name
    while i < j && lexicon::is_stopword(&words[i].norm) && !is_all_caps(raw(i)) {
        i += 1;
        initial = false;
    }
    if i >= j {
        return;
    }
    let full = text[words[i].start..words[j - 1].end].to_string();
    let full_key = fold::name_key(&full);
    let is_known_place = lexicon::is_place(&full_key) || lexicon::is_place(&full.to_lowercase());
    // strip titles and demonyms in front of a name
    let mut k = i;
    let mut title = false;
    if !is_known_place {
        while k + 1 < j {
            let norm = words[k].norm.as_str();
            if lexicon::is_title(norm) {
                title = true;
            } else if lexicon::demonym(norm).is_none() {
                break;
            }
            k += 1;
        }
        let rest_is_org = words[k..j].iter().any(|w| lexicon::is_org_word(&w.norm));
        if title && rest_is_org && j - k == 1 {
            k = i; // "Interior Ministry": the title word is part of the organisation's name
            title = false;
        } else if !title && rest_is_org {
            k = i; // only demonyms in front: "Syrian Democratic Forces" is the name
        }
    }
    // adjectival compounds ("US-led", "Iran-backed") are not names
    if j - k == 1 {
        let r = raw(k);
        let stripped = fold::strip_article_prefix(r);
        if stripped == r
            && r.rsplit(['-', '‐'])
                .next()
                .is_some_and(|last| last.chars().next().is_some_and(char::is_lowercase))
        {
            return;
        }
    }
    let single = j - k == 1;
    let head = raw(k);
    let head_norm = words[k].norm.as_str();
    if single {
        // demonyms, weekday-like and short common words alone are not names
        let all_demonym = head_norm.split('-').all(|p| lexicon::demonym(p).is_some());
        let keep_us = matches!(head_norm, "us" | "u.s." | "uk" | "u.k." | "eu" | "e.u.");
        if (all_demonym && !keep_us)
            || lexicon::is_title(head_norm)
            || lexicon::is_stopword(head_norm) && !is_all_caps(head)
        {
            return;
        }
        if SHORT_WORDS.contains(&head_norm) {
            // "IS" is the group only where the words around it are not shouted headline caps
            let around = [k.checked_sub(1), Some(k + 1)];
            let shouting = around
                .iter()
                .flatten()
                .filter_map(|&x| words.get(x))
                .any(|w| w.kind == TokenKind::Word && is_all_caps(&text[w.start..w.end]));
            if shouting || !is_all_caps(head) {
                return;
            }
        }
        if initial && !is_all_caps(head) && !title {
            let common = lexicon::is_reporting(head_norm)
                || lower_vocab.binary_search(&head_norm).is_ok()
                || (COMMON_SUFFIXES.iter().any(|s| head_norm.ends_with(s))
                    && !lexicon::is_place(head_norm));
            if common {
                return;
            }
        }
    }
    let last = &words[j - 1];
    let end = last.end - possessive_len(&text[last.start..last.end]);
    let start = words[k].start;
    let surface = CompactString::from(&text[start..end]);
    let key = CompactString::from(fold::name_key(&surface));
    if key.is_empty() || key.len() < 2 {
        return;
    }
    // apposition: up to two words (quotes skipped) before or after the name
    let near = |range: &mut dyn Iterator<Item = usize>| {
        range
            .filter(|&x| !is_quote(&words[x].norm))
            .take(2)
            .any(|x| ORG_NOUNS.contains(&words[x].norm.as_str()))
    };
    let org_hint = near(&mut (0..k).rev()) || near(&mut (j..words.len()));
    out.push(Candidate {
        doc: doc_idx,
        sentence,
        start,
        end,
        w_start: k,
        w_end: j,
        surface,
        key,
        person_hint: title && !org_hint,
        org_hint,
        sentence_initial: initial && k == i,
    });
}

/// Letters of a name, lower case, in order.
fn letters(s: &str) -> Vec<char> {
    s.chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether "A (B)" defines one name by the other: one of them an acronym whose letters
/// appear, in order, in the other, the first letters agreeing ("Islamic State (ISIS)",
/// "Syrian Arab News Agency (SANA)"), or two acronyms that open alike ("ISIL (ISIS)"). A
/// dateline's "NEW YORK (CNN)" or "BEIRUT (AP)" defines nothing, nor does "al-Sham (ISIS)".
fn defines(a: &str, b: &str) -> bool {
    let (acronym, name) = match (is_all_caps(a), is_all_caps(b)) {
        (true, true) => {
            let (la, lb) = (letters(a), letters(b));
            return la.len() >= 2 && lb.len() >= 2 && la[..2] == lb[..2];
        }
        (true, false) => (a, b),
        (false, true) => (b, a),
        (false, false) => return false,
    };
    let name = letters(corroborate_text::fold::strip_article_prefix(name));
    let acronym = letters(acronym);
    if acronym.len() < 2 || acronym.first() != name.first() {
        return false;
    }
    let mut rest = name.iter();
    acronym.iter().all(|c| rest.any(|n| n == c))
}

fn kind_hint(key: &str, surface: &str) -> Option<EntityKind> {
    let parts: Vec<&str> = key.split(' ').collect();
    if lexicon::is_place(key)
        || lexicon::is_place(&surface.to_lowercase())
        || matches!(key, "us" | "usa" | "uk" | "eu")
    {
        return Some(EntityKind::Place);
    }
    if parts.iter().any(|p| lexicon::is_org_word(p))
        || surface
            .split_whitespace()
            .any(|w| lexicon::is_org_word(&w.to_lowercase()))
    {
        return Some(EntityKind::Organization);
    }
    if is_all_caps(surface) && !surface.contains(' ') {
        return Some(EntityKind::Organization);
    }
    None
}

/// Builds entities and mentions for all documents.
pub fn resolve(docs: &[Doc]) -> EntityIndex {
    let cands = candidates(docs);
    let keys = KeyNodes::new(&cands);
    let mut uf = corroborate_model::UnionFind::new(keys.keys.len());
    let mut person_nodes = person_nodes(&cands, &keys);
    join_parenthetical_definitions(docs, &cands, &keys.node, &mut uf);
    join_initials(&keys.surfaces, &mut uf);
    join_generic_suffixes(&keys, &mut uf);
    let by_family = people_by_family(&keys.keys, &person_nodes);
    join_full_names(&keys.keys, &by_family, &mut uf);
    join_lone_family_names(&cands, &keys, &by_family, &mut uf, &mut person_nodes);
    build(docs, &cands, &keys.node, &keys.keys, &mut uf, &person_nodes)
}

/// The name candidates of every document, in document and reading order: boilerplate and
/// datelines name nobody, and a capitalised first word that also occurs in lower case in
/// the same article is a common word, not a name.
fn candidates(docs: &[Doc]) -> Vec<Candidate> {
    let mut cands = Vec::new();
    // the document's lower-case words, sorted (a search, not a tree: built once per document)
    let mut vocab: Vec<&str> = Vec::new();
    for (d, doc) in docs.iter().enumerate() {
        vocab.clear();
        for s in &doc.sentences {
            for w in &s.words {
                if w.kind == TokenKind::Word && !w.capitalized {
                    vocab.push(w.norm.as_str());
                }
            }
        }
        vocab.sort_unstable();
        vocab.dedup();
        for (si, s) in doc.sentences.iter().enumerate() {
            if s.kind == ParaKind::Boilerplate || s.kind == ParaKind::Dateline {
                continue;
            }
            sentence_candidates(d, doc, si, &vocab, &mut cands);
        }
    }
    cands
}

/// The union-find's nodes: one per distinct folded key, numbered in order of first
/// appearance.
struct KeyNodes<'a> {
    /// The node of each key.
    node_of: BTreeMap<&'a str, usize>,
    /// Each candidate's node, looked up once.
    node: Vec<usize>,
    /// Each node's key.
    keys: Vec<&'a str>,
    /// The surface forms seen of each node.
    surfaces: Vec<BTreeSet<&'a str>>,
}

impl<'a> KeyNodes<'a> {
    /// Numbers the candidates' keys and gathers each key's surface forms.
    fn new(cands: &'a [Candidate]) -> Self {
        let mut node_of: BTreeMap<&str, usize> = BTreeMap::new();
        let node: Vec<usize> = cands
            .iter()
            .map(|c| {
                let next = node_of.len();
                *node_of.entry(c.key.as_str()).or_insert(next)
            })
            .collect();
        let mut keys = vec![""; node_of.len()];
        for (k, &i) in &node_of {
            keys[i] = k;
        }
        let mut surfaces: Vec<BTreeSet<&str>> = vec![BTreeSet::new(); keys.len()];
        for (c, &n) in cands.iter().zip(&node) {
            surfaces[n].insert(c.surface.as_str());
        }
        KeyNodes {
            node_of,
            node,
            keys,
            surfaces,
        }
    }
}

/// Which nodes are people: those a candidate hints is a person, and multi-part names
/// without organisation or place words that have a name particle or two names.
fn person_nodes(cands: &[Candidate], keys: &KeyNodes) -> BTreeSet<usize> {
    let mut person_nodes = BTreeSet::new();
    for (c, &n) in cands.iter().zip(&keys.node) {
        if c.person_hint {
            person_nodes.insert(n);
        }
    }
    for (n, key) in keys.keys.iter().enumerate() {
        let parts: Vec<&str> = key.split(' ').collect();
        let surfaces = &keys.surfaces[n];
        let surface = surfaces.iter().next().copied().unwrap_or("");
        let geographic = parts
            .iter()
            .any(|p| lexicon::is_place(p) || lexicon::demonym(p).is_some());
        if (2..=4).contains(&parts.len())
            && !geographic
            && kind_hint(key, surface).is_none()
            && surfaces.iter().all(|s| !is_all_caps(s))
        {
            let has_particle =
                surface.split([' ', '-']).any(fold::is_particle) || surface.starts_with("Abu ");
            let two_names = parts.len() >= 2 && surface.split_whitespace().count() >= 2;
            if has_particle || two_names {
                person_nodes.insert(n);
            }
        }
    }
    person_nodes
}

/// Joins a name and the acronym it defines in parentheses next to it: NAME (ACR) or
/// ACR (NAME), when [`defines`] says the letters fit.
fn join_parenthetical_definitions(
    docs: &[Doc],
    cands: &[Candidate],
    node: &[usize],
    uf: &mut corroborate_model::UnionFind,
) {
    for (ci, c) in cands.iter().enumerate() {
        let Some(next) = cands.get(ci + 1) else {
            continue;
        };
        if next.doc != c.doc || next.sentence != c.sentence {
            continue;
        }
        let words = &docs[c.doc].sentences[c.sentence].words;
        let between: Vec<&str> = words[c.w_end..next.w_start]
            .iter()
            .map(|w| w.norm.as_str())
            .collect();
        let opens = between.contains(&"(") && between.iter().all(|w| *w == "(" || is_quote(w));
        let closes = words.get(next.w_end..).is_some_and(|rest| {
            rest.iter()
                .take(3)
                .take_while(|w| is_quote(&w.norm) || w.norm == ")")
                .any(|w| w.norm == ")")
        });
        if opens && closes && defines(&c.surface, &next.surface) {
            uf.union(node[ci], node[ci + 1]);
        }
    }
}

/// Joins an acronym to the one multi-word name whose initials it is (none when several
/// names share them).
fn join_initials(surfaces: &[BTreeSet<&str>], uf: &mut corroborate_model::UnionFind) {
    let mut by_initials: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (n, set) in surfaces.iter().enumerate() {
        if let Some(s) = set.iter().find(|s| s.contains(' ')) {
            let ini = fold::initials(s);
            if ini.len() >= 2 {
                by_initials.entry(ini).or_default().push(n);
            }
        }
    }
    for (n, set) in surfaces.iter().enumerate() {
        for s in set {
            let bare: String = s.chars().filter(|c| *c != '.').collect();
            if is_all_caps(&bare) && !bare.contains(' ') {
                if let Some(owners) = by_initials.get(&bare) {
                    if owners.len() == 1 {
                        uf.union(n, owners[0]);
                    }
                }
            }
        }
    }
}

/// Joins a name with a generic suffix to the name without it: "Al-Ikhbariah TV" is
/// "Al-Ikhbariah".
fn join_generic_suffixes(keys: &KeyNodes, uf: &mut corroborate_model::UnionFind) {
    for (n, key) in keys.keys.iter().enumerate() {
        for suffix in [
            " tv",
            " television",
            " news",
            " news agency",
            " agency",
            " newspaper",
        ] {
            if let Some(base) = key.strip_suffix(suffix) {
                if let Some(&m) = keys.node_of.get(base) {
                    uf.union(n, m);
                }
            }
        }
    }
}

/// The people with a full name (two parts or more), by family name (the last part).
fn people_by_family(keys: &[&str], person_nodes: &BTreeSet<usize>) -> BTreeMap<String, Vec<usize>> {
    let mut by_family: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for &n in person_nodes {
        let parts: Vec<&str> = keys[n].split(' ').collect();
        if parts.len() >= 2 {
            by_family
                .entry(parts[parts.len() - 1].to_string())
                .or_default()
                .push(n);
        }
    }
    by_family
}

/// Joins full names of one family name whose given names agree in consonants, as far as
/// the shorter name has them.
fn join_full_names(
    keys: &[&str],
    by_family: &BTreeMap<String, Vec<usize>>,
    uf: &mut corroborate_model::UnionFind,
) {
    for nodes in by_family.values() {
        for (i, &a) in nodes.iter().enumerate() {
            for &b in &nodes[i + 1..] {
                let pa: Vec<&str> = keys[a].split(' ').collect();
                let pb: Vec<&str> = keys[b].split(' ').collect();
                // every given name the shorter one has agrees, in order: "Saja al-Dulaimi"
                // is "Saja Abdul Hamid al-Dulaimi", but "Abu Hussain al-Britani" is not
                // "Abu Abdullah al-Britani"
                let (ga, gb) = (&pa[..pa.len() - 1], &pb[..pb.len() - 1]);
                if ga
                    .iter()
                    .zip(gb)
                    .all(|(x, y)| fold::skeleton(x) == fold::skeleton(y))
                {
                    uf.union(a, b);
                }
            }
        }
    }
}

/// Joins a lone family name (never an acronym) to the one person who has it, or failing
/// that to the one who has it in the same articles; the name becomes a person.
fn join_lone_family_names(
    cands: &[Candidate],
    keys: &KeyNodes,
    by_family: &BTreeMap<String, Vec<usize>>,
    uf: &mut corroborate_model::UnionFind,
    person_nodes: &mut BTreeSet<usize>,
) {
    let mut docs_of_node: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); keys.keys.len()];
    for (c, &n) in cands.iter().zip(&keys.node) {
        docs_of_node[n].insert(c.doc);
    }
    for (n, key) in keys.keys.iter().enumerate() {
        // "U.N." folds to the key of Kim Jong Un's "Un": an acronym is nobody's family name
        if key.contains(' ') || keys.surfaces[n].iter().any(|s| is_all_caps(s)) {
            continue;
        }
        let Some(owners) = by_family.get(*key) else {
            continue;
        };
        let roots: BTreeSet<usize> = owners.iter().map(|&o| uf.find(o)).collect();
        let chosen = if roots.len() == 1 {
            roots.into_iter().next()
        } else {
            let local: BTreeSet<usize> = owners
                .iter()
                .filter(|&&o| !docs_of_node[o].is_disjoint(&docs_of_node[n]))
                .map(|&o| uf.find(o))
                .collect();
            (local.len() == 1)
                .then(|| local.into_iter().next())
                .flatten()
        };
        if let Some(r) = chosen {
            uf.union(n, r);
            person_nodes.insert(n);
        }
    }
}

fn build(
    docs: &[Doc],
    cands: &[Candidate],
    node: &[usize],
    keys: &[&str],
    uf: &mut corroborate_model::UnionFind,
    person_nodes: &BTreeSet<usize>,
) -> EntityIndex {
    #[derive(Default)]
    struct Acc<'a> {
        forms: BTreeMap<&'a str, usize>,
        articles: BTreeSet<usize>,
        mentions: usize,
        person: usize,
        kinds: BTreeMap<EntityKind, usize>,
        all_initial: bool,
        extra_aliases: BTreeSet<String>,
    }
    let mut groups: BTreeMap<usize, Acc> = BTreeMap::new();
    for (c, &node) in cands.iter().zip(node) {
        let root = uf.find(node);
        let acc = groups.entry(root).or_insert_with(|| Acc {
            all_initial: true,
            ..Acc::default()
        });
        *acc.forms.entry(c.surface.as_str()).or_default() += 1;
        acc.articles.insert(c.doc);
        acc.mentions += 1;
        acc.all_initial &= c.sentence_initial;
        if c.person_hint || person_nodes.contains(&node) {
            acc.person += 1;
        }
        if let Some(k) = kind_hint(&c.key, &c.surface) {
            *acc.kinds.entry(k).or_default() += 1;
        } else if c.org_hint {
            *acc.kinds.entry(EntityKind::Organization).or_default() += 1;
        }
        // the family-name part of a full name is a spelling seen too ("al Sharaa")
        let organisation = c
            .surface
            .split([' ', '-'])
            .any(|w| lexicon::is_org_word(&w.to_lowercase()));
        if person_nodes.contains(&node) && c.surface.contains(' ') && !organisation {
            let parts: Vec<&str> = c.surface.split(' ').collect();
            let mut from = parts.len() - 1;
            while from > 1 && fold::is_particle(parts[from - 1]) {
                from -= 1;
            }
            acc.extra_aliases.insert(parts[from..].join(" "));
        }
    }
    let mut root_to_entity = HashMap::new();
    let mut entities = Vec::new();
    for (root, acc) in &groups {
        let org_or_place = acc
            .kinds
            .iter()
            .max_by_key(|(k, n)| (**n, std::cmp::Reverse(**k)))
            .map(|(k, _)| *k);
        let kind = if acc.person * 2 > acc.mentions || (acc.person > 0 && org_or_place.is_none()) {
            EntityKind::Person
        } else {
            org_or_place.unwrap_or(EntityKind::Other)
        };
        if kind == EntityKind::Other && acc.all_initial {
            continue; // a capitalised first word seen nowhere else: too weak to call a name
        }
        let name = acc
            .forms
            .iter()
            .max_by(|a, b| {
                let score =
                    |(s, n): (&&str, &usize)| (s.contains(' ') && !is_all_caps(s), *n, s.len());
                score((a.0, a.1))
                    .cmp(&score((b.0, b.1)))
                    .then_with(|| b.0.cmp(a.0))
            })
            .map(|(s, _)| s.to_string())
            .unwrap_or_default();
        let mut aliases: BTreeSet<String> = acc.forms.keys().map(|s| s.to_string()).collect();
        aliases.extend(acc.extra_aliases.iter().cloned());
        let id = stable_id("e-", &[&fold::name_key(&name), keys[*root]]);
        root_to_entity.insert(*root, entities.len());
        entities.push(Entity {
            id,
            name,
            kind,
            aliases: aliases.into_iter().collect(),
            articles: acc
                .articles
                .iter()
                .map(|&d| docs[d].article.id.clone())
                .collect(),
            mentions: acc.mentions,
        });
    }
    // dossier order: most mentioned first, then by name
    let mut order: Vec<usize> = (0..entities.len()).collect();
    order.sort_by(|&a, &b| {
        entities[b]
            .mentions
            .cmp(&entities[a].mentions)
            .then_with(|| entities[a].name.cmp(&entities[b].name))
            .then_with(|| entities[a].id.cmp(&entities[b].id))
    });
    let mut new_pos = vec![0; entities.len()];
    for (pos, &old) in order.iter().enumerate() {
        new_pos[old] = pos;
    }
    let sorted: Vec<Entity> = order.iter().map(|&i| entities[i].clone()).collect();
    let mut mentions = vec![Vec::new(); docs.len()];
    for (c, &node) in cands.iter().zip(node) {
        let root = uf.find(node);
        if let Some(&e) = root_to_entity.get(&root) {
            mentions[c.doc].push(Mention {
                sentence: c.sentence,
                start: c.start,
                end: c.end,
                entity: new_pos[e],
            });
        }
    }
    EntityIndex {
        entities: sorted,
        mentions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::analyze;
    use corroborate_model::Article;

    fn resolve_texts(texts: &[&str]) -> EntityIndex {
        let docs: Vec<Doc> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| analyze(Article::new(format!("d{i}"), "s", *t)))
            .collect();
        resolve(&docs)
    }

    fn entity_with<'a>(idx: &'a EntityIndex, alias: &str) -> &'a Entity {
        idx.entities
            .iter()
            .find(|e| e.aliases.iter().any(|a| a == alias))
            .unwrap_or_else(|| panic!("no entity has {alias}: {:#?}", idx.entities))
    }

    #[test]
    fn folds_transliterations_titles_and_family_names() {
        let idx = resolve_texts(&[
            "Officials said President Ahmad al-Shara was targeted. They said al-Shara was safe.",
            "Syria prevented attempts on President Ahmed al Sharaa, officials said. President Sharaa survived.",
            "US President Donald Trump met Syrian President Ahmed ash-Sharaa. Trump praised ash-Sharaa.",
            "He overthrew President Bashar al-Assad in 2024. Assad fled.",
        ]);
        let sharaa = entity_with(&idx, "al-Shara");
        for alias in ["al Sharaa", "ash-Sharaa", "Sharaa", "Ahmed al Sharaa"] {
            assert!(
                sharaa.aliases.iter().any(|a| a == alias),
                "{alias} missing from {sharaa:?}"
            );
        }
        assert_eq!(sharaa.kind, EntityKind::Person);
        assert_eq!(
            entity_with(&idx, "Trump").id,
            entity_with(&idx, "Donald Trump").id
        );
        assert_eq!(
            entity_with(&idx, "Assad").id,
            entity_with(&idx, "Bashar al-Assad").id
        );
        assert_ne!(entity_with(&idx, "Assad").id, sharaa.id);
        assert!(!sharaa.aliases.iter().any(|a| a.contains("President")));
    }

    #[test]
    fn acronyms_join_by_definition_or_initials() {
        let idx = resolve_texts(&[
            "The Islamic State (ISIS) claimed two attacks in Raqqa.",
            "Syria joined the coalition against ISIL (ISIS) on Monday.",
            "The coalition fights the armed group \"Islamic State\" (\"IS\"), and \"IS\" cells were raided.",
            "THIS IS A SHOUTED HEADLINE ABOUT NOTHING.",
        ]);
        let is = entity_with(&idx, "ISIS");
        for alias in ["ISIL", "IS", "Islamic State"] {
            assert!(
                is.aliases.iter().any(|a| a == alias),
                "{alias} missing from {is:?}"
            );
        }
        let raqqa = entity_with(&idx, "Raqqa");
        assert_eq!(raqqa.kind, EntityKind::Place);
        assert_ne!(raqqa.id, is.id);
    }

    #[test]
    fn places_fold_particles() {
        let idx = resolve_texts(&[
            "Cells near Deir ez Zor regrouped.",
            "An attack in Mayadin in Deir al-Zor province.",
        ]);
        assert_eq!(
            entity_with(&idx, "Deir ez Zor").id,
            entity_with(&idx, "Deir al-Zor").id
        );
    }

    #[test]
    fn datelines_acronyms_and_kunyas_do_not_chain_different_names() {
        let idx = resolve_texts(&[
            "NEW YORK (CNN) -- Kim Jong Un was seen limping at a meeting.",
            "LONDON (CNN) -- The U.N. said it had no word from Pyongyang.",
            "BEIRUT (AP) -- Abu Hussain al-Britani was killed in a drone strike.",
            "Abu Abdullah al-Britani, a second British fighter, was seen in Raqqa.",
        ]);
        let distinct = |a: &str, b: &str| {
            assert_ne!(
                entity_with(&idx, a).id,
                entity_with(&idx, b).id,
                "{a} and {b}"
            );
        };
        // a dateline's "(CNN)" defines neither city, so the two cities stay apart
        distinct("NEW YORK", "LONDON");
        distinct("NEW YORK", "CNN");
        distinct("BEIRUT", "AP");
        // "U.N." folds like "Un" but an acronym is nobody's family name
        distinct("U.N.", "Kim Jong Un");
        // kunyas agree on "Abu" and the family name, not on the given name
        distinct("Abu Hussain al-Britani", "Abu Abdullah al-Britani");
        let idx = resolve_texts(&[
            "Smith told reporters that “I’m not going anywhere” and that I've heard nothing.",
            "Jones said: “Honestly, I’m done.” Then I’m told she left.",
            "“He’ll be back,” Jones said of Smith, “and We’ll see.”",
        ]);
        assert!(
            idx.entities
                .iter()
                .all(|e| !e.name.starts_with('I') && !e.name.contains('’')),
            "{:?}",
            idx.entities
        );
    }
}
