//! Converts a JavaScript value for the host the way `JSON.stringify` would, walking
//! the value instead of writing and re-reading text, with one exception: bytes.
//!
//! A typed array, `DataView` or `ArrayBuffer` becomes [`Bytes`](crate::Bytes) (the
//! bytes it views), wherever it sits and whatever `toJSON` method it may have. Plain
//! objects and arrays, the values host-call arguments are made of, are walked here;
//! any other object (a `Date`, a boxed primitive, a proxy...) is handed to the
//! engine's own `JSON.stringify`. Two rare differences from stringifying the whole
//! value at once come from that: the `toJSON` method of such an object is passed an
//! empty key rather than the key it sits under, and is called even when the object
//! was itself returned by another `toJSON` method. Why a value cannot be converted is
//! found by the walk and reported as a kind ([`Unsendable`]).

use super::binary::{self, Binary, ViewGetters};
use super::json_text::{self, Unreadable};
use super::text;
use super::tree::Tree;
use rquickjs::atom::PredefinedAtom;
use rquickjs::function::This;
use rquickjs::object::Filter;
use rquickjs::{qjs, Array, Atom, Constructor, Ctx, Function, Object, Value};
use serde_json::Number;
use std::marker::PhantomData;

/// Levels of arrays and objects a converted value may have, itself included.
pub(super) const MAX_NESTING: usize = 127;

/// Why a value cannot be sent.
#[derive(Debug)]
pub(super) enum Unsendable {
    /// JavaScript threw while the value was read: a getter, a `toJSON` method or the
    /// engine's `JSON.stringify`. The exception is pending on the context.
    Thrown,
    /// The value contains itself.
    Cycle,
    /// The value contains a BigInt without a `toJSON` method.
    BigInt,
    /// The value nests more than [`MAX_NESTING`] levels.
    TooDeep,
    /// The value would take more than the given number of bytes as JSON.
    TooLarge(usize),
    /// The engine wrote JSON for part of it that cannot be read back, which it never
    /// should.
    Unreadable(String),
}

impl From<rquickjs::Error> for Unsendable {
    fn from(_: rquickjs::Error) -> Self {
        Unsendable::Thrown
    }
}

/// The class ids the walk recognizes: plain objects and arrays, which it walks itself,
/// and the buffers that hold bytes.
#[derive(Clone, Copy)]
pub(super) struct Classes {
    object: qjs::JSClassID,
    array: qjs::JSClassID,
    pub array_buffer: qjs::JSClassID,
    pub shared_array_buffer: qjs::JSClassID,
}

impl Classes {
    /// Reads the class ids from fresh instances, before any program has run.
    pub(super) fn of(ctx: &Ctx<'_>) -> rquickjs::Result<Self> {
        let object = Object::new(ctx.clone())?;
        let array = Array::new(ctx.clone())?;
        let construct = |name: &str| -> rquickjs::Result<Value> {
            ctx.globals().get::<_, Constructor>(name)?.construct((0,))
        };
        let buffer = construct("ArrayBuffer")?;
        let shared = construct("SharedArrayBuffer")?;
        Ok(Self {
            object: class_of(object.as_value()),
            array: class_of(array.as_value()),
            array_buffer: class_of(&buffer),
            shared_array_buffer: class_of(&shared),
        })
    }
}

pub(super) fn class_of(value: &Value<'_>) -> qjs::JSClassID {
    // SAFETY: `as_raw` is a live value of this context; the call only reads its tag
    // and, for objects, their class id.
    unsafe { qjs::JS_GetClassID(value.as_raw()) }
}

/// Converts `value` as `JSON.stringify` would, bytes as bytes (base64 text in JSON);
/// `None` when JSON has no text for it (`undefined`, a function, a symbol). At most
/// `budget` bytes are produced, counted as JSON text. `getters` read views' bytes.
pub(super) fn convert<'js, T: Tree>(
    ctx: &Ctx<'js>,
    classes: Classes,
    getters: &ViewGetters,
    budget: usize,
    value: Value<'js>,
) -> Result<Option<T>, Unsendable> {
    let mut walk = Walk {
        ctx,
        classes,
        getters,
        budget,
        used: 0,
        ancestors: Vec::new(),
        tree: PhantomData,
    };
    walk.property(Key::Root, value)
}

