//! A tool that takes and returns nothing.

/// Does nothing.
#[codemode::tool]
pub async fn noop() {}
