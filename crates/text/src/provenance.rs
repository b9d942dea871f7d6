//! Self-attribution at the end of a lead sentence: "Syria has joined the coalition, Al
//! Jazeera reports, writes UNN." names the re-publishing outlet (UNN) and the outlet it
//! credits (Al Jazeera). The credit is publication metadata, like a dateline: it says where
//! the whole article comes from, not that the writer hedges the sentence.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::fold::is_particle;
use crate::token::is_capitalized;

/// Every name of every news agency in `data/news-agencies.txt`, to the agency's own name.
fn agencies() -> &'static HashMap<&'static str, &'static str> {
    static MAP: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut map = HashMap::new();
        for line in include_str!("../data/news-agencies.txt").lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let canonical = line.split('|').next().unwrap_or(line).trim();
            for name in line.split('|') {
                map.insert(name.trim(), canonical);
            }
        }
        map
    })
}

/// The news agency `name` is one of, by its own name ("PA News" -> "Press Association").
pub fn news_agency(name: &str) -> Option<&'static str> {
    agencies().get(name.trim()).copied()
}

/// The news agency whose own report `text` is, as its opening lines say: a byline ending in
/// an agency ("By Chris Court, PA News"), a line that is only an agency's name, or a
/// dateline crediting one ("LONDON (Reuters) -", "(AP) —"). Only the first few lines are
/// read, and only these three shapes, so an agency quoted in the body does not count.
pub fn agency_byline(text: &str) -> Option<&'static str> {
    let mut cut = text.len().min(600);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let head = &text[..cut];
    for line in head
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(3)
    {
        if let Some(rest) = line
            .strip_prefix("By ")
            .or_else(|| line.strip_prefix("BY "))
        {
            if let Some(name) = rest.rsplit(',').next().filter(|_| rest.contains(',')) {
                if let Some(a) = news_agency(name) {
                    return Some(a);
                }
            }
        }
        if let Some(a) = news_agency(line) {
            return Some(a);
        }
        // a dateline: "(Agency)" followed by a dash, before the sentence proper starts
        if let Some(open) = line.find('(') {
            if let Some(close) = line[open..].find(')').map(|c| open + c) {
                let after = line[close + 1..].trim_start();
                let dashed =
                    after.starts_with('-') || after.starts_with('—') || after.starts_with('–');
                if open < 60 && dashed {
                    if let Some(a) = news_agency(&line[open + 1..close]) {
                        return Some(a);
                    }
                }
            }
        }
    }
    None
}

/// The credit clause found at the end of a sentence, as byte ranges into the sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credit {
    /// Where the credit clause starts (its leading comma or dash): the sentence's own
    /// content is `sentence[..clause_start]`.
    pub clause_start: usize,
    /// The outlet that published this text ("writes UNN", "- Reuters").
    pub outlet: Option<(usize, usize)>,
    /// The outlet it credits ("Al Jazeera reports").
    pub credited: Option<(usize, usize)>,
}

/// Reads a trailing credit from `sentence`, or `None` when it has none.
pub fn lead_credit(sentence: &str) -> Option<Credit> {
    let trimmed = sentence.trim_end_matches(['.', ' ', '\n', '\r', '\t']);
    let mut end = trimmed.len();
    let mut outlet = None;
    for verb in [", writes ", ", reports ", " - ", " — "] {
        if let Some(pos) = trimmed[..end].rfind(verb) {
            let start = pos + verb.len();
            let name = trimmed[start..end].trim();
            if is_short_name(name) {
                let lead = trimmed[start..end].len() - trimmed[start..end].trim_start().len();
                outlet = Some((start + lead, start + lead + name.len()));
                end = pos;
                break;
            }
        }
    }
    // "…, Al Jazeera reports" before the outlet's own credit. People say things too
    // ("…, Finance Minister Jane Doe said"): with "said" the name is a credit only when it
    // is a news agency's or the sentence names the outlet that publishes it.
    let mut credited = None;
    for verb in [" reports", " reported", " said", " says"] {
        if let Some(head) = trimmed[..end].strip_suffix(verb) {
            if let Some(pos) = head.rfind(", ") {
                let name = head[pos + 2..].trim();
                let reported = verb.starts_with(" report");
                if is_short_name(name)
                    && (reported || outlet.is_some() || news_agency(name).is_some())
                {
                    credited = Some((pos + 2, pos + 2 + name.len()));
                    end = pos;
                    break;
                }
            }
        }
    }
    if outlet.is_none() && credited.is_none() {
        return None;
    }
    Some(Credit {
        clause_start: end,
        outlet,
        credited,
    })
}

/// One to four capitalised words: a plausible outlet name.
fn is_short_name(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 4
        && words.iter().all(|w| is_capitalized(w) || is_particle(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outlet_and_credited_source() {
        let s = "Syria has joined the coalition, Al Jazeera reports, writes UNN.";
        let c = lead_credit(s).unwrap();
        assert_eq!(&s[..c.clause_start], "Syria has joined the coalition");
        let (a, b) = c.outlet.unwrap();
        assert_eq!(&s[a..b], "UNN");
        let (a, b) = c.credited.unwrap();
        assert_eq!(&s[a..b], "Al Jazeera");
    }

    #[test]
    fn a_bare_credit_or_none() {
        let s = "Prices rose again - Reuters";
        let c = lead_credit(s).unwrap();
        assert_eq!(&s[..c.clause_start], "Prices rose again");
        assert_eq!(c.credited, None);
        assert_eq!(
            lead_credit("Syria has joined the coalition, officials said."),
            None
        );
        assert_eq!(lead_credit(""), None);
    }

    #[test]
    fn a_person_saying_something_is_no_outlet_credit() {
        let s = "The budget will be cut by a tenth, Finance Minister Jane Doe said.";
        assert_eq!(lead_credit(s), None);
        let s = "Prices rose again, Reuters said.";
        let c = lead_credit(s).unwrap();
        let (a, b) = c.credited.unwrap();
        assert_eq!(&s[a..b], "Reuters");
    }

    #[test]
    fn agency_reports_say_so_in_their_opening_lines() {
        let check = |text: &str, expected: Option<&str>| {
            assert_eq!(agency_byline(text), expected, "{text}");
        };
        check(
            "By Chris Court, PA News\n\nA swimming pool should be closed.",
            Some("Press Association"),
        );
        check(
            "LONDON (Reuters) - Prices rose again on Monday.",
            Some("Reuters"),
        );
        check("(AP) — The storm moved east.", Some("Associated Press"));
        check("AFP\nThe storm moved east.", Some("Agence France-Presse"));
        // an agency quoted in the body, or a parenthesis that is no dateline
        check("The storm moved east, AP said.\nIt weakened.", None);
        check("Ministers (PA) met today and agreed.", None);
        check("By Jane Doe\nThe storm moved east.", None);
    }
}
