//! Response contracts: generated answers valid under the spec decode and keep every
//! field; invalid answers are typed decode errors naming the operation.

use httpmock::MockServer;
use integrator_io::{Client, Error};
use integrator_io_codegen::spec::{Body, Operation};
use proptest::prelude::*;
use serde_json::Value;

use crate::cases::{self, Case};
use crate::support::{same_meaning, spec};
use crate::{values, Harness};

/// The JSON schema of `op`'s success answer.
pub fn success_schema(op: &Operation) -> Option<Value> {
    let code = op.primary_success()?.0.to_string();
    let response = cases::operation_raw(op)
        .pointer(&format!("/responses/{code}"))
        .cloned()?;
    spec()
        .deref(&response)
        .pointer("/content/application~1json/schema")
        .cloned()
}

/// What `op`'s answer is.
enum Kind {
    Json(Value),
    Text,
    Empty,
}

fn kind(op: &Operation) -> Kind {
    match (op.primary_success(), success_schema(op)) {
        (Some((_, Body::Json { .. })), Some(schema)) => Kind::Json(schema),
        (Some((_, Body::Other(_))), _) => Kind::Text,
        _ => Kind::Empty,
    }
}

/// The least a call needs (required parameters, a valid body when one is required).
pub fn minimal_case(op: &Operation) -> Case {
    let body =
        cases::body_schema(op).map(|schema| crate::runner::one(values::valid(&schema), &op.id));
    cases::minimal(op, body)
}

fn serve<'m>(
    mock: &'m MockServer,
    status: u16,
    content_type: &str,
    body: Vec<u8>,
) -> httpmock::Mock<'m> {
    mock.mock(|when, then| {
        when.any_request();
        let then = then.status(status);
        let then = if content_type.is_empty() {
            then
        } else {
            then.header("content-type", content_type)
        };
        then.body(body);
    })
}

fn call(h: &Harness, client: &Client, op: &Operation, case: &Case) -> Result<Value, Error> {
    h.rt.block_on(integrator_io::__contract::send(
        client,
        &op.rust_name,
        &case.params,
        case.body.clone(),
    ))
}

/// Generated valid answers decode, and encode again to the same JSON.
pub fn check(
    h: &Harness,
    mock: &MockServer,
    client: &Client,
    op: &Operation,
) -> Result<u32, String> {
    let case = minimal_case(op);
    let status = op.primary_success().map_or(200, |(code, _)| code);
    let answers: BoxedStrategy<(Vec<u8>, Value)> = match kind(op) {
        Kind::Json(schema) => values::valid(&schema)
            .prop_map(|v| (serde_json::to_vec(&v).unwrap(), v))
            .boxed(),
        Kind::Text => "\\PC{0,40}"
            .prop_map(|s: String| (s.clone().into_bytes(), Value::String(s)))
            .boxed(),
        Kind::Empty => Just((Vec::new(), Value::Null)).boxed(),
    };
    let content_type = match kind(op) {
        Kind::Json(_) => "application/json; charset=utf-8",
        Kind::Text => "text/plain",
        Kind::Empty => "",
    };
    let schema = success_schema(op);
    let mut cases = crate::runner::check("response", &op.id, answers, |(bytes, served)| {
        if let (Some(schema), Kind::Json(_)) = (&schema, kind(op)) {
            if let Err(v) = h.schemas.validate(schema, &served) {
                return Err(TestCaseError::fail(format!(
                    "generator bug: the answer breaks the spec: {v:?}"
                )));
            }
        }
        let mut served_mock = serve(mock, status, content_type, bytes);
        let result = call(h, client, op, &case);
        served_mock.delete();
        let got = result.map_err(|e| TestCaseError::fail(format!("a valid answer failed: {e}")))?;
        same_meaning(&served, &got)
            .map_err(|d| TestCaseError::fail(format!("the answer changed when decoded: {d}")))?;
        Ok(())
    })?;
    if op.empty_list_as_204() {
        let mut served_mock = serve(mock, 204, "", Vec::new());
        let result = call(h, client, op, &case);
        served_mock.delete();
        match result {
            Ok(Value::Array(items)) if items.is_empty() => cases += 1,
            other => return Err(format!("{}: a 204 list answered {other:?}, not []", op.id)),
        }
    }
    Ok(cases)
}

/// Invalid answers to `op`: each must be `Error::Decode` naming the operation.
pub fn check_invalid(
    h: &Harness,
    mock: &MockServer,
    client: &Client,
    op: &Operation,
) -> Result<u32, String> {
    let Kind::Json(schema) = kind(op) else {
        return Ok(0);
    };
    let case = minimal_case(op);
    let status = op.primary_success().map_or(200, |(code, _)| code);
    let valid = crate::runner::one(values::valid(&schema), &op.id);
    let text = serde_json::to_string(&valid).unwrap();
    let json = "application/json";
    // Cut before the closing bracket, which any JSON parser must miss.
    let truncated = if text.ends_with('}') || text.ends_with(']') {
        text.as_bytes()[..text.len() - 1].to_vec()
    } else {
        br#"{"cut": [1, 2"#.to_vec()
    };
    let mut answers: Vec<(&str, &str, Vec<u8>)> = vec![
        ("truncated JSON", json, truncated),
        (
            "an HTML error page",
            "text/html",
            b"<html><body>Service Unavailable</body></html>".to_vec(),
        ),
        ("an empty body", json, Vec::new()),
        (
            "a wrong content type",
            "text/plain",
            text.clone().into_bytes(),
        ),
    ];
    if let Some(wrong) = wrong_types(&schema) {
        answers.push(("wrong types", json, serde_json::to_vec(&wrong).unwrap()));
    }
    let mut checked = 0;
    for (what, content_type, body) in answers {
        let mut served = serve(mock, status, content_type, body);
        let result = call(h, client, op, &case);
        served.delete();
        match result {
            Err(Error::Decode { operation, .. }) if operation == op.id => checked += 1,
            other => {
                return Err(format!(
                    "{}: {what} answered {other:?}, not a decode error",
                    op.id
                ))
            }
        }
    }
    Ok(checked)
}

/// A value breaking `schema`'s types where the Rust type must notice: a list where an
/// object is expected, an object where a list is, or a declared string property holding
/// a number. `None` for schemas that accept anything.
fn wrong_types(schema: &Value) -> Option<Value> {
    let schema = spec().deref(schema);
    if schema.get("nullable").and_then(Value::as_bool) == Some(true) {
        return None;
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => Some(serde_json::json!({"not": "a list"})),
        Some("object") | None if schema.get("properties").is_some() => {
            let properties = schema.get("properties")?.as_object()?;
            let (name, _) = properties.iter().find(|(_, p)| {
                let p = spec().deref(p);
                p.get("type").and_then(Value::as_str) == Some("string")
                    && p.get("nullable").is_none()
                    && p.get("enum").is_none()
            })?;
            Some(serde_json::json!({ name.clone(): 12345 }))
        }
        _ => None,
    }
}
