//! The `codemode` command: serve, run and types over an `mcpServers` file.

use rmcp::model::CallToolRequestParams;
use rmcp::transport::TokioChildProcess;
use rmcp::ServiceExt;
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The fixture MCP server, an example of the codemode crate.
fn fixture() -> PathBuf {
    let profile = std::env::current_exe()
        .expect("the test binary's path")
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>")
        .to_owned();
    let binary = profile.join("examples/upstream_fixture");
    if !binary.exists() {
        let status = Command::new(env!("CARGO"))
            .args([
                "build",
                "--quiet",
                "-p",
                "codemode",
                "--example",
                "upstream_fixture",
            ])
            .status()
            .expect("cargo runs");
        assert!(status.success(), "the fixture server does not build");
    }
    binary
}

/// A folder with `servers.json` mounting the fixture as `fixture`.
fn config() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = dir.path().join("servers.json");
    std::fs::write(
        &file,
        json!({ "mcpServers": { "fixture": { "command": fixture() } } }).to_string(),
    )
    .expect("a config file");
    (dir, file)
}

fn codemode(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_codemode"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("codemode starts");
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(stdin.as_bytes())
        .expect("the program is written");
    let output = child.wait_with_output().expect("codemode ends");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn run_prints_the_outcome_and_exits_by_its_success() {
    let (dir, file) = config();
    let file = file.to_str().expect("a UTF-8 path");
    let program = dir.path().join("hello.ts");
    std::fs::write(
        &program,
        "const text: string = await codemode.fixture.echo({ text: 'hello' });\nreturn text.toUpperCase();",
    )
    .expect("a program");
    let (code, stdout, stderr) = codemode(
        &[
            "run",
            "--config",
            file,
            program.to_str().expect("a UTF-8 path"),
        ],
        "",
    );
    assert_eq!(code, 0, "{stderr}");
    let outcome: Value = serde_json::from_str(&stdout).expect("the outcome is JSON");
    assert_eq!(outcome["success"], json!(true));
    assert_eq!(outcome["result"], json!("HELLO"));

    let (code, stdout, _) = codemode(
        &["run", "--config", file, "-"],
        "await codemode.fixture.fail({ why: 'on purpose' });",
    );
    assert_eq!(code, 1);
    let outcome: Value = serde_json::from_str(&stdout).expect("the outcome is JSON");
    assert_eq!(outcome["success"], json!(false));
    assert_eq!(outcome["error"]["kind"], json!("tool"));
    assert_eq!(
        outcome["error"]["message"],
        json!("codemode.fixture.fail failed: failed on purpose: on purpose")
    );
}

#[test]
fn types_prints_the_declarations() {
    let (_dir, file) = config();
    let (code, stdout, stderr) = codemode(
        &["types", "--config", file.to_str().expect("a UTF-8 path")],
        "",
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.starts_with("declare const codemode: {\n"),
        "{stdout}"
    );
    assert!(stdout.contains("  fixture: {\n"), "{stdout}");
    assert!(
        stdout.contains("    echo(args: {\n      text: string;\n    }): Promise<unknown>;"),
        "{stdout}"
    );
}

#[test]
fn every_command_has_help() {
    for (args, expected) in [
        (&["--help"][..], "codemode run --config FILE"),
        (&["serve", "--help"][..], "Usage: codemode serve"),
        (&["run", "--help"][..], "Usage: codemode run --config FILE"),
        (
            &["types", "--help"][..],
            "Usage: codemode types --config FILE",
        ),
    ] {
        let (code, stdout, _) = codemode(args, "");
        assert_eq!(code, 0, "{args:?}");
        assert!(stdout.contains(expected), "{args:?}: {stdout}");
    }
}

#[test]
fn bad_command_lines_and_configurations_exit_2_with_one_line() {
    let (_dir, file) = config();
    let file = file.to_str().expect("a UTF-8 path");
    for (args, message) in [
        (vec!["bogus"], "error: unknown command `bogus`; the commands are serve, run and types (see codemode --help)\n".to_owned()),
        (vec!["serve", "--stdio"], "error: give the MCP servers to serve with --config FILE; see --help\n".to_owned()),
        (vec!["run", "program.js"], "error: give the MCP servers with --config FILE; see --help\n".to_owned()),
        (vec!["run", "--config", "missing.json", "program.js"], "error: missing.json: cannot be read: No such file or directory (os error 2)\n".to_owned()),
        (vec!["run", "--config", file], "error: give the program to run: a .js or .ts file, or - for stdin; see --help\n".to_owned()),
        (vec!["run", "--config", file, "--stdio", "-"], "error: --stdio is for `codemode serve`; see --help\n".to_owned()),
        (vec!["run", "--config", file, "missing.js"], "error: cannot read missing.js: No such file or directory (os error 2)\n".to_owned()),
        (vec!["types", "--config", file, "extra"], "error: unknown argument `extra`; see --help\n".to_owned()),
    ] {
        let (code, stdout, stderr) = codemode(&args, "");
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert_eq!(stderr, message, "{args:?}");
        assert!(stdout.is_empty(), "{args:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_answers_tools_list_and_runs_programs_over_stdio() {
    let (_dir, file) = config();
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_codemode"));
    command
        .args(["serve", "--stdio", "--config"])
        .arg(&file)
        .env("RUST_LOG", "warn")
        .kill_on_drop(true);
    let (transport, _) = TokioChildProcess::builder(command)
        .stderr(Stdio::inherit())
        .spawn()
        .expect("codemode serve starts");
    let client = ().serve(transport).await.expect("the MCP handshake succeeds");
    let tools = client
        .list_all_tools()
        .await
        .expect("tools/list is answered");
    let execute = tools
        .iter()
        .find(|tool| tool.name == "execute")
        .expect("execute is offered");
    let description = execute.description.as_deref().unwrap_or_default();
    assert!(description.contains("  fixture: {\n"), "{description}");
    let Value::Object(arguments) =
        json!({ "code": "return await codemode.fixture.echo({ text: 'served' });" })
    else {
        unreachable!()
    };
    let answer = client
        .call_tool(CallToolRequestParams::new("execute").with_arguments(arguments))
        .await
        .expect("execute is answered");
    let outcome = answer.structured_content.expect("structured content");
    assert_eq!(outcome["result"], json!("served"), "{outcome}");
    client.cancel().await.expect("the client stops");
}
