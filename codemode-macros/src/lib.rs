//! Procedural macros of codemode. Use them through the `codemode` crate:
//! `#[codemode::tool]` and `#[codemode::capability]`.

mod attr;
mod capability;
mod debug;
mod docs;
mod errors;
mod expand;
mod ident;
mod signature;
#[cfg(test)]
mod snapshots;
mod tool;

use proc_macro::TokenStream;

/// Turns an async (or sync) function into a host function callable from JavaScript as
/// `await codemode.<name>({ ...keyword args })`. See the `codemode` crate docs.
#[proc_macro_attribute]
pub fn tool(attr: TokenStream, item: TokenStream) -> TokenStream {
    debug::shown("tool", tool::expand(attr.into(), item.into())).into()
}

/// Turns the async `&self` methods of an impl block into host functions callable as
/// `await codemode.<namespace>.<method>({ ... })`. See the `codemode` crate docs.
#[proc_macro_attribute]
pub fn capability(attr: TokenStream, item: TokenStream) -> TokenStream {
    debug::shown("capability", capability::expand(attr.into(), item.into())).into()
}
