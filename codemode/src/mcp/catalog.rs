//! What the server offers at each moment: the registry runs use, the `execute`
//! description, and whether `search` is on. Rebuilt when an upstream's tools change;
//! a run takes the current registry with one cheap clone.

use super::description::{self, ExecuteDescription};
use crate::limits::Limits;
use crate::registry::Registry;
use crate::upstream::Upstreams;
use std::sync::{Arc, RwLock};

/// One consistent view of what the server offers.
pub(crate) struct Offer {
    pub registry: Registry,
    pub description: String,
    pub search: bool,
}

/// The current offer and what it is rebuilt from.
pub(crate) struct Catalog {
    /// Rust tools and capabilities.
    base: Registry,
    upstreams: Option<Upstreams>,
    limits: Limits,
    search: bool,
    description_bytes: usize,
    current: RwLock<Arc<Offer>>,
}

impl Catalog {
    /// A catalog offering `registry`, which is `base` with `upstreams` mounted.
    pub(crate) fn new(
        base: Registry,
        registry: Registry,
        upstreams: Option<Upstreams>,
        limits: Limits,
        search: bool,
        description_bytes: usize,
    ) -> Self {
        let offer = offer(registry, &limits, search, description_bytes);
        Self {
            base,
            upstreams,
            limits,
            search,
            description_bytes,
            current: RwLock::new(Arc::new(offer)),
        }
    }

    /// The current offer.
    pub(crate) fn current(&self) -> Arc<Offer> {
        Arc::clone(&self.current.read().unwrap_or_else(|p| p.into_inner()))
    }

    /// Rebuilds the offer from the upstreams' current tools; whether it changed.
    pub(crate) fn rebuild(&self) -> bool {
        let Some(upstreams) = &self.upstreams else {
            return false;
        };
        let mut registry = self.base.clone();
        if let Err(error) = upstreams.mount_lenient(&mut registry) {
            tracing::warn!("the upstreams' new tools cannot be mounted: {error}");
            return false;
        }
        let offer = offer(registry, &self.limits, self.search, self.description_bytes);
        let mut current = self.current.write().unwrap_or_else(|p| p.into_inner());
        let changed = current.description != offer.description || current.search != offer.search;
        *current = Arc::new(offer);
        changed
    }
}

fn offer(registry: Registry, limits: &Limits, search: bool, budget: usize) -> Offer {
    let ExecuteDescription { text, needs_search } =
        description::execute(&registry, limits, search, budget);
    Offer {
        registry,
        description: text,
        search: search || needs_search,
    }
}
