//! The MCP server: `execute` (and optionally `search`) over stdio and streamable HTTP.

mod approval;
mod attachments;
mod catalog;
mod cli;
mod description;
mod handler;
mod http;
mod live;
mod peers;
mod serve;
mod stop;

pub use cli::{CommandLine, Transport};
pub use http::{HttpOptions, InvalidPattern};
#[doc(hidden)]
pub use serve::{serve_command, serve_main, ServeOptions};

use crate::executor::Executor;
use crate::limits::Limits;
use crate::registry::{Capability, Registry, RegistryError};
use crate::upstream::{UpstreamError, Upstreams};
use catalog::Catalog;
use live::SessionLog;
use peers::Peers;
use std::net::SocketAddr;
use std::sync::{Arc, Weak};

/// An MCP server exposing `execute` and, when enabled, `search`. Cheap to clone; every
/// client session shares the same executor and registry.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let server = codemode::Server::builder()
///     .name("example")
///     .capability(codemode::EnvCapability::new(["USER"]))?
///     .search(true)
///     .build()?;
/// server.serve_http("127.0.0.1:8000".parse()?).await?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Server {
    inner: Arc<Inner>,
    /// The client session's logging level: each session served gets its own
    /// ([`Server::for_session`]).
    session: Arc<SessionLog>,
}

struct Inner {
    name: String,
    version: String,
    executor: Executor,
    catalog: Catalog,
    peers: Peers,
}

impl Server {
    /// A builder starting from every `#[codemode::tool]` in the binary.
    pub fn builder() -> ServerBuilder {
        ServerBuilder::default()
    }

    /// The server for a new client session: shared state, session state of its own.
    pub(crate) fn for_session(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
            session: Arc::default(),
        }
    }

    /// The registry the server runs code against now.
    pub fn registry(&self) -> Registry {
        self.inner.catalog.current().registry.clone()
    }

    /// The description of the `execute` tool now: how to write code, then the
    /// declarations (or, over the description budget, the function names).
    pub fn execute_description(&self) -> String {
        self.inner.catalog.current().description.clone()
    }

    /// Whether the `search` tool is offered now: when enabled, or when the
    /// declarations exceed the description budget.
    pub fn search_enabled(&self) -> bool {
        self.inner.catalog.current().search
    }

    /// Serves one client over stdin and stdout until the input ends.
    pub async fn serve_stdio(self) -> Result<(), ServeError> {
        serve::stdio(self).await
    }

    /// Serves streamable HTTP at `http://ADDR/mcp` with the default [`HttpOptions`]
    /// until SIGTERM or Ctrl-C, then drains. A non-loopback `address` needs options
    /// with a bearer token (or `no_auth`): see [`Server::serve_http_with`].
    pub async fn serve_http(self, address: SocketAddr) -> Result<(), ServeError> {
        self.serve_http_with(address, HttpOptions::default()).await
    }

    /// Serves streamable HTTP at `http://ADDR/mcp` with `options` until SIGTERM or
    /// Ctrl-C; then answers new requests with 503, lets those in flight finish within
    /// the grace period, cancels the rest and returns.
    pub async fn serve_http_with(
        self,
        address: SocketAddr,
        options: HttpOptions,
    ) -> Result<(), ServeError> {
        http::serve(self, address, options, serve::shutdown_signal()).await
    }

    /// An axum router serving `/mcp`, `/healthz` and `/metrics` under `options`, to
    /// mount in an application that runs its own listener, and so decides where it
    /// listens (give `options` a bearer token beyond loopback) and owns shutdown.
    pub fn router(&self, options: &HttpOptions) -> axum::Router {
        http::router(self.clone(), options)
    }
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let offer = self.inner.catalog.current();
        f.debug_struct("Server")
            .field("name", &self.inner.name)
            .field("registry", &offer.registry)
            .field("search", &offer.search)
            .finish()
    }
}

/// Builds a [`Server`].
pub struct ServerBuilder {
    name: String,
    version: String,
    registry: Result<Registry, RegistryError>,
    upstreams: Option<(Upstreams, Registry)>,
    limits: Limits,
    search: bool,
    description_bytes: usize,
}

impl Default for ServerBuilder {
    fn default() -> Self {
        Self {
            name: "codemode".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            registry: Registry::with_collected_tools(),
            upstreams: None,
            limits: Limits::default(),
            search: false,
            description_bytes: description::DEFAULT_DESCRIPTION_BYTES,
        }
    }
}

