//! Code Mode for Rust.
//!
//! Instead of calling tools one at a time, a model writes one JavaScript (or
//! TypeScript) program that orchestrates them. codemode runs that program in a fresh
//! QuickJS sandbox whose only door to the host is the set of Rust functions you
//! register: `await codemode.add({ a: 1, b: 2 })` calls your `add`.
//!
//! # Quick start
//!
//! Declare host functions with [`tool`] and [`capability`], collect them in a
//! [`Registry`], and run a program with an [`Executor`]:
//!
//! ```
//! use codemode::{ErrorKind, Executor, Registry, ToolError};
//! use serde_json::json;
//!
//! /// Add two numbers.
//! ///
//! /// # Arguments
//! ///
//! /// * `a` - The first number.
//! /// * `b` - The second number.
//! #[codemode::tool]
//! async fn add(a: i64, b: i64) -> i64 {
//!     a + b
//! }
//!
//! /// Weather for a fixed set of cities.
//! pub struct Weather {
//!     offset: f64,
//! }
//!
//! /// Weather for a fixed set of cities.
//! #[codemode::capability(namespace = "weather")]
//! impl Weather {
//!     /// Current temperature in degrees Celsius.
//!     async fn current(&self, city: String) -> Result<f64, ToolError> {
//!         match city.as_str() {
//!             "Paris" => Ok(18.5 + self.offset),
//!             other => Err(ToolError::new(format!("unknown city: {other}"))),
//!         }
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), codemode::RegistryError> {
//! let mut registry = Registry::with_collected_tools()?;
//! registry.capability(Weather { offset: 0.0 })?;
//!
//! let executor = Executor::default();
//! let outcome = executor
//!     .execute(
//!         "const t = await codemode.weather.current({ city: 'Paris' });\n\
//!          console.log('sum', await codemode.add({ a: 1, b: 2 }));\n\
//!          return t * 2;",
//!         &registry,
//!     )
//!     .await;
//! assert!(outcome.success);
//! assert_eq!(outcome.result, json!(37));
//! assert_eq!(outcome.logs, ["sum 3"]);
//!
//! // A tool's error rejects the call; uncaught, it fails the run with kind `tool`.
//! let outcome = executor
//!     .execute("await codemode.weather.current({ city: 'Oslo' })", &registry)
//!     .await;
//! let error = outcome.error.expect("the run failed");
//! assert_eq!(error.kind, ErrorKind::Tool);
//! assert_eq!(error.kind.to_string(), "tool");
//! assert_eq!(error.message, "codemode.weather.current failed: unknown city: Oslo");
//!
//! // What the model is shown: TypeScript declarations of everything registered.
//! assert!(registry.typescript().contains("current(args: {"));
//! # Ok(())
//! # }
//! ```
//!
//! # Bytes
//!
//! A `Uint8Array` (or any typed array, `ArrayBuffer` or `DataView`) passed to a host
//! function arrives as bytes, [`Value::Bytes`], and [`Bytes`] returned reach the
//! program as a `Uint8Array`, without base64 on the way. [`Bytes`] works as a typed
//! parameter or result nested anywhere, and is declared `Uint8Array` in TypeScript.
//! Where bytes must be JSON they are a base64 string (standard alphabet, padded): in a
//! program's `result`, for a closure registered over `serde_json::Value`, and in the
//! arguments of an upstream MCP server. `attach(data, mimeType)` adds bytes to the
//! [`Outcome`]'s `attachments`, which the MCP server sends as image, audio or
//! embedded-resource content blocks after the JSON text block.
//!
//! ```
//! use codemode::{Bytes, Executor, HostFunction, Registry, ToolError, Value};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let mut registry = Registry::new();
//! registry
//!     .register(HostFunction::new("checksum", |args: Value| async move {
//!         let data = args["data"]
//!             .as_bytes()
//!             .ok_or_else(|| ToolError::new("checksum: `data` must be a Uint8Array"))?;
//!         let sum = data.iter().fold(0u8, |sum, byte| sum.wrapping_add(*byte));
//!         Ok(Value::from(Bytes::from(vec![sum])))
//!     }))
//!     .expect("a valid, unique name");
//!
//! let outcome = Executor::default()
//!     .execute(
//!         "const sum = await codemode.checksum({ data: new Uint8Array([1, 2, 3]) });\nattach(sum, 'application/octet-stream');\nreturn sum;",
//!         &registry,
//!     )
//!     .await;
//! assert_eq!(outcome.result, serde_json::json!("Bg=="));
//! assert_eq!(outcome.attachments[0].data.as_slice(), &[6]);
//! # }
//! ```
//!
//! # Where to go next
//!
//! - **Declaring host functions**: [`macro@tool`] on a function, [`macro@capability`] on an
//!   impl block (each lists its attribute keys, with examples), or
//!   [`HostFunction::new`] for a closure. [`ToolError`] is the error a host function
//!   returns; [`Args`] takes the arguments object as one struct.
//! - **Running programs**: [`Executor::execute`] returns an [`Outcome`]: the result, the
//!   console output, and on failure an [`ExecError`] whose [`ErrorKind`] says why.
//!   [`Limits`] bound time, memory, stack, output, result size and host calls.
//! - **Answering calls yourself**: [`Executor::start`] and
//!   [`Executor::start_intercepted`] return a [`Session`] that surfaces calls as
//!   [`Event`]s ([`HostCall`]) for the host to answer, dispatch, or refuse; this is how
//!   approval and logging flows are built.
//! - **Approvals and live progress**: a function marked `approval` ([`macro@tool`],
//!   [`macro@capability`], [`HostFunction::require_approval`],
//!   [`Registry::require_approval`]) runs only once the run's [`Approver`] says so;
//!   [`Executor::run`] gives a run its approver and a [`Progress`] observer through
//!   [`RunBuilder`].
//! - **What the model sees**: [`Registry::typescript`] (declarations that type-check
//!   under `tsc --strict`) and [`Registry::search`].
//! - **Built-in capabilities**, each allowlist-based: [`FsCapability`],
//!   [`EnvCapability`], [`HttpCapability`].
//! - **Serving over MCP** (feature `mcp`): [`serve!`] as the body of `main`, or
//!   [`Server`] for full control; [`Upstreams`] mounts the MCP servers you already have
//!   as namespaces. The server asks the client's user to approve calls that need it
//!   (`elicitation/create`), reports runs live (`notifications/progress`, and
//!   `notifications/message` at the level set with `logging/setLevel`), and stops a run
//!   when its request is cancelled.
//!
//! # Features
//!
//! | feature | default | what it adds |
//! | --- | --- | --- |
//! | `mcp` | yes | [`Server`], [`serve!`], upstream MCP servers ([`Upstreams`]) |
//! | `http` | yes | [`HttpCapability`] |

#![warn(missing_docs)]

extern crate self as codemode;

mod approval;
mod attachment;
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
mod progress;
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

pub use approval::{Approval, ApprovalFuture, ApprovalRequest, Approver};
pub use attachment::Attachment;
#[cfg(feature = "http")]
pub use capabilities::HttpCapability;
pub use capabilities::{EnvCapability, FsCapability};
pub use codemode_macros::{capability, tool};
pub use executor::{Executor, RunBuilder};
pub use limits::Limits;
#[cfg(feature = "mcp")]
pub use mcp::{
    CommandLine, HttpOptions, InvalidPattern, ServeError, Server, ServerBuilder, Transport,
};
pub use outcome::{ErrorKind, ExecError, Outcome};
pub use progress::{LogLevel, Progress};
pub use protocol::HostCall;
pub use registry::{
    CallArguments, Capability, FunctionSpec, HostArguments, HostFunction, HostFuture, Registry,
    RegistryError,
};
pub use search::{SearchHit, SearchKind};
pub use session::{Event, Session, SessionError};
pub use tool_error::ToolError;
#[cfg(feature = "mcp")]
pub use upstream::{
    ConfigError, UpstreamConfig, UpstreamError, UpstreamServer, UpstreamTransport, Upstreams,
};
pub use value::{from_value, to_value, Bytes, Map, Value, ValueError};

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
/// MCP server configured from the command line. Write it as the body of a plain
/// `fn main()`; it never returns. A bad flag or a refused configuration exits with a
/// one-line message on stderr and a non-zero status.
///
/// ```no_run
/// // The whole body of `fn main()`:
/// codemode::serve!(
///     name = "example",
///     capabilities = [codemode::EnvCapability::new(["USER"])],
///     search = true,
/// )
/// ```
///
/// Keys, all optional: `name` (the server name clients see; default: the crate's
/// name), `capabilities = [...]` (instances to register) and `search` (also offer the
/// `search` tool; default `false`). For anything else, build a [`Server`].
///
/// | flag | default | what it does |
/// | --- | --- | --- |
/// | `--stdio` | | serve one client over stdin/stdout |
/// | `--http ADDR` | `127.0.0.1:8000` | serve streamable HTTP at `http://ADDR/mcp` |
/// | `--timeout-ms N` | 30000 | wall-clock limit of each run |
/// | `--memory-mb N` | 64 | memory limit of each run |
/// | `--config FILE` | | mount the MCP servers of an `mcpServers` JSON file as `codemode.<server>` |
/// | `--max-description-kb N` | 16 | largest declarations shown in the `execute` description; over it only names are listed and `search` is enabled |
/// | `--require-approval NAME` | | ask the client's user (`elicitation/create`) before each call to `NAME`: `fs.write`, `fs.*` (also an upstream's namespace), `*`; repeatable |
/// | `--approval-timeout-secs N` | 300 | how long a call waits for the user's answer before it is refused (the run's timeout stands still meanwhile) |
/// | `--token-env VAR` | | require `Authorization: Bearer <value of VAR>`; needed to serve beyond loopback |
/// | `--no-auth` | | serve beyond loopback without a token |
/// | `--allowed-origin ORIGIN` | loopback origins | also accept browser requests from `ORIGIN`; repeatable |
/// | `--allowed-host HOST` | loopback and the bound address | also accept the `Host` header `HOST`; repeatable |
/// | `--max-body-mb N` | 4 | largest request body |
/// | `--stateless` | | no sessions: every POST stands alone, for replicas behind a load balancer |
/// | `--max-sessions N` | 1000 | most sessions at once; a new one closes the one idle longest |
/// | `--session-idle-secs N` | 600 | close a session after N idle seconds, cancelling its runs |
/// | `--grace-secs N` | 30 | on SIGTERM or Ctrl-C, time runs in flight get to finish |
///
/// `--help` prints the same list.
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
