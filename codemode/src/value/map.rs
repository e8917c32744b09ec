//! The entries of an object value, in the order JavaScript lists them.

use super::Value;
use foldhash::fast::RandomState;
use indexmap::IndexMap;
use std::fmt;
use std::ops::Index;

/// Entries a map holds in a plain list, found by comparing keys; past this many it
/// indexes them by hash. Most objects that cross the bridge are records of a few keys,
/// for which a hash table costs more than it saves.
const FEW: usize = 8;

/// The entries of an object [`Value`], keeping their order: JavaScript's order of
/// own keys on the way in, insertion order otherwise.
#[derive(Clone)]
pub struct Map {
    entries: Entries,
}

#[derive(Clone)]
enum Entries {
    /// Up to [`FEW`] entries.
    Few(Vec<(String, Value)>),
    /// More, with keys hashed by a seeded foldhash: objects are many and their keys
    /// short, where SipHash costs more than building the rest of the entry.
    Many(IndexMap<String, Value, RandomState>),
}

impl Default for Map {
    fn default() -> Self {
        Self {
            entries: Entries::Few(Vec::new()),
        }
    }
}

impl Map {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty map with room for `capacity` entries.
    pub fn with_capacity(capacity: usize) -> Self {
        let entries = if capacity <= FEW {
            Entries::Few(Vec::with_capacity(capacity))
        } else {
            Entries::Many(IndexMap::with_capacity_and_hasher(
                capacity,
                RandomState::default(),
            ))
        };
        Self { entries }
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        match &self.entries {
            Entries::Few(entries) => entries.len(),
            Entries::Many(entries) => entries.len(),
        }
    }

    /// Whether it has no entries.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match &self.entries {
            Entries::Few(entries) => entries
                .iter()
                .find_map(|(name, value)| (name == key).then_some(value)),
            Entries::Many(entries) => entries.get(key),
        }
    }

    /// The value under `key`, to change it.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        match &mut self.entries {
            Entries::Few(entries) => entries
                .iter_mut()
                .find_map(|(name, value)| (name == key).then_some(value)),
            Entries::Many(entries) => entries.get_mut(key),
        }
    }

    /// Whether there is a value under `key`.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets the value under `key`, returning the one it replaces. A new key goes last;
    /// a replaced one keeps its place.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<Value>) -> Option<Value> {
        let (key, value) = (key.into(), value.into());
        let entries = match &mut self.entries {
            Entries::Few(entries) => entries,
            Entries::Many(entries) => return entries.insert(key, value),
        };
        if let Some((_, old)) = entries.iter_mut().find(|(name, _)| *name == key) {
            return Some(std::mem::replace(old, value));
        }
        if entries.len() < FEW {
            entries.push((key, value));
            return None;
        }
        let mut many = IndexMap::with_capacity_and_hasher(2 * FEW, RandomState::default());
        many.extend(entries.drain(..));
        many.insert(key, value);
        self.entries = Entries::Many(many);
        None
    }

    /// Removes and returns the value under `key`; the other entries keep their order.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        match &mut self.entries {
            Entries::Few(entries) => {
                let position = entries.iter().position(|(name, _)| name == key)?;
                Some(entries.remove(position).1)
            }
            Entries::Many(entries) => entries.shift_remove(key),
        }
    }

    /// The entries in order.
    pub fn iter(&self) -> Iter<'_> {
        Iter(match &self.entries {
            Entries::Few(entries) => Either::Few(entries.iter()),
            Entries::Many(entries) => Either::Many(entries.iter()),
        })
    }

    /// The entries in order, values mutable.
    pub fn iter_mut(&mut self) -> IterMut<'_> {
        IterMut(match &mut self.entries {
            Entries::Few(entries) => Either::Few(entries.iter_mut()),
            Entries::Many(entries) => Either::Many(entries.iter_mut()),
        })
    }

    /// The keys in order.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &String> + DoubleEndedIterator {
        self.iter().map(|(key, _)| key)
    }

    /// The values in order.
    pub fn values(&self) -> impl ExactSizeIterator<Item = &Value> + DoubleEndedIterator {
        self.iter().map(|(_, value)| value)
    }
}

/// Two maps are equal when they hold the same keys with equal values, in any order.
impl PartialEq for Map {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len()
            && self
                .iter()
                .all(|(key, value)| other.get(key) == Some(value))
    }
}

impl fmt::Debug for Map {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Index<&str> for Map {
    type Output = Value;

    /// The value under `key`; panics when there is none, as maps do.
    fn index(&self, key: &str) -> &Value {
        match self.get(key) {
            Some(value) => value,
            None => panic!("no entry for key {key:?}"),
        }
    }
}

impl FromIterator<(String, Value)> for Map {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(entries: I) -> Self {
        let mut map = Map::new();
        map.extend(entries);
        map
    }
}

impl Extend<(String, Value)> for Map {
    fn extend<I: IntoIterator<Item = (String, Value)>>(&mut self, entries: I) {
        for (key, value) in entries {
            self.insert(key, value);
        }
    }
}

impl IntoIterator for Map {
    type Item = (String, Value);
    type IntoIter = IntoIter;

