//! Calls that need approval (`--require-approval`) are asked of the client's user with
//! `elicitation/create`, over stdio and streamable HTTP, with rmcp's client: approved
//! once, for the rest of the run, denied, declined; refused when the client cannot be
//! asked; and upstream namespaces are covered, also after their tools change.
#![cfg(target_os = "linux")]

#[path = "common/cache.rs"]
mod cache;
#[path = "common/server.rs"]
mod server;
#[path = "common/upstreams.rs"]
mod upstreams;

use rmcp::model::{
    CallToolRequestParams, ClientCapabilities, ClientConfig, ElicitRequestParams, ElicitResult,
    ElicitationAction, ErrorData, Implementation, ProtocolVersion,
};
use rmcp::service::{RequestContext, RunningService};
use rmcp::transport::{StreamableHttpClientTransport, TokioChildProcess};
use rmcp::{ClientHandler, RoleClient, ServiceExt};
use serde_json::{json, Value};
use server::{HttpServer, Workspace};
use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};

/// What the test user answers.
#[derive(Clone, Copy)]
enum Answer {
    Once,
    ForRun,
    Deny,
    Decline,
    Never,
}

/// A client whose user answers every question the same way, remembering what it was
/// asked.
#[derive(Clone)]
struct User {
    answer: Answer,
    asked: Arc<Mutex<Vec<(String, Value)>>>,
    protocol: ProtocolVersion,
}

impl User {
    fn new(answer: Answer) -> Self {
        Self {
            answer,
            asked: Arc::default(),
            protocol: ProtocolVersion::V_2025_11_25,
        }
    }

    /// The messages it was shown, in order.
    fn messages(&self) -> Vec<String> {
        let asked = self.asked.lock().expect("the questions");
        asked.iter().map(|(message, _)| message.clone()).collect()
    }
}

impl ClientHandler for User {
    fn get_info(&self) -> ClientConfig {
        ClientConfig::new(
            ClientCapabilities::builder().enable_elicitation().build(),
            Implementation::new("approving-user", "1.0.0"),
        )
        .with_protocol_version(self.protocol.clone())
    }

    async fn create_elicitation(
        &self,
        request: ElicitRequestParams,
        _context: RequestContext<RoleClient>,
    ) -> Result<ElicitResult, ErrorData> {
        let ElicitRequestParams::FormElicitationParams {
            message,
            requested_schema,
            ..
        } = request
        else {
            panic!("approvals ask with a form");
        };
        let schema = serde_json::to_value(&requested_schema).expect("a JSON schema");
        self.asked
            .lock()
            .expect("the questions")
            .push((message, schema));
        let decision = |choice: &str| {
            ElicitResult::new(ElicitationAction::Accept).with_content(json!({ "decision": choice }))
        };
        if let Answer::Never = self.answer {
            std::future::pending::<()>().await;
        }
        Ok(match self.answer {
            Answer::Once => decision("once"),
            Answer::ForRun => decision("run"),
            Answer::Deny => decision("deny"),
            Answer::Decline | Answer::Never => ElicitResult::new(ElicitationAction::Decline),
        })
    }
}

type UserClient = RunningService<RoleClient, User>;

async fn over_stdio(cwd: &Path, args: &[&str], user: &User) -> UserClient {
    let mut all = vec!["--stdio"];
    all.extend_from_slice(args);
    let (transport, _) = TokioChildProcess::builder(server::command(cwd, &all))
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the example server starts");
    user.clone()
        .serve(transport)
        .await
        .expect("the MCP handshake succeeds")
}

async fn over_http(url: &str, user: &User) -> UserClient {
    user.clone()
        .serve(StreamableHttpClientTransport::from_uri(url.to_owned()))
        .await
        .expect("the MCP handshake succeeds")
}

/// Runs `code` and returns the outcome.
async fn execute<S: rmcp::Service<RoleClient>>(
    client: &RunningService<RoleClient, S>,
    code: &str,
) -> Value {
    let Value::Object(arguments) = json!({ "code": code }) else {
        unreachable!()
    };
    client
        .call_tool(CallToolRequestParams::new("execute").with_arguments(arguments))
        .await
        .expect("the call is answered")
        .structured_content
        .expect("structured content")
}