/// The key a value sits under, which is passed to its `toJSON` method.
enum Key<'a, 'js> {
    Root,
    Index(usize),
    Name(&'a Atom<'js>),
}

struct Walk<'a, 'js, T> {
    ctx: &'a Ctx<'js>,
    classes: Classes,
    getters: &'a ViewGetters,
    budget: usize,
    used: usize,
    /// The objects being walked, outermost first, to find cycles.
    ancestors: Vec<usize>,
    tree: PhantomData<T>,
}

impl<'js, T: Tree> Walk<'_, 'js, T> {
    /// Converts the value under `key`, calling its `toJSON` method first if it has one.
    fn property(&mut self, key: Key<'_, 'js>, value: Value<'js>) -> Result<Option<T>, Unsendable> {
        if value.is_big_int() {
            return self.big_int(key, value);
        }
        let Some(object) = value.as_object() else {
            return self.serialize(value);
        };
        let class = class_of(&value);
        let plain = class == self.classes.object || class == self.classes.array;
        if !plain && !value.is_function() {
            return self.other_object(class, value);
        }
        match object
            .get::<_, Value>(PredefinedAtom::ToJSON)?
            .into_function()
        {
            Some(to_json) => {
                let value = self.call_to_json(&to_json, key, value)?;
                self.serialize(value)
            }
            None if class == self.classes.object => self.object(object).map(Some),
            None if class == self.classes.array => self.array(object).map(Some),
            None => Ok(None),
        }
    }

    /// A BigInt has no JSON form of its own: `JSON.stringify` calls the `toJSON`
    /// method its prototype may have, and fails without one.
    fn big_int(&mut self, key: Key<'_, 'js>, value: Value<'js>) -> Result<Option<T>, Unsendable> {
        // SAFETY: `value` is a live value of this context. JS_GetProperty looks the
        // predefined atom up through the BigInt's prototype, as `GetV` does, and returns
        // an owned value, or the exception marker with the exception pending.
        let to_json = unsafe {
            let raw = qjs::JS_GetProperty(
                self.ctx.as_raw().as_ptr(),
                value.as_raw(),
                PredefinedAtom::ToJSON as qjs::JSAtom,
            );
            Value::from_raw(self.ctx.clone(), raw)
        };
        if to_json.is_exception() {
            return Err(Unsendable::Thrown);
        }
        match to_json.into_function() {
            Some(to_json) => {
                let value = self.call_to_json(&to_json, key, value)?;
                self.serialize(value)
            }
            None => Err(Unsendable::BigInt),
        }
    }

    fn call_to_json(
        &self,
        to_json: &Function<'js>,
        key: Key<'_, 'js>,
        value: Value<'js>,
    ) -> Result<Value<'js>, Unsendable> {
        let key = match key {
            Key::Root => rquickjs::String::from_str(self.ctx.clone(), "")?,
            Key::Index(index) => rquickjs::String::from_str(self.ctx.clone(), &index.to_string())?,
            Key::Name(name) => name.to_js_string()?,
        };
        Ok(to_json.call((This(value), key))?)
    }

    fn serialize(&mut self, value: Value<'js>) -> Result<Option<T>, Unsendable> {
        if let Some(object) = value.as_object() {
            let class = class_of(&value);
            if class == self.classes.object {
                return self.object(object).map(Some);
            }
            if class == self.classes.array {
                return self.array(object).map(Some);
            }
            if value.is_function() {
                return Ok(None);
            }
            return self.other_object(class, value);
        }
        if value.is_null() {
            self.spend(4)?;
            return Ok(Some(T::null()));
        }
        if let Some(flag) = value.as_bool() {
            self.spend(5)?;
            return Ok(Some(T::bool(flag)));
        }
        if let Some(number) = value.as_int() {
            self.spend(11)?;
            return Ok(Some(T::number(Number::from(number))));
        }
        if let Some(number) = value.as_float() {
            self.spend(24)?;
            return Ok(Some(float(number)));
        }
        if let Some(text) = value.as_string() {
            return self.string(text).map(|text| Some(T::string(text)));
        }
        if value.is_big_int() {
            return Err(Unsendable::BigInt);
        }
        Ok(None)
    }

    fn object(&mut self, object: &Object<'js>) -> Result<T, Unsendable> {
        self.enter(object.as_value())?;
        let mut map = T::entries();
        for key in object.own_keys::<Atom>(Filter::default()) {
            let key = key?;
            let value: Value = object.get(key.clone())?;
            if let Some(value) = self.property(Key::Name(&key), value)? {
                let key = self.string(&key.to_js_string()?)?;
                self.spend(2)?;
                T::insert(&mut map, key, value);
            }
        }
        self.ancestors.pop();
        Ok(T::object(map))
    }

    fn array(&mut self, array: &Object<'js>) -> Result<T, Unsendable> {
        self.enter(array.as_value())?;
        let length: f64 = array.get(PredefinedAtom::Length)?;
        let mut items = Vec::new();
        let mut index = 0;
        while (index as f64) < length {
            let value: Value = array.get(index as u32)?;
            let item = self.property(Key::Index(index), value)?;
            self.spend(1)?;
            items.push(item.unwrap_or_else(T::null));
            index += 1;
        }
        self.ancestors.pop();
        Ok(T::array(items))
    }

    /// An object that is neither plain nor an array: bytes if it holds them, else what
    /// the engine's `JSON.stringify` makes of it.
    fn other_object(
        &mut self,
        class: qjs::JSClassID,
        value: Value<'js>,
    ) -> Result<Option<T>, Unsendable> {
        match Binary::of(&self.classes, class, &value) {
            Some(kind) => self.bytes(&value, kind).map(Some),
            None => self.by_engine(value),
        }
    }

    /// The bytes `value` views, paid for before they are copied.
    fn bytes(&mut self, value: &Value<'js>, kind: Binary) -> Result<T, Unsendable> {
        let span = binary::locate(self.ctx, self.getters, value, kind)?;
        self.spend(T::bytes_cost(span.len))?;
        Ok(T::bytes(binary::copy(self.ctx, &span)))
    }

    /// Notes that the walk entered `object`, which must not be one it is already in.
    fn enter(&mut self, object: &Value<'js>) -> Result<(), Unsendable> {
        // SAFETY: reads the pointer of a live object value; it is only compared.
        let address = unsafe { qjs::JS_VALUE_GET_PTR(object.as_raw()) } as usize;
        if self.ancestors.contains(&address) {
            return Err(Unsendable::Cycle);
        }
        if self.ancestors.len() >= MAX_NESTING {
            return Err(Unsendable::TooDeep);
        }
        self.ancestors.push(address);
        self.spend(2)
    }

    /// A string's text; lone surrogates, which no Rust string holds, become U+FFFD.
    fn string(&mut self, text: &rquickjs::String<'js>) -> Result<String, Unsendable> {
        let text = text::lossy(text);
        self.spend(text.len() + 2)?;
        Ok(text)
    }

    /// Converts the value with the engine's `JSON.stringify`.
    fn by_engine(&mut self, value: Value<'js>) -> Result<Option<T>, Unsendable> {
        let Some(text) = self.ctx.json_stringify(value)? else {
            return Ok(None);
        };
        let text = text.to_string()?;
        self.spend(text.len())?;
        let json: T = json_text::parse(&text).map_err(|unreadable| match unreadable {
            Unreadable::TooDeep => Unsendable::TooDeep,
            Unreadable::Invalid(error) => Unsendable::Unreadable(error.to_string()),
        })?;
        if self.ancestors.len() + json.nesting() > MAX_NESTING {
            return Err(Unsendable::TooDeep);
        }
        Ok(Some(json))
    }

    fn spend(&mut self, bytes: usize) -> Result<(), Unsendable> {
        self.used += bytes;
        if self.used > self.budget {
            return Err(Unsendable::TooLarge(self.budget));
        }
        Ok(())
    }
}

/// A number as `JSON.parse` reads what `JSON.stringify` writes: integers below 2^64
/// as integers, other finite numbers as floats, and the rest as `null`.
fn float<T: Tree>(number: f64) -> T {
    const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
    const TWO_POW_64: f64 = 18_446_744_073_709_551_616.0;
    if !number.is_finite() {
        return T::null();
    }
    if number.fract() == 0.0 {
        if (0.0..TWO_POW_64).contains(&number) {
            return T::number(Number::from(number as u64));
        }
        if (-TWO_POW_63..0.0).contains(&number) {
            return T::number(Number::from(number as i64));
        }
    }
    Number::from_f64(number).map_or_else(T::null, T::number)
}
