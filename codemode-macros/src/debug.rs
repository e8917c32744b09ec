//! `CODEMODE_MACROS_DEBUG=1`: each expansion printed to stderr as it is made.

use proc_macro2::TokenStream;

/// The variable that turns printing on, unless it is empty or `0`.
const VARIABLE: &str = "CODEMODE_MACROS_DEBUG";

/// Passes `expansion` through, printing it first when asked to.
pub(crate) fn shown(name: &str, expansion: TokenStream) -> TokenStream {
    let enabled = std::env::var(VARIABLE).is_ok_and(|value| !value.is_empty() && value != "0");
    if enabled {
        eprintln!("{}", render(name, &expansion));
    }
    expansion
}

/// An expansion as people read code: formatted, under a heading naming the macro.
pub(crate) fn render(name: &str, expansion: &TokenStream) -> String {
    let code = match syn::parse2::<syn::File>(expansion.clone()) {
        Ok(file) => prettyplease::unparse(&file),
        Err(_) => expansion.to_string(),
    };
    format!("// #[codemode::{name}] expands to:\n{code}")
}

#[cfg(test)]
mod tests {
    use super::render;
    use quote::quote;

    #[test]
    fn expansions_are_shown_formatted_under_the_macros_name() {
        let shown = render(
            "tool",
            &quote!(
                fn a() -> u8 {
                    1
                }
            ),
        );
        assert_eq!(
            shown,
            "// #[codemode::tool] expands to:\nfn a() -> u8 {\n    1\n}\n"
        );
    }
}
