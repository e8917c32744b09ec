//! How failures are reported: exceptions, tool errors, unknown tools, bad arguments, results.

mod common;

use codemode::ErrorKind;
use common::{ok, run};
use serde_json::json;

#[tokio::test]
async fn exception_has_name_message_and_position() {
    let code = "function inner() {\n  throw new TypeError('bad input');\n}\ninner();";
    let error = run(code).await.error.expect("a failure");
    assert_eq!(error.kind, ErrorKind::Exception);
    assert_eq!(error.name.as_deref(), Some("TypeError"));
    assert_eq!(error.message, "TypeError: bad input");
    assert_eq!((error.line, error.column), (Some(2), Some(13)));
    let stack = error.stack.expect("a stack");
    assert!(stack.starts_with("at inner (code.js:2:13)"), "{stack}");
    assert!(!stack.contains("harness"), "{stack}");
}

#[tokio::test]
async fn exception_on_the_first_line_has_the_users_column() {
    let error = run("  missing()").await.error.expect("a failure");
    assert_eq!(error.message, "ReferenceError: missing is not defined");
    assert_eq!((error.line, error.column), (Some(1), Some(3)), "{error:?}");
}

#[tokio::test]
async fn thrown_non_errors_are_shown() {
    let error = run("throw { code: 42 }").await.error.expect("a failure");
    assert_eq!(error.kind, ErrorKind::Exception);
    assert_eq!(error.message, "uncaught exception: {\"code\":42}");
}

#[tokio::test]
async fn tool_error_rejects_with_the_tools_message() {
    let code = "try { await codemode.fail({ why: 'testing' }) } catch (e) { return [e instanceof Error, e.name, e.message] }";
    assert_eq!(
        ok(&run(code).await),
        &json!([true, "ToolError", "failed on purpose: testing"])
    );
}

#[tokio::test]
async fn uncaught_tool_error_names_the_tool() {
    let error = run("await codemode.fail({ why: 'x' })")
        .await
        .error
        .expect("a failure");
    assert_eq!(error.kind, ErrorKind::Tool);
    assert_eq!(error.message, "codemode.fail failed: failed on purpose: x");
}

#[tokio::test]
async fn unknown_tool_names_it_and_lists_the_available_ones() {
    let error = run("await codemode.nope({})")
        .await
        .error
        .expect("a failure");
    assert_eq!(error.kind, ErrorKind::UnknownTool);
    assert_eq!(
        error.message,
        "codemode.nope does not exist; available: add, double, echo, fail, math.square, sleep"
    );
}

#[tokio::test]
async fn unknown_tool_is_catchable() {
    let code = "try { await codemode.math.cube({ x: 2 }) } catch (e) { return e.message }";
    let result = ok(&run(code).await).as_str().expect("a message").to_owned();
    assert!(
        result.starts_with("codemode.math.cube does not exist"),
        "{result}"
    );
}

#[tokio::test]
async fn namespaced_calls_reach_their_function() {
    assert_eq!(ok(&run("codemode.math.square({ x: 4 })").await), &json!(16));
}

#[tokio::test]
async fn arguments_must_be_one_plain_object() {
    for (call, got) in [
        ("codemode.add(1, 2)", "got 2 arguments"),
        ("codemode.add([1, 2])", "got an array"),
        ("codemode.add('a')", "got a string"),
        ("codemode.add(null)", "got null"),
        ("codemode.add(new Date())", "got an instance of a class"),
    ] {
        let error = run(call).await.error.expect("a failure");
        assert_eq!(error.kind, ErrorKind::Exception, "{call}");
        assert_eq!(error.name.as_deref(), Some("TypeError"), "{call}");
        assert!(
            error.message.contains("codemode.add"),
            "{call}: {}",
            error.message
        );
        assert!(error.message.contains(got), "{call}: {}", error.message);
    }
}

#[tokio::test]
async fn omitted_arguments_are_an_empty_object() {
    assert_eq!(ok(&run("codemode.echo()").await), &json!({}));
}

#[tokio::test]
async fn arguments_that_are_not_json_fail_the_call_clearly() {
    let code = "const a = {}; a.self = a; await codemode.echo({ a });";
    let error = run(code).await.error.expect("a failure");
    assert_eq!(error.name.as_deref(), Some("TypeError"));
    assert!(
        error
            .message
            .contains("codemode.echo: the arguments cannot be sent"),
        "{error:?}"
    );
}

