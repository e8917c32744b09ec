//! codemode's side of the MCP connection to an upstream: who it says it is, and what
//! it does when the upstream's tool list changes.

use super::connection::Upstream;
use rmcp::model::{ClientCapabilities, ClientConfig, Implementation};
use rmcp::service::NotificationContext;
use rmcp::{ClientHandler, RoleClient};
use std::sync::Weak;

/// The client handler of one upstream connection.
pub(crate) struct UpstreamClient {
    upstream: Weak<Upstream>,
}

impl UpstreamClient {
    pub(crate) fn new(upstream: Weak<Upstream>) -> Self {
        Self { upstream }
    }
}

impl ClientHandler for UpstreamClient {
    fn get_info(&self) -> ClientConfig {
        ClientConfig::new(
            ClientCapabilities::default(),
            Implementation::new("codemode", env!("CARGO_PKG_VERSION")),
        )
    }

    async fn on_tool_list_changed(&self, _context: NotificationContext<RoleClient>) {
        if let Some(upstream) = self.upstream.upgrade() {
            // Listing the tools is a request on this same connection: answer it from a
            // task of its own, not from inside the notification handler.
            tokio::spawn(async move { upstream.refresh().await });
        }
    }
}
