//! Attachments: bytes a program adds to its answer with `attach(data, mimeType)`, for
//! the model to see as images, audio or files.

use crate::value::{base64_len, Bytes};
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use std::borrow::Cow;

/// Bytes a program attached to its answer with `attach(data, mimeType)`.
///
/// Over MCP each one becomes a content block after the JSON text block: `image/*` an
/// image, `audio/*` audio, anything else an embedded resource holding a blob. In the
/// outcome's JSON it is listed as `{ "mimeType": "image/png", "bytes": 1234 }`, without
/// its data, which travels beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    /// Its MIME type, as the program gave it: `image/png`, `audio/wav`, `application/pdf`.
    pub mime_type: String,
    /// Its bytes.
    pub data: Bytes,
}

/// Bytes of an attachment's entry in the outcome's JSON beyond its MIME type:
/// `{"mimeType":"","bytes":}`, the digits of its size and a comma.
const ENTRY_BYTES: usize = 48;

impl Attachment {
    /// What it costs against the result limit: its data as base64 and its entry in the
    /// outcome's JSON.
    pub(crate) fn cost(mime_type: &str, len: usize) -> usize {
        base64_len(len)
            .saturating_add(mime_type.len())
            .saturating_add(ENTRY_BYTES)
    }
}

impl Serialize for Attachment {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut entry = serializer.serialize_struct("Attachment", 2)?;
        entry.serialize_field("mimeType", &self.mime_type)?;
        entry.serialize_field("bytes", &self.data.len())?;
        entry.end()
    }
}

impl JsonSchema for Attachment {
    fn schema_name() -> Cow<'static, str> {
        "Attachment".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Bytes the program attached with `attach(data, mimeType)`; their data follows the JSON as a content block.",
            "type": "object",
            "properties": {
                "mimeType": {
                    "description": "The MIME type the program gave: `image/png`, `audio/wav`, `application/pdf`.",
                    "type": "string"
                },
                "bytes": {
                    "description": "The attachment's size in bytes.",
                    "type": "integer",
                    "minimum": 0
                }
            },
            "required": ["mimeType", "bytes"]
        })
    }
}

/// Longest MIME type accepted, parameters included.
const MAX_MIME_TYPE: usize = 255;

/// Checks that `text` is a MIME type: `type/subtype`, each a name of RFC 6838's
/// letters, digits and `!#$&-^_.+`, then optionally `;` parameters in printable ASCII.
pub(crate) fn check_mime_type(text: &str) -> Result<(), String> {
    let (essence, parameters) = text.split_once(';').unwrap_or((text, ""));
    let valid = text.len() <= MAX_MIME_TYPE
        && essence
            .split_once('/')
            .is_some_and(|(kind, subtype)| is_name(kind) && is_name(subtype))
        && parameters.bytes().all(|byte| (0x20..0x7f).contains(&byte));
    if valid {
        Ok(())
    } else {
        Err(format!(
            "{} is not a MIME type; pass one such as \"image/png\", \"audio/wav\" or \"application/pdf\"",
            quoted(text)
        ))
    }
}

fn is_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|first| first.is_ascii_alphanumeric())
        && bytes.all(|byte| byte.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&byte))
        && name.len() <= 127
}

/// `text` in double quotes, cut short when long, for a message.
fn quoted(text: &str) -> String {
    const SHOWN: usize = 60;
    if text.chars().count() <= SHOWN {
        return format!("{text:?}");
    }
    let short: String = text.chars().take(SHOWN).collect();
    format!("{short:?}...")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mime_types_are_type_slash_subtype_with_optional_parameters() {
        for good in [
            "image/png",
            "audio/wav",
            "application/pdf",
            "image/svg+xml",
            "application/vnd.ms-excel",
            "text/plain; charset=utf-8",
        ] {
            assert_eq!(check_mime_type(good), Ok(()), "{good}");
        }
        for bad in [
            "png",
            "",
            "image/",
            "/png",
            "image /png",
            "image/png\n",
            "a/b/c",
        ] {
            let error = check_mime_type(bad).expect_err(bad);
            assert!(error.contains("is not a MIME type"), "{error}");
        }
        assert!(check_mime_type(&format!("image/{}", "x".repeat(300))).is_err());
    }

    #[test]
    fn the_json_lists_size_and_type_without_data() {
        let attachment = Attachment {
            mime_type: "image/png".to_owned(),
            data: Bytes::from(vec![1, 2, 3]),
        };
        let json = serde_json::to_string(&attachment).expect("serializes");
        assert_eq!(json, r#"{"mimeType":"image/png","bytes":3}"#);
        assert!(json.len() <= Attachment::cost("image/png", 3));
    }
}
