//! The resource limits of a run.

use std::fmt;
use std::time::Duration;

/// Resource limits applied to every run of an [`Executor`](crate::Executor).
///
/// Each limit, when hit, ends the run with its own [`ErrorKind`](crate::ErrorKind) and
/// never affects the host process or other runs. Start from [`Limits::default`] and
/// change what you need with the `with_*` methods, which keep every limit valid.
///
/// ```
/// use std::time::Duration;
///
/// let limits = codemode::Limits::default()
///     .with_timeout(Duration::from_secs(5))
///     .with_memory_bytes(32 * 1024 * 1024);
/// assert_eq!(limits.timeout(), Duration::from_secs(5));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    timeout: Duration,
    memory_bytes: usize,
    stack_bytes: usize,
    source_bytes: usize,
    log_bytes: usize,
    result_bytes: usize,
    host_calls: usize,
    host_calls_in_flight: usize,
    host_call_timeout: Option<Duration>,
    approval_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            memory_bytes: 64 * 1024 * 1024,
            stack_bytes: 1024 * 1024,
            source_bytes: 1024 * 1024,
            log_bytes: 256 * 1024,
            result_bytes: 4 * 1024 * 1024,
            host_calls: 10_000,
            host_calls_in_flight: 64,
            host_call_timeout: None,
            approval_timeout: Duration::from_secs(5 * 60),
        }
    }
}

impl Limits {
    /// Wall-clock time for the whole run, including time spent awaiting host calls
    /// and timers, and for programs that never settle. Default: 30 s. When hit: the
    /// run stops, even inside `while (true) {}`, and fails with
    /// [`ErrorKind::Timeout`](crate::ErrorKind::Timeout).
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Bytes the JavaScript heap may allocate, including ArrayBuffer and typed-array
    /// storage; an empty sandbox takes about 200 KiB. Default: 64 MiB. When hit: the
    /// run fails with [`ErrorKind::Memory`](crate::ErrorKind::Memory), even if the
    /// program catches the engine's error.
    pub fn memory_bytes(&self) -> usize {
        self.memory_bytes
    }

    /// Bytes of native stack JavaScript may use, which bounds recursion depth.
    /// Default: 1 MiB. When hit: the run fails with
    /// [`ErrorKind::Stack`](crate::ErrorKind::Stack).
    pub fn stack_bytes(&self) -> usize {
        self.stack_bytes
    }

    /// Bytes of source code accepted. Default: 1 MiB. When hit: the run fails before
    /// it starts, with [`ErrorKind::SourceTooLarge`](crate::ErrorKind::SourceTooLarge).
    pub fn source_bytes(&self) -> usize {
        self.source_bytes
    }

    /// Bytes of console output kept. Default: 256 KiB. When hit: the logs end with a
    /// marker line and the run fails with
    /// [`ErrorKind::OutputLimit`](crate::ErrorKind::OutputLimit).
    pub fn log_bytes(&self) -> usize {
        self.log_bytes
    }

    /// Bytes of the result's JSON text. Default: 4 MiB. When hit: the run fails with
    /// [`ErrorKind::ResultTooLarge`](crate::ErrorKind::ResultTooLarge).
    pub fn result_bytes(&self) -> usize {
        self.result_bytes
    }

    /// Host calls one run may make. Default: 10,000. When hit: the run stops at the
    /// call over the limit and fails with
    /// [`ErrorKind::TooManyCalls`](crate::ErrorKind::TooManyCalls), even if the program
    /// would catch the error.
    pub fn host_calls(&self) -> usize {
        self.host_calls
    }

    /// Host calls one run may have in flight at once. Default: 64. When hit: further
    /// calls wait, unsent, until one in flight is answered. A
    /// [`Session`](crate::Session) surfaces at most this many unanswered calls: see
    /// [`Session::next_event`](crate::Session::next_event).
    pub fn host_calls_in_flight(&self) -> usize {
        self.host_calls_in_flight
    }

    /// Time one host function may take. Default: `None`, which leaves only the run's
    /// timeout. When hit: that call rejects with `codemode.<name> did not answer within
    /// N ms`, which the program may catch; the run goes on.
    pub fn host_call_timeout(&self) -> Option<Duration> {
        self.host_call_timeout
    }

    /// Time a call may wait for a person's approval (see
    /// [`RunBuilder::approver`](crate::RunBuilder::approver)); without an answer by then
    /// it is refused. While calls wait, the run's timeout stands still. Default: 5 min.
    pub fn approval_timeout(&self) -> Duration {
        self.approval_timeout
    }

    /// Sets the wall-clock timeout of a run.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the memory limit of a run, in bytes.
    pub fn with_memory_bytes(mut self, bytes: usize) -> Self {
        self.memory_bytes = bytes;
        self
    }

    /// Sets the stack limit of a run, in bytes (at least 1: the engine reads 0 as no
    /// limit at all, and a deep recursion would then overflow the thread's stack).
    pub fn with_stack_bytes(mut self, bytes: usize) -> Self {
        self.stack_bytes = bytes.max(1);
        self
    }

    /// Sets the largest accepted source, in bytes.
    pub fn with_source_bytes(mut self, bytes: usize) -> Self {
        self.source_bytes = bytes;
        self
    }

    /// Sets the console output kept per run, in bytes.
    pub fn with_log_bytes(mut self, bytes: usize) -> Self {
        self.log_bytes = bytes;
        self
    }

    /// Sets the largest result, in bytes of JSON.
    pub fn with_result_bytes(mut self, bytes: usize) -> Self {
        self.result_bytes = bytes;
        self
    }

    /// Sets the number of host calls a run may make.
    pub fn with_host_calls(mut self, calls: usize) -> Self {
        self.host_calls = calls;
        self
    }

    /// Sets the number of host calls a run may have in flight at once (at least 1:
    /// with none, every call would wait until the run times out).
    pub fn with_host_calls_in_flight(mut self, calls: usize) -> Self {
        self.host_calls_in_flight = calls.max(1);
        self
    }

    /// Sets the time one host function may take.
    pub fn with_host_call_timeout(mut self, timeout: Duration) -> Self {
        self.host_call_timeout = Some(timeout);
        self
    }

    /// Sets the time a call may wait for its approval.
    pub fn with_approval_timeout(mut self, timeout: Duration) -> Self {
        self.approval_timeout = timeout;
        self
    }
}

/// A byte count written as limits are: in MiB when it is a whole number of them, else
/// in KiB, rounded up.
pub(crate) struct ByteSize(pub usize);

impl ByteSize {
    /// A count of bytes given as a `u64`, such as a file's length.
    pub(crate) fn of(bytes: u64) -> Self {
        Self(usize::try_from(bytes).unwrap_or(usize::MAX))
    }
}

impl fmt::Display for ByteSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MIB: usize = 1024 * 1024;
        if self.0 >= MIB && self.0.is_multiple_of(MIB) {
            write!(f, "{} MiB", self.0 / MIB)
        } else {
            write!(f, "{} KiB", self.0.div_ceil(1024))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ByteSize;

    #[test]
    fn byte_sizes_read_as_limits_are_written() {
        assert_eq!(ByteSize(64 * 1024 * 1024).to_string(), "64 MiB");
        assert_eq!(ByteSize(64 * 1024).to_string(), "64 KiB");
        assert_eq!(ByteSize(3 * 512 * 1024).to_string(), "1536 KiB");
        assert_eq!(ByteSize(1000).to_string(), "1 KiB");
    }
}
