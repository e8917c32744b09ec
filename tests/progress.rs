//! Watching a run as it goes: console lines as they are printed and host calls as they
//! start, while the outcome still carries every line.

mod common;

use codemode::{Executor, HostFunction, LogLevel, Progress};
use common::ok;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};

#[tokio::test]
async fn an_observer_sees_lines_and_calls_in_the_order_they_happen() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let watched = Arc::clone(&seen);
    let outcome = Executor::default()
        .run(
            "console.log('start');
             const sum = await codemode.add({ a: 1, b: 2 });
             console.warn('sum', sum);
             console.error('bad');
             console.debug('detail');
             await codemode.math.square({ x: 3 });
             return sum;",
            &common::registry(),
        )
        .on_progress(move |progress| watched.lock().expect("the list").push(progress))
        .execute()
        .await;
    assert_eq!(ok(&outcome), &json!(3));
    let log = |level, line: &str| Progress::Log {
        level,
        line: line.to_owned(),
    };
    let call = |function: &str| Progress::Call {
        function: function.to_owned(),
    };
    assert_eq!(
        *seen.lock().expect("the list"),
        [
            log(LogLevel::Info, "start"),
            call("add"),
            log(LogLevel::Warn, "[warn] sum 3"),
            log(LogLevel::Error, "[error] bad"),
            log(LogLevel::Debug, "detail"),
            call("math.square"),
        ]
    );
    assert_eq!(
        outcome.logs,
        ["start", "[warn] sum 3", "[error] bad", "detail"],
        "the outcome still carries every line"
    );
}

#[tokio::test]
async fn lines_reach_the_observer_while_the_run_is_still_going() {
    let (release, released) = oneshot::channel::<()>();
    let released = Arc::new(Mutex::new(Some(released)));
    let mut registry = common::registry();
    registry
        .register(HostFunction::new("hold", move |_args: Value| {
            let released = released.lock().expect("the receiver").take();
            async move {
                if let Some(released) = released {
                    let _ = released.await;
                }
                Ok(json!("released"))
            }
        }))
        .expect("a unique name");
    let (lines, mut received) = mpsc::unbounded_channel();
    let run = tokio::spawn(async move {
        Executor::default()
            .run(
                "console.log('waiting'); return await codemode.hold({});",
                &registry,
            )
            .on_progress(move |progress| {
                let _ = lines.send(progress);
            })
            .execute()
            .await
    });
    // The run cannot finish before the line is seen: only then is `hold` released.
    assert_eq!(
        received.recv().await,
        Some(Progress::Log {
            level: LogLevel::Info,
            line: "waiting".to_owned()
        })
    );
    assert!(!run.is_finished());
    release.send(()).expect("the call waits");
    let outcome = run.await.expect("the run's task");
    assert_eq!(ok(&outcome), &json!("released"));
}

#[tokio::test]
async fn the_output_limit_is_reported_to_the_observer_too() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let watched = Arc::clone(&seen);
    let limits = codemode::Limits::default().with_log_bytes(64);
    let outcome = Executor::new(limits)
        .run("for (;;) console.log('x'.repeat(20));", &common::registry())
        .on_progress(move |progress| watched.lock().expect("the list").push(progress))
        .execute()
        .await;
    assert!(!outcome.success);
    let seen = seen.lock().expect("the list");
    let lines: Vec<&str> = seen
        .iter()
        .filter_map(|progress| match progress {
            Progress::Log { line, .. } => Some(line.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        lines,
        outcome.logs.iter().map(String::as_str).collect::<Vec<_>>()
    );
    assert!(lines
        .last()
        .is_some_and(|line| line.starts_with("[codemode] output truncated")));
}
