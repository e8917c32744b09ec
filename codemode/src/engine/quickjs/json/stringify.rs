//! `JSON.stringify` without a replacer: the engine's walk (`js_json_to_str`) step for
//! step, writing into one buffer instead of allocating a string per key and value.
//!
//! The steps that run code are the engine's own calls: `JS_GetProperty` for values
//! (getters, proxy `get` traps) and for `toJSON`, `JS_GetOwnPropertyNames` with the
//! engine's flags for keys (proxy `ownKeys` and `getOwnPropertyDescriptor` traps),
//! `JS_GetLength` and `Array.isArray` for arrays, `ToString` and `ToNumber` for
//! `String` and `Number` objects. Deep nesting meets the engine's stack limit, which
//! the walk asks the engine to check once it is [`SHALLOW`] below the call.

use super::output::Output;
use super::text::{self, Sink};
use super::{argument, data_int, slot, tag, Owned, Thrown};
use rquickjs::qjs;
use std::collections::HashMap;
use std::ffi::c_void;
use std::ptr;

/// Native stack the walk uses below the call to `JSON.stringify` before each object
/// asks the engine whether its stack limit is reached. The engine threads keep 1 MiB
/// of stack beyond that limit, so the walk can never get near the end of the stack.
const SHALLOW: usize = 32 * 1024;

/// Most distinct keys whose quoted text is kept during one call.
const CACHED_KEYS: usize = 4096;

/// Most bytes of quoted key text kept during one call.
const CACHED_KEY_BYTES: usize = 256 * 1024;

/// `JSON.stringify(value, replacer, space)`.
///
/// # Safety
/// Called by the engine with the function data [`super::install`] gave it.
pub(super) unsafe extern "C" fn entry(
    ctx: *mut qjs::JSContext,
    this: qjs::JSValue,
    argc: i32,
    argv: *mut qjs::JSValue,
    _magic: i32,
    data: *mut qjs::JSValue,
) -> qjs::JSValue {
    // SAFETY: the engine passes `argc` arguments and the function's data.
    unsafe {
        let value = argument(argc, argv, 0);
        let replacer = argument(argc, argv, 1);
        let space = argument(argc, argv, 2);
        if tag(replacer) == qjs::JS_TAG_OBJECT || tag(space) == qjs::JS_TAG_OBJECT {
            return qjs::JS_Call(ctx, *data.add(slot::ORIGINAL), this, argc, argv);
        }
        let Ok(gap) = gap(ctx, space) else {
            return qjs::JS_EXCEPTION;
        };
        let marker = 0u8;
        let mut walk = Walk {
            ctx,
            data,
            out: Output::new(ctx),
            gap,
            indent: Vec::new(),
            ancestors: Vec::new(),
            keys: HashMap::new(),
            key_text: Vec::new(),
            shallow_end: (ptr::addr_of!(marker) as usize).saturating_sub(SHALLOW),
        };
        if walk.gap.contains(&0xed) {
            walk.out.mark_wtf8();
        }
        match walk.run(qjs::JS_DupValue(ctx, value)) {
            Ok(true) => std::mem::replace(&mut walk.out, Output::new(ctx)).into_string(),
            Ok(false) => qjs::JS_UNDEFINED,
            Err(Thrown) => qjs::JS_EXCEPTION,
        }
    }
}

/// The indentation unit `space` asks for: up to ten spaces for a number, the first ten
/// code units of a string, nothing otherwise. WTF-8.
unsafe fn gap(ctx: *mut qjs::JSContext, space: qjs::JSValue) -> Result<Vec<u8>, Thrown> {
    // SAFETY: `space` is a live value of `ctx`.
    unsafe {
        let width = match tag(space) {
            qjs::JS_TAG_INT => qjs::JS_VALUE_GET_INT(space).clamp(0, 10) as usize,
            qjs::JS_TAG_FLOAT64 => {
                let number = qjs::JS_VALUE_GET_FLOAT64(space);
                if number.is_nan() {
                    0
                } else {
                    number.trunc().clamp(0.0, 10.0) as usize
                }
            }
            qjs::JS_TAG_STRING | qjs::JS_TAG_STRING_ROPE => {
                let text = Text::of(ctx, space)?;
                return Ok(first_units(text.bytes(), 10));
            }
            _ => 0,
        };
        Ok(vec![b' '; width])
    }
}

