//! How a run ends: its result converted to JSON under the result limit, the error of
//! what the program threw, and the error of each limit that stops a run.
//!
//! A `Uint8Array` in the result (any typed array, `ArrayBuffer` or `DataView`) becomes
//! a base64 string of its bytes, the form MCP and JSON Schema give binary data, where
//! `JSON.stringify` would write an object of indices (`{"0":137,"1":80,...}`), six
//! times larger and of no use to a reader.

use super::bridge::{ANSWER_TOOL_ERROR, ANSWER_UNKNOWN_TOOL, ATTACHMENTS_TOO_LARGE};
use super::event_loop::Run;
use super::exception::{self, Origin};
use super::to_host::{self, Unsendable};
use crate::limits::ByteSize;
use crate::outcome::{ErrorKind, ExecError};
use crate::protocol::Stop;
use rquickjs::{CaughtError, Ctx, Promise, Value};
use serde_json::Value as Json;
use std::io::{self, Write};

/// Why a result nested too deeply for the host fails.
const TOO_DEEP: &str = "the result nests too deeply to convert to JSON: return a flatter value";
/// Why a result with a cycle fails.
const CYCLE: &str =
    "the result contains a cycle, which JSON cannot represent: return a tree of plain values";
/// Why a result with a BigInt fails.
const BIG_INT: &str = "the result contains a BigInt, which JSON cannot represent: convert it with String() or Number()";

