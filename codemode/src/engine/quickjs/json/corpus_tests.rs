//! Differential tests over the repository's corpora: the fuzz value model
//! (`fuzz/corpus/bridge_values` and shapes drawn from it) through both implementations
//! side by side, and every hostile program of `tests/corpus/sandbox` run once with the
//! Rust functions installed and once in a context that only has the engine's.

use super::tests::assert_no_differences;
use arbitrary::{Arbitrary, Unstructured};
use rquickjs::{CatchResultExt, Context, Function, Persistent, Runtime};

// The fuzz targets' value model and corpus listing, shared with them; only `Shape` and
// `corpus_files` are used here.
#[allow(dead_code)]
#[path = "../../../../../fuzz/src/checks.rs"]
mod checks;

/// The expressions of the fuzz corpus's shapes and of `extra` more shapes drawn from
/// fixed pseudo-random bytes.
fn shape_expressions(extra: u64) -> Vec<String> {
    let mut expressions = Vec::new();
    for file in checks::corpus_files("fuzz/corpus/bridge_values") {
        let bytes = std::fs::read(&file).expect("a readable corpus file");
        if let Ok(shape) = checks::Shape::arbitrary_take_rest(Unstructured::new(&bytes)) {
            expressions.push(shape.expression());
        }
    }
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..extra {
        let bytes: Vec<u8> = (0..512)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        if let Ok(shape) = checks::Shape::arbitrary_take_rest(Unstructured::new(&bytes)) {
            expressions.push(shape.expression());
        }
    }
    expressions
}

#[test]
fn the_fuzz_value_model_stringifies_and_parses_as_with_the_engine() {
    let expressions = shape_expressions(1000);
    assert!(expressions.len() > 500, "only {} shapes", expressions.len());
    let makers: Vec<String> = expressions
        .iter()
        .map(|expression| format!("() => ({expression})"))
        .collect();
    assert_no_differences(&format!(
        r#"
        const makers = [{}];
        const found = [];
        makers.forEach((make, index) => {{
          const difference = compareStringify(make, [undefined, 2, "\t"]);
          if (difference) found.push("shape " + index + ": " + difference.slice(0, 300));
          let text;
          try {{ text = engine.stringify(make()); }} catch (error) {{ return; }}
          if (text === undefined) return;
          for (const candidate of [text, text.slice(0, -1), text + " ", " " + text.slice(1)]) {{
            const parsed = compareParse(candidate);
            if (parsed) found.push("shape " + index + " text: " + parsed);
          }}
        }});
        found
        "#,
        makers.join(",\n")
    ));
}

/// Times the engine polls for an interrupt (about every 10,000 bytecode steps) before a
/// hostile program is stopped: a budget of work rather than time, so that a program
/// ends the same way however busy the machine is. Programs that finish take a small
/// part of it; the others run until it is spent.
const POLLS: u32 = 100;

/// Runs a hostile program the way the sandbox wraps it (an async function body), in a
/// fresh runtime with the sandbox's stack and memory limits and a budget of work, with
/// `codemode.*` echoing its argument through `JSON` and a silent `console`. Returns
/// how it ended: its result as the engine's `JSON.stringify` writes it, or its error.
fn run_hostile(code: &str, fast_paths: bool) -> String {
    let runtime = Runtime::new().expect("a runtime");
    runtime.set_max_stack_size(1024 * 1024);
    runtime.set_memory_limit(32 * 1024 * 1024);
    let mut polls = 0;
    runtime.set_interrupt_handler(Some(Box::new(move || {
        polls += 1;
        polls > POLLS
    })));
    let context = Context::full(&runtime).expect("a context");
    let outcome = context.with(|ctx| {
        let json: rquickjs::Object = ctx.globals().get("JSON").expect("JSON");
        let show: Function = json.get("stringify").expect("JSON.stringify");
        if fast_paths {
            super::install(&ctx).expect("installed");
        }
        let wrapper = format!(
            r#"(show) => {{
              let outcome = "pending";
              const describe = (error) => {{
                try {{ return "error " + String(error && error.name) + ": " + String(error && error.message); }}
                catch (unprintable) {{ return "unprintable error"; }}
              }};
              globalThis.console = {{ log() {{}}, info() {{}}, warn() {{}}, error() {{}}, debug() {{}} }};
              globalThis.codemode = new Proxy({{}}, {{ get: (target, name) => async (args) => {{
                const text = JSON.stringify(args === undefined ? {{}} : args);
                return text === undefined ? undefined : JSON.parse(text);
              }} }});
              (async () => {{
{code}
              }})().then(
                (value) => {{ try {{ outcome = "ok " + show(value); }} catch (error) {{ outcome = "unsendable " + describe(error); }} }},
                (error) => {{ outcome = describe(error); }});
              return () => outcome;
            }}"#
        );
        let start: Function = ctx.eval(wrapper).catch(&ctx).map_err(|error| format!("does not compile: {}", first_line(&error)))?;
        let outcome: Function = start
            .call((show,))
            .catch(&ctx)
            .map_err(|error| format!("failed to start: {}", first_line(&error)))?;
        Ok(Persistent::save(&ctx, outcome))
    });
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(error) => return error,
    };
    // A job that throws (interrupted, out of memory) ends only its own chain; once the
    // budget is spent every job is interrupted, so the queue runs dry.
    while !matches!(runtime.execute_pending_job(), Ok(false)) {}
    runtime.set_interrupt_handler(None);
    context.with(|ctx| {
        let outcome = outcome.restore(&ctx).expect("a function of this runtime");
        outcome
            .call::<_, String>(())
            .catch(&ctx)
            .unwrap_or_else(|error| format!("unreadable outcome: {}", first_line(&error)))
    })
}

