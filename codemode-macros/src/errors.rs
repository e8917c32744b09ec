//! Gathers every problem of one item, so a single build shows them all.

use proc_macro2::TokenStream;
use quote::ToTokens;
use std::fmt::Display;

#[derive(Default)]
pub(crate) struct Errors {
    found: Option<syn::Error>,
}

impl Errors {
    /// Records `message` at the span of `tokens`.
    pub(crate) fn at(&mut self, tokens: impl ToTokens, message: impl Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    /// Records an error from a parser.
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.found {
            Some(found) => found.combine(error),
            None => self.found = Some(error),
        }
    }

    /// The gathered errors, or `Ok` when there were none.
    pub(crate) fn finish(self) -> Result<(), syn::Error> {
        match self.found {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }
}

/// The item followed by the generated code, or, when there were errors, the user's
/// item unchanged followed by the errors, so the rest of the crate still sees the item
/// and the user sees only these errors.
pub(crate) fn finish(item: TokenStream, errors: Errors, generated: TokenStream) -> TokenStream {
    match errors.finish() {
        Ok(()) => quote::quote! { #item #generated },
        Err(error) => {
            let errors = error.to_compile_error();
            quote::quote! { #item #errors }
        }
    }
}
