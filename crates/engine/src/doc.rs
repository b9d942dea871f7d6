//! Per-article analysis shared by every stage: sentences with their kind, words with
//! their comparison terms, the publication date, and what the article says about its own
//! provenance ("Al Jazeera reports, writes UNN").

use compact_str::CompactString;
use corroborate_model::Article;
use corroborate_text::dates::{parse_iso, DateValue};
use corroborate_text::token::{
    is_all_caps, is_capitalized, normalize_word, tokenize_range, Token, TokenKind, UnspacedPairs,
};
use corroborate_text::{fold, lexicon, provenance, segment, ParaKind};

/// One word or number of a sentence.
#[derive(Clone, Debug)]
pub struct Word {
    pub start: usize,
    pub end: usize,
    pub kind: TokenKind,
    /// Lower-case ASCII form, possessive removed. Words are most of what an analysed corpus
    /// holds, so both strings are stored inline when short (up to 24 bytes), not on the heap.
    pub norm: CompactString,
    /// The comparison term: a paraphrase class or stem for common words, the folded name
    /// key for capitalised ones; empty for function words and punctuation.
    pub term: CompactString,
    pub capitalized: bool,
}

#[derive(Clone, Debug)]
pub struct SentenceInfo {
    pub start: usize,
    pub end: usize,
    pub para: u32,
    pub kind: ParaKind,
    pub words: Vec<Word>,
}

impl SentenceInfo {
    pub fn is_prose(&self) -> bool {
        self.kind == ParaKind::Prose
    }
    /// Distinct non-empty terms.
    pub fn terms(&self) -> Vec<&str> {
        let mut t: Vec<&str> = self
            .words
            .iter()
            .filter(|w| !w.term.is_empty())
            .map(|w| w.term.as_str())
            .collect();
        t.sort_unstable();
        t.dedup();
        t
    }
}

/// An article with the analysis every stage reads.
#[derive(Clone, Debug)]
pub struct Doc {
    pub article: Article,
    pub published: Option<DateValue>,
    pub sentences: Vec<SentenceInfo>,
    /// Outlet this article says it took its content from ("Al Jazeera reports, writes UNN").
    pub credited_source: Option<String>,
    /// The news agency whose own report this is, as its byline or dateline says ("By Chris
    /// Court, PA News", "LONDON (Reuters) -").
    pub agency: Option<&'static str>,
}

impl Doc {
    pub fn text(&self) -> &str {
        &self.article.text
    }
    pub fn prose(&self) -> impl Iterator<Item = (usize, &SentenceInfo)> {
        self.sentences
            .iter()
            .enumerate()
            .filter(|(_, s)| s.is_prose())
    }
}

fn word_term(
    raw: &str,
    norm: &str,
    capitalized: bool,
    sentence_initial: bool,
    language: Option<&str>,
) -> String {
    if norm.is_empty() || lexicon::is_stopword(norm) || lexicon::is_reporting(norm) {
        return String::new();
    }
    // A capitalised first word is as likely a common word as a name; fold it as a name only
    // when its form says so (all caps, or an article prefix such as `Al-`).
    let name_form = !sentence_initial || is_all_caps(raw) || fold::strip_article_prefix(raw) != raw;
    if capitalized && name_form {
        if lexicon::demonym(norm).is_some() || lexicon::is_month(norm) || lexicon::is_weekday(norm)
        {
            return norm.to_string();
        }
        let key = fold::name_key(raw);
        if !key.is_empty() {
            return key;
        }
    }
    if norm
        .chars()
        .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
    {
        return norm.replace(',', "");
    }
    // another language's words stem by its own rules; the paraphrase classes are English
    language
        .and_then(|l| lexicon::term_in(l, raw))
        .unwrap_or_else(|| lexicon::term(norm))
}

