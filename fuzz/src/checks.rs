//! What must hold for any program and any value. The fuzz targets call these; the test
//! suite replays the corpus in `fuzz/corpus` through them.

use arbitrary::Arbitrary;
use codemode::{ErrorKind, Executor, HostFunction, Limits, Outcome, Registry};
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

/// Levels of arrays and objects a host call's arguments may have, the arguments object
/// itself being the first.
const ARGUMENT_NESTING: usize = 127;

/// The files of a corpus folder, given relative to the repository's root, in name order.
pub fn corpus_files(folder: &str) -> Vec<PathBuf> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(folder);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap_or_else(|error| panic!("{}: {error}", folder.display()))
        .map(|entry| entry.expect("a corpus entry").path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{} is empty", folder.display());
    files
}

struct Fixture {
    runtime: tokio::runtime::Runtime,
    executor: Executor,
    registry: Registry,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let limits = Limits::default()
            .with_timeout(Duration::from_millis(500))
            .with_memory_bytes(32 * 1024 * 1024)
            .with_log_bytes(16 * 1024)
            .with_host_calls(200);
        let mut registry = Registry::new();
        registry
            .register(HostFunction::new(
                "echo",
                |args: Value| async move { Ok(args) },
            ))
            .expect("a valid name");
        Fixture {
            runtime,
            executor: Executor::new(limits),
            registry,
        }
    })
}

fn execute(code: &str) -> Outcome {
    let fixture = fixture();
    fixture
        .runtime
        .block_on(fixture.executor.execute(code, &fixture.registry))
}

/// Runs `code` as a program: it must end with an outcome that is not an internal error
/// and has a message if it failed, and the next run must work.
pub fn check_program(code: &str) {
    let outcome = execute(code);
    if let Some(error) = &outcome.error {
        assert_ne!(error.kind, ErrorKind::Internal, "{code:?} → {error:?}");
        assert!(!error.message.trim().is_empty(), "{code:?} → {error:?}");
    }
    let next = execute("return await codemode.echo({ n: 1 })");
    assert_eq!(next.result, json!({ "n": 1 }), "after {code:?}: {next:?}");
}

/// A value a program may pass to a host function, including ones JSON cannot hold.
#[derive(Debug, Arbitrary)]
pub enum Shape {
    Null,
    Bool(bool),
    Int(i32),
    Float(f64),
    Text(String),
    /// A string with a lone UTF-16 surrogate (the number picks which).
    LoneSurrogate(u16),
    List(Vec<Shape>),
    /// An array with a hole before each element.
    Holes(Vec<Shape>),
    Object(Vec<(String, Shape)>),
    Undefined,
    Function,
    Symbol,
    BigInt(i64),
    /// Arrays nested this deep (the number picks how deep).
    Nested(u16),
}

/// What a shape turns into on the host's side, if it can be sent at all.
enum Sent {
    Value(Value),
    Dropped,
}

