//! What kind of object a value is, by the engine's internal class: which rendering
//! it gets.

use super::read::class_name_of_id;
use rquickjs::{qjs, Ctx, Value};

/// What kind of object a value is, by its internal class.
#[derive(Clone, Copy)]
pub(super) enum Kind {
    Function,
    Error,
    Array,
    /// A function's `arguments`, shown like an array.
    Arguments,
    TypedArray(&'static str),
    ArrayBuffer,
    Map,
    Set,
    /// Shown by name alone: weak collections and references, whose contents cannot be
    /// listed.
    Opaque(&'static str),
    Promise,
    Date,
    RegExp,
    /// A boxed primitive and the tool that unboxes it.
    Boxed(&'static str, &'static str),
    Other,
}

/// Typed array names in the order of the engine's `JSTypedArrayEnum`.
const TYPED_ARRAYS: [&str; 12] = [
    "Uint8ClampedArray",
    "Int8Array",
    "Uint8Array",
    "Int16Array",
    "Uint16Array",
    "Int32Array",
    "Uint32Array",
    "BigInt64Array",
    "BigUint64Array",
    "Float16Array",
    "Float32Array",
    "Float64Array",
];

impl Kind {
    /// The kind of a non-proxy object.
    pub(super) fn of(ctx: &Ctx<'_>, value: &Value<'_>) -> Kind {
        let raw = value.as_raw();
        // SAFETY: every check reads only the class id of a live object.
        unsafe {
            if value.is_function() {
                return Kind::Function;
            }
            if qjs::JS_IsError(raw) {
                return Kind::Error;
            }
            if qjs::JS_IsArray(raw) {
                return Kind::Array;
            }
            if let Ok(index) = usize::try_from(qjs::JS_GetTypedArrayType(raw)) {
                if let Some(name) = TYPED_ARRAYS.get(index) {
                    return Kind::TypedArray(name);
                }
            }
            if qjs::JS_IsArrayBuffer(raw) {
                return Kind::ArrayBuffer;
            }
            if qjs::JS_IsMap(raw) {
                return Kind::Map;
            }
            if qjs::JS_IsSet(raw) {
                return Kind::Set;
            }
            if qjs::JS_IsWeakMap(raw) {
                return Kind::Opaque("WeakMap {<items unknown>}");
            }
            if qjs::JS_IsWeakSet(raw) {
                return Kind::Opaque("WeakSet {<items unknown>}");
            }
            if qjs::JS_IsWeakRef(raw) {
                return Kind::Opaque("WeakRef {}");
            }
            if qjs::JS_IsDataView(raw) {
                return Kind::Opaque("DataView {}");
            }
            if qjs::JS_IsDate(raw) {
                return Kind::Date;
            }
            if qjs::JS_IsRegExp(raw) {
                return Kind::RegExp;
            }
        }
        if value.as_promise().is_some() {
            return Kind::Promise;
        }
        match class_name_of_id(ctx, value).as_deref() {
            Some("Number") => Kind::Boxed("Number", "numberValueOf"),
            Some("String") => Kind::Boxed("String", "stringValueOf"),
            Some("Boolean") => Kind::Boxed("Boolean", "booleanValueOf"),
            Some("BigInt") => Kind::Boxed("BigInt", "bigIntValueOf"),
            Some("Symbol") => Kind::Boxed("Symbol", "symbolValueOf"),
            Some("Arguments") => Kind::Arguments,
            _ => Kind::Other,
        }
    }

    /// Whether it has contents that nest, so that it is cut at [`MAX_DEPTH`].
    pub(super) fn is_container(self) -> bool {
        matches!(
            self,
            Kind::Array
                | Kind::Arguments
                | Kind::TypedArray(_)
                | Kind::Map
                | Kind::Set
                | Kind::Promise
                | Kind::Error
                | Kind::Other
        )
    }
}
