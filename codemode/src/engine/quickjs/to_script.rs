//! Builds the JavaScript value for a host's JSON answer the way `JSON.parse` would,
//! without writing and re-reading text: with the engine calls the sandbox's
//! `JSON.parse` makes, one atom per distinct key.

use super::json::build::{self, Keys};
use super::json::{Owned, Thrown};
use rquickjs::{qjs, Ctx, Value};
use serde_json::Value as Json;

/// Levels of arrays and objects an answer may have.
pub(super) const MAX_NESTING: usize = 512;

/// Why an answer could not be built.
#[derive(Debug)]
pub(super) enum Unbuildable {
    /// The engine failed, most likely for lack of memory; the exception is pending.
    Engine(rquickjs::Error),
    /// The answer nests more than [`MAX_NESTING`] levels.
    TooDeep,
}

impl From<rquickjs::Error> for Unbuildable {
    fn from(error: rquickjs::Error) -> Self {
        Unbuildable::Engine(error)
    }
}

/// The JavaScript value of `json`.
pub(super) fn from_json<'js>(ctx: &Ctx<'js>, json: &Json) -> Result<Value<'js>, Unbuildable> {
    let raw = ctx.as_raw().as_ptr();
    let mut keys = Keys::new(raw);
    let value = build(raw, json, 0, &mut keys)?;
    // SAFETY: a value of this context, owned by the guard until now.
    Ok(unsafe { Value::from_raw(ctx.clone(), value.into_raw()) })
}

impl From<Thrown> for Unbuildable {
    fn from(_: Thrown) -> Self {
        Unbuildable::Engine(rquickjs::Error::Exception)
    }
}

fn build<'k>(
    ctx: *mut qjs::JSContext,
    json: &'k Json,
    depth: usize,
    keys: &mut Keys<'k>,
) -> Result<Owned, Unbuildable> {
    let primitive = match json {
        Json::Null => qjs::JS_NULL,
        Json::Bool(flag) => {
            if *flag {
                qjs::JS_TRUE
            } else {
                qjs::JS_FALSE
            }
        }
        Json::Number(number) => number_value(number),
        Json::String(text) => return Ok(build::string(ctx, text.as_bytes())?),
        Json::Array(items) => {
            if depth >= MAX_NESTING {
                return Err(Unbuildable::TooDeep);
            }
            let items = items
                .iter()
                .map(|item| build(ctx, item, depth + 1, keys))
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(build::array(ctx, items)?);
        }
        Json::Object(entries) => {
            if depth >= MAX_NESTING {
                return Err(Unbuildable::TooDeep);
            }
            let object = build::object(ctx)?;
            for (key, item) in entries {
                let atom = keys.atom(key.as_bytes())?;
                build::define(&object, atom, build(ctx, item, depth + 1, keys)?)?;
            }
            return Ok(object);
        }
    };
    // SAFETY: a primitive, which holds no reference.
    Ok(unsafe { Owned::new(ctx, primitive) }.ok_or(Thrown)?)
}

/// A number as `JSON.parse` reads it: an integer value when it fits, a float otherwise
/// (and for -0, which an integer value cannot hold).
fn number_value(number: &serde_json::Number) -> qjs::JSValue {
    if let Some(small) = number.as_i64().and_then(|n| i32::try_from(n).ok()) {
        return qjs::JS_MKVAL(qjs::JS_TAG_INT, small);
    }
    qjs::JS_NewFloat64(number.as_f64().unwrap_or(f64::NAN))
}
