//! The facts of a dossier as CSV (RFC 4180): one row per fact, for spreadsheets.

use corroborate_model::{Dossier, Status};

/// Column names of [`to_csv`], in order.
pub const CSV_COLUMNS: [&str; 10] = [
    "fact",
    "story",
    "status",
    "independent_sources",
    "origins",
    "articles",
    "denied_by",
    "date",
    "conflicts",
    "statement",
];

/// One header line, then one line per fact in dossier order. Lists are joined with `; `.
/// Lines end with CRLF, as RFC 4180 asks.
pub fn to_csv(d: &Dossier) -> String {
    let mut out = String::new();
    push_row(&mut out, CSV_COLUMNS.iter().map(|c| c.to_string()));
    for f in &d.facts {
        let status = match f.status {
            Status::Corroborated => "corroborated",
            Status::SingleSource => "single_source",
            Status::Contested => "contested",
        };
        let denied_by: Vec<&str> = f
            .evidence
            .iter()
            .filter(|e| e.stance == corroborate_model::EvidenceStance::Denies)
            .map(|e| e.article.as_str())
            .collect();
        push_row(
            &mut out,
            [
                f.id.clone(),
                f.story.clone(),
                status.to_string(),
                f.independent_sources.to_string(),
                f.origins.join("; "),
                f.articles.join("; "),
                denied_by.join("; "),
                f.date.clone().unwrap_or_default(),
                f.conflicts.join("; "),
                f.statement.clone(),
            ]
            .into_iter(),
        );
    }
    out
}

fn push_row(out: &mut String, fields: impl Iterator<Item = String>) {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        // A leading =, +, - or @ would run as a formula in a spreadsheet; quoting does not
        // stop that, a leading apostrophe does (OWASP CSV injection advice).
        let field = if field.starts_with(['=', '+', '-', '@']) {
            format!("'{field}")
        } else {
            field
        };
        if field.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&field);
        }
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_with_commas_quotes_and_formulas_are_quoted() {
        let mut out = String::new();
        push_row(
            &mut out,
            [
                "a,b".to_string(),
                "say \"hi\"".into(),
                "=1+1".into(),
                "plain".into(),
            ]
            .into_iter(),
        );
        assert_eq!(out, "\"a,b\",\"say \"\"hi\"\"\",'=1+1,plain\r\n");
    }
}
