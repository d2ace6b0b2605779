//! The rules the spec must follow: valid OpenAPI 3.0, unique operationIds, tags, declared
//! path parameters, and none of the shapes that make progenitor panic or that make the
//! generated code silently lose data. `build.rs` and `cargo xtask spec lint` both run
//! [`check`]; there is no second copy of these rules.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::Value;

use crate::spec::{Body, Spec, METHODS};

/// One problem found in the spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The rule's short name, e.g. `unknown-fields-dropped`.
    pub rule: &'static str,
    /// Where: an operation (`GET /exports (listExports)`) or a JSON pointer into the spec.
    pub location: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub fix: &'static str,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "error[{}] at {}: {}\n    fix: {}",
            self.rule, self.location, self.message, self.fix
        )
    }
}

/// All findings of a check, printable as a report.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// The findings, in the order found.
    pub findings: Vec<Finding>,
}

impl Report {
    /// True when nothing was found.
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
    }

    fn push(
        &mut self,
        rule: &'static str,
        location: impl Into<String>,
        message: impl Into<String>,
        fix: &'static str,
    ) {
        self.findings.push(Finding {
            rule,
            location: location.into(),
            message: message.into(),
            fix,
        });
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for finding in &self.findings {
            writeln!(f, "{finding}")?;
        }
        write!(f, "{} problem(s) in the spec", self.findings.len())
    }
}

/// Runs every structural rule over the spec.
pub fn check(spec: &Spec) -> Report {
    let mut report = Report::default();
    check_document(spec, &mut report);
    check_operations(spec, &mut report);
    check_references(spec, &spec.raw, "#", &mut report);
    if let Some(schemas) = spec
        .raw
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            check_schema(
                schema,
                &format!("#/components/schemas/{name}"),
                true,
                &mut report,
            );
        }
    }
    if let Some(paths) = spec.raw.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let at = format!("#/paths/{}", escape_pointer(path));
            walk_inline_schemas(item, &at, &mut report);
        }
    }
    report
}

fn check_document(spec: &Spec, report: &mut Report) {
    let version = spec
        .raw
        .get("openapi")
        .and_then(Value::as_str)
        .unwrap_or("");
    if !version.starts_with("3.0.") {
        report.push(
            "openapi-version",
            "#/openapi",
            format!("the document says openapi {version:?}; progenitor reads OpenAPI 3.0.x only"),
            "write `openapi: 3.0.3` and keep to 3.0 constructs",
        );
    }
    if let Err(e) = serde_json::from_value::<openapiv3::OpenAPI>(spec.raw.clone()) {
        report.push(
            "openapi-structure",
            "#",
            format!("not a valid OpenAPI 3.0 document: {e}"),
            "correct the structure the message names",
        );
    }
    if spec.raw.get("paths").and_then(Value::as_object).is_none() {
        report.push(
            "openapi-structure",
            "#/paths",
            "no `paths` object",
            "add the paths",
        );
    }
}

fn check_operations(spec: &Spec, report: &mut Report) {
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    let mut rust_names: BTreeMap<String, String> = BTreeMap::new();
    if let Some(paths) = spec.raw.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            if item.get("$ref").is_some() {
                report.push(
                    "path-item-ref",
                    format!("#/paths/{}", escape_pointer(path)),
                    "a path item given by `$ref` is not supported by the generator",
                    "write the path item inline",
                );
            }
            for method in METHODS {
                if let Some(op) = item.get(method) {
                    if op.get("operationId").and_then(Value::as_str).is_none() {
                        report.push(
                            "operation-id-missing",
                            format!("{} {path}", method.to_uppercase()),
                            "the operation has no operationId",
                            "add a unique lowerCamelCase operationId, verb first (getExport)",
                        );
                    }
                }
            }
        }
    }
    for op in spec.operations() {
        let at = op.display();
        if op.id.is_empty() {
            continue;
        }
        if let Some(other) = ids.insert(op.id.clone(), at.clone()) {
            report.push(
                "operation-id-duplicate",
                &at,
                format!("operationId {:?} is also used by {other}", op.id),
                "give every operation its own operationId",
            );
        } else if let Some(other) = rust_names.insert(op.rust_name.clone(), op.id.clone()) {
            report.push(
                "operation-id-collision",
                &at,
                format!(
                    "operationId {:?} and {other:?} both become the method `{}`",
                    op.id, op.rust_name
                ),
                "rename one so that their snake_case forms differ",
            );
        }
        if op.tags.is_empty() {
            report.push(
                "operation-untagged",
                &at,
                "the operation has no tag",
                "tag it with its resource area",
            );
        }
        if op.summary.trim().is_empty() {
            report.push(
                "operation-summary",
                &at,
                "the operation has no summary",
                "add a one-line summary",
            );
        }
        check_path_params(&op, &at, report);
        check_responses(&op, &at, report);
        check_request_body(spec, &op, &at, report);
    }
}

