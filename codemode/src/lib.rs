//! Code Mode for Rust.
//!
//! Instead of calling tools one at a time, a model writes one JavaScript (or
//! TypeScript) program that orchestrates them. codemode runs that program in a fresh
//! QuickJS sandbox whose only door to the host is the set of Rust functions you
//! register: `await codemode.add({ a: 1, b: 2 })` calls your `add`.
//!
//! ```
//! use codemode::{Executor, HostFunction, Registry};
//! use serde_json::json;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let mut registry = Registry::new();
//! registry
//!     .register(HostFunction::new("double", |args: serde_json::Value| async move {
//!         Ok(json!(args["n"].as_i64().unwrap_or(0) * 2))
//!     }))
//!     .expect("a valid, unique name");
//!
//! let outcome = Executor::default()
//!     .execute(
//!         "const a = await codemode.double({ n: 3 });\nconsole.log('a is', a);\nreturn a + 1;",
//!         &registry,
//!     )
//!     .await;
//! assert!(outcome.success);
//! assert_eq!(outcome.result, json!(7));
//! assert_eq!(outcome.logs, vec!["a is 6"]);
//! # }
//! ```

mod dispatch;
mod engine;
mod executor;
mod identifier;
mod limits;
mod macro_support;
mod outcome;
mod registry;
mod search;
mod session;
mod source;
mod tool_error;
mod typescript;

pub use codemode_macros::{capability, tool};
pub use executor::Executor;
pub use limits::Limits;
pub use outcome::{ErrorKind, ExecError, Outcome};
pub use registry::{Capability, FunctionSpec, HostFunction, HostFuture, Registry, RegistryError};
pub use search::{SearchHit, SearchKind};
pub use session::{Event, HostCall, Session, SessionError};
pub use tool_error::ToolError;

/// A tool parameter that takes the whole keyword-arguments object as one struct:
/// `async fn search(Args(query): Args<Query>)`, where `Query` derives
/// `serde::Deserialize` and `schemars::JsonSchema`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Args<T>(pub T);

#[doc(hidden)]
pub mod __private {
    pub use crate::macro_support::*;
}
