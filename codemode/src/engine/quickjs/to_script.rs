//! Builds the JavaScript value for a host's answer the way `JSON.parse` would, without
//! writing and re-reading text: with the engine calls the sandbox's `JSON.parse` makes,
//! one atom per distinct key; bytes become a `Uint8Array`.

use super::binary;
use super::json::build::{self, Keys};
use super::json::{Owned, Thrown};
use crate::value::Value as Host;
use rquickjs::{qjs, Ctx, Value};

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

impl From<Thrown> for Unbuildable {
    fn from(_: Thrown) -> Self {
        Unbuildable::Engine(rquickjs::Error::Exception)
    }
}

/// The JavaScript value of `value`.
pub(super) fn from_host<'js>(ctx: &Ctx<'js>, value: &Host) -> Result<Value<'js>, Unbuildable> {
    let mut keys = Keys::new(ctx.as_raw().as_ptr());
    let built = build(ctx, value, 0, &mut keys)?;
    // SAFETY: a value of this context, owned by the guard until now.
    Ok(unsafe { Value::from_raw(ctx.clone(), built.into_raw()) })
}

fn build<'k>(
    ctx: &Ctx<'_>,
    value: &'k Host,
    depth: usize,
    keys: &mut Keys<'k>,
) -> Result<Owned, Unbuildable> {
    let raw = ctx.as_raw().as_ptr();
    let primitive = match value {
        Host::Null => qjs::JS_NULL,
        Host::Bool(flag) => {
            if *flag {
                qjs::JS_TRUE
            } else {
                qjs::JS_FALSE
            }
        }
        Host::Number(number) => number_value(number),
        Host::String(text) => return Ok(build::string(raw, text.as_bytes())?),
        Host::Bytes(bytes) => {
            let array = binary::uint8_array(ctx, bytes)?;
            // SAFETY: a new reference to a live value of this context, for the guard to
            // own; `array` drops its own.
            return Ok(
                unsafe { Owned::new(raw, qjs::JS_DupValue(raw, array.as_raw())) }.ok_or(Thrown)?,
            );
        }
        Host::Array(items) => {
            if depth >= MAX_NESTING {
                return Err(Unbuildable::TooDeep);
            }
            let items = items
                .iter()
                .map(|item| build(ctx, item, depth + 1, keys))
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(build::array(raw, items)?);
        }
        Host::Object(entries) => {
            if depth >= MAX_NESTING {
                return Err(Unbuildable::TooDeep);
            }
            let object = build::object(raw)?;
            for (key, item) in entries {
                let atom = keys.atom(key.as_bytes())?;
                build::define(&object, atom, build(ctx, item, depth + 1, keys)?)?;
            }
            return Ok(object);
        }
    };
    // SAFETY: a primitive, which holds no reference.
    Ok(unsafe { Owned::new(raw, primitive) }.ok_or(Thrown)?)
}

/// A number as `JSON.parse` reads it: an integer value when it fits, a float otherwise
/// (and for -0, which an integer value cannot hold).
fn number_value(number: &serde_json::Number) -> qjs::JSValue {
    if let Some(small) = number.as_i64().and_then(|n| i32::try_from(n).ok()) {
        return qjs::JS_MKVAL(qjs::JS_TAG_INT, small);
    }
    qjs::JS_NewFloat64(number.as_f64().unwrap_or(f64::NAN))
}
