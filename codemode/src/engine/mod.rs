//! The seam between the executor and a JavaScript engine.
//!
//! An engine runs one program per [`RunSpec`] on a thread of its own and talks to the
//! executor only through messages: it sends [`Outbound`] events (a host call for the
//! host to answer, then the outcome) and receives [`Inbound`] answers and cancellation.
//! Registered host functions are spawned by the engine itself on the caller's tokio
//! runtime. Another engine (V8 through deno_core, say) implements [`Engine`] and leaves
//! the registry, the macros and the MCP layer untouched.

mod pool;
pub(crate) mod quickjs;
mod watchdog;

use crate::limits::Limits;
use crate::outcome::Outcome;
use crate::registry::Registry;
use crate::session::HostCall;
use serde_json::Value;
use std::sync::atomic::AtomicBool;
use std::sync::{mpsc, Arc};
use tokio::sync::mpsc::UnboundedReceiver;

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
}

/// A message from the host to a running program.
#[derive(Debug)]
pub(crate) enum Inbound {
    /// The answer to a host call: a value, or an error message.
    Answer {
        call_id: u64,
        answer: Result<Value, String>,
    },
    /// Run the registered function for a surfaced call.
    Dispatch { call_id: u64 },
    /// Stop the run.
    Cancel,
}

/// A message from a running program to the host.
#[derive(Debug)]
pub(crate) enum Outbound {
    /// A call the host is asked to answer.
    HostCall(HostCall),
    /// The run is over; nothing follows.
    Finished(Outcome),
}

/// The host's ends of a started run.
pub(crate) struct RunPorts {
    pub inbound: mpsc::Sender<Inbound>,
    pub outbound: UnboundedReceiver<Outbound>,
    pub cancel: Arc<AtomicBool>,
}

/// A JavaScript engine that can start runs.
pub(crate) trait Engine: Send + Sync {
    /// Starts a run on an engine thread and returns the host's ends of it.
    fn start(&self, spec: RunSpec) -> RunPorts;
}
