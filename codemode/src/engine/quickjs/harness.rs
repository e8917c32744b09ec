//! The harness script, compiled once per process to QuickJS bytecode and loaded into
//! every fresh context: reading bytecode is several times faster than parsing. The
//! bytecode leaves out the source text, which only `Function.prototype.toString`
//! would read: a program learns nothing of the harness from it, and each context is
//! spared a copy of the source per function.

use rquickjs::{qjs, Context, Ctx, Function, Runtime, Value};
use std::ffi::CString;
use std::sync::OnceLock;

const SOURCE: &str = include_str!("harness.js");
const FILENAME: &str = "harness.js";

/// The harness bytecode, or why it could not be compiled.
static BYTECODE: OnceLock<Result<Vec<u8>, String>> = OnceLock::new();

/// Evaluates the harness in `ctx` and returns its factory function.
pub(super) fn load<'js>(ctx: &Ctx<'js>) -> Result<Function<'js>, String> {
    let bytecode = BYTECODE.get_or_init(compile_once).as_ref()?;
    let raw = ctx.as_raw().as_ptr();
    // SAFETY: the bytecode was written by this process's QuickJS from the harness source;
    // JS_ReadObject and JS_EvalFunction return owned values that `Value::from_raw` takes.
    let value = unsafe {
        let function = qjs::JS_ReadObject(
            raw,
            bytecode.as_ptr(),
            bytecode.len() as _,
            qjs::JS_READ_OBJ_BYTECODE as i32,
        );
        Value::from_raw(ctx.clone(), qjs::JS_EvalFunction(raw, function))
    };
    if value.is_exception() {
        ctx.catch();
        return Err("the harness could not be loaded".to_owned());
    }
    value
        .into_function()
        .ok_or_else(|| "the harness did not evaluate to a function".to_owned())
}

/// Compiles the harness in a runtime of its own, so no run's limits apply to it.
fn compile_once() -> Result<Vec<u8>, String> {
    let runtime = Runtime::new().map_err(|error| format!("no runtime for the harness: {error}"))?;
    let context =
        Context::full(&runtime).map_err(|error| format!("no context for the harness: {error}"))?;
    context.with(|ctx| compile(&ctx))
}

/// Compiles the harness source to bytecode in `ctx` without running it.
fn compile(ctx: &Ctx<'_>) -> Result<Vec<u8>, String> {
    let source = CString::new(SOURCE).map_err(|_| "the harness contains a NUL byte")?;
    let filename = CString::new(FILENAME).map_err(|_| "bad harness file name")?;
    let raw = ctx.as_raw().as_ptr();
    let flags =
        qjs::JS_EVAL_TYPE_GLOBAL | qjs::JS_EVAL_FLAG_STRICT | qjs::JS_EVAL_FLAG_COMPILE_ONLY;
    // SAFETY: both strings are NUL-terminated and outlive the calls; every value and
    // buffer QuickJS returns is freed exactly once below.
    unsafe {
        let compiled = qjs::JS_Eval(
            raw,
            source.as_ptr(),
            SOURCE.len() as _,
            filename.as_ptr(),
            flags as i32,
        );
        if qjs::JS_IsException(compiled) {
            ctx.catch();
            return Err("the harness does not compile".to_owned());
        }
        let mut size = 0;
        let flags = qjs::JS_WRITE_OBJ_BYTECODE | qjs::JS_WRITE_OBJ_STRIP_SOURCE;
        let buffer = qjs::JS_WriteObject(raw, &mut size, compiled, flags as i32);
        qjs::JS_FreeValue(raw, compiled);
        if buffer.is_null() {
            ctx.catch();
            return Err("the harness bytecode could not be written".to_owned());
        }
        let bytecode = std::slice::from_raw_parts(buffer, size as usize).to_vec();
        qjs::js_free(raw, buffer.cast());
        Ok(bytecode)
    }
}
