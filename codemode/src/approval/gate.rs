//! The approval step of one run: asks the run's approver about each call that needs
//! it, one question at a time, remembers the functions approved for the whole run, and
//! keeps the run's deadline still while calls wait.

use super::{Approval, ApprovalRequest, Approver};
use crate::protocol::RunControl;
use crate::registry::CallArguments;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The approval step of one run.
pub(crate) struct Gate {
    approver: Option<Arc<dyn Approver>>,
    code: Arc<str>,
    timeout: Duration,
    control: Arc<RunControl>,
    /// Functions approved for the rest of the run.
    approved: Mutex<HashSet<String>>,
    /// Held while a question is asked, so that questions come one at a time.
    turn: tokio::sync::Mutex<()>,
}

impl Gate {
    /// The approval step of the run of `code`, asking `approver` and giving up on a
    /// question after `timeout`.
    pub(crate) fn new(
        approver: Option<Arc<dyn Approver>>,
        code: &str,
        timeout: Duration,
        control: Arc<RunControl>,
    ) -> Self {
        Self {
            approver,
            code: Arc::from(code),
            timeout,
            control,
            approved: Mutex::default(),
            turn: tokio::sync::Mutex::new(()),
        }
    }

    /// Whether calls to `path` were approved for the rest of the run.
    pub(crate) fn approved(&self, path: &str) -> bool {
        self.approved
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(path)
    }

    /// Whether the run was stopped, so that no call should start any more.
    pub(crate) fn stopped(&self) -> bool {
        self.control.stop_reason().is_some()
    }

    /// Waits until the call of `path` with `arguments` is approved; the error is the
    /// message the call fails with when it is not.
    pub(crate) async fn ask(&self, path: &str, arguments: &CallArguments) -> Result<(), String> {
        let _pause = self.control.pause();
        let answered = tokio::time::timeout(self.timeout, async {
            let _turn = self.turn.lock().await;
            if self.approved(path) {
                return Approval::Once;
            }
            let Some(approver) = &self.approver else {
                return Approval::Deny(
                    "it needs approval, and this run has no approver to ask (give one with RunBuilder::approver)"
                        .to_owned(),
                );
            };
            let answer = approver
                .approve(ApprovalRequest {
                    function: path.to_owned(),
                    arguments: arguments.to_value(),
                    code: Arc::clone(&self.code),
                })
                .await;
            if answer == Approval::ForRun {
                self.approved
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(path.to_owned());
            }
            answer
        })
        .await;
        match answered {
            Ok(Approval::Once | Approval::ForRun) => Ok(()),
            Ok(Approval::Deny(reason)) => {
                Err(format!("codemode.{path} was not approved: {reason}"))
            }
            Err(_) => Err(format!(
                "codemode.{path} was not approved: no answer within {}",
                seconds(self.timeout)
            )),
        }
    }
}

/// A duration as people write it: `300 s`, `1.5 s`.
fn seconds(duration: Duration) -> String {
    let secs = duration.as_secs_f64();
    if secs.fract() == 0.0 {
        format!("{secs:.0} s")
    } else {
        format!("{secs} s")
    }
}
