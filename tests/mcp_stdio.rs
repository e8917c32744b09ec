//! The example server driven by rmcp's client over stdio.

#[path = "common/server.rs"]
mod server;

use serde_json::json;
use server::{call, execute, stdio_client, Workspace};

#[tokio::test]
async fn tools_are_listed_with_declarations_in_the_description() {
    let workspace = Workspace::new();
    let client = stdio_client(workspace.path(), &[]).await;
    let info = client.peer_info().expect("server info");
    assert_eq!(
        info.server_info.as_ref().map(|i| i.name.as_str()),
        Some("example")
    );
    assert!(info
        .instructions
        .as_deref()
        .unwrap_or("")
        .contains("execute"));
    let tools = client.list_all_tools().await.expect("tools");
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(names, vec!["execute", "search"]);
    let description = tools[0].description.as_deref().unwrap_or_default();
    for expected in [
        "```ts\n",
        "declare const codemode: {",
        "add(args: {",
        "env: {",
        "fs: {",
        "http: {",
        "fetch(args: {",
    ] {
        assert!(
            description.contains(expected),
            "missing {expected:?} in {description}"
        );
    }
    assert!(
        tools.iter().all(|tool| tool.output_schema.is_none()),
        "no outputSchema for clients to validate each answer against"
    );
    client.cancel().await.expect("a clean shutdown");
}

#[tokio::test]
async fn execute_answers_with_structured_outcome() {
    let workspace = Workspace::new();
    let client = stdio_client(workspace.path(), &[]).await;
    let (outcome, is_error) = execute(
        &client,
        "const s = await codemode.add({ a: 2, b: 3 });\nconsole.log('sum', s);\nreturn s * 2;",
    )
    .await;
    assert!(!is_error);
    assert_eq!(
        outcome,
        json!({ "success": true, "result": 10, "error": null, "logs": ["sum 5"] })
    );
    client.cancel().await.expect("a clean shutdown");
}

#[tokio::test]
async fn failed_runs_set_is_error() {
    let workspace = Workspace::new();
    let client = stdio_client(workspace.path(), &[]).await;
    let (outcome, is_error) = execute(&client, "const x = 1;\nnull.boom();").await;
    assert!(is_error);
    assert_eq!(outcome["success"], json!(false));
    assert_eq!(outcome["error"]["kind"], json!("exception"));
    assert_eq!(outcome["error"]["line"], json!(2));
    let (outcome, is_error) = execute(&client, "return (").await;
    assert!(is_error);
    assert_eq!(outcome["error"]["kind"], json!("syntax"));
    client.cancel().await.expect("a clean shutdown");
}

#[tokio::test]
async fn bad_arguments_and_unknown_tools_are_errors_and_the_server_keeps_serving() {
    let workspace = Workspace::new();
    let client = stdio_client(workspace.path(), &[]).await;
    let result = call(&client, "execute", json!({})).await;
    assert_eq!(result.is_error, Some(true));
    assert_eq!(
        result.structured_content.expect("an outcome")["error"]["kind"],
        json!("invalid_request")
    );
    let result = call(&client, "execute", json!({ "code": 5 })).await;
    assert_eq!(result.is_error, Some(true));
    let unknown = client
        .call_tool(rmcp::model::CallToolRequestParams::new("nope"))
        .await
        .expect_err("an unknown tool is a protocol error");
    assert!(
        unknown.to_string().contains("unknown tool `nope`"),
        "{unknown}"
    );
    let result = call(&client, "search", json!({ "query": 3 })).await;
    assert_eq!(result.is_error, Some(true));
    let (outcome, _) = execute(&client, "1 + 1").await;
    assert_eq!(outcome["result"], json!(2));
    client.cancel().await.expect("a clean shutdown");
}

