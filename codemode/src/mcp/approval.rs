//! Approvals asked of the client's user with `elicitation/create`.
//!
//! A run's approver only queues its questions; the `execute` request's own task asks
//! them (see [`Questions::ask_all`]), so that on streamable HTTP each question goes out
//! on the stream of the request it belongs to.

use crate::approval::{Approval, ApprovalRequest, Approver};
use rmcp::model::{
    ElicitRequestParams, ElicitResult, ElicitationAction, ElicitationSchema, EnumSchema,
    ProtocolVersion,
};
use rmcp::service::{Peer, RequestContext};
use rmcp::RoleServer;
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// The most characters of a call's arguments shown to the user.
const ARGUMENTS_CHARS: usize = 2_000;
/// The most characters of the program's source shown to the user.
const SOURCE_CHARS: usize = 4_000;
/// The property of the answer holding the user's choice.
const DECISION: &str = "decision";

/// One question waiting to be asked, and where its answer goes.
struct Question {
    request: ApprovalRequest,
    reply: oneshot::Sender<Approval>,
}

/// The questions of one `execute` request, asked of its client.
pub(crate) struct Questions {
    queue: mpsc::UnboundedReceiver<Question>,
    client: Result<Peer<RoleServer>, String>,
    timeout: Duration,
}

/// The approver of the run serving `context`, and the questions it queues. Questions
/// wait at most `timeout` for the user.
pub(crate) fn for_request(
    context: &RequestContext<RoleServer>,
    timeout: Duration,
) -> (impl Approver, Questions) {
    let (sender, queue) = mpsc::unbounded_channel();
    let approver = move |request: ApprovalRequest| {
        let sender = sender.clone();
        async move {
            let (reply, answer) = oneshot::channel();
            if sender.send(Question { request, reply }).is_err() {
                return Approval::Deny("its request has ended".to_owned());
            }
            answer
                .await
                .unwrap_or_else(|_| Approval::Deny("its request has ended".to_owned()))
        }
    };
    let questions = Questions {
        queue,
        client: askable(context),
        timeout,
    };
    (approver, questions)
}

impl Questions {
    /// Asks the queued questions one after the other, for as long as the run lasts
    /// (never resolves: race it against the run).
    pub(crate) async fn ask_all(mut self) -> Infallible {
        while let Some(Question { request, mut reply }) = self.queue.recv().await {
            let answer = match &self.client {
                Ok(peer) => {
                    tokio::select! {
                        answer = ask(peer, &request, self.timeout) => answer,
                        // The run gave up on the question (its approval timeout).
                        () = reply.closed() => continue,
                    }
                }
                Err(reason) => Approval::Deny(reason.clone()),
            };
            let _ = reply.send(answer);
        }
        std::future::pending().await
    }
}

/// The client to ask, or why none can be asked.
fn askable(context: &RequestContext<RoleServer>) -> Result<Peer<RoleServer>, String> {
    let http = context
        .extensions
        .get::<axum::http::request::Parts>()
        .is_some();
    let session = context.extensions.get::<super::stop::StopWhen>().is_some();
    if http && !session {
        return Err("the server asks the user with elicitation/create, and a stateless HTTP server (--stateless) cannot send requests to its clients; serve in the default stateful mode to use approvals".to_owned());
    }
    if let Some(version) = context.protocol_version() {
        if version >= ProtocolVersion::V_2026_07_28 {
            return Err(format!(
                "the server asks the user with elicitation/create, and the client speaks MCP {version}, which has no requests from server to client; connect with protocol 2025-11-25 or earlier to use approvals"
            ));
        }
    }
    let declared = context
        .client_capabilities()
        .is_some_and(|capabilities| capabilities.elicitation.is_some());
    if !declared {
        return Err("the server asks the user with elicitation/create, and this MCP client did not declare the elicitation capability; use a client that supports elicitation".to_owned());
    }
    Ok(context.peer.clone())
}

/// Asks the user about `request` and reads the answer.
async fn ask(peer: &Peer<RoleServer>, request: &ApprovalRequest, timeout: Duration) -> Approval {
    let params = ElicitRequestParams::FormElicitationParams {
        meta: None,
        message: message(request),
        requested_schema: schema(&request.function),
    };
    match peer
        .create_elicitation_with_timeout(params, Some(timeout))
        .await
    {
        Ok(result) => answer(result),
        Err(error) => Approval::Deny(format!("asking the client failed: {error}")),
    }
}

/// What the user reads: the call, its arguments and the program.
fn message(request: &ApprovalRequest) -> String {
    let arguments = serde_json::to_string_pretty(&request.arguments)
        .unwrap_or_else(|_| request.arguments.to_string());
    format!(
        "The program wants to call codemode.{}.\n\nArguments:\n{}\n\nProgram:\n{}",
        request.function,
        truncated(&arguments, ARGUMENTS_CHARS),
        truncated(request.code.trim(), SOURCE_CHARS),
    )
}

/// The form: one choice out of three.
fn schema(function: &str) -> ElicitationSchema {
    let choices = EnumSchema::builder(vec!["once".to_owned(), "run".to_owned(), "deny".to_owned()])
        .title("Decision")
        .enum_titles(vec![
            "Approve this call".to_owned(),
            format!("Approve every call to codemode.{function} for the rest of this run"),
            "Deny".to_owned(),
        ])
        .map(|choices| choices.build());
    let choices = choices.unwrap_or_else(|_| {
        EnumSchema::builder(vec!["once".to_owned(), "run".to_owned(), "deny".to_owned()]).build()
    });
    ElicitationSchema::builder()
        .required_enum_schema(DECISION, choices)
        .build_unchecked()
}

/// The approval a user's answer gives.
fn answer(result: ElicitResult) -> Approval {
    match result.action {
        ElicitationAction::Accept => {
            let decision = result
                .content
                .as_ref()
                .and_then(|content| content.get(DECISION))
                .and_then(|decision| decision.as_str());
            match decision {
                Some("once") => Approval::Once,
                Some("run") => Approval::ForRun,
                Some("deny") => Approval::Deny("the user denied it".to_owned()),
                _ => Approval::Deny(format!(
                    "the client's answer has no `{DECISION}` of once, run or deny"
                )),
            }
        }
        ElicitationAction::Decline => Approval::Deny("the user declined".to_owned()),
        ElicitationAction::Cancel => Approval::Deny("the user dismissed the question".to_owned()),
        _ => Approval::Deny(
            "the client answered with an action other than accept, decline or cancel".to_owned(),
        ),
    }
}

/// `text`, cut after `limit` characters with a note saying how much was left out.
fn truncated(text: &str, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        None => text.to_owned(),
        Some((cut, _)) => {
            let left = text[cut..].chars().count();
            format!("{}… ({left} more characters)", &text[..cut])
        }
    }
}
