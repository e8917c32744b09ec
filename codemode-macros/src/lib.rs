//! Procedural macros of codemode. Use them through the `codemode` crate:
//! `#[codemode::tool]` and `#[codemode::capability]`.

#![warn(missing_docs)]

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

#[doc = include_str!("../docs/tool.md")]
#[proc_macro_attribute]
pub fn tool(attr: TokenStream, item: TokenStream) -> TokenStream {
    debug::shown("tool", tool::expand(attr.into(), item.into())).into()
}

#[doc = include_str!("../docs/capability.md")]
#[proc_macro_attribute]
pub fn capability(attr: TokenStream, item: TokenStream) -> TokenStream {
    debug::shown("capability", capability::expand(attr.into(), item.into())).into()
}
