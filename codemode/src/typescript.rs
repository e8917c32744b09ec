//! TypeScript declarations generated from the registry's JSON Schemas: one
//! `declare const codemode` block with JSDoc from the doc comments.

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
        for (namespace, specs) in namespaces {
            let mut block = String::new();
            let description = self
                .namespaces()
                .find(|(name, _)| *name == namespace)
                .map_or("", |(_, text)| text);
            block.push_str(&jsdoc(description, 1));
            let _ = writeln!(block, "  {namespace}: {{");
            for spec in specs {
                block.push_str(&method(spec, &mut types, 2));
            }
            block.push_str("  };\n");
            members.insert(namespace.to_owned(), block);
        }
        let mut out = types.render();
        out.push_str("declare const codemode: {\n");
        for member in members.values() {
            out.push_str(member);
        }
        out.push_str("};\n");
        out
    }
}

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
    let input_defs = defs(&spec.input_schema);
    let args = convert_root(&spec.input_schema, &input_defs, types, depth);
    let optional = all_optional(&spec.input_schema, &input_defs);
    let output_defs = defs(&spec.output_schema);
    let returns = match spec.output_schema.get("type") {
        Some(Value::String(kind)) if kind == "null" => "void".to_owned(),
        _ => convert_root(&spec.output_schema, &output_defs, types, depth),
    };
    let question = if optional { "?" } else { "" };
    format!("(args{question}: {args}): Promise<{returns}>")
}

/// Converts a root schema; one that refers to itself (`"$ref": "#"`) becomes a named
/// type called by its title.
fn convert_root(
    schema: &Value,
    defs: &Map<String, Value>,
    types: &mut NamedTypes,
    depth: Option<usize>,
) -> String {
    let root = refers_to_root(schema).then(|| {
        let title = schema
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or("Root");
        let mut body = schema.clone();
        if let Value::Object(object) = &mut body {
            object.remove("$defs");
            object.remove("$schema");
        }
        (title.to_owned(), body)
    });
    match &root {
        Some((title, body)) => types.name_for(title, body, defs, root.as_ref()),
        None => Converter {
            defs,
            types,
            depth,
            root: None,
        }
        .convert(schema),
    }
}

fn refers_to_root(schema: &Value) -> bool {
    match schema {
        Value::Object(object) => object.iter().any(|(key, value)| {
            (key == "$ref" && value == "#") || (key != "$defs" && refers_to_root(value))
        }),
        Value::Array(items) => items.iter().any(refers_to_root),
        _ => false,
    }
}

/// Whether every property of an object schema is optional, so `args` may be omitted.
fn all_optional(schema: &Value, defs: &Map<String, Value>) -> bool {
    let schema = resolve(schema, defs);
    match schema.get("required") {
        Some(Value::Array(required)) => required.is_empty(),
        _ => schema.get("type").is_none_or(|kind| kind == "object"),
    }
}

fn defs(schema: &Value) -> Map<String, Value> {
    schema
        .get("$defs")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

fn resolve<'a>(schema: &'a Value, defs: &'a Map<String, Value>) -> &'a Value {
    match schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(def_name)
    {
        Some(name) => defs.get(name).unwrap_or(schema),
        None => schema,
    }
}

fn def_name(reference: &str) -> Option<&str> {
    reference
        .strip_prefix("#/$defs/")
        .or_else(|| reference.strip_prefix("#/definitions/"))
}

/// Named types referenced through `$ref`, declared once before the block.
#[derive(Default)]
struct NamedTypes {
    /// Type name → (schema, declaration); a different schema under a taken name gets a
    /// numbered name.
    declared: BTreeMap<String, (Value, Option<String>)>,
}

impl NamedTypes {
    /// The TypeScript name for definition `name` with `schema`, converting it once.
    fn name_for(
        &mut self,
        name: &str,
        schema: &Value,
        defs: &Map<String, Value>,
        root: Option<&(String, Value)>,
    ) -> String {
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
            defs,
            types: self,
            depth: Some(0),
            root,
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
    defs: &'a Map<String, Value>,
    types: &'a mut NamedTypes,
    /// Indentation depth for multi-line object types; `None` keeps them on one line.
    depth: Option<usize>,
    /// The title and body of a root schema that refers to itself.
    root: Option<&'a (String, Value)>,
}

impl Converter<'_> {
    fn convert(&mut self, schema: &Value) -> String {
        let object = match schema {
            Value::Bool(true) => return "unknown".to_owned(),
            Value::Bool(false) => return "never".to_owned(),
            Value::Object(object) => object,
            _ => return "unknown".to_owned(),
        };
        if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
            if reference == "#" {
                return match self.root {
                    Some(root) => {
                        let defs = self.defs;
                        self.types.name_for(&root.0, &root.1, defs, Some(root))
                    }
                    None => "unknown".to_owned(),
                };
            }
            return match def_name(reference).and_then(|name| Some((name, self.defs.get(name)?))) {
                Some((name, target)) => {
                    let defs = self.defs;
                    let root = self.root;
                    self.types.name_for(name, target, defs, root)
                }
                None => "unknown".to_owned(),
            };
        }
        if let Some(constant) = object.get("const") {
            return literal(constant);
        }
        if let Some(Value::Array(options)) = object.get("enum") {
            return union(options.iter().map(literal).collect());
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
        if let Some(Value::Array(items)) = object.get("prefixItems") {
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
            let doc = description(schema);
            fields.push((doc, format!("{key}{optional}: {ty};")));
        }
        match self.depth {
            Some(depth) => {
                let pad = "  ".repeat(depth + 1);
                let mut out = String::from("{\n");
                for (doc, field) in fields {
                    out.push_str(&jsdoc(doc, depth + 1));
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
