//! `cargo xtask spec-diff OLD NEW`: what changed between two OpenAPI documents (3.0
//! or 3.1, YAML or JSON), in the manner of oasdiff: operations added, removed or
//! changed; their parameters, request and response schema properties added, removed
//! or retyped. Each change says whether it breaks a client written against OLD; the
//! command exits 1 when one does.
//!
//! Operations are matched by method and path with parameter names erased
//! (`/exports/{id}` and `/exports/{_id}` are one operation). Schemas are compared
//! property by property after following local `$ref`s, down to a fixed depth (a
//! recursive schema is compared once per path).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::process::ExitCode;

use integrator_io_codegen::spec::METHODS;
use integrator_io_codegen::Spec;
use serde_json::Value;

use crate::docs::path::shape;

/// How deep nested properties are compared.
const MAX_DEPTH: usize = 8;

/// One difference.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// `GET /exports/{}` (or the document, for document-wide changes).
    pub operation: String,
    /// What changed, e.g. `response 200 property /adaptorType retyped string -> integer`.
    pub what: String,
    /// Breaks a client written against the old document.
    pub breaking: bool,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mark = if self.breaking { "BREAKING " } else { "" };
        write!(f, "{mark}{}: {}", self.operation, self.what)
    }
}

/// One side of the comparison.
struct Doc<'a> {
    spec: &'a Spec,
    /// `(METHOD, shape)` → the operation object.
    operations: BTreeMap<(String, String), &'a Value>,
    /// Path-level parameters of each operation's path item.
    shared: BTreeMap<(String, String), &'a Value>,
}

impl<'a> Doc<'a> {
    fn new(spec: &'a Spec) -> Self {
        let mut operations = BTreeMap::new();
        let mut shared = BTreeMap::new();
        if let Some(paths) = spec.raw.get("paths").and_then(Value::as_object) {
            for (path, item) in paths {
                let item = spec.deref(item);
                for method in METHODS {
                    if let Some(op) = item.get(method) {
                        let key = (method.to_uppercase(), shape(path));
                        operations.insert(key.clone(), op);
                        if let Some(params) = item.get("parameters") {
                            shared.insert(key, params);
                        }
                    }
                }
            }
        }
        Doc {
            spec,
            operations,
            shared,
        }
    }

    /// The operation's parameters by `(in, name)`, path-level ones included.
    fn params(&self, key: &(String, String)) -> BTreeMap<(String, String), &'a Value> {
        let listed = |v: Option<&'a Value>| {
            v.and_then(Value::as_array)
                .map(|a| a.iter().collect::<Vec<_>>())
                .unwrap_or_default()
        };
        let op = self.operations[key];
        let mut out = BTreeMap::new();
        for p in listed(self.shared.get(key).copied())
            .into_iter()
            .chain(listed(op.get("parameters")))
        {
            let p = self.spec.deref(p);
            let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
            let place = p.get("in").and_then(Value::as_str).unwrap_or_default();
            out.insert((place.to_string(), name.to_string()), p);
        }
        out
    }

    /// The JSON schema of the request body, if any.
    fn request(&self, key: &(String, String)) -> Option<&'a Value> {
        let body = self.spec.deref(self.operations[key].get("requestBody")?);
        json_schema(body)
    }

    /// Success responses by status.
    fn successes(&self, key: &(String, String)) -> BTreeMap<String, &'a Value> {
        self.operations[key]
            .get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter(|(status, _)| status.starts_with('2'))
            .map(|(status, r)| (status.clone(), self.spec.deref(r)))
            .collect()
    }
}

/// The schema of the first JSON media type of a request body or response.
fn json_schema(holder: &Value) -> Option<&Value> {
    holder
        .get("content")
        .and_then(Value::as_object)?
        .iter()
        .find(|(media, _)| media.contains("json"))
        .and_then(|(_, m)| m.get("schema"))
}

