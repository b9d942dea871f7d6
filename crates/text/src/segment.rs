//! Paragraphs and sentences with byte spans, and what kind of line each paragraph is.
//!
//! A paragraph is one non-empty line. Lines that are site furniture ("Read more",
//! "Advertisement", `data/boilerplate.txt`), datelines ("Published on …") and
//! headline-like lines without sentence punctuation (related-story links, sub-heads) are
//! kept with their kind so later stages can skip them; only [`ParaKind::Prose`] is split
//! into sentences and may carry claims.

use crate::lexicon;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParaKind {
    /// The article's own sentences.
    Prose,
    /// A short line without sentence punctuation: a headline, sub-head or related link.
    Headline,
    /// "Published on …", "Updated …".
    Dateline,
    /// Site furniture.
    Boilerplate,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
    /// Index of the paragraph (line) it belongs to.
    pub para: u32,
    pub kind: ParaKind,
}

impl Sentence {
    pub fn text<'a>(&self, s: &'a str) -> &'a str {
        &s[self.start..self.end]
    }
}

/// Words of `s`: its whitespace-separated words, with a script written without spaces
/// counted at two characters a word (a Chinese word averages about that).
fn word_count(s: &str) -> usize {
    let unspaced = s.chars().filter(|&c| crate::token::is_unspaced(c)).count();
    if unspaced == 0 {
        return s.split_whitespace().count();
    }
    let spaced = s
        .split(|c: char| c.is_whitespace() || crate::token::is_unspaced(c))
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count();
    spaced + unspaced.div_ceil(2)
}

/// Sentence-final punctuation of scripts written without spaces (full-width forms), which
/// ends a sentence with no space after it.
fn is_full_stop(c: char) -> bool {
    matches!(c, '。' | '！' | '？')
}

fn ends_like_prose(line: &str) -> bool {
    line.chars().last().is_some_and(|c| {
        matches!(
            c,
            '.' | '!'
                | '?'
                | '…'
                | '"'
                | '”'
                | '’'
                | '\''
                | ')'
                | ']'
                | ':'
                | ';'
                | '。'
                | '！'
                | '？'
                | '」'
                | '』'
                | '）'
                | '：'
                | '；'
        )
    })
}

/// Whether `line` is site furniture (`data/boilerplate.txt`): the whole line is a furniture
/// line, or a line under 30 words opens like one. Compared lower case, trailing `:`, `.`,
/// `»`, `›`, `>` cut.
pub fn is_furniture(line: &str) -> bool {
    let line = line.trim();
    // Too long for a furniture line (lower-casing shrinks a text to a third at most) and
    // over 30 words even with trailing punctuation cut: neither rule can match, and
    // lower-casing a paragraph would be the costliest step here.
    if line.len() > 3 * lexicon::longest_boilerplate_line()
        && line.split_whitespace().nth(30).is_some()
    {
        return false;
    }
    let lower = line.to_lowercase();
    let bare = lower.trim_end_matches([':', '.', '»', '›', '>']).trim();
    lexicon::is_boilerplate_line(bare)
        || (word_count(bare) < 30
            && lexicon::boilerplate_openings()
                .iter()
                .any(|p| bare.starts_with(p)))
}

/// What kind of line `line` (already trimmed) is.
pub fn classify_line(line: &str) -> ParaKind {
    let lower = line.to_lowercase();
    let bare = lower.trim_end_matches([':', '.', '»', '›', '>']).trim();
    if is_furniture(line) {
        return ParaKind::Boilerplate;
    }
    if [
        "published",
        "updated",
        "posted",
        "last updated",
        "first published",
    ]
    .iter()
    .any(|p| bare.starts_with(p))
        && word_count(bare) <= 14
        && crate::dates::parse_written(line).is_some()
    {
        return ParaKind::Dateline;
    }
    if !ends_like_prose(line) && word_count(line) <= 30 {
        return ParaKind::Headline;
    }
    ParaKind::Prose
}

fn is_closing(c: char) -> bool {
    matches!(
        c,
        '"' | '”' | '’' | '\'' | ')' | ']' | '»' | '」' | '』' | '）'
    )
}

fn starts_sentence(c: char) -> bool {
    c.is_uppercase() || c.is_ascii_digit() || matches!(c, '"' | '“' | '‘' | '\'' | '(' | '«' | '[')
}

/// Sentence boundaries inside `text[from..to]` (one prose paragraph).
fn split_sentences(text: &str, from: usize, to: usize, para: u32, out: &mut Vec<Sentence>) {
    let s = &text[from..to];
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut begin = 0usize; // byte offset in s
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        if is_full_stop(c) {
            let mut j = i + 1;
            while j < chars.len() && (is_closing(chars[j].1) || is_full_stop(chars[j].1)) {
                j += 1;
            }
            let end = chars.get(j).map_or(s.len(), |&(p, _)| p);
            while j < chars.len() && chars[j].1.is_whitespace() {
                j += 1;
            }
            if j < chars.len() {
                push_trimmed(text, from + begin, from + end, para, ParaKind::Prose, out);
                begin = chars[j].0;
                i = j;
                continue;
            }
        }
        if matches!(c, '.' | '!' | '?' | '…') {
            let mut j = i + 1;
            while j < chars.len()
                && (is_closing(chars[j].1) || matches!(chars[j].1, '.' | '!' | '?'))
            {
                j += 1;
            }
            let gap_start = j;
            while j < chars.len() && chars[j].1.is_whitespace() {
                j += 1;
            }
            let boundary = j > gap_start
                && j < chars.len()
                && starts_sentence(chars[j].1)
                && !(c == '.' && is_abbreviation_before(s, pos));
            if boundary {
                let end = if gap_start < chars.len() {
                    chars[gap_start].0
                } else {
                    s.len()
                };
                push_trimmed(text, from + begin, from + end, para, ParaKind::Prose, out);
                begin = chars[j].0;
                i = j;
                continue;
            }
        }
        i += 1;
    }
    push_trimmed(text, from + begin, to, para, ParaKind::Prose, out);
}

