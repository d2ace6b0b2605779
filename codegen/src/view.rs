//! The generation view: the spec as progenitor is given it.
//!
//! The spec documents the API as it is; two of its true shapes would make progenitor
//! panic or decode less than the runtime can, so the view leaves them out and the
//! hand-written runtime handles them instead:
//! - error responses (4xx, 5xx, `default`): without them every failure reaches the
//!   client as the raw response, which `integrator_io::Error` decodes with its status,
//!   headers (`Retry-After`) and body, whatever the body's shape;
//! - the `204` beside a `200` JSON array on list operations: the runtime answers it as
//!   an empty list.

use serde_json::Value;

use crate::spec::{Spec, METHODS};

/// Returns the spec as progenitor should see it.
pub fn generation_view(spec: &Spec) -> Result<openapiv3::OpenAPI, String> {
    let mut raw = spec.raw.clone();
    let empty_lists: Vec<(String, String)> = spec
        .operations()
        .into_iter()
        .filter(|op| op.empty_list_as_204())
        .map(|op| (op.path, op.method.to_lowercase()))
        .collect();
    if let Some(paths) = raw.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            for method in METHODS {
                let Some(responses) = item
                    .get_mut(method)
                    .and_then(|op| op.get_mut("responses"))
                    .and_then(Value::as_object_mut)
                else {
                    continue;
                };
                let drop_204 = empty_lists.iter().any(|(p, m)| p == path && m == method);
                responses
                    .retain(|status, _| status.starts_with('2') && !(drop_204 && status == "204"));
            }
        }
    }
    serde_json::from_value(raw)
        .map_err(|e| format!("the spec is not a valid OpenAPI 3.0 document: {e}"))
}
