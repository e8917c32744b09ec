//! Runs one workload in a loop, for profilers:
//! `profile <trivial|sequential|fan_out|convert|objects|json_mb> [runs]`.
//!
//! Instruction counts of two run counts, under `valgrind --tool=callgrind`, differ by
//! the cost of the extra runs alone: process start-up and the first run's warm-up cancel
//! out. The median wall-clock time of a run goes to stderr.

use codemode::{Executor, Limits};
use codemode_bench::{registry, CONVERT, FAN_OUT, JSON_MB, OBJECTS, SEQUENTIAL, TRIVIAL};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let workload = args.next().unwrap_or_else(|| "sequential".to_owned());
    let code = match workload.as_str() {
        "trivial" => TRIVIAL,
        "sequential" => SEQUENTIAL,
        "fan_out" => FAN_OUT,
        "convert" => CONVERT,
        "objects" => OBJECTS,
        "json_mb" => JSON_MB,
        other => {
            eprintln!(
                "unknown workload `{other}`: use trivial, sequential, fan_out, convert, objects or json_mb"
            );
            std::process::exit(2);
        }
    };
    let runs: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(20);
    // Generous: under a profiler a run is many times slower.
    let executor = Executor::new(Limits::default().with_timeout(Duration::from_secs(600)));
    let registry = registry(Arc::new(Semaphore::new(0)));
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let outcome = executor.execute(code, &registry).await;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        assert!(outcome.success, "{workload}: {outcome:?}");
    }
    times.sort_by(f64::total_cmp);
    if let Some(median) = times.get(times.len() / 2) {
        eprintln!("{workload}: {runs} runs, p50 {median:.2} ms");
    }
}
