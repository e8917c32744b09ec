//! Starting the example MCP server and talking to it with rmcp's client.
#![allow(dead_code)]

use rmcp::model::{CallToolRequestParams, CallToolResult};
use rmcp::service::RunningService;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::{StreamableHttpClientTransport, TokioChildProcess};
use rmcp::{RoleClient, ServiceExt};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::OnceLock;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// A connected rmcp client.
pub type Client = RunningService<RoleClient, ()>;

/// A port on loopback that nothing listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

/// The example server binary. `cargo test --workspace` builds it along with the tests;
/// a narrower `cargo test` that skipped examples builds it here.
pub fn example_binary() -> PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| example("mcp_server")).clone()
}

/// The binary of the example `name`, built here when a narrower `cargo test` skipped it.
pub fn example(name: &str) -> PathBuf {
    let deps = std::env::current_exe().expect("the test binary's path");
    let profile = deps
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>");
    let binary = profile.join("examples").join(name);
    if !binary.exists() {
        let mut build = std::process::Command::new(env!("CARGO"));
        build.args(["build", "--quiet", "-p", "codemode", "--example", name]);
        if profile.file_name().is_some_and(|name| name == "release") {
            build.arg("--release");
        }
        let status = build.status().expect("cargo runs");
        assert!(status.success(), "the example {name} does not build");
    }
    binary
}

/// A scratch working directory laid out like the example expects: `examples/` is the
/// allowed folder, with a file, a subfolder, and symlinks pointing out of it.
pub struct Workspace {
    pub dir: tempfile::TempDir,
}

impl Workspace {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let root = dir.path();
        std::fs::create_dir_all(root.join("examples/notes")).expect("folders");
        std::fs::write(root.join("examples/hello.txt"), "hello from the sandbox\n")
            .expect("a file");
        std::fs::write(root.join("secret.txt"), "top secret\n").expect("a file outside");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("../secret.txt", root.join("examples/escape.txt"))
                .expect("a symlink");
            std::os::unix::fs::symlink(root, root.join("examples/up")).expect("a folder symlink");
            std::os::unix::fs::symlink("/etc/passwd", root.join("examples/passwd"))
                .expect("an absolute symlink");
        }
        Self { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// The example server with `args`, run in `cwd`, killed when dropped.
pub fn command(cwd: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(example_binary());
    command
        .args(args)
        .current_dir(cwd)
        .env("RUST_LOG", "warn")
        .kill_on_drop(true);
    command
}

/// A client talking to the example server over stdio.
pub async fn stdio_client(cwd: &Path, args: &[&str]) -> Client {
    let mut all = vec!["--stdio"];
    all.extend_from_slice(args);
    let (transport, _) = TokioChildProcess::builder(command(cwd, &all))
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the example server starts");
    ().serve(transport)
        .await
        .expect("the MCP handshake succeeds")
}

/// The example server over HTTP on a free loopback port with extra `args`, and its URL.
pub async fn http_server(cwd: &Path, args: &[&str]) -> (Child, String) {
    let server = HttpServer::start(cwd, args, &[]).await;
    (server.child, server.url)
}

/// The token the HTTP tests start servers with, in `TOKEN`.
pub const TOKEN: &str = "test-token-6f1c0e9a5b";

/// An HTTP server process, its `/mcp` URL and everything it wrote to stderr.
pub struct HttpServer {
    pub child: Child,
    pub url: String,
    pub log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl HttpServer {
    /// Starts the example server on a free loopback port with `args` and extra
    /// environment variables `env`, and waits until it listens.
    pub async fn start(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Self {
        let mut all = vec!["--http", "127.0.0.1:0"];
        all.extend_from_slice(args);
        Self::start_with(command(cwd, &all), env).await
    }

    /// Starts `command`, an HTTP server with its `--http` flag, and waits until it listens.
    pub async fn start_with(mut command: Command, env: &[(&str, &str)]) -> Self {
        command
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .envs(env.iter().copied())
            .stderr(Stdio::piped())
            .stdout(Stdio::null());
        let mut child = command.spawn().expect("the example server starts");
        let stderr = child.stderr.take().expect("piped stderr");
        let mut lines = BufReader::new(stderr).lines();
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let url = tokio::time::timeout(std::time::Duration::from_secs(30), async {
            while let Some(line) = lines.next_line().await.expect("readable stderr") {
                log.lock().expect("the log").push(line.clone());
                if let Some(start) = line.find("http://") {
                    return line[start..].trim().to_owned();
                }
            }
            panic!(
                "the server exited before listening: {:?}",
                log.lock().expect("the log")
            );
        })
        .await
        .expect("the server announces its address");
        let kept = std::sync::Arc::clone(&log);
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                kept.lock().expect("the log").push(line);
            }
        });
        Self { child, url, log }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id().expect("the server runs")
    }

    /// The base URL, without `/mcp`.
    pub fn base(&self) -> &str {
        self.url.trim_end_matches("/mcp")
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        let status = std::process::Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "the server took SIGTERM");
    }

    /// What the server wrote to stderr so far.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().expect("the log").clone()
    }
}

/// A client talking to an HTTP server at `url`.
pub async fn http_client(url: &str) -> Client {
    ().serve(StreamableHttpClientTransport::from_uri(url.to_owned()))
        .await
        .expect("the MCP handshake succeeds")
}

/// A client talking to an HTTP server at `url` with the bearer `token`.
pub async fn http_client_with_token(url: &str, token: &str) -> Client {
    let config =
        StreamableHttpClientTransportConfig::with_uri(url.to_owned()).auth_header(token.to_owned());
    ().serve(StreamableHttpClientTransport::from_config(config))
        .await
        .expect("the MCP handshake succeeds")
}

/// Calls a tool with JSON arguments.
pub async fn call(client: &Client, tool: &str, arguments: Value) -> CallToolResult {
    let Value::Object(arguments) = arguments else {
        panic!("arguments must be an object")
    };
    client
        .call_tool(CallToolRequestParams::new(tool.to_owned()).with_arguments(arguments))
        .await
        .expect("the call is answered")
}

/// Runs `code` through `execute` and returns the structured outcome and the error flag.
pub async fn execute(client: &Client, code: &str) -> (Value, bool) {
    let result = call(client, "execute", serde_json::json!({ "code": code })).await;
    let outcome = result
        .structured_content
        .clone()
        .expect("structured content");
    let text = result
        .content
        .first()
        .and_then(|content| content.as_text())
        .map(|content| content.text.clone())
        .expect("text content");
    let parsed: Value = serde_json::from_str(&text).expect("the text is the outcome's JSON");
    assert_eq!(parsed, outcome, "text and structured content agree");
    (outcome, result.is_error == Some(true))
}
