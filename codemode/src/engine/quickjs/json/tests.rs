//! Differential tests: each input goes through the Rust functions and through the
//! engine's own, kept as `engine.stringify` and `engine.parse`, on two copies built the
//! same way. Results, thrown errors (name and message) and the trace of the program's
//! code that ran (getters, `toJSON`, proxy traps) must be identical, except that
//! `JSON.stringify` may reach the stack limit sooner on values nested more than
//! `DEEPEST_MATCHED` levels deep.

use rquickjs::{Context, Runtime};

/// Builds values from a seed, calls both implementations and reports the differences.
pub(super) const HARNESS: &str = r#"
// Levels of nesting up to which the Rust walk must reach the stack limit exactly where
// the engine does. Its frames are larger than the engine's (several times so in
// unoptimised builds), so beyond this it may throw the engine's stack overflow error
// for a value the engine still writes.
const DEEPEST_MATCHED = 256;
globalThis.trace = [];
function rng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const KEYS = ["a", "b", "name", "0", "1", "10", "2", "-1", "1.5", "4294967294", "4294967295",
  "__proto__", "constructor", "", "é", "\u2028", "😀", "\ud800", "a\udc00b", "\"q\"", "x\ny"];
const STRINGS = ["", "abc", "\"\\\n\t\b\f\r\u0000\u001f\u007f/", "é", "ÿ", "\u2028\u2029", "😀",
  "\ud800", "x\udc00y", "\udc00\ud800", "\ud83d\ude00", "日本語", "a".repeat(300), "\u00e9".repeat(70)];
