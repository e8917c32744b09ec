//! The sandbox's `JSON.stringify` and `JSON.parse`, written in Rust over the engine's C
//! interface.
//!
//! Programs in code mode spend their CPU parsing and reshaping what tools return, and
//! the engine's own implementations allocate a string for every key and value they
//! touch. These do the same walk with the same observable steps, in the same order:
//! `toJSON` methods, getters and proxy traps run exactly as the engine runs them, keys
//! come in the engine's order, and errors have the engine's types and messages. What
//! they do not handle themselves goes to the engine's implementation before anything
//! observable has happened: a replacer or a reviver, a `space` or a text that is an
//! object, and any text `JSON.parse` would reject. Both functions look like the
//! built-ins they replace (name, length, not constructors, native in stack traces).

pub(super) mod build;
mod output;
mod parse;
mod stringify;
mod text;

use rquickjs::{qjs, Ctx};
use std::ffi::CStr;
use std::sync::OnceLock;

/// Positions of the values each replacement function keeps in its data.
mod slot {
    /// The engine's own implementation, for the calls handed to it.
    pub const ORIGINAL: usize = 0;
    /// `Array.isArray`, which sees through proxies.
    pub const IS_ARRAY: usize = 1;
    /// `Boolean.prototype.valueOf`, which reads a `Boolean` object without running code.
    pub const BOOLEAN_VALUE: usize = 2;
    /// `BigInt.prototype.valueOf`, likewise for `BigInt` objects.
    pub const BIG_INT_VALUE: usize = 3;
    /// Class ids, as numbers: `String`, `Number`, `Boolean` and `BigInt` objects,
    /// raw JSON, arrays.
    pub const STRING_CLASS: usize = 4;
    pub const NUMBER_CLASS: usize = 5;
    pub const BOOLEAN_CLASS: usize = 6;
    pub const BIG_INT_CLASS: usize = 7;
    pub const RAW_JSON_CLASS: usize = 8;
    pub const ARRAY_CLASS: usize = 9;
}

/// Replaces `JSON.stringify` and `JSON.parse` of the context with the Rust ones.
pub(super) fn install(ctx: &Ctx<'_>) -> rquickjs::Result<()> {
    let globals = ctx.globals();
    let method = |class: &str, name: &str| -> rquickjs::Result<rquickjs::Value<'_>> {
        let constructor: rquickjs::Object = globals.get(class)?;
        let prototype: rquickjs::Object = constructor.get("prototype")?;
        prototype.get(name)
    };
    let array: rquickjs::Object = globals.get("Array")?;
    let mut values = vec![
        rquickjs::Value::new_undefined(ctx.clone()),
        array.get("isArray")?,
        method("Boolean", "valueOf")?,
        method("BigInt", "valueOf")?,
    ];
    for class in classes(ctx)? {
        values.push(rquickjs::Value::new_int(ctx.clone(), class as i32));
    }
    let json: rquickjs::Object = globals.get("JSON")?;
    replace(ctx, &json, c"stringify", 3, stringify::entry, &mut values)?;
    replace(ctx, &json, c"parse", 2, parse::entry, &mut values)
}

/// The class ids of `String`, `Number`, `Boolean` and `BigInt` objects, raw JSON and
/// arrays, in slot order. They are the engine's built-in class ids, the same in every
/// runtime, so they are read once per process.
fn classes(ctx: &Ctx<'_>) -> rquickjs::Result<[u32; 6]> {
    static CLASSES: OnceLock<[u32; 6]> = OnceLock::new();
    if let Some(classes) = CLASSES.get() {
        return Ok(*classes);
    }
    let samples: rquickjs::Array = ctx.eval(
        r#"[new String(""), new Number(0), new Boolean(false), Object(0n), JSON.rawJSON("0"), []]"#,
    )?;
    let mut classes = [0; 6];
    for (index, class) in classes.iter_mut().enumerate() {
        let sample: rquickjs::Value = samples.get(index)?;
        // SAFETY: a live value of this context; only its class id is read.
        *class = unsafe { qjs::JS_GetClassID(sample.as_raw()) };
    }
    Ok(*CLASSES.get_or_init(|| classes))
}

