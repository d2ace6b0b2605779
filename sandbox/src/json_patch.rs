//! `PATCH` with a JSON Patch body on flows, exports, imports, integrations,
//! connections and SSO clients: `replace` steps on the fields each resource allows
//! (from the help-center tables), `204` with no body. Any other operation or field is
//! `422 invalid_field`, and nothing is changed unless every step applies.

use serde_json::Value;

use super::dispatch::Call;
use super::reply::Reply;

/// The JSON Pointers a resource lets a patch replace; `*` matches one array index.
fn allowed(collection: &str) -> &'static [&'static str] {
    match collection {
        "flows" => &[
            "/name",
            "/description",
            "/schedule",
            "/timezone",
            "/disabled",
            "/runPageGeneratorsInParallel",
            "/pageGenerators/*/schedule",
            "/pageGenerators/*/skipRetries",
            "/routers/*/name",
            "/routers/*/branches/*/name",
            "/routers/*/branches/*/description",
            "/aliases",
        ],
        "exports" => &[
            "/assistantMetadata",
            "/netsuite/distributed/disabled",
            "/salesforce/distributed/disabled",
            "/debugUntil",
        ],
        "imports" => &["/debugUntil", "/assistantMetadata"],
        "integrations" => &["/name", "/debugUntil", "/schedule", "/schedule/*"],
        "connections" => &["/debugDate", "/offline", "/name"],
        "ssoclients" => &["/disabled"],
        _ => &[],
    }
}

fn matches(pattern: &str, pointer: &str) -> bool {
    let (p, q): (Vec<&str>, Vec<&str>) =
        (pattern.split('/').collect(), pointer.split('/').collect());
    p.len() == q.len()
        && p.iter()
            .zip(&q)
            .all(|(a, b)| a == b || (*a == "*" && !b.is_empty()))
}

/// Sets the value at `pointer`, creating missing objects on the way; `false` when a
/// step of the path is an array index out of range or crosses a non-container.
fn set(doc: &mut Value, pointer: &str, value: Value) -> bool {
    let tokens: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    let Some((last, path)) = tokens.split_last() else {
        return false;
    };
    let mut at = doc;
    for token in path {
        at = match at {
            Value::Object(map) => map
                .entry(token.clone())
                .or_insert_with(|| Value::Object(Default::default())),
            Value::Array(items) => match token.parse::<usize>().ok().and_then(|i| items.get_mut(i))
            {
                Some(item) => item,
                None => return false,
            },
            _ => return false,
        };
    }
    match at {
        Value::Object(map) => {
            map.insert(last.clone(), value);
            true
        }
        Value::Array(items) => match last.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
            Some(item) => {
                *item = value;
                true
            }
            None => false,
        },
        _ => false,
    }
}

/// `PATCH /{collection}/{id}`.
pub(crate) fn patch(call: &Call<'_>, collection: &str, id: &str) -> Reply {
    let steps = call
        .body
        .as_ref()
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut world = call.app.write();
    let Some(mut doc) = world.get(collection, id).cloned() else {
        return Reply::not_found(collection.trim_end_matches('s'), id);
    };
    for step in &steps {
        let op = step.get("op").and_then(Value::as_str).unwrap_or_default();
        let path = step.get("path").and_then(Value::as_str).unwrap_or_default();
        if op != "replace" {
            return Reply::unprocessable(
                "invalid_field",
                path,
                format!("Only replace is supported, not {op:?}."),
            );
        }
        if !allowed(collection).iter().any(|p| matches(p, path)) {
            return Reply::unprocessable(
                "invalid_field",
                path,
                format!("{path} cannot be patched on {collection}."),
            );
        }
        let value = step.get("value").cloned().unwrap_or(Value::Null);
        if !set(&mut doc, path, value) {
            return Reply::unprocessable("invalid_field", path, format!("{path} does not exist."));
        }
    }
    let Value::Object(body) = doc else {
        return Reply::not_found(collection, id);
    };
    world.replace_audited(&call.app.ids, call.user(), collection, id, body);
    Reply::empty(204)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wildcards_match_one_index() {
        assert!(matches(
            "/pageGenerators/*/schedule",
            "/pageGenerators/0/schedule"
        ));
        assert!(!matches(
            "/pageGenerators/*/schedule",
            "/pageGenerators/schedule"
        ));
        assert!(!matches("/name", "/name/x"));
    }

    #[test]
    fn set_reaches_into_arrays_and_creates_objects() {
        let mut doc = json!({"pageGenerators": [{"_exportId": "e"}]});
        assert!(set(
            &mut doc,
            "/pageGenerators/0/schedule",
            json!("0 0 * * *")
        ));
        assert!(set(&mut doc, "/schedule/frequency", json!("daily")));
        assert!(!set(&mut doc, "/pageGenerators/3/schedule", json!("x")));
        assert_eq!(doc["pageGenerators"][0]["schedule"], "0 0 * * *");
        assert_eq!(doc["schedule"]["frequency"], "daily");
    }
}
