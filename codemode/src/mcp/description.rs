//! What the model reads: the `execute` tool's description and the server instructions.

use crate::limits::{ByteSize, Limits};
use crate::registry::Registry;

/// Instructions announced in `initialize`.
pub(crate) const INSTRUCTIONS: &str = "This server runs code. Instead of calling tools one at a time, write one JavaScript or TypeScript program that calls the functions declared in the `execute` tool's description, and send it to `execute`. The program's return value comes back as `result`, with its console output in `logs`.";

/// The `execute` description: how to write code, then the declarations.
pub(crate) fn execute(registry: &Registry, limits: &Limits, search: bool) -> String {
    let search_hint = if search {
        "\n- Use the `search` tool to find functions by keyword when you are unsure what exists."
    } else {
        ""
    };
    format!(
        "Run a JavaScript or TypeScript program in a fresh sandbox. Its only way to reach the outside world is the `codemode` object declared below: `await codemode.name({{ ...arguments }})`.

How to write the code:
- Send an async function (`async () => {{ ... }}`), bare statements that may use top-level `await` and `return`, or a single expression.
- `return` the answer as a JSON value; it comes back as `result` (`undefined` becomes `null`).
- Every `codemode` function takes one object of named arguments and returns a Promise: `await` it, and run independent calls together with `Promise.all`.
- `console.log`, `console.warn` and `console.error` output comes back in `logs`.
- TypeScript is fine: types are removed before the program runs.
- Only ECMAScript, `codemode`, `console` and `setTimeout` exist: no `require`, `import`, `fetch`, `process` or file system.
- Each run may take {timeout} ms, use {memory} of memory and make {calls} calls.{search_hint}

The answer is `{{ success, result, error, logs }}`; when `success` is false, `error` says what went wrong and where.

```ts
{declarations}```",
        timeout = limits.timeout().as_millis(),
        memory = ByteSize(limits.memory_bytes()),
        calls = limits.host_calls(),
        declarations = registry.typescript(),
    )
}
