//! The native functions the harness calls, and the Rust-side state they share with the
//! run loop. The only JavaScript values kept here are the resolving functions of calls
//! the loop has not taken yet and the harness's view getters; [`ForgetPending`] drops
//! them before the runtime goes away. Timer callbacks live in the harness.

use super::binary::{self, Binary, ViewGetters};
use super::inspect;
use super::text;
use super::to_host::{self, class_of, Classes, Unsendable};
use crate::attachment::{self, Attachment};
use crate::engine::Routing;
use crate::limits::{ByteSize, Limits};
use crate::progress::{LogLevel, Progress};
use crate::protocol::{RunControl, RunEvent, Stop};
use crate::registry::{CallArguments, HostFunction, Registry};
use crate::value::{Bytes, Value as Host};
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
    pub args: CallArguments,
    /// The registered function the call goes to, unless it is surfaced to the host
    /// first; then its arguments are a [`Host`] value.
    pub dispatched: Option<HostFunction>,
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
struct Attachments {
    list: Vec<Attachment>,
    /// What they cost against the result limit.
    cost: usize,
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
    registry: Registry,
    routing: Routing,
    /// The getters views' bytes are read with, once the harness is installed.
    pub views: ViewGetters,
    /// Where console lines go as they are printed, when the host watches the run.
    live: Option<UnboundedSender<RunEvent>>,
    host_calls: usize,
    log_bytes: usize,
    argument_bytes: usize,
    result_bytes: usize,
    calls: RefCell<Calls>,
    logs: RefCell<Logs>,
    attachments: RefCell<Attachments>,
    timers: RefCell<Timers>,
}

impl Bridge {
    pub(super) fn new(
        limits: &Limits,
        control: Arc<RunControl>,
        registry: &Registry,
        routing: Routing,
        live: Option<UnboundedSender<RunEvent>>,
    ) -> Self {
        Self {
            control,
            registry: registry.clone(),
            routing,
            views: ViewGetters::default(),
            live,
            host_calls: limits.host_calls(),
            log_bytes: limits.log_bytes(),
            argument_bytes: limits.memory_bytes(),
            result_bytes: limits.result_bytes(),
            calls: RefCell::default(),
            logs: RefCell::default(),
            attachments: RefCell::default(),
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

    /// Takes the attachments the program made.
    pub(super) fn take_attachments(&self) -> Vec<Attachment> {
        std::mem::take(&mut self.attachments.borrow_mut().list)
    }

    /// What the attachments cost against the result limit.
    pub(super) fn attachment_bytes(&self) -> usize {
        self.attachments.borrow().cost
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

    /// The registered function a call to `target` runs at once, if any: the host sees
    /// every call first when it intercepts them.
    fn dispatched(&self, target: &str) -> Option<HostFunction> {
        match self.routing {
            Routing::Host => None,
            Routing::RegisteredOnly | Routing::RegisteredThenHost => {
                self.registry.get(target).cloned()
            }
        }
    }

    fn call<'js>(
        &self,
        ctx: &Ctx<'js>,
        classes: Classes,
        target: String,
        args: Value<'js>,
    ) -> rquickjs::Result<Promise<'js>> {
        let dispatched = self.dispatched(&target);
        // A function that takes JSON gets its arguments built as JSON directly.
        let converted = match &dispatched {
            Some(function) if function.takes_json() => {
                to_host::convert(ctx, classes, &self.views, self.argument_bytes, args)
                    .map(|args| args.map(CallArguments::Json))
            }
            _ => to_host::convert(ctx, classes, &self.views, self.argument_bytes, args)
                .map(|args| args.map(CallArguments::Value)),
        };
        let args = match converted {
            Ok(Some(
                args @ (CallArguments::Value(Host::Object(_))
                | CallArguments::Json(serde_json::Value::Object(_))),
            )) => args,
            Ok(None) => CallArguments::Value(Host::Object(Default::default())),
            Ok(Some(other)) => {
                let kind = match other {
                    CallArguments::Value(value) => value.kind(),
                    CallArguments::Json(json) => crate::value::json_kind(&json),
                };
                return Err(Exception::throw_type(
                    ctx,
                    &format!("codemode.{target}: the arguments must convert to a JSON object, but their toJSON method made them {kind}"),
                ));
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
                    Unsendable::TooLarge(bytes) => format!("they take more than {}, the run's memory limit; send less data per call", ByteSize(bytes)),
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
            dispatched,
            resolvers: Resolvers {
                resolve: Persistent::save(ctx, resolve),
                reject: Persistent::save(ctx, reject),
            },
        });
        Ok(promise)
    }

    /// Adds the bytes of `data` as an attachment of type `mime_type`. A wrong argument
    /// is a TypeError; attachments past the result limit are refused with the message
    /// the harness throws.
    fn attach<'js>(
        &self,
        ctx: &Ctx<'js>,
        classes: Classes,
        data: Value<'js>,
        mime_type: Value<'js>,
    ) -> rquickjs::Result<Option<String>> {
        const USAGE: &str = "attach(data, mimeType)";
        let kind = data
            .as_object()
            .and_then(|_| Binary::of(&classes, class_of(&data), &data));
        let Some(kind) = kind else {
            return Err(Exception::throw_type(
                ctx,
                &format!("{USAGE}: `data` must be a Uint8Array (or another typed array, an ArrayBuffer or a DataView), got {}", describe(&data)),
            ));
        };
        let Some(mime_type) = mime_type.as_string().map(text::lossy) else {
            return Err(Exception::throw_type(
                ctx,
                &format!(
                    "{USAGE}: `mimeType` must be a string such as \"image/png\", got {}",
                    describe(&mime_type)
                ),
            ));
        };
        if let Err(reason) = attachment::check_mime_type(&mime_type) {
            return Err(Exception::throw_type(ctx, &format!("{USAGE}: {reason}")));
        }
        let span = binary::locate(ctx, &self.views, &data, kind)?;
        let cost = Attachment::cost(&mime_type, span.len);
        let mut attachments = self.attachments.borrow_mut();
        let total = attachments.cost.saturating_add(cost);
        if total > self.result_bytes {
            return Ok(Some(format!(
                "{USAGE}: this attachment of {} would bring the answer to {} with base64, past the result limit of {}: attach less data, or smaller files",
                ByteSize(span.len),
                ByteSize(total),
                ByteSize(self.result_bytes)
            )));
        }
        attachments.cost = total;
        attachments.list.push(Attachment {
            mime_type,
            data: Bytes(binary::copy(ctx, &span)),
        });
        Ok(None)
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
pub(super) struct Natives<'js> {
    pub call: Function<'js>,
    pub log: Function<'js>,
    pub set_timer: Function<'js>,
    pub clear_timer: Function<'js>,
    pub attach: Function<'js>,
}

/// Makes the native functions of a run.
pub(super) fn natives<'js>(
    ctx: &Ctx<'js>,
    bridge: &Rc<Bridge>,
    classes: Classes,
) -> rquickjs::Result<Natives<'js>> {
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
    let b = Rc::clone(bridge);
    let attach = Function::new(
        ctx.clone(),
        move |ctx: Ctx<'js>, data: Value<'js>, mime_type: Value<'js>| {
            b.attach(&ctx, classes, data, mime_type)
        },
    )?;
    Ok(Natives {
        call,
        log,
        set_timer,
        clear_timer,
        attach,
    })
}

