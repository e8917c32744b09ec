//! Where the program's host calls go: to a registered function, run on the host's
//! tokio runtime, or to the host itself as an event; and how their answers settle the
//! calls' promises.

use super::bridge::{Harness, NewCall, Resolvers, ANSWER_TOOL_ERROR, ANSWER_UNKNOWN_TOOL};
use super::event_loop::Run;
use super::to_script::{self, Unbuildable};
use crate::approval::Gate;
use crate::dispatch::{self, Started};
use crate::engine::Routing;
use crate::outcome::ExecError;
use crate::progress::Progress;
use crate::protocol::{Answer, HostCall, Inbound, RunEvent};
use crate::registry::{CallArguments, HostFunction};
use crate::value::Value as Host;
use rquickjs::{CatchResultExt, CaughtError, Ctx, Value};
use std::sync::Arc;
use tokio::task::AbortHandle;

/// A call whose promise is not settled yet: the path it was made to and the functions
/// that settle it.
pub(super) struct Unsettled {
    target: String,
    resolvers: Resolvers,
}

/// A call that has been routed and not yet answered.
pub(super) struct InFlight {
    call: Unsettled,
    abort: Option<AbortHandle>,
    /// The arguments of a call to a registered function surfaced to the host, until
    /// the host has it dispatched; `None` for calls nothing registered answers.
    surfaced: Option<Host>,
}

impl InFlight {
    /// The call, to settle.
    pub(super) fn into_call(self) -> Unsettled {
        self.call
    }

    /// Aborts the host function answering the call, if one runs.
    pub(super) fn abort(self) {
        if let Some(abort) = self.abort {
            abort.abort();
        }
    }
}

