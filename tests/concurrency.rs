//! Runs are independent and concurrent: many in flight, no leaks, no shared stalls.

mod common;

use codemode::{Executor, HostFunction, Limits, Registry};
use common::{ok, registry};
use serde_json::json;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_runs_in_flight_each_awaiting_a_host_call() {
    let executor = Executor::default();
    let registry = registry();
    let runs = (0..1000).map(|i| {
        let executor = executor.clone();
        let registry = registry.clone();
        tokio::spawn(async move {
            let code =
                format!("const ms = await codemode.sleep({{ ms: 200 }}); return {i} * 2 + ms");
            (i, executor.execute(&code, &registry).await)
        })
    });
    for run in futures_util::future::join_all(runs).await {
        let (i, outcome) = run.expect("the task finished");
        assert_eq!(ok(&outcome), &json!(i * 2 + 200));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_survives_from_one_run_to_the_next() {
    let executor = Executor::default();
    let registry = registry();
    let first = "globalThis.leak = 'secret'; Object.prototype.polluted = 1; Array.prototype.push = null; return 1";
    ok(&executor.execute(first, &registry).await);
    let second = "return [typeof leak, ({}).polluted === undefined, typeof [].push]";
    assert_eq!(
        ok(&executor.execute(second, &registry).await),
        &json!(["undefined", true, "function"])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cpu_bound_run_does_not_delay_others() {
    let executor = Executor::new(Limits::default().with_timeout(Duration::from_secs(3)));
    let registry = registry();
    let busy = {
        let executor = executor.clone();
        let registry = registry.clone();
        tokio::spawn(async move { executor.execute("while (true) {}", &registry).await })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    let started = Instant::now();
    for i in 0..20 {
        let code = format!("codemode.add({{ a: {i}, b: 1 }})");
        assert_eq!(ok(&executor.execute(&code, &registry).await), &json!(i + 1));
    }
    assert!(
        started.elapsed() < Duration::from_millis(2500),
        "quick runs waited for the busy one"
    );
    assert!(!busy.await.expect("the task finished").success);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_host_call_does_not_delay_others() {
    let executor = Executor::new(Limits::default().with_timeout(Duration::from_secs(3)));
    let registry = registry();
    let hung = {
        let executor = executor.clone();
        let registry = registry.clone();
        tokio::spawn(async move {
            executor
                .execute("codemode.sleep({ ms: 60000 })", &registry)
                .await
        })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(
        ok(&executor
            .execute("codemode.double({ n: 21 })", &registry)
            .await),
        &json!(42)
    );
    assert!(!hung.await.expect("the task finished").success);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_host_function_fails_only_its_call() {
    let mut registry = Registry::new();
    registry
        .register(HostFunction::new(
            "explode",
            |_: serde_json::Value| async move {
                if true {
                    panic!("kaboom");
                }
                Ok(json!(null))
            },
        ))
        .expect("a valid name");
    let executor = Executor::default();
    let code = "try { await codemode.explode({}) } catch (e) { return e.message }";
    assert_eq!(
        ok(&executor.execute(code, &registry).await),
        &json!("codemode.explode panicked: kaboom")
    );
    assert_eq!(ok(&executor.execute("1 + 1", &registry).await), &json!(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_within_one_run_overlap() {
    let executor = Executor::default();
    let started = Instant::now();
    let code = "const all = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map(() => codemode.sleep({ ms: 200 })));\nreturn all.length";
    assert_eq!(ok(&executor.execute(code, &registry()).await), &json!(8));
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "calls ran one after another"
    );
}
