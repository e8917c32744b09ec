//! `codemode.http`: requests to allowed hosts only.
//!
//! Hosts are compared after URL parsing, so userinfo tricks, letter case, trailing dots
//! and other spellings of an IP address cannot slip past the allowlist. Redirects are
//! re-checked at every hop; bodies and time are bounded.

use crate::limits::ByteSize;
use crate::value::Bytes;
use crate::ToolError;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::de::{Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use url::{Host, Url};

/// Largest response body returned, by default: 5 MiB.
const DEFAULT_MAX_RESPONSE_BYTES: usize = 5 * 1024 * 1024;
/// Time a request may take, by default.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Redirects followed at most.
const MAX_REDIRECTS: usize = 10;

/// Makes HTTP requests to allowed hosts only: `codemode.http.fetch({ url, method?,
/// headers?, body?, as? })`. The request body is text or bytes (a `Uint8Array`); the
/// response body is text, or bytes with `as: "bytes"`.
///
/// An allowed host is a name or IP address (`api.example.com`, `127.0.0.1`, `[::1]`),
/// optionally with a port (`localhost:8080`) to allow only that port.
///
/// ```
/// let http = codemode::HttpCapability::new(["httpbin.org"]);
/// # let _ = http;
/// ```
///
/// # Refusals
///
/// Each refusal rejects the call with a message starting `http.fetch: `, which the
/// program may catch: a URL that does not parse, a scheme other than http and https, a
/// host (or port) not in the allowlist, a redirect to one, an invalid method or
/// header, a response body over the size bound (5 MiB unless
/// [`with_max_response_bytes`](Self::with_max_response_bytes) says otherwise), a
/// request over its time limit (30 s unless [`with_timeout`](Self::with_timeout) says
/// otherwise), and a failed connection. The system's proxy settings are ignored, so a request goes
/// where its URL says.
#[derive(Debug, Clone)]
pub struct HttpCapability {
    allowlist: Arc<Allowlist>,
    /// The client, or why it could not be built.
    client: Result<reqwest::Client, String>,
    timeout: Duration,
    max_response_bytes: usize,
}

/// The allowed hosts, normalized.
#[derive(Debug)]
struct Allowlist {
    entries: Vec<(String, Option<u16>)>,
    given: Vec<String>,
}

impl Allowlist {
    fn new(hosts: Vec<String>) -> Self {
        let entries = hosts.iter().filter_map(|host| parse_entry(host)).collect();
        Self {
            entries,
            given: hosts,
        }
    }

    /// Whether `url` is http(s) to an allowed host; the error says why not.
    fn check(&self, url: &Url) -> Result<(), String> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!(
                "only http and https URLs are allowed, not `{}:`",
                url.scheme()
            ));
        }
        let Some(host) = url.host() else {
            return Err("the URL has no host".to_owned());
        };
        let host = normalize_host(&host);
        let port = url.port_or_known_default();
        let allowed = self
            .entries
            .iter()
            .any(|(name, only_port)| *name == host && only_port.is_none_or(|p| Some(p) == port));
        if allowed {
            Ok(())
        } else {
            Err(format!(
                "host `{host}` is not allowed; allowed hosts: {}",
                if self.given.is_empty() {
                    "none".to_owned()
                } else {
                    self.given.join(", ")
                }
            ))
        }
    }
}

/// Parses an allowlist entry the way a URL's host is parsed.
fn parse_entry(entry: &str) -> Option<(String, Option<u16>)> {
    let entry = entry.trim();
    let bare_ipv6 = entry.matches(':').count() > 1 && !entry.starts_with('[');
    let authority = if bare_ipv6 {
        format!("[{entry}]")
    } else {
        entry.to_owned()
    };
    let url = Url::parse(&format!("http://{authority}/")).ok()?;
    let host = normalize_host(&url.host()?);
    Some((host, url.port()))
}

fn normalize_host(host: &Host<&str>) -> String {
    match host {
        Host::Domain(name) => name.trim_end_matches('.').to_ascii_lowercase(),
        Host::Ipv4(address) => address.to_string(),
        Host::Ipv6(address) => format!("[{address}]"),
    }
}

/// The answer to `http.fetch`.
#[derive(Debug, Serialize, JsonSchema)]
struct Response {
    /// HTTP status code.
    status: u16,
    /// Response headers, names in lower case; repeated headers joined with ", ".
    headers: BTreeMap<String, String>,
    /// The body: text (invalid UTF-8 replaced with U+FFFD), or a Uint8Array with `as: "bytes"`.
    body: ResponseBody,
}

