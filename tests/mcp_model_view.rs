//! What a model writes and reads through the example server: TypeScript that needs a
//! transform, console lines that show what values hold, and capabilities that say
//! what they allow.

#[path = "common/server.rs"]
mod server;

use serde_json::json;
use server::{call, execute, stdio_client, Workspace};

#[tokio::test]
async fn typescript_with_enums_runs_and_errors_keep_their_line() {
    let workspace = Workspace::new();
    let client = stdio_client(workspace.path(), &[]).await;
    let code = "enum Color { Red, Green }\nnamespace Sum { export const of = (a: number, b: number) => a + b; }\nclass Box { constructor(private item: Color) {} get(): Color { return this.item; } }\nreturn Sum.of(new Box(Color.Green).get(), await codemode.add({ a: 1, b: 2 }));";
    let (outcome, is_error) = execute(&client, code).await;
    assert!(!is_error, "{outcome}");
    assert_eq!(outcome["result"], json!(4));
    let code =
        "enum Level {\n  Low,\n  High,\n}\n\nconst level: Level = Level.High;\n  missing(level);";
    let (outcome, is_error) = execute(&client, code).await;
    assert!(is_error);
    assert_eq!(outcome["error"]["kind"], json!("exception"));
    assert_eq!(outcome["error"]["line"], json!(7), "{outcome}");
    assert_eq!(outcome["error"]["column"], json!(3), "{outcome}");
    let (outcome, _) = execute(&client, "import { readFile } from 'fs';\nreturn 1;").await;
    assert_eq!(outcome["error"]["kind"], json!("syntax"));
    assert!(
        outcome["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("`import` and `export` do not exist here"),
        "{outcome}"
    );
    client.cancel().await.expect("a clean shutdown");
}

#[tokio::test]
async fn console_lines_show_what_values_hold() {
    let workspace = Workspace::new();
    let client = stdio_client(workspace.path(), &[]).await;
    let code = "const trapped = new Proxy({ a: 1 }, { get() { for (;;) {} } });\nconsole.log(new Map([['a', 1]]), new Set([1]), [1, , 3]);\nconsole.log('text', { trapped, get lazy() { return 1; } });\nconsole.warn(new TypeError('bad'));\nconst big = new Map();\nfor (let i = 0; i < 100000; i++) big.set(i, i);\nconsole.log(big);";
    let (outcome, is_error) = execute(&client, code).await;
    assert!(!is_error, "{outcome}");
    let logs = outcome["logs"].as_array().expect("logs");
    assert_eq!(
        logs[0],
        json!(r#"Map(1) {"a" => 1} Set(1) {1} [1, <1 empty item>, 3]"#)
    );
    assert_eq!(
        logs[1],
        json!("text {trapped: Proxy {a: 1}, lazy: [Getter]}")
    );
    assert_eq!(
        logs[2],
        json!("[warn] TypeError: bad\n    at <anonymous> (code.js:4:18)")
    );
    let big = logs[3].as_str().expect("a line");
    assert!(big.starts_with("Map(100000) {0 => 0, "), "{big}");
    assert!(big.ends_with(", ... 99900 more entries}"), "{big}");
    client.cancel().await.expect("a clean shutdown");
}

#[tokio::test]
async fn capabilities_say_what_they_allow_in_declarations_and_search() {
    let workspace = Workspace::new();
    let client = stdio_client(workspace.path(), &[]).await;
    let tools = client.list_all_tools().await.expect("tools");
    let description = tools[0].description.as_deref().unwrap_or_default();
    for expected in [
        "Allowed folders: `./examples`",
        "Allowed keys: `USER`.",
        "Allowed hosts: `httpbin.org`",
    ] {
        assert!(
            description.contains(expected),
            "missing {expected:?} in {description}"
        );
    }
    let result = call(
        &client,
        "search",
        json!({ "query": "read file", "limit": 1 }),
    )
    .await;
    let answer = result.structured_content.expect("structured content");
    let hit = &answer["results"][0];
    assert_eq!(hit["name"], json!("fs.read"));
    assert!(
        hit["description"]
            .as_str()
            .unwrap_or_default()
            .contains("Allowed folders: `./examples`"),
        "{hit}"
    );
    let result = call(
        &client,
        "search",
        json!({ "query": "environment variable" }),
    )
    .await;
    let answer = result.structured_content.expect("structured content");
    assert!(
        answer["results"]
            .as_array()
            .expect("results")
            .iter()
            .any(|hit| hit["description"]
                .as_str()
                .unwrap_or_default()
                .contains("Allowed keys: `USER`.")),
        "{answer}"
    );
    client.cancel().await.expect("a clean shutdown");
}
