//! One upstream MCP server: starting it, calling its tools with a timeout and a cap
//! on calls in flight, noticing when it dies, and restarting it with backoff.

use super::answer;
use super::client::UpstreamClient;
use super::config::{UpstreamServer, UpstreamTransport};
use super::process::{self, ChildProcess, Launch};
use super::redact::Redactor;
use crate::telemetry;
use rmcp::model::{CallToolRequestParams, JsonObject, Tool};
use rmcp::service::{RunningService, ServiceError};
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::{RoleClient, ServiceExt};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// The first pause before restarting an upstream that failed again.
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
/// The longest pause between restarts.
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// Time a dead child gets to report how it ended.
const EXIT_WAIT: Duration = Duration::from_secs(1);
/// Characters of an upstream's own description kept for its namespace.
const DESCRIPTION_CHARS: usize = 600;

/// What an upstream offers: its tools and the description of its namespace.
#[derive(Debug)]
pub(crate) struct Listing {
    pub tools: Vec<Tool>,
    pub description: String,
}

/// An upstream MCP server and its connection, if any.
pub(crate) struct Upstream {
    server: UpstreamServer,
    namespace: String,
    redactor: Redactor,
    permits: Semaphore,
    state: Mutex<State>,
    /// The pause before the next start after the upstream goes down: none at first,
    /// doubling while it keeps failing, none again after a call succeeds.
    pause: Mutex<Duration>,
    starting: tokio::sync::Mutex<()>,
    listing: Mutex<Option<Arc<Listing>>>,
    on_change: Box<dyn Fn() + Send + Sync>,
}

enum State {
    /// Not started yet.
    New,
    Up(Arc<Connection>),
    Down(Down),
    /// Shut down for good: calls fail and nothing restarts it.
    Closed,
}

struct Down {
    reason: String,
    retry_at: Instant,
}

/// A live MCP session with the upstream.
struct Connection {
    service: RunningService<RoleClient, UpstreamClient>,
    process: Option<ChildProcess>,
}

impl Connection {
    fn is_closed(&self) -> bool {
        self.service.peer().is_transport_closed()
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.service.cancellation_token().cancel();
    }
}

impl Upstream {
    /// An upstream not started yet; `on_change` runs whenever its tool list changes.
    pub(crate) fn new(
        server: UpstreamServer,
        namespace: String,
        on_change: Box<dyn Fn() + Send + Sync>,
    ) -> Arc<Self> {
        Arc::new(Self {
            redactor: Redactor::new(server.secrets()),
            permits: Semaphore::new(server.calls_in_flight_value()),
            namespace,
            server,
            state: Mutex::new(State::New),
            pause: Mutex::new(Duration::ZERO),
            starting: tokio::sync::Mutex::new(()),
            listing: Mutex::new(None),
            on_change,
        })
    }

    /// Its key in the configuration.
    pub(crate) fn name(&self) -> &str {
        self.server.name()
    }

    /// Its namespace in JavaScript.
    pub(crate) fn namespace(&self) -> &str {
        &self.namespace
    }

    /// Its tools, or why it has none to offer.
    pub(crate) fn listing(&self) -> Result<Arc<Listing>, String> {
        if let Some(listing) = lock(&self.listing).clone() {
            return Ok(listing);
        }
        match &*lock(&self.state) {
            State::Down(down) => Err(down.reason.clone()),
            State::Closed => Err(format!("upstream `{}` was shut down", self.name())),
            _ => Err(format!("upstream `{}` has not started", self.name())),
        }
    }

    /// Starts it, or records why it could not start.
    pub(crate) async fn start(self: &Arc<Self>) -> Result<(), String> {
        self.connection().await.map(drop)
    }