/// How a value's type reads in a message: `a string`, `an array`, `undefined`...
fn describe(value: &Value<'_>) -> &'static str {
    if value.is_undefined() {
        "undefined"
    } else if value.is_null() {
        "null"
    } else if value.is_string() {
        "a string"
    } else if value.is_number() {
        "a number"
    } else if value.is_bool() {
        "a boolean"
    } else if value.is_array() {
        "an array"
    } else if value.is_function() {
        "a function"
    } else if value.is_symbol() {
        "a symbol"
    } else if value.is_big_int() {
        "a BigInt"
    } else {
        "an object"
    }
}

/// Drops the calls the loop has not taken, their resolving functions and the view
/// getters when it goes out of scope, which must happen before the runtime is freed:
/// the runtime aborts the process if a value it owns is still held from Rust.
pub(super) struct ForgetPending(pub Rc<Bridge>);

impl Drop for ForgetPending {
    fn drop(&mut self) {
        self.0.calls.borrow_mut().new.clear();
        self.0.views.forget();
    }
}

/// Kinds of errors made by the harness's `error`, which its `origin` gives back for
/// the errors it made: failed calls, and attachments past the result limit (made by
/// the harness's `attach`).
pub(super) const ANSWER_TOOL_ERROR: i32 = 1;
pub(super) const ANSWER_UNKNOWN_TOOL: i32 = 2;
pub(super) const ATTACHMENTS_TOO_LARGE: i32 = 3;

/// The functions the harness returns for the run loop.
pub(super) struct Harness<'js> {
    pub error: Function<'js>,
    pub origin: Function<'js>,
    pub fire: Function<'js>,
    pub run: Function<'js>,
    /// The getters a view's bytes are read with.
    pub views: Object<'js>,
}

impl<'js> Harness<'js> {
    pub(super) fn from_object(object: &Object<'js>) -> rquickjs::Result<Self> {
        Ok(Self {
            error: object.get("error")?,
            origin: object.get("origin")?,
            fire: object.get("fire")?,
            run: object.get("run")?,
            views: object.get("views")?,
        })
    }
}
