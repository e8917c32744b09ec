//! The child process of a stdio upstream: how it ended, and the last lines it wrote
//! to stderr.

use super::redact::Redactor;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{ChildStderr, ChildStdin, ChildStdout, Command};
use tokio::sync::{oneshot, watch};

/// Lines of stderr kept for error messages.
const TAIL_LINES: usize = 8;
/// Bytes of one stderr line kept; a longer line is split.
const LINE_BYTES: u64 = 512;

/// How to start a stdio upstream.
pub(crate) struct Launch<'a> {
    pub name: &'a str,
    pub command: &'a str,
    pub args: &'a [String],
    pub env: &'a [(String, String)],
    pub cwd: Option<&'a PathBuf>,
}

/// A running child process. Dropping it kills the process and its process group.
pub(crate) struct ChildProcess {
    exit: watch::Receiver<Option<String>>,
    tail: Arc<Mutex<VecDeque<String>>>,
    _kill: oneshot::Sender<()>,
}

/// Starts the child with piped stdio; returns it with its stdout and stdin for the
/// MCP transport.
pub(crate) fn spawn(
    launch: &Launch<'_>,
    redactor: &Redactor,
) -> Result<(ChildProcess, ChildStdout, ChildStdin), String> {
    let mut command = Command::new(launch.command);
    command
        .args(launch.args)
        .envs(launch.env.iter().map(|(key, value)| (key, value)))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    if let Some(cwd) = launch.cwd {
        command.current_dir(cwd);
    }
    // A group of its own, so that what it starts (npx starts node) ends with it.
    #[cfg(unix)]
    command.process_group(0);
    let mut child = command
        .spawn()
        .map_err(|error| redactor.apply(&format!("cannot start `{}`: {error}", launch.command)))?;
    let (Some(stdout), Some(stdin), Some(stderr)) =
        (child.stdout.take(), child.stdin.take(), child.stderr.take())
    else {
        return Err(format!("`{}` started without its pipes", launch.command));
    };
    let tail = Arc::new(Mutex::new(VecDeque::new()));
    tokio::spawn(read_stderr(
        launch.name.to_owned(),
        stderr,
        Arc::clone(&tail),
        redactor.clone(),
    ));
    let (exit_sender, exit) = watch::channel(None);
    let (kill, killed) = oneshot::channel::<()>();
    let group = child.id();
    tokio::spawn(async move {
        let status = tokio::select! {
            status = child.wait() => status,
            _ = killed => {
                signal_group(group);
                let _ = child.start_kill();
                child.wait().await
            }
        };
        // Whatever the child started goes with it.
        signal_group(group);
        let _ = exit_sender.send(Some(describe(status)));
    });
    Ok((
        ChildProcess {
            exit,
            tail,
            _kill: kill,
        },
        stdout,
        stdin,
    ))
}

impl ChildProcess {
    /// How the process ended (`exited with status 1`), waiting up to `wait` for it.
    pub(crate) async fn ended(&self, wait: Duration) -> Option<String> {
        let mut exit = self.exit.clone();
        let waited = tokio::time::timeout(wait, exit.wait_for(Option::is_some)).await;
        match waited {
            Ok(Ok(ended)) => ended.clone(),
            _ => None,
        }
    }

    /// `; its last stderr lines: ...`, or nothing when it wrote none.
    pub(crate) fn stderr_note(&self) -> String {
        let tail = self
            .tail
            .lock()
            .map(|tail| tail.clone())
            .unwrap_or_default();
        if tail.is_empty() {
            return String::new();
        }
        let lines: Vec<String> = tail.into_iter().collect();
        format!("; its last stderr lines:\n  {}", lines.join("\n  "))
    }
}

async fn read_stderr(
    name: String,
    stderr: ChildStderr,
    tail: Arc<Mutex<VecDeque<String>>>,
    redactor: Redactor,
) {
    let mut reader = BufReader::new(stderr);
    let mut line = Vec::new();
    loop {
        line.clear();
        match (&mut reader)
            .take(LINE_BYTES)
            .read_until(b'\n', &mut line)
            .await
        {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        let text = redactor.apply(String::from_utf8_lossy(&line).trim_end());
        if text.is_empty() {
            continue;
        }
        tracing::debug!(upstream = %name, "stderr: {text}");
        if let Ok(mut tail) = tail.lock() {
            if tail.len() == TAIL_LINES {
                tail.pop_front();
            }
            tail.push_back(text);
        }
    }
}

fn describe(status: std::io::Result<ExitStatus>) -> String {
    match status {
        Ok(status) => match status.code() {
            Some(code) => format!("exited with status {code}"),
            None => {
                #[cfg(unix)]
                {
                    use std::os::unix::process::ExitStatusExt;
                    if let Some(signal) = status.signal() {
                        return format!("was killed by signal {signal}");
                    }
                }
                "ended".to_owned()
            }
        },
        Err(error) => format!("ended in a way that cannot be read: {error}"),
    }
}

/// Sends SIGKILL to the process group `group` leads, if any.
fn signal_group(group: Option<u32>) {
    #[cfg(unix)]
    if let Some(pid) = group.and_then(|pid| i32::try_from(pid).ok()) {
        // SAFETY: kill(2) with a negative pid signals a process group; it touches no memory.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    #[cfg(not(unix))]
    let _ = group;
}
