//! The values that cross between a program and the host: JSON plus bytes.
//!
//! A program's arguments arrive in a host function as a [`Value`], and what the
//! function returns goes back as one. It is JSON (null, booleans, numbers, strings,
//! arrays, objects keeping their key order) with one more kind, [`Value::Bytes`]: a
//! `Uint8Array` (or any typed array, `ArrayBuffer` or `DataView`, as its bytes)
//! arrives as bytes, and bytes returned reach JavaScript as a `Uint8Array`, without
//! base64 on the way.
//!
//! Where bytes must become JSON (a closure registered over `serde_json::Value`, the
//! arguments sent to an upstream MCP server, a program's result), they are a base64
//! string (RFC 4648, standard alphabet, padded): the form MCP and JSON Schema
//! (`contentEncoding: "base64"`) give binary data.

mod bytes;
mod de;
mod error;
mod json;
mod map;
mod ser;

pub use bytes::Bytes;
pub use error::ValueError;
pub use map::Map;

#[cfg(feature = "mcp")]
pub(crate) use json::base64_decode;
pub(crate) use json::{base64_encode, base64_len, json_kind};

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Number;
use std::ops::Index;

/// A value crossing the bridge: JSON plus bytes.
///
/// ```
/// use codemode::{Bytes, Value};
///
/// let value = Value::from(serde_json::json!({ "name": "a.png" }));
/// assert_eq!(value["name"].as_str(), Some("a.png"));
/// let data = Value::from(Bytes::from(vec![137, 80, 78, 71]));
/// assert_eq!(data.as_bytes(), Some(&[137, 80, 78, 71][..]));
/// assert!(value["name"] == "a.png");
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    /// `null` (and `undefined` inside arrays).
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string.
    String(String),
    /// Bytes: a `Uint8Array` in JavaScript.
    Bytes(Bytes),
    /// An array.
    Array(Vec<Value>),
    /// An object, its keys in the order JavaScript lists them.
    Object(Map),
}

static NULL: Value = Value::Null;

impl Value {
    /// Whether it is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The boolean, if it is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(flag) => Some(*flag),
            _ => None,
        }
    }

    /// The number as an `i64`, if it is an integer that fits.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(number) => number.as_i64(),
            _ => None,
        }
    }

    /// The number as a `u64`, if it is a non-negative integer that fits.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(number) => number.as_u64(),
            _ => None,
        }
    }

    /// The number as an `f64`, if it is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(number) => number.as_f64(),
            _ => None,
        }
    }

    /// The string, if it is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(text) => Some(text),
            _ => None,
        }
    }

    /// The bytes, if it holds bytes.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::Bytes(bytes) => Some(bytes),
            _ => None,
        }
    }

    /// The items, if it is an array.
    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The entries, if it is an object.
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(entries) => Some(entries),
            _ => None,
        }
    }

    /// The items, to change them, if it is an array.
    pub fn as_array_mut(&mut self) -> Option<&mut Vec<Value>> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The entries, to change them, if it is an object.
    pub fn as_object_mut(&mut self) -> Option<&mut Map> {
        match self {
            Value::Object(entries) => Some(entries),
            _ => None,
        }
    }

    /// The value under `key`, if it is an object that has one.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object()?.get(key)
    }

    /// Takes the value out, leaving `null` in its place.
    pub fn take(&mut self) -> Value {
        std::mem::take(self)
    }

    /// How its kind reads in a message: `a string`, `a Uint8Array`, ...
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Bytes(_) => "a Uint8Array",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }
}

/// Converts `value` to a [`Value`] through its `Serialize` implementation; `Bytes`
/// (anything serialized with `serialize_bytes`) becomes [`Value::Bytes`].
pub fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<Value, ValueError> {
    value.serialize(ser::Serializer)
}

