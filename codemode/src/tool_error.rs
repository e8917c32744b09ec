//! The error a host function returns to JavaScript.

use std::fmt;

/// An error returned by a host function; JavaScript sees it as a rejected promise
/// whose `Error` is named `ToolError` and has this message. Uncaught, it fails the run
/// with [`ErrorKind::Tool`](crate::ErrorKind::Tool).
///
/// Any error type that implements `Display` works as a tool's error too; `ToolError`
/// is the one to build from a message (`From<String>` and `From<&str>` make `?` and
/// `.into()` work).
///
/// ```
/// use codemode::ToolError;
///
/// fn parse_port(text: &str) -> Result<u16, ToolError> {
///     text.parse()
///         .map_err(|_| ToolError::new(format!("`{text}` is not a port number (1-65535)")))
/// }
/// assert_eq!(parse_port("x").unwrap_err().message(), "`x` is not a port number (1-65535)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolError {
    message: String,
}

impl ToolError {
    /// An error with `message`, shown to the program as the `Error`'s message.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }

    /// The message the program sees.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ToolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ToolError {}

impl From<String> for ToolError {
    fn from(message: String) -> Self {
        Self::new(message)
    }
}

impl From<&str> for ToolError {
    fn from(message: &str) -> Self {
        Self::new(message)
    }
}
