//! TypeScript declarations generated from the registry's JSON Schemas: one
//! `declare const codemode` block with JSDoc from the doc comments, and the sandbox's
//! own `attach`. A string schema with `"contentEncoding": "base64"` (what
//! [`Bytes`](crate::Bytes) declares) is a `Uint8Array`.

use crate::registry::{FunctionSpec, Registry};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt::Write;

impl Registry {
    /// The TypeScript declarations of every function: named types first, then one
    /// `declare const codemode: { ... }` block with tools and namespaces sorted by name.
    pub fn typescript(&self) -> String {
        let mut types = NamedTypes::default();
        let mut members: BTreeMap<String, String> = BTreeMap::new();
        let mut namespaces: BTreeMap<&str, Vec<&FunctionSpec>> = BTreeMap::new();
        for function in self.functions() {
            let spec = function.spec();
            match &spec.namespace {
                Some(namespace) => namespaces.entry(namespace).or_default().push(spec),
                None => {
                    members.insert(spec.name.clone(), method(spec, &mut types, 1));
                }
            }
        }
        for (namespace, description) in self.namespaces() {
            let mut block = jsdoc(description, 1);
            let specs = namespaces.remove(namespace).unwrap_or_default();
            if specs.is_empty() {
                let _ = writeln!(block, "  {namespace}: {{}};");
            } else {
                let _ = writeln!(block, "  {namespace}: {{");
                for spec in specs {
                    block.push_str(&method(spec, &mut types, 2));
                }
                block.push_str("  };\n");
            }
            members.insert(namespace.to_owned(), block);
        }
        let mut out = types.render();
        out.push_str("declare const codemode: {\n");
        for member in members.values() {
            out.push_str(member);
        }
        out.push_str("};\n");
        out.push_str(ATTACH);
        out
    }
}

/// The declaration of the sandbox's `attach`.
const ATTACH: &str = "/** Adds bytes to the answer for the model to see: `image/*` as an image, `audio/*` as audio, any other type as a file. */\ndeclare function attach(data: Uint8Array | ArrayBuffer | ArrayBufferView, mimeType: string): void;\n";

/// The one-line signature of a function, as JavaScript calls it:
/// `codemode.add(args: { a: number; b: number }): Promise<number>`.
pub(crate) fn signature(spec: &FunctionSpec) -> String {
    let mut types = NamedTypes::default();
    let line = format!(
        "codemode.{}{}",
        spec.path(),
        call_signature(spec, &mut types, None)
    );
    let named = types.render();
    if named.is_empty() {
        line
    } else {
        format!("{named}{line}")
    }
}

fn method(spec: &FunctionSpec, types: &mut NamedTypes, depth: usize) -> String {
    let mut out = jsdoc(&spec.description, depth);
    let pad = "  ".repeat(depth);
    let _ = writeln!(
        out,
        "{pad}{}{};",
        spec.name,
        call_signature(spec, types, Some(depth))
    );
    out
}

/// `(args: { .. }): Promise<R>`; multi-line when `depth` is given.
fn call_signature(spec: &FunctionSpec, types: &mut NamedTypes, depth: Option<usize>) -> String {
    types.remaining = NODE_BUDGET;
    types.text = TEXT_BUDGET;
    let args = convert_root(&spec.input_schema, types, depth);
    let optional = all_optional(&spec.input_schema);
    types.remaining = NODE_BUDGET;
    types.text = TEXT_BUDGET;
    let returns = match spec.output_schema.get("type") {
        Some(Value::String(kind)) if kind == "null" => "void".to_owned(),
        _ => convert_root(&spec.output_schema, types, depth),
    };
    let question = if optional { "?" } else { "" };
    format!("(args{question}: {args}): Promise<{returns}>")
}

/// Converts a root schema; one that refers to itself (`"$ref": "#"`) becomes a named
/// type called by its title.
fn convert_root(schema: &Value, types: &mut NamedTypes, depth: Option<usize>) -> String {
    let root = refers_to_root(schema, 0).then(|| {
        let title = schema
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or("Root");
        let mut body = schema.clone();
        if let Value::Object(object) = &mut body {
            object.remove("$defs");
            object.remove("definitions");
            object.remove("$schema");
        }
        (title.to_owned(), body)
    });
    let document = Document {
        root: schema,
        recursive: root.as_ref(),
    };
    match &root {
        Some((title, body)) => types.name_for(title, body, document),
        None => Converter {
            document,
            types,
            depth,
        }
        .convert(schema),
    }
}

