//! The metrics codemode records, through the `metrics` facade.
//!
//! Any module records with `metrics::counter!(NAME, ...)` and friends; without an
//! installed recorder that costs a no-op. The MCP server installs a Prometheus recorder
//! and serves it at `/metrics`. Names and labels are declared here so that the
//! exposition reads as one vocabulary.
//!
//! Host calls are too frequent for a recorder lookup each (about 100 ns, 2% of a call):
//! they bump a process-wide atomic, which [`publish_sampled`] copies into the recorder
//! when the metrics are read.

use std::sync::atomic::{AtomicU64, Ordering};

/// Runs finished, labelled `outcome`: `success` or the error kind (`timeout`, ...).
#[cfg(feature = "mcp")]
pub(crate) const RUNS: &str = "codemode_runs_total";
/// Wall-clock seconds from the start of a run to its outcome.
#[cfg(feature = "mcp")]
pub(crate) const RUN_SECONDS: &str = "codemode_run_duration_seconds";
/// Runs started and not finished yet.
#[cfg(feature = "mcp")]
pub(crate) const RUNS_IN_FLIGHT: &str = "codemode_runs_in_flight";
/// Calls of registered host functions.
#[cfg(feature = "mcp")]
pub(crate) const HOST_CALLS: &str = "codemode_host_calls_total";

/// Host calls made by this process so far.
static HOST_CALLS_MADE: AtomicU64 = AtomicU64::new(0);

/// Counts one call of a registered host function.
pub(crate) fn count_host_call() {
    HOST_CALLS_MADE.fetch_add(1, Ordering::Relaxed);
}

/// Copies the counts kept outside the recorder into it, before the metrics are read.
#[cfg(feature = "mcp")]
pub(crate) fn publish_sampled() {
    metrics::counter!(HOST_CALLS).absolute(HOST_CALLS_MADE.load(Ordering::Relaxed));
}
/// MCP sessions open on the streamable HTTP server.
#[cfg(feature = "mcp")]
pub(crate) const SESSIONS: &str = "codemode_sessions";
/// Sessions whose rmcp worker is in memory; the others are parked.
#[cfg(feature = "mcp")]
pub(crate) const SESSION_WORKERS: &str = "codemode_session_workers";
/// Sessions closed, labelled `reason`: `ended` (deleted by the client, or its worker
/// ended), `expired` or `evicted`.
#[cfg(feature = "mcp")]
pub(crate) const SESSIONS_CLOSED: &str = "codemode_sessions_closed_total";
/// HTTP requests refused before reaching MCP, labelled `reason`.
#[cfg(feature = "mcp")]
pub(crate) const HTTP_REJECTED: &str = "codemode_http_rejected_total";

/// Calls to upstream MCP servers, labelled `server` and `outcome`: `success`,
/// `tool_error` (the upstream answered `isError`), `refused` (a protocol error),
/// `timeout`, or `unavailable` (not running, or lost mid-call).
#[cfg(feature = "mcp")]
pub(crate) const UPSTREAM_CALLS: &str = "codemode_upstream_calls_total";

/// Upper bounds of the run duration histogram's buckets, in seconds.
#[cfg(feature = "mcp")]
pub(crate) const RUN_SECONDS_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];

/// Gives every metric above its help text, for the Prometheus exposition.
#[cfg(feature = "mcp")]
pub(crate) fn describe() {
    use metrics::Unit;
    metrics::describe_counter!(
        RUNS,
        "Runs finished, by outcome: success or the error kind."
    );
    metrics::describe_histogram!(
        RUN_SECONDS,
        Unit::Seconds,
        "Wall-clock time from the start of a run to its outcome."
    );
    metrics::describe_gauge!(RUNS_IN_FLIGHT, "Runs started and not finished yet.");
    metrics::describe_counter!(HOST_CALLS, "Calls of registered host functions.");
    metrics::describe_gauge!(SESSIONS, "MCP sessions open on the HTTP server.");
    metrics::describe_gauge!(
        SESSION_WORKERS,
        "Sessions whose worker is in memory; the others are parked until their next request."
    );
    metrics::describe_counter!(
        SESSIONS_CLOSED,
        "Sessions closed, by reason: ended (deleted by the client), expired, or evicted."
    );
    metrics::describe_counter!(
        UPSTREAM_CALLS,
        "Calls to upstream MCP servers, by server and outcome: success, tool_error, refused, timeout or unavailable."
    );
    metrics::describe_counter!(
        HTTP_REJECTED,
        "HTTP requests refused before reaching MCP, by reason."
    );
}

/// Records one run: in flight from [`RunRecord::start`] until dropped, counted and
/// timed by [`RunRecord::finish`].
#[cfg(feature = "mcp")]
pub(crate) struct RunRecord {
    started: std::time::Instant,
}

#[cfg(feature = "mcp")]
impl RunRecord {
    /// Counts a run as in flight.
    pub(crate) fn start() -> Self {
        metrics::gauge!(RUNS_IN_FLIGHT).increment(1.0);
        Self {
            started: std::time::Instant::now(),
        }
    }

    /// Counts the run's outcome and its duration.
    pub(crate) fn finish(self, outcome: &crate::Outcome) {
        let label = match &outcome.error {
            None => "success",
            Some(error) => error.kind.as_str(),
        };
        metrics::counter!(RUNS, "outcome" => label).increment(1);
        metrics::histogram!(RUN_SECONDS).record(self.started.elapsed().as_secs_f64());
    }
}

#[cfg(feature = "mcp")]
impl Drop for RunRecord {
    fn drop(&mut self) {
        metrics::gauge!(RUNS_IN_FLIGHT).decrement(1.0);
    }
}
