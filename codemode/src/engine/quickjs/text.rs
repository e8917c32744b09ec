//! Reads JavaScript strings into Rust strings, which cannot hold lone UTF-16
//! surrogates: each one is read as U+FFFD, as `String.prototype.toWellFormed` and
//! the console do.

use rquickjs::{qjs, Object, Value};

/// The text of `string`.
pub(super) fn lossy(string: &rquickjs::String<'_>) -> String {
    let ctx = string.ctx().as_raw().as_ptr();
    let mut len = 0;
    // SAFETY: `string` is a live string of `ctx`. QuickJS returns a buffer of `len`
    // bytes, or null when out of memory, which is freed exactly once below.
    unsafe {
        let buffer = qjs::JS_ToCStringLen(ctx, &mut len, string.as_raw());
        if buffer.is_null() {
            return String::new();
        }
        let text = from_wtf8(std::slice::from_raw_parts(buffer.cast::<u8>(), len));
        qjs::JS_FreeCString(ctx, buffer);
        text
    }
}

/// The text of `object[key]` when it is a string.
pub(super) fn property(object: &Object<'_>, key: &str) -> Option<String> {
    let value: Value = object.get(key).ok()?;
    value.as_string().map(lossy)
}

/// Decodes UTF-8 in which a lone surrogate is written as the three bytes UTF-8 would
/// give its code point, as QuickJS writes them.
fn from_wtf8(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len());
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(valid) => {
                text.push_str(valid);
                return text;
            }
            Err(error) => {
                let (valid, after) = rest.split_at(error.valid_up_to());
                text.push_str(std::str::from_utf8(valid).unwrap_or_default());
                text.push('\u{fffd}');
                let skip = match after {
                    [0xED, 0xA0..=0xBF, 0x80..=0xBF, ..] => 3,
                    _ => error.error_len().unwrap_or(after.len()),
                };
                rest = &after[skip..];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::from_wtf8;

    #[test]
    fn each_lone_surrogate_becomes_one_replacement_character() {
        assert_eq!(from_wtf8(b"plain \xF0\x9F\x8C\x8D"), "plain 🌍");
        assert_eq!(
            from_wtf8(b"a\xED\xA0\x80b\xED\xB0\x80"),
            "a\u{fffd}b\u{fffd}"
        );
        assert_eq!(from_wtf8(b"\xED\xA0\x80\xED\xB0\x80"), "\u{fffd}\u{fffd}");
        assert_eq!(from_wtf8(b"\0x\xFF"), "\0x\u{fffd}");
    }
}
