//! Step-by-step control of a run: receive its host calls, answer them, or cancel.

use crate::outcome::{ErrorKind, ExecError, Outcome};
use crate::protocol::{HostCall, HostEnds, Inbound, RunEvent};
use serde_json::Value;
use std::collections::HashSet;

/// Something that happened in a run.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The program awaits an answer to this call.
    HostCall(HostCall),
    /// The run finished successfully.
    Completed(Outcome),
    /// The run failed.
    Failed(Outcome),
}

/// Why an answer was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// No surfaced call with this id awaits an answer.
    #[error("no host call {0} is waiting for an answer: it was never surfaced by next_event, or was already answered")]
    UnknownCall(u64),
    /// The run is over.
    #[error("the run has already finished")]
    Finished,
}

/// A running program driven step by step. Dropping it cancels the run.
///
/// Calls to registered functions are dispatched automatically, unless the session was
/// started with [`Executor::start_intercepted`](crate::Executor::start_intercepted); the
/// others surface as [`Event::HostCall`] and wait for [`submit_result`](Self::submit_result)
/// or [`submit_error`](Self::submit_error).
pub struct Session {
    state: State,
}

enum State {
    Running {
        ends: HostEnds,
        open_calls: HashSet<u64>,
    },
    Finished(Event),
}

impl Session {
    pub(crate) fn new(ends: HostEnds) -> Self {
        Self {
            state: State::Running {
                ends,
                open_calls: HashSet::new(),
            },
        }
    }

    /// A session whose run failed before it started.
    pub(crate) fn failed(error: ExecError) -> Self {
        Self {
            state: State::Finished(Event::Failed(Outcome::failure(error, Vec::new()))),
        }
    }

    /// Waits for the next event. Once the run has finished, every call returns its
    /// final event again.
    pub async fn next_event(&mut self) -> Event {
        let (ends, open_calls) = match &mut self.state {
            State::Finished(event) => return event.clone(),
            State::Running { ends, open_calls } => (ends, open_calls),
        };
        let outcome = tokio::select! {
            biased;
            outcome = &mut ends.outcome => outcome.unwrap_or_else(|_| {
                Outcome::failure(
                    ExecError::new(ErrorKind::Internal, "the engine stopped without an outcome"),
                    Vec::new(),
                )
            }),
            Some(event) = ends.events.recv() => match event {
                RunEvent::HostCall(call) => {
                    open_calls.insert(call.call_id);
                    return Event::HostCall(call);
                }
            },
            () = ends.control.abandoned() => Outcome::failure(ends.control.abandonment(), Vec::new()),
        };
        let event = if outcome.success {
            Event::Completed(outcome)
        } else {
            Event::Failed(outcome)
        };
        self.state = State::Finished(event.clone());
        event
    }

    /// Waits for the run to finish and returns its outcome. Calls that surface while
    /// waiting are answered with an error saying no host handles them.
    pub async fn outcome(mut self) -> Outcome {
        loop {
            match self.next_event().await {
                Event::HostCall(call) => {
                    let message = format!("codemode.{} is not handled by this host", call.target);
                    let _ = self.submit_error(call.call_id, message);
                }
                Event::Completed(outcome) | Event::Failed(outcome) => return outcome,
            }
        }
    }

    /// Answers a surfaced call with a value; the program's promise resolves to it.
    pub fn submit_result(&mut self, call_id: u64, value: Value) -> Result<(), SessionError> {
        self.answer(
            call_id,
            Inbound::Answer {
                call_id,
                answer: Ok(value),
            },
        )
    }

    /// Answers a surfaced call with an error; the program's promise rejects with an
    /// `Error` carrying `message`.
    pub fn submit_error(
        &mut self,
        call_id: u64,
        message: impl Into<String>,
    ) -> Result<(), SessionError> {
        self.answer(
            call_id,
            Inbound::Answer {
                call_id,
                answer: Err(message.into()),
            },
        )
    }

    /// Answers a surfaced call by running the registered function of its name; a call
    /// to a name that is not registered fails as an unknown tool.
    pub fn dispatch(&mut self, call_id: u64) -> Result<(), SessionError> {
        self.answer(call_id, Inbound::Dispatch { call_id })
    }

    /// Stops the run promptly, also one stuck in a synchronous loop; the final event is
    /// a failure of kind [`ErrorKind::Cancelled`].
    pub fn cancel(&mut self) {
        if let State::Running { ends, .. } = &self.state {
            ends.cancel();
        }
    }

    fn answer(&mut self, call_id: u64, message: Inbound) -> Result<(), SessionError> {
        let State::Running { ends, open_calls } = &mut self.state else {
            return Err(SessionError::Finished);
        };
        if !open_calls.remove(&call_id) {
            return Err(SessionError::UnknownCall(call_id));
        }
        ends.inbound
            .send(message)
            .map_err(|_| SessionError::Finished)
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.cancel();
    }
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.state {
            State::Running { open_calls, .. } => f
                .debug_struct("Session")
                .field("open_calls", open_calls)
                .field("finished", &false)
                .finish(),
            State::Finished(_) => f.debug_struct("Session").field("finished", &true).finish(),
        }
    }
}