/// Three calls to `add`, each caught, reporting what each did.
const THREE_ADDS: &str = "const results = [];
for (const a of [1, 2, 3]) {
  try { results.push(await codemode.add({ a, b: 10 })); }
  catch (error) { results.push(error.message); }
}
return results;";

async fn approved_once_each_call(client: &UserClient, user: &User) {
    let outcome = execute(client, THREE_ADDS).await;
    assert_eq!(outcome["result"], json!([11, 12, 13]), "{outcome}");
    let messages = user.messages();
    assert_eq!(messages.len(), 3, "one question per call: {messages:?}");
    let first = &messages[0];
    assert!(
        first.starts_with("The program wants to call codemode.add."),
        "{first}"
    );
    assert!(
        first.contains("\"a\": 1") && first.contains("\"b\": 10"),
        "the arguments: {first}"
    );
    assert!(
        first.contains("for (const a of [1, 2, 3])"),
        "the program: {first}"
    );
    let schema = &user.asked.lock().expect("the questions")[0].1;
    let choices: Vec<&str> = schema["properties"]["decision"]["oneOf"]
        .as_array()
        .expect("titled choices")
        .iter()
        .map(|choice| choice["const"].as_str().expect("a value"))
        .collect();
    assert_eq!(choices, ["once", "run", "deny"]);
    assert_eq!(schema["required"], json!(["decision"]));
}

async fn approved_for_the_run_asks_once(client: &UserClient, user: &User) {
    let outcome = execute(client, THREE_ADDS).await;
    assert_eq!(outcome["result"], json!([11, 12, 13]), "{outcome}");
    assert_eq!(user.messages().len(), 1, "asked once for the whole run");
    execute(client, "return await codemode.add({ a: 0, b: 0 });").await;
    assert_eq!(user.messages().len(), 2, "a new run asks again");
}

