//! Working on a flow's EM 2.0 errors beyond resolve and retry: the per-step summary,
//! assigning errors to a user and tagging them (with tags that exist).

use serde_json::{json, Value};

use super::dispatch::Call;
use super::reply::Reply;

/// `GET /flows/{id}/errors`: `{"flowErrors": [{_expOrImpId, numError, lastErrorAt}]}`
/// for the steps with open errors.
pub(crate) fn summary(call: &Call<'_>, flow: &str) -> Reply {
    let world = call.app.read();
    if world.get("flows", flow).is_none() {
        return Reply::not_found("Flow", flow);
    }
    let mut steps: Vec<Value> = world
        .flow_errors
        .iter()
        .filter(|((f, _), open)| f == flow && !open.is_empty())
        .map(|((_, step), open)| {
            let last = open
                .values()
                .filter_map(|e| e.get("occurredAt").and_then(Value::as_str))
                .max();
            json!({"_expOrImpId": step, "numError": open.len(), "lastErrorAt": last})
        })
        .collect();
    steps.sort_by(|a, b| a["_expOrImpId"].as_str().cmp(&b["_expOrImpId"].as_str()));
    Reply::json(200, &json!({ "flowErrors": steps }))
}

/// Sets `field` to `value` on the listed open errors of the step: `422` naming the
/// first error id the step does not have open, and nothing changed then.
fn mark(call: &Call<'_>, ids: &[String], apply: impl Fn(&mut Value)) -> Reply {
    let key = (
        call.param("flowId").to_string(),
        call.param("stepId").to_string(),
    );
    let mut world = call.app.write();
    if world.get("flows", &key.0).is_none() {
        return Reply::not_found("Flow", &key.0);
    }
    if ids.is_empty() {
        return Reply::unprocessable("invalid_field", "errorIds", "Give at least one error id.");
    }
    let open = world.flow_errors.entry(key).or_default();
    if let Some(unknown) = ids.iter().find(|id| !open.contains_key(*id)) {
        return Reply::unprocessable(
            "invalid_field",
            "errorIds",
            format!("{unknown} is not an open error of this step."),
        );
    }
    for id in ids {
        if let Some(error) = open.get_mut(id) {
            apply(error);
        }
    }
    Reply::empty(204)
}

/// `PUT /flows/{flowId}/{stepId}/errors/assign`.
pub(crate) fn assign(call: &Call<'_>) -> Reply {
    let email = call.body_str("email").unwrap_or_default().to_string();
    if !email.contains('@') {
        return Reply::unprocessable(
            "invalid_field",
            "email",
            "Give the email of the user to assign to.",
        );
    }
    mark(call, &call.body_strings("errorIds"), |error| {
        error["assignedToEmail"] = json!(email);
    })
}

/// `PUT /flows/{flowId}/{stepId}/tags`: the tags must exist (`GET /tags`).
pub(crate) fn tag(call: &Call<'_>) -> Reply {
    let tags = call.body_strings("tagIds");
    if let Some(unknown) = tags
        .iter()
        .find(|t| call.app.read().get("tags", t).is_none())
    {
        return Reply::unprocessable("invalid_field", "tagIds", format!("No tag {unknown}."));
    }
    mark(call, &call.body_strings("errorIds"), |error| {
        error["tags"] = json!(tags);
    })
}
