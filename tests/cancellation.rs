//! `notifications/cancelled` for an `execute` stops its run at once, over stdio and
//! streamable HTTP: a busy loop stops burning CPU, a program stops making host calls,
//! the run's upstream calls are cancelled upstream, and the request gets no answer.
#![cfg(target_os = "linux")]

#[path = "common/cache.rs"]
mod cache;
#[path = "common/process.rs"]
mod process;
#[path = "common/raw_mcp.rs"]
mod raw_mcp;
#[path = "common/raw_stdio.rs"]
mod raw_stdio;
#[path = "common/server.rs"]
mod server;
#[path = "common/upstreams.rs"]
mod upstreams;

use raw_mcp::{execute_body, Raw};
use raw_stdio::RawStdio;
use rmcp::model::{CallToolRequest, CallToolRequestParams, ClientRequest};
use rmcp::service::{PeerRequestOptions, RequestHandle};
use rmcp::RoleClient;
use serde_json::{json, Value};
use server::{Client, HttpServer, Workspace};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const BUSY: &str = "while (true) {}";

/// Writes `examples/tick-N.txt` every 10 ms, for ever.
const TICKING: &str = "for (let i = 0; ; i++) {
  await codemode.fs.write({ path: `examples/tick-${i}.txt`, content: 'tick' });
  await new Promise((resolve) => setTimeout(resolve, 10));
}";

/// The time the server may take to process a cancellation.
const PROCESSING: Duration = Duration::from_millis(100);

