//! Runs the sequential-calls workload in a loop, for profilers.

use codemode::Executor;
use codemode_bench::{registry, SEQUENTIAL};
use std::sync::Arc;
use tokio::sync::Semaphore;

#[tokio::main]
async fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(20);
    let executor = Executor::default();
    let registry = registry(Arc::new(Semaphore::new(0)));
    for _ in 0..runs {
        assert!(executor.execute(SEQUENTIAL, &registry).await.success);
    }
}
