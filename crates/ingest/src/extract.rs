//! Rich extraction records for the `extract` command.
use crate::ReadError;

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Extracted {
    pub text: String,
}

pub fn extract_html(bytes: &[u8], _url: Option<&str>) -> Result<Extracted, ReadError> {
    let (s, _) = crate::decode_text(bytes)?;
    let doc = dom_query::Document::from(s.as_str());
    let text = crate::body::main_text(doc, 200_000).ok_or(ReadError::NoText("no body".into()))?;
    Ok(Extracted { text })
}
