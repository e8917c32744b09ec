//! The one owner of why a run stopped and whether it is over.
//!
//! Like a tokio task's state, a run's lives in one atomic word with named transitions:
//! a stop reason, set once by whoever stops the run first (the host cancelling, the
//! engine hitting a limit, the watchdog); `FINISHED` once the engine has sent the
//! outcome; `ABANDONED` once the host stopped waiting for an engine that was busy past
//! the deadline in an operation it cannot interrupt. Whoever wants to know why a run
//! stopped asks this word.
//!
//! The deadline lives here too. It stands still while calls of the run wait for a
//! person's approval ([`RunControl::pause`]), so that time spent deciding does not count
//! against the program.

use crate::outcome::{ErrorKind, ExecError};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// Why a run was stopped before its program settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Stop {
    /// Its host cancelled it.
    Cancelled = 1,
    /// It passed its deadline.
    Timeout = 2,
    /// It tried to use more memory than its limit.
    Memory = 3,
    /// It printed more console output than its limit.
    OutputLimit = 4,
    /// It made more host calls than its limit.
    TooManyCalls = 5,
}

impl Stop {
    fn from_state(state: u8) -> Option<Self> {
        Some(match state & REASON {
            1 => Stop::Cancelled,
            2 => Stop::Timeout,
            3 => Stop::Memory,
            4 => Stop::OutputLimit,
            5 => Stop::TooManyCalls,
            _ => return None,
        })
    }
}

/// The bits of the state that hold the stop reason.
const REASON: u8 = 0b0000_0111;
/// The engine has sent the outcome.
const FINISHED: u8 = 0b0000_1000;
/// The host no longer waits for the engine's outcome.
const ABANDONED: u8 = 0b0001_0000;

/// The shared state of one run.
pub(crate) struct RunControl {
    state: AtomicU8,
    timeout: Duration,
    /// The deadline before any pause: the timeout after the run started.
    deadline: OnceLock<Instant>,
    /// Whether a call ever waited for approval; until then the deadline is fixed and
    /// reading it takes no lock.
    ever_paused: AtomicBool,
    pauses: Mutex<Pauses>,
    abandoned: Notify,
}

/// The time a run's deadline stood still.
#[derive(Default)]
struct Pauses {
    /// Calls waiting for approval now.
    waiting: usize,
    /// When the current pause began, while `waiting` is not zero.
    since: Option<Instant>,
    /// The length of the pauses that ended.
    total: Duration,
}

impl RunControl {
    /// A run that must be over within `timeout` of its start.
    pub(crate) fn new(timeout: Duration) -> Self {
        Self {
            state: AtomicU8::new(0),
            timeout,
            deadline: OnceLock::new(),
            ever_paused: AtomicBool::new(false),
            pauses: Mutex::default(),
            abandoned: Notify::new(),
        }
    }

    /// The instant the run must be over by: its timeout after the first time this is
    /// asked, which its engine does as it starts the run, plus the time calls spent
    /// waiting for approval. While one waits, the deadline moves along with the clock.
    /// Everything that enforces the deadline reads it here.
    pub(crate) fn deadline(&self) -> Instant {
        let fixed = *self
            .deadline
            .get_or_init(|| far_instant(Instant::now(), self.timeout));
        if !self.ever_paused.load(Ordering::Acquire) {
            return fixed;
        }
        let pauses = self.pauses();
        let ongoing = pauses.since.map_or(Duration::ZERO, |since| since.elapsed());
        far_instant(fixed, pauses.total.saturating_add(ongoing))
    }

    /// Stops the deadline until the returned guard is dropped: for a call waiting for
    /// a person's approval. Pauses may overlap; the deadline moves on when none is left.
    pub(crate) fn pause(self: &Arc<Self>) -> Pause {
        self.ever_paused.store(true, Ordering::Release);
        let mut pauses = self.pauses();
        pauses.waiting += 1;
        pauses.since.get_or_insert_with(Instant::now);
        Pause {
            control: Arc::clone(self),
        }
    }

    fn pauses(&self) -> MutexGuard<'_, Pauses> {
        self.pauses.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Stops the run for `reason`; false when it had stopped or finished already, in
    /// which case the first reason stands.
    pub(crate) fn stop(&self, reason: Stop) -> bool {
        self.transition(|state| (state & (REASON | FINISHED) == 0).then_some(state | reason as u8))
    }

    /// Why the run was stopped, if it was.
    pub(crate) fn stop_reason(&self) -> Option<Stop> {
        Stop::from_state(self.state.load(Ordering::Acquire))
    }

