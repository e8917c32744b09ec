//! `codemode.env`: read allowed environment variables.

use crate::ToolError;

/// Reads environment variables from an allowlist: `codemode.env.get({ key })`.
///
/// ```
/// let env = codemode::EnvCapability::new(["USER", "LANG"]);
/// # let _ = env;
/// ```
///
/// A key not in the allowlist is refused with a message listing the allowed ones; an
/// allowed variable that is not set reads as `null`, and one whose value is not
/// Unicode is refused with a message saying so.
#[derive(Debug, Clone)]
pub struct EnvCapability {
    allowed: Vec<String>,
}

impl EnvCapability {
    /// A capability that reads only the variables named in `allowed_keys`.
    pub fn new(allowed_keys: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Self {
            allowed: allowed_keys.into_iter().map(Into::into).collect(),
        }
    }
}

/// Read allowed environment variables.
#[crate::capability(namespace = "env")]
impl EnvCapability {
    /// The variables this instance allows, for the model.
    #[codemode(describe)]
    fn allowed(&self) -> String {
        if self.allowed.is_empty() {
            return "No variable is allowed: every call fails.".to_owned();
        }
        let keys = self
            .allowed
            .iter()
            .map(|key| format!("`{key}`"))
            .collect::<Vec<_>>()
            .join(", ");
        format!("Allowed keys: {keys}.")
    }

    /// The value of an allowed environment variable, or `null` when it is not set.
    ///
    /// # Arguments
    ///
    /// * `key` - The variable's name, e.g. "USER".
    async fn get(&self, key: String) -> Result<Option<String>, ToolError> {
        if !self.allowed.contains(&key) {
            let allowed = if self.allowed.is_empty() {
                "none".to_owned()
            } else {
                self.allowed.join(", ")
            };
            return Err(ToolError::new(format!(
                "env.get: `{key}` is not an allowed variable; allowed: {allowed}"
            )));
        }
        match std::env::var(&key) {
            Ok(value) => Ok(Some(value)),
            Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => Err(ToolError::new(format!(
                "env.get: the value of `{key}` is not valid Unicode"
            ))),
        }
    }
}