function primitive(r) {
  const pick = Math.floor(r() * 30);
  switch (pick) {
    case 0: return 0;
    case 1: return -0;
    case 2: return NaN;
    case 3: return Infinity;
    case 4: return -Infinity;
    case 5: return 1e21;
    case 6: return 1e-7;
    case 7: return 2 ** 31;
    case 8: return -(2 ** 31) - 1;
    case 9: return 0.1 + 0.2;
    case 10: return 5e-324;
    case 11: return Number.MAX_VALUE;
    case 12: return (r() - 0.5) * 10 ** Math.floor(r() * 40 - 20);
    case 13: return Math.floor((r() - 0.5) * 2 ** 40);
    case 14: return Math.floor(r() * 1000);
    case 15: return null;
    case 16: return true;
    case 17: return false;
    case 18: return undefined;
    case 19: return STRINGS[Math.floor(r() * STRINGS.length)];
    case 20: return String.fromCharCode(...Array.from({ length: 5 }, () => Math.floor(r() * 0x10000)));
    case 21: return 2 ** 53 + 2;
    case 22: return -1.5e300;
    case 23: return 123.456;
    default: return Math.floor(r() * 100) / 8;
  }
}
function special(r, depth) {
  const pick = Math.floor(r() * 16);
  switch (pick) {
    case 0: return new Date(Math.floor(r() * 1e12));
    case 1: return new Number(primitive(r));
    case 2: return new String(STRINGS[Math.floor(r() * STRINGS.length)]);
    case 3: return new Boolean(r() < 0.5);
    case 4: return function f() {};
    case 5: return Symbol("s");
    case 6: return new Map([[1, 2]]);
    case 7: return new Uint8Array([1, 2, 3]);
    case 8: return JSON.rawJSON(String(Math.floor(r() * 100)));
    case 9: { const inner = value(r, depth + 1); return { toJSON(key) { trace.push("toJSON " + key); return inner; } }; }
    case 10: { const target = value(r, depth + 1); const handler = {
        get(t, k, rcv) { trace.push("get " + String(k)); return Reflect.get(t, k, rcv); },
        ownKeys(t) { trace.push("ownKeys"); return Reflect.ownKeys(t); },
        getOwnPropertyDescriptor(t, k) { trace.push("gopd " + String(k)); return Reflect.getOwnPropertyDescriptor(t, k); },
      };
      return typeof target === "object" && target !== null ? new Proxy(target, handler) : target; }
    case 11: return Object.create(null);
    case 12: { const o = Object.create({ inherited: 1 }); o.own = value(r, depth + 1); return o; }
    case 13: { const a = [1, 2, 3]; a.extra = 4; return a; }
    case 14: return r() < 0.2 ? 10n : 7;
    default: return [, 1, , 2];
  }
}
function value(r, depth) {
  const roll = r();
  if (depth > 4 || roll < 0.4) return primitive(r);
  if (roll < 0.5) return special(r, depth);
  if (roll < 0.75) {
    const length = Math.floor(r() * 6);
    const array = new Array(length);
    for (let i = 0; i < length; i++) if (r() < 0.9) array[i] = value(r, depth + 1);
    return array;
  }
  const object = {};
  const count = Math.floor(r() * 6);
  for (let i = 0; i < count; i++) {
    const key = KEYS[Math.floor(r() * KEYS.length)];
    const item = value(r, depth + 1);
    const kind = r();
    if (kind < 0.1) Object.defineProperty(object, key, { value: item, enumerable: false, configurable: true });
    else if (kind < 0.2) Object.defineProperty(object, key, { get() { trace.push("getter " + key); return item; }, enumerable: true, configurable: true });
    else Object.defineProperty(object, key, { value: item, writable: true, enumerable: true, configurable: true });
  }
  return object;
}
function attempt(f) {
  trace = [];
  try {
    const result = f();
    return { result, trace };
  } catch (error) {
    return { error: String(error && error.name) + ": " + String(error && error.message), trace };
  }
}
function same(a, b) {
  if (typeof a !== typeof b) return false;
  if (a === null || typeof a !== "object") return Object.is(a, b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const keys = Reflect.ownKeys(a);
  const other = Reflect.ownKeys(b);
  if (keys.length !== other.length) return false;
  for (let i = 0; i < keys.length; i++) {
    if (keys[i] !== other[i]) return false;
    const x = Object.getOwnPropertyDescriptor(a, keys[i]);
    const y = Object.getOwnPropertyDescriptor(b, keys[i]);
    if (x.writable !== y.writable || x.enumerable !== y.enumerable || x.configurable !== y.configurable) return false;
    if (!same(x.value, y.value)) return false;
  }
  return true;
}
function sameOutcome(a, b) {
  let sameResult;
  try {
    sameResult = same(a.result, b.result);
  } catch (tooDeep) {
    sameResult = engine.stringify(a.result) === engine.stringify(b.result);
  }
  return a.error === b.error && sameResult && engine.stringify(a.trace) === engine.stringify(b.trace);
}
function show(x) {
  try { return engine.stringify(x); } catch (e) { return String(x); }
}
function nesting(text) {
  let depth = 0, deepest = 0, quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) { if (c === "\\") i++; else if (c === '"') quoted = false; }
    else if (c === '"') quoted = true;
    else if (c === "[" || c === "{") deepest = Math.max(deepest, ++depth);
    else if (c === "]" || c === "}") depth--;
  }
  return deepest;
}
const STACK_OVERFLOW = "RangeError: Maximum call stack size exceeded";
globalThis.compareStringify = (make, spaces) => {
  for (const space of spaces) {
    const ours = attempt(() => JSON.stringify(make(), undefined, space));
    const theirs = attempt(() => engine.stringify(make(), undefined, space));
    const earlierStackLimit = ours.error === STACK_OVERFLOW && theirs.error === undefined
      && typeof theirs.result === "string" && nesting(theirs.result) > DEEPEST_MATCHED;
    if (!earlierStackLimit && !sameOutcome(ours, theirs)) {
      return "space " + show(space) + ": ours " + show(ours) + " engine " + show(theirs);
    }
  }
  return "";
};
globalThis.compareParse = (text) => {
  const ours = attempt(() => JSON.parse(text));
  const theirs = attempt(() => engine.parse(text));
  return sameOutcome(ours, theirs) ? "" : show(text).slice(0, 300) + ": ours " + show(ours).slice(0, 300) + " engine " + show(theirs).slice(0, 300);
};
globalThis.generated = (seed) => value(rng(seed), 0);
"#;