fn check_path_params(op: &crate::spec::Operation, at: &str, report: &mut Report) {
    let in_template: BTreeSet<String> = template_params(&op.path).into_iter().collect();
    let declared: BTreeSet<String> = op.params_in("path").map(|p| p.name.clone()).collect();
    for name in in_template.difference(&declared) {
        report.push(
            "path-param-undeclared",
            at,
            format!("`{{{name}}}` is in the path but not declared as a path parameter"),
            "declare it under `parameters` with `in: path, required: true`",
        );
    }
    for name in declared.difference(&in_template) {
        report.push(
            "path-param-unused",
            at,
            format!("path parameter `{name}` is declared but not in the path"),
            "remove it or put `{name}` in the path template",
        );
    }
    for p in op.params_in("path") {
        if !p.required {
            report.push(
                "path-param-optional",
                at,
                format!("path parameter `{}` is not `required: true`", p.name),
                "path parameters are always required in OpenAPI",
            );
        }
    }
    let mut seen = BTreeMap::new();
    for p in &op.params {
        if let Some(other) = seen.insert(p.rust_name.clone(), p.name.clone()) {
            report.push(
                "param-name-collision",
                at,
                format!(
                    "parameters `{other}` and `{}` both become `{}`",
                    p.name, p.rust_name
                ),
                "rename one of them",
            );
        }
    }
}

/// The `{name}` placeholders of a path template.
pub fn template_params(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}

fn check_responses(op: &crate::spec::Operation, at: &str, report: &mut Report) {
    let successes: Vec<(u16, &Body)> = op.successes().collect();
    if successes.is_empty() {
        report.push(
            "success-missing",
            at,
            "no 2xx response is declared",
            "declare the documented success code",
        );
    }
    // progenitor takes one success type: compare the bodies' schemas, not just their kinds.
    let shapes_of = |success: bool| -> BTreeSet<&str> {
        op.responses
            .iter()
            .filter(|r| r.status.starts_with('2') == success && !r.status.starts_with(['1', '3']))
            .map(|r| r.shape.as_str())
            .collect()
    };
    let success_shapes = shapes_of(true);
    if success_shapes.len() > 1 && !op.empty_list_as_204() {
        report.push(
            "success-shapes",
            at,
            format!(
                "2xx responses with different bodies ({}) make progenitor panic",
                successes
                    .iter()
                    .map(|(c, b)| format!("{c}: {b:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            "keep one success response; a 204 beside a 200 is allowed only when the 200 is a JSON array (read as an empty list)",
        );
    }
    for response in &op.responses {
        if let Body::Json {
            has_schema: false, ..
        } = response.body
        {
            report.push(
                "json-without-schema",
                at,
                format!(
                    "response {} is application/json without a schema (progenitor panics)",
                    response.status
                ),
                "give the media type a schema (`{}` for any JSON)",
            );
        }
    }
    // One error schema for every error status.
    let error_schemas = shapes_of(false);
    if error_schemas.len() > 1 {
        report.push(
            "error-shapes",
            at,
            format!("error responses use {} different bodies", error_schemas.len()),
            "every error status uses the shared ErrorEnvelope (`$ref: '#/components/responses/...'`)",
        );
    }
}

fn check_request_body(spec: &Spec, op: &crate::spec::Operation, at: &str, report: &mut Report) {
    let pointer = format!(
        "/paths/{}/{}/requestBody",
        escape_pointer(&op.path),
        op.method.to_lowercase()
    );
    let Some(body) = spec.raw.pointer(&pointer).map(|b| spec.deref(b)) else {
        return;
    };
    let content = body.get("content").and_then(Value::as_object);
    let count = content.map(|c| c.len()).unwrap_or(0);
    if count != 1 {
        report.push(
            "request-media-types",
            at,
            format!("the request body has {count} media types; the generator takes exactly one"),
            "keep only `application/json`",
        );
    }
    if let Some(content) = content {
        for (kind, media) in content {
            if kind.starts_with("application/json") && media.get("schema").is_none() {
                report.push(
                    "json-without-schema",
                    at,
                    "the request body is application/json without a schema",
                    "give it a schema",
                );
            }
        }
    }
}

fn check_references(spec: &Spec, node: &Value, at: &str, report: &mut Report) {
    match node {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                if !reference.starts_with("#/") {
                    report.push(
                        "external-ref",
                        at,
                        format!("`{reference}` points outside this document"),
                        "keep everything in openapi/integrator.yaml",
                    );
                } else if spec.resolve(reference).is_none() {
                    report.push(
                        "unresolved-ref",
                        at,
                        format!("`{reference}` does not resolve"),
                        "define the target or correct the reference",
                    );
                }
            }
            for (key, value) in map {
                // Example values are data, not references (`#/components/examples` is kept).
                if key == "example" || (key == "examples" && at != "#/components") {
                    continue;
                }
                check_references(
                    spec,
                    value,
                    &format!("{at}/{}", escape_pointer(key)),
                    report,
                );
            }
        }
        Value::Array(items) => {
            for (i, value) in items.iter().enumerate() {
                check_references(spec, value, &format!("{at}/{i}"), report);
            }
        }
        _ => {}
    }
}

/// Finds the schemas that sit inline in operations (parameters, bodies, responses).
fn walk_inline_schemas(node: &Value, at: &str, report: &mut Report) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                let here = format!("{at}/{}", escape_pointer(key));
                if key == "schema" {
                    check_schema(value, &here, false, report);
                } else if key != "examples" && key != "example" {
                    walk_inline_schemas(value, &here, report);
                }
            }
        }
        Value::Array(items) => {
            for (i, value) in items.iter().enumerate() {
                walk_inline_schemas(value, &format!("{at}/{i}"), report);
            }
        }
        _ => {}
    }
}