async fn refused_calls_reject_catchably(client: &UserClient, reason: &str) {
    let outcome = execute(client, THREE_ADDS).await;
    let refused = format!("codemode.add was not approved: {reason}");
    assert_eq!(
        outcome["result"],
        json!([refused, refused, refused]),
        "{outcome}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_stdio_the_user_approves_each_call_once() {
    let workspace = Workspace::new();
    let user = User::new(Answer::Once);
    let client = over_stdio(workspace.path(), &["--require-approval", "add"], &user).await;
    approved_once_each_call(&client, &user).await;
    let outcome = execute(&client, "return await codemode.env.get({ key: 'USER' });").await;
    assert_eq!(outcome["success"], json!(true), "{outcome}");
    assert_eq!(
        user.messages().len(),
        3,
        "other functions are not asked about"
    );
    client.cancel().await.expect("a clean shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_stdio_approving_for_the_run_asks_once_per_run() {
    let workspace = Workspace::new();
    let user = User::new(Answer::ForRun);
    let client = over_stdio(workspace.path(), &["--require-approval", "*"], &user).await;
    approved_for_the_run_asks_once(&client, &user).await;
    client.cancel().await.expect("a clean shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_stdio_denied_and_declined_calls_reject_with_the_reason() {
    let workspace = Workspace::new();
    let user = User::new(Answer::Deny);
    let client = over_stdio(workspace.path(), &["--require-approval", "add"], &user).await;
    refused_calls_reject_catchably(&client, "the user denied it").await;
    client.cancel().await.expect("a clean shutdown");
    let user = User::new(Answer::Decline);
    let client = over_stdio(workspace.path(), &["--require-approval", "add"], &user).await;
    refused_calls_reject_catchably(&client, "the user declined").await;
    client.cancel().await.expect("a clean shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_stdio_a_client_without_elicitation_is_refused_with_the_reason() {
    let workspace = Workspace::new();
    let client = server::stdio_client(workspace.path(), &["--require-approval", "add"]).await;
    let outcome = execute(&client, THREE_ADDS).await;
    assert_eq!(
        outcome["result"][0],
        json!("codemode.add was not approved: the server asks the user with elicitation/create, and this MCP client did not declare the elicitation capability; use a client that supports elicitation"),
        "{outcome}"
    );
    client.cancel().await.expect("a clean shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_asking_for_protocol_2026_07_28_is_served_2025_11_25_and_asked() {
    let workspace = Workspace::new();
    let mut user = User::new(Answer::Once);
    user.protocol = ProtocolVersion::V_2026_07_28;
    let client = over_stdio(workspace.path(), &["--require-approval", "add"], &user).await;
    let negotiated = client.peer_info().map(|info| info.protocol_version.clone());
    assert_eq!(negotiated, Some(ProtocolVersion::V_2025_11_25));
    let outcome = execute(&client, THREE_ADDS).await;
    assert_eq!(outcome["result"], json!([11, 12, 13]), "{outcome}");
    assert_eq!(user.messages().len(), 3);
    client.cancel().await.expect("a clean shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_http_the_user_approves_once_for_the_run_or_denies() {
    let workspace = Workspace::new();
    let server = HttpServer::start(workspace.path(), &["--require-approval", "add"], &[]).await;
    let user = User::new(Answer::Once);
    let client = over_http(&server.url, &user).await;
    approved_once_each_call(&client, &user).await;
    client.cancel().await.expect("a clean shutdown");
    let user = User::new(Answer::ForRun);
    let client = over_http(&server.url, &user).await;
    approved_for_the_run_asks_once(&client, &user).await;
    client.cancel().await.expect("a clean shutdown");
    let user = User::new(Answer::Deny);
    let client = over_http(&server.url, &user).await;
    refused_calls_reject_catchably(&client, "the user denied it").await;
    client.cancel().await.expect("a clean shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_stateless_http_approvals_are_refused_saying_they_need_sessions() {
    let workspace = Workspace::new();
    let server = HttpServer::start(
        workspace.path(),
        &["--stateless", "--require-approval", "add"],
        &[],
    )
    .await;
    let user = User::new(Answer::Once);
    let client = over_http(&server.url, &user).await;
    let outcome = execute(&client, THREE_ADDS).await;
    let message = outcome["result"][0].as_str().expect("a message");
    assert!(
        message.starts_with("codemode.add was not approved: ")
            && message.contains("stateless HTTP server (--stateless)")
            && message.contains("default stateful mode"),
        "{message}"
    );
    assert!(user.messages().is_empty());
    client.cancel().await.expect("a clean shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upstream_namespace_needs_approval_also_for_tools_it_adds_later() {
    let workspace = Workspace::new();
    let file = workspace.path().join("servers.json");
    let servers = json!({ "mcpServers": { "fixture": { "command": upstreams::fixture() } } });
    std::fs::write(&file, servers.to_string()).expect("a config file");
    let config = file.to_string_lossy().into_owned();
    let user = User::new(Answer::Once);
    let client = over_stdio(
        workspace.path(),
        &["--config", &config, "--require-approval", "fixture.*"],
        &user,
    )
    .await;
    let outcome = execute(
        &client,
        "return await codemode.fixture.add_tool({ name: 'later' });",
    )
    .await;
    assert_eq!(outcome["success"], json!(true), "{outcome}");
    assert_eq!(user.messages().len(), 1);
    let mut outcome = Value::Null;
    for _ in 0..50 {
        outcome = execute(&client, "return await codemode.fixture.later({});").await;
        if outcome["success"] == json!(true) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(outcome["success"], json!(true), "{outcome}");
    let messages = user.messages();
    assert!(
        messages.last().is_some_and(
            |message| message.starts_with("The program wants to call codemode.fixture.later.")
        ),
        "{messages:?}"
    );
    client.cancel().await.expect("a clean shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unanswered_question_is_refused_after_the_approval_timeout_while_the_run_waits() {
    let workspace = Workspace::new();
    let user = User::new(Answer::Never);
    let args = [
        "--require-approval",
        "add",
        "--approval-timeout-secs",
        "1",
        "--timeout-ms",
        "500",
    ];
    let client = over_stdio(workspace.path(), &args, &user).await;
    let outcome = execute(
        &client,
        "try { return await codemode.add({ a: 1, b: 2 }); } catch (error) { return error.message; }",
    )
    .await;
    assert_eq!(
        outcome["result"],
        json!("codemode.add was not approved: no answer within 1 s"),
        "the run's 500 ms timeout stood still while the call waited: {outcome}"
    );
    assert_eq!(user.messages().len(), 1);
    client.cancel().await.expect("a clean shutdown");
}
