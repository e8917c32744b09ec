//! Graceful shutdown: stop taking work, let requests in flight finish within the grace
//! period, cancel the rest.
//!
//! While draining, `/healthz` answers 503 and new MCP requests get 503 with
//! `Retry-After` without running anything, so that a load balancer can safely send them
//! to another replica; requests already in flight keep their connection and finish.

use super::errors::{refusal, Refusal};
use crate::mcp::stop::{StopReason, StopWhen};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body::{Frame, SizeHint};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// Time cancelled runs get to send their answers after the grace period.
const CANCELLED_ANSWERS: Duration = Duration::from_secs(5);

/// The server's drain state, shared by its routes.
#[derive(Clone, Default)]
pub(crate) struct Drain {
    state: Arc<DrainState>,
}

#[derive(Default)]
struct DrainState {
    draining: AtomicBool,
    in_flight: AtomicUsize,
    settled: Notify,
    stop_runs: CancellationToken,
}

/// One MCP request in flight, until its response has been sent or dropped.
struct InFlight(Arc<DrainState>);

impl Drop for InFlight {
    fn drop(&mut self) {
        if self.0.in_flight.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.0.settled.notify_waiters();
        }
    }
}

impl Drain {
    fn is_draining(&self) -> bool {
        self.state.draining.load(Ordering::Acquire)
    }

    /// Drains: refuses new requests, waits up to `grace` for those in flight, then
    /// cancels their runs and gives the cancelled answers a moment to go out.
    pub(crate) async fn run(&self, grace: Duration) {
        self.state.draining.store(true, Ordering::Release);
        let in_flight = self.state.in_flight.load(Ordering::Acquire);
        tracing::info!(
            "shutting down: {in_flight} MCP requests in flight, waiting up to {} s for them",
            grace.as_secs()
        );
        if tokio::time::timeout(grace, self.settled()).await.is_ok() {
            return;
        }
        let left = self.state.in_flight.load(Ordering::Acquire);
        tracing::warn!("grace period over: cancelling the runs of {left} requests");
        self.state.stop_runs.cancel();
        if tokio::time::timeout(CANCELLED_ANSWERS, self.settled())
            .await
            .is_err()
        {
            tracing::warn!("some answers were not sent before shutdown");
        }
    }

    async fn settled(&self) {
        loop {
            let notified = self.state.settled.notified();
            if self.state.in_flight.load(Ordering::Acquire) == 0 {
                return;
            }
            notified.await;
        }
    }

    fn enter(&self) -> InFlight {
        self.state.in_flight.fetch_add(1, Ordering::AcqRel);
        InFlight(Arc::clone(&self.state))
    }
}

/// Middleware on `/mcp`: 503 while draining; otherwise counts the request as in flight
/// until its response is sent, and lets shutdown cancel its run.
pub(crate) async fn track(
    State(drain): State<Drain>,
    mut request: Request,
    next: Next,
) -> Response {
    if drain.is_draining() {
        let mut response = refusal(
            StatusCode::SERVICE_UNAVAILABLE,
            Refusal::Draining,
            "the server is shutting down; send the request again, to another replica if there is one".to_owned(),
        );
        let headers = response.headers_mut();
        headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
        return response;
    }
    request.extensions_mut().insert(StopWhen::new(
        drain.state.stop_runs.clone(),
        StopReason::ServerStopping,
    ));
    // A GET opens the session's standalone stream, which lasts as long as the client
    // listens: not a request to wait for.
    if request.method() == Method::GET {
        return next.run(request).await;
    }
    let in_flight = drain.enter();
    let (parts, body) = next.run(request).await.into_parts();
    let body = TrackedBody {
        body,
        _in_flight: in_flight,
    };
    Response::from_parts(parts, Body::new(body))
}

/// A response body that keeps its request in flight until it is sent or dropped.
struct TrackedBody {
    body: Body,
    _in_flight: InFlight,
}

impl http_body::Body for TrackedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// `GET /healthz`: 200 while serving, 503 while draining.
pub(crate) async fn healthz(State(drain): State<Drain>) -> Response {
    if drain.is_draining() {
        (StatusCode::SERVICE_UNAVAILABLE, "draining\n").into_response()
    } else {
        (StatusCode::OK, "serving\n").into_response()
    }
}
