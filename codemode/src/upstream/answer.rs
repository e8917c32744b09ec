//! The value a program sees for an upstream's `CallToolResult`.
//!
//! - `isError` → the call fails with the upstream's text;
//! - `structuredContent` → that value;
//! - only text blocks → one block that parses as JSON gives the parsed value,
//!   otherwise the text (blocks joined by newlines); no blocks give `null`;
//! - any other block (image, audio, resource, resource link) → every block, in order,
//!   in MCP's own shape: `[{ type: "text", text }, { type: "image", mimeType, data }]`.

use rmcp::model::{CallToolResult, ContentBlock};
use serde_json::Value;

/// The program's value for `result`, or the error message its call fails with.
pub(crate) fn value(result: CallToolResult) -> Result<Value, String> {
    if result.is_error == Some(true) {
        return Err(error_text(&result.content));
    }
    if let Some(structured) = result.structured_content {
        return Ok(structured);
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

/// A content block in MCP's shape. Binary data stays the base64 text MCP carries.
fn block(content: &ContentBlock) -> Value {
    serde_json::to_value(content).unwrap_or(Value::Null)
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
    use serde_json::json;

    fn result(value: Value) -> CallToolResult {
        serde_json::from_value(value).expect("a CallToolResult")
    }

    #[test]
    fn structured_content_wins() {
        let answer = value(result(json!({
            "content": [{ "type": "text", "text": "{\"a\":1}" }],
            "structuredContent": { "a": 2 }
        })));
        assert_eq!(answer, Ok(json!({ "a": 2 })));
    }

    #[test]
    fn text_blocks_parse_as_json_or_stay_text() {
        let one = result(json!({ "content": [{ "type": "text", "text": "[1, 2]" }] }));
        assert_eq!(value(one), Ok(json!([1, 2])));
        let plain = result(json!({ "content": [{ "type": "text", "text": "hello" }] }));
        assert_eq!(value(plain), Ok(json!("hello")));
        let two = result(json!({ "content": [
            { "type": "text", "text": "1" },
            { "type": "text", "text": "2" }
        ] }));
        assert_eq!(value(two), Ok(json!("1\n2")));
        let none = result(json!({ "content": [] }));
        assert_eq!(value(none), Ok(Value::Null));
    }

    #[test]
    fn other_blocks_keep_their_mcp_shape() {
        let mixed = result(json!({ "content": [
            { "type": "text", "text": "a tiny image:" },
            { "type": "image", "mimeType": "image/png", "data": "iVBORw0KGgo=" }
        ] }));
        assert_eq!(
            value(mixed),
            Ok(json!([
                { "type": "text", "text": "a tiny image:" },
                { "type": "image", "mimeType": "image/png", "data": "iVBORw0KGgo=" }
            ]))
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
