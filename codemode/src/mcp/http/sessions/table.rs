//! The sessions table: what the store knows of each session, and the rules that decide
//! which session to evict, expire or park. Everything here is synchronous and runs
//! under the table's lock; the store acts on what these rules return.

use rmcp::transport::streamable_http_server::session::{SessionId, SessionState};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// Whether a session has an rmcp worker (its service loop and channels) in memory.
pub(super) enum Worker {
    /// Running.
    Live,
    /// Closed by parking; `closed` is notified once rmcp has finished with it.
    Parking { closed: Arc<Notify> },
    /// Gone; the next request restores one from the session's `initialize`.
    Parked,
}

/// One session.
pub(super) struct Entry {
    last_used: Instant,
    /// POST response streams open: calls whose client is waiting.
    open_requests: usize,
    /// GET streams open: the client listens for messages from the server.
    listeners: usize,
    /// Cancelled when the session ends, which stops its runs.
    pub(super) stop: CancellationToken,
    /// The client's `initialize`, once the handshake is done; what a restore replays.
    pub(super) state: Option<SessionState>,
    pub(super) worker: Worker,
}

impl Entry {
    /// Since when the session has had no call open, if it has none.
    fn idle_since(&self) -> Option<Instant> {
        (self.open_requests == 0).then_some(self.last_used)
    }

    /// Whether its worker can be closed without anyone noticing.
    fn parkable(&self) -> bool {
        matches!(self.worker, Worker::Live)
            && self.open_requests == 0
            && self.listeners == 0
            && self.state.is_some()
    }
}

/// How a session is being used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Use {
    /// A call whose response stream stays open until dropped.
    Call,
    /// A GET stream, open until dropped.
    Listen,
    /// Anything else: a notification, a check.
    Touch,
}

/// Every session, and how many are being created.
pub(super) struct Table {
    entries: HashMap<SessionId, Entry>,
    /// Sessions being created: counted against the limit before they have an id.
    creating: usize,
    /// Entries whose worker is live or parking.
    workers: usize,
}

/// What the table holds, for the metrics.
pub(super) struct Counts {
    pub(super) sessions: usize,
    pub(super) workers: usize,
}

impl Table {
    pub(super) fn new() -> Self {
        Self {
            entries: HashMap::new(),
            creating: 0,
            workers: 0,
        }
    }

    pub(super) fn counts(&self) -> Counts {
        Counts {
            sessions: self.entries.len(),
            workers: self.workers,
        }
    }

    /// Whether a new session would find room among `max` slots, evicting if need be.
    pub(super) fn has_room(&self, max: usize) -> bool {
        self.entries.len() + self.creating < max
            || self.entries.values().any(|entry| entry.open_requests == 0)
    }

    /// Takes a slot for a new session; when all `max` are taken, frees the one of the
    /// session idle the longest and returns it, to be ended. `None` in the outer option
    /// when every session has a call open.
    pub(super) fn reserve(&mut self, max: usize) -> Option<Option<(SessionId, Entry)>> {
        let mut evicted = None;
        if self.entries.len() + self.creating >= max {
            let oldest = self
                .entries
                .iter()
                .filter_map(|(id, entry)| Some((entry.idle_since()?, id)))
                .min()
                .map(|(_, id)| id.clone())?;
            evicted = self.remove(&oldest).map(|entry| (oldest, entry));
        }
        self.creating += 1;
        Some(evicted)
    }

    /// Ends a reservation, with the new session's id when it was created.
    pub(super) fn created(&mut self, id: Option<SessionId>) {
        self.creating -= 1;
        if let Some(id) = id {
            self.workers += 1;
            self.entries.insert(
                id,
                Entry {
                    last_used: Instant::now(),
                    open_requests: 0,
                    listeners: 0,
                    stop: CancellationToken::new(),
                    state: None,
                    worker: Worker::Live,
                },
            );
        }
    }

