struct Counter;

#[codemode::capability(namespace = "counter")]
impl Counter {
    async fn consume(self) -> u64 {
        0
    }
}

fn main() {}
