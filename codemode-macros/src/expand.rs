//! Generates the `HostFunction` for a checked signature. Generated code names only
//! paths under `::codemode::__private`, so users need no other dependency.

use crate::signature::{Output, Params, Signature};
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

/// A host function to generate.
pub(crate) struct HostFn<'a> {
    pub sig: &'a Signature,
    /// The JavaScript name: `current`.
    pub name: String,
    /// The name after `codemode.`, for messages: `weather.current`.
    pub path: String,
    pub description: String,
    /// Whether each call needs a person's approval.
    pub approval: bool,
}

/// An expression that builds the `HostFunction`. `callee` is what the decoded
/// arguments are applied to (`add`, `__this.current`); `prelude` runs in the closure
/// before the future is created.
pub(crate) fn host_function(
    function: &HostFn<'_>,
    callee: TokenStream,
    prelude: TokenStream,
) -> TokenStream {
    let private = quote!(::codemode::__private);
    let HostFn {
        sig,
        name,
        path,
        description,
        approval,
    } = function;
    let (decode, call_args, input_schema) = match &sig.params {
        Params::Keywords(params) => {
            let keys = params.iter().map(|param| &param.name);
            let takes = params.iter().map(|param| {
                let ident = &param.ident;
                let key = &param.name;
                match &param.optional {
                    Some(inner) => quote_spanned! {param.ty.span()=>
                        let #ident = __arguments.optional::<#inner>(#key)?;
                    },
                    None => {
                        let ty = &param.ty;
                        quote_spanned! {param.ty.span()=>
                            let #ident = __arguments.required::<#ty>(#key)?;
                        }
                    }
                }
            });
            let schema = params.iter().map(|param| {
                let key = &param.name;
                let text = &param.description;
                let (ty, required) = match &param.optional {
                    Some(inner) => (inner, false),
                    None => (&param.ty, true),
                };
                quote_spanned! {param.ty.span()=> .parameter::<#ty>(#key, #text, #required) }
            });
            let idents = params.iter().map(|param| &param.ident);
            (
                quote! {
                    let mut __arguments = #private::Arguments::new(#path, __args, &[#(#keys),*])?;
                    #(#takes)*
                },
                quote!(#(#idents),*),
                quote!(#private::InputSchema::default() #(#schema)* .build()),
            )
        }
        Params::Whole(inner) => (
            quote_spanned! {inner.span()=>
                let __whole = ::codemode::Args(#private::whole::<#inner>(#path, __args)?);
            },
            quote!(__whole),
            quote_spanned!(inner.span()=> #private::whole_input_schema::<#inner>()),
        ),
    };
    let awaited = if sig.is_async {
        quote!(.await)
    } else {
        quote!()
    };
    let (convert, output_schema) = match &sig.output {
        Output::Unit => (
            quote!(#private::output(#path, __result)),
            quote!(#private::output_schema::<()>()),
        ),
        Output::Value(ty) => (
            quote_spanned!(ty.span()=> #private::output::<#ty>(#path, __result)),
            quote_spanned!(ty.span()=> #private::output_schema::<#ty>()),
        ),
        Output::Result { ok, err } => {
            let err_span = err.as_ref().map_or_else(|| ok.span(), |err| err.span());
            let error = quote_spanned!(err_span=> #private::tool_error(__result)?);
            (
                quote_spanned!(ok.span()=> #private::output::<#ok>(#path, #error)),
                quote_spanned!(ok.span()=> #private::output_schema::<#ok>()),
            )
        }
    };
    let approval = approval.then(|| quote!(.require_approval()));
    quote! {
        #private::host_function(#name, move |__args: #private::Value| -> #private::HostFuture {
            #prelude
            ::std::boxed::Box::pin(async move {
                #decode
                let __result = #callee(#call_args) #awaited;
                #convert
            })
        })
        .with_description(#description)
        .with_input_schema(#input_schema)
        .with_output_schema(#output_schema)
        #approval
    }
}
