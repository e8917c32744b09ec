//! Upstream MCP servers mounted as namespaces: `await codemode.<server>.<tool>(args)`.
//!
//! Each configured server is reached with rmcp's client over stdio (a child process)
//! or streamable HTTP. Its tools become host functions in its namespace, so the
//! executor, the TypeScript declarations and search need no special cases.

mod answer;
mod client;
mod config;
mod connection;
mod namespace;
mod naming;
mod process;
mod redact;
mod schema;

pub use config::{ConfigError, UpstreamConfig, UpstreamServer, UpstreamTransport};

use crate::mcp::ServerBuilder;
use crate::registry::{Registry, RegistryError};
use connection::Upstream;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Why upstreams cannot be mounted. Each message names both sides of a clash.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UpstreamError {
    /// Two servers would have one namespace.
    #[error("upstream servers `{first}` and `{second}` would both be `codemode.{name}`; rename one of them in the configuration")]
    ServerClash {
        /// One server's key.
        first: String,
        /// The other's.
        second: String,
        /// The namespace both would have.
        name: String,
    },
    /// Two tools of one server would have one name.
    #[error("upstream `{server}` has tools `{first}` and `{second}`, which would both be `codemode.{}.{name}`", naming::js_name(server))]
    ToolClash {
        /// The server's key.
        server: String,
        /// One tool's name.
        first: String,
        /// The other's.
        second: String,
        /// The JavaScript name both would have.
        name: String,
    },
    /// A server's namespace is taken by a Rust tool or capability.
    #[error("upstream `{server}` would be `codemode.{namespace}`, which is already {taken}; rename the server in the configuration")]
    NamespaceTaken {
        /// The server's key.
        server: String,
        /// The namespace it would have.
        namespace: String,
        /// What holds the name: `the tool `x`` or `the namespace `x``.
        taken: String,
    },
    /// The registry refused a function.
    #[error(transparent)]
    Registry(#[from] RegistryError),
}

type Listener = Box<dyn Fn() + Send + Sync>;

/// A set of upstream MCP servers, started together. Cheap to clone.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let config = codemode::UpstreamConfig::load("servers.json")?;
/// let upstreams = codemode::Upstreams::connect(&config).await?;
/// for (name, reason) in upstreams.failures() {
///     eprintln!("warning: {name}: {reason}");
/// }
/// let registry = upstreams.registry()?;
/// let outcome = codemode::Executor::default()
///     .execute("await codemode.time.get_current_time({ timezone: 'UTC' })", &registry)
///     .await;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Upstreams {
    inner: Arc<Set>,
}

struct Set {
    upstreams: Vec<Arc<Upstream>>,
    listeners: Arc<Mutex<Vec<Listener>>>,
}

impl Upstreams {
    /// Starts every configured server in parallel. One that fails to start is kept,
    /// with the reason, in [`failures`](Self::failures): calls into it fail with that
    /// reason and start it again. Two servers with one namespace are an error.
    pub async fn connect(config: &UpstreamConfig) -> Result<Self, UpstreamError> {
        let mut namespaces: Vec<(String, &str)> = Vec::new();
        for server in config.servers() {
            let namespace = naming::js_name(server.name());
            if let Some((_, first)) = namespaces.iter().find(|(taken, _)| *taken == namespace) {
                return Err(UpstreamError::ServerClash {
                    first: (*first).to_owned(),
                    second: server.name().to_owned(),
                    name: namespace,
                });
            }
            namespaces.push((namespace, server.name()));
        }
        let listeners: Arc<Mutex<Vec<Listener>>> = Arc::default();
        let upstreams: Vec<Arc<Upstream>> = config
            .servers()
            .iter()
            .zip(namespaces)
            .map(|(server, (namespace, _))| {
                let listeners = Arc::clone(&listeners);
                Upstream::new(
                    server.clone(),
                    namespace,
                    Box::new(move || {
                        let listeners = listeners.lock().unwrap_or_else(|p| p.into_inner());
                        for listener in listeners.iter() {
                            listener();
                        }
                    }),
                )
            })
            .collect();
        futures_util::future::join_all(upstreams.iter().map(|upstream| upstream.start())).await;
        Ok(Self {
            inner: Arc::new(Set {
                upstreams,
                listeners,
            }),
        })
    }

