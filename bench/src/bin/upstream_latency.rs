//! The latency codemode adds to one call of an upstream MCP server, p50, over calling
//! the same server directly with rmcp's client.
//!
//! `cargo run --release -p codemode-bench --bin upstream_latency` starts two copies of
//! the fixture server (`tests/fixtures/upstream.rs`, built as a release example): one
//! called directly, one mounted as `codemode.fixture`. It interleaves batches of
//! sequential `echo` calls on both and prints the p50 per call of
//!
//! - the direct rmcp call;
//! - the host function codemode registers for the tool (argument check, in-flight cap,
//!   answer mapping, rmcp call);
//! - a call from a program: a run of 100 sequential calls, less a run without them,
//!   divided by 100.

use codemode::{Executor, UpstreamConfig, Upstreams};
use rmcp::model::CallToolRequestParams;
use rmcp::transport::TokioChildProcess;
use rmcp::ServiceExt;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::Instant;

const BATCHES: usize = 60;
const CALLS: usize = 100;

fn fixture() -> PathBuf {
    let profile = std::env::current_exe()
        .expect("the bench's path")
        .parent()
        .map(Path::to_owned)
        .expect("target/<profile>");
    let binary = profile.join("examples/upstream_fixture");
    let mut build = std::process::Command::new(env!("CARGO"));
    build.args([
        "build",
        "--quiet",
        "-p",
        "codemode",
        "--example",
        "upstream_fixture",
    ]);
    if profile.file_name().is_some_and(|name| name == "release") {
        build.arg("--release");
    }
    let status = build.status().expect("cargo runs");
    assert!(status.success(), "the fixture server builds");
    binary
}

fn percentile(samples: &mut [f64], p: f64) -> f64 {
    samples.sort_by(|a, b| a.total_cmp(b));
    samples[((samples.len() as f64 - 1.0) * p).round() as usize]
}

fn micros(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1e6
}

#[tokio::main]
async fn main() {
    let fixture = fixture();
    let direct = ()
        .serve(
            TokioChildProcess::new(tokio::process::Command::new(&fixture))
                .expect("the fixture starts"),
        )
        .await
        .expect("the MCP handshake succeeds");
    let config = UpstreamConfig::parse(
        &json!({ "mcpServers": { "fixture": { "command": fixture } } }).to_string(),
        "bench.json",
    )
    .expect("a valid configuration");
    let upstreams = Upstreams::connect(&config).await.expect("one server");
    let registry = upstreams.registry().expect("no clashes");
    let echo = registry
        .get("fixture.echo")
        .expect("echo is mounted")
        .clone();
    let executor = Executor::default();
    let program =
        format!("for (let i = 0; i < {CALLS}; i++) await codemode.fixture.echo({{ text: 'x' }});");
    let empty = format!("for (let i = 0; i < {CALLS}; i++) await null;");
    let Value::Object(arguments) = json!({ "text": "x" }) else {
        unreachable!()
    };

    let (mut raw, mut host, mut scripted) = (Vec::new(), Vec::new(), Vec::new());
    for batch in 0..BATCHES + 5 {
        let mut direct_calls = Vec::with_capacity(CALLS);
        for _ in 0..CALLS {
            let started = Instant::now();
            direct
                .call_tool(CallToolRequestParams::new("echo").with_arguments(arguments.clone()))
                .await
                .expect("the direct call is answered");
            direct_calls.push(micros(started));
        }
        let mut host_calls = Vec::with_capacity(CALLS);
        for _ in 0..CALLS {
            let started = Instant::now();
            echo.call(json!({ "text": "x" }))
                .await
                .expect("the host function answers");
            host_calls.push(micros(started));
        }
        let started = Instant::now();
        let outcome = executor.execute(&program, &registry).await;
        let with_calls = micros(started);
        assert!(outcome.success, "{outcome:?}");
        let started = Instant::now();
        executor.execute(&empty, &registry).await;
        let without = micros(started);
        if batch >= 5 {
            raw.extend(direct_calls);
            host.extend(host_calls);
            scripted.push((with_calls - without) / CALLS as f64);
        }
    }
    let raw = percentile(&mut raw, 0.5);
    let host = percentile(&mut host, 0.5);
    let scripted = percentile(&mut scripted, 0.5);
    println!("p50 per call of the fixture's echo over stdio, {BATCHES} batches of {CALLS} sequential calls");
    println!("| path | p50 (µs) | added over direct (µs) |");
    println!("| --- | ---: | ---: |");
    println!("| rmcp client, direct | {raw:.1} | |");
    println!("| codemode host function | {host:.1} | {:.1} |", host - raw);
    println!(
        "| codemode from a program | {scripted:.1} | {:.1} |",
        scripted - raw
    );
    direct.cancel().await.expect("the direct client stops");
    upstreams.shutdown().await;
}
