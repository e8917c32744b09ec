//! Runs programs in fresh sandboxes.

use crate::engine::quickjs::QuickJs;
use crate::engine::{Engine, Routing, RunSpec};
use crate::limits::Limits;
use crate::outcome::{ErrorKind, ExecError, Outcome};
use crate::protocol;
use crate::registry::Registry;
use crate::session::Session;
use std::sync::Arc;

/// Runs JavaScript or TypeScript in a fresh, empty sandbox per run.
///
/// Cheap to clone and to share between tasks and threads; runs proceed in parallel,
/// each on an engine thread of its own, while host functions run on the caller's tokio
/// runtime.
///
/// ```
/// use codemode::{Executor, HostFunction, Registry};
/// use serde_json::json;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let mut registry = Registry::new();
/// registry
///     .register(HostFunction::new("add", |args: serde_json::Value| async move {
///         Ok(json!(args["a"].as_i64().unwrap_or(0) + args["b"].as_i64().unwrap_or(0)))
///     }))
///     .expect("a valid, unique name");
///
/// let outcome = Executor::default()
///     .execute("async () => await codemode.add({ a: 1, b: 2 })", &registry)
///     .await;
/// assert_eq!(outcome.result, json!(3));
/// # }
/// ```
#[derive(Clone)]
pub struct Executor {
    inner: Arc<Inner>,
}

struct Inner {
    limits: Limits,
    engine: Box<dyn Engine>,
}

impl Default for Executor {
    fn default() -> Self {
        Self::new(Limits::default())
    }
}

impl Executor {
    /// An executor applying `limits` to every run.
    pub fn new(limits: Limits) -> Self {
        let engine = Box::new(QuickJs::new(limits.stack_bytes()));
        Self {
            inner: Arc::new(Inner { limits, engine }),
        }
    }

    /// The limits applied to every run.
    pub fn limits(&self) -> &Limits {
        &self.inner.limits
    }

    /// Runs `code` to its outcome. Calls to functions in `registry` are dispatched; a
    /// call to any other name fails with an error listing the available ones.
    pub async fn execute(&self, code: &str, registry: &Registry) -> Outcome {
        self.begin(code, registry, Routing::RegisteredOnly)
            .outcome()
            .await
    }

    /// Starts `code` and returns its session. Calls to functions in `registry` are
    /// dispatched automatically; any other call surfaces as
    /// [`Event::HostCall`](crate::Event::HostCall) for the host to answer.
    pub fn start(&self, code: &str, registry: &Registry) -> Session {
        self.begin(code, registry, Routing::RegisteredThenHost)
    }

    /// Starts `code` with every call, registered or not, surfaced before it runs: the
    /// host answers it itself or lets the registered function run with
    /// [`Session::dispatch`]. For logging and approval flows.
    pub fn start_intercepted(&self, code: &str, registry: &Registry) -> Session {
        self.begin(code, registry, Routing::Host)
    }

    fn begin(&self, code: &str, registry: &Registry, routing: Routing) -> Session {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return Session::failed(ExecError::new(
                ErrorKind::Internal,
                "codemode runs host functions on tokio: start runs from inside a tokio runtime",
            ));
        };
        let (host, engine) = protocol::link(self.inner.limits.timeout());
        let spec = RunSpec {
            code: code.to_owned(),
            registry: registry.clone(),
            limits: self.inner.limits.clone(),
            routing,
            runtime,
        };
        self.inner.engine.start(spec, engine);
        Session::new(host)
    }
}

impl std::fmt::Debug for Executor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Executor")
            .field("limits", &self.inner.limits)
            .finish_non_exhaustive()
    }
}
