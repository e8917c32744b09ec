//! An attacker's programs: every one ends with its documented error kind (or result)
//! within the deadline, and a normal program run right after it behaves normally.
//!
//! The corpus is `tests/corpus/sandbox/*.js`. Each file starts with `// expect: <kind>`
//! (an [`ErrorKind`] in snake case, or `ok`) and, for `ok`, may add `// result: <json>`;
//! `// logs: <json array>` pins the console lines, `// timeout-ms: <n>` replaces the
//! default timeout of one second and `// memory-mb: <n>` the memory limit. Whatever
//! a program prints, its console output stays within the log limit.
//! Programs that cannot live in a text file (NUL bytes, megabytes of code) are built
//! below.

mod common;

use codemode::{ErrorKind, Executor, Limits, Outcome, Registry};
use common::registry;
use futures_util::stream::{self, StreamExt};
use serde_json::{json, Value};
use std::path::Path;
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(1);
/// Time allowed beyond a run's own timeout before it counts as overdue: the two seconds
/// the watchdog grants an engine, and more because the machines running the suite are
/// shared.
const SLACK: Duration = Duration::from_secs(10);

const MEMORY_BYTES: usize = 32 * 1024 * 1024;
const LOG_BYTES: usize = 64 * 1024;
/// The marker line that ends console output cut at the limit.
const MARKER_BYTES: usize = 128;

fn limits() -> Limits {
    Limits::default()
        .with_timeout(TIMEOUT)
        .with_memory_bytes(MEMORY_BYTES)
        .with_log_bytes(LOG_BYTES)
        .with_result_bytes(1024 * 1024)
        .with_source_bytes(512 * 1024)
        .with_host_calls(1000)
}

/// What a program must end with.
#[derive(Debug, Clone, PartialEq)]
enum Expect {
    Ok(Option<Value>),
    Error(ErrorKind),
}

struct Case {
    name: String,
    code: String,
    expect: Expect,
    logs: Option<Vec<String>>,
    timeout: Duration,
    memory_bytes: usize,
}

fn parse_case(name: String, code: String) -> Case {
    let header = |key: &str| {
        code.lines()
            .take_while(|line| line.starts_with("//"))
            .find_map(|line| line.strip_prefix(&format!("// {key}: ")))
            .map(str::trim)
    };
    let expect = match header("expect") {
        Some("ok") => Expect::Ok(header("result").map(|text| {
            serde_json::from_str(text).unwrap_or_else(|e| panic!("{name}: bad result: {e}"))
        })),
        Some(kind) => Expect::Error(
            serde_json::from_value(json!(kind))
                .unwrap_or_else(|e| panic!("{name}: unknown kind `{kind}`: {e}")),
        ),
        None => panic!("{name}: the file has no `// expect:` line"),
    };
    let timeout = header("timeout-ms").map_or(TIMEOUT, |ms| {
        Duration::from_millis(
            ms.parse()
                .unwrap_or_else(|e| panic!("{name}: bad timeout: {e}")),
        )
    });
    let memory_bytes = header("memory-mb").map_or(MEMORY_BYTES, |mb| {
        mb.parse::<usize>()
            .unwrap_or_else(|e| panic!("{name}: bad memory limit: {e}"))
            * 1024
            * 1024
    });
    let logs = header("logs")
        .map(|text| serde_json::from_str(text).unwrap_or_else(|e| panic!("{name}: bad logs: {e}")));
    Case {
        name,
        code,
        expect,
        logs,
        timeout,
        memory_bytes,
    }
}

fn corpus() -> Vec<Case> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus/sandbox");
    let mut files: Vec<_> = std::fs::read_dir(&folder)
        .expect("the corpus folder")
        .map(|entry| entry.expect("a corpus entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "js"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let name = path
                .file_name()
                .expect("a name")
                .to_string_lossy()
                .into_owned();
            let code = std::fs::read_to_string(&path).expect("a readable corpus file");
            parse_case(name, code)
        })
        .collect()
}

