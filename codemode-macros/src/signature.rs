//! A function signature as a host function sees it: keyword parameters (or one whole
//! struct), and what it returns. Every unsupported form is reported with what to write
//! instead.

use crate::docs::Docs;
use crate::errors::Errors;
use syn::{
    FnArg, GenericArgument, Ident, Pat, PathArguments, ReturnType, Signature as FnSignature, Type,
};

/// Where the function lives, which decides the receiver it must have.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Owner {
    /// A free function under `#[codemode::tool]`.
    Free,
    /// A method under `#[codemode::capability]`.
    Capability,
}

/// One keyword parameter.
pub(crate) struct Param {
    pub ident: Ident,
    pub name: String,
    pub ty: Type,
    /// The `T` of an `Option<T>` parameter, which makes it optional.
    pub optional: Option<Type>,
    pub description: String,
}

/// How the keyword-arguments object reaches the function.
pub(crate) enum Params {
    /// One parameter per key.
    Keywords(Vec<Param>),
    /// `Args<T>`: the whole object as one struct `T`.
    Whole(Type),
}

/// What the function returns.
pub(crate) enum Output {
    /// Nothing: JavaScript gets `null`.
    Unit,
    /// A value.
    Value(Box<Type>),
    /// A `Result` whose `Ok` type is given; `err` when written out.
    Result {
        ok: Box<Type>,
        err: Option<Box<Type>>,
    },
}

/// A checked signature.
pub(crate) struct Signature {
    pub ident: Ident,
    pub is_async: bool,
    pub params: Params,
    pub output: Output,
}

impl Signature {
    /// Checks `sig`, reporting every problem to `errors`.
    pub(crate) fn check(sig: &FnSignature, owner: Owner, docs: &Docs, errors: &mut Errors) -> Self {
        let macro_name = match owner {
            Owner::Free => "#[codemode::tool]",
            Owner::Capability => "a capability method",
        };
        if let Some(constness) = &sig.constness {
            errors.at(
                constness,
                format!("{macro_name} cannot be a `const fn`: remove `const`"),
            );
        }
        if let Some(unsafety) = &sig.unsafety {
            errors.at(unsafety, format!("{macro_name} cannot be `unsafe`: JavaScript cannot uphold its safety contract; wrap the unsafe code in a safe function"));
        }
        if let Some(abi) = &sig.abi {
            errors.at(
                abi,
                format!("{macro_name} cannot have an `extern` ABI: remove it"),
            );
        }
        if let Some(variadic) = &sig.variadic {
            errors.at(
                variadic,
                format!("{macro_name} cannot be variadic: take a `Vec<T>` parameter instead"),
            );
        }
        if !sig.generics.params.is_empty() {
            errors.at(&sig.generics, format!("{macro_name} cannot be generic: JavaScript needs one concrete signature; write concrete types"));
        }
        if let Some(clause) = &sig.generics.where_clause {
            errors.at(
                clause,
                format!("{macro_name} cannot have a `where` clause: write concrete types"),
            );
        }

        let mut receiver_seen = false;
        let mut keywords = Vec::new();
        let mut whole: Option<(Type, &FnArg)> = None;
        let typed_count = sig
            .inputs
            .iter()
            .filter(|input| matches!(input, FnArg::Typed(_)))
            .count();
        for input in &sig.inputs {
            match input {
                FnArg::Receiver(receiver) => {
                    receiver_seen = true;
                    match owner {
                        Owner::Free => errors.at(receiver, "a tool is a free function and has no `self`: for methods, put #[codemode::capability(namespace = \"...\")] on the impl block"),
                        Owner::Capability => {
                            if receiver.reference.is_none() {
                                errors.at(receiver, "a capability method takes `&self`, not `self` by value: capabilities are shared between runs");
                            } else if receiver.mutability.is_some() {
                                errors.at(receiver, "a capability method takes `&self`, not `&mut self`: capabilities are shared between concurrent runs; use a Mutex or atomics inside for state");
                            } else if receiver.colon_token.is_some() {
                                errors.at(receiver, "a capability method takes plain `&self`: remove the explicit type");
                            }
                        }
                    }
                }
                FnArg::Typed(typed) => {
                    if let Some(inner) = args_wrapper(&typed.ty) {
                        if typed_count > 1 {
                            errors.at(&typed.ty, "`Args<T>` takes the whole keyword-arguments object, so it must be the only parameter: move the other parameters into `T`");
                        }
                        match &*typed.pat {
                            Pat::Ident(_) => {}
                            Pat::TupleStruct(pattern) if pattern.elems.len() == 1 => {}
                            other => errors.at(other, "bind `Args<T>` to a name: `args: Args<T>` or `Args(args): Args<T>`"),
                        }
                        whole = Some((inner, input));
                        continue;
                    }
                    let ident = match &*typed.pat {
                        Pat::Ident(pat) if pat.by_ref.is_none() && pat.subpat.is_none() => {
                            pat.ident.clone()
                        }
                        other => {
                            errors.at(other, "a tool parameter must be a plain name, which becomes its keyword: `name: Type` (or take the whole object with `Args(name): Args<T>`)");
                            continue;
                        }
                    };
                    check_type(&typed.ty, errors);
                    let name = ident.to_string().trim_start_matches("r#").to_owned();
                    keywords.push(Param {
                        description: docs.argument(&name).to_owned(),
                        optional: option_inner(&typed.ty),
                        ty: (*typed.ty).clone(),
                        ident,
                        name,
                    });
                }
            }
        }
        if owner == Owner::Capability && !receiver_seen {
            errors.at(&sig.ident, "a capability method takes `&self`: add it as the first parameter, or move this function out of the impl block");
        }
        for (documented, _) in &docs.arguments {
            let known = keywords.iter().any(|param| &param.name == documented);
            if !known && whole.is_none() {
                errors.at(&sig.ident, format!("the doc comment describes argument `{documented}`, but there is no such parameter"));
            }
        }

        let output = match &sig.output {
            ReturnType::Default => Output::Unit,
            ReturnType::Type(_, ty) => output_of(ty, errors),
        };
        Self {
            ident: sig.ident.clone(),
            is_async: sig.asyncness.is_some(),
            params: match whole {
                Some((inner, _)) => Params::Whole(inner),
                None => Params::Keywords(keywords),
            },
            output,
        }
    }
}

