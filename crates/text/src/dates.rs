//! Dates as news writes them, normalised to one comparable value.
//!
//! Absolute forms (`2025-11-11T08:00:00Z`, `November 11, 2025`, `11 Nov 2025`) parse alone;
//! relative ones (`in December`, `on Monday`, `earlier this year`, `at the close of 2024`)
//! resolve against a reference date, normally the article's publication date. A month
//! without a year is its latest occurrence not after the reference, so `in December` in an
//! article of November 2025 is December 2024.

use std::fmt;

use crate::lexicon;
use crate::token::{tokenize, TokenKind};

/// A calendar date known to year, month or day precision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateValue {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl DateValue {
    pub fn ymd(year: i32, month: u8, day: u8) -> Self {
        DateValue {
            year,
            month: Some(month),
            day: Some(day),
        }
    }
    pub fn ym(year: i32, month: u8) -> Self {
        DateValue {
            year,
            month: Some(month),
            day: None,
        }
    }
    pub fn y(year: i32) -> Self {
        DateValue {
            year,
            month: None,
            day: None,
        }
    }

    /// Two dates agree when they are equal at the precision both have.
    pub fn agrees_with(&self, other: &DateValue) -> bool {
        self.year == other.year
            && (self.month.is_none() || other.month.is_none() || self.month == other.month)
            && (self.day.is_none() || other.day.is_none() || self.day == other.day)
    }

    /// The first day the date can mean (a month or a year taken from its start), as
    /// (year, month, day).
    pub fn first_day(&self) -> (i32, u8, u8) {
        (self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// Day of the week, 0 = Monday, for a full date.
    pub fn weekday(&self) -> Option<u8> {
        let (m, d) = (self.month?, self.day?);
        let days = days_from_civil(self.year, m, d);
        Some(((days + 3).rem_euclid(7)) as u8) // 1970-01-01 was a Thursday (3)
    }

    fn minus_days(&self, n: i64) -> DateValue {
        let days = days_from_civil(self.year, self.month.unwrap_or(1), self.day.unwrap_or(1)) - n;
        let (y, m, d) = civil_from_days(days);
        DateValue::ymd(y, m, d)
    }
}

impl fmt::Display for DateValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.month, self.day) {
            (Some(m), Some(d)) => write!(f, "{:04}-{m:02}-{d:02}", self.year),
            (Some(m), None) => write!(f, "{:04}-{m:02}", self.year),
            _ => write!(f, "{:04}", self.year),
        }
    }
}

// Howard Hinnant's days-from-civil algorithms.
/// Days from 1970-01-01 to the civil date `y-m-d` (proleptic Gregorian), negative before.
pub fn days_from_civil(y: i32, m: u8, d: u8) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i32, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    ((yoe + era * 400 + i64::from(m <= 2)) as i32, m, d)
}

fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

fn valid(y: i32, m: u8, d: u8) -> bool {
    (1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m)
}

/// Month number of an English month name or abbreviation (`Nov`, `Nov.`, `November`).
pub fn month_number(word: &str) -> Option<u8> {
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    // the first twelve entries of the lexicon's month list are the full names, in order
    if let Some(i) = lexicon::MONTHS[..12].iter().position(|n| *n == w) {
        return Some(i as u8 + 1);
    }
    const SHORT: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let w = if w == "sept" { "sep" } else { w.as_str() };
    SHORT.iter().position(|n| *n == w).map(|i| i as u8 + 1)
}

fn weekday_number(word: &str) -> Option<u8> {
    let w = word.to_ascii_lowercase();
    lexicon::WEEKDAYS
        .iter()
        .position(|d| *d == w)
        .map(|i| i as u8)
}

/// `YYYY-MM-DD`, optionally followed by a time (`T08:00:00Z`), or `YYYY-MM` / `YYYY`.
pub fn parse_iso(s: &str) -> Option<DateValue> {
    let s = s.trim();
    let date = s.split(['T', ' ']).next()?;
    let mut parts = date.split('-');
    let y: i32 = parts.next()?.parse().ok()?;
    if !(1000..=9999).contains(&y) {
        return None;
    }
    let Some(m) = parts.next() else {
        return Some(DateValue::y(y));
    };
    let m: u8 = m.parse().ok()?;
    let Some(d) = parts.next() else {
        return (1..=12).contains(&m).then(|| DateValue::ym(y, m));
    };
    let d: u8 = d.get(..2.min(d.len()))?.parse().ok()?;
    valid(y, m, d).then(|| DateValue::ymd(y, m, d))
}

