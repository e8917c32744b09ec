//! A client sees a run while it runs, over stdio and streamable HTTP with rmcp's
//! client: `notifications/progress` for a request with a `progressToken` (console lines
//! and host calls, coalesced to at most 20 a second), and console lines as
//! `notifications/message` at or above the level set with `logging/setLevel`.
#![cfg(target_os = "linux")]
// MCP logging is deprecated from protocol 2026-07-28 on; the tested protocol has it.
#![allow(deprecated)]

#[path = "common/raw_stdio.rs"]
mod raw_stdio;
#[path = "common/server.rs"]
mod server;

use raw_stdio::RawStdio;
use rmcp::model::{
    CallToolRequest, CallToolRequestParams, ClientRequest, LoggingLevel,
    LoggingMessageNotificationParam, ProgressNotificationParam, ServerResult,
    SetLevelRequestParams,
};
use rmcp::service::{NotificationContext, RunningService};
use rmcp::transport::{StreamableHttpClientTransport, TokioChildProcess};
use rmcp::{ClientHandler, RoleClient, ServiceExt};
use serde_json::{json, Value};
use server::{HttpServer, Workspace};
use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A client that records the notifications it hears.
#[derive(Clone, Default)]
struct Listener {
    progress: Arc<Mutex<Vec<ProgressNotificationParam>>>,
    messages: Arc<Mutex<Vec<LoggingMessageNotificationParam>>>,
}

impl ClientHandler for Listener {
    async fn on_progress(
        &self,
        params: ProgressNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        self.progress.lock().expect("the list").push(params);
    }

    async fn on_logging_message(
        &self,
        params: LoggingMessageNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        self.messages.lock().expect("the list").push(params);
    }
}

impl Listener {
    fn progress(&self) -> Vec<ProgressNotificationParam> {
        self.progress.lock().expect("the list").clone()
    }

    fn messages(&self) -> Vec<LoggingMessageNotificationParam> {
        self.messages.lock().expect("the list").clone()
    }

    /// The lines of the progress notifications, in order.
    fn progress_lines(&self) -> Vec<String> {
        self.progress()
            .iter()
            .filter_map(|params| params.message.clone())
            .flat_map(|message| message.lines().map(str::to_owned).collect::<Vec<_>>())
            .collect()
    }
}

type ListeningClient = RunningService<RoleClient, Listener>;

async fn over_stdio(cwd: &Path, listener: &Listener) -> ListeningClient {
    let (transport, _) = TokioChildProcess::builder(server::command(cwd, &["--stdio"]))
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the example server starts");
    listener
        .clone()
        .serve(transport)
        .await
        .expect("the MCP handshake succeeds")
}

async fn over_http(url: &str, listener: &Listener) -> ListeningClient {
    listener
        .clone()
        .serve(StreamableHttpClientTransport::from_uri(url.to_owned()))
        .await
        .expect("the MCP handshake succeeds")
}

/// Runs `code` and returns the outcome. rmcp's client gives every request a progress
/// token of its own.
async fn execute(client: &ListeningClient, code: &str) -> Value {
    let Value::Object(arguments) = json!({ "code": code }) else {
        unreachable!()
    };
    let params = CallToolRequestParams::new("execute").with_arguments(arguments);
    let answer = client
        .send_request(ClientRequest::CallToolRequest(CallToolRequest::new(params)))
        .await
        .expect("the call is answered");
    let ServerResult::CallToolResult(result) = answer else {
        panic!("not a tool result: {answer:?}")
    };
    result.structured_content.expect("structured content")
}

/// Waits until `done` holds, for at most 5 s.
async fn eventually(done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !done() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Three lines 100 ms apart and a host call.
const PACED: &str = "const pause = () => new Promise((resolve) => setTimeout(resolve, 100));
console.log('one');
await pause();
const sum = await codemode.add({ a: 1, b: 2 });
console.warn('two', sum);
await pause();
console.error('three');
return sum;";

async fn lines_and_calls_arrive_as_progress(client: &ListeningClient, listener: &Listener) {
    let outcome = execute(client, PACED).await;
    assert_eq!(outcome["result"], json!(3), "{outcome}");
    assert_eq!(
        outcome["logs"],
        json!(["one", "[warn] two 3", "[error] three"])
    );
    eventually(|| listener.progress_lines().len() >= 4).await;
    assert_eq!(
        listener.progress_lines(),
        [
            "one",
            "calling codemode.add",
            "[warn] two 3",
            "[error] three"
        ]
    );
    let progress = listener.progress();
    assert!(
        progress
            .iter()
            .all(|params| params.progress_token == progress[0].progress_token),
        "one request, one token"
    );
    let counts: Vec<f64> = progress.iter().map(|params| params.progress).collect();
    assert!(
        counts.windows(2).all(|pair| pair[0] < pair[1]) && counts.last() == Some(&4.0),
        "progress grows to the events so far: {counts:?}"
    );
    assert!(
        listener.messages().is_empty(),
        "no log messages before logging/setLevel"
    );
}

/// 400 lines printed over about a second.
const FLOOD: &str = "for (let i = 0; i < 400; i++) {
  console.log(`line ${i}`);
  if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 25));
}
return 'done';";

