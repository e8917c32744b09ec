//! MCP over stdio spoken by hand, for what a full client hides: which messages the
//! server sends, and which it does not.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout};

/// The example server over stdio, with its pipes.
pub struct RawStdio {
    pub child: Child,
    input: ChildStdin,
    output: Lines<BufReader<ChildStdout>>,
}

impl RawStdio {
    /// Starts the example server in `cwd` with `--stdio` and `args`, and initializes it.
    pub async fn start(cwd: &Path, args: &[&str]) -> Self {
        let mut all = vec!["--stdio"];
        all.extend_from_slice(args);
        let mut child = super::server::command(cwd, &all)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the example server starts");
        let input = child.stdin.take().expect("piped stdin");
        let output = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
        let mut raw = Self {
            child,
            input,
            output,
        };
        raw.send(json!({
            "jsonrpc": "2.0",
            "id": 0,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": { "name": "raw", "version": "1" }
            }
        }))
        .await;
        raw.answer_to(0).await;
        raw.send(json!({ "jsonrpc": "2.0", "method": "notifications/initialized" }))
            .await;
        raw
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id().expect("the server runs")
    }

    /// Writes one message.
    pub async fn send(&mut self, message: Value) {
        let mut line = message.to_string();
        line.push('\n');
        self.input
            .write_all(line.as_bytes())
            .await
            .expect("the server reads its input");
    }

    /// Sends `tools/call` of `execute` with `code` as request `id`.
    pub async fn execute(&mut self, id: u64, code: &str) {
        self.send(json!({
            "jsonrpc": "2.0",
            "id": id,
            "method": "tools/call",
            "params": { "name": "execute", "arguments": { "code": code } }
        }))
        .await;
    }

    /// Sends `notifications/cancelled` for request `id`.
    pub async fn cancel(&mut self, id: u64) {
        self.send(json!({
            "jsonrpc": "2.0",
            "method": "notifications/cancelled",
            "params": { "requestId": id, "reason": "the user pressed stop" }
        }))
        .await;
    }

    /// The next message the server writes.
    pub async fn next(&mut self) -> Value {
        let line = tokio::time::timeout(Duration::from_secs(60), self.output.next_line())
            .await
            .expect("the server writes within a minute")
            .expect("readable output")
            .expect("the server is still running");
        serde_json::from_str(&line).expect("a JSON-RPC message per line")
    }

    /// Reads messages until the answer to request `id`, and returns the answer and the
    /// messages seen before it.
    pub async fn answer_to(&mut self, id: u64) -> (Value, Vec<Value>) {
        let mut before = Vec::new();
        loop {
            let message = self.next().await;
            if message.get("id") == Some(&json!(id)) && message.get("method").is_none() {
                return (message, before);
            }
            before.push(message);
        }
    }
}