/// Whether `schema` refers to its own root with `"$ref": "#"`, looking no deeper than
/// conversions go.
fn refers_to_root(schema: &Value, level: usize) -> bool {
    if level > MAX_LEVEL {
        return false;
    }
    match schema {
        Value::Object(object) => object.iter().any(|(key, value)| {
            (key == "$ref" && value == "#")
                || (key != "$defs" && key != "definitions" && refers_to_root(value, level + 1))
        }),
        Value::Array(items) => items.iter().any(|item| refers_to_root(item, level + 1)),
        _ => false,
    }
}

/// Whether every property of an object schema is optional, so `args` may be omitted.
fn all_optional(schema: &Value) -> bool {
    let document = Document {
        root: schema,
        recursive: None,
    };
    let schema = document.target(schema).map_or(schema, |(_, target)| target);
    match schema.get("required") {
        Some(Value::Array(required)) => required.is_empty(),
        _ => schema.get("type").is_none_or(|kind| kind == "object"),
    }
}

/// The schema document a `$ref` is resolved in.
#[derive(Clone, Copy)]
struct Document<'a> {
    root: &'a Value,
    /// The title and body of a root schema that refers to itself.
    recursive: Option<&'a (String, Value)>,
}

impl<'a> Document<'a> {
    /// The name and schema `schema`'s `$ref` points to, within this document:
    /// `#/$defs/X`, `#/definitions/X` or any other JSON pointer. Remote references
    /// resolve to nothing.
    fn target(&self, schema: &Value) -> Option<(&'a str, &'a Value)> {
        let reference = schema.get("$ref")?.as_str()?;
        let pointer = reference.strip_prefix('#')?;
        if pointer.is_empty() {
            return None;
        }
        let target = self.root.pointer(pointer)?;
        let name = pointer.rsplit('/').next().unwrap_or("Ref");
        // The pointer's last segment lives in the document, so the name can borrow it.
        let name = self
            .root
            .pointer(pointer.rsplit_once('/').map_or("", |(parent, _)| parent))
            .and_then(Value::as_object)
            .and_then(|parent| parent.get_key_value(&unescape(name)))
            .map_or("Ref", |(key, _)| key.as_str());
        Some((name, target))
    }
}

fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// Levels of nesting converted; deeper schemas become `unknown`, so a hostile schema
/// cannot exhaust the stack.
const MAX_LEVEL: usize = 32;
/// Schema nodes converted per parameter or return type; beyond it, `unknown`, so a
/// huge schema cannot flood the declarations.
const NODE_BUDGET: usize = 4_000;
/// Bytes of fields and their comments written per parameter or return type; beyond
/// it, an object's remaining fields become an index signature.
const TEXT_BUDGET: usize = 32 * 1024;
/// Characters of a description kept in a JSDoc comment.
const DESCRIPTION_CHARS: usize = 4_000;

/// Named types referenced through `$ref`, declared once before the block.
#[derive(Default)]
struct NamedTypes {
    /// Type name → (schema, declaration); a different schema under a taken name gets a
    /// numbered name.
    declared: BTreeMap<String, (Value, Option<String>)>,
    /// Nesting level of the conversion in progress.
    level: usize,
    /// Schema nodes the current parameter or return type may still convert.
    remaining: usize,
    /// Bytes of fields the current parameter or return type may still write.
    text: usize,
}

impl NamedTypes {
    /// The TypeScript name for definition `name` with `schema`, converting it once.
    fn name_for(&mut self, name: &str, schema: &Value, document: Document<'_>) -> String {
        let base = sanitize(name);
        let mut candidate = base.clone();
        let mut suffix = 2;
        loop {
            match self.declared.get(&candidate) {
                Some((existing, _)) if existing == schema => return candidate,
                Some(_) => {
                    candidate = format!("{base}{suffix}");
                    suffix += 1;
                }
                None => break,
            }
        }
        self.declared
            .insert(candidate.clone(), (schema.clone(), None));
        let body = Converter {
            document,
            types: self,
            depth: Some(0),
        }
        .convert(schema);
        let declaration = format!(
            "{}type {candidate} = {body};\n",
            jsdoc(description(schema), 0)
        );
        if let Some(entry) = self.declared.get_mut(&candidate) {
            entry.1 = Some(declaration);
        }
        candidate
    }

    fn render(&self) -> String {
        let mut out = String::new();
        for (_, declaration) in self.declared.values() {
            if let Some(declaration) = declaration {
                out.push_str(declaration);
                out.push('\n');
            }
        }
        out
    }
}

