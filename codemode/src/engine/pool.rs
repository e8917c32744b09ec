//! Engine threads, reused between runs.
//!
//! A run owns its thread from start to finish, so a CPU-bound or hung run never delays
//! another; idle threads wait a while for the next run and then exit, and the last
//! one to go hands the memory runs freed back to the system.

use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, Weak};
use std::thread;
use std::time::Duration;

type Job = Box<dyn FnOnce() + Send>;

/// How long an idle thread waits for another run before it exits.
const IDLE_TIMEOUT: Duration = Duration::from_secs(10);

struct Idle {
    next_worker: u64,
    workers: Vec<(u64, mpsc::Sender<Job>)>,
}

struct Shared {
    stack_bytes: usize,
    idle: Mutex<Idle>,
}

/// A growable set of engine threads with a fixed stack size.
pub(crate) struct WorkerPool {
    shared: Arc<Shared>,
}

impl WorkerPool {
    /// A pool whose threads have `stack_bytes` of stack.
    pub(crate) fn new(stack_bytes: usize) -> Self {
        Self {
            shared: Arc::new(Shared {
                stack_bytes,
                idle: Mutex::new(Idle {
                    next_worker: 0,
                    workers: Vec::new(),
                }),
            }),
        }
    }

    /// Runs `job` on an idle thread, or on a new one when none is idle.
    pub(crate) fn execute(&self, job: impl FnOnce() + Send + 'static) {
        let mut job: Job = Box::new(job);
        loop {
            let idle = self.lock_idle().workers.pop();
            let Some((_, worker)) = idle else { break };
            match worker.send(job) {
                Ok(()) => return,
                Err(mpsc::SendError(returned)) => job = returned,
            }
        }
        self.spawn(job);
    }

    fn lock_idle(&self) -> std::sync::MutexGuard<'_, Idle> {
        self.shared
            .idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn spawn(&self, first: Job) {
        let (sender, receiver) = mpsc::channel::<Job>();
        let id = {
            let mut idle = self.lock_idle();
            idle.next_worker += 1;
            idle.next_worker
        };
        let shared = Arc::downgrade(&self.shared);
        let spawned = thread::Builder::new()
            .name("codemode-engine".to_owned())
            .stack_size(self.shared.stack_bytes)
            .spawn(move || worker(id, first, sender, receiver, shared));
        if let Err(error) = spawned {
            tracing::error!(%error, "could not start an engine thread");
        }
    }
}

fn worker(
    id: u64,
    first: Job,
    sender: mpsc::Sender<Job>,
    receiver: mpsc::Receiver<Job>,
    shared: Weak<Shared>,
) {
    let mut job = Some(first);
    loop {
        if let Some(run) = job.take() {
            if panic::catch_unwind(AssertUnwindSafe(run)).is_err() {
                tracing::error!("an engine thread panicked; its run was reported as failed");
            }
            let Some(shared) = shared.upgrade() else {
                return;
            };
            let mut idle = shared.idle.lock().unwrap_or_else(|p| p.into_inner());
            idle.workers.push((id, sender.clone()));
        }
        match receiver.recv_timeout(IDLE_TIMEOUT) {
            Ok(next) => job = Some(next),
            Err(RecvTimeoutError::Disconnected) => return,
            Err(RecvTimeoutError::Timeout) => {
                let Some(shared) = shared.upgrade() else {
                    return;
                };
                let mut idle = shared.idle.lock().unwrap_or_else(|p| p.into_inner());
                if let Some(position) = idle.workers.iter().position(|(w, _)| *w == id) {
                    idle.workers.swap_remove(position);
                    let last_idle = idle.workers.is_empty();
                    drop(idle);
                    if last_idle {
                        return_freed_memory();
                    }
                    return;
                }
                // Taken from the idle list just now: a job is on its way.
            }
        }
    }
}

/// Hands the memory freed by finished runs back to the operating system once the pool
/// has gone idle. glibc keeps what a thread's arena freed for reuse: after a burst of
/// runs that is tens of MiB of resident memory nobody uses until the next burst.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn return_freed_memory() {
    // SAFETY: `malloc_trim` only releases free pages of the allocator's arenas; it takes
    // no pointers and is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn return_freed_memory() {}
