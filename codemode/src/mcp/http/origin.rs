//! `Origin` and `Host` checks against DNS rebinding and cross-site requests.
//!
//! A browser page on another site, or one reached through a rebound DNS name, can send
//! requests to a server on the user's machine; the `Origin` header (set by browsers,
//! absent from other clients) and the `Host` header tell those requests apart. Both are
//! compared with allowlists; a request that fails either gets 403 naming the flag that
//! would allow it.

use super::errors::{refusal, Refusal};
use axum::extract::{Request, State};
use axum::http::{header, uri::Authority, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::Response;
use std::fmt;
use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::Arc;

/// A text that is not an origin or host pattern.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not {expected}")]
pub struct InvalidPattern {
    text: String,
    expected: &'static str,
}

const ORIGIN_FORM: &str =
    "an origin like https://app.example.com, http://host:8080, http://host:* or null";
const HOST_FORM: &str = "a host like example.com, example.com:8080, 10.0.0.5, [::1] or *";

/// Which ports an origin pattern matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Port {
    Any,
    Exact(u16),
}

/// An allowed `Origin`: `scheme://host[:port]`, `scheme://host:*`, or `null`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OriginPattern {
    /// `Origin: null`, sent by sandboxed frames and local files.
    Null,
    /// A scheme, a lower-case host (IPv6 in brackets) and the ports allowed.
    Site {
        scheme: String,
        host: String,
        port: Port,
    },
}

impl OriginPattern {
    /// The origins of pages served from this machine, on any port.
    pub(crate) fn local() -> Vec<Self> {
        ["localhost", "127.0.0.1", "[::1]"]
            .into_iter()
            .map(|host| Self::Site {
                scheme: "http".to_owned(),
                host: host.to_owned(),
                port: Port::Any,
            })
            .collect()
    }

    fn matches(&self, origin: &Origin) -> bool {
        match (self, origin) {
            (Self::Null, Origin::Null) => true,
            (
                Self::Site { scheme, host, port },
                Origin::Site {
                    scheme: their_scheme,
                    host: their_host,
                    port: their_port,
                    ..
                },
            ) => {
                scheme == their_scheme
                    && host == their_host
                    && match port {
                        Port::Any => true,
                        Port::Exact(port) => port == their_port,
                    }
            }
            _ => false,
        }
    }
}

impl FromStr for OriginPattern {
    type Err = InvalidPattern;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = || InvalidPattern {
            text: text.to_owned(),
            expected: ORIGIN_FORM,
        };
        if let Some(base) = text.strip_suffix(":*") {
            return match Origin::parse(base).ok_or_else(invalid)? {
                Origin::Site {
                    scheme,
                    host,
                    explicit_port: false,
                    ..
                } => Ok(Self::Site {
                    scheme,
                    host,
                    port: Port::Any,
                }),
                _ => Err(invalid()),
            };
        }
        Ok(match Origin::parse(text).ok_or_else(invalid)? {
            Origin::Null => Self::Null,
            Origin::Site {
                scheme, host, port, ..
            } => Self::Site {
                scheme,
                host,
                port: Port::Exact(port),
            },
        })
    }
}

impl fmt::Display for OriginPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Null => f.write_str("null"),
            Self::Site {
                scheme,
                host,
                port: Port::Any,
            } => write!(f, "{scheme}://{host}:*"),
            Self::Site {
                scheme,
                host,
                port: Port::Exact(port),
            } => write!(f, "{scheme}://{host}:{port}"),
        }
    }
}

/// An `Origin` header's value, with the port made explicit.
enum Origin {
    Null,
    Site {
        scheme: String,
        host: String,
        port: u16,
        explicit_port: bool,
    },
}

impl Origin {
    /// Reads `null` or `scheme://host[:port]` with no path; `None` when it is neither.
    fn parse(text: &str) -> Option<Self> {
        if text.eq_ignore_ascii_case("null") {
            return Some(Self::Null);
        }
        let uri = Uri::from_str(text).ok()?;
        let scheme = uri.scheme_str()?.to_ascii_lowercase();
        let authority = uri.authority()?;
        let has_path = !matches!(uri.path(), "" | "/") || uri.query().is_some();
        if has_path || authority.as_str().contains('@') || authority.host().is_empty() {
            return None;
        }
        let port = match (authority.port_u16(), scheme.as_str()) {
            (Some(port), _) => port,
            (None, "http") => 80,
            (None, "https") => 443,
            (None, _) => return None,
        };
        Some(Self::Site {
            host: authority.host().to_ascii_lowercase(),
            explicit_port: authority.port_u16().is_some(),
            scheme,
            port,
        })
    }
}

/// An allowed `Host`: any host, a host on any port, or a host on one port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HostPattern {
    /// `*`: every host.
    Any,
    /// A lower-case host (IPv6 in brackets), and the port when only one is allowed.
    Named { host: String, port: Option<u16> },
}

impl HostPattern {
    /// This machine's loopback names, on any port.
    pub(crate) fn local() -> Vec<Self> {
        ["localhost", "127.0.0.1", "[::1]"]
            .into_iter()
            .map(|host| Self::Named {
                host: host.to_owned(),
                port: None,
            })
            .collect()
    }

    /// The address a server is bound to, unless it is a wildcard one (`0.0.0.0`).
    pub(crate) fn bound(address: SocketAddr) -> Option<Self> {
        if address.ip().is_unspecified() {
            return None;
        }
        let host = match address {
            SocketAddr::V4(v4) => v4.ip().to_string(),
            SocketAddr::V6(v6) => format!("[{}]", v6.ip()),
        };
        Some(Self::Named { host, port: None })
    }