/// Converts one schema to a TypeScript type.
struct Converter<'a> {
    document: Document<'a>,
    types: &'a mut NamedTypes,
    /// Indentation depth for multi-line object types; `None` keeps them on one line.
    depth: Option<usize>,
}

impl Converter<'_> {
    fn convert(&mut self, schema: &Value) -> String {
        if self.types.level >= MAX_LEVEL || self.types.remaining == 0 {
            return "unknown".to_owned();
        }
        self.types.remaining -= 1;
        self.types.level += 1;
        let converted = self.convert_node(schema);
        self.types.level -= 1;
        converted
    }

    fn convert_node(&mut self, schema: &Value) -> String {
        let object = match schema {
            Value::Bool(true) => return "unknown".to_owned(),
            Value::Bool(false) => return "never".to_owned(),
            Value::Object(object) => object,
            _ => return "unknown".to_owned(),
        };
        let ty = self.convert_object(object);
        if object.get("nullable") == Some(&Value::Bool(true)) && ty != "unknown" && ty != "null" {
            format!("{} | null", parenthesize(&ty))
        } else {
            ty
        }
    }

    fn convert_object(&mut self, object: &Map<String, Value>) -> String {
        if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
            let document = self.document;
            if reference == "#" {
                return match document.recursive {
                    Some(root) => self.types.name_for(&root.0, &root.1, document),
                    None => "unknown".to_owned(),
                };
            }
            let schema = Value::Object(object.clone());
            return match document.target(&schema) {
                Some((name, target)) => self.types.name_for(name, target, document),
                None => "unknown".to_owned(),
            };
        }
        if let Some(constant) = object.get("const") {
            return literal(constant);
        }
        if let Some(Value::Array(options)) = object.get("enum") {
            let budget = self.types.remaining.min(options.len());
            self.types.remaining -= budget;
            if budget < options.len() {
                return "unknown".to_owned();
            }
            return union(dedup(options.iter().map(literal).collect()));
        }
        for (key, separator) in [("anyOf", " | "), ("oneOf", " | "), ("allOf", " & ")] {
            if let Some(Value::Array(parts)) = object.get(key) {
                let parts: Vec<String> = parts.iter().map(|part| self.convert(part)).collect();
                let joined = dedup(parts);
                return if separator == " | " {
                    union(joined)
                } else {
                    joined
                        .into_iter()
                        .map(|p| parenthesize(&p))
                        .collect::<Vec<_>>()
                        .join(separator)
                };
            }
        }
        match object.get("type") {
            Some(Value::String(kind)) => self.typed(kind, object),
            Some(Value::Array(kinds)) => {
                let parts = kinds
                    .iter()
                    .filter_map(Value::as_str)
                    .map(|kind| self.typed(kind, object))
                    .collect();
                union(dedup(parts))
            }
            _ if object.contains_key("properties") => self.object(object),
            _ => "unknown".to_owned(),
        }
    }

    fn typed(&mut self, kind: &str, object: &Map<String, Value>) -> String {
        match kind {
            "string" if object.get("contentEncoding").and_then(Value::as_str) == Some("base64") => {
                "Uint8Array".to_owned()
            }
            "string" => "string".to_owned(),
            "integer" | "number" => "number".to_owned(),
            "boolean" => "boolean".to_owned(),
            "null" => "null".to_owned(),
            "array" => self.array(object),
            "object" => self.object(object),
            _ => "unknown".to_owned(),
        }
    }

    fn array(&mut self, object: &Map<String, Value>) -> String {
        let tuple = match object.get("prefixItems") {
            Some(Value::Array(items)) => Some(items),
            _ => match object.get("items") {
                Some(Value::Array(items)) => Some(items),
                _ => None,
            },
        };
        if let Some(items) = tuple {
            let items: Vec<String> = items.iter().map(|item| self.convert(item)).collect();
            return format!("[{}]", items.join(", "));
        }
        match object.get("items") {
            Some(items) => format!("{}[]", parenthesize(&self.convert(items))),
            None => "unknown[]".to_owned(),
        }
    }

    fn object(&mut self, object: &Map<String, Value>) -> String {
        let properties = object.get("properties").and_then(Value::as_object);
        let additional = object.get("additionalProperties");
        let Some(properties) = properties.filter(|p| !p.is_empty()) else {
            return match additional {
                Some(Value::Bool(false)) => "{}".to_owned(),
                Some(schema @ Value::Object(_)) => {
                    format!("Record<string, {}>", self.convert(schema))
                }
                _ => "Record<string, unknown>".to_owned(),
            };
        };
        let required: Vec<&str> = object
            .get("required")
            .and_then(Value::as_array)
            .map(|names| names.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let inner_depth = self.depth.map(|depth| depth + 1);
        let mut fields = Vec::new();
        for (name, schema) in properties {
            if self.types.remaining == 0 || self.types.text == 0 {
                fields.push((String::new(), "[key: string]: unknown;".to_owned()));
                break;
            }
            let optional = if required.contains(&name.as_str()) {
                ""
            } else {
                "?"
            };
            let saved = self.depth;
            self.depth = inner_depth;
            let ty = self.convert(schema);
            self.depth = saved;
            let key = property_key(name);
            let doc = description(schema).to_owned();
            let field = format!("{key}{optional}: {ty};");
            self.types.text = self.types.text.saturating_sub(doc.len() + field.len());
            fields.push((doc, field));
        }
        let open = matches!(additional, Some(Value::Bool(true)) | Some(Value::Object(_)))
            || object.contains_key("patternProperties");
        if open
            && fields
                .last()
                .is_none_or(|(_, field)| !field.starts_with("[key"))
        {
            fields.push((String::new(), "[key: string]: unknown;".to_owned()));
        }
        match self.depth {
            Some(depth) => {
                let pad = "  ".repeat(depth + 1);
                let mut out = String::from("{\n");
                for (doc, field) in fields {
                    out.push_str(&jsdoc(&doc, depth + 1));
                    let _ = writeln!(out, "{pad}{field}");
                }
                out.push_str(&"  ".repeat(depth));
                out.push('}');
                out
            }
            None => {
                let fields: Vec<String> = fields.into_iter().map(|(_, field)| field).collect();
                format!("{{ {} }}", fields.join(" "))
            }
        }
    }
}

