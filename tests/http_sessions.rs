//! Sessions of the stateful HTTP server: bounded in number, closed when idle, and
//! their runs cancelled the moment they end, however they end.
#![cfg(target_os = "linux")]

#[path = "common/process.rs"]
mod process;
#[path = "common/raw_mcp.rs"]
mod raw_mcp;
#[path = "common/server.rs"]
mod server;

use raw_mcp::{execute_body, initialize_body, Raw};
use serde_json::json;
use server::{HttpServer, Workspace};
use std::time::Duration;

const BUSY: &str = "while (true) {}";

/// Starts a run that never ends in `session`, its POST left open in a task, and waits
/// until the server burns CPU for it.
async fn start_busy_run(
    server: &HttpServer,
    raw: &Raw,
    session: &str,
) -> tokio::task::JoinHandle<()> {
    let request = raw.post(Some(session), &execute_body(7, BUSY));
    let call = tokio::spawn(async move {
        if let Ok(response) = request.send().await {
            let _ = response.bytes().await;
        }
    });
    process::assert_burning(server.pid()).await;
    call
}

async fn metric(server: &HttpServer, line_start: &str) -> Option<f64> {
    let text = reqwest::get(format!("{}/metrics", server.base()))
        .await
        .expect("metrics are served")
        .text()
        .await
        .expect("a body");
    text.lines()
        .find_map(|line| line.strip_prefix(line_start))
        .and_then(|value| value.trim().parse().ok())
}

