//! Runs registered host functions on the caller's tokio runtime.

use crate::registry::HostFunction;
use futures_util::FutureExt;
use serde_json::Value;
use std::any::Any;
use std::panic::AssertUnwindSafe;
use std::time::Duration;
use tokio::runtime::Handle;
use tokio::task::AbortHandle;

/// Spawns `function(args)` and hands its answer to `done`: the value, or an error
/// message when it fails, panics or outlives `timeout`.
pub(crate) fn spawn(
    runtime: &Handle,
    function: HostFunction,
    args: Value,
    timeout: Option<Duration>,
    done: impl FnOnce(Result<Value, String>) + Send + 'static,
) -> AbortHandle {
    let task = runtime.spawn(async move {
        let path = function.spec().path();
        let call = AssertUnwindSafe(async move { function.call(args).await }).catch_unwind();
        let answer = match timeout {
            Some(limit) => match tokio::time::timeout(limit, call).await {
                Ok(finished) => finished,
                Err(_) => Ok(Err(format!(
                    "codemode.{path} did not answer within {} ms",
                    limit.as_millis()
                )
                .into())),
            },
            None => call.await,
        };
        done(match answer {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(error.to_string()),
            Err(panic) => Err(format!(
                "codemode.{path} panicked: {}",
                panic_message(&*panic)
            )),
        });
    });
    task.abort_handle()
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
