//! Tokens with byte spans. Words keep internal hyphens and apostrophes (`al-Sharaa`,
//! `six-month`, `Syria’s`), dotted initialisms stay whole (`U.S.`), numbers keep their
//! separators and ordinal suffixes (`1,200`, `90th`).

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    Word,
    Number,
    Punct,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub kind: TokenKind,
}

impl Token {
    pub fn text<'a>(&self, s: &'a str) -> &'a str {
        &s[self.start..self.end]
    }
}

/// A character of a script written without spaces between words (Chinese characters,
/// Japanese kana). Each is a word token of its own: a run of them up to the next
/// punctuation is a whole clause, not a word, and as one token it would match nothing.
pub fn is_unspaced(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF // hiragana, katakana
        | 0x3400..=0x4DBF // CJK unified ideographs, extension A
        | 0x4E00..=0x9FFF // CJK unified ideographs
        | 0xF900..=0xFAFF // CJK compatibility ideographs
        | 0x20000..=0x3134F) // CJK extensions B to G
}

/// Terms of a script written without spaces (Chinese characters, kana; a word token each,
/// see [`is_unspaced`]): every two adjacent characters make one term, as overlapping
/// bigrams stand for words where no word list splits the text. One character alone says
/// too little: the common ones are in every article, so stories of them swallow each
/// other and sentences of them look copied. Fed every token of a text in order.
#[derive(Default)]
pub struct UnspacedPairs {
    /// Start and end of the previous token when it was an unspaced character.
    previous: Option<(usize, usize)>,
}

impl UnspacedPairs {
    /// For the token `text[start..end]`: `None` when it is not an unspaced character;
    /// `Some(pair)` when it is, with the bigram it closes with the character just before.
    pub fn next<'t>(&mut self, text: &'t str, start: usize, end: usize) -> Option<Option<&'t str>> {
        let unspaced = text[start..end].chars().next().is_some_and(is_unspaced);
        let previous = std::mem::replace(&mut self.previous, unspaced.then_some((start, end)));
        if !unspaced {
            return None;
        }
        Some(previous.and_then(|(s, e)| (e == start).then(|| &text[s..end])))
    }
}

fn is_joiner(c: char) -> bool {
    matches!(c, '-' | '\'' | '’' | '‐' | '‑')
}

/// Tokens of `text[from..to]`, spans relative to `text`. Whitespace is skipped; every other
/// character belongs to exactly one token.
pub fn tokenize_range(text: &str, from: usize, to: usize, out: &mut Vec<Token>) {
    let s = &text[from..to];
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let n = chars.len();
    let at = |i: usize| if i < n { Some(chars[i].1) } else { None };
    let pos = |i: usize| if i < n { chars[i].0 } else { s.len() };
    let mut i = 0;
    while i < n {
        let c = chars[i].1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let kind;
        if c.is_ascii_digit() {
            kind = TokenKind::Number;
            i += 1;
            while let Some(d) = at(i) {
                if d.is_ascii_digit() {
                    i += 1;
                } else if (d == ',' || d == '.') && at(i + 1).is_some_and(|e| e.is_ascii_digit()) {
                    i += 2;
                } else {
                    break;
                }
            }
            // ordinal and scale suffixes: 90th, 1990s, 5m, 3bn
            let mut j = i;
            while at(j).is_some_and(|d| d.is_ascii_alphabetic()) && j - i < 3 {
                j += 1;
            }
            if j > i && !at(j).is_some_and(|d| d.is_alphanumeric()) {
                i = j;
            }
        } else if is_unspaced(c) {
            kind = TokenKind::Word;
            i += 1;
        } else if c.is_alphabetic() {
            kind = TokenKind::Word;
            // dotted initialism: U.S. / U.K. / e.g.
            let mut j = i;
            let mut dotted = 0;
            while at(j).is_some_and(|d| d.is_alphabetic()) && at(j + 1) == Some('.') {
                j += 2;
                dotted += 1;
                if !at(j).is_some_and(|d| d.is_alphabetic())
                    || at(j + 1).is_some_and(|d| d.is_alphabetic())
                {
                    break;
                }
            }
            if dotted >= 2 {
                i = j;
            } else {
                i += 1;
                while let Some(d) = at(i) {
                    if is_unspaced(d) {
                        break;
                    } else if d.is_alphanumeric() {
                        i += 1;
                    } else if is_joiner(d)
                        && at(i + 1).is_some_and(|e| e.is_alphanumeric() && !is_unspaced(e))
                    {
                        i += 2;
                    } else {
                        break;
                    }
                }
            }
        } else {
            kind = TokenKind::Punct;
            i += 1;
        }
        out.push(Token {
            start: from + pos(start),
            end: from + pos(i),
            kind,
        });
    }
}

pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    tokenize_range(text, 0, text.len(), &mut out);
    out
}

/// Lower-cased, ASCII-folded form of a word, with a trailing possessive removed.
pub fn normalize_word(word: &str) -> String {
    let mut w = if word.is_ascii() {
        word.to_ascii_lowercase()
    } else {
        deunicode::deunicode(word).to_lowercase()
    };
    if w.ends_with("'s") {
        w.truncate(w.len() - 2);
    }
    w
}

/// True when the word starts with an upper-case letter (after an Arabic article prefix such
/// as `al-` or `ash-`, so `al-Sharaa` counts as capitalised).
pub fn is_capitalized(word: &str) -> bool {
    let rest = crate::fold::strip_article_prefix(word);
    rest.chars().next().is_some_and(|c| c.is_uppercase())
}

/// True when every letter is upper case and there are at least two letters.
pub fn is_all_caps(word: &str) -> bool {
    let mut letters = 0;
    for c in word.chars() {
        if c.is_alphabetic() {
            if !c.is_uppercase() {
                return false;
            }
            letters += 1;
        }
    }
    letters >= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<&str> {
        tokenize(s).iter().map(|t| t.text(s)).collect()
    }

    #[test]
    fn unspaced_scripts_are_a_word_a_character() {
        let text = "美国人GasBuddy的预测";
        let words: Vec<&str> = tokenize(text).iter().map(|t| t.text(text)).collect();
        assert_eq!(words, ["美", "国", "人", "GasBuddy", "的", "预", "测"]);
    }

    #[test]
    fn keeps_names_numbers_and_initialisms_whole() {
        assert_eq!(
            words("President al-Sharaa’s U.S. trip: 1,200 troops, 90th, six-month."),
            vec![
                "President",
                "al-Sharaa’s",
                "U.S.",
                "trip",
                ":",
                "1,200",
                "troops",
                ",",
                "90th",
                ",",
                "six-month",
                "."
            ]
        );
        assert_eq!(words("43-year-old"), vec!["43", "-", "year-old"]);
        assert_eq!(words("“IS” cells"), vec!["“", "IS", "”", "cells"]);
    }

    #[test]
    fn normalizes() {
        assert_eq!(normalize_word("Sharaa’s"), "sharaa");
        assert!(is_capitalized("ash-Sharaa"));
        assert!(!is_capitalized("assets"));
        assert!(is_all_caps("ISIL"));
        assert!(!is_all_caps("I"));
    }

    proptest::proptest! {
        #[test]
        fn spans_are_char_boundaries_in_order(s in "\\PC{0,80}") {
            let toks = tokenize(&s);
            let mut last = 0;
            for t in toks {
                proptest::prop_assert!(t.start >= last && t.end > t.start);
                proptest::prop_assert!(s.get(t.start..t.end).is_some());
                last = t.end;
            }
        }
    }
}