    fn into_iter(self) -> IntoIter {
        IntoIter(match self.entries {
            Entries::Few(entries) => Either::Few(entries.into_iter()),
            Entries::Many(entries) => Either::Many(entries.into_iter()),
        })
    }
}

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a String, &'a Value);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl<'a> IntoIterator for &'a mut Map {
    type Item = (&'a String, &'a mut Value);
    type IntoIter = IterMut<'a>;

    fn into_iter(self) -> IterMut<'a> {
        self.iter_mut()
    }
}

/// An iterator over one of the two forms of the entries.
enum Either<F, M> {
    Few(F),
    Many(M),
}

macro_rules! iterator {
    ($(#[$doc:meta])* $name:ident $(<$life:lifetime>)?, $few:ty, $many:ty, $item:ty, $from_few:expr) => {
        $(#[$doc])*
        pub struct $name$(<$life>)?(Either<$few, $many>);

        impl$(<$life>)? Iterator for $name$(<$life>)? {
            type Item = $item;

            fn next(&mut self) -> Option<$item> {
                match &mut self.0 {
                    Either::Few(entries) => entries.next().map($from_few),
                    Either::Many(entries) => entries.next(),
                }
            }

            fn size_hint(&self) -> (usize, Option<usize>) {
                match &self.0 {
                    Either::Few(entries) => entries.size_hint(),
                    Either::Many(entries) => entries.size_hint(),
                }
            }
        }

        impl$(<$life>)? DoubleEndedIterator for $name$(<$life>)? {
            fn next_back(&mut self) -> Option<$item> {
                match &mut self.0 {
                    Either::Few(entries) => entries.next_back().map($from_few),
                    Either::Many(entries) => entries.next_back(),
                }
            }
        }

        impl$(<$life>)? ExactSizeIterator for $name$(<$life>)? {}
    };
}

iterator!(
    /// The entries of a [`Map`], in order.
    Iter<'a>,
    std::slice::Iter<'a, (String, Value)>,
    indexmap::map::Iter<'a, String, Value>,
    (&'a String, &'a Value),
    |(key, value): &'a (String, Value)| (key, value)
);
iterator!(
    /// The entries of a [`Map`], in order, values mutable.
    IterMut<'a>,
    std::slice::IterMut<'a, (String, Value)>,
    indexmap::map::IterMut<'a, String, Value>,
    (&'a String, &'a mut Value),
    |(key, value): &'a mut (String, Value)| (&*key, value)
);
iterator!(
    /// The entries of a [`Map`], in order, owned.
    IntoIter,
    std::vec::IntoIter<(String, Value)>,
    indexmap::map::IntoIter<String, Value>,
    (String, Value),
    |entry: (String, Value)| entry
);

#[cfg(test)]
mod tests {
    use super::{Map, FEW};
    use crate::value::Value;

    fn keys(map: &Map) -> Vec<&str> {
        map.keys().map(String::as_str).collect()
    }

    #[test]
    fn order_replacement_and_removal_hold_on_both_sides_of_the_switch_to_hashing() {
        for count in [3, FEW, FEW + 1, 3 * FEW] {
            let mut map = Map::new();
            for n in 0..count {
                assert_eq!(map.insert(format!("k{n}"), n), None);
            }
            assert_eq!(map.len(), count);
            assert_eq!(map.insert("k1", "again"), Some(Value::from(1)), "{count}");
            let expected: Vec<String> = (0..count).map(|n| format!("k{n}")).collect();
            assert_eq!(keys(&map), expected, "a replaced key keeps its place");
            assert_eq!(map["k1"], Value::from("again"));
            assert_eq!(map.remove("k0"), Some(Value::from(0)));
            assert_eq!(map.remove("k0"), None);
            assert_eq!(keys(&map), expected[1..], "removal keeps the others' order");
            assert!(map.contains_key("k2") && !map.contains_key("k0"));
            if let Some(value) = map.get_mut("k2") {
                *value = Value::Null;
            }
            assert_eq!(map.get("k2"), Some(&Value::Null));
            let back: Vec<String> = map.iter().rev().map(|(key, _)| key.clone()).collect();
            assert_eq!(back.first(), expected.last(), "iterates from the back too");
            assert_eq!(map.iter().len(), count - 1);
            let owned: Vec<String> = map.into_iter().map(|(key, _)| key).collect();
            assert_eq!(owned, expected[1..]);
        }
    }

    #[test]
    fn maps_are_equal_whatever_their_order_and_form() {
        let few: Map = [("a", 1), ("b", 2)]
            .into_iter()
            .map(|(key, value)| (key.to_owned(), Value::from(value)))
            .collect();
        let mut reversed = Map::with_capacity(4 * FEW);
        reversed.insert("b", 2);
        reversed.insert("a", 1);
        assert_eq!(few, reversed);
        reversed.insert("c", 3);
        assert_ne!(few, reversed);
        let (one, two) = (Value::from(1), Value::from(2));
        assert_eq!(
            format!("{few:?}"),
            format!(r#"{{"a": {one:?}, "b": {two:?}}}"#)
        );
    }
}