impl Run<'_> {
    /// Routes new calls while there is room in flight; true when a call was settled
    /// at once and the program may have more to do.
    pub(super) fn route_calls<'js>(
        &mut self,
        ctx: &Ctx<'js>,
        harness: &Harness<'js>,
    ) -> Result<bool, ExecError> {
        self.bridge.move_new_calls(&mut self.waiting);
        let mut settled = false;
        // Once the run is stopped, no call starts any more: the loop ends it next.
        while self.in_flight.len() < self.spec.limits.host_calls_in_flight()
            && self.control.stop_reason().is_none()
        {
            let Some(NewCall {
                id,
                target,
                args,
                dispatched,
                resolvers,
            }) = self.waiting.pop_front()
            else {
                break;
            };
            let call = Unsettled { target, resolvers };
            if let Some(function) = dispatched {
                settled |= self.run_registered(ctx, harness, function, id, call, args)?;
                continue;
            }
            let input = match args {
                CallArguments::Value(input) => input,
                CallArguments::Json(json) => Host::from(json),
            };
            let registered = self.spec.registry.get(&call.target).is_some();
            match self.spec.routing {
                Routing::Host | Routing::RegisteredThenHost => {
                    let surfaced = (self.spec.routing == Routing::Host).then(|| input.clone());
                    let _ = self.events.send(RunEvent::HostCall(HostCall {
                        call_id: id,
                        target: call.target.clone(),
                        input,
                        registered,
                    }));
                    self.in_flight.insert(
                        id,
                        InFlight {
                            call,
                            abort: None,
                            surfaced,
                        },
                    );
                }
                Routing::RegisteredOnly => {
                    self.settle_unknown(ctx, harness, call)?;
                    settled = true;
                }
            }
        }
        Ok(settled)
    }

    /// Runs the registered function for a call the host had surfaced and now lets
    /// through; a call to a name nothing answers fails as unknown, whichever way it
    /// was surfaced.
    pub(super) fn dispatch<'js>(
        &mut self,
        ctx: &Ctx<'js>,
        harness: &Harness<'js>,
        call_id: u64,
    ) -> Result<(), ExecError> {
        if self.control.stop_reason().is_some() {
            return Ok(());
        }
        let waits_for_host = self
            .in_flight
            .get(&call_id)
            .is_some_and(|c| c.abort.is_none());
        if !waits_for_host {
            return Ok(());
        }
        let Some(InFlight { call, surfaced, .. }) = self.in_flight.remove(&call_id) else {
            return Ok(());
        };
        match (surfaced, self.spec.registry.get(&call.target).cloned()) {
            (Some(args), Some(function)) => self
                .run_registered(
                    ctx,
                    harness,
                    function,
                    call_id,
                    call,
                    CallArguments::Value(args),
                )
                .map(|_| ()),
            _ => self.settle_unknown(ctx, harness, call),
        }
    }

    /// Fails a call to a name nothing answers, listing the names that exist.
    fn settle_unknown<'js>(
        &self,
        ctx: &Ctx<'js>,
        harness: &Harness<'js>,
        call: Unsettled,
    ) -> Result<(), ExecError> {
        let message = format!(
            "codemode.{} does not exist; available: {}",
            call.target,
            self.spec.registry.available()
        );
        self.reject(ctx, harness, call, ANSWER_UNKNOWN_TOOL, &message)
    }

    /// Starts a registered function; true when it answered at once and was settled.
    fn run_registered<'js>(
        &mut self,
        ctx: &Ctx<'js>,
        harness: &Harness<'js>,
        function: HostFunction,
        call_id: u64,
        call: Unsettled,
        args: CallArguments,
    ) -> Result<bool, ExecError> {
        let reply = self.answers.clone();
        if function.spec().requires_approval && !self.gate().approved(&call.target) {
            let gate = Arc::clone(self.gate());
            let live = self.spec.live.then(|| self.events.clone());
            let target = call.target.clone();
            let abort = dispatch::start_after_approval(
                &self.spec.runtime,
                gate,
                function,
                args,
                self.spec.limits.host_call_timeout(),
                move || {
                    if let Some(live) = live {
                        let _ = live.send(RunEvent::Progress(Progress::Call { function: target }));
                    }
                },
                move |answer| {
                    let _ = reply.send(Inbound::Answer { call_id, answer });
                },
            );
            self.in_flight.insert(
                call_id,
                InFlight {
                    call,
                    abort: Some(abort),
                    surfaced: None,
                },
            );
            return Ok(false);
        }
        if self.spec.live {
            let _ = self.events.send(RunEvent::Progress(Progress::Call {
                function: call.target.clone(),
            }));
        }
        let started = dispatch::start(
            &self.spec.runtime,
            function,
            args,
            self.spec.limits.host_call_timeout(),
            move |answer| {
                let _ = reply.send(Inbound::Answer { call_id, answer });
            },
        );
        match started {
            Started::Answered(answer) => {
                self.answer(ctx, harness, call, answer)?;
                Ok(true)
            }
            Started::Spawned(abort) => {
                self.in_flight.insert(
                    call_id,
                    InFlight {
                        call,
                        abort: Some(abort),
                        surfaced: None,
                    },
                );
                Ok(false)
            }
        }
    }

    /// The run's approval step, made when first needed.
    fn gate(&mut self) -> &Arc<Gate> {
        self.gate.get_or_insert_with(|| {
            Arc::new(Gate::new(
                self.spec.approver.clone(),
                &self.spec.code,
                self.spec.limits.approval_timeout(),
                Arc::clone(self.control),
            ))
        })
    }

    /// Settles a call with its answer.
    pub(super) fn answer<'js>(
        &self,
        ctx: &Ctx<'js>,
        harness: &Harness<'js>,
        call: Unsettled,
        answer: Answer,
    ) -> Result<(), ExecError> {
        match answer {
            Ok(value) => self.settle_value(ctx, harness, call, &value),
            Err(message) => self.reject(ctx, harness, call, ANSWER_TOOL_ERROR, &message),
        }
    }

    fn settle_value<'js>(
        &self,
        ctx: &Ctx<'js>,
        harness: &Harness<'js>,
        call: Unsettled,
        value: &Host,
    ) -> Result<(), ExecError> {
        let value = match to_script::from_host(ctx, value) {
            Ok(value) => value,
            Err(Unbuildable::TooDeep) => {
                let message = format!(
                    "the answer nests more than {} levels of arrays and objects; the host function must return a flatter value",
                    to_script::MAX_NESTING
                );
                return self.reject(ctx, harness, call, ANSWER_TOOL_ERROR, &message);
            }
            Err(Unbuildable::Engine(error)) => {
                return Err(self.failure(ctx, CaughtError::from_error(ctx, error)))
            }
        };
        call.resolvers
            .resolve
            .restore(ctx)
            .and_then(|resolve| resolve.call::<_, ()>((value,)))
            .catch(ctx)
            .map_err(|caught| self.failure(ctx, caught))
    }

    /// Rejects a call's promise with the harness's error for `status`.
    fn reject<'js>(
        &self,
        ctx: &Ctx<'js>,
        harness: &Harness<'js>,
        call: Unsettled,
        status: i32,
        message: &str,
    ) -> Result<(), ExecError> {
        let Unsettled { target, resolvers } = call;
        let reject = resolvers.reject;
        harness
            .error
            .call::<_, Value>((status, message, target))
            .and_then(|error| {
                reject
                    .restore(ctx)
                    .and_then(|reject| reject.call::<_, ()>((error,)))
            })
            .catch(ctx)
            .map_err(|caught| self.failure(ctx, caught))
    }
}
