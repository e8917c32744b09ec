//! The loop of one run: it runs the program's jobs, routes its host calls, fires its
//! timers and waits for answers until the program's promise settles or the run stops.

use super::bridge::{self, Bridge, Harness, NewCall};
use super::routing::InFlight;
use super::sandbox::Sandbox;
use crate::approval::Gate;
use crate::engine::RunSpec;
use crate::outcome::{ErrorKind, ExecError, Outcome};
use crate::protocol::{Inbound, RunControl, RunEvent, Stop};
use crate::source::{self, Form, FILENAME};
use rquickjs::context::EvalOptions;
use rquickjs::promise::PromiseState;
use rquickjs::{CatchResultExt, Ctx, Function, Object, Persistent, Promise, Value};
use serde_json::Value as Json;
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;
use std::sync::{mpsc, Arc};
use std::time::Instant;
use tokio::sync::mpsc::UnboundedSender;

/// One run: its spec, its sandbox, and the calls it has in flight.
pub(super) struct Run<'a> {
    pub spec: &'a RunSpec,
    pub sandbox: &'a Sandbox,
    pub bridge: &'a Rc<Bridge>,
    pub control: &'a Arc<RunControl>,
    pub inbound: mpsc::Receiver<Inbound>,
    pub answers: mpsc::Sender<Inbound>,
    pub events: UnboundedSender<RunEvent>,
    pub in_flight: HashMap<u64, InFlight>,
    /// Calls made and not yet routed, because as many as allowed are in flight.
    pub waiting: VecDeque<NewCall>,
    /// The harness's `origin`, once it is installed.
    pub origin: Option<Persistent<Function<'static>>>,
    /// The approval step, made on the first call that needs approval.
    pub gate: Option<Arc<Gate>>,
}

/// What the loop does after a step.
enum Step<T> {
    Continue,
    Done(T),
}

impl Run<'_> {
    /// Runs the program to its outcome.
    pub(super) fn execute(&mut self, ctx: &Ctx<'_>) -> Outcome {
        let result = self.drive(ctx);
        let logs = self.bridge.take_logs();
        let outcome = match result {
            Ok(value) => Outcome::success(value, logs),
            Err(error) => Outcome::failure(error, logs),
        };
        outcome.with_attachments(self.bridge.take_attachments())
    }

    /// Aborts the host functions still running for the program.
    pub(super) fn abort_in_flight(&mut self) {
        for (_, call) in self.in_flight.drain() {
            call.abort();
        }
    }

    fn drive<'js>(&mut self, ctx: &Ctx<'js>) -> Result<Json, ExecError> {
        let harness = self.install_harness(ctx)?;
        self.origin = Some(Persistent::save(ctx, harness.origin.clone()));
        self.bridge.views.keep(ctx, harness.views.clone());
        let code = source::escape_nul(&self.spec.code);
        let (compiled, form) =
            source::compile(&code, |wrapped| self.compile_wrapped(ctx, wrapped))?;
        let started = harness
            .run
            .call::<_, Promise>((compiled, form == Form::Expression))
            .catch(ctx);
        let promise = match started {
            Ok(promise) => promise,
            Err(caught) => return Err(self.failure(ctx, caught)),
        };
        loop {
            if let Step::Done(result) = self.step(ctx, &harness, &promise)? {
                return Ok(result);
            }
        }
    }

    fn install_harness<'js>(&self, ctx: &Ctx<'js>) -> Result<Harness<'js>, ExecError> {
        let paths: Vec<&str> = self.spec.registry.paths().collect();
        let installed = bridge::natives(ctx, self.bridge, self.sandbox.classes)
            .and_then(|natives| Ok((natives, self.sandbox.factory(ctx)?)))
            .and_then(|(natives, factory)| {
                factory.call::<_, Object>((
                    natives.call,
                    natives.log,
                    natives.set_timer,
                    natives.clear_timer,
                    natives.attach,
                    paths,
                ))
            })
            .and_then(|object| Harness::from_object(&object))
            .catch(ctx);
        installed.map_err(|caught| self.failure(ctx, caught))
    }

    /// Compiles wrapped code to the function it evaluates to; a failure is a syntax
    /// error unless a limit stopped the run.
    fn compile_wrapped<'js>(
        &self,
        ctx: &Ctx<'js>,
        wrapped: String,
    ) -> Result<Function<'js>, ExecError> {
        let mut options = EvalOptions::default();
        options.global = true;
        options.strict = false;
        options.backtrace_barrier = true;
        options.filename = Some(FILENAME.to_owned());
        ctx.eval_with_options::<Function, _>(wrapped, options)
            .catch(ctx)
            .map_err(|caught| {
                let mut error = self.failure(ctx, caught);
                if error.kind == ErrorKind::Exception {
                    error.kind = ErrorKind::Syntax;
                }
                error
            })
    }

    /// One turn of the loop: run queued jobs, settle, route calls, fire timers, wait.
    fn step<'js>(
        &mut self,
        ctx: &Ctx<'js>,
        harness: &Harness<'js>,
        promise: &Promise<'js>,
    ) -> Result<Step<Json>, ExecError> {
        while ctx.execute_pending_job() {}
        self.check_stopped()?;
        let deadline = self.control.deadline();
        // A built-in operation can run past the deadline without being interrupted.
        if Instant::now() >= deadline {
            return Err(self.stop(Stop::Timeout));
        }
        match promise.state() {
            PromiseState::Resolved => return self.finish(ctx, promise).map(Step::Done),
            PromiseState::Rejected => {
                let reason = promise.result::<Value>().map(|r| r.catch(ctx));
                return Err(match reason {
                    Some(Err(caught)) => self.failure(ctx, caught),
                    _ => ExecError::new(
                        ErrorKind::Internal,
                        "the program's promise was rejected without a reason",
                    ),
                });
            }
            PromiseState::Pending => {}
        }
        if self.route_calls(ctx, harness)? {
            return Ok(Step::Continue);
        }
        let now = Instant::now();
        if let Some(id) = self.bridge.pop_due_timer(now) {
            harness
                .fire
                .call::<_, ()>((id as f64,))
                .catch(ctx)
                .map_err(|caught| self.failure(ctx, caught))?;
            return Ok(Step::Continue);
        }
        if now >= deadline {
            return Err(self.stop(Stop::Timeout));
        }
        let wake = self
            .bridge
            .next_timer()
            .map_or(deadline, |at| at.min(deadline));
        match self
            .inbound
            .recv_timeout(wake.saturating_duration_since(now))
        {
            Ok(message) => self.receive(ctx, harness, message)?,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(ExecError::new(ErrorKind::Internal, "the run lost its host"));
            }
        }
        Ok(Step::Continue)
    }

    fn receive<'js>(
        &mut self,
        ctx: &Ctx<'js>,
        harness: &Harness<'js>,
        message: Inbound,
    ) -> Result<(), ExecError> {
        match message {
            Inbound::Wake => self.check_stopped(),
            Inbound::Answer { call_id, answer } => match self.in_flight.remove(&call_id) {
                Some(in_flight) => self.answer(ctx, harness, in_flight.into_call(), answer),
                None => Ok(()),
            },
            Inbound::Dispatch { call_id } => self.dispatch(ctx, harness, call_id),
        }
    }
}
