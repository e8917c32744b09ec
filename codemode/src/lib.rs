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

#![warn(missing_docs)]

extern crate self as codemode;

mod capabilities;
mod collected;
mod dispatch;
mod engine;
mod executor;
mod identifier;
mod limits;
mod macro_support;
#[cfg(feature = "mcp")]
mod mcp;
mod outcome;
mod protocol;
mod registry;
mod search;
mod session;
mod source;
mod telemetry;
mod tool_error;
mod typescript;
#[cfg(feature = "mcp")]
mod upstream;
mod value;

#[cfg(feature = "http")]
pub use capabilities::HttpCapability;
pub use capabilities::{EnvCapability, FsCapability};
pub use codemode_macros::{capability, tool};
pub use executor::Executor;
pub use limits::Limits;
#[cfg(feature = "mcp")]
pub use mcp::{
    CommandLine, HttpOptions, InvalidPattern, ServeError, Server, ServerBuilder, Transport,
};
pub use outcome::{ErrorKind, ExecError, Outcome};
pub use protocol::HostCall;
pub use registry::{Capability, FunctionSpec, HostFunction, HostFuture, Registry, RegistryError};
pub use search::{SearchHit, SearchKind};
pub use session::{Event, Session, SessionError};
pub use tool_error::ToolError;
#[cfg(feature = "mcp")]
pub use upstream::{
    ConfigError, UpstreamConfig, UpstreamError, UpstreamServer, UpstreamTransport, Upstreams,
};

/// A tool parameter that takes the whole keyword-arguments object as one struct:
/// `async fn search(Args(query): Args<Query>)`, where `Query` derives
/// `serde::Deserialize` and `schemars::JsonSchema`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Args<T>(pub T);

#[doc(hidden)]
pub mod __private {
    pub use crate::macro_support::*;
    #[cfg(feature = "mcp")]
    pub use crate::mcp::{serve_command, serve_main, ServeOptions};
}

/// Serves every `#[codemode::tool]` in the binary, plus the capabilities given, as an
/// MCP server configured from the command line (`--stdio`, `--http ADDR`,
/// `--timeout-ms N`, `--memory-mb N`, the HTTP options such as `--token-env VAR` and
/// `--stateless`; `--help` lists them). Write it as the body of a plain `fn main()`;
/// it never returns.
///
/// ```no_run
/// // The whole body of `fn main()`:
/// codemode::serve!(
///     name = "example",
///     capabilities = [codemode::EnvCapability::new(["USER"])],
///     search = true,
/// )
/// ```
#[cfg(feature = "mcp")]
#[macro_export]
macro_rules! serve {
    ($($arguments:tt)*) => {{
        let mut __options =
            $crate::__private::ServeOptions::new(env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION"));
        $crate::__serve_options!(__options; $($arguments)*);
        ::std::process::exit($crate::__private::serve_main(__options))
    }};
}

/// `serve!()` needs the `mcp` feature; without it, using it says so.
#[cfg(not(feature = "mcp"))]
#[macro_export]
macro_rules! serve {
    ($($arguments:tt)*) => {
        ::std::compile_error!("codemode::serve!() needs the `mcp` feature of the codemode crate")
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __serve_options {
    ($options:ident;) => {};
    ($options:ident; name = $value:expr $(, $($rest:tt)*)?) => {
        $options.name($value);
        $crate::__serve_options!($options; $($($rest)*)?);
    };
    ($options:ident; search = $value:expr $(, $($rest:tt)*)?) => {
        $options.search($value);
        $crate::__serve_options!($options; $($($rest)*)?);
    };
    ($options:ident; capabilities = [$($capability:expr),* $(,)?] $(, $($rest:tt)*)?) => {
        $( $options.capability($capability); )*
        $crate::__serve_options!($options; $($($rest)*)?);
    };
    ($options:ident; $key:ident = $($rest:tt)*) => {
        ::std::compile_error!(::std::concat!(
            "codemode::serve!(): unknown key `", ::std::stringify!($key),
            "`; the keys are `name`, `capabilities` and `search`"
        ));
    };
    ($options:ident; $($rest:tt)*) => {
        ::std::compile_error!(
            "codemode::serve!() takes `key = value` pairs: name = \"...\", capabilities = [...], search = true"
        );
    };
}
