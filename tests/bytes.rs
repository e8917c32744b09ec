//! Bytes across the bridge: typed arrays to host bytes and back, `codemode::Bytes` in
//! typed tools, closures over JSON, results, limits, sessions and declarations.

use codemode::{Bytes, Event, Executor, HostFunction, Limits, Registry, ToolError, Value};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// An upload: bytes nested in a struct, a list and an option.
#[derive(Debug, Deserialize, Serialize, schemars::JsonSchema)]
struct Upload {
    /// The file's name.
    name: String,
    /// Its bytes.
    data: Bytes,
    /// More parts, appended in order.
    parts: Vec<Bytes>,
    /// A checksum to compare against, when given.
    checksum: Option<Bytes>,
}

/// What `store` kept.
#[derive(Debug, Serialize, schemars::JsonSchema)]
struct Stored {
    name: String,
    /// All the bytes, parts appended.
    joined: Bytes,
    /// Each part's size.
    sizes: Vec<usize>,
    checksum: Option<Bytes>,
}

/// Joins an upload's bytes.
#[codemode::tool]
async fn store(upload: Upload) -> Result<Stored, ToolError> {
    let mut joined = upload.data.into_vec();
    let mut sizes = Vec::new();
    for part in upload.parts {
        sizes.push(part.len());
        joined.extend_from_slice(&part);
    }
    Ok(Stored {
        name: upload.name,
        joined: Bytes::from(joined),
        sizes,
        checksum: upload.checksum,
    })
}

/// Reverses bytes.
#[codemode::tool]
async fn reverse(data: Bytes) -> Result<Bytes, ToolError> {
    let mut data = data.into_vec();
    data.reverse();
    Ok(Bytes::from(data))
}

/// Makes `size` bytes, each its index modulo 256.
#[codemode::tool]
async fn make(size: usize) -> Result<Bytes, ToolError> {
    Ok(Bytes::from(
        (0..size).map(|index| index as u8).collect::<Vec<u8>>(),
    ))
}

fn registry() -> Registry {
    let mut registry = Registry::with_collected_tools().expect("unique tool names");
    registry
        .register(HostFunction::new("inspect", |args: Value| async move {
            let described: Vec<Value> = args
                .as_object()
                .map(|entries| {
                    entries
                        .iter()
                        .map(|(key, value)| match value.as_bytes() {
                            Some(bytes) => Value::from(format!("{key}: bytes {bytes:?}")),
                            None => Value::from(format!("{key}: {}", value)),
                        })
                        .collect()
                })
                .unwrap_or_default();
            Ok(Value::Array(described))
        }))
        .and_then(|r| {
            r.register(HostFunction::new(
                "echo_json",
                |args: serde_json::Value| async move { Ok(args) },
            ))
        })
        .and_then(|r| {
            r.register(HostFunction::new(
                "echo",
                |args: Value| async move { Ok(args) },
            ))
        })
        .expect("unique names");
    registry
}

async fn run(code: &str) -> codemode::Outcome {
    Executor::default().execute(code, &registry()).await
}

async fn result(code: &str) -> serde_json::Value {
    let outcome = run(code).await;
    assert!(outcome.success, "{code}: {outcome:#?}");
    outcome.result
}

#[tokio::test]
async fn every_kind_of_binary_value_arrives_as_the_bytes_it_views() {
    let answer = result(
        "const buffer = new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7]).buffer;
return await codemode.inspect({
  u8: new Uint8Array([1, 255]),
  clamped: new Uint8ClampedArray([300]),
  i16: new Int16Array([-2]),
  f64: new Float64Array([1]),
  sub: new Uint8Array(buffer, 2, 3),
  view: new DataView(buffer, 5),
  buffer,
  shared: new Uint8Array(new SharedArrayBuffer(2)),
  empty: new Uint8Array(0),
});",
    )
    .await;
    assert_eq!(
        answer,
        json!([
            "u8: bytes [1, 255]",
            "clamped: bytes [255]",
            "i16: bytes [254, 255]",
            "f64: bytes [0, 0, 0, 0, 0, 0, 240, 63]",
            "sub: bytes [2, 3, 4]",
            "view: bytes [5, 6, 7]",
            "buffer: bytes [0, 1, 2, 3, 4, 5, 6, 7]",
            "shared: bytes [0, 0]",
            "empty: bytes []"
        ])
    );
}

#[tokio::test]
async fn bytes_round_trip_nested_in_objects_and_arrays() {
    let answer = result(
        "const sent = { a: [new Uint8Array([1, 2]), { b: new Uint8Array([3]) }], c: 'text' };
const back = await codemode.echo(sent);
return {
  first: back.a[0] instanceof Uint8Array,
  values: [...back.a[0], ...back.a[1].b],
  fresh: back.a[0] !== sent.a[0],
  c: back.c,
};",
    )
    .await;
    assert_eq!(
        answer,
        json!({ "first": true, "values": [1, 2, 3], "fresh": true, "c": "text" })
    );
}

#[tokio::test]
async fn typed_tools_take_and_return_bytes_nested_anywhere() {
    let answer = result(
        "const stored = await codemode.store({ upload: {
  name: 'a.bin',
  data: new Uint8Array([1, 2]),
  parts: [new Uint8Array([3]), new Int8Array([-1, -2]).buffer],
  checksum: new Uint8Array([9]),
} });
const reversed = await codemode.reverse({ data: stored.joined });
const made = await codemode.make({ size: 300 });
return {
  name: stored.name,
  joined: [...stored.joined],
  sizes: stored.sizes,
  checksum: stored.checksum instanceof Uint8Array ? [...stored.checksum] : stored.checksum,
  reversed: [...reversed],
  made: [made.length, made[255], made[256]],
};",
    )
    .await;
    assert_eq!(
        answer,
        json!({
            "name": "a.bin",
            "joined": [1, 2, 3, 255, 254],
            "sizes": [1, 2],
            "checksum": [9],
            "reversed": [254, 255, 3, 2, 1],
            "made": [300, 255, 0]
        })
    );
}

