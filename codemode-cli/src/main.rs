//! `codemode`: one Code Mode server over the MCP servers you already have.
//!
//! - `codemode serve --config FILE [--stdio | --http ADDR] ...` serves them;
//! - `codemode run --config FILE PROGRAM` runs one program against them;
//! - `codemode types --config FILE` prints their TypeScript declarations.

mod run;
mod upstreams;

use std::process::ExitCode;

const USAGE: &str = "codemode: one Code Mode server over the MCP servers you already have.

Usage:
  codemode serve --config FILE [--stdio | --http ADDR] [options]
                                serve them as one MCP server (execute, search)
  codemode run --config FILE [--timeout-ms N] [--memory-mb N] PROGRAM
                                run one .js/.ts program (`-` reads stdin); print its outcome
  codemode types --config FILE  print the TypeScript declarations of their tools
  codemode COMMAND --help       the options of a command

FILE is the `mcpServers` JSON that desktop agents use; `${VAR}` in it is taken from
the environment.
";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let command = args.next();
    let rest: Vec<String> = args.collect();
    let code = match command.as_deref() {
        Some("serve") => {
            let mut options =
                codemode::__private::ServeOptions::new("codemode", env!("CARGO_PKG_VERSION"));
            options.require_config(true);
            let code = codemode::__private::serve_command(options, "codemode serve", rest);
            u8::try_from(code).unwrap_or(1)
        }
        Some("run") => run::main(rest),
        Some("types") => upstreams::types_main(rest),
        Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            0
        }
        Some("-V" | "--version") => {
            println!("codemode {}", env!("CARGO_PKG_VERSION"));
            0
        }
        Some(other) => {
            eprintln!("error: unknown command `{other}`; the commands are serve, run and types (see codemode --help)");
            2
        }
        None => {
            eprint!("{USAGE}");
            2
        }
    };
    ExitCode::from(code)
}
