//! A local mock of integrator.io that answers every operation of the spec with its
//! documented response (the spec's examples), for running the examples without an account.

use httpmock::{Method, MockServer};
use integrator_io_codegen::examples::{self, Place};
use integrator_io_codegen::spec::{Body, Operation, Spec};
use serde_json::{json, Value};

/// Starts the mock; its base URL (with `/v1`) is `server.url("/v1")`.
pub async fn start() -> Result<MockServer, String> {
    let spec = Spec::load(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/openapi/integrator.yaml"
    ))
    .map_err(|e| e.to_string())?;
    let documented = examples::collect(&spec);
    let server = MockServer::start_async().await;
    let mut operations = spec.operations();
    // Literal paths before templated ones, so `/connections/ping` wins over `/connections/{id}`.
    operations.sort_by_key(|op| op.path.matches('{').count());
    for op in &operations {
        let (status, body) = answer(op, &operations, &documented);
        let method: Method = op
            .method
            .parse()
            .map_err(|_| format!("method {}", op.method))?;
        let pattern = path_pattern(&op.path);
        server
            .mock_async(|when, then| {
                when.method(method).path_matches(pattern.as_str());
                let then = then.status(status);
                match body {
                    Some(Answer::Json(value)) => {
                        then.header("content-type", "application/json; charset=utf-8")
                            .body(value.to_string());
                    }
                    Some(Answer::Text(text)) => {
                        then.header("content-type", "text/plain").body(text);
                    }
                    None => {}
                }
            })
            .await;
    }
    Ok(server)
}

enum Answer {
    Json(Value),
    Text(String),
}

/// `/flows/{flowId}/{stepId}/errors` → `^/v1/flows/[^/]+/[^/]+/errors$`.
fn path_pattern(path: &str) -> String {
    let mut out = String::from("^/v1");
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        out.push('/');
        if segment.starts_with('{') {
            out.push_str("[^/]+");
        } else {
            out.push_str(&regex_escape(segment));
        }
    }
    out.push('$');
    out
}

fn regex_escape(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                vec![c]
            } else {
                vec!['\\', c]
            }
        })
        .collect()
}

fn first_example(op_id: &str, documented: &[examples::Example]) -> Option<Value> {
    documented
        .iter()
        .find(|e| {
            e.operation_id == op_id
                && matches!(&e.place, Place::Response(s) if s.starts_with('2'))
                && e.media_type.contains("json")
        })
        .map(|e| e.value.clone())
}

/// The documented answer of an operation, or one built from its neighbours' examples.
fn answer(
    op: &Operation,
    all: &[Operation],
    documented: &[examples::Example],
) -> (u16, Option<Answer>) {
    let (status, body) = op
        .primary_success()
        .map(|(s, b)| (s, b.clone()))
        .unwrap_or((200, Body::Empty));
    match body {
        Body::Empty => (status, None),
        Body::Other(_) => (
            status,
            Some(Answer::Text(if op.method == "PUT" {
                "Created".into()
            } else {
                "OK".into()
            })),
        ),
        Body::Json { array, .. } => {
            if let Some(value) = first_example(&op.id, documented) {
                return (status, Some(Answer::Json(value)));
            }
            // No example of its own: borrow the resource's from the neighbouring GETs
            // (`/jobs/{id}` from the `/jobs` list, a list from its item, a create from its list).
            let get = |path: &str| {
                all.iter()
                    .filter(|o| o.method == "GET" && o.path == path)
                    .find_map(|o| first_example(&o.id, documented))
            };
            let first_item = |v: Value| match v {
                Value::Array(items) => items.into_iter().next(),
                other => Some(other),
            };
            let parent = op
                .path
                .rsplit_once('/')
                .map(|(p, _)| p.to_string())
                .unwrap_or_default();
            let value = if array {
                json!(get(&format!("{}/{{id}}", op.path))
                    .map(|item| vec![item])
                    .unwrap_or_default())
            } else {
                get(&op.path)
                    .and_then(first_item)
                    .filter(|v| v.is_object())
                    .or_else(|| {
                        (op.method == "GET")
                            .then(|| get(&parent).and_then(first_item))
                            .flatten()
                    })
                    .unwrap_or_else(|| json!({ "_id": "5f0c0ffee0ddba11deadbeef" }))
            };
            (status, Some(Answer::Json(value)))
        }
    }
}
