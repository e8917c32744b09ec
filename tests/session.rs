//! Step-by-step control: surfaced calls, answers, interception, cancellation.

mod common;

use codemode::{ErrorKind, Event, Executor, Limits, Registry, SessionError};
use common::registry;
use serde_json::json;
use std::time::{Duration, Instant};

#[tokio::test]
async fn unregistered_calls_surface_and_are_answered_step_by_step() {
    let code = "async () => {\n  const a = await codemode.double({ n: 3 });\n  const b = await codemode.double({ n: a });\n  return b;\n}";
    let mut session = Executor::default().start(code, &Registry::new());
    let mut seen = Vec::new();
    let outcome = loop {
        match session.next_event().await {
            Event::HostCall(call) => {
                assert_eq!(call.target, "double");
                assert!(!call.registered);
                let n = call.input["n"].as_i64().expect("n");
                seen.push(n);
                session
                    .submit_result(call.call_id, json!(n * 2))
                    .expect("an open call");
            }
            Event::Completed(outcome) => break outcome,
            Event::Failed(outcome) => panic!("run failed: {outcome:?}"),
        }
    };
    assert_eq!(seen, vec![3, 6]);
    assert_eq!(outcome.result, json!(12));
}

#[tokio::test]
async fn registered_calls_are_dispatched_without_the_host() {
    let code =
        "const a = await codemode.add({ a: 1, b: 2 }); return await codemode.external({ a });";
    let mut session = Executor::default().start(code, &registry());
    let Event::HostCall(call) = session.next_event().await else {
        panic!("expected a host call")
    };
    assert_eq!(call.target, "external");
    assert_eq!(call.input, json!({ "a": 3 }));
    session
        .submit_result(call.call_id, json!("answered"))
        .expect("an open call");
    assert!(
        matches!(session.next_event().await, Event::Completed(o) if o.result == json!("answered"))
    );
}

#[tokio::test]
async fn submitted_errors_reject_the_call() {
    let code = "try { await codemode.lookup({}) } catch (e) { return e.message }";
    let mut session = Executor::default().start(code, &Registry::new());
    let Event::HostCall(call) = session.next_event().await else {
        panic!("expected a host call")
    };
    session
        .submit_error(call.call_id, "not allowed")
        .expect("an open call");
    assert!(
        matches!(session.next_event().await, Event::Completed(o) if o.result == json!("not allowed"))
    );
}

#[tokio::test]
async fn intercepted_calls_can_be_dispatched_or_answered() {
    let code = "const a = await codemode.add({ a: 1, b: 2 });\nconst b = await codemode.add({ a: 10, b: 20 });\nreturn [a, b];";
    let mut session = Executor::default().start_intercepted(code, &registry());
    let mut approved = 0;
    let outcome = loop {
        match session.next_event().await {
            Event::HostCall(call) => {
                assert!(call.registered);
                if call.input["a"] == json!(1) {
                    approved += 1;
                    session.dispatch(call.call_id).expect("an open call");
                } else {
                    session
                        .submit_result(call.call_id, json!(-1))
                        .expect("an open call");
                }
            }
            Event::Completed(outcome) => break outcome,
            Event::Failed(outcome) => panic!("run failed: {outcome:?}"),
        }
    };
    assert_eq!(approved, 1);
    assert_eq!(outcome.result, json!([3, -1]));
}

#[tokio::test]
async fn dispatching_an_unregistered_call_fails_it_as_unknown() {
    let mut session =
        Executor::default().start_intercepted("await codemode.nothing({})", &registry());
    let Event::HostCall(call) = session.next_event().await else {
        panic!("expected a host call")
    };
    session.dispatch(call.call_id).expect("an open call");
    let Event::Failed(outcome) = session.next_event().await else {
        panic!("expected a failure")
    };
    assert_eq!(
        outcome.error.expect("an error").kind,
        ErrorKind::UnknownTool
    );
}

#[tokio::test]
async fn dispatching_a_call_surfaced_by_a_plain_session_fails_it_as_unknown() {
    let code = "try { await codemode.nope({}) } catch (e) { return e.message }";
    let mut session = Executor::default().start(code, &registry());
    let Event::HostCall(call) = session.next_event().await else {
        panic!("expected a host call")
    };
    assert!(!call.registered);
    session.dispatch(call.call_id).expect("an open call");
    let Event::Completed(outcome) = session.next_event().await else {
        panic!("expected the program to catch the failure")
    };
    let message = outcome.result.as_str().expect("a message");
    assert!(
        message.starts_with("codemode.nope does not exist; available: "),
        "{message}"
    );
    assert_eq!(
        session.submit_result(call.call_id, json!(1)),
        Err(SessionError::Finished)
    );
}

