//! Turns a thrown JavaScript value into an [`ExecError`] positioned in the user's code.

use super::text;
use crate::outcome::{ErrorKind, ExecError};
use crate::source::{FILENAME, PREFIX_LEN};
use rquickjs::{Ctx, Value};

/// The message QuickJS gives the `RangeError` of a stack overflow, its only sign.
const STACK_OVERFLOW: &str = "Maximum call stack size exceeded";

/// Who made a thrown value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Origin {
    /// The program, or the engine on its behalf.
    Program,
    /// The harness, for a call a host function failed.
    FailedCall,
    /// The harness, for a call to a name nothing answers.
    UnknownCall,
    /// The harness, for attachments past the result limit.
    AttachmentLimit,
}

/// Describes an uncaught exception; `kind` applies unless the harness made the error
/// for a failed call or the engine threw it for a stack overflow.
pub(super) fn describe<'js>(
    ctx: &Ctx<'js>,
    thrown: Value<'js>,
    kind: ErrorKind,
    origin: Origin,
) -> ExecError {
    let Some(object) = thrown
        .as_object()
        .filter(|_| thrown.as_exception().is_some())
    else {
        let shown = render(ctx, thrown);
        return ExecError::new(kind, format!("uncaught exception: {shown}"));
    };
    let text = |key: &str| text::property(object, key);
    let name = text("name").unwrap_or_else(|| "Error".to_owned());
    let message = text("message").unwrap_or_default();
    let stack = text("stack").map(|stack| user_frames(&stack));
    let position = stack.as_deref().and_then(first_position);

    let kind = match origin {
        Origin::FailedCall => ErrorKind::Tool,
        Origin::UnknownCall => ErrorKind::UnknownTool,
        Origin::AttachmentLimit => ErrorKind::ResultTooLarge,
        Origin::Program if name == "RangeError" && message == STACK_OVERFLOW => ErrorKind::Stack,
        Origin::Program => kind,
    };
    let full_message = match kind {
        ErrorKind::Tool => match text("tool") {
            Some(tool) => format!("codemode.{tool} failed: {message}"),
            None => format!("a host function failed: {message}"),
        },
        ErrorKind::UnknownTool | ErrorKind::ResultTooLarge => message,
        ErrorKind::Stack => {
            "the program exceeded its stack limit: look for unbounded recursion".to_owned()
        }
        _ if message.is_empty() => name.clone(),
        _ => format!("{name}: {message}"),
    };
    ExecError {
        kind,
        message: full_message,
        name: Some(name),
        line: position.map(|(line, _)| line),
        column: position.map(|(_, column)| column),
        stack: stack.filter(|frames| !frames.is_empty()),
    }
}

/// A readable rendering of a thrown value that is not an `Error`.
fn render<'js>(ctx: &Ctx<'js>, value: Value<'js>) -> String {
    if let Some(string) = value.as_string() {
        return text::lossy(string);
    }
    match ctx.json_stringify(value) {
        Ok(Some(text)) => text.to_string().unwrap_or_default(),
        Ok(None) => "undefined".to_owned(),
        Err(_) => {
            ctx.catch();
            "a value that cannot be shown".to_owned()
        }
    }
}

/// The stack frames that point into the user's code, with line-1 columns corrected
/// for the wrapper; harness frames are dropped.
pub(super) fn user_frames(stack: &str) -> String {
    stack
        .lines()
        .filter(|line| line.contains(FILENAME))
        .map(|line| {
            let line = line.trim();
            match locate(line) {
                Some((start, end, 1, column)) => {
                    let fixed = column.saturating_sub(PREFIX_LEN).max(1);
                    format!("{}{FILENAME}:1:{fixed}{}", &line[..start], &line[end..])
                }
                _ => line.to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Line and column of the innermost user frame, already corrected.
fn first_position(frames: &str) -> Option<(u32, u32)> {
    let first = frames.lines().next()?;
    let (_, _, line, column) = locate(first)?;
    Some((line, column))
}

/// Finds `code.js:LINE:COLUMN` in a frame: its byte range, line and column.
fn locate(frame: &str) -> Option<(usize, usize, u32, u32)> {
    let start = frame.find(FILENAME)?;
    let rest = &frame[start + FILENAME.len()..];
    let rest = rest.strip_prefix(':')?;
    let line_len = rest.find(|c: char| !c.is_ascii_digit())?;
    let line: u32 = rest[..line_len].parse().ok()?;
    let rest = rest[line_len..].strip_prefix(':')?;
    let column_len = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let column: u32 = rest[..column_len].parse().ok()?;
    let end = start + FILENAME.len() + 1 + line_len + 1 + column_len;
    Some((start, end, line, column))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_filtered_and_corrected() {
        let stack = "    at inner (code.js:3:7)\n    at <anonymous> (harness.js:9:2)\n    at <anonymous> (code.js:1:35)";
        let frames = user_frames(stack);
        assert_eq!(
            frames,
            format!(
                "at inner (code.js:3:7)\nat <anonymous> (code.js:1:{})",
                35 - PREFIX_LEN
            )
        );
        assert_eq!(first_position(&frames), Some((3, 7)));
    }
}