fn description(schema: &Value) -> &str {
    schema
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("")
}

fn literal(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "unknown".to_owned())
}

fn union(parts: Vec<String>) -> String {
    match parts.len() {
        0 => "never".to_owned(),
        _ => parts.join(" | "),
    }
}

fn dedup(parts: Vec<String>) -> Vec<String> {
    let mut seen = Vec::new();
    for part in parts {
        if !seen.contains(&part) {
            seen.push(part);
        }
    }
    seen
}

fn parenthesize(ty: &str) -> String {
    if ty.contains(" | ") || ty.contains(" & ") {
        format!("({ty})")
    } else {
        ty.to_owned()
    }
}

fn property_key(name: &str) -> String {
    let plain = name.chars().enumerate().all(|(i, c)| {
        c == '_' || c == '$' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit())
    });
    if plain && !name.is_empty() {
        name.to_owned()
    } else {
        literal(&Value::String(name.to_owned()))
    }
}

/// Names a declared type cannot take: TypeScript's own types and keywords, and the
/// globals the declarations use.
const TAKEN_TYPE_NAMES: &[&str] = &[
    "any",
    "Array",
    "ArrayBuffer",
    "ArrayBufferView",
    "bigint",
    "boolean",
    "Boolean",
    "Date",
    "Error",
    "Function",
    "Map",
    "never",
    "null",
    "number",
    "Number",
    "object",
    "Object",
    "Partial",
    "Promise",
    "Readonly",
    "Record",
    "RegExp",
    "Set",
    "string",
    "String",
    "symbol",
    "Symbol",
    "type",
    "Uint8Array",
    "undefined",
    "unknown",
    "void",
];

fn sanitize(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    match cleaned.chars().next() {
        Some(first) if first.is_ascii_digit() => format!("T{cleaned}"),
        Some(_) if TAKEN_TYPE_NAMES.contains(&cleaned.as_str()) => format!("{cleaned}_"),
        Some(_) => cleaned,
        None => "Unnamed".to_owned(),
    }
}

/// A JSDoc comment at `depth`, or nothing for an empty text.
fn jsdoc(text: &str, depth: usize) -> String {
    let text = text.trim();
    if text.is_empty() {
        return String::new();
    }
    let pad = "  ".repeat(depth);
    let text = if text.chars().count() > DESCRIPTION_CHARS {
        let mut short: String = text.chars().take(DESCRIPTION_CHARS).collect();
        short.push('…');
        short
    } else {
        text.to_owned()
    };
    let text = text.replace("*/", "*\\/");
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() == 1 {
        return format!("{pad}/** {text} */\n");
    }
    let mut out = format!("{pad}/**\n");
    for line in lines {
        let line = line.trim_end();
        if line.is_empty() {
            let _ = writeln!(out, "{pad} *");
        } else {
            let _ = writeln!(out, "{pad} * {line}");
        }
    }
    let _ = writeln!(out, "{pad} */");
    out
}
