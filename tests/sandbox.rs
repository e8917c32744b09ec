//! Inside the sandbox there is ECMAScript, `codemode`, `console` and timers, nothing else.

mod common;

use codemode::Executor;
use common::{ok, registry, run};
use serde_json::json;

#[tokio::test]
async fn host_objects_are_absent() {
    let code = "return ['require', 'process', 'Deno', 'fetch', 'std', 'os', 'module', 'exports', 'XMLHttpRequest', 'WebAssembly'].filter(n => typeof globalThis[n] !== 'undefined')";
    assert_eq!(ok(&run(code).await), &json!([]));
}

#[tokio::test]
async fn dynamic_import_fails() {
    let code = "try { await import('fs'); return 'imported' } catch (e) { return 'refused' }";
    assert_eq!(ok(&run(code).await), &json!("refused"));
}

#[tokio::test]
async fn the_promised_globals_are_present() {
    let code = "return [typeof codemode, typeof console.log, typeof setTimeout, typeof clearTimeout, typeof JSON.parse, typeof Promise.all]";
    assert_eq!(
        ok(&run(code).await),
        &json!(["function", "function", "function", "function", "function", "function"])
    );
}

#[tokio::test]
async fn function_constructor_reaches_only_the_sandbox() {
    let code = "return Function('return typeof process + typeof require')()";
    assert_eq!(ok(&run(code).await), &json!("undefinedundefined"));
}

#[tokio::test]
async fn overriding_builtins_does_not_break_the_harness() {
    let code = r#"
JSON.stringify = () => { throw new Error('hijacked') };
Array.prototype.push = () => { throw new Error('hijacked') };
Object.defineProperty(Object.prototype, 'then', { get() { throw new Error('hijacked') }, configurable: true });
console.log({ a: 1 });
const x = await codemode.add({ a: 1, b: 2 });
delete Object.prototype.then;
return { x };
"#;
    let outcome = run(code).await;
    assert_eq!(ok(&outcome), &json!({ "x": 3 }));
    assert_eq!(outcome.logs, vec!["{a: 1}"]);
}

#[tokio::test]
async fn unicode_survives_the_round_trip() {
    let code =
        "const r = await codemode.echo({ s: 'héllo 🌍 \\u0000 end' }); console.log(r.s); return r";
    let outcome = run(code).await;
    assert_eq!(ok(&outcome), &json!({ "s": "héllo 🌍 \u{0} end" }));
    assert_eq!(outcome.logs, vec!["héllo 🌍 \u{0} end"]);
}

#[tokio::test]
async fn each_run_starts_from_a_fresh_sandbox() {
    let executor = Executor::default();
    let registry = registry();
    let pollute = "globalThis.leaked = 1; Object.prototype.polluted = 1; Array.prototype.map = null; \
                   Math.random = () => 4; setTimeout(() => console.log('late'), 0); return 'polluted'";
    let check = "return [typeof leaked, typeof ({}).polluted, typeof [].map, Math.random() === 4]";
    for _ in 0..20 {
        assert_eq!(
            ok(&executor.execute(pollute, &registry).await),
            &json!("polluted")
        );
        let outcome = executor.execute(check, &registry).await;
        assert_eq!(
            ok(&outcome),
            &json!(["undefined", "undefined", "function", false])
        );
        assert!(outcome.logs.is_empty(), "{:?}", outcome.logs);
    }
}

#[tokio::test]
async fn the_harness_source_is_not_readable() {
    let code = "return [String(console.log), String(setTimeout), String(clearTimeout)].filter(text => text.includes('host'))";
    assert_eq!(ok(&run(code).await), &json!([]));
}
