//! The host functions a run may call: flat tools and namespaced capability methods.

use crate::identifier;
use crate::tool_error::ToolError;
use crate::value::Value;
use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// The future a host function returns.
pub type HostFuture = Pin<Box<dyn Future<Output = Result<Value, ToolError>> + Send + 'static>>;

/// What a host function runs, by what it takes: a [`Value`], or JSON, which the engine
/// then builds directly from the program's arguments.
#[doc(hidden)]
#[derive(Clone)]
pub enum Handler {
    Value(Arc<dyn Fn(Value) -> HostFuture + Send + Sync>),
    Json(Arc<dyn Fn(serde_json::Value) -> HostFuture + Send + Sync>),
}

/// The arguments of one call, as a [`Value`] or as JSON; the function converts them
/// to the form it takes.
#[derive(Debug, Clone, PartialEq)]
pub enum CallArguments {
    /// Arguments that may hold bytes.
    Value(Value),
    /// Arguments as JSON.
    Json(serde_json::Value),
}

impl CallArguments {
    /// The arguments as a [`Value`], to show them (to an approver, say).
    pub(crate) fn to_value(&self) -> Value {
        match self {
            CallArguments::Value(args) => args.clone(),
            CallArguments::Json(args) => Value::from(args.clone()),
        }
    }
}

impl From<Value> for CallArguments {
    fn from(args: Value) -> Self {
        CallArguments::Value(args)
    }
}

impl From<serde_json::Value> for CallArguments {
    fn from(args: serde_json::Value) -> Self {
        CallArguments::Json(args)
    }
}

/// What a closure given to [`HostFunction::new`] takes as its keyword-arguments object:
/// a [`Value`], in which bytes are [`Value::Bytes`], or a `serde_json::Value`, in which
/// they are base64 strings.
pub trait HostArguments: Sized + Send + 'static + sealed::Sealed {
    #[doc(hidden)]
    fn handler(call: impl Fn(Self) -> HostFuture + Send + Sync + 'static) -> Handler;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for crate::value::Value {}
    impl Sealed for serde_json::Value {}
}

impl HostArguments for Value {
    fn handler(call: impl Fn(Self) -> HostFuture + Send + Sync + 'static) -> Handler {
        Handler::Value(Arc::new(call))
    }
}

impl HostArguments for serde_json::Value {
    fn handler(call: impl Fn(Self) -> HostFuture + Send + Sync + 'static) -> Handler {
        Handler::Json(Arc::new(call))
    }
}

/// What a host function is: its name, where it lives and what it accepts and returns.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionSpec {
    /// The function's own name (`add`, or `current` in `weather.current`).
    pub name: String,
    /// The namespace of a capability method, `None` for a flat tool.
    pub namespace: Option<String>,
    /// What the function does, shown to the model.
    pub description: String,
    /// JSON Schema of the keyword-arguments object.
    pub input_schema: serde_json::Value,
    /// JSON Schema of the result.
    pub output_schema: serde_json::Value,
    /// Whether each call needs a person's approval before it runs (see
    /// [`RunBuilder::approver`](crate::RunBuilder::approver)).
    pub requires_approval: bool,
}

impl FunctionSpec {
    /// The name JavaScript calls it by after `codemode.`: `add` or `weather.current`.
    pub fn path(&self) -> String {
        match &self.namespace {
            Some(namespace) => format!("{namespace}.{}", self.name),
            None => self.name.clone(),
        }
    }
}

/// A host function: an async function from an object of keyword arguments to a
/// [`Value`], with the metadata the model sees.
#[derive(Clone)]
pub struct HostFunction {
    spec: Arc<FunctionSpec>,
    handler: Handler,
}

impl HostFunction {
    /// A flat tool called `name` that runs `handler` with the keyword-arguments object.
    ///
    /// The handler takes a [`Value`], which holds bytes as they are, or a
    /// `serde_json::Value`, in which bytes are base64 strings; it returns either (or
    /// anything else that converts into a [`Value`]). Annotate the closure's parameter
    /// so the compiler knows which.
    ///
    /// ```
    /// use codemode::{HostFunction, ToolError};
    /// use serde_json::{json, Value};
    ///
    /// let double = HostFunction::new("double", |args: Value| async move {
    ///     let n = args["n"].as_i64().ok_or_else(|| ToolError::new("double: `n` must be an integer"))?;
    ///     Ok(json!(n * 2))
    /// });
    /// assert_eq!(double.spec().path(), "double");
    ///
    /// let size = HostFunction::new("size", |args: codemode::Value| async move {
    ///     let data = args["data"].as_bytes().ok_or_else(|| ToolError::new("size: `data` must be a Uint8Array"))?;
    ///     Ok(data.len())
    /// });
    /// assert_eq!(size.spec().path(), "size");
    /// ```
    pub fn new<F, A, Fut, R>(name: impl Into<String>, handler: F) -> Self
    where
        F: Fn(A) -> Fut + Send + Sync + 'static,
        A: HostArguments,
        Fut: Future<Output = Result<R, ToolError>> + Send + 'static,
        R: Into<Value>,
    {
        Self::from_handler(
            name,
            A::handler(move |args: A| -> HostFuture {
                let answer = handler(args);
                Box::pin(async move { answer.await.map(Into::into) })
            }),
        )
    }