/// The first `count` UTF-16 code units of WTF-8 `text`, as WTF-8: an astral character
/// cut in two leaves its high surrogate.
fn first_units(text: &[u8], count: usize) -> Vec<u8> {
    let mut units = 0;
    let mut at = 0;
    while at < text.len() && units < count {
        let width = match text[at] {
            0..=0x7f => 1,
            0xc0..=0xdf => 2,
            0xe0..=0xef => 3,
            _ => 4,
        };
        if width == 4 && units + 1 == count {
            let code = super::output::utf16(&text[at..(at + 4).min(text.len())]);
            let high = code.first().copied().unwrap_or(0xd800) as u32;
            let mut cut = text[..at].to_vec();
            cut.extend_from_slice(&[
                0xe0 | (high >> 12) as u8,
                0x80 | ((high >> 6) & 0x3f) as u8,
                0x80 | (high & 0x3f) as u8,
            ]);
            return cut;
        }
        units += if width == 4 { 2 } else { 1 };
        at += width;
    }
    text[..at.min(text.len())].to_vec()
}

/// The key a value sits under, passed to its `toJSON` method.
#[derive(Clone, Copy)]
enum Key {
    Root,
    Index(i64),
    Atom(qjs::JSAtom),
}

struct Walk {
    ctx: *mut qjs::JSContext,
    data: *mut qjs::JSValue,
    out: Output,
    gap: Vec<u8>,
    /// The gap repeated once per level of the value being written.
    indent: Vec<u8>,
    /// The objects being written, outermost first, to find cycles.
    ancestors: Vec<*mut c_void>,
    /// Where the quoted text of a key is in `key_text`. Each key's atom is held until
    /// the walk ends, so that no other key can take its number meanwhile.
    keys: HashMap<qjs::JSAtom, (usize, usize)>,
    key_text: Vec<u8>,
    /// The stack address below which the engine's stack limit is checked.
    shallow_end: usize,
}

impl Walk {
    /// Writes `value`; false when JSON has no text for it.
    fn run(&mut self, value: qjs::JSValue) -> Result<bool, Thrown> {
        // SAFETY: the caller duplicated the value for this guard.
        let value = unsafe { Owned::new(self.ctx, value) }.ok_or(Thrown)?;
        match self.check(value, Key::Root)? {
            Some(value) => self.write(value).map(|()| true),
            None => Ok(false),
        }
    }

    /// The value to write under `key`: the result of its `toJSON` method if it has
    /// one, `None` when that is a value JSON skips (`undefined`, a function, a symbol).
    fn check(&mut self, mut value: Owned, key: Key) -> Result<Option<Owned>, Thrown> {
        let ctx = self.ctx;
        // SAFETY: every value here is owned by a guard of this context.
        unsafe {
            let kind = tag(value.value);
            if kind == qjs::JS_TAG_OBJECT
                || kind == qjs::JS_TAG_BIG_INT
                || kind == qjs::JS_TAG_SHORT_BIG_INT
            {
                let method = qjs::JS_GetProperty(ctx, value.value, qjs::JS_ATOM_toJSON as _);
                let method = Owned::new(ctx, method).ok_or(Thrown)?;
                if qjs::JS_IsFunction(ctx, method.value) {
                    let key = self.key_value(key)?;
                    let mut args = [key.value];
                    let result = qjs::JS_Call(ctx, method.value, value.value, 1, args.as_mut_ptr());
                    value = Owned::new(ctx, result).ok_or(Thrown)?;
                }
            }
            Ok(match tag(value.value) {
                qjs::JS_TAG_OBJECT if qjs::JS_IsFunction(ctx, value.value) => None,
                qjs::JS_TAG_OBJECT
                | qjs::JS_TAG_STRING
                | qjs::JS_TAG_STRING_ROPE
                | qjs::JS_TAG_INT
                | qjs::JS_TAG_FLOAT64
                | qjs::JS_TAG_BOOL
                | qjs::JS_TAG_NULL
                | qjs::JS_TAG_SHORT_BIG_INT
                | qjs::JS_TAG_BIG_INT => Some(value),
                _ => None,
            })
        }
    }

