//! The English news lexicon: function words, reporting verbs, stance cues, paraphrase
//! classes, titles, demonyms and a small world gazetteer. Generic newswire knowledge only;
//! nothing here is keyed to one corpus.
//!
//! Every list is a data file under `crates/text/data/` whose header says where it comes
//! from and under which licence; the files are compiled in with `include_str!` and parsed
//! once, on first use. Only the calendar words stay in code: their order is their meaning.

use foldhash::{HashMap, HashMapExt, HashSet};
use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};

/// Words that look capitalised at a sentence start but never begin a name.
pub const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
];
pub const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// The entries of a data file: its lines that are neither blank nor `#` comments, trimmed.
pub fn entries(file: &'static str) -> impl Iterator<Item = &'static str> {
    file.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// A `key = value` entry split at its first `=`, both sides trimmed.
fn pair(entry: &'static str) -> (&'static str, &'static str) {
    let (k, v) = entry.split_once('=').unwrap_or((entry, ""));
    (k.trim(), v.trim())
}

const STOPWORDS_NEWS: &str = include_str!("../data/stopwords-news.txt");
const CUES: &str = include_str!("../data/cues.txt");
const CONCEPTS: &str = include_str!("../data/concepts.txt");
const TITLES: &str = include_str!("../data/titles.txt");
const DEMONYMS: &str = include_str!("../data/demonyms.txt");
const DEMONYMS_EXTRA: &str = include_str!("../data/demonyms-extra.txt");
const COUNTRIES: &str = include_str!("../data/countries.txt");
const REGIONS: &str = include_str!("../data/regions.txt");
const CITIES: &str = include_str!("../data/cities.txt");
const ORG_WORDS: &str = include_str!("../data/org-words.txt");
const ABBREVIATIONS: &str = include_str!("../data/abbreviations.txt");
const BOILERPLATE: &str = include_str!("../data/boilerplate.txt");
const NAME_PARTICLES: &str = include_str!("../data/name-particles.txt");

/// The lists a cue word of `cues.txt` belongs to, as the file names them.
pub const CUE_LISTS: &[&str] = &[
    "reporting",
    "speaker",
    "denial",
    "refuting",
    "hedge",
    "hedging",
    "reader",
    "writer",
];

fn set(files: &[&'static str]) -> HashSet<&'static str> {
    files.iter().flat_map(|f| entries(f)).collect()
}

macro_rules! lookup {
    ($(#[$doc:meta])* $name:ident, $($file:expr),+) => {
        $(#[$doc])*
        pub fn $name(word: &str) -> bool {
            static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
            SET.get_or_init(|| set(&[$($file),+])).contains(word)
        }
    };
}

/// An English function word: the NLTK English stop list (the `stop-words` crate) and the
/// news function words of `stopwords-news.txt`.
pub fn is_stopword(word: &str) -> bool {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        let mut set = set(&[STOPWORDS_NEWS]);
        set.extend(stop_words::get("en").iter().copied());
        set
    })
    .contains(word)
}
/// A function word of the language with ISO 639-1 code `language`, compared in the ASCII
/// lower case of [`crate::token::normalize_word`] ("für" as "fur"): the NLTK stop list of
/// that language from the `stop-words` crate (Arabic, German, Spanish, French, Italian,
/// Russian, Turkish and about twenty more). English, and any language the crate has no list
/// for, fall back to [`is_stopword`].
pub fn is_stopword_in(language: &str, word: &str) -> bool {
    static SETS: OnceLock<HashMap<&'static str, HashSet<String>>> = OnceLock::new();
    let sets = SETS.get_or_init(|| {
        stop_words::available_languages()
            .iter()
            .filter(|&&code| code != "en")
            .filter_map(|&code| {
                let words = stop_words::lookup(code)?;
                let set = words
                    .iter()
                    .map(|w| deunicode::deunicode(&w.to_lowercase()))
                    .collect();
                Some((code, set))
            })
            .collect()
    });
    match sets.get(language) {
        Some(set) => set.contains(word),
        None => is_stopword(word),
    }
}

lookup!(
    /// A title or office that precedes a person's name.
    is_title,
    TITLES
);
/// A country, region or city: an entry of `countries.txt`, `regions.txt` or `cities.txt`
/// as written (lower case) or in ASCII ("Türkiye" is found by "turkiye"). Not by the full
/// name key, which folds doubled letters: "sanaa" (the city) would take "SANA" (the agency).
/// A hit makes a name a place.
pub fn is_place(word: &str) -> bool {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| {
        let mut set = HashSet::default();
        for entry in [COUNTRIES, REGIONS, CITIES].into_iter().flat_map(entries) {
            set.insert(deunicode::deunicode(entry));
            set.insert(entry.to_string());
        }
        set
    })
    .contains(word)
}
lookup!(
    /// A word that makes a multi-word name an organisation.
    is_org_word,
    ORG_WORDS
);
lookup!(
    /// An abbreviation after which a full stop does not end a sentence.
    is_abbreviation,
    ABBREVIATIONS
);
/// A list of whole lines and openings: the whole lines, and the openings (entries ending
/// in "…", without it).
type LinesAndOpenings = (HashSet<&'static str>, Vec<&'static str>);

fn lines_and_openings(file: &'static str) -> LinesAndOpenings {
    let (mut lines, mut openings) = (HashSet::default(), Vec::new());
    for e in entries(file) {
        match e.strip_suffix('…') {
            Some(opening) => openings.push(opening),
            None => {
                lines.insert(e);
            }
        }
    }
    (lines, openings)
}

/// Site furniture of `boilerplate.txt`.
fn boilerplate() -> &'static LinesAndOpenings {
    static LISTS: OnceLock<LinesAndOpenings> = OnceLock::new();
    LISTS.get_or_init(|| lines_and_openings(BOILERPLATE))
}

/// A whole line (lower case, trailing punctuation cut) that is site furniture.
pub fn is_boilerplate_line(bare: &str) -> bool {
    boilerplate().0.contains(bare)
}

const TAIL_HEADINGS: &str = include_str!("../data/tail-headings.txt");

/// Whether `line` is a heading that opens the page's own material after an article
/// (`data/tail-headings.txt`): tags, the author box, related links, a comment form.
pub fn is_tail_heading(line: &str) -> bool {
    static LISTS: OnceLock<LinesAndOpenings> = OnceLock::new();
    let (whole, openings) = LISTS.get_or_init(|| lines_and_openings(TAIL_HEADINGS));
    if line.len() > 80 || line.split_whitespace().nth(6).is_some() {
        return false;
    }
    let lower = line.trim().to_lowercase();
    let bare = lower.trim_end_matches([':', '.']).trim();
    whole.contains(bare) || openings.iter().any(|o| bare.starts_with(o))
}

/// The length in bytes of the longest whole furniture line.
pub fn longest_boilerplate_line() -> usize {
    static LONGEST: OnceLock<usize> = OnceLock::new();
    *LONGEST.get_or_init(|| boilerplate().0.iter().map(|l| l.len()).max().unwrap_or(0))
}

/// The openings of lines that are site furniture ("read more", "sign up for").
pub fn boilerplate_openings() -> &'static [&'static str] {
    &boilerplate().1
}

/// A month name or abbreviation, lower case.
pub fn is_month(word: &str) -> bool {
    MONTHS.contains(&word)
}

/// A weekday name, lower case.
pub fn is_weekday(word: &str) -> bool {
    WEEKDAYS.contains(&word)
}

/// Cue word → bit set of the [`CUE_LISTS`] it belongs to.
fn cues() -> &'static HashMap<&'static str, u8> {
    static MAP: OnceLock<HashMap<&'static str, u8>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut map = HashMap::new();
        for entry in entries(CUES) {
            let mut parts = entry.split_whitespace();
            let word = parts.next().unwrap_or(entry);
            let bits = parts
                .filter_map(|t| CUE_LISTS.iter().position(|l| *l == t))
                .fold(0u8, |b, i| b | 1 << i);
            *map.entry(word).or_insert(0) |= bits;
        }
        map
    })
}

