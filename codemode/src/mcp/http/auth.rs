//! Bearer-token authentication.
//!
//! The token is compared in constant time, and the `Authorization` header is removed
//! from a request once it passed, so that nothing downstream (rmcp's request parts,
//! traces of them) ever holds the token.

use super::errors::{refusal, Refusal};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use std::fmt;
use std::sync::Arc;
use subtle::ConstantTimeEq;

/// The token every request must present; never printed.
#[derive(Clone)]
pub(crate) struct BearerToken(Arc<str>);

impl BearerToken {
    /// Wraps `token`.
    pub(crate) fn new(token: String) -> Self {
        Self(token.into())
    }

    /// Whether the token is the empty string, which nobody should be able to match.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `presented` is the token, in time that depends only on the lengths. An
    /// empty token matches nothing.
    fn matches(&self, presented: &[u8]) -> bool {
        !self.is_empty() && bool::from(self.0.as_bytes().ct_eq(presented))
    }
}

impl PartialEq for BearerToken {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_bytes().ct_eq(other.0.as_bytes()).into()
    }
}

impl Eq for BearerToken {}

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BearerToken(<redacted>)")
    }
}

/// What a request presented in its `Authorization` header.
enum Presented<'a> {
    Nothing,
    Token(&'a [u8]),
    OtherScheme,
}

fn presented(headers: &HeaderMap) -> Presented<'_> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Presented::Nothing;
    };
    let bytes = value.as_bytes();
    match bytes.get(..7) {
        Some(scheme) if scheme.eq_ignore_ascii_case(b"bearer ") => {
            Presented::Token(bytes[7..].trim_ascii())
        }
        _ => Presented::OtherScheme,
    }
}

/// Middleware: 401 with `WWW-Authenticate: Bearer` unless the request carries the token.
pub(crate) async fn require(
    State(token): State<BearerToken>,
    mut request: Request,
    next: Next,
) -> Response {
    let (challenge, message) = match presented(request.headers()) {
        Presented::Token(candidate) if token.matches(candidate) => {
            request.headers_mut().remove(header::AUTHORIZATION);
            return next.run(request).await;
        }
        Presented::Token(_) => (
            r#"Bearer realm="codemode", error="invalid_token""#,
            "the bearer token is not valid; send the token the server was started with",
        ),
        Presented::OtherScheme => (
            r#"Bearer realm="codemode", error="invalid_request""#,
            "this server accepts only bearer tokens: send `Authorization: Bearer <token>`",
        ),
        Presented::Nothing => (
            r#"Bearer realm="codemode""#,
            "this server needs a token: send `Authorization: Bearer <token>`",
        ),
    };
    let mut response = refusal(
        StatusCode::UNAUTHORIZED,
        Refusal::Unauthorized,
        message.to_owned(),
    );
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static(challenge),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_bearer_scheme_in_any_case() {
        let mut headers = HeaderMap::new();
        assert!(matches!(presented(&headers), Presented::Nothing));
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("bEaReR  abc "),
        );
        assert!(matches!(presented(&headers), Presented::Token(b"abc")));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert!(matches!(presented(&headers), Presented::OtherScheme));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bear"));
        assert!(matches!(presented(&headers), Presented::OtherScheme));
    }

    #[test]
    fn matches_only_the_whole_token() {
        let token = BearerToken::new("s3cret".to_owned());
        assert!(token.matches(b"s3cret"));
        assert!(!token.matches(b"s3cre"));
        assert!(!token.matches(b"s3cret2"));
        assert!(!token.matches(b""));
        assert!(!BearerToken::new(String::new()).matches(b""));
        assert_eq!(format!("{token:?}"), "BearerToken(<redacted>)");
    }
}
