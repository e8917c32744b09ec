//! The example server over streamable HTTP: many clients, concurrent calls, bad requests.

#[path = "common/server.rs"]
mod server;

use serde_json::json;
use server::{execute, http_client, http_server, Workspace};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_executes_each_get_their_own_answer() {
    let workspace = Workspace::new();
    let (_server, url) = http_server(workspace.path(), &[]).await;
    let client = std::sync::Arc::new(http_client(&url).await);
    let calls = (0..50).map(|i| {
        let client = std::sync::Arc::clone(&client);
        tokio::spawn(async move {
            let code = format!("await new Promise(r => setTimeout(r, 20));\nreturn await codemode.add({{ a: {i}, b: 1000 }})");
            (i, execute(&client, &code).await)
        })
    });
    for call in futures_util::future::join_all(calls).await {
        let (i, (outcome, is_error)) = call.expect("the task finished");
        assert!(!is_error, "{outcome}");
        assert_eq!(outcome["result"], json!(i + 1000));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_clients_have_their_own_sessions() {
    let workspace = Workspace::new();
    let (_server, url) = http_server(workspace.path(), &[]).await;
    let first = http_client(&url).await;
    let second = http_client(&url).await;
    let (a, _) = execute(&first, "globalThis.mark = 'first'; return 1").await;
    let (b, _) = execute(&second, "return typeof mark").await;
    assert_eq!(
        (a["result"].clone(), b["result"].clone()),
        (json!(1), json!("undefined"))
    );
    first.cancel().await.expect("a clean shutdown");
    let (c, _) = execute(&second, "codemode.add({ a: 1, b: 1 })").await;
    assert_eq!(c["result"], json!(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_get_errors_and_the_server_keeps_serving() {
    let workspace = Workspace::new();
    let (_server, url) = http_server(workspace.path(), &[]).await;
    let http = reqwest::Client::new();
    for body in ["{not json", "[]", "{\"jsonrpc\":\"2.0\",\"id\":1}", ""] {
        let response = http
            .post(&url)
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .body(body)
            .send()
            .await
            .expect("the server answers");
        assert!(
            response.status().is_client_error(),
            "{body:?} got {}",
            response.status()
        );
    }
    let response = http
        .post(&url)
        .body("{}")
        .send()
        .await
        .expect("the server answers");
    assert!(response.status().is_client_error());
    let client = http_client(&url).await;
    let (outcome, _) = execute(&client, "codemode.add({ a: 20, b: 22 })").await;
    assert_eq!(outcome["result"], json!(42));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_capability_refuses_hosts_outside_the_allowlist() {
    let workspace = Workspace::new();
    let (_server, url) = http_server(workspace.path(), &[]).await;
    let client = http_client(&url).await;
    let code = format!(
        "try {{ await codemode.http.fetch({{ url: {url:?} }}) }} catch (e) {{ return e.message }}"
    );
    let (outcome, _) = execute(&client, &code).await;
    assert_eq!(
        outcome["result"],
        json!("http.fetch: host `127.0.0.1` is not allowed; allowed hosts: httpbin.org")
    );
}
