//! `cargo xtask docs-examples`: the docs' HTTP examples against the spec's operations
//! and schemas.

use std::fmt::Write as _;
use std::process::ExitCode;

use integrator_io_codegen::examples::{self as spec_examples, Place};
use integrator_io_codegen::json_schema::SchemaSet;
use integrator_io_codegen::spec::Operation;
use integrator_io_codegen::Spec;
use serde_json::Value;

use crate::docs::examples::{self, Body, Example};
use crate::docs::slips::{self, Applied, Context, JSON_COMMENTS};
use crate::docs::{Document, Endpoint, Kind, Origin};
use crate::docs_diff::operation_for;

/// How many violations are shown per sample.
const SHOWN_VIOLATIONS: usize = 5;

/// The verdict on one body of an example.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The example has none.
    Absent,
    /// Valid against the spec (`as the 200 response`).
    Valid(String),
    /// Invalid against the spec: what is wrong.
    Invalid(Vec<String>),
    /// The docs' sample does not parse: the parser's message.
    Unparseable(String),
    /// Not checked (the example names no operation).
    Unchecked,
}

impl Outcome {
    /// The verdict as printed (violations indented below it).
    fn render(&self) -> String {
        match self {
            Outcome::Absent => "none".into(),
            Outcome::Valid(how) => format!("valid {how}"),
            Outcome::Invalid(violations) => {
                let mut text = format!("INVALID against the spec ({})", violations.len());
                for v in violations.iter().take(SHOWN_VIOLATIONS) {
                    let _ = write!(text, "\n                 {v}");
                }
                if violations.len() > SHOWN_VIOLATIONS {
                    let _ = write!(
                        text,
                        "\n                 ... {} more",
                        violations.len() - SHOWN_VIOLATIONS
                    );
                }
                text
            }
            Outcome::Unparseable(error) => format!("unparseable in the docs ({error})"),
            Outcome::Unchecked => "not checked".into(),
        }
    }
}

/// One example, checked.
#[derive(Clone, Debug)]
pub struct Checked {
    /// Where its request line is.
    pub origin: Origin,
    /// `GET /v1/exports/55ea`, as written.
    pub request_line: String,
    /// The operation it names (`GET /exports/{id} (getExport)`).
    pub operation: Option<String>,
    /// The request body's verdict.
    pub request: Outcome,
    /// The response's verdict.
    pub response: Outcome,
    /// The spec's request examples equal to the request body (their names).
    pub attached_request: Vec<String>,
    /// The spec's response examples equal to the response (`201/standard-license`).
    pub attached_response: Vec<String>,
}

impl Checked {
    /// The example names no operation, or a parseable sample is invalid.
    pub fn failed(&self) -> bool {
        self.operation.is_none()
            || matches!(self.request, Outcome::Invalid(_))
            || matches!(self.response, Outcome::Invalid(_))
    }

    /// A sample of the docs does not parse.
    fn unparseable(&self) -> bool {
        matches!(self.request, Outcome::Unparseable(_))
            || matches!(self.response, Outcome::Unparseable(_))
    }
}

/// What `docs-examples` found.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// How many files were read.
    pub files: usize,
    /// Every example, checked.
    pub examples: Vec<Checked>,
    /// Every slip tolerated.
    pub tolerated: Vec<Applied>,
}

impl Report {
    /// True when an example names no operation or a parseable sample is invalid.
    pub fn failed(&self) -> bool {
        self.examples.iter().any(Checked::failed)
    }

    /// How many samples (requests and responses) had each outcome: valid, invalid,
    /// unparseable.
    pub fn counts(&self) -> (usize, usize, usize) {
        let outcomes = self.examples.iter().flat_map(|e| [&e.request, &e.response]);
        let mut counts = (0, 0, 0);
        for outcome in outcomes {
            match outcome {
                Outcome::Valid(_) => counts.0 += 1,
                Outcome::Invalid(_) => counts.1 += 1,
                Outcome::Unparseable(_) => counts.2 += 1,
                _ => {}
            }
        }
        counts
    }

    /// How many samples (requests and responses) equal an example attached to the spec.
    pub fn attached(&self) -> usize {
        self.examples
            .iter()
            .map(|e| {
                usize::from(!e.attached_request.is_empty())
                    + usize::from(!e.attached_response.is_empty())
            })
            .sum()
    }