/// Defines `JSON[name]` as a native function of `length` arguments that keeps `data`,
/// the engine's function first.
fn replace<'js>(
    ctx: &Ctx<'js>,
    json: &rquickjs::Object<'js>,
    name: &CStr,
    length: i32,
    function: unsafe extern "C" fn(
        *mut qjs::JSContext,
        qjs::JSValue,
        i32,
        *mut qjs::JSValue,
        i32,
        *mut qjs::JSValue,
    ) -> qjs::JSValue,
    data: &mut [rquickjs::Value<'js>],
) -> rquickjs::Result<()> {
    let key = name.to_str().map_err(|_| rquickjs::Error::Unknown)?;
    data[slot::ORIGINAL] = json.get(key)?;
    let mut raw: Vec<qjs::JSValue> = data.iter().map(|value| value.as_raw()).collect();
    // SAFETY: the data values are live values of this context; the engine duplicates
    // them into the function, which owns its copies.
    let function = unsafe {
        qjs::JS_NewCFunctionData2(
            ctx.as_raw().as_ptr(),
            Some(function),
            name.as_ptr(),
            length,
            0,
            raw.len() as i32,
            raw.as_mut_ptr(),
        )
    };
    // SAFETY: a value the engine just returned, owned here.
    let function = unsafe { rquickjs::Value::from_raw(ctx.clone(), function) };
    if function.is_exception() {
        return Err(rquickjs::Error::Exception);
    }
    json.prop(
        key,
        rquickjs::object::Property::from(function)
            .writable()
            .configurable(),
    )
}

/// A value the caller owns and frees when it goes out of scope.
pub(in crate::engine::quickjs) struct Owned {
    ctx: *mut qjs::JSContext,
    value: qjs::JSValue,
}

impl Owned {
    /// Takes ownership of `value`; `None` for the exception marker.
    ///
    /// # Safety
    /// `value` must be a value of `ctx` the caller owns.
    pub(in crate::engine::quickjs) unsafe fn new(
        ctx: *mut qjs::JSContext,
        value: qjs::JSValue,
    ) -> Option<Self> {
        // SAFETY: reading the tag of any value is safe.
        if unsafe { qjs::JS_VALUE_GET_TAG(value) } == qjs::JS_TAG_EXCEPTION {
            return None;
        }
        Some(Self { ctx, value })
    }

    /// The value, for the caller to own.
    pub(in crate::engine::quickjs) fn into_raw(self) -> qjs::JSValue {
        let value = self.value;
        std::mem::forget(self);
        value
    }
}

impl Drop for Owned {
    fn drop(&mut self) {
        // SAFETY: the value is owned by this guard and freed once.
        unsafe { qjs::JS_FreeValue(self.ctx, self.value) }
    }
}

/// An exception is pending on the context.
pub(in crate::engine::quickjs) struct Thrown;

/// The `index`th argument of a native call, `undefined` past the last one.
///
/// # Safety
/// `argv` must hold `argc` values.
unsafe fn argument(argc: i32, argv: *mut qjs::JSValue, index: usize) -> qjs::JSValue {
    if (index as i32) < argc {
        // SAFETY: within the arguments, as the caller guarantees.
        unsafe { *argv.add(index) }
    } else {
        qjs::JS_UNDEFINED
    }
}

/// The normalised tag of `value`: every float is `JS_TAG_FLOAT64`.
fn tag(value: qjs::JSValue) -> i32 {
    // SAFETY: reading the tag of any value is safe.
    unsafe { qjs::JS_VALUE_GET_NORM_TAG(value) }
}

/// The number kept in a data slot.
///
/// # Safety
/// `data` must be the function data of a function made by [`replace`].
unsafe fn data_int(data: *mut qjs::JSValue, index: usize) -> u32 {
    // SAFETY: the slot exists and holds an integer, as `install` stored it.
    unsafe { qjs::JS_VALUE_GET_INT(*data.add(index)) as u32 }
}

#[cfg(test)]
mod corpus_tests;
#[cfg(test)]
mod tests;