#[tokio::test]
async fn search_finds_functions_with_signatures() {
    let workspace = Workspace::new();
    let client = stdio_client(workspace.path(), &[]).await;
    let result = call(
        &client,
        "search",
        json!({ "query": "read file", "limit": 3 }),
    )
    .await;
    let answer = result.structured_content.expect("structured content");
    assert_eq!(answer["query"], json!("read file"));
    let results = answer["results"].as_array().expect("results");
    assert!(results.len() <= 3);
    assert_eq!(results[0]["name"], json!("fs.read"));
    assert_eq!(results[0]["kind"], json!("method"));
    assert!(results[0]["signature"]
        .as_str()
        .expect("a signature")
        .starts_with("codemode.fs.read(args: { path: string; })"));
    let result = call(&client, "search", json!({ "query": "" })).await;
    assert_eq!(
        result.structured_content.expect("structured")["results"],
        json!([])
    );
    client.cancel().await.expect("a clean shutdown");
}

#[tokio::test]
async fn env_reads_only_allowed_keys() {
    let workspace = Workspace::new();
    let client = stdio_client(workspace.path(), &[]).await;
    let code = "const user = await codemode.env.get({ key: 'USER' });\ntry { await codemode.env.get({ key: 'HOME' }); return 'leaked' } catch (e) { return [typeof user, e.message] }";
    let (outcome, _) = execute(&client, code).await;
    let user_type = if std::env::var("USER").is_ok() {
        "string"
    } else {
        "object"
    };
    assert_eq!(
        outcome["result"],
        json!([
            user_type,
            "env.get: `HOME` is not an allowed variable; allowed: USER"
        ])
    );
    client.cancel().await.expect("a clean shutdown");
}

#[tokio::test]
async fn fs_stays_inside_the_allowed_folder() {
    let workspace = Workspace::new();
    let client = stdio_client(workspace.path(), &[]).await;
    let (outcome, _) = execute(&client, "await codemode.fs.write({ path: 'examples/notes/a.txt', content: 'note' });\nreturn [await codemode.fs.read({ path: 'examples/hello.txt' }), await codemode.fs.read({ path: './examples/notes/a.txt' }), (await codemode.fs.list({ path: 'examples' })).map(e => e.name + ':' + e.kind)]").await;
    assert_eq!(
        outcome["result"],
        json!([
            "hello from the sandbox\n",
            "note",
            [
                "escape.txt:symlink",
                "hello.txt:file",
                "notes:dir",
                "passwd:symlink",
                "up:symlink"
            ]
        ]),
        "{outcome}"
    );
    let secret = workspace.path().join("secret.txt");
    for path in [
        "examples/../secret.txt".to_owned(),
        "secret.txt".to_owned(),
        secret.display().to_string(),
        "/etc/passwd".to_owned(),
        "examples/escape.txt".to_owned(),
        "examples/passwd".to_owned(),
        "examples/up/secret.txt".to_owned(),
    ] {
        let code = format!("try {{ return await codemode.fs.read({{ path: {path:?} }}) }} catch (e) {{ return e.message }}");
        let (outcome, _) = execute(&client, &code).await;
        let message = outcome["result"].as_str().unwrap_or_default().to_owned();
        assert!(
            !message.contains("top secret") && !message.contains("root:"),
            "{path} leaked: {message}"
        );
        assert!(message.starts_with("fs.read: "), "{path}: {message}");
    }
    let code = "try { await codemode.fs.write({ path: 'examples/up/secret.txt', content: 'overwritten' }) } catch (e) { return e.message }";
    let (outcome, _) = execute(&client, code).await;
    assert!(
        outcome["result"]
            .as_str()
            .unwrap_or_default()
            .contains("outside the allowed folders"),
        "{outcome}"
    );
    assert_eq!(
        std::fs::read_to_string(&secret).expect("still there"),
        "top secret\n"
    );
    client.cancel().await.expect("a clean shutdown");
}

#[tokio::test]
async fn command_line_limits_apply() {
    let workspace = Workspace::new();
    let client = stdio_client(workspace.path(), &["--timeout-ms", "200"]).await;
    let (outcome, is_error) = execute(&client, "while (true) {}").await;
    assert!(is_error);
    assert_eq!(outcome["error"]["kind"], json!("timeout"));
    client.cancel().await.expect("a clean shutdown");
}