    /// The key as the string `toJSON` is passed.
    fn key_value(&self, key: Key) -> Result<Owned, Thrown> {
        // SAFETY: creates new values of this context.
        unsafe {
            let value = match key {
                Key::Root => qjs::JS_AtomToString(self.ctx, qjs::JS_ATOM_empty_string as _),
                Key::Index(index) => {
                    let mut digits = itoa::Buffer::new();
                    let digits = digits.format(index);
                    qjs::JS_NewStringLen(self.ctx, digits.as_ptr().cast(), digits.len() as _)
                }
                Key::Atom(atom) => qjs::JS_AtomToString(self.ctx, atom),
            };
            Owned::new(self.ctx, value).ok_or(Thrown)
        }
    }

    /// Past [`SHALLOW`], calls a native function, which makes the engine check its
    /// stack limit and throw its own stack overflow error when it is reached.
    fn check_stack(&self) -> Result<(), Thrown> {
        let marker = 0u8;
        if (ptr::addr_of!(marker) as usize) >= self.shallow_end {
            return Ok(());
        }
        // SAFETY: calls `Array.isArray` with no argument, which runs no program code.
        unsafe {
            let answer = qjs::JS_Call(
                self.ctx,
                *self.data.add(slot::IS_ARRAY),
                qjs::JS_UNDEFINED,
                0,
                ptr::null_mut(),
            );
            Owned::new(self.ctx, answer).map(drop).ok_or(Thrown)
        }
    }

    fn write(&mut self, value: Owned) -> Result<(), Thrown> {
        // SAFETY: the value is owned by its guard.
        unsafe {
            match tag(value.value) {
                qjs::JS_TAG_OBJECT => self.object(value),
                qjs::JS_TAG_STRING | qjs::JS_TAG_STRING_ROPE => self.string(value.value),
                qjs::JS_TAG_FLOAT64 => {
                    let number = qjs::JS_VALUE_GET_FLOAT64(value.value);
                    if number.is_finite() {
                        text::number(&mut self.out, number)
                    } else {
                        self.out.push(b"null")
                    }
                }
                qjs::JS_TAG_INT => self.out.push(
                    itoa::Buffer::new()
                        .format(qjs::JS_VALUE_GET_INT(value.value))
                        .as_bytes(),
                ),
                qjs::JS_TAG_BOOL => self.out.push(if qjs::JS_VALUE_GET_BOOL(value.value) {
                    b"true"
                } else {
                    b"false"
                }),
                qjs::JS_TAG_NULL => self.out.push(b"null"),
                qjs::JS_TAG_BIG_INT | qjs::JS_TAG_SHORT_BIG_INT => {
                    qjs::JS_ThrowTypeError(
                        self.ctx,
                        c"BigInt are forbidden in JSON.stringify".as_ptr(),
                    );
                    Err(Thrown)
                }
                _ => Ok(()),
            }
        }
    }

    fn class(&self, index: usize) -> u32 {
        // SAFETY: the function data holds the class ids `install` stored.
        unsafe { data_int(self.data, index) }
    }

    fn object(&mut self, value: Owned) -> Result<(), Thrown> {
        self.check_stack()?;
        let ctx = self.ctx;
        // SAFETY: every value here is owned by a guard of this context.
        unsafe {
            let class = qjs::JS_GetClassID(value.value);
            if class == self.class(slot::STRING_CLASS) {
                let text = Owned::new(ctx, qjs::JS_ToString(ctx, value.value)).ok_or(Thrown)?;
                return self.string(text.value);
            }
            if class == self.class(slot::NUMBER_CLASS) {
                let mut number = 0.0;
                if qjs::JS_ToFloat64(ctx, &mut number, value.value) < 0 {
                    return Err(Thrown);
                }
                return self.write(Owned::new(ctx, qjs::JS_NewFloat64(number)).ok_or(Thrown)?);
            }
            let boxed = if class == self.class(slot::BOOLEAN_CLASS) {
                Some(slot::BOOLEAN_VALUE)
            } else if class == self.class(slot::BIG_INT_CLASS) {
                Some(slot::BIG_INT_VALUE)
            } else {
                None
            };
            if let Some(unbox) = boxed {
                let inner =
                    qjs::JS_Call(ctx, *self.data.add(unbox), value.value, 0, ptr::null_mut());
                return self.write(Owned::new(ctx, inner).ok_or(Thrown)?);
            }
            if class == self.class(slot::RAW_JSON_CLASS) {
                let raw = qjs::JS_GetProperty(ctx, value.value, qjs::JS_ATOM_rawJSON as _);
                let raw = Owned::new(ctx, raw).ok_or(Thrown)?;
                return self.raw(raw.value);
            }
            let address = qjs::JS_VALUE_GET_PTR(value.value);
            if self.ancestors.contains(&address) {
                qjs::JS_ThrowTypeError(ctx, c"circular reference".as_ptr());
                return Err(Thrown);
            }
            let outer = self.indent.len();
            self.indent.extend_from_slice(&self.gap);
            self.ancestors.push(address);
            let is_array = if qjs::JS_IsProxy(value.value) {
                let mut args = [value.value];
                let answer = qjs::JS_Call(
                    ctx,
                    *self.data.add(slot::IS_ARRAY),
                    qjs::JS_UNDEFINED,
                    1,
                    args.as_mut_ptr(),
                );
                let answer = Owned::new(ctx, answer).ok_or(Thrown)?;
                qjs::JS_ToBool(ctx, answer.value) > 0
            } else {
                class == self.class(slot::ARRAY_CLASS)
            };
            if is_array {
                self.array(&value, outer)?;
            } else {
                self.members(&value, outer)?;
            }
            self.ancestors.pop();
            self.indent.truncate(outer);
            Ok(())
        }
    }

