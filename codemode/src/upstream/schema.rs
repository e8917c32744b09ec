//! Checking a call's arguments against the upstream tool's `inputSchema` before the
//! call goes out, with errors in the words the Rust tools' argument errors use.

use crate::value::json_kind;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{JsonType, ValidationError, Validator};
use serde_json::Value;
use std::sync::{Arc, OnceLock};

/// Schemas nested deeper than this are not compiled: the upstream checks the
/// arguments itself. Keeps a hostile schema from exhausting the stack.
const MAX_SCHEMA_DEPTH: usize = 48;
/// Schemas with more nodes than this are not compiled either.
const MAX_SCHEMA_NODES: usize = 50_000;

/// The argument check of one upstream tool, compiled on its first call.
pub(crate) struct ArgumentCheck {
    path: String,
    schema: Arc<Value>,
    compiled: OnceLock<Option<Validator>>,
}

impl ArgumentCheck {
    /// A check of the arguments of `codemode.<path>` against `schema`.
    pub(crate) fn new(path: String, schema: Arc<Value>) -> Self {
        Self {
            path,
            schema,
            compiled: OnceLock::new(),
        }
    }

    /// `Ok` when `args` fits the schema (or the schema cannot be checked here);
    /// otherwise the message the call fails with.
    pub(crate) fn check(&self, args: &Value) -> Result<(), String> {
        let Some(validator) = self.compiled.get_or_init(|| self.compile()) else {
            return Ok(());
        };
        match validator.iter_errors(args).next() {
            None => Ok(()),
            Some(error) => Err(format!(
                "codemode.{}: {}",
                self.path,
                explain(&error, args, &self.schema)
            )),
        }
    }

    fn compile(&self) -> Option<Validator> {
        if !within_bounds(&self.schema) {
            tracing::debug!(tool = %self.path, "input schema too large or deep to check here");
            return None;
        }
        match jsonschema::validator_for(&self.schema) {
            Ok(validator) => Some(validator),
            Err(error) => {
                tracing::debug!(tool = %self.path, %error, "input schema cannot be compiled");
                None
            }
        }
    }
}

/// Whether `schema` is small and shallow enough to compile.
fn within_bounds(schema: &Value) -> bool {
    let mut stack = vec![(schema, 0usize)];
    let mut nodes = 0usize;
    while let Some((value, depth)) = stack.pop() {
        nodes += 1;
        if depth > MAX_SCHEMA_DEPTH || nodes > MAX_SCHEMA_NODES {
            return false;
        }
        match value {
            Value::Object(object) => stack.extend(object.values().map(|v| (v, depth + 1))),
            Value::Array(items) => stack.extend(items.iter().map(|v| (v, depth + 1))),
            _ => {}
        }
    }
    true
}

