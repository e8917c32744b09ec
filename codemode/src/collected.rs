//! `#[codemode::tool]` functions, collected from the whole binary at link time.

use crate::registry::HostFunction;

/// A `#[codemode::tool]` function, as the macro submits it.
pub struct CollectedTool(pub fn() -> HostFunction);

inventory::collect!(CollectedTool);

/// Every collected tool.
pub(crate) fn tools() -> impl Iterator<Item = HostFunction> {
    inventory::iter::<CollectedTool>
        .into_iter()
        .map(|tool| (tool.0)())
}