    fn array(&mut self, array: &Owned, outer: usize) -> Result<(), Thrown> {
        let ctx = self.ctx;
        // SAFETY: `array` is a live object; every element is owned by a guard.
        unsafe {
            let mut length = 0i64;
            if qjs::JS_GetLength(ctx, array.value, &mut length) < 0 {
                return Err(Thrown);
            }
            self.out.byte(b'[')?;
            for index in 0..length {
                if index > 0 {
                    self.out.byte(b',')?;
                }
                self.line(self.indent.len())?;
                let item = qjs::JS_GetPropertyInt64(ctx, array.value, index);
                let item = Owned::new(ctx, item).ok_or(Thrown)?;
                match self.check(item, Key::Index(index))? {
                    Some(item) => self.write(item)?,
                    None => self.out.push(b"null")?,
                }
            }
            if length > 0 {
                self.line(outer)?;
            }
            self.out.byte(b']')
        }
    }

    fn members(&mut self, object: &Owned, outer: usize) -> Result<(), Thrown> {
        let ctx = self.ctx;
        // SAFETY: `object` is a live object; the key table is freed by its guard and
        // every value is owned by a guard.
        unsafe {
            let mut table = ptr::null_mut();
            let mut count = 0u32;
            let flags = (qjs::JS_GPN_STRING_MASK | qjs::JS_GPN_ENUM_ONLY) as i32;
            if qjs::JS_GetOwnPropertyNames(ctx, &mut table, &mut count, object.value, flags) < 0 {
                return Err(Thrown);
            }
            let names = Names { ctx, table, count };
            self.out.byte(b'{')?;
            let mut written = false;
            for index in 0..names.count as usize {
                let atom = (*names.table.add(index)).atom;
                let item = qjs::JS_GetProperty(ctx, object.value, atom);
                let item = Owned::new(ctx, item).ok_or(Thrown)?;
                let Some(item) = self.check(item, Key::Atom(atom))? else {
                    continue;
                };
                if written {
                    self.out.byte(b',')?;
                }
                self.line(self.indent.len())?;
                self.key(atom)?;
                self.out.byte(b':')?;
                if !self.gap.is_empty() {
                    self.out.byte(b' ')?;
                }
                self.write(item)?;
                written = true;
            }
            if written {
                self.line(outer)?;
            }
            self.out.byte(b'}')
        }
    }

    /// With a gap, a line break and the first `indent` bytes of the indentation.
    fn line(&mut self, indent: usize) -> Result<(), Thrown> {
        if self.gap.is_empty() {
            return Ok(());
        }
        self.out.byte(b'\n')?;
        self.out.push(&self.indent[..indent])
    }

