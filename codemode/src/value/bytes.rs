//! `codemode::Bytes`: a parameter or return type that is a `Uint8Array` in JavaScript.

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::de::{SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;
use std::ops::{Deref, DerefMut};

/// Bytes: a `Uint8Array` in JavaScript, declared `Uint8Array` in TypeScript.
///
/// As a tool parameter it accepts any typed array, `ArrayBuffer` or `DataView` (their
/// bytes); returned, it reaches the program as a `Uint8Array`. It may sit anywhere in
/// a parameter or a result: `Vec<Bytes>`, a struct field, an `Option<Bytes>`.
///
/// ```
/// use codemode::{Bytes, ToolError};
///
/// /// Reverses the bytes it is given.
/// #[codemode::tool]
/// async fn reverse(data: Bytes) -> Result<Bytes, ToolError> {
///     let mut data = data.into_vec();
///     data.reverse();
///     Ok(Bytes::from(data))
/// }
/// ```
///
/// With serde it is bytes (`serialize_bytes`), which each format writes its own way:
/// `serde_json` as an array of numbers. Its JSON Schema is a base64 string
/// (`{ "type": "string", "contentEncoding": "base64" }`), the form bytes take where
/// codemode must write them as JSON.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Bytes(pub Vec<u8>);

impl Bytes {
    /// No bytes.
    pub fn new() -> Self {
        Self::default()
    }

    /// The bytes as a slice.
    pub fn as_slice(&self) -> &[u8] {
        &self.0
    }

    /// The bytes as a vector, without copying.
    pub fn into_vec(self) -> Vec<u8> {
        self.0
    }
}

impl fmt::Debug for Bytes {
    /// The length and the first 32 bytes, so that megabytes do not flood a log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 32;
        write!(
            f,
            "Bytes({}) {:?}",
            self.0.len(),
            &self.0[..self.0.len().min(SHOWN)]
        )?;
        if self.0.len() > SHOWN {
            f.write_str("...")?;
        }
        Ok(())
    }
}

impl Deref for Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl DerefMut for Bytes {
    fn deref_mut(&mut self) -> &mut [u8] {
        &mut self.0
    }
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for Bytes {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }
}

impl From<&[u8]> for Bytes {
    fn from(bytes: &[u8]) -> Self {
        Self(bytes.to_vec())
    }
}

impl<const N: usize> From<[u8; N]> for Bytes {
    fn from(bytes: [u8; N]) -> Self {
        Self(bytes.to_vec())
    }
}

impl From<Bytes> for Vec<u8> {
    fn from(bytes: Bytes) -> Self {
        bytes.0
    }
}

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_byte_buf(BytesVisitor)
    }
}

/// Takes bytes, or a sequence of numbers from 0 to 255 (what `serde_json` writes for
/// them). A string is refused: it says nothing of how its bytes are encoded.
struct BytesVisitor;

impl<'de> Visitor<'de> for BytesVisitor {
    type Value = Bytes;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Uint8Array")
    }

    fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<Bytes, E> {
        Ok(Bytes::from(bytes))
    }

    fn visit_byte_buf<E: serde::de::Error>(self, bytes: Vec<u8>) -> Result<Bytes, E> {
        Ok(Bytes(bytes))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Bytes, A::Error> {
        let mut bytes = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64 * 1024));
        while let Some(byte) = seq.next_element::<u8>()? {
            bytes.push(byte);
        }
        Ok(Bytes(bytes))
    }
}

impl JsonSchema for Bytes {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Bytes".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "contentEncoding": "base64"
        })
    }
}
