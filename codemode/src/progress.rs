//! What a run reports while it runs, for hosts that show it live (see
//! [`RunBuilder::on_progress`](crate::RunBuilder::on_progress)).

/// Something a running program did, reported as it happens.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Progress {
    /// The program printed a console line. `line` is the entry it adds to
    /// [`Outcome::logs`](crate::Outcome::logs), `[warn] ` and `[error] ` included.
    Log {
        /// The console method's level.
        level: LogLevel,
        /// The line as it appears in the logs.
        line: String,
    },
    /// A registered host function started running for a call (after its approval,
    /// when it needs one).
    Call {
        /// The function, as the program calls it after `codemode.`: `fs.read`.
        function: String,
    },
}

/// The level of a console line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum LogLevel {
    /// `console.debug`.
    Debug,
    /// `console.log`, `console.info`, `console.trace`, `console.dir`.
    Info,
    /// `console.warn`, and the line saying the output limit was reached.
    Warn,
    /// `console.error`.
    Error,
}
