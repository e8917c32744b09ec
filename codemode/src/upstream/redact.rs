//! Keeps an upstream's secrets (environment values, header values, everything taken
//! from `${VAR}`) out of the messages codemode writes.

use std::sync::Arc;

/// Secrets shorter than this are not replaced: replacing every `1` or `on` in a
/// message would garble it and protect nothing.
const SHORTEST_SECRET: usize = 4;

/// Replaces secrets with `***` in text.
#[derive(Debug, Clone, Default)]
pub(crate) struct Redactor {
    secrets: Arc<[String]>,
}

impl Redactor {
    /// A redactor of `secrets`, longest first so that one secret inside another is
    /// replaced whole.
    pub(crate) fn new(secrets: &[String]) -> Self {
        let mut secrets: Vec<String> = secrets
            .iter()
            .filter(|secret| secret.chars().count() >= SHORTEST_SECRET)
            .cloned()
            .collect();
        secrets.sort_by_key(|secret| std::cmp::Reverse(secret.len()));
        secrets.dedup();
        Self {
            secrets: secrets.into(),
        }
    }

    /// `text` with every secret replaced by `***`.
    pub(crate) fn apply(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in self.secrets.iter() {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), "***");
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_replaced_and_short_values_left_alone() {
        let redactor = Redactor::new(&[
            "tok".to_owned(),
            "s3cret-token".to_owned(),
            "s3cret".to_owned(),
        ]);
        assert_eq!(
            redactor.apply("auth s3cret-token failed; s3cret; tok"),
            "auth *** failed; ***; tok"
        );
    }
}
