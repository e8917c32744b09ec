/// Clocks.
struct Clock;

/// Clocks.
#[codemode::capability(namespace = "clock")]
impl Clock {
    /// The time.
    #[codemode(name = "now")]
    fn current(&self) -> u64 {
        0
    }
}

fn main() {}
