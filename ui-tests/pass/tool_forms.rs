use codemode::{Args, Registry, ToolError};
use std::collections::HashMap;

/// Adds.
#[codemode::tool]
async fn add(a: i64, b: i64) -> i64 {
    a + b
}

#[codemode::tool]
fn sync_tool(flag: Option<bool>) -> bool {
    flag.unwrap_or_default()
}

#[codemode::tool(name = "renamed")]
async fn original() {}

#[codemode::tool]
async fn fallible(text: String) -> Result<usize, String> {
    if text.is_empty() {
        Err("empty".to_owned())
    } else {
        Ok(text.len())
    }
}

#[codemode::tool]
async fn tool_error() -> Result<(), ToolError> {
    Ok(())
}

#[codemode::tool]
async fn collections(map: HashMap<String, Vec<f64>>, mut list: Vec<String>) -> Vec<String> {
    list.extend(map.into_keys());
    list
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
struct Query {
    text: String,
}

#[derive(serde::Serialize, schemars::JsonSchema)]
enum Verdict {
    Yes,
    No,
}

#[codemode::tool]
async fn whole(Args(query): Args<Query>) -> Verdict {
    if query.text.is_empty() {
        Verdict::No
    } else {
        Verdict::Yes
    }
}

#[codemode::tool]
async fn whole_named(args: Args<Query>) -> String {
    args.0.text
}

#[codemode::tool]
async fn json_value(value: serde_json::Value) -> serde_json::Value {
    value
}

fn main() {
    let registry = Registry::with_collected_tools().expect("unique names");
    assert_eq!(registry.functions().count(), 9);
}