#[tokio::test]
async fn unknown_and_repeated_call_ids_are_errors() {
    let mut session = Executor::default().start(
        "await codemode.x({}); await codemode.y({})",
        &Registry::new(),
    );
    assert_eq!(
        session.submit_result(99, json!(1)),
        Err(SessionError::UnknownCall(99))
    );
    let Event::HostCall(call) = session.next_event().await else {
        panic!("expected a host call")
    };
    session
        .submit_result(call.call_id, json!(1))
        .expect("an open call");
    assert_eq!(
        session.submit_result(call.call_id, json!(2)),
        Err(SessionError::UnknownCall(call.call_id))
    );
    assert_eq!(
        session.dispatch(call.call_id),
        Err(SessionError::UnknownCall(call.call_id))
    );
    let Event::HostCall(second) = session.next_event().await else {
        panic!("expected a host call")
    };
    session
        .submit_result(second.call_id, json!(2))
        .expect("an open call");
    assert!(matches!(session.next_event().await, Event::Completed(_)));
    assert_eq!(
        session.submit_result(second.call_id, json!(3)),
        Err(SessionError::Finished)
    );
}

#[tokio::test]
async fn final_event_repeats() {
    let mut session = Executor::default().start("1", &Registry::new());
    let first = session.next_event().await;
    assert!(matches!(first, Event::Completed(_)));
    assert_eq!(session.next_event().await, first);
}

#[tokio::test]
async fn cancel_stops_a_run_stuck_in_a_synchronous_loop() {
    let mut session = Executor::default().start("while (true) {}", &Registry::new());
    tokio::time::sleep(Duration::from_millis(50)).await;
    let started = Instant::now();
    session.cancel();
    let Event::Failed(outcome) = session.next_event().await else {
        panic!("expected a failure")
    };
    assert_eq!(outcome.error.expect("an error").kind, ErrorKind::Cancelled);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn cancel_stops_a_run_awaiting_the_host() {
    let mut session = Executor::default().start("await codemode.never({})", &Registry::new());
    assert!(matches!(session.next_event().await, Event::HostCall(_)));
    session.cancel();
    let Event::Failed(outcome) = session.next_event().await else {
        panic!("expected a failure")
    };
    assert_eq!(outcome.error.expect("an error").kind, ErrorKind::Cancelled);
}

#[tokio::test]
async fn answers_after_cancel_are_refused_or_ignored() {
    let code = "const calls = []; for (let i = 0; i < 1000; i++) calls.push(codemode.later({ i })); return (await Promise.all(calls)).length";
    let mut session = Executor::default().start(code, &Registry::new());
    let mut open = Vec::new();
    for _ in 0..64 {
        match session.next_event().await {
            Event::HostCall(call) => open.push(call.call_id),
            other => panic!("expected a host call, got {other:?}"),
        }
    }
    session.cancel();
    for call_id in open {
        let answered = session.submit_result(call_id, json!(call_id));
        assert!(
            matches!(answered, Ok(()) | Err(SessionError::Finished)),
            "{answered:?}"
        );
    }
    let outcome = loop {
        match session.next_event().await {
            Event::HostCall(_) => {}
            Event::Failed(outcome) => break outcome,
            Event::Completed(outcome) => panic!("a cancelled run completed: {outcome:?}"),
        }
    };
    assert_eq!(outcome.error.expect("an error").kind, ErrorKind::Cancelled);
    assert_eq!(session.submit_error(1, "late"), Err(SessionError::Finished));
    let after = Executor::default().execute("1 + 1", &Registry::new()).await;
    assert_eq!(after.result, json!(2));
}

#[tokio::test]
async fn dropping_a_session_cancels_its_run() {
    let executor = Executor::new(Limits::default().with_timeout(Duration::from_secs(60)));
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut registry = Registry::new();
    let counter = calls.clone();
    registry
        .register(codemode::HostFunction::new(
            "tick",
            move |_: serde_json::Value| {
                let counter = counter.clone();
                async move {
                    counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    Ok(json!(null))
                }
            },
        ))
        .expect("a valid name");
    let session = executor.start("while (true) { await codemode.tick({}) }", &registry);
    let started = Instant::now();
    while calls.load(std::sync::atomic::Ordering::SeqCst) == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the run never called the host"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    drop(session);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let after_drop = calls.load(std::sync::atomic::Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), after_drop);
}

#[test]
fn starting_outside_tokio_fails_clearly() {
    let mut session = Executor::default().start("1", &Registry::new());
    let event = futures_lite_block_on(session.next_event());
    let Event::Failed(outcome) = event else {
        panic!("expected a failure")
    };
    assert!(outcome.error.expect("an error").message.contains("tokio"));
}

fn futures_lite_block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime without a handle in scope at start")
        .block_on(future)
}
