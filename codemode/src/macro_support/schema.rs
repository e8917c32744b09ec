//! JSON Schemas of generated argument objects and results.

use super::{Parameter, ReturnValue};
use schemars::generate::SchemaSettings;
use schemars::SchemaGenerator;
use serde_json::{json, Map, Value};

fn generator() -> SchemaGenerator {
    SchemaSettings::draft2020_12().into_generator()
}

/// Builds the schema of a keyword-arguments object one parameter at a time, sharing
/// `$defs` between parameters.
pub struct InputSchema {
    generator: SchemaGenerator,
    properties: Map<String, Value>,
    required: Vec<String>,
}

impl Default for InputSchema {
    fn default() -> Self {
        Self {
            generator: generator(),
            properties: Map::new(),
            required: Vec::new(),
        }
    }
}

impl InputSchema {
    /// Adds a parameter of type `T`; `required` is false for `Option` parameters, whose
    /// `T` is the inner type.
    pub fn parameter<T: Parameter>(
        mut self,
        name: &str,
        description: &str,
        required: bool,
    ) -> Self {
        let mut schema = self.generator.subschema_for::<T>().to_value();
        if !description.is_empty() {
            if let Value::Object(object) = &mut schema {
                object.insert(
                    "description".to_owned(),
                    Value::String(description.to_owned()),
                );
            }
        }
        self.properties.insert(name.to_owned(), schema);
        if required {
            self.required.push(name.to_owned());
        }
        self
    }

    /// The finished schema.
    pub fn build(mut self) -> Value {
        let mut schema = json!({
            "type": "object",
            "properties": self.properties,
            "required": self.required,
            "additionalProperties": false,
        });
        let definitions = std::mem::take(self.generator.definitions_mut());
        if !definitions.is_empty() {
            schema["$defs"] = Value::Object(definitions);
        }
        schema
    }
}

/// The schema of a whole-struct argument.
pub fn whole_input_schema<T: Parameter>() -> Value {
    generator().into_root_schema_for::<T>().to_value()
}

/// The schema of a result.
pub fn output_schema<T: ReturnValue>() -> Value {
    generator().into_root_schema_for::<T>().to_value()
}
