//! Upstream MCP servers for the tests: the real ones, installed into the test cache on
//! first use, and the fixture server built with the examples.
//! A test file that uses it also declares `cache` and `server` from `common/`.
#![allow(dead_code)]

use codemode::{Registry, UpstreamConfig, Upstreams};
use serde_json::Value;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// `@modelcontextprotocol/server-everything`: every MCP feature, stdio or HTTP.
pub const EVERYTHING: &str = "@modelcontextprotocol/server-everything@2026.8.31";
/// `@modelcontextprotocol/server-filesystem`: files under the folders it is given.
pub const FILESYSTEM: &str = "@modelcontextprotocol/server-filesystem@2026.8.31";
/// `mcp-server-time` from PyPI: the time in a time zone.
pub const TIME: &str = "mcp-server-time==2026.10.19";

/// The `mcp-server-everything` program.
pub fn everything() -> String {
    path(super::cache::npm_bin(EVERYTHING, "mcp-server-everything"))
}

/// The `mcp-server-filesystem` program.
pub fn filesystem() -> String {
    path(super::cache::npm_bin(FILESYSTEM, "mcp-server-filesystem"))
}

/// The `mcp-server-time` program.
pub fn time() -> String {
    path(super::cache::pip_bin(TIME, "mcp-server-time"))
}

/// The fixture server (`tests/fixtures/upstream.rs`).
pub fn fixture() -> String {
    path(super::server::example("upstream_fixture"))
}

fn path(path: PathBuf) -> String {
    path.to_str().expect("a UTF-8 path").to_owned()
}

/// A configuration from `json` (an `mcpServers` object), as if read from a file.
pub fn config(json: Value) -> UpstreamConfig {
    UpstreamConfig::parse(&json.to_string(), "test-servers.json").expect("a valid configuration")
}

/// Starts the upstreams of `json` and returns them with a registry of their namespaces.
pub async fn connect(json: Value) -> (Upstreams, Registry) {
    let upstreams = Upstreams::connect(&config(json))
        .await
        .expect("no clashing server names");
    let registry = upstreams.registry().expect("no clashing tool names");
    (upstreams, registry)
}

/// `mcp-server-everything streamableHttp` on a free loopback port, and its endpoint.
pub async fn everything_over_http() -> (Child, String) {
    everything_over_http_on(super::server::free_port()).await
}

/// server-everything serving streamable HTTP on `port` of loopback, and its URL.
pub async fn everything_over_http_on(port: u16) -> (Child, String) {
    let mut child = Command::new(everything())
        .arg("streamableHttp")
        .env("PORT", port.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("server-everything starts");
    let stderr = child.stderr.take().expect("piped stderr");
    let mut lines = BufReader::new(stderr).lines();
    tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await.expect("readable stderr") {
            if line.contains("listening") {
                return;
            }
        }
        panic!("server-everything exited before listening");
    })
    .await
    .expect("server-everything listens");
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, format!("http://127.0.0.1:{port}/mcp"))
}
