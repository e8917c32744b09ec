//! How the streamable HTTP server is configured.

use super::auth::BearerToken;
use super::origin::{HostPattern, InvalidPattern, OriginPattern};
use std::time::Duration;

/// Settings of the streamable HTTP server: sessions, authentication, allowed origins
/// and hosts, body size, and the shutdown grace period.
///
/// ```
/// use std::time::Duration;
/// let options = codemode::HttpOptions::default()
///     .bearer_token("s3cret")
///     .allow_origin("https://app.example.com")?
///     .max_sessions(100)
///     .session_idle(Duration::from_secs(300));
/// # Ok::<(), codemode::InvalidPattern>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpOptions {
    pub(crate) stateless: bool,
    pub(crate) token: Option<BearerToken>,
    pub(crate) no_auth: bool,
    pub(crate) origins: Vec<OriginPattern>,
    pub(crate) hosts: Vec<HostPattern>,
    pub(crate) max_body_bytes: usize,
    pub(crate) max_sessions: usize,
    pub(crate) session_idle: Duration,
    pub(crate) grace: Duration,
}

/// The default of `--max-body-mb`, in bytes.
pub(crate) const DEFAULT_MAX_BODY_BYTES: usize = 4 * 1024 * 1024;
/// The default of `--max-sessions`.
pub(crate) const DEFAULT_MAX_SESSIONS: usize = 1_000;
/// The default of `--session-idle-secs`.
pub(crate) const DEFAULT_SESSION_IDLE: Duration = Duration::from_secs(600);
/// The default of `--grace-secs`.
pub(crate) const DEFAULT_GRACE: Duration = Duration::from_secs(30);

impl Default for HttpOptions {
    fn default() -> Self {
        Self {
            stateless: false,
            token: None,
            no_auth: false,
            origins: OriginPattern::local(),
            hosts: HostPattern::local(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_sessions: DEFAULT_MAX_SESSIONS,
            session_idle: DEFAULT_SESSION_IDLE,
            grace: DEFAULT_GRACE,
        }
    }
}

impl HttpOptions {
    /// Serves every POST on its own, with no sessions and plain JSON answers, so that
    /// replicas can run behind a load balancer. Requests from the server to the
    /// client (such as elicitation) need the default, stateful mode.
    pub fn stateless(mut self, stateless: bool) -> Self {
        self.stateless = stateless;
        self
    }

    /// Requires `Authorization: Bearer <token>` on `/mcp` and `/metrics`.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(BearerToken::new(token.into()));
        self
    }

    /// Allows serving beyond loopback without a bearer token: anyone who reaches the
    /// port runs code with the server's capabilities.
    pub fn no_auth(mut self, no_auth: bool) -> Self {
        self.no_auth = no_auth;
        self
    }

    /// Also accepts requests whose `Origin` is `origin`: `https://app.example.com`,
    /// `http://host:8080`, `http://host:*` (any port) or `null`. Allowed from the
    /// start: `http://localhost:*`, `http://127.0.0.1:*`, `http://[::1]:*`.
    pub fn allow_origin(mut self, origin: &str) -> Result<Self, InvalidPattern> {
        self.origins.push(origin.parse()?);
        Ok(self)
    }

    /// Also accepts requests whose `Host` is `host`: a name or address (any port), a
    /// `name:port`, or `*` for any host. Allowed from the start: `localhost`,
    /// `127.0.0.1`, `[::1]` and the address the server is bound to.
    pub fn allow_host(mut self, host: &str) -> Result<Self, InvalidPattern> {
        self.hosts.push(host.parse()?);
        Ok(self)
    }

    /// The largest request body accepted; larger ones get 413. Default: 4 MiB.
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// The most sessions open at once (at least 1). A new session beyond it closes the
    /// session idle the longest; when every session has a call open, it gets 503 with
    /// `Retry-After`. Default: 1,000.
    pub fn max_sessions(mut self, sessions: usize) -> Self {
        self.max_sessions = sessions.max(1);
        self
    }

    /// How long a session may go without a request before it is closed and its runs
    /// are cancelled. Default: 10 minutes.
    pub fn session_idle(mut self, idle: Duration) -> Self {
        self.session_idle = idle;
        self
    }

    /// How long runs in flight may take to finish after SIGTERM or Ctrl-C before they
    /// are cancelled. Default: 30 s.
    pub fn grace(mut self, grace: Duration) -> Self {
        self.grace = grace;
        self
    }
}
