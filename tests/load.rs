//! The HTTP server under load: two bursts of 64 clients × 100 `execute` calls each,
//! mixing normal, failing and abusive programs, on loopback, with bearer-token auth on.
//! Every request is answered, the normal ones correctly; after each burst the server's
//! threads and file descriptors return to where they started, and the second burst
//! leaves memory where the first did.
#![cfg(target_os = "linux")]

#[path = "common/process.rs"]
mod process;
#[path = "common/server.rs"]
mod server;

use process::{usage, Usage};
use serde_json::{json, Value};
use server::{execute, http_client_with_token, HttpServer, Workspace, TOKEN};
use std::time::{Duration, Instant};

const CLIENTS: usize = 64;
const CALLS_PER_CLIENT: usize = 100;

/// A program for call `n` and what its answer must be: `Ok(result)` or the error kind.
fn program(client: usize, n: usize) -> (String, Result<Value, &'static str>) {
    let id = client * CALLS_PER_CLIENT + n;
    match n % 20 {
        0..=9 => (
            format!("return await codemode.add({{ a: {id}, b: {n} }})"),
            Ok(json!(id + n)),
        ),
        10 | 11 => (
            format!("const xs = await Promise.all([1, 2, 3].map(b => codemode.add({{ a: {id}, b }})));\nconsole.log('sum', xs);\nreturn xs.reduce((s, x) => s + x, 0)"),
            Ok(json!(3 * id + 6)),
        ),
        12 => (format!("throw new Error('planned failure {id}')"), Err("exception")),
        13 => ("return (".to_owned(), Err("syntax")),
        14 => ("await codemode.nothing_here({})".to_owned(), Err("unknown_tool")),
        15 => ("while (true) {}".to_owned(), Err("timeout")),
        16 => (
            "const chunks = []; for (;;) chunks.push(new Uint8Array(4 * 1024 * 1024));".to_owned(),
            Err("memory"),
        ),
        17 => ("for (;;) console.log('flood '.repeat(100));".to_owned(), Err("output_limit")),
        18 => ("function down() { return down() + 1 } return down()".to_owned(), Err("stack")),
        _ => (
            "const a = { name: 'cycle' }; a.self = a; return a".to_owned(),
            Err("result_not_json"),
        ),
    }
}

async fn settle(pid: u32, baseline: Usage, give_up: Duration) -> Usage {
    let started = Instant::now();
    loop {
        let now = usage(pid);
        let settled = now.threads <= baseline.threads + 2 && now.fds <= baseline.fds + 2;
        if settled || started.elapsed() > give_up {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_clients_each_making_a_hundred_calls() {
    let workspace = Workspace::new();
    let server = HttpServer::start(
        workspace.path(),
        &[
            "--timeout-ms",
            "150",
            "--memory-mb",
            "32",
            "--token-env",
            "CODEMODE_TOKEN",
        ],
        &[("CODEMODE_TOKEN", TOKEN)],
    )
    .await;
    let pid = server.pid();
    let url = server.url.clone();
    let unauthenticated = reqwest::Client::new()
        .post(&url)
        .send()
        .await
        .expect("the server answers");
    assert_eq!(unauthenticated.status(), reqwest::StatusCode::UNAUTHORIZED);
    let warm = http_client_with_token(&url, TOKEN).await;
    execute(&warm, "1 + 1").await;
    warm.cancel().await.expect("a clean shutdown");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let baseline = usage(pid);

    // Two bursts: the first brings the allocator to its working size, the second must
    // not grow the server beyond it (a leak would, by the same amount per burst).
    let mut after = Vec::new();
    for _ in 0..2 {
        let busy = burst(&url, pid).await;
        // Idle engine threads exit ten seconds after their last run.
        let settled = settle(pid, baseline, Duration::from_secs(40)).await;
        eprintln!("baseline {baseline:?}, under load {busy:?}, after {settled:?}");
        assert!(
            settled.threads <= baseline.threads + 2,
            "threads leaked: {baseline:?} → {settled:?}"
        );
        assert!(
            settled.fds <= baseline.fds + 2,
            "descriptors leaked: {baseline:?} → {settled:?}"
        );
        after.push(settled);
    }
    // The last engine thread to go idle hands freed memory back, so what stays is the
    // HTTP layer's working set and glibc's cache of exited threads' stacks: measured
    // 24-34 MiB above the baseline, moving by up to 10 MiB from one burst to the next.
    let (first, second) = (after[0], after[1]);
    assert!(
        second.rss_kib <= first.rss_kib + 24 * 1024,
        "memory grew from one burst to the next: {first:?} → {second:?}"
    );
    assert!(
        second.rss_kib <= baseline.rss_kib + 64 * 1024,
        "memory did not come back: {baseline:?} → {second:?}"
    );
}

/// One burst: every client makes its calls on its own session and checks the answers;
/// returns the server's usage at the end.
async fn burst(url: &str, pid: u32) -> Usage {
    let started = Instant::now();
    let clients = (0..CLIENTS).map(|client| {
        let url = url.to_owned();
        tokio::spawn(async move {
            let session = http_client_with_token(&url, TOKEN).await;
            let mut wrong = Vec::new();
            for n in 0..CALLS_PER_CLIENT {
                let (code, expected) = program(client, n);
                let (outcome, is_error) = execute(&session, &code).await;
                let right = match &expected {
                    Ok(result) => !is_error && &outcome["result"] == result,
                    Err(kind) => is_error && outcome["error"]["kind"] == json!(kind),
                };
                if !right {
                    wrong.push(format!("{code:?}: expected {expected:?}, got {outcome}"));
                }
            }
            session.cancel().await.expect("a clean shutdown");
            wrong
        })
    });
    let mut wrong = Vec::new();
    for client in futures_util::future::join_all(clients).await {
        wrong.extend(client.expect("the client finished"));
    }
    let busy = usage(pid);
    eprintln!(
        "{} calls in {:?}",
        CLIENTS * CALLS_PER_CLIENT,
        started.elapsed()
    );
    assert!(
        wrong.is_empty(),
        "{} wrong answers, e.g.:\n{}",
        wrong.len(),
        wrong.iter().take(5).cloned().collect::<Vec<_>>().join("\n")
    );
    busy
}
