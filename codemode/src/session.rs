//! Step-by-step control of a run: receive its host calls, answer them, or cancel.

use crate::outcome::{ErrorKind, ExecError, Outcome};
use crate::progress::Progress;
use crate::protocol::{HostCall, HostEnds, Inbound, RunEvent};
use crate::value::Value;
use std::collections::HashSet;
use std::sync::Arc;

/// Who watches a run: see [`RunBuilder::on_progress`](crate::RunBuilder::on_progress).
pub(crate) type Observer = Arc<dyn Fn(Progress) + Send + Sync>;

/// Something that happened in a run, as [`Session::next_event`] returns it.
///
/// A run reports any number of [`HostCall`](Event::HostCall)s, in the order the
/// program made them, then exactly one final event, [`Completed`](Event::Completed) or
/// [`Failed`](Event::Failed), which every later `next_event` returns again.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The program awaits an answer to this call: give it with
    /// [`Session::submit_result`], [`Session::submit_error`] or [`Session::dispatch`].
    HostCall(HostCall),
    /// The run finished successfully; `outcome.success` is true.
    Completed(Outcome),
    /// The run failed, was cancelled or hit a limit; `outcome.error` says which.
    Failed(Outcome),
}

/// Why an answer was refused. Implements [`std::error::Error`], so `?` works in a
/// function returning `Box<dyn Error>` or `anyhow::Result`.
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
/// Made by [`Executor::start`](crate::Executor::start), which dispatches calls to
/// registered functions itself and surfaces only the others, or by
/// [`Executor::start_intercepted`](crate::Executor::start_intercepted), which surfaces
/// every call before it runs. A surfaced call is an [`Event::HostCall`] naming its
/// function in [`HostCall::target`] (`double`, or `weather.current` for a capability
/// method); it waits until the host answers it with
/// [`submit_result`](Self::submit_result), [`submit_error`](Self::submit_error) or
/// [`dispatch`](Self::dispatch). The run goes on meanwhile: the program's other promises,
/// timers and calls proceed, and its time limit keeps counting.
///
/// A session is `Send + 'static`: keep it in a task, a map of live sessions, or an
/// actor. The answer methods never panic; answering a call that was not surfaced, or
/// twice, or after the run ended is a [`SessionError`].
///
/// ```
/// use codemode::{Event, Executor, Registry};
/// use serde_json::json;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), codemode::SessionError> {
/// let code = "const a = await codemode.double({ n: 3 });\n\
///             try { await codemode.delete_all({}) } catch (e) { console.log(e.name, e.message) }\n\
///             return await codemode.double({ n: a });";
/// let mut session = Executor::default().start(code, &Registry::new());
/// let outcome = loop {
///     match session.next_event().await {
///         Event::HostCall(call) if call.target == "double" => {
///             let n = call.input["n"].as_i64().unwrap_or(0);
///             session.submit_result(call.call_id, json!(n * 2))?;
///         }
///         Event::HostCall(call) => {
///             session.submit_error(call.call_id, format!("{} is not allowed", call.target))?;
///         }
///         Event::Completed(outcome) => break outcome,
///         Event::Failed(outcome) => panic!("the run failed: {:?}", outcome.error),
///     }
/// };
/// assert_eq!(outcome.result, json!(12));
/// assert_eq!(outcome.logs, ["ToolError delete_all is not allowed"]);
/// # Ok(())
/// # }
/// ```
///
/// An approval flow intercepts every call and lets through the ones it approves:
///
/// ```
/// use codemode::{Event, Executor, HostFunction, Registry};
/// use serde_json::{json, Value};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let mut registry = Registry::new();
/// registry.register(HostFunction::new("send", |args: Value| async move {
///     Ok(json!(format!("sent to {}", args["to"].as_str().unwrap_or("?"))))
/// }))?;
/// let code = "const sent = [];\n\
///             for (const to of ['ada', 'mallory']) {\n\
///               try { sent.push(await codemode.send({ to })) } catch (e) { sent.push(e.message) }\n\
///             }\n\
///             return sent;";
/// let mut session = Executor::default().start_intercepted(code, &registry);
/// let outcome = loop {
///     match session.next_event().await {
///         Event::HostCall(call) if call.input["to"] == "ada" => session.dispatch(call.call_id)?,
///         Event::HostCall(call) => session.submit_error(call.call_id, "not approved")?,
///         Event::Completed(outcome) | Event::Failed(outcome) => break outcome,
///     }
/// };
/// assert_eq!(outcome.result, json!(["sent to ada", "not approved"]));
/// # Ok(())
/// # }
/// ```
pub struct Session {
    state: State,
}

enum State {
    Running {
        ends: HostEnds,
        open_calls: HashSet<u64>,
        observer: Option<Observer>,
    },
    Finished(Event),
}

