//! One run in a fresh sandbox: the harness, the user's code, and the loop that answers
//! host calls and fires timers until the program settles.

use super::bridge::{self, Bridge, ForgetPending, Harness, NewCall, Resolvers, Stop};
use super::exception;
use super::json_text;
use super::sandbox::Sandbox;
use super::to_script::{self, Unbuildable};
use crate::dispatch::{self, Started};
use crate::engine::{Inbound, Outbound, Routing, RunSpec};
use crate::limits::ByteSize;
use crate::outcome::{ErrorKind, ExecError, Outcome};
use crate::registry::HostFunction;
use crate::session::HostCall;
use crate::source::{self, Form, StripError, FILENAME};
use rquickjs::context::EvalOptions;
use rquickjs::promise::PromiseState;
use rquickjs::{CatchResultExt, CaughtError, Ctx, Function, Object, Promise, Value};
use serde_json::Value as Json;
use std::cell::Cell;
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Instant;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::AbortHandle;

/// Kinds of failed calls understood by the harness's `error`.
const ANSWER_TOOL_ERROR: i32 = 1;
const ANSWER_UNKNOWN_TOOL: i32 = 2;

/// Why a result nested too deeply for the host fails.
const TOO_DEEP: &str = "the result nests too deeply to convert to JSON: return a flatter value";

/// Runs `spec` on the current thread and hands its outcome to `finished` before the
/// run's runtime is torn down, so the caller does not wait for that.
pub(super) fn run(
    spec: RunSpec,
    inbound_tx: mpsc::Sender<Inbound>,
    inbound: mpsc::Receiver<Inbound>,
    outbound: &UnboundedSender<Outbound>,
    cancel: Arc<AtomicBool>,
    finished: impl FnOnce(Outcome),
) {
    if spec.code.len() > spec.limits.source_bytes {
        return finished(Outcome::failure(
            ExecError::new(
                ErrorKind::SourceTooLarge,
                format!(
                    "the code is {} bytes; the limit is {} bytes: send a shorter program",
                    spec.code.len(),
                    spec.limits.source_bytes
                ),
            ),
            Vec::new(),
        ));
    }
    let deadline = Instant::now() + spec.limits.timeout;
    let sandbox = match Sandbox::take() {
        Ok(sandbox) => sandbox,
        Err(message) => {
            return finished(Outcome::failure(
                ExecError::new(ErrorKind::Internal, message),
                Vec::new(),
            ))
        }
    };
    let budget = &sandbox.budget;
    budget.set_limit(spec.limits.memory_bytes);
    if budget.used() > spec.limits.memory_bytes {
        let message = format!(
            "the memory limit of {} is below the {} an empty sandbox takes: raise Limits::memory_bytes",
            ByteSize(spec.limits.memory_bytes),
            ByteSize(budget.used())
        );
        return finished(Outcome::failure(
            ExecError::new(ErrorKind::Memory, message),
            Vec::new(),
        ));
    }
    let stop = Rc::new(Cell::new(None));
    let runtime = &sandbox.runtime;
    runtime.set_max_stack_size(spec.limits.stack_bytes);
    runtime.set_gc_threshold(gc_threshold(spec.limits.memory_bytes));
    {
        let stop = Rc::clone(&stop);
        let budget = Rc::clone(budget);
        let cancel = Arc::clone(&cancel);
        runtime.set_interrupt_handler(Some(Box::new(move || {
            if stop.get().is_some() || budget.exceeded() {
                return true;
            }
            if cancel.load(Ordering::Relaxed) {
                stop.set(Some(Stop::Cancelled));
                return true;
            }
            if Instant::now() >= deadline {
                stop.set(Some(Stop::Timeout));
                return true;
            }
            false
        })));
    }
    let bridge = Rc::new(Bridge::new(&spec.limits, Rc::clone(&stop)));
    let _forget_pending = ForgetPending(Rc::clone(&bridge));
    // Declared after `sandbox`: the calls it holds, and their resolving functions, are
    // dropped before the runtime is.
    let mut run = Run {
        spec: &spec,
        sandbox: &sandbox,
        bridge: &bridge,
        cancel: &cancel,
        deadline,
        inbound_tx,
        inbound,
        outbound,
        in_flight: HashMap::new(),
        waiting: VecDeque::new(),
    };
    let outcome = sandbox.context.with(|ctx| run.execute(&ctx));
    run.abort_in_flight();
    finished(outcome);
}