fn is_abbreviation_before(s: &str, dot: usize) -> bool {
    let head = &s[..dot];
    let word_start = head
        .rfind(|c: char| c.is_whitespace() || c == '(' || c == '"' || c == '“')
        .map_or(0, |p| {
            p + head[p..].chars().next().map_or(1, char::len_utf8)
        });
    let word = &head[word_start..];
    if word.is_empty() {
        return false;
    }
    let lower = word.to_lowercase();
    // single initials (J. Smith) and dotted forms (U.S.)
    (word.chars().count() == 1 && word.chars().all(char::is_uppercase))
        || lexicon::is_abbreviation(&lower)
        || (lower.contains('.') && lower.len() <= 5)
}

fn push_trimmed(
    text: &str,
    start: usize,
    end: usize,
    para: u32,
    kind: ParaKind,
    out: &mut Vec<Sentence>,
) {
    let piece = &text[start..end];
    let lead = piece.len() - piece.trim_start().len();
    let trail = piece.len() - piece.trim_end().len();
    if lead + trail < piece.len() {
        out.push(Sentence {
            start: start + lead,
            end: end - trail,
            para,
            kind,
        });
    }
}

/// Paragraphs of `text`, prose split into sentences, every span trimmed.
pub fn segment(text: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut offset = 0;
    let mut para = 0u32;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        let lead = line.len() - line.trim_start().len();
        let (s, e) = (start + lead, start + lead + trimmed.len());
        match classify_line(trimmed) {
            ParaKind::Prose => split_sentences(text, s, e, para, &mut out),
            kind => out.push(Sentence {
                start: s,
                end: e,
                para,
                kind,
            }),
        }
        para += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<(&str, ParaKind)> {
        segment(text)
            .iter()
            .map(|s| (s.text(text), s.kind))
            .collect()
    }

    #[test]
    fn splits_sentences_and_respects_abbreviations() {
        let text = "The U.S. State Department declined. Mr. Smith said “no.” Then he left!\nSecond line here.";
        assert_eq!(
            sentences(text),
            vec![
                ("The U.S. State Department declined.", ParaKind::Prose),
                ("Mr. Smith said “no.”", ParaKind::Prose),
                ("Then he left!", ParaKind::Prose),
                ("Second line here.", ParaKind::Prose),
            ]
        );
    }

    #[test]
    fn splits_chinese_sentences_without_spaces() {
        let text = "根据节油应用的年度预测，美国人可能会平均支付每加仑2.60美元的费用。总体而言，汽油价格自2014年以来一直保持稳定！";
        assert_eq!(
            sentences(text),
            vec![
                (
                    "根据节油应用的年度预测，美国人可能会平均支付每加仑2.60美元的费用。",
                    ParaKind::Prose
                ),
                (
                    "总体而言，汽油价格自2014年以来一直保持稳定！",
                    ParaKind::Prose
                ),
            ]
        );
        // a short line of characters without a full stop is a heading, as in English
        assert_eq!(classify_line("汽油价格可能保持稳定"), ParaKind::Headline);
    }

    #[test]
    fn classifies_furniture() {
        // a site's own widget labels are no list entries: a short line without sentence
        // punctuation is a headline, which carries no claims either
        for widget in ["Recommended stories", "list of 3 itemsend of list"] {
            assert_eq!(classify_line(widget), ParaKind::Headline, "{widget}");
        }
        assert_eq!(classify_line("Details"), ParaKind::Boilerplate);
        assert_eq!(
            classify_line("Read more: the war in numbers"),
            ParaKind::Boilerplate
        );
        assert_eq!(
            classify_line("Published on November 11, 2025"),
            ParaKind::Dateline
        );
        assert_eq!(
            classify_line("US temporarily eases sanctions against Syria for 180 days"),
            ParaKind::Headline
        );
        assert_eq!(
            classify_line("US to establish military presence at Damascus airbase - Reuters"),
            ParaKind::Headline
        );
        assert_eq!(
            classify_line("Syria joined the coalition on Monday."),
            ParaKind::Prose
        );
    }

    proptest::proptest! {
        #[test]
        fn spans_slice_and_are_trimmed(s in "[A-Za-z .!?\n“”\"]{0,120}") {
            for sent in segment(&s) {
                let piece = s.get(sent.start..sent.end);
                proptest::prop_assert!(piece.is_some());
                let piece = piece.unwrap();
                proptest::prop_assert!(!piece.is_empty());
                proptest::prop_assert_eq!(piece.trim(), piece);
            }
        }
    }
}
