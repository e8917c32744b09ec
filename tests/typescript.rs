//! Generated TypeScript declarations, checked with the real TypeScript compiler.

#[path = "common/cache.rs"]
mod cache;
#[cfg(feature = "mcp")]
#[path = "common/server.rs"]
mod server;
#[path = "common/tsc.rs"]
mod tsc;
#[cfg(feature = "mcp")]
#[path = "common/upstreams.rs"]
mod upstreams;

use codemode::{Args, Registry, ToolError};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Add two numbers.
///
/// # Arguments
///
/// * `a` - The first addend.
/// * `b` - The second addend.
#[codemode::tool]
async fn add(a: i64, b: i64) -> i64 {
    a + b
}

/// How a list is ordered.
#[derive(Debug, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
enum Order {
    Asc,
    Desc,
}

/// A stored file.
#[derive(Debug, Serialize, schemars::JsonSchema)]
struct FileEntry {
    /// Path relative to the root.
    path: String,
    size: u64,
    tags: Option<Vec<String>>,
}

/// A tree node.
#[derive(Debug, Serialize, schemars::JsonSchema)]
struct Node {
    name: String,
    children: Vec<Node>,
}

/// Lists files.
#[codemode::tool]
async fn list_files(order: Option<Order>, limit: Option<u32>) -> Vec<FileEntry> {
    let _ = (order, limit);
    Vec::new()
}

/// Counts words per file.
#[codemode::tool]
async fn word_counts(files: Vec<String>) -> HashMap<String, u64> {
    files.into_iter().map(|f| (f, 0)).collect()
}

/// The folder tree.
#[codemode::tool]
async fn tree() -> Node {
    Node {
        name: "/".into(),
        children: Vec::new(),
    }
}

/// Forgets everything.
#[codemode::tool]
async fn reset() {}

/// A query.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
struct Query {
    /// Words to find.
    text: String,
    fuzzy: Option<bool>,
}

/// Finds things.
#[codemode::tool]
async fn find(Args(query): Args<Query>) -> Result<Vec<String>, ToolError> {
    let exact = if query.fuzzy.unwrap_or(false) {
        "~"
    } else {
        ""
    };
    Ok(vec![format!("{exact}{}", query.text)])
}

/// Weather for a fixed set of cities.
struct Weather;

/// Weather for a fixed set of cities.
#[codemode::capability(namespace = "weather")]
impl Weather {
    /// Current temperature in degrees Celsius.
    ///
    /// # Arguments
    ///
    /// * `city` - City name.
    async fn current(&self, city: String) -> Result<f64, ToolError> {
        Ok(city.len() as f64)
    }
}

fn registry() -> Registry {
    let mut registry = Registry::with_collected_tools().expect("unique names");
    registry.capability(Weather).expect("a unique namespace");
    registry
}

#[test]
fn declarations_read_like_handwritten_typescript() {
    let declarations = registry().typescript();
    for expected in [
        "declare const codemode: {",
        "  /** Add two numbers. */\n  add(args: {\n    /** The first addend. */\n    a: number;",
        "list_files(args?: {\n    order?: Order;\n    limit?: number;\n  }): Promise<FileEntry[]>;",
        "word_counts(args: {\n    files: string[];\n  }): Promise<Record<string, number>>;",
        "reset(args?: {}): Promise<void>;",
        "tree(args?: {}): Promise<Node>;",
        "/** How a list is ordered. */\ntype Order = \"asc\" | \"desc\";",
        "  /** Weather for a fixed set of cities. */\n  weather: {\n    /** Current temperature in degrees Celsius. */\n    current(args: {",
        "children: Node[];",
    ] {
        assert!(declarations.contains(expected), "missing {expected:?} in:\n{declarations}");
    }
    let add = declarations.find("  add(").expect("add");
    let weather = declarations.find("  weather:").expect("weather");
    let word_counts = declarations.find("  word_counts(").expect("word_counts");
    assert!(
        add < weather && weather < word_counts,
        "members are sorted:\n{declarations}"
    );
}

#[test]
fn declarations_and_a_correct_program_pass_tsc_strict() {
    let program = format!(
        "{}\nasync function main(): Promise<number> {{\n  const sum: number = await codemode.add({{ a: 1, b: 2 }});\n  const files = await codemode.list_files({{ order: \"asc\" }});\n  const first: string | undefined = files[0]?.path;\n  const all = await codemode.list_files();\n  const counts = await codemode.word_counts({{ files: all.map(f => f.path) }});\n  const t: number = await codemode.weather.current({{ city: \"Paris\" }});\n  const found: string[] = await codemode.find({{ text: \"x\" }});\n  const node = await codemode.tree();\n  await codemode.reset();\n  return sum + t + (counts[\"a\"] ?? 0) + node.children.length + found.length + (first ? 1 : 0);\n}}\nmain();\n",
        registry().typescript()
    );
    if let Err(errors) = tsc::check("correct", &program) {
        panic!("tsc rejected a correct program:\n{errors}\n{program}");
    }
}

