//! Running the HTTP server: `/healthz`, Prometheus `/metrics`, and the graceful drain
//! on SIGTERM.
#![cfg(unix)]

#[path = "common/cache.rs"]
mod cache;
#[path = "common/raw_mcp.rs"]
mod raw_mcp;
#[path = "common/server.rs"]
mod server;
#[path = "common/upstreams.rs"]
mod upstreams;

use raw_mcp::{initialize_body, Raw};
use serde_json::json;
use server::{execute, http_client, HttpServer, Workspace};
use std::time::{Duration, Instant};

async fn get(url: String) -> (reqwest::StatusCode, String) {
    let response = reqwest::get(url).await.expect("answered");
    let status = response.status();
    (status, response.text().await.expect("a body"))
}

/// Waits for the server to exit and returns its exit code.
async fn exit_code(server: HttpServer) -> Option<i32> {
    let mut child = server.child;
    tokio::time::timeout(Duration::from_secs(60), child.wait())
        .await
        .expect("the server exits")
        .expect("the exit status")
        .code()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_runs_by_outcome_host_calls_and_sessions() {
    let workspace = Workspace::new();
    let server = HttpServer::start(workspace.path(), &["--timeout-ms", "200"], &[]).await;
    let client = http_client(&server.url).await;
    execute(
        &client,
        "await codemode.add({ a: 1, b: 2 }); return codemode.add({ a: 3, b: 4 })",
    )
    .await;
    execute(&client, "throw new Error('no')").await;
    execute(&client, "while (true) {}").await;
    let (status, text) = get(format!("{}/metrics", server.base())).await;
    assert_eq!(status, reqwest::StatusCode::OK);
    for line in [
        "codemode_runs_total{outcome=\"success\"} 1",
        "codemode_runs_total{outcome=\"exception\"} 1",
        "codemode_runs_total{outcome=\"timeout\"} 1",
        "codemode_host_calls_total 2",
        "codemode_runs_in_flight 0",
        "codemode_sessions 1",
        "codemode_run_duration_seconds_count 3",
        "# TYPE codemode_run_duration_seconds histogram",
        "# HELP codemode_runs_total Runs finished, by outcome: success or the error kind.",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "missing {line:?} in\n{text}"
        );
    }
    assert!(
        text.contains("codemode_run_duration_seconds_bucket{le=\"0.25\"} 3"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_upstream_calls_by_server_and_outcome() {
    let workspace = Workspace::new();
    let config = workspace.path().join("servers.json");
    let servers = json!({ "mcpServers": { "fixture": { "command": upstreams::fixture() } } });
    std::fs::write(&config, servers.to_string()).expect("a config file");
    let config = config.to_str().expect("a UTF-8 path");
    let server = HttpServer::start(workspace.path(), &["--config", config], &[]).await;
    let client = http_client(&server.url).await;
    let (outcome, failed) = execute(
        &client,
        "await codemode.fixture.echo({ text: 'a' });\nawait codemode.fixture.echo({ text: 'b' });\ntry { await codemode.fixture.fail({ why: 'x' }) } catch (e) { return e.message }",
    )
    .await;
    assert!(!failed, "{outcome}");
    let (_, text) = get(format!("{}/metrics", server.base())).await;
    for line in [
        "codemode_upstream_calls_total{server=\"fixture\",outcome=\"success\"} 2",
        "codemode_upstream_calls_total{server=\"fixture\",outcome=\"tool_error\"} 1",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "missing {line:?} in\n{text}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_drains_runs_in_flight_then_exits_zero() {
    let workspace = Workspace::new();
    let server = HttpServer::start(workspace.path(), &[], &[]).await;
    let (status, body) = get(format!("{}/healthz", server.base())).await;
    assert_eq!(
        (status, body.as_str()),
        (reqwest::StatusCode::OK, "serving\n")
    );
    let client = http_client(&server.url).await;
    let slow = tokio::spawn(async move {
        execute(
            &client,
            "await new Promise(r => setTimeout(r, 1500)); return 'finished'",
        )
        .await
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    server.terminate();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (status, body) = get(format!("{}/healthz", server.base())).await;
    assert_eq!(
        (status, body.as_str()),
        (reqwest::StatusCode::SERVICE_UNAVAILABLE, "draining\n")
    );
    let refused = Raw::new(&server.url)
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
        Some("1")
    );
    let (outcome, is_error) = slow.await.expect("the call finished");
    assert!(!is_error, "{outcome}");
    assert_eq!(outcome["result"], json!("finished"));
    assert_eq!(exit_code(server).await, Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_still_going_after_the_grace_period_are_cancelled() {
    let workspace = Workspace::new();
    let server = HttpServer::start(
        workspace.path(),
        &["--grace-secs", "1", "--timeout-ms", "120000"],
        &[],
    )
    .await;
    let client = http_client(&server.url).await;
    let busy = tokio::spawn(async move { execute(&client, "while (true) {}").await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let terminated = Instant::now();
    server.terminate();
    let (outcome, is_error) = busy.await.expect("the call finished");
    assert!(is_error);
    assert_eq!(outcome["error"]["kind"], json!("cancelled"));
    assert_eq!(
        outcome["error"]["message"],
        json!("the run was cancelled: the server is shutting down and the run did not finish within the grace period")
    );
    assert_eq!(exit_code(server).await, Some(0));
    let took = terminated.elapsed();
    assert!(took < Duration::from_secs(10), "shutdown took {took:?}");
}
