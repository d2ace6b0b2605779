//! Request contracts: what the client puts on the wire for generated inputs.

use integrator_io::Client;
use integrator_io_codegen::spec::Operation;
use proptest::prelude::*;
use serde_json::Value;

use crate::cases::{self, Case};
use crate::support::{same_meaning, CaptureServer};
use crate::Harness;

/// Sends generated inputs of `op` and checks method, path, query, headers and body.
pub fn check(
    h: &Harness,
    server: &CaptureServer,
    client: &Client,
    op: &Operation,
) -> Result<u32, String> {
    crate::runner::check("request", &op.id, cases::inputs(op), |case: Case| {
        let before = server.count();
        let result = h.rt.block_on(integrator_io::__contract::send(
            client,
            &op.rust_name,
            &case.params,
            case.body.clone(),
        ));
        if let Err(
            e @ (integrator_io::Error::InvalidRequest { .. }
            | integrator_io::Error::InvalidId { .. }
            | integrator_io::Error::InvalidHeader { .. }),
        ) = &result
        {
            return Err(TestCaseError::fail(format!(
                "valid inputs were refused: {e}"
            )));
        }
        let sent = server.requests();
        prop_assert_eq!(sent.len(), before + 1, "exactly one request");
        let request = &sent[before];
        prop_assert_eq!(&request.method, &op.method);
        let (path, query) = request
            .target
            .split_once('?')
            .unwrap_or((&request.target, ""));
        check_path(op, &case, path)?;
        check_query(op, &case, query)?;
        prop_assert_eq!(
            request.header("authorization"),
            Some("Bearer test-token-123")
        );
        for p in op.params_in("header") {
            let given = case.params.get(&p.name).and_then(Value::as_str);
            prop_assert_eq!(request.header(&p.name), given, "header {}", p.name);
        }
        match &case.body {
            Some(body) => {
                prop_assert!(
                    request
                        .header("content-type")
                        .is_some_and(|c| c.starts_with("application/json")),
                    "content type {:?}",
                    request.header("content-type")
                );
                let sent_body: Value = serde_json::from_slice(&request.body)
                    .map_err(|e| TestCaseError::fail(format!("the body is not JSON: {e}")))?;
                let schema = cases::body_schema(op).expect("a body schema");
                if let Err(violations) = h.schemas.validate(&schema, &sent_body) {
                    return Err(TestCaseError::fail(format!(
                        "the sent body breaks the spec: {violations:?}"
                    )));
                }
                same_meaning(body, &sent_body).map_err(|d| {
                    TestCaseError::fail(format!("the body changed on the way: {d}"))
                })?;
            }
            None => prop_assert!(request.body.is_empty(), "no body was given, none is sent"),
        }
        Ok(())
    })
}

fn check_path(op: &Operation, case: &Case, path: &str) -> Result<(), TestCaseError> {
    let rest = path
        .strip_prefix("/v1")
        .ok_or_else(|| TestCaseError::fail(format!("{path} is not below /v1")))?;
    let sent: Vec<&str> = rest.split('/').collect();
    let template: Vec<&str> = op.path.split('/').collect();
    prop_assert_eq!(
        sent.len(),
        template.len(),
        "segments of {} for {}",
        path,
        op.path
    );
    for (raw, part) in sent.iter().zip(&template) {
        match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            Some(name) => {
                let value = case
                    .params
                    .get(name)
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                prop_assert_eq!(
                    percent_decode(raw),
                    value,
                    "path parameter {} sent as {}",
                    name,
                    raw
                );
            }
            None => prop_assert_eq!(raw, part),
        }
    }
    Ok(())
}

fn check_query(op: &Operation, case: &Case, query: &str) -> Result<(), TestCaseError> {
    let sent: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let expected: Vec<&str> = op
        .params_in("query")
        .filter(|p| case.params.contains_key(&p.name))
        .map(|p| p.name.as_str())
        .collect();
    let mut names: Vec<&str> = sent.iter().map(|(k, _)| k.as_str()).collect();
    names.sort();
    let mut wanted = expected.clone();
    wanted.sort();
    prop_assert_eq!(names, wanted, "query parameters of {}", query);
    for (name, value) in &sent {
        let given = &case.params[name];
        let same = match given {
            Value::String(s) if s == value => true,
            Value::String(s) => match (
                chrono::DateTime::parse_from_rfc3339(s),
                chrono::DateTime::parse_from_rfc3339(value),
            ) {
                (Ok(a), Ok(b)) => a == b,
                _ => false,
            },
            Value::Number(n) => n.to_string() == *value || n.as_f64() == value.parse::<f64>().ok(),
            Value::Bool(b) => b.to_string() == *value,
            other => serde_json::from_str::<Value>(value).ok().as_ref() == Some(other),
        };
        prop_assert!(same, "query {}: gave {}, sent {:?}", name, given, value);
    }
    Ok(())
}

fn percent_decode(raw: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if let (b'%', Some(&h), Some(&l)) = (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            if let (Some(h), Some(l)) = (hex(h), hex(l)) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
