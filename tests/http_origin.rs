//! `Origin` and `Host` checks of the HTTP server, against cross-site requests and DNS
//! rebinding: 403 outside the allowlists, which `--allowed-origin` and `--allowed-host`
//! extend.

#[path = "common/raw_mcp.rs"]
mod raw_mcp;
#[path = "common/server.rs"]
mod server;

use raw_mcp::{initialize_body, Raw};
use serde_json::{json, Value};
use server::{HttpServer, Workspace};

async fn status_with(raw: &Raw, header: &str, value: &str) -> (reqwest::StatusCode, Value) {
    let response = raw
        .post(None, &initialize_body())
        .header(header, value)
        .send()
        .await
        .expect("answered");
    let status = response.status();
    let text = response.text().await.expect("a body");
    let body = if status.is_success() {
        Value::Null
    } else {
        serde_json::from_str(&text).expect("a JSON error body")
    };
    (status, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn origins_outside_the_allowlist_get_403() {
    let workspace = Workspace::new();
    let server = HttpServer::start(
        workspace.path(),
        &["--allowed-origin", "https://app.example.com"],
        &[],
    )
    .await;
    let raw = Raw::new(&server.url);
    for allowed in [
        "http://localhost:5173",
        "http://127.0.0.1:8080",
        "http://[::1]:3000",
        "https://app.example.com",
    ] {
        let (status, _) = status_with(&raw, "origin", allowed).await;
        assert!(status.is_success(), "{allowed}: {status}");
    }
    for refused in [
        "http://evil.example",
        "https://app.example.com:8443",
        "http://app.example.com",
        "https://localhost:5173",
        "null",
    ] {
        let (status, body) = status_with(&raw, "origin", refused).await;
        assert_eq!(status, reqwest::StatusCode::FORBIDDEN, "{refused}");
        assert_eq!(
            body["error"]["message"],
            json!(format!(
                "Origin `{refused}` is not allowed; start the server with --allowed-origin {refused} to allow it"
            ))
        );
    }
    // Clients that are not browsers send no Origin at all.
    let response = raw
        .post(None, &initialize_body())
        .send()
        .await
        .expect("answered");
    assert!(response.status().is_success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hosts_outside_the_allowlist_get_403() {
    let workspace = Workspace::new();
    let server = HttpServer::start(
        workspace.path(),
        &["--allowed-host", "mcp.example.com"],
        &[],
    )
    .await;
    let raw = Raw::new(&server.url);
    for allowed in [
        "localhost:8000",
        "127.0.0.1",
        "mcp.example.com",
        "MCP.example.com:443",
    ] {
        let (status, _) = status_with(&raw, "host", allowed).await;
        assert!(status.is_success(), "{allowed}: {status}");
    }
    let (status, body) = status_with(&raw, "host", "rebound.evil.example:8000").await;
    assert_eq!(status, reqwest::StatusCode::FORBIDDEN);
    assert_eq!(
        body["error"]["message"],
        json!("Host `rebound.evil.example:8000` is not allowed; start the server with --allowed-host rebound.evil.example to allow it")
    );
    // Health checks come from load balancers with any Host.
    let health = reqwest::Client::new()
        .get(format!("{}/healthz", server.base()))
        .header("host", "10.1.2.3:8000")
        .send()
        .await
        .expect("answered");
    assert_eq!(health.status(), reqwest::StatusCode::OK);
}