/// Analyses one article. Pure; runs in parallel across articles.
pub fn analyze(article: Article) -> Doc {
    let text = &article.text;
    let language = article
        .language
        .as_deref()
        .map(str::to_ascii_lowercase)
        .filter(|l| l != "en");
    let mut sentences = Vec::new();
    let mut toks: Vec<Token> = Vec::new();
    for s in segment(text) {
        toks.clear();
        tokenize_range(text, s.start, s.end, &mut toks);
        let mut words = Vec::with_capacity(toks.len());
        let mut first_word = true;
        let mut pairs = UnspacedPairs::default();
        for t in &toks {
            let raw = t.text(text);
            let pair = pairs.next(text, t.start, t.end);
            if t.kind == TokenKind::Punct {
                words.push(Word {
                    start: t.start,
                    end: t.end,
                    kind: t.kind,
                    norm: raw.into(),
                    term: CompactString::default(),
                    capitalized: false,
                });
                continue;
            }
            let norm = normalize_word(raw);
            let capitalized = t.kind == TokenKind::Word && is_capitalized(raw);
            let term = match pair {
                // text without spaces: each character with the one before it
                Some(pair) => pair.map(str::to_string).unwrap_or_default(),
                None => word_term(raw, &norm, capitalized, first_word, language.as_deref()),
            };
            first_word = false;
            words.push(Word {
                start: t.start,
                end: t.end,
                kind: t.kind,
                norm: norm.into(),
                term: term.into(),
                capitalized,
            });
        }
        sentences.push(SentenceInfo {
            start: s.start,
            end: s.end,
            para: s.para,
            kind: s.kind,
            words,
        });
    }
    let published = article.published.as_deref().and_then(parse_iso);
    let mut doc = Doc {
        article,
        published,
        sentences,
        credited_source: None,
        agency: None,
    };
    infer_provenance(&mut doc);
    doc
}

/// Reads self-attribution at the end of the lead sentence: "…, Al Jazeera reports, writes
/// UNN." gives outlet UNN (when none was given) and credited source Al Jazeera.
fn infer_provenance(doc: &mut Doc) {
    doc.agency = provenance::agency_byline(&doc.article.text);
    let Some(lead) = doc.sentences.iter().find(|s| s.is_prose()) else {
        return;
    };
    let sentence = &doc.article.text[lead.start..lead.end];
    let Some(credit) = provenance::lead_credit(sentence) else {
        return;
    };
    let name = |span: Option<(usize, usize)>| span.map(|(a, b)| sentence[a..b].to_string());
    if doc.article.outlet.is_none() {
        doc.article.outlet = name(credit.outlet);
    }
    doc.credited_source = name(credit.credited);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Text without spaces: each character's term is the pair it closes with the one
    /// before (single characters are in every article and would match everything); a word
    /// in another script between them breaks the run.
    #[test]
    fn chinese_characters_take_pairs_as_terms() {
        let d = analyze(Article::new("a", "s", "上海暴雨。Reuters报道洪水。"));
        let terms: Vec<Vec<&str>> = d
            .sentences
            .iter()
            .map(|s| s.words.iter().map(|w| w.term.as_str()).collect())
            .collect();
        assert_eq!(
            terms,
            [
                vec!["", "上海", "海暴", "暴雨", ""],
                vec!["reuter", "", "报道", "道洪", "洪水", ""]
            ]
        );
    }

    #[test]
    fn reads_self_attribution() {
        let d = analyze(Article::new(
            "a",
            "s",
            "Syria has joined the coalition, Al Jazeera reports, writes UNN.\n\nMore text here.",
        ));
        assert_eq!(d.article.outlet.as_deref(), Some("UNN"));
        assert_eq!(d.credited_source.as_deref(), Some("Al Jazeera"));
        let d = analyze(Article::new(
            "a",
            "s",
            "Syria has joined the coalition, officials said.",
        ));
        assert_eq!(d.article.outlet, None);
    }

    #[test]
    fn names_fold_and_words_stem() {
        let d = analyze(Article::new(
            "a",
            "s",
            "Ahmed ash-Sharaa thwarted plots. Al-Sharaa foiled attempts.",
        ));
        let t0 = d.sentences[0].terms();
        let t1 = d.sentences[1].terms();
        assert!(t0.contains(&"shara") && t1.contains(&"shara"));
        assert!(t0.contains(&"foil") && t1.contains(&"foil"));
        assert!(t0.contains(&"plot") && t1.contains(&"plot"));
    }
}