    /// Writes the quoted key of `atom`.
    fn key(&mut self, atom: qjs::JSAtom) -> Result<(), Thrown> {
        if let Some(&(start, end)) = self.keys.get(&atom) {
            return self.out.push(&self.key_text[start..end]);
        }
        let mut length = 0;
        // SAFETY: `atom` is held by the key table; the C string is freed below.
        let quoted = unsafe {
            let name = qjs::JS_AtomToCStringLen(self.ctx, &mut length, atom);
            if name.is_null() {
                return Err(Thrown);
            }
            let length = length as usize;
            let mut quoted = Vec::with_capacity(length + 2);
            let written = text::quote(
                &mut quoted,
                std::slice::from_raw_parts(name.cast::<u8>(), length),
            );
            qjs::JS_FreeCString(self.ctx, name);
            written?;
            quoted
        };
        self.out.push(&quoted)?;
        if self.keys.len() < CACHED_KEYS && self.key_text.len() < CACHED_KEY_BYTES {
            let start = self.key_text.len();
            self.key_text.extend_from_slice(&quoted);
            // SAFETY: the walk holds the atom until it ends.
            unsafe { qjs::JS_DupAtom(self.ctx, atom) };
            self.keys.insert(atom, (start, self.key_text.len()));
        }
        Ok(())
    }

    /// Writes a string value quoted.
    fn string(&mut self, value: qjs::JSValue) -> Result<(), Thrown> {
        // SAFETY: `value` is a live string of this context.
        let text = unsafe { Text::of(self.ctx, value)? };
        text::quote(&mut self.out, text.bytes())
    }

    /// Writes the text of a raw JSON value as it is.
    fn raw(&mut self, value: qjs::JSValue) -> Result<(), Thrown> {
        // SAFETY: `value` is a live value of this context.
        let text = unsafe { Text::of(self.ctx, value)? };
        if text.bytes().contains(&0xed) {
            self.out.mark_wtf8();
        }
        self.out.push(text.bytes())
    }
}

impl Drop for Walk {
    fn drop(&mut self) {
        for atom in self.keys.keys() {
            // SAFETY: releases the hold `key` took.
            unsafe { qjs::JS_FreeAtom(self.ctx, *atom) };
        }
    }
}

/// A key table from `JS_GetOwnPropertyNames`, freed on drop.
struct Names {
    ctx: *mut qjs::JSContext,
    table: *mut qjs::JSPropertyEnum,
    count: u32,
}

impl Drop for Names {
    fn drop(&mut self) {
        // SAFETY: the table and its atoms came from `JS_GetOwnPropertyNames`.
        unsafe { qjs::JS_FreePropertyEnum(self.ctx, self.table, self.count) }
    }
}

/// The WTF-8 text of a string value, borrowed from the engine until dropped.
pub(super) struct Text {
    ctx: *mut qjs::JSContext,
    bytes: *const u8,
    length: usize,
}

impl Text {
    /// The text of `value`, converted with `ToString` if it is not a string.
    ///
    /// # Safety
    /// `value` must be a live value of `ctx`.
    pub(super) unsafe fn of(ctx: *mut qjs::JSContext, value: qjs::JSValue) -> Result<Self, Thrown> {
        let mut length = 0;
        // SAFETY: as the caller guarantees.
        let bytes = unsafe { qjs::JS_ToCStringLen2(ctx, &mut length, value, false) };
        if bytes.is_null() {
            return Err(Thrown);
        }
        Ok(Self {
            ctx,
            bytes: bytes.cast(),
            length: length as usize,
        })
    }

    pub(super) fn bytes(&self) -> &[u8] {
        // SAFETY: the engine keeps `length` bytes alive until `JS_FreeCString`.
        unsafe { std::slice::from_raw_parts(self.bytes, self.length) }
    }
}

impl Drop for Text {
    fn drop(&mut self) {
        // SAFETY: a C string from `JS_ToCStringLen2`, freed once.
        unsafe { qjs::JS_FreeCString(self.ctx, self.bytes.cast()) }
    }
}

#[cfg(test)]
mod tests {
    use super::first_units;

    #[test]
    fn a_gap_keeps_ten_code_units() {
        assert_eq!(first_units(b"abcdefghijkl", 10), b"abcdefghij");
        let astral = "123456789\u{1f30d}".as_bytes();
        assert_eq!(
            first_units(astral, 10),
            [b"123456789".as_slice(), &[0xed, 0xa0, 0xbc]].concat()
        );
        assert_eq!(first_units("\u{e9}".as_bytes(), 10), "\u{e9}".as_bytes());
    }
}