fn cue(word: &str, list: &str) -> bool {
    let bit = CUE_LISTS
        .iter()
        .position(|l| *l == list)
        .map_or(0, |i| 1 << i);
    cues().get(word).is_some_and(|b| b & bit != 0)
}

/// A verb or noun that says who says something, not what happened.
pub fn is_reporting(word: &str) -> bool {
    cue(word, "reporting")
}

/// A word that marks a statement as a denial.
pub fn is_denial(word: &str) -> bool {
    cue(word, "denial")
}

/// A verb whose subject is the source of the sentence ("X said", "X denied").
pub fn is_speaker_verb(word: &str) -> bool {
    cue(word, "speaker")
}

/// A word that says a claim is false: a denial, or a wider word such as "satire" or
/// "doctored".
pub fn is_refuting(word: &str) -> bool {
    is_denial(word) || cue(word, "refuting")
}

/// A word that leaves a claim open: a hedge, or a wider word such as "may" or "unclear".
pub fn is_hedging(word: &str) -> bool {
    is_hedge(word) || cue(word, "hedging")
}

/// A second-person word ("you", "your", "you'll"): the sentence speaks to the reader.
pub fn is_second_person(word: &str) -> bool {
    cue(word, "reader")
}

/// A first-person singular word ("I", "my", "I'm"): the writer speaks of themself.
pub fn is_first_person(word: &str) -> bool {
    cue(word, "writer")
}

