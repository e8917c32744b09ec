//! Every accepted form of code: function expressions, statements, expressions, TypeScript.

mod common;

use codemode::ErrorKind;
use common::{ok, run};
use serde_json::json;

#[tokio::test]
async fn async_arrow_function_is_called() {
    assert_eq!(ok(&run("async () => 1 + 1").await), &json!(2));
}

#[tokio::test]
async fn plain_arrow_and_function_expressions_are_called() {
    assert_eq!(ok(&run("() => 'arrow'").await), &json!("arrow"));
    assert_eq!(ok(&run("function () { return 'fn' }").await), &json!("fn"));
    assert_eq!(
        ok(&run("async function main() { return 'named' }").await),
        &json!("named")
    );
}

#[tokio::test]
async fn statements_may_await_and_return() {
    let code = "const a = await codemode.add({ a: 1, b: 2 });\nconst b = await codemode.double({ n: a });\nreturn { a, b };";
    assert_eq!(ok(&run(code).await), &json!({ "a": 3, "b": 6 }));
}

#[tokio::test]
async fn statements_without_return_give_null() {
    assert_eq!(ok(&run("const a = 1;").await), &json!(null));
}

#[tokio::test]
async fn single_expression_is_evaluated_and_awaited() {
    assert_eq!(
        ok(&run("[1, 2, 3].map(x => x * 2)").await),
        &json!([2, 4, 6])
    );
    assert_eq!(ok(&run("codemode.add({ a: 2, b: 3 })").await), &json!(5));
    assert_eq!(
        ok(&run("({ nested: { ok: true } })").await),
        &json!({ "nested": { "ok": true } })
    );
}

#[tokio::test]
async fn undefined_becomes_null() {
    assert_eq!(ok(&run("async () => undefined").await), &json!(null));
    assert_eq!(
        ok(&run("({ a: undefined, b: 1 })").await),
        &json!({ "b": 1 })
    );
}

#[tokio::test]
async fn comments_at_the_end_do_not_break_the_wrapper() {
    assert_eq!(ok(&run("1 + 1 // two").await), &json!(2));
    assert_eq!(ok(&run("return 3 // three").await), &json!(3));
}

#[tokio::test]
async fn typescript_types_are_stripped() {
    let code = r#"
interface Sum { total: number }
type Pair = [number, number];
const pair: Pair = [2, 5];
function total<T extends number>(xs: T[]): Sum {
  return { total: xs.reduce((a, b) => a + b, 0) };
}
const sum = await codemode.add({ a: pair[0], b: pair[1] }) as number;
return total<number>([sum, 1]);
"#;
    assert_eq!(ok(&run(code).await), &json!({ "total": 8 }));
}

#[tokio::test]
async fn typescript_arrow_function_is_called() {
    let code = "async (): Promise<string> => { const s: string = 'ts'; return s; }";
    assert_eq!(ok(&run(code).await), &json!("ts"));
}

#[tokio::test]
async fn typescript_errors_keep_the_users_positions() {
    let code = "const a: number = 1;\nconst b: string = 'x';\n  missing();";
    let outcome = run(code).await;
    let error = outcome.error.expect("a failure");
    assert_eq!(error.kind, ErrorKind::Exception);
    assert_eq!((error.line, error.column), (Some(3), Some(3)), "{error:?}");
}

#[tokio::test]
async fn typescript_that_needs_a_transform_runs() {
    let code = r#"
enum Color { Red, Green = 5, Blue }
const enum Flag { On = 1 }
namespace Geometry {
  export const unit = 2;
  export function double(x: number): number { return x * unit; }
}
class Point {
  constructor(public readonly x: number, private y = 3) {}
  sum(): number { return this.x + this.y; }
}
const n = <number>(Color.Blue as number);
return [Color.Green, Color[6], Flag.On, Geometry.double(n), new Point(1).sum()];
"#;
    assert_eq!(ok(&run(code).await), &json!([5, "Blue", 1, 12, 4]));
}

#[tokio::test]
async fn transformed_typescript_keeps_the_users_line_numbers() {
    let code = "enum Direction {\n  Up = 1,\n  Down,\n}\n\n// the failing call is on line 8\nconst step: Direction = Direction.Down;\n  missing(step);";
    let error = run(code).await.error.expect("a failure");
    assert_eq!(error.kind, ErrorKind::Exception);
    assert_eq!((error.line, error.column), (Some(8), Some(3)), "{error:?}");
    let code =
        "class Box { constructor(private item: string) {} }\n\nnew Box('a');\n    undefined.x;";
    let error = run(code).await.error.expect("a failure");
    assert_eq!((error.line, error.column), (Some(4), Some(5)), "{error:?}");
}

#[tokio::test]
async fn typescript_that_cannot_run_says_what_to_write_instead() {
    let outcome = run("const x = 1;\nenum E { A }\n@sealed\nclass C {}\nreturn x;").await;
    let error = outcome.error.expect("a failure");
    assert_eq!(error.kind, ErrorKind::Syntax);
    assert!(
        error
            .message
            .contains("call the decorating function yourself"),
        "{error:?}"
    );
    assert_eq!((error.line, error.column), (Some(3), Some(1)));
    let outcome =
        run("import type { Row } from './rows';\nconst rows: Row[] = [];\nreturn rows;").await;
    let error = outcome.error.expect("a failure");
    assert_eq!(error.kind, ErrorKind::Syntax);
    assert!(
        error
            .message
            .contains("`import` and `export` do not exist here"),
        "{error:?}"
    );
    assert_eq!(error.line, Some(1));
}

#[tokio::test]
async fn syntax_errors_point_at_the_users_code() {
    let outcome = run("const a = 1;\nconst b = ;\nreturn a;").await;
    let error = outcome.error.expect("a failure");
    assert_eq!(error.kind, ErrorKind::Syntax);
    assert!(error.message.starts_with("SyntaxError"), "{error:?}");
    assert_eq!(error.line, Some(2));
}

#[tokio::test]
async fn syntax_errors_on_the_first_line_have_the_users_column() {
    let outcome = run("const = 1").await;
    let error = outcome.error.expect("a failure");
    assert_eq!(error.kind, ErrorKind::Syntax);
    assert_eq!((error.line, error.column), (Some(1), Some(7)), "{error:?}");
}
