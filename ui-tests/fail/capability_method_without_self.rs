struct Counter;

#[codemode::capability(namespace = "counter")]
impl Counter {
    async fn make() -> u64 {
        0
    }
}

fn main() {}