/// Builds a `T` from a [`Value`] through its `Deserialize` implementation.
///
/// ```
/// #[derive(serde::Deserialize)]
/// struct Upload {
///     name: String,
///     data: codemode::Bytes,
/// }
///
/// let value = codemode::Value::Object(
///     [
///         ("name".to_owned(), codemode::Value::from("a.bin")),
///         ("data".to_owned(), codemode::Value::from(codemode::Bytes::from(vec![1, 2]))),
///     ]
///     .into_iter()
///     .collect(),
/// );
/// let upload: Upload = codemode::from_value(value).expect("an upload");
/// assert_eq!(upload.data.as_slice(), &[1, 2]);
/// ```
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, ValueError> {
    T::deserialize(value)
}

impl Index<&str> for Value {
    type Output = Value;

    /// The value under `key`, or `null` when it is not an object or has no such key.
    fn index(&self, key: &str) -> &Value {
        self.get(key).unwrap_or(&NULL)
    }
}

impl Index<usize> for Value {
    type Output = Value;

    /// The item at `index`, or `null` when it is not an array or is shorter.
    fn index(&self, index: usize) -> &Value {
        self.as_array()
            .and_then(|items| items.get(index))
            .unwrap_or(&NULL)
    }
}

impl From<()> for Value {
    fn from((): ()) -> Self {
        Value::Null
    }
}

impl From<bool> for Value {
    fn from(flag: bool) -> Self {
        Value::Bool(flag)
    }
}

macro_rules! from_integer {
    ($($integer:ty),*) => {$(
        impl From<$integer> for Value {
            fn from(number: $integer) -> Self {
                Value::Number(Number::from(number))
            }
        }
    )*};
}

from_integer!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

impl From<f32> for Value {
    /// The number, or `null` when it is not finite, as in JSON.
    fn from(number: f32) -> Self {
        Value::from(f64::from(number))
    }
}

impl From<f64> for Value {
    /// The number, or `null` when it is not finite, as in JSON.
    fn from(number: f64) -> Self {
        Number::from_f64(number).map_or(Value::Null, Value::Number)
    }
}

impl From<Number> for Value {
    fn from(number: Number) -> Self {
        Value::Number(number)
    }
}

impl From<&str> for Value {
    fn from(text: &str) -> Self {
        Value::String(text.to_owned())
    }
}

impl From<String> for Value {
    fn from(text: String) -> Self {
        Value::String(text)
    }
}

impl From<Bytes> for Value {
    fn from(bytes: Bytes) -> Self {
        Value::Bytes(bytes)
    }
}

impl From<Map> for Value {
    fn from(entries: Map) -> Self {
        Value::Object(entries)
    }
}

impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(items: Vec<T>) -> Self {
        Value::Array(items.into_iter().map(Into::into).collect())
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    /// The value, or `null` for `None`.
    fn from(option: Option<T>) -> Self {
        option.map_or(Value::Null, Into::into)
    }
}

impl<T: Into<Value>> FromIterator<T> for Value {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        Value::Array(items.into_iter().map(Into::into).collect())
    }
}

impl PartialEq<str> for Value {
    fn eq(&self, text: &str) -> bool {
        self.as_str() == Some(text)
    }
}

impl PartialEq<&str> for Value {
    fn eq(&self, text: &&str) -> bool {
        self.as_str() == Some(*text)
    }
}

impl PartialEq<String> for Value {
    fn eq(&self, text: &String) -> bool {
        self.as_str() == Some(text.as_str())
    }
}

impl PartialEq<bool> for Value {
    fn eq(&self, flag: &bool) -> bool {
        self.as_bool() == Some(*flag)
    }
}

macro_rules! eq_number {
    ($($number:ty => $as:ident),*) => {$(
        impl PartialEq<$number> for Value {
            fn eq(&self, number: &$number) -> bool {
                self.$as() == Some(*number)
            }
        }
    )*};
}

eq_number!(i64 => as_i64, u64 => as_u64, f64 => as_f64);
