//! What an integration holds: its flows, exports, imports, connections (its own, the
//! ones its steps use, and the registered ones) and users; registering connections
//! with it; snapshot revisions.

use serde_json::{json, Value};

use super::dispatch::Call;
use super::jobs::flow_steps;
use super::reply::Reply;
use super::resources;
use super::store::World;

const INTEGRATIONS: &str = "integrations";
const REGISTERED: &str = "_registeredConnectionIds";

fn belongs(doc: &Value, integration: &str) -> bool {
    doc.get("_integrationId").and_then(Value::as_str) == Some(integration)
}

/// The connection ids an integration holds.
fn connections_of(world: &World, integration: &Value, id: &str) -> Vec<String> {
    let mut ids: Vec<String> = integration
        .get(REGISTERED)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| c.as_str().map(str::to_string))
        .collect();
    let flows = world
        .collection("flows")
        .into_iter()
        .flat_map(|c| c.values());
    for flow in flows.filter(|f| belongs(f, id)) {
        for step in flow_steps(flow) {
            for kind in ["exports", "imports"] {
                let used = world
                    .get(kind, &step)
                    .and_then(|s| s.get("_connectionId"))
                    .and_then(Value::as_str);
                if let Some(c) = used {
                    ids.push(c.to_string());
                }
            }
        }
    }
    ids
}

/// `GET /integrations/{id}/{flows|exports|imports|connections|ashares}`.
pub(crate) fn list(call: &Call<'_>, id: &str, child: &str) -> Reply {
    let connections = {
        let world = call.app.read();
        let Some(integration) = world.get(INTEGRATIONS, id) else {
            return Reply::not_found("Integration", id);
        };
        connections_of(&world, integration, id)
    };
    match child {
        "connections" => resources::list_where(call, child, |c| {
            belongs(c, id)
                || c.get("_id")
                    .and_then(Value::as_str)
                    .is_some_and(|c| connections.iter().any(|u| u == c))
        }),
        "ashares" => resources::list_where(call, child, |user| {
            let account_wide = user
                .get("accessLevel")
                .and_then(Value::as_str)
                .is_some_and(|l| l != "tile");
            let listed = user
                .get("integrationAccessLevel")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .any(|a| belongs(a, id));
            account_wide || listed
        }),
        _ => resources::list_where(call, child, |doc| belongs(doc, id)),
    }
}

/// `PUT /integrations/{id}/connections/register` (`one` is `None`, the body lists
/// them) and `PUT /integrations/{id}/connections/{connectionId}/register`.
pub(crate) fn register(call: &Call<'_>, id: &str, one: Option<&str>) -> Reply {
    let wanted: Vec<String> = match one {
        Some(connection) => vec![connection.to_string()],
        None => call.body_strings("_connectionIds"),
    };
    let mut world = call.app.write();
    let Some(Value::Object(mut integration)) = world.get(INTEGRATIONS, id).cloned() else {
        return Reply::not_found("Integration", id);
    };
    if let Some(unknown) = wanted
        .iter()
        .find(|c| world.get("connections", c).is_none())
    {
        return match one {
            Some(_) => Reply::not_found("Connection", unknown),
            None => Reply::unprocessable(
                "invalid_field",
                "_connectionIds",
                format!("No connection {unknown}."),
            ),
        };
    }
    let list = integration.entry(REGISTERED).or_insert_with(|| json!([]));
    if let Value::Array(ids) = list {
        for c in &wanted {
            if !ids.iter().any(|i| i.as_str() == Some(c)) {
                ids.push(json!(c));
            }
        }
    }
    let registered = integration.get(REGISTERED).cloned().unwrap_or(json!([]));
    world.replace(INTEGRATIONS, id, integration);
    Reply::json(200, &json!({ REGISTERED: registered }))
}

/// `DELETE /integrations/{id}/connections/{connectionId}/register`: `404` when the
/// connection is not registered.
pub(crate) fn unregister(call: &Call<'_>, id: &str, connection: &str) -> Reply {
    let mut world = call.app.write();
    let Some(Value::Object(mut integration)) = world.get(INTEGRATIONS, id).cloned() else {
        return Reply::not_found("Integration", id);
    };
    let Some(Value::Array(ids)) = integration.get_mut(REGISTERED) else {
        return Reply::not_found("Registered connection", connection);
    };
    let before = ids.len();
    ids.retain(|i| i.as_str() != Some(connection));
    if ids.len() == before {
        return Reply::not_found("Registered connection", connection);
    }
    world.replace(INTEGRATIONS, id, integration);
    Reply::empty(204)
}

/// `POST /integrations/{id}/revisions/create`: `201` with the snapshot; with
/// `ignoreIfNoChanges=true` and no change since the last snapshot, `204` (as the API).
pub(crate) fn snapshot(call: &Call<'_>, id: &str) -> Reply {
    let mut world = call.app.write();
    let Some(integration) = world.get(INTEGRATIONS, id).cloned() else {
        return Reply::not_found("Integration", id);
    };
    let changed_at = integration
        .get("lastModified")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let last = world
        .collection("revisions")
        .into_iter()
        .flat_map(|c| c.values())
        .filter(|r| belongs(r, id))
        .filter_map(|r| r.get("createdAt").and_then(Value::as_str))
        .max()
        .map(str::to_string);
    if call.query("ignoreIfNoChanges") == Some("true")
        && last.is_some_and(|l| l.as_str() >= changed_at)
    {
        return Reply::empty(204);
    }
    let description = call
        .body
        .as_ref()
        .and_then(|b| b.get("description"))
        .cloned();
    let mut revision = serde_json::Map::new();
    revision.insert("_integrationId".into(), json!(id));
    revision.insert("type".into(), json!("snapshot"));
    revision.insert("status".into(), json!("completed"));
    if let Some(description) = description {
        revision.insert("description".into(), description);
    }
    match world.create(&call.app.ids, "revisions", revision) {
        Some(doc) => Reply::json(201, &doc),
        None => Reply::error(500, "internal", "The revision was not stored."),
    }
}
