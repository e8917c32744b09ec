//! A fresh runtime and context with the harness loaded, built before a run needs it.
//!
//! Building one (the runtime, the standard library's objects, the harness) is most of
//! what a short run costs. An engine thread builds the next one right after a run has
//! ended and sent its outcome, when the thread would otherwise be idle, and keeps it
//! for the next run on that thread. No code runs in it before that run's own. A spare
//! holds about 200 KiB, so only [`MAX_SPARES`] are kept across all threads: after a
//! burst of concurrent runs, most threads wait for work without one.

use super::allocator::{Budget, LimitedAllocator};
use super::harness;
use super::json;
use super::to_host::Classes;
use rquickjs::{Context, Ctx, Function, Persistent, Runtime};
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Bytes allocated before the first cycle collection while a sandbox is built: enough
/// that building it never collects.
const BUILD_GC_THRESHOLD: usize = 8 * 1024 * 1024;

/// The most spare sandboxes kept at once, across all engine threads.
const MAX_SPARES: usize = 16;

/// Spare sandboxes kept now, across all engine threads.
static SPARES: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// The sandbox the next run on this thread takes.
    static SPARE: RefCell<Spare> = const { RefCell::new(Spare(None)) };
}

/// A thread's spare sandbox, counted in [`SPARES`] while it is kept.
struct Spare(Option<Sandbox>);

impl Spare {
    fn take(&mut self) -> Option<Sandbox> {
        let sandbox = self.0.take()?;
        SPARES.fetch_sub(1, Ordering::Relaxed);
        Some(sandbox)
    }
}

impl Drop for Spare {
    fn drop(&mut self) {
        self.take();
    }
}

/// A runtime no program has run in, its context, and the harness factory.
///
/// Fields drop in order: the factory is a value of the runtime and must go first.
pub(super) struct Sandbox {
    factory: Persistent<Function<'static>>,
    pub context: Context,
    pub runtime: Runtime,
    pub budget: Rc<Budget>,
    pub classes: Classes,
}

impl Sandbox {
    /// The sandbox built for this thread's next run, or a new one.
    pub(super) fn take() -> Result<Self, String> {
        match SPARE.with_borrow_mut(Spare::take) {
            Some(sandbox) => Ok(sandbox),
            None => Self::build(),
        }
    }

    /// Builds the sandbox for this thread's next run, unless it has one already or
    /// enough spares are kept.
    pub(super) fn prepare_next() {
        if SPARE.with_borrow(|spare| spare.0.is_some()) {
            return;
        }
        if SPARES.fetch_add(1, Ordering::Relaxed) >= MAX_SPARES {
            SPARES.fetch_sub(1, Ordering::Relaxed);
            return;
        }
        match Self::build() {
            Ok(sandbox) => SPARE.with_borrow_mut(|spare| spare.0 = Some(sandbox)),
            Err(error) => {
                SPARES.fetch_sub(1, Ordering::Relaxed);
                tracing::debug!(%error, "could not build a spare sandbox");
            }
        }
    }

    /// The harness factory, to be called once with the run's natives.
    pub(super) fn factory<'js>(&self, ctx: &Ctx<'js>) -> rquickjs::Result<Function<'js>> {
        self.factory.clone().restore(ctx)
    }

    fn build() -> Result<Self, String> {
        let budget = Budget::unlimited();
        let runtime = Runtime::new_with_alloc(LimitedAllocator::new(Rc::clone(&budget)))
            .map_err(|error| format!("could not create a JavaScript runtime: {error}"))?;
        runtime.set_gc_threshold(BUILD_GC_THRESHOLD);
        let context = Context::full(&runtime)
            .map_err(|error| format!("could not create a JavaScript context: {error}"))?;
        let (factory, classes) = context.with(|ctx| {
            json::install(&ctx)
                .map_err(|error| format!("could not install the JSON functions: {error}"))?;
            let factory = harness::load(&ctx)?;
            let classes = Classes::of(&ctx)
                .map_err(|error| format!("could not read the engine's class ids: {error}"))?;
            Ok::<_, String>((Persistent::save(&ctx, factory), classes))
        })?;
        Ok(Self {
            factory,
            context,
            runtime,
            budget,
            classes,
        })
    }
}