/// A schema's type as compared: `type` (the non-null one of a 3.1 list) with its
/// `format`, or the composition keyword; `any` when unconstrained.
fn type_of(spec: &Spec, schema: &Value) -> String {
    let schema = spec.deref(schema);
    let base = match schema.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .collect::<Vec<_>>()
            .join("|"),
        _ => ["oneOf", "anyOf", "allOf"]
            .iter()
            .find(|k| schema.get(**k).is_some())
            .map(|k| k.to_string())
            .unwrap_or_else(|| {
                if schema.get("properties").is_some() {
                    "object".into()
                } else {
                    "any".into()
                }
            }),
    };
    match schema.get("format").and_then(Value::as_str) {
        Some(format) => format!("{base}({format})"),
        None => base,
    }
}

/// The properties of an object schema (`allOf` parts merged), and its required list.
fn properties<'a>(
    spec: &'a Spec,
    schema: &'a Value,
) -> (BTreeMap<String, &'a Value>, BTreeSet<String>) {
    let schema = spec.deref(schema);
    let mut props = BTreeMap::new();
    let mut required = BTreeSet::new();
    if let Some(map) = schema.get("properties").and_then(Value::as_object) {
        props.extend(map.iter().map(|(k, v)| (k.clone(), v)));
    }
    if let Some(list) = schema.get("required").and_then(Value::as_array) {
        required.extend(list.iter().filter_map(Value::as_str).map(str::to_string));
    }
    for part in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let (more, needed) = properties(spec, part);
        props.extend(more);
        required.extend(needed);
    }
    (props, required)
}

/// Which way data flows through a schema (what breaks differs).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    /// The client sends it: a new required field or a narrower type breaks.
    Request,
    /// The client reads it: a removed field or another type breaks.
    Response,
}

/// Compares two schemas; pushes one change per property added, removed or retyped.
#[allow(clippy::too_many_arguments)]
fn compare_schema(
    old: &Spec,
    new: &Spec,
    a: &Value,
    b: &Value,
    direction: Direction,
    at: &str,
    place: &str,
    depth: usize,
    out: &mut Vec<(String, bool)>,
) {
    let (ta, tb) = (type_of(old, a), type_of(new, b));
    if ta != tb {
        out.push((
            format!("{place} {} retyped {ta} -> {tb}", subject(at)),
            true,
        ));
        return;
    }
    if depth >= MAX_DEPTH {
        return;
    }
    if ta == "array" {
        if let (Some(ia), Some(ib)) = (old.deref(a).get("items"), new.deref(b).get("items")) {
            compare_schema(
                old,
                new,
                ia,
                ib,
                direction,
                &format!("{at}/[]"),
                place,
                depth + 1,
                out,
            );
        }
        return;
    }
    let ((pa, ra), (pb, rb)) = (properties(old, a), properties(new, b));
    for (name, schema) in &pb {
        let path = format!("{at}/{name}");
        match pa.get(name) {
            None => {
                let required = rb.contains(name);
                let breaking = direction == Direction::Request && required;
                let kind = if required {
                    "required property"
                } else {
                    "property"
                };
                out.push((format!("{place} {kind} {path} added"), breaking));
            }
            Some(before) => {
                if direction == Direction::Request && rb.contains(name) && !ra.contains(name) {
                    out.push((format!("{place} property {path} became required"), true));
                }
                compare_schema(
                    old,
                    new,
                    before,
                    schema,
                    direction,
                    &path,
                    place,
                    depth + 1,
                    out,
                );
            }
        }
    }
    for name in pa.keys().filter(|n| !pb.contains_key(*n)) {
        out.push((
            format!("{place} property {at}/{name} removed"),
            direction == Direction::Response,
        ));
    }
}

/// `property /a/b`, or `body` for the schema itself.
fn subject(at: &str) -> String {
    if at.is_empty() {
        "body".into()
    } else {
        format!("property {at}")
    }
}

