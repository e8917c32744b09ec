//! What ends a run before it finishes: the client cancelling its request, the end of
//! the session it belongs to, or the server shutting down.
//!
//! rmcp runs each request's handler on a task of its own and never drops it; it only
//! cancels the request's token. The transports attach a [`StopWhen`] for every other
//! reason to the request's extensions, and `execute` races the run against all of them:
//! the first to fire drops the run, which cancels it.

use rmcp::service::RequestContext;
use rmcp::RoleServer;
use tokio_util::sync::CancellationToken;

/// Why a run was stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StopReason {
    /// The client cancelled the request, or its connection to a stateless server dropped.
    RequestCancelled,
    /// The session the request came in on was deleted, expired or evicted.
    SessionEnded,
    /// The server is shutting down and the grace period for runs is over.
    ServerStopping,
}

impl StopReason {
    /// The message the cancelled run's outcome carries.
    pub(crate) fn message(self) -> &'static str {
        match self {
            Self::RequestCancelled => "the run was cancelled: the client cancelled the request",
            Self::SessionEnded => "the run was cancelled: its session ended",
            Self::ServerStopping => {
                "the run was cancelled: the server is shutting down and the run did not finish within the grace period"
            }
        }
    }
}

/// A token that stops a request's run when cancelled, placed in the request's
/// extensions (or in its HTTP parts' extensions) by the transport.
#[derive(Debug, Clone)]
pub(crate) struct StopWhen {
    token: CancellationToken,
    reason: StopReason,
}

impl StopWhen {
    /// Stops runs with `reason` once `token` is cancelled.
    pub(crate) fn new(token: CancellationToken, reason: StopReason) -> Self {
        Self { token, reason }
    }
}

/// Every way one request's run can be stopped.
pub(crate) struct Stops {
    request: CancellationToken,
    session: Option<StopWhen>,
    server: Option<StopWhen>,
}

impl Stops {
    /// The stops of the request `context` belongs to: its own token, the session's
    /// (attached to the message by the session store) and the server's (attached to
    /// the HTTP request by the router).
    pub(crate) fn of(context: &RequestContext<RoleServer>) -> Self {
        let session = context.extensions.get::<StopWhen>().cloned();
        let server = context
            .extensions
            .get::<axum::http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<StopWhen>())
            .cloned();
        Self {
            request: context.ct.clone(),
            session,
            server,
        }
    }

    /// Resolves with the reason of the first stop to fire; never, if none does.
    pub(crate) async fn fired(&self) -> StopReason {
        tokio::select! {
            () = self.request.cancelled() => StopReason::RequestCancelled,
            reason = fired(self.session.as_ref()) => reason,
            reason = fired(self.server.as_ref()) => reason,
        }
    }
}

async fn fired(stop: Option<&StopWhen>) -> StopReason {
    match stop {
        Some(stop) => {
            stop.token.cancelled().await;
            stop.reason
        }
        None => std::future::pending().await,
    }
}
