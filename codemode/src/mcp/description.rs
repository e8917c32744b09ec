//! What the model reads: the `execute` tool's description and the server instructions.

use crate::limits::{ByteSize, Limits};
use crate::registry::Registry;
use std::fmt::Write;

/// Instructions announced in `initialize`.
pub(crate) const INSTRUCTIONS: &str = "This server runs code. Instead of calling tools one at a time, write one JavaScript or TypeScript program that calls the functions declared in the `execute` tool's description, and send it to `execute`. The program's return value comes back as `result`, with its console output in `logs`.";

/// The budget of the declarations in the description, unless configured: 16 KiB.
pub(crate) const DEFAULT_DESCRIPTION_BYTES: usize = 16 * 1024;

/// The `execute` description and whether `search` must be offered with it.
pub(crate) struct ExecuteDescription {
    /// The description.
    pub text: String,
    /// Whether the declarations were too large and only names are listed, so that
    /// `search` is how the model gets the signatures.
    pub needs_search: bool,
}

/// The `execute` description: how to write code, then the declarations when they fit
/// in `budget` bytes, else each namespace with its description and function names.
pub(crate) fn execute(
    registry: &Registry,
    limits: &Limits,
    search: bool,
    budget: usize,
) -> ExecuteDescription {
    let declarations = registry.typescript();
    let needs_search = declarations.len() > budget;
    let search_hint = if needs_search {
        "\n- Call the `search` tool with keywords to get the TypeScript signatures of the functions listed below before you use them."
    } else if search {
        "\n- Use the `search` tool to find functions by keyword when you are unsure what exists."
    } else {
        ""
    };
    let listing = if needs_search {
        names(registry, declarations.len())
    } else {
        format!("```ts\n{declarations}```")
    };
    let text = format!(
        "Run a JavaScript or TypeScript program in a fresh sandbox. Its only way to reach the outside world is the `codemode` object declared below: `await codemode.name({{ ...arguments }})`.

How to write the code:
- Send an async function (`async () => {{ ... }}`), bare statements that may use top-level `await` and `return`, or a single expression.
- `return` the answer as a JSON value; it comes back as `result` (`undefined` becomes `null`).
- Bytes are `Uint8Array`s: functions declared with `Uint8Array` take and return them (any typed array, `ArrayBuffer` or `DataView` is accepted), and one in the returned value comes back as a base64 string.
- To show the model an image, audio or a file, call `attach(data, mimeType)` with its bytes (`attach(png, \"image/png\")`): it follows the answer as content of its own, and `attachments` lists each one's type and size. Attachments count against the {result} result limit.
- Every `codemode` function takes one object of named arguments and returns a Promise: `await` it, and run independent calls together with `Promise.all`.
- `console.log`, `console.warn` and `console.error` output comes back in `logs`: strings as they are, other values shown with what they hold (`Map(1) {{\"a\" => 1}}`, `[Getter]`, `... 900 more items`).
- TypeScript is fine, enums and namespaces included; `import`, `export` and decorators are not.
- Only ECMAScript, `codemode`, `console`, `setTimeout` and `attach` exist: no `require`, `import`, `fetch`, `process` or file system.
- Each run may take {timeout} ms, use {memory} of memory and make {calls} calls.{search_hint}

The answer is `{{ success, result, error, logs }}` (and `attachments` when there are any); when `success` is false, `error` says what went wrong and where.

{listing}",
        timeout = limits.timeout().as_millis(),
        memory = ByteSize(limits.memory_bytes()),
        calls = limits.host_calls(),
        result = ByteSize(limits.result_bytes()),
    );
    ExecuteDescription { text, needs_search }
}

/// Every function by name, grouped by namespace, for when the declarations are too
/// large to show.
fn names(registry: &Registry, declarations: usize) -> String {
    let mut out = format!(
        "The TypeScript declarations of these functions take {}, more than this description shows: call `search` for the signatures you need.\n",
        ByteSize(declarations)
    );
    let flat: Vec<String> = registry
        .functions()
        .filter(|function| function.spec().namespace.is_none())
        .map(|function| format!("codemode.{}", function.spec().name))
        .collect();
    out.push('\n');
    if !flat.is_empty() {
        let _ = writeln!(out, "- {}", flat.join(", "));
    }
    for (namespace, description) in registry.namespaces() {
        let methods: Vec<&str> = registry
            .functions()
            .filter(|function| function.spec().namespace.as_deref() == Some(namespace))
            .map(|function| function.spec().name.as_str())
            .collect();
        let description = first_words(description);
        let _ = write!(out, "- codemode.{namespace}");
        if !description.is_empty() {
            let _ = write!(out, " ({description})");
        }
        if methods.is_empty() {
            out.push_str(": no functions\n");
        } else {
            let _ = writeln!(out, ": {}", methods.join(", "));
        }
    }
    out
}

/// The first line of a description, at most 200 characters of it.
fn first_words(description: &str) -> String {
    let line = description.lines().next().unwrap_or("").trim();
    if line.chars().count() <= 200 {
        return line.to_owned();
    }
    let mut short: String = line.chars().take(200).collect();
    short.push('…');
    short
}
