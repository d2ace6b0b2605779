//! The drift report of the live contract tests: how one answer of the API differs from
//! what the spec says about it.
//!
//! - `unknown-field`: the body holds a property the schema does not declare (checked
//!   only where the schema, through `$ref` and compositions, declares `properties`);
//! - `type-mismatch`: the body breaks its schema (a `SchemaSet` violation);
//! - `undocumented-status`: the status is not among the operation's declared responses
//!   (`default` does not count: it is the catch-all for errors).

use std::fmt;

use integrator_io_codegen::json_schema::SchemaSet;
use integrator_io_codegen::spec::Operation;
use integrator_io_codegen::Spec;
use serde_json::Value;

/// One difference between an answer and the spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Finding {
    /// A property the schema does not declare, by JSON pointer.
    UnknownField(String),
    /// A value that breaks its schema.
    TypeMismatch {
        /// JSON pointer into the body.
        pointer: String,
        /// What is wrong (shortened).
        message: String,
    },
    /// A status the operation does not declare.
    UndocumentedStatus(u16),
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Finding::UnknownField(pointer) => write!(f, "unknown-field {}", or_root(pointer)),
            Finding::TypeMismatch { pointer, message } => {
                write!(f, "type-mismatch {}: {message}", or_root(pointer))
            }
            Finding::UndocumentedStatus(status) => write!(f, "undocumented-status {status}"),
        }
    }
}

fn or_root(pointer: &str) -> &str {
    if pointer.is_empty() {
        "/"
    } else {
        pointer
    }
}

/// The declared response of `op` that covers `status`: the exact code, else its
/// range (`4XX`), else `default`. The flag tells whether the status is documented
/// (exact or range).
pub fn response_for<'a>(spec: &'a Spec, op: &Operation, status: u16) -> Option<(&'a Value, bool)> {
    let raw = spec
        .raw
        .get("paths")?
        .get(&op.path)?
        .get(op.method.to_ascii_lowercase())?
        .get("responses")?
        .as_object()?;
    let exact = status.to_string();
    let range = format!("{}XX", status / 100);
    if let Some(r) = raw.get(&exact).or_else(|| {
        raw.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(&range))
            .map(|(_, v)| v)
    }) {
        return Some((spec.deref(r), true));
    }
    raw.get("default").map(|r| (spec.deref(r), false))
}

/// The JSON schema of a response, if it declares `application/json` content.
pub fn json_schema_of(response: &Value) -> Option<&Value> {
    response
        .get("content")?
        .as_object()?
        .iter()
        .find(|(kind, _)| kind.starts_with("application/json"))
        .and_then(|(_, media)| media.get("schema"))
}

/// Every finding about one answer of `op`: its status, and its body (when JSON)
/// against the schema of the response that covers the status.
pub fn check_answer(
    spec: &Spec,
    schemas: &SchemaSet,
    op: &Operation,
    status: u16,
    body: Option<&Value>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let response = response_for(spec, op, status);
    if !matches!(response, Some((_, true))) {
        findings.push(Finding::UndocumentedStatus(status));
    }
    let (Some((response, _)), Some(body)) = (response, body) else {
        return findings;
    };
    let Some(schema) = json_schema_of(response) else {
        return findings;
    };
    findings.extend(check_body(spec, schemas, schema, body));
    findings
}

/// The type mismatches and unknown fields of `body` against `schema` (an OpenAPI
/// schema of the spec), each reported once per pointer with array indexes ignored
/// (an unknown field of every listed item is one finding, at its first item).
pub fn check_body(spec: &Spec, schemas: &SchemaSet, schema: &Value, body: &Value) -> Vec<Finding> {
    let mut findings = Vec::new();
    if let Err(violations) = schemas.validate(schema, body) {
        for v in violations {
            findings.push(Finding::TypeMismatch {
                pointer: v.instance_path,
                message: shorten(&v.message, 160),
            });
        }
    }
    findings.extend(
        unknown_fields(spec, schema, body)
            .into_iter()
            .map(Finding::UnknownField),
    );
    dedup(findings)
}

