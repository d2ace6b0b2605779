//! One operation's inputs, generated from the spec: path, query and header parameters
//! and a body, as `__contract::send` takes them.

use integrator_io_codegen::spec::Operation;
use proptest::prelude::*;
use serde_json::{Map, Value};

use crate::support::spec;
use crate::values;

/// The inputs of one call.
#[derive(Clone, Debug)]
pub struct Case {
    /// Wire name → value.
    pub params: Map<String, Value>,
    pub body: Option<Value>,
}

/// The raw schema of one of `op`'s parameters.
pub fn param_schema(op: &Operation, name: &str) -> Value {
    let raw = operation_raw(op);
    let shared = spec()
        .raw
        .pointer(&format!("/paths/{}/parameters", escape(&op.path)))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    raw.get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .chain(shared.iter())
        .map(|p| spec().deref(p))
        .find(|p| p.get("name").and_then(Value::as_str) == Some(name))
        .and_then(|p| p.get("schema").cloned())
        .unwrap_or(Value::Object(Map::new()))
}

/// The operation object in the raw spec.
pub fn operation_raw(op: &Operation) -> Value {
    spec()
        .raw
        .pointer(&format!(
            "/paths/{}/{}",
            escape(&op.path),
            op.method.to_lowercase()
        ))
        .cloned()
        .unwrap_or(Value::Null)
}

fn escape(path: &str) -> String {
    path.replace('~', "~0").replace('/', "~1")
}

/// The request body schema, when the operation takes a JSON body.
pub fn body_schema(op: &Operation) -> Option<Value> {
    operation_raw(op)
        .get("requestBody")
        .map(|b| spec().deref(b).clone())?
        .pointer("/content/application~1json/schema")
        .cloned()
}

/// An id as a path segment may carry it: plain 24-hex ids, and awkward ones (unicode,
/// spaces, `%`, `+`, `&`, `=`, `;`, `:`, `@`) that must arrive percent-encoded. Never
/// `/`, `?`, `#`, `\`, `.` or `..`, control characters or empty: the client refuses those.
pub fn path_id() -> BoxedStrategy<String> {
    prop_oneof![
        2 => "[0-9a-f]{24}",
        1 => "[a-zA-Z0-9 %+&=;:@'!$,~é中😀_-]{1,24}"
            .prop_filter("not a dot segment", |s| s != "." && s != ".."),
    ]
    .boxed()
}

/// A header value the client accepts (printable ASCII, no CR/LF).
fn header_value() -> BoxedStrategy<String> {
    prop_oneof!["[0-9a-f]{24}", "[0-9]{1,6}", "[!-~]{1,40}"].boxed()
}

/// Inputs for `op`: every required parameter, each optional one half the time, and a
/// body when it takes one (always when required).
pub fn inputs(op: &Operation) -> BoxedStrategy<Case> {
    let mut params: Vec<BoxedStrategy<Option<(String, Value)>>> = Vec::new();
    for p in &op.params {
        let name = p.name.clone();
        let value: BoxedStrategy<Value> = match p.location.as_str() {
            "path" => path_id().prop_map(Value::String).boxed(),
            "header" => header_value().prop_map(Value::String).boxed(),
            _ => values::valid(&param_schema(op, &p.name))
                .prop_filter("a query value is not null", |v| !v.is_null())
                .boxed(),
        };
        let keyed = value.prop_map(move |v| Some((name.clone(), v)));
        params.push(if p.required {
            keyed.boxed()
        } else {
            prop_oneof![Just(None), keyed].boxed()
        });
    }
    let required_body = operation_raw(op)
        .get("requestBody")
        .map(|b| spec().deref(b).get("required").and_then(Value::as_bool) == Some(true))
        .unwrap_or(false);
    let body: BoxedStrategy<Option<Value>> = match body_schema(op) {
        None => Just(None).boxed(),
        Some(schema) if required_body => values::valid(&schema).prop_map(Some).boxed(),
        Some(schema) => prop_oneof![Just(None), values::valid(&schema).prop_map(Some)].boxed(),
    };
    (params, body)
        .prop_map(|(params, body)| Case {
            params: params.into_iter().flatten().collect(),
            body,
        })
        .boxed()
}

/// The least a call of `op` needs: required parameters (plain ids) and, when the body
/// is required, one generated from its schema by `body`.
pub fn minimal(op: &Operation, body: Option<Value>) -> Case {
    let params = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| {
            (
                p.name.clone(),
                Value::String("5f0a1b2c3d4e5f6a7b8c9d0e".into()),
            )
        })
        .collect();
    Case { params, body }
}
