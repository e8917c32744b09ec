//! The clients connected to the server, so that they hear when its tools change.

use rmcp::service::Peer;
use rmcp::RoleServer;
use std::sync::Mutex;

/// Connected clients, forgotten once their transport closes.
#[derive(Default)]
pub(crate) struct Peers {
    peers: Mutex<Vec<Peer<RoleServer>>>,
}

impl Peers {
    /// Remembers a client that finished its handshake.
    pub(crate) fn add(&self, peer: Peer<RoleServer>) {
        let mut peers = self.peers.lock().unwrap_or_else(|p| p.into_inner());
        peers.retain(|known| !known.is_transport_closed());
        peers.push(peer);
    }

    /// Sends `notifications/tools/list_changed` to every connected client.
    pub(crate) fn tools_changed(&self) {
        let peers: Vec<Peer<RoleServer>> = {
            let mut peers = self.peers.lock().unwrap_or_else(|p| p.into_inner());
            peers.retain(|known| !known.is_transport_closed());
            peers.clone()
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        for peer in peers {
            runtime.spawn(async move {
                if let Err(error) = peer.notify_tool_list_changed().await {
                    tracing::debug!(%error, "a client did not take the tool list change");
                }
            });
        }
    }
}
