//! Turns the code a model wrote into a function the engine can call.
//!
//! Accepted forms: a function expression (called), a single expression (evaluated),
//! or statements with top-level `await` and `return`. The wrapper always sits on the
//! user's first line, so line numbers match the user's code and only columns on line 1
//! shift, by [`PREFIX_LEN`]. TypeScript is stripped to JavaScript by replacing types
//! with spaces, which keeps every position where the user wrote it; what needs more than
//! erasure (enums, namespaces, parameter properties) is transformed instead, keeping
//! every line ([`transform`]).

mod transform;

use crate::outcome::{ErrorKind, ExecError};
use std::borrow::Cow;
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

/// Compiles `code` in the first form that parses: as an expression, as statements,
/// then both again stripped of TypeScript. `compile` is the engine's compiler of
/// wrapped code. The error is the engine's for the JavaScript forms, unless the code is
/// TypeScript that needs more than stripping, which is named instead.
pub(crate) fn compile<T>(
    code: &str,
    mut compile: impl FnMut(String) -> Result<T, ExecError>,
) -> Result<(T, Form), ExecError> {
    let mut first_error = None;
    for form in Form::ALL {
        match compile(form.wrap(code)) {
            Ok(compiled) => return Ok((compiled, form)),
            Err(error) => first_error = Some(error),
        }
    }
    let mut unsupported = None;
    let mut too_long = false;
    for form in Form::ALL {
        match typescript_to_javascript(&form.wrap(code)) {
            Ok(stripped) => {
                if let Ok(compiled) = compile(stripped) {
                    return Ok((compiled, form));
                }
            }
            Err(StripError::Unsupported {
                message,
                line,
                column,
            }) => {
                unsupported.get_or_insert(ExecError {
                    line,
                    column,
                    name: Some("SyntaxError".to_owned()),
                    ..ExecError::new(
                        ErrorKind::Syntax,
                        format!("SyntaxError: unsupported TypeScript: {message}"),
                    )
                });
            }
            Err(StripError::TooLong) => {
                too_long = true;
                break;
            }
            Err(StripError::Invalid) => {}
        }
    }
    let mut error = unsupported
        .or(first_error)
        .unwrap_or_else(|| ExecError::new(ErrorKind::Syntax, "the code does not parse"));
    if too_long && error.kind == ErrorKind::Syntax {
        error.message.push_str(&format!(
            " (TypeScript is only stripped from programs of up to {MAX_TYPESCRIPT_TOKENS} tokens; send this one as JavaScript)"
        ));
    }
    Err(error)
}

/// Tokens a program may have to be stripped of TypeScript. The stripper's parser
/// recurses once per level of nesting and every level takes at least one token, so this
/// bounds the stack it needs: [`STRIP_STACK_BYTES`] holds that many levels of any
/// construct even in a debug build.
pub(crate) const MAX_TYPESCRIPT_TOKENS: usize = 16_384;

/// Stack of the thread that strips TypeScript. Only the pages a parse touches are ever
/// committed, so a normal program costs a few of them.
const STRIP_STACK_BYTES: usize = 512 * 1024 * 1024;

/// The code with every NUL character written as the escape `\x00`, which the engine's
/// C interface cannot take raw. A NUL means the same in a string, template or regular
/// expression either way, and is an error anywhere else either way.
pub(crate) fn escape_nul(code: &str) -> Cow<'_, str> {
    if code.contains('\0') {
        Cow::Owned(code.replace('\0', "\\x00"))
    } else {
        Cow::Borrowed(code)
    }
}

/// Why TypeScript could not be turned into JavaScript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum StripError {
    /// The code is not TypeScript either.
    Invalid,
    /// The code has more than [`MAX_TYPESCRIPT_TOKENS`] tokens.
    TooLong,
    /// TypeScript that cannot run in the sandbox, such as an `import` of a module; the
    /// message says what to write instead.
    Unsupported {
        message: String,
        line: Option<u32>,
        column: Option<u32>,
    },
}

