//! The answers to requests refused before they reach MCP: a status, a JSON-RPC error
//! body that says what was wrong and what to do, and a count in the metrics.

use crate::telemetry::HTTP_REJECTED;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// Why a request was refused; the `reason` label of the rejection counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// No or a wrong bearer token.
    Unauthorized,
    /// An `Origin` outside the allowlist.
    BadOrigin,
    /// A missing `Host`, or one outside the allowlist.
    BadHost,
    /// A body over the size limit.
    TooLarge,
    /// A body that is not JSON, or not a JSON-RPC message.
    Malformed,
    /// A body that could not be read.
    Unreadable,
    /// The server is shutting down.
    Draining,
    /// Every session slot holds a session with a request in flight.
    SessionsFull,
}

impl Refusal {
    fn label(self) -> &'static str {
        match self {
            Self::Unauthorized => "unauthorized",
            Self::BadOrigin => "origin",
            Self::BadHost => "host",
            Self::TooLarge => "too_large",
            Self::Malformed => "malformed",
            Self::Unreadable => "unreadable",
            Self::Draining => "draining",
            Self::SessionsFull => "sessions_full",
        }
    }
}

/// JSON-RPC's code for a body that is not JSON.
pub(crate) const PARSE_ERROR: i32 = -32700;
/// JSON-RPC's code for JSON that is not a valid request.
pub(crate) const INVALID_REQUEST: i32 = -32600;
/// The first of JSON-RPC's implementation-defined server error codes.
const SERVER_ERROR: i32 = -32000;

/// A refusal with `status` and `message`, counted under `reason`; the body's error code
/// is `-32600` (invalid request) for a 400 and `-32000` (server error) otherwise.
pub(crate) fn refusal(status: StatusCode, reason: Refusal, message: String) -> Response {
    let code = if status == StatusCode::BAD_REQUEST {
        INVALID_REQUEST
    } else {
        SERVER_ERROR
    };
    refusal_with_code(status, reason, code, message)
}

/// A refusal whose JSON-RPC error code is `code`.
pub(crate) fn refusal_with_code(
    status: StatusCode,
    reason: Refusal,
    code: i32,
    message: String,
) -> Response {
    metrics::counter!(HTTP_REJECTED, "reason" => reason.label()).increment(1);
    let body = json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": { "code": code, "message": message },
    });
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body.to_string(),
    )
        .into_response()
}
