//! The derivations in a dossier as W3C PROV-JSON (<https://www.w3.org/submissions/prov-json/>):
//! articles, quotes and facts are entities, outlets are agents.
//!
//! - a copy `wasDerivedFrom` its original (`cor:kind` duplicate or rewrite, `cor:basis`);
//! - a quote `wasDerivedFrom` its article (`prov:type` `prov:Quotation`, with byte offsets);
//! - a quote whose article attributes it to someone `hadPrimarySource` that source;
//! - a fact `wasDerivedFrom` each of its quotes;
//! - an article `wasAttributedTo` its outlet.

use std::collections::BTreeMap;

use corroborate_model::{CopyBasis, CopyKind, Dossier, EvidenceStance, Status};
use serde_json::{json, Map, Value};

/// The PROV-JSON document, pretty-printed, ending in a newline. Keys are sorted and relation
/// ids numbered in dossier order, so the same dossier gives the same bytes.
pub fn to_prov_json(d: &Dossier) -> String {
    let mut entity = Map::new();
    let mut agent = Map::new();
    let mut derived = Map::new();
    let mut primary = Map::new();
    let mut attributed = Map::new();
    let mut n = 0usize;
    let mut next = |prefix: &str| {
        n += 1;
        format!("_:{prefix}{n}")
    };
    for a in &d.articles {
        let mut attrs = Map::new();
        attrs.insert("prov:type".into(), json!("cor:Article"));
        if let Some(t) = &a.title {
            attrs.insert("prov:label".into(), json!(t));
        }
        if let Some(u) = &a.url {
            attrs.insert("prov:location".into(), json!(u));
        }
        if let Some(p) = &a.published {
            attrs.insert("cor:published".into(), json!(p));
        }
        entity.insert(article_ref(&a.id), Value::Object(attrs));
        if let Some(outlet) = &a.outlet {
            let id = format!("cor:outlet/{}", escape_ref(outlet));
            agent.insert(
                id.clone(),
                json!({"prov:type": "prov:Organization", "prov:label": outlet}),
            );
            attributed.insert(
                next("wat"),
                json!({"prov:entity": article_ref(&a.id), "prov:agent": id}),
            );
        }
    }
    for c in &d.copies {
        let kind = match c.kind {
            CopyKind::Duplicate => "duplicate",
            CopyKind::Rewrite => "rewrite",
            CopyKind::Partial => "partial",
        };
        let basis = match c.basis {
            CopyBasis::Attribution => "attribution",
            CopyBasis::EarlierDate => "earlier_date",
            CopyBasis::Undetermined => "undetermined",
        };
        derived.insert(
            next("wdf"),
            json!({
                "prov:generatedEntity": article_ref(&c.article),
                "prov:usedEntity": article_ref(&c.of),
                "cor:kind": kind,
                "cor:basis": basis,
                "cor:similarity": c.similarity,
            }),
        );
    }
    let mut sources: BTreeMap<String, String> = BTreeMap::new();
    for f in &d.facts {
        let status = match f.status {
            Status::Corroborated => "corroborated",
            Status::SingleSource => "single_source",
            Status::Contested => "contested",
        };
        let fact_ref = format!("cor:fact/{}", escape_ref(&f.id));
        entity.insert(
            fact_ref.clone(),
            json!({
                "prov:type": "cor:Fact",
                "prov:value": f.statement,
                "cor:status": status,
                "cor:independentSources": f.independent_sources,
                "cor:story": f.story,
            }),
        );
        for ev in &f.evidence {
            let quote_ref = format!(
                "cor:quote/{}/{}-{}",
                escape_ref(&ev.article),
                ev.start,
                ev.end
            );
            let stance = match ev.stance {
                EvidenceStance::Asserts => "asserts",
                EvidenceStance::Reports => "reports",
                EvidenceStance::Denies => "denies",
            };
            entity.insert(
                quote_ref.clone(),
                json!({"prov:type": "cor:Quote", "prov:value": ev.quote, "cor:start": ev.start, "cor:end": ev.end, "cor:stance": stance}),
            );
            derived.insert(
                next("wdf"),
                json!({"prov:generatedEntity": quote_ref, "prov:usedEntity": article_ref(&ev.article), "prov:type": "prov:Quotation"}),
            );
            derived.insert(
                next("wdf"),
                json!({"prov:generatedEntity": fact_ref, "prov:usedEntity": quote_ref, "cor:stance": stance}),
            );
            if let Some(who) = &ev.attributed_to {
                let source_ref = format!("cor:source/{}", escape_ref(who));
                sources.insert(source_ref.clone(), who.clone());
                primary.insert(
                    next("hps"),
                    json!({"prov:generatedEntity": quote_ref, "prov:usedEntity": source_ref}),
                );
            }
        }
    }
    for (id, label) in sources {
        entity.insert(
            id,
            json!({"prov:type": "cor:NamedSource", "prov:label": label}),
        );
    }
    let mut doc = Map::new();
    doc.insert(
        "prefix".into(),
        json!({"cor": "urn:corroborate:", "prov": "http://www.w3.org/ns/prov#"}),
    );
    doc.insert("entity".into(), Value::Object(entity));
    if !agent.is_empty() {
        doc.insert("agent".into(), Value::Object(agent));
    }
    for (key, rel) in [
        ("wasDerivedFrom", derived),
        ("hadPrimarySource", primary),
        ("wasAttributedTo", attributed),
    ] {
        if !rel.is_empty() {
            doc.insert(key.into(), Value::Object(rel));
        }
    }
    let mut out = serde_json::to_string_pretty(&Value::Object(doc)).unwrap_or_default();
    out.push('\n');
    out
}

fn article_ref(id: &str) -> String {
    format!("cor:article/{}", escape_ref(id))
}

/// Qualified names may not hold spaces or most punctuation; percent-encode them.
fn escape_ref(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_valid_qualified_name_parts() {
        assert_eq!(escape_ref("Al Jazeera/x"), "Al%20Jazeera%2Fx");
        assert_eq!(escape_ref("000_ab-c.d"), "000_ab-c.d");
    }
}
