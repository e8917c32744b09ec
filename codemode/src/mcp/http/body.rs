//! Request bodies: the size limit, answered with a 413 that clients actually see, and
//! 400 with a JSON-RPC error for a body that is not a JSON-RPC message.
//!
//! A server that answers an oversized upload before reading it and then closes the
//! connection makes the kernel reset it while the client is still sending, and the
//! client reports a broken connection instead of the status. So the rest of an oversized
//! body is read and thrown away, up to a bound, before the 413 goes out; past the bound
//! the 413 is sent with `Connection: close`.

use super::errors::{refusal, refusal_with_code, Refusal, INVALID_REQUEST, PARSE_ERROR};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use futures_util::StreamExt;
use rmcp::model::ClientJsonRpcMessage;

/// Bytes of an oversized body read and discarded before answering 413.
const DISCARD_BYTES: u64 = 64 * 1024 * 1024;

/// How a body was read.
enum Read {
    Whole(Bytes),
    /// Over the limit; `drained` when the whole body was read anyway.
    TooLarge {
        drained: bool,
    },
    Failed(String),
}

async fn read(body: Body, limit: usize, declared: Option<u64>) -> Read {
    if declared.is_some_and(|length| length > limit as u64 + DISCARD_BYTES) {
        return Read::TooLarge { drained: false };
    }
    let mut kept =
        Vec::with_capacity(declared.map_or(0, |length| length.min(limit as u64) as usize));
    let mut discarded = 0u64;
    let mut chunks = body.into_data_stream();
    while let Some(chunk) = chunks.next().await {
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(error) => return Read::Failed(error.to_string()),
        };
        if discarded == 0 && kept.len() + chunk.len() <= limit {
            kept.extend_from_slice(&chunk);
            continue;
        }
        if discarded == 0 {
            discarded = kept.len() as u64;
            kept = Vec::new();
        }
        discarded += chunk.len() as u64;
        if discarded > DISCARD_BYTES {
            return Read::TooLarge { drained: false };
        }
    }
    if discarded > 0 {
        Read::TooLarge { drained: true }
    } else {
        Read::Whole(Bytes::from(kept))
    }
}

fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

/// Middleware: buffers POST bodies up to `limit` bytes, refuses larger ones with 413,
/// and turns rmcp's 415 for an undecodable JSON body into 400 with a JSON-RPC error.
pub(crate) async fn limit(State(limit): State<usize>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let bytes = match read(body, limit, declared_length(&parts.headers)).await {
        Read::Whole(bytes) => bytes,
        Read::TooLarge { drained } => {
            let mut response = refusal(
                StatusCode::PAYLOAD_TOO_LARGE,
                Refusal::TooLarge,
                format!(
                    "the request body is larger than the server's limit of {}; send less, or start the server with a larger --max-body-mb",
                    crate::limits::ByteSize(limit)
                ),
            );
            if !drained {
                response
                    .headers_mut()
                    .insert(header::CONNECTION, HeaderValue::from_static("close"));
            }
            return response;
        }
        Read::Failed(error) => {
            return refusal(
                StatusCode::BAD_REQUEST,
                Refusal::Unreadable,
                format!("the request body could not be read: {error}"),
            )
        }
    };
    let json = is_json(&parts.headers);
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes.clone())))
        .await;
    if json && response.status() == StatusCode::UNSUPPORTED_MEDIA_TYPE {
        return malformed(&bytes);
    }
    response
}

/// The 400 for a JSON body rmcp could not decode: a parse error, or JSON that is not a
/// JSON-RPC message.
fn malformed(body: &[u8]) -> Response {
    if let Err(error) = serde_json::from_slice::<serde::de::IgnoredAny>(body) {
        return refusal_with_code(
            StatusCode::BAD_REQUEST,
            Refusal::Malformed,
            PARSE_ERROR,
            format!("Parse error: the request body is not JSON: {error}"),
        );
    }
    let detail = match serde_json::from_slice::<ClientJsonRpcMessage>(body) {
        Err(error) => error.to_string(),
        Ok(_) => "it could not be decoded".to_owned(),
    };
    refusal_with_code(
        StatusCode::BAD_REQUEST,
        Refusal::Malformed,
        INVALID_REQUEST,
        format!(
            "Invalid Request: the request body is JSON but not a JSON-RPC 2.0 request, notification or response: {detail}"
        ),
    )
}
