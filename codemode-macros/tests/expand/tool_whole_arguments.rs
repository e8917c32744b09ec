//! A tool that takes the whole arguments object as one struct.

use codemode::Args;

/// A search query.
#[derive(serde::Deserialize, schemars::JsonSchema)]
pub struct Query {
    /// Words to look for.
    pub text: String,
    /// At most this many hits.
    pub limit: Option<usize>,
}

/// Searches the catalogue.
#[codemode::tool]
pub async fn search(Args(query): Args<Query>) -> Vec<String> {
    vec![query.text; query.limit.unwrap_or(1)]
}