    /// A flat tool called `name` that runs `handler` as it is, as the macros' do.
    pub(crate) fn from_handler(name: impl Into<String>, handler: Handler) -> Self {
        Self {
            spec: Arc::new(FunctionSpec {
                name: name.into(),
                namespace: None,
                description: String::new(),
                input_schema: serde_json::json!({ "type": "object" }),
                output_schema: serde_json::json!({}),
                requires_approval: false,
            }),
            handler,
        }
    }

    /// Places the function in `namespace`, reachable as `codemode.<namespace>.<name>`.
    pub fn in_namespace(mut self, namespace: impl Into<String>) -> Self {
        Arc::make_mut(&mut self.spec).namespace = Some(namespace.into());
        self
    }

    /// Sets the description the model sees.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        Arc::make_mut(&mut self.spec).description = description.into();
        self
    }

    /// Sets the JSON Schema of the keyword-arguments object.
    pub fn with_input_schema(mut self, schema: serde_json::Value) -> Self {
        Arc::make_mut(&mut self.spec).input_schema = schema;
        self
    }

    /// Sets the JSON Schema of the result.
    pub fn with_output_schema(mut self, schema: serde_json::Value) -> Self {
        Arc::make_mut(&mut self.spec).output_schema = schema;
        self
    }

    /// Makes every call to the function wait for a person's approval before it runs:
    /// the run's approver is asked (see [`RunBuilder::approver`](crate::RunBuilder::approver));
    /// a run without one refuses the call.
    ///
    /// ```
    /// use codemode::HostFunction;
    /// use serde_json::Value;
    ///
    /// let remove = HostFunction::new("remove", |_args: Value| async move { Ok(Value::Null) })
    ///     .require_approval();
    /// assert!(remove.spec().requires_approval);
    /// ```
    pub fn require_approval(mut self) -> Self {
        Arc::make_mut(&mut self.spec).requires_approval = true;
        self
    }

    /// The function's metadata.
    pub fn spec(&self) -> &FunctionSpec {
        &self.spec
    }

    /// The metadata, shared.
    pub(crate) fn shared_spec(&self) -> Arc<FunctionSpec> {
        Arc::clone(&self.spec)
    }

    /// Calls the function with a keyword-arguments object: a [`Value`] or a
    /// `serde_json::Value`, each passed on as it is when the function takes that form.
    pub fn call(&self, args: impl Into<CallArguments>) -> HostFuture {
        self.call_with(args.into())
    }

    /// Whether it takes JSON, so that its arguments are best built as JSON.
    pub(crate) fn takes_json(&self) -> bool {
        matches!(self.handler, Handler::Json(_))
    }

    /// Calls the function with arguments in either form, converting them if needed.
    pub(crate) fn call_with(&self, args: CallArguments) -> HostFuture {
        crate::telemetry::count_host_call();
        match (&self.handler, args) {
            (Handler::Value(handler), CallArguments::Value(args)) => handler(args),
            (Handler::Value(handler), CallArguments::Json(args)) => handler(Value::from(args)),
            (Handler::Json(handler), CallArguments::Json(args)) => handler(args),
            (Handler::Json(handler), CallArguments::Value(args)) => {
                handler(serde_json::Value::from(args))
            }
        }
    }
}

impl fmt::Debug for HostFunction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HostFunction")
            .field("spec", &self.spec)
            .finish_non_exhaustive()
    }
}

/// A namespace of host functions that holds its own configuration, such as the
/// allowed folders of a file-system capability. Implemented by
/// `#[codemode::capability]` and by the built-in capabilities.
pub trait Capability: Send + Sync + 'static {
    /// The namespace its methods live in: `codemode.<namespace>.<method>`.
    fn namespace(&self) -> &str;

    /// What the capability offers, shown to the model.
    fn description(&self) -> &str;

    /// What this instance is configured to allow (its folders, keys, hosts...), shown to
    /// the model after the description, in the declarations and in search results, so
    /// that its first call can be right. `None` by default; `#[codemode::capability]`
    /// returns the text of the method marked `#[codemode(describe)]`.
    fn instance_description(&self) -> Option<String> {
        None
    }

    /// Its methods, each bound to this instance.
    fn functions(self: Arc<Self>) -> Vec<HostFunction>;
}