#[tokio::test]
async fn deeply_nested_arguments_fail_the_call_instead_of_vanishing() {
    let code = "let deep = {}; for (let i = 0; i < 1000; i++) deep = { deep };\ntry { await codemode.echo({ deep }); return 'sent' } catch (e) { return e.message }";
    let message = ok(&run(code).await).as_str().expect("a message").to_owned();
    assert!(
        message.starts_with("codemode.echo: the arguments cannot be sent to the host"),
        "{message}"
    );
}

#[tokio::test]
async fn codemode_itself_is_not_callable_or_writable() {
    let error = run("codemode()").await.error.expect("a failure");
    assert!(
        error.message.contains("codemode is a namespace"),
        "{error:?}"
    );
    let code = "codemode.add = () => 5; return await codemode.add({ a: 1, b: 1 })";
    assert_eq!(ok(&run(code).await), &json!(2), "the assignment is ignored");
    let strict = format!("'use strict';\n{code}");
    let error = run(&strict).await.error.expect("a failure");
    assert_eq!(error.name.as_deref(), Some("TypeError"), "{error:?}");
    assert_eq!(error.line, Some(2), "{error:?}");
}

#[tokio::test]
async fn awaiting_a_namespace_does_not_hang() {
    let code = "const m = await codemode.math; return typeof m";
    assert_eq!(ok(&run(code).await), &json!("function"));
}

#[tokio::test]
async fn cyclic_result_fails_with_a_clear_message() {
    let error = run("const a = []; a.push(a); return a")
        .await
        .error
        .expect("a failure");
    assert_eq!(error.kind, ErrorKind::ResultNotJson);
    assert!(error.message.contains("cycle"), "{}", error.message);
}

#[tokio::test]
async fn bigint_result_fails_with_a_clear_message() {
    let error = run("return { n: 10n }").await.error.expect("a failure");
    assert_eq!(error.kind, ErrorKind::ResultNotJson);
    assert!(error.message.contains("BigInt"), "{}", error.message);
}

#[tokio::test]
async fn rejected_promise_is_reported_like_a_throw() {
    let error = run("async () => { await null; throw new RangeError('late') }")
        .await
        .error
        .expect("a failure");
    assert_eq!(error.message, "RangeError: late");
}

#[tokio::test]
async fn registered_functions_are_listed_and_any_other_name_is_unknown() {
    let code = "const unknown = await codemode.length().catch((e) => e.name);\nreturn [Object.keys(codemode), Object.keys(codemode.math), typeof codemode.math.square, unknown];";
    assert_eq!(
        ok(&run(code).await),
        &json!([
            ["add", "double", "echo", "fail", "math", "sleep"],
            ["square"],
            "function",
            "UnknownToolError"
        ])
    );
}

#[tokio::test]
async fn a_message_with_a_lone_surrogate_is_kept() {
    let error = run("throw new Error('bad \\ud800 msg \\u0000 end')")
        .await
        .error
        .expect("a failure");
    assert_eq!(error.message, "Error: bad \u{fffd} msg \u{0} end");
    let error = run("throw 'thrown \\udc00'")
        .await
        .error
        .expect("a failure");
    assert_eq!(error.message, "uncaught exception: thrown \u{fffd}");
}

#[tokio::test]
async fn only_errors_of_failed_calls_count_as_tool_errors() {
    for code in [
        "throw Object.assign(new Error('dressed up'), { name: 'ToolError' })",
        "throw Object.assign(new Error('dressed up'), { name: 'UnknownToolError' })",
        "const real = await codemode.fail({}).catch((e) => e);\nthrow new real.constructor('forged');",
    ] {
        let error = run(code).await.error.expect("a failure");
        assert_eq!(error.kind, ErrorKind::Exception, "{code}: {error:?}");
    }
    let code = "try { await codemode.fail({ why: 'x' }) } catch (e) { throw e }";
    let error = run(code).await.error.expect("a failure");
    assert_eq!(error.kind, ErrorKind::Tool, "{error:?}");
    assert_eq!(error.message, "codemode.fail failed: failed on purpose: x");
}

#[tokio::test]
async fn result_failures_are_named_by_what_was_found_not_by_message_text() {
    for words in ["circular", "BigInt", "recursion limit"] {
        let code = format!("return {{ toJSON() {{ throw new Error('{words}') }} }}");
        let error = run(&code).await.error.expect("a failure");
        assert_eq!(error.kind, ErrorKind::ResultNotJson);
        assert_eq!(
            error.message,
            format!("the result cannot be converted to JSON (Error: {words})")
        );
    }
}