/// Runs `script` in a context with both implementations; it returns a list of
/// differences, which must be empty.
pub(super) fn differences(script: &str) -> Vec<String> {
    let runtime = Runtime::new().expect("a runtime");
    // The sandbox's default stack limit.
    runtime.set_max_stack_size(1024 * 1024);
    let context = Context::full(&runtime).expect("a context");
    context.with(|ctx| {
        ctx.eval::<(), _>("globalThis.engine = { stringify: JSON.stringify, parse: JSON.parse };")
            .expect("the engine's functions are kept");
        super::install(&ctx).expect("installed");
        ctx.eval::<(), _>(HARNESS).expect("the harness loads");
        match ctx.eval::<Vec<String>, _>(script) {
            Ok(found) => found,
            Err(error) => {
                let thrown = ctx.catch();
                vec![format!("the script failed: {error}: {thrown:?}")]
            }
        }
    })
}

pub(super) fn assert_no_differences(script: &str) {
    let found = differences(script);
    assert!(
        found.is_empty(),
        "{} differences, first: {:#?}",
        found.len(),
        &found[..found.len().min(5)]
    );
}

#[test]
fn stringify_matches_the_engine_on_generated_values() {
    assert_no_differences(
        r#"
        const found = [];
        const spaces = [undefined, 2, 0, -3, 12.7, NaN, Infinity, "\t", "", "ab😀cdefghijkl", "123456789😀", null, true, 5n];
        for (let seed = 0; seed < 3000; seed++) {
          const difference = compareStringify(() => generated(seed), seed % 10 === 0 ? spaces : [undefined]);
          if (difference) found.push("seed " + seed + ": " + difference);
        }
        found
        "#,
    );
}

#[test]
fn stringify_runs_the_programs_code_in_the_engines_order() {
    assert_no_differences(
        r#"
        const cases = [
          () => { const o = { a: 1, get b() { trace.push("b"); delete this.c; return 2; }, c: 3, d: 4 }; return o; },
          () => { const o = { get a() { trace.push("a"); this.z = 1; return 1; }, b: 2 }; return o; },
          () => ({ toJSON(key) { trace.push("outer " + key); return { inner: { toJSON(k) { trace.push("inner " + k); return [k]; } } }; } }),
          () => [{ toJSON(key) { trace.push(typeof key + " " + key); return undefined; } }, () => 1, Symbol()],
          () => { BigInt.prototype.toJSON = function (key) { trace.push("bigint " + key); return this.toString(); }; return { n: 5n, m: [6n] }; },
          () => { const n = new Number(1); n.valueOf = () => { trace.push("valueOf"); return 42; }; return [n]; },
          () => { const s = new String("s"); s.toString = () => { trace.push("toString"); return "t"; }; return { s }; },
          () => { const b = new Boolean(true); b.valueOf = () => { trace.push("ignored"); return false; }; return [b]; },
          () => { const target = [1, 2]; return new Proxy(target, { get(t, k) { trace.push("get " + String(k)); return k === "length" ? 3 : t[k]; } }); },
          () => { const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); return { proxy }; },
          () => { const { proxy, revoke } = Proxy.revocable([], {}); revoke(); return [proxy]; },
          () => new Proxy({ a: 1, b: 2 }, { ownKeys() { trace.push("ownKeys"); return ["b", "a", "missing"]; } }),
          () => new Proxy({ a: 1 }, { getOwnPropertyDescriptor(t, k) { trace.push("gopd " + k); throw new Error("trap " + k); } }),
          () => ({ a: { get x() { throw new TypeError("getter threw"); } } }),
          () => ({ toJSON() { throw new RangeError("toJSON threw"); } }),
          () => { Object.prototype.toJSON = function (k) { trace.push("proto " + k); return 1; }; return { a: {} }; },
        ];
        const found = [];
        cases.forEach((make, index) => {
          const difference = compareStringify(make, [undefined, 1]);
          if (difference) found.push("case " + index + ": " + difference);
          delete Object.prototype.toJSON;
          delete BigInt.prototype.toJSON;
        });
        found
        "#,
    );
}

#[test]
fn stringify_throws_the_engines_errors() {
    assert_no_differences(
        r#"
        const cases = [
          () => { const o = { a: [] }; o.a.push(o); return o; },
          () => { const a = []; a[0] = { b: a }; return a; },
          () => ({ n: 1n }),
          () => [Object(2n)],
          () => { const shared = { x: 1 }; return [shared, shared, { shared }]; },
          () => { let deep = []; for (let i = 0; i < 100; i++) deep = [1, { k: deep }]; return deep; },
          () => { let deep = {}; for (let i = 0; i < 200000; i++) deep = { deep }; return deep; },
          () => { let deep = []; for (let i = 0; i < 200000; i++) deep = [deep]; return deep; },
        ];
        const found = [];
        cases.forEach((make, index) => {
          const difference = compareStringify(make, [undefined, "  "]);
          if (difference) found.push("case " + index + ": " + difference.slice(0, 300));
        });
        found
        "#,
    );
}