/// JavaScript for wrapped TypeScript. Types are stripped where they stand, which keeps
/// every position; a program that needs more than that (an `enum`, a `namespace`,
/// parameter properties, `<T>x` assertions) is transformed, which keeps every line and
/// the columns of what precedes the first generated code on a line.
///
/// The parser runs on a thread of its own with a stack sized for the longest accepted
/// program, so no nesting can overflow the caller's stack.
pub(crate) fn typescript_to_javascript(wrapped: &str) -> Result<String, StripError> {
    if token_bound(wrapped) > MAX_TYPESCRIPT_TOKENS {
        return Err(StripError::TooLong);
    }
    std::thread::scope(|scope| {
        let stripper = std::thread::Builder::new()
            .name("codemode-strip".to_owned())
            .stack_size(STRIP_STACK_BYTES)
            .spawn_scoped(scope, || to_javascript_here(wrapped))
            .map_err(|error| StripError::Unsupported {
                message: format!("the TypeScript stripper could not start: {error}"),
                line: None,
                column: None,
            })?;
        stripper.join().unwrap_or(Err(StripError::Invalid))
    })
}

/// An upper bound on the tokens in `code`: each run of word characters counts once and
/// every other character that is not white space counts on its own.
fn token_bound(code: &str) -> usize {
    let mut count = 0;
    let mut in_word = false;
    for c in code.chars() {
        let word = c.is_alphanumeric() || c == '_' || c == '$';
        if word && !in_word || !word && !c.is_whitespace() {
            count += 1;
        }
        in_word = word;
    }
    count
}

fn to_javascript_here(wrapped: &str) -> Result<String, StripError> {
    match strip_here(wrapped) {
        // Decorators survive stripping but cannot run.
        Ok(stripped) if wrapped.contains('@') => transform::check(wrapped).map(|()| stripped),
        Ok(stripped) => Ok(stripped),
        Err(refused @ StripError::Unsupported { .. }) => match transform::transform(wrapped) {
            Err(StripError::Invalid) => Err(refused),
            transformed => transformed,
        },
        // Code that does not parse may be a module, which deserves a better message.
        Err(StripError::Invalid) => transform::check(wrapped).and(Err(StripError::Invalid)),
        Err(StripError::TooLong) => Err(StripError::TooLong),
    }
}

fn strip_here(wrapped: &str) -> Result<String, StripError> {
    let source_map: Lrc<SourceMap> = Default::default();
    let diagnostics = Arc::new(Mutex::new(Vec::new()));
    let handler = Handler::with_emitter(
        false,
        false,
        Box::new(Diagnostics(Arc::clone(&diagnostics))),
    );
    let options = swc_ts_fast_strip::Options {
        module: Some(false),
        parser: swc_ecma_parser::TsSyntax {
            decorators: true,
            ..Default::default()
        },
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
#[derive(Default)]
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
        let stripped = typescript_to_javascript(&wrapped).expect("valid TypeScript");
        assert_eq!(stripped.len(), wrapped.len());
        assert_eq!(stripped.find("return"), wrapped.find("return"));
        assert!(!stripped.contains("number"));
    }

    #[test]
    fn token_bound_counts_words_once_and_symbols_each() {
        assert_eq!(token_bound("const answer = f(42);"), 8);
        assert_eq!(token_bound("  \n\t "), 0);
        assert_eq!(token_bound("'a b'"), 4);
    }

    #[test]
    fn deep_nesting_is_stripped_without_overflowing_the_stack() {
        let depth = MAX_TYPESCRIPT_TOKENS / 2 - 20;
        let code = format!(
            "const x: number = {}1{};",
            "(".repeat(depth),
            ")".repeat(depth)
        );
        let stripped =
            typescript_to_javascript(&Form::Statements.wrap(&code)).expect("valid TypeScript");
        assert!(!stripped.contains("number"));
        let longer = format!("return {}1", "!".repeat(MAX_TYPESCRIPT_TOKENS));
        assert_eq!(
            typescript_to_javascript(&Form::Statements.wrap(&longer)),
            Err(StripError::TooLong)
        );
    }

    #[test]
    fn deep_nesting_is_transformed_without_overflowing_the_stack() {
        let depth = MAX_TYPESCRIPT_TOKENS / 2 - 20;
        let code = format!(
            "enum E {{ A }}\nconst x: number = {}E.A{};",
            "(".repeat(depth),
            ")".repeat(depth)
        );
        let javascript =
            typescript_to_javascript(&Form::Statements.wrap(&code)).expect("valid TypeScript");
        assert!(!javascript.contains("number"));
    }

    #[test]
    fn what_stripping_refuses_is_transformed() {
        let wrapped = Form::Statements.wrap("const x = 1;\nenum Color { Red }\nreturn Color.Red;");
        let javascript = typescript_to_javascript(&wrapped).expect("enums are transformed");
        assert!(!javascript.contains("enum"), "{javascript}");
    }
}
