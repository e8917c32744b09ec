//! MCP over streamable HTTP spoken by hand with reqwest, for what a full client hides:
//! status codes, headers, sessions left open, connections dropped mid-call.
#![allow(dead_code)]

use serde_json::{json, Value};

/// A client that sends `Authorization: Bearer <token>` when it has one.
#[derive(Clone)]
pub struct Raw {
    pub http: reqwest::Client,
    pub url: String,
    pub token: Option<String>,
}

/// The `initialize` request.
pub fn initialize_body() -> Value {
    json!({
        "jsonrpc": "2.0",
        "id": 0,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": { "name": "raw", "version": "1" }
        }
    })
}

/// A `tools/call` of `execute` with `code`.
pub fn execute_body(id: u64, code: &str) -> Value {
    json!({
        "jsonrpc": "2.0",
        "id": id,
        "method": "tools/call",
        "params": { "name": "execute", "arguments": { "code": code } }
    })
}

impl Raw {
    pub fn new(url: &str) -> Self {
        Self {
            http: reqwest::Client::new(),
            url: url.to_owned(),
            token: None,
        }
    }

    pub fn with_token(mut self, token: &str) -> Self {
        self.token = Some(token.to_owned());
        self
    }

    /// A POST of `body` to `/mcp` in `session`, if any.
    pub fn post(&self, session: Option<&str>, body: &Value) -> reqwest::RequestBuilder {
        let mut request = self
            .http
            .post(&self.url)
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .body(body.to_string());
        if let Some(session) = session {
            request = request.header("mcp-session-id", session);
        }
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        request
    }

    /// Opens a session and returns its id.
    pub async fn open_session(&self) -> String {
        let response = self
            .post(None, &initialize_body())
            .send()
            .await
            .expect("initialize is answered");
        assert!(response.status().is_success(), "initialize: {response:?}");
        let session = response
            .headers()
            .get("mcp-session-id")
            .and_then(|value| value.to_str().ok())
            .expect("a session id")
            .to_owned();
        response.bytes().await.expect("the initialize answer");
        let initialized = json!({ "jsonrpc": "2.0", "method": "notifications/initialized" });
        let response = self
            .post(Some(&session), &initialized)
            .send()
            .await
            .expect("initialized is accepted");
        assert_eq!(response.status(), reqwest::StatusCode::ACCEPTED);
        session
    }

    /// Calls `execute` in `session` and returns the JSON-RPC answer.
    pub async fn execute(&self, session: Option<&str>, code: &str) -> Value {
        let response = self
            .post(session, &execute_body(1, code))
            .send()
            .await
            .expect("the call is answered");
        assert!(response.status().is_success(), "execute: {response:?}");
        answer(response).await
    }

    /// Ends `session` with DELETE; returns the status.
    pub async fn delete(&self, session: &str) -> reqwest::StatusCode {
        let mut request = self
            .http
            .delete(&self.url)
            .header("mcp-session-id", session);
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("DELETE is answered").status()
    }
}

/// The JSON-RPC message in a response, whether sent as JSON or as server-sent events.
pub async fn answer(response: reqwest::Response) -> Value {
    let json = response
        .headers()
        .get("content-type")
        .is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
    let text = response.text().await.expect("a body");
    if json {
        return serde_json::from_str(&text).expect("a JSON body");
    }
    text.lines()
        .filter_map(|line| line.strip_prefix("data:"))
        .map(str::trim)
        .filter(|data| !data.is_empty())
        .filter_map(|data| serde_json::from_str::<Value>(data).ok())
        .find(|message| message.get("id").is_some())
        .unwrap_or_else(|| panic!("no answer in {text:?}"))
}
