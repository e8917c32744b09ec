//! The command line of a server started with `codemode::serve!()`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// How the server talks to its client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// One client over stdin and stdout.
    Stdio,
    /// Streamable HTTP at `http://ADDR/mcp`.
    Http(SocketAddr),
}

/// What the command line asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandLine {
    /// The transport to serve.
    pub transport: Transport,
    /// `--timeout-ms`: the run timeout.
    pub timeout: Option<Duration>,
    /// `--memory-mb`: the run memory limit, in bytes.
    pub memory_bytes: Option<usize>,
    /// `--config`: the `mcpServers` file of upstream MCP servers to mount.
    pub config: Option<PathBuf>,
    /// `--max-description-kb`: the budget of the declarations in the `execute`
    /// description, in bytes.
    pub description_bytes: Option<usize>,
    /// `--help` was given.
    pub help: bool,
    /// Arguments that are not flags (`-` included), in order: a server takes none, a
    /// command such as `codemode run` its program.
    pub operands: Vec<String>,
}

/// The default HTTP address.
pub const DEFAULT_HTTP: &str = "127.0.0.1:8000";

/// The text `--help` prints.
pub(crate) fn usage(program: &str) -> String {
    format!(
        "Serve codemode's MCP tools (execute, and search when enabled).

Usage: {program} [--stdio | --http ADDR] [--config FILE] [--timeout-ms N] [--memory-mb N]

Options:
  --stdio          serve one client over stdin/stdout
  --http ADDR      serve streamable HTTP at http://ADDR/mcp (default: {DEFAULT_HTTP})
  --timeout-ms N   wall-clock limit of each run, in milliseconds (default: 30000)
  --memory-mb N    memory limit of each run, in MiB (default: 64)
  --config FILE    mount the MCP servers of an mcpServers JSON file as codemode.<server>
  --max-description-kb N
                   largest declarations shown in the execute description; over it,
                   only names are listed and search is enabled (default: 16)
  -h, --help       print this help
"
    )
}

impl CommandLine {
    /// Parses the arguments after the program name; the error is one line saying what
    /// was wrong.
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let mut transport = None;
        let mut timeout = None;
        let mut memory_bytes = None;
        let mut config = None;
        let mut description_bytes = None;
        let mut help = false;
        let mut operands = Vec::new();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((flag, value)) if flag.starts_with("--") => {
                    (flag.to_owned(), Some(value.to_owned()))
                }
                _ => (arg.clone(), None),
            };
            let mut value = |name: &str| -> Result<String, String> {
                inline
                    .clone()
                    .or_else(|| args.next())
                    .ok_or_else(|| format!("{name} needs a value"))
            };
            match flag.as_str() {
                "--stdio" => set_transport(&mut transport, Transport::Stdio)?,
                "--http" => {
                    let address = value("--http")?;
                    let address = address.parse().map_err(|_| {
                        format!("--http expects an address like {DEFAULT_HTTP}, got `{address}`")
                    })?;
                    set_transport(&mut transport, Transport::Http(address))?;
                }
                "--timeout-ms" => {
                    let ms = positive(&value("--timeout-ms")?, "--timeout-ms")?;
                    timeout = Some(Duration::from_millis(ms));
                }
                "--memory-mb" => {
                    let mb = positive(&value("--memory-mb")?, "--memory-mb")?;
                    let bytes = usize::try_from(mb)
                        .ok()
                        .and_then(|mb| mb.checked_mul(1024 * 1024))
                        .ok_or_else(|| format!("--memory-mb {mb} is too large"))?;
                    memory_bytes = Some(bytes);
                }
                "--config" => config = Some(PathBuf::from(value("--config")?)),
                "--max-description-kb" => {
                    let kb = positive(&value("--max-description-kb")?, "--max-description-kb")?;
                    let bytes = usize::try_from(kb)
                        .ok()
                        .and_then(|kb| kb.checked_mul(1024))
                        .ok_or_else(|| format!("--max-description-kb {kb} is too large"))?;
                    description_bytes = Some(bytes);
                }
                "-h" | "--help" => help = true,
                operand if operand == "-" || !operand.starts_with('-') => {
                    operands.push(operand.to_owned());
                }
                other => return Err(format!("unknown argument `{other}`; see --help")),
            }
        }
        let transport = match transport {
            Some(transport) => transport,
            None => Transport::Http(
                DEFAULT_HTTP
                    .parse()
                    .map_err(|_| "bad default address".to_owned())?,
            ),
        };
        Ok(Self {
            transport,
            timeout,
            memory_bytes,
            config,
            description_bytes,
            help,
            operands,
        })
    }
}

fn set_transport(slot: &mut Option<Transport>, transport: Transport) -> Result<(), String> {
    if slot.is_some() {
        return Err("give one transport: --stdio or --http ADDR".to_owned());
    }
    *slot = Some(transport);
    Ok(())
}

fn positive(text: &str, name: &str) -> Result<u64, String> {
    match text.parse::<u64>() {
        Ok(value) if value > 0 => Ok(value),
        _ => Err(format!(
            "{name} expects a positive whole number, got `{text}`"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<CommandLine, String> {
        CommandLine::parse(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn defaults_to_http_on_localhost() {
        let line = parse(&[]).expect("no arguments is fine");
        assert_eq!(
            line.transport,
            Transport::Http("127.0.0.1:8000".parse().expect("an address"))
        );
    }

    #[test]
    fn reads_every_flag() {
        let line = parse(&[
            "--stdio",
            "--timeout-ms",
            "500",
            "--memory-mb=16",
            "--config",
            "servers.json",
            "--max-description-kb=4",
        ])
        .expect("valid");
        assert_eq!(line.transport, Transport::Stdio);
        assert_eq!(line.config, Some(PathBuf::from("servers.json")));
        assert_eq!(line.description_bytes, Some(4096));
        assert_eq!(line.timeout, Some(Duration::from_millis(500)));
        assert_eq!(line.memory_bytes, Some(16 * 1024 * 1024));
        let line = parse(&["--http", "0.0.0.0:9000", "--help"]).expect("valid");
        assert_eq!(
            line.transport,
            Transport::Http("0.0.0.0:9000".parse().expect("an address"))
        );
        assert!(line.help);
    }

    #[test]
    fn bad_input_says_what_was_wrong() {
        assert_eq!(
            parse(&["--verbose"]).err().as_deref(),
            Some("unknown argument `--verbose`; see --help")
        );
        assert_eq!(
            parse(&["program.js", "--stdio", "-"]).map(|line| line.operands),
            Ok(vec!["program.js".to_owned(), "-".to_owned()])
        );
        assert_eq!(
            parse(&["--http", "localhost"]).err().as_deref(),
            Some("--http expects an address like 127.0.0.1:8000, got `localhost`")
        );
        assert_eq!(
            parse(&["--timeout-ms", "0"]).err().as_deref(),
            Some("--timeout-ms expects a positive whole number, got `0`")
        );
        assert_eq!(
            parse(&["--memory-mb"]).err().as_deref(),
            Some("--memory-mb needs a value")
        );
        assert_eq!(
            parse(&["--stdio", "--http", "127.0.0.1:1"])
                .err()
                .as_deref(),
            Some("give one transport: --stdio or --http ADDR")
        );
    }
}
