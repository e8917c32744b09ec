//! Runs registered host functions on the caller's tokio runtime.
//!
//! A call is first polled once on the engine thread, inside the runtime's context:
//! functions that finish without waiting (most of them) answer at once, without a
//! hop to another thread. A call still pending after that poll moves to a tokio task.
//! A call that needs approval goes to a task at once, which waits for the approval
//! before the function runs.

use crate::approval::Gate;
use crate::registry::{CallArguments, FunctionSpec, HostFunction};
use crate::value::Value;
use futures_util::FutureExt;
use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;
use tokio::runtime::Handle;
use tokio::task::AbortHandle;

/// How a call got on its way.
pub(crate) enum Started {
    /// It finished during the first poll.
    Answered(Result<Value, String>),
    /// It continues on a tokio task, which hands its answer to `done`.
    Spawned(AbortHandle),
}

/// Starts `function(args)`. Its answer is the value, or an error message when it
/// fails, panics or outlives `timeout`.
pub(crate) fn start(
    runtime: &Handle,
    function: HostFunction,
    args: CallArguments,
    timeout: Option<Duration>,
    done: impl FnOnce(Result<Value, String>) + Send + 'static,
) -> Started {
    let spec = function.shared_spec();
    let call = AssertUnwindSafe(async move { function.call_with(args).await }).catch_unwind();
    let mut call = Box::pin(call);
    let first = {
        let _entered = runtime.enter();
        let mut context = Context::from_waker(Waker::noop());
        call.as_mut().poll(&mut context)
    };
    if let Poll::Ready(answer) = first {
        return Started::Answered(settle(&spec, answer));
    }
    let task = runtime.spawn(async move {
        let answer = within(&spec, timeout, call).await;
        done(settle(&spec, answer));
    });
    Started::Spawned(task.abort_handle())
}

/// Starts `function(args)` on a task once `gate` approves the call; `started` runs
/// just before the function does. A call that is not approved, or whose run stopped
/// while it waited, answers with an error without running.
pub(crate) fn start_after_approval(
    runtime: &Handle,
    gate: Arc<Gate>,
    function: HostFunction,
    args: CallArguments,
    timeout: Option<Duration>,
    started: impl FnOnce() + Send + 'static,
    done: impl FnOnce(Result<Value, String>) + Send + 'static,
) -> AbortHandle {
    let task = runtime.spawn(async move {
        let spec = function.shared_spec();
        let path = spec.path();
        if let Err(refusal) = gate.ask(&path, &args).await {
            return done(Err(refusal));
        }
        if gate.stopped() {
            return done(Err(format!(
                "codemode.{path} did not run: the run stopped while it waited for approval"
            )));
        }
        started();
        let call = AssertUnwindSafe(async move { function.call_with(args).await }).catch_unwind();
        let answer = within(&spec, timeout, call).await;
        done(settle(&spec, answer));
    });
    task.abort_handle()
}

/// Awaits `call`, failing it when it outlives `timeout`.
async fn within(
    spec: &FunctionSpec,
    timeout: Option<Duration>,
    call: impl Future<Output = Caught>,
) -> Caught {
    match timeout {
        Some(limit) => match tokio::time::timeout(limit, call).await {
            Ok(finished) => finished,
            Err(_) => Ok(Err(format!(
                "codemode.{} did not answer within {} ms",
                spec.path(),
                limit.as_millis()
            )
            .into())),
        },
        None => call.await,
    }
}

type Caught = Result<Result<Value, crate::ToolError>, Box<dyn Any + Send>>;

fn settle(spec: &FunctionSpec, answer: Caught) -> Result<Value, String> {
    match answer {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(error.to_string()),
        Err(panic) => Err(format!(
            "codemode.{} panicked: {}",
            spec.path(),
            panic_message(&*panic)
        )),
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(text) = payload.downcast_ref::<&str>() {
        text
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text
    } else {
        "a non-text panic payload"
    }
}
