//! Runs one workload in a loop, for profilers:
//! `profile <trivial|sequential|fan_out|convert> [runs]`.
//!
//! Instruction counts of two run counts, under `valgrind --tool=callgrind`, differ by
//! the cost of the extra runs alone: process start-up and the first run's warm-up cancel
//! out.

use codemode::Executor;
use codemode_bench::{registry, CONVERT, FAN_OUT, SEQUENTIAL, TRIVIAL};
use std::sync::Arc;
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
        other => {
            eprintln!("unknown workload `{other}`: use trivial, sequential, fan_out or convert");
            std::process::exit(2);
        }
    };
    let runs: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(20);
    let executor = Executor::default();
    let registry = registry(Arc::new(Semaphore::new(0)));
    for _ in 0..runs {
        assert!(executor.execute(code, &registry).await.success);
    }
}
