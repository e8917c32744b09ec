//! Sessions of the stateful HTTP server: bounded in number, closed when idle, and cheap
//! while unused.
//!
//! rmcp's in-memory session store keeps every session, with its worker (a service loop
//! and its channels, about 55 KiB), until the client deletes it; clients that go away
//! without a DELETE pile up. This store wraps it with a table of each session's use:
//!
//! - A session is idle while it has no call open (no POST response stream); after
//!   `--session-idle-secs` of that it is closed.
//! - At `--max-sessions`, a new session closes the one idle the longest. Clients that
//!   vanished without a DELETE are exactly those sessions, and a client whose session
//!   was closed gets 404, on which the MCP specification has it start a new session;
//!   refusing newcomers instead would let abandoned sessions lock everyone out until
//!   they expire. Only when every session has a call open does a new one get 503 with
//!   `Retry-After`.
//! - Beyond the [`WARM_WORKERS`] most recently used, a session with no call open and no
//!   GET stream is parked: its worker is closed and only its `initialize` is kept (rmcp's
//!   session-store hook); its next request restores a worker by replaying it, unseen by
//!   the client. So the sessions' memory is bounded by the calls and streams open, not
//!   by the sessions held.
//! - Ending a session, however it ends, cancels its runs at once: every call carries
//!   the session's [`StopWhen`] token.

mod table;

use super::errors::{refusal, Refusal};
use crate::mcp::stop::{StopReason, StopWhen};
use crate::telemetry::{SESSIONS, SESSIONS_CLOSED, SESSION_WORKERS};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use futures_util::Stream;
use rmcp::model::{ClientJsonRpcMessage, ClientRequest, GetExtensions, ServerJsonRpcMessage};
use rmcp::transport::streamable_http_server::session::local::{
    LocalSessionManager, LocalSessionManagerError,
};
use rmcp::transport::streamable_http_server::session::{
    RestoreOutcome, ServerSseMessage, SessionId, SessionManager, SessionState, SessionStore,
    SessionStoreError,
};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, Weak};
use std::task::{Context, Poll};
use std::time::Duration;
use table::{Entry, Table, Use, Worker};

/// Sessions whose workers stay in memory while unused.
pub(crate) const WARM_WORKERS: usize = 64;
/// Seconds a client refused for lack of room should wait.
const RETRY_AFTER_SECS: u64 = 5;
/// The longest a restore waits for the parked worker to be gone.
const PARKING_WAIT: Duration = Duration::from_secs(10);

/// Why a session was closed; the `reason` label of the closed-sessions counter.
#[derive(Debug, Clone, Copy)]
enum Closed {
    /// Deleted by the client, or its worker ended.
    Ended,
    /// Idle for longer than the limit.
    Expired,
    /// Closed to make room for a new session.
    Evicted,
}

impl Closed {
    fn label(self) -> &'static str {
        match self {
            Self::Ended => "ended",
            Self::Expired => "expired",
            Self::Evicted => "evicted",
        }
    }
}

/// Why a session could not be used.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SessionsError {
    /// Every slot holds a session with a call open.
    #[error("all {0} session slots hold sessions with a call open; retry in a few seconds, or start the server with a larger --max-sessions")]
    Full(usize),
    /// The session is unknown, closed, or parked and not restored.
    #[error("session not found: {0}")]
    NotFound(SessionId),
    /// rmcp's store failed.
    #[error(transparent)]
    Local(#[from] LocalSessionManagerError),
}

struct Shared {
    local: LocalSessionManager,
    table: Mutex<Table>,
    max_sessions: usize,
    idle: Duration,
    sweeping: OnceLock<()>,
}

/// An rmcp session store (and its session-state store) holding at most `max_sessions`
/// sessions, each closed after `idle` without a call.
#[derive(Clone)]
pub(crate) struct BoundedSessions {
    shared: Arc<Shared>,
}

