//! Expansion snapshots: each file in `tests/expand/`, with its macros expanded and the
//! result formatted, is compared to the `.expanded.rs` file beside it, so that a change
//! to the generated code shows in review. `UPDATE_EXPECTED=1` rewrites the snapshots.
//! The same files compile as part of the `ui-tests` crate, under `deny(warnings)`.

use crate::{capability, tool};
use proc_macro2::TokenStream;
use quote::ToTokens;
use std::path::{Path, PathBuf};
use syn::{Attribute, Item, Meta};

#[test]
fn expansions_match_their_snapshots() {
    let update = std::env::var_os("UPDATE_EXPECTED").is_some();
    let mut stale = Vec::new();
    for input in inputs() {
        let source = std::fs::read_to_string(&input).expect("a readable input");
        let expanded = expand_file(&source);
        let snapshot = input.with_extension("expanded.rs");
        if update {
            std::fs::write(&snapshot, &expanded).expect("a writable snapshot");
        } else if std::fs::read_to_string(&snapshot).ok().as_deref() != Some(&expanded) {
            stale.push(snapshot.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "these snapshots differ from the expansions; rerun with UPDATE_EXPECTED=1 and review the diff: {stale:?}"
    );
}

/// The input files, sorted.
fn inputs() -> Vec<PathBuf> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/expand");
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(folder)
        .expect("the snapshot folder")
        .map(|entry| entry.expect("a folder entry").path())
        .filter(|path| {
            let name = path.to_string_lossy();
            name.ends_with(".rs") && !name.ends_with(".expanded.rs")
        })
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no inputs in tests/expand");
    inputs
}

/// The file with every item under one of the macros replaced by its expansion.
fn expand_file(source: &str) -> String {
    let syn::File {
        shebang,
        attrs,
        items: written,
    } = syn::parse_file(source).expect("an input that parses");
    let mut items = Vec::new();
    for mut item in written {
        let Some((name, arguments)) = take_macro(&mut item) else {
            items.push(item);
            continue;
        };
        let expansion = match name {
            "tool" => tool::expand(arguments, item.to_token_stream()),
            _ => capability::expand(arguments, item.to_token_stream()),
        };
        let expansion: syn::File = syn::parse2(expansion).expect("an expansion that parses");
        items.extend(expansion.items);
    }
    prettyplease::unparse(&syn::File {
        shebang,
        attrs,
        items,
    })
}

/// Removes `#[codemode::tool]` or `#[codemode::capability]` from an item and returns
/// which it was, with its arguments.
fn take_macro(item: &mut Item) -> Option<(&'static str, TokenStream)> {
    let attrs: &mut Vec<Attribute> = match item {
        Item::Fn(function) => &mut function.attrs,
        Item::Impl(block) => &mut block.attrs,
        _ => return None,
    };
    let position = attrs.iter().position(|attr| macro_name(attr).is_some())?;
    let attr = attrs.remove(position);
    let name = macro_name(&attr)?;
    let arguments = match attr.meta {
        Meta::List(list) => list.tokens,
        _ => TokenStream::new(),
    };
    Some((name, arguments))
}

fn macro_name(attr: &Attribute) -> Option<&'static str> {
    let segments: Vec<String> = attr
        .path()
        .segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect();
    match segments.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["codemode", "tool"] => Some("tool"),
        ["codemode", "capability"] => Some("capability"),
        _ => None,
    }
}
