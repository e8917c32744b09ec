//! What the walk over a JavaScript value builds: a [`Value`](crate::Value) for the
//! host, or JSON, directly, for host functions that take JSON and for a program's
//! result. In JSON, bytes are a base64 string.

use crate::value::{base64_encode, base64_len, Bytes, Map, Value};
use serde::de::DeserializeOwned;
use serde_json::{Number, Value as Json};

/// A value the walk can build.
pub(super) trait Tree: Sized + DeserializeOwned {
    /// An object's entries while they are gathered.
    type Entries;

    fn null() -> Self;
    fn bool(flag: bool) -> Self;
    fn number(number: Number) -> Self;
    fn string(text: String) -> Self;
    fn bytes(bytes: Vec<u8>) -> Self;
    /// What `len` bytes cost against the walk's budget, which counts JSON text.
    fn bytes_cost(len: usize) -> usize;
    fn array(items: Vec<Self>) -> Self;
    fn entries() -> Self::Entries;
    fn insert(entries: &mut Self::Entries, key: String, value: Self);
    fn object(entries: Self::Entries) -> Self;
    /// Levels of arrays and objects in it.
    fn nesting(&self) -> usize;
}

impl Tree for Value {
    type Entries = Map;

    fn null() -> Self {
        Value::Null
    }

    fn bool(flag: bool) -> Self {
        Value::Bool(flag)
    }

    fn number(number: Number) -> Self {
        Value::Number(number)
    }

    fn string(text: String) -> Self {
        Value::String(text)
    }

    fn bytes(bytes: Vec<u8>) -> Self {
        Value::Bytes(Bytes(bytes))
    }

    /// Bytes stay bytes: each costs one.
    fn bytes_cost(len: usize) -> usize {
        len
    }

    fn array(items: Vec<Self>) -> Self {
        Value::Array(items)
    }

    fn entries() -> Map {
        Map::new()
    }

    fn insert(entries: &mut Map, key: String, value: Self) {
        entries.insert(key, value);
    }

    fn object(entries: Map) -> Self {
        Value::Object(entries)
    }

    fn nesting(&self) -> usize {
        match self {
            Value::Array(items) => 1 + items.iter().map(Tree::nesting).max().unwrap_or(0),
            Value::Object(entries) => 1 + entries.values().map(Tree::nesting).max().unwrap_or(0),
            _ => 0,
        }
    }
}

impl Tree for Json {
    type Entries = serde_json::Map<String, Json>;

    fn null() -> Self {
        Json::Null
    }

    fn bool(flag: bool) -> Self {
        Json::Bool(flag)
    }

    fn number(number: Number) -> Self {
        Json::Number(number)
    }

    fn string(text: String) -> Self {
        Json::String(text)
    }

    fn bytes(bytes: Vec<u8>) -> Self {
        Json::String(base64_encode(&bytes))
    }

    /// Bytes are a quoted base64 string: four characters for every three.
    fn bytes_cost(len: usize) -> usize {
        base64_len(len).saturating_add(2)
    }

    fn array(items: Vec<Self>) -> Self {
        Json::Array(items)
    }

    fn entries() -> Self::Entries {
        serde_json::Map::new()
    }

    fn insert(entries: &mut Self::Entries, key: String, value: Self) {
        entries.insert(key, value);
    }

    fn object(entries: Self::Entries) -> Self {
        Json::Object(entries)
    }

    fn nesting(&self) -> usize {
        match self {
            Json::Array(items) => 1 + items.iter().map(Tree::nesting).max().unwrap_or(0),
            Json::Object(entries) => 1 + entries.values().map(Tree::nesting).max().unwrap_or(0),
            _ => 0,
        }
    }
}