impl BoundedSessions {
    /// A store of at most `max_sessions` sessions, each closed after `idle` unused.
    pub(crate) fn new(max_sessions: usize, idle: Duration) -> Self {
        let mut local = LocalSessionManager::default();
        // Idle sessions are this store's to close; rmcp's own timer would also close a
        // session whose only call is a long run.
        local.session_config.keep_alive = None;
        Self {
            shared: Arc::new(Shared {
                local,
                table: Mutex::new(Table::new()),
                max_sessions,
                idle,
                sweeping: OnceLock::new(),
            }),
        }
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Table> {
        self.table
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn record_counts(table: &Table) {
        let counts = table.counts();
        metrics::gauge!(SESSIONS).set(counts.sessions as f64);
        metrics::gauge!(SESSION_WORKERS).set(counts.workers as f64);
    }

    /// Cancels a removed session's runs and closes its worker, if it has one.
    async fn end(&self, id: &SessionId, entry: Entry, why: Closed) {
        entry.stop.cancel();
        metrics::counter!(SESSIONS_CLOSED, "reason" => why.label()).increment(1);
        tracing::debug!(session = %id, reason = why.label(), "session closed");
        match entry.worker {
            Worker::Live => {
                if let Err(error) = self.local.close_session(id).await {
                    tracing::warn!(session = %id, %error, "closing a session failed");
                }
            }
            // Closed already; wake a restore waiting for it, which then finds nothing.
            Worker::Parking { closed } => closed.notify_one(),
            Worker::Parked => {}
        }
    }

    async fn expire_idle(&self) {
        let expired = {
            let mut table = self.lock();
            let expired = table.expire(self.idle);
            Self::record_counts(&table);
            expired
        };
        for (id, entry) in expired {
            self.end(&id, entry, Closed::Expired).await;
        }
    }

    /// Closes the workers of the unused sessions beyond the warm ones.
    fn park_surplus(self: &Arc<Self>) {
        let cold = self.lock().park_beyond(WARM_WORKERS);
        if cold.is_empty() {
            return;
        }
        let shared = Arc::clone(self);
        tokio::spawn(async move {
            for id in cold {
                if let Err(error) = shared.local.close_session(&id).await {
                    tracing::warn!(session = %id, %error, "parking a session failed");
                }
            }
        });
    }

    /// Ends a use begun with [`Table::use_live`]; the session may now be parked.
    fn used(self: &Arc<Self>, id: &SessionId, how: Use) {
        self.lock().used(id, how);
        self.park_surplus();
    }
}

/// Looks for idle sessions a few times per idle period, for as long as the store lives.
fn sweep(shared: &Arc<Shared>) {
    let every = (shared.idle / 4).clamp(Duration::from_millis(100), Duration::from_secs(30));
    let shared: Weak<Shared> = Arc::downgrade(shared);
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let Some(shared) = shared.upgrade() else {
                return;
            };
            shared.expire_idle().await;
        }
    });
}

/// Hands a request the session's stop token, so that ending the session stops its run.
fn with_stop(
    mut message: ClientJsonRpcMessage,
    stop: tokio_util::sync::CancellationToken,
) -> ClientJsonRpcMessage {
    if let ClientJsonRpcMessage::Request(request) = &mut message {
        let request: &mut ClientRequest = &mut request.request;
        request
            .extensions_mut()
            .insert(StopWhen::new(stop, StopReason::SessionEnded));
    }
    message
}

/// A use of a session that lasts as long as a stream: a call's response stream, or a
/// GET stream.
struct InUse {
    shared: Arc<Shared>,
    id: SessionId,
    how: Use,
}

impl Drop for InUse {
    fn drop(&mut self) {
        self.shared.used(&self.id, self.how);
    }
}

/// A stream holding its session in use while the client reads it.
struct HeldStream<S> {
    stream: S,
    _in_use: InUse,
}

impl<S: Stream + Unpin> Stream for HeldStream<S> {
    type Item = S::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        Pin::new(&mut self.stream).poll_next(cx)
    }
}

impl BoundedSessions {
    /// Records a use of live session `id` that lasts until the returned guard drops.
    fn hold(
        &self,
        id: &SessionId,
        how: Use,
    ) -> Result<(InUse, tokio_util::sync::CancellationToken), SessionsError> {
        let stop = self
            .shared
            .lock()
            .use_live(id, how)
            .ok_or_else(|| SessionsError::NotFound(id.clone()))?;
        let in_use = InUse {
            shared: Arc::clone(&self.shared),
            id: id.clone(),
            how,
        };
        Ok((in_use, stop))
    }

