//! A serde `Serializer` that builds values, so typed results convert to them directly
//! (`serialize_bytes` giving bytes), and `Serialize` for `Value`.

use super::{Bytes, Map, Value, ValueError};
use serde::ser::{Error as _, Impossible, Serialize};
use serde_json::Number;

impl Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => serializer.serialize_unit(),
            Value::Bool(flag) => serializer.serialize_bool(*flag),
            Value::Number(number) => number.serialize(serializer),
            Value::String(text) => serializer.serialize_str(text),
            Value::Bytes(bytes) => serializer.serialize_bytes(bytes),
            Value::Array(items) => serializer.collect_seq(items),
            Value::Object(entries) => serializer.collect_map(entries),
        }
    }
}

/// Builds a [`Value`] from anything serializable.
pub(super) struct Serializer;

fn integer<T: TryInto<i64> + TryInto<u64> + Copy>(number: T) -> Result<Value, ValueError> {
    if let Ok(n) = TryInto::<u64>::try_into(number) {
        return Ok(Value::from(n));
    }
    match TryInto::<i64>::try_into(number) {
        Ok(n) => Ok(Value::from(n)),
        Err(_) => Err(ValueError::custom("number out of range")),
    }
}

impl serde::Serializer for Serializer {
    type Ok = Value;
    type Error = ValueError;
    type SerializeSeq = SerializeSeq;
    type SerializeTuple = SerializeSeq;
    type SerializeTupleStruct = SerializeSeq;
    type SerializeTupleVariant = SerializeTupleVariant;
    type SerializeMap = SerializeMap;
    type SerializeStruct = SerializeMap;
    type SerializeStructVariant = SerializeStructVariant;

    fn serialize_bool(self, flag: bool) -> Result<Value, ValueError> {
        Ok(Value::Bool(flag))
    }

    fn serialize_i8(self, number: i8) -> Result<Value, ValueError> {
        Ok(Value::from(number))
    }

    fn serialize_i16(self, number: i16) -> Result<Value, ValueError> {
        Ok(Value::from(number))
    }

    fn serialize_i32(self, number: i32) -> Result<Value, ValueError> {
        Ok(Value::from(number))
    }

    fn serialize_i64(self, number: i64) -> Result<Value, ValueError> {
        Ok(Value::from(number))
    }

    fn serialize_i128(self, number: i128) -> Result<Value, ValueError> {
        integer(number)
    }

    fn serialize_u8(self, number: u8) -> Result<Value, ValueError> {
        Ok(Value::from(number))
    }

    fn serialize_u16(self, number: u16) -> Result<Value, ValueError> {
        Ok(Value::from(number))
    }

    fn serialize_u32(self, number: u32) -> Result<Value, ValueError> {
        Ok(Value::from(number))
    }

    fn serialize_u64(self, number: u64) -> Result<Value, ValueError> {
        Ok(Value::from(number))
    }

    fn serialize_u128(self, number: u128) -> Result<Value, ValueError> {
        integer(number)
    }

    fn serialize_f32(self, number: f32) -> Result<Value, ValueError> {
        Ok(Value::from(number))
    }

    fn serialize_f64(self, number: f64) -> Result<Value, ValueError> {
        Ok(Value::from(number))
    }

    fn serialize_char(self, character: char) -> Result<Value, ValueError> {
        Ok(Value::String(character.to_string()))
    }

    fn serialize_str(self, text: &str) -> Result<Value, ValueError> {
        Ok(Value::from(text))
    }

    fn serialize_bytes(self, bytes: &[u8]) -> Result<Value, ValueError> {
        Ok(Value::Bytes(Bytes::from(bytes)))
    }

