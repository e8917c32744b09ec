//! Reading the command line of `run` and `types`, and starting the upstreams of its
//! configuration.

use codemode::{CommandLine, Registry, UpstreamConfig, Upstreams};

const TYPES_USAGE: &str =
    "Print the TypeScript declarations of the tools of the MCP servers in FILE.

Usage: codemode types --config FILE

Options:
  --config FILE    the mcpServers JSON file (`${VAR}` is taken from the environment)
  -h, --help       print this help
";

/// A parsed command line with its configuration, or the exit code to end with.
pub(crate) fn parse(args: Vec<String>, usage: &str) -> Result<(CommandLine, UpstreamConfig), u8> {
    if let Some(flag) = args
        .iter()
        .find(|arg| *arg == "--stdio" || arg.starts_with("--http"))
    {
        eprintln!("error: {flag} is for `codemode serve`; see --help");
        return Err(2);
    }
    let line = match CommandLine::parse(args) {
        Ok(line) => line,
        Err(message) => {
            eprintln!("error: {message}");
            return Err(2);
        }
    };
    if line.help {
        print!("{usage}");
        return Err(0);
    }
    let Some(path) = &line.config else {
        eprintln!("error: give the MCP servers with --config FILE; see --help");
        return Err(2);
    };
    match UpstreamConfig::load(path) {
        Ok(config) => Ok((line, config)),
        Err(error) => {
            eprintln!("error: {error}");
            Err(2)
        }
    }
}

/// Starts every upstream of `config` and returns them with a registry of their
/// namespaces; each one that did not start is reported on stderr.
pub(crate) async fn start(config: &UpstreamConfig) -> Result<(Upstreams, Registry), u8> {
    let upstreams = match Upstreams::connect(config).await {
        Ok(upstreams) => upstreams,
        Err(error) => {
            eprintln!("error: {error}");
            return Err(1);
        }
    };
    for (_, reason) in upstreams.failures() {
        eprintln!("warning: {reason}");
    }
    match upstreams.registry() {
        Ok(registry) => Ok((upstreams, registry)),
        Err(error) => {
            upstreams.shutdown().await;
            eprintln!("error: {error}");
            Err(1)
        }
    }
}

/// A runtime for one command, or the exit code when there is none.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, u8> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| {
            eprintln!("error: cannot start the async runtime: {error}");
            1
        })
}

/// `codemode types`: exits 0, or 1 when an upstream did not start (its namespace is
/// declared empty).
pub(crate) fn types_main(args: Vec<String>) -> u8 {
    let (line, config) = match parse(args, TYPES_USAGE) {
        Ok(parsed) => parsed,
        Err(code) => return code,
    };
    if let Some(operand) = line.operands.first() {
        eprintln!("error: unknown argument `{operand}`; see --help");
        return 2;
    }
    let runtime = match runtime() {
        Ok(runtime) => runtime,
        Err(code) => return code,
    };
    runtime.block_on(async {
        let (upstreams, registry) = match start(&config).await {
            Ok(started) => started,
            Err(code) => return code,
        };
        print!("{}", registry.typescript());
        let failed = !upstreams.failures().is_empty();
        upstreams.shutdown().await;
        u8::from(failed)
    })
}
