//! The value a program sees for an upstream's `CallToolResult`.
//!
//! - `isError` → the call fails with the upstream's text;
//! - `structuredContent` → that value;
//! - only text blocks → one block that parses as JSON gives the parsed value,
//!   otherwise the text (blocks joined by newlines); no blocks give `null`;
//! - any other block (image, audio, resource, resource link) → every block, in order,
//!   in MCP's own shape: `[{ type: "text", text }, { type: "image", mimeType, data }]`,
//!   where an image's or audio's `data` and a resource's `blob` are bytes (a
//!   `Uint8Array`), so `attach(block.data, block.mimeType)` passes them on unchanged.

use crate::value::{base64_decode, Value};
use rmcp::model::{CallToolResult, ContentBlock};

/// The program's value for `result`, or the error message its call fails with.
pub(crate) fn value(result: CallToolResult) -> Result<Value, String> {
    if result.is_error == Some(true) {
        return Err(error_text(&result.content));
    }
    if let Some(structured) = result.structured_content {
        return Ok(Value::from(structured));
    }
    let texts: Option<Vec<&str>> = result
        .content
        .iter()
        .map(|block| block.as_text().map(|text| text.text.as_str()))
        .collect();
    match texts {
        Some(texts) if texts.is_empty() => Ok(Value::Null),
        Some(texts) => Ok(text_value(&texts)),
        None => Ok(Value::Array(result.content.iter().map(block).collect())),
    }
}

/// One text block that is JSON gives its value; anything else the joined text.
fn text_value(texts: &[&str]) -> Value {
    if let [only] = texts {
        if let Ok(parsed) = serde_json::from_str::<Value>(only) {
            return parsed;
        }
    }
    Value::String(texts.join("\n"))
}

/// A content block in MCP's shape, its binary data as bytes: MCP carries an image's or
/// audio's `data` and a resource's `blob` as base64 text, which is decoded here. Text
/// that is not valid base64 stays as the upstream sent it.
fn block(content: &ContentBlock) -> Value {
    let mut value = Value::from(serde_json::to_value(content).unwrap_or_default());
    let binary = match content {
        ContentBlock::Image(_) | ContentBlock::Audio(_) => value
            .as_object_mut()
            .and_then(|block| block.get_mut("data")),
        ContentBlock::Resource(_) => value
            .as_object_mut()
            .and_then(|block| block.get_mut("resource"))
            .and_then(Value::as_object_mut)
            .and_then(|resource| resource.get_mut("blob")),
        _ => None,
    };
    if let Some(field) = binary {
        if let Some(bytes) = field.as_str().and_then(base64_decode) {
            *field = Value::Bytes(bytes);
        }
    }
    value
}

/// The message of a failed call: its text blocks, or a note when it has none.
fn error_text(content: &[ContentBlock]) -> String {
    let texts: Vec<&str> = content
        .iter()
        .filter_map(|block| block.as_text().map(|text| text.text.as_str()))
        .collect();
    if texts.is_empty() {
        "the upstream reported an error without a message".to_owned()
    } else {
        texts.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Bytes;
    use serde_json::json;

    fn result(value: serde_json::Value) -> CallToolResult {
        serde_json::from_value(value).expect("a CallToolResult")
    }

    #[test]
    fn structured_content_wins() {
        let answer = value(result(json!({
            "content": [{ "type": "text", "text": "{\"a\":1}" }],
            "structuredContent": { "a": 2 }
        })));
        assert_eq!(answer, Ok(Value::from(json!({ "a": 2 }))));
    }

    #[test]
    fn text_blocks_parse_as_json_or_stay_text() {
        let one = result(json!({ "content": [{ "type": "text", "text": "[1, 2]" }] }));
        assert_eq!(value(one), Ok(Value::from(json!([1, 2]))));
        let plain = result(json!({ "content": [{ "type": "text", "text": "hello" }] }));
        assert_eq!(value(plain), Ok(Value::from("hello")));
        let two = result(json!({ "content": [
            { "type": "text", "text": "1" },
            { "type": "text", "text": "2" }
        ] }));
        assert_eq!(value(two), Ok(Value::from("1\n2")));
        let none = result(json!({ "content": [] }));
        assert_eq!(value(none), Ok(Value::Null));
    }

    #[test]
    fn other_blocks_keep_their_mcp_shape_with_bytes_for_their_data() {
        let mixed = result(json!({ "content": [
            { "type": "text", "text": "a tiny image:" },
            { "type": "image", "mimeType": "image/png", "data": "iVBORw0KGgo=" },
            { "type": "audio", "mimeType": "audio/wav", "data": "not base64!" },
            { "type": "resource", "resource": { "uri": "file:///a.bin", "blob": "AAEC" } }
        ] }));
        let answer = value(mixed).expect("an answer");
        assert_eq!(
            answer[0],
            json!({ "type": "text", "text": "a tiny image:" })
        );
        assert_eq!(answer[1]["type"], json!("image"));
        assert_eq!(answer[1]["mimeType"], json!("image/png"));
        let png = Bytes::from(vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        assert_eq!(answer[1]["data"], Value::Bytes(png));
        assert_eq!(answer[2]["data"], json!("not base64!"));
        assert_eq!(answer[3]["resource"]["uri"], json!("file:///a.bin"));
        assert_eq!(
            answer[3]["resource"]["blob"],
            Value::Bytes(Bytes::from(vec![0, 1, 2]))
        );
    }

    #[test]
    fn errors_carry_the_upstream_text() {
        let failed = result(json!({
            "content": [{ "type": "text", "text": "no such file" }],
            "isError": true
        }));
        assert_eq!(value(failed), Err("no such file".to_owned()));
    }
}