#[test]
fn stringify_hands_replacers_and_boxed_spaces_to_the_engine() {
    assert_no_differences(
        r#"
        const found = [];
        const make = () => ({ a: 1, b: [1, { c: 2 }], d: "x" });
        const calls = [
          () => JSON.stringify(make(), (k, v) => (trace.push(k), typeof v === "number" ? v * 2 : v)),
          () => JSON.stringify(make(), ["b", "a", 1, new String("d")]),
          () => JSON.stringify(make(), null, new Number(3)),
          () => JSON.stringify(make(), null, new String("--")),
          () => JSON.stringify(make(), null, { valueOf() { trace.push("valueOf"); return 4; } }),
          () => JSON.stringify(),
          () => JSON.stringify(undefined),
          () => JSON.stringify(Symbol()),
        ];
        const engineCalls = calls.map((call) => () => {
          const saved = JSON.stringify;
          JSON.stringify = engine.stringify;
          try { return call(); } finally { JSON.stringify = saved; }
        });
        calls.forEach((call, index) => {
          const ours = attempt(call);
          const theirs = attempt(engineCalls[index]);
          if (!sameOutcome(ours, theirs)) found.push("call " + index + ": " + show(ours) + " vs " + show(theirs));
        });
        found
        "#,
    );
}

#[test]
fn parse_matches_the_engine_on_generated_texts() {
    assert_no_differences(
        r#"
        const found = [];
        const r = rng(7);
        const noise = [" ", "\n", ",", ":", "{", "}", "[", "]", "\"", "\\", "-", "0", "e", ".", "+", "\u0001", "\ud800", "u", "tru", "nul"];
        for (let seed = 0; seed < 3000; seed++) {
          let text;
          try { text = engine.stringify(generated(seed), undefined, seed % 3 === 0 ? 2 : undefined); } catch (e) { continue; }
          if (text === undefined) continue;
          const texts = [text];
          for (let i = 0; i < 3; i++) {
            const at = Math.floor(r() * (text.length + 1));
            const cut = Math.floor(r() * 3);
            texts.push(text.slice(0, at) + noise[Math.floor(r() * noise.length)] + text.slice(at + cut));
          }
          for (const candidate of texts) {
            const difference = compareParse(candidate);
            if (difference) found.push("seed " + seed + ": " + difference);
          }
        }
        found
        "#,
    );
}

#[test]
fn parse_keeps_the_engines_rules_for_keys_numbers_strings_and_errors() {
    assert_no_differences(
        r#"
        const texts = [
          '{"__proto__": {"x": 1}, "a": 2}', '{"a": 1, "b": 2, "a": 3}', '{"b": 1, "2": 2, "1": 3, "a": 4, "-1": 5}',
          '-0', '[-0, 0, -0.0, 1E400, -1e-400, 1.5e+3, 123456789012345678901234567890]', '2147483647', '2147483648', '-2147483648', '-2147483649',
          '"\\ud800"', '"\\udc00\\ud800"', '"\\ud83d\\ude00"', '"\\uD83D\\uDE00x"', '"\\ud83d\\u0041"', '"a\\u0000b"', '"\\/\\b\\f\\n\\r\\t\\"\\\\"',
          '"\ud800"', '{"\\ud800": 1}', '{"\ud800x": 1}', '"é日本😀"', '{"é": "ÿ"}',
          '', ' ', '01', '1.', '.5', '+1', '1e', '--1', '"\u0001"', '"\\x41"', '"\\u12g4"', '[1,]', '{"a":1,}', '{a:1}', "'a'",
          'tru', 'nul', 'true false', '[1] x', '\u00a0 1', '1\u0000', '{"a" 1}', '[1 2]', 'NaN', 'Infinity', '[', ']', '{', '}',
          ' \t\n\r[ 1 , { "a" : [ ] } ] \n',
          '['.repeat(511) + ']'.repeat(511), '['.repeat(600) + ']'.repeat(600), '['.repeat(200000) + ']'.repeat(200000),
          '{"a":'.repeat(100) + '1' + '}'.repeat(100), '{"a":'.repeat(200000) + '1' + '}'.repeat(200000),
          '"' + 'x'.repeat(100000) + '"',
        ];
        const found = [];
        texts.forEach((text, index) => {
          const difference = compareParse(text);
          if (difference) found.push("text " + index + ": " + difference);
        });
        for (const arg of [undefined, null, 5, true, { toString() { trace.push("toString"); return "[1]"; } }, new String("[2]")]) {
          const ours = attempt(() => JSON.parse(arg));
          const theirs = attempt(() => engine.parse(arg));
          if (!sameOutcome(ours, theirs)) found.push("argument " + String(arg) + ": " + show(ours) + " vs " + show(theirs));
        }
        const reviver = (k, v) => (trace.push(k), typeof v === "number" ? v + 1 : v);
        const ours = attempt(() => JSON.parse('{"a": [1, 2], "b": {"c": 3}}', reviver));
        const theirs = attempt(() => engine.parse('{"a": [1, 2], "b": {"c": 3}}', reviver));
        if (!sameOutcome(ours, theirs)) found.push("reviver: " + show(ours) + " vs " + show(theirs));
        found
        "#,
    );
}