    fn touch(&self, id: &SessionId) -> Result<(), SessionsError> {
        self.shared
            .lock()
            .use_live(id, Use::Touch)
            .map(drop)
            .ok_or_else(|| SessionsError::NotFound(id.clone()))
    }

    /// Whether a new session would find room, by closing an idle one if needed.
    fn has_room(&self) -> bool {
        self.shared.lock().has_room(self.shared.max_sessions)
    }
}

impl SessionManager for BoundedSessions {
    type Error = SessionsError;
    type Transport = <LocalSessionManager as SessionManager>::Transport;

    async fn create_session(&self) -> Result<(SessionId, Self::Transport), Self::Error> {
        self.shared.sweeping.get_or_init(|| sweep(&self.shared));
        let evicted = self
            .shared
            .lock()
            .reserve(self.shared.max_sessions)
            .ok_or(SessionsError::Full(self.shared.max_sessions))?;
        if let Some((id, entry)) = evicted {
            self.shared.end(&id, entry, Closed::Evicted).await;
        }
        let created = self.shared.local.create_session().await;
        let mut table = self.shared.lock();
        table.created(created.as_ref().ok().map(|(id, _)| id.clone()));
        Shared::record_counts(&table);
        Ok(created?)
    }

    async fn initialize_session(
        &self,
        id: &SessionId,
        message: ClientJsonRpcMessage,
    ) -> Result<ServerJsonRpcMessage, Self::Error> {
        Ok(self.shared.local.initialize_session(id, message).await?)
    }

    async fn has_session(&self, id: &SessionId) -> Result<bool, Self::Error> {
        Ok(self.touch(id).is_ok())
    }

    async fn close_session(&self, id: &SessionId) -> Result<(), Self::Error> {
        let ended = {
            let mut table = self.shared.lock();
            // rmcp closes a session when its worker ends: for a parking session that is
            // the parking done, not the end of the session.
            if table.parked(id) {
                Shared::record_counts(&table);
                return Ok(());
            }
            let entry = table.remove(id);
            Shared::record_counts(&table);
            entry
        };
        match ended {
            Some(entry) => self.shared.end(id, entry, Closed::Ended).await,
            None => self.shared.local.close_session(id).await?,
        }
        Ok(())
    }

    async fn create_stream(
        &self,
        id: &SessionId,
        message: ClientJsonRpcMessage,
    ) -> Result<impl Stream<Item = ServerSseMessage> + Send + Sync + 'static, Self::Error> {
        let (in_use, stop) = self.hold(id, Use::Call)?;
        let stream = self
            .shared
            .local
            .create_stream(id, with_stop(message, stop))
            .await?;
        Ok(HeldStream {
            stream,
            _in_use: in_use,
        })
    }

    async fn accept_message(
        &self,
        id: &SessionId,
        message: ClientJsonRpcMessage,
    ) -> Result<(), Self::Error> {
        self.touch(id)?;
        Ok(self.shared.local.accept_message(id, message).await?)
    }

    async fn create_standalone_stream(
        &self,
        id: &SessionId,
    ) -> Result<impl Stream<Item = ServerSseMessage> + Send + Sync + 'static, Self::Error> {
        let (in_use, _) = self.hold(id, Use::Listen)?;
        let stream = self.shared.local.create_standalone_stream(id).await?;
        Ok(HeldStream {
            stream,
            _in_use: in_use,
        })
    }

    async fn resume(
        &self,
        id: &SessionId,
        last_event_id: String,
    ) -> Result<impl Stream<Item = ServerSseMessage> + Send + Sync + 'static, Self::Error> {
        let (in_use, _) = self.hold(id, Use::Listen)?;
        let stream = self.shared.local.resume(id, last_event_id).await?;
        Ok(HeldStream {
            stream,
            _in_use: in_use,
        })
    }

    async fn restore_session(
        &self,
        id: SessionId,
    ) -> Result<RestoreOutcome<Self::Transport>, Self::Error> {
        let parking = match self.shared.lock().get(&id).map(|entry| &entry.worker) {
            None => return Ok(RestoreOutcome::NotSupported),
            Some(Worker::Live) => return Ok(RestoreOutcome::AlreadyPresent),
            Some(Worker::Parked) => None,
            Some(Worker::Parking { closed }) => Some(Arc::clone(closed)),
        };
        if let Some(closed) = parking {
            if tokio::time::timeout(PARKING_WAIT, closed.notified())
                .await
                .is_err()
            {
                tracing::warn!(session = %id, "a parked session's worker did not close in time");
                return Ok(RestoreOutcome::NotSupported);
            }
        }
        if !matches!(
            self.shared.lock().get(&id).map(|entry| &entry.worker),
            Some(Worker::Parked)
        ) {
            return Ok(RestoreOutcome::NotSupported);
        }
        let restored = self.shared.local.restore_session(id.clone()).await?;
        let kept = {
            let mut table = self.shared.lock();
            let kept = !matches!(restored, RestoreOutcome::Restored(_)) || table.restored(&id);
            Shared::record_counts(&table);
            kept
        };
        if !kept {
            // Ended while the worker was being made: no one will use it.
            self.shared.local.close_session(&id).await?;
            return Ok(RestoreOutcome::NotSupported);
        }
        Ok(restored)
    }
}

