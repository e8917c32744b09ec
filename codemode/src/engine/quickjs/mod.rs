//! The QuickJS engine: one fresh runtime and context per run, on a pooled thread that
//! builds the next run's while it waits.

mod allocator;
mod bridge;
mod exception;
mod harness;
mod inspect;
mod json_text;
mod run;
mod sandbox;
mod to_host;
mod to_script;

use super::pool::WorkerPool;
use super::watchdog;
use super::{Engine, Outbound, RunPorts, RunSpec};
use std::sync::atomic::AtomicBool;
use std::sync::{mpsc, Arc};

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
    fn start(&self, spec: RunSpec) -> RunPorts {
        let (inbound_tx, inbound_rx) = mpsc::channel();
        let (outbound_tx, outbound_rx) = tokio::sync::mpsc::unbounded_channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let ports = RunPorts {
            inbound: inbound_tx.clone(),
            outbound: outbound_rx,
            cancel: Arc::clone(&cancel),
        };
        let watch = watchdog::watch(
            spec.limits.timeout,
            outbound_tx.clone(),
            Arc::clone(&cancel),
        );
        self.pool.execute(move || {
            run::run(
                spec,
                inbound_tx,
                inbound_rx,
                &outbound_tx,
                cancel,
                |outcome| {
                    drop(watch);
                    let _ = outbound_tx.send(Outbound::Finished(outcome));
                },
            );
            sandbox::Sandbox::prepare_next();
        });
        ports
    }
}
