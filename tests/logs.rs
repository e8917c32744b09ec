//! Console capture: order, levels, and a rendering of values that runs none of the
//! program's code and stays bounded.

mod common;

use common::{ok, run};

#[tokio::test]
async fn console_output_is_captured_in_order_with_levels() {
    let code = "console.log('one', 1);\nconsole.info('two');\nconsole.debug('three');\nconsole.warn('careful');\nconsole.error('bad');\nawait codemode.add({ a: 1, b: 1 });\nconsole.log('after');";
    let outcome = run(code).await;
    ok(&outcome);
    assert_eq!(
        outcome.logs,
        vec![
            "one 1",
            "two",
            "three",
            "[warn] careful",
            "[error] bad",
            "after"
        ]
    );
}

/// Runs `code` and returns its console lines.
async fn logs(code: &str) -> Vec<String> {
    let outcome = run(code).await;
    ok(&outcome);
    outcome.logs
}

#[tokio::test]
async fn values_are_rendered_readably_never_object_object() {
    let code = r#"
const cyclic = { name: 'c' }; cyclic.self = cyclic;
console.log({ a: [1, 'x', null], b: { c: true } });
console.log([1, 2], null, undefined, 3.5, true, -0, NaN);
console.log(cyclic);
console.log(10n, Symbol('s'), function named() {}, async () => {}, class K {});
console.log({ u: undefined, big: 2n, f() {}, 'with-dash': 1, [Symbol('k')]: 2 });
"#;
    let lines = logs(code).await;
    assert_eq!(
        lines,
        vec![
            r#"{a: [1, "x", null], b: {c: true}}"#,
            "[1, 2] null undefined 3.5 true -0 NaN",
            r#"{name: "c", self: [Circular]}"#,
            "10n Symbol(s) [Function: named] [AsyncFunction (anonymous)] [Function: K]",
            r#"{u: undefined, big: 2n, f: [Function: f], "with-dash": 1, [Symbol(k)]: 2}"#,
        ]
    );
    assert!(lines.iter().all(|line| !line.contains("[object Object]")));
}