impl Run<'_> {
    /// Converts the settled result to JSON (bytes as base64 strings) under the result
    /// limit, which the attachments share.
    pub(super) fn finish<'js>(
        &self,
        ctx: &Ctx<'js>,
        promise: &Promise<'js>,
    ) -> Result<Json, ExecError> {
        let value = match promise.result::<Value>() {
            Some(Ok(value)) => value,
            _ => {
                return Err(ExecError::new(
                    ErrorKind::Internal,
                    "the program's result could not be read",
                ))
            }
        };
        let limits = &self.spec.limits;
        let attached = self.bridge.attachment_bytes();
        // The walk stops at the memory limit, well past any sensible result; the
        // result limit is checked against the JSON's exact size below.
        let converted = to_host::convert(
            ctx,
            self.sandbox.classes,
            &self.bridge.views,
            limits.memory_bytes().max(limits.result_bytes()),
            value,
        );
        let json = match converted {
            Ok(Some(json)) => json,
            Ok(None) => Json::Null,
            Err(unsendable) => return Err(self.unconvertible(ctx, unsendable)),
        };
        self.check_stopped()?;
        let size = json_size(&json);
        if size.saturating_add(attached) > limits.result_bytes() {
            let attachments = if attached > 0 {
                format!(" and the attachments {} with base64", ByteSize(attached))
            } else {
                String::new()
            };
            return Err(ExecError::new(
                ErrorKind::ResultTooLarge,
                format!(
                    "the result is {} of JSON{attachments}; the limit is {}: return less data or a summary",
                    ByteSize(size),
                    ByteSize(limits.result_bytes())
                ),
            ));
        }
        Ok(json)
    }

    /// Why the result cannot be converted, from what the walk found.
    fn unconvertible<'js>(&self, ctx: &Ctx<'js>, unsendable: Unsendable) -> ExecError {
        if let Err(stopped) = self.check_stopped() {
            return stopped;
        }
        let thrown = match unsendable {
            Unsendable::Cycle => return ExecError::new(ErrorKind::ResultNotJson, CYCLE),
            Unsendable::BigInt => return ExecError::new(ErrorKind::ResultNotJson, BIG_INT),
            Unsendable::TooDeep => return ExecError::new(ErrorKind::ResultNotJson, TOO_DEEP),
            Unsendable::TooLarge(bytes) => {
                return ExecError::new(
                    ErrorKind::ResultTooLarge,
                    format!(
                        "the result is more than {} of JSON; the limit is {}: return less data or a summary",
                        ByteSize(bytes),
                        ByteSize(self.spec.limits.result_bytes())
                    ),
                )
            }
            Unsendable::Unreadable(error) => {
                return ExecError::new(
                    ErrorKind::ResultNotJson,
                    format!("the result is not valid JSON: {error}"),
                )
            }
            Unsendable::Thrown => ctx.catch(),
        };
        let origin = self.origin(ctx, &thrown);
        let reason = exception::describe(ctx, thrown, ErrorKind::ResultNotJson, origin);
        if let Err(stopped) = self.check_stopped() {
            return stopped;
        }
        if reason.kind == ErrorKind::Stack {
            return ExecError::new(ErrorKind::ResultNotJson, TOO_DEEP);
        }
        ExecError::new(
            ErrorKind::ResultNotJson,
            format!(
                "the result cannot be converted to JSON ({})",
                reason.message
            ),
        )
    }

    /// Who made a thrown value: the harness's `origin` knows the errors it made.
    fn origin<'js>(&self, ctx: &Ctx<'js>, thrown: &Value<'js>) -> Origin {
        let Some(origin) = &self.origin else {
            return Origin::Program;
        };
        let status = origin
            .clone()
            .restore(ctx)
            .and_then(|origin| origin.call::<_, i32>((thrown.clone(),)));
        match status {
            Ok(ANSWER_TOOL_ERROR) => Origin::FailedCall,
            Ok(ANSWER_UNKNOWN_TOOL) => Origin::UnknownCall,
            Ok(ATTACHMENTS_TOO_LARGE) => Origin::AttachmentLimit,
            Ok(_) => Origin::Program,
            Err(_) => {
                ctx.catch();
                Origin::Program
            }
        }
    }

    /// Fails with the reason the run was stopped, if it was.
    pub(super) fn check_stopped(&self) -> Result<(), ExecError> {
        match self.control.stop_reason() {
            Some(stop) => Err(self.stopped_error(stop)),
            None => Ok(()),
        }
    }

    /// Stops the run for `reason` and returns the error of whatever stopped it first.
    pub(super) fn stop(&self, reason: Stop) -> ExecError {
        self.control.stop(reason);
        self.stopped_error(self.control.stop_reason().unwrap_or(reason))
    }

    fn stopped_error(&self, stop: Stop) -> ExecError {
        let limits = &self.spec.limits;
        match stop {
            Stop::Cancelled => {
                ExecError::new(ErrorKind::Cancelled, "the run was cancelled by its host")
            }
            Stop::Timeout => ExecError::new(
                ErrorKind::Timeout,
                format!(
                    "the program did not finish within {} ms ({} host calls and {} timers still pending)",
                    limits.timeout().as_millis(),
                    self.in_flight.len() + self.waiting.len(),
                    self.bridge.pending_timers()
                ),
            ),
            Stop::Memory => ExecError::new(
                ErrorKind::Memory,
                format!(
                    "the program used more than its memory limit of {}: work on less data at once",
                    ByteSize(limits.memory_bytes())
                ),
            ),
            Stop::OutputLimit => ExecError::new(
                ErrorKind::OutputLimit,
                format!(
                    "the program printed more than {} of console output: log less, or return data instead",
                    ByteSize(limits.log_bytes())
                ),
            ),
            Stop::TooManyCalls => ExecError::new(
                ErrorKind::TooManyCalls,
                format!(
                    "the program made more than {} host calls: batch the work into fewer calls",
                    limits.host_calls()
                ),
            ),
        }
    }

    /// The error for a caught failure: a stop decided outside JavaScript wins over
    /// whatever JavaScript threw.
    pub(super) fn failure<'js>(&self, ctx: &Ctx<'js>, caught: CaughtError<'js>) -> ExecError {
        if let Err(stopped) = self.check_stopped() {
            return stopped;
        }
        match caught {
            CaughtError::Error(error) => {
                ExecError::new(ErrorKind::Internal, format!("engine error: {error}"))
            }
            other => {
                let thrown = caught_value(ctx, other);
                let origin = self.origin(ctx, &thrown);
                let described = exception::describe(ctx, thrown, ErrorKind::Exception, origin);
                // Describing runs the program's getters, which may hit a limit themselves.
                self.check_stopped().err().unwrap_or(described)
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

/// Bytes of `json`'s compact text, counted without writing it.
fn json_size(json: &Json) -> usize {
    struct Count(usize);
    impl Write for Count {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0 += bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    match serde_json::to_writer(&mut count, json) {
        Ok(()) => count.0,
        Err(_) => usize::MAX,
    }
}
