use codemode::Args;

#[derive(serde::Deserialize, schemars::JsonSchema)]
struct Query {
    text: String,
}

#[codemode::tool]
async fn search(Args(query): Args<Query>, limit: u32) -> String {
    format!("{} {limit}", query.text)
}

fn main() {}