/// A word that hedges a statement: the outlet passes it on without vouching for it.
pub fn is_hedge(word: &str) -> bool {
    cue(word, "hedge")
}

/// The particles of `name-particles.txt` with the role `role`.
fn particles(role: &str) -> HashSet<&'static str> {
    entries(NAME_PARTICLES)
        .filter_map(|e| {
            let mut parts = e.split_whitespace();
            let word = parts.next()?;
            parts.any(|r| r == role).then_some(word)
        })
        .collect()
}

/// An article particle that transliterations of Arabic (and a few other) names write in
/// many ways (`al`, `ash`, `el-`), lower case.
pub fn is_article_particle(word: &str) -> bool {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| particles("article")).contains(word)
}

/// A lower-case word that joins the parts of one name (`bin`, `van`, `de`, `of`).
pub fn is_name_connector(word: &str) -> bool {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| particles("connector")).contains(word)
}

/// The country a demonym refers to (`syrian` → `Syria`).
pub fn demonym(word: &str) -> Option<&'static str> {
    static MAP: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    MAP.get_or_init(|| {
        [DEMONYMS, DEMONYMS_EXTRA]
            .into_iter()
            .flat_map(entries)
            .map(pair)
            .collect()
    })
    .get(word)
    .copied()
}

/// Lower-case, ASCII word → the term used to compare statements: its paraphrase-class head
/// when it has one, else its Porter2 stem.
pub fn term(word: &str) -> String {
    static CLASS: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    let class = CLASS.get_or_init(|| {
        let mut m = HashMap::new();
        for (head, words) in entries(CONCEPTS).map(pair) {
            for w in words.split_whitespace() {
                m.insert(w, head);
            }
        }
        m
    });
    if let Some(head) = class.get(word) {
        return (*head).to_string();
    }
    thread_local! {
        static STEMMER: Stemmer = Stemmer::create(Algorithm::English);
        // News vocabulary repeats heavily; a bounded per-thread cache skips most stemming.
        static CACHE: std::cell::RefCell<HashMap<String, String>> = std::cell::RefCell::new(HashMap::new());
    }
    const CACHE_LIMIT: usize = 200_000;
    if let Some(hit) = CACHE.with(|c| c.borrow().get(word).cloned()) {
        return hit;
    }
    let stem = STEMMER.with(|s| s.stem(word).into_owned());
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= CACHE_LIMIT {
            c.clear();
        }
        c.insert(word.to_string(), stem.clone());
    });
    stem
}

