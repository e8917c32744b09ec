//! Which names JavaScript can reach as `codemode.<name>`.

const RESERVED: &[&str] = &[
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "implements",
    "import",
    "in",
    "instanceof",
    "interface",
    "let",
    "new",
    "null",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "static",
    "super",
    "switch",
    "then",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "yield",
];

/// Checks a name for `codemode.<name>`; the error says what to write instead.
pub(crate) fn check(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let valid = match chars.next() {
        Some(first) => {
            (first.is_ascii_alphabetic() || first == '_' || first == '$')
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
        }
        None => false,
    };
    if !valid {
        return Err(format!(
            "`{name}` is not a JavaScript identifier: use letters, digits, `_` and `$`, not starting with a digit"
        ));
    }
    if RESERVED.contains(&name) {
        return Err(format!(
            "`{name}` is a reserved word in JavaScript: choose another name, e.g. `{name}_`"
        ));
    }
    Ok(())
}
