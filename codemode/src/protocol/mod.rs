//! What the host and an engine say to each other about one run.
//!
//! The host answers host calls with [`Inbound`] messages. The engine reports
//! [`RunEvent`]s as they happen, and the run's [`Outcome`] once, on a channel of its
//! own that only the engine thread sends on. Why a run stopped, and when it must end,
//! live in its [`RunControl`], which both sides share.

mod control;

pub(crate) use control::{RunControl, Stop};

use crate::outcome::Outcome;
use crate::progress::Progress;
use crate::value::Value;
use std::sync::{mpsc, Arc};
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio::sync::oneshot;

/// A host call the program made and the host is asked to answer, surfaced by
/// [`Session::next_event`](crate::Session::next_event) as
/// [`Event::HostCall`](crate::Event::HostCall).
///
/// For `await codemode.weather.current({ city: "Paris" })` the call's `target` is
/// `"weather.current"` and its `input` is `{"city": "Paris"}`.
#[derive(Debug, Clone, PartialEq)]
pub struct HostCall {
    /// Identifies the call when answering it. Unique within its run, in the order the
    /// program made the calls; ids of different runs may repeat.
    pub call_id: u64,
    /// What the program called, after `codemode.`: `add` for a tool, or
    /// `weather.current` (namespace and method, dotted) for a capability method.
    pub target: String,
    /// The keyword-arguments object; a `Uint8Array` in it is [`Value::Bytes`].
    pub input: Value,
    /// Whether a registered function of that name exists, which
    /// [`Session::dispatch`](crate::Session::dispatch) would run.
    pub registered: bool,
}

/// How a host call ended: the value it answered, or the message of its error.
pub(crate) type Answer = Result<Value, String>;

/// A message from the host to a running program.
#[derive(Debug)]
pub(crate) enum Inbound {
    /// The answer to a host call.
    Answer { call_id: u64, answer: Answer },
    /// Run the registered function for a surfaced call.
    Dispatch { call_id: u64 },
    /// The run's stop reason was set from outside: look at it now, not at the next
    /// timer or deadline.
    Wake,
}

/// Something a running program did that the host hears of as it happens.
#[derive(Debug)]
pub(crate) enum RunEvent {
    /// A call the host is asked to answer.
    HostCall(HostCall),
    /// A console line or a call starting, sent only to a host that watches the run
    /// ([`RunSpec::live`](crate::engine::RunSpec)).
    Progress(Progress),
}

/// The host's ends of a run.
pub(crate) struct HostEnds {
    pub inbound: mpsc::Sender<Inbound>,
    pub events: UnboundedReceiver<RunEvent>,
    pub outcome: oneshot::Receiver<Outcome>,
    pub control: Arc<RunControl>,
}

impl HostEnds {
    /// Stops the run, unless it has stopped or finished already.
    pub(crate) fn cancel(&self) {
        if self.control.stop(Stop::Cancelled) {
            let _ = self.inbound.send(Inbound::Wake);
        }
    }
}

/// The engine's ends of a run.
pub(crate) struct EngineEnds {
    pub inbound: mpsc::Receiver<Inbound>,
    /// For answers that arrive later, from host functions the engine started itself.
    pub answers: mpsc::Sender<Inbound>,
    pub events: UnboundedSender<RunEvent>,
    pub outcome: OutcomeSender,
    pub control: Arc<RunControl>,
}

/// Sends a run's outcome: the only way one is sent, and only once.
pub(crate) struct OutcomeSender {
    sender: oneshot::Sender<Outcome>,
    control: Arc<RunControl>,
}

impl OutcomeSender {
    /// Marks the run finished and hands its outcome to the host.
    pub(crate) fn send(self, outcome: Outcome) {
        self.control.finish();
        let _ = self.sender.send(outcome);
    }
}

/// Both ends of a new run that must finish within `timeout` from now.
pub(crate) fn link(timeout: Duration) -> (HostEnds, EngineEnds) {
    let control = Arc::new(RunControl::new(timeout));
    let (inbound_tx, inbound_rx) = mpsc::channel();
    let (events_tx, events_rx) = tokio::sync::mpsc::unbounded_channel();
    let (outcome_tx, outcome_rx) = oneshot::channel();
    let host = HostEnds {
        inbound: inbound_tx.clone(),
        events: events_rx,
        outcome: outcome_rx,
        control: Arc::clone(&control),
    };
    let engine = EngineEnds {
        inbound: inbound_rx,
        answers: inbound_tx,
        events: events_tx,
        outcome: OutcomeSender {
            sender: outcome_tx,
            control: Arc::clone(&control),
        },
        control,
    };
    (host, engine)
}