    /// The report as printed.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "docs-examples: {} examples in {} files",
            self.examples.len(),
            self.files
        );
        for e in &self.examples {
            let tag = if e.failed() {
                "FAIL"
            } else if e.unparseable() {
                "docs"
            } else {
                "ok"
            };
            let _ = writeln!(out, "\n{tag:<4}  {}  {}", e.origin, e.request_line);
            let operation = e.operation.clone().unwrap_or_else(|| {
                "NOT FOUND in the spec (method and path match no operation)".into()
            });
            let _ = writeln!(out, "      operation: {operation}");
            if e.request != Outcome::Absent {
                let _ = writeln!(out, "      request:   {}", e.request.render());
            }
            let _ = writeln!(out, "      response:  {}", e.response.render());
            let mut attached = Vec::new();
            for (place, names) in [
                ("request", &e.attached_request),
                ("response", &e.attached_response),
            ] {
                if !names.is_empty() {
                    let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                    attached.push(format!("{place} as {}", names.join(", ")));
                }
            }
            if !attached.is_empty() {
                let _ = writeln!(out, "      attached to the spec: {}", attached.join("; "));
            }
        }
        let found = self
            .examples
            .iter()
            .filter(|e| e.operation.is_some())
            .count();
        let (valid, invalid, unparseable) = self.counts();
        let attached = self.attached();
        let distinct: std::collections::BTreeSet<(&str, &String)> = self
            .examples
            .iter()
            .flat_map(|e| {
                let op = e.operation.as_deref().unwrap_or_default();
                e.attached_request
                    .iter()
                    .map(move |n| (op, n))
                    .chain(e.attached_response.iter().map(move |n| (op, n)))
            })
            .collect();
        let _ = writeln!(
            out,
            "\nTolerated documentation slips ({}):",
            self.tolerated.len()
        );
        if self.tolerated.is_empty() {
            let _ = writeln!(out, "  none");
        }
        for applied in &self.tolerated {
            let _ = writeln!(out, "  {applied}");
        }
        let legend = slips::legend(&self.tolerated);
        if !legend.is_empty() {
            let _ = writeln!(out, "\nThe slips ({}):", legend.len());
        }
        for line in legend {
            let _ = writeln!(out, "  {line}");
        }
        let verdict = if self.failed() { "FAILED" } else { "ok" };
        let _ = write!(
            out,
            "\n{verdict}: {} examples, {found} name a spec operation, {} name none; samples: {valid} valid, {invalid} invalid against the spec, {unparseable} unparseable in the docs; {attached} samples equal an example attached to the spec ({} distinct spec examples)",
            self.examples.len(),
            self.examples.len() - found,
            distinct.len(),
        );
        out
    }
}

/// The media types of a `content` map: whether each is JSON, and its schema (`null`
/// when it has none).
fn media_types(content: Option<&Value>) -> Vec<(bool, Value)> {
    content
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(media, m)| {
            let json = media == "application/json" || media.starts_with("application/json;");
            (json, m.get("schema").cloned().unwrap_or(Value::Null))
        })
        .collect()
}

/// The raw operation object of the spec.
fn raw_operation<'a>(spec: &'a Spec, op: &Operation) -> Option<&'a Value> {
    spec.raw
        .get("paths")?
        .get(&op.path)?
        .get(op.method.to_lowercase())
}

/// The verdict on an example's request body against the operation's request schema.
fn check_request(spec: &Spec, set: &SchemaSet, op: &Operation, body: &Body) -> Outcome {
    let content = raw_operation(spec, op)
        .and_then(|raw| raw.get("requestBody"))
        .map(|b| spec.deref(b))
        .and_then(|b| b.get("content"));
    let media = media_types(content);
    match body {
        Body::Unparseable { error, .. } => Outcome::Unparseable(error.clone()),
        Body::Json { value, .. } => match media.iter().find(|(json, _)| *json) {
            None => Outcome::Invalid(vec![
                "the docs send a JSON body; the spec's operation takes none".into(),
            ]),
            Some((_, schema)) => match set.validate(schema, value) {
                Ok(()) => Outcome::Valid("against the request body schema".into()),
                Err(violations) => {
                    Outcome::Invalid(violations.iter().map(|v| v.to_string()).collect())
                }
            },
        },
        Body::Text { .. } => match media.iter().find(|(json, _)| !*json) {
            Some(_) => Outcome::Valid("(text)".into()),
            None => Outcome::Invalid(vec![
                "the docs send text; the spec's operation takes JSON".into()
            ]),
        },
    }
}

