//! 10 MiB from a program to a host function and back, as bytes and as base64 text.
//!
//! `cargo run --release -p codemode-bench --bin bytes` times, interleaved in one run:
//!
//! - bytes: a 10 MiB `Uint8Array` passed to a host function that returns it, reaching
//!   the program again as a `Uint8Array`;
//! - base64: the same 10 MiB as a base64 string (14 MB of text) passed through JSON to
//!   a host function that decodes it and encodes it again for its answer, the way
//!   bytes had to travel before they were values of their own.
//!
//! Each run builds its data in the sandbox; it prints the median and the best run of
//! each in milliseconds, and the ratio of the medians.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use codemode::{Executor, HostFunction, Limits, Registry, ToolError};
use serde_json::json;
use std::time::{Duration, Instant};

const RUNS: usize = 30;

/// 10 MiB.
const SIZE: usize = 10 * 1024 * 1024;

fn registry() -> Registry {
    let mut registry = Registry::new();
    let bytes = HostFunction::new("echo_bytes", |mut args: codemode::Value| async move {
        let data = args
            .as_object_mut()
            .and_then(|entries| entries.remove("data"))
            .filter(|data| data.as_bytes().is_some())
            .ok_or_else(|| ToolError::new("echo_bytes: `data` must be a Uint8Array"))?;
        Ok(data)
    });
    let text = HostFunction::new("echo_base64", |args: serde_json::Value| async move {
        let text = args["data"]
            .as_str()
            .ok_or_else(|| ToolError::new("echo_base64: `data` must be a string"))?;
        let data = STANDARD
            .decode(text)
            .map_err(|error| ToolError::new(format!("echo_base64: {error}")))?;
        Ok(json!(STANDARD.encode(data)))
    });
    for function in [bytes, text] {
        registry.register(function).expect("unique names");
    }
    registry
}

fn median(samples: &mut [f64]) -> f64 {
    samples.sort_by(|a, b| a.total_cmp(b));
    samples[samples.len() / 2]
}

async fn timed(executor: &Executor, registry: &Registry, code: &str, expected: usize) -> f64 {
    let started = Instant::now();
    let outcome = executor.execute(code, registry).await;
    let elapsed = started.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(outcome.result, json!(expected), "{code}: {outcome:?}");
    elapsed
}

#[tokio::main]
async fn main() {
    let executor = Executor::new(
        Limits::default()
            .with_memory_bytes(512 * 1024 * 1024)
            .with_timeout(Duration::from_secs(60)),
    );
    let registry = registry();
    let bytes = format!(
        "const data = new Uint8Array({SIZE});\nconst back = await codemode.echo_bytes({{ data }});\nreturn back.length;"
    );
    // 'A' is six zero bits: `AA==` ends the text on one zero byte.
    let text_len = SIZE.div_ceil(3) * 4;
    let base64 = format!(
        "const data = 'A'.repeat({}) + 'AA==';\nconst back = await codemode.echo_base64({{ data }});\nreturn back.length;",
        text_len - 4
    );
    timed(&executor, &registry, &bytes, SIZE).await;
    timed(&executor, &registry, &base64, text_len).await;
    let (mut as_bytes, mut as_text) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        as_bytes.push(timed(&executor, &registry, &bytes, SIZE).await);
        as_text.push(timed(&executor, &registry, &base64, text_len).await);
    }
    let best = |samples: &[f64]| samples.iter().copied().fold(f64::INFINITY, f64::min);
    let (bytes_best, text_best) = (best(&as_bytes), best(&as_text));
    let (bytes_median, text_median) = (median(&mut as_bytes), median(&mut as_text));
    println!("10 MiB to a host function and back, {RUNS} runs each, interleaved");
    println!("| transfer | median (ms) | best (ms) |");
    println!("| --- | ---: | ---: |");
    println!("| Uint8Array as bytes | {bytes_median:.1} | {bytes_best:.1} |");
    println!("| base64 string through JSON | {text_median:.1} | {text_best:.1} |");
    println!(
        "bytes are {:.1}x faster (medians)",
        text_median / bytes_median
    );
}
