#[codemode::tool(approval = "always")]
async fn remove(path: String) -> String {
    path
}

fn main() {}
