//! The quick start: an MCP server with the built-in capabilities and one custom tool.
//!
//! `cargo run --example mcp_server` serves streamable HTTP at http://127.0.0.1:8000/mcp;
//! `cargo run --example mcp_server -- --stdio` serves stdio. `--help` lists the flags.

use codemode::{EnvCapability, FsCapability, HttpCapability};

/// Add two numbers.
///
/// # Arguments
///
/// * `a` - The first number.
/// * `b` - The second number.
#[codemode::tool]
async fn add(a: i64, b: i64) -> i64 {
    a + b
}

fn main() {
    codemode::serve!(
        name = "example",
        capabilities = [
            EnvCapability::new(["USER"]),
            FsCapability::new(["./examples"]),
            HttpCapability::new(["httpbin.org"]),
        ],
        search = true,
    )
}
