//! Reading values without running the program's code: own properties through their
//! descriptors, keys, prototypes, class names and the text of strings, symbols and
//! numbers, each through the engine's C interface on objects that are not proxies.
//! The built-in functions the harness captured are the only functions called.

use super::{Render, MAX_ENTRIES, MAX_STRING};
use rquickjs::atom::PredefinedAtom;
use rquickjs::function::This;
use rquickjs::{qjs, Ctx, Function, Value};

/// Prototypes followed to find an object's class or an error's name.
const MAX_PROTOTYPES: usize = 32;

/// The outcome of reading something: a value, or nothing to show because JavaScript
/// threw. An uncatchable error (the run was stopped) is returned as an `Err`.
pub(super) type Read<T> = rquickjs::Result<Option<T>>;

/// How an own property holds its value.
pub(super) enum Slot<'js> {
    Data(Value<'js>),
    Accessor { getter: bool, setter: bool },
}

/// Up to [`MAX_ENTRIES`] keys to show, and the number there are.
pub(super) struct Keys<'js> {
    pub(super) shown: Vec<Key<'js>>,
    pub(super) total: usize,
}

/// A property key the renderer owns; the atom is freed when it is dropped.
pub(super) struct Key<'js> {
    ctx: Ctx<'js>,
    pub(super) atom: qjs::JSAtom,
}

impl Drop for Key<'_> {
    fn drop(&mut self) {
        // SAFETY: the atom was created or duplicated for this handle alone.
        unsafe { qjs::JS_FreeAtom(self.ctx.as_raw().as_ptr(), self.atom) }
    }
}

