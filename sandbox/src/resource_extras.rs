//! Export, integration and connector operations beyond CRUD: an export's distributed
//! configuration, an integration's install and uninstall steps, a connector's install
//! base and pushed updates.

use serde_json::{json, Value};

use super::dispatch::Call;
use super::reply::Reply;

/// `GET /exports/{id}/distributed`: what was stored, or a default.
pub(crate) fn get_distributed(call: &Call<'_>, id: &str) -> Reply {
    let world = call.app.read();
    if world.get("exports", id).is_none() {
        return Reply::not_found("Export", id);
    }
    match world.distributed.get(id) {
        Some(config) => Reply::json(200, config),
        None => Reply::json(200, &json!({"_exportId": id, "disabled": false})),
    }
}

/// `PUT /exports/{id}/distributed`: stores the body as sent and answers it.
pub(crate) fn put_distributed(call: &Call<'_>, id: &str) -> Reply {
    let mut world = call.app.write();
    if world.get("exports", id).is_none() {
        return Reply::not_found("Export", id);
    }
    let config = call.body.clone().unwrap_or_else(|| json!({}));
    world.distributed.insert(id.to_string(), config.clone());
    Reply::json(200, &config)
}

/// The integration's step list (`install`, or `uninstall` steps kept under
/// `uninstallSteps`).
fn step_field(kind: &str) -> &'static str {
    if kind == "install" {
        "install"
    } else {
        "uninstallSteps"
    }
}

/// `GET /integrations/{id}/installSteps` and `/uninstallSteps`.
pub(crate) fn steps(call: &Call<'_>, id: &str, kind: &str) -> Reply {
    let world = call.app.read();
    let Some(integration) = world.get("integrations", id) else {
        return Reply::not_found("Integration", id);
    };
    let steps = integration
        .get(step_field(kind))
        .cloned()
        .unwrap_or_else(|| json!([]));
    Reply::json(200, &steps)
}

/// `POST /integrations/{id}/installSteps` and `/uninstallSteps`: completes the next
/// incomplete step and answers the steps.
pub(crate) fn submit_step(call: &Call<'_>, id: &str, kind: &str, status: u16) -> Reply {
    let submission = call.body.clone().unwrap_or_else(|| json!({}));
    let mut world = call.app.write();
    let Some(integration) = world
        .collection_mut("integrations")
        .and_then(|c| c.get_mut(id))
    else {
        return Reply::not_found("Integration", id);
    };
    let field = step_field(kind);
    let Some(steps) = integration
        .get_mut(field)
        .and_then(Value::as_array_mut)
        .filter(|s| !s.is_empty())
    else {
        return Reply::unprocessable(
            "no_steps",
            field,
            format!("The integration has no {kind} steps."),
        );
    };
    let Some(step) = steps
        .iter_mut()
        .find(|s| s.get("completed").and_then(Value::as_bool) != Some(true))
    else {
        return Reply::unprocessable(
            "steps_completed",
            field,
            format!("Every {kind} step is already completed."),
        );
    };
    if let Some(step) = step.as_object_mut() {
        step.insert("completed".into(), json!(true));
        if let Some(connection) = submission.get("_connectionId") {
            step.insert("_connectionId".into(), connection.clone());
        }
    }
    let answer = Value::Array(steps.clone());
    Reply::json(status, &answer)
}

/// `GET /connectors/{id}/installBase`: the integrations installed from the connector.
pub(crate) fn install_base(call: &Call<'_>, id: &str) -> Reply {
    let world = call.app.read();
    if world.get("connectors", id).is_none() {
        return Reply::not_found("Connector", id);
    }
    let base: Vec<Value> = world
        .collection("integrations")
        .into_iter()
        .flat_map(|c| c.values())
        .filter(|i| i.get("_connectorId").and_then(Value::as_str) == Some(id))
        .map(|i| {
            json!({
                "_integrationId": i.get("_id"),
                "name": i.get("name"),
                "version": i.get("version"),
                "sandbox": i.get("sandbox").and_then(Value::as_bool).unwrap_or(false),
                "email": "owner@example.com",
                "_userId": call.user(),
            })
        })
        .collect();
    Reply::json(200, &Value::Array(base))
}

/// `PUT /connectors/{id}/update`: marks the listed integrations `updateInProgress`.
pub(crate) fn push_update(call: &Call<'_>, id: &str) -> Reply {
    let wanted: Vec<String> = call
        .body
        .as_ref()
        .and_then(|b| b.get("_integrationIds"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    let mut world = call.app.write();
    if world.get("connectors", id).is_none() {
        return Reply::not_found("Connector", id);
    }
    let mut updated = Vec::new();
    if let Some(integrations) = world.collection_mut("integrations") {
        for integration_id in &wanted {
            if let Some(Value::Object(doc)) = integrations.get_mut(integration_id) {
                if doc.get("_connectorId").and_then(Value::as_str) == Some(id) {
                    doc.insert("updateInProgress".into(), json!(true));
                    updated.push(integration_id.clone());
                }
            }
        }
    }
    Reply::json(200, &json!({ "_integrationIds": updated }))
}