/// The responses a sample is checked against, in order: the documented status when the
/// sample has a status line; else the decoded success, preceded by the error responses
/// when the sample is an error envelope (`{"errors": [...]}`).
fn candidate_responses<'a>(
    spec: &'a Spec,
    op: &Operation,
    status: Option<u16>,
    errors_envelope: bool,
) -> Vec<(String, &'a Value)> {
    let Some(responses) = raw_operation(spec, op)
        .and_then(|raw| raw.get("responses"))
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    let all: Vec<(String, &Value)> = responses
        .iter()
        .map(|(code, r)| (code.clone(), spec.deref(r)))
        .collect();
    if let Some(status) = status {
        let code = status.to_string();
        return all
            .iter()
            .filter(|(c, _)| *c == code)
            .chain(all.iter().filter(|(c, _)| c == "default"))
            .take(1)
            .cloned()
            .collect();
    }
    let primary = op.success_code().map(|c| c.to_string());
    let success = all.iter().filter(|(c, _)| Some(c) == primary.as_ref());
    let errors = all.iter().filter(|(c, _)| !c.starts_with('2'));
    if errors_envelope {
        errors.chain(success).cloned().collect()
    } else {
        success.cloned().collect()
    }
}

/// The verdict on an example's response against the operation's responses.
fn check_response(
    spec: &Spec,
    set: &SchemaSet,
    op: &Operation,
    status: Option<u16>,
    body: &Body,
) -> Outcome {
    // `{"errors": [...]}` and nothing else: the error envelope.
    let errors_envelope = matches!(body, Body::Json { value: Value::Object(map), .. }
        if map.len() == 1 && map.get("errors").is_some_and(Value::is_array));
    let candidates = candidate_responses(spec, op, status, errors_envelope);
    match body {
        Body::Unparseable { error, .. } => Outcome::Unparseable(error.clone()),
        Body::Json { value, .. } => {
            if errors_envelope {
                // The error statuses share one schema; name every one the sample fits.
                let fitting: Vec<&str> = candidates
                    .iter()
                    .filter(|(code, _)| !code.starts_with('2'))
                    .filter(|(_, response)| {
                        media_types(response.get("content"))
                            .iter()
                            .any(|(json, schema)| *json && set.validate(schema, value).is_ok())
                    })
                    .map(|(code, _)| code.as_str())
                    .collect();
                if !fitting.is_empty() {
                    return Outcome::Valid(format!("as an error response ({})", fitting.join("/")));
                }
            }
            let mut first_violations = None;
            for (code, response) in &candidates {
                let media = media_types(response.get("content"));
                let Some((_, schema)) = media.iter().find(|(json, _)| *json) else {
                    continue;
                };
                match set.validate(schema, value) {
                    Ok(()) => return Outcome::Valid(format!("as the {code} response")),
                    Err(violations) => {
                        first_violations.get_or_insert_with(|| {
                            violations
                                .iter()
                                .map(|v| format!("{v} (the {code} response)"))
                                .collect::<Vec<_>>()
                        });
                    }
                }
            }
            Outcome::Invalid(first_violations.unwrap_or_else(|| {
                let codes: Vec<&str> = candidates.iter().map(|(c, _)| c.as_str()).collect();
                vec![format!(
                    "the docs answer JSON; the spec's {} response carries none",
                    if codes.is_empty() {
                        "success".to_string()
                    } else {
                        codes.join("/")
                    }
                )]
            }))
        }
        Body::Text { text, .. } => {
            for (code, response) in &candidates {
                let media = media_types(response.get("content"));
                if let Some((_, schema)) = media.iter().find(|(json, _)| !*json) {
                    let string =
                        spec.deref(schema).get("type").and_then(Value::as_str) == Some("string");
                    if string || schema.is_null() {
                        return Outcome::Valid(format!("as the {code} text response"));
                    }
                }
            }
            Outcome::Invalid(vec![format!(
                "the docs answer text ({:?}); the spec's response is not text",
                text.chars().take(40).collect::<String>()
            )])
        }
    }
}

/// The spec's examples of `op` (of its request, or of its responses) equal to a sample:
/// `name` for a request, `status/name` for a response.
fn attached(
    spec_examples: &[spec_examples::Example],
    op: &Operation,
    request: bool,
    sample: Option<&Value>,
) -> Vec<String> {
    let Some(sample) = sample else {
        return Vec::new();
    };
    spec_examples
        .iter()
        .filter(|e| e.operation_id == op.id && e.value == *sample)
        .filter_map(|e| match (&e.place, request) {
            (Place::Request, true) => Some(e.name.clone()),
            (Place::Response(status), false) => Some(format!("{status}/{}", e.name)),
            _ => None,
        })
        .collect()
}

