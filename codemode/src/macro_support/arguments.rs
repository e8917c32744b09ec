//! Decoding a keyword-arguments object into typed parameters, with errors that name the
//! function, the parameter and what was expected.

use super::Parameter;
use crate::tool_error::ToolError;
use crate::value::{Map, Value};

/// The keyword arguments of one call, taken parameter by parameter.
pub struct Arguments {
    path: &'static str,
    values: Map,
}

impl Arguments {
    /// Checks that `args` is an object whose keys are all among `known`.
    pub fn new(path: &'static str, args: Value, known: &[&str]) -> Result<Self, ToolError> {
        let values = match args {
            Value::Object(values) => values,
            Value::Null => Map::new(),
            other => {
                return Err(ToolError::new(format!(
                    "{path}: expected an object of keyword arguments, got {}",
                    other.kind()
                )))
            }
        };
        if let Some(unknown) = values.keys().find(|key| !known.contains(&key.as_str())) {
            let expected = if known.is_empty() {
                "it takes no arguments".to_owned()
            } else {
                format!(
                    "expected {}",
                    known
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            return Err(ToolError::new(format!(
                "{path}: unknown argument `{unknown}`; {expected}"
            )));
        }
        Ok(Self { path, values })
    }

    /// Takes a required parameter.
    pub fn required<T: Parameter>(&mut self, name: &str) -> Result<T, ToolError> {
        match self.values.remove(name) {
            Some(value) => decode(self.path, Some(name), value),
            None => match decode::<T>(self.path, Some(name), Value::Null) {
                Ok(value) => Ok(value),
                Err(_) => Err(ToolError::new(format!(
                    "{}: missing required argument `{name}`",
                    self.path
                ))),
            },
        }
    }

    /// Takes an optional parameter: absent and `null` are `None`.
    pub fn optional<T: Parameter>(&mut self, name: &str) -> Result<Option<T>, ToolError> {
        match self.values.remove(name) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => decode(self.path, Some(name), value).map(Some),
        }
    }
}

/// Decodes the whole keyword-arguments object into one struct.
pub fn whole<T: Parameter>(path: &'static str, args: Value) -> Result<T, ToolError> {
    let args = if args.is_null() {
        Value::Object(Map::new())
    } else {
        args
    };
    decode(path, None, args)
}

fn decode<T: Parameter>(path: &str, name: Option<&str>, value: Value) -> Result<T, ToolError> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let inner = error.path().to_string();
        let location = match (name, inner.as_str()) {
            (Some(name), ".") => name.to_owned(),
            (Some(name), inner) if inner.starts_with('[') => format!("{name}{inner}"),
            (Some(name), inner) => format!("{name}.{inner}"),
            (None, inner) => inner.to_owned(),
        };
        ToolError::new(format!(
            "{path}: {}",
            explain(&location, &error.into_inner().to_string())
        ))
    })
}

/// Rewrites serde's messages in the words of the JavaScript caller.
fn explain(location: &str, message: &str) -> String {
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        if let Some((got, expected)) = rest.split_once(", expected ") {
            return format!(
                "invalid type for `{location}`: expected {}, got {}",
                expected_words(expected),
                got_words(got)
            );
        }
    }
    if let Some(rest) = message.strip_prefix("invalid value: ") {
        if let Some((got, expected)) = rest.split_once(", expected ") {
            return format!("invalid value for `{location}`: expected {expected}, got {got}");
        }
    }
    if let Some(field) = message.strip_prefix("missing field ") {
        return format!("missing required field {field} in `{location}`");
    }
    if let Some(rest) = message.strip_prefix("unknown field ") {
        return format!("unknown field {rest} in `{location}`");
    }
    if location == "." {
        message.to_owned()
    } else {
        format!("invalid `{location}`: {message}")
    }
}

fn expected_words(expected: &str) -> String {
    match expected {
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "an integer".to_owned(),
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "a non-negative integer".to_owned(),
        "f32" | "f64" => "a number".to_owned(),
        "a sequence" => "an array".to_owned(),
        "a map" => "an object".to_owned(),
        other if other.starts_with("struct ") => "an object".to_owned(),
        other => other.to_owned(),
    }
}

fn got_words(got: &str) -> &'static str {
    let kind = got.split_whitespace().next().unwrap_or(got);
    match kind {
        "string" => "a string",
        "integer" => "an integer",
        "floating" => "a number",
        "boolean" => "a boolean",
        "null" | "unit" => "null",
        "sequence" => "an array",
        "map" => "an object",
        "byte" => "a Uint8Array",
        _ => "a value of another type",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Bytes;
    use serde_json::json;

    fn object(json: serde_json::Value) -> Value {
        Value::from(json)
    }

    #[test]
    fn type_errors_name_the_parameter_in_javascript_words() {
        let mut args =
            Arguments::new("add", object(json!({ "a": "x" })), &["a", "b"]).expect("an object");
        let error = args
            .required::<i64>("a")
            .expect_err("a string is not an integer");
        assert_eq!(
            error.message(),
            "add: invalid type for `a`: expected an integer, got a string"
        );
    }

    #[test]
    fn missing_and_unknown_arguments_are_named() {
        let mut args =
            Arguments::new("add", object(json!({ "a": 1 })), &["a", "b"]).expect("an object");
        let error = args.required::<i64>("b").expect_err("b is missing");
        assert_eq!(error.message(), "add: missing required argument `b`");
        let error = Arguments::new("add", object(json!({ "c": 1 })), &["a", "b"])
            .err()
            .expect("c is unknown");
        assert_eq!(
            error.message(),
            "add: unknown argument `c`; expected `a`, `b`"
        );
    }

    #[test]
    fn nested_errors_carry_their_path() {
        let mut args =
            Arguments::new("sum", object(json!({ "xs": [1, "two"] })), &["xs"]).expect("an object");
        let error = args
            .required::<Vec<i64>>("xs")
            .expect_err("a string in the list");
        assert_eq!(
            error.message(),
            "sum: invalid type for `xs[1]`: expected an integer, got a string"
        );
    }

    #[test]
    fn optional_arguments_accept_absence_and_null() {
        let mut args =
            Arguments::new("f", object(json!({ "b": null })), &["a", "b"]).expect("an object");
        assert_eq!(args.optional::<i64>("a").expect("absent"), None);
        assert_eq!(args.optional::<i64>("b").expect("null"), None);
    }

    #[test]
    fn bytes_and_the_wrong_kind_for_them_are_named() {
        let mut entries = Map::new();
        entries.insert("data", Bytes::from(vec![1, 2]));
        entries.insert("name", Bytes::from(vec![3]));
        entries.insert("other", "text");
        let mut args = Arguments::new("save", Value::Object(entries), &["data", "name", "other"])
            .expect("an object");
        assert_eq!(
            args.required::<Bytes>("data").expect("bytes"),
            Bytes::from(vec![1, 2])
        );
        let error = args
            .required::<String>("name")
            .expect_err("bytes are no string");
        assert_eq!(
            error.message(),
            "save: invalid type for `name`: expected a string, got a Uint8Array"
        );
        let error = args
            .required::<Bytes>("other")
            .expect_err("a string is no bytes");
        assert_eq!(
            error.message(),
            "save: invalid type for `other`: expected a Uint8Array, got a string"
        );
    }
}
