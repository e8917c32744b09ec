//! Console output: the arguments of one `console.log` call rendered as one line, in the
//! spirit of Node's `util.inspect`: `Map(1) {"a" => 1}`, `[1, <1 empty item>, 3]`,
//! `Point {x: 1}`, `Uint8Array(3) [1, 2, 3]`, `[Getter]`. A string argument is written
//! as itself; inside a value it is quoted.
//!
//! Rendering never runs the program's code. It walks values natively: properties are
//! read through their descriptors, so a getter shows as `[Getter]` and is not called;
//! a proxy shows its target, read without triggering a trap; the contents of maps,
//! sets, dates, regular expressions and boxed primitives are read by the built-in
//! functions made for them, which the harness captured before the program started
//! (they are the `tools` object). From JavaScript alone none of this can be done: a
//! proxy cannot be told apart, and even `Object.getOwnPropertyDescriptor` on one runs
//! a trap.
//!
//! The work is bounded whatever the value: [`MAX_ENTRIES`] entries of a container,
//! [`MAX_DEPTH`] levels, [`MAX_STRING`] characters of a string inside a value, and no
//! more output than the console has room for, so logging a map of a million entries
//! costs what logging a hundred does. The one walk over everything is the listing of
//! an ordinary object's own keys, which the engine does in one pass; [`MAX_WORK`]
//! bounds the keys listed, and the steps taken, in one call.

mod kind;
mod read;

use super::exception;
use crate::limits::ByteSize;
use kind::Kind;
use read::{address, class_name_of_id, is_error, is_proxy, Key, Keys, Slot};
use rquickjs::function::This;
use rquickjs::{qjs, Array, Ctx, Function, Object, Value};

/// Entries of one array, object, map, set or typed array shown before `... N more`.
const MAX_ENTRIES: usize = 100;
/// Levels of nesting shown; deeper containers are shown as `[Object]`, `[Array]`...
const MAX_DEPTH: usize = 6;
/// Characters (UTF-16 units) of a string inside a value shown before the rest is cut.
const MAX_STRING: usize = 10_000;
/// Consecutive missing elements of an array looked at before the rest is summarized.
const MAX_HOLES: u64 = 10_000;
/// Steps one console call may take: entries shown, keys listed, missing elements looked
/// at. Past it, what is left is summarized, so no call runs long without the run's
/// deadline being checked.
const MAX_WORK: usize = 1_000_000;
/// Longest line rendered from values other than strings; a longer one is cut with a
/// marker. A smaller room left in the console's output limit applies first.
const MAX_LINE_BYTES: usize = 1024 * 1024;

/// Renders `values` as one console line of at most about `room` bytes; a line longer
/// than `room` is cut just past it, so the console's output limit still applies.
/// Fails only with an uncatchable error (the run was interrupted), which is pending.
pub(super) fn line<'js>(
    ctx: &Ctx<'js>,
    tools: &Object<'js>,
    values: &Array<'js>,
    room: usize,
) -> rquickjs::Result<String> {
    let mut render = Render {
        ctx,
        tools,
        out: String::new(),
        limit: room.saturating_add(1),
        work: MAX_WORK,
        ancestors: Vec::new(),
    };
    for index in 0..values.len() {
        if render.full() {
            break;
        }
        if index > 0 {
            render.push(" ");
        }
        let value: Value = values.get(index)?;
        render.top(value)?;
    }
    Ok(render.out)
}

struct Render<'a, 'js> {
    ctx: &'a Ctx<'js>,
    tools: &'a Object<'js>,
    out: String,
    limit: usize,
    /// Steps left of [`MAX_WORK`].
    work: usize,
    /// The objects being rendered, outermost first, to find cycles.
    ancestors: Vec<usize>,
}

