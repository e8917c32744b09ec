#[codemode::tool(name = "class", label = "x")]
async fn broken<T>(value: impl Clone, (a, b): (i64, i64), text: &str) -> i64 {
    a + b
}

fn main() {}
