//! OpenAPI 3.0 schemas as JSON Schema, to validate payloads against the spec itself
//! (the schemas schemars derives from the generated types are looser).
//!
//! The conversion: `nullable: true` becomes `type: [T, "null"]` (or an `anyOf` with
//! `null` around a `$ref` or a composition); `#/components/schemas/X` references become
//! `#/definitions/X`; `x-extensible-enum` stays an annotation (any string is valid).
//! OpenAPI 3.0's boolean `exclusiveMinimum` is draft 4's, so validation uses draft 4,
//! with formats (`date-time`, ...) checked.

use std::collections::HashMap;
use std::sync::Mutex;

use serde_json::{json, Map, Value};

use crate::Spec;

/// The spec's component schemas, converted, with a cache of compiled validators.
pub struct SchemaSet {
    definitions: Value,
    compiled: Mutex<HashMap<String, std::sync::Arc<jsonschema::Validator>>>,
}

impl std::fmt::Debug for SchemaSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SchemaSet").finish_non_exhaustive()
    }
}

/// One way an instance breaks its schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// JSON pointer into the instance (`/pageProcessors/0/type`).
    pub instance_path: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = if self.instance_path.is_empty() {
            "/"
        } else {
            &self.instance_path
        };
        write!(f, "at {at}: {}", self.message)
    }
}

impl SchemaSet {
    /// Converts every component schema of the spec.
    pub fn new(spec: &Spec) -> Self {
        let definitions: Map<String, Value> = spec
            .raw
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|schemas| {
                schemas
                    .iter()
                    .map(|(name, schema)| (name.clone(), convert(schema)))
                    .collect()
            })
            .unwrap_or_default();
        SchemaSet {
            definitions: Value::Object(definitions),
            compiled: Mutex::new(HashMap::new()),
        }
    }

    /// Converts one OpenAPI schema (inline, or a `$ref`) to a standalone JSON Schema
    /// document that carries every definition it may refer to.
    pub fn to_json_schema(&self, schema: &Value) -> Value {
        let mut root = match convert(schema) {
            Value::Object(map) => map,
            Value::Bool(b) => return Value::Bool(b),
            _ => Map::new(),
        };
        if let Some(reference) = root.remove("$ref") {
            // A sibling `definitions` beside `$ref` is ignored in draft 4: wrap instead.
            root.insert("allOf".into(), json!([{ "$ref": reference }]));
        }
        root.insert(
            "$schema".into(),
            json!("http://json-schema.org/draft-04/schema#"),
        );
        root.insert("definitions".into(), self.definitions.clone());
        Value::Object(root)
    }

    /// Validates `instance` against an OpenAPI schema of the spec.
    pub fn validate(&self, schema: &Value, instance: &Value) -> Result<(), Vec<Violation>> {
        let validator = self.validator(schema).map_err(|message| {
            vec![Violation {
                instance_path: String::new(),
                message: format!("the schema does not compile: {message}"),
            }]
        })?;
        let errors: Vec<Violation> = validator
            .iter_errors(instance)
            .map(|e| Violation {
                instance_path: e.instance_path().to_string(),
                message: e.to_string(),
            })
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    fn validator(&self, schema: &Value) -> Result<std::sync::Arc<jsonschema::Validator>, String> {
        let key = schema.to_string();
        if let Some(v) = self.compiled.lock().map_err(|e| e.to_string())?.get(&key) {
            return Ok(v.clone());
        }
        let document = self.to_json_schema(schema);
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .should_validate_formats(true)
            .build(&document)
            .map_err(|e| e.to_string())?;
        let validator = std::sync::Arc::new(validator);
        self.compiled
            .lock()
            .map_err(|e| e.to_string())?
            .insert(key, validator.clone());
        Ok(validator)
    }
}

/// Converts an OpenAPI 3.0 schema tree to JSON Schema (recursively).
pub fn convert(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, value) in map {
                let converted = match key.as_str() {
                    "$ref" => match value.as_str() {
                        Some(r) => {
                            Value::String(r.replace("#/components/schemas/", "#/definitions/"))
                        }
                        None => value.clone(),
                    },
                    "properties" | "definitions" | "patternProperties" => match value {
                        Value::Object(props) => Value::Object(
                            props.iter().map(|(k, v)| (k.clone(), convert(v))).collect(),
                        ),
                        other => other.clone(),
                    },
                    "items" | "additionalProperties" | "not" => convert(value),
                    "allOf" | "anyOf" | "oneOf" => match value {
                        Value::Array(list) => Value::Array(list.iter().map(convert).collect()),
                        other => other.clone(),
                    },
                    // OpenAPI-only keywords with no JSON Schema meaning.
                    "nullable" | "example" | "examples" | "xml" | "externalDocs"
                    | "discriminator" | "deprecated" => continue,
                    _ => value.clone(),
                };
                out.insert(key.clone(), converted);
            }
            if map.get("nullable").and_then(Value::as_bool) == Some(true) {
                make_nullable(out)
            } else {
                Value::Object(out)
            }
        }
        other => other.clone(),
    }
}

fn make_nullable(mut schema: Map<String, Value>) -> Value {
    match schema.get("type").cloned() {
        Some(Value::String(t)) if !schema.contains_key("enum") => {
            schema.insert("type".into(), json!([t, "null"]));
            Value::Object(schema)
        }
        _ => json!({ "anyOf": [Value::Object(schema), { "type": "null" }] }),
    }
}
