//! The MCP protocol side: tool listing and calls.

use super::approval;
use super::attachments;
use super::description::INSTRUCTIONS;
use super::live;
use super::stop::Stops;
use super::Server;
use crate::outcome::{ErrorKind, ExecError, Outcome};
use crate::search::SearchHit;
use crate::telemetry::RunRecord;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, Implementation, InitializeResult,
    JsonObject, ListToolsResult, PaginatedRequestParams, ServerCapabilities, Tool, ToolAnnotations,
};
use rmcp::service::{NotificationContext, RequestContext};
use rmcp::{ErrorData, RoleServer, ServerHandler};
use serde::Serialize;
use serde_json::{json, Value};
use std::sync::Arc;

/// Results `search` returns when no limit is given.
const DEFAULT_SEARCH_LIMIT: usize = 10;
/// The most results one `search` returns.
const MAX_SEARCH_LIMIT: usize = 100;

/// The answer of the `search` tool.
#[derive(Debug, Serialize)]
struct SearchAnswer {
    /// The query as received.
    query: String,
    /// Best matches first.
    results: Vec<SearchHit>,
}

impl ServerHandler for Server {
    #[allow(deprecated)] // MCP logging, deprecated from protocol 2026-07-28 on
    fn get_info(&self) -> InitializeResult {
        InitializeResult::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_tool_list_changed()
                .enable_logging()
                .build(),
        )
        .with_server_info(Implementation::new(&self.inner.name, &self.inner.version))
        .with_instructions(INSTRUCTIONS)
    }

    async fn on_initialized(&self, context: NotificationContext<RoleServer>) {
        self.inner.peers.add(context.peer);
    }

    /// Console lines of this session's later runs go out as `notifications/message`
    /// at `level` and above.
    #[allow(deprecated)] // MCP logging, deprecated from protocol 2026-07-28 on
    async fn set_level(
        &self,
        request: rmcp::model::SetLevelRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        self.session.set(request.level);
        Ok(())
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.tools()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let arguments = request.arguments.unwrap_or_default();
        match request.name.as_ref() {
            "execute" => Ok(self.execute(arguments, &context).await.into()),
            "search" if self.search_enabled() => Ok(self.search(arguments).into()),
            other => Err(ErrorData::invalid_params(
                format!(
                    "unknown tool `{other}`; this server has: {}",
                    self.tool_names().join(", ")
                ),
                None,
            )),
        }
    }
}

