//! `--stateless`: no sessions, every POST stands alone and is answered with plain
//! JSON; `execute` and `search` work unchanged, and a dropped connection stops its run.
#![cfg(target_os = "linux")]

#[path = "common/process.rs"]
mod process;
#[path = "common/raw_mcp.rs"]
mod raw_mcp;
#[path = "common/server.rs"]
mod server;

use raw_mcp::{answer, execute_body, initialize_body, Raw};
use serde_json::json;
use server::{call, execute, http_client, HttpServer, Workspace};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_post_stands_alone_and_gets_json() {
    let workspace = Workspace::new();
    let server = HttpServer::start(workspace.path(), &["--stateless"], &[]).await;
    let raw = Raw::new(&server.url);
    let response = raw
        .post(None, &initialize_body())
        .send()
        .await
        .expect("answered");
    assert!(response.status().is_success());
    assert!(response.headers().get("mcp-session-id").is_none());
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    // A call needs no session and no handshake of its own.
    let response = raw
        .post(None, &execute_body(5, "codemode.add({ a: 4, b: 5 })"))
        .send()
        .await
        .expect("answered");
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    let answer = answer(response).await;
    assert_eq!(answer["id"], json!(5));
    assert_eq!(answer["result"]["structuredContent"]["result"], json!(9));
    for method in [reqwest::Method::GET, reqwest::Method::DELETE] {
        let response = raw
            .http
            .request(method.clone(), &server.url)
            .header("accept", "text/event-stream")
            .send()
            .await
            .expect("answered");
        assert_eq!(
            response.status(),
            reqwest::StatusCode::METHOD_NOT_ALLOWED,
            "{method}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rmcp_s_client_runs_execute_and_search() {
    let workspace = Workspace::new();
    let server = HttpServer::start(workspace.path(), &["--stateless"], &[]).await;
    let client = http_client(&server.url).await;
    let (outcome, is_error) = execute(
        &client,
        "const s = await codemode.add({ a: 40, b: 2 });\nconsole.log('s', s);\nreturn { s }",
    )
    .await;
    assert!(!is_error, "{outcome}");
    assert_eq!(
        outcome,
        json!({ "success": true, "result": { "s": 42 }, "error": null, "logs": ["s 42"] })
    );
    let found = call(
        &client,
        "search",
        json!({ "query": "environment variable" }),
    )
    .await;
    let hits = found.structured_content.expect("structured content");
    assert_eq!(hits["results"][0]["name"], json!("env.get"));
    let (outcome, is_error) = execute(&client, "throw new TypeError('nope')").await;
    assert!(is_error);
    assert_eq!(outcome["error"]["kind"], json!("exception"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_connection_stops_its_run() {
    let workspace = Workspace::new();
    let server = HttpServer::start(
        workspace.path(),
        &["--stateless", "--timeout-ms", "120000"],
        &[],
    )
    .await;
    let raw = Raw::new(&server.url);
    let request = raw.post(None, &execute_body(1, "while (true) {}"));
    let call = tokio::spawn(async move { request.send().await.map(drop) });
    process::assert_burning(server.pid()).await;
    call.abort();
    process::assert_quiet(server.pid(), "the connection dropped").await;
}