/// The JSON value of a body that parsed.
fn json_of(body: Option<&Body>) -> Option<&Value> {
    match body {
        Some(Body::Json { value, .. }) => Some(value),
        _ => None,
    }
}

/// The `json-comments` slips of an example's bodies.
fn tolerated_comments(origin: &Origin, example: &Example) -> Vec<Applied> {
    [&example.request, &example.response]
        .into_iter()
        .flatten()
        .filter(|b| {
            matches!(
                b,
                Body::Json {
                    comments_dropped: true,
                    ..
                }
            )
        })
        .map(|b| Applied {
            slip: &JSON_COMMENTS,
            origin: Origin {
                file: origin.file.clone(),
                line: b.line(),
            },
            written: "a JSON sample with // comments".into(),
            read_as: "the JSON without them".into(),
        })
        .collect()
}

/// Checks every example of the documents.
pub fn check(spec: &Spec, docs: &[Document]) -> Report {
    let operations = spec.operations();
    let set = SchemaSet::new(spec);
    let attached_examples = spec_examples::collect(spec);
    let mut report = Report {
        files: docs.len(),
        ..Report::default()
    };
    for doc in docs {
        let first = report.tolerated.len();
        for example in examples::extract(&doc.text) {
            let origin = Origin {
                file: doc.path.clone(),
                line: example.line,
            };
            let endpoint = Endpoint {
                method: example.method.clone(),
                path: example.path.clone(),
                success: example.status,
                description: String::new(),
                origin: origin.clone(),
                kind: Kind::Example,
            };
            let context = Context {
                text: &doc.text,
                table_first_uri: None,
            };
            let (meant, applied) = slips::correct(vec![endpoint], &context);
            report.tolerated.extend(applied);
            report
                .tolerated
                .extend(tolerated_comments(&origin, &example));
            let op = meant.first().and_then(|e| operation_for(&operations, e));
            let request_line = format!("{} {}", example.method, example.target);
            let Some(op) = op else {
                report.examples.push(Checked {
                    origin,
                    request_line,
                    operation: None,
                    request: Outcome::Unchecked,
                    response: Outcome::Unchecked,
                    attached_request: Vec::new(),
                    attached_response: Vec::new(),
                });
                continue;
            };
            let request = example
                .request
                .as_ref()
                .map_or(Outcome::Absent, |b| check_request(spec, &set, op, b));
            let response = example.response.as_ref().map_or(Outcome::Absent, |b| {
                check_response(spec, &set, op, example.status, b)
            });
            report.examples.push(Checked {
                origin,
                request_line,
                operation: Some(op.display()),
                request,
                response,
                attached_request: attached(
                    &attached_examples,
                    op,
                    true,
                    json_of(example.request.as_ref()),
                ),
                attached_response: attached(
                    &attached_examples,
                    op,
                    false,
                    json_of(example.response.as_ref()),
                ),
            });
        }
        report.tolerated[first..].sort_by_key(|a| a.origin.line);
    }
    report
}

