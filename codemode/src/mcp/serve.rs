//! Running the server: transports, shutdown, and the `serve!()` entry point.

use super::cli::{self, CommandLine, Transport};
use super::http::HttpOptions;
use super::{ServeError, Server, ServerBuilder};
use crate::limits::Limits;
use crate::registry::{Capability, RegistryError};
use rmcp::ServiceExt;
use std::time::Duration;

pub(super) async fn stdio(server: Server) -> Result<(), ServeError> {
    let running = match server.serve(rmcp::transport::stdio()).await {
        Ok(running) => running,
        // The input ended before a client said hello: nothing to serve.
        Err(rmcp::service::ServerInitializeError::ConnectionClosed(_)) => return Ok(()),
        Err(error) => return Err(ServeError::Transport(error.to_string())),
    };
    tokio::select! {
        ended = running.waiting() => {
            ended.map_err(|error| ServeError::Transport(error.to_string()))?;
        }
        () = shutdown_signal() => {}
    }
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM (or never, when neither can be watched).
pub(super) async fn shutdown_signal() {
    let interrupted = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        () = interrupted => {}
        () = terminated() => {}
    }
}

#[cfg(unix)]
async fn terminated() {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::terminate()) {
        Ok(mut terminate) => {
            terminate.recv().await;
        }
        Err(_) => std::future::pending().await,
    }
}

#[cfg(not(unix))]
async fn terminated() {
    std::future::pending().await
}

type AddCapability = Box<dyn FnOnce(ServerBuilder) -> Result<ServerBuilder, RegistryError>>;

/// What `codemode::serve!()` was given.
pub struct ServeOptions {
    name: String,
    version: String,
    capabilities: Vec<AddCapability>,
    search: bool,
    require_config: bool,
}

impl ServeOptions {
    /// Options for a binary called `name` at `version`.
    pub fn new(name: &str, version: &str) -> Self {
        Self {
            name: name.to_owned(),
            version: version.to_owned(),
            capabilities: Vec::new(),
            search: false,
            require_config: false,
        }
    }

    /// Sets the server name.
    pub fn name(&mut self, name: impl Into<String>) {
        self.name = name.into();
    }

    /// Adds a capability.
    pub fn capability<C: Capability>(&mut self, capability: C) {
        self.capabilities
            .push(Box::new(move |builder: ServerBuilder| {
                builder.capability(capability)
            }));
    }

    /// Enables `search`.
    pub fn search(&mut self, enabled: bool) {
        self.search = enabled;
    }

    /// Makes `--config FILE` required, for a server that has nothing but upstreams.
    pub fn require_config(&mut self, required: bool) {
        self.require_config = required;
    }
}

/// Runs a server from the command line; returns the process exit code.
pub fn serve_main(options: ServeOptions) -> i32 {
    let mut args = std::env::args();
    let program = args.next().unwrap_or_else(|| options.name.clone());
    serve_command(options, &program, args)
}

/// Runs a server from `args`, the command line after `program`; returns the process
/// exit code.
pub fn serve_command(
    options: ServeOptions,
    program: &str,
    args: impl IntoIterator<Item = String>,
) -> i32 {
    let line = match CommandLine::parse(args) {
        Ok(line) => line,
        Err(message) => {
            eprintln!("error: {message}");
            return 2;
        }
    };
    if line.help {
        print!("{}", cli::usage(program));
        return 0;
    }
    if let Some(operand) = line.operands.first() {
        eprintln!("error: unknown argument `{operand}`; see --help");
        return 2;
    }
    let http = match with_token(line.http, line.token_env.as_deref()) {
        Ok(http) => http,
        Err(message) => {
            eprintln!("error: {message}");
            return 2;
        }
    };
    let config = match crate::upstream::load_config(line.config.as_deref(), options.require_config)
    {
        Ok(config) => config,
        Err(message) => {
            eprintln!("error: {message}");
            return 2;
        }
    };
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,rmcp=warn")),
        )
        .try_init();
    let mut limits = Limits::default();
    if let Some(timeout) = line.timeout {
        limits = limits.with_timeout(timeout);
    }
    if let Some(bytes) = line.memory_bytes {
        limits = limits.with_memory_bytes(bytes);
    }
    if let Some(timeout) = line.approval_timeout {
        limits = limits.with_approval_timeout(timeout);
    }
    let mut builder = Server::builder()
        .name(options.name)
        .version(options.version)
        .search(options.search)
        .limits(limits);
    if let Some(bytes) = line.description_bytes {
        builder = builder.max_description_bytes(bytes);
    }
    for add in options.capabilities {
        builder = match add(builder) {
            Ok(builder) => builder,
            Err(error) => {
                eprintln!("error: {error}");
                return 1;
            }
        };
    }
    for pattern in &line.require_approval {
        builder = match builder.require_approval(pattern) {
            Ok(builder) => builder,
            Err(error) => {
                eprintln!("error: --require-approval: {error}");
                return 2;
            }
        };
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return 1;
        }
    };
    let served = runtime.block_on(async move {
        let (builder, upstreams) = crate::upstream::mount_config(builder, config.as_ref()).await?;
        let server = builder.build().map_err(|error| error.to_string())?;
        let served = match line.transport {
            Transport::Stdio => server.serve_stdio().await,
            Transport::Http(address) => server.serve_http_with(address, http).await,
        };
        if let Some(upstreams) = upstreams {
            upstreams.shutdown().await;
        }
        served.map_err(|error| error.to_string())
    });
    runtime.shutdown_timeout(Duration::from_secs(1));
    match served {
        Ok(()) => 0,
        Err(error) => {
            eprintln!("error: {error}");
            1
        }
    }
}

/// `options` with the bearer token read from the environment variable `name`.
fn with_token(options: HttpOptions, name: Option<&str>) -> Result<HttpOptions, String> {
    let Some(name) = name else {
        return Ok(options);
    };
    match std::env::var(name) {
        Ok(token) if token.is_empty() => Err(format!(
            "--token-env {name}: the environment variable {name} is empty; put a long random token in it"
        )),
        Ok(token) => Ok(options.bearer_token(token)),
        Err(std::env::VarError::NotPresent) => Err(format!(
            "--token-env {name}: the environment variable {name} is not set; put a long random token in it"
        )),
        Err(std::env::VarError::NotUnicode(_)) => Err(format!(
            "--token-env {name}: the environment variable {name} is not valid UTF-8"
        )),
    }
}