/// Drops findings that repeat one already listed at the same place in another item.
pub fn dedup(findings: Vec<Finding>) -> Vec<Finding> {
    let mut seen = std::collections::HashSet::new();
    findings
        .into_iter()
        .filter(|f| {
            let key = match f {
                Finding::UnknownField(p) => format!("u{}", without_indexes(p)),
                Finding::TypeMismatch { pointer, .. } => format!("t{}", without_indexes(pointer)),
                Finding::UndocumentedStatus(s) => format!("s{s}"),
            };
            seen.insert(key)
        })
        .collect()
}

fn without_indexes(pointer: &str) -> String {
    pointer
        .split('/')
        .map(|s| {
            if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
                "*"
            } else {
                s
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn shorten(text: &str, max: usize) -> String {
    let one_line = text.replace(['\n', '\r'], " ");
    if one_line.chars().count() <= max {
        one_line
    } else {
        one_line.chars().take(max).collect::<String>() + "…"
    }
}

/// Escapes one JSON pointer segment.
pub fn pointer_segment(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// The concrete schema objects `schema` stands for: itself, or what its `$ref` points
/// at, with the branches of `allOf`, `anyOf` and `oneOf` added.
fn parts<'a>(spec: &'a Spec, schema: &'a Value, out: &mut Vec<&'a Value>, depth: u32) {
    if depth > 32 {
        return;
    }
    let schema = spec.deref(schema);
    out.push(schema);
    for branch in crate::support::branches(schema, crate::support::COMBINERS) {
        parts(spec, branch, out, depth + 1);
    }
}

/// JSON pointers of the properties of `instance` that `schema` does not declare,
/// at every depth.
pub fn unknown_fields(spec: &Spec, schema: &Value, instance: &Value) -> Vec<String> {
    let mut out = Vec::new();
    walk(spec, schema, instance, "", &mut out, 0);
    out.dedup();
    out
}

fn walk(
    spec: &Spec,
    schema: &Value,
    instance: &Value,
    pointer: &str,
    out: &mut Vec<String>,
    depth: u32,
) {
    if depth > 64 {
        return;
    }
    let mut schemas = Vec::new();
    parts(spec, schema, &mut schemas, 0);
    match instance {
        Value::Object(map) => {
            let declares = schemas
                .iter()
                .any(|s| s.get("properties").is_some_and(Value::is_object));
            // A map schema (`additionalProperties: {type: ...}`) covers undeclared keys;
            // `additionalProperties: {}` or `true` only allows them.
            let additional: Vec<&Value> = schemas
                .iter()
                .filter_map(|s| s.get("additionalProperties"))
                .filter(|a| a.as_object().is_some_and(|m| !m.is_empty()))
                .collect();
            for (key, value) in map {
                let at = format!("{pointer}/{}", pointer_segment(key));
                let declared: Vec<&Value> = schemas
                    .iter()
                    .filter_map(|s| s.get("properties")?.get(key))
                    .collect();
                if !declared.is_empty() {
                    for sub in declared {
                        walk(spec, sub, value, &at, out, depth + 1);
                    }
                } else if !additional.is_empty() {
                    for sub in &additional {
                        walk(spec, sub, value, &at, out, depth + 1);
                    }
                } else if declares {
                    out.push(at);
                }
            }
        }
        Value::Array(items) => {
            let item_schemas: Vec<&Value> = schemas.iter().filter_map(|s| s.get("items")).collect();
            for (i, item) in items.iter().enumerate() {
                for sub in &item_schemas {
                    walk(spec, sub, item, &format!("{pointer}/{i}"), out, depth + 1);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn small_spec() -> Spec {
        Spec::from_yaml(
            r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
        '4XX':
          description: client errors
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Error'}
        default:
          description: any error
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Error'}
components:
  schemas:
    Error:
      type: object
      properties:
        message: {type: string}
    Part:
      type: object
      nullable: true
      properties:
        size: {type: integer}
    Thing:
      allOf:
        - type: object
          properties:
            _id: {type: string}
            part: {$ref: '#/components/schemas/Part'}
            parts:
              type: array
              items: {$ref: '#/components/schemas/Part'}
            labels:
              type: object
              additionalProperties: {type: object, properties: {text: {type: string}}}
            settings:
              type: object
              additionalProperties: {}
          additionalProperties: {}
        - type: object
          properties:
            name: {type: string, nullable: true}
"##,
        )
        .unwrap()
    }

    fn op(spec: &Spec) -> Operation {
        spec.operations().remove(0)
    }

    #[test]
    fn a_body_the_schema_describes_has_no_findings() {
        let spec = small_spec();
        let schemas = SchemaSet::new(&spec);
        let body = json!({"_id": "a", "name": null, "part": null, "parts": [{"size": 1}],
                          "labels": {"x": {"text": "y"}}, "settings": {"anything": [1]}});
        assert_eq!(
            check_answer(&spec, &schemas, &op(&spec), 200, Some(&body)),
            vec![]
        );
    }

    #[test]
    fn unknown_fields_are_found_at_every_depth_through_refs_allof_and_maps() {
        let spec = small_spec();
        let schemas = SchemaSet::new(&spec);
        let body = json!({
            "_id": "a",
            "extraTop": 1,
            "part": {"size": 2, "color": "red"},
            "parts": [{"size": 1, "a~b/c": true}, {"size": 3, "a~b/c": false}],
            "labels": {"free-key": {"text": "t", "font": "serif"}},
            "settings": {"free": {"deep": 1}}
        });
        let findings = check_answer(&spec, &schemas, &op(&spec), 200, Some(&body));
        let mut shown: Vec<String> = findings.iter().map(ToString::to_string).collect();
        shown.sort();
        assert_eq!(
            shown,
            vec![
                "unknown-field /extraTop",
                "unknown-field /labels/free-key/font",
                "unknown-field /part/color",
                // Once for every item: the first one's pointer.
                "unknown-field /parts/0/a~0b~1c",
            ]
        );
    }

    #[test]
    fn a_type_mismatch_is_reported_with_its_pointer() {
        let spec = small_spec();
        let schemas = SchemaSet::new(&spec);
        let body = json!({"_id": 5, "parts": [{"size": "big"}]});
        let findings = check_answer(&spec, &schemas, &op(&spec), 200, Some(&body));
        let pointers: Vec<&str> = findings
            .iter()
            .filter_map(|f| match f {
                Finding::TypeMismatch { pointer, .. } => Some(pointer.as_str()),
                _ => None,
            })
            .collect();
        assert!(pointers.contains(&"/_id"), "{findings:?}");
        assert!(pointers.contains(&"/parts/0/size"), "{findings:?}");
        assert!(findings[0].to_string().starts_with("type-mismatch /"));
        assert!(!findings
            .iter()
            .any(|f| matches!(f, Finding::UnknownField(_))));
    }

    #[test]
    fn statuses_outside_the_declared_responses_are_undocumented() {
        let spec = small_spec();
        let schemas = SchemaSet::new(&spec);
        let error = json!({"message": "no"});
        let op = op(&spec);
        // `404` falls in the declared `4XX` range; `418` too.
        assert_eq!(
            check_answer(&spec, &schemas, &op, 404, Some(&error)),
            vec![]
        );
        // `500` only meets `default`: undocumented, and its body is still checked.
        let findings = check_answer(
            &spec,
            &schemas,
            &op,
            500,
            Some(&json!({"message": "x", "trace": "y"})),
        );
        assert_eq!(
            findings,
            vec![
                Finding::UndocumentedStatus(500),
                Finding::UnknownField("/trace".into())
            ]
        );
        assert_eq!(findings[0].to_string(), "undocumented-status 500");
        // `201` with no `default`-like success: undocumented.
        assert_eq!(
            check_answer(&spec, &schemas, &op, 201, None),
            vec![Finding::UndocumentedStatus(201)]
        );
    }

    #[test]
    fn an_undocumented_418_against_the_real_spec() {
        let spec = crate::support::spec();
        let schemas = SchemaSet::new(spec);
        let op = spec
            .operations()
            .into_iter()
            .find(|o| o.id == "getTokenInfo")
            .unwrap();
        let findings = check_answer(spec, &schemas, &op, 418, None);
        assert_eq!(findings, vec![Finding::UndocumentedStatus(418)]);
        assert_eq!(
            findings[0].to_string(),
            "undocumented-status 418",
            "the line the report prints"
        );
    }
}