/// Runs `docs-examples` on files and directories; prints the report.
pub fn run(spec: &Spec, paths: &[std::path::PathBuf]) -> Result<ExitCode, String> {
    let docs = crate::docs::read_documents(paths)?;
    let report = check(spec, &docs);
    Ok(crate::docs::print_report(&report.render(), report.failed()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /exports/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    get:
      operationId: getExport
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Export'}
              examples:
                docs: {value: {name: GitHub}}
        default:
          description: error
          content:
            application/json:
              schema: {$ref: '#/components/schemas/ErrorEnvelope'}
    put:
      operationId: updateExport
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Export'}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Export'}
  /state/{key}:
    parameters: [{name: key, in: path, required: true, schema: {type: string}}]
    put:
      operationId: setState
      requestBody:
        content:
          application/json:
            schema: {}
      responses:
        '200':
          description: text
          content:
            text/plain:
              schema: {type: string}
components:
  schemas:
    Export:
      type: object
      properties:
        name: {type: string}
      additionalProperties: {}
    ErrorEnvelope:
      type: object
      required: [errors]
      properties:
        errors:
          type: array
          items:
            type: object
            required: [code]
            properties:
              code: {type: string}
            additionalProperties: {}
      additionalProperties: {}
"#;

    fn report(text: &str) -> Report {
        let spec = Spec::from_yaml(SPEC).unwrap();
        check(
            &spec,
            &[Document {
                path: "page.md".into(),
                text: text.into(),
            }],
        )
    }

    #[test]
    fn valid_samples_and_the_spec_examples_they_equal() {
        let report = report(
            "GET /v1/exports/55ea HTTP/1.1\nSample response\n{\"name\": \"GitHub\"}\n\
             PUT /v1/state/banana HTTP/1.1\n\n{\"a\": 1}\nSample Response:\n```\nOK\n```\n",
        );
        assert!(!report.failed(), "{}", report.render());
        let [get, put] = report.examples.as_slice() else {
            panic!("{:?}", report.examples)
        };
        assert_eq!(
            get.operation.as_deref(),
            Some("GET /exports/{id} (getExport)")
        );
        assert_eq!(get.response, Outcome::Valid("as the 200 response".into()));
        assert_eq!(get.attached_response, vec!["200/docs"]);
        assert_eq!(
            put.response,
            Outcome::Valid("as the 200 text response".into())
        );
        assert!(matches!(put.request, Outcome::Valid(_)));
        assert_eq!(report.counts(), (3, 0, 0));
        assert_eq!(report.attached(), 1);
    }

    #[test]
    fn invalid_samples_and_unknown_operations_fail() {
        let report = report(
            "PUT /v1/exports/55ea HTTP/1.1\n{\"name\": 5}\nSample response\n{\"name\": [\"x\"]}\n\
             GET https://api.integrator.io/v1/exports/55ea/preview HTTP/1.1\n\
             PUT /v1/state/banana HTTP/1.1\nSample response\n{\"ok\": true}\n",
        );
        assert!(report.failed());
        let [put, preview, state] = report.examples.as_slice() else {
            panic!("{:?}", report.examples)
        };
        match &put.request {
            Outcome::Invalid(v) => assert!(v[0].starts_with("at /name: 5 is not of type"), "{v:?}"),
            other => panic!("{other:?}"),
        }
        match &put.response {
            Outcome::Invalid(v) => assert!(v[0].contains("(the 200 response)"), "{v:?}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(preview.operation, None);
        assert_eq!(
            state.response,
            Outcome::Invalid(vec![
                "the docs answer JSON; the spec's 200 response carries none".into()
            ])
        );
        let text = report.render();
        assert!(
            text.contains("FAIL  page.md:5  GET https://api.integrator.io/v1/exports/55ea/preview"),
            "{text}"
        );
        assert!(text.contains("NOT FOUND in the spec"), "{text}");
        assert!(
            text.contains("\nFAILED: 3 examples, 2 name a spec operation, 1 name none"),
            "{text}"
        );
    }

    #[test]
    fn a_body_the_operation_does_not_take_is_invalid() {
        let report = report("GET /v1/exports/55ea HTTP/1.1\n\n{\"name\": \"x\"}\n");
        assert_eq!(
            report.examples[0].request,
            Outcome::Invalid(vec![
                "the docs send a JSON body; the spec's operation takes none".into()
            ])
        );
    }

    #[test]
    fn unparseable_samples_are_the_docs_fault_not_a_failure() {
        let report = report(
            "GET /v1/exports/55ea HTTP/1.1\nSample response\n{ \"data\": [ {}, }, \"x\": { null ] }\n",
        );
        assert!(!report.failed());
        assert!(matches!(
            report.examples[0].response,
            Outcome::Unparseable(_)
        ));
        let text = report.render();
        assert!(text.contains("docs  page.md:1"), "{text}");
        assert!(text.contains("unparseable in the docs"), "{text}");
    }

    #[test]
    fn error_envelopes_are_checked_against_the_error_responses() {
        let report = report(
            "GET /v1/exports/55ea HTTP/1.1\nSample response\n{\"errors\": [{\"code\": \"not_found\"}]}\n",
        );
        assert_eq!(
            report.examples[0].response,
            Outcome::Valid("as an error response (default)".into())
        );
    }

    #[test]
    fn a_status_line_selects_the_response() {
        let report = report(
            "GET /v1/exports/55ea HTTP/1.1\nSample response\nHTTP/1.1 404 Not Found\n{\"name\": \"x\"}\n",
        );
        // No 404: the default response (the error envelope) is used, and the sample is not one.
        assert!(
            matches!(&report.examples[0].response, Outcome::Invalid(v) if v[0].contains("(the default response)"))
        );
    }

    #[test]
    fn tolerated_slips_are_reported() {
        let report = report(
            "```\nPUT /v1/exports/55ea HTTP/1.1\n\n{\n  \"name\": \"x\" // a comment\n}\n```\n",
        );
        assert!(!report.failed(), "{}", report.render());
        assert_eq!(report.tolerated.len(), 1);
        assert_eq!(report.tolerated[0].slip.name, "json-comments");
        assert!(report.render().contains("json-comments  page.md:4"));
    }
}