/// A written date anywhere in `s` (`Published on November 11, 2025` → 2025-11-11),
/// or an ISO one.
pub fn parse_written(s: &str) -> Option<DateValue> {
    if let Some(d) = parse_iso(s) {
        return Some(d);
    }
    find_dates(s, None)
        .into_iter()
        .map(|f| f.value)
        .find(|d| d.day.is_some())
        .or_else(|| s.split_whitespace().find_map(parse_numeric))
}

/// A numeric date: `2025/11/11`, `11/11/2025`, `11.11.2025`, `11/18/19`. Year-last forms
/// are read month first (US news usage) unless the first number cannot be a month, so
/// `25/11/2025` is 25 November. Two-digit years are 20xx.
pub fn parse_numeric(s: &str) -> Option<DateValue> {
    let s = s.trim().trim_end_matches([',', ';', '|']);
    let sep = ['/', '.', '-'].into_iter().find(|c| s.contains(*c))?;
    let parts: Vec<&str> = s.split(sep).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || p.len() > 4 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let n: Vec<i32> = parts.iter().filter_map(|p| p.parse().ok()).collect();
    let (y, m, d) = if parts[0].len() == 4 {
        (n[0], n[1], n[2])
    } else if parts[2].len() == 4 || parts[2].len() == 2 {
        let y = if parts[2].len() == 2 {
            2000 + n[2]
        } else {
            n[2]
        };
        if n[0] > 12 {
            (y, n[1], n[0])
        } else {
            (y, n[0], n[1])
        }
    } else {
        return None;
    };
    let (m, d) = (u8::try_from(m).ok()?, u8::try_from(d).ok()?);
    ((1900..=2100).contains(&y) && valid(y, m, d)).then(|| DateValue::ymd(y, m, d))
}

/// The date in a news URL path: `/2025/11/11/slug`, `/2025-11-11-slug`, `/20251111/`.
pub fn date_in_url(url: &str) -> Option<DateValue> {
    let path = url.split_once("://").map_or(url, |(_, rest)| rest);
    let segs: Vec<&str> = path.split(['/', '?', '#']).collect();
    for w in segs.windows(3) {
        if let (Some(y), Ok(m), Ok(d)) = (
            year_of(w[0]),
            w[1].parse::<u8>(),
            w[2].get(..2).unwrap_or("").parse::<u8>(),
        ) {
            if w[1].len() <= 2 && valid(y, m, d) {
                return Some(DateValue::ymd(y, m, d));
            }
        }
    }
    for seg in &segs {
        if let Some(d) = seg
            .get(..10)
            .and_then(|p| p.split('-').count().eq(&3).then(|| parse_iso(p)).flatten())
        {
            if d.day.is_some() {
                return Some(d);
            }
        }
        if seg.len() == 8 && seg.bytes().all(|b| b.is_ascii_digit()) {
            let (y, m, d) = (
                seg[..4].parse().ok()?,
                seg[4..6].parse().ok()?,
                seg[6..].parse().ok()?,
            );
            if (1990..=2100).contains(&y) && valid(y, m, d) {
                return Some(DateValue::ymd(y, m, d));
            }
        }
    }
    None
}

/// A date expression found in a text, with its byte range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FoundDate {
    pub start: usize,
    pub end: usize,
    pub value: DateValue,
}

fn year_of(word: &str) -> Option<i32> {
    if word.len() == 4 && word.bytes().all(|b| b.is_ascii_digit()) {
        let y: i32 = word.parse().ok()?;
        return (1900..=2100).contains(&y).then_some(y);
    }
    None
}