/// Why a registration was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// Two functions would be reachable under the same name.
    #[error("`codemode.{path}` is registered twice; rename one of them")]
    Duplicate {
        /// The name both would have.
        path: String,
    },
    /// A tool's name equals a namespace, so `codemode.<name>` would mean both.
    #[error("tool `{name}` clashes with namespace `{name}`: `codemode.{name}` cannot be both; rename one of them")]
    ToolNamespaceClash {
        /// The shared name.
        name: String,
    },
    /// A name is not something JavaScript can write after `codemode.`.
    #[error("cannot register `{path}`: {reason}")]
    InvalidName {
        /// The full name that was refused.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An approval pattern is not a function's path, `namespace.*` or `*`.
    #[error("`{pattern}` is not a function to require approval for: {reason}")]
    InvalidPattern {
        /// The pattern as given.
        pattern: String,
        /// What is wrong with it.
        reason: String,
    },
}

#[derive(Default, Clone)]
struct Entries {
    functions: BTreeMap<String, HostFunction>,
    /// Each namespace with its description, the instance's own text included.
    namespaces: BTreeMap<String, String>,
    /// Per namespace, the function that answers calls to names it does not hold.
    fallbacks: BTreeMap<String, HostFunction>,
    /// The instance descriptions of the namespaces that have one.
    instances: BTreeMap<String, String>,
    /// What needs approval, also among functions registered later.
    approvals: Vec<ApprovalPattern>,
}

/// The set of host functions runs may call. Cheap to clone: clones share the
/// functions, and a registration after cloning affects only the registry it is made on.
#[derive(Default, Clone)]
pub struct Registry {
    entries: Arc<Entries>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// A registry holding every `#[codemode::tool]` function linked into the binary.
    pub fn with_collected_tools() -> Result<Self, RegistryError> {
        let mut tools: Vec<HostFunction> = crate::collected::tools().collect();
        tools.sort_by(|a, b| a.spec().name.cmp(&b.spec().name));
        let mut registry = Self::new();
        for tool in tools {
            registry.register(tool)?;
        }
        Ok(registry)
    }

    /// Adds a host function, refusing invalid names, duplicates and tool/namespace clashes.
    pub fn register(&mut self, function: HostFunction) -> Result<&mut Self, RegistryError> {
        let spec = function.spec();
        let path = spec.path();
        let invalid = |reason| RegistryError::InvalidName {
            path: path.clone(),
            reason,
        };
        identifier::check(&spec.name).map_err(invalid)?;
        if let Some(namespace) = &spec.namespace {
            identifier::check(namespace).map_err(invalid)?;
            if self.entries.functions.contains_key(namespace) {
                return Err(RegistryError::ToolNamespaceClash {
                    name: namespace.clone(),
                });
            }
        } else if self.is_namespace(&spec.name) {
            return Err(RegistryError::ToolNamespaceClash {
                name: spec.name.clone(),
            });
        }
        if self.entries.functions.contains_key(&path) {
            return Err(RegistryError::Duplicate { path });
        }
        let function = if self.entries.approvals.iter().any(|p| p.matches(spec)) {
            function.require_approval()
        } else {
            function
        };
        let entries = Arc::make_mut(&mut self.entries);
        if let Some(namespace) = &function.spec().namespace {
            entries.namespaces.entry(namespace.clone()).or_default();
        }
        entries.functions.insert(path, function);
        Ok(self)
    }

    /// Makes the functions `pattern` names wait for a person's approval before each
    /// call, like [`HostFunction::require_approval`]: a path (`add`, `fs.write`), every
    /// function of a namespace (`fs.*`), or every function (`*`). It also holds for
    /// functions registered later, such as an upstream's tools after they change.
    ///
    /// ```
    /// let mut registry = codemode::Registry::new();
    /// registry.capability(codemode::FsCapability::new(["./notes"]))?;
    /// registry.require_approval("fs.write")?;
    /// assert!(registry.get("fs.write").is_some_and(|f| f.spec().requires_approval));
    /// assert!(!registry.get("fs.read").is_some_and(|f| f.spec().requires_approval));
    /// # Ok::<(), codemode::RegistryError>(())
    /// ```
    pub fn require_approval(&mut self, pattern: &str) -> Result<&mut Self, RegistryError> {
        let pattern = ApprovalPattern::parse(pattern)?;
        let entries = Arc::make_mut(&mut self.entries);
        for function in entries.functions.values_mut() {
            if pattern.matches(function.spec()) && !function.spec().requires_approval {
                *function = function.clone().require_approval();
            }
        }
        entries.approvals.push(pattern);
        Ok(self)
    }

