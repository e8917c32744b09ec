//! `JSON.parse` without a reviver: the text is read here and its values built with the
//! calls the engine's parser makes (`JS_DefinePropertyValue` for members, so that
//! `__proto__` is an own key and a repeated key keeps its first place).
//!
//! Reading runs no code, so anything this reader does not take — a text the grammar
//! rejects, nesting deeper than [`MAX_NESTING`], a key holding a lone surrogate — is
//! handed whole to the engine's parser, which gives the value or the `SyntaxError`.

use super::build::{self, Keys};
use super::output::utf16;
use super::stringify::Text;
use super::{argument, slot, tag, Owned};
use rquickjs::qjs;
use std::borrow::Cow;

/// Levels of arrays and objects read here; deeper texts go to the engine.
const MAX_NESTING: usize = 512;

/// `JSON.parse(text, reviver)`.
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
        let text = argument(argc, argv, 0);
        let reviver = argument(argc, argv, 1);
        let is_string = matches!(tag(text), qjs::JS_TAG_STRING | qjs::JS_TAG_STRING_ROPE);
        if !is_string || qjs::JS_IsFunction(ctx, reviver) {
            return qjs::JS_Call(ctx, *data.add(slot::ORIGINAL), this, argc, argv);
        }
        let Ok(source) = Text::of(ctx, text) else {
            return qjs::JS_EXCEPTION;
        };
        let mut reader = Reader {
            ctx,
            text: source.bytes(),
            at: 0,
            depth: 0,
            scratch: Vec::new(),
            keys: Keys::new(ctx),
            escaped_keys: Vec::new(),
        };
        let read = reader.document();
        drop(reader);
        match read {
            Ok(value) => value.into_raw(),
            Err(Failure::Thrown) => qjs::JS_EXCEPTION,
            Err(Failure::Refused) => {
                drop(source);
                qjs::JS_Call(ctx, *data.add(slot::ORIGINAL), this, argc, argv)
            }
        }
    }
}

/// Why reading stopped.
enum Failure {
    /// The engine failed (out of memory); its exception is pending.
    Thrown,
    /// The text is for the engine's parser.
    Refused,
}

struct Reader<'a> {
    ctx: *mut qjs::JSContext,
    text: &'a [u8],
    at: usize,
    depth: usize,
    /// The text of a string with escapes, as WTF-8.
    scratch: Vec<u8>,
    /// The atoms of keys written without escapes, by their text.
    keys: Keys<'a>,
    /// The atoms of keys written with escapes.
    escaped_keys: Vec<Atom>,
}

impl From<super::Thrown> for Failure {
    fn from(_: super::Thrown) -> Self {
        Failure::Thrown
    }
}

impl<'a> Reader<'a> {
    fn document(&mut self) -> Result<Owned, Failure> {
        let value = self.value()?;
        self.whitespace();
        if self.at == self.text.len() {
            Ok(value)
        } else {
            Err(Failure::Refused)
        }
    }

