//! Step-by-step control of a run: receive its host calls, answer them, or cancel.

use crate::engine::{Inbound, Outbound, RunPorts};
use crate::outcome::{ErrorKind, ExecError, Outcome};
use serde_json::Value;
use std::collections::HashSet;
use std::sync::atomic::Ordering;

/// A host call the program made and the host is asked to answer.
#[derive(Debug, Clone, PartialEq)]
pub struct HostCall {
    /// Identifies the call when answering it.
    pub call_id: u64,
    /// What the program called, after `codemode.`: `add` or `weather.current`.
    pub target: String,
    /// The keyword-arguments object.
    pub input: Value,
    /// Whether a registered function of that name exists, which
    /// [`Session::dispatch`] would run.
    pub registered: bool,
}

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
    ports: RunPorts,
    open_calls: HashSet<u64>,
    finished: Option<Event>,
}

impl Session {
    pub(crate) fn new(ports: RunPorts) -> Self {
        Self {
            ports,
            open_calls: HashSet::new(),
            finished: None,
        }
    }

    /// A session whose run failed before it started.
    pub(crate) fn failed(ports: RunPorts, error: ExecError) -> Self {
        Self {
            ports,
            open_calls: HashSet::new(),
            finished: Some(Event::Failed(Outcome::failure(error, Vec::new()))),
        }
    }

    /// Waits for the next event. Once the run has finished, every call returns its
    /// final event again.
    pub async fn next_event(&mut self) -> Event {
        if let Some(done) = &self.finished {
            return done.clone();
        }
        let event = match self.ports.outbound.recv().await {
            Some(Outbound::HostCall(call)) => {
                self.open_calls.insert(call.call_id);
                return Event::HostCall(call);
            }
            Some(Outbound::Finished(outcome)) if outcome.success => Event::Completed(outcome),
            Some(Outbound::Finished(outcome)) => Event::Failed(outcome),
            None => Event::Failed(Outcome::failure(
                ExecError::new(ErrorKind::Internal, "the engine stopped without an outcome"),
                Vec::new(),
            )),
        };
        self.open_calls.clear();
        self.finished = Some(event.clone());
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
        if self.finished.is_none() {
            self.ports.cancel.store(true, Ordering::Relaxed);
            let _ = self.ports.inbound.send(Inbound::Cancel);
        }
    }

    fn answer(&mut self, call_id: u64, message: Inbound) -> Result<(), SessionError> {
        if self.finished.is_some() {
            return Err(SessionError::Finished);
        }
        if !self.open_calls.remove(&call_id) {
            return Err(SessionError::UnknownCall(call_id));
        }
        self.ports
            .inbound
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
        f.debug_struct("Session")
            .field("open_calls", &self.open_calls)
            .field("finished", &self.finished.is_some())
            .finish()
    }
}
