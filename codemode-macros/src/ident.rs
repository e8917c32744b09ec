//! Which names JavaScript can reach as `codemode.<name>`.

use codemode_names::Problem;

/// Checks a name for `codemode.<name>`; the error says what to write instead.
pub(crate) fn check(name: &str) -> Result<(), String> {
    codemode_names::check(name).map_err(|problem| match problem {
        Problem::Empty | Problem::BadStart(_) | Problem::BadCharacter(_) => format!(
            "`{name}` is not a JavaScript identifier: use letters, digits, `_` and `$`, not starting with a digit"
        ),
        Problem::ReservedWord => format!(
            "`{name}` is a reserved word in JavaScript: choose another name, e.g. `{name}_`"
        ),
        Problem::KeptByCodemode(why) => format!(
            "`{name}` is a reserved word for codemode objects: {why}; choose another name, e.g. `{name}_`"
        ),
    })
}
