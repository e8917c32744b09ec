//! Builds the JavaScript value for a host's answer the way `JSON.parse` would, without
//! writing and re-reading text; bytes become a `Uint8Array`.

use super::binary;
use crate::value::Value as Host;
use rquickjs::object::Property;
use rquickjs::{Array, Ctx, Object, Value};

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

/// The JavaScript value of `value`.
pub(super) fn from_host<'js>(ctx: &Ctx<'js>, value: &Host) -> Result<Value<'js>, Unbuildable> {
    build(ctx, value, 0)
}

fn build<'js>(ctx: &Ctx<'js>, value: &Host, depth: usize) -> Result<Value<'js>, Unbuildable> {
    Ok(match value {
        Host::Null => Value::new_null(ctx.clone()),
        Host::Bool(flag) => Value::new_bool(ctx.clone(), *flag),
        Host::Number(number) => number_value(ctx, number),
        Host::String(text) => rquickjs::String::from_str(ctx.clone(), text)?.into_value(),
        Host::Bytes(bytes) => binary::uint8_array(ctx, bytes)?,
        Host::Array(items) => {
            if depth >= MAX_NESTING {
                return Err(Unbuildable::TooDeep);
            }
            let array = Array::new(ctx.clone())?;
            for (index, item) in items.iter().enumerate() {
                array
                    .as_object()
                    .prop(index as u32, data(build(ctx, item, depth + 1)?))?;
            }
            array.into_value()
        }
        Host::Object(entries) => {
            if depth >= MAX_NESTING {
                return Err(Unbuildable::TooDeep);
            }
            let object = Object::new(ctx.clone())?;
            for (key, item) in entries {
                object.prop(key.as_str(), data(build(ctx, item, depth + 1)?))?;
            }
            object.into_value()
        }
    })
}

/// An own, writable, enumerable and configurable property, as `JSON.parse` defines
/// them: defining rather than assigning keeps `__proto__` an ordinary key and setters
/// on the prototypes out of the way.
fn data(value: Value<'_>) -> Property<Value<'_>> {
    Property::from(value).writable().enumerable().configurable()
}

fn number_value<'js>(ctx: &Ctx<'js>, number: &serde_json::Number) -> Value<'js> {
    if let Some(small) = number.as_i64().and_then(|n| i32::try_from(n).ok()) {
        return Value::new_int(ctx.clone(), small);
    }
    let float = number.as_f64().unwrap_or(f64::NAN);
    if float == 0.0 {
        // Keeps -0, which an integer value cannot hold.
        return Value::new_float(ctx.clone(), float);
    }
    Value::new_number(ctx.clone(), float)
}
