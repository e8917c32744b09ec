//! Descriptions from doc comments: the text, and parameter descriptions from a rustdoc
//! `# Arguments` list (`` * `name` - what it is ``).

use syn::{Attribute, Expr, ExprLit, Lit, Meta};

/// A doc comment split into its description and its `# Arguments` entries.
#[derive(Default)]
pub(crate) struct Docs {
    pub description: String,
    pub arguments: Vec<(String, String)>,
}

impl Docs {
    pub(crate) fn from_attrs(attrs: &[Attribute]) -> Self {
        let lines = doc_lines(attrs);
        let mut description = Vec::new();
        let mut arguments: Vec<(String, String)> = Vec::new();
        let mut in_arguments = false;
        for line in &lines {
            let trimmed = line.trim();
            if let Some(heading) = trimmed.strip_prefix('#') {
                let heading = heading.trim_start_matches('#').trim();
                in_arguments = matches!(heading, "Arguments" | "Parameters" | "Args");
                if in_arguments {
                    continue;
                }
            }
            if !in_arguments {
                description.push(line.as_str());
                continue;
            }
            if let Some((name, text)) = argument_entry(trimmed) {
                arguments.push((name, text));
            } else if let (Some(last), false) = (arguments.last_mut(), trimmed.is_empty()) {
                last.1.push(' ');
                last.1.push_str(trimmed);
            }
        }
        Self {
            description: description.join("\n").trim().to_owned(),
            arguments,
        }
    }

    pub(crate) fn argument(&self, name: &str) -> &str {
        self.arguments
            .iter()
            .find(|(documented, _)| documented == name)
            .map_or("", |(_, text)| text.as_str())
    }
}

fn doc_lines(attrs: &[Attribute]) -> Vec<String> {
    let mut lines = Vec::new();
    for attr in attrs {
        let Meta::NameValue(meta) = &attr.meta else {
            continue;
        };
        if !meta.path.is_ident("doc") {
            continue;
        }
        if let Expr::Lit(ExprLit {
            lit: Lit::Str(text),
            ..
        }) = &meta.value
        {
            for line in text.value().lines() {
                lines.push(line.strip_prefix(' ').unwrap_or(line).to_owned());
            }
        }
    }
    lines
}

/// Parses `` * `name` - text ``, `- name: text` and similar list entries.
fn argument_entry(line: &str) -> Option<(String, String)> {
    let rest = line
        .strip_prefix('*')
        .or_else(|| line.strip_prefix('-'))?
        .trim_start();
    let (name, rest) = match rest.strip_prefix('`') {
        Some(quoted) => {
            let end = quoted.find('`')?;
            (&quoted[..end], &quoted[end + 1..])
        }
        None => {
            let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))?;
            (&rest[..end], &rest[end..])
        }
    };
    if name.is_empty() {
        return None;
    }
    let text = rest
        .trim_start()
        .trim_start_matches(['-', ':', '—', '–'])
        .trim();
    Some((name.to_owned(), text.to_owned()))
}
