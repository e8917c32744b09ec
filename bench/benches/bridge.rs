//! Micro-benchmarks of the bridge: run set-up, host-call round trip, argument and
//! result conversion, and TypeScript stripping.

use codemode::{Executor, Limits};
use codemode_bench::{registry, CONVERT};
use criterion::{criterion_group, criterion_main, Criterion};
use std::sync::Arc;
use tokio::sync::Semaphore;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
}

fn typescript_program() -> String {
    let mut program = String::from("interface Row { id: number; name: string; tags?: string[] }\n");
    for i in 0..98 {
        program.push_str(&format!(
            "const value{i}: Row = {{ id: {i}, name: 'row{i}' as string }};\n"
        ));
        program.push_str(&format!(
            "function pick{i}<T extends Row>(row: T): number {{ return row.id + {i}; }}\n"
        ));
    }
    program.push_str("return pick1(value1);\n");
    program
}

fn bridge(c: &mut Criterion) {
    let rt = runtime();
    let executor = Executor::new(Limits::default());
    let registry = registry(Arc::new(Semaphore::new(0)));

    c.bench_function("run set-up: async () => 1 + 1", |b| {
        b.iter(|| rt.block_on(executor.execute("async () => 1 + 1", &registry)))
    });

    let calls = "async () => { let s = 0; for (let i = 0; i < 1000; i++) { s += await codemode.add({ a: i, b: 1 }); } return s; }";
    c.bench_function("1000 host-call round trips", |b| {
        b.iter(|| rt.block_on(executor.execute(calls, &registry)))
    });

    c.bench_function("convert 1000 objects to JS and back", |b| {
        b.iter(|| rt.block_on(executor.execute(CONVERT, &registry)))
    });

    let program = typescript_program();
    c.bench_function("run a 200-line TypeScript program", |b| {
        b.iter(|| rt.block_on(executor.execute(&program, &registry)))
    });
}

criterion_group!(benches, bridge);
criterion_main!(benches);
