//! The English news lexicon: function words, reporting verbs, stance cues, paraphrase
//! classes, titles, demonyms and a small world gazetteer. Generic newswire knowledge only;
//! nothing here is keyed to one corpus.

use std::collections::HashMap;
use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};

pub const STOPWORDS: &[&str] = &[
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "among", "an", "and", "any", "are", "around",
    "as", "at", "be", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do",
    "does", "doing", "down", "during", "each", "even", "ever", "few", "for", "from", "further", "had", "has", "have",
    "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "however", "i", "if", "in",
    "into", "is", "it", "its", "itself", "just", "least", "less", "like", "may", "me", "might", "more", "most", "much",
    "must", "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "others", "our",
    "ours", "ourselves", "out", "over", "own", "per", "same", "shall", "she", "should", "since", "so", "some", "still",
    "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this",
    "those", "though", "through", "thus", "to", "too", "under", "until", "up", "upon", "us", "very", "via", "was", "we",
    "were", "what", "when", "where", "whether", "which", "while", "who", "whom", "whose", "why", "will", "with",
    "within", "without", "would", "yet", "you", "your", "yours", "yourself", "amid", "amidst", "already", "although",
    "because", "across", "along", "another", "away", "back", "became", "become", "becomes", "every", "either",
    "else", "enough", "far", "get", "got", "here", "instead", "later", "let", "lot", "many", "meanwhile", "mr", "mrs",
    "ms", "neither", "often", "onto", "part", "perhaps", "quite", "rather", "really", "several", "several", "soon",
    "toward", "towards", "well", "whatever", "whenever", "wherever", "whoever", "whole", "therefore", "thereby",
    "further", "furthermore", "moreover", "nevertheless", "nonetheless", "otherwise", "that's", "it's", "don't",
    "didn't", "doesn't", "isn't", "wasn't", "aren't", "weren't", "won't", "can't", "couldn't", "wouldn't", "hasn't",
    "haven't", "hadn't", "one's", "which", "recently", "previously", "currently", "today", "yesterday", "tomorrow",
];

/// Verbs and nouns that say who says something, not what happened.
pub const REPORTING: &[&str] = &[
    "say", "said", "says", "saying", "state", "stated", "states", "stating", "statement", "report", "reported",
    "reports", "reporting", "tell", "told", "tells", "announce", "announced", "announces", "announcement", "claim",
    "claimed", "claims", "claiming", "note", "noted", "notes", "add", "added", "adds", "write", "wrote", "writes",
    "written", "cite", "cited", "cites", "citing", "quote", "quoted", "quotes", "quoting", "reveal", "revealed",
    "reveals", "confirm", "confirmed", "confirms", "confirming", "accord", "according", "declare", "declared",
    "insist", "insisted", "assert", "asserted", "predict", "predicted", "warn", "warned", "explain", "explained",
    "describe", "described", "source", "sources", "official", "officials", "spokesman", "spokesperson", "media",
];

/// Words that mark a statement as a denial.
pub const DENIAL: &[&str] = &[
    "deny", "denied", "denies", "denying", "denial", "false", "fake", "hoax", "untrue", "baseless", "unfounded",
    "rumor", "rumors", "rumour", "rumours", "fabricated", "fabrication", "debunk", "debunked", "refute", "refuted",
    "refutes", "misinformation", "disinformation", "falsely", "groundless",
];

/// Words that hedge a statement: the outlet passes it on without vouching for it.
pub const HEDGES: &[&str] = &[
    "reportedly", "allegedly", "purportedly", "apparently", "rumored", "rumoured", "unconfirmed", "alleged",
    "supposedly", "claimed",
];

