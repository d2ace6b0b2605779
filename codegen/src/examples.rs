//! The documented examples attached to the spec, and their check against their schemas.

use serde_json::Value;

use crate::json_schema::SchemaSet;
use crate::lint::Finding;
use crate::spec::{Spec, METHODS};

/// Where an example sits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// The request body.
    Request,
    /// The response with this status (`200`, `401`, `default`, ...).
    Response(String),
}

/// One documented example.
#[derive(Clone, Debug)]
pub struct Example {
    /// The operationId.
    pub operation_id: String,
    /// `METHOD /path (operationId)`, for messages.
    pub operation: String,
    /// Request or response.
    pub place: Place,
    /// The media type (`application/json`).
    pub media_type: String,
    /// The example's key.
    pub name: String,
    /// The media type's schema (as written, possibly a `$ref`).
    pub schema: Option<Value>,
    /// The example value.
    pub value: Value,
}

impl Example {
    /// `GET /exports (listExports) response 200 example "docs-1"`.
    pub fn describe(&self) -> String {
        let place = match &self.place {
            Place::Request => "request".to_string(),
            Place::Response(status) => format!("response {status}"),
        };
        format!("{} {place} example {:?}", self.operation, self.name)
    }
}

/// Every example of every operation (shared responses' examples are listed under each
/// operation that uses them).
pub fn collect(spec: &Spec) -> Vec<Example> {
    let mut out = Vec::new();
    let Some(paths) = spec.raw.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let operation_id = op
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let operation = format!("{} {path} ({operation_id})", method.to_uppercase());
            let mut push = |place: Place, content: Option<&Value>| {
                let Some(content) = content.and_then(Value::as_object) else {
                    return;
                };
                for (media_type, media) in content {
                    let examples = media.get("examples").and_then(Value::as_object);
                    for (name, example) in examples.into_iter().flatten() {
                        let example = spec.deref(example);
                        let Some(value) = example.get("value") else {
                            continue;
                        };
                        out.push(Example {
                            operation_id: operation_id.clone(),
                            operation: operation.clone(),
                            place: place.clone(),
                            media_type: media_type.clone(),
                            name: name.clone(),
                            schema: media.get("schema").cloned(),
                            value: value.clone(),
                        });
                    }
                }
            };
            if let Some(body) = op.get("requestBody") {
                push(Place::Request, spec.deref(body).get("content"));
            }
            for (status, response) in op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                push(
                    Place::Response(status.clone()),
                    spec.deref(response).get("content"),
                );
            }
        }
    }
    out
}

/// Checks every example against its schema; one finding per invalid example.
pub fn check(spec: &Spec) -> Vec<Finding> {
    let schemas = SchemaSet::new(spec);
    let mut findings = Vec::new();
    for example in collect(spec) {
        let Some(schema) = &example.schema else {
            findings.push(Finding {
                rule: "example-without-schema",
                location: example.describe(),
                message: "the media type has examples but no schema".into(),
                fix: "give the media type a schema",
            });
            continue;
        };
        if !example.media_type.contains("json") {
            // A text example is valid when the schema is a string.
            if !example.value.is_string() {
                findings.push(Finding {
                    rule: "example-invalid",
                    location: example.describe(),
                    message: "a non-JSON media type's example must be a string".into(),
                    fix: "write the example as the text the API sends",
                });
            }
            continue;
        }
        if let Err(violations) = schemas.validate(schema, &example.value) {
            let message = violations
                .iter()
                .take(5)
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join("; ");
            findings.push(Finding {
                rule: "example-invalid",
                location: example.describe(),
                message,
                fix: "if the example is what the docs show, the schema is too strict: correct the schema",
            });
        }
    }
    findings
}
