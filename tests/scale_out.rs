//! Three `--stateless` replicas behind nginx, configured with `deploy/nginx.conf`: 32
//! clients make 50 `execute` calls each while every replica in turn is sent SIGTERM
//! and started again. Every call is answered, correctly.
//!
//! Needs nginx (`apt-get install nginx`; CI installs it); without it the test fails
//! and says so.
#![cfg(unix)]

#[path = "common/server.rs"]
mod server;

use rmcp::model::CallToolRequestParams;
use serde_json::{json, Value};
use server::{command, free_port, http_client_with_token, Client, HttpServer, Workspace, TOKEN};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CLIENTS: usize = 32;
const CALLS_PER_CLIENT: usize = 50;
const REPLICAS: usize = 3;

fn nginx_binary() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/usr/local/sbin")])
        .map(|dir| dir.join("nginx"))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!(
                "this test needs nginx: install it (`apt-get install nginx` on Debian and Ubuntu; .ci/run does it) and run the test again"
            )
        })
}

/// nginx in the foreground with the repository's configuration, pointed at `replicas`
/// and listening on `port`; stopped when dropped.
struct Nginx {
    child: std::process::Child,
    _dir: tempfile::TempDir,
}

impl Nginx {
    fn start(port: u16, replicas: &[u16]) -> Self {
        let dir = tempfile::tempdir().expect("a scratch folder");
        let deploy = Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/nginx.conf");
        let mut site = std::fs::read_to_string(&deploy).expect("deploy/nginx.conf");
        for (n, replica) in replicas.iter().enumerate() {
            site = replaced(
                &site,
                &format!("server 127.0.0.1:800{} ", n + 1),
                &format!("server 127.0.0.1:{replica} "),
            );
        }
        site = replaced(&site, "listen 8000;", &format!("listen 127.0.0.1:{port};"));
        let site_path = dir.path().join("codemode.conf");
        std::fs::write(&site_path, site).expect("the site configuration");
        // nginx's workers may run as another user: let them use the scratch folder.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777))
                .expect("permissions");
        }
        let scratch = dir.path().display();
        let main = format!(
            "daemon off;\nworker_processes 1;\npid {scratch}/nginx.pid;\nerror_log {scratch}/error.log warn;\nevents {{ worker_connections 1024; }}\nhttp {{\n    access_log off;\n    client_body_temp_path {scratch}/body;\n    proxy_temp_path {scratch}/proxy;\n    fastcgi_temp_path {scratch}/fastcgi;\n    uwsgi_temp_path {scratch}/uwsgi;\n    scgi_temp_path {scratch}/scgi;\n    include {};\n}}\n",
            site_path.display()
        );
        let main_path = dir.path().join("nginx.conf");
        std::fs::write(&main_path, main).expect("the main configuration");
        let child = std::process::Command::new(nginx_binary())
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(&main_path)
            .arg("-e")
            .arg(dir.path().join("error.log"))
            .spawn()
            .expect("nginx starts");
        let nginx = Self { child, _dir: dir };
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "nginx did not listen: {}",
                nginx.error_log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        nginx
    }

    fn error_log(&self) -> String {
        std::fs::read_to_string(self._dir.path().join("error.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = std::process::Command::new("kill")
            .args(["-QUIT", &self.child.id().to_string()])
            .status();
        for _ in 0..50 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `text` with its single `from` replaced by `to`.
fn replaced(text: &str, from: &str, to: &str) -> String {
    assert_eq!(
        text.matches(from).count(),
        1,
        "deploy/nginx.conf should hold `{from}` once"
    );
    text.replacen(from, to, 1)
}

async fn replica(workspace: &Workspace, port: u16) -> HttpServer {
    let address = format!("127.0.0.1:{port}");
    let command = command(
        workspace.path(),
        &[
            "--stateless",
            "--http",
            &address,
            "--token-env",
            "CODEMODE_TOKEN",
        ],
    );
    HttpServer::start_with(command, &[("CODEMODE_TOKEN", TOKEN)]).await
}

/// Calls `execute`; the outcome's result, or what went wrong.
async fn execute(client: &Client, code: &str) -> Result<Value, String> {
    let Value::Object(arguments) = json!({ "code": code }) else {
        unreachable!("an object literal")
    };
    let result = client
        .call_tool(CallToolRequestParams::new("execute").with_arguments(arguments))
        .await
        .map_err(|error| format!("the call failed: {error}"))?;
    let outcome = result.structured_content.ok_or("no structured content")?;
    if result.is_error == Some(true) {
        return Err(format!("the run failed: {outcome}"));
    }
    Ok(outcome["result"].clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_replicas_behind_nginx_lose_no_call_while_each_restarts() {
    let workspace = Workspace::new();
    let ports: Vec<u16> = (0..REPLICAS).map(|_| free_port()).collect();
    let mut replicas = Vec::new();
    for &port in &ports {
        replicas.push(replica(&workspace, port).await);
    }
    let front = free_port();
    let nginx = Nginx::start(front, &ports);
    let url = format!("http://127.0.0.1:{front}/mcp");

    let done = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let load = (0..CLIENTS).map(|client| {
        let url = url.clone();
        let done = Arc::clone(&done);
        tokio::spawn(async move {
            let session = http_client_with_token(&url, TOKEN).await;
            let mut wrong = Vec::new();
            for n in 0..CALLS_PER_CLIENT {
                let code = format!(
                    "await new Promise(r => setTimeout(r, 150));\nreturn await codemode.add({{ a: {client}, b: {n} }})"
                );
                match execute(&session, &code).await {
                    Ok(result) if result == json!(client + n) => {}
                    Ok(result) => wrong.push(format!("client {client} call {n}: got {result}")),
                    Err(error) => wrong.push(format!("client {client} call {n}: {error}")),
                }
                done.fetch_add(1, Ordering::Relaxed);
            }
            wrong
        })
    });
    let load = tokio::spawn(futures_util::future::join_all(load));

    while done.load(Ordering::Relaxed) < CLIENTS * 2 {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut restarts = Vec::new();
    let mut drained_calls = 0;
    let mut finished_before_last_restart = 0;
    for (n, port) in ports.iter().enumerate() {
        let before = done.load(Ordering::Relaxed);
        finished_before_last_restart = before;
        let stopping = Instant::now();
        replicas[n].terminate();
        let status = tokio::time::timeout(Duration::from_secs(30), replicas[n].child.wait())
            .await
            .expect("the replica drains and exits")
            .expect("an exit status");
        assert!(status.success(), "replica {n} exited with {status}");
        let drained = stopping.elapsed();
        let in_flight = replicas[n]
            .log()
            .iter()
            .find_map(|line| {
                let rest = line.split("shutting down: ").nth(1)?;
                rest.split_whitespace().next()?.parse::<usize>().ok()
            })
            .expect("the replica logs the requests it drains");
        drained_calls += in_flight;
        replicas[n] = replica(&workspace, *port).await;
        restarts.push(format!(
            "replica {n}: {in_flight} calls in flight drained in {drained:?}, after {before} calls"
        ));
        tokio::time::sleep(Duration::from_millis(2500)).await;
    }

    let mut wrong = Vec::new();
    for client in load.await.expect("the load finished") {
        wrong.extend(client.expect("a client finished"));
    }
    let total = CLIENTS * CALLS_PER_CLIENT;
    eprintln!(
        "{total} calls through nginx in {:?} while {REPLICAS} replicas restarted ({}); {} wrong or lost",
        started.elapsed(),
        restarts.join(", "),
        wrong.len()
    );
    assert!(
        wrong.is_empty(),
        "{} calls wrong or lost, e.g.:\n{}\nnginx: {}",
        wrong.len(),
        wrong.iter().take(5).cloned().collect::<Vec<_>>().join("\n"),
        nginx.error_log()
    );
    assert!(
        finished_before_last_restart < total && drained_calls > 0,
        "the restarts did not happen under load; make the calls longer"
    );
}