/// Paraphrase classes of newswire verbs and nouns: every word maps to its class head.
const CONCEPTS: &[(&str, &[&str])] = &[
    ("foil", &["foil", "foiled", "thwart", "thwarted", "thwarting", "prevent", "prevented", "neutralize", "neutralized", "neutralise", "neutralised", "avert", "averted", "disrupt", "disrupted", "stop", "stopped", "foiling"]),
    ("plot", &["plot", "plots", "plan", "plans", "attempt", "attempts", "conspiracy", "scheme", "schemes", "plotting"]),
    ("assassinate", &["assassinate", "assassination", "assassinations", "assassinated"]),
    ("arrest", &["arrest", "arrested", "arrests", "arresting", "detain", "detained", "detention", "apprehend", "apprehended"]),
    ("attack", &["attack", "attacks", "attacked", "assault", "assaults", "ambush", "ambushes", "strike", "strikes"]),
    ("kill", &["kill", "killed", "kills", "killing", "slain", "slay", "dead", "death", "deaths", "die", "died"]),
    ("join", &["join", "joined", "joins", "joining", "accede", "accession"]),
    ("overthrow", &["overthrow", "overthrew", "overthrown", "topple", "toppled", "oust", "ousted"]),
    ("suspend", &["suspend", "suspended", "suspension", "ease", "eased", "eases", "easing", "waive", "waived", "lift", "lifted", "relief"]),
    ("seize", &["seize", "seized", "seizing", "confiscate", "confiscated"]),
    ("meet", &["meet", "met", "meeting", "welcome", "welcomed", "host", "hosted"]),
    ("remove", &["remove", "removed", "delist", "delisted"]),
    ("lead", &["lead", "led", "leads", "leading", "head", "headed"]),
    ("combat", &["combat", "fight", "fighting", "fought", "counter", "countering"]),
    ("agreement", &["agreement", "deal", "accord", "pact", "declaration"]),
    ("praise", &["praise", "praised", "commend", "commended"]),
    ("bomb", &["bomb", "bombs", "bombing", "explosive", "explosives", "explosion"]),
];

pub const TITLES: &[&str] = &[
    "president", "vice", "prime", "minister", "secretary", "envoy", "special", "king", "queen", "prince", "princess",
    "sheikh", "general", "gen", "gen.", "colonel", "col.", "major", "lieutenant", "captain", "mr", "mr.", "mrs",
    "mrs.", "ms", "ms.", "dr", "dr.", "sen.", "senator", "rep.", "representative", "gov.", "governor", "judge",
    "justice", "chief", "commander", "spokesman", "spokeswoman", "spokesperson", "leader", "pope", "former",
    "acting", "deputy", "crown", "emir", "sultan", "chancellor", "mayor", "ambassador", "foreign", "defense",
    "defence", "interior", "information", "finance", "health", "justice", "economy", "assistant", "senior",
    "top", "ceo", "chairman", "chairwoman", "director", "founder", "imam", "cleric", "officer", "sergeant",
    "premier", "speaker", "attorney",
];

/// Demonym → country (lower case). Demonyms alone are adjectives, not entities.
pub const DEMONYMS: &[(&str, &str)] = &[
    ("syrian", "Syria"), ("american", "United States"), ("us", "United States"), ("u.s.", "United States"),
    ("turkish", "Turkey"), ("russian", "Russia"), ("iranian", "Iran"), ("iraqi", "Iraq"), ("israeli", "Israel"),
    ("palestinian", "Palestine"), ("lebanese", "Lebanon"), ("jordanian", "Jordan"), ("egyptian", "Egypt"),
    ("saudi", "Saudi Arabia"), ("emirati", "United Arab Emirates"), ("qatari", "Qatar"), ("kurdish", "Kurdistan"),
    ("british", "United Kingdom"), ("uk", "United Kingdom"), ("u.k.", "United Kingdom"), ("french", "France"),
    ("german", "Germany"), ("chinese", "China"), ("ukrainian", "Ukraine"), ("indian", "India"),
    ("pakistani", "Pakistan"), ("afghan", "Afghanistan"), ("yemeni", "Yemen"), ("libyan", "Libya"),
    ("sudanese", "Sudan"), ("japanese", "Japan"), ("korean", "Korea"), ("italian", "Italy"), ("spanish", "Spain"),
    ("canadian", "Canada"), ("australian", "Australia"), ("mexican", "Mexico"), ("brazilian", "Brazil"),
    ("nigerian", "Nigeria"), ("kenyan", "Kenya"), ("ethiopian", "Ethiopia"), ("somali", "Somalia"),
    ("polish", "Poland"), ("dutch", "Netherlands"), ("belgian", "Belgium"), ("swedish", "Sweden"),
    ("norwegian", "Norway"), ("greek", "Greece"), ("armenian", "Armenia"), ("azerbaijani", "Azerbaijan"),
    ("georgian", "Georgia"), ("belarusian", "Belarus"), ("venezuelan", "Venezuela"), ("colombian", "Colombia"),
    ("cuban", "Cuba"), ("argentine", "Argentina"), ("indonesian", "Indonesia"), ("malaysian", "Malaysia"),
    ("filipino", "Philippines"), ("vietnamese", "Vietnam"), ("thai", "Thailand"), ("algerian", "Algeria"),
    ("moroccan", "Morocco"), ("tunisian", "Tunisia"), ("bahraini", "Bahrain"), ("kuwaiti", "Kuwait"),
    ("omani", "Oman"), ("european", "Europe"), ("western", "West"), ("arab", "Arab world"), ("african", "Africa"),
    ("asian", "Asia"), ("eastern", "East"), ("middle", "Middle East"), ("north", "North"), ("south", "South"),
    ("islamist", "Islamism"), ("jihadist", "Jihadism"), ("kurds", "Kurdistan"), ("arabs", "Arab world"),
    ("english", "England"), ("scottish", "Scotland"), ("irish", "Ireland"), ("swiss", "Switzerland"),
    ("austrian", "Austria"), ("hungarian", "Hungary"), ("czech", "Czechia"), ("romanian", "Romania"),
    ("bulgarian", "Bulgaria"), ("serbian", "Serbia"), ("croatian", "Croatia"), ("finnish", "Finland"),
    ("danish", "Denmark"), ("portuguese", "Portugal"), ("taiwanese", "Taiwan"), ("nepalese", "Nepal"),
    ("bangladeshi", "Bangladesh"), ("gulf", "Gulf"),
];

