//! The workloads compared with py-codemode, shared by the workload runner and the
//! criterion benches. The same JavaScript runs on both sides.

use codemode::{HostFunction, Registry};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{json, Value};
use std::sync::Arc;
use tokio::sync::Semaphore;

/// A trivial program, run cold.
pub const TRIVIAL: &str = "async () => 1 + 1";

/// 2,000 sequential awaited host calls.
pub const SEQUENTIAL: &str = "async () => { let s = 0; for (let i = 0; i < 2000; i++) { s += await codemode.add({ a: i, b: 1 }); } return s; }";

/// 1,000 host calls at once.
pub const FAN_OUT: &str = "async () => { const all = await Promise.all(Array.from({ length: 1000 }, (_, i) => codemode.add({ a: i, b: 1 }))); return all.length; }";

/// 1,000 objects from a host function to JavaScript and back as the result.
pub const CONVERT: &str =
    "async () => { const rows = await codemode.rows({ n: 1000 }); return rows; }";

/// CPU-bound JavaScript over a tool result: 20k objects filtered, mapped and reduced.
pub const OBJECTS: &str = "async () => { const rows = await codemode.rows({ n: 20000 }); const total = rows.filter(r => r.active).map(r => r.score * 2).reduce((a, b) => a + b, 0); const byGroup = {}; for (const r of rows) { byGroup[r.group] = (byGroup[r.group] || 0) + 1; } return [total, Object.keys(byGroup).length]; }";

/// `JSON.stringify` and `JSON.parse` of a document of 15,000 objects, 1,005,383
/// characters of JSON; the program returns `[true, 15000]`.
pub const JSON_MB: &str = "async () => { const items = []; for (let i = 0; i < 15000; i++) { items.push({ id: i, name: 'item-' + i, tags: ['a', 'b', 'c'], value: i * 1.5 }); } const text = JSON.stringify({ items }); const back = JSON.parse(text); return [text.length > 1000000, back.items.length]; }";

/// A program that waits for the host, for the memory workload.
pub const WAIT: &str = "async () => await codemode.wait({})";

/// The registry both sides offer: `add`, `rows`, and `wait` (released by `gate`).
pub fn registry(gate: Arc<Semaphore>) -> Registry {
    let add = HostFunction::new("add", |args: Value| async move {
        Ok(json!(
            args["a"].as_i64().unwrap_or(0) + args["b"].as_i64().unwrap_or(0)
        ))
    });
    let wait = HostFunction::new("wait", move |_: Value| {
        let gate = Arc::clone(&gate);
        async move {
            let _permit = gate.acquire().await.map_err(|_| "closed")?;
            Ok(json!(true))
        }
    });
    let mut registry = Registry::with_collected_tools().expect("unique names");
    for function in [add, wait] {
        registry.register(function).expect("unique names");
    }
    registry
}

/// One row of the `rows` tool's result.
#[derive(Serialize, JsonSchema)]
pub struct Row {
    id: u64,
    group: String,
    score: u64,
    active: bool,
}

/// `n` rows in 50 groups, two thirds of them active: the data the CPU-bound workload
/// reshapes, returned the way a typed tool returns it.
///
/// # Arguments
///
/// * `n` - How many rows.
#[codemode::tool]
async fn rows(n: u64) -> Vec<Row> {
    (0..n)
        .map(|i| Row {
            id: i,
            group: format!("g{}", i % 50),
            score: i % 97,
            active: i % 3 != 0,
        })
        .collect()
}
