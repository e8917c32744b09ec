//! The official MCP TypeScript SDK's client talks to the example server over stdio and
//! streamable HTTP, and accepts every answer (`tests/clients/ts_client.mjs`).

#[path = "common/cache.rs"]
mod cache;
#[path = "common/server.rs"]
mod server;

use server::{HttpServer, Workspace};
use std::path::Path;

/// The SDK the check runs with, installed into the test cache on first use.
const SDK: &str = "@modelcontextprotocol/sdk@1.32.2";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_typescript_sdk_accepts_every_answer_over_stdio_and_http() {
    let modules = cache::npm_modules(SDK, "@modelcontextprotocol/sdk");
    let workspace = Workspace::new();
    let server = HttpServer::start(workspace.path(), &[], &[]).await;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/clients/ts_client.mjs");
    let output = tokio::process::Command::new("node")
        .arg(script)
        .arg(&modules)
        .arg(server::example_binary())
        .arg(&server.url)
        .current_dir(workspace.path())
        .output()
        .await
        .expect("node runs (needs Node 20)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("typescript sdk over stdio: 8 checks passed")
            && stdout.contains("typescript sdk over streamable HTTP: 8 checks passed"),
        "{stdout}"
    );
}
