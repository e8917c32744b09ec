//! Which names JavaScript can reach as `codemode.<name>`.
//!
//! The macros check names at compile time and the runtime checks them at
//! registration; both ask [`check`], so the two can never disagree. Each says what is
//! wrong in its own words, from the [`Problem`] found.

#![warn(missing_docs)]

/// JavaScript's reserved words, which cannot follow `codemode.` in plain code.
pub const RESERVED_WORDS: &[&str] = &[
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

/// Names every `codemode` object keeps for itself, with why: the runtime answers
/// `undefined` for them, so a function of that name could never be called.
pub const KEPT_BY_CODEMODE: &[(&str, &str)] = &[
    ("then", "`await` would take codemode objects for promises"),
    ("toJSON", "`JSON.stringify` would call it"),
];

/// What is wrong with a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// The name is empty.
    Empty,
    /// The name starts with this character, which an identifier cannot start with.
    BadStart(char),
    /// The name holds this character, which an identifier cannot hold.
    BadCharacter(char),
    /// The name is one of [`RESERVED_WORDS`].
    ReservedWord,
    /// The name is one of [`KEPT_BY_CODEMODE`]; the text says why it is kept.
    KeptByCodemode(&'static str),
}

/// Checks that `name` is a plain ASCII JavaScript identifier that is neither a
/// reserved word nor a name codemode objects keep for themselves.
pub fn check(name: &str) -> Result<(), Problem> {
    let mut chars = name.chars();
    let first = chars.next().ok_or(Problem::Empty)?;
    if !(first.is_ascii_alphabetic() || first == '_' || first == '$') {
        return Err(Problem::BadStart(first));
    }
    if let Some(bad) = chars.find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '$')) {
        return Err(Problem::BadCharacter(bad));
    }
    if RESERVED_WORDS.contains(&name) {
        return Err(Problem::ReservedWord);
    }
    if let Some((_, why)) = KEPT_BY_CODEMODE.iter().find(|(kept, _)| *kept == name) {
        return Err(Problem::KeptByCodemode(why));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_problem_is_found() {
        assert_eq!(check("add"), Ok(()));
        assert_eq!(check("$_a1"), Ok(()));
        assert_eq!(check(""), Err(Problem::Empty));
        assert_eq!(check("1a"), Err(Problem::BadStart('1')));
        assert_eq!(check("a-b"), Err(Problem::BadCharacter('-')));
        assert_eq!(check("é"), Err(Problem::BadStart('é')));
        assert_eq!(check("class"), Err(Problem::ReservedWord));
        assert!(matches!(check("then"), Err(Problem::KeptByCodemode(_))));
        assert!(matches!(check("toJSON"), Err(Problem::KeptByCodemode(_))));
    }
}