    /// Calls `tool` (its upstream name) as `codemode.<path>`; the answer is the value
    /// the program sees or the message its call fails with.
    pub(crate) async fn call(
        self: &Arc<Self>,
        tool: &str,
        path: &str,
        args: Value,
    ) -> Result<crate::value::Value, String> {
        let Value::Object(arguments) = args else {
            return Err(format!(
                "codemode.{path} takes an object of keyword arguments"
            ));
        };
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| format!("upstream `{}` is shutting down", self.name()))?;
        let (outcome, answer) = self.call_connected(tool, path, arguments).await;
        metrics::counter!(telemetry::UPSTREAM_CALLS, "server" => self.name().to_owned(), "outcome" => outcome)
            .increment(1);
        answer
    }

    /// Makes the call once a permit is held; the outcome label and the answer.
    async fn call_connected(
        self: &Arc<Self>,
        tool: &str,
        path: &str,
        arguments: JsonObject,
    ) -> (&'static str, Result<crate::value::Value, String>) {
        let connection = match self.connection().await {
            Ok(connection) => connection,
            Err(reason) => return ("unavailable", Err(reason)),
        };
        let request = CallToolRequestParams::new(tool.to_owned()).with_arguments(arguments);
        let timeout = self.server.call_timeout_value();
        // Dropping the call, on timeout or when the run ends, sends
        // `notifications/cancelled` upstream: rmcp's client does so for a dropped call.
        match tokio::time::timeout(timeout, connection.service.call_tool(request)).await {
            Err(_) => (
                "timeout",
                Err(format!(
                    "codemode.{path} did not answer within {} ms",
                    timeout.as_millis()
                )),
            ),
            Ok(Ok(result)) => {
                *lock(&self.pause) = Duration::ZERO;
                match answer::value(result) {
                    Ok(value) => ("success", Ok(value)),
                    Err(message) => ("tool_error", Err(self.redactor.apply(&message))),
                }
            }
            Ok(Err(ServiceError::McpError(error))) => (
                "refused",
                Err(self.redactor.apply(&format!(
                    "upstream `{}` refused the call: {}",
                    self.name(),
                    error.message
                ))),
            ),
            Ok(Err(error)) => {
                let lost = matches!(
                    error,
                    ServiceError::TransportClosed | ServiceError::TransportSend(_)
                );
                if lost || connection.is_closed() {
                    ("unavailable", Err(self.went_down(&connection).await))
                } else {
                    (
                        "unavailable",
                        Err(self.redactor.apply(&format!(
                            "upstream `{}` did not answer: {error}",
                            self.name()
                        ))),
                    )
                }
            }
        }
    }

    /// Lists the tools again after the upstream said they changed.
    pub(crate) async fn refresh(self: &Arc<Self>) {
        let connection = match &*lock(&self.state) {
            State::Up(connection) => Arc::clone(connection),
            _ => return,
        };
        match self.list(&connection).await {
            Ok(listing) => {
                *lock(&self.listing) = Some(Arc::new(listing));
                (self.on_change)();
            }
            Err(reason) => tracing::warn!(upstream = %self.name(), "{reason}"),
        }
    }

    /// Ends the connection and the child process.
    pub(crate) async fn close(&self) {
        let state = std::mem::replace(&mut *lock(&self.state), State::Closed);
        if let State::Up(connection) = state {
            connection.service.cancellation_token().cancel();
            if let Some(process) = &connection.process {
                process.ended(Duration::from_millis(500)).await;
            }
        }
    }

    /// The live connection, starting (or restarting) the upstream when it has none.
    async fn connection(self: &Arc<Self>) -> Result<Arc<Connection>, String> {
        if let Some(connection) = self.live() {
            return Ok(connection);
        }
        let _starting = self.starting.lock().await;
        if let Some(connection) = self.live() {
            return Ok(connection);
        }
        let dead = match &*lock(&self.state) {
            State::Up(connection) => Some(Arc::clone(connection)),
            _ => None,
        };
        if let Some(connection) = dead {
            self.went_down(&connection).await;
        }
        let backoff = {
            let state = lock(&self.state);
            match &*state {
                State::Closed => return Err(format!("upstream `{}` was shut down", self.name())),
                State::Down(down) => {
                    let now = Instant::now();
                    if now < down.retry_at {
                        return Err(format!(
                            "{}; codemode tries to start it again in {} ms",
                            down.reason,
                            (down.retry_at - now).as_millis().max(1)
                        ));
                    }
                    true
                }
                _ => false,
            }
        };
        match self.connect().await {
            Ok((connection, listing)) => {
                let connection = Arc::new(connection);
                {
                    let mut state = lock(&self.state);
                    if let State::Closed = *state {
                        return Err(format!("upstream `{}` was shut down", self.name()));
                    }
                    *state = State::Up(Arc::clone(&connection));
                }
                let changed = lock(&self.listing).as_ref().is_none_or(|old| {
                    old.tools != listing.tools || old.description != listing.description
                });
                *lock(&self.listing) = Some(Arc::new(listing));
                if changed && backoff {
                    (self.on_change)();
                }
                Ok(connection)
            }
            Err(reason) => {
                let reason = self.redactor.apply(&reason);
                self.set_down(reason.clone());
                Err(reason)
            }
        }
    }

    fn live(&self) -> Option<Arc<Connection>> {
        match &*lock(&self.state) {
            State::Up(connection) if !connection.is_closed() => Some(Arc::clone(connection)),
            _ => None,
        }
    }

    /// Records that `connection` died; returns why, for the calls it failed.
    async fn went_down(&self, connection: &Arc<Connection>) -> String {
        let how = match ended(connection).await {
            Some(how) => how,
            None => "closed the connection".to_owned(),
        };
        let stderr = connection
            .process
            .as_ref()
            .map(ChildProcess::stderr_note)
            .unwrap_or_default();
        let reason = self
            .redactor
            .apply(&format!("upstream `{}` {how}{stderr}", self.name()));
        let current =
            matches!(&*lock(&self.state), State::Up(live) if Arc::ptr_eq(live, connection));
        if current {
            tracing::warn!(upstream = %self.name(), "{reason}");
            self.set_down(reason.clone());
        }
        reason
    }

    /// Marks the upstream down; the next start may happen after a pause that grows
    /// while starts keep failing.
    fn set_down(&self, reason: String) {
        let pause = {
            let mut pause = lock(&self.pause);
            let now = *pause;
            *pause = (now * 2).clamp(FIRST_BACKOFF, MAX_BACKOFF);
            now
        };
        let mut state = lock(&self.state);
        if !matches!(*state, State::Closed) {
            *state = State::Down(Down {
                reason,
                retry_at: Instant::now() + pause,
            });
        }
    }

    /// Starts the upstream and lists its tools, within its start timeout.
    async fn connect(self: &Arc<Self>) -> Result<(Connection, Listing), String> {
        let name = self.name();
        let limit = self.server.start_timeout_value();
        let client = UpstreamClient::new(Arc::downgrade(self));
        let (service, process) = match self.server.transport() {
            UpstreamTransport::Stdio {
                command,
                args,
                env,
                cwd,
            } => {
                let launch = Launch {
                    name,
                    command,
                    args,
                    env,
                    cwd: cwd.as_ref(),
                };
                let (process, stdout, stdin) = process::spawn(&launch, &self.redactor)
                    .map_err(|reason| format!("upstream `{name}` failed to start: {reason}"))?;
                match tokio::time::timeout(limit, client.serve((stdout, stdin))).await {
                    Ok(Ok(service)) => (service, Some(process)),
                    Ok(Err(error)) => {
                        let how = process
                            .ended(EXIT_WAIT)
                            .await
                            .map(|how| format!("; it {how}"))
                            .unwrap_or_default();
                        return Err(format!(
                            "upstream `{name}` failed to start: {error}{how}{}",
                            process.stderr_note()
                        ));
                    }
                    Err(_) => {
                        return Err(format!(
                            "upstream `{name}` did not finish starting within {} ms{}",
                            limit.as_millis(),
                            process.stderr_note()
                        ))
                    }
                }
            }
            UpstreamTransport::Http { url, headers } => {
                let mut custom = HashMap::new();
                for (header, value) in headers {
                    let (Ok(header), Ok(value)) = (
                        reqwest::header::HeaderName::from_bytes(header.as_bytes()),
                        reqwest::header::HeaderValue::from_str(value),
                    ) else {
                        return Err(format!(
                            "upstream `{name}` has an invalid header `{header}`"
                        ));
                    };
                    custom.insert(header, value);
                }
                let config = StreamableHttpClientTransportConfig::with_uri(url.as_str())
                    .custom_headers(custom);
                let transport = StreamableHttpClientTransport::from_config(config);
                match tokio::time::timeout(limit, client.serve(transport)).await {
                    Ok(Ok(service)) => (service, None),
                    Ok(Err(error)) => {
                        return Err(format!(
                            "upstream `{name}` at {url} failed to start: {error}"
                        ))
                    }
                    Err(_) => {
                        return Err(format!(
                            "upstream `{name}` at {url} did not finish starting within {} ms",
                            limit.as_millis()
                        ))
                    }
                }
            }
        };
        let connection = Connection { service, process };
        let listing = match tokio::time::timeout(limit, self.list(&connection)).await {
            Ok(listed) => listed?,
            Err(_) => {
                return Err(format!(
                    "upstream `{name}` did not list its tools within {} ms",
                    limit.as_millis()
                ))
            }
        };
        tracing::info!(upstream = %name, tools = listing.tools.len(), "upstream started");
        Ok((connection, listing))
    }

    async fn list(&self, connection: &Connection) -> Result<Listing, String> {
        let peer = connection.service.peer();
        let tools = peer.list_all_tools().await.map_err(|error| {
            self.redactor.apply(&format!(
                "upstream `{}` did not list its tools: {error}",
                self.name()
            ))
        })?;
        let info = peer.peer_info();
        let description = match self.server.configured_description() {
            Some(configured) => configured.to_owned(),
            None => info
                .as_ref()
                .and_then(|info| own_description(&info.server_info, info.instructions.as_deref()))
                .unwrap_or_else(|| format!("Tools of the MCP server `{}`.", self.name())),
        };
        Ok(Listing { tools, description })
    }
}

/// What the upstream says of itself: its description, else its title, else the first
/// paragraph of its instructions that is not a heading.
fn own_description(
    server: &Option<rmcp::model::Implementation>,
    instructions: Option<&str>,
) -> Option<String> {
    let described = server
        .as_ref()
        .and_then(|server| server.description.as_deref());
    let instructed = instructions.and_then(|text| {
        text.split("\n\n")
            .map(str::trim)
            .find(|paragraph| !paragraph.is_empty() && !paragraph.starts_with('#'))
    });
    let titled = server.as_ref().and_then(|server| server.title.as_deref());
    [described, titled, instructed]
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|text| !text.is_empty())
        .map(shorten)
}

/// How the child of `connection` ended, if it has one that did.
async fn ended(connection: &Connection) -> Option<String> {
    match &connection.process {
        Some(process) => process.ended(EXIT_WAIT).await,
        None => None,
    }
}

fn shorten(text: &str) -> String {
    if text.chars().count() <= DESCRIPTION_CHARS {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(DESCRIPTION_CHARS).collect();
    short.push('…');
    short
}

/// Locks a mutex, recovering its value if a panic poisoned it: every critical
/// section here leaves the value consistent.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
