//! Which names JavaScript code can reach as `codemode.<name>`.

/// Words that cannot name a tool, method or namespace: JavaScript's reserved words,
/// plus `then`, which would make `codemode` objects look like promises to `await`.
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

/// Checks that `name` is a plain JavaScript identifier that is not a reserved word;
/// the error says what is wrong with it.
pub(crate) fn check(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return Err("a name cannot be empty".to_owned());
    };
    if !(first.is_ascii_alphabetic() || first == '_' || first == '$') {
        return Err(format!(
            "`{name}` is not a JavaScript identifier: it must start with a letter, `_` or `$`"
        ));
    }
    if let Some(bad) = chars.find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '$')) {
        return Err(format!(
            "`{name}` is not a JavaScript identifier: `{bad}` is not allowed; use letters, digits, `_` or `$`"
        ));
    }
    if RESERVED.contains(&name) {
        return Err(format!("`{name}` is a reserved word in JavaScript"));
    }
    Ok(())
}
