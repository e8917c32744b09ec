//! `#[codemode::capability(namespace = "...")]`: the async `&self` methods of an impl
//! block become host functions under one namespace.
//!
//! Every `async fn` taking `&self` counts, whatever its Rust visibility (what JavaScript
//! may call is a different question from what Rust code may call); `#[codemode(skip)]`
//! leaves one out, `#[codemode(name = "...")]` renames it and `#[codemode(approval)]`
//! makes each call wait for a person's approval. Other items are untouched,
//! except one plain `fn(&self)` marked `#[codemode(describe)]`: its text describes the
//! instance (what it is configured to allow) after the impl block's doc comment.

use crate::attr::{self, Arguments, Kind};
use crate::docs::Docs;
use crate::errors::{self, Errors};
use crate::expand::{self, HostFn};
use crate::signature::{Owner, Signature};
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::{Attribute, FnArg, Ident, ImplItem, ImplItemFn, Item, ItemImpl, LitStr};

const METHOD_KEYS: &[(&str, Kind)] = &[
    ("name", Kind::Text),
    ("approval", Kind::Flag),
    ("skip", Kind::Flag),
    ("describe", Kind::Flag),
];

pub(crate) fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let attr_span = attr::span_of(&attr);
    let arguments = Arguments::parse(
        attr,
        "#[codemode::capability]",
        &[("namespace", Kind::Text), ("description", Kind::Text)],
        &mut errors,
    );
    let mut block = match syn::parse2::<Item>(item.clone()) {
        Ok(Item::Impl(block)) => block,
        Ok(other) => {
            errors.at(
                quote!(#other).into_iter().next(),
                "#[codemode::capability] goes on an inherent impl block: `impl MyCapability { async fn method(&self, ..) -> T { .. } }`",
            );
            return errors::finish(item, errors, TokenStream::new());
        }
        Err(error) => {
            errors.push(error);
            return errors::finish(item, errors, TokenStream::new());
        }
    };
    let namespace = match arguments.text("namespace") {
        Some(namespace) => {
            attr::check_name(namespace, &mut errors);
            namespace.value()
        }
        None => {
            errors.push(syn::Error::new(
                attr_span,
                "missing `namespace`: write #[codemode::capability(namespace = \"name\")]; its methods become codemode.name.method",
            ));
            String::new()
        }
    };
    if let Some((_, path, _)) = &block.trait_ {
        errors.at(path, "#[codemode::capability] goes on an inherent impl block, not a trait impl: move the methods into `impl Type { .. }`");
    }
    if !block.generics.params.is_empty() {
        errors.at(
            &block.generics,
            "a capability impl block cannot be generic: implement it for one concrete type",
        );
    }
    let description = match arguments.text("description") {
        Some(text) => text.value(),
        None => Docs::from_attrs(&block.attrs).description,
    };
    let (methods, describe) = collect_methods(&mut block, &namespace, &mut errors);
    match errors.finish() {
        Ok(()) => {
            let generated = generate(&block, &namespace, &description, &methods, describe);
            quote!(#block #generated)
        }
        Err(error) => {
            // The impl still implements Capability, without methods, so code that
            // registers it shows no second error.
            let stub = generate(&block, &namespace, &description, &[], None);
            let errors = error.to_compile_error();
            quote!(#block #stub #errors)
        }
    }
}

/// A method that becomes a host function.
struct Method {
    sig: Signature,
    name: String,
    description: String,
    approval: bool,
}

/// Checks the methods and strips the `#[codemode(..)]` attributes from them; returns
/// the host functions and the method that describes the instance, if one is marked.
fn collect_methods(
    block: &mut ItemImpl,
    namespace: &str,
    errors: &mut Errors,
) -> (Vec<Method>, Option<Ident>) {
    let mut methods: Vec<Method> = Vec::new();
    let mut names: Vec<(String, LitStr)> = Vec::new();
    let mut describe: Option<Ident> = None;
    for item in &mut block.items {
        let ImplItem::Fn(method) = item else { continue };
        let (attribute, arguments) = take_method_attrs(method, errors);
        if arguments.flag("describe") {
            check_describe(method, &arguments, describe.as_ref(), errors);
            describe.get_or_insert_with(|| method.sig.ident.clone());
            continue;
        }
        if method.sig.asyncness.is_none() {
            if let Some(attribute) = attribute {
                errors.at(
                    attribute,
                    "#[codemode(..)] applies to the `async fn` methods that become host functions, and this method is not async: make it `async fn`, or remove the attribute",
                );
            }
            continue;
        }
        if arguments.flag("skip") {
            if arguments.flag("approval") {
                errors.at(
                    &method.sig.ident,
                    "`approval` has no effect on a method that `skip` leaves out: remove one of them",
                );
            }
            continue;
        }
        let docs = Docs::from_attrs(&method.attrs);
        let sig = Signature::check(&method.sig, Owner::Capability, &docs, errors);
        let rust_name = sig.ident.to_string().trim_start_matches("r#").to_owned();
        let (name, spelled) = match arguments.text("name") {
            Some(name) => {
                attr::check_name(name, errors);
                (name.value(), name.clone())
            }
            None => {
                if let Err(problem) = crate::ident::check(&rust_name) {
                    errors.at(
                        &sig.ident,
                        format!(
                            "{problem}; or set the JavaScript name: #[codemode(name = \"...\")]"
                        ),
                    );
                }
                (rust_name.clone(), LitStr::new(&rust_name, sig.ident.span()))
            }
        };
        if let Some((_, first)) = names.iter().find(|(taken, _)| *taken == name) {
            errors.at(&spelled, format!("two methods are both `codemode.{namespace}.{name}`: rename one with #[codemode(name = \"...\")]"));
            errors.at(
                first,
                format!("`codemode.{namespace}.{name}` is first defined here"),
            );
        }
        names.push((name.clone(), spelled));
        methods.push(Method {
            sig,
            name,
            description: docs.description,
            approval: arguments.flag("approval"),
        });
    }
    (methods, describe)
}

/// Checks a method marked `#[codemode(describe)]`: called when the capability is
/// registered, it is a plain `fn name(&self) -> String`, and there is one.
fn check_describe(
    method: &ImplItemFn,
    arguments: &Arguments,
    first: Option<&Ident>,
    errors: &mut Errors,
) {
    let sig = &method.sig;
    if let Some(first) = first {
        errors.at(
            &sig.ident,
            format!("only one method describes the instance, and `{first}` already does: remove #[codemode(describe)] from one of them"),
        );
    }
    let other_key =
        "#[codemode(describe)] takes no other key: a describing method is not a host function";
    match arguments.text("name") {
        Some(name) => errors.at(name, other_key),
        None if arguments.flag("skip") || arguments.flag("approval") => {
            errors.at(&sig.ident, other_key)
        }
        None => {}
    }
    if let Some(asyncness) = &sig.asyncness {
        errors.at(
            asyncness,
            "a #[codemode(describe)] method runs when the capability is registered, outside any program: make it a plain `fn(&self) -> String`",
        );
    }
    let takes_ref_self = matches!(
        sig.inputs.first(),
        Some(FnArg::Receiver(receiver)) if receiver.reference.is_some() && receiver.mutability.is_none()
    );
    if !takes_ref_self || sig.inputs.len() != 1 {
        let message =
            "a #[codemode(describe)] method takes `&self` alone: `fn describe(&self) -> String`";
        if sig.inputs.is_empty() {
            errors.at(&sig.ident, message);
        } else {
            errors.at(&sig.inputs, message);
        }
    }
}

/// Removes `#[codemode(..)]` from a method and parses it; returns the attribute too.
fn take_method_attrs(
    method: &mut ImplItemFn,
    errors: &mut Errors,
) -> (Option<Attribute>, Arguments) {
    let mut found: Option<(Attribute, Arguments)> = None;
    let mut kept = Vec::new();
    for attr in method.attrs.drain(..) {
        if !attr.path().is_ident("codemode") {
            kept.push(attr);
            continue;
        }
        if found.is_some() {
            errors.at(
                &attr,
                "#[codemode(..)] is given twice on this method: write its keys in one, e.g. #[codemode(name = \"...\")]",
            );
            continue;
        }
        let arguments = match attr.meta.require_list() {
            Ok(list) => Arguments::parse(
                list.tokens.clone(),
                "#[codemode(..)] on a method",
                METHOD_KEYS,
                errors,
            ),
            Err(error) => {
                errors.push(error);
                Arguments::default()
            }
        };
        found = Some((attr, arguments));
    }
    method.attrs = kept;
    match found {
        Some((attr, arguments)) => (Some(attr), arguments),
        None => (None, Arguments::default()),
    }
}

fn generate(
    block: &ItemImpl,
    namespace: &str,
    description: &str,
    methods: &[Method],
    describe: Option<Ident>,
) -> TokenStream {
    let self_ty = &block.self_ty;
    let private = quote!(::codemode::__private);
    let functions = methods.iter().map(|method| {
        let ident = &method.sig.ident;
        let host = expand::host_function(
            &HostFn {
                sig: &method.sig,
                name: method.name.clone(),
                path: format!("{namespace}.{}", method.name),
                description: method.description.clone(),
                approval: method.approval,
            },
            quote!(__this.#ident),
            quote!(let __this = #private::Arc::clone(&__this);),
        );
        quote! {{
            let __this = #private::Arc::clone(&self);
            #host
        }}
    });
    let instance_description = describe.map(|ident| {
        quote_spanned! {ident.span()=>
            fn instance_description(&self) -> ::std::option::Option<::std::string::String> {
                ::std::option::Option::Some(::std::string::ToString::to_string(&Self::#ident(self)))
            }
        }
    });
    quote! {
        const _: () = {
            #[automatically_derived]
            impl #private::Capability for #self_ty {
                fn namespace(&self) -> &str {
                    #namespace
                }

                fn description(&self) -> &str {
                    #description
                }

                #instance_description

                fn functions(self: #private::Arc<Self>) -> ::std::vec::Vec<#private::HostFunction> {
                    ::std::vec::Vec::from([#(#functions),*])
                }
            }
        };
    }
}
