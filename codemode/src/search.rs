//! Ranked search over tools, capabilities and methods, for servers with many of them.

use crate::registry::Registry;
use crate::typescript;
use schemars::JsonSchema;
use serde::Serialize;

/// What a search hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SearchKind {
    /// A flat tool: `codemode.name`.
    Tool,
    /// A capability's namespace: `codemode.namespace`.
    Capability,
    /// A capability method: `codemode.namespace.method`.
    Method,
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct SearchHit {
    /// The name after `codemode.`.
    pub name: String,
    /// What it is.
    pub kind: SearchKind,
    /// Its description.
    pub description: String,
    /// Its TypeScript signature (for a capability, those of its methods).
    pub signature: String,
}

/// Score weights: an exact name beats a name prefix, which beats a word, which beats a
/// substring.
const EXACT: u32 = 1000;
const PREFIX: u32 = 400;
const NAME_WORD: u32 = 100;
const NAME_WORD_PREFIX: u32 = 50;
const PARAMETER: u32 = 40;
const NAME_SUBSTRING: u32 = 30;
const DESCRIPTION_WORD: u32 = 20;
const DESCRIPTION_SUBSTRING: u32 = 5;

struct Candidate {
    hit: SearchHit,
    short_name: String,
    parameters: Vec<String>,
}

impl Registry {
    /// The best matches for `query` over names (camelCase and snake_case split into
    /// words), descriptions and parameter names, at most `limit` of them. A blank query
    /// gives no results.
    pub fn search(&self, query: &str, limit: usize) -> Vec<SearchHit> {
        let query = query.trim().to_lowercase();
        if query.is_empty() || limit == 0 {
            return Vec::new();
        }
        let query_words = words(&query);
        let mut scored: Vec<(u32, SearchHit)> = self
            .candidates()
            .into_iter()
            .filter_map(|candidate| {
                let score = score(&candidate, &query, &query_words);
                (score > 0).then_some((score, candidate.hit))
            })
            .collect();
        scored.sort_by(|(a, hit_a), (b, hit_b)| b.cmp(a).then_with(|| hit_a.name.cmp(&hit_b.name)));
        scored.into_iter().take(limit).map(|(_, hit)| hit).collect()
    }

    fn candidates(&self) -> Vec<Candidate> {
        let mut candidates = Vec::new();
        for function in self.functions() {
            let spec = function.spec();
            let parameters = spec
                .input_schema
                .get("properties")
                .and_then(|properties| properties.as_object())
                .map(|properties| properties.keys().cloned().collect())
                .unwrap_or_default();
            // A method found alone still says what its capability allows.
            let instance = spec
                .namespace
                .as_deref()
                .and_then(|namespace| self.instance_description(namespace));
            let description = match instance {
                Some(instance) if spec.description.is_empty() => instance.to_owned(),
                Some(instance) => format!("{}\n{instance}", spec.description),
                None => spec.description.clone(),
            };
            candidates.push(Candidate {
                hit: SearchHit {
                    name: spec.path(),
                    kind: if spec.namespace.is_some() {
                        SearchKind::Method
                    } else {
                        SearchKind::Tool
                    },
                    description,
                    signature: typescript::signature(spec),
                },
                short_name: spec.name.clone(),
                parameters,
            });
        }
        for (namespace, description) in self.namespaces() {
            let signature = self
                .functions()
                .filter(|function| function.spec().namespace.as_deref() == Some(namespace))
                .map(|function| typescript::signature(function.spec()))
                .collect::<Vec<_>>()
                .join("\n");
            candidates.push(Candidate {
                hit: SearchHit {
                    name: namespace.to_owned(),
                    kind: SearchKind::Capability,
                    description: description.to_owned(),
                    signature,
                },
                short_name: namespace.to_owned(),
                parameters: Vec::new(),
            });
        }
        candidates
    }
}

fn score(candidate: &Candidate, query: &str, query_words: &[String]) -> u32 {
    let name = candidate.hit.name.to_lowercase();
    let short = candidate.short_name.to_lowercase();
    let compact_query: String = query.chars().filter(|c| c.is_alphanumeric()).collect();
    let compact_name: String = short.chars().filter(|c| c.is_alphanumeric()).collect();
    if query == name
        || query == short
        || (!compact_query.is_empty() && compact_query == compact_name)
    {
        return EXACT;
    }
    let mut total = 0;
    if name.starts_with(query) || short.starts_with(query) {
        total += PREFIX;
    }
    let name_words = words(&candidate.hit.name);
    let description = candidate.hit.description.to_lowercase();
    let description_words = words(&candidate.hit.description);
    let parameter_words: Vec<String> = candidate.parameters.iter().flat_map(|p| words(p)).collect();
    for word in query_words {
        if name_words.contains(word) {
            total += NAME_WORD;
        } else if name_words.iter().any(|w| w.starts_with(word.as_str())) {
            total += NAME_WORD_PREFIX;
        } else if name.contains(word.as_str()) {
            total += NAME_SUBSTRING;
        }
        if parameter_words.contains(word) {
            total += PARAMETER;
        }
        if description_words.contains(word) {
            total += DESCRIPTION_WORD;
        } else if word.len() >= 3 && description.contains(word.as_str()) {
            total += DESCRIPTION_SUBSTRING;
        }
    }
    total
}

/// Lower-case words of a text, splitting camelCase, snake_case, dots and spaces.
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in text.chars() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::words;

    #[test]
    fn words_split_case_styles() {
        assert_eq!(words("getUserName"), vec!["get", "user", "name"]);
        assert_eq!(words("fs.read_file"), vec!["fs", "read", "file"]);
        assert_eq!(words("HTTP fetch"), vec!["http", "fetch"]);
    }
}
