//! Which names JavaScript code can reach as `codemode.<name>`.

use codemode_names::Problem;

/// Checks that `name` can follow `codemode.`; the error says what is wrong with it.
pub(crate) fn check(name: &str) -> Result<(), String> {
    codemode_names::check(name).map_err(|problem| match problem {
        Problem::Empty => "a name cannot be empty".to_owned(),
        Problem::BadStart(_) => format!(
            "`{name}` is not a JavaScript identifier: it must start with a letter, `_` or `$`"
        ),
        Problem::BadCharacter(bad) => format!(
            "`{name}` is not a JavaScript identifier: `{bad}` is not allowed; use letters, digits, `_` or `$`"
        ),
        Problem::ReservedWord => format!("`{name}` is a reserved word in JavaScript"),
        Problem::KeptByCodemode(why) => {
            format!("`{name}` is a reserved word for codemode objects: {why}")
        }
    })
}
