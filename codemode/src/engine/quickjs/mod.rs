//! The QuickJS engine: one fresh runtime and context per run, on a pooled thread that
//! builds the next run's while it waits.

mod allocator;
mod binary;
mod bridge;
mod event_loop;
mod exception;
mod harness;
mod inspect;
mod json;
mod json_text;
mod result;
mod routing;
mod run;
mod sandbox;
mod text;
mod to_host;
mod to_script;
mod tree;

use super::pool::WorkerPool;
use super::watchdog;
use super::{Engine, RunSpec};
use crate::protocol::EngineEnds;
use std::sync::Arc;

/// Native stack an engine thread keeps beyond the JavaScript stack limit, for the
/// engine's own frames and the host code it calls.
const STACK_MARGIN: usize = 1024 * 1024;

/// Runs programs in QuickJS.
pub(crate) struct QuickJs {
    pool: WorkerPool,
}

impl QuickJs {
    /// An engine whose threads fit a JavaScript stack of `stack_bytes`.
    pub(crate) fn new(stack_bytes: usize) -> Self {
        Self {
            pool: WorkerPool::new(stack_bytes.saturating_add(STACK_MARGIN)),
        }
    }
}

impl Engine for QuickJs {
    fn start(&self, spec: RunSpec, ends: EngineEnds) {
        self.pool.execute(move || {
            let watch = watchdog::watch(Arc::clone(&ends.control));
            run::run(spec, ends, watch);
            sandbox::Sandbox::prepare_next();
        });
    }
}
