//! `#[codemode::tool]` and `#[codemode::capability]` used as a user would.

use codemode::{Args, ErrorKind, Executor, Registry, ToolError};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Add two numbers.
///
/// # Arguments
///
/// * `a` - The first addend.
/// * `b` - The second addend.
#[codemode::tool]
async fn add(a: i64, b: i64) -> i64 {
    a + b
}

/// Greets someone, politely if asked.
#[codemode::tool]
fn greet(name: String, polite: Option<bool>) -> String {
    if polite.unwrap_or(false) {
        format!("Good day, {name}.")
    } else {
        format!("hi {name}")
    }
}

/// Divides, refusing zero.
#[codemode::tool(name = "divide")]
async fn checked_divide(numerator: f64, denominator: f64) -> Result<f64, ToolError> {
    if denominator == 0.0 {
        return Err(ToolError::new("cannot divide by zero"));
    }
    Ok(numerator / denominator)
}

/// Records nothing.
#[codemode::tool]
async fn noop() {}

/// A search query.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
struct Query {
    /// Words to look for.
    text: String,
    /// At most this many hits.
    limit: Option<usize>,
}

/// One hit.
#[derive(Debug, Serialize, schemars::JsonSchema)]
struct Hit {
    title: String,
    score: f64,
}

/// Searches the catalogue.
#[codemode::tool]
async fn find(Args(query): Args<Query>) -> Vec<Hit> {
    (0..query.limit.unwrap_or(2))
        .map(|i| Hit {
            title: format!("{} #{i}", query.text),
            score: 1.0 / (i as f64 + 1.0),
        })
        .collect()
}

/// Weather for a fixed set of cities.
pub struct Weather {
    offset: f64,
}

/// Weather for a fixed set of cities.
#[codemode::capability(namespace = "weather")]
impl Weather {
    /// Current temperature in degrees Celsius.
    ///
    /// # Arguments
    ///
    /// * `city` - City name, e.g. "Paris".
    async fn current(&self, city: String) -> Result<f64, ToolError> {
        match city.as_str() {
            "Paris" => Ok(18.5 + self.offset),
            "Oslo" => Ok(4.0 + self.offset),
            other => Err(ToolError::new(format!("unknown city: {other}"))),
        }
    }

    /// Known cities.
    #[codemode(name = "cities")]
    async fn list_cities(&self) -> Vec<String> {
        vec!["Paris".into(), "Oslo".into()]
    }

    /// Not exposed.
    #[codemode(skip)]
    async fn secret(&self) -> String {
        "hidden".into()
    }

    fn helper(&self) -> f64 {
        self.offset
    }
}

fn registry() -> Registry {
    let mut registry = Registry::with_collected_tools().expect("unique tool names");
    registry
        .capability(Weather { offset: 0.5 })
        .expect("a unique namespace");
    registry
}

async fn run(code: &str) -> codemode::Outcome {
    Executor::default().execute(code, &registry()).await
}

#[tokio::test]
async fn tools_are_collected_without_a_list() {
    let registry = registry();
    let names: Vec<String> = registry.functions().map(|f| f.spec().path()).collect();
    assert_eq!(
        names,
        vec![
            "add",
            "divide",
            "find",
            "greet",
            "noop",
            "weather.cities",
            "weather.current"
        ]
    );
}

#[tokio::test]
async fn design_examples_run_through_the_executor() {
    let outcome = run("const s = await codemode.add({ a: 1, b: 2 });\nconst t = await codemode.weather.current({ city: 'Paris' });\nreturn { s, t };").await;
    assert_eq!(outcome.result, json!({ "s": 3, "t": 19 }), "{outcome:?}");
}

#[tokio::test]
async fn optional_parameters_may_be_omitted() {
    assert_eq!(
        run("codemode.greet({ name: 'Ada' })").await.result,
        json!("hi Ada")
    );
    assert_eq!(
        run("codemode.greet({ name: 'Ada', polite: true })")
            .await
            .result,
        json!("Good day, Ada.")
    );
}