/// Every difference between `old` and `new`, sorted.
pub fn diff(old: &Spec, new: &Spec) -> Vec<Change> {
    let (a, b) = (Doc::new(old), Doc::new(new));
    let mut changes = Vec::new();
    let name = |key: &(String, String)| format!("{} {}", key.0, key.1);
    for key in b
        .operations
        .keys()
        .filter(|k| !a.operations.contains_key(*k))
    {
        changes.push(Change {
            operation: name(key),
            what: "operation added".into(),
            breaking: false,
        });
    }
    for key in a.operations.keys() {
        if !b.operations.contains_key(key) {
            changes.push(Change {
                operation: name(key),
                what: "operation removed".into(),
                breaking: true,
            });
            continue;
        }
        let mut found: Vec<(String, bool)> = Vec::new();
        let deprecated = |d: &Doc, k| d.operations[k].get("deprecated") == Some(&Value::Bool(true));
        if !deprecated(&a, key) && deprecated(&b, key) {
            found.push(("deprecated".into(), false));
        }
        compare_params(&a, &b, key, &mut found);
        match (a.request(key), b.request(key)) {
            (Some(x), Some(y)) => compare_schema(
                old,
                new,
                x,
                y,
                Direction::Request,
                "",
                "request",
                0,
                &mut found,
            ),
            (None, Some(_)) => found.push(("request body added".into(), true)),
            (Some(_), None) => found.push(("request body removed".into(), true)),
            (None, None) => {}
        }
        let (sa, sb) = (a.successes(key), b.successes(key));
        for status in sa.keys().filter(|s| !sb.contains_key(*s)) {
            found.push((format!("success response {status} removed"), true));
        }
        for (status, response) in &sb {
            match sa.get(status) {
                None => found.push((format!("success response {status} added"), true)),
                Some(before) => match (json_schema(before), json_schema(response)) {
                    (Some(x), Some(y)) => compare_schema(
                        old,
                        new,
                        x,
                        y,
                        Direction::Response,
                        "",
                        &format!("response {status}"),
                        0,
                        &mut found,
                    ),
                    (None, Some(_)) => found.push((format!("response {status} body added"), false)),
                    (Some(_), None) => {
                        found.push((format!("response {status} body removed"), true))
                    }
                    (None, None) => {}
                },
            }
        }
        changes.extend(found.into_iter().map(|(what, breaking)| Change {
            operation: name(key),
            what,
            breaking,
        }));
    }
    changes.sort();
    changes
}

fn compare_params(a: &Doc, b: &Doc, key: &(String, String), out: &mut Vec<(String, bool)>) {
    let (pa, pb) = (a.params(key), b.params(key));
    let required = |p: &Value| p.get("required") == Some(&Value::Bool(true));
    let schema_type = |d: &Doc, p: &Value| {
        p.get("schema")
            .map(|s| type_of(d.spec, s))
            .unwrap_or_else(|| "any".into())
    };
    for ((place, name), p) in &pb {
        // Path parameters are matched by position (their names are erased).
        if place == "path" {
            continue;
        }
        match pa.get(&(place.clone(), name.clone())) {
            None => out.push((
                format!(
                    "{} {place} parameter {name} added",
                    if required(p) { "required" } else { "optional" }
                ),
                required(p),
            )),
            Some(before) => {
                if required(p) && !required(before) {
                    out.push((format!("{place} parameter {name} became required"), true));
                }
                let (ta, tb) = (schema_type(a, before), schema_type(b, p));
                if ta != tb {
                    out.push((
                        format!("{place} parameter {name} retyped {ta} -> {tb}"),
                        true,
                    ));
                }
            }
        }
    }
    for (place, name) in pa.keys().filter(|k| k.0 != "path" && !pb.contains_key(*k)) {
        out.push((format!("{place} parameter {name} removed"), true));
    }
}