/// The Snowball stemmer for a language (ISO 639-1 code), for the languages rust-stemmers
/// covers other than English (which [`term`] stems, after its paraphrase classes).
fn foreign_stemmer(language: &str) -> Option<Algorithm> {
    Some(match language {
        "ar" => Algorithm::Arabic,
        "da" => Algorithm::Danish,
        "nl" => Algorithm::Dutch,
        "fi" => Algorithm::Finnish,
        "fr" => Algorithm::French,
        "de" => Algorithm::German,
        "el" => Algorithm::Greek,
        "hu" => Algorithm::Hungarian,
        "it" => Algorithm::Italian,
        "no" | "nb" | "nn" => Algorithm::Norwegian,
        "pt" => Algorithm::Portuguese,
        "ro" => Algorithm::Romanian,
        "ru" => Algorithm::Russian,
        "es" => Algorithm::Spanish,
        "sv" => Algorithm::Swedish,
        "ta" => Algorithm::Tamil,
        "tr" => Algorithm::Turkish,
        _ => return None,
    })
}

/// A word of a text in `language` (ISO 639-1, lower case) → its term: the word, lower-cased
/// in its own script, stemmed by that language's Snowball stemmer, then written in ASCII as
/// normalised words are (`"Regierungen"` and `"Regierung"` → `"regier"`, `"путина"` →
/// `"putin"`). `None` for English and for languages without a stemmer, whose words take
/// [`term`].
pub fn term_in(language: &str, raw: &str) -> Option<String> {
    let algorithm = foreign_stemmer(language)?;
    let lower = raw.to_lowercase();
    let stem = Stemmer::create(algorithm).stem(&lower).into_owned();
    Some(deunicode::deunicode(&stem).to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paraphrases_share_a_term() {
        assert_eq!(term("thwarted"), term("foiled"));
        assert_eq!(term("attempts"), term("plots"));
        assert_eq!(term("assassination"), term("assassinate"));
        assert_eq!(term("ambushes"), "attack");
        assert_eq!(term("governments"), term("government"));
    }

    #[test]
    fn another_languages_function_words_are_its_own_in_ascii() {
        assert!(is_stopword_in("de", "und"));
        assert!(is_stopword_in("de", "fur")); // "für", as normalised words are written
        assert!(is_stopword_in("es", "los"));
        assert!(is_stopword_in("tr", "ve"));
        assert!(!is_stopword_in("de", "regen"));
        // an English content word that is a German function word stays a term in English
        assert!(is_stopword_in("de", "war"));
        assert!(!is_stopword_in("en", "war"));
        // a language without a list falls back to English
        assert!(is_stopword_in("xx", "the"));
    }

    #[test]
    fn foreign_words_take_their_own_language_stem() {
        assert_eq!(term_in("de", "Regierungen"), term_in("de", "Regierung"));
        assert_eq!(term_in("es", "elecciones"), term_in("es", "elección"));
        assert_eq!(term_in("ru", "Путина").as_deref(), Some("putin"));
        assert_eq!(term_in("ru", "Путин").as_deref(), Some("putin"));
        assert!(term_in("tr", "seçimler").is_some_and(|t| t.is_ascii()));
        // English keeps its own path (paraphrase classes, then Porter2)
        assert_eq!(term_in("en", "elections"), None);
        // a language without a stemmer falls back too
        assert_eq!(term_in("pl", "wyborach"), None);
    }

    /// Every data file, by name.
    const DATA_FILES: &[(&str, &str)] = &[
        ("stopwords-news.txt", STOPWORDS_NEWS),
        ("cues.txt", CUES),
        ("concepts.txt", CONCEPTS),
        ("titles.txt", TITLES),
        ("demonyms.txt", DEMONYMS),
        ("demonyms-extra.txt", DEMONYMS_EXTRA),
        ("countries.txt", COUNTRIES),
        ("regions.txt", REGIONS),
        ("cities.txt", CITIES),
        ("org-words.txt", ORG_WORDS),
        ("abbreviations.txt", ABBREVIATIONS),
        ("boilerplate.txt", BOILERPLATE),
        ("tail-headings.txt", TAIL_HEADINGS),
        ("name-particles.txt", NAME_PARTICLES),
        (
            "news-agencies.txt",
            include_str!("../data/news-agencies.txt"),
        ),
    ];

    /// The keys an entry defines: the words of a list, a demonym, a paraphrase class's
    /// words, an agency's names.
    fn keys(name: &str, entry: &'static str) -> Vec<&'static str> {
        match name {
            "cues.txt" => {
                let mut parts = entry.split_whitespace();
                let word = parts.next().unwrap_or_default();
                let lists: Vec<_> = parts.collect();
                assert!(!lists.is_empty(), "{name}: {entry:?} is in no list");
                for l in lists {
                    assert!(CUE_LISTS.contains(&l), "{name}: unknown list {l:?}");
                }
                vec![word]
            }
            "name-particles.txt" => {
                let mut parts = entry.split_whitespace();
                let word = parts.next().unwrap_or_default();
                let roles: Vec<_> = parts.collect();
                assert!(!roles.is_empty(), "{name}: {entry:?} has no role");
                for r in roles {
                    assert!(
                        matches!(r, "article" | "connector"),
                        "{name}: unknown role {r:?}"
                    );
                }
                vec![word]
            }
            "demonyms.txt" | "demonyms-extra.txt" => {
                let (k, v) = pair(entry);
                assert!(!v.is_empty(), "{name}: {entry:?} has no place");
                vec![k]
            }
            "concepts.txt" => {
                let (head, words) = pair(entry);
                let words: Vec<_> = words.split_whitespace().collect();
                assert!(
                    words.contains(&head),
                    "{name}: {head:?} is not in its own class"
                );
                words
            }
            "news-agencies.txt" => entry.split('|').map(str::trim).collect(),
            _ => vec![entry],
        }
    }

    #[test]
    fn every_data_file_parses() {
        for (name, text) in DATA_FILES {
            let header: Vec<_> = text.lines().take_while(|l| l.starts_with('#')).collect();
            assert!(
                header.iter().any(|l| l.contains("Source")),
                "{name}: the header does not say where the list comes from"
            );
            assert!(
                header
                    .iter()
                    .any(|l| l.contains("Licence") || l.contains("licence")),
                "{name}: the header does not give the licence"
            );
            let mut seen = HashSet::default();
            let mut count = 0;
            for entry in entries(text) {
                for key in keys(name, entry) {
                    assert!(!key.is_empty(), "{name}: an empty entry in {entry:?}");
                    assert!(seen.insert(key), "{name}: {key:?} twice");
                    count += 1;
                }
            }
            assert!(count > 0, "{name} has no entries");
        }
    }

    #[test]
    fn lists_answer() {
        assert!(is_stopword("the"));
        assert!(is_denial("denied"));
        assert!(is_place("syria"));
        assert_eq!(demonym("turkish"), Some("Türkiye"));
        assert_eq!(demonym("u.s."), Some("United States"));
    }

    #[test]
    fn the_gazetteer_knows_every_country() {
        for country in ["ecuador", "paraguay", "costa rica", "luxembourg", "laos"] {
            assert!(is_place(country), "{country}");
        }
        // in ASCII too
        assert!(is_place("turkiye"));
        assert_eq!(demonym("ecuadorean"), Some("Ecuador"));
    }
}
