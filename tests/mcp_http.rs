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

/// Sends one JSON-RPC message over raw HTTP, in `session` if given.
async fn post(
    http: &reqwest::Client,
    url: &str,
    session: Option<&str>,
    message: serde_json::Value,
) -> reqwest::Response {
    let mut request = http
        .post(url)
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(message.to_string());
    if let Some(session) = session {
        request = request.header("mcp-session-id", session);
    }
    request.send().await.expect("the server answers")
}

/// Opens a session with raw HTTP and returns the id the server gave it.
async fn open_session(http: &reqwest::Client, url: &str) -> String {
    let initialize = json!({
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": { "name": "raw", "version": "0" }
        }
    });
    let response = post(http, url, None, initialize).await;
    assert!(response.status().is_success(), "{}", response.status());
    let session = response
        .headers()
        .get("mcp-session-id")
        .and_then(|id| id.to_str().ok())
        .expect("a session id")
        .to_owned();
    let initialized = json!({ "jsonrpc": "2.0", "method": "notifications/initialized" });
    let response = post(http, url, Some(&session), initialized).await;
    assert!(response.status().is_success(), "{}", response.status());
    session
}

/// The JSON-RPC answer in a response that is JSON or a stream of server-sent events.
async fn answer(response: reqwest::Response) -> serde_json::Value {
    let text = response.text().await.expect("a body");
    let json = text
        .lines()
        .filter_map(|line| line.strip_prefix("data:"))
        .map(str::trim)
        .find(|data| data.starts_with('{'))
        .unwrap_or(&text);
    serde_json::from_str(json).expect("a JSON-RPC answer")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_clients_have_their_own_sessions() {
    let workspace = Workspace::new();
    let (_server, url) = http_server(workspace.path(), &[]).await;
    let http = reqwest::Client::new();
    let first = open_session(&http, &url).await;
    let second = open_session(&http, &url).await;
    assert_ne!(first, second, "each client gets a session of its own");
    let ended = http
        .delete(&url)
        .header("mcp-session-id", &first)
        .send()
        .await
        .expect("the server answers");
    // 200, as the official SDKs' servers answer; their Python client warns on 202.
    assert_eq!(ended.status(), reqwest::StatusCode::OK);
    let add = json!({
        "jsonrpc": "2.0",
        "id": 2,
        "method": "tools/call",
        "params": { "name": "execute", "arguments": { "code": "codemode.add({ a: 1, b: 1 })" } }
    });
    let refused = post(&http, &url, Some(&first), add.clone()).await;
    assert_eq!(
        refused.status(),
        reqwest::StatusCode::NOT_FOUND,
        "an ended session"
    );
    let answered = post(&http, &url, Some(&second), add).await;
    assert!(answered.status().is_success(), "{}", answered.status());
    assert_eq!(
        answer(answered).await["result"]["structuredContent"]["result"],
        json!(2),
        "the other session is untouched"
    );
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
