//! The JavaScript names of upstream servers and tools.

use crate::identifier;

/// The name JavaScript reaches `raw` by: `raw` itself when it is a plain identifier
/// that is not a reserved word; otherwise every character that cannot appear in an
/// identifier becomes `_` (`get-file` → `get_file`), a leading digit gets a `_` before
/// it and a reserved word a `_` after it.
pub(crate) fn js_name(raw: &str) -> String {
    if identifier::check(raw).is_ok() {
        return raw.to_owned();
    }
    let mut name: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '$' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    if identifier::check(&name).is_err() {
        name.push('_');
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_kept_and_others_mapped() {
        assert_eq!(js_name("create_entities"), "create_entities");
        assert_eq!(js_name("getFile"), "getFile");
        assert_eq!(js_name("my-server"), "my_server");
        assert_eq!(js_name("get-file"), "get_file");
        assert_eq!(js_name("a.b/c d"), "a_b_c_d");
        assert_eq!(js_name("2fa"), "_2fa");
        assert_eq!(js_name("delete"), "delete_");
        assert_eq!(js_name("then"), "then_");
        assert_eq!(js_name(""), "_");
        assert_eq!(js_name("café"), "caf_");
    }
}
