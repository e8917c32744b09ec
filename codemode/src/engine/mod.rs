//! The seam between the executor and a JavaScript engine.
//!
//! An engine runs one program per [`RunSpec`] on a thread of its own and talks to the
//! host only through the run protocol ([`crate::protocol`]): it receives answers,
//! reports host calls for the host to answer, and sends the outcome once. Registered
//! host functions are spawned by the engine itself on the caller's tokio runtime.
//! Another engine (V8 through deno_core, say) implements [`Engine`] and leaves the
//! registry, the macros and the MCP layer untouched.

mod pool;
pub(crate) mod quickjs;
mod watchdog;

use crate::approval::Approver;
use crate::limits::Limits;
use crate::protocol::EngineEnds;
use crate::registry::Registry;
use std::sync::Arc;

/// Which host calls the engine dispatches itself and which it surfaces to the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Routing {
    /// Registered functions are dispatched; any other call fails as an unknown tool.
    RegisteredOnly,
    /// Registered functions are dispatched; any other call is surfaced.
    RegisteredThenHost,
    /// Every call is surfaced before it runs.
    Host,
}

/// Everything an engine needs to run one program.
pub(crate) struct RunSpec {
    pub code: String,
    pub registry: Registry,
    pub limits: Limits,
    pub routing: Routing,
    pub runtime: tokio::runtime::Handle,
    /// Who decides on calls that need approval; without one they are refused.
    pub approver: Option<Arc<dyn Approver>>,
    /// Whether the host watches the run: console lines and calls starting are then
    /// reported as [`RunEvent::Progress`](crate::protocol::RunEvent) as they happen.
    pub live: bool,
}

/// A JavaScript engine that can start runs.
pub(crate) trait Engine: Send + Sync {
    /// Starts a run on an engine thread; it reports through `ends`.
    fn start(&self, spec: RunSpec, ends: EngineEnds);
}
