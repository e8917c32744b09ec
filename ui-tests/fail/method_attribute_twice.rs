/// Clocks.
struct Clock;

/// Clocks.
#[codemode::capability(namespace = "clock")]
impl Clock {
    /// The time.
    #[codemode(name = "now")]
    #[codemode(name = "time")]
    async fn current(&self) -> u64 {
        0
    }
}

fn main() {}