impl Server {
    fn tool_names(&self) -> Vec<&'static str> {
        if self.search_enabled() {
            vec!["execute", "search"]
        } else {
            vec!["execute"]
        }
    }

    /// The tools, without `outputSchema`: clients validate `structuredContent` against
    /// it on every call (the Python SDK's `call_tool` rebuilds its validator each time,
    /// which cost more than the run of a small program even for a 500-byte schema), while
    /// the answers are read by models, which get the same JSON as text.
    fn tools(&self) -> Vec<Tool> {
        let offer = self.inner.catalog.current();
        let mut tools = vec![Tool::new(
            "execute",
            offer.description.clone(),
            object(json!({
                "type": "object",
                "properties": {
                    "code": {
                        "type": "string",
                        "description": "The JavaScript or TypeScript program to run."
                    }
                },
                "required": ["code"],
                "additionalProperties": false
            })),
        )
        .with_annotations(ToolAnnotations::new().read_only(false).open_world(true))];
        if offer.search {
            tools.push(
                Tool::new(
                    "search",
                    "Find the functions available to `execute` programs by keyword: names, descriptions and parameter names. Returns the best matches with their TypeScript signatures.",
                    object(json!({
                        "type": "object",
                        "properties": {
                            "query": { "type": "string", "description": "Words to look for, e.g. \"read file\"." },
                            "limit": {
                                "type": "integer",
                                "minimum": 1,
                                "maximum": MAX_SEARCH_LIMIT,
                                "description": "At most this many results (default 10)."
                            }
                        },
                        "required": ["query"],
                        "additionalProperties": false
                    })),
                )
                .with_annotations(ToolAnnotations::new().read_only(true).open_world(false)),
            );
        }
        tools
    }

    async fn execute(
        &self,
        arguments: JsonObject,
        context: &RequestContext<RoleServer>,
    ) -> CallToolResult {
        let outcome = match code_argument(arguments) {
            Ok(code) => self.run(&code, context).await,
            Err(message) => Outcome::failure(
                ExecError::new(ErrorKind::InvalidRequest, message),
                Vec::new(),
            ),
        };
        let success = outcome.success;
        let value = serde_json::to_value(&outcome).unwrap_or_else(|error| {
            json!({ "success": false, "result": null, "error": { "kind": "internal", "message": error.to_string() }, "logs": [] })
        });
        let mut answer = if success {
            CallToolResult::structured(value)
        } else {
            CallToolResult::structured_error(value)
        };
        answer.content.extend(
            outcome
                .attachments
                .iter()
                .enumerate()
                .map(attachments::block),
        );
        answer
    }

    /// Runs `code` for the request `context` until it finishes or one of its stops
    /// fires; the run is cancelled by dropping it. Meanwhile, calls that need approval
    /// are asked of the request's client, and the client hears of the run's progress
    /// when it listens.
    async fn run(&self, code: &str, context: &RequestContext<RoleServer>) -> Outcome {
        let offer = self.inner.catalog.current();
        let stops = Stops::of(context);
        let executor = &self.inner.executor;
        let (approver, questions) =
            approval::for_request(context, executor.limits().approval_timeout());
        let mut run = executor.run(code, &offer.registry).approver(approver);
        let mut live = match live::for_request(context, &self.session) {
            Some((observer, live)) => {
                run = run.on_progress(observer);
                Some(live)
            }
            None => None,
        };
        let forward = async {
            match &mut live {
                Some(live) => live.forward().await,
                None => std::future::pending().await,
            }
        };
        let record = RunRecord::start();
        let finished = tokio::select! {
            biased;
            outcome = run.execute() => Ok(outcome),
            never = questions.ask_all() => match never {},
            never = forward => match never {},
            reason = stops.fired() => Err(reason),
        };
        let outcome = match finished {
            Ok(outcome) => {
                if let Some(live) = live {
                    live.finish().await;
                }
                outcome
            }
            Err(reason) => {
                tracing::info!("{}", reason.message());
                Outcome::failure(
                    ExecError::new(ErrorKind::Cancelled, reason.message()),
                    Vec::new(),
                )
            }
        };
        record.finish(&outcome);
        outcome
    }

    fn search(&self, arguments: JsonObject) -> CallToolResult {
        match search_arguments(arguments) {
            Ok((query, limit)) => {
                let results = self.inner.catalog.current().registry.search(&query, limit);
                let answer = SearchAnswer { query, results };
                match serde_json::to_value(&answer) {
                    Ok(value) => CallToolResult::structured(value),
                    Err(error) => CallToolResult::error(vec![rmcp::model::ContentBlock::text(
                        error.to_string(),
                    )]),
                }
            }
            Err(message) => CallToolResult::error(vec![rmcp::model::ContentBlock::text(message)]),
        }
    }
}

fn code_argument(mut arguments: JsonObject) -> Result<String, String> {
    if let Some(unknown) = arguments.keys().find(|key| *key != "code") {
        return Err(format!(
            "execute: unknown argument `{unknown}`; it takes only `code`"
        ));
    }
    match arguments.remove("code") {
        Some(Value::String(code)) => Ok(code),
        Some(_) => Err("execute: `code` must be a string holding the program".to_owned()),
        None => Err("execute: missing `code`: send { \"code\": \"<program>\" }".to_owned()),
    }
}

fn search_arguments(mut arguments: JsonObject) -> Result<(String, usize), String> {
    if let Some(unknown) = arguments
        .keys()
        .find(|key| *key != "query" && *key != "limit")
    {
        return Err(format!(
            "search: unknown argument `{unknown}`; it takes `query` and `limit`"
        ));
    }
    let query = match arguments.remove("query") {
        Some(Value::String(query)) => query,
        Some(_) => return Err("search: `query` must be a string".to_owned()),
        None => return Err("search: missing `query`".to_owned()),
    };
    let limit = match arguments.remove("limit") {
        None | Some(Value::Null) => DEFAULT_SEARCH_LIMIT,
        Some(value) => match value.as_u64() {
            Some(limit @ 1..) if limit as usize <= MAX_SEARCH_LIMIT => limit as usize,
            _ => {
                return Err(format!(
                    "search: `limit` must be a whole number from 1 to {MAX_SEARCH_LIMIT}"
                ))
            }
        },
    };
    Ok((query, limit))
}

fn object(value: Value) -> Arc<JsonObject> {
    match value {
        Value::Object(object) => Arc::new(object),
        _ => Arc::new(JsonObject::new()),
    }
}