    fn whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.text.get(self.at) {
            self.at += 1;
        }
    }

    fn owned(&self, value: qjs::JSValue) -> Result<Owned, Failure> {
        // SAFETY: a value the engine just returned, owned by the guard.
        unsafe { Owned::new(self.ctx, value) }.ok_or(Failure::Thrown)
    }

    fn value(&mut self) -> Result<Owned, Failure> {
        self.whitespace();
        match self.text.get(self.at) {
            Some(b'{') => self.nested(Self::object),
            Some(b'[') => self.nested(Self::array),
            Some(b'"') => self.string(),
            Some(b't') => self.word(b"true", qjs::JS_TRUE),
            Some(b'f') => self.word(b"false", qjs::JS_FALSE),
            Some(b'n') => self.word(b"null", qjs::JS_NULL),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(Failure::Refused),
        }
    }

    fn nested(&mut self, read: fn(&mut Self) -> Result<Owned, Failure>) -> Result<Owned, Failure> {
        if self.depth >= MAX_NESTING {
            return Err(Failure::Refused);
        }
        self.depth += 1;
        let value = read(self);
        self.depth -= 1;
        value
    }

    fn word(&mut self, word: &[u8], value: qjs::JSValue) -> Result<Owned, Failure> {
        if !self.text[self.at..].starts_with(word) {
            return Err(Failure::Refused);
        }
        self.at += word.len();
        self.owned(value)
    }

    fn object(&mut self) -> Result<Owned, Failure> {
        self.at += 1;
        let object = build::object(self.ctx)?;
        self.whitespace();
        if self.text.get(self.at) == Some(&b'}') {
            self.at += 1;
            return Ok(object);
        }
        loop {
            self.whitespace();
            let key = self.key()?;
            self.whitespace();
            if self.text.get(self.at) != Some(&b':') {
                return Err(Failure::Refused);
            }
            self.at += 1;
            let value = self.value()?;
            build::define(&object, key, value)?;
            self.whitespace();
            match self.text.get(self.at) {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(object);
                }
                _ => return Err(Failure::Refused),
            }
        }
    }

    fn array(&mut self) -> Result<Owned, Failure> {
        self.at += 1;
        let mut items = Vec::new();
        self.whitespace();
        if self.text.get(self.at) == Some(&b']') {
            self.at += 1;
        } else {
            loop {
                items.push(self.value()?);
                self.whitespace();
                match self.text.get(self.at) {
                    Some(b',') => self.at += 1,
                    Some(b']') => {
                        self.at += 1;
                        break;
                    }
                    _ => return Err(Failure::Refused),
                }
            }
        }
        Ok(build::array(self.ctx, items)?)
    }

    /// The atom of the key at the cursor, held until reading ends.
    fn key(&mut self) -> Result<qjs::JSAtom, Failure> {
        if self.text.get(self.at) != Some(&b'"') {
            return Err(Failure::Refused);
        }
        match self.string_text()? {
            (_, true) => Err(Failure::Refused),
            (Cow::Borrowed(text), false) => Ok(self.keys.atom(text)?),
            (Cow::Owned(text), false) => {
                // SAFETY: UTF-8 text of the given length.
                let atom =
                    unsafe { qjs::JS_NewAtomLen(self.ctx, text.as_ptr().cast(), text.len() as _) };
                if atom == qjs::JS_ATOM_NULL {
                    return Err(Failure::Thrown);
                }
                self.escaped_keys.push(Atom(atom, self.ctx));
                Ok(atom)
            }
        }
    }

    fn string(&mut self) -> Result<Owned, Failure> {
        let (text, lone) = self.string_text()?;
        if !lone {
            return Ok(build::string(self.ctx, &text)?);
        }
        let units = utf16(&text);
        // SAFETY: the engine copies the code units.
        self.owned(unsafe { qjs::JS_NewStringUTF16(self.ctx, units.as_ptr(), units.len() as _) })
    }

    /// The text of the string at the cursor as WTF-8, and whether it holds a lone
    /// surrogate.
    fn string_text(&mut self) -> Result<(Cow<'a, [u8]>, bool), Failure> {
        self.at += 1;
        let start = self.at;
        let mut lone = false;
        loop {
            match self.text.get(self.at) {
                Some(b'"') => {
                    self.at += 1;
                    let text: &'a [u8] = self.text;
                    return Ok((Cow::Borrowed(&text[start..self.at - 1]), lone));
                }
                Some(b'\\') => break,
                Some(0xed) => {
                    lone |= self.text.get(self.at + 1).is_some_and(|byte| *byte >= 0xa0);
                    self.at += 1;
                }
                Some(byte) if *byte >= 0x20 => self.at += 1,
                _ => return Err(Failure::Refused),
            }
        }
        self.scratch.clear();
        self.scratch.extend_from_slice(&self.text[start..self.at]);
        loop {
            let Some(&byte) = self.text.get(self.at) else {
                return Err(Failure::Refused);
            };
            self.at += 1;
            match byte {
                b'"' => return Ok((Cow::Owned(std::mem::take(&mut self.scratch)), lone)),
                b'\\' => lone |= self.escape()?,
                0xed => {
                    lone |= self.text.get(self.at).is_some_and(|byte| *byte >= 0xa0);
                    self.scratch.push(byte);
                }
                byte if byte >= 0x20 => self.scratch.push(byte),
                _ => return Err(Failure::Refused),
            }
        }
    }

    /// Appends the character of the escape after a backslash; true for a lone surrogate.
    fn escape(&mut self) -> Result<bool, Failure> {
        let Some(&letter) = self.text.get(self.at) else {
            return Err(Failure::Refused);
        };
        self.at += 1;
        let plain = match letter {
            b'"' => b'"',
            b'\\' => b'\\',
            b'/' => b'/',
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => return self.unicode_escape(),
            _ => return Err(Failure::Refused),
        };
        self.scratch.push(plain);
        Ok(false)
    }

    fn unicode_escape(&mut self) -> Result<bool, Failure> {
        let unit = self.hex4()?;
        let high = (0xd800..0xdc00).contains(&unit);
        if high && self.text[self.at..].starts_with(b"\\u") {
            let saved = self.at;
            self.at += 2;
            let low = self.hex4()?;
            if (0xdc00..0xe000).contains(&low) {
                let code = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
                self.push_char(code);
                return Ok(false);
            }
            self.at = saved;
        }
        self.push_char(unit);
        Ok((0xd800..0xe000).contains(&unit))
    }

    fn hex4(&mut self) -> Result<u32, Failure> {
        let digits = self
            .text
            .get(self.at..self.at + 4)
            .ok_or(Failure::Refused)?;
        let mut unit = 0;
        for digit in digits {
            let value = (*digit as char).to_digit(16).ok_or(Failure::Refused)?;
            unit = unit * 16 + value;
        }
        self.at += 4;
        Ok(unit)
    }

    /// Appends a code point, or a lone surrogate, as (W)UTF-8.
    fn push_char(&mut self, code: u32) {
        let out = &mut self.scratch;
        match code {
            0..=0x7f => out.push(code as u8),
            0x80..=0x7ff => {
                out.extend_from_slice(&[0xc0 | (code >> 6) as u8, 0x80 | (code & 0x3f) as u8])
            }
            0x800..=0xffff => out.extend_from_slice(&[
                0xe0 | (code >> 12) as u8,
                0x80 | ((code >> 6) & 0x3f) as u8,
                0x80 | (code & 0x3f) as u8,
            ]),
            _ => out.extend_from_slice(&[
                0xf0 | (code >> 18) as u8,
                0x80 | ((code >> 12) & 0x3f) as u8,
                0x80 | ((code >> 6) & 0x3f) as u8,
                0x80 | (code & 0x3f) as u8,
            ]),
        }
    }

    fn number(&mut self) -> Result<Owned, Failure> {
        let start = self.at;
        let digits = |reader: &mut Self| {
            let first = reader.at;
            while reader.text.get(reader.at).is_some_and(u8::is_ascii_digit) {
                reader.at += 1;
            }
            reader.at - first
        };
        if self.text.get(self.at) == Some(&b'-') {
            self.at += 1;
        }
        match self.text.get(self.at) {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return Err(Failure::Refused),
        }
        let mut integer = true;
        if self.text.get(self.at) == Some(&b'.') {
            self.at += 1;
            if digits(self) == 0 {
                return Err(Failure::Refused);
            }
            integer = false;
        }
        if let Some(b'e' | b'E') = self.text.get(self.at) {
            self.at += 1;
            if let Some(b'+' | b'-') = self.text.get(self.at) {
                self.at += 1;
            }
            if digits(self) == 0 {
                return Err(Failure::Refused);
            }
            integer = false;
        }
        let literal =
            std::str::from_utf8(&self.text[start..self.at]).map_err(|_| Failure::Refused)?;
        if integer && literal.len() <= 10 && literal != "-0" {
            if let Ok(small) = literal.parse::<i32>() {
                return self.owned(qjs::JS_MKVAL(qjs::JS_TAG_INT, small));
            }
        }
        let number = literal.parse::<f64>().map_err(|_| Failure::Refused)?;
        self.owned(qjs::JS_NewFloat64(number))
    }
}

/// An atom held until dropped.
struct Atom(qjs::JSAtom, *mut qjs::JSContext);

impl Drop for Atom {
    fn drop(&mut self) {
        // SAFETY: releases the atom `JS_NewAtomLen` returned.
        unsafe { qjs::JS_FreeAtom(self.1, self.0) }
    }
}
