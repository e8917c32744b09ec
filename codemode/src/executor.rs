//! Runs programs in fresh sandboxes.

use crate::approval::Approver;
use crate::engine::quickjs::QuickJs;
use crate::engine::{Engine, Routing, RunSpec};
use crate::limits::Limits;
use crate::outcome::{ErrorKind, ExecError, Outcome};
use crate::progress::Progress;
use crate::protocol;
use crate::registry::Registry;
use crate::session::{Observer, Session};
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
        self.run(code, registry).execute().await
    }

    /// Starts `code` and returns its session. Calls to functions in `registry` are
    /// dispatched automatically; any other call surfaces as
    /// [`Event::HostCall`](crate::Event::HostCall) for the host to answer.
    pub fn start(&self, code: &str, registry: &Registry) -> Session {
        self.run(code, registry).start()
    }

    /// Starts `code` with every call, registered or not, surfaced before it runs: the
    /// host answers it itself or lets the registered function run with
    /// [`Session::dispatch`]. For logging and approval flows.
    pub fn start_intercepted(&self, code: &str, registry: &Registry) -> Session {
        self.run(code, registry).start_intercepted()
    }

    /// A run of `code` against `registry` to set up before it starts: who approves the
    /// calls that need approval, and who watches the run as it goes.
    ///
    /// ```
    /// use codemode::{Approval, Executor, HostFunction, Progress, Registry};
    /// use serde_json::{json, Value};
    /// use std::sync::{Arc, Mutex};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut registry = Registry::new();
    /// registry
    ///     .register(
    ///         HostFunction::new("remove", |_args: Value| async move { Ok(json!("removed")) })
    ///             .require_approval(),
    ///     )
    ///     .expect("a valid, unique name");
    ///
    /// let seen = Arc::new(Mutex::new(Vec::new()));
    /// let watched = Arc::clone(&seen);
    /// let outcome = Executor::default()
    ///     .run("console.log('deleting');\nreturn await codemode.remove({ path: 'a.txt' });", &registry)
    ///     .approver(|request: codemode::ApprovalRequest| async move {
    ///         assert_eq!(request.function, "remove");
    ///         Approval::Once
    ///     })
    ///     .on_progress(move |progress| watched.lock().expect("the list").push(progress))
    ///     .execute()
    ///     .await;
    /// assert_eq!(outcome.result, json!("removed"));
    /// assert_eq!(seen.lock().expect("the list").len(), 2); // the line, then the call
    /// # }
    /// ```
    pub fn run<'a>(&'a self, code: &'a str, registry: &'a Registry) -> RunBuilder<'a> {
        RunBuilder {
            executor: self,
            code,
            registry,
            approver: None,
            observer: None,
        }
    }

    fn begin(&self, run: RunBuilder<'_>, routing: Routing) -> Session {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return Session::failed(ExecError::new(
                ErrorKind::Internal,
                "codemode runs host functions on tokio: start runs from inside a tokio runtime",
            ));
        };
        let (host, engine) = protocol::link(self.inner.limits.timeout());
        let spec = RunSpec {
            code: run.code.to_owned(),
            registry: run.registry.clone(),
            limits: self.inner.limits.clone(),
            routing,
            runtime,
            approver: run.approver,
            live: run.observer.is_some(),
        };
        self.inner.engine.start(spec, engine);
        Session::new(host, run.observer)
    }
}

/// A run set up before it starts, from [`Executor::run`]: who approves calls that need
/// approval ([`approver`](Self::approver)) and who watches it
/// ([`on_progress`](Self::on_progress)). Start it with [`execute`](Self::execute),
/// [`start`](Self::start) or [`start_intercepted`](Self::start_intercepted), which
/// behave as the [`Executor`] methods of the same names.
#[must_use = "a run starts only with execute, start or start_intercepted"]
pub struct RunBuilder<'a> {
    executor: &'a Executor,
    code: &'a str,
    registry: &'a Registry,
    approver: Option<Arc<dyn Approver>>,
    observer: Option<Observer>,
}

impl RunBuilder<'_> {
    /// Asks `approver` before each call to a function that needs approval (see
    /// [`HostFunction::require_approval`](crate::HostFunction::require_approval)).
    /// Without an approver such calls are refused.
    pub fn approver(mut self, approver: impl Approver) -> Self {
        self.approver = Some(Arc::new(approver));
        self
    }

    /// Calls `observer` with each console line as it is printed and each registered
    /// function as it starts, on the task that awaits the run (the one calling
    /// [`execute`](Self::execute) or [`Session::next_event`]). Keep it quick: hand the
    /// progress to a channel for anything slow. Lines still end up in the outcome's
    /// logs; a run nobody watches reports nothing and pays nothing for it.
    pub fn on_progress(mut self, observer: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        self.observer = Some(Arc::new(observer));
        self
    }

    /// Runs the program to its outcome, like [`Executor::execute`].
    pub async fn execute(self) -> Outcome {
        self.executor
            .begin(self, Routing::RegisteredOnly)
            .outcome()
            .await
    }

    /// Starts the program and returns its session, like [`Executor::start`].
    pub fn start(self) -> Session {
        self.executor.begin(self, Routing::RegisteredThenHost)
    }

    /// Starts the program with every call surfaced before it runs, like
    /// [`Executor::start_intercepted`].
    pub fn start_intercepted(self) -> Session {
        self.executor.begin(self, Routing::Host)
    }
}

impl std::fmt::Debug for RunBuilder<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunBuilder")
            .field("approver", &self.approver.is_some())
            .field("watched", &self.observer.is_some())
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Executor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Executor")
            .field("limits", &self.inner.limits)
            .finish_non_exhaustive()
    }
}