fn explain(error: &ValidationError<'_>, args: &Value, schema: &Value) -> String {
    let pointer = error.instance_path().to_string();
    let location = location(&pointer, args);
    let root = location.is_empty();
    match error.kind() {
        ValidationErrorKind::Type { kind } if root => format!(
            "expected {} of keyword arguments, got {}",
            expected(kind),
            json_kind(error.instance())
        ),
        ValidationErrorKind::Type { kind } => format!(
            "invalid type for `{location}`: expected {}, got {}",
            expected(kind),
            json_kind(error.instance())
        ),
        ValidationErrorKind::Required { property } => {
            let name = property
                .as_str()
                .map_or_else(|| property.to_string(), str::to_owned);
            if root {
                format!("missing required argument `{name}`")
            } else {
                format!("missing required field `{name}` in `{location}`")
            }
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let name = unexpected.first().cloned().unwrap_or_default();
            if root {
                let known: Vec<String> = schema
                    .get("properties")
                    .and_then(Value::as_object)
                    .map(|properties| properties.keys().map(|key| format!("`{key}`")).collect())
                    .unwrap_or_default();
                if known.is_empty() {
                    format!("unknown argument `{name}`; it takes no arguments")
                } else {
                    format!("unknown argument `{name}`; expected {}", known.join(", "))
                }
            } else {
                format!("unknown field `{name}` in `{location}`")
            }
        }
        ValidationErrorKind::Enum { options } => {
            let options = match options.as_ref() {
                Value::Array(options) => options
                    .iter()
                    .map(Value::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                other => other.to_string(),
            };
            format!(
                "invalid value for `{location}`: expected one of {options}, got {}",
                error.instance()
            )
        }
        ValidationErrorKind::Constant { expected_value } => format!(
            "invalid value for `{location}`: expected {expected_value}, got {}",
            error.instance()
        ),
        _ if root => format!("invalid arguments: {}", error.masked()),
        _ => format!("invalid value for `{location}`: {}", error.masked()),
    }
}

/// `a.items[2]` for the JSON pointer `/a/items/2`, reading `args` to tell array
/// indexes from property names.
fn location(pointer: &str, args: &Value) -> String {
    let mut out = String::new();
    let mut current = Some(args);
    for raw in pointer.split('/').skip(1) {
        let segment = raw.replace("~1", "/").replace("~0", "~");
        match current {
            Some(Value::Array(items)) => {
                out.push_str(&format!("[{segment}]"));
                current = segment.parse::<usize>().ok().and_then(|i| items.get(i));
            }
            _ => {
                if !out.is_empty() {
                    out.push('.');
                }
                current = current.and_then(|value| value.get(&segment));
                out.push_str(&segment);
            }
        }
    }
    out
}

fn expected(kind: &TypeKind) -> String {
    match kind {
        TypeKind::Single(kind) => type_words(*kind).to_owned(),
        TypeKind::Multiple(kinds) => kinds
            .iter()
            .map(type_words)
            .collect::<Vec<_>>()
            .join(" or "),
    }
}

fn type_words(kind: JsonType) -> &'static str {
    match kind {
        JsonType::Null => "null",
        JsonType::Boolean => "a boolean",
        JsonType::Integer => "an integer",
        JsonType::Number => "a number",
        JsonType::String => "a string",
        JsonType::Array => "an array",
        JsonType::Object => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(schema: Value, args: Value) -> Result<(), String> {
        ArgumentCheck::new("files.read".to_owned(), Arc::new(schema)).check(&args)
    }

    fn files() -> Value {
        json!({
            "type": "object",
            "properties": {
                "path": { "type": "string" },
                "mode": { "enum": ["text", "bytes"] },
                "lines": { "type": "array", "items": { "type": "object", "properties": { "from": { "type": "integer" } }, "required": ["from"] } }
            },
            "required": ["path"],
            "additionalProperties": false
        })
    }

    #[test]
    fn errors_name_the_function_and_the_parameter() {
        for (args, message) in [
            (json!({ "path": 1 }), "codemode.files.read: invalid type for `path`: expected a string, got a number"),
            (json!({}), "codemode.files.read: missing required argument `path`"),
            (json!({ "path": "a", "size": 1 }), "codemode.files.read: unknown argument `size`; expected `path`, `mode`, `lines`"),
            (json!({ "path": "a", "mode": "fast" }), "codemode.files.read: invalid value for `mode`: expected one of \"text\", \"bytes\", got \"fast\""),
            (json!({ "path": "a", "lines": [{ "from": 1 }, { "from": "2" }] }), "codemode.files.read: invalid type for `lines[1].from`: expected an integer, got a string"),
            (json!({ "path": "a", "lines": [{}] }), "codemode.files.read: missing required field `from` in `lines[0]`"),
        ] {
            assert_eq!(check(files(), args.clone()).err().as_deref(), Some(message), "{args}");
        }
        assert_eq!(
            check(files(), json!({ "path": "a", "mode": "text" })),
            Ok(())
        );
    }

    #[test]
    fn schemas_that_cannot_be_checked_here_let_calls_through() {
        let mut deep = json!({ "type": "string" });
        for _ in 0..100 {
            deep = json!({ "type": "object", "properties": { "x": deep } });
        }
        assert_eq!(check(deep, json!({ "x": 1 })), Ok(()));
        let remote = json!({ "$ref": "https://example.com/schema.json" });
        assert_eq!(check(remote, json!({ "x": 1 })), Ok(()));
    }
}