impl<'js> Render<'_, 'js> {
    /// The enumerable own keys of a non-proxy object, except `skip`: the first
    /// [`MAX_ENTRIES`] of them, and how many there are in all.
    pub(super) fn keys(
        &mut self,
        value: &Value<'js>,
        skip: &[&str],
    ) -> rquickjs::Result<Keys<'js>> {
        let mut keys = Keys {
            shown: Vec::new(),
            total: 0,
        };
        if is_proxy(value) {
            return Ok(keys);
        }
        let mut skipped = Vec::new();
        for name in skip {
            if let Some(key) = self.key_named(name)? {
                skipped.push(key.atom);
            }
        }
        let ctx = self.ctx.as_raw().as_ptr();
        let mut table = std::ptr::null_mut();
        let mut count = 0;
        let flags =
            (qjs::JS_GPN_STRING_MASK | qjs::JS_GPN_SYMBOL_MASK | qjs::JS_GPN_ENUM_ONLY) as i32;
        // SAFETY: `value` is a live object that is not a proxy, so listing its keys runs
        // no code. The table and its atoms are freed once, after the first keys are
        // duplicated into handles of their own.
        unsafe {
            if qjs::JS_GetOwnPropertyNames(ctx, &mut table, &mut count, value.as_raw(), flags) < 0 {
                self.caught()?;
                return Ok(keys);
            }
            let entries = std::slice::from_raw_parts(table, count as usize);
            self.spend(entries.len());
            for entry in entries {
                if skipped.contains(&entry.atom) {
                    continue;
                }
                keys.total += 1;
                if keys.shown.len() < MAX_ENTRIES {
                    keys.shown.push(Key {
                        ctx: self.ctx.clone(),
                        atom: qjs::JS_DupAtom(ctx, entry.atom),
                    });
                }
            }
            qjs::JS_FreePropertyEnum(ctx, table, count);
        }
        Ok(keys)
    }

    /// The first `max` characters (UTF-16 units) of a string value as Rust text, lone
    /// surrogates replaced by U+FFFD, and how many characters were left out.
    pub(super) fn text(
        &mut self,
        raw: qjs::JSValue,
        max: usize,
    ) -> rquickjs::Result<(String, usize)> {
        let ctx = self.ctx.as_raw().as_ptr();
        let mut length: i64 = 0;
        // SAFETY: `raw` is a live string value; reading a string's length runs no code.
        unsafe { qjs::JS_GetLength(ctx, raw, &mut length) };
        let length = length.max(0) as usize;
        let (value, more) = if length > max {
            let cut = self.slice(raw, max)?;
            (cut, length - max)
        } else {
            // SAFETY: duplicates a live value so that it is freed once below.
            (
                unsafe { Value::from_raw(self.ctx.clone(), qjs::JS_DupValue(ctx, raw)) },
                0,
            )
        };
        let mut size = 0;
        // SAFETY: converts a live string; the buffer is freed right after it is copied.
        let text = unsafe {
            let pointer = qjs::JS_ToCStringLen2(ctx, &mut size, value.as_raw(), false);
            if pointer.is_null() {
                drop(value);
                self.caught()?;
                return Ok((String::new(), more));
            }
            let text = from_wtf8(std::slice::from_raw_parts(
                pointer.cast::<u8>(),
                size as usize,
            ));
            qjs::JS_FreeCString(ctx, pointer);
            text
        };
        Ok((text, more))
    }

    /// The first `max` UTF-16 units of a long string, with the captured `slice`.
    pub(super) fn slice(&mut self, raw: qjs::JSValue, max: usize) -> rquickjs::Result<Value<'js>> {
        // SAFETY: duplicates a live value into an owned handle.
        let text = unsafe {
            Value::from_raw(
                self.ctx.clone(),
                qjs::JS_DupValue(self.ctx.as_raw().as_ptr(), raw),
            )
        };
        let slice: Option<Function> = self.read(self.tools.get("stringSlice"))?;
        let cut = match slice {
            Some(slice) => self.read(slice.call::<_, Value>((This(text), 0, max as f64)))?,
            None => None,
        };
        Ok(cut.unwrap_or_else(|| Value::new_undefined(self.ctx.clone())))
    }

    /// `Symbol(description)`, read without the overridable `description` getter.
    pub(super) fn symbol(&mut self, value: &Value<'js>) -> rquickjs::Result<String> {
        let ctx = self.ctx.as_raw().as_ptr();
        // SAFETY: a symbol's atom is the symbol itself; its string is the description.
        // The atom and the string are owned and freed.
        let description = unsafe {
            let atom = qjs::JS_ValueToAtom(ctx, value.as_raw());
            if atom == qjs::JS_ATOM_NULL as qjs::JSAtom {
                self.caught()?;
                return Ok("Symbol()".to_owned());
            }
            let key = Key {
                ctx: self.ctx.clone(),
                atom,
            };
            Value::from_raw(self.ctx.clone(), qjs::JS_AtomToString(ctx, key.atom))
        };
        let description = match description.as_string() {
            Some(text) => self.text(text.as_raw(), MAX_STRING)?.0,
            None => {
                if description.is_exception() {
                    self.caught()?;
                }
                String::new()
            }
        };
        Ok(format!("Symbol({description})"))
    }

    /// The text of a number or BigInt; converting a primitive runs no code.
    pub(super) fn primitive_text(&mut self, value: &Value<'js>) -> Read<String> {
        let ctx = self.ctx.as_raw().as_ptr();
        // SAFETY: converts a live primitive; the result is owned.
        let text =
            unsafe { Value::from_raw(self.ctx.clone(), qjs::JS_ToString(ctx, value.as_raw())) };
        if text.is_exception() {
            self.caught()?;
            return Ok(None);
        }
        match text.as_string() {
            Some(text) => Ok(Some(self.text(text.as_raw(), MAX_STRING)?.0)),
            None => Ok(None),
        }
    }

    /// An own property of a non-proxy object, read through its descriptor.
    pub(super) fn own(&mut self, value: &Value<'js>, key: &Key<'js>) -> Read<Slot<'js>> {
        if !value.is_object() || is_proxy(value) {
            return Ok(None);
        }
        let ctx = self.ctx.as_raw().as_ptr();
        let mut descriptor = std::mem::MaybeUninit::<qjs::JSPropertyDescriptor>::uninit();
        // SAFETY: `value` is a live ordinary or exotic object that is not a proxy, so no
        // JavaScript runs. A found descriptor holds three owned values; each is taken
        // into a handle that frees it.
        unsafe {
            let found =
                qjs::JS_GetOwnProperty(ctx, descriptor.as_mut_ptr(), value.as_raw(), key.atom);
            if found < 0 {
                self.caught()?;
                return Ok(None);
            }
            if found == 0 {
                return Ok(None);
            }
            let descriptor = descriptor.assume_init();
            let getter = Value::from_raw(self.ctx.clone(), descriptor.getter);
            let setter = Value::from_raw(self.ctx.clone(), descriptor.setter);
            let data = Value::from_raw(self.ctx.clone(), descriptor.value);
            if descriptor.flags & qjs::JS_PROP_GETSET as i32 != 0 {
                return Ok(Some(Slot::Accessor {
                    getter: getter.is_function(),
                    setter: setter.is_function(),
                }));
            }
            Ok(Some(Slot::Data(data)))
        }
    }

    /// An own data property that holds a string.
    pub(super) fn own_string(&mut self, value: &Value<'js>, key: &str) -> Read<String> {
        let Some(key) = self.key_named(key)? else {
            return Ok(None);
        };
        match self.own(value, &key)? {
            Some(Slot::Data(data)) => match data.as_string() {
                Some(text) => Ok(Some(self.text(text.as_raw(), MAX_STRING)?.0)),
                None => Ok(None),
            },
            _ => Ok(None),
        }
    }

    /// A data property holding a string, on the object or the nearest prototype that
    /// has the key.
    pub(super) fn inherited_string(&mut self, value: &Value<'js>, key: &str) -> Read<String> {
        let Some(key) = self.key_named(key)? else {
            return Ok(None);
        };
        let mut current = Some(value.clone());
        for _ in 0..MAX_PROTOTYPES {
            let Some(object) = current else { break };
            match self.own(&object, &key)? {
                Some(Slot::Data(data)) => {
                    return match data.as_string() {
                        Some(text) => Ok(Some(self.text(text.as_raw(), MAX_STRING)?.0)),
                        None => Ok(None),
                    }
                }
                Some(Slot::Accessor { .. }) => return Ok(None),
                None => current = self.prototype(&object),
            }
        }
        Ok(None)
    }

    /// The prototype of a non-proxy object.
    pub(super) fn prototype(&self, value: &Value<'js>) -> Option<Value<'js>> {
        if !value.is_object() || is_proxy(value) {
            return None;
        }
        // SAFETY: `value` is a live object that is not a proxy: its prototype is read
        // from its shape, running no code, and returned owned.
        let prototype = unsafe {
            Value::from_raw(
                self.ctx.clone(),
                qjs::JS_GetPrototype(self.ctx.as_raw().as_ptr(), value.as_raw()),
            )
        };
        prototype.is_object().then_some(prototype)
    }

    /// The name of the nearest `constructor` on the object's prototype chain.
    pub(super) fn class_name(&mut self, value: &Value<'js>) -> Read<String> {
        let Some(constructor) = self.key_named("constructor")? else {
            return Ok(None);
        };
        let mut current = self.prototype(value);
        for _ in 0..MAX_PROTOTYPES {
            let Some(prototype) = current else { break };
            match self.own(&prototype, &constructor)? {
                Some(Slot::Data(function)) if function.is_function() => {
                    return self.own_string(&function, "name");
                }
                Some(_) => return Ok(None),
                None => current = self.prototype(&prototype),
            }
        }
        Ok(None)
    }

    pub(super) fn key_named(&mut self, name: &str) -> Read<Key<'js>> {
        // SAFETY: makes an owned atom from a string of the given length.
        let atom = unsafe {
            qjs::JS_NewAtomLen(
                self.ctx.as_raw().as_ptr(),
                name.as_ptr().cast(),
                name.len() as _,
            )
        };
        self.owned_key(atom)
    }

    pub(super) fn key_index(&mut self, index: u64) -> Read<Key<'js>> {
        let Ok(index) = u32::try_from(index) else {
            return Ok(None);
        };
        // SAFETY: makes an owned atom for an array index.
        let atom = unsafe { qjs::JS_NewAtomUInt32(self.ctx.as_raw().as_ptr(), index) };
        self.owned_key(atom)
    }

    pub(super) fn owned_key(&mut self, atom: qjs::JSAtom) -> Read<Key<'js>> {
        if atom == qjs::JS_ATOM_NULL as qjs::JSAtom {
            self.caught()?;
            return Ok(None);
        }
        Ok(Some(Key {
            ctx: self.ctx.clone(),
            atom,
        }))
    }

    /// The string under `Symbol.toStringTag`, as a data property of the object or the
    /// nearest prototype that has one.
    pub(super) fn string_tag(&mut self, value: &Value<'js>) -> Read<String> {
        let key = Key {
            ctx: self.ctx.clone(),
            // SAFETY: predefined atoms live as long as the runtime; duplicating one
            // gives this handle its own reference to free.
            atom: unsafe {
                qjs::JS_DupAtom(
                    self.ctx.as_raw().as_ptr(),
                    PredefinedAtom::SymbolToStringTag as qjs::JSAtom,
                )
            },
        };
        let mut current = Some(value.clone());
        for _ in 0..MAX_PROTOTYPES {
            let Some(object) = current else { break };
            match self.own(&object, &key)? {
                Some(Slot::Data(data)) => {
                    return match data.as_string() {
                        Some(text) => Ok(Some(self.text(text.as_raw(), MAX_STRING)?.0)),
                        None => Ok(None),
                    }
                }
                Some(Slot::Accessor { .. }) => return Ok(None),
                None => current = self.prototype(&object),
            }
        }
        Ok(None)
    }

    /// Calls the captured built-in `tool` on `this`.
    pub(super) fn call_tool(&mut self, tool: &str, this: &Value<'js>) -> Read<Value<'js>> {
        let Some(function) = self.read(self.tools.get::<_, Function>(tool))? else {
            return Ok(None);
        };
        self.read(function.call::<_, Value>((This(this.clone()),)))
    }

    /// The result of a read, or `None` when JavaScript threw; an uncatchable error is
    /// thrown again.
    pub(super) fn read<T>(&mut self, result: rquickjs::Result<T>) -> Read<T> {
        match result {
            Ok(value) => Ok(Some(value)),
            Err(rquickjs::Error::Exception) => {
                self.caught()?;
                Ok(None)
            }
            Err(error) => Err(error),
        }
    }

    /// Clears the pending exception, unless it is uncatchable, which is thrown again.
    pub(super) fn caught(&mut self) -> rquickjs::Result<()> {
        let caught = self.ctx.catch();
        if caught.is_uncatchable_error() {
            return Err(self.ctx.throw(caught));
        }
        Ok(())
    }
}