/// Countries, regions and large cities. A hit makes a name a place.
pub const PLACES: &[&str] = &[
    "afghanistan", "albania", "algeria", "angola", "argentina", "armenia", "australia", "austria", "azerbaijan",
    "bahrain", "bangladesh", "belarus", "belgium", "bolivia", "bosnia", "brazil", "bulgaria", "burma", "cambodia",
    "cameroon", "canada", "chad", "chile", "china", "colombia", "congo", "croatia", "cuba", "cyprus", "czechia",
    "denmark", "egypt", "england", "eritrea", "estonia", "ethiopia", "finland", "france", "gaza", "georgia", "germany",
    "ghana", "greece", "guatemala", "haiti", "honduras", "hungary", "iceland", "india", "indonesia", "iran", "iraq",
    "ireland", "israel", "italy", "japan", "jordan", "kazakhstan", "kenya", "korea", "kosovo", "kurdistan", "kuwait",
    "latvia", "lebanon", "libya", "lithuania", "malaysia", "mali", "mexico", "moldova", "mongolia", "morocco",
    "mozambique", "myanmar", "nepal", "netherlands", "new zealand", "nicaragua", "niger", "nigeria", "north korea",
    "norway", "oman", "pakistan", "palestine", "panama", "peru", "philippines", "poland", "portugal", "qatar",
    "romania", "russia", "rwanda", "saudi arabia", "scotland", "senegal", "serbia", "singapore", "slovakia",
    "somalia", "south africa", "south korea", "south sudan", "spain", "sri lanka", "sudan", "sweden", "switzerland",
    "syria", "taiwan", "tajikistan", "tanzania", "thailand", "tunisia", "turkey", "turkiye", "uganda", "ukraine",
    "united arab emirates", "united kingdom", "united states", "uruguay", "uzbekistan", "venezuela", "vietnam",
    "west bank", "yemen", "zambia", "zimbabwe", "europe", "asia", "africa", "middle east", "levant", "gulf",
    "america", "latin america", "north africa", "balkans", "caucasus", "sahel", "crimea", "donbas", "golan heights",
    // capitals and large cities
    "washington", "new york", "london", "paris", "berlin", "moscow", "beijing", "tokyo", "kyiv", "kiev", "ankara",
    "istanbul", "tehran", "baghdad", "damascus", "beirut", "amman", "cairo", "riyadh", "doha", "dubai", "abu dhabi",
    "jerusalem", "tel aviv", "kabul", "islamabad", "delhi", "new delhi", "mumbai", "brussels", "rome", "madrid",
    "lisbon", "vienna", "warsaw", "geneva", "the hague", "ottawa", "toronto", "sydney", "canberra", "mexico city",
    "los angeles", "chicago", "san francisco", "boston", "miami", "houston", "seattle", "atlanta", "dallas",
    "aleppo", "homs", "hama", "idlib", "latakia", "tartus", "raqqa", "deir zor", "deir ez zor", "daraa", "mayadin",
    "qamishli", "hasakah", "palmyra", "mosul", "basra", "erbil", "kirkuk", "fallujah", "ramadi", "tikrit", "sanaa",
    "aden", "tripoli", "benghazi", "khartoum", "mogadishu", "nairobi", "lagos", "abuja", "addis ababa", "algiers",
    "tunis", "rabat", "casablanca", "karachi", "lahore", "dhaka", "kathmandu", "colombo", "bangkok", "jakarta",
    "manila", "hanoi", "seoul", "pyongyang", "taipei", "hong kong", "shanghai", "singapore", "kuala lumpur",
    "minsk", "tbilisi", "yerevan", "baku", "tashkent", "almaty", "astana", "sofia", "bucharest", "budapest",
    "prague", "athens", "belgrade", "zagreb", "stockholm", "oslo", "copenhagen", "helsinki", "dublin", "edinburgh",
    "manchester", "kharkiv", "odesa", "odessa", "lviv", "mariupol", "donetsk", "luhansk", "gaza city", "rafah",
    "khan younis", "hebron", "ramallah", "nablus", "jenin", "sinai", "caracas", "bogota", "lima", "santiago",
    "buenos aires", "sao paulo", "rio de janeiro", "havana", "quito", "la paz",
];

