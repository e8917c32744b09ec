//! The native functions the harness calls, and the Rust-side state they share with the
//! run loop. The only JavaScript values kept here are the resolving functions of calls
//! the loop has not taken yet; [`ForgetPending`] drops them before the runtime goes
//! away. Timer callbacks live in the harness.

use super::inspect;
use super::text;
use super::to_host::{self, PlainClasses, Unsendable};
use crate::limits::{ByteSize, Limits};
use crate::progress::{LogLevel, Progress};
use crate::protocol::{RunControl, RunEvent, Stop};
use crate::value;
use rquickjs::{Array, Ctx, Exception, Function, Object, Persistent, Promise, Value};
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedSender;

/// A host call made by the program and not yet routed.
pub(super) struct NewCall {
    pub id: u64,
    pub target: String,
    pub args: serde_json::Value,
    pub resolvers: Resolvers,
}

/// The functions that settle the promise of a call.
pub(super) struct Resolvers {
    pub resolve: Persistent<Function<'static>>,
    pub reject: Persistent<Function<'static>>,
}

#[derive(Default)]
struct Calls {
    made: usize,
    next_id: u64,
    new: VecDeque<NewCall>,
}

#[derive(Default)]
struct Logs {
    lines: Vec<String>,
    bytes: usize,
}

#[derive(Default)]
struct Timers {
    next_id: u64,
    due: BTreeSet<(Instant, u64)>,
    by_id: HashMap<u64, Instant>,
}

/// State shared by the native functions and the run loop.
pub(super) struct Bridge {
    control: Arc<RunControl>,
    /// Where console lines go as they are printed, when the host watches the run.
    live: Option<UnboundedSender<RunEvent>>,
    host_calls: usize,
    log_bytes: usize,
    argument_bytes: usize,
    calls: RefCell<Calls>,
    logs: RefCell<Logs>,
    timers: RefCell<Timers>,
}

impl Bridge {
    pub(super) fn new(
        limits: &Limits,
        control: Arc<RunControl>,
        live: Option<UnboundedSender<RunEvent>>,
    ) -> Self {
        Self {
            control,
            live,
            host_calls: limits.host_calls(),
            log_bytes: limits.log_bytes(),
            argument_bytes: limits.memory_bytes(),
            calls: RefCell::default(),
            logs: RefCell::default(),
            timers: RefCell::default(),
        }
    }

    /// Moves the calls made since the last time to the back of `queue`.
    pub(super) fn move_new_calls(&self, queue: &mut VecDeque<NewCall>) {
        queue.append(&mut self.calls.borrow_mut().new);
    }

    /// Takes the captured console output.
    pub(super) fn take_logs(&self) -> Vec<String> {
        std::mem::take(&mut self.logs.borrow_mut().lines)
    }

    /// Removes and returns the id of a timer due at `now`.
    pub(super) fn pop_due_timer(&self, now: Instant) -> Option<u64> {
        let mut timers = self.timers.borrow_mut();
        let first = *timers.due.first()?;
        if first.0 > now {
            return None;
        }
        timers.due.remove(&first);
        timers.by_id.remove(&first.1);
        Some(first.1)
    }

    /// When the next timer is due.
    pub(super) fn next_timer(&self) -> Option<Instant> {
        self.timers.borrow().due.first().map(|(at, _)| *at)
    }

    /// Timers not yet fired.
    pub(super) fn pending_timers(&self) -> usize {
        self.timers.borrow().due.len()
    }

