//! `#[codemode::tool]`: a free function becomes a host function collected at link time.

use crate::attr::{self, Arguments, Kind};
use crate::docs::Docs;
use crate::errors::{self, Errors};
use crate::expand::{self, HostFn};
use crate::signature::{Owner, Signature};
use proc_macro2::TokenStream;
use quote::quote;
use syn::{Item, ItemFn};

pub(crate) fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let arguments = Arguments::parse(
        attr,
        "#[codemode::tool]",
        &[("name", Kind::Text), ("approval", Kind::Flag)],
        &mut errors,
    );
    let function = match syn::parse2::<Item>(item.clone()) {
        Ok(Item::Fn(function)) => function,
        Ok(other) => {
            let hint = match other {
                Item::Impl(_) => "; for the methods of an impl block use #[codemode::capability(namespace = \"...\")]",
                _ => "",
            };
            errors.at(
                quote!(#other).into_iter().next(),
                format!("#[codemode::tool] goes on a free function, like `async fn add(a: i64, b: i64) -> i64`{hint}"),
            );
            return errors::finish(item, errors, TokenStream::new());
        }
        Err(error) => {
            errors.push(error);
            return errors::finish(item, errors, TokenStream::new());
        }
    };
    if let Some(name) = arguments.text("name") {
        attr::check_name(name, &mut errors);
    }
    let docs = Docs::from_attrs(&function.attrs);
    let sig = Signature::check(&function.sig, Owner::Free, &docs, &mut errors);
    let name = arguments.text("name").map_or_else(
        || sig.ident.to_string().trim_start_matches("r#").to_owned(),
        |name| name.value(),
    );
    if arguments.text("name").is_none() {
        if let Err(problem) = crate::ident::check(&name) {
            errors.at(&sig.ident, format!("{problem}; or keep the Rust name and set the JavaScript one: #[codemode::tool(name = \"...\")]"));
        }
    }
    let host = HostFn {
        sig: &sig,
        path: name.clone(),
        name,
        description: docs.description,
        approval: arguments.flag("approval"),
    };
    let generated = generate(&function, &host);
    errors::finish(quote!(#function), errors, generated)
}

fn generate(function: &ItemFn, host: &HostFn<'_>) -> TokenStream {
    let ident = &function.sig.ident;
    let host = expand::host_function(host, quote!(#ident), TokenStream::new());
    quote! {
        const _: () = {
            fn __codemode_tool() -> ::codemode::__private::HostFunction {
                #host
            }
            ::codemode::__private::inventory::submit! {
                ::codemode::__private::CollectedTool(__codemode_tool)
            }
        };
    }
}