/// The name the runtime gives the object's internal class (`Function`,
/// `AsyncFunction`, `Generator`...).
pub(super) fn class_name_of_id(ctx: &Ctx<'_>, value: &Value<'_>) -> Option<String> {
    // SAFETY: reads the class id of a live object and the atom of its class name,
    // which is converted and freed.
    unsafe {
        let class = qjs::JS_GetClassID(value.as_raw());
        let raw = ctx.as_raw().as_ptr();
        let atom = qjs::JS_GetClassName(qjs::JS_GetRuntime(raw), class);
        if atom == qjs::JS_ATOM_NULL as qjs::JSAtom {
            return None;
        }
        let key = Key {
            ctx: ctx.clone(),
            atom,
        };
        let name = qjs::JS_AtomToCStringLen(raw, std::ptr::null_mut(), key.atom);
        if name.is_null() {
            ctx.catch();
            return None;
        }
        let text = std::ffi::CStr::from_ptr(name)
            .to_string_lossy()
            .into_owned();
        qjs::JS_FreeCString(raw, name);
        Some(text)
    }
}

/// Where an object lives, to recognize it when it is met again.
pub(super) fn address(value: &Value<'_>) -> usize {
    // SAFETY: reads the pointer of a live object value; it is only compared.
    unsafe { qjs::JS_VALUE_GET_PTR(value.as_raw()) as usize }
}

