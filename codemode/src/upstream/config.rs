//! The `mcpServers` configuration file that desktop agents already use, with `${VAR}`
//! taken from the environment.

use serde_json::{Map, Value};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Time a call to an upstream may take before it fails, unless configured.
pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(30);
/// Time an upstream may take to start and list its tools, unless configured.
pub const DEFAULT_START_TIMEOUT: Duration = Duration::from_secs(60);
/// Calls one upstream may have in flight at once, unless configured.
pub const DEFAULT_CALLS_IN_FLIGHT: usize = 16;

/// Keys a server entry may hold.
const KEYS: &[&str] = &[
    "command",
    "args",
    "env",
    "cwd",
    "url",
    "headers",
    "type",
    "description",
    "callTimeoutMs",
    "startTimeoutMs",
    "maxCallsInFlight",
    "disabled",
    "autoApprove",
    "alwaysAllow",
];

/// Headers the streamable HTTP transport sets itself.
const RESERVED_HEADERS: &[&str] = &["accept", "mcp-session-id", "last-event-id", "content-type"];

/// The upstream MCP servers to mount, in the order the file lists them.
///
/// ```
/// let config = codemode::UpstreamConfig::parse(
///     r#"{ "mcpServers": { "time": { "command": "uvx", "args": ["mcp-server-time"] } } }"#,
///     "servers.json",
/// )
/// .expect("a valid configuration");
/// assert_eq!(config.servers()[0].name(), "time");
/// ```
#[derive(Debug, Clone, Default)]
pub struct UpstreamConfig {
    servers: Vec<UpstreamServer>,
}

/// One upstream MCP server: how to reach it and how to call it.
#[derive(Clone)]
pub struct UpstreamServer {
    name: String,
    transport: UpstreamTransport,
    description: Option<String>,
    call_timeout: Duration,
    start_timeout: Duration,
    calls_in_flight: usize,
    secrets: Vec<String>,
}

/// How an upstream is reached.
#[derive(Clone)]
#[non_exhaustive]
pub enum UpstreamTransport {
    /// A child process speaking MCP over its stdin and stdout.
    Stdio {
        /// The program to start.
        command: String,
        /// Its arguments.
        args: Vec<String>,
        /// Variables added to the inherited environment.
        env: Vec<(String, String)>,
        /// Its working directory; the server's own when `None`.
        cwd: Option<PathBuf>,
    },
    /// A streamable HTTP endpoint.
    Http {
        /// The endpoint, e.g. `http://127.0.0.1:3001/mcp`.
        url: String,
        /// Headers sent with every request, e.g. `Authorization`.
        headers: Vec<(String, String)>,
    },
}

/// A configuration that cannot be used: which file, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {problem}")]
pub struct ConfigError {
    /// The file, as given.
    pub file: String,
    /// What is wrong, in one line.
    pub problem: String,
}

impl UpstreamConfig {
    /// An empty configuration.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads and parses the file at `path`, taking `${VAR}` from the environment.
    /// A relative `cwd` is relative to the file's folder.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, ConfigError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|error| ConfigError {
            file: path.display().to_string(),
            problem: format!("cannot be read: {error}"),
        })?;
        Self::parse(&text, path)
    }

    /// Parses configuration text that came from `path`, taking `${VAR}` from the
    /// environment.
    pub fn parse(text: &str, path: impl AsRef<Path>) -> Result<Self, ConfigError> {
        Self::parse_with(text, path.as_ref(), |name| std::env::var(name).ok())
    }

    /// Parses with `lookup` answering `${VAR}`.
    pub(crate) fn parse_with(
        text: &str,
        path: &Path,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let fail = |problem: String| ConfigError {
            file: path.display().to_string(),
            problem,
        };
        let root: Value = serde_json::from_str(text)
            .map_err(|error| fail(format!("is not valid JSON: {error}")))?;
        let servers = root
            .get("mcpServers")
            .ok_or_else(|| {
                fail(
                    "has no `mcpServers` object; write {\"mcpServers\": {\"name\": {\"command\": \"...\"}}}"
                        .to_owned(),
                )
            })?
            .as_object()
            .ok_or_else(|| fail("`mcpServers` must be an object of named servers".to_owned()))?;
        let base = path.parent().unwrap_or(Path::new(""));
        let mut config = Self::new();
        for (name, entry) in servers {
            let mut reader = Entry {
                name,
                lookup: &lookup,
                secrets: Vec::new(),
            };
            if let Some(server) = reader.server(entry, base).map_err(fail)? {
                config.servers.push(server);
            }
        }
        Ok(config)
    }

    /// Adds a server; a second server with the same name replaces the first.
    pub fn server(mut self, server: UpstreamServer) -> Self {
        self.servers.retain(|existing| existing.name != server.name);
        self.servers.push(server);
        self
    }

    /// The servers, in the order they were given.
    pub fn servers(&self) -> &[UpstreamServer] {
        &self.servers
    }

    /// Whether no server is configured.
    pub fn is_empty(&self) -> bool {
        self.servers.is_empty()
    }
}

