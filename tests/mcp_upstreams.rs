//! The MCP server with upstreams from `--config FILE`: their functions in the
//! `execute` description, runs against them, tool list changes announced to clients,
//! and the description budget.

#[path = "common/cache.rs"]
mod cache;
#[path = "common/server.rs"]
mod server;
#[path = "common/upstreams.rs"]
mod upstreams;

use rmcp::model::CallToolRequestParams;
use rmcp::service::{NotificationContext, RunningService};
use rmcp::transport::TokioChildProcess;
use rmcp::{ClientHandler, RoleClient, ServiceExt};
use serde_json::{json, Value};
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;
use tokio::sync::mpsc;

/// A client that reports every `notifications/tools/list_changed`.
struct Listener(mpsc::UnboundedSender<()>);

impl ClientHandler for Listener {
    async fn on_tool_list_changed(&self, _context: NotificationContext<RoleClient>) {
        let _ = self.0.send(());
    }
}

type Client = RunningService<RoleClient, Listener>;

/// Writes `servers` as an `mcpServers` file in `dir` and serves it over stdio.
async fn serve(dir: &Path, servers: Value, args: &[&str]) -> (Client, mpsc::UnboundedReceiver<()>) {
    let file = dir.join("servers.json");
    std::fs::write(&file, json!({ "mcpServers": servers }).to_string()).expect("a config file");
    let mut command = tokio::process::Command::new(server::example_binary());
    command
        .arg("--stdio")
        .arg("--config")
        .arg(&file)
        .args(args)
        .env("RUST_LOG", "warn")
        .kill_on_drop(true);
    let (transport, _) = TokioChildProcess::builder(command)
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the example server starts");
    let (sender, receiver) = mpsc::unbounded_channel();
    let client = Listener(sender)
        .serve(transport)
        .await
        .expect("the MCP handshake succeeds");
    (client, receiver)
}

async fn tools(client: &Client) -> Vec<rmcp::model::Tool> {
    client
        .list_all_tools()
        .await
        .expect("tools/list is answered")
}

fn description(tools: &[rmcp::model::Tool]) -> String {
    tools
        .iter()
        .find(|tool| tool.name == "execute")
        .and_then(|tool| tool.description.clone())
        .expect("execute has a description")
        .into_owned()
}

async fn call(client: &Client, tool: &str, arguments: Value) -> Value {
    let Value::Object(arguments) = arguments else {
        panic!("arguments must be an object")
    };
    client
        .call_tool(CallToolRequestParams::new(tool.to_owned()).with_arguments(arguments))
        .await
        .expect("the call is answered")
        .structured_content
        .expect("structured content")
}

#[tokio::test(flavor = "multi_thread")]
async fn upstream_functions_are_declared_and_run_through_execute() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let (client, _) = serve(
        dir.path(),
        json!({ "fixture": { "command": upstreams::fixture() } }),
        &[],
    )
    .await;
    let tools = tools(&client).await;
    let description = description(&tools);
    assert!(
        description.contains("  /** A fixture server for codemode's tests. */\n  fixture: {\n"),
        "{description}"
    );
    assert!(
        description.contains("    echo(args: {\n      text: string;"),
        "{description}"
    );
    assert!(
        !description.contains("call `search` for the signatures"),
        "under the budget, the declarations are shown whole"
    );
    let outcome = call(
        &client,
        "execute",
        json!({ "code": "return await codemode.fixture.echo({ text: 'through the server' });" }),
    )
    .await;
    assert_eq!(outcome["result"], json!("through the server"), "{outcome}");
    client.cancel().await.expect("the client stops");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upstream_tool_list_change_reaches_the_clients() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let (client, mut changes) = serve(
        dir.path(),
        json!({ "fixture": { "command": upstreams::fixture() } }),
        &[],
    )
    .await;
    assert!(!description(&tools(&client).await).contains("fresh_tool("));
    let outcome = call(
        &client,
        "execute",
        json!({ "code": "await codemode.fixture.add_tool({ name: 'fresh-tool' });" }),
    )
    .await;
    assert_eq!(outcome["success"], json!(true), "{outcome}");
    tokio::time::timeout(Duration::from_secs(10), changes.recv())
        .await
        .expect("list_changed arrives");
    assert!(description(&tools(&client).await)
        .contains("    /** Added at run time. */\n    fresh_tool(args?:"));
    let outcome = call(
        &client,
        "execute",
        json!({ "code": "return await codemode.fixture.fresh_tool();" }),
    )
    .await;
    assert_eq!(outcome["result"], json!("called fresh-tool"), "{outcome}");
    client.cancel().await.expect("the client stops");
}

#[tokio::test(flavor = "multi_thread")]
async fn over_the_description_budget_names_are_listed_and_search_is_offered() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let (client, _) = serve(
        dir.path(),
        json!({ "fixture": { "command": upstreams::fixture(), "args": ["--hostile"] } }),
        &["--max-description-kb", "4"],
    )
    .await;
    let tools = tools(&client).await;
    let names: Vec<&str> = tools.iter().map(|tool| tool.name.as_ref()).collect();
    assert_eq!(names, ["execute", "search"]);
    let description = description(&tools);
    assert!(description.len() < 4096, "{} bytes", description.len());
    assert!(
        description.contains("- codemode.fixture (A fixture server for codemode's tests.): add_tool, crash, deep, delete_, echo, fail, get_file, huge, self_ref, slow, stats, tree, weird_name_x\n"),
        "{description}"
    );
    assert!(
        description.contains("call `search` for the signatures you need"),
        "{description}"
    );
    let answer = call(
        &client,
        "search",
        json!({ "query": "recursive schema", "limit": 1 }),
    )
    .await;
    assert_eq!(
        answer["results"][0]["name"],
        json!("fixture.tree"),
        "{answer}"
    );
    let signature = answer["results"][0]["signature"]
        .as_str()
        .expect("a signature");
    assert!(signature.contains("children?: Node[]"), "{signature}");
    client.cancel().await.expect("the client stops");
}

#[tokio::test(flavor = "multi_thread")]
async fn upstreams_are_served_over_http_too() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = dir.path().join("servers.json");
    std::fs::write(
        &file,
        json!({ "mcpServers": { "fixture": { "command": upstreams::fixture() } } }).to_string(),
    )
    .expect("a config file");
    let file = file.to_str().expect("a UTF-8 path");
    let (_child, url) = server::http_server(dir.path(), &["--config", file]).await;
    let client = server::http_client(&url).await;
    let (outcome, failed) = server::execute(
        &client,
        "return await codemode.fixture.echo({ text: 'over http' });",
    )
    .await;
    assert!(!failed, "{outcome}");
    assert_eq!(outcome["result"], json!("over http"));
    client.cancel().await.expect("the client stops");
}
