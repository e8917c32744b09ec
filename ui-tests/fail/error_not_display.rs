#[derive(Debug)]
struct Failure;

#[codemode::tool]
async fn risky() -> Result<i64, Failure> {
    Err(Failure)
}

fn main() {}
