#[codemode::tool(name = "toJSON")]
async fn to_json(id: u64) -> String {
    id.to_string()
}

fn main() {}