/// Bytes allocated before the first cycle collection. Reference counting frees most
/// garbage at once; collecting cycles every 256 KiB, the engine's default, mostly
/// walks the standard library's objects. A quarter of the memory limit (16 MiB at the
/// default 64 MiB) still leaves room for cyclic garbage to be found before the limit
/// is reached; the engine raises the threshold to 1.5 times the heap after each one.
fn gc_threshold(memory_bytes: usize) -> usize {
    (memory_bytes / 4).clamp(256 * 1024, 16 * 1024 * 1024)
}

fn memory_message(limit: usize) -> String {
    format!(
        "the program used more than its memory limit of {}: work on less data at once",
        ByteSize(limit)
    )
}

/// A call whose promise is not settled yet: the path it was made to and the functions
/// that settle it.
struct Unsettled {
    target: String,
    resolvers: Resolvers,
}

/// A call that has been routed and not yet answered.
struct InFlight {
    call: Unsettled,
    abort: Option<AbortHandle>,
    /// The arguments of a call surfaced to the host, until the host has it dispatched.
    surfaced: Option<Json>,
}

struct Run<'a> {
    spec: &'a RunSpec,
    sandbox: &'a Sandbox,
    bridge: &'a Rc<Bridge>,
    cancel: &'a Arc<AtomicBool>,
    deadline: Instant,
    inbound_tx: mpsc::Sender<Inbound>,
    inbound: mpsc::Receiver<Inbound>,
    outbound: &'a UnboundedSender<Outbound>,
    in_flight: HashMap<u64, InFlight>,
    waiting: VecDeque<NewCall>,
}

/// What the loop does after a step.
enum Step<T> {
    Continue,
    Done(T),
}

