//! Reads the JSON text the engine writes for values crossing into Rust.
//!
//! JavaScript strings may hold lone UTF-16 surrogates, which `JSON.stringify` writes as
//! `\udXXX` escapes that no Rust string can hold; they are read as U+FFFD instead, as
//! a lossy UTF-8 conversion would.

use serde_json::Value;

/// Parses JSON text written by the engine.
pub(super) fn parse(text: &str) -> serde_json::Result<Value> {
    match serde_json::from_str(text) {
        Err(error) if text.contains("\\ud") || text.contains("\\uD") => {
            serde_json::from_str(&replace_lone_surrogates(text)).map_err(|_| error)
        }
        parsed => parsed,
    }
}

/// The text with every `\u` escape of a lone surrogate replaced by `\ufffd`.
fn replace_lone_surrogates(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(unit) = escaped_unit(rest) else {
            // Any other escape: keep the backslash and the character it escapes.
            let end = rest[1..].chars().next().map_or(1, |c| 1 + c.len_utf8());
            out.push_str(&rest[..end]);
            rest = &rest[end..];
            continue;
        };
        let high = (0xD800..0xDC00).contains(&unit);
        let low_follows =
            escaped_unit(&rest[6..]).is_some_and(|next| (0xDC00..0xE000).contains(&next));
        if high && low_follows {
            out.push_str(&rest[..12]);
            rest = &rest[12..];
        } else if (0xD800..0xE000).contains(&unit) {
            out.push_str("\\ufffd");
            rest = &rest[6..];
        } else {
            out.push_str(&rest[..6]);
            rest = &rest[6..];
        }
    }
    out.push_str(rest);
    out
}

/// The code unit of a `\uXXXX` escape at the start of `text`.
fn escaped_unit(text: &str) -> Option<u32> {
    let digits = text.strip_prefix("\\u")?.get(..4)?;
    u32::from_str_radix(digits, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        let text = r#"{"a":"x\ud800y","b":"\udc00","c":"\ud83c\udf0d","d":"\\ud800"}"#;
        assert_eq!(
            parse(text).expect("repaired"),
            json!({ "a": "x\u{fffd}y", "b": "\u{fffd}", "c": "🌍", "d": "\\ud800" })
        );
    }

    #[test]
    fn a_high_surrogate_before_another_high_one_is_lone() {
        assert_eq!(
            parse(r#""\ud800\ud800\udc00""#).expect("repaired"),
            json!("\u{fffd}\u{10000}")
        );
    }
}
