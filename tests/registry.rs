//! Registration rules: names, duplicates, clashes, capabilities.

use codemode::{Capability, HostFunction, Registry, RegistryError};
use serde_json::{json, Value};
use std::sync::Arc;

fn noop(name: &str) -> HostFunction {
    HostFunction::new(name, |_: Value| async move { Ok(json!(null)) })
}

struct Weather {
    unit: &'static str,
}

impl Capability for Weather {
    fn namespace(&self) -> &str {
        "weather"
    }
    fn description(&self) -> &str {
        "Weather for a fixed set of cities."
    }
    fn functions(self: Arc<Self>) -> Vec<HostFunction> {
        let this = Arc::clone(&self);
        vec![HostFunction::new("unit", move |_: Value| {
            let this = Arc::clone(&this);
            async move { Ok(json!(this.unit)) }
        })]
    }
}

#[test]
fn duplicates_are_refused_naming_the_function() {
    let mut registry = Registry::new();
    registry.register(noop("add")).expect("first");
    assert_eq!(
        registry.register(noop("add")).map(|_| ()),
        Err(RegistryError::Duplicate { path: "add".into() })
    );
    let message = registry
        .register(noop("add"))
        .map(|_| ())
        .expect_err("duplicate")
        .to_string();
    assert_eq!(
        message,
        "`codemode.add` is registered twice; rename one of them"
    );
}

#[test]
fn a_tool_named_like_a_namespace_is_refused_either_way() {
    let mut registry = Registry::new();
    registry
        .capability(Weather { unit: "C" })
        .expect("capability");
    assert_eq!(
        registry.register(noop("weather")).map(|_| ()),
        Err(RegistryError::ToolNamespaceClash {
            name: "weather".into()
        })
    );
    let mut registry = Registry::new();
    registry.register(noop("weather")).expect("tool");
    assert_eq!(
        registry.capability(Weather { unit: "C" }).map(|_| ()),
        Err(RegistryError::ToolNamespaceClash {
            name: "weather".into()
        })
    );
    assert!(
        !registry.is_namespace("weather"),
        "a refused capability leaves nothing behind"
    );
}

#[test]
fn names_must_be_javascript_identifiers() {
    for (name, hint) in [
        ("", "empty"),
        ("1abc", "must start with"),
        ("with-dash", "`-` is not allowed"),
        ("class", "reserved word"),
        ("then", "reserved word"),
    ] {
        let error = Registry::new()
            .register(noop(name))
            .map(|_| ())
            .expect_err(name)
            .to_string();
        assert!(error.contains(hint), "{name}: {error}");
    }
}

#[test]
fn names_codemode_objects_keep_for_themselves_are_refused() {
    for (name, why) in [
        ("toJSON", "`JSON.stringify` would call it"),
        ("then", "`await` would take codemode objects for promises"),
    ] {
        for function in [noop(name), noop("get").in_namespace(name)] {
            let path = function.spec().path();
            let error = Registry::new()
                .register(function)
                .map(|_| ())
                .expect_err(&path);
            let RegistryError::InvalidName { reason, .. } = &error else {
                panic!("{path}: {error:?}")
            };
            assert!(reason.contains(why), "{path}: {reason}");
        }
    }
}

#[test]
fn capabilities_register_their_methods_under_the_namespace() {
    let mut registry = Registry::new();
    registry
        .capability(Weather { unit: "C" })
        .expect("capability");
    assert!(registry.get("weather.unit").is_some());
    assert_eq!(
        registry.namespaces().collect::<Vec<_>>(),
        vec![("weather", "Weather for a fixed set of cities.")]
    );
}

#[tokio::test]
async fn capability_methods_use_their_instance() {
    let mut registry = Registry::new();
    registry
        .capability(Weather { unit: "F" })
        .expect("capability");
    let outcome = codemode::Executor::default()
        .execute("codemode.weather.unit()", &registry)
        .await;
    assert_eq!(outcome.result, json!("F"));
}

#[test]
fn clones_are_independent_after_registration() {
    let mut first = Registry::new();
    first.register(noop("a")).expect("a");
    let mut second = first.clone();
    second.register(noop("b")).expect("b");
    assert!(first.get("b").is_none());
    assert!(second.get("a").is_some());
}
