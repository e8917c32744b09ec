//! Serving MCP over streamable HTTP: the routes, the checks in front of `/mcp`, and
//! the listener with its graceful shutdown.
//!
//! `/mcp` passes, in order: bearer-token auth, the `Origin` and `Host` checks, the drain
//! gate, the body limit and, in the stateful mode, the session admission and the answer
//! to a session's `DELETE`; then rmcp's streamable HTTP service. `/metrics` takes the
//! same token; `/healthz` is open.

mod auth;
mod body;
mod drain;
mod errors;
mod metrics;
mod options;
mod origin;
mod sessions;

pub use options::HttpOptions;
pub use origin::InvalidPattern;

use super::{ServeError, Server};
use axum::middleware::from_fn_with_state;
use axum::routing::get;
use axum::Router;
use drain::Drain;
use origin::{Allowed, HostPattern};
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use sessions::BoundedSessions;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Time connections get to close once requests have drained.
const CLOSE_GRACE: Duration = Duration::from_secs(2);

/// A router and the handles that shut it down.
struct App {
    router: Router,
    drain: Drain,
    /// Ends rmcp's sessions and open event streams.
    streams: CancellationToken,
}

/// Builds the routes for `server` under `options`.
fn app(server: Server, options: &HttpOptions) -> App {
    let drain = Drain::default();
    let streams = CancellationToken::new();
    let config = StreamableHttpServerConfig::default()
        // The checks run in front of rmcp, with messages that say which flag to use.
        .disable_allowed_hosts()
        .disable_allowed_origins()
        .with_max_request_body_bytes(options.max_body_bytes)
        .with_cancellation_token(streams.clone());
    let new_server = move || Ok(server.for_session());
    let mcp = if options.stateless {
        let config = config
            .with_legacy_session_mode(false)
            .with_json_response(true);
        let service = StreamableHttpService::new(
            new_server,
            Arc::new(NeverSessionManager::default()),
            config,
        );
        Router::new().nest_service("/mcp", service)
    } else {
        let sessions = BoundedSessions::new(options.max_sessions, options.session_idle);
        let mut config = config;
        // Parked sessions are restored from their `initialize` through rmcp's
        // session-state hook.
        config.session_store = Some(Arc::new(sessions.clone()));
        let service = StreamableHttpService::new(new_server, Arc::new(sessions.clone()), config);
        Router::new()
            .nest_service("/mcp", service)
            .layer(axum::middleware::from_fn(sessions::ended_ok))
            .layer(from_fn_with_state(sessions, sessions::admit))
    };
    let mut protected = mcp
        .layer(from_fn_with_state(options.max_body_bytes, body::limit))
        .layer(from_fn_with_state(drain.clone(), drain::track))
        .layer(from_fn_with_state(
            Allowed::new(&options.origins, &options.hosts),
            origin::check,
        ));
    if let Some(handle) = metrics::recorder() {
        protected = protected.merge(
            Router::new()
                .route("/metrics", get(metrics::render))
                .with_state(handle),
        );
    }
    if let Some(token) = options.token.clone() {
        protected = protected.layer(from_fn_with_state(token, auth::require));
    }
    let router = protected.merge(
        Router::new()
            .route("/healthz", get(drain::healthz))
            .with_state(drain.clone()),
    );
    App {
        router,
        drain,
        streams,
    }
}

/// The routes for `server` under `options`, to mount in an application that runs its
/// own listener.
pub(super) fn router(server: Server, options: &HttpOptions) -> Router {
    app(server, options).router
}

/// Refuses a configuration that would let anyone on the network run code.
fn check_auth(address: SocketAddr, options: &HttpOptions) -> Result<(), ServeError> {
    match &options.token {
        Some(token) if token.is_empty() => Err(ServeError::EmptyToken),
        Some(_) => Ok(()),
        None if address.ip().is_loopback() => Ok(()),
        None if options.no_auth => {
            tracing::warn!(
                %address,
                "serving beyond loopback without authentication (--no-auth): anyone who can reach the port runs code with this server's capabilities"
            );
            Ok(())
        }
        None => Err(ServeError::Unauthenticated { address }),
    }
}

/// Serves `server` at `address` until `shutdown` resolves, then drains.
pub(super) async fn serve(
    server: Server,
    address: SocketAddr,
    mut options: HttpOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    check_auth(address, &options)?;
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|source| ServeError::Bind { address, source })?;
    let bound = listener.local_addr().unwrap_or(address);
    options.hosts.extend(HostPattern::bound(bound));
    let grace = options.grace;
    let app = app(server, &options);
    let mode = if options.stateless {
        "stateless"
    } else {
        "stateful"
    };
    tracing::info!("serving MCP over streamable HTTP ({mode}) at http://{bound}/mcp");
    let (close, closed) = tokio::sync::oneshot::channel::<()>();
    let serving = axum::serve(listener, app.router).with_graceful_shutdown(async {
        let _ = closed.await;
    });
    let mut serving = tokio::spawn(async move { serving.await });
    tokio::select! {
        served = &mut serving => return ended(served),
        () = shutdown => {}
    }
    app.drain.run(grace).await;
    app.streams.cancel();
    let _ = close.send(());
    match tokio::time::timeout(CLOSE_GRACE, &mut serving).await {
        Ok(served) => ended(served)?,
        Err(_) => serving.abort(),
    }
    tracing::info!("shut down");
    Ok(())
}

fn ended(served: Result<std::io::Result<()>, tokio::task::JoinError>) -> Result<(), ServeError> {
    match served {
        Ok(Ok(())) => Ok(()),
        Ok(Err(error)) => Err(ServeError::Transport(error.to_string())),
        Err(error) => Err(ServeError::Transport(error.to_string())),
    }
}