impl<'js> Render<'_, 'js> {
    fn full(&self) -> bool {
        self.out.len() >= self.limit
    }

    /// Takes `steps` from the work left; false when none was left.
    fn spend(&mut self, steps: usize) -> bool {
        if self.work == 0 {
            return false;
        }
        self.work = self.work.saturating_sub(steps);
        true
    }

    fn push(&mut self, text: &str) {
        if !self.full() {
            self.out.push_str(text);
        }
    }

    /// A top-level argument: a string as itself, an error with where it was made.
    fn top(&mut self, value: Value<'js>) -> rquickjs::Result<()> {
        if let Some(text) = value.as_string() {
            let room = self.limit.saturating_sub(self.out.len());
            let (shown, _) = self.text(text.as_raw(), room)?;
            self.push(&shown);
            return Ok(());
        }
        let limit = self.limit;
        self.limit = limit.min(self.out.len().saturating_add(MAX_LINE_BYTES));
        let result = if is_error(&value) {
            self.ancestors.push(address(&value));
            let result = self.error(&value, true, 0);
            self.ancestors.pop();
            result
        } else {
            self.value(value, 0)
        };
        let cut = self.full() && self.limit < limit;
        self.limit = limit;
        if cut {
            self.push(&format!(
                " ... (the rest of this value is cut: console lines stop at {})",
                ByteSize(MAX_LINE_BYTES)
            ));
        }
        result
    }

    fn value(&mut self, value: Value<'js>, depth: usize) -> rquickjs::Result<()> {
        if self.full() {
            return Ok(());
        }
        if value.is_object() {
            return self.object(value, depth);
        }
        if let Some(text) = value.as_string() {
            return self.quoted(text.as_raw());
        }
        if value.is_undefined() {
            self.push("undefined");
        } else if value.is_null() {
            self.push("null");
        } else if let Some(flag) = value.as_bool() {
            self.push(if flag { "true" } else { "false" });
        } else if let Some(number) = value.as_int() {
            self.push(&number.to_string());
        } else if let Some(number) = value.as_float() {
            if number == 0.0 && number.is_sign_negative() {
                self.push("-0");
            } else {
                let shown = self.primitive_text(&value)?.unwrap_or_default();
                self.push(&shown);
            }
        } else if value.is_big_int() {
            let shown = self.primitive_text(&value)?.unwrap_or_default();
            self.push(&shown);
            self.push("n");
        } else if value.is_symbol() {
            let shown = self.symbol(&value)?;
            self.push(&shown);
        } else {
            self.push("[unknown]");
        }
        Ok(())
    }

    fn object(&mut self, value: Value<'js>, depth: usize) -> rquickjs::Result<()> {
        if is_proxy(&value) {
            return self.proxy(&value, depth);
        }
        let address = address(&value);
        if self.ancestors.contains(&address) {
            self.push("[Circular]");
            return Ok(());
        }
        let kind = Kind::of(self.ctx, &value);
        if kind.is_container() && (depth >= MAX_DEPTH || !self.spend(1)) {
            let name = match kind {
                Kind::Array => "Array".to_owned(),
                Kind::Arguments => "Arguments".to_owned(),
                Kind::Map => "Map".to_owned(),
                Kind::Set => "Set".to_owned(),
                Kind::TypedArray(name) => name.to_owned(),
                _ => self
                    .class_name(&value)?
                    .unwrap_or_else(|| "Object".to_owned()),
            };
            self.push(&format!("[{name}]"));
            return Ok(());
        }
        self.ancestors.push(address);
        let result = self.object_of_kind(&value, kind, depth);
        self.ancestors.pop();
        result
    }

    fn object_of_kind(
        &mut self,
        value: &Value<'js>,
        kind: Kind,
        depth: usize,
    ) -> rquickjs::Result<()> {
        match kind {
            Kind::Function => self.function(value, depth),
            Kind::Error => self.error(value, false, depth),
            Kind::Array => {
                let class = self.class_name(value)?.filter(|name| name != "Array");
                self.array(value, class.as_deref(), depth)
            }
            Kind::Arguments => {
                self.push("[Arguments] ");
                self.array(value, None, depth)
            }
            Kind::TypedArray(name) => self.typed_array(value, name, depth),
            Kind::ArrayBuffer => {
                let mut size = 0;
                // SAFETY: `value` is a live ArrayBuffer; only its size is read.
                unsafe {
                    qjs::JS_GetArrayBuffer(self.ctx.as_raw().as_ptr(), &mut size, value.as_raw())
                };
                self.push(&format!("ArrayBuffer {{byteLength: {size}}}"));
                Ok(())
            }
            Kind::Map => self.collection(
                value,
                depth,
                "Map",
                "mapSize",
                "mapEntries",
                "mapIteratorNext",
            ),
            Kind::Set => self.collection(
                value,
                depth,
                "Set",
                "setSize",
                "setValues",
                "setIteratorNext",
            ),
            Kind::Opaque(name) => {
                self.push(name);
                Ok(())
            }
            Kind::Promise => self.promise(value, depth),
            Kind::Date => {
                let shown = self.call_tool("dateToISOString", value)?;
                let shown = match shown.as_ref().and_then(Value::as_string) {
                    Some(text) => self.text(text.as_raw(), MAX_STRING)?.0,
                    None => "Invalid Date".to_owned(),
                };
                self.push(&shown);
                Ok(())
            }
            Kind::RegExp => self.regexp(value),
            Kind::Boxed(name, tool) => {
                let inner = self.call_tool(tool, value)?;
                self.push(&format!("[{name}: "));
                match inner {
                    Some(inner) if !inner.is_object() => self.value(inner, depth + 1)?,
                    _ => self.push("?"),
                }
                self.push("]");
                Ok(())
            }
            Kind::Other => self.plain(value, depth),
        }
    }

    fn proxy(&mut self, value: &Value<'js>, depth: usize) -> rquickjs::Result<()> {
        // SAFETY: `value` is a live proxy; the target is returned owned, or an
        // exception when the proxy was revoked.
        let target = unsafe {
            Value::from_raw(
                self.ctx.clone(),
                qjs::JS_GetProxyTarget(self.ctx.as_raw().as_ptr(), value.as_raw()),
            )
        };
        if target.is_exception() {
            self.caught()?;
            self.push("Proxy <revoked>");
            return Ok(());
        }
        if depth >= MAX_DEPTH {
            self.push("[Proxy]");
            return Ok(());
        }
        self.push("Proxy ");
        self.value(target, depth + 1)
    }

    fn function(&mut self, value: &Value<'js>, depth: usize) -> rquickjs::Result<()> {
        let class = class_name_of_id(self.ctx, value).unwrap_or_else(|| "Function".to_owned());
        let name = self
            .own_string(value, "name")?
            .filter(|name| !name.is_empty());
        match name {
            Some(name) => self.push(&format!("[{class}: {name}]")),
            None => self.push(&format!("[{class} (anonymous)]")),
        }
        self.own_entries(value, &[], depth)
    }

    /// ` {key: value}` after a function or an error that has enumerable own keys.
    fn own_entries(
        &mut self,
        value: &Value<'js>,
        skip: &[&str],
        depth: usize,
    ) -> rquickjs::Result<()> {
        let keys = self.keys(value, skip)?;
        if keys.total > 0 {
            self.push(" ");
            self.entries(value, keys, depth + 1)?;
        }
        Ok(())
    }

    /// `Name: message`, and at the top level the first frame of the user's code.
    fn error(&mut self, value: &Value<'js>, top: bool, depth: usize) -> rquickjs::Result<()> {
        let name = self
            .inherited_string(value, "name")?
            .filter(|name| !name.is_empty())
            .unwrap_or_else(|| "Error".to_owned());
        let message = self.own_string(value, "message")?.unwrap_or_default();
        let head = if message.is_empty() {
            name
        } else {
            format!("{name}: {message}")
        };
        if top {
            self.push(&head);
            let stack = match self.own_string(value, "stack")? {
                Some(stack) => Some(stack),
                None => match self.call_tool("errorStack", value)? {
                    Some(stack) => match stack.as_string() {
                        Some(stack) => Some(self.text(stack.as_raw(), MAX_STRING)?.0),
                        None => None,
                    },
                    None => None,
                },
            };
            let frames = stack.map(|stack| exception::user_frames(&stack));
            if let Some(frame) = frames.as_deref().and_then(|frames| frames.lines().next()) {
                self.push("\n    ");
                self.push(frame);
            }
        } else {
            self.push(&format!("[{head}]"));
        }
        self.own_entries(value, &["stack", "message", "name"], depth)
    }

    /// `[1, <1 empty item>, 3]`, after `Class(length) ` for an array of a subclass.
    fn array(
        &mut self,
        value: &Value<'js>,
        class: Option<&str>,
        depth: usize,
    ) -> rquickjs::Result<()> {
        let Some(key) = self.key_named("length")? else {
            return Ok(());
        };
        let length = match self.own(value, &key)? {
            Some(Slot::Data(length)) => length.as_number().unwrap_or(0.0).max(0.0) as u64,
            _ => 0,
        };
        if let Some(class) = class {
            self.push(&format!("{class}({length}) "));
        }
        self.push("[");
        let mut index: u64 = 0;
        let mut shown = 0;
        while index < length && shown < MAX_ENTRIES && !self.full() {
            if shown > 0 {
                self.push(", ");
            }
            shown += 1;
            let Some(key) = self.key_index(index)? else {
                break;
            };
            match self.own(value, &key)? {
                Some(slot) => {
                    self.slot(slot, depth + 1)?;
                    index += 1;
                }
                None => {
                    let (holes, ended) = self.holes(value, index, length)?;
                    index += holes;
                    if holes == 1 {
                        self.push("<1 empty item>");
                    } else {
                        self.push(&format!("<{holes} empty items>"));
                    }
                    if !ended {
                        break;
                    }
                }
            }
        }
        if index < length {
            if shown > 0 {
                self.push(", ");
            }
            self.push(&format!(
                "... {} more {}",
                length - index,
                plural(length - index, "item")
            ));
        }
        self.push("]");
        Ok(())
    }

    /// The missing elements from `start`, up to [`MAX_HOLES`], and whether the run of
    /// them was seen to its end.
    fn holes(
        &mut self,
        value: &Value<'js>,
        start: u64,
        length: u64,
    ) -> rquickjs::Result<(u64, bool)> {
        let mut index = start + 1;
        while index < length {
            if index - start >= MAX_HOLES || !self.spend(1) {
                return Ok((index - start, false));
            }
            let Some(key) = self.key_index(index)? else {
                return Ok((index - start, false));
            };
            if self.own(value, &key)?.is_some() {
                break;
            }
            index += 1;
        }
        Ok((index - start, true))
    }

    fn typed_array(
        &mut self,
        value: &Value<'js>,
        name: &str,
        depth: usize,
    ) -> rquickjs::Result<()> {
        let ctx = self.ctx.as_raw().as_ptr();
        let (mut offset, mut bytes, mut element) = (0, 0, 1);
        // SAFETY: `value` is a live typed array; the buffer it returns is owned and
        // freed at once, and an exception (a buffer shrunk under it) is caught.
        let buffer = unsafe {
            Value::from_raw(
                self.ctx.clone(),
                qjs::JS_GetTypedArrayBuffer(
                    ctx,
                    value.as_raw(),
                    &mut offset,
                    &mut bytes,
                    &mut element,
                ),
            )
        };
        if buffer.is_exception() {
            self.caught()?;
            self.push(&format!("{name} [out of bounds]"));
            return Ok(());
        }
        let length = (bytes / element.max(1)) as usize;
        self.push(&format!("{name}({length}) ["));
        let Some(object) = value.as_object() else {
            return Ok(());
        };
        let shown = length.min(MAX_ENTRIES);
        for index in 0..shown {
            if self.full() {
                break;
            }
            if index > 0 {
                self.push(", ");
            }
            match self.read(object.get::<_, Value>(index as u32))? {
                Some(item) => self.value(item, depth + 1)?,
                None => self.push("?"),
            }
        }
        if length > shown {
            self.push(&format!(
                ", ... {} more {}",
                length - shown,
                plural((length - shown) as u64, "item")
            ));
        }
        self.push("]");
        Ok(())
    }

    /// A map (`Map(n) {k => v}`) or a set (`Set(n) {v}`), read with the built-in size
    /// getter and iterator of its kind.
    fn collection(
        &mut self,
        value: &Value<'js>,
        depth: usize,
        name: &str,
        size: &str,
        iterate: &str,
        next: &str,
    ) -> rquickjs::Result<()> {
        let size = self
            .call_tool(size, value)?
            .and_then(|size| size.as_number())
            .unwrap_or(0.0) as u64;
        self.push(&format!("{name}({size}) {{"));
        let is_map = name == "Map";
        let iterator = self.call_tool(iterate, value)?;
        let next: Option<Function> = self.read(self.tools.get(next))?;
        let mut shown: u64 = 0;
        if let (Some(iterator), Some(next)) = (iterator, next) {
            while shown < MAX_ENTRIES as u64 && !self.full() {
                let Some(step) = self.read(next.call::<_, Object>((This(iterator.clone()),)))?
                else {
                    break;
                };
                if self.read(step.get::<_, bool>("done"))?.unwrap_or(true) {
                    break;
                }
                let Some(item) = self.read(step.get::<_, Value>("value"))? else {
                    break;
                };
                if shown > 0 {
                    self.push(", ");
                }
                shown += 1;
                if is_map {
                    let Some(entry) = item.as_object() else { break };
                    let key: Option<Value> = self.read(entry.get(0))?;
                    let entry_value: Option<Value> = self.read(entry.get(1))?;
                    self.value(
                        key.unwrap_or_else(|| Value::new_undefined(self.ctx.clone())),
                        depth + 1,
                    )?;
                    self.push(" => ");
                    self.value(
                        entry_value.unwrap_or_else(|| Value::new_undefined(self.ctx.clone())),
                        depth + 1,
                    )?;
                } else {
                    self.value(item, depth + 1)?;
                }
            }
        }
        if size > shown {
            if shown > 0 {
                self.push(", ");
            }
            self.push(&format!(
                "... {} more {}",
                size - shown,
                plural(size - shown, "entry")
            ));
        }
        self.push("}");
        Ok(())
    }

    fn promise(&mut self, value: &Value<'js>, depth: usize) -> rquickjs::Result<()> {
        let ctx = self.ctx.as_raw().as_ptr();
        // SAFETY: `value` is a live promise of this context; the result is owned.
        let (state, result) = unsafe {
            (
                qjs::JS_PromiseState(ctx, value.as_raw()),
                Value::from_raw(self.ctx.clone(), qjs::JS_PromiseResult(ctx, value.as_raw())),
            )
        };
        self.push("Promise {");
        match state {
            qjs::JSPromiseStateEnum_JS_PROMISE_PENDING => self.push("<pending>"),
            qjs::JSPromiseStateEnum_JS_PROMISE_REJECTED => {
                self.push("<rejected> ");
                self.value(result, depth + 1)?;
            }
            _ => self.value(result, depth + 1)?,
        }
        self.push("}");
        Ok(())
    }

    fn regexp(&mut self, value: &Value<'js>) -> rquickjs::Result<()> {
        let source = match self.call_tool("regexpSource", value)? {
            Some(source) => match source.as_string() {
                Some(source) => self.text(source.as_raw(), MAX_STRING)?.0,
                None => String::new(),
            },
            None => String::new(),
        };
        let getters: Option<Object> = self.read(self.tools.get("regexpFlags"))?;
        let mut flags = String::new();
        if let Some(getters) = getters {
            for flag in ['d', 'g', 'i', 'm', 's', 'u', 'v', 'y'] {
                let getter: Option<Function> = self.read(getters.get(flag.to_string()))?;
                let Some(getter) = getter else { continue };
                if let Some(true) = self.read(getter.call::<_, bool>((This(value.clone()),)))? {
                    flags.push(flag);
                }
            }
        }
        self.push(&format!("/{source}/{flags}"));
        Ok(())
    }

    /// An ordinary object, or one of a class without a rendering of its own:
    /// `{a: 1}`, `Point {x: 1}`, `[Object: null prototype] {a: 1}`.
    /// Its `Symbol.toStringTag` shows in brackets when it says more than the class:
    /// `Object [Math] {}`, `Object [Generator] {}`.
    fn plain(&mut self, value: &Value<'js>, depth: usize) -> rquickjs::Result<()> {
        let class = match self.prototype(value) {
            None => Some("[Object: null prototype]".to_owned()),
            Some(_) => self.class_name(value)?,
        };
        let tag = match self.string_tag(value)? {
            Some(tag) => Some(tag),
            None => class_name_of_id(self.ctx, value),
        };
        let tag =
            tag.filter(|tag| !tag.is_empty() && Some(tag) != class.as_ref() && tag != "Object");
        match (class.as_deref(), tag) {
            (Some("Object") | None, Some(tag)) => self.push(&format!("Object [{tag}] ")),
            (Some("Object") | None, None) => {}
            (Some(class), Some(tag)) => self.push(&format!("{class} [{tag}] ")),
            (Some(class), None) => self.push(&format!("{class} ")),
        }
        let keys = self.keys(value, &[])?;
        self.entries(value, keys, depth + 1)
    }

    fn entries(
        &mut self,
        value: &Value<'js>,
        keys: Keys<'js>,
        depth: usize,
    ) -> rquickjs::Result<()> {
        if keys.total == 0 {
            self.push("{}");
            return Ok(());
        }
        self.push("{");
        let shown = keys.shown.len();
        for (index, key) in keys.shown.into_iter().enumerate() {
            if self.full() {
                return Ok(());
            }
            if index > 0 {
                self.push(", ");
            }
            self.key(&key)?;
            self.push(": ");
            match self.own(value, &key)? {
                Some(slot) => self.slot(slot, depth)?,
                None => self.push("undefined"),
            }
        }
        if keys.total > shown {
            self.push(&format!(
                ", ... {} more {}",
                keys.total - shown,
                plural((keys.total - shown) as u64, "key")
            ));
        }
        self.push("}");
        Ok(())
    }

    fn key(&mut self, key: &Key<'js>) -> rquickjs::Result<()> {
        // SAFETY: converts a live atom to an owned string or symbol value.
        let value = unsafe {
            Value::from_raw(
                self.ctx.clone(),
                qjs::JS_AtomToValue(self.ctx.as_raw().as_ptr(), key.atom),
            )
        };
        if value.is_exception() {
            self.caught()?;
            self.push("?");
            return Ok(());
        }
        if value.is_symbol() {
            let shown = self.symbol(&value)?;
            self.push(&format!("[{shown}]"));
            return Ok(());
        }
        let name = match value.as_string() {
            Some(text) => self.text(text.as_raw(), MAX_STRING)?.0,
            None => self.primitive_text(&value)?.unwrap_or_default(),
        };
        if is_identifier(&name) {
            self.push(&name);
        } else {
            self.push(&quote(&name));
        }
        Ok(())
    }

    fn slot(&mut self, slot: Slot<'js>, depth: usize) -> rquickjs::Result<()> {
        match slot {
            Slot::Data(value) => self.value(value, depth),
            Slot::Accessor {
                getter: true,
                setter: true,
            } => {
                self.push("[Getter/Setter]");
                Ok(())
            }
            Slot::Accessor { getter: true, .. } => {
                self.push("[Getter]");
                Ok(())
            }
            Slot::Accessor { .. } => {
                self.push("[Setter]");
                Ok(())
            }
        }
    }

    /// A string inside a value: quoted, cut after [`MAX_STRING`] characters.
    fn quoted(&mut self, raw: qjs::JSValue) -> rquickjs::Result<()> {
        let (text, more) = self.text(raw, MAX_STRING)?;
        self.push(&quote(&text));
        if more > 0 {
            self.push(&format!(
                "... {more} more {}",
                plural(more as u64, "character")
            ));
        }
        Ok(())
    }
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_' || first == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// A string in double quotes with JSON escapes.
fn quote(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| format!("{text:?}"))
}

fn plural(count: u64, noun: &str) -> String {
    match (count, noun) {
        (1, _) => noun.to_owned(),
        (_, "entry") => "entries".to_owned(),
        _ => format!("{noun}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_quoted_unless_they_are_identifiers() {
        assert!(is_identifier("snake_case$1"));
        assert!(!is_identifier("1st"));
        assert!(!is_identifier("with-dash"));
        assert_eq!(quote("a\"b\n"), "\"a\\\"b\\n\"");
    }
}
