//! The stance of articles toward one claim (what `corroborate check` prints), as JSON or
//! Markdown. The records are built by the caller from the engine's
//! `stances::toward_claim`; this module only renders them.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

/// One article's stance toward the claim.
#[derive(Clone, Debug, Serialize)]
pub struct CheckedArticle<'a> {
    pub article: &'a str,
    /// `supports`, `refutes`, `reports` or `unrelated`.
    pub stance: &'static str,
    pub confidence: f32,
    /// The article this one copies, when it is a copy: a copy takes its original's stance
    /// (it says what the original says; its rewording is not a second position).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copy_of: Option<&'a str>,
    /// What the model reads in the copy's own words, when that differs from its original.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub own_stance: Option<&'static str>,
    /// The model's probability of each stance, by name.
    pub probabilities: BTreeMap<&'static str, f32>,
    pub deciding: Vec<Deciding<'a>>,
}

/// A sentence that decides the stance: its text and byte span in the article.
#[derive(Clone, Debug, Serialize)]
pub struct Deciding<'a> {
    pub quote: &'a str,
    pub start: usize,
    pub end: usize,
    pub similarity: f32,
}

/// The records as a pretty-printed JSON array, ending in a newline.
pub fn checked_to_json(checked: &[CheckedArticle]) -> String {
    crate::pretty_json(checked)
}

/// The claim, then one bullet per article (stance, confidence, the original of a copy and
/// what its own wording reads when that differs) with its deciding quotes.
pub fn checked_to_markdown(claim: &str, checked: &[CheckedArticle]) -> String {
    let mut out = String::new();
    // writing to a String cannot fail
    let _ = writeln!(out, "Claim: {claim}\n");
    for c in checked {
        let _ = write!(
            out,
            "- `{}` **{}** ({:.2})",
            c.article, c.stance, c.confidence
        );
        if let Some(o) = c.copy_of {
            let _ = write!(out, ", copy of `{o}`");
            if let Some(own) = c.own_stance {
                let _ = write!(out, " (its own wording reads {own})");
            }
        }
        out.push('\n');
        for d in &c.deciding {
            let _ = writeln!(out, "  > \"{}\" (bytes {}–{})", d.quote, d.start, d.end);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_names_its_original_and_its_own_reading() {
        let copy = CheckedArticle {
            article: "b",
            stance: "supports",
            confidence: 0.876,
            copy_of: Some("a"),
            own_stance: Some("reports"),
            probabilities: BTreeMap::new(),
            deciding: vec![Deciding {
                quote: "It happened.",
                start: 3,
                end: 15,
                similarity: 0.5,
            }],
        };
        assert_eq!(
            checked_to_markdown("X happened", std::slice::from_ref(&copy)),
            "Claim: X happened\n\n- `b` **supports** (0.88), copy of `a` (its own wording reads reports)\n  > \"It happened.\" (bytes 3–15)\n"
        );
        let json = checked_to_json(&[copy]);
        assert!(
            json.contains("\"copy_of\": \"a\"") && json.ends_with("]\n"),
            "{json}"
        );
    }
}
