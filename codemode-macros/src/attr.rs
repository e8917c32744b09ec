//! Attribute arguments: `key = "value"` pairs and bare flags, checked against the keys
//! each attribute accepts.

use crate::errors::Errors;
use proc_macro2::{Span, TokenStream};
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Ident, LitStr, Token};

/// One `key = "value"` or `flag` entry.
struct Entry {
    key: Ident,
    value: Option<LitStr>,
}

impl Parse for Entry {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let key: Ident = input.parse()?;
        let value = if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            Some(input.parse::<LitStr>().map_err(|error| {
                syn::Error::new(
                    error.span(),
                    format!("`{key}` takes a string: `{key} = \"...\"`"),
                )
            })?)
        } else {
            None
        };
        Ok(Self { key, value })
    }
}

/// What a key of an attribute is.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    /// `key = "text"`.
    Text,
    /// A bare `key`.
    Flag,
}

/// The entries of one attribute, by key.
#[derive(Default)]
pub(crate) struct Arguments {
    entries: Vec<(Ident, Option<LitStr>)>,
}

impl Arguments {
    /// Parses `tokens` accepting only `keys`; problems go to `errors`.
    pub(crate) fn parse(
        tokens: TokenStream,
        what: &str,
        keys: &[(&str, Kind)],
        errors: &mut Errors,
    ) -> Self {
        let parsed = match Punctuated::<Entry, Token![,]>::parse_terminated.parse2(tokens) {
            Ok(parsed) => parsed,
            Err(error) => {
                errors.push(error);
                return Self::default();
            }
        };
        let mut arguments = Self::default();
        for entry in parsed {
            let name = entry.key.to_string();
            let Some((_, kind)) = keys.iter().find(|(key, _)| *key == name) else {
                let valid = keys
                    .iter()
                    .map(|(key, _)| format!("`{key}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let hint = match closest(&name, keys) {
                    Some(close) => format!("; did you mean `{close}`?"),
                    None => String::new(),
                };
                errors.at(
                    &entry.key,
                    format!("unknown key `{name}` for {what}{hint} Valid keys: {valid}"),
                );
                continue;
            };
            if arguments.entries.iter().any(|(key, _)| *key == name) {
                errors.at(&entry.key, format!("`{name}` is given twice: keep one"));
                continue;
            }
            match (kind, &entry.value) {
                (Kind::Text, None) => errors.at(
                    &entry.key,
                    format!("`{name}` needs a value: `{name} = \"...\"`"),
                ),
                (Kind::Flag, Some(value)) => errors.at(
                    value,
                    format!("`{name}` is a flag and takes no value: write `{name}`"),
                ),
                _ => arguments.entries.push((entry.key, entry.value)),
            }
        }
        arguments
    }

    /// The text given for `key`.
    pub(crate) fn text(&self, key: &str) -> Option<&LitStr> {
        self.entries
            .iter()
            .find(|(name, _)| name == key)
            .and_then(|(_, value)| value.as_ref())
    }

    /// Whether the flag `key` is present.
    pub(crate) fn flag(&self, key: &str) -> bool {
        self.entries.iter().any(|(name, _)| name == key)
    }
}

/// The valid key closest to a misspelt one.
fn closest<'a>(name: &str, keys: &[(&'a str, Kind)]) -> Option<&'a str> {
    keys.iter()
        .map(|(key, _)| (*key, distance(name, key)))
        .filter(|(key, d)| *d <= key.len() / 2 + 1)
        .min_by_key(|(_, d)| *d)
        .map(|(key, _)| key)
}

fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(current + 1);
            previous = current;
        }
    }
    row[b.len()]
}

/// Checks a JavaScript name given in an attribute.
pub(crate) fn check_name(name: &LitStr, errors: &mut Errors) {
    if let Err(problem) = crate::ident::check(&name.value()) {
        errors.at(name, problem);
    }
}

/// The span to report a missing key at: the attribute's arguments, or the call site.
pub(crate) fn span_of(tokens: &TokenStream) -> Span {
    tokens
        .clone()
        .into_iter()
        .next()
        .map_or_else(Span::call_site, |token| token.span())
}