    pub(super) fn get(&self, id: &SessionId) -> Option<&Entry> {
        self.entries.get(id)
    }

    pub(super) fn get_mut(&mut self, id: &SessionId) -> Option<&mut Entry> {
        self.entries.get_mut(id)
    }

    /// Records a use of a live session; its stop token, or `None` when the session is
    /// not live (unknown, or parked until restored).
    pub(super) fn use_live(&mut self, id: &SessionId, how: Use) -> Option<CancellationToken> {
        let entry = self.entries.get_mut(id)?;
        if !matches!(entry.worker, Worker::Live) {
            return None;
        }
        entry.last_used = Instant::now();
        match how {
            Use::Call => entry.open_requests += 1,
            Use::Listen => entry.listeners += 1,
            Use::Touch => {}
        }
        Some(entry.stop.clone())
    }

    /// Ends a use begun with [`Table::use_live`].
    pub(super) fn used(&mut self, id: &SessionId, how: Use) {
        if let Some(entry) = self.entries.get_mut(id) {
            entry.last_used = Instant::now();
            match how {
                Use::Call => entry.open_requests = entry.open_requests.saturating_sub(1),
                Use::Listen => entry.listeners = entry.listeners.saturating_sub(1),
                Use::Touch => {}
            }
        }
    }

    pub(super) fn remove(&mut self, id: &SessionId) -> Option<Entry> {
        let entry = self.entries.remove(id)?;
        if !matches!(entry.worker, Worker::Parked) {
            self.workers -= 1;
        }
        Some(entry)
    }

    /// Removes the sessions idle for `idle` or longer.
    pub(super) fn expire(&mut self, idle: Duration) -> Vec<(SessionId, Entry)> {
        let now = Instant::now();
        let expired: Vec<SessionId> = self
            .entries
            .iter()
            .filter(|(_, entry)| {
                entry
                    .idle_since()
                    .is_some_and(|since| now.duration_since(since) >= idle)
            })
            .map(|(id, _)| id.clone())
            .collect();
        expired
            .into_iter()
            .filter_map(|id| self.remove(&id).map(|entry| (id, entry)))
            .collect()
    }

    /// Marks the parkable sessions beyond the `warm` most recently used as parking and
    /// returns them, for their workers to be closed.
    pub(super) fn park_beyond(&mut self, warm: usize) -> Vec<SessionId> {
        if self.workers <= warm {
            return Vec::new();
        }
        let mut parkable: Vec<(Instant, &SessionId)> = self
            .entries
            .iter()
            .filter(|(_, entry)| entry.parkable())
            .map(|(id, entry)| (entry.last_used, id))
            .collect();
        if parkable.len() <= warm {
            return Vec::new();
        }
        parkable.sort_unstable_by_key(|(last_used, _)| std::cmp::Reverse(*last_used));
        let cold: Vec<SessionId> = parkable
            .into_iter()
            .skip(warm)
            .map(|(_, id)| id.clone())
            .collect();
        for id in &cold {
            if let Some(entry) = self.entries.get_mut(id) {
                entry.worker = Worker::Parking {
                    closed: Arc::new(Notify::new()),
                };
            }
        }
        cold
    }

    /// Marks a parking session's worker as gone; `false` when it was not parking.
    pub(super) fn parked(&mut self, id: &SessionId) -> bool {
        let Some(entry) = self.entries.get_mut(id) else {
            return false;
        };
        let Worker::Parking { closed } = &entry.worker else {
            return false;
        };
        closed.notify_one();
        entry.worker = Worker::Parked;
        self.workers -= 1;
        true
    }

    /// Marks a parked session's worker as restored.
    pub(super) fn restored(&mut self, id: &SessionId) -> bool {
        match self.entries.get_mut(id) {
            Some(entry) if matches!(entry.worker, Worker::Parked) => {
                entry.worker = Worker::Live;
                entry.last_used = Instant::now();
                self.workers += 1;
                true
            }
            _ => false,
        }
    }
}
