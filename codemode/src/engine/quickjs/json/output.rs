//! The text `JSON.stringify` writes, in memory the engine allocates: it counts against
//! the run's memory limit as the engine's own string buffer would, and running out of
//! it throws the engine's out-of-memory error.

use super::text::Sink;
use super::Thrown;
use rquickjs::qjs;
use std::ptr;

/// UTF-8 bytes, or WTF-8 once a lone surrogate has been written raw.
pub(super) struct Output {
    ctx: *mut qjs::JSContext,
    bytes: *mut u8,
    len: usize,
    capacity: usize,
    /// Whether a lone surrogate was written as its three WTF-8 bytes.
    wtf8: bool,
}

impl Output {
    pub(super) fn new(ctx: *mut qjs::JSContext) -> Self {
        Self {
            ctx,
            bytes: ptr::null_mut(),
            len: 0,
            capacity: 0,
            wtf8: false,
        }
    }

    /// Notes that the text now holds a lone surrogate in WTF-8.
    pub(super) fn mark_wtf8(&mut self) {
        self.wtf8 = true;
    }

    /// Appends one ASCII byte.
    pub(super) fn byte(&mut self, byte: u8) -> Result<(), Thrown> {
        if self.len == self.capacity {
            self.grow(1)?;
        }
        // SAFETY: the buffer has room for one more byte.
        unsafe { self.bytes.add(self.len).write(byte) };
        self.len += 1;
        Ok(())
    }

    fn grow(&mut self, more: usize) -> Result<(), Thrown> {
        let Some(needed) = self.len.checked_add(more) else {
            // SAFETY: throws on a live context.
            unsafe { qjs::JS_ThrowOutOfMemory(self.ctx) };
            return Err(Thrown);
        };
        let capacity = needed.max(self.capacity + self.capacity / 2).max(64);
        // SAFETY: `bytes` is null or a block this context allocated; on failure the
        // engine leaves it as it was and throws its out-of-memory error.
        let bytes = unsafe { qjs::js_realloc(self.ctx, self.bytes.cast(), capacity as _) };
        if bytes.is_null() {
            return Err(Thrown);
        }
        self.bytes = bytes.cast();
        self.capacity = capacity;
        Ok(())
    }

    /// The JavaScript string of the text.
    pub(super) fn into_string(self) -> qjs::JSValue {
        // SAFETY: the first `len` bytes are initialised.
        let text = unsafe { std::slice::from_raw_parts(self.bytes_or_dangling(), self.len) };
        if self.wtf8 {
            let units = utf16(text);
            // SAFETY: a buffer of `units.len()` code units.
            unsafe { qjs::JS_NewStringUTF16(self.ctx, units.as_ptr(), units.len() as _) }
        } else {
            // SAFETY: UTF-8 text of `len` bytes.
            unsafe { qjs::JS_NewStringLen(self.ctx, text.as_ptr().cast(), text.len() as _) }
        }
    }

    fn bytes_or_dangling(&self) -> *const u8 {
        if self.bytes.is_null() {
            ptr::NonNull::dangling().as_ptr()
        } else {
            self.bytes
        }
    }
}

impl Sink for Output {
    /// Appends `bytes`, which must be UTF-8 or, with [`Output::mark_wtf8`], WTF-8.
    fn push(&mut self, bytes: &[u8]) -> Result<(), Thrown> {
        if self.capacity - self.len < bytes.len() {
            self.grow(bytes.len())?;
        }
        // SAFETY: the buffer has room for `bytes` after `len`, and does not overlap it.
        unsafe { ptr::copy_nonoverlapping(bytes.as_ptr(), self.bytes.add(self.len), bytes.len()) };
        self.len += bytes.len();
        Ok(())
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if !self.bytes.is_null() {
            // SAFETY: a block this context allocated, freed once.
            unsafe { qjs::js_free(self.ctx, self.bytes.cast()) }
        }
    }
}

/// The UTF-16 code units of WTF-8 text: UTF-8 whose three-byte sequences may also
/// encode lone surrogates.
pub(super) fn utf16(text: &[u8]) -> Vec<u16> {
    let mut units = Vec::with_capacity(text.len());
    let mut at = 0;
    while at < text.len() {
        let lead = text[at] as u32;
        let (code, width) = match lead {
            0..=0x7f => (lead, 1),
            0xc0..=0xdf => (((lead & 0x1f) << 6) | continuation(text, at + 1), 2),
            0xe0..=0xef => (
                ((lead & 0x0f) << 12)
                    | (continuation(text, at + 1) << 6)
                    | continuation(text, at + 2),
                3,
            ),
            _ => (
                ((lead & 0x07) << 18)
                    | (continuation(text, at + 1) << 12)
                    | (continuation(text, at + 2) << 6)
                    | continuation(text, at + 3),
                4,
            ),
        };
        if code >= 0x10000 {
            let code = code - 0x10000;
            units.push(0xd800 | (code >> 10) as u16);
            units.push(0xdc00 | (code & 0x3ff) as u16);
        } else {
            units.push(code as u16);
        }
        at += width;
    }
    units
}

fn continuation(text: &[u8], at: usize) -> u32 {
    text.get(at).map_or(0, |byte| (*byte & 0x3f) as u32)
}

#[cfg(test)]
mod tests {
    use super::utf16;

    #[test]
    fn wtf8_keeps_lone_surrogates_and_pairs_astral_characters() {
        let mut text = "a\u{e9}\u{20ac}\u{1f30d}".as_bytes().to_vec();
        text.extend_from_slice(&[0xed, 0xa0, 0x80]);
        assert_eq!(
            utf16(&text),
            vec![0x61, 0xe9, 0x20ac, 0xd83c, 0xdf0d, 0xd800]
        );
    }
}
