//! What a client sees of a run while it runs: `notifications/progress` for requests
//! that carry a `progressToken`, and console lines as `notifications/message` at or
//! above the level the client set with `logging/setLevel`.
//!
//! Both go out at most [`PER_SECOND`] times a second per run: lines printed in between
//! are coalesced into the next notification. The final answer carries the full logs
//! either way.
//!
//! MCP logging is deprecated from protocol 2026-07-28 on (rmcp marks its types so);
//! the protocol versions the server speaks with its clients still have it.
#![allow(deprecated)]

use crate::progress::{LogLevel, Progress};
use rmcp::model::{
    LoggingLevel, LoggingMessageNotificationParam, ProgressNotificationParam, ProgressToken,
};
use rmcp::service::{Peer, RequestContext};
use rmcp::RoleServer;
use std::convert::Infallible;
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// The most notifications of each kind a run sends per second.
pub(crate) const PER_SECOND: u32 = 20;
/// The most characters of lines one notification carries; lines beyond it are counted.
const NOTIFICATION_CHARS: usize = 8_000;
/// The logger name console lines are sent under.
const LOGGER: &str = "console";

/// The logging level a client session asked for; none until it sends
/// `logging/setLevel`, and then nothing is sent.
#[derive(Default)]
pub(crate) struct SessionLog {
    level: Mutex<Option<LoggingLevel>>,
}

impl SessionLog {
    /// Sends console lines at `level` and above from now on, to runs that start later.
    pub(crate) fn set(&self, level: LoggingLevel) {
        *self.level.lock().unwrap_or_else(|p| p.into_inner()) = Some(level);
    }

    fn get(&self) -> Option<LoggingLevel> {
        *self.level.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Forwards one run's progress to its client.
pub(crate) struct Live {
    events: mpsc::UnboundedReceiver<Progress>,
    peer: Peer<RoleServer>,
    token: Option<ProgressToken>,
    level: Option<LoggingLevel>,
    pending: Pending,
    /// Events reported so far: the `progress` of the next notification.
    reported: u64,
}

/// Events waiting for the next notification.
#[derive(Default)]
struct Pending {
    /// Lines and call notices, for the progress notification.
    progress: Batch,
    /// Console lines at or above the client's level, and the highest of their levels.
    log: Batch,
    log_level: Option<LoggingLevel>,
}

/// Lines joined for one notification, up to [`NOTIFICATION_CHARS`].
#[derive(Default)]
struct Batch {
    text: String,
    left_out: usize,
}

impl Batch {
    fn push(&mut self, line: &str) {
        if self.text.len() + line.len() > NOTIFICATION_CHARS {
            self.left_out += 1;
            return;
        }
        if !self.text.is_empty() {
            self.text.push('\n');
        }
        self.text.push_str(line);
    }

    /// The batch's text, or `None` when it is empty; empties it.
    fn take(&mut self) -> Option<String> {
        let Batch { mut text, left_out } = std::mem::take(self);
        if left_out > 0 {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(&format!("({left_out} more lines; the answer has them all)"));
        }
        (!text.is_empty()).then_some(text)
    }
}

/// The observer of the run serving `context` and its forwarder, when the client
/// listens: the request carries a progress token, or the session set a logging level.
pub(crate) fn for_request(
    context: &RequestContext<RoleServer>,
    log: &SessionLog,
) -> Option<(impl Fn(Progress) + Send + Sync + 'static, Live)> {
    let token = context.meta.get_progress_token();
    let level = log.get();
    if token.is_none() && level.is_none() {
        return None;
    }
    let (sender, events) = mpsc::unbounded_channel();
    let observer = move |progress: Progress| {
        let _ = sender.send(progress);
    };
    let live = Live {
        events,
        peer: context.peer.clone(),
        token,
        level,
        pending: Pending::default(),
        reported: 0,
    };
    Some((observer, live))
}

impl Live {
    /// Forwards events as they come, at most [`PER_SECOND`] notifications of each
    /// kind a second, for as long as the run lasts (never resolves: race it against
    /// the run, then call [`finish`](Self::finish)).
    pub(crate) async fn forward(&mut self) -> Infallible {
        let interval = Duration::from_secs(1) / PER_SECOND;
        let mut next = Instant::now();
        loop {
            let Some(progress) = self.events.recv().await else {
                return std::future::pending().await;
            };
            self.take(progress);
            tokio::time::sleep_until(next).await;
            self.drain();
            self.send().await;
            next = Instant::now() + interval;
        }
    }

    /// Sends what the run reported since the last notification.
    pub(crate) async fn finish(mut self) {
        self.drain();
        self.send().await;
    }

    fn drain(&mut self) {
        while let Ok(progress) = self.events.try_recv() {
            self.take(progress);
        }
    }

    fn take(&mut self, progress: Progress) {
        self.reported += 1;
        match progress {
            Progress::Log { level, line } => {
                let level = logging_level(level);
                if self.level.is_some_and(|least| rank(level) >= rank(least)) {
                    self.pending.log.push(&line);
                    let highest = match self.pending.log_level {
                        Some(highest) if rank(highest) >= rank(level) => highest,
                        _ => level,
                    };
                    self.pending.log_level = Some(highest);
                }
                self.pending.progress.push(&line);
            }
            Progress::Call { function } => {
                self.pending
                    .progress
                    .push(&format!("calling codemode.{function}"));
            }
        }
    }

    async fn send(&mut self) {
        if let (Some(token), Some(text)) = (&self.token, self.pending.progress.take()) {
            let params = ProgressNotificationParam::new(token.clone(), self.reported as f64)
                .with_message(text);
            if let Err(error) = self.peer.notify_progress(params).await {
                tracing::debug!(%error, "a client did not take a progress notification");
            }
        }
        let level = self.pending.log_level.take();
        if let (Some(level), Some(text)) = (level, self.pending.log.take()) {
            let params =
                LoggingMessageNotificationParam::new(level, text.into()).with_logger(LOGGER);
            if let Err(error) = self.peer.notify_logging_message(params).await {
                tracing::debug!(%error, "a client did not take a log message");
            }
        }
    }
}

/// The MCP level of a console line.
fn logging_level(level: LogLevel) -> LoggingLevel {
    match level {
        LogLevel::Debug => LoggingLevel::Debug,
        LogLevel::Warn => LoggingLevel::Warning,
        LogLevel::Error => LoggingLevel::Error,
        LogLevel::Info => LoggingLevel::Info,
    }
}

/// The severity of `level`, lowest first.
fn rank(level: LoggingLevel) -> u8 {
    match level {
        LoggingLevel::Debug => 0,
        LoggingLevel::Info => 1,
        LoggingLevel::Notice => 2,
        LoggingLevel::Warning => 3,
        LoggingLevel::Error => 4,
        LoggingLevel::Critical => 5,
        LoggingLevel::Alert => 6,
        LoggingLevel::Emergency => 7,
    }
}
