//! `codemode run`: one program against the upstreams, its outcome on stdout.

use crate::upstreams;
use codemode::{Executor, Limits};
use std::io::Read;

const USAGE: &str = "Run one JavaScript or TypeScript program against the MCP servers in FILE and
print its outcome, { success, result, error, logs }, as JSON.

Usage: codemode run --config FILE [--timeout-ms N] [--memory-mb N] PROGRAM

PROGRAM is a .js or .ts file, or `-` to read the program from stdin.

Options:
  --config FILE    the mcpServers JSON file (`${VAR}` is taken from the environment)
  --timeout-ms N   wall-clock limit of the run, in milliseconds (default: 30000)
  --memory-mb N    memory limit of the run, in MiB (default: 64)
  -h, --help       print this help

Exit status: 0 when the run succeeded, 1 when it failed, 2 for a bad command line or
configuration.
";

/// Runs the command; returns the exit code.
pub(crate) fn main(args: Vec<String>) -> u8 {
    let (line, config) = match upstreams::parse(args, USAGE) {
        Ok(parsed) => parsed,
        Err(code) => return code,
    };
    let program = match line.operands.as_slice() {
        [program] => program,
        [] => {
            eprintln!(
                "error: give the program to run: a .js or .ts file, or - for stdin; see --help"
            );
            return 2;
        }
        [_, extra, ..] => {
            eprintln!("error: unknown argument `{extra}`; give one program; see --help");
            return 2;
        }
    };
    let code = match read(program) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            return 2;
        }
    };
    let mut limits = Limits::default();
    if let Some(timeout) = line.timeout {
        limits = limits.with_timeout(timeout);
    }
    if let Some(bytes) = line.memory_bytes {
        limits = limits.with_memory_bytes(bytes);
    }
    let runtime = match upstreams::runtime() {
        Ok(runtime) => runtime,
        Err(code) => return code,
    };
    runtime.block_on(async {
        let (upstreams, registry) = match upstreams::start(&config).await {
            Ok(started) => started,
            Err(code) => return code,
        };
        let outcome = Executor::new(limits).execute(&code, &registry).await;
        upstreams.shutdown().await;
        match serde_json::to_string_pretty(&outcome) {
            Ok(json) => println!("{json}"),
            Err(error) => {
                eprintln!("error: the outcome cannot be written as JSON: {error}");
                return 1;
            }
        }
        u8::from(!outcome.success)
    })
}

/// The program in `path`, or on stdin for `-`.
fn read(path: &str) -> Result<String, String> {
    if path == "-" {
        let mut code = String::new();
        std::io::stdin()
            .read_to_string(&mut code)
            .map_err(|error| format!("cannot read the program from stdin: {error}"))?;
        return Ok(code);
    }
    std::fs::read_to_string(path).map_err(|error| format!("cannot read {path}: {error}"))
}