/// Every date expression in `text`, resolved against `reference` where relative.
/// Relative expressions are skipped when there is no reference.
pub fn find_dates(text: &str, reference: Option<DateValue>) -> Vec<FoundDate> {
    let toks: Vec<_> = tokenize(text)
        .into_iter()
        .filter(|t| t.kind != TokenKind::Punct || t.text(text) == "(")
        .collect();
    let words: Vec<String> = toks
        .iter()
        .map(|t| t.text(text).trim_end_matches('.').to_ascii_lowercase())
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    let push = |out: &mut Vec<FoundDate>, a: usize, b: usize, value: DateValue| {
        out.push(FoundDate {
            start: toks[a].start,
            end: toks[b].end,
            value,
        });
    };
    while i < toks.len() {
        let w = words[i].as_str();
        let next = |k: usize| words.get(i + k).map(String::as_str).unwrap_or("");
        // Month [day][,] [year]
        if let Some(m) = month_number(w)
            .filter(|_| w != "may" || year_of(next(1)).is_some() || next(1).parse::<u8>().is_ok())
        {
            let day = next(1).parse::<u8>().ok().filter(|d| (1..=31).contains(d));
            let year_at = if day.is_some() { 2 } else { 1 };
            let year = year_of(next(year_at));
            let end = i + if year.is_some() { year_at } else { year_at - 1 };
            let value = match (year, day) {
                (Some(y), Some(d)) if valid(y, m, d) => Some(DateValue::ymd(y, m, d)),
                (Some(y), None) => Some(DateValue::ym(y, m)),
                (None, d) => reference.map(|r| {
                    let ref_month = r.month.unwrap_or(12);
                    let y = if m > ref_month { r.year - 1 } else { r.year };
                    match d {
                        Some(d) if valid(y, m, d) => DateValue::ymd(y, m, d),
                        _ => DateValue::ym(y, m),
                    }
                }),
                _ => None,
            };
            if let Some(v) = value {
                push(&mut out, i, end, v);
                i = end + 1;
                continue;
            }
        }
        // day Month [year]
        if let (Ok(d), Some(m)) = (w.parse::<u8>(), month_number(next(1))) {
            if let Some(y) = year_of(next(2)).or(reference.map(|r| r.year)) {
                if valid(y, m, d) {
                    let end = if year_of(next(2)).is_some() {
                        i + 2
                    } else {
                        i + 1
                    };
                    push(&mut out, i, end, DateValue::ymd(y, m, d));
                    i = end + 1;
                    continue;
                }
            }
        }
        // the close / end / beginning / start of YEAR
        if matches!(w, "close" | "end" | "beginning" | "start") && next(1) == "of" {
            if let Some(y) = year_of(next(2)) {
                let m = if matches!(w, "close" | "end") { 12 } else { 1 };
                push(&mut out, i, i + 2, DateValue::ym(y, m));
                i += 3;
                continue;
            }
        }
        // weekday, against the reference
        if let (Some(wd), Some(r)) = (weekday_number(w), reference) {
            if let Some(rw) = r.weekday() {
                let back = (i64::from(rw) - i64::from(wd)).rem_euclid(7);
                push(&mut out, i, i, r.minus_days(back));
                i += 1;
                continue;
            }
        }
        // this / last year, this / last month
        if let (Some(r), true) = (reference, matches!(w, "this" | "last")) {
            let last = w == "last";
            match next(1) {
                "year" => {
                    push(
                        &mut out,
                        i,
                        i + 1,
                        DateValue::y(if last { r.year - 1 } else { r.year }),
                    );
                    i += 2;
                    continue;
                }
                "month" if r.month.is_some() => {
                    let m = r.month.unwrap_or(1);
                    let v = if !last {
                        DateValue::ym(r.year, m)
                    } else if m == 1 {
                        DateValue::ym(r.year - 1, 12)
                    } else {
                        DateValue::ym(r.year, m - 1)
                    };
                    push(&mut out, i, i + 1, v);
                    i += 2;
                    continue;
                }
                _ => {}
            }
        }
        // a bare year after a preposition: in 2019, since 2016
        if let Some(y) = year_of(w) {
            let prev = if i > 0 { words[i - 1].as_str() } else { "" };
            if matches!(
                prev,
                "in" | "since"
                    | "by"
                    | "of"
                    | "during"
                    | "until"
                    | "from"
                    | "early"
                    | "late"
                    | "mid"
                    | "throughout"
                    | "before"
                    | "after"
            ) {
                push(&mut out, i, i, DateValue::y(y));
            }
        }
        i += 1;
    }
    out
}