#[async_trait::async_trait]
impl SessionStore for BoundedSessions {
    async fn load(&self, id: &str) -> Result<Option<SessionState>, SessionStoreError> {
        let id = SessionId::from(id);
        Ok(self
            .shared
            .lock()
            .get(&id)
            .and_then(|entry| entry.state.clone()))
    }

    async fn store(&self, id: &str, state: &SessionState) -> Result<(), SessionStoreError> {
        let id = SessionId::from(id);
        if let Some(entry) = self.shared.lock().get_mut(&id) {
            entry.state = Some(state.clone());
        }
        // Handshake done: the session may be parked from now on.
        self.shared.park_surplus();
        Ok(())
    }

    async fn delete(&self, id: &str) -> Result<(), SessionStoreError> {
        let id = SessionId::from(id);
        let removed = {
            let mut table = self.shared.lock();
            let removed = table.remove(&id);
            Shared::record_counts(&table);
            removed
        };
        if let Some(entry) = removed {
            self.shared.end(&id, entry, Closed::Ended).await;
        }
        Ok(())
    }
}

/// Middleware: 503 with `Retry-After` for a new session when every slot holds a session
/// with a call open, before rmcp would create it.
pub(crate) async fn admit(
    State(sessions): State<BoundedSessions>,
    request: Request,
    next: Next,
) -> Response {
    let opens_session =
        request.method() == Method::POST && !request.headers().contains_key("mcp-session-id");
    if !opens_session || sessions.has_room() {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return next.run(Request::from_parts(parts, Body::empty())).await;
    };
    let initialize = matches!(
        serde_json::from_slice::<ClientJsonRpcMessage>(&bytes),
        Ok(ClientJsonRpcMessage::Request(request))
            if matches!(request.request, ClientRequest::InitializeRequest(_))
    );
    if !initialize {
        return next
            .run(Request::from_parts(parts, Body::from(bytes)))
            .await;
    }
    let mut response = refusal(
        StatusCode::SERVICE_UNAVAILABLE,
        Refusal::SessionsFull,
        SessionsError::Full(sessions.shared.max_sessions).to_string(),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
    response
}

/// Middleware: a session ended with `DELETE` is answered 200 OK, as the official SDKs'
/// servers answer it, where rmcp answers 202; the official Python client logs a
/// warning for any other status.
pub(crate) async fn ended_ok(request: Request, next: Next) -> Response {
    let delete = request.method() == Method::DELETE;
    let mut response = next.run(request).await;
    if delete && response.status() == StatusCode::ACCEPTED {
        *response.status_mut() = StatusCode::OK;
    }
    response
}