impl ServerBuilder {
    /// Sets the server name announced in `initialize`.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Sets the server version announced in `initialize`.
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = version.into();
        self
    }

    /// Replaces the collected tools with `registry`.
    pub fn registry(mut self, registry: Registry) -> Self {
        self.registry = Ok(registry);
        self
    }

    /// Adds a capability; a clash with a tool or another namespace is an error.
    pub fn capability<C: Capability>(mut self, capability: C) -> Result<Self, RegistryError> {
        let mut registry = self.registry?;
        match &mut self.upstreams {
            Some((_, base)) => {
                let capability = Arc::new(capability);
                registry.capability(SharedCapability(Arc::clone(&capability)))?;
                base.capability(SharedCapability(capability))?;
            }
            None => {
                registry.capability(capability)?;
            }
        }
        self.registry = Ok(registry);
        Ok(self)
    }

    /// Mounts upstream MCP servers, each as `codemode.<server>`, after the tools and
    /// capabilities given so far. A namespace taken by one of them, or two tools of one
    /// server with one JavaScript name, is an error naming both. When an upstream's
    /// tools change, the server's registry and `execute` description follow and its
    /// clients get `notifications/tools/list_changed`.
    pub fn upstreams(mut self, upstreams: Upstreams) -> Result<Self, UpstreamError> {
        let base = self.registry?;
        let mut registry = base.clone();
        upstreams.mount(&mut registry)?;
        self.registry = Ok(registry);
        self.upstreams = Some((upstreams, base));
        Ok(self)
    }

    /// Makes the functions `pattern` names wait for the approval of the client's user
    /// before each call, asked with `elicitation/create`: a path (`fs.write`), a
    /// namespace (`fs.*`, also an upstream's, whose tools may change) or everything
    /// (`*`). See [`Registry::require_approval`].
    pub fn require_approval(mut self, pattern: &str) -> Result<Self, RegistryError> {
        let mut registry = self.registry?;
        registry.require_approval(pattern)?;
        if let Some((_, base)) = &mut self.upstreams {
            base.require_approval(pattern)?;
        }
        self.registry = Ok(registry);
        Ok(self)
    }

    /// Sets the budget of the TypeScript declarations in the `execute` description,
    /// in bytes (default 16 KiB). Over it, the description lists each namespace with
    /// its description and function names only, and `search` is offered.
    pub fn max_description_bytes(mut self, bytes: usize) -> Self {
        self.description_bytes = bytes;
        self
    }

    /// Enables the `search` tool.
    pub fn search(mut self, enabled: bool) -> Self {
        self.search = enabled;
        self
    }

    /// Sets the limits of every run.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The server, or the registration error met on the way.
    pub fn build(self) -> Result<Server, RegistryError> {
        let registry = self.registry?;
        let (upstreams, base) = match self.upstreams {
            Some((upstreams, base)) => (Some(upstreams), base),
            None => (None, registry.clone()),
        };
        let catalog = Catalog::new(
            base,
            registry,
            upstreams.clone(),
            self.limits.clone(),
            self.search,
            self.description_bytes,
        );
        let inner = Arc::new(Inner {
            name: self.name,
            version: self.version,
            executor: Executor::new(self.limits),
            catalog,
            peers: Peers::default(),
        });
        if let Some(upstreams) = upstreams {
            let weak: Weak<Inner> = Arc::downgrade(&inner);
            upstreams.on_change(move || {
                if let Some(inner) = weak.upgrade() {
                    if inner.catalog.rebuild() {
                        inner.peers.tools_changed();
                    }
                }
            });
        }
        Ok(Server {
            inner,
            session: Arc::default(),
        })
    }
}

/// A capability registered in two registries: the served one and the one upstream
/// refreshes start from.
struct SharedCapability<C>(Arc<C>);

impl<C: Capability> Capability for SharedCapability<C> {
    fn namespace(&self) -> &str {
        self.0.namespace()
    }

    fn description(&self) -> &str {
        self.0.description()
    }

    fn functions(self: Arc<Self>) -> Vec<crate::registry::HostFunction> {
        Arc::clone(&self.0).functions()
    }
}

/// Why serving stopped with an error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The HTTP address could not be bound.
    #[error("cannot listen on {address}: {source}; pass --http ADDR to use another address")]
    Bind {
        /// The address asked for.
        address: SocketAddr,
        /// Why binding failed.
        source: std::io::Error,
    },
    /// The transport failed.
    #[error("the MCP transport failed: {0}")]
    Transport(String),
    /// A non-loopback address without a bearer token or an explicit `no_auth`.
    #[error("refusing to serve {address} without authentication, as anyone who reaches it could run code: put a token in an environment variable and pass --token-env VAR, or pass --no-auth to serve without one")]
    Unauthenticated {
        /// The address asked for.
        address: SocketAddr,
    },
    /// The bearer token is the empty string.
    #[error("the bearer token is empty; use a long random one")]
    EmptyToken,
}