    fn serialize_none(self) -> Result<Value, ValueError> {
        Ok(Value::Null)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Value, ValueError> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<Value, ValueError> {
        Ok(Value::Null)
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<Value, ValueError> {
        Ok(Value::Null)
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Value, ValueError> {
        Ok(Value::from(variant))
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Value, ValueError> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Value, ValueError> {
        let mut entries = Map::with_capacity(1);
        entries.insert(variant, value.serialize(self)?);
        Ok(Value::Object(entries))
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<SerializeSeq, ValueError> {
        Ok(SerializeSeq(Vec::with_capacity(len.unwrap_or(0))))
    }

    fn serialize_tuple(self, len: usize) -> Result<SerializeSeq, ValueError> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<SerializeSeq, ValueError> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<SerializeTupleVariant, ValueError> {
        Ok(SerializeTupleVariant {
            variant,
            items: Vec::with_capacity(len),
        })
    }

    fn serialize_map(self, len: Option<usize>) -> Result<SerializeMap, ValueError> {
        Ok(SerializeMap {
            entries: Map::with_capacity(len.unwrap_or(0)),
            key: None,
        })
    }

    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<SerializeMap, ValueError> {
        self.serialize_map(Some(len))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<SerializeStructVariant, ValueError> {
        Ok(SerializeStructVariant {
            variant,
            entries: Map::with_capacity(len),
        })
    }

    fn collect_str<T: std::fmt::Display + ?Sized>(self, value: &T) -> Result<Value, ValueError> {
        Ok(Value::String(value.to_string()))
    }
}

pub(super) struct SerializeSeq(Vec<Value>);

impl serde::ser::SerializeSeq for SerializeSeq {
    type Ok = Value;
    type Error = ValueError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ValueError> {
        self.0.push(value.serialize(Serializer)?);
        Ok(())
    }

    fn end(self) -> Result<Value, ValueError> {
        Ok(Value::Array(self.0))
    }
}

impl serde::ser::SerializeTuple for SerializeSeq {
    type Ok = Value;
    type Error = ValueError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ValueError> {
        serde::ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<Value, ValueError> {
        serde::ser::SerializeSeq::end(self)
    }
}

impl serde::ser::SerializeTupleStruct for SerializeSeq {
    type Ok = Value;
    type Error = ValueError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ValueError> {
        serde::ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<Value, ValueError> {
        serde::ser::SerializeSeq::end(self)
    }
}

pub(super) struct SerializeTupleVariant {
    variant: &'static str,
    items: Vec<Value>,
}

impl serde::ser::SerializeTupleVariant for SerializeTupleVariant {
    type Ok = Value;
    type Error = ValueError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ValueError> {
        self.items.push(value.serialize(Serializer)?);
        Ok(())
    }

    fn end(self) -> Result<Value, ValueError> {
        let mut entries = Map::with_capacity(1);
        entries.insert(self.variant, Value::Array(self.items));
        Ok(Value::Object(entries))
    }
}

pub(super) struct SerializeMap {
    entries: Map,
    key: Option<String>,
}

impl serde::ser::SerializeMap for SerializeMap {
    type Ok = Value;
    type Error = ValueError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), ValueError> {
        self.key = Some(key.serialize(KeySerializer)?);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ValueError> {
        let key = self
            .key
            .take()
            .ok_or_else(|| ValueError::custom("serialize_value called before serialize_key"))?;
        self.entries.insert(key, value.serialize(Serializer)?);
        Ok(())
    }

    fn end(self) -> Result<Value, ValueError> {
        Ok(Value::Object(self.entries))
    }
}

impl serde::ser::SerializeStruct for SerializeMap {
    type Ok = Value;
    type Error = ValueError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), ValueError> {
        self.entries.insert(key, value.serialize(Serializer)?);
        Ok(())
    }

    fn end(self) -> Result<Value, ValueError> {
        Ok(Value::Object(self.entries))
    }
}

pub(super) struct SerializeStructVariant {
    variant: &'static str,
    entries: Map,
}

impl serde::ser::SerializeStructVariant for SerializeStructVariant {
    type Ok = Value;
    type Error = ValueError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), ValueError> {
        self.entries.insert(key, value.serialize(Serializer)?);
        Ok(())
    }

    fn end(self) -> Result<Value, ValueError> {
        let mut outer = Map::with_capacity(1);
        outer.insert(self.variant, Value::Object(self.entries));
        Ok(Value::Object(outer))
    }
}

/// Writes a map key as the string JSON would give it: strings and characters as they
/// are, numbers and booleans as their text.
struct KeySerializer;

fn key_must_be_a_string() -> ValueError {
    ValueError::custom("key must be a string")
}

macro_rules! key_to_string {
    ($($method:ident: $type:ty),*) => {$(
        fn $method(self, key: $type) -> Result<String, ValueError> {
            Ok(key.to_string())
        }
    )*};
}

impl serde::Serializer for KeySerializer {
    type Ok = String;
    type Error = ValueError;
    type SerializeSeq = Impossible<String, ValueError>;
    type SerializeTuple = Impossible<String, ValueError>;
    type SerializeTupleStruct = Impossible<String, ValueError>;
    type SerializeTupleVariant = Impossible<String, ValueError>;
    type SerializeMap = Impossible<String, ValueError>;
    type SerializeStruct = Impossible<String, ValueError>;
    type SerializeStructVariant = Impossible<String, ValueError>;

    key_to_string!(
        serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_i128: i128, serialize_u8: u8, serialize_u16: u16,
        serialize_u32: u32, serialize_u64: u64, serialize_u128: u128, serialize_char: char
    );

    fn serialize_f32(self, key: f32) -> Result<String, ValueError> {
        self.serialize_f64(f64::from(key))
    }

    fn serialize_f64(self, key: f64) -> Result<String, ValueError> {
        Number::from_f64(key)
            .map(|number| number.to_string())
            .ok_or_else(|| ValueError::custom("float key must be finite"))
    }

    fn serialize_str(self, key: &str) -> Result<String, ValueError> {
        Ok(key.to_owned())
    }

    fn serialize_bytes(self, _key: &[u8]) -> Result<String, ValueError> {
        Err(key_must_be_a_string())
    }

    fn serialize_none(self) -> Result<String, ValueError> {
        Err(key_must_be_a_string())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _key: &T) -> Result<String, ValueError> {
        Err(key_must_be_a_string())
    }

    fn serialize_unit(self) -> Result<String, ValueError> {
        Err(key_must_be_a_string())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<String, ValueError> {
        Err(key_must_be_a_string())
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<String, ValueError> {
        Ok(variant.to_owned())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        key: &T,
    ) -> Result<String, ValueError> {
        key.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _key: &T,
    ) -> Result<String, ValueError> {
        Err(key_must_be_a_string())
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, ValueError> {
        Err(key_must_be_a_string())
    }

    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, ValueError> {
        Err(key_must_be_a_string())
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, ValueError> {
        Err(key_must_be_a_string())
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, ValueError> {
        Err(key_must_be_a_string())
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, ValueError> {
        Err(key_must_be_a_string())
    }

    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, ValueError> {
        Err(key_must_be_a_string())
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, ValueError> {
        Err(key_must_be_a_string())
    }

    fn collect_str<T: std::fmt::Display + ?Sized>(self, key: &T) -> Result<String, ValueError> {
        Ok(key.to_string())
    }
}

#[cfg(test)]
mod tests {
    use crate::value::{to_value, Bytes, Value};
    use serde_json::json;
    use std::collections::BTreeMap;

    #[derive(serde::Serialize)]
    struct Report {
        title: &'static str,
        chart: Bytes,
        pages: Vec<Bytes>,
        sizes: BTreeMap<u32, f64>,
    }

    #[test]
    fn bytes_stay_bytes_and_the_rest_is_what_serde_json_makes_of_it() {
        let report = Report {
            title: "r",
            chart: Bytes::from(vec![1, 2]),
            pages: vec![Bytes::new()],
            sizes: BTreeMap::from([(1, 0.5), (20, f64::NAN)]),
        };
        let value = to_value(&report).expect("serializes");
        assert_eq!(value["chart"], Value::from(Bytes::from(vec![1, 2])));
        assert_eq!(value["pages"][0], Value::from(Bytes::new()));
        assert_eq!(value["sizes"], json!({ "1": 0.5, "20": null }));
        assert_eq!(value["title"], json!("r"));
    }

    #[test]
    fn json_values_serialize_to_themselves() {
        let json = json!({ "z": [1, -2, 3.5, "x", null, true], "a": {} });
        assert_eq!(to_value(&json).expect("serializes"), json);
    }
}
