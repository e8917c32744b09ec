//! How a run ends: its result converted to JSON under the result limit, the error of
//! what the program threw, and the error of each limit that stops a run.

use super::event_loop::Run;
use super::exception;
use super::json_text;
use crate::limits::ByteSize;
use crate::outcome::{ErrorKind, ExecError};
use crate::protocol::Stop;
use rquickjs::{CatchResultExt, CaughtError, Ctx, Promise, Value};
use serde_json::Value as Json;

/// Why a result nested too deeply for the host fails.
const TOO_DEEP: &str = "the result nests too deeply to convert to JSON: return a flatter value";

impl Run<'_> {
    /// Converts the settled result to JSON under the result limit.
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
        if text.len() > self.spec.limits.result_bytes() {
            return Err(ExecError::new(
                ErrorKind::ResultTooLarge,
                format!(
                    "the result is {} bytes of JSON; the limit is {} bytes: return less data or a summary",
                    text.len(),
                    self.spec.limits.result_bytes()
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
                    "the program printed more than {} bytes of console output: log less, or return data instead",
                    limits.log_bytes()
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
                let described =
                    exception::describe(ctx, caught_value(ctx, other), ErrorKind::Exception);
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
