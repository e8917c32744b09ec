//! A capability described by its doc comment, with a renamed and a skipped method, one
//! that needs approval, and items that are not host functions.
use std::sync::atomic::{AtomicU64, Ordering};
/// A counter shared by every run.
pub struct Counter {
    count: AtomicU64,
}
/// Counts things.
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
    async fn read(&self) -> u64 {
        self.count.load(Ordering::SeqCst)
    }
    /// Sets the count.
    ///
    /// # Arguments
    ///
    /// * `count` - The new count.
    async fn set(&self, count: u64) {
        self.count.store(count, Ordering::SeqCst);
    }
    /// Sets the count back to zero; for the host only.
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
const _: () = {
    #[automatically_derived]
    impl ::codemode::__private::Capability for Counter {
        fn namespace(&self) -> &str {
            "counter"
        }
        fn description(&self) -> &str {
            "Counts things."
        }
        fn functions(
            self: ::codemode::__private::Arc<Self>,
        ) -> ::std::vec::Vec<::codemode::__private::HostFunction> {
            ::std::vec::Vec::from([
                {
                    let __this = ::codemode::__private::Arc::clone(&self);
                    ::codemode::__private::host_function(
                            "bump",
                            move |
                                __args: ::codemode::__private::Value,
                            | -> ::codemode::__private::HostFuture {
                                let __this = ::codemode::__private::Arc::clone(&__this);
                                ::std::boxed::Box::pin(async move {
                                    let mut __arguments = ::codemode::__private::Arguments::new(
                                        "counter.bump",
                                        __args,
                                        &["by"],
                                    )?;
                                    let by = __arguments.required::<u64>("by")?;
                                    let __result = __this.bump(by).await;
                                    ::codemode::__private::output::<
                                        u64,
                                    >("counter.bump", __result)
                                })
                            },
                        )
                        .with_description("Adds `by` and returns the new count.")
                        .with_input_schema(
                            ::codemode::__private::InputSchema::default()
                                .parameter::<u64>("by", "How much to add.", true)
                                .build(),
                        )
                        .with_output_schema(
                            ::codemode::__private::output_schema::<u64>(),
                        )
                },
                {
                    let __this = ::codemode::__private::Arc::clone(&self);
                    ::codemode::__private::host_function(
                            "get",
                            move |
                                __args: ::codemode::__private::Value,
                            | -> ::codemode::__private::HostFuture {
                                let __this = ::codemode::__private::Arc::clone(&__this);
                                ::std::boxed::Box::pin(async move {
                                    let mut __arguments = ::codemode::__private::Arguments::new(
                                        "counter.get",
                                        __args,
                                        &[],
                                    )?;
                                    let __result = __this.read().await;
                                    ::codemode::__private::output::<
                                        u64,
                                    >("counter.get", __result)
                                })
                            },
                        )
                        .with_description("Reads the count.")
                        .with_input_schema(
                            ::codemode::__private::InputSchema::default().build(),
                        )
                        .with_output_schema(
                            ::codemode::__private::output_schema::<u64>(),
                        )
                },
                {
                    let __this = ::codemode::__private::Arc::clone(&self);
                    ::codemode::__private::host_function(
                            "set",
                            move |
                                __args: ::codemode::__private::Value,
                            | -> ::codemode::__private::HostFuture {
                                let __this = ::codemode::__private::Arc::clone(&__this);
                                ::std::boxed::Box::pin(async move {
                                    let mut __arguments = ::codemode::__private::Arguments::new(
                                        "counter.set",
                                        __args,
                                        &["count"],
                                    )?;
                                    let count = __arguments.required::<u64>("count")?;
                                    let __result = __this.set(count).await;
                                    ::codemode::__private::output("counter.set", __result)
                                })
                            },
                        )
                        .with_description("Sets the count.")
                        .with_input_schema(
                            ::codemode::__private::InputSchema::default()
                                .parameter::<u64>("count", "The new count.", true)
                                .build(),
                        )
                        .with_output_schema(::codemode::__private::output_schema::<()>())
                        .require_approval()
                },
            ])
        }
    }
};
