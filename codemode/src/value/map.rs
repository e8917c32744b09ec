//! The entries of an object value, in the order JavaScript lists them.

use super::Value;
use foldhash::fast::RandomState;
use indexmap::IndexMap;
use std::fmt;
use std::ops::Index;

/// The entries of an object [`Value`], keeping their order: JavaScript's order of
/// own keys on the way in, insertion order otherwise.
#[derive(Clone, Default, PartialEq)]
pub struct Map {
    /// Keys hashed with a seeded foldhash: objects are many and their keys short, where
    /// SipHash cost more than building the rest of the entry.
    entries: IndexMap<String, Value, RandomState>,
}

impl Map {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty map with room for `capacity` entries.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            entries: IndexMap::with_capacity_and_hasher(capacity, RandomState::default()),
        }
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries.get(key)
    }

    /// The value under `key`, to change it.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.entries.get_mut(key)
    }

    /// Whether there is a value under `key`.
    pub fn contains_key(&self, key: &str) -> bool {
        self.entries.contains_key(key)
    }

    /// Sets the value under `key`, returning the one it replaces. A new key goes last;
    /// a replaced one keeps its place.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<Value>) -> Option<Value> {
        self.entries.insert(key.into(), value.into())
    }

    /// Removes and returns the value under `key`; the other entries keep their order.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        self.entries.shift_remove(key)
    }

    /// The entries in order.
    pub fn iter(&self) -> Iter<'_> {
        Iter(self.entries.iter())
    }

    /// The entries in order, values mutable.
    pub fn iter_mut(&mut self) -> IterMut<'_> {
        IterMut(self.entries.iter_mut())
    }

    /// The keys in order.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &String> + DoubleEndedIterator {
        self.entries.keys()
    }

    /// The values in order.
    pub fn values(&self) -> impl ExactSizeIterator<Item = &Value> + DoubleEndedIterator {
        self.entries.values()
    }
}

impl fmt::Debug for Map {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.entries.iter()).finish()
    }
}

impl Index<&str> for Map {
    type Output = Value;

    /// The value under `key`; panics when there is none, as maps do.
    fn index(&self, key: &str) -> &Value {
        &self.entries[key]
    }
}

impl FromIterator<(String, Value)> for Map {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(entries: I) -> Self {
        Self {
            entries: entries.into_iter().collect(),
        }
    }
}

impl Extend<(String, Value)> for Map {
    fn extend<I: IntoIterator<Item = (String, Value)>>(&mut self, entries: I) {
        self.entries.extend(entries);
    }
}

impl IntoIterator for Map {
    type Item = (String, Value);
    type IntoIter = IntoIter;

    fn into_iter(self) -> IntoIter {
        IntoIter(self.entries.into_iter())
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

macro_rules! iterator {
    ($(#[$doc:meta])* $name:ident $(<$life:lifetime>)?, $inner:ty, $item:ty) => {
        $(#[$doc])*
        pub struct $name$(<$life>)?($inner);

        impl$(<$life>)? Iterator for $name$(<$life>)? {
            type Item = $item;

            fn next(&mut self) -> Option<$item> {
                self.0.next()
            }

            fn size_hint(&self) -> (usize, Option<usize>) {
                self.0.size_hint()
            }
        }

        impl$(<$life>)? DoubleEndedIterator for $name$(<$life>)? {
            fn next_back(&mut self) -> Option<$item> {
                self.0.next_back()
            }
        }

        impl$(<$life>)? ExactSizeIterator for $name$(<$life>)? {}
    };
}

iterator!(
    /// The entries of a [`Map`], in order.
    Iter<'a>, indexmap::map::Iter<'a, String, Value>, (&'a String, &'a Value)
);
iterator!(
    /// The entries of a [`Map`], in order, values mutable.
    IterMut<'a>, indexmap::map::IterMut<'a, String, Value>, (&'a String, &'a mut Value)
);
iterator!(
    /// The entries of a [`Map`], in order, owned.
    IntoIter, indexmap::map::IntoIter<String, Value>, (String, Value)
);
