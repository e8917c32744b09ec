//! The command line of a server started with `codemode::serve!()`.

use super::http::HttpOptions;
use super::ServeError;
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
    /// `--approval-timeout-secs`: how long a call waits for the user's approval.
    pub approval_timeout: Option<Duration>,
    /// `--require-approval`: the functions whose calls wait for the client's user to
    /// approve them (`fs.write`, `fs.*`, `*`), in order.
    pub require_approval: Vec<String>,
    /// `--help` was given.
    pub help: bool,
    /// Arguments that are not flags (`-` included), in order: a server takes none, a
    /// command such as `codemode run` its program.
    pub operands: Vec<String>,
    /// The HTTP flags, except the token, which `--token-env` names.
    pub http: HttpOptions,
    /// `--token-env`: the environment variable holding the bearer token.
    pub token_env: Option<String>,
}

/// The default HTTP address.
pub const DEFAULT_HTTP: &str = "127.0.0.1:8000";

/// The text `--help` prints.
pub(crate) fn usage(program: &str) -> String {
    format!(
        "Serve codemode's MCP tools (execute, and search when enabled).

Usage: {program} [--stdio | --http ADDR [HTTP options]] [--config FILE] [--timeout-ms N] [--memory-mb N] [--require-approval NAME]...

Options:
  --stdio          serve one client over stdin/stdout
  --http ADDR      serve streamable HTTP at http://ADDR/mcp (default: {DEFAULT_HTTP})
  --timeout-ms N   wall-clock limit of each run, in milliseconds (default: 30000)
  --memory-mb N    memory limit of each run, in MiB (default: 64)
  --config FILE    mount the MCP servers of an mcpServers JSON file as codemode.<server>
  --max-description-kb N
                   largest declarations shown in the execute description; over it,
                   only names are listed and search is enabled (default: 16)
  --require-approval NAME
                   ask the client's user (elicitation/create) before each call to
                   NAME: a function (fs.write), a namespace (fs.*, or an upstream's,
                   memory.*) or everything (*); repeatable
  --approval-timeout-secs N
                   how long a call waits for the user's answer before it is
                   refused; the run's timeout stands still meanwhile (default: 300)
  -h, --help       print this help
{HTTP_USAGE}"
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
        let mut require_approval = Vec::new();
        let mut approval_timeout = None;
        let mut help = false;
        let mut operands = Vec::new();
        let mut http = HttpFlags::default();
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
                "--require-approval" => require_approval.push(value("--require-approval")?),
                "--approval-timeout-secs" => {
                    let secs = positive(
                        &value("--approval-timeout-secs")?,
                        "--approval-timeout-secs",
                    )?;
                    approval_timeout = Some(Duration::from_secs(secs));
                }
                "-h" | "--help" => help = true,
                operand if operand == "-" || !operand.starts_with('-') => {
                    operands.push(operand.to_owned());
                }
                other => {
                    if !http.read(other, &mut value)? {
                        return Err(format!("unknown argument `{other}`; see --help"));
                    }
                }
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
        http.check(&transport)?;
        Ok(Self {
            transport,
            timeout,
            memory_bytes,
            config,
            description_bytes,
            approval_timeout,
            require_approval,
            help,
            operands,
            http: http.options,
            token_env: http.token_env,
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

// The HTTP server's flags.

/// The HTTP flags' part of `--help`.
const HTTP_USAGE: &str = "
HTTP options:
  --token-env VAR         require `Authorization: Bearer <token>` on /mcp and /metrics,
                          the token being the value of the environment variable VAR;
                          needed to serve beyond loopback
  --no-auth               serve beyond loopback without a token: anyone who reaches the
                          port runs code with this server's capabilities
  --allowed-origin ORIGIN also accept browser requests from ORIGIN (https://app.example.com,
                          http://host:*, null); repeatable; http://localhost:*,
                          http://127.0.0.1:* and http://[::1]:* are always accepted
  --allowed-host HOST     also accept the Host header HOST (example.com, example.com:8443,
                          or * for any); repeatable; localhost, 127.0.0.1, [::1] and the
                          bound address are always accepted
  --max-body-mb N         largest request body, in MiB (default: 4)
  --stateless             no sessions: every POST stands alone and gets plain JSON, so
                          replicas can run behind a load balancer; requests from the
                          server to the client (such as elicitation) need the default
                          stateful mode
  --max-sessions N        most sessions at once; a new one closes the session idle the
                          longest (default: 1000)
  --session-idle-secs N   close a session after N seconds without requests, cancelling
                          its runs (default: 600)
  --grace-secs N          on SIGTERM or Ctrl-C, answer new requests with 503 and give
                          runs in flight N seconds to finish before cancelling them
                          (default: 30)
";

/// The HTTP flags.
const HTTP_FLAGS: [&str; 9] = [
    "--token-env",
    "--no-auth",
    "--allowed-origin",
    "--allowed-host",
    "--max-body-mb",
    "--stateless",
    "--max-sessions",
    "--session-idle-secs",
    "--grace-secs",
];

/// The HTTP flags read so far.
#[derive(Default)]
struct HttpFlags {
    options: HttpOptions,
    token_env: Option<String>,
    /// The HTTP flags given, in order, to name them in errors.
    given: Vec<&'static str>,
}

impl HttpFlags {
    /// Reads `flag` (taking its value from `value`) when it is an HTTP flag; `false`
    /// when it is not one.
    fn read(
        &mut self,
        flag: &str,
        value: &mut dyn FnMut(&str) -> Result<String, String>,
    ) -> Result<bool, String> {
        let Some(&name) = HTTP_FLAGS.iter().find(|name| **name == flag) else {
            return Ok(false);
        };
        let options = std::mem::take(&mut self.options);
        self.options = match name {
            "--token-env" => {
                let variable = value(name)?;
                if variable.is_empty() || variable.contains('=') || variable.contains('\0') {
                    return Err(format!(
                        "--token-env expects the name of an environment variable, got `{variable}`"
                    ));
                }
                self.token_env = Some(variable);
                options
            }
            "--no-auth" => options.no_auth(true),
            "--allowed-origin" => options
                .allow_origin(&value(name)?)
                .map_err(|error| format!("--allowed-origin: {error}"))?,
            "--allowed-host" => options
                .allow_host(&value(name)?)
                .map_err(|error| format!("--allowed-host: {error}"))?,
            "--max-body-mb" => {
                let mb = positive(&value(name)?, name)?;
                let bytes = usize::try_from(mb)
                    .ok()
                    .and_then(|mb| mb.checked_mul(1024 * 1024))
                    .ok_or_else(|| format!("--max-body-mb {mb} is too large"))?;
                options.max_body_bytes(bytes)
            }
            "--stateless" => options.stateless(true),
            "--max-sessions" => {
                let sessions = positive(&value(name)?, name)?;
                let sessions = usize::try_from(sessions)
                    .map_err(|_| format!("--max-sessions {sessions} is too large"))?;
                options.max_sessions(sessions)
            }
            "--session-idle-secs" => {
                let secs = positive(&value(name)?, name)?;
                options.session_idle(Duration::from_secs(secs))
            }
            "--grace-secs" => {
                let text = value(name)?;
                let secs = text.parse::<u64>().map_err(|_| {
                    format!("--grace-secs expects a whole number of seconds, got `{text}`")
                })?;
                options.grace(Duration::from_secs(secs))
            }
            _ => {
                self.options = options;
                return Ok(false);
            }
        };
        self.given.push(name);
        Ok(true)
    }

    /// Checks the HTTP flags against each other and the transport.
    fn check(&self, transport: &Transport) -> Result<(), String> {
        let given = |name: &str| self.given.contains(&name);
        let address = match transport {
            Transport::Stdio => {
                return match self.given.first() {
                    Some(flag) => Err(format!("{flag} applies to --http only, not --stdio")),
                    None => Ok(()),
                }
            }
            Transport::Http(address) => *address,
        };
        if given("--token-env") && given("--no-auth") {
            return Err("give --token-env VAR or --no-auth, not both".to_owned());
        }
        if given("--stateless") {
            if let Some(flag) = ["--max-sessions", "--session-idle-secs"]
                .into_iter()
                .find(|flag| given(flag))
            {
                return Err(format!(
                    "{flag} has no effect with --stateless, which keeps no sessions"
                ));
            }
        }
        if !address.ip().is_loopback() && !given("--token-env") && !given("--no-auth") {
            return Err(ServeError::Unauthenticated { address }.to_string());
        }
        Ok(())
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
            "--require-approval",
            "fs.write",
            "--require-approval=memory.*",
            "--approval-timeout-secs",
            "60",
        ])
        .expect("valid");
        assert_eq!(line.approval_timeout, Some(Duration::from_secs(60)));
        assert_eq!(line.require_approval, ["fs.write", "memory.*"]);
        assert_eq!(line.transport, Transport::Stdio);
        assert_eq!(line.config, Some(PathBuf::from("servers.json")));
        assert_eq!(line.description_bytes, Some(4096));
        assert_eq!(line.timeout, Some(Duration::from_millis(500)));
        assert_eq!(line.memory_bytes, Some(16 * 1024 * 1024));
        let line = parse(&["--http", "0.0.0.0:9000", "--no-auth", "--help"]).expect("valid");
        assert_eq!(
            line.transport,
            Transport::Http("0.0.0.0:9000".parse().expect("an address"))
        );
        assert!(line.help);
    }

    #[test]
    fn reads_the_http_flags() {
        let line = parse(&[
            "--http",
            "0.0.0.0:9000",
            "--token-env",
            "TOKEN",
            "--allowed-origin",
            "https://app.example.com",
            "--allowed-host=mcp.example.com",
            "--max-body-mb",
            "8",
            "--max-sessions",
            "50",
            "--session-idle-secs",
            "60",
            "--grace-secs",
            "0",
        ])
        .expect("valid");
        assert_eq!(line.token_env.as_deref(), Some("TOKEN"));
        let expected = HttpOptions::default()
            .allow_origin("https://app.example.com")
            .and_then(|options| options.allow_host("mcp.example.com"))
            .expect("valid patterns")
            .max_body_bytes(8 * 1024 * 1024)
            .max_sessions(50)
            .session_idle(Duration::from_secs(60))
            .grace(Duration::ZERO);
        assert_eq!(line.http, expected);
        let line = parse(&["--stateless"]).expect("valid");
        assert_eq!(line.http, HttpOptions::default().stateless(true));
    }

    #[test]
    fn bad_http_flags_say_what_was_wrong() {
        for (args, message) in [
            (
                &["--http", "0.0.0.0:9000"][..],
                "refusing to serve 0.0.0.0:9000 without authentication, as anyone who reaches it could run code: put a token in an environment variable and pass --token-env VAR, or pass --no-auth to serve without one",
            ),
            (
                &["--stdio", "--token-env", "TOKEN"][..],
                "--token-env applies to --http only, not --stdio",
            ),
            (
                &["--token-env", "TOKEN", "--no-auth"][..],
                "give --token-env VAR or --no-auth, not both",
            ),
            (
                &["--stateless", "--max-sessions", "5"][..],
                "--max-sessions has no effect with --stateless, which keeps no sessions",
            ),
            (
                &["--allowed-origin", "example.com"][..],
                "--allowed-origin: `example.com` is not an origin like https://app.example.com, http://host:8080, http://host:* or null",
            ),
            (
                &["--allowed-host", "a b"][..],
                "--allowed-host: `a b` is not a host like example.com, example.com:8080, 10.0.0.5, [::1] or *",
            ),
            (
                &["--grace-secs", "-1"][..],
                "--grace-secs expects a whole number of seconds, got `-1`",
            ),
            (
                &["--max-sessions", "0"][..],
                "--max-sessions expects a positive whole number, got `0`",
            ),
            (
                &["--token-env", ""][..],
                "--token-env expects the name of an environment variable, got ``",
            ),
        ] {
            assert_eq!(parse(args).err().as_deref(), Some(message), "{args:?}");
        }
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