#[tokio::test]
async fn a_string_or_an_array_for_bytes_is_named_in_the_error() {
    let answer = result(
        "const errors = [];
for (const data of ['AQI=', { 0: 1 }, 5]) {
  try { await codemode.reverse({ data }); } catch (e) { errors.push(e.message); }
}
return errors;",
    )
    .await;
    assert_eq!(
        answer,
        json!([
            "reverse: invalid type for `data`: expected a Uint8Array, got a string",
            "reverse: invalid type for `data`: expected a Uint8Array, got an object",
            "reverse: invalid type for `data`: expected a Uint8Array, got an integer"
        ])
    );
}

#[tokio::test]
async fn closures_over_json_see_bytes_as_base64_strings() {
    let answer = result(
        "const back = await codemode.echo_json({ data: new Uint8Array([0, 1, 2, 253, 254, 255]) });
return back;",
    )
    .await;
    assert_eq!(answer, json!({ "data": "AAEC/f7/" }));
}

#[tokio::test]
async fn bytes_in_a_result_are_base64_strings() {
    let answer = result(
        "return { png: new Uint8Array([137, 80, 78, 71]), list: [new ArrayBuffer(2)], n: 1 };",
    )
    .await;
    assert_eq!(
        answer,
        json!({ "png": "iVBORw==", "list": ["AAA="], "n": 1 })
    );
}

#[tokio::test]
async fn a_program_cannot_change_what_bytes_are_read() {
    let answer = result(
        "const lying = new Uint8Array([1, 2, 3]);
Object.defineProperty(lying, 'length', { value: 1000 });
Object.defineProperty(lying, 'byteLength', { value: 1000 });
Object.defineProperty(lying, 'byteOffset', { value: 2 });
lying.toJSON = () => 'replaced';
const detached = new ArrayBuffer(4);
const view = new Uint8Array(detached);
detached.transfer();
const resizable = new ArrayBuffer(8, { maxByteLength: 16 });
const tail = new Uint8Array(resizable, 4, 4);
resizable.resize(2);
return await codemode.inspect({ lying, view, tail });",
    )
    .await;
    let described = answer.as_array().expect("a list");
    assert_eq!(described[0], json!("lying: bytes [1, 2, 3]"));
    assert_eq!(described[1], json!("view: bytes []"));
    assert_eq!(described[2], json!("tail: bytes []"));
}

#[tokio::test]
async fn bytes_count_against_the_argument_budget_and_the_result_limit() {
    let limits = Limits::default().with_memory_bytes(16 * 1024 * 1024);
    let code = "const data = new Uint8Array(6 * 1024 * 1024);
try { await codemode.echo({ a: data, b: data, c: data }); return 'sent'; } catch (e) { return e.message; }";
    let outcome = Executor::new(limits).execute(code, &registry()).await;
    let message = outcome.result.as_str().unwrap_or_default().to_owned();
    assert!(message.contains("the run's memory limit"), "{outcome:#?}");

    let limits = Limits::default().with_result_bytes(1000);
    let outcome = Executor::new(limits)
        .execute("return new Uint8Array(900);", &registry())
        .await;
    let error = outcome.error.expect("the result is too large");
    assert_eq!(error.kind, codemode::ErrorKind::ResultTooLarge);
    assert!(error.message.contains("the limit is"), "{}", error.message);
}

#[tokio::test]
async fn answers_of_bytes_count_against_the_memory_limit() {
    let limits = Limits::default().with_memory_bytes(8 * 1024 * 1024);
    let outcome = Executor::new(limits)
        .execute(
            "const made = await codemode.make({ size: 32 * 1024 * 1024 }); return made.length;",
            &registry(),
        )
        .await;
    assert!(!outcome.success, "{outcome:#?}");
}

#[tokio::test]
async fn surfaced_calls_carry_bytes_and_take_bytes_as_answers() {
    let code = "const answer = await codemode.external({ data: new Uint8Array([7, 8]) });
return [answer instanceof Uint8Array, ...answer];";
    let mut session = Executor::default().start(code, &Registry::new());
    let Event::HostCall(call) = session.next_event().await else {
        panic!("expected a host call")
    };
    assert_eq!(call.input["data"].as_bytes(), Some(&[7, 8][..]));
    session
        .submit_result(call.call_id, Bytes::from(vec![9, 10, 11]))
        .expect("an open call");
    let Event::Completed(outcome) = session.next_event().await else {
        panic!("expected the run to complete")
    };
    assert_eq!(outcome.result, json!([true, 9, 10, 11]));
}

#[test]
fn declarations_say_uint8array_for_bytes() {
    let declarations = registry().typescript();
    assert!(
        declarations.contains("reverse(args: {\n    data: Uint8Array;\n  }): Promise<Uint8Array>;"),
        "{declarations}"
    );
    assert!(
        declarations.contains("parts: Uint8Array[];"),
        "{declarations}"
    );
    assert!(
        declarations.contains("declare function attach(data: Uint8Array"),
        "{declarations}"
    );
}
