//! Every limit ends its run with its own error kind and leaves the executor working.

mod common;

use codemode::{ErrorKind, Executor, Limits};
use common::{ok, registry, run_with};
use serde_json::json;
use std::time::Duration;

fn short() -> Limits {
    Limits::default().with_timeout(Duration::from_millis(300))
}

async fn kind_of(limits: Limits, code: &str) -> ErrorKind {
    let outcome = run_with(limits, code).await;
    assert!(
        !outcome.success,
        "expected a failure for {code}: {outcome:?}"
    );
    outcome.error.expect("an error").kind
}

#[tokio::test]
async fn cpu_loop_times_out() {
    assert_eq!(
        kind_of(short(), "while (true) {}").await,
        ErrorKind::Timeout
    );
}

#[tokio::test]
async fn cpu_loop_cannot_catch_the_timeout() {
    let code = "for (;;) { try { while (true) {} } catch (e) {} }";
    assert_eq!(kind_of(short(), code).await, ErrorKind::Timeout);
}

#[tokio::test]
async fn never_settling_promise_times_out() {
    assert_eq!(
        kind_of(short(), "await new Promise(() => {})").await,
        ErrorKind::Timeout
    );
}

#[tokio::test]
async fn slow_host_call_times_out_the_run() {
    assert_eq!(
        kind_of(short(), "await codemode.sleep({ ms: 5000 })").await,
        ErrorKind::Timeout
    );
}

#[tokio::test]
async fn timer_beyond_the_deadline_times_out() {
    let code = "await new Promise(r => setTimeout(r, 10000))";
    assert_eq!(kind_of(short(), code).await, ErrorKind::Timeout);
}

#[tokio::test]
async fn allocation_bomb_hits_the_memory_limit() {
    let limits = Limits::default().with_memory_bytes(16 * 1024 * 1024);
    let code = "const parts = []; while (true) parts.push('x'.repeat(1000) + parts.length);";
    assert_eq!(kind_of(limits, code).await, ErrorKind::Memory);
}

#[tokio::test]
async fn array_buffers_count_against_the_memory_limit() {
    let limits = Limits::default().with_memory_bytes(16 * 1024 * 1024);
    assert_eq!(
        kind_of(limits.clone(), "new ArrayBuffer(32 * 1024 * 1024)").await,
        ErrorKind::Memory
    );
    assert_eq!(
        kind_of(limits, "new Float64Array(4 * 1024 * 1024)").await,
        ErrorKind::Memory
    );
}

#[tokio::test]
async fn a_limit_below_what_an_empty_sandbox_needs_fails_as_memory() {
    let limits = Limits::default().with_memory_bytes(64 * 1024);
    let outcome = run_with(limits, "1 + 1").await;
    let error = outcome.error.expect("a failure");
    assert_eq!(error.kind, ErrorKind::Memory);
    assert!(
        error
            .message
            .starts_with("the memory limit of 64 KiB is below the"),
        "{}",
        error.message
    );
}

#[tokio::test]
async fn cyclic_garbage_is_collected_before_the_limit() {
    let code =
        "let kept = 0; for (let i = 0; i < 300000; i++) { const a = { s: 'x'.repeat(100) + i }; \
                const b = { a }; a.b = b; kept += a.b.a.s.length; } return kept > 0";
    assert_eq!(ok(&run_with(Limits::default(), code).await), &json!(true));
}

#[tokio::test]
async fn catching_out_of_memory_still_reports_memory() {
    let limits = Limits::default().with_memory_bytes(16 * 1024 * 1024);
    let code = "try { new ArrayBuffer(64 * 1024 * 1024) } catch (e) { return 'caught' }";
    assert_eq!(kind_of(limits, code).await, ErrorKind::Memory);
}

#[tokio::test]
async fn unbounded_recursion_hits_the_stack_limit() {
    let code = "function down(n) { return down(n + 1) + 1 }\ndown(0)";
    let outcome = run_with(Limits::default(), code).await;
    let error = outcome.error.expect("a failure");
    assert_eq!(error.kind, ErrorKind::Stack);
    assert_eq!(error.line, Some(1));
}

#[tokio::test]
async fn too_much_output_is_cut_with_a_marker() {
    let limits = Limits::default().with_log_bytes(1000);
    let outcome = run_with(limits, "for (let i = 0; ; i++) console.log('line ' + i)").await;
    assert_eq!(
        outcome.error.expect("a failure").kind,
        ErrorKind::OutputLimit
    );
    let last = outcome.logs.last().expect("a marker line");
    assert!(last.contains("output truncated"), "{last}");
    let kept: usize = outcome.logs[..outcome.logs.len() - 1]
        .iter()
        .map(String::len)
        .sum();
    assert!(kept <= 1000, "{kept}");
}