/// Rejects parameter types a JSON object cannot produce.
fn check_type(ty: &Type, errors: &mut Errors) {
    match ty {
        Type::ImplTrait(_) => errors.at(
            ty,
            "a tool parameter cannot be `impl Trait`: write the concrete type",
        ),
        Type::Reference(reference) => {
            let hint = match &*reference.elem {
                Type::Path(path) if path.path.is_ident("str") => {
                    "`String` instead of `&str`".to_owned()
                }
                Type::Slice(slice) => {
                    let elem = &slice.elem;
                    format!("`Vec<{}>` instead of a slice", quote::quote!(#elem))
                }
                other => format!("`{}` instead of a reference", quote::quote!(#other)),
            };
            errors.at(ty, format!("a tool parameter must own its value, since it is decoded from JSON: take {hint}"));
        }
        Type::BareFn(_) | Type::TraitObject(_) | Type::Never(_) | Type::Infer(_) => {
            errors.at(ty, "a tool parameter must be data decoded from JSON: take a type that implements serde::Deserialize and schemars::JsonSchema");
        }
        _ => {}
    }
}

fn output_of(ty: &Type, errors: &mut Errors) -> Output {
    match ty {
        Type::ImplTrait(_) => {
            errors.at(
                ty,
                "a tool cannot return `impl Trait`: write the concrete type",
            );
            Output::Unit
        }
        Type::Reference(_) => {
            errors.at(ty, "a tool must return an owned value, since it is sent to JavaScript as JSON: return `String`, `Vec<T>`, ... instead of a reference");
            Output::Unit
        }
        Type::Tuple(tuple) if tuple.elems.is_empty() => Output::Unit,
        _ => match last_segment_args(ty, "Result") {
            Some(args) => {
                let mut types = args.into_iter();
                match types.next() {
                    Some(ok) => Output::Result {
                        ok: Box::new(ok),
                        err: types.next().map(Box::new),
                    },
                    None => Output::Value(Box::new(ty.clone())),
                }
            }
            None => Output::Value(Box::new(ty.clone())),
        },
    }
}

/// The `T` of `Args<T>`.
fn args_wrapper(ty: &Type) -> Option<Type> {
    let mut args = last_segment_args(ty, "Args")?;
    (args.len() == 1).then(|| args.remove(0))
}

/// The `T` of `Option<T>`.
fn option_inner(ty: &Type) -> Option<Type> {
    let mut args = last_segment_args(ty, "Option")?;
    (args.len() == 1).then(|| args.remove(0))
}

/// The type arguments of a path type whose last segment is `name`.
fn last_segment_args(ty: &Type, name: &str) -> Option<Vec<Type>> {
    let Type::Path(path) = ty else { return None };
    if path.qself.is_some() {
        return None;
    }
    let segment = path.path.segments.last()?;
    if segment.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(arguments) = &segment.arguments else {
        return None;
    };
    Some(
        arguments
            .args
            .iter()
            .filter_map(|argument| match argument {
                GenericArgument::Type(ty) => Some(ty.clone()),
                _ => None,
            })
            .collect(),
    )
}