/// The rules for one schema and everything nested in it.
fn check_schema(schema: &Value, at: &str, named: bool, report: &mut Report) {
    let Some(map) = schema.as_object() else {
        return;
    };
    if map.contains_key("$ref") {
        return;
    }
    let properties = map.get("properties").and_then(Value::as_object);
    let is_object =
        map.get("type").and_then(Value::as_str) == Some("object") || properties.is_some();
    match map.get("additionalProperties") {
        Some(Value::Bool(true)) => report.push(
            "unknown-fields-dropped",
            at,
            "`additionalProperties: true` generates a struct that drops unknown fields on a read-modify-write",
            "write `additionalProperties: {}` (an empty schema): the generated struct then keeps them in `extra`",
        ),
        None if is_object && properties.is_some_and(|p| !p.is_empty()) => report.push(
            "unknown-fields-dropped",
            at,
            "an object with properties but no `additionalProperties` generates a struct that drops unknown fields",
            "add `additionalProperties: {}` (or `false` for a closed request payload)",
        ),
        _ => {}
    }
    if map.contains_key("enum") && map.get("type").and_then(Value::as_str) == Some("string") {
        report.push(
            "closed-enum",
            at,
            "a string `enum` fails to decode any value the API adds later",
            "use a named component schema with `type: string` and `x-extensible-enum: [...]`",
        );
    }
    if let Some(values) = map.get("x-extensible-enum") {
        let strings = values
            .as_array()
            .is_some_and(|v| !v.is_empty() && v.iter().all(Value::is_string));
        if !named || !strings || map.get("type").and_then(Value::as_str) != Some("string") {
            report.push(
                "open-enum-shape",
                at,
                "`x-extensible-enum` must sit on a named component schema of `type: string` with a non-empty list of strings",
                "move it to `#/components/schemas/<Name>` and reference that",
            );
        }
    }
    if let Some(properties) = properties {
        let required: BTreeSet<&str> = map
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut seen: BTreeMap<String, &str> = BTreeMap::new();
        for (name, property) in properties {
            let rust = crate::spec::rust_ident(name);
            if rust == "extra" {
                report.push(
                    "property-name-collision",
                    at,
                    format!("property `{name}` collides with the generated `extra` map of unknown fields"),
                    "rename the property in the spec",
                );
            }
            if let Some(other) = seen.insert(rust.clone(), name) {
                report.push(
                    "property-name-collision",
                    at,
                    format!("properties `{other}` and `{name}` both become the Rust field `{rust}`; the generated code does not compile"),
                    "drop or rename one of them",
                );
            }
            let property_map = property.as_object();
            let read_only = property_map
                .and_then(|p| p.get("readOnly"))
                .and_then(Value::as_bool)
                .unwrap_or(false);
            if read_only && required.contains(name.as_str()) {
                report.push(
                    "required-read-only",
                    at,
                    format!("`{name}` is readOnly and required; the generator ignores readOnly, so create bodies would require it"),
                    "drop it from `required`",
                );
            }
            check_schema(
                property,
                &format!("{at}/properties/{}", escape_pointer(name)),
                false,
                report,
            );
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(sub) = map.get(key) {
            check_schema(sub, &format!("{at}/{key}"), false, report);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(list) = map.get(key).and_then(Value::as_array) {
            for (i, sub) in list.iter().enumerate() {
                check_schema(sub, &format!("{at}/{key}/{i}"), false, report);
            }
        }
    }
}

/// Escapes a key for a JSON pointer (`~` → `~0`, `/` → `~1`).
pub fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}