/// Asserts that the server at `pid` is idle from [`PROCESSING`] after a cancel on: it
/// uses under 100 ms of CPU in the second that follows (a busy loop uses most of it).
async fn assert_idle_after_cancel(pid: u32) {
    tokio::time::sleep(PROCESSING).await;
    let used = process::cpu_over(pid, Duration::from_secs(1)).await;
    eprintln!("CPU in the second from 100 ms after the cancel: {used:?}");
    assert!(
        used < Duration::from_millis(100),
        "the cancelled run still burns CPU: {used:?} in a second"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_stdio_a_cancelled_busy_loop_stops_and_its_request_gets_no_answer() {
    let workspace = Workspace::new();
    let mut raw = RawStdio::start(workspace.path(), &["--timeout-ms", "120000"]).await;
    raw.execute(1, BUSY).await;
    process::assert_burning(raw.pid()).await;
    raw.cancel(1).await;
    assert_idle_after_cancel(raw.pid()).await;
    raw.send(json!({ "jsonrpc": "2.0", "id": 2, "method": "ping" }))
        .await;
    let (pong, before) = raw.answer_to(2).await;
    assert_eq!(pong["result"], json!({}), "{pong}");
    assert!(
        before
            .iter()
            .all(|message| message.get("id") != Some(&json!(1))),
        "the cancelled request was answered: {before:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_http_a_cancelled_busy_loop_stops_and_its_request_gets_no_answer() {
    let workspace = Workspace::new();
    let server = HttpServer::start(workspace.path(), &["--timeout-ms", "120000"], &[]).await;
    let raw = Raw::new(&server.url);
    let session = raw.open_session().await;
    let received = Arc::new(Mutex::new(String::new()));
    let request = raw.post(Some(&session), &execute_body(7, BUSY));
    let collected = Arc::clone(&received);
    let call = tokio::spawn(async move {
        let Ok(mut response) = request.send().await else {
            return;
        };
        while let Ok(Some(chunk)) = response.chunk().await {
            collected
                .lock()
                .expect("the body")
                .push_str(&String::from_utf8_lossy(&chunk));
        }
    });
    process::assert_burning(server.pid()).await;
    let cancelled = json!({
        "jsonrpc": "2.0",
        "method": "notifications/cancelled",
        "params": { "requestId": 7, "reason": "the user pressed stop" }
    });
    let response = raw
        .post(Some(&session), &cancelled)
        .send()
        .await
        .expect("the notification is accepted");
    assert_eq!(response.status(), reqwest::StatusCode::ACCEPTED);
    assert_idle_after_cancel(server.pid()).await;
    let answered = raw.execute(Some(&session), "40 + 2").await;
    assert_eq!(answered["result"]["structuredContent"]["result"], json!(42));
    call.abort();
    let body = received.lock().expect("the body").clone();
    let answers: Vec<Value> = body
        .lines()
        .filter_map(|line| line.strip_prefix("data:"))
        .filter_map(|data| serde_json::from_str::<Value>(data.trim()).ok())
        .filter(|message| message.get("id") == Some(&json!(7)))
        .collect();
    assert!(
        answers.is_empty(),
        "the cancelled request was answered: {answers:?}"
    );
}

/// Starts `execute` of `code` as a request that can be cancelled.
async fn start_execute(client: &Client, code: &str) -> RequestHandle<RoleClient> {
    let Value::Object(arguments) = json!({ "code": code }) else {
        unreachable!("an object literal")
    };
    let request = ClientRequest::CallToolRequest(CallToolRequest::new(
        CallToolRequestParams::new("execute").with_arguments(arguments),
    ));
    client
        .send_cancellable_request(request, PeerRequestOptions::no_options())
        .await
        .expect("the request is sent")
}

fn ticks(folder: &Path) -> usize {
    std::fs::read_dir(folder.join("examples"))
        .expect("the allowed folder")
        .filter_map(Result::ok)
        .filter(|entry| entry.file_name().to_string_lossy().starts_with("tick-"))
        .count()
}

/// Starts the ticking program through `client`, cancels it once it wrote a few files,
/// and checks that it writes none after the cancel is processed.
async fn assert_no_write_after_cancel(client: &Client, folder: &Path) {
    let handle = start_execute(client, TICKING).await;
    for _ in 0..600 {
        if ticks(folder) >= 5 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(ticks(folder) >= 5, "the program writes its files");
    handle
        .cancel(Some("the user pressed stop".to_owned()))
        .await
        .expect("the cancellation is sent");
    tokio::time::sleep(PROCESSING).await;
    let written = ticks(folder);
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        ticks(folder),
        written,
        "files were written after the cancel"
    );
    let (outcome, _) = server::execute(client, "1 + 1").await;
    assert_eq!(outcome["result"], json!(2), "the server still serves");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_stdio_a_cancelled_program_writes_no_file_after_the_cancel() {
    let workspace = Workspace::new();
    let client = server::stdio_client(workspace.path(), &["--timeout-ms", "120000"]).await;
    assert_no_write_after_cancel(&client, workspace.path()).await;
    client.cancel().await.expect("a clean shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_http_a_cancelled_program_writes_no_file_after_the_cancel() {
    let workspace = Workspace::new();
    let server = HttpServer::start(workspace.path(), &["--timeout-ms", "120000"], &[]).await;
    let client = server::http_client(&server.url).await;
    assert_no_write_after_cancel(&client, workspace.path()).await;
    client.cancel().await.expect("a clean shutdown");
}

/// The fixture's statistics, read through `execute`.
async fn fixture_stats(client: &Client) -> Value {
    let (outcome, _) = server::execute(client, "return await codemode.fixture.stats();").await;
    outcome["result"].clone()
}

/// Starts a run whose upstream call never ends, cancels it once the upstream has the
/// call, and checks that the upstream was told.
async fn assert_upstream_call_cancelled(client: &Client) {
    let handle = start_execute(client, "await codemode.fixture.slow({ ms: 600000 });").await;
    // Each look at the statistics is a call too: the k-th sees k calls, and one more
    // once the slow call arrived.
    let mut arrived = false;
    for look in 1..=200 {
        if fixture_stats(client).await["calls"] == json!(look + 1) {
            arrived = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(arrived, "the slow call reaches the upstream");
    handle
        .cancel(Some("the user pressed stop".to_owned()))
        .await
        .expect("the cancellation is sent");
    let mut cancelled = json!(0);
    for _ in 0..200 {
        cancelled = fixture_stats(client).await["cancelled"].clone();
        if cancelled != json!(0) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        cancelled,
        json!(1),
        "the upstream call is cancelled upstream"
    );
}

fn fixture_config(dir: &Path) -> String {
    let file = dir.join("servers.json");
    let servers = json!({ "mcpServers": { "fixture": { "command": upstreams::fixture() } } });
    std::fs::write(&file, servers.to_string()).expect("a config file");
    file.to_string_lossy().into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_stdio_a_cancelled_run_cancels_its_upstream_calls() {
    let workspace = Workspace::new();
    let config = fixture_config(workspace.path());
    let client = server::stdio_client(workspace.path(), &["--config", &config]).await;
    assert_upstream_call_cancelled(&client).await;
    client.cancel().await.expect("a clean shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_http_a_cancelled_run_cancels_its_upstream_calls() {
    let workspace = Workspace::new();
    let config = fixture_config(workspace.path());
    let server = HttpServer::start(workspace.path(), &["--config", &config], &[]).await;
    let client = server::http_client(&server.url).await;
    assert_upstream_call_cancelled(&client).await;
    client.cancel().await.expect("a clean shutdown");
}
