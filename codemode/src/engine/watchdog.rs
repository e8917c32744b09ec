//! Ends runs whose engine thread is still busy well past their deadline.
//!
//! An engine enforces the timeout itself, between instructions. A few built-in
//! operations run long without returning to the interpreter (joining a sparse array of
//! four billion holes, say); at such a run's deadline plus [`GRACE`] the watchdog
//! abandons it ([`RunControl::abandon`]): its host reports the timeout without waiting,
//! and the thread stops as soon as the operation returns. A run whose deadline moved
//! (its calls waited for approval) is looked at again at its new deadline. One thread
//! serves the whole process.

use crate::protocol::RunControl;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Time an engine gets past a run's timeout to report the timeout itself, with the
/// run's logs, before the watchdog reports it instead.
pub(crate) const GRACE: Duration = Duration::from_secs(2);

#[derive(Default)]
struct Watches {
    next_id: u64,
    due: BinaryHeap<Reverse<(Instant, u64)>>,
    runs: HashMap<u64, Arc<RunControl>>,
}

struct Shared {
    watches: Mutex<Watches>,
    changed: Condvar,
}

/// Removes its run from the watchdog when dropped, i.e. when the run has finished.
pub(crate) struct Watch {
    id: u64,
}

impl Drop for Watch {
    fn drop(&mut self) {
        if let Ok(mut watches) = shared().watches.lock() {
            watches.runs.remove(&self.id);
        }
    }
}

/// Watches a run until the returned guard is dropped.
pub(crate) fn watch(control: Arc<RunControl>) -> Watch {
    let shared = shared();
    let due = control.deadline() + GRACE;
    let mut watches = match shared.watches.lock() {
        Ok(watches) => watches,
        Err(poisoned) => poisoned.into_inner(),
    };
    watches.next_id += 1;
    let id = watches.next_id;
    let wakes_earlier = watches
        .due
        .peek()
        .is_none_or(|Reverse((next, _))| due < *next);
    watches.due.push(Reverse((due, id)));
    watches.runs.insert(id, control);
    if wakes_earlier {
        shared.changed.notify_one();
    }
    Watch { id }
}

fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let spawned = std::thread::Builder::new()
            .name("codemode-watchdog".to_owned())
            .spawn(|| patrol(shared()));
        if let Err(error) = spawned {
            tracing::error!(%error, "the codemode watchdog thread could not start; runs stuck in a built-in operation will not be ended early");
        }
        Shared {
            watches: Mutex::default(),
            changed: Condvar::new(),
        }
    })
}

/// Reports every run that passes its deadline, forever.
fn patrol(shared: &'static Shared) {
    let mut watches = match shared.watches.lock() {
        Ok(watches) => watches,
        Err(poisoned) => poisoned.into_inner(),
    };
    loop {
        let now = Instant::now();
        while let Some(Reverse((due, id))) = watches.due.peek().copied() {
            if due > now {
                break;
            }
            watches.due.pop();
            let Some(run) = watches.runs.get(&id) else {
                continue;
            };
            let moved = run.deadline() + GRACE;
            if moved > now {
                watches.due.push(Reverse((moved, id)));
            } else if let Some(run) = watches.runs.remove(&id) {
                run.abandon();
            }
        }
        let wait = watches
            .due
            .peek()
            .map(|Reverse((due, _))| due.saturating_duration_since(now));
        watches = match wait {
            Some(wait) => match shared.changed.wait_timeout(watches, wait) {
                Ok((watches, _)) => watches,
                Err(poisoned) => poisoned.into_inner().0,
            },
            None => match shared.changed.wait(watches) {
                Ok(watches) => watches,
                Err(poisoned) => poisoned.into_inner(),
            },
        };
    }
}