async fn status_in(raw: &Raw, session: &str) -> reqwest::StatusCode {
    raw.post(Some(session), &execute_body(2, "1"))
        .send()
        .await
        .expect("the server answers")
        .status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_session_stops_its_busy_run() {
    let workspace = Workspace::new();
    let server = HttpServer::start(workspace.path(), &["--timeout-ms", "120000"], &[]).await;
    let raw = Raw::new(&server.url);
    let session = raw.open_session().await;
    let call = start_busy_run(&server, &raw, &session).await;
    assert!(raw.delete(&session).await.is_success());
    process::assert_quiet(server.pid(), "DELETE").await;
    call.abort();
    assert_eq!(
        metric(&server, "codemode_runs_total{outcome=\"cancelled\"}").await,
        Some(1.0)
    );
    assert_eq!(metric(&server, "codemode_runs_in_flight").await, Some(0.0));
    assert_eq!(
        status_in(&raw, &session).await,
        reqwest::StatusCode::NOT_FOUND
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_session_expires_and_its_run_stops() {
    let workspace = Workspace::new();
    let server = HttpServer::start(
        workspace.path(),
        &["--timeout-ms", "120000", "--session-idle-secs", "1"],
        &[],
    )
    .await;
    let raw = Raw::new(&server.url);
    let session = raw.open_session().await;
    let call = start_busy_run(&server, &raw, &session).await;
    // While its call is open the session is busy, not idle, whatever the clock says.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(metric(&server, "codemode_sessions ").await, Some(1.0));
    // The client goes away without a DELETE.
    call.abort();
    process::assert_quiet(server.pid(), "the session expired").await;
    assert_eq!(
        metric(
            &server,
            "codemode_sessions_closed_total{reason=\"expired\"}"
        )
        .await,
        Some(1.0)
    );
    assert_eq!(
        status_in(&raw, &session).await,
        reqwest::StatusCode::NOT_FOUND
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_session_evicts_the_one_idle_the_longest() {
    let workspace = Workspace::new();
    let server = HttpServer::start(workspace.path(), &["--max-sessions", "2"], &[]).await;
    let raw = Raw::new(&server.url);
    let first = raw.open_session().await;
    let second = raw.open_session().await;
    let answer = raw.execute(Some(&first), "1 + 1").await;
    assert_eq!(answer["result"]["structuredContent"]["result"], json!(2));
    let third = raw.open_session().await;
    assert_eq!(
        status_in(&raw, &second).await,
        reqwest::StatusCode::NOT_FOUND
    );
    for session in [&first, &third] {
        let answer = raw.execute(Some(session), "40 + 2").await;
        assert_eq!(answer["result"]["structuredContent"]["result"], json!(42));
    }
    assert_eq!(
        metric(
            &server,
            "codemode_sessions_closed_total{reason=\"evicted\"}"
        )
        .await,
        Some(1.0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_evicted_session_s_run_stops() {
    let workspace = Workspace::new();
    let server = HttpServer::start(
        workspace.path(),
        &["--timeout-ms", "120000", "--max-sessions", "1"],
        &[],
    )
    .await;
    let raw = Raw::new(&server.url);
    let abandoned = raw.open_session().await;
    let call = start_busy_run(&server, &raw, &abandoned).await;
    call.abort();
    // The dropped call leaves the session idle; the next session takes its slot.
    let mut next = None;
    for _ in 0..50 {
        let response = raw
            .post(None, &initialize_body())
            .send()
            .await
            .expect("answered");
        if response.status().is_success() {
            next = Some(response);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(next.is_some(), "a new session found room");
    process::assert_quiet(server.pid(), "the session was evicted").await;
    assert_eq!(
        status_in(&raw, &abandoned).await,
        reqwest::StatusCode::NOT_FOUND
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_every_session_is_busy_a_new_one_gets_503_with_retry_after() {
    let workspace = Workspace::new();
    let server = HttpServer::start(workspace.path(), &["--max-sessions", "1"], &[]).await;
    let raw = Raw::new(&server.url);
    let busy = raw.open_session().await;
    let call = {
        let raw = raw.clone();
        let busy = busy.clone();
        tokio::spawn(async move {
            raw.execute(
                Some(&busy),
                "await new Promise(r => setTimeout(r, 2000)); return 'done'",
            )
            .await
        })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    let refused = raw
        .post(None, &initialize_body())
        .send()
        .await
        .expect("answered");
    assert_eq!(refused.status(), reqwest::StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        refused
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("5")
    );
    let body: serde_json::Value = refused.json().await.expect("a JSON body");
    assert_eq!(
        body["error"]["message"],
        json!("all 1 session slots hold sessions with a call open; retry in a few seconds, or start the server with a larger --max-sessions")
    );
    let answer = call.await.expect("the call finished");
    assert_eq!(
        answer["result"]["structuredContent"]["result"],
        json!("done")
    );
    raw.open_session().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unused_session_beyond_the_warm_ones_is_parked_and_restored_on_use() {
    let workspace = Workspace::new();
    let server = HttpServer::start(workspace.path(), &[], &[]).await;
    let raw = Raw::new(&server.url);
    let mut sessions = Vec::new();
    for _ in 0..80 {
        sessions.push(raw.open_session().await);
    }
    assert_eq!(metric(&server, "codemode_sessions ").await, Some(80.0));
    assert_eq!(
        metric(&server, "codemode_session_workers ").await,
        Some(64.0)
    );
    // The oldest sessions were parked; each answers as if it had never left.
    for (n, session) in sessions.iter().take(5).enumerate() {
        let answer = raw.execute(Some(session), &format!("{n} * 2")).await;
        assert_eq!(
            answer["result"]["structuredContent"]["result"],
            json!(n * 2)
        );
    }
    assert_eq!(
        metric(&server, "codemode_session_workers ").await,
        Some(64.0)
    );
    assert!(raw.delete(&sessions[10]).await.is_success());
    assert_eq!(
        status_in(&raw, &sessions[10]).await,
        reqwest::StatusCode::NOT_FOUND
    );
    assert_eq!(metric(&server, "codemode_sessions ").await, Some(79.0));
}

/// 20,000 clients that initialize and vanish without a DELETE: the session limit keeps
/// the server's memory near where it started.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_thousand_abandoned_sessions_stay_within_64_mib() {
    const SESSIONS: usize = 20_000;
    const CONCURRENCY: usize = 16;
    let workspace = Workspace::new();
    let server = HttpServer::start(workspace.path(), &[], &[]).await;
    let raw = Raw::new(&server.url);
    let warm = raw.open_session().await;
    raw.execute(Some(&warm), "1 + 1").await;
    assert!(raw.delete(&warm).await.is_success());
    let baseline = process::usage(server.pid());
    let started = std::time::Instant::now();
    let workers = (0..CONCURRENCY).map(|worker| {
        let raw = raw.clone();
        tokio::spawn(async move {
            for _ in (worker..SESSIONS).step_by(CONCURRENCY) {
                let response = raw
                    .post(None, &initialize_body())
                    .send()
                    .await
                    .expect("initialize is answered");
                assert!(response.status().is_success(), "{response:?}");
                response.bytes().await.expect("the answer");
            }
        })
    });
    for worker in futures_util::future::join_all(workers).await {
        worker.expect("the worker finished");
    }
    let elapsed = started.elapsed();
    let after = process::usage(server.pid());
    eprintln!(
        "{SESSIONS} abandoned sessions in {elapsed:?}: RSS {} KiB → {} KiB (+{} KiB)",
        baseline.rss_kib,
        after.rss_kib,
        after.rss_kib.saturating_sub(baseline.rss_kib)
    );
    assert_eq!(metric(&server, "codemode_sessions ").await, Some(1000.0));
    assert!(
        after.rss_kib <= baseline.rss_kib + 64 * 1024,
        "RSS grew from {} KiB to {} KiB",
        baseline.rss_kib,
        after.rss_kib
    );
}
