//! A capability described by its doc comment, with a renamed and a skipped method, one
//! that needs approval, and items that are not host functions.

use std::sync::atomic::{AtomicU64, Ordering};

/// A counter shared by every run.
pub struct Counter {
    count: AtomicU64,
}

/// Counts things.
#[codemode::capability(namespace = "counter")]
impl Counter {
    /// Adds `by` and returns the new count.
    ///
    /// # Arguments
    ///
    /// * `by` - How much to add.
    pub async fn bump(&self, by: u64) -> u64 {
        self.count.fetch_add(by, Ordering::SeqCst) + by
    }

    /// Reads the count.
    #[codemode(name = "get")]
    async fn read(&self) -> u64 {
        self.count.load(Ordering::SeqCst)
    }

    /// Sets the count.
    ///
    /// # Arguments
    ///
    /// * `count` - The new count.
    #[codemode(approval)]
    async fn set(&self, count: u64) {
        self.count.store(count, Ordering::SeqCst);
    }

    /// Sets the count back to zero; for the host only.
    #[codemode(skip)]
    pub async fn reset(&self) {
        self.count.store(0, Ordering::SeqCst);
    }

    /// A counter starting at `count`.
    pub fn starting_at(count: u64) -> Self {
        Self {
            count: AtomicU64::new(count),
        }
    }
}
