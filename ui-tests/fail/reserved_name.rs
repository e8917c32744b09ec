#[codemode::tool(name = "delete")]
async fn remove(id: u64) -> bool {
    id > 0
}

fn main() {}