#[tokio::test]
async fn too_large_a_result_fails() {
    let limits = Limits::default().with_result_bytes(1000);
    assert_eq!(
        kind_of(limits, "'x'.repeat(2000)").await,
        ErrorKind::ResultTooLarge
    );
}

#[tokio::test]
async fn too_many_host_calls_fail() {
    let limits = Limits::default().with_host_calls(10);
    let code = "for (let i = 0; i < 20; i++) await codemode.double({ n: i })";
    assert_eq!(kind_of(limits, code).await, ErrorKind::TooManyCalls);
}

#[tokio::test]
async fn too_many_host_calls_cannot_be_caught() {
    let limits = Limits::default().with_host_calls(3);
    let code = "for (let i = 0; i < 20; i++) { try { await codemode.double({ n: i }) } catch (e) {} } return 'done'";
    assert_eq!(kind_of(limits, code).await, ErrorKind::TooManyCalls);
}

#[tokio::test]
async fn too_large_a_source_is_refused() {
    let limits = Limits::default().with_source_bytes(100);
    let code = format!("return '{}'", "x".repeat(200));
    assert_eq!(kind_of(limits, &code).await, ErrorKind::SourceTooLarge);
}

#[tokio::test]
async fn calls_beyond_the_in_flight_limit_wait_their_turn() {
    let limits = Limits::default().with_host_calls_in_flight(4);
    let code = "const all = await Promise.all(Array.from({ length: 100 }, (_, i) => codemode.double({ n: i })));\nreturn all.reduce((a, b) => a + b, 0)";
    assert_eq!(ok(&run_with(limits, code).await), &json!(9900));
}

#[tokio::test]
async fn slow_host_function_fails_its_call_after_the_call_timeout() {
    let limits = Limits::default().with_host_call_timeout(Duration::from_millis(50));
    let code = "try { await codemode.sleep({ ms: 2000 }) } catch (e) { return e.message }";
    assert_eq!(
        ok(&run_with(limits, code).await),
        &json!("codemode.sleep did not answer within 50 ms")
    );
}

#[tokio::test]
async fn the_executor_works_after_every_limit() {
    let executor = Executor::new(
        Limits::default()
            .with_timeout(Duration::from_millis(300))
            .with_memory_bytes(16 * 1024 * 1024),
    );
    let registry = registry();
    for code in [
        "while (true) {}",
        "new ArrayBuffer(1 << 30)",
        "function f() { return f() } f()",
        "const a = []; a.push(a); return a",
    ] {
        assert!(!executor.execute(code, &registry).await.success);
        let after = executor
            .execute("codemode.add({ a: 20, b: 22 })", &registry)
            .await;
        assert_eq!(ok(&after), &json!(42), "after {code}");
    }
}

#[tokio::test]
async fn timers_fire_in_order_and_can_be_cleared() {
    let code = r#"
const seen = [];
setTimeout(() => seen.push('b'), 20);
setTimeout(() => seen.push('a'), 5);
const gone = setTimeout(() => seen.push('never'), 10);
clearTimeout(gone);
setTimeout((x, y) => seen.push(x + y), 0, 'c', 'd');
await new Promise(resolve => setTimeout(resolve, 40));
return seen;
"#;
    assert_eq!(
        ok(&run_with(Limits::default(), code).await),
        &json!(["cd", "a", "b"])
    );
}

#[tokio::test]
async fn a_stack_limit_of_zero_still_stops_recursion() {
    let code = "function down(n) { return down(n + 1) + 1 }\ndown(0)";
    let limits = Limits::default().with_stack_bytes(0);
    assert_eq!(kind_of(limits, code).await, ErrorKind::Stack);
}

#[tokio::test]
async fn at_least_one_host_call_is_in_flight() {
    let limits = Limits::default().with_host_calls_in_flight(0);
    assert_eq!(limits.host_calls_in_flight(), 1);
    let outcome = run_with(limits, "codemode.add({ a: 1, b: 2 })").await;
    assert_eq!(ok(&outcome), &json!(3));
}

#[tokio::test]
async fn limit_messages_write_sizes_as_limits_are() {
    let cases = [
        (
            Limits::default().with_source_bytes(2048),
            format!("return '{}'", "x".repeat(3000)),
            "the code is 3 KiB; the limit is 2 KiB",
        ),
        (
            Limits::default().with_result_bytes(1024),
            "'x'.repeat(3000)".to_owned(),
            "the result is 3 KiB of JSON; the limit is 1 KiB",
        ),
        (
            Limits::default().with_log_bytes(2048),
            "for (;;) console.log('line')".to_owned(),
            "the program printed more than 2 KiB of console output",
        ),
    ];
    for (limits, code, expected) in cases {
        let error = run_with(limits, &code).await.error.expect("a failure");
        assert!(error.message.starts_with(expected), "{}", error.message);
    }
}
