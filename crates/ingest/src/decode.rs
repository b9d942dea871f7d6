//! Bytes to text: UTF-8 (with or without BOM), UTF-16 with a BOM, and a Windows-1252
//! fallback for the legacy pages that are neither.

use crate::ReadError;

const CP1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
];

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
    if bytes.iter().filter(|b| **b == 0).count() > bytes.len() / 10 {
        return Err(ReadError::Encoding(
            "binary data (NUL bytes), not text".into(),
        ));
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
