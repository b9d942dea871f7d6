//! Bytes to text: UTF-8 (with or without BOM), UTF-16 with a BOM, and a Windows-1252
//! fallback for the legacy pages that are neither.

use crate::ReadError;

const CP1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
];

/// The byte a Windows-1252 (or Latin-1) reader turned into `c`, if there is one.
fn cp1252_byte(c: char) -> Option<u8> {
    match u32::from(c) {
        u @ 0x80..=0xFF => u8::try_from(u).ok(),
        _ => CP1252_HIGH
            .iter()
            .position(|&h| h == c)
            .and_then(|i| u8::try_from(0x80 + i).ok()),
    }
}

/// Text that was UTF-8, read once as Windows-1252 and stored again ("itâ€™s" for "it’s",
/// "Â " for a no-break space), repaired: within each run of characters a Windows-1252
/// reader could have made of single bytes, every whole UTF-8 sequence those bytes spell
/// is read back as UTF-8; the other characters stay. Plain Latin-1 text ("Café", "SÃO")
/// spells no whole sequence and is left as it is.
pub fn repair_double_utf8(text: &str) -> std::borrow::Cow<'_, str> {
    // every mis-read sequence opens with a lead byte 0xC2–0xF4 read as Â…ô
    if !text.chars().any(|c| ('\u{c2}'..='\u{f4}').contains(&c)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut run: Vec<(char, u8)> = Vec::new();
    let flush = |run: &mut Vec<(char, u8)>, out: &mut String| {
        let bytes: Vec<u8> = run.iter().map(|r| r.1).collect();
        let mut i = 0;
        while i < run.len() {
            let len = match bytes[i] {
                0xC2..=0xDF => 2,
                0xE0..=0xEF => 3,
                0xF0..=0xF4 => 4,
                _ => 0,
            };
            let seq = bytes.get(i..i + len).filter(|_| len > 0);
            match seq.and_then(|s| std::str::from_utf8(s).ok()) {
                Some(decoded) => {
                    out.push_str(decoded);
                    i += len;
                }
                None => {
                    out.push(run[i].0);
                    i += 1;
                }
            }
        }
        run.clear();
    };
    for c in text.chars() {
        match cp1252_byte(c) {
            Some(b) => run.push((c, b)),
            None => {
                flush(&mut run, &mut out);
                out.push(c);
            }
        }
    }
    flush(&mut run, &mut out);
    std::borrow::Cow::Owned(out)
}

/// Decodes `bytes`; the second value is a warning when a fallback was used.
pub fn decode_text(bytes: &[u8]) -> Result<(String, Option<String>), ReadError> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return std::str::from_utf8(rest)
            .map(|s| (s.to_string(), None))
            .map_err(|e| ReadError::Encoding(e.to_string()));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let le = bytes[0] == 0xFF;
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect();
        return String::from_utf16(&units)
            .map(|s| (s, None))
            .map_err(|e| ReadError::Encoding(format!("bad UTF-16: {e}")));
    }
    // random bytes have few NULs (1 in 256) but about one C0 control byte in nine; text
    // has none beyond tab, newline, carriage return and form feed (one pass counts both)
    let (mut nuls, mut controls) = (0usize, 0usize);
    for &b in bytes {
        if b < 0x20 || b == 0x7f {
            nuls += usize::from(b == 0);
            controls += usize::from(!matches!(b, b'\t' | b'\n' | b'\r' | 0x0c));
        }
    }
    if nuls > bytes.len() / 10 {
        return Err(ReadError::Encoding(
            "binary data (NUL bytes), not text".into(),
        ));
    }
    if controls > bytes.len() / 50 {
        return Err(ReadError::Encoding(format!(
            "binary data ({controls} control bytes in {}), not text",
            bytes.len()
        )));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((s.to_string(), None)),
        Err(e) => {
            let text: String = bytes
                .iter()
                .map(|&b| {
                    if (0x80..0xA0).contains(&b) {
                        CP1252_HIGH[usize::from(b - 0x80)]
                    } else {
                        char::from(b)
                    }
                })
                .collect();
            Ok((
                text,
                Some(format!("not valid UTF-8 ({e}); decoded as Windows-1252")),
            ))
        }
    }
}

/// The charset an HTML page declares in its first 4 KiB (`<meta charset=…>` or
/// `<meta http-equiv="Content-Type" content="…; charset=…">`), or an XML prolog's
/// `encoding="…"`.
fn declared_charset(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    for key in ["charset=", "encoding="] {
        let mut rest = head.as_str();
        while let Some(i) = rest.find(key) {
            let after = rest[i + key.len()..].trim_start_matches(['"', '\'', ' ']);
            let label: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
                .collect();
            if let Some(enc) = encoding_rs::Encoding::for_label(label.as_bytes()) {
                return Some(enc);
            }
            rest = &rest[i + key.len()..];
        }
    }
    None
}

/// Decodes an HTML or XML document: a BOM wins, then a declared charset (windows-1252,
/// windows-1256, KOI8-R, ISO-8859-x, Shift_JIS…), then UTF-8, then Windows-1252.
/// A page that declares UTF-16 without a BOM is read as UTF-8 (the declaration cannot be
/// true of bytes that were sniffable). The second value is a warning when bytes were
/// replaced or a fallback was used.
pub fn decode_html(bytes: &[u8]) -> Result<(String, Option<String>), ReadError> {
    if let Some((enc, _)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_with_bom_removal(bytes);
        let warning = had_errors.then(|| format!("invalid {} bytes replaced", enc.name()));
        return Ok((text.into_owned(), warning));
    }
    if let Some(enc) = declared_charset(bytes).filter(|e| {
        *e != encoding_rs::UTF_8 && *e != encoding_rs::UTF_16LE && *e != encoding_rs::UTF_16BE
    }) {
        let (text, _, had_errors) = enc.decode(bytes);
        let warning = had_errors.then(|| format!("invalid {} bytes replaced", enc.name()));
        return Ok((text.into_owned(), warning));
    }
    decode_text(bytes)
}

#[cfg(test)]
mod tests {
    use super::repair_double_utf8;

    #[test]
    fn utf8_read_as_windows_1252_is_repaired_and_latin_1_text_is_not() {
        assert_eq!(repair_double_utf8("itâ€™s Â£5, cafÃ©"), "it’s £5, café");
        // a right double quote's third byte (0x9D) has no Windows-1252 character
        assert_eq!(repair_double_utf8("â€œyesâ€\u{9d}"), "“yes”");
        for plain in ["Café São Tomé", "SÃO PAULO", "naïve façade", "price: 5 €"] {
            assert_eq!(repair_double_utf8(plain), plain);
        }
    }
}
