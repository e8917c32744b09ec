//! An upstream's tools as host functions in its namespace, so that the executor,
//! TypeScript and search treat them like Rust tools.

use super::connection::Upstream;
use super::naming;
use super::schema::ArgumentCheck;
use super::UpstreamError;
use crate::registry::{Capability, HostFunction};
use crate::tool_error::ToolError;
use serde_json::{json, Value};
use std::sync::Arc;

/// The namespace of one upstream: its description and its functions.
pub(crate) struct UpstreamNamespace {
    namespace: String,
    description: String,
    functions: Vec<HostFunction>,
}

impl Capability for UpstreamNamespace {
    fn namespace(&self) -> &str {
        &self.namespace
    }

    fn description(&self) -> &str {
        &self.description
    }

    fn functions(self: Arc<Self>) -> Vec<HostFunction> {
        self.functions.clone()
    }
}

/// The functions `upstream` offers now. With `strict`, two tools that map to one
/// JavaScript name are an error; otherwise both are left out with a warning. An
/// upstream that is down gives an empty namespace whose description says why.
pub(crate) fn build(
    upstream: &Arc<Upstream>,
    strict: bool,
) -> Result<UpstreamNamespace, UpstreamError> {
    let namespace = upstream.namespace().to_owned();
    let listing = match upstream.listing() {
        Ok(listing) => listing,
        Err(reason) => {
            return Ok(UpstreamNamespace {
                namespace,
                description: format!("Unavailable: {reason}"),
                functions: Vec::new(),
            })
        }
    };
    let mut names: Vec<(String, &str)> = Vec::new();
    for tool in &listing.tools {
        let raw = tool.name.as_ref();
        let js = naming::js_name(raw);
        if let Some((_, first)) = names.iter().find(|(taken, _)| *taken == js) {
            let error = UpstreamError::ToolClash {
                server: upstream.name().to_owned(),
                first: (*first).to_owned(),
                second: raw.to_owned(),
                name: js.clone(),
            };
            if strict {
                return Err(error);
            }
            tracing::warn!("{error}; both are left out");
            let first = (*first).to_owned();
            names.retain(|(_, taken)| *taken != first);
            continue;
        }
        names.push((js, raw));
    }
    let functions = names
        .into_iter()
        .filter_map(|(js, raw)| {
            let tool = listing.tools.iter().find(|tool| tool.name == raw)?;
            Some(function(upstream, &namespace, js, tool))
        })
        .collect();
    Ok(UpstreamNamespace {
        namespace,
        description: listing.description.clone(),
        functions,
    })
}

fn function(
    upstream: &Arc<Upstream>,
    namespace: &str,
    js: String,
    tool: &rmcp::model::Tool,
) -> HostFunction {
    let path = format!("{namespace}.{js}");
    let input = Value::Object((*tool.input_schema).clone());
    let output = tool
        .output_schema
        .as_ref()
        .map_or_else(|| json!({}), |schema| Value::Object((**schema).clone()));
    let description = tool
        .description
        .as_deref()
        .or(tool.title.as_deref())
        .unwrap_or("")
        .to_owned();
    let check = Arc::new(ArgumentCheck::new(path.clone(), Arc::new(input.clone())));
    let upstream = Arc::clone(upstream);
    let raw = Arc::<str>::from(tool.name.as_ref());
    let path = Arc::<str>::from(path);
    // MCP arguments are JSON: taking them as JSON turns bytes into base64 strings.
    HostFunction::new(js, move |args: Value| {
        let upstream = Arc::clone(&upstream);
        let check = Arc::clone(&check);
        let raw = Arc::clone(&raw);
        let path = Arc::clone(&path);
        async move {
            check.check(&args).map_err(ToolError::new)?;
            upstream
                .call(&raw, &path, args)
                .await
                .map_err(ToolError::new)
        }
    })
    .with_description(description)
    .with_input_schema(input)
    .with_output_schema(output)
}

/// The function that answers every call into the namespace of an upstream that is
/// down: it fails with the reason and starts the upstream again in the background.
pub(crate) fn unavailable(upstream: &Arc<Upstream>) -> HostFunction {
    let upstream = Arc::clone(upstream);
    HostFunction::new("*", move |_args: crate::value::Value| {
        let upstream = Arc::clone(&upstream);
        async move {
            let reason = match upstream.listing() {
                Err(reason) => reason,
                Ok(_) => format!("upstream `{}` is not available", upstream.name()),
            };
            tokio::spawn(async move {
                let _ = upstream.start().await;
            });
            Err::<(), _>(ToolError::new(format!(
                "{reason}; codemode is starting it again, and its functions appear once it is up"
            )))
        }
    })
}