/// Whether the value is an `Error` object (not a proxy of one).
pub(super) fn is_error(value: &Value<'_>) -> bool {
    // SAFETY: reads the class id of a live value.
    value.is_object() && unsafe { qjs::JS_IsError(value.as_raw()) }
}

pub(super) fn is_proxy(value: &Value<'_>) -> bool {
    // SAFETY: reads the class id of a live value.
    unsafe { qjs::JS_IsProxy(value.as_raw()) }
}

/// Text the engine wrote as WTF-8: a lone surrogate becomes one U+FFFD.
fn from_wtf8(bytes: &[u8]) -> String {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return text.to_owned();
    }
    let mut repaired = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let surrogate = bytes[index] == 0xED
            && bytes
                .get(index + 1)
                .is_some_and(|byte| (0xA0..=0xBF).contains(byte))
            && bytes
                .get(index + 2)
                .is_some_and(|byte| (0x80..=0xBF).contains(byte));
        if surrogate {
            repaired.extend_from_slice("\u{fffd}".as_bytes());
            index += 3;
        } else {
            repaired.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8_lossy(&repaired).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(super) fn lone_surrogates_become_one_replacement_character_each() {
        assert_eq!(from_wtf8(b"a\xed\xa0\x80b"), "a\u{fffd}b");
        assert_eq!(from_wtf8("plain é".as_bytes()), "plain é");
    }
}
