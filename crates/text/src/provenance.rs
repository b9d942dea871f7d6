//! Self-attribution at the end of a lead sentence: "Syria has joined the coalition, Al
//! Jazeera reports, writes UNN." names the re-publishing outlet (UNN) and the outlet it
//! credits (Al Jazeera). The credit is publication metadata, like a dateline: it says where
//! the whole article comes from, not that the writer hedges the sentence.

use crate::fold::is_particle;
use crate::token::is_capitalized;

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
    // "…, Al Jazeera reports" before the outlet's own credit
    let mut credited = None;
    for verb in [" reports", " reported", " said", " says"] {
        if let Some(head) = trimmed[..end].strip_suffix(verb) {
            if let Some(pos) = head.rfind(", ") {
                let name = head[pos + 2..].trim();
                if is_short_name(name) {
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
}