/// Runs `spec-diff`; prints every change, breaking ones marked, and a summary.
pub fn run(old: &Spec, new: &Spec) -> ExitCode {
    let changes = diff(old, new);
    let breaking = changes.iter().filter(|c| c.breaking).count();
    for change in &changes {
        crate::outln!("{change}");
    }
    let ops = |s: &Spec| Doc::new(s).operations.len();
    crate::outln!(
        "\nspec-diff: {} -> {} operations; {} changes, {breaking} breaking",
        ops(old),
        ops(new),
        changes.len()
    );
    if breaking > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /exports:
    get:
      operationId: listExports
      parameters:
        - {name: limit, in: query, schema: {type: integer}}
        - {name: skip, in: query, schema: {type: integer}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Export'}}
  /exports/{id}:
    put:
      operationId: updateExport
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      requestBody:
        content: {application/json: {schema: {$ref: '#/components/schemas/Export'}}}
      responses: {'200': {description: ok}}
  /tokenInfo:
    get:
      operationId: getTokenInfo
      responses: {'200': {description: ok}}
components:
  schemas:
    Export:
      type: object
      properties:
        name: {type: string}
        pageSize: {type: integer}
        ftp: {type: object, properties: {directoryPath: {type: string}}}
"#;

    const NEW: &str = r#"
openapi: 3.1.0
info: {title: t, version: '2'}
paths:
  /exports:
    get:
      operationId: listExports
      parameters:
        - {name: limit, in: query, schema: {type: integer}}
        - {name: include, in: query, schema: {type: string}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Export'}}
  /exports/{_id}:
    put:
      operationId: updateExport
      parameters: [{name: _id, in: path, required: true, schema: {type: string}}]
      requestBody:
        content: {application/json: {schema: {$ref: '#/components/schemas/Export'}}}
      responses: {'200': {description: ok}}
  /scripts:
    get:
      operationId: listScripts
      responses: {'200': {description: ok}}
components:
  schemas:
    Export:
      type: object
      required: [adaptorType]
      properties:
        name: {type: string}
        pageSize: {type: [string, 'null']}
        adaptorType: {type: string}
        ftp: {type: object, properties: {directoryPath: {type: string}, port: {type: integer}}}
"#;

    fn changes() -> Vec<String> {
        let (old, new) = (Spec::from_yaml(OLD).unwrap(), Spec::from_yaml(NEW).unwrap());
        diff(&old, &new).iter().map(Change::to_string).collect()
    }

    #[test]
    fn reports_operations_parameters_and_properties_with_breaking_ones_marked() {
        assert_eq!(
            changes(),
            vec![
                "GET /exports: optional query parameter include added",
                "BREAKING GET /exports: query parameter skip removed",
                "GET /exports: response 200 property /[]/ftp/port added",
                "BREAKING GET /exports: response 200 property /[]/pageSize retyped integer -> string",
                "GET /exports: response 200 required property /[]/adaptorType added",
                "GET /scripts: operation added",
                "BREAKING GET /tokenInfo: operation removed",
                "PUT /exports/{}: request property /ftp/port added",
                "BREAKING PUT /exports/{}: request property /pageSize retyped integer -> string",
                "BREAKING PUT /exports/{}: request required property /adaptorType added",
            ]
        );
    }

    #[test]
    fn the_same_document_has_no_changes() {
        let spec = Spec::from_yaml(OLD).unwrap();
        assert!(diff(&spec, &spec).is_empty());
    }

    #[test]
    fn a_removed_response_property_breaks_and_a_removed_request_property_does_not() {
        let old = Spec::from_yaml(NEW).unwrap();
        let new =
            Spec::from_yaml(&NEW.replace("        adaptorType: {type: string}\n", "")).unwrap();
        let found: Vec<String> = diff(&old, &new).iter().map(Change::to_string).collect();
        assert!(found.contains(
            &"BREAKING GET /exports: response 200 property /[]/adaptorType removed".to_string()
        ));
        assert!(
            found.contains(&"PUT /exports/{}: request property /adaptorType removed".to_string())
        );
    }

    #[test]
    fn the_real_spec_against_itself_is_unchanged() {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi/integrator.yaml");
        let spec = Spec::load(root).unwrap();
        assert!(diff(&spec, &spec).is_empty());
        assert!(Doc::new(&spec).operations.len() >= 200);
    }
}