impl UpstreamServer {
    /// A server started as `command` and reached over its stdin and stdout.
    pub fn stdio(name: impl Into<String>, command: impl Into<String>) -> Self {
        Self::with_transport(
            name.into(),
            UpstreamTransport::Stdio {
                command: command.into(),
                args: Vec::new(),
                env: Vec::new(),
                cwd: None,
            },
        )
    }

    /// A server reached over streamable HTTP at `url`.
    pub fn http(name: impl Into<String>, url: impl Into<String>) -> Self {
        Self::with_transport(
            name.into(),
            UpstreamTransport::Http {
                url: url.into(),
                headers: Vec::new(),
            },
        )
    }

    fn with_transport(name: String, transport: UpstreamTransport) -> Self {
        Self {
            name,
            transport,
            description: None,
            call_timeout: DEFAULT_CALL_TIMEOUT,
            start_timeout: DEFAULT_START_TIMEOUT,
            calls_in_flight: DEFAULT_CALLS_IN_FLIGHT,
            secrets: Vec::new(),
        }
    }

    /// Adds arguments of a stdio server's command.
    pub fn args<I: IntoIterator<Item = S>, S: Into<String>>(mut self, more: I) -> Self {
        if let UpstreamTransport::Stdio { args, .. } = &mut self.transport {
            args.extend(more.into_iter().map(Into::into));
        }
        self
    }

    /// Sets an environment variable of a stdio server. Its value is kept out of
    /// declarations, logs and error messages.
    pub fn env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        let value = value.into();
        if let UpstreamTransport::Stdio { env, .. } = &mut self.transport {
            self.secrets.push(value.clone());
            env.push((key.into(), value));
        }
        self
    }

    /// Sets the working directory of a stdio server.
    pub fn cwd(mut self, dir: impl Into<PathBuf>) -> Self {
        if let UpstreamTransport::Stdio { cwd, .. } = &mut self.transport {
            *cwd = Some(dir.into());
        }
        self
    }

    /// Adds a header to every request to an HTTP server. Its value is kept out of
    /// declarations, logs and error messages.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let value = value.into();
        if let UpstreamTransport::Http { headers, .. } = &mut self.transport {
            self.secrets.push(value.clone());
            headers.push((name.into(), value));
        }
        self
    }

    /// Sets the description of the server's namespace.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = Some(text.into());
        self
    }

    /// Sets the time one call may take before it fails (default 30 s).
    pub fn call_timeout(mut self, timeout: Duration) -> Self {
        self.call_timeout = timeout;
        self
    }

    /// Sets the time the server may take to start and list its tools (default 60 s).
    pub fn start_timeout(mut self, timeout: Duration) -> Self {
        self.start_timeout = timeout;
        self
    }

    /// Sets how many calls may be in flight at once; more wait their turn (default 16).
    pub fn calls_in_flight(mut self, calls: usize) -> Self {
        self.calls_in_flight = calls.max(1);
        self
    }

    /// The server's key in the configuration.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// How the server is reached.
    pub fn transport(&self) -> &UpstreamTransport {
        &self.transport
    }

    pub(crate) fn configured_description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    pub(crate) fn call_timeout_value(&self) -> Duration {
        self.call_timeout
    }

    pub(crate) fn start_timeout_value(&self) -> Duration {
        self.start_timeout
    }

    pub(crate) fn calls_in_flight_value(&self) -> usize {
        self.calls_in_flight
    }

    /// Values that must never be shown: environment values, header values and
    /// everything taken from `${VAR}`.
    pub(crate) fn secrets(&self) -> &[String] {
        &self.secrets
    }
}

