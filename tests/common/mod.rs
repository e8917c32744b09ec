//! Helpers shared by the integration tests.
#![allow(dead_code)]

use codemode::{Executor, HostFunction, Limits, Outcome, Registry, ToolError};
use serde_json::{json, Value};
use std::time::Duration;

/// A registry with `add`, `double`, `fail`, `echo`, `sleep` and `math.square`.
pub fn registry() -> Registry {
    let mut registry = Registry::new();
    registry
        .register(HostFunction::new("add", |args: Value| async move {
            let a = args["a"].as_i64().ok_or("add: `a` must be an integer")?;
            let b = args["b"].as_i64().ok_or("add: `b` must be an integer")?;
            Ok(json!(a + b))
        }))
        .and_then(|r| {
            r.register(HostFunction::new("double", |args: Value| async move {
                Ok(json!(args["n"].as_i64().unwrap_or(0) * 2))
            }))
        })
        .and_then(|r| {
            r.register(HostFunction::new("fail", |args: Value| async move {
                Err::<Value, _>(ToolError::new(format!(
                    "failed on purpose: {}",
                    args["why"].as_str().unwrap_or("no reason")
                )))
            }))
        })
        .and_then(|r| {
            r.register(HostFunction::new(
                "echo",
                |args: Value| async move { Ok(args) },
            ))
        })
        .and_then(|r| {
            r.register(HostFunction::new("sleep", |args: Value| async move {
                let ms = args["ms"].as_u64().unwrap_or(0);
                tokio::time::sleep(Duration::from_millis(ms)).await;
                Ok(json!(ms))
            }))
        })
        .and_then(|r| {
            r.register(
                HostFunction::new("square", |args: Value| async move {
                    let x = args["x"].as_f64().unwrap_or(0.0);
                    Ok(json!(x * x))
                })
                .in_namespace("math"),
            )
        })
        .expect("valid registrations");
    registry
}

/// Runs `code` with the default limits and the test registry.
pub async fn run(code: &str) -> Outcome {
    Executor::default().execute(code, &registry()).await
}

/// Runs `code` with `limits` and the test registry.
pub async fn run_with(limits: Limits, code: &str) -> Outcome {
    Executor::new(limits).execute(code, &registry()).await
}

/// Asserts a successful run and returns its result.
pub fn ok(outcome: &Outcome) -> &Value {
    assert!(outcome.success, "expected success, got {outcome:#?}");
    &outcome.result
}