    fn matches(&self, authority: &Authority) -> bool {
        match self {
            Self::Any => true,
            Self::Named { host, port } => {
                authority.host().eq_ignore_ascii_case(host)
                    && port.is_none_or(|port| authority.port_u16().unwrap_or(80) == port)
            }
        }
    }
}

impl FromStr for HostPattern {
    type Err = InvalidPattern;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text == "*" {
            return Ok(Self::Any);
        }
        let invalid = || InvalidPattern {
            text: text.to_owned(),
            expected: HOST_FORM,
        };
        let authority = Authority::from_str(text).map_err(|_| invalid())?;
        if authority.as_str().contains('@') || authority.host().is_empty() {
            return Err(invalid());
        }
        Ok(Self::Named {
            host: authority.host().to_ascii_lowercase(),
            port: authority.port_u16(),
        })
    }
}

/// The allowlists one router checks.
#[derive(Debug, Clone)]
pub(crate) struct Allowed {
    origins: Arc<[OriginPattern]>,
    hosts: Arc<[HostPattern]>,
}

impl Allowed {
    /// Checks requests against `origins` and `hosts`.
    pub(crate) fn new(origins: &[OriginPattern], hosts: &[HostPattern]) -> Self {
        Self {
            origins: origins.into(),
            hosts: hosts.into(),
        }
    }

    /// The 400 or 403 for `request`, or `None` when it may pass.
    fn refusal_for(&self, request: &Request) -> Option<Response> {
        let host = request
            .headers()
            .get(header::HOST)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| Authority::from_str(value).ok())
            .or_else(|| request.uri().authority().cloned());
        let Some(host) = host else {
            return Some(refusal(
                StatusCode::BAD_REQUEST,
                Refusal::BadHost,
                "the request has no valid Host header".to_owned(),
            ));
        };
        if !self.hosts.iter().any(|allowed| allowed.matches(&host)) {
            return Some(refusal(
                StatusCode::FORBIDDEN,
                Refusal::BadHost,
                format!(
                    "Host `{host}` is not allowed; start the server with --allowed-host {} to allow it",
                    host.host()
                ),
            ));
        }
        // Clients other than browsers send no Origin: nothing more to check.
        let origin = request.headers().get(header::ORIGIN)?;
        let text = String::from_utf8_lossy(origin.as_bytes());
        let allowed = Origin::parse(&text)
            .is_some_and(|origin| self.origins.iter().any(|allowed| allowed.matches(&origin)));
        if allowed {
            None
        } else {
            Some(refusal(
                StatusCode::FORBIDDEN,
                Refusal::BadOrigin,
                format!(
                    "Origin `{text}` is not allowed; start the server with --allowed-origin {text} to allow it"
                ),
            ))
        }
    }
}

/// Middleware: 403 for a `Host` or `Origin` outside the allowlists.
pub(crate) async fn check(
    State(allowed): State<Allowed>,
    request: Request,
    next: Next,
) -> Response {
    match allowed.refusal_for(&request) {
        None => next.run(request).await,
        Some(refusal) => refusal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin_allowed(patterns: &[&str], origin: &str) -> bool {
        let patterns: Vec<OriginPattern> = patterns
            .iter()
            .map(|pattern| pattern.parse().expect("a valid pattern"))
            .collect();
        Origin::parse(origin).is_some_and(|origin| patterns.iter().any(|p| p.matches(&origin)))
    }

    #[test]
    fn origin_patterns_match_scheme_host_and_port() {
        let local: Vec<String> = OriginPattern::local()
            .iter()
            .map(|p| p.to_string())
            .collect();
        let local: Vec<&str> = local.iter().map(String::as_str).collect();
        assert!(origin_allowed(&local, "http://localhost:5173"));
        assert!(origin_allowed(&local, "http://127.0.0.1"));
        assert!(origin_allowed(&local, "http://[::1]:8080"));
        assert!(!origin_allowed(&local, "https://localhost:5173"));
        assert!(!origin_allowed(&local, "http://evil.example"));
        assert!(!origin_allowed(&local, "http://localhost.evil.example"));
        assert!(!origin_allowed(&local, "null"));
        let app = ["https://app.example.com"];
        assert!(origin_allowed(&app, "https://APP.example.com"));
        assert!(origin_allowed(&app, "https://app.example.com:443"));
        assert!(!origin_allowed(&app, "https://app.example.com:8443"));
        assert!(origin_allowed(&["null"], "null"));
    }

    #[test]
    fn bad_origin_patterns_say_what_is_expected() {
        for text in [
            "app.example.com",
            "https://app.example.com/path",
            "https://user@app.example.com",
            "https://app.example.com:443:*",
            "ftp://files.example.com",
        ] {
            let error = text.parse::<OriginPattern>().expect_err(text);
            assert_eq!(error.to_string(), format!("`{text}` is not {ORIGIN_FORM}"));
        }
    }

    #[test]
    fn host_patterns_match_name_and_port() {
        let named: HostPattern = "Example.com".parse().expect("a host");
        let with_port: HostPattern = "example.com:8443".parse().expect("a host and port");
        let authority = |text: &str| Authority::from_str(text).expect("an authority");
        assert!(named.matches(&authority("example.com:9000")));
        assert!(named.matches(&authority("EXAMPLE.COM")));
        assert!(!named.matches(&authority("example.org")));
        assert!(with_port.matches(&authority("example.com:8443")));
        assert!(!with_port.matches(&authority("example.com")));
        assert!(HostPattern::Any.matches(&authority("anything:1")));
        assert!("a b".parse::<HostPattern>().is_err());
        assert_eq!(
            HostPattern::bound("0.0.0.0:80".parse().expect("an address")),
            None
        );
        assert!(HostPattern::bound("[::2]:80".parse().expect("an address"))
            .is_some_and(|bound| bound.matches(&authority("[::2]:80"))));
    }
}