    /// The servers that are not running, each with why.
    pub fn failures(&self) -> Vec<(String, String)> {
        self.inner
            .upstreams
            .iter()
            .filter_map(|upstream| {
                let reason = upstream.listing().err()?;
                Some((upstream.name().to_owned(), reason))
            })
            .collect()
    }

    /// A registry holding every upstream's namespace. Two tools of one server with
    /// one JavaScript name are an error.
    pub fn registry(&self) -> Result<Registry, UpstreamError> {
        let mut registry = Registry::new();
        self.mount(&mut registry)?;
        Ok(registry)
    }

    /// Adds every upstream's namespace to `registry`; a namespace taken by a Rust
    /// tool or capability is an error naming both, and so are two tools of one server
    /// with one JavaScript name.
    pub fn mount(&self, registry: &mut Registry) -> Result<(), UpstreamError> {
        self.mount_with(registry, true)
    }

    /// Like [`mount`](Self::mount), but tools whose names clash are left out with a
    /// warning: for refreshes, when the server is already serving.
    pub(crate) fn mount_lenient(&self, registry: &mut Registry) -> Result<(), UpstreamError> {
        self.mount_with(registry, false)
    }

    fn mount_with(&self, registry: &mut Registry, strict: bool) -> Result<(), UpstreamError> {
        let mut staged = registry.clone();
        for upstream in &self.inner.upstreams {
            let name = upstream.namespace();
            let taken = if staged.is_namespace(name) {
                Some(format!("the namespace `{name}`"))
            } else if staged.get(name).is_some() {
                Some(format!("the tool `{name}`"))
            } else {
                None
            };
            if let Some(taken) = taken {
                return Err(UpstreamError::NamespaceTaken {
                    server: upstream.name().to_owned(),
                    namespace: name.to_owned(),
                    taken,
                });
            }
            let namespace = namespace::build(upstream, strict)?;
            staged.capability(namespace)?;
            if upstream.listing().is_err() {
                staged.fallback(name, namespace::unavailable(upstream));
            }
        }
        *registry = staged;
        Ok(())
    }

    /// Runs `listener` whenever an upstream's tools change (after it said so, or
    /// after a restart).
    pub fn on_change(&self, listener: impl Fn() + Send + Sync + 'static) {
        self.inner
            .listeners
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(Box::new(listener));
    }

    /// Ends every connection and stops every child process.
    pub async fn shutdown(&self) {
        futures_util::future::join_all(
            self.inner.upstreams.iter().map(|upstream| upstream.close()),
        )
        .await;
    }
}

impl std::fmt::Debug for Upstreams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.inner.upstreams.iter().map(|upstream| upstream.name()))
            .finish()
    }
}

/// Reads `--config FILE` when given; without it, an error when `required`.
pub(crate) fn load_config(
    path: Option<&Path>,
    required: bool,
) -> Result<Option<UpstreamConfig>, String> {
    match path {
        Some(path) => UpstreamConfig::load(path)
            .map(Some)
            .map_err(|error| error.to_string()),
        None if required => {
            Err("give the MCP servers to serve with --config FILE; see --help".to_owned())
        }
        None => Ok(None),
    }
}

/// Starts the upstreams of `config` and mounts them on `builder`. Each one that
/// fails to start is reported on stderr; the others are served all the same.
pub(crate) async fn mount_config(
    builder: ServerBuilder,
    config: Option<&UpstreamConfig>,
) -> Result<(ServerBuilder, Option<Upstreams>), String> {
    let Some(config) = config else {
        return Ok((builder, None));
    };
    let upstreams = Upstreams::connect(config)
        .await
        .map_err(|error| error.to_string())?;
    report_failures(&upstreams);
    let builder = builder
        .upstreams(upstreams.clone())
        .map_err(|error| error.to_string())?;
    Ok((builder, Some(upstreams)))
}

/// Writes one warning per upstream that did not start to stderr.
pub(crate) fn report_failures(upstreams: &Upstreams) {
    for (_, reason) in upstreams.failures() {
        eprintln!("warning: {reason}");
    }
}