/// The first line of a caught error: its stack trace depends on where the Rust
/// functions sit in the wrapper, not on what the program did.
fn first_line(error: &rquickjs::CaughtError<'_>) -> String {
    error
        .to_string()
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// Programs that nest values deeper than the Rust walk matches the engine's stack
/// limit (see `DEEPEST_MATCHED` in the tests' harness): for them, the walk may throw
/// the engine's stack overflow error where the engine writes the value.
const DEEPER_THAN_MATCHED: &[&str] = &["args_deep.js"];

#[test]
fn hostile_programs_end_as_with_the_engines_json() {
    let mut found = Vec::new();
    let mut finished = 0;
    let files = checks::corpus_files("tests/corpus/sandbox");
    for file in &files {
        let code = std::fs::read_to_string(file).expect("a readable corpus file");
        let ours = run_hostile(&code, true);
        let theirs = run_hostile(&code, false);
        if ours.starts_with("ok ") {
            finished += 1;
        }
        let name = file
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or_default();
        let earlier_stack_limit = DEEPER_THAN_MATCHED.contains(&name)
            && ours == "error RangeError: Maximum call stack size exceeded";
        if ours != theirs && !earlier_stack_limit {
            found.push(format!(
                "{}: ours {:.300} engine {:.300}",
                file.display(),
                ours,
                theirs
            ));
        }
    }
    assert!(
        found.is_empty(),
        "{} of {} differ: {found:#?}",
        found.len(),
        files.len()
    );
    // Most of the corpus is meant to fail; a wrapper that broke every program would
    // make both sides fail alike.
    assert!(
        finished > files.len() / 3,
        "only {finished} programs finished"
    );
}

/// The error (name and message) a plain script throws in a fresh runtime with a 32 MiB limit, with the
/// Rust functions installed or not.
fn thrown_by(script: &str, fast_paths: bool) -> String {
    let runtime = Runtime::new().expect("a runtime");
    runtime.set_memory_limit(32 * 1024 * 1024);
    let context = Context::full(&runtime).expect("a context");
    context.with(|ctx| {
        if fast_paths {
            super::install(&ctx).expect("installed");
        }
        let guarded = format!(
            "try {{ {script} \"no error\" }} catch (error) {{ error.name + \": \" + error.message }}"
        );
        ctx.eval::<String, _>(guarded)
            .catch(&ctx)
            .unwrap_or_else(|error| format!("uncaught: {}", first_line(&error)))
    })
}

#[test]
fn output_beyond_the_memory_limit_throws_the_engines_error_and_the_run_goes_on() {
    let build =
        r#"const big = "x".repeat(1 << 20); const parts = Array.from({ length: 40 }, () => big);"#;
    let stringify = format!("{build} JSON.stringify(parts);");
    let expected = thrown_by(&stringify, false);
    assert!(expected.contains("out of memory"), "{expected}");
    assert_eq!(thrown_by(&stringify, true), expected);
    let indented = format!("{build} JSON.stringify([parts], null, 2);");
    assert_eq!(thrown_by(&indented, true), thrown_by(&indented, false));

    let program = format!(
        r#"{build}
        let caught;
        try {{ JSON.stringify(parts); }} catch (error) {{ caught = error.name + ": " + error.message; }}
        return [caught, JSON.parse(JSON.stringify({{ after: [1, "two"] }}))];"#
    );
    assert_eq!(
        run_hostile(&program, true),
        format!(r#"ok ["{expected}",{{"after":[1,"two"]}}]"#)
    );
}
