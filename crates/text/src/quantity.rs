//! Numbers and quantities normalised for comparison: `six-month` and `180 days` are both
//! 180 days, `$10 million` is 10,000,000 USD, `two separate plots` is a count of 2 `plot`.

use crate::lexicon;
use crate::token::{normalize_word, tokenize, Token, TokenKind};

#[derive(Clone, Debug, PartialEq)]
pub enum Unit {
    /// A duration, in days (a month counts 30, a year 365).
    Days,
    /// Money in US dollars.
    Usd,
    Percent,
    /// An age in years (`43-year-old`).
    Age,
    /// A rank (`90th country`): the term of the thing ranked.
    Ordinal(String),
    /// A count of things: the term of the thing counted.
    Count(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Quantity {
    pub start: usize,
    pub end: usize,
    pub value: f64,
    pub unit: Unit,
}

impl Quantity {
    /// Same unit and values within 3% (a month is 30 or 31 days).
    pub fn agrees_with(&self, other: &Quantity) -> bool {
        self.unit == other.unit
            && (self.value - other.value).abs() <= 0.03 * self.value.abs().max(other.value.abs())
    }
}

fn small_number(w: &str) -> Option<f64> {
    const UNITS: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 8] = [
        "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    if let Some(i) = UNITS.iter().position(|u| *u == w) {
        return Some(i as f64);
    }
    if let Some(i) = TENS.iter().position(|u| *u == w) {
        return Some((i as f64 + 2.0) * 10.0);
    }
    match w {
        "dozen" => Some(12.0),
        "hundred" => Some(100.0),
        _ => None,
    }
}

/// A number word or hyphenated compound (`twenty-five`).
fn word_number(w: &str) -> Option<f64> {
    if let Some(v) = small_number(w) {
        return Some(v);
    }
    let (a, b) = w.split_once('-')?;
    let (a, b) = (small_number(a)?, small_number(b)?);
    (a >= 20.0 && b < 10.0).then_some(a + b)
}

fn scale(w: &str) -> Option<f64> {
    match w {
        "hundred" => Some(1e2),
        "thousand" => Some(1e3),
        "million" | "m" | "mln" => Some(1e6),
        "billion" | "bn" => Some(1e9),
        "trillion" => Some(1e12),
        _ => None,
    }
}

fn duration_days(w: &str) -> Option<f64> {
    match w.trim_end_matches('s') {
        "day" => Some(1.0),
        "week" => Some(7.0),
        "month" => Some(30.0),
        "year" => Some(365.0),
        "decade" => Some(3650.0),
        _ => None,
    }
}

/// Words skipped between a number and the thing it counts.
fn is_filler(w: &str) -> bool {
    matches!(
        w,
        "separate"
            | "more"
            | "other"
            | "additional"
            | "new"
            | "different"
            | "recent"
            | "senior"
            | "top"
            | "further"
            | "suspected"
            | "armed"
            | "alleged"
            | "small"
            | "large"
            | "major"
            | "key"
            | "of"
            | "the"
    )
}

/// Every quantity in `text`.
pub fn quantities(text: &str) -> Vec<Quantity> {
    let toks: Vec<Token> = tokenize(text);
    let words: Vec<String> = toks.iter().map(|t| normalize_word(t.text(text))).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i];
        let raw = t.text(text);
        let w = words[i].as_str();
        let prev = if i > 0 { words[i - 1].as_str() } else { "" };
        // the number itself
        let mut ordinal = false;
        let mut value;
        let mut unit_hint: Option<&str> = None;
        if t.kind == TokenKind::Number {
            let digits: String = raw
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == ',' || *c == '.')
                .collect();
            let suffix = &raw[digits.len()..].to_ascii_lowercase();
            let Ok(v) = digits.replace(',', "").parse::<f64>() else {
                i += 1;
                continue;
            };
            value = v;
            match suffix.as_str() {
                "th" | "st" | "nd" | "rd" => ordinal = true,
                "" => {}
                s => match scale(s) {
                    Some(f) => value *= f,
                    None => {
                        i += 1;
                        continue;
                    }
                },
            }
            // years and days of months are dates, not quantities
            let is_year = !ordinal && (1900.0..=2100.0).contains(&value) && digits.len() == 4;
            if is_year || crate::dates::month_number(prev).is_some() {
                i += 1;
                continue;
            }
        } else if t.kind == TokenKind::Word {
            if let Some(v) = word_number(w) {
                value = v;
            } else if let Some((a, rest)) = w.split_once('-') {
                // six-month, 43-year-old written as one word
                match small_number(a).or_else(|| a.parse().ok()) {
                    Some(v) => {
                        value = v;
                        unit_hint = Some(rest);
                    }
                    None => {
                        i += 1;
                        continue;
                    }
                }
            } else {
                i += 1;
                continue;
            }
            if w == "one" && matches!(words.get(i + 1).map(String::as_str), Some("of") | None) {
                i += 1;
                continue;
            }
        } else {
            i += 1;
            continue;
        }
        let start = t.start;
        let mut j = i + 1;
        while let Some(f) = words.get(j).and_then(|w| scale(w)) {
            value *= f;
            j += 1;
        }
        let money = prev == "$" || prev == "us$" || (i >= 2 && words[i - 1] == "$");
        let mut end = toks[j - 1].end;
        let mut unit = None;
        let hint_owned;
        let candidate = match unit_hint {
            Some(h) => Some(h),
            None => {
                // skip punctuation, capitalised names and fillers, up to three tokens
                let mut k = j;
                let mut found = None;
                while k < toks.len() && k < j + 4 {
                    let tw = words[k].as_str();
                    let traw = toks[k].text(text);
                    if toks[k].kind == TokenKind::Punct {
                        if tw == "%" {
                            found = Some("%");
                            end = toks[k].end;
                            break;
                        }
                        if matches!(tw, "-" | "\"" | "“" | "”" | "'" | "‘" | "’") {
                            k += 1;
                            continue;
                        }
                        break;
                    }
                    if toks[k].kind == TokenKind::Word
                        && (is_filler(tw) || crate::token::is_capitalized(traw))
                    {
                        k += 1;
                        continue;
                    }
                    if toks[k].kind == TokenKind::Word && !lexicon::is_stopword(tw) {
                        hint_owned = tw.to_string();
                        end = toks[k].end;
                        found = Some(hint_owned.as_str());
                    }
                    break;
                }
                found
            }
        };
        if money {
            unit = Some(Unit::Usd);
        } else if let Some(c) = candidate {
            let c = c.trim_end_matches("-long");
            if c == "%" || c == "percent" || c == "per" {
                unit = Some(Unit::Percent);
            } else if c.starts_with("year-old") || c == "years-old" {
                unit = Some(Unit::Age);
            } else if let Some(d) = duration_days(c) {
                let old = words.get(j + 1).map(String::as_str) == Some("old");
                if old {
                    unit = Some(Unit::Age);
                } else {
                    value *= d;
                    unit = Some(Unit::Days);
                }
            } else if c == "dollars" || c == "usd" {
                unit = Some(Unit::Usd);
            } else if !c.contains('-') {
                let term = lexicon::term(c);
                unit = Some(if ordinal {
                    Unit::Ordinal(term)
                } else {
                    Unit::Count(term)
                });
            }
        }
        if let Some(unit) = unit {
            out.push(Quantity {
                start,
                end,
                value,
                unit,
            });
        }
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: &[(f64, Unit)]) {
        let got: Vec<(f64, Unit)> = quantities(text)
            .into_iter()
            .map(|q| (q.value, q.unit))
            .collect();
        assert_eq!(got, expected, "{text}");
    }

    #[test]
    fn normalises_quantities() {
        check("a six-month suspension", &[(180.0, Unit::Days)]);
        check("eases sanctions for 180 days", &[(180.0, Unit::Days)]);
        check(
            "61 raids, arresting 71 people",
            &[
                (61.0, Unit::Count("raid".into())),
                (71.0, Unit::Count("peopl".into())),
            ],
        );
        check("a $10 million reward", &[(1e7, Unit::Usd)]);
        check(
            "the 90th country",
            &[(90.0, Unit::Ordinal("countri".into()))],
        );
        check("The 43-year-old president", &[(43.0, Unit::Age)]);
        check("two separate plots", &[(2.0, Unit::Count("plot".into()))]);
        check("two ISIL plots", &[(2.0, Unit::Count("plot".into()))]);
        check("two \"IS\" plots", &[(2.0, Unit::Count("plot".into()))]);
        check("14 years of civil war", &[(14.0 * 365.0, Unit::Days)]);
        check("in 2019 on November 11", &[]);
        check("one of the plans", &[]);
    }

    #[test]
    fn six_months_agree_with_180_days() {
        let a = &quantities("six-month suspension")[0];
        let b = &quantities("for 180 days")[0];
        assert!(a.agrees_with(b));
        assert!(!a.agrees_with(&quantities("for 90 days")[0]));
    }
}