impl Shape {
    /// The JavaScript expression that builds this value.
    pub fn expression(&self) -> String {
        match self {
            Shape::Null => "null".to_owned(),
            Shape::Bool(b) => b.to_string(),
            Shape::Int(n) => format!("({n})"),
            Shape::Float(x) if x.is_nan() => "NaN".to_owned(),
            Shape::Float(x) if x.is_infinite() => {
                if *x > 0.0 { "Infinity" } else { "-Infinity" }.to_owned()
            }
            Shape::Float(x) => format!("({x:?})"),
            Shape::Text(text) => string_literal(text),
            Shape::LoneSurrogate(n) => format!("'a\\u{:04x}b'", 0xD800 + u32::from(*n) % 0x800),
            Shape::List(items) => format!(
                "[{}]",
                items
                    .iter()
                    .map(Shape::expression)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Shape::Holes(items) => format!(
                "[{}]",
                items
                    .iter()
                    .map(|item| format!(", {},", item.expression()))
                    .collect::<String>()
            ),
            Shape::Object(entries) => format!(
                "{{{}}}",
                entries
                    .iter()
                    .map(|(key, value)| format!(
                        "[{}]: {}",
                        string_literal(key),
                        value.expression()
                    ))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Shape::Undefined => "undefined".to_owned(),
            Shape::Function => "(() => 1)".to_owned(),
            Shape::Symbol => "Symbol('s')".to_owned(),
            Shape::BigInt(n) => format!("({n}n)"),
            Shape::Nested(depth) => {
                let depth = nested_depth(*depth);
                format!("{}0{}", "[".repeat(depth), "]".repeat(depth))
            }
        }
    }

    /// The value the host receives, or `None` if sending it must fail. `depth` is the
    /// nesting of the place the value sits in.
    fn sent(&self, depth: usize) -> Option<Sent> {
        let container = matches!(self, Shape::List(_) | Shape::Holes(_) | Shape::Object(_));
        if container && depth > ARGUMENT_NESTING {
            return None;
        }
        let value = match self {
            Shape::Null => Value::Null,
            Shape::Bool(b) => json!(b),
            Shape::Int(n) => json!(f64::from(*n)),
            Shape::Float(x) if x.is_finite() => json!(if *x == 0.0 { 0.0 } else { *x }),
            Shape::Float(_) => Value::Null,
            Shape::Text(text) => json!(text),
            Shape::LoneSurrogate(_) => json!("a\u{fffd}b"),
            Shape::List(items) => {
                let mut list = Vec::new();
                for item in items {
                    list.push(item.sent(depth + 1)?.or_null());
                }
                Value::Array(list)
            }
            Shape::Holes(items) => {
                let mut list = Vec::new();
                for item in items {
                    list.push(Value::Null);
                    list.push(item.sent(depth + 1)?.or_null());
                }
                Value::Array(list)
            }
            Shape::Object(entries) => {
                // A repeated key keeps only its last value, which is all that is sent.
                let mut last: Vec<(&String, &Shape)> = Vec::new();
                for (key, value) in entries {
                    match last.iter_mut().find(|(seen, _)| *seen == key) {
                        Some(entry) => entry.1 = value,
                        None => last.push((key, value)),
                    }
                }
                let mut object = Map::new();
                for (key, value) in last {
                    if let Sent::Value(value) = value.sent(depth + 1)? {
                        object.insert(key.clone(), value);
                    }
                }
                Value::Object(object)
            }
            Shape::Undefined | Shape::Function | Shape::Symbol => return Some(Sent::Dropped),
            Shape::BigInt(_) => return None,
            Shape::Nested(n) => {
                let levels = nested_depth(*n);
                if levels > 0 && depth + levels - 1 > ARGUMENT_NESTING {
                    return None;
                }
                (0..levels).fold(json!(0.0), |inner, _| json!([inner]))
            }
        };
        Some(Sent::Value(value))
    }
}

impl Sent {
    fn or_null(self) -> Value {
        match self {
            Sent::Value(value) => value,
            Sent::Dropped => Value::Null,
        }
    }
}

/// Either a shallow nesting that must pass or a deep one that must fail.
fn nested_depth(n: u16) -> usize {
    let n = usize::from(n);
    if n % 2 == 0 {
        n % 100
    } else {
        200 + n % 300
    }
}

fn string_literal(text: &str) -> String {
    serde_json::to_string(text).expect("a string serializes")
}

/// Every number as a float and `-0` as `0`, so values compare the way JavaScript
/// numbers do.
fn normalized(value: &Value) -> Value {
    match value {
        Value::Number(n) => json!(n.as_f64().map(|x| if x == 0.0 { 0.0 } else { x })),
        Value::Array(items) => Value::Array(items.iter().map(normalized).collect()),
        Value::Object(entries) => Value::Object(
            entries
                .iter()
                .map(|(key, value)| (key.clone(), normalized(value)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Sends the shape to a host function that echoes it and returns what came back: the
/// program must get exactly what JSON makes of the value, or fail with an exception
/// (or a stack overflow, for deep nesting) if the value cannot be sent.
pub fn check_round_trip(shape: &Shape) {
    let code = format!(
        "return await codemode.echo({{ v: {} }})",
        shape.expression()
    );
    let outcome = execute(&code);
    match shape.sent(2) {
        Some(sent) => {
            let expected = match sent {
                Sent::Value(value) => json!({ "v": value }),
                Sent::Dropped => json!({}),
            };
            assert!(outcome.success, "{code} → {outcome:?}");
            assert_eq!(normalized(&outcome.result), normalized(&expected), "{code}");
        }
        None => {
            // Nesting deep enough to fail may already overflow the parser's stack.
            let kind = outcome.error.as_ref().map(|error| error.kind);
            assert!(
                matches!(kind, Some(ErrorKind::Exception | ErrorKind::Stack)),
                "{code} → {outcome:?}"
            );
        }
    }
}
