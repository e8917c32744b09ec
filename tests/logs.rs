//! Console capture: order, rendering, levels.

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

#[tokio::test]
async fn values_are_rendered_as_json_never_object_object() {
    let code = r#"
const cyclic = { name: 'c' }; cyclic.self = cyclic;
console.log({ a: [1, 'x', null], b: { c: true } });
console.log([1, 2], null, undefined, 3.5, true);
console.log(cyclic);
console.log(new Error('boom'), 10n, function named() {});
console.log({ u: undefined, big: 2n, f() {} });
"#;
    let outcome = run(code).await;
    ok(&outcome);
    assert_eq!(
        outcome.logs,
        vec![
            r#"{"a":[1,"x",null],"b":{"c":true}}"#,
            "[1,2] null undefined 3.5 true",
            r#"{"name":"c","self":"[Circular]"}"#,
            "Error: boom 10n [Function named]",
            r#"{"u":"[undefined]","big":"2n","f":"[Function f]"}"#,
        ]
    );
    assert!(outcome
        .logs
        .iter()
        .all(|line| !line.contains("[object Object]")));
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
    assert_eq!(outcome.logs, vec!["[unprintable object: Error: no]"]);
}
