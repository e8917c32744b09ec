//! Bad request bodies get clean answers: 413 that the client actually receives for a
//! body over `--max-body-mb`, and 400 with a JSON-RPC error for one that is not a
//! JSON-RPC message. The server keeps serving afterwards.

#[path = "common/raw_mcp.rs"]
mod raw_mcp;
#[path = "common/server.rs"]
mod server;

use raw_mcp::Raw;
use serde_json::{json, Value};
use server::{execute, http_client, HttpServer, Workspace};

const MIB: usize = 1024 * 1024;

/// An `execute` call whose code is `bytes` long.
fn call_of_size(bytes: usize) -> String {
    let code = format!("return {:?}.length", "x".repeat(bytes));
    json!({
        "jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": { "name": "execute", "arguments": { "code": code } }
    })
    .to_string()
}

async fn post(raw: &Raw, session: &str, body: reqwest::Body) -> (reqwest::StatusCode, Value) {
    let response = raw
        .http
        .post(&raw.url)
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .header("mcp-session-id", session)
        .body(body)
        .send()
        .await
        .expect("the server answers instead of dropping the connection");
    let status = response.status();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_over_the_limit_gets_413_the_client_can_read() {
    let workspace = Workspace::new();
    let server = HttpServer::start(workspace.path(), &["--max-body-mb", "1"], &[]).await;
    let raw = Raw::new(&server.url);
    let session = raw.open_session().await;
    let expected = json!("the request body is larger than the server's limit of 1 MiB; send less, or start the server with a larger --max-body-mb");
    // With a Content-Length, and streamed in chunks without one.
    let sized = reqwest::Body::from(call_of_size(8 * MIB));
    let chunks = futures_util::stream::iter(
        call_of_size(3 * MIB)
            .into_bytes()
            .chunks(64 * 1024)
            .map(|chunk| Ok::<_, std::io::Error>(chunk.to_vec()))
            .collect::<Vec<_>>(),
    );
    for body in [sized, reqwest::Body::wrap_stream(chunks)] {
        let (status, body) = post(&raw, &session, body).await;
        assert_eq!(status, reqwest::StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(body["error"]["message"], expected);
    }
    let (status, _) = post(&raw, &session, call_of_size(MIB - 1024).into()).await;
    assert!(
        status.is_success(),
        "a body under the limit is served: {status}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_is_not_json_rpc_gets_400_with_a_json_rpc_error() {
    let workspace = Workspace::new();
    let server = HttpServer::start(workspace.path(), &[], &[]).await;
    let raw = Raw::new(&server.url);
    let session = raw.open_session().await;
    for (body, code, start) in [
        ("{not json", -32700, "Parse error: the request body is not JSON: "),
        ("", -32700, "Parse error: the request body is not JSON: "),
        ("[]", -32600, "Invalid Request: the request body is JSON but not a JSON-RPC 2.0 request, notification or response: "),
        ("{\"jsonrpc\":\"2.0\",\"id\":1}", -32600, "Invalid Request: "),
        ("{}", -32600, "Invalid Request: "),
    ] {
        let (status, answer) = post(&raw, &session, body.to_owned().into()).await;
        assert_eq!(status, reqwest::StatusCode::BAD_REQUEST, "{body:?}");
        assert_eq!(answer["jsonrpc"], json!("2.0"));
        assert_eq!(answer["id"], Value::Null);
        assert_eq!(answer["error"]["code"], json!(code), "{body:?}");
        let message = answer["error"]["message"].as_str().unwrap_or_default();
        assert!(message.starts_with(start), "{body:?}: {message}");
    }
    let client = http_client(&server.url).await;
    let (outcome, _) = execute(&client, "codemode.add({ a: 20, b: 22 })").await;
    assert_eq!(outcome["result"], json!(42));
}
