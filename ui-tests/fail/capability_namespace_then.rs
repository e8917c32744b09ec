/// Promises.
struct Promises;

/// Promises.
#[codemode::capability(namespace = "then")]
impl Promises {
    /// Waits.
    async fn wait(&self) -> bool {
        true
    }
}

fn main() {}
