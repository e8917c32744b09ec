//! Bytes in the sandbox: which values hold them (typed arrays, `DataView`s, and
//! `ArrayBuffer`s, shared or not), reading a view's bytes out, and making the
//! `Uint8Array` of host bytes.
//!
//! A view's offset and length are read with the built-in getters the harness captured
//! before the program ran, which know about resizable buffers and views past their
//! end; an instance's own `length` or `byteLength` property, which a program may
//! define, is never consulted. A detached buffer, or a view out of its buffer's
//! bounds, holds no bytes, as its `byteLength` of 0 says. Nothing of the program runs
//! between finding a view's bytes and copying them.

use super::to_host::Classes;
use rquickjs::function::This;
use rquickjs::{qjs, Ctx, Function, Object, Persistent, Value};
use std::cell::RefCell;

/// A value that holds bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Binary {
    /// An `ArrayBuffer` or a `SharedArrayBuffer`: all of its bytes.
    Buffer,
    /// A typed array of any element type: the bytes it views.
    TypedArray,
    /// A `DataView`: the bytes it views.
    DataView,
}

impl Binary {
    /// What `value`, an object of class `class`, is as bytes, if anything.
    pub(super) fn of(classes: &Classes, class: qjs::JSClassID, value: &Value<'_>) -> Option<Self> {
        if class == classes.array_buffer || class == classes.shared_array_buffer {
            return Some(Binary::Buffer);
        }
        // SAFETY: both read only the class id of a live value.
        unsafe {
            if qjs::JS_GetTypedArrayType(value.as_raw()) >= 0 {
                return Some(Binary::TypedArray);
            }
            if qjs::JS_IsDataView(value.as_raw()) {
                return Some(Binary::DataView);
            }
        }
        None
    }
}

/// The view getters the harness captured, kept for the run from the moment the
/// harness is installed; [`ViewGetters::forget`] drops them before the runtime goes.
#[derive(Default)]
pub(super) struct ViewGetters(RefCell<Option<Persistent<Object<'static>>>>);

impl ViewGetters {
    /// Keeps `getters`, the harness's `views`.
    pub(super) fn keep<'js>(&self, ctx: &Ctx<'js>, getters: Object<'js>) {
        *self.0.borrow_mut() = Some(Persistent::save(ctx, getters));
    }

    /// Drops them.
    pub(super) fn forget(&self) {
        self.0.borrow_mut().take();
    }

    fn restore<'js>(&self, ctx: &Ctx<'js>) -> rquickjs::Result<Object<'js>> {
        match self.0.borrow().clone() {
            Some(getters) => getters.restore(ctx),
            None => Err(rquickjs::Error::new_from_js(
                "undefined",
                "the harness's view getters",
            )),
        }
    }
}

/// Where a value's bytes are: a buffer and the range of it the value views.
pub(super) struct Span<'js> {
    buffer: Value<'js>,
    offset: usize,
    /// Bytes viewed.
    pub len: usize,
}

/// Finds the bytes of `value`, which is `kind`.
pub(super) fn locate<'js>(
    ctx: &Ctx<'js>,
    getters: &ViewGetters,
    value: &Value<'js>,
    kind: Binary,
) -> rquickjs::Result<Span<'js>> {
    let (buffer, offset, length) = match kind {
        Binary::Buffer => {
            return Ok(Span {
                len: buffer_size(ctx, value),
                buffer: value.clone(),
                offset: 0,
            })
        }
        Binary::TypedArray => ("typedBuffer", "typedOffset", "typedLength"),
        Binary::DataView => ("viewBuffer", "viewOffset", "viewLength"),
    };
    let getters = getters.restore(ctx)?;
    let read = |name: &str| -> rquickjs::Result<Value<'js>> {
        getters
            .get::<_, Function>(name)?
            .call((This(value.clone()),))
    };
    // The DataView getters throw for a view out of bounds; the typed array ones give 0.
    let (offset, length) = match (read(offset), read(length)) {
        (Ok(offset), Ok(length)) => (size(&offset), size(&length)),
        (Err(rquickjs::Error::Exception), _) | (_, Err(rquickjs::Error::Exception)) => {
            ctx.catch();
            (0, 0)
        }
        (Err(error), _) | (_, Err(error)) => return Err(error),
    };
    let buffer = read(buffer)?;
    let available = buffer_size(ctx, &buffer);
    let len = if offset
        .checked_add(length)
        .is_some_and(|end| end <= available)
    {
        length
    } else {
        0
    };
    Ok(Span {
        buffer,
        offset,
        len,
    })
}

/// Copies the bytes of `span`, found with [`locate`] with no JavaScript run since.
pub(super) fn copy(ctx: &Ctx<'_>, span: &Span<'_>) -> Vec<u8> {
    if span.len == 0 {
        return Vec::new();
    }
    let mut size = 0;
    // SAFETY: `span.buffer` is a live ArrayBuffer of this context. The pointer is used
    // only within this block, during which no JavaScript runs, and only within the
    // `size` bytes the buffer has now.
    unsafe {
        let data = qjs::JS_GetArrayBuffer(ctx.as_raw().as_ptr(), &mut size, span.buffer.as_raw());
        if data.is_null() {
            ctx.catch();
            return Vec::new();
        }
        let size = usize::try_from(size).unwrap_or(0);
        match span.offset.checked_add(span.len) {
            Some(end) if end <= size => {
                std::slice::from_raw_parts(data.add(span.offset), span.len).to_vec()
            }
            _ => Vec::new(),
        }
    }
}

/// A new `Uint8Array` holding a copy of `bytes`, allocated in the run's heap, so it
/// counts against the memory limit.
pub(super) fn uint8_array<'js>(ctx: &Ctx<'js>, bytes: &[u8]) -> rquickjs::Result<Value<'js>> {
    // SAFETY: QuickJS copies `bytes.len()` bytes from the pointer into a buffer of its
    // own and returns an owned value, or the exception marker with the error pending.
    let value = unsafe {
        Value::from_raw(
            ctx.clone(),
            qjs::JS_NewUint8ArrayCopy(ctx.as_raw().as_ptr(), bytes.as_ptr(), bytes.len() as _),
        )
    };
    if value.is_exception() {
        return Err(rquickjs::Error::Exception);
    }
    Ok(value)
}

/// The size of the buffer `buffer`; 0 when it is detached.
fn buffer_size(ctx: &Ctx<'_>, buffer: &Value<'_>) -> usize {
    let mut size = 0;
    // SAFETY: reads the size of a live value; a detached buffer or another value gives
    // null with an exception pending, which is cleared.
    let data = unsafe { qjs::JS_GetArrayBuffer(ctx.as_raw().as_ptr(), &mut size, buffer.as_raw()) };
    if data.is_null() {
        ctx.catch();
        return 0;
    }
    usize::try_from(size).unwrap_or(0)
}

/// A getter's answer as a size; anything else is 0.
fn size(value: &Value<'_>) -> usize {
    value
        .as_number()
        .filter(|n| n.is_finite() && *n >= 0.0)
        .map_or(0, |n| n as usize)
}
