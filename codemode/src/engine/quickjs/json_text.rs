//! Reads the JSON text the engine writes for values crossing into Rust.
//!
//! JavaScript strings may hold lone UTF-16 surrogates, which `JSON.stringify` writes as
//! `\udXXX` escapes that no Rust string can hold; they are read as U+FFFD instead, as
//! a lossy UTF-8 conversion would.

use serde::de::DeserializeOwned;

/// Levels of arrays and objects serde_json reads before it gives up.
const READABLE_NESTING: usize = 127;

/// Why JSON text written by the engine could not be read.
#[derive(Debug)]
pub(super) enum Unreadable {
    /// It nests more than [`READABLE_NESTING`] levels.
    TooDeep,
    /// Anything else, which the engine never writes.
    Invalid(serde_json::Error),
}

/// Parses JSON text written by the engine.
pub(super) fn parse<T: DeserializeOwned>(text: &str) -> Result<T, Unreadable> {
    let parsed = match serde_json::from_str(text) {
        Err(error) if text.contains("\\ud") || text.contains("\\uD") => {
            serde_json::from_str(&replace_lone_surrogates(text)).map_err(|_| error)
        }
        parsed => parsed,
    };
    parsed.map_err(|error| {
        if nesting(text) > READABLE_NESTING {
            Unreadable::TooDeep
        } else {
            Unreadable::Invalid(error)
        }
    })
}

/// The deepest nesting of arrays and objects in JSON text.
fn nesting(text: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0);
    let (mut in_string, mut escaped) = (false, false);
    for byte in text.bytes() {
        match (in_string, byte) {
            (true, _) if escaped => escaped = false,
            (true, b'\\') => escaped = true,
            (true, b'"') | (false, b'"') => in_string = !in_string,
            (false, b'[' | b'{') => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            (false, b']' | b'}') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
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
    use serde_json::{json, Value};

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        let text = r#"{"a":"x\ud800y","b":"\udc00","c":"\ud83c\udf0d","d":"\\ud800"}"#;
        assert_eq!(
            parse::<Value>(text).expect("repaired"),
            json!({ "a": "x\u{fffd}y", "b": "\u{fffd}", "c": "🌍", "d": "\\ud800" })
        );
    }

    #[test]
    fn only_text_nested_too_deep_is_too_deep() {
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(matches!(parse::<Value>(&deep), Err(Unreadable::TooDeep)));
        let readable = format!("{}{}", "[".repeat(127), "]".repeat(127));
        assert!(parse::<Value>(&readable).is_ok());
        let quoted = format!("[\"{}\", 1", "[".repeat(200));
        assert!(matches!(
            parse::<Value>(&quoted),
            Err(Unreadable::Invalid(_))
        ));
    }

    #[test]
    fn a_high_surrogate_before_another_high_one_is_lone() {
        assert_eq!(
            parse::<Value>(r#""\ud800\ud800\udc00""#).expect("repaired"),
            json!("\u{fffd}\u{10000}")
        );
    }
}
