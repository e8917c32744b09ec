//! Turns the code a model wrote into a function the engine can call.
//!
//! Accepted forms: a function expression (called), a single expression (evaluated),
//! or statements with top-level `await` and `return`. The wrapper always sits on the
//! user's first line, so line numbers match the user's code and only columns on line 1
//! shift, by [`PREFIX_LEN`]. TypeScript is stripped to JavaScript by replacing types
//! with spaces, which keeps every position where the user wrote it.

use std::sync::{Arc, Mutex};
use swc_common::errors::{DiagnosticBuilder, Emitter, Handler};
use swc_common::sync::Lrc;
use swc_common::{BytePos, SourceMap};

/// The file name the engine gives the user's code; stack frames in it are the user's.
pub(crate) const FILENAME: &str = "code.js";

const EXPRESSION_PREFIX: &str = "(async function () { return (";
const STATEMENTS_PREFIX: &str = "(async function () {         ";

/// Characters the wrapper adds before the user's code on line 1.
pub(crate) const PREFIX_LEN: u32 = EXPRESSION_PREFIX.len() as u32;

/// How the user's code is wrapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    /// A single expression; a function value is then called.
    Expression,
    /// Statements that may `await` and `return`.
    Statements,
}

impl Form {
    /// Both forms, in the order they are tried.
    pub(crate) const ALL: [Form; 2] = [Form::Expression, Form::Statements];

    /// The user's code wrapped in an async function expression.
    pub(crate) fn wrap(self, code: &str) -> String {
        let (prefix, suffix) = match self {
            Form::Expression => (EXPRESSION_PREFIX, "\n) })"),
            Form::Statements => (STATEMENTS_PREFIX, "\n})"),
        };
        let mut wrapped = String::with_capacity(prefix.len() + code.len() + suffix.len());
        wrapped.push_str(prefix);
        wrapped.push_str(code);
        wrapped.push_str(suffix);
        wrapped
    }
}

/// Why TypeScript could not be stripped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum StripError {
    /// The code is not TypeScript either.
    Invalid,
    /// TypeScript that needs a transform rather than erasure, such as `enum`.
    Unsupported {
        message: String,
        line: Option<u32>,
        column: Option<u32>,
    },
}

/// Strips TypeScript types from wrapped code, keeping every position.
pub(crate) fn strip_typescript(wrapped: &str) -> Result<String, StripError> {
    let source_map: Lrc<SourceMap> = Default::default();
    let diagnostics = Arc::new(Mutex::new(Vec::new()));
    let handler = Handler::with_emitter(
        false,
        false,
        Box::new(Diagnostics(Arc::clone(&diagnostics))),
    );
    let options = swc_ts_fast_strip::Options {
        module: Some(false),
        ..Default::default()
    };
    match swc_ts_fast_strip::operate(&source_map, &handler, wrapped.to_owned(), options) {
        Ok(output) => Ok(output.code),
        Err(error) => {
            if !matches!(error.code, swc_ts_fast_strip::ErrorCode::UnsupportedSyntax) {
                return Err(StripError::Invalid);
            }
            let first = diagnostics
                .lock()
                .ok()
                .and_then(|found| found.first().cloned());
            let Some((message, position)) = first else {
                return Err(StripError::Unsupported {
                    message: "this TypeScript syntax is not supported".to_owned(),
                    line: None,
                    column: None,
                });
            };
            let (line, column) = match position {
                Some(position) => {
                    let location = source_map.lookup_char_pos(position);
                    let line = location.line as u32;
                    let mut column = location.col.0 as u32 + 1;
                    if line == 1 {
                        column = column.saturating_sub(PREFIX_LEN);
                    }
                    (Some(line), Some(column))
                }
                None => (None, None),
            };
            Err(StripError::Unsupported {
                message,
                line,
                column,
            })
        }
    }
}

/// Collects the stripper's diagnostics instead of printing them: in stdio mode stdout
/// and stderr belong to the host.
struct Diagnostics(Arc<Mutex<Vec<Diagnostic>>>);

/// A diagnostic's message and where it starts.
type Diagnostic = (String, Option<BytePos>);

impl Emitter for Diagnostics {
    fn emit(&mut self, diagnostic: &mut DiagnosticBuilder<'_>) {
        let position = diagnostic.span.primary_span().map(|span| span.lo);
        if let Ok(mut found) = self.0.lock() {
            found.push((diagnostic.message(), position));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_prefixes_have_the_same_length() {
        assert_eq!(EXPRESSION_PREFIX.len(), STATEMENTS_PREFIX.len());
    }

    #[test]
    fn stripping_keeps_positions() {
        let wrapped = Form::Statements.wrap("const a: number = 1;\nreturn a as number;");
        let stripped = strip_typescript(&wrapped).expect("valid TypeScript");
        assert_eq!(stripped.len(), wrapped.len());
        assert_eq!(stripped.find("return"), wrapped.find("return"));
        assert!(!stripped.contains("number"));
    }

    #[test]
    fn enums_are_reported_with_their_position() {
        let wrapped = Form::Statements.wrap("\nenum Color { Red }\nreturn 1;");
        match strip_typescript(&wrapped) {
            Err(StripError::Unsupported { line, .. }) => assert_eq!(line, Some(2)),
            other => panic!("expected an unsupported-syntax error, got {other:?}"),
        }
    }
}
