//! Calls that wait for a person's approval: the run's approver decides, denied calls
//! reject with a catchable error, and the wait does not count against the run's timeout.

mod common;

use codemode::{
    Approval, ApprovalRequest, ErrorKind, Executor, HostFunction, Limits, Registry, RegistryError,
};
use common::ok;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The test registry, with `remove` needing approval.
fn registry() -> Registry {
    let mut registry = common::registry();
    registry
        .register(
            HostFunction::new("remove", |args: Value| async move {
                Ok(json!(format!(
                    "removed {}",
                    args["path"].as_str().unwrap_or("?")
                )))
            })
            .require_approval(),
        )
        .expect("a unique name");
    registry
}

/// Deletes a file.
///
/// # Arguments
///
/// * `path` - The file to delete.
#[codemode::tool(approval)]
async fn delete_file(path: String) -> String {
    format!("deleted {path}")
}

/// Keeps notes.
struct Notes;

/// Notes kept in memory.
#[codemode::capability(namespace = "notes")]
impl Notes {
    /// Reads the notes.
    async fn read(&self) -> String {
        "a note".to_owned()
    }

    /// Erases the notes.
    #[codemode(approval)]
    async fn erase(&self) -> bool {
        true
    }
}

#[tokio::test]
async fn an_approved_call_runs_and_the_approver_sees_function_arguments_and_code() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let asked = Arc::clone(&seen);
    let code = "return await codemode.remove({ path: 'a.txt' });";
    let outcome = Executor::default()
        .run(code, &registry())
        .approver(move |request: ApprovalRequest| {
            asked.lock().expect("the list").push(request);
            async { Approval::Once }
        })
        .execute()
        .await;
    assert_eq!(ok(&outcome), &json!("removed a.txt"));
    let seen = seen.lock().expect("the list");
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].function, "remove");
    assert_eq!(seen[0].arguments, json!({ "path": "a.txt" }));
    assert_eq!(&*seen[0].code, code);
}

#[tokio::test]
async fn calls_that_need_no_approval_do_not_ask() {
    let asked = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&asked);
    let outcome = Executor::default()
        .run("return await codemode.add({ a: 1, b: 2 });", &registry())
        .approver(move |_request: ApprovalRequest| {
            count.fetch_add(1, Ordering::SeqCst);
            async { Approval::Once }
        })
        .execute()
        .await;
    assert_eq!(ok(&outcome), &json!(3));
    assert_eq!(asked.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_denied_call_rejects_with_an_error_the_program_can_catch() {
    let ran = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&ran);
    let mut registry = Registry::new();
    registry
        .register(
            HostFunction::new("remove", move |_args: Value| {
                counted.fetch_add(1, Ordering::SeqCst);
                async { Ok(Value::Null) }
            })
            .require_approval(),
        )
        .expect("a unique name");
    let outcome = Executor::default()
        .run(
            "try { await codemode.remove({ path: 'a.txt' }); return 'ran'; } catch (e) { return e.message; }",
            &registry,
        )
        .approver(|_request: ApprovalRequest| async {
            Approval::Deny("the user declined".to_owned())
        })
        .execute()
        .await;
    assert_eq!(
        ok(&outcome),
        &json!("codemode.remove was not approved: the user declined")
    );
    assert_eq!(ran.load(Ordering::SeqCst), 0, "the function never ran");
}

#[tokio::test]
async fn an_uncaught_denial_fails_the_run_as_a_tool_error() {
    let outcome = Executor::default()
        .run("await codemode.remove({ path: 'a.txt' });", &registry())
        .approver(|_request: ApprovalRequest| async { Approval::Deny("no".to_owned()) })
        .execute()
        .await;
    let error = outcome.error.expect("the run fails");
    assert_eq!(error.kind, ErrorKind::Tool);
    assert_eq!(
        error.message,
        "codemode.remove failed: codemode.remove was not approved: no"
    );
}

#[tokio::test]
async fn without_an_approver_a_call_that_needs_approval_is_refused() {
    let outcome = Executor::default()
        .execute(
            "try { await codemode.remove({ path: 'a.txt' }); } catch (e) { return e.message; }",
            &registry(),
        )
        .await;
    assert_eq!(
        ok(&outcome),
        &json!("codemode.remove was not approved: it needs approval, and this run has no approver to ask (give one with RunBuilder::approver)")
    );
}

#[tokio::test]
async fn approving_for_the_run_lets_later_calls_to_the_function_through() {
    let asked = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&asked);
    let outcome = Executor::default()
        .run(
            "const first = await codemode.remove({ path: 'a' });
             const rest = await Promise.all(['b', 'c', 'd'].map((path) => codemode.remove({ path })));
             return [first, ...rest];",
            &registry(),
        )
        .approver(move |_request: ApprovalRequest| {
            count.fetch_add(1, Ordering::SeqCst);
            async { Approval::ForRun }
        })
        .execute()
        .await;
    assert_eq!(
        ok(&outcome),
        &json!(["removed a", "removed b", "removed c", "removed d"])
    );
    assert_eq!(asked.load(Ordering::SeqCst), 1, "asked once for the run");
}