    /// Notes that the engine is sending the outcome.
    pub(super) fn finish(&self) {
        self.state.fetch_or(FINISHED, Ordering::AcqRel);
    }

    /// Gives up on an engine that is busy past the deadline: the run stops with a
    /// timeout as soon as the engine can, and the host reports it without waiting.
    /// False when the outcome was sent already.
    pub(crate) fn abandon(&self) -> bool {
        let abandoned = self.transition(|state| {
            if state & (FINISHED | ABANDONED) != 0 {
                return None;
            }
            let reason = if state & REASON == 0 {
                Stop::Timeout as u8
            } else {
                0
            };
            Some(state | reason | ABANDONED)
        });
        if abandoned {
            self.abandoned.notify_one();
        }
        abandoned
    }

    /// Whether the host no longer waits for the engine's outcome.
    pub(crate) fn is_abandoned(&self) -> bool {
        self.state.load(Ordering::Acquire) & ABANDONED != 0
    }

    /// Waits until the run is abandoned.
    pub(crate) async fn abandoned(&self) {
        while !self.is_abandoned() {
            self.abandoned.notified().await;
        }
    }

    /// The error an abandoned run ends with.
    pub(crate) fn abandonment(&self) -> ExecError {
        ExecError::new(
            ErrorKind::Timeout,
            format!(
                "the program did not finish within {} ms: it was inside a long built-in operation that could not be interrupted in time, and its console output was lost",
                self.timeout.as_millis()
            ),
        )
    }

    /// Applies `next` to the state until it sticks; false when `next` refuses.
    fn transition(&self, next: impl Fn(u8) -> Option<u8>) -> bool {
        let mut current = self.state.load(Ordering::Acquire);
        loop {
            let Some(new) = next(current) else {
                return false;
            };
            match self.state.compare_exchange_weak(
                current,
                new,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return true,
                Err(actual) => current = actual,
            }
        }
    }
}

/// Keeps a run's deadline still while it lives; see [`RunControl::pause`].
pub(crate) struct Pause {
    control: Arc<RunControl>,
}

impl Drop for Pause {
    fn drop(&mut self) {
        let mut pauses = self.control.pauses();
        pauses.waiting = pauses.waiting.saturating_sub(1);
        if pauses.waiting == 0 {
            if let Some(since) = pauses.since.take() {
                pauses.total = pauses.total.saturating_add(since.elapsed());
            }
        }
    }
}

/// `at + after`, or an instant as far away as the clock allows when that overflows.
fn far_instant(at: Instant, after: Duration) -> Instant {
    at.checked_add(after)
        .unwrap_or_else(|| at + Duration::from_secs(u32::MAX.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_stop_reason_stands() {
        let control = RunControl::new(Duration::from_secs(1));
        assert_eq!(control.stop_reason(), None);
        assert!(control.stop(Stop::OutputLimit));
        assert!(!control.stop(Stop::Cancelled));
        assert_eq!(control.stop_reason(), Some(Stop::OutputLimit));
    }

    #[test]
    fn a_finished_run_can_neither_be_stopped_nor_abandoned() {
        let control = RunControl::new(Duration::from_secs(1));
        control.finish();
        assert!(!control.stop(Stop::Cancelled));
        assert!(!control.abandon());
        assert_eq!(control.stop_reason(), None);
    }

    #[test]
    fn the_deadline_stands_still_while_a_call_waits_for_approval() {
        let control = Arc::new(RunControl::new(Duration::from_millis(100)));
        let before = control.deadline();
        let first = control.pause();
        let second = control.pause();
        std::thread::sleep(Duration::from_millis(30));
        drop(first);
        std::thread::sleep(Duration::from_millis(30));
        assert!(control.deadline() >= before + Duration::from_millis(60));
        drop(second);
        let after = control.deadline();
        std::thread::sleep(Duration::from_millis(30));
        assert_eq!(control.deadline(), after, "no pause is left");
    }

    #[test]
    fn abandoning_stops_with_a_timeout_unless_stopped_already() {
        let control = RunControl::new(Duration::from_secs(1));
        assert!(control.abandon());
        assert!(control.is_abandoned());
        assert_eq!(control.stop_reason(), Some(Stop::Timeout));
        assert!(!control.abandon());
        let control = RunControl::new(Duration::from_secs(1));
        control.stop(Stop::Memory);
        assert!(control.abandon());
        assert_eq!(control.stop_reason(), Some(Stop::Memory));
    }
}
