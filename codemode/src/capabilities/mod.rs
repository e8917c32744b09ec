//! Built-in capabilities. Each one is allowlist-based: sandboxed code reaches only the
//! folders, variables or hosts it was given.

mod env;
mod fs;
#[cfg(feature = "http")]
mod http;

pub use env::EnvCapability;
pub use fs::FsCapability;
#[cfg(feature = "http")]
pub use http::HttpCapability;