async fn a_flood_is_coalesced_to_twenty_a_second(client: &ListeningClient, listener: &Listener) {
    let started = Instant::now();
    let outcome = execute(client, FLOOD).await;
    let elapsed = started.elapsed();
    assert_eq!(outcome["result"], json!("done"), "{outcome}");
    assert_eq!(outcome["logs"].as_array().map(Vec::len), Some(400));
    eventually(|| listener.progress_lines().len() >= 400).await;
    let expected: Vec<String> = (0..400).map(|i| format!("line {i}")).collect();
    assert_eq!(listener.progress_lines(), expected, "every line, in order");
    let notifications = listener.progress().len();
    // One at once, then one per 50 ms, then what was left when the run ended.
    let allowed = (elapsed.as_secs_f64() * 20.0).floor() as usize + 2;
    eprintln!("{notifications} progress notifications for 400 lines in {elapsed:?}");
    assert!(
        notifications <= allowed,
        "{notifications} notifications in {elapsed:?}: more than 20 a second"
    );
}

async fn set_level_is_honoured(client: &ListeningClient, listener: &Listener) {
    client
        .set_level(SetLevelRequestParams::new(LoggingLevel::Warning))
        .await
        .expect("logging/setLevel is answered");
    let outcome = execute(client, PACED).await;
    assert_eq!(outcome["result"], json!(3), "{outcome}");
    eventually(|| listener.messages().len() >= 2).await;
    let messages: Vec<(LoggingLevel, Value)> = listener
        .messages()
        .into_iter()
        .map(|params| (params.level, params.data))
        .collect();
    assert_eq!(
        messages,
        [
            (LoggingLevel::Warning, json!("[warn] two 3")),
            (LoggingLevel::Error, json!("[error] three")),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_stdio_progress_carries_lines_and_calls() {
    let workspace = Workspace::new();
    let listener = Listener::default();
    let client = over_stdio(workspace.path(), &listener).await;
    lines_and_calls_arrive_as_progress(&client, &listener).await;
    client.cancel().await.expect("a clean shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_stdio_a_flood_of_lines_is_coalesced() {
    let workspace = Workspace::new();
    let listener = Listener::default();
    let client = over_stdio(workspace.path(), &listener).await;
    a_flood_is_coalesced_to_twenty_a_second(&client, &listener).await;
    client.cancel().await.expect("a clean shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_stdio_log_messages_follow_the_level_set() {
    let workspace = Workspace::new();
    let listener = Listener::default();
    let client = over_stdio(workspace.path(), &listener).await;
    set_level_is_honoured(&client, &listener).await;
    client.cancel().await.expect("a clean shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_http_progress_and_log_messages_arrive_per_session() {
    let workspace = Workspace::new();
    let server = HttpServer::start(workspace.path(), &[], &[]).await;
    let listener = Listener::default();
    let client = over_http(&server.url, &listener).await;
    lines_and_calls_arrive_as_progress(&client, &listener).await;
    let flooded = Listener::default();
    let flooding = over_http(&server.url, &flooded).await;
    a_flood_is_coalesced_to_twenty_a_second(&flooding, &flooded).await;
    let logged = Listener::default();
    let logging = over_http(&server.url, &logged).await;
    set_level_is_honoured(&logging, &logged).await;
    execute(&client, PACED).await;
    assert!(
        listener.messages().is_empty(),
        "another session's level does not apply"
    );
    for client in [client, flooding, logging] {
        client.cancel().await.expect("a clean shutdown");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_goes_only_to_requests_with_a_progress_token() {
    let workspace = Workspace::new();
    let mut raw = RawStdio::start(workspace.path(), &[]).await;
    raw.execute(1, PACED).await;
    let (answer, before) = raw.answer_to(1).await;
    assert_eq!(answer["result"]["structuredContent"]["result"], json!(3));
    assert!(before.is_empty(), "nothing before the answer: {before:?}");
    raw.send(json!({
        "jsonrpc": "2.0",
        "id": 2,
        "method": "tools/call",
        "params": {
            "name": "execute",
            "arguments": { "code": PACED },
            "_meta": { "progressToken": "paced" }
        }
    }))
    .await;
    let (answer, before) = raw.answer_to(2).await;
    assert_eq!(answer["result"]["structuredContent"]["result"], json!(3));
    let lines: Vec<String> = before
        .iter()
        .flat_map(|notification| {
            assert_eq!(notification["method"], json!("notifications/progress"));
            assert_eq!(notification["params"]["progressToken"], json!("paced"));
            let message = notification["params"]["message"]
                .as_str()
                .expect("a message");
            message.lines().map(str::to_owned).collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(
        lines,
        [
            "one",
            "calling codemode.add",
            "[warn] two 3",
            "[error] three"
        ]
    );
}