    /// Adds every method of a capability under its namespace, with its description
    /// followed by what the instance allows. Nothing is added when the namespace exists
    /// already or any method is refused.
    pub fn capability<C: Capability>(&mut self, capability: C) -> Result<&mut Self, RegistryError> {
        let capability = Arc::new(capability);
        let namespace = capability.namespace().to_owned();
        if self.is_namespace(&namespace) {
            return Err(RegistryError::Duplicate { path: namespace });
        }
        let instance = capability
            .instance_description()
            .map(|text| text.trim().to_owned())
            .filter(|text| !text.is_empty());
        let description = match (capability.description().trim(), &instance) {
            (general, Some(instance)) if !general.is_empty() => format!("{general}\n{instance}"),
            (_, Some(instance)) => instance.clone(),
            (general, None) => general.to_owned(),
        };
        let mut staged = self.clone();
        for function in capability.functions() {
            staged.register(function.in_namespace(namespace.clone()))?;
        }
        let entries = Arc::make_mut(&mut staged.entries);
        entries.namespaces.insert(namespace.clone(), description);
        if let Some(instance) = instance {
            entries.instances.insert(namespace, instance);
        }
        *self = staged;
        Ok(self)
    }

    /// The function JavaScript reaches as `codemode.<path>`.
    pub fn get(&self, path: &str) -> Option<&HostFunction> {
        self.entries.functions.get(path).or_else(|| {
            let (namespace, _) = path.split_once('.')?;
            self.entries.fallbacks.get(namespace)
        })
    }

    /// Makes `function` answer every call into `namespace` that no registered
    /// function takes, such as the calls into an upstream that is down.
    #[cfg(feature = "mcp")]
    pub(crate) fn fallback(&mut self, namespace: &str, function: HostFunction) {
        Arc::make_mut(&mut self.entries)
            .fallbacks
            .insert(namespace.to_owned(), function.in_namespace(namespace));
    }

    /// Every function, sorted by path.
    pub fn functions(&self) -> impl Iterator<Item = &HostFunction> {
        self.entries.functions.values()
    }

    /// Every namespace with its description (what the instance allows included), sorted
    /// by name.
    pub fn namespaces(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries
            .namespaces
            .iter()
            .map(|(name, description)| (name.as_str(), description.as_str()))
    }

    /// What the instance behind `namespace` allows, if it said.
    pub(crate) fn instance_description(&self, namespace: &str) -> Option<&str> {
        self.entries.instances.get(namespace).map(String::as_str)
    }

    /// Whether `name` is a namespace.
    pub fn is_namespace(&self, name: &str) -> bool {
        self.entries.namespaces.contains_key(name)
    }

    /// Whether the registry holds no functions.
    pub fn is_empty(&self) -> bool {
        self.entries.functions.is_empty()
    }

    /// Every callable path, sorted.
    pub(crate) fn paths(&self) -> impl Iterator<Item = &str> {
        self.entries.functions.keys().map(String::as_str)
    }

    /// A comma-separated list of every callable path, for error messages.
    pub(crate) fn available(&self) -> String {
        if self.is_empty() {
            return "none (no host functions are registered)".to_owned();
        }
        self.paths().collect::<Vec<_>>().join(", ")
    }
}

/// Which functions need approval: see [`Registry::require_approval`].
#[derive(Debug, Clone, PartialEq, Eq)]
enum ApprovalPattern {
    /// `*`: every function.
    All,
    /// `namespace.*`.
    Namespace(String),
    /// `name` or `namespace.name`.
    Path(String),
}

impl ApprovalPattern {
    fn parse(pattern: &str) -> Result<Self, RegistryError> {
        let invalid = |reason: String| RegistryError::InvalidPattern {
            pattern: pattern.to_owned(),
            reason,
        };
        if pattern == "*" {
            return Ok(Self::All);
        }
        let parts: Vec<&str> = pattern.split('.').collect();
        let (namespace, name) =
            match parts.as_slice() {
                [name] => (None, *name),
                [namespace, name] => (Some(*namespace), *name),
                _ => return Err(invalid(
                    "write a function (`add`, `fs.write`), a namespace's functions (`fs.*`) or `*`"
                        .to_owned(),
                )),
            };
        if let Some(namespace) = namespace {
            identifier::check(namespace).map_err(invalid)?;
        }
        match (namespace, name) {
            (Some(namespace), "*") => Ok(Self::Namespace(namespace.to_owned())),
            _ => {
                identifier::check(name).map_err(invalid)?;
                Ok(Self::Path(pattern.to_owned()))
            }
        }
    }

    fn matches(&self, spec: &FunctionSpec) -> bool {
        match self {
            Self::All => true,
            Self::Namespace(namespace) => spec.namespace.as_deref() == Some(namespace),
            Self::Path(path) => spec.path() == *path,
        }
    }
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registry")
            .field(
                "functions",
                &self.entries.functions.keys().collect::<Vec<_>>(),
            )
            .field(
                "namespaces",
                &self.entries.namespaces.keys().collect::<Vec<_>>(),
            )
            .finish()
    }
}