impl Session {
    pub(crate) fn new(ends: HostEnds, observer: Option<Observer>) -> Self {
        Self {
            state: State::Running {
                ends,
                open_calls: HashSet::new(),
                observer,
            },
        }
    }

    /// A session whose run failed before it started.
    pub(crate) fn failed(error: ExecError) -> Self {
        Self {
            state: State::Finished(Event::Failed(Outcome::failure(error, Vec::new()))),
        }
    }

    /// Waits for the next event: a call to answer, or the run's final event. Once the
    /// run has finished (also after [`cancel`](Self::cancel), whose final event is
    /// [`Event::Failed`] with kind [`ErrorKind::Cancelled`]), every call returns that
    /// final event again.
    ///
    /// At most [`Limits::host_calls_in_flight`](crate::Limits::host_calls_in_flight)
    /// calls (64 by default) are surfaced and unanswered at once; the program's further
    /// calls wait until one is answered. A host that collects every call before
    /// answering any (to approve them as a batch) must answer once it holds that many,
    /// or a program awaiting `Promise.all` over more calls waits until its time limit.
    ///
    /// Meanwhile the run's progress goes to its observer, if it has one (see
    /// [`RunBuilder::on_progress`](crate::RunBuilder::on_progress)).
    pub async fn next_event(&mut self) -> Event {
        let (ends, open_calls, observer) = match &mut self.state {
            State::Finished(event) => return event.clone(),
            State::Running {
                ends,
                open_calls,
                observer,
            } => (ends, open_calls, observer),
        };
        let outcome = loop {
            tokio::select! {
                biased;
                outcome = &mut ends.outcome => {
                    // The engine reports progress before it sends the outcome.
                    while let Ok(event) = ends.events.try_recv() {
                        if let RunEvent::Progress(progress) = event {
                            notify(observer.as_ref(), progress);
                        }
                    }
                    break outcome.unwrap_or_else(|_| {
                        Outcome::failure(
                            ExecError::new(ErrorKind::Internal, "the engine stopped without an outcome"),
                            Vec::new(),
                        )
                    });
                }
                Some(event) = ends.events.recv() => match event {
                    RunEvent::HostCall(call) => {
                        open_calls.insert(call.call_id);
                        return Event::HostCall(call);
                    }
                    RunEvent::Progress(progress) => notify(observer.as_ref(), progress),
                },
                () = ends.control.abandoned() => {
                    break Outcome::failure(ends.control.abandonment(), Vec::new());
                }
            }
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
    /// waiting are answered with an error saying no host handles them (`codemode.x is
    /// not handled by this host`).
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
    /// A `serde_json::Value` converts, and [`Value::Bytes`] reaches the program as a
    /// `Uint8Array`.
    ///
    /// Fails with [`SessionError::UnknownCall`] when no surfaced call with this id awaits
    /// an answer, and with [`SessionError::Finished`] once the run is over.
    pub fn submit_result(
        &mut self,
        call_id: u64,
        value: impl Into<Value>,
    ) -> Result<(), SessionError> {
        self.answer(
            call_id,
            Inbound::Answer {
                call_id,
                answer: Ok(value.into()),
            },
        )
    }

    /// Answers a surfaced call with an error: the program's promise rejects with an
    /// `Error` whose `name` is `ToolError` and whose `message` is `message`. Uncaught,
    /// it fails the run with kind [`ErrorKind::Tool`]. Refused like
    /// [`submit_result`](Self::submit_result).
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

    /// Answers a surfaced call by running the registered function of its name, whose
    /// answer then settles the call. A call to a name nothing registered answers (every
    /// call [`Executor::start`](crate::Executor::start) surfaces) fails in the program
    /// as an unknown function, naming the ones that exist. Refused like
    /// [`submit_result`](Self::submit_result).
    pub fn dispatch(&mut self, call_id: u64) -> Result<(), SessionError> {
        self.answer(call_id, Inbound::Dispatch { call_id })
    }

    /// Stops the run promptly, also one stuck in a synchronous loop: host functions
    /// still running for it are abandoned and no further call is surfaced. The final
    /// event is [`Event::Failed`] of kind [`ErrorKind::Cancelled`]. Cancelling a finished
    /// run does nothing.
    pub fn cancel(&mut self) {
        if let State::Running { ends, .. } = &self.state {
            ends.cancel();
        }
    }

    fn answer(&mut self, call_id: u64, message: Inbound) -> Result<(), SessionError> {
        let State::Running {
            ends, open_calls, ..
        } = &mut self.state
        else {
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

fn notify(observer: Option<&Observer>, progress: Progress) {
    if let Some(observer) = observer {
        observer(progress);
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
