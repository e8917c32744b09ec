//! The command line of `codemode::serve!()`, through the example server.

#[path = "common/server.rs"]
mod server;

use std::process::Command;

fn run(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(server::example_binary())
        .args(args)
        .output()
        .expect("the example runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn help_lists_the_flags() {
    let (code, stdout, _) = run(&["--help"]);
    assert_eq!(code, 0);
    for flag in [
        "--stdio",
        "--http ADDR",
        "--timeout-ms N",
        "--memory-mb N",
        "--config FILE",
        "--max-description-kb N",
        "--require-approval NAME",
        "--approval-timeout-secs N",
        "127.0.0.1:8000",
        "--token-env VAR",
        "--no-auth",
        "--allowed-origin ORIGIN",
        "--allowed-host HOST",
        "--max-body-mb N",
        "--stateless",
        "--max-sessions N",
        "--session-idle-secs N",
        "--grace-secs N",
    ] {
        assert!(stdout.contains(flag), "missing {flag} in {stdout}");
    }
}

#[test]
fn bad_flags_exit_non_zero_with_one_line() {
    for (args, message) in [
        (
            &["--verbose"][..],
            "error: unknown argument `--verbose`; see --help\n",
        ),
        (
            &["--timeout-ms", "soon"][..],
            "error: --timeout-ms expects a positive whole number, got `soon`\n",
        ),
        (
            &["--http", "nowhere"][..],
            "error: --http expects an address like 127.0.0.1:8000, got `nowhere`\n",
        ),
        (
            &["--stdio", "--require-approval", "fs.write.x"][..],
            "error: --require-approval: `fs.write.x` is not a function to require approval for: write a function (`add`, `fs.write`), a namespace's functions (`fs.*`) or `*`\n",
        ),
    ] {
        let (code, stdout, stderr) = run(args);
        assert_eq!(code, 2, "{args:?}");
        assert_eq!(stderr, message);
        assert!(stdout.is_empty());
    }
}

#[test]
fn serving_beyond_loopback_needs_a_token_or_no_auth() {
    let (code, stdout, stderr) = run(&["--http", "0.0.0.0:0"]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert_eq!(
        stderr,
        "error: refusing to serve 0.0.0.0:0 without authentication, as anyone who reaches it could run code: put a token in an environment variable and pass --token-env VAR, or pass --no-auth to serve without one\n"
    );
}

#[test]
fn a_token_variable_that_is_unset_or_empty_is_a_clear_error() {
    for (value, problem) in [(None, "is not set"), (Some(""), "is empty")] {
        let mut command = Command::new(server::example_binary());
        command.args([
            "--http",
            "127.0.0.1:0",
            "--token-env",
            "CODEMODE_TEST_TOKEN",
        ]);
        command.env_remove("CODEMODE_TEST_TOKEN");
        if let Some(value) = value {
            command.env("CODEMODE_TEST_TOKEN", value);
        }
        let output = command.output().expect("the example runs");
        assert_eq!(output.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.starts_with(&format!(
                "error: --token-env CODEMODE_TEST_TOKEN: the environment variable CODEMODE_TEST_TOKEN {problem}"
            )),
            "{stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
}

#[tokio::test]
async fn no_auth_beyond_loopback_starts_with_a_warning() {
    let workspace = server::Workspace::new();
    let command = server::command(workspace.path(), &["--http", "0.0.0.0:0", "--no-auth"]);
    let server = server::HttpServer::start_with(command, &[]).await;
    assert!(
        server
            .log()
            .iter()
            .any(|line| line.contains("serving beyond loopback without authentication (--no-auth)")),
        "{:?}",
        server.log()
    );
}

#[test]
fn an_address_in_use_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let address = taken.local_addr().expect("an address").to_string();
    let (code, _, stderr) = run(&["--http", &address]);
    assert_eq!(code, 1);
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with(&format!("error: cannot listen on {address}: ")),
        "{stderr}"
    );
    assert!(
        last.ends_with("pass --http ADDR to use another address"),
        "{stderr}"
    );
}

#[test]
fn stdio_ends_with_its_input() {
    let output = Command::new(server::example_binary())
        .arg("--stdio")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("the example runs");
    assert!(output.status.success(), "{output:?}");
    assert!(output.stdout.is_empty(), "nothing but protocol on stdout");
}

#[test]
fn a_bad_config_file_is_one_line_naming_the_file() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let broken = dir.path().join("broken.json");
    std::fs::write(
        &broken,
        "{\"mcpServers\": {\"x\": {\"command\": \"${CODEMODE_UNSET_VARIABLE}\"}}}",
    )
    .expect("a config file");
    let broken = broken.to_str().expect("a UTF-8 path");
    for (args, message) in [
        (
            vec!["--config", "missing.json"],
            "error: missing.json: cannot be read: No such file or directory (os error 2)\n".to_owned(),
        ),
        (
            vec!["--config", broken],
            format!("error: {broken}: `mcpServers.x.command` uses ${{CODEMODE_UNSET_VARIABLE}}, but CODEMODE_UNSET_VARIABLE is not set in the environment\n"),
        ),
    ] {
        let (code, stdout, stderr) = run(&args);
        assert_eq!(code, 2, "{args:?}");
        assert_eq!(stderr, message);
        assert!(stdout.is_empty());
    }
}