/// A response body, in the form the program asked for.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(untagged)]
enum ResponseBody {
    Text(String),
    Bytes(Bytes),
}

/// How `http.fetch` returns the response body.
#[derive(Debug, Clone, Copy, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum BodyForm {
    /// As text.
    #[default]
    Text,
    /// As bytes: a Uint8Array.
    Bytes,
}

/// A request body: text, sent as UTF-8, or bytes.
#[derive(Debug)]
struct RequestBody(Vec<u8>);

impl<'de> Deserialize<'de> for RequestBody {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RequestBodyVisitor)
    }
}

struct RequestBodyVisitor;

impl Visitor<'_> for RequestBodyVisitor {
    type Value = RequestBody;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or a Uint8Array")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<RequestBody, E> {
        Ok(RequestBody(text.as_bytes().to_vec()))
    }

    fn visit_string<E: serde::de::Error>(self, text: String) -> Result<RequestBody, E> {
        Ok(RequestBody(text.into_bytes()))
    }

    fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<RequestBody, E> {
        Ok(RequestBody(bytes.to_vec()))
    }

    fn visit_byte_buf<E: serde::de::Error>(self, bytes: Vec<u8>) -> Result<RequestBody, E> {
        Ok(RequestBody(bytes))
    }
}

impl JsonSchema for RequestBody {
    fn schema_name() -> Cow<'static, str> {
        "RequestBody".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let bytes = generator.subschema_for::<Bytes>();
        json_schema!({ "anyOf": [{ "type": "string" }, bytes] })
    }
}

impl HttpCapability {
    /// A capability for the hosts in `allowed_hosts`. Where no HTTP client can be
    /// built (no CA certificates on the system, say), every request fails with the
    /// reason.
    pub fn new(allowed_hosts: impl IntoIterator<Item = impl Into<String>>) -> Self {
        let allowlist = Arc::new(Allowlist::new(
            allowed_hosts.into_iter().map(Into::into).collect(),
        ));
        Self {
            client: client(&allowlist),
            allowlist,
            timeout: DEFAULT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }

    /// Sets the time one request may take, redirects included.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the largest response body returned, in bytes.
    pub fn with_max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }
}

/// A client that re-checks every redirect against the allowlist and ignores the
/// system's proxies, or why it could not be built.
fn client(allowlist: &Arc<Allowlist>) -> Result<reqwest::Client, String> {
    let policy_allowlist = Arc::clone(allowlist);
    let policy = reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() >= MAX_REDIRECTS {
            return attempt.error(format!("more than {MAX_REDIRECTS} redirects"));
        }
        match policy_allowlist.check(attempt.url()) {
            Ok(()) => attempt.follow(),
            Err(reason) => {
                let target = attempt.url().to_string();
                attempt.error(format!("redirect to {target} refused: {reason}"))
            }
        }
    });
    reqwest::Client::builder()
        .redirect(policy)
        .no_proxy()
        .build()
        .map_err(|error| {
            let reason = causes(&error);
            tracing::error!(%reason, "the http capability has no HTTP client: every http.fetch will fail");
            reason
        })
}

