//! Values cross between JavaScript and the host exactly as JSON would carry them.

mod common;

use codemode::{Executor, Limits};
use common::{ok, registry, run};
use serde_json::Value;

/// Sends `expression` to the host and back, and checks that it arrived as
/// `JSON.parse(JSON.stringify(...))` makes it, key order included.
async fn assert_sent_as_json(expression: &str) {
    let code = format!(
        "const v = ({expression});\nconst expected = JSON.parse(JSON.stringify({{ v }}));\nconst sent = await codemode.echo({{ v }});\nreturn [sent, expected];"
    );
    let outcome = run(&code).await;
    let pair = ok(&outcome).as_array().expect("a pair");
    let text = |value: &Value| serde_json::to_string(value).expect("JSON");
    assert_eq!(text(&pair[0]), text(&pair[1]), "{expression}");
}

#[tokio::test]
async fn primitives_and_holes_convert_as_json_does() {
    for expression in [
        "{ a: 1, b: 'x', c: [1, 2, , 4], d: undefined, e: () => 1, f: Symbol('s'), g: null }",
        "[NaN, Infinity, -Infinity, -0, 1e21, 2 ** 53, 2 ** 64, 1.5, -(2 ** 63), 0.1 + 0.2]",
        "[undefined, () => 1, Symbol('s')]",
        "(() => { const a = []; a[5] = 1; return a; })()",
        "'text with \\0 a NUL, an emoji 🎉 and a lone surrogate \\ud800 inside'",
        "{ ['\\ud800 key']: 1, ['with\\0nul']: 2 }",
        "{ b: 1, 2: 'two', a: 2, 1: 'one', [Symbol('k')]: 3 }",
    ] {
        assert_sent_as_json(expression).await;
    }
}

#[tokio::test]
async fn objects_convert_with_their_to_json_methods_and_getters() {
    for expression in [
        "{ date: new Date(0), nested: { toJSON(key) { return 'key:' + key; } } }",
        "[{ toJSON(key) { return 'index ' + key; } }, { toJSON() { return undefined; } }]",
        "{ get computed() { return 6 * 7; }, hidden: Object.defineProperty({}, 'x', { value: 1 }) }",
        "Object.assign(() => 1, { toJSON() { return 'a function with toJSON'; } })",
        "new (class Point { constructor() { this.x = 1; this.y = 2; } })()",
        "Object.assign(Object.create(null), { a: 1 })",
        "(() => { BigInt.prototype.toJSON = function () { return this.toString(); }; return [10n]; })()",
    ] {
        assert_sent_as_json(expression).await;
    }
}

#[tokio::test]
async fn built_in_objects_convert_as_json_does() {
    for expression in [
        "[new Number(3), new String('s'), new Boolean(false)]",
        "[new Map([[1, 2]]), new Set([1]), new Error('e'), /re/g]",
        "[new Proxy({ a: 1 }, {}), new Proxy([1, 2], {})]",
        "(function () { return arguments; })(1, 2)",
        "new Proxy({}, { ownKeys: () => ['a'], getOwnPropertyDescriptor: () => ({ value: 1, enumerable: true, configurable: true }), get: (_, key) => key })",
    ] {
        assert_sent_as_json(expression).await;
    }
}

/// The message a program gets when `v` cannot be sent.
async fn send_error(setup: &str) -> String {
    let code = format!("{setup}\ntry {{ await codemode.echo({{ v }}); return 'sent'; }} catch (e) {{ return e.name + ': ' + e.message; }}");
    ok(&run(&code).await)
        .as_str()
        .expect("a message")
        .to_owned()
}

#[tokio::test]
async fn values_json_cannot_hold_fail_the_call_with_the_reason() {
    let message = send_error("const v = {}; v.self = [v];").await;
    assert!(
        message.starts_with("TypeError: codemode.echo: the arguments cannot be sent"),
        "{message}"
    );
    assert!(message.contains("cycle"), "{message}");

    let message = send_error("const v = { n: 1n };").await;
    assert!(message.contains("BigInt"), "{message}");

    let message =
        send_error("const v = { get broken() { throw new RangeError('no value today'); } };").await;
    assert!(message.contains("no value today"), "{message}");

    let message =
        send_error("const v = new Proxy({}, { ownKeys() { throw new Error('no keys'); } });").await;
    assert!(message.contains("no keys"), "{message}");
}

#[tokio::test]
async fn a_repeated_object_that_is_not_a_cycle_is_sent_twice() {
    let code =
        "const shared = { n: 1 }; return await codemode.echo({ a: shared, b: [shared, shared] });";
    assert_eq!(
        serde_json::to_string(ok(&run(code).await)).expect("JSON"),
        r#"{"a":{"n":1},"b":[{"n":1},{"n":1}]}"#
    );
}

#[tokio::test]
async fn arguments_larger_than_the_memory_limit_fail_the_call() {
    let limits = Limits::default().with_memory_bytes(4 * 1024 * 1024);
    let code = "const v = new Array(20_000_000);\ntry { await codemode.echo({ v }); return 'sent'; } catch (e) { return e.message; }";
    let outcome = Executor::new(limits).execute(code, &registry()).await;
    let message = ok(&outcome).as_str().expect("a message");
    assert!(message.contains("4 MiB"), "{message}");
    assert!(message.contains("send less data"), "{message}");
}

#[tokio::test]
async fn answers_are_built_as_json_parse_builds_them() {
    let code = r#"
        Object.defineProperty(Object.prototype, 'a', { set() { throw new Error('a setter ran'); } });
        Object.defineProperty(Array.prototype, '0', { set() { throw new Error('an index setter ran'); }, configurable: true });
        const r = await codemode.echo(JSON.parse('{"v": {"__proto__": {"x": 1}, "a": 1, "list": [1, 2]}}'));
        delete Array.prototype[0];
        return [Object.getPrototypeOf(r.v) === Object.prototype, Object.keys(r.v), r.v.x, r.v.a, r.v.list[0]];
    "#;
    assert_eq!(
        serde_json::to_string(ok(&run(code).await)).expect("JSON"),
        r#"[true,["__proto__","a","list"],null,1,1]"#
    );
}

#[tokio::test]
async fn an_answer_nested_too_deeply_fails_the_call_not_the_run() {
    let mut registry = registry();
    registry
        .register(codemode::HostFunction::new("deep", |_: Value| async move {
            let mut deep = Value::Null;
            for _ in 0..600 {
                deep = Value::Array(vec![deep]);
            }
            Ok(deep)
        }))
        .expect("a new name");
    let code = "try { await codemode.deep(); return 'built'; } catch (e) { return [e.name, e.tool, e.message]; }";
    let outcome = Executor::default().execute(code, &registry).await;
    let answer = ok(&outcome);
    assert_eq!(answer[0], "ToolError");
    assert_eq!(answer[1], "deep");
    let message = answer[2].as_str().expect("a message");
    assert!(message.contains("nests more than 512 levels"), "{message}");
}