/// Whether two passages' dates tell of different happenings rather than contradict each
/// other: both name dates, none agree, and one passage's article appeared (on a known day)
/// before every day the other names, so it cannot be telling of them. "Gunmen attacked the
/// checkpoint on 9 March" says nothing against an article of 3 March that dates its attack
/// to 3 March; two articles of 10 March, one dating the attack to the 3rd and one to the
/// 9th, do contradict each other.
pub fn different_happenings(
    a: &[DateValue],
    a_published: Option<DateValue>,
    b: &[DateValue],
    b_published: Option<DateValue>,
) -> bool {
    let before_all = |published: Option<DateValue>, other: &[DateValue]| match (
        published,
        other.iter().map(DateValue::first_day).min(),
    ) {
        (Some(p), Some(earliest)) => p.day.is_some() && p.first_day() < earliest,
        _ => false,
    };
    !a.is_empty()
        && !b.is_empty()
        && !a.iter().any(|x| b.iter().any(|y| x.agrees_with(y)))
        && (before_all(a_published, b) || before_all(b_published, a))
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_after_an_article_appeared_tell_of_another_happening() {
        let (mar3, mar9) = (DateValue::ymd(2025, 3, 3), DateValue::ymd(2025, 3, 9));
        let mar10 = DateValue::ymd(2025, 3, 10);
        // an article of 3 March could not have told of 9 March
        assert!(different_happenings(
            &[mar3],
            Some(mar3),
            &[mar9],
            Some(mar9)
        ));
        assert!(different_happenings(
            &[mar9],
            Some(mar9),
            &[mar3],
            Some(mar3)
        ));
        // both appeared after both days: a contradiction, not two happenings
        assert!(!different_happenings(
            &[mar3],
            Some(mar10),
            &[mar9],
            Some(mar10)
        ));
        // agreeing dates, a missing date or an unknown publication day tell nothing
        assert!(!different_happenings(
            &[mar3],
            Some(mar3),
            &[DateValue::ym(2025, 3)],
            Some(mar9)
        ));
        assert!(!different_happenings(&[], Some(mar3), &[mar9], Some(mar9)));
        assert!(!different_happenings(
            &[mar3],
            None,
            &[mar9],
            Some(DateValue::ym(2025, 3))
        ));
        // a month names its first day: an article of 3 March cannot tell of April
        let april = DateValue::ym(2025, 4);
        assert!(different_happenings(
            &[mar3],
            Some(mar3),
            &[april],
            Some(mar10)
        ));
    }

    use super::*;

    fn check(text: &str, reference: Option<&str>, expected: &[&str]) {
        let r = reference.and_then(parse_iso);
        let got: Vec<String> = find_dates(text, r)
            .iter()
            .map(|f| f.value.to_string())
            .collect();
        assert_eq!(got, expected, "{text}");
    }

    #[test]
    fn absolute_and_relative_dates() {
        check("Published on November 11, 2025", None, &["2025-11-11"]);
        check("on 11 Nov 2025 at noon", None, &["2025-11-11"]);
        check(
            "overthrew Assad in December",
            Some("2025-11-11"),
            &["2024-12"],
        );
        check("overthrew Assad at the close of 2024", None, &["2024-12"]);
        check(
            "would sign an agreement today (Monday)",
            Some("2025-11-10"),
            &["2025-11-10"],
        );
        check("announced on Saturday", Some("2025-11-11"), &["2025-11-08"]);
        check("defeat in 2019 and 14 years of war", None, &["2019"]);
        check("detected in late October", Some("2025-11-10"), &["2025-10"]);
        check("it may rain", Some("2025-11-10"), &[]);
        check("in December", None, &[]);
    }

    #[test]
    fn december_agrees_with_close_of_year() {
        let a = find_dates("in December", parse_iso("2025-11-11"))[0].value;
        let b = find_dates("at the close of 2024", None)[0].value;
        assert!(a.agrees_with(&b));
        assert!(!a.agrees_with(&DateValue::ym(2025, 12)));
    }

    #[test]
    fn numeric_and_url_dates() {
        assert_eq!(
            parse_numeric("11/11/2025"),
            Some(DateValue::ymd(2025, 11, 11))
        );
        assert_eq!(
            parse_numeric("11/18/19"),
            Some(DateValue::ymd(2019, 11, 18))
        );
        assert_eq!(
            parse_numeric("25.11.2025"),
            Some(DateValue::ymd(2025, 11, 25))
        );
        assert_eq!(
            parse_numeric("2025/11/09"),
            Some(DateValue::ymd(2025, 11, 9))
        );
        assert_eq!(parse_numeric("13/13/2025"), None);
        assert_eq!(parse_numeric("1/2"), None);
        assert_eq!(
            parse_written("By Jo Smith - 11/18/19 11:04 PM EST"),
            Some(DateValue::ymd(2019, 11, 18))
        );
        assert_eq!(
            date_in_url("https://ex.com/news/2025/11/11/syria-joins"),
            Some(DateValue::ymd(2025, 11, 11))
        );
        assert_eq!(
            date_in_url("https://ex.com/2019-11-18-story.html"),
            Some(DateValue::ymd(2019, 11, 18))
        );
        assert_eq!(
            date_in_url("https://ex.com/a/20191118/x"),
            Some(DateValue::ymd(2019, 11, 18))
        );
        assert_eq!(date_in_url("https://ex.com/a/12345/x"), None);
    }

    #[test]
    fn iso_forms() {
        assert_eq!(
            parse_iso("2025-11-11T08:00:00Z"),
            Some(DateValue::ymd(2025, 11, 11))
        );
        assert_eq!(parse_iso("2025-02-30"), None);
        assert_eq!(DateValue::ymd(2025, 11, 10).weekday(), Some(0));
    }
}