/// HTTP requests to allowed hosts.
#[crate::capability(namespace = "http")]
impl HttpCapability {
    /// The hosts this instance allows and the largest response, for the model.
    #[codemode(describe)]
    fn allowed(&self) -> String {
        if self.allowlist.given.is_empty() {
            return "No host is allowed: every call fails.".to_owned();
        }
        let hosts = self
            .allowlist
            .given
            .iter()
            .map(|host| format!("`{host}`"))
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "Allowed hosts: {hosts} (http and https; a host given with a port allows that port only). Response bodies up to {}.",
            ByteSize(self.max_response_bytes)
        )
    }

    /// Sends an HTTP request to an allowed host and returns the response.
    ///
    /// # Arguments
    ///
    /// * `url` - An http or https URL on an allowed host.
    /// * `method` - HTTP method, default "GET".
    /// * `headers` - Request headers.
    /// * `body` - Request body: text, or bytes as a Uint8Array.
    /// * `as` - "text" (the default) for the response body as text, "bytes" for a Uint8Array.
    async fn fetch(
        &self,
        url: String,
        method: Option<String>,
        headers: Option<BTreeMap<String, String>>,
        body: Option<RequestBody>,
        r#as: Option<BodyForm>,
    ) -> Result<Response, ToolError> {
        let fail = |message: String| ToolError::new(format!("http.fetch: {message}"));
        let client = self.client.as_ref().map_err(|reason| {
            fail(format!(
                "no request can be sent: the HTTP client could not be built: {reason}"
            ))
        })?;
        let parsed = Url::parse(&url)
            .map_err(|error| fail(format!("`{url}` is not a valid URL: {error}")))?;
        self.allowlist.check(&parsed).map_err(fail)?;
        let method = method
            .unwrap_or_else(|| "GET".to_owned())
            .to_ascii_uppercase();
        let method = reqwest::Method::from_bytes(method.as_bytes())
            .map_err(|_| fail(format!("`{method}` is not an HTTP method")))?;
        let mut request = client.request(method, parsed).timeout(self.timeout);
        for (name, value) in headers.unwrap_or_default() {
            let name = reqwest::header::HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| fail(format!("`{name}` is not a valid header name")))?;
            let value = reqwest::header::HeaderValue::from_str(&value)
                .map_err(|_| fail(format!("the value of header `{name}` is not valid")))?;
            request = request.header(name, value);
        }
        if let Some(RequestBody(body)) = body {
            request = request.body(body);
        }
        let mut response = request
            .send()
            .await
            .map_err(|error| fail(describe(&error)))?;
        let status = response.status().as_u16();
        let mut headers: BTreeMap<String, String> = BTreeMap::new();
        for (name, value) in response.headers() {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            headers
                .entry(name.as_str().to_owned())
                .and_modify(|existing| {
                    existing.push_str(", ");
                    existing.push_str(&value);
                })
                .or_insert(value);
        }
        if let Some(length) = response.content_length() {
            if length > self.max_response_bytes as u64 {
                return Err(self.too_large());
            }
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|error| fail(describe(&error)))?
        {
            if bytes.len() + chunk.len() > self.max_response_bytes {
                return Err(self.too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(Response {
            status,
            headers,
            body: match r#as.unwrap_or_default() {
                BodyForm::Text => ResponseBody::Text(String::from_utf8_lossy(&bytes).into_owned()),
                BodyForm::Bytes => ResponseBody::Bytes(Bytes::from(bytes)),
            },
        })
    }
}

impl HttpCapability {
    fn too_large(&self) -> ToolError {
        ToolError::new(format!(
            "http.fetch: the response body is larger than the limit of {}",
            ByteSize(self.max_response_bytes)
        ))
    }
}

/// A readable reason for a failed request, including the cause of a refused redirect.
fn describe(error: &reqwest::Error) -> String {
    let what = if error.is_timeout() {
        "the request timed out"
    } else if error.is_redirect() {
        "redirect failed"
    } else if error.is_connect() {
        "could not connect"
    } else {
        "the request failed"
    };
    match std::error::Error::source(error) {
        Some(cause) => format!("{what}: {}", causes(cause)),
        None => what.to_owned(),
    }
}

/// An error and its causes, joined by `: `.
fn causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(list: &[&str], url: &str) -> bool {
        let allowlist = Allowlist::new(list.iter().map(|s| s.to_string()).collect());
        allowlist.check(&Url::parse(url).expect("a URL")).is_ok()
    }

    #[test]
    fn hosts_are_compared_after_parsing() {
        assert!(allowed(&["example.com"], "https://EXAMPLE.com./x"));
        assert!(allowed(&["LocalHost."], "http://localhost:8080/"));
        assert!(allowed(&["example.com"], "http://example.com:8080/"));
        assert!(!allowed(&["example.com"], "https://example.com@evil.test/"));
        assert!(!allowed(&["example.com"], "https://evil.test/?example.com"));
        assert!(!allowed(&["example.com"], "https://example.com.evil.test/"));
        assert!(!allowed(&["example.com"], "ftp://example.com/"));
        assert!(!allowed(&["example.com"], "file:///etc/passwd"));
    }

    #[test]
    fn ip_literals_are_compared_as_addresses() {
        assert!(allowed(&["127.0.0.1"], "http://2130706433/"));
        assert!(allowed(&["127.0.0.1"], "http://0x7f.0.0.1/"));
        assert!(!allowed(&["localhost"], "http://127.0.0.1/"));
        assert!(allowed(&["[::1]"], "http://[0:0::1]/"));
        assert!(allowed(&["::1"], "http://[::1]:9000/"));
    }

    #[test]
    fn ports_restrict_when_given() {
        assert!(allowed(&["localhost:8080"], "http://localhost:8080/"));
        assert!(!allowed(&["localhost:8080"], "http://localhost:9090/"));
        assert!(!allowed(&["localhost:8080"], "http://localhost/"));
    }
}
