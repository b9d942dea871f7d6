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
/// Lines end with CRLF, as RFC 4180 asks; fields are quoted only when they hold a comma, a
/// quote or a line break.
pub fn to_csv(d: &Dossier) -> String {
    match facts_csv(d) {
        Ok(csv) => csv,
        // Unreachable (rows of one length, written to memory), but never a truncated table.
        Err(e) => format!("error: {e}\r\n"),
    }
}

fn facts_csv(d: &Dossier) -> Result<String, Box<dyn std::error::Error>> {
    let mut w = writer();
    write_row(&mut w, CSV_COLUMNS.iter().map(|c| c.to_string()))?;
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
        write_row(
            &mut w,
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
        )?;
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}

fn writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new())
}

/// One record, each field defused against spreadsheet formulas.
fn write_row(
    w: &mut csv::Writer<Vec<u8>>,
    fields: impl Iterator<Item = String>,
) -> csv::Result<()> {
    w.write_record(fields.map(|field| {
        // A leading =, +, - or @ would run as a formula in a spreadsheet; quoting does not
        // stop that, a leading apostrophe does (OWASP CSV injection advice).
        if field.starts_with(['=', '+', '-', '@']) {
            format!("'{field}")
        } else {
            field
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_with_commas_quotes_and_formulas_are_quoted() {
        let mut w = writer();
        write_row(
            &mut w,
            [
                "a,b".to_string(),
                "say \"hi\"".into(),
                "=1+1".into(),
                "plain".into(),
                "two\nlines".into(),
            ]
            .into_iter(),
        )
        .unwrap();
        let out = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert_eq!(
            out,
            "\"a,b\",\"say \"\"hi\"\"\",'=1+1,plain,\"two\nlines\"\r\n"
        );
    }
}
