use codemode::Registry;
use std::sync::atomic::{AtomicU64, Ordering};

/// Counts things.
struct Counter {
    count: AtomicU64,
}

/// A shared counter.
#[codemode::capability(namespace = "counter")]
impl Counter {
    /// Adds one and returns the new count.
    pub async fn bump(&self) -> u64 {
        self.count.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// Reads the count.
    #[codemode(name = "get")]
    async fn read(&self) -> u64 {
        self.count.load(Ordering::SeqCst)
    }

    #[codemode(skip)]
    async fn reset(&self) {
        self.count.store(0, Ordering::SeqCst);
    }

    /// Says where the count stands, after the doc comment.
    #[codemode(describe)]
    fn status(&self) -> String {
        format!("Counting from {}.", self.count.load(Ordering::SeqCst))
    }

    fn new() -> Self {
        Self { count: AtomicU64::new(0) }
    }

    const LIMIT: u64 = 10;
}

struct Plain;

#[codemode::capability(namespace = "plain", description = "Given in the attribute.")]
impl Plain {}

fn main() {
    let mut registry = Registry::new();
    registry.capability(Counter::new()).expect("a unique namespace");
    assert!(registry.get("counter.bump").is_some());
    assert!(registry.get("counter.get").is_some());
    assert!(registry.get("counter.reset").is_none());
    assert!(registry.get("counter.status").is_none());
    assert_eq!(Counter::LIMIT, 10);
    registry.capability(Plain).expect("a second namespace");
    assert_eq!(
        registry.namespaces().collect::<Vec<_>>(),
        vec![
            ("counter", "A shared counter.\nCounting from 0."),
            ("plain", "Given in the attribute.")
        ]
    );
}