#[tokio::test]
async fn strings_are_themselves_at_the_top_and_quoted_inside() {
    let lines = logs(r#"console.log('plain', 'say "hi"', ['a\nb'], { s: 'x' })"#).await;
    assert_eq!(lines, vec![r#"plain say "hi" ["a\nb"] {s: "x"}"#]);
}

#[tokio::test]
async fn maps_sets_and_holes_show_what_they_hold() {
    let code = r#"
console.log(new Map([['a', 1]]), new Set([1]));
console.log(new Map([[{ k: 1 }, new Set(['x', 'y'])]]), new Map(), new WeakMap());
console.log([1, , 3], new Array(5), [, , 'z']);
"#;
    assert_eq!(
        logs(code).await,
        vec![
            r#"Map(1) {"a" => 1} Set(1) {1}"#,
            r#"Map(1) {{k: 1} => Set(2) {"x", "y"}} Map(0) {} WeakMap {<items unknown>}"#,
            r#"[1, <1 empty item>, 3] [<5 empty items>] [<2 empty items>, "z"]"#,
        ]
    );
}

#[tokio::test]
async fn class_instances_and_built_in_objects_are_named() {
    let code = r#"
class Point { constructor(x) { this.x = x } }
class List extends Array {}
const list = new List(); list.push(1, 2);
const bare = Object.create(null); bare.a = 1;
console.log(new Point(1), list, bare);
console.log(new Uint8Array([1, 2, 3]), new ArrayBuffer(8), new Date(0), /a+b/gi);
console.log(Promise.resolve(1), new Promise(() => {}), new Number(3), new String('s'));
"#;
    assert_eq!(
        logs(code).await,
        vec![
            "Point {x: 1} List(2) [1, 2] [Object: null prototype] {a: 1}",
            "Uint8Array(3) [1, 2, 3] ArrayBuffer {byteLength: 8} 1970-01-01T00:00:00.000Z /a+b/gi",
            r#"Promise {1} Promise {<pending>} [Number: 3] [String: "s"]"#,
        ]
    );
}

#[tokio::test]
async fn arguments_tagged_objects_and_function_properties_show() {
    let code = r#"
function args() { return arguments; }
class Custom extends Error { constructor() { super('custom'); this.name = 'CustomError'; } }
console.log(args(1, 'a'), Math, { [Symbol.toStringTag]: 'Tagged' }, Object.assign(() => {}, { extra: 1 }));
console.log([new Custom()], (function* () {})());
"#;
    assert_eq!(
        logs(code).await,
        vec![
            r#"[Arguments] [1, "a"] Object [Math] {} Object [Tagged] {[Symbol(Symbol.toStringTag)]: "Tagged"} [Function (anonymous)] {extra: 1}"#,
            "[[CustomError: custom]] Object [Generator] {}",
        ]
    );
}

#[tokio::test]
async fn errors_show_their_name_message_and_where_they_were_made() {
    let code = "const e = new TypeError('bad');\nconst coded = Object.assign(new Error('x'), { code: 'E_X' });\nconsole.log(e);\nconsole.log({ e }, coded.message);\nconsole.error(coded);";
    assert_eq!(
        logs(code).await,
        vec![
            "TypeError: bad\n    at <anonymous> (code.js:1:15)",
            "{e: [TypeError: bad]} x",
            "[error] Error: x\n    at <anonymous> (code.js:2:33) {code: \"E_X\"}",
        ]
    );
}

#[tokio::test]
async fn large_and_deep_values_are_cut_with_a_marker() {
    let code = r#"
console.log(Array.from({ length: 150 }, (_, i) => i));
console.log(new Map(Array.from({ length: 1000 }, (_, i) => [i, i])));
console.log({ a: { b: { c: { d: { e: { f: { g: { h: 1 } } } } } } } });
console.log(['x'.repeat(10005)]);
console.log(new Float64Array(101));
"#;
    let lines = logs(code).await;
    assert!(
        lines[0].ends_with(", 99, ... 50 more items]"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("Map(1000) {0 => 0, 1 => 1,"),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].ends_with(", 99 => 99, ... 900 more entries}"),
        "{}",
        lines[1]
    );
    assert_eq!(lines[2], "{a: {b: {c: {d: {e: {f: [Object]}}}}}}");
    assert!(
        lines[3].ends_with("x\"... 5 more characters]"),
        "{}",
        &lines[3][9990..]
    );
    assert!(lines[4].ends_with(", 0, ... 1 more item]"), "{}", lines[4]);
}

#[tokio::test]
async fn rendering_never_calls_getters_or_proxy_traps() {
    let code = r#"
let calls = 0;
const trapped = new Proxy({ a: 1 }, {
  get() { calls++; throw new Error('get trap'); },
  ownKeys() { calls++; throw new Error('ownKeys trap'); },
  getOwnPropertyDescriptor() { calls++; throw new Error('descriptor trap'); },
  getPrototypeOf() { calls++; throw new Error('prototype trap'); },
});
const accessors = {
  get bad() { calls++; throw new Error('getter'); },
  set only(v) { calls++; },
  get both() { calls++; return 1; }, set both(v) {},
};
console.log(trapped, accessors);
console.log([trapped], new Map([[trapped, accessors]]));
return calls;
"#;
    let outcome = run(code).await;
    assert_eq!(ok(&outcome), &serde_json::json!(0));
    assert_eq!(
        outcome.logs,
        vec![
            "Proxy {a: 1} {bad: [Getter], only: [Setter], both: [Getter/Setter]}",
            "[Proxy {a: 1}] Map(1) {Proxy {a: 1} => {bad: [Getter], only: [Setter], both: [Getter/Setter]}}",
        ]
    );
}

#[tokio::test]
async fn replaced_built_ins_are_not_called_by_the_console() {
    let code = r#"
let calls = 0;
Map.prototype.entries = function () { calls++; return [][Symbol.iterator](); };
Object.defineProperty(Map.prototype, 'size', { get() { calls++; return 99; } });
Object.getPrototypeOf(new Set().values()).next = function () { calls++; return { done: true }; };
Date.prototype.toISOString = function () { calls++; return 'fake'; };
Object.defineProperty(RegExp.prototype, 'global', { get() { calls++; return false; } });
Object.defineProperty(Error.prototype, 'stack', { get() { calls++; return ''; } });
Object.defineProperty(Symbol.prototype, 'description', { get() { calls++; return 'fake'; } });
console.log(new Map([[1, 2]]), new Set([3]), new Date(0), /x/g, Symbol('real'));
return calls;
"#;
    let outcome = run(code).await;
    assert_eq!(ok(&outcome), &serde_json::json!(0));
    assert_eq!(
        outcome.logs,
        vec!["Map(1) {1 => 2} Set(1) {3} 1970-01-01T00:00:00.000Z /x/g Symbol(real)"]
    );
}

#[tokio::test]
async fn logs_survive_a_failure() {
    let outcome = run("console.log('before'); throw new Error('x')").await;
    assert!(!outcome.success);
    assert_eq!(outcome.logs, vec!["before"]);
}

#[tokio::test]
async fn getters_that_throw_do_not_break_logging() {
    let code = "const o = { get bad() { throw new Error('no') } }; console.log(o); return 1";
    let outcome = run(code).await;
    assert_eq!(ok(&outcome), &serde_json::json!(1));
    assert_eq!(outcome.logs, vec!["{bad: [Getter]}"]);
}
