struct Counter {
    count: u64,
}

#[codemode::capability(namespace = "counter")]
impl Counter {
    async fn bump(&mut self) -> u64 {
        self.count += 1;
        self.count
    }
}

fn main() {}