#[tokio::test]
async fn approving_once_asks_again_for_the_next_call() {
    let asked = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&asked);
    let outcome = Executor::default()
        .run(
            "await codemode.remove({ path: 'a' }); return await codemode.remove({ path: 'b' });",
            &registry(),
        )
        .approver(move |_request: ApprovalRequest| {
            count.fetch_add(1, Ordering::SeqCst);
            async { Approval::Once }
        })
        .execute()
        .await;
    assert_eq!(ok(&outcome), &json!("removed b"));
    assert_eq!(asked.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn time_spent_waiting_for_approval_does_not_count_against_the_run_timeout() {
    let limits = Limits::default().with_timeout(Duration::from_millis(300));
    let outcome = Executor::new(limits)
        .run("return await codemode.remove({ path: 'a' });", &registry())
        .approver(|_request: ApprovalRequest| async {
            tokio::time::sleep(Duration::from_millis(800)).await;
            Approval::Once
        })
        .execute()
        .await;
    assert_eq!(ok(&outcome), &json!("removed a"));
}

#[tokio::test]
async fn the_run_timeout_still_holds_once_the_approval_is_given() {
    let limits = Limits::default().with_timeout(Duration::from_millis(300));
    let outcome = Executor::new(limits)
        .run(
            "await codemode.remove({ path: 'a' }); while (true) {}",
            &registry(),
        )
        .approver(|_request: ApprovalRequest| async {
            tokio::time::sleep(Duration::from_millis(500)).await;
            Approval::Once
        })
        .execute()
        .await;
    assert_eq!(outcome.error.expect("a timeout").kind, ErrorKind::Timeout);
}

#[tokio::test]
async fn an_approval_not_given_within_the_approval_timeout_is_refused() {
    let limits = Limits::default().with_approval_timeout(Duration::from_millis(200));
    let outcome = Executor::new(limits)
        .run(
            "try { await codemode.remove({ path: 'a' }); } catch (e) { return e.message; }",
            &registry(),
        )
        .approver(|_request: ApprovalRequest| std::future::pending::<Approval>())
        .execute()
        .await;
    assert_eq!(
        ok(&outcome),
        &json!("codemode.remove was not approved: no answer within 0.2 s")
    );
}

#[tokio::test]
async fn registry_patterns_cover_paths_namespaces_and_later_registrations() {
    let mut registry = common::registry();
    registry
        .require_approval("add")
        .and_then(|r| r.require_approval("math.*"))
        .expect("valid patterns");
    registry
        .register(
            HostFunction::new("cube", |args: Value| async move {
                Ok(json!(args["x"].as_f64().unwrap_or(0.0).powi(3)))
            })
            .in_namespace("math"),
        )
        .expect("a unique name");
    let needs = |path: &str| {
        registry
            .get(path)
            .is_some_and(|function| function.spec().requires_approval)
    };
    assert!(needs("add") && needs("math.square") && needs("math.cube"));
    assert!(!needs("double") && !needs("echo"));
    let mut everything = common::registry();
    everything.require_approval("*").expect("a valid pattern");
    assert!(everything
        .get("echo")
        .is_some_and(|function| function.spec().requires_approval));
}

#[tokio::test]
async fn a_malformed_pattern_is_refused_with_what_to_write() {
    let mut registry = common::registry();
    for pattern in ["fs.*.write", "", "fs.", "1add"] {
        let error = registry
            .require_approval(pattern)
            .map(|_| ())
            .expect_err("a malformed pattern");
        assert!(
            matches!(error, RegistryError::InvalidPattern { .. }),
            "{pattern}: {error}"
        );
        assert!(
            error.to_string().starts_with(&format!(
                "`{pattern}` is not a function to require approval for: "
            )),
            "{error}"
        );
    }
}

#[tokio::test]
async fn the_macros_approval_keys_mark_tools_and_capability_methods() {
    let mut registry = Registry::with_collected_tools().expect("unique names");
    registry.capability(Notes).expect("a new namespace");
    let needs = |path: &str| {
        registry
            .get(path)
            .is_some_and(|function| function.spec().requires_approval)
    };
    assert!(needs("delete_file") && needs("notes.erase"));
    assert!(!needs("notes.read"));
    let outcome = Executor::default()
        .run(
            "return [await codemode.notes.erase({}), await codemode.delete_file({ path: 'x' })];",
            &registry,
        )
        .approver(|request: ApprovalRequest| async move {
            assert!(["notes.erase", "delete_file"].contains(&request.function.as_str()));
            Approval::Once
        })
        .execute()
        .await;
    assert_eq!(ok(&outcome), &json!([true, "deleted x"]));
}

#[tokio::test]
async fn a_session_asks_the_approver_for_registered_calls() {
    let session = Executor::default()
        .run("return await codemode.remove({ path: 'a' });", &registry())
        .approver(|_request: ApprovalRequest| async { Approval::Once })
        .start();
    let outcome = session.outcome().await;
    assert_eq!(ok(&outcome), &json!("removed a"));
}
