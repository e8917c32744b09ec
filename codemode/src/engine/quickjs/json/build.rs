//! Builds values as `JSON.parse` does, for the reader here and for host answers: plain
//! objects whose members are defined (not assigned) in order, arrays made at once from
//! their elements, and one atom per distinct key for the whole value.

use super::{Owned, Thrown};
use rquickjs::qjs;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// The atoms of the keys met so far, held until the cache is dropped.
pub(in crate::engine::quickjs) struct Keys<'k> {
    ctx: *mut qjs::JSContext,
    atoms: HashMap<&'k [u8], qjs::JSAtom, BuildHasherDefault<Fnv>>,
}

impl<'k> Keys<'k> {
    pub(in crate::engine::quickjs) fn new(ctx: *mut qjs::JSContext) -> Self {
        Self {
            ctx,
            atoms: HashMap::default(),
        }
    }

    /// The atom of the UTF-8 key `name`.
    pub(in crate::engine::quickjs) fn atom(
        &mut self,
        name: &'k [u8],
    ) -> Result<qjs::JSAtom, Thrown> {
        if let Some(atom) = self.atoms.get(name) {
            return Ok(*atom);
        }
        // SAFETY: UTF-8 text of the given length.
        let atom = unsafe { qjs::JS_NewAtomLen(self.ctx, name.as_ptr().cast(), name.len() as _) };
        if atom == qjs::JS_ATOM_NULL {
            return Err(Thrown);
        }
        self.atoms.insert(name, atom);
        Ok(atom)
    }
}

impl Drop for Keys<'_> {
    fn drop(&mut self) {
        for atom in self.atoms.values() {
            // SAFETY: releases the atoms `JS_NewAtomLen` returned.
            unsafe { qjs::JS_FreeAtom(self.ctx, *atom) };
        }
    }
}

/// FNV-1a: keys are short, and hashing them must cost less than the engine's own
/// atom lookup it saves.
#[derive(Default)]
pub(in crate::engine::quickjs) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for byte in bytes {
            hash = (hash ^ *byte as u64).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

/// A new plain object.
pub(in crate::engine::quickjs) fn object(ctx: *mut qjs::JSContext) -> Result<Owned, Thrown> {
    // SAFETY: creates a value of this context, owned by the guard.
    unsafe { Owned::new(ctx, qjs::JS_NewObject(ctx)) }.ok_or(Thrown)
}

/// Defines `object[key] = value` as a writable, enumerable, configurable own property,
/// as `JSON.parse` does: `__proto__` stays an ordinary key, a repeated key keeps its
/// first place, and no setter runs.
pub(in crate::engine::quickjs) fn define(
    object: &Owned,
    key: qjs::JSAtom,
    value: Owned,
) -> Result<(), Thrown> {
    // SAFETY: the definition takes the value; the atom is held by the caller.
    let defined = unsafe {
        qjs::JS_DefinePropertyValue(
            object.ctx,
            object.value,
            key,
            value.into_raw(),
            qjs::JS_PROP_C_W_E as i32,
        )
    };
    if defined < 0 {
        Err(Thrown)
    } else {
        Ok(())
    }
}

/// A new array of `items`.
pub(in crate::engine::quickjs) fn array(
    ctx: *mut qjs::JSContext,
    items: Vec<Owned>,
) -> Result<Owned, Thrown> {
    let Ok(count) = i32::try_from(items.len()) else {
        // SAFETY: throws on a live context.
        unsafe { qjs::JS_ThrowOutOfMemory(ctx) };
        return Err(Thrown);
    };
    let mut raw: Vec<qjs::JSValue> = items.into_iter().map(Owned::into_raw).collect();
    // SAFETY: the engine takes the values, also when it fails.
    let array = unsafe { qjs::JS_NewArrayFrom(ctx, count, raw.as_mut_ptr()) };
    // SAFETY: a value the engine just returned.
    unsafe { Owned::new(ctx, array) }.ok_or(Thrown)
}

/// A new string of UTF-8 `text`.
pub(in crate::engine::quickjs) fn string(
    ctx: *mut qjs::JSContext,
    text: &[u8],
) -> Result<Owned, Thrown> {
    // SAFETY: UTF-8 text of the given length; the engine copies it.
    unsafe {
        Owned::new(
            ctx,
            qjs::JS_NewStringLen(ctx, text.as_ptr().cast(), text.len() as _),
        )
    }
    .ok_or(Thrown)
}