#[test]
fn a_wrongly_typed_call_is_rejected_by_tsc() {
    for (name, call) in [
        ("wrong_type", "codemode.add({ a: \"1\", b: 2 })"),
        ("missing_argument", "codemode.add({ a: 1 })"),
        (
            "unknown_member",
            "codemode.weather.forecast({ city: \"x\" })",
        ),
        ("wrong_enum", "codemode.list_files({ order: \"sideways\" })"),
    ] {
        let program = format!(
            "{}\nasync function main() {{ await {call}; }}\nmain();\n",
            registry().typescript()
        );
        assert!(tsc::check(name, &program).is_err(), "tsc accepted {call}");
    }
}

/// The Rust tools with real upstream servers and the hostile fixture mounted.
#[cfg(feature = "mcp")]
async fn with_upstreams() -> (codemode::Upstreams, Registry) {
    let folder = std::env::temp_dir();
    let config = upstreams::config(serde_json::json!({ "mcpServers": {
        "everything": { "command": upstreams::everything(), "args": ["stdio"] },
        "files": { "command": upstreams::filesystem(), "args": [folder] },
        "time": { "command": upstreams::time() },
        "fixture": { "command": upstreams::fixture(), "args": ["--hostile"] }
    } }));
    let upstreams = codemode::Upstreams::connect(&config)
        .await
        .expect("distinct server names");
    assert!(
        upstreams.failures().is_empty(),
        "{:?}",
        upstreams.failures()
    );
    let mut registry = registry();
    upstreams.mount(&mut registry).expect("no clashes");
    (upstreams, registry)
}

#[cfg(feature = "mcp")]
#[tokio::test(flavor = "multi_thread")]
async fn upstream_declarations_pass_tsc_strict_and_catch_wrong_calls() {
    let (upstreams, registry) = with_upstreams().await;
    let declarations = registry.typescript();
    for expected in [
        "/** Dashes in the name. *\\/ The comment must not end here. */\n    get_file(args: {",
        "\"content-type\": string;",
        "mode?: \"r\" | \"w\" | null;",
        "size?: number | null;",
        "extra?: Record<string, number>;",
        "[key: string]: unknown;",
        "either?: string | Point;",
        "tuple?: [string, number];",
        "children?: Node2[];",
        "type Promise_ = string;",
        "type Expr = {",
        "delete_(args?: Record<string, unknown>): Promise<unknown>;",
        "get_current_time(args: {",
        "list_directory(args: {",
    ] {
        assert!(
            declarations.contains(expected),
            "missing {expected:?} in:\n{declarations}"
        );
    }
    let huge = declarations
        .split("huge(")
        .nth(1)
        .and_then(|rest| rest.split(";\n    /**").next())
        .expect("the huge tool is declared");
    assert!(
        huge.len() < 400_000,
        "the huge schema is bounded: {} bytes",
        huge.len()
    );
    let program = format!(
        "{declarations}\nasync function main(): Promise<number> {{\n  const weather = await codemode.everything.get_structured_content({{ location: \"Chicago\" }});\n  const listing: unknown = await codemode.files.list_directory({{ path: \"/tmp\" }});\n  const now: unknown = await codemode.time.get_current_time({{ timezone: \"UTC\" }});\n  const tree = await codemode.fixture.tree({{ root: {{ name: \"a\", children: [{{ name: \"b\" }}] }} }});\n  await codemode.fixture.get_file({{ \"content-type\": \"x\", mode: null, size: null, extra: {{ a: 1 }}, options: {{ deep: true, other: 1 }}, either: {{ x: 1, y: 2 }}, any: [{{ x: 1, y: 2 }}], tuple: [\"a\", 1] }});\n  await codemode.fixture.self_ref({{ op: \"+\", args: [{{ op: \"1\" }}] }});\n  await codemode.fixture.deep({{ x: {{ x: {{}} }} }});\n  await codemode.fixture.delete_();\n  await codemode.fixture.weird_name_x({{}});\n  const sum: number = await codemode.add({{ a: 1, b: 2 }});\n  return weather.temperature + tree.count + sum + (listing && now ? 1 : 0);\n}}\nmain();\n"
    );
    if let Err(errors) = tsc::check("upstreams", &program) {
        panic!("tsc rejected a correct program:\n{errors}");
    }
    for (name, call) in [
        (
            "upstream_enum",
            "codemode.everything.get_structured_content({ location: \"Paris\" })",
        ),
        ("upstream_missing", "codemode.fixture.get_file({})"),
        (
            "upstream_recursive",
            "codemode.fixture.tree({ root: { children: [] } })",
        ),
    ] {
        let program =
            format!("{declarations}\nasync function main() {{ await {call}; }}\nmain();\n");
        assert!(tsc::check(name, &program).is_err(), "tsc accepted {call}");
    }
    upstreams.shutdown().await;
}