/// Words that make a multi-word name an organisation.
pub const ORG_WORDS: &[&str] = &[
    "ministry", "department", "agency", "bureau", "forces", "force", "army", "navy", "council", "committee",
    "party", "front", "group", "organization", "organisation", "coalition", "union", "court", "bank", "company",
    "corporation", "corp", "inc", "ltd", "university", "institute", "news", "tv", "television", "times", "post",
    "herald", "journal", "press", "reuters", "office", "commission", "parliament", "congress", "senate",
    "assembly", "government", "administration", "division", "brigade", "battalion", "movement", "state",
    "network", "channel", "radio", "service", "services", "authority", "alliance", "nations", "association",
    "federation", "foundation", "police", "guard", "guards", "intelligence", "cabinet", "tahrir", "hezbollah",
    "hamas", "taliban", "qaeda", "nato", "house", "pentagon", "kremlin",
];

/// Words that look capitalised at a sentence start but never begin a name.
pub const MONTHS: &[&str] = &[
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
];
pub const WEEKDAYS: &[&str] = &["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/// Abbreviations after which a full stop does not end a sentence.
pub const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "gen", "lt", "col", "sgt", "capt", "gov", "sen", "rep", "prof", "inc",
    "ltd", "co", "corp", "vs", "etc", "jan", "feb", "aug", "sept", "sep", "oct", "nov", "dec", "approx", "dept",
    "est", "fig", "mt", "ft", "u.s", "u.k", "u.n", "e.u", "e.g", "i.e", "a.m", "p.m", "adm", "maj", "brig", "cmdr",
];

/// Whole lines that are site furniture, not the article's prose.
pub const BOILERPLATE_LINES: &[&str] = &[
    "recommended stories", "recommended", "details", "read more", "read also", "also read", "related",
    "related stories", "related articles", "related content", "advertisement", "share", "share this",
    "share this article", "click here", "subscribe", "sign up", "follow us", "see also", "more on this story",
    "most read", "trending", "top stories", "listen", "watch", "getty images", "all rights reserved",
    "skip to content", "comments", "print", "email", "newsletter", "more stories", "you may also like",
];

fn set(words: &'static [&'static str]) -> std::collections::HashSet<&'static str> {
    words.iter().copied().collect()
}

macro_rules! lookup {
    ($name:ident, $list:expr) => {
        pub fn $name(word: &str) -> bool {
            static SET: OnceLock<std::collections::HashSet<&'static str>> = OnceLock::new();
            SET.get_or_init(|| set($list)).contains(word)
        }
    };
}

lookup!(is_stopword, STOPWORDS);
lookup!(is_reporting, REPORTING);
lookup!(is_denial, DENIAL);
lookup!(is_hedge, HEDGES);
lookup!(is_title, TITLES);
lookup!(is_place, PLACES);
lookup!(is_org_word, ORG_WORDS);
lookup!(is_month, MONTHS);
lookup!(is_weekday, WEEKDAYS);
lookup!(is_abbreviation, ABBREVIATIONS);

/// The country a demonym refers to (`syrian` → `Syria`).
pub fn demonym(word: &str) -> Option<&'static str> {
    static MAP: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    MAP.get_or_init(|| DEMONYMS.iter().copied().collect()).get(word).copied()
}

/// Lower-case, ASCII word → the term used to compare statements: its paraphrase-class head
/// when it has one, else its Porter2 stem.
pub fn term(word: &str) -> String {
    static CLASS: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    let class = CLASS.get_or_init(|| {
        let mut m = HashMap::new();
        for (head, words) in CONCEPTS {
            for w in *words {
                m.insert(*w, *head);
            }
        }
        m
    });
    if let Some(head) = class.get(word) {
        return (*head).to_string();
    }
    thread_local! {
        static STEMMER: Stemmer = Stemmer::create(Algorithm::English);
    }
    STEMMER.with(|s| s.stem(word).into_owned())
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
    fn lists_answer() {
        assert!(is_stopword("the"));
        assert!(is_denial("denied"));
        assert!(is_place("syria"));
        assert_eq!(demonym("turkish"), Some("Turkey"));
    }
}
