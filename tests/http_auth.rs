//! Bearer-token authentication of the HTTP server: `--token-env`, 401 with a
//! `WWW-Authenticate` challenge, `/metrics` behind the same token, and a token that
//! never shows up in the logs.

#[path = "common/raw_mcp.rs"]
mod raw_mcp;
#[path = "common/server.rs"]
mod server;

use raw_mcp::{initialize_body, Raw};
use serde_json::{json, Value};
use server::{execute, http_client_with_token, HttpServer, Workspace, TOKEN};

/// The example server requiring the token in `CODEMODE_TOKEN`.
async fn start(workspace: &Workspace, env: &[(&str, &str)]) -> HttpServer {
    HttpServer::start(workspace.path(), &["--token-env", "CODEMODE_TOKEN"], env).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_without_the_token_get_401_with_a_bearer_challenge() {
    let workspace = Workspace::new();
    let server = start(&workspace, &[("CODEMODE_TOKEN", TOKEN)]).await;
    for (token, challenge, message) in [
        (
            None,
            r#"Bearer realm="codemode""#,
            "this server needs a token: send `Authorization: Bearer <token>`",
        ),
        (
            Some("wrong"),
            r#"Bearer realm="codemode", error="invalid_token""#,
            "the bearer token is not valid; send the token the server was started with",
        ),
        (
            Some(&TOKEN[..TOKEN.len() - 1]),
            r#"Bearer realm="codemode", error="invalid_token""#,
            "the bearer token is not valid; send the token the server was started with",
        ),
    ] {
        let mut raw = Raw::new(&server.url);
        raw.token = token.map(str::to_owned);
        let response = raw
            .post(None, &initialize_body())
            .send()
            .await
            .expect("answered");
        assert_eq!(response.status(), reqwest::StatusCode::UNAUTHORIZED);
        assert_eq!(
            response
                .headers()
                .get("www-authenticate")
                .and_then(|v| v.to_str().ok()),
            Some(challenge)
        );
        let body: Value = response.json().await.expect("a JSON body");
        assert_eq!(body["error"]["message"], json!(message));
    }
    let basic = reqwest::Client::new()
        .post(&server.url)
        .basic_auth("user", Some(TOKEN))
        .send()
        .await
        .expect("answered");
    assert_eq!(basic.status(), reqwest::StatusCode::UNAUTHORIZED);

    let metrics = format!("{}/metrics", server.base());
    let http = reqwest::Client::new();
    let refused = http.get(&metrics).send().await.expect("answered");
    assert_eq!(refused.status(), reqwest::StatusCode::UNAUTHORIZED);
    let health = http
        .get(format!("{}/healthz", server.base()))
        .send()
        .await
        .expect("answered");
    assert_eq!(health.status(), reqwest::StatusCode::OK);

    let client = http_client_with_token(&server.url, TOKEN).await;
    let (outcome, is_error) = execute(&client, "codemode.add({ a: 2, b: 3 })").await;
    assert!(!is_error, "{outcome}");
    assert_eq!(outcome["result"], json!(5));
    let scraped = http
        .get(&metrics)
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("answered");
    assert_eq!(scraped.status(), reqwest::StatusCode::OK);
    let text = scraped.text().await.expect("a body");
    assert!(
        text.contains("codemode_http_rejected_total{reason=\"unauthorized\"} 5"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_never_appears_in_the_logs() {
    let workspace = Workspace::new();
    let server = start(
        &workspace,
        &[("CODEMODE_TOKEN", TOKEN), ("RUST_LOG", "trace")],
    )
    .await;
    let client = http_client_with_token(&server.url, TOKEN).await;
    let (outcome, _) = execute(&client, "codemode.add({ a: 1, b: 1 })").await;
    assert_eq!(outcome["result"], json!(2));
    client.cancel().await.expect("a clean shutdown");
    let wrong = Raw::new(&server.url).with_token(&format!("{TOKEN}-wrong"));
    let response = wrong
        .post(None, &initialize_body())
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), reqwest::StatusCode::UNAUTHORIZED);
    server.terminate();
    let mut child = server.child;
    child.wait().await.expect("the server exits");
    let log = server.log.lock().expect("the log").clone();
    assert!(log.len() > 20, "trace logging is on: {log:?}");
    let leaks: Vec<&String> = log.iter().filter(|line| line.contains(TOKEN)).collect();
    assert!(leaks.is_empty(), "the token was logged: {leaks:?}");
}