/// Programs built in code: bytes a text file should not hold, and sizes.
fn generated() -> Vec<Case> {
    let case = |name: &str, code: String, expect: Expect| Case {
        name: name.to_owned(),
        code,
        expect,
        logs: None,
        timeout: TIMEOUT,
        memory_bytes: MEMORY_BYTES,
    };
    // Transforming TypeScript takes a debug build a few hundred milliseconds.
    let heavy = |case: Case| Case {
        timeout: Duration::from_secs(10),
        ..case
    };
    vec![
        case(
            "nul bytes in code",
            "return 'a\0b'.length + \"\0\".length // \0 in a comment".to_owned(),
            Expect::Ok(Some(json!(4))),
        ),
        case(
            "nul bytes in logs and arguments",
            "console.log('a\\0b'); return (await codemode.echo({ s: 'x\\0y' })).s".to_owned(),
            Expect::Ok(Some(json!("x\u{0}y"))),
        ),
        case(
            "byte order mark",
            "\u{feff}return 1".to_owned(),
            Expect::Ok(Some(json!(1))),
        ),
        case(
            "line and paragraph separators",
            "const s = 'a\u{2028}b\u{2029}c';\u{2028}return s.length".to_owned(),
            Expect::Ok(Some(json!(5))),
        ),
        case(
            "source over the limit",
            format!("return {}", "1 + ".repeat(200_000) + "1"),
            Expect::Error(ErrorKind::SourceTooLarge),
        ),
        case(
            "large source under the limit",
            format!("let x = 0;\n{}return x", "x += 1;\n".repeat(50_000)),
            Expect::Ok(Some(json!(50_000))),
        ),
        heavy(case(
            "an enum of thousands of members, transformed",
            format!(
                "enum Big {{ {} }}\nreturn Big.M2999 + Big[0].length;",
                (0..3000)
                    .map(|i| format!("M{i}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Expect::Ok(Some(json!(3001))),
        )),
        heavy(case(
            "an enum nested a thousand parentheses deep, transformed",
            format!(
                "enum E {{ A = 1 }}\nreturn {}E.A{};",
                "(".repeat(1000),
                ")".repeat(1000)
            ),
            Expect::Ok(Some(json!(1))),
        )),
        case(
            "deeply nested parentheses",
            format!("return {}1{}", "(".repeat(100_000), ")".repeat(100_000)),
            Expect::Error(ErrorKind::Stack),
        ),
        case(
            "deeply nested array literal",
            format!("return {}{}", "[".repeat(100_000), "]".repeat(100_000)),
            Expect::Error(ErrorKind::Stack),
        ),
        case(
            "deeply nested blocks",
            format!("{}return 1{}", "{".repeat(100_000), "}".repeat(100_000)),
            Expect::Error(ErrorKind::Stack),
        ),
    ]
}

/// Checks one case's outcome; returns a description of the mismatch, if any.
fn mismatch(case: &Case, outcome: &Outcome, elapsed: Duration) -> Option<String> {
    if elapsed > case.timeout + SLACK {
        return Some(format!("took {elapsed:?}, past its deadline"));
    }
    let printed: usize = outcome.logs.iter().map(String::len).sum();
    if printed > LOG_BYTES + MARKER_BYTES {
        return Some(format!("printed {printed} bytes, past the log limit"));
    }
    if let Some(expected) = case.logs.as_ref().filter(|logs| **logs != outcome.logs) {
        return Some(format!(
            "expected logs {expected:?}, got {:?}",
            outcome.logs
        ));
    }
    match (&case.expect, &outcome.error) {
        (Expect::Ok(_), Some(error)) => Some(format!("expected success, got {error:?}")),
        (Expect::Ok(Some(expected)), None) if expected != &outcome.result => {
            Some(format!("expected {expected}, got {}", outcome.result))
        }
        (Expect::Ok(_), None) => None,
        (Expect::Error(_), None) => Some(format!("expected a failure, got {}", outcome.result)),
        (Expect::Error(expected), Some(error)) if error.kind != *expected => {
            Some(format!("expected {expected:?}, got {error:?}"))
        }
        (Expect::Error(_), Some(error)) if error.message.trim().is_empty() => {
            Some("the error has no message".to_owned())
        }
        (Expect::Error(_), Some(_)) => None,
    }
}

/// Runs one case, then a normal program on the same executor; returns the problems.
async fn check(case: &Case, registry: &Registry) -> Vec<String> {
    let executor = Executor::new(
        limits()
            .with_timeout(case.timeout)
            .with_memory_bytes(case.memory_bytes),
    );
    let started = Instant::now();
    let outcome = executor.execute(&case.code, registry).await;
    let mut problems = Vec::new();
    if let Some(problem) = mismatch(case, &outcome, started.elapsed()) {
        problems.push(format!("{}: {problem}", case.name));
    }
    let after = executor
        .execute("return await codemode.add({ a: 1, b: 2 })", registry)
        .await;
    if !after.success || after.result != json!(3) || !after.logs.is_empty() {
        problems.push(format!("{}: the next run misbehaved: {after:?}", case.name));
    }
    problems
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_attack_ends_with_its_documented_outcome() {
    let cases: Vec<Case> = corpus().into_iter().chain(generated()).collect();
    assert!(cases.len() >= 40, "the corpus shrank to {}", cases.len());
    let registry = registry();
    // Cases given a longer deadline do heavy work: they run after the others, one at a
    // time, so that they do not starve the one-second cases of a small machine.
    let (heavy, light): (Vec<&Case>, Vec<&Case>) =
        cases.iter().partition(|case| case.timeout > TIMEOUT);
    let mut failures: Vec<String> = stream::iter(light)
        .map(|case| check(case, &registry))
        .buffer_unordered(4)
        .flat_map(stream::iter)
        .collect()
        .await;
    for case in heavy {
        failures.extend(check(case, &registry).await);
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn lone_surrogates_in_logs_become_replacement_characters() {
    let outcome = Executor::new(limits())
        .execute(
            "console.log('a\\uD800b'); console.warn('\\uDFFF')",
            &registry(),
        )
        .await;
    assert!(outcome.success, "{outcome:?}");
    assert_eq!(outcome.logs, vec!["a\u{fffd}b", "[warn] \u{fffd}"]);
}
