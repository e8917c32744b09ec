//! Sets up one run in a fresh sandbox (its limits, the interrupt handler, the bridge),
//! hands it to the event loop, and sends the outcome before the runtime is torn down,
//! so the host does not wait for that.

use super::bridge::{Bridge, ForgetPending};
use super::event_loop::Run;
use super::sandbox::Sandbox;
use crate::engine::watchdog::Watch;
use crate::engine::RunSpec;
use crate::limits::ByteSize;
use crate::outcome::{ErrorKind, ExecError, Outcome};
use crate::protocol::{EngineEnds, Stop};
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;
use std::sync::Arc;
use std::time::Instant;

/// Runs `spec` on the current thread; `watch` ends when the outcome is sent.
pub(super) fn run(spec: RunSpec, ends: EngineEnds, watch: Watch) {
    let EngineEnds {
        inbound,
        answers,
        events,
        outcome,
        control,
    } = ends;
    let finished = move |result: Outcome| {
        drop(watch);
        outcome.send(result);
    };
    let limits = &spec.limits;
    if spec.code.len() > limits.source_bytes() {
        let message = format!(
            "the code is {}; the limit is {}: send a shorter program",
            ByteSize(spec.code.len()),
            ByteSize(limits.source_bytes())
        );
        return finished(failure(ErrorKind::SourceTooLarge, message));
    }
    let sandbox = match Sandbox::take() {
        Ok(sandbox) => sandbox,
        Err(message) => return finished(failure(ErrorKind::Internal, message)),
    };
    let budget = &sandbox.budget;
    budget.limit(limits.memory_bytes(), Arc::clone(&control));
    if budget.used() > limits.memory_bytes() {
        let message = format!(
            "the memory limit of {} is below the {} an empty sandbox takes: raise Limits::memory_bytes",
            ByteSize(limits.memory_bytes()),
            ByteSize(budget.used())
        );
        return finished(failure(ErrorKind::Memory, message));
    }
    let runtime = &sandbox.runtime;
    runtime.set_max_stack_size(limits.stack_bytes());
    runtime.set_gc_threshold(gc_threshold(limits.memory_bytes()));
    {
        let control = Arc::clone(&control);
        // The deadline only moves later (while calls wait for approval): it is read
        // again only once the one known has passed.
        let mut deadline = control.deadline();
        runtime.set_interrupt_handler(Some(Box::new(move || {
            if control.stop_reason().is_some() {
                return true;
            }
            let now = Instant::now();
            if now >= deadline {
                deadline = control.deadline();
                if now >= deadline {
                    control.stop(Stop::Timeout);
                    return true;
                }
            }
            false
        })));
    }
    let live = spec.live.then(|| events.clone());
    let bridge = Rc::new(Bridge::new(
        limits,
        Arc::clone(&control),
        &spec.registry,
        spec.routing,
        live,
    ));
    let _forget_pending = ForgetPending(Rc::clone(&bridge));
    // Declared after `sandbox`: the calls it holds, and their resolving functions, are
    // dropped before the runtime is.
    let mut run = Run {
        spec: &spec,
        sandbox: &sandbox,
        bridge: &bridge,
        control: &control,
        inbound,
        answers,
        events,
        in_flight: HashMap::new(),
        waiting: VecDeque::new(),
        origin: None,
        gate: None,
    };
    let outcome = sandbox.context.with(|ctx| run.execute(&ctx));
    run.abort_in_flight();
    finished(outcome);
}

fn failure(kind: ErrorKind, message: String) -> Outcome {
    Outcome::failure(ExecError::new(kind, message), Vec::new())
}

/// Bytes allocated before the first cycle collection. Reference counting frees most
/// garbage at once; collecting cycles every 256 KiB, the engine's default, mostly
/// walks the standard library's objects. A quarter of the memory limit (16 MiB at the
/// default 64 MiB) still leaves room for cyclic garbage to be found before the limit
/// is reached; the engine raises the threshold to 1.5 times the heap after each one.
fn gc_threshold(memory_bytes: usize) -> usize {
    (memory_bytes / 4).clamp(256 * 1024, 16 * 1024 * 1024)
}
