//! What a run produces: its result, its console output, its attachments, and what
//! went wrong.

use crate::attachment::Attachment;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The outcome of one run: `{ success, result, error, logs }`, and the attachments the
/// program made.
///
/// Its JSON (`Serialize`) is the answer's JSON part, the `structuredContent` of the MCP
/// server's answer: attachments appear in it as `{ mimeType, bytes }` only, since their
/// data travels beside it, and only when there are any.
///
/// ```
/// use codemode::{ErrorKind, Executor, Registry};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let outcome = Executor::default()
///     .execute("console.log('checking');\nnull.x", &Registry::new())
///     .await;
/// assert!(!outcome.success);
/// assert_eq!(outcome.logs, ["checking"]);
/// let error = outcome.error.expect("a failed run has an error");
/// assert_eq!(error.kind, ErrorKind::Exception);
/// assert_eq!(error.name.as_deref(), Some("TypeError"));
/// assert_eq!(error.line, Some(2));
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Outcome {
    /// Whether the program finished without an error.
    pub success: bool,
    /// The program's return value, following `JSON.stringify` rules (`undefined` is
    /// `null`), except that a `Uint8Array` (any typed array, `ArrayBuffer` or
    /// `DataView`) is a base64 string of its bytes.
    pub result: serde_json::Value,
    /// What went wrong, when `success` is false.
    pub error: Option<ExecError>,
    /// Console output in order; `warn` and `error` lines start with `[warn] ` and `[error] `.
    pub logs: Vec<String>,
    /// What the program passed to `attach(data, mimeType)`, in order, whether or not
    /// the run succeeded. Read back from JSON, which lists them without their data,
    /// it is empty.
    #[serde(default, skip_deserializing, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
}

impl Outcome {
    /// A successful outcome carrying `result`.
    pub(crate) fn success(result: serde_json::Value, logs: Vec<String>) -> Self {
        Self {
            success: true,
            result,
            error: None,
            logs,
            attachments: Vec::new(),
        }
    }

    /// A failed outcome carrying `error`.
    pub(crate) fn failure(error: ExecError, logs: Vec<String>) -> Self {
        Self {
            success: false,
            result: serde_json::Value::Null,
            error: Some(error),
            logs,
            attachments: Vec::new(),
        }
    }

    /// The outcome with the program's attachments.
    pub(crate) fn with_attachments(mut self, attachments: Vec<Attachment>) -> Self {
        self.attachments = attachments;
        self
    }
}

/// Why a run failed: its [`ErrorKind`] and a message written for people and models,
/// plus, for an error the program threw, the JavaScript error's name and where in the
/// user's code it was thrown. `Display` writes the message and the position.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ExecError {
    /// The kind of failure, for programs that react to it.
    pub kind: ErrorKind,
    /// A sentence that says what went wrong, for people and models.
    pub message: String,
    /// The JavaScript error name (`TypeError`, `ToolError`, ...) when a JS error was thrown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Line in the user's code (1-based), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// Column in the user's code (1-based), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// Stack frames in the user's code, innermost first, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stack: Option<String>,
}

impl ExecError {
    /// An error of `kind` with `message` and no position.
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            name: None,
            line: None,
            column: None,
            stack: None,
        }
    }
}

impl fmt::Display for ExecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, " (at line {line}, column {column})"),
            (Some(line), None) => write!(f, " (at line {line})"),
            _ => Ok(()),
        }
    }
}

impl std::error::Error for ExecError {}

/// The kinds of failure a run can end with. `Display` and [`as_str`](Self::as_str)
/// give the snake_case name used in the outcome's JSON and in MCP answers
/// (`unknown_tool`, `result_too_large`, ...). New kinds may be added, so a `match`
/// needs a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorKind {
    /// The code does not parse as JavaScript or TypeScript.
    Syntax,
    /// The program threw (or rejected with) an exception it did not catch.
    Exception,
    /// A host function returned an error the program did not catch.
    Tool,
    /// The program called a host function that does not exist and did not catch the error.
    UnknownTool,
    /// The run did not finish within its time limit.
    Timeout,
    /// The run tried to use more memory than its limit.
    Memory,
    /// The run recursed deeper than its stack limit.
    Stack,
    /// The program printed more console output than its limit.
    OutputLimit,
    /// The result's JSON, with the attachments, is larger than its limit.
    ResultTooLarge,
    /// The result cannot be converted to JSON (a cycle or a BigInt).
    ResultNotJson,
    /// The program made more host calls than its limit.
    TooManyCalls,
    /// The code is larger than the source limit.
    SourceTooLarge,
    /// The run was cancelled by its host.
    Cancelled,
    /// The request to run code was malformed, e.g. an MCP call without `code`.
    InvalidRequest,
    /// The executor itself failed; this is a bug or a broken environment.
    Internal,
}

impl ErrorKind {
    /// The kind's name as it appears in an outcome's JSON: `timeout`, `unknown_tool`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Syntax => "syntax",
            Self::Exception => "exception",
            Self::Tool => "tool",
            Self::UnknownTool => "unknown_tool",
            Self::Timeout => "timeout",
            Self::Memory => "memory",
            Self::Stack => "stack",
            Self::OutputLimit => "output_limit",
            Self::ResultTooLarge => "result_too_large",
            Self::ResultNotJson => "result_not_json",
            Self::TooManyCalls => "too_many_calls",
            Self::SourceTooLarge => "source_too_large",
            Self::Cancelled => "cancelled",
            Self::InvalidRequest => "invalid_request",
            Self::Internal => "internal",
        }
    }
}

/// Writes [`ErrorKind::as_str`]: `e.kind.to_string()` is `"unknown_tool"`.
impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorKind;

    #[test]
    fn a_kind_s_name_and_display_are_its_json() {
        for kind in [
            ErrorKind::Syntax,
            ErrorKind::Exception,
            ErrorKind::Tool,
            ErrorKind::UnknownTool,
            ErrorKind::Timeout,
            ErrorKind::Memory,
            ErrorKind::Stack,
            ErrorKind::OutputLimit,
            ErrorKind::ResultTooLarge,
            ErrorKind::ResultNotJson,
            ErrorKind::TooManyCalls,
            ErrorKind::SourceTooLarge,
            ErrorKind::Cancelled,
            ErrorKind::InvalidRequest,
            ErrorKind::Internal,
        ] {
            assert_eq!(
                serde_json::to_value(kind).expect("a kind serializes"),
                serde_json::json!(kind.as_str())
            );
            assert_eq!(kind.to_string(), kind.as_str());
        }
    }
}
