//! The one owner of why a run stopped and whether it is over.
//!
//! Like a tokio task's state, a run's lives in one atomic word with named transitions:
//! a stop reason, set once by whoever stops the run first (the host cancelling, the
//! engine hitting a limit, the watchdog); `FINISHED` once the engine has sent the
//! outcome; `ABANDONED` once the host stopped waiting for an engine that was busy past
//! the deadline in an operation it cannot interrupt. Whoever wants to know why a run
//! stopped asks this word.

use crate::outcome::{ErrorKind, ExecError};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::OnceLock;
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
    deadline: OnceLock<Instant>,
    abandoned: Notify,
}

impl RunControl {
    /// A run that must be over within `timeout` of its start.
    pub(crate) fn new(timeout: Duration) -> Self {
        Self {
            state: AtomicU8::new(0),
            timeout,
            deadline: OnceLock::new(),
            abandoned: Notify::new(),
        }
    }

    /// The instant the run must be over by: its timeout after the first time this is
    /// asked, which its engine does as it starts the run. Everything that enforces the
    /// deadline reads it here.
    pub(crate) fn deadline(&self) -> Instant {
        *self.deadline.get_or_init(|| Instant::now() + self.timeout)
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