impl fmt::Debug for UpstreamServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpstreamServer")
            .field("name", &self.name)
            .field("transport", &self.transport)
            .field("call_timeout", &self.call_timeout)
            .field("calls_in_flight", &self.calls_in_flight)
            .finish_non_exhaustive()
    }
}

/// Shows names of variables and headers, never their values.
impl fmt::Debug for UpstreamTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Stdio {
                command, env, cwd, ..
            } => f
                .debug_struct("Stdio")
                .field("command", command)
                .field("env", &env.iter().map(|(key, _)| key).collect::<Vec<_>>())
                .field("cwd", cwd)
                .finish_non_exhaustive(),
            Self::Http { headers, .. } => f
                .debug_struct("Http")
                .field(
                    "headers",
                    &headers.iter().map(|(name, _)| name).collect::<Vec<_>>(),
                )
                .finish_non_exhaustive(),
        }
    }
}

/// Reads one server entry, collecting the values that must stay secret.
struct Entry<'a, L> {
    name: &'a str,
    lookup: &'a L,
    secrets: Vec<String>,
}

impl<L: Fn(&str) -> Option<String>> Entry<'_, L> {
    fn server(&mut self, entry: &Value, base: &Path) -> Result<Option<UpstreamServer>, String> {
        let name = self.name;
        let at = format!("mcpServers.{name}");
        if name.is_empty() {
            return Err("a server in `mcpServers` has an empty name".to_owned());
        }
        let object = entry
            .as_object()
            .ok_or_else(|| format!("`{at}` must be an object with `command` or `url`"))?;
        if let Some(unknown) = object.keys().find(|key| !KEYS.contains(&key.as_str())) {
            return Err(format!(
                "`{at}` has an unknown key `{unknown}`; the keys are {}",
                KEYS[..12]
                    .iter()
                    .map(|key| format!("`{key}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if object.get("disabled") == Some(&Value::Bool(true)) {
            return Ok(None);
        }
        let kind = match object.get("type") {
            None => None,
            Some(Value::String(kind)) => Some(kind.as_str()),
            Some(_) => return Err(format!("`{at}.type` must be a string")),
        };
        let mut server = match (object.get("command"), object.get("url"), kind) {
            (Some(_), Some(_), _) => {
                return Err(format!(
                    "`{at}` has both `command` and `url`; give one of them"
                ))
            }
            (_, _, Some("sse")) => {
                return Err(format!(
                    "`{at}` asks for the SSE transport, which is not supported; use the server's streamable HTTP endpoint with `\"type\": \"http\"`"
                ))
            }
            (Some(command), None, None | Some("stdio")) => {
                let command = self.string(command, &format!("{at}.command"))?;
                if command.is_empty() {
                    return Err(format!("`{at}.command` is empty"));
                }
                let args = match object.get("args") {
                    None => Vec::new(),
                    Some(Value::Array(items)) => items
                        .iter()
                        .enumerate()
                        .map(|(i, item)| self.string(item, &format!("{at}.args[{i}]")))
                        .collect::<Result<_, _>>()?,
                    Some(_) => return Err(format!("`{at}.args` must be an array of strings")),
                };
                let env = self.pairs(object.get("env"), &format!("{at}.env"))?;
                self.secrets.extend(env.iter().map(|(_, value)| value.clone()));
                let cwd = match object.get("cwd") {
                    None => None,
                    Some(value) => Some(base.join(self.string(value, &format!("{at}.cwd"))?)),
                };
                UpstreamServer::with_transport(
                    name.to_owned(),
                    UpstreamTransport::Stdio {
                        command,
                        args,
                        env,
                        cwd,
                    },
                )
            }
            (None, Some(url), None | Some("http" | "streamable-http" | "streamableHttp")) => {
                let url = self.string(url, &format!("{at}.url"))?;
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    return Err(format!(
                        "`{at}.url` must start with http:// or https://"
                    ));
                }
                let headers = self.pairs(object.get("headers"), &format!("{at}.headers"))?;
                for (header, value) in &headers {
                    check_header(header, value, &format!("{at}.headers"))?;
                }
                self.secrets
                    .extend(headers.iter().map(|(_, value)| value.clone()));
                UpstreamServer::with_transport(
                    name.to_owned(),
                    UpstreamTransport::Http { url, headers },
                )
            }
            (_, _, Some(other @ ("stdio" | "http" | "streamable-http" | "streamableHttp"))) => {
                let needs = if other == "stdio" { "command" } else { "url" };
                return Err(format!("`{at}` has `\"type\": \"{other}\"` but no `{needs}`"));
            }
            (_, _, Some(other)) => {
                return Err(format!(
                    "`{at}.type` is `{other}`; use \"stdio\" (with `command`) or \"http\" (with `url`)"
                ))
            }
            (None, None, None) => {
                return Err(format!(
                    "`{at}` needs `command` (a program to start) or `url` (a streamable HTTP endpoint)"
                ))
            }
        };
        if let Some(description) = object.get("description") {
            server.description = Some(self.string(description, &format!("{at}.description"))?);
        }
        if let Some(value) = object.get("callTimeoutMs") {
            server.call_timeout =
                Duration::from_millis(positive(value, &format!("{at}.callTimeoutMs"))?);
        }
        if let Some(value) = object.get("startTimeoutMs") {
            server.start_timeout =
                Duration::from_millis(positive(value, &format!("{at}.startTimeoutMs"))?);
        }
        if let Some(value) = object.get("maxCallsInFlight") {
            let calls = positive(value, &format!("{at}.maxCallsInFlight"))?;
            server.calls_in_flight = usize::try_from(calls).unwrap_or(usize::MAX);
        }
        server.secrets = std::mem::take(&mut self.secrets);
        Ok(Some(server))
    }

    /// A string value with `${VAR}` replaced.
    fn string(&mut self, value: &Value, at: &str) -> Result<String, String> {
        match value {
            Value::String(text) => self.expand(text, at),
            _ => Err(format!("`{at}` must be a string")),
        }
    }

    /// An object of strings, such as `env` or `headers`.
    fn pairs(&mut self, value: Option<&Value>, at: &str) -> Result<Vec<(String, String)>, String> {
        let Some(value) = value else {
            return Ok(Vec::new());
        };
        let object: &Map<String, Value> = value
            .as_object()
            .ok_or_else(|| format!("`{at}` must be an object of strings"))?;
        object
            .iter()
            .map(|(key, value)| Ok((key.clone(), self.string(value, &format!("{at}.{key}"))?)))
            .collect()
    }

    /// Replaces every `${VAR}` in `text`; an unset variable is an error naming it.
    fn expand(&mut self, text: &str, at: &str) -> Result<String, String> {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let end = after
                .find('}')
                .ok_or_else(|| format!("`{at}` has a `${{` without its closing `}}`"))?;
            let variable = &after[..end];
            let valid = !variable.is_empty()
                && variable
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !valid {
                return Err(format!(
                    "`{at}` refers to `${{{variable}}}`, which is not a variable name (letters, digits and `_`)"
                ));
            }
            let value = (self.lookup)(variable).ok_or_else(|| {
                format!("`{at}` uses ${{{variable}}}, but {variable} is not set in the environment")
            })?;
            self.secrets.push(value.clone());
            out.push_str(&value);
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

fn check_header(name: &str, value: &str, at: &str) -> Result<(), String> {
    if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
        return Err(format!(
            "`{at}` has `{name}`, which is not a valid header name"
        ));
    }
    if RESERVED_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
        return Err(format!(
            "`{at}.{name}` is set by the MCP transport itself; remove it"
        ));
    }
    if reqwest::header::HeaderValue::from_str(value).is_err() {
        return Err(format!(
            "`{at}.{name}` is not a valid header value (control characters or non-ASCII)"
        ));
    }
    Ok(())
}

fn positive(value: &Value, at: &str) -> Result<u64, String> {
    match value.as_u64() {
        Some(number) if number > 0 => Ok(number),
        _ => Err(format!("`{at}` must be a positive whole number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<UpstreamConfig, String> {
        UpstreamConfig::parse_with(text, Path::new("/etc/agent/servers.json"), |name| {
            (name == "TOKEN").then(|| "s3cret".to_owned())
        })
        .map_err(|error| error.to_string())
    }

    #[test]
    fn reads_stdio_and_http_servers() {
        let config = parse(
            r#"{"mcpServers": {
                "files": {"command": "npx", "args": ["-y", "server", "${TOKEN}"], "env": {"KEY": "${TOKEN}"}, "cwd": "data"},
                "remote": {"type": "http", "url": "https://example.com/mcp", "headers": {"Authorization": "Bearer ${TOKEN}"}, "maxCallsInFlight": 4}
            }}"#,
        )
        .expect("valid");
        let [files, remote] = config.servers() else {
            panic!("two servers")
        };
        let UpstreamTransport::Stdio { args, env, cwd, .. } = files.transport() else {
            panic!("stdio")
        };
        assert_eq!(args, &["-y", "server", "s3cret"]);
        assert_eq!(env, &[("KEY".to_owned(), "s3cret".to_owned())]);
        assert_eq!(cwd.as_deref(), Some(Path::new("/etc/agent/data")));
        let UpstreamTransport::Http { headers, .. } = remote.transport() else {
            panic!("http")
        };
        assert_eq!(headers[0].1, "Bearer s3cret");
        assert_eq!(remote.calls_in_flight_value(), 4);
        assert!(remote.secrets().iter().any(|secret| secret == "s3cret"));
        assert!(!format!("{config:?}").contains("s3cret"), "{config:?}");
    }

    #[test]
    fn problems_are_one_line_naming_the_file_and_the_place() {
        for (text, problem) in [
            ("{", "/etc/agent/servers.json: is not valid JSON: EOF while parsing an object at line 1 column 1"),
            ("{}", "/etc/agent/servers.json: has no `mcpServers` object; write {\"mcpServers\": {\"name\": {\"command\": \"...\"}}}"),
            (r#"{"mcpServers": {"a": {"command": "x", "env": {"K": "${UNSET}"}}}}"#,
             "/etc/agent/servers.json: `mcpServers.a.env.K` uses ${UNSET}, but UNSET is not set in the environment"),
            (r#"{"mcpServers": {"a": {"command": "x", "arg": []}}}"#,
             "/etc/agent/servers.json: `mcpServers.a` has an unknown key `arg`; the keys are `command`, `args`, `env`, `cwd`, `url`, `headers`, `type`, `description`, `callTimeoutMs`, `startTimeoutMs`, `maxCallsInFlight`, `disabled`"),
            (r#"{"mcpServers": {"a": {}}}"#,
             "/etc/agent/servers.json: `mcpServers.a` needs `command` (a program to start) or `url` (a streamable HTTP endpoint)"),
            (r#"{"mcpServers": {"a": {"type": "sse", "url": "http://x"}}}"#,
             "/etc/agent/servers.json: `mcpServers.a` asks for the SSE transport, which is not supported; use the server's streamable HTTP endpoint with `\"type\": \"http\"`"),
            (r#"{"mcpServers": {"a": {"url": "ftp://x"}}}"#,
             "/etc/agent/servers.json: `mcpServers.a.url` must start with http:// or https://"),
            (r#"{"mcpServers": {"a": {"url": "http://x", "headers": {"Accept": "y"}}}}"#,
             "/etc/agent/servers.json: `mcpServers.a.headers.Accept` is set by the MCP transport itself; remove it"),
            (r#"{"mcpServers": {"a": {"command": "x", "args": "y"}}}"#,
             "/etc/agent/servers.json: `mcpServers.a.args` must be an array of strings"),
            (r#"{"mcpServers": {"a": {"command": "x", "callTimeoutMs": 0}}}"#,
             "/etc/agent/servers.json: `mcpServers.a.callTimeoutMs` must be a positive whole number"),
            (r#"{"mcpServers": {"a": {"command": "${TOKEN"}}}"#,
             "/etc/agent/servers.json: `mcpServers.a.command` has a `${` without its closing `}`"),
        ] {
            assert_eq!(parse(text).err().as_deref(), Some(problem), "{text}");
        }
    }

    #[test]
    fn disabled_servers_are_left_out() {
        let config = parse(r#"{"mcpServers": {"a": {"command": "x", "disabled": true}, "b": {"command": "y", "autoApprove": []}}}"#)
            .expect("valid");
        assert_eq!(config.servers().len(), 1);
        assert_eq!(config.servers()[0].name(), "b");
    }
}
