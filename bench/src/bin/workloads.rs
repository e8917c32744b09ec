//! Runs the workloads on codemode and prints their timings as JSON, for `compare.py`.

use codemode::{Executor, Limits};
use codemode_bench::{registry, FAN_OUT, JSON_MB, OBJECTS, SEQUENTIAL, TRIVIAL, WAIT};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn percentile(samples: &mut [f64], p: f64) -> f64 {
    samples.sort_by(|a, b| a.total_cmp(b));
    let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[index]
}

async fn timed(
    executor: &Executor,
    registry: &codemode::Registry,
    code: &str,
    runs: usize,
) -> Vec<f64> {
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let outcome = executor.execute(code, registry).await;
        samples.push(ms(started.elapsed()));
        assert!(outcome.success, "{code}: {outcome:?}");
    }
    samples
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmRSS:"))
                .and_then(|line| line.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

#[tokio::main]
async fn main() {
    if std::env::args().any(|arg| arg == "--print-workloads") {
        let workloads = json!({
            "trivial": TRIVIAL,
            "sequential": SEQUENTIAL,
            "fan_out": FAN_OUT,
            "objects": OBJECTS,
            "json_mb": JSON_MB,
            "wait": WAIT,
        });
        println!("{workloads}");
        return;
    }
    let executor = Executor::new(Limits::default().with_timeout(Duration::from_secs(120)));
    let gate = Arc::new(Semaphore::new(0));
    let registry = registry(Arc::clone(&gate));
    for (code, expected) in [
        (OBJECTS, json!([1_278_988, 50])),
        (JSON_MB, json!([true, 15000])),
    ] {
        let outcome = executor.execute(code, &registry).await;
        assert_eq!(outcome.result, expected, "{code}: {outcome:?}");
    }
    timed(&executor, &registry, TRIVIAL, 50).await;

    let mut trivial = timed(&executor, &registry, TRIVIAL, 500).await;
    let mut sequential = timed(&executor, &registry, SEQUENTIAL, 10).await;
    let mut fan_out = timed(&executor, &registry, FAN_OUT, 10).await;
    let mut objects = timed(&executor, &registry, OBJECTS, 10).await;
    let mut json_mb = timed(&executor, &registry, JSON_MB, 10).await;

    let started = Instant::now();
    let limit = Arc::new(Semaphore::new(32));
    let runs = (0..256).map(|_| {
        let executor = executor.clone();
        let registry = registry.clone();
        let limit = Arc::clone(&limit);
        tokio::spawn(async move {
            let _slot = limit.acquire().await.expect("open");
            executor
                .execute(SEQUENTIAL.replace("2000", "20").as_str(), &registry)
                .await
                .success
        })
    });
    let all_ok = futures_util::future::join_all(runs)
        .await
        .into_iter()
        .all(|run| matches!(run, Ok(true)));
    assert!(all_ok);
    let throughput = ms(started.elapsed());

    let baseline = rss_kib();
    let waiting: Vec<_> = (0..1000)
        .map(|_| {
            let executor = executor.clone();
            let registry = registry.clone();
            tokio::spawn(async move { executor.execute(WAIT, &registry).await.success })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let peak = rss_kib();
    gate.add_permits(1000);
    for run in waiting {
        assert!(run.await.unwrap_or(false));
    }
    let per_run_kib = (peak.saturating_sub(baseline)) as f64 / 1000.0;

    let report: Value = json!({
        "trivial_p50_ms": percentile(&mut trivial, 0.5),
        "trivial_p90_ms": percentile(&mut trivial, 0.9),
        "sequential_2000_ms": percentile(&mut sequential, 0.5),
        "fan_out_1000_ms": percentile(&mut fan_out, 0.5),
        "objects_20k_ms": percentile(&mut objects, 0.5),
        "json_1mb_ms": percentile(&mut json_mb, 0.5),
        "throughput_256x32_ms": throughput,
        "memory_per_run_kib": per_run_kib,
        "memory_peak_mib": peak as f64 / 1024.0,
    });
    println!("{report}");
}
