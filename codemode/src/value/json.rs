//! Values and JSON: the conversions both ways, bytes as base64 strings in JSON.

use super::{Map, Value};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{Serialize, Serializer};
use serde_json::Value as Json;
use std::fmt;

/// A JSON value; strings stay strings (JSON cannot say which ones are base64).
impl From<Json> for Value {
    fn from(json: Json) -> Self {
        match json {
            Json::Null => Value::Null,
            Json::Bool(flag) => Value::Bool(flag),
            Json::Number(number) => Value::Number(number),
            Json::String(text) => Value::String(text),
            Json::Array(items) => Value::Array(items.into_iter().map(Value::from).collect()),
            Json::Object(entries) => {
                let mut map = Map::with_capacity(entries.len());
                for (key, value) in entries {
                    map.insert(key, Value::from(value));
                }
                Value::Object(map)
            }
        }
    }
}

/// The JSON form of a value: bytes become a base64 string.
impl From<Value> for Json {
    fn from(value: Value) -> Self {
        match value {
            Value::Null => Json::Null,
            Value::Bool(flag) => Json::Bool(flag),
            Value::Number(number) => Json::Number(number),
            Value::String(text) => Json::String(text),
            Value::Bytes(bytes) => Json::String(base64_encode(&bytes)),
            Value::Array(items) => Json::Array(items.into_iter().map(Json::from).collect()),
            Value::Object(entries) => {
                let mut map = serde_json::Map::with_capacity(entries.len());
                for (key, value) in entries {
                    map.insert(key, Json::from(value));
                }
                Json::Object(map)
            }
        }
    }
}

impl PartialEq<Json> for Value {
    /// Whether the two hold the same JSON; bytes equal no JSON value.
    fn eq(&self, json: &Json) -> bool {
        match (self, json) {
            (Value::Null, Json::Null) => true,
            (Value::Bool(a), Json::Bool(b)) => a == b,
            (Value::Number(a), Json::Number(b)) => a == b,
            (Value::String(a), Json::String(b)) => a == b,
            (Value::Array(a), Json::Array(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(a, b)| a == b)
            }
            (Value::Object(a), Json::Object(b)) => {
                a.len() == b.len() && a.iter().all(|(key, a)| b.get(key).is_some_and(|b| a == b))
            }
            _ => false,
        }
    }
}

impl PartialEq<Value> for Json {
    fn eq(&self, value: &Value) -> bool {
        value == self
    }
}

/// A value as JSON text, bytes as base64 strings: what its JSON form prints.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = serde_json::to_string(&JsonForm(self)).map_err(|_| fmt::Error)?;
        f.write_str(&text)
    }
}

/// Serializes a value with its bytes as base64 strings.
struct JsonForm<'a>(&'a Value);

impl Serialize for JsonForm<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Bytes(bytes) => serializer.serialize_str(&base64_encode(bytes)),
            Value::Array(items) => serializer.collect_seq(items.iter().map(JsonForm)),
            Value::Object(entries) => {
                serializer.collect_map(entries.iter().map(|(key, value)| (key, JsonForm(value))))
            }
            scalar => scalar.serialize(serializer),
        }
    }
}

/// The base64 text of `bytes` (standard alphabet, padded).
pub(crate) fn base64_encode(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// The bytes of base64 text (standard alphabet, padded), if it is valid.
#[cfg(any(feature = "mcp", test))]
pub(crate) fn base64_decode(text: &str) -> Option<super::Bytes> {
    STANDARD.decode(text).ok().map(super::Bytes)
}

/// Characters of the base64 text of `len` bytes.
pub(crate) fn base64_len(len: usize) -> usize {
    len.div_ceil(3).saturating_mul(4)
}

/// How a JSON value's type reads in a message: `a string`, `an array`, ...
pub(crate) fn json_kind(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Bytes;
    use serde_json::json;

    #[test]
    fn bytes_are_base64_in_json_and_the_rest_is_unchanged() {
        let mut map = Map::new();
        map.insert("name", "a");
        map.insert("data", Bytes::from(vec![0, 1, 2, 253, 254, 255]));
        map.insert("list", Value::from(vec![Value::Null, Value::from(1.5)]));
        let json = Json::from(Value::Object(map));
        assert_eq!(
            json,
            json!({ "name": "a", "data": "AAEC/f7/", "list": [null, 1.5] })
        );
        assert_eq!(Value::from(json.clone()), json);
    }

    #[test]
    fn display_writes_json_with_base64_bytes() {
        let mut map = Map::new();
        map.insert("n", 1);
        map.insert("data", Bytes::from(vec![1, 2, 3]));
        assert_eq!(Value::Object(map).to_string(), r#"{"n":1,"data":"AQID"}"#);
    }

    #[test]
    fn base64_round_trips_every_length() {
        for len in 0..8 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37) as u8).collect();
            let text = base64_encode(&bytes);
            assert_eq!(text.len(), base64_len(len));
            assert_eq!(base64_decode(&text), Some(Bytes(bytes)));
        }
        assert_eq!(base64_decode("not base64!"), None);
    }

    #[test]
    fn bytes_equal_no_json() {
        assert_ne!(Value::from(Bytes::new()), json!(""));
        assert_ne!(Value::from(Bytes::new()), json!([]));
    }
}