impl<'a> Run<'a> {
    fn execute<'js>(&mut self, ctx: &Ctx<'js>) -> Outcome {
        let result = self.drive(ctx);
        let logs = self.bridge.take_logs();
        match result {
            Ok(value) => Outcome::success(value, logs),
            Err(error) => Outcome::failure(error, logs),
        }
    }

    fn drive<'js>(&mut self, ctx: &Ctx<'js>) -> Result<Json, ExecError> {
        let harness = self.install_harness(ctx)?;
        let (compiled, form) = self.compile(ctx)?;
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
            .and_then(|((call, log, set_timer, clear_timer), factory)| {
                factory.call::<_, Object>((call, log, set_timer, clear_timer, paths))
            })
            .and_then(|object| Harness::from_object(&object))
            .catch(ctx);
        installed.map_err(|caught| self.failure(ctx, caught))
    }

    /// Compiles the code as an expression, then as statements, then as TypeScript.
    fn compile<'js>(&self, ctx: &Ctx<'js>) -> Result<(Function<'js>, Form), ExecError> {
        let code = &source::escape_nul(&self.spec.code);
        let mut first_error = None;
        for form in Form::ALL {
            match self.compile_wrapped(ctx, form.wrap(code)) {
                Ok(function) => return Ok((function, form)),
                Err(error) => first_error = Some(error),
            }
        }
        let mut unsupported = None;
        let mut too_long = false;
        for form in Form::ALL {
            match source::typescript_to_javascript(&form.wrap(code)) {
                Ok(stripped) => {
                    if let Ok(function) = self.compile_wrapped(ctx, stripped) {
                        return Ok((function, form));
                    }
                }
                Err(StripError::Unsupported {
                    message,
                    line,
                    column,
                }) => {
                    unsupported.get_or_insert(ExecError {
                        line,
                        column,
                        name: Some("SyntaxError".to_owned()),
                        ..ExecError::new(
                            ErrorKind::Syntax,
                            format!("SyntaxError: unsupported TypeScript: {message}"),
                        )
                    });
                }
                Err(StripError::TooLong) => {
                    too_long = true;
                    break;
                }
                Err(StripError::Invalid) => {}
            }
        }
        let mut error = unsupported
            .or(first_error)
            .unwrap_or_else(|| ExecError::new(ErrorKind::Syntax, "the code does not parse"));
        if too_long && error.kind == ErrorKind::Syntax {
            error.message.push_str(&format!(
                " (TypeScript is only stripped from programs of up to {} tokens; send this one as JavaScript)",
                source::MAX_TYPESCRIPT_TOKENS
            ));
        }
        Err(error)
    }

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
        // A built-in operation can run past the deadline without being interrupted.
        if Instant::now() >= self.deadline {
            return Err(self.stopped_error(Stop::Timeout));
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
        if now >= self.deadline {
            return Err(self.stopped_error(Stop::Timeout));
        }
        let wake = self
            .bridge
            .next_timer()
            .map_or(self.deadline, |at| at.min(self.deadline));
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
            Inbound::Cancel => {
                self.bridge.stop.set(Some(Stop::Cancelled));
                Err(self.stopped_error(Stop::Cancelled))
            }
            Inbound::Answer { call_id, answer } => match self.in_flight.remove(&call_id) {
                Some(in_flight) => self.answer(ctx, harness, in_flight.call, answer),
                None => Ok(()),
            },
            Inbound::Dispatch { call_id } => {
                let surfaced = self
                    .in_flight
                    .get_mut(&call_id)
                    .and_then(|c| c.surfaced.take());
                let Some(args) = surfaced else {
                    return Ok(());
                };
                let Some(InFlight { call, .. }) = self.in_flight.remove(&call_id) else {
                    return Ok(());
                };
                match self.spec.registry.get(&call.target).cloned() {
                    Some(function) => self
                        .run_registered(ctx, harness, function, call_id, call, args)
                        .map(|_| ()),
                    None => self.settle_unknown(ctx, harness, call),
                }
            }
        }
    }

    /// Routes new calls while there is room in flight; true when a call was settled
    /// at once and the program may have more to do.
    fn route_calls<'js>(
        &mut self,
        ctx: &Ctx<'js>,
        harness: &Harness<'js>,
    ) -> Result<bool, ExecError> {
        self.bridge.move_new_calls(&mut self.waiting);
        let mut settled = false;
        while self.in_flight.len() < self.spec.limits.host_calls_in_flight {
            let Some(NewCall {
                id,
                target,
                args,
                resolvers,
            }) = self.waiting.pop_front()
            else {
                break;
            };
            let call = Unsettled { target, resolvers };
            let registered = self.spec.registry.get(&call.target);
            match (self.spec.routing, registered) {
                (Routing::Host, _) | (Routing::RegisteredThenHost, None) => {
                    let surfaced = (self.spec.routing == Routing::Host).then(|| args.clone());
                    let _ = self.outbound.send(Outbound::HostCall(HostCall {
                        call_id: id,
                        target: call.target.clone(),
                        input: args,
                        registered: registered.is_some(),
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
                (_, Some(function)) => {
                    let function = function.clone();
                    settled |= self.run_registered(ctx, harness, function, id, call, args)?;
                }
                (Routing::RegisteredOnly, None) => {
                    self.settle_unknown(ctx, harness, call)?;
                    settled = true;
                }
            }
        }
        Ok(settled)
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
        args: Json,
    ) -> Result<bool, ExecError> {
        let reply = self.inbound_tx.clone();
        let started = dispatch::start(
            &self.spec.runtime,
            function,
            args,
            self.spec.limits.host_call_timeout,
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

    /// Settles a call with its answer.
    fn answer<'js>(
        &self,
        ctx: &Ctx<'js>,
        harness: &Harness<'js>,
        call: Unsettled,
        answer: Result<Json, String>,
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
        value: &Json,
    ) -> Result<(), ExecError> {
        let value = match to_script::from_json(ctx, value) {
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

    /// Converts the settled result to JSON under the result limit.
    fn finish<'js>(&self, ctx: &Ctx<'js>, promise: &Promise<'js>) -> Result<Json, ExecError> {
        let value = match promise.result::<Value>() {
            Some(Ok(value)) => value,
            _ => {
                return Err(ExecError::new(
                    ErrorKind::Internal,
                    "the program's result could not be read",
                ))
            }
        };
        let text = match ctx.json_stringify(value).catch(ctx) {
            Ok(Some(text)) => text.to_string().map_err(|error| {
                ExecError::new(
                    ErrorKind::ResultNotJson,
                    format!("the result is not valid text: {error}"),
                )
            })?,
            Ok(None) => return Ok(Json::Null),
            Err(caught) => {
                self.check_stopped()?;
                let reason =
                    exception::describe(ctx, caught_value(ctx, caught), ErrorKind::ResultNotJson);
                self.check_stopped()?;
                if reason.kind == ErrorKind::Stack {
                    return Err(ExecError::new(ErrorKind::ResultNotJson, TOO_DEEP));
                }
                let hint = if reason.message.contains("circular") {
                    "the result contains a cycle, which JSON cannot represent: return a tree of plain values"
                } else if reason.message.to_lowercase().contains("bigint") {
                    "the result contains a BigInt, which JSON cannot represent: convert it with String() or Number()"
                } else {
                    "the result cannot be converted to JSON"
                };
                return Err(ExecError::new(
                    ErrorKind::ResultNotJson,
                    format!("{hint} ({})", reason.message),
                ));
            }
        };
        self.check_stopped()?;
        if text.len() > self.spec.limits.result_bytes {
            return Err(ExecError::new(
                ErrorKind::ResultTooLarge,
                format!(
                    "the result is {} bytes of JSON; the limit is {} bytes: return less data or a summary",
                    text.len(),
                    self.spec.limits.result_bytes
                ),
            ));
        }
        json_text::parse(&text).map_err(|error| {
            let message = if error.to_string().contains("recursion limit") {
                TOO_DEEP.to_owned()
            } else {
                format!("the result is not valid JSON: {error}")
            };
            ExecError::new(ErrorKind::ResultNotJson, message)
        })
    }

    /// Fails with the reason the run was stopped from outside JavaScript, if any.
    fn check_stopped(&self) -> Result<(), ExecError> {
        if self.sandbox.budget.exceeded() {
            return Err(ExecError::new(
                ErrorKind::Memory,
                memory_message(self.spec.limits.memory_bytes),
            ));
        }
        if self.cancel.load(Ordering::Relaxed) {
            return Err(self.stopped_error(Stop::Cancelled));
        }
        match self.bridge.stop.get() {
            Some(stop) => Err(self.stopped_error(stop)),
            None => Ok(()),
        }
    }

    fn stopped_error(&self, stop: Stop) -> ExecError {
        let limits = &self.spec.limits;
        match stop {
            Stop::Cancelled => ExecError::new(ErrorKind::Cancelled, "the run was cancelled by its host"),
            Stop::Timeout => ExecError::new(
                ErrorKind::Timeout,
                format!(
                    "the program did not finish within {} ms ({} host calls and {} timers still pending)",
                    limits.timeout.as_millis(),
                    self.in_flight.len() + self.waiting.len(),
                    self.bridge.pending_timers()
                ),
            ),
            Stop::OutputLimit => ExecError::new(
                ErrorKind::OutputLimit,
                format!(
                    "the program printed more than {} bytes of console output: log less, or return data instead",
                    limits.log_bytes
                ),
            ),
            Stop::TooManyCalls => ExecError::new(
                ErrorKind::TooManyCalls,
                format!(
                    "the program made more than {} host calls: batch the work into fewer calls",
                    limits.host_calls
                ),
            ),
        }
    }

    /// The error for a caught failure: a stop decided outside JavaScript wins over
    /// whatever JavaScript threw.
    fn failure<'js>(&self, ctx: &Ctx<'js>, caught: CaughtError<'js>) -> ExecError {
        if let Err(stopped) = self.check_stopped() {
            return stopped;
        }
        match caught {
            CaughtError::Error(error) => {
                ExecError::new(ErrorKind::Internal, format!("engine error: {error}"))
            }
            other => {
                let described =
                    exception::describe(ctx, caught_value(ctx, other), ErrorKind::Exception);
                // Describing runs the program's getters, which may hit a limit themselves.
                self.check_stopped().err().unwrap_or(described)
            }
        }
    }

    fn abort_in_flight(&mut self) {
        for (_, call) in self.in_flight.drain() {
            if let Some(abort) = call.abort {
                abort.abort();
            }
        }
    }
}

fn caught_value<'js>(ctx: &Ctx<'js>, caught: CaughtError<'js>) -> Value<'js> {
    match caught {
        CaughtError::Exception(exception) => exception.into_value(),
        CaughtError::Value(value) => value,
        CaughtError::Error(_) => Value::new_undefined(ctx.clone()),
    }
}