#[test]
fn the_replacements_look_like_the_built_ins() {
    assert_no_differences(
        r#"
        const found = [];
        const check = (label, ours, theirs) => { if (!same(ours, theirs)) found.push(label + ": " + show(ours) + " vs " + show(theirs)); };
        for (const name of ["stringify", "parse"]) {
          const ours = JSON[name];
          const theirs = engine[name];
          check(name + " name", ours.name, theirs.name);
          check(name + " length", ours.length, theirs.length);
          check(name + " source", String(ours), String(theirs));
          check(name + " descriptor", Object.getOwnPropertyDescriptor(JSON, name).enumerable, false);
          check(name + " prototype", Object.getPrototypeOf(ours), Object.getPrototypeOf(theirs));
          check(name + " own prototype", "prototype" in ours, "prototype" in theirs);
          check(name + " new", attempt(() => new ours("1")).error, attempt(() => new theirs("1")).error);
        }
        const stack = (f) => { try { f(); } catch (e) { return e.stack.split("\n")[0]; } };
        check("stack", stack(() => JSON.stringify({ a: 1n })), stack(() => engine.stringify({ a: 1n })));
        found
        "#,
    );
}

#[test]
fn host_answers_are_built_as_the_engine_parses_their_text() {
    let runtime = Runtime::new().expect("a runtime");
    let context = Context::full(&runtime).expect("a context");
    context.with(|ctx| {
        ctx.eval::<(), _>("globalThis.engine = { stringify: JSON.stringify, parse: JSON.parse };")
            .expect("the engine's functions are kept");
        ctx.eval::<(), _>(HARNESS).expect("the harness loads");
        let mut texts: Vec<String> = ctx
            .eval(
                r#"
                const texts = ['{"__proto__": {"a": 1}, "b": [1, -0, 1e300, 2147483648], "b": 2}', '{"2": 1, "1": 2, "x": 3}', '"\\u00e9😀"'];
                for (let seed = 0; seed < 1500; seed++) {
                  try { const text = engine.stringify(generated(seed)); if (text !== undefined) texts.push(text); } catch (e) {}
                }
                texts
                "#,
            )
            .expect("texts");
        texts.retain(|text| serde_json::from_str::<serde_json::Value>(text).is_ok());
        assert!(texts.len() > 1000, "only {} texts", texts.len());
        let compare: rquickjs::Function = ctx
            .eval("(text, built) => sameOutcome({ result: built, trace: [] }, { result: engine.parse(text), trace: [] })")
            .expect("a function");
        for text in texts {
            let json: serde_json::Value = serde_json::from_str(&text).expect("checked above");
            let built = crate::engine::quickjs::to_script::from_host(&ctx, &json.into())
                .expect("built");
            let same: bool = compare.call((text.as_str(), built)).expect("compared");
            assert!(same, "{text}");
        }
    });
}