#[tokio::test]
async fn renamed_tools_and_methods_use_their_javascript_names() {
    assert_eq!(
        run("codemode.divide({ numerator: 9, denominator: 2 })")
            .await
            .result,
        json!(4.5)
    );
    assert_eq!(
        run("codemode.weather.cities()").await.result,
        json!(["Paris", "Oslo"])
    );
    let outcome = run("codemode.checked_divide({ numerator: 1, denominator: 1 })").await;
    assert_eq!(outcome.error.expect("unknown").kind, ErrorKind::UnknownTool);
    let outcome = run("codemode.weather.secret()").await;
    assert_eq!(outcome.error.expect("skipped").kind, ErrorKind::UnknownTool);
}

#[tokio::test]
async fn errors_become_javascript_errors() {
    let code = "try { await codemode.divide({ numerator: 1, denominator: 0 }) } catch (e) { return e.message }";
    assert_eq!(run(code).await.result, json!("cannot divide by zero"));
    let code = "try { await codemode.weather.current({ city: 'Atlantis' }) } catch (e) { return e.message }";
    assert_eq!(run(code).await.result, json!("unknown city: Atlantis"));
}

#[tokio::test]
async fn unit_results_are_null() {
    assert_eq!(run("codemode.noop()").await.result, json!(null));
}

#[tokio::test]
async fn whole_struct_arguments_decode() {
    let outcome = run("codemode.find({ text: 'rust', limit: 1 })").await;
    assert_eq!(outcome.result, json!([{ "title": "rust #0", "score": 1 }]));
}

#[tokio::test]
async fn bad_arguments_name_the_function_parameter_and_expectation() {
    for (call, message) in [
        (
            "codemode.add({ a: 'x', b: 1 })",
            "add: invalid type for `a`: expected an integer, got a string",
        ),
        (
            "codemode.add({ a: 1 })",
            "add: missing required argument `b`",
        ),
        (
            "codemode.add({ a: 1, b: 2, c: 3 })",
            "add: unknown argument `c`; expected `a`, `b`",
        ),
        (
            "codemode.greet({ name: 5 })",
            "greet: invalid type for `name`: expected a string, got an integer",
        ),
        (
            "codemode.weather.current({})",
            "weather.current: missing required argument `city`",
        ),
        (
            "codemode.find({ limit: 2 })",
            "find: missing required field `text` in `.`",
        ),
        (
            "codemode.find({ text: 'a', limit: -1 })",
            "find: invalid value for `limit`: expected usize, got integer `-1`",
        ),
        (
            "codemode.noop({ extra: 1 })",
            "noop: unknown argument `extra`; it takes no arguments",
        ),
    ] {
        let code = format!("try {{ await {call} }} catch (e) {{ return e.message }}");
        assert_eq!(run(&code).await.result, json!(message), "{call}");
    }
}

#[test]
fn tools_stay_callable_from_rust() {
    assert_eq!(greet("Bob".into(), None), "hi Bob");
    let weather = Weather { offset: 1.0 };
    assert_eq!(weather.helper(), 1.0);
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    assert_eq!(rt.block_on(add(2, 2)), 4);
    assert_eq!(rt.block_on(weather.secret()), "hidden");
}

#[test]
fn descriptions_and_schemas_come_from_the_signature() {
    let registry = registry();
    let add = registry.get("add").expect("add").spec();
    assert_eq!(add.description, "Add two numbers.");
    assert_eq!(
        add.input_schema,
        json!({
            "type": "object",
            "properties": {
                "a": { "type": "integer", "format": "int64", "description": "The first addend." },
                "b": { "type": "integer", "format": "int64", "description": "The second addend." }
            },
            "required": ["a", "b"],
            "additionalProperties": false
        })
    );
    let greet = registry.get("greet").expect("greet").spec();
    assert_eq!(greet.input_schema["required"], json!(["name"]));
    let current = registry.get("weather.current").expect("current").spec();
    assert_eq!(
        current.input_schema["properties"]["city"]["description"],
        json!("City name, e.g. \"Paris\".")
    );
    assert_eq!(
        registry.namespaces().collect::<Vec<_>>(),
        vec![("weather", "Weather for a fixed set of cities.")]
    );
}