    fn call<'js>(
        &self,
        ctx: &Ctx<'js>,
        classes: PlainClasses,
        target: String,
        args: Value<'js>,
    ) -> rquickjs::Result<Promise<'js>> {
        let args = match to_host::to_json(ctx, classes, self.argument_bytes, args) {
            Ok(Some(args @ serde_json::Value::Object(_))) => args,
            Ok(None) => serde_json::Value::Object(Default::default()),
            Ok(Some(other)) => {
                return Err(Exception::throw_type(
                    ctx,
                    &format!("codemode.{target}: the arguments must convert to a JSON object, but their toJSON method made them {}", value::kind_of(&other)),
                ))
            }
            Err(unsendable) => {
                let reason = match unsendable {
                    Unsendable::Thrown => {
                        let caught = ctx.catch();
                        if caught.is_uncatchable_error() {
                            return Err(ctx.throw(caught));
                        }
                        caught
                            .as_exception()
                            .and_then(|error| text::property(error, "message"))
                            .unwrap_or_else(|| "reading them threw a value that is not an Error".to_owned())
                    }
                    Unsendable::Cycle => "they contain a reference to themselves (a cycle); send a tree of plain values".to_owned(),
                    Unsendable::BigInt => "they contain a BigInt, which JSON cannot represent; convert it with String() or Number()".to_owned(),
                    Unsendable::Unreadable(error) => format!("the engine wrote JSON for them that cannot be read back: {error}"),
                    Unsendable::TooDeep => format!("they nest more than {} levels of arrays and objects deep; send a flatter value", to_host::MAX_NESTING),
                    Unsendable::TooLarge(bytes) => format!("they take more than {} as JSON, the run's memory limit; send less data per call", ByteSize(bytes)),
                };
                return Err(Exception::throw_type(
                    ctx,
                    &format!("codemode.{target}: the arguments cannot be sent to the host as JSON: {reason}"),
                ));
            }
        };
        let mut calls = self.calls.borrow_mut();
        if calls.made >= self.host_calls {
            self.control.stop(Stop::TooManyCalls);
            return Err(Exception::throw_internal(
                ctx,
                &format!("the program made more than {} host calls", self.host_calls),
            ));
        }
        let (promise, resolve, reject) = ctx.promise()?;
        calls.made += 1;
        calls.next_id += 1;
        let id = calls.next_id;
        calls.new.push_back(NewCall {
            id,
            target,
            args,
            resolvers: Resolvers {
                resolve: Persistent::save(ctx, resolve),
                reject: Persistent::save(ctx, reject),
            },
        });
        Ok(promise)
    }

    fn log(&self, ctx: &Ctx<'_>, level: i32, text: String) -> rquickjs::Result<()> {
        let mut logs = self.logs.borrow_mut();
        if self.control.stop_reason() == Some(Stop::OutputLimit) {
            return Ok(());
        }
        let (level, line) = match level {
            1 => (LogLevel::Warn, format!("[warn] {text}")),
            2 => (LogLevel::Error, format!("[error] {text}")),
            3 => (LogLevel::Debug, text),
            _ => (LogLevel::Info, text),
        };
        if logs.bytes + line.len() > self.log_bytes {
            let marker = format!(
                "[codemode] output truncated: the program printed more than {}",
                ByteSize(self.log_bytes)
            );
            self.report(LogLevel::Warn, &marker);
            logs.lines.push(marker);
            self.control.stop(Stop::OutputLimit);
            return Err(Exception::throw_internal(
                ctx,
                "console output limit reached",
            ));
        }
        self.report(level, &line);
        logs.bytes += line.len();
        logs.lines.push(line);
        Ok(())
    }

    /// Sends a console line to the host as it is printed, when the host watches.
    fn report(&self, level: LogLevel, line: &str) {
        if let Some(live) = &self.live {
            let _ = live.send(RunEvent::Progress(Progress::Log {
                level,
                line: line.to_owned(),
            }));
        }
    }

    /// Bytes of console output the program may still print.
    fn log_room(&self) -> usize {
        self.log_bytes.saturating_sub(self.logs.borrow().bytes)
    }

    fn set_timer(&self, delay_ms: f64) -> f64 {
        let mut timers = self.timers.borrow_mut();
        timers.next_id += 1;
        let id = timers.next_id;
        let delay = Duration::from_secs_f64((delay_ms / 1000.0).clamp(0.0, 1e9));
        let at = Instant::now() + delay;
        timers.due.insert((at, id));
        timers.by_id.insert(id, at);
        id as f64
    }

    fn clear_timer(&self, id: f64) {
        let mut timers = self.timers.borrow_mut();
        let id = id as u64;
        if let Some(at) = timers.by_id.remove(&id) {
            timers.due.remove(&(at, id));
        }
    }
}

/// The native functions handed to the harness, in its parameter order.
pub(super) fn natives<'js>(
    ctx: &Ctx<'js>,
    bridge: &Rc<Bridge>,
    classes: PlainClasses,
) -> rquickjs::Result<(Function<'js>, Function<'js>, Function<'js>, Function<'js>)> {
    let b = Rc::clone(bridge);
    let call = Function::new(
        ctx.clone(),
        move |ctx: Ctx<'js>, target: String, args: Value<'js>| b.call(&ctx, classes, target, args),
    )?;
    let b = Rc::clone(bridge);
    let log = Function::new(
        ctx.clone(),
        move |ctx: Ctx<'js>, level: i32, values: Array<'js>, tools: Object<'js>| {
            let text = inspect::line(&ctx, &tools, &values, b.log_room())?;
            b.log(&ctx, level, text)
        },
    )?;
    let b = Rc::clone(bridge);
    let set_timer = Function::new(ctx.clone(), move |delay: f64| b.set_timer(delay))?;
    let b = Rc::clone(bridge);
    let clear_timer = Function::new(ctx.clone(), move |id: f64| b.clear_timer(id))?;
    Ok((call, log, set_timer, clear_timer))
}

/// Drops the calls the loop has not taken, and their resolving functions, when it goes
/// out of scope, which must happen before the runtime is freed: the runtime aborts the
/// process if a value it owns is still held from Rust.
pub(super) struct ForgetPending(pub Rc<Bridge>);

impl Drop for ForgetPending {
    fn drop(&mut self) {
        self.0.calls.borrow_mut().new.clear();
    }
}

/// Kinds of failed calls understood by the harness's `error`, which its `origin`
/// gives back for the errors `error` made.
pub(super) const ANSWER_TOOL_ERROR: i32 = 1;
pub(super) const ANSWER_UNKNOWN_TOOL: i32 = 2;

/// The functions the harness returns for the run loop.
pub(super) struct Harness<'js> {
    pub error: Function<'js>,
    pub origin: Function<'js>,
    pub fire: Function<'js>,
    pub run: Function<'js>,
}

impl<'js> Harness<'js> {
    pub(super) fn from_object(object: &Object<'js>) -> rquickjs::Result<Self> {
        Ok(Self {
            error: object.get("error")?,
            origin: object.get("origin")?,
            fire: object.get("fire")?,
            run: object.get("run")?,
        })
    }
}
