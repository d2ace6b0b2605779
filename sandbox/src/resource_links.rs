//! How flows, exports, imports and connections refer to each other: dependencies
//! ("uses" and "used by"), swapping the connection of a flow, export or import, a
//! flow as a template, and the run statistics of flows.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::dispatch::Call;
use super::jobs::flow_steps;
use super::reply::Reply;
use super::store::World;

fn str_of<'v>(doc: &'v Value, field: &str) -> Option<&'v str> {
    doc.get(field).and_then(Value::as_str)
}

/// `{_id, name}` of a stored document.
fn brief(doc: &Value) -> Value {
    json!({"_id": doc.get("_id"), "name": doc.get("name")})
}

/// The flows whose steps include `step`.
fn flows_using<'w>(world: &'w World, step: &'w str) -> impl Iterator<Item = &'w Value> + 'w {
    world
        .collection("flows")
        .into_iter()
        .flat_map(|c| c.values())
        .filter(move |f| flow_steps(f).iter().any(|s| s == step))
}

/// The exports and imports of a flow, with their connections.
fn flow_uses(world: &World, flow: &Value) -> BTreeMap<&'static str, Vec<Value>> {
    let mut uses: BTreeMap<&'static str, Vec<Value>> = BTreeMap::new();
    for step in flow_steps(flow) {
        for collection in ["exports", "imports"] {
            if let Some(doc) = world.get(collection, &step) {
                uses.entry(collection).or_default().push(brief(doc));
                if let Some(connection) =
                    str_of(doc, "_connectionId").and_then(|c| world.get("connections", c))
                {
                    let list = uses.entry("connections").or_default();
                    if !list.contains(&brief(connection)) {
                        list.push(brief(connection));
                    }
                }
            }
        }
    }
    uses
}

/// `GET /{flows|exports|imports}/{id}/dependencies`:
/// `{"uses": {type: [...]}, "usedBy": {type: [...]}}`.
pub(crate) fn dependencies(call: &Call<'_>, collection: &str, id: &str) -> Reply {
    let world = call.app.read();
    let Some(doc) = world.get(collection, id) else {
        return Reply::not_found(collection.trim_end_matches('s'), id);
    };
    let mut uses = BTreeMap::new();
    let mut used_by = BTreeMap::new();
    if collection == "flows" {
        uses = flow_uses(&world, doc);
        if let Some(integration) =
            str_of(doc, "_integrationId").and_then(|i| world.get("integrations", i))
        {
            used_by.insert("integrations", vec![brief(integration)]);
        }
    } else {
        if let Some(connection) =
            str_of(doc, "_connectionId").and_then(|c| world.get("connections", c))
        {
            uses.insert("connections", vec![brief(connection)]);
        }
        let flows: Vec<Value> = flows_using(&world, id).map(brief).collect();
        if !flows.is_empty() {
            used_by.insert("flows", flows);
        }
    }
    Reply::json(200, &json!({"uses": uses, "usedBy": used_by}))
}

/// The `_connectionId` and `_newConnectionId` of the body; `422` when either is
/// missing or the new connection does not exist.
fn swap(call: &Call<'_>, world: &World) -> Result<(String, String), Reply> {
    let field = |name: &str| call.body_str(name).map(str::to_string);
    let (Some(old), Some(new)) = (field("_connectionId"), field("_newConnectionId")) else {
        return Err(Reply::unprocessable(
            "missing_required_field",
            "_newConnectionId",
            "Give _connectionId and _newConnectionId.",
        ));
    };
    if world.get("connections", &new).is_none() {
        return Err(Reply::unprocessable(
            "invalid_field",
            "_newConnectionId",
            format!("No connection {new}."),
        ));
    }
    Ok((old, new))
}

/// Points one export or import at `new` when it uses `old`; answers whether it did.
fn repoint(
    call: &Call<'_>,
    world: &mut World,
    collection: &str,
    id: &str,
    old: &str,
    new: &str,
) -> bool {
    let Some(Value::Object(doc)) = world.get(collection, id).cloned() else {
        return false;
    };
    if doc.get("_connectionId").and_then(Value::as_str) != Some(old) {
        return false;
    }
    let mut changed: Map<String, Value> = doc;
    changed.insert("_connectionId".into(), json!(new));
    world.replace_audited(&call.app.ids, call.user(), collection, id, changed);
    true
}

/// `PUT /{flows|exports|imports}/{id}/replaceConnection`: answers the `_id`s of the
/// exports and imports that now use the new connection; `422` when none used the old.
pub(crate) fn replace_connection(call: &Call<'_>, collection: &str, id: &str) -> Reply {
    let mut world = call.app.write();
    let Some(doc) = world.get(collection, id).cloned() else {
        return Reply::not_found(collection.trim_end_matches('s'), id);
    };
    let (old, new) = match swap(call, &world) {
        Ok(pair) => pair,
        Err(reply) => return reply,
    };
    let steps = if collection == "flows" {
        flow_steps(&doc)
    } else {
        vec![id.to_string()]
    };
    let mut changed = Vec::new();
    for step in steps {
        for kind in ["exports", "imports"] {
            if (collection == "flows" || collection == kind)
                && repoint(call, &mut world, kind, &step, &old, &new)
            {
                changed.push(step.clone());
            }
        }
    }
    if changed.is_empty() {
        return Reply::unprocessable(
            "invalid_field",
            "_connectionId",
            format!("Nothing here uses connection {old}."),
        );
    }
    Reply::json(200, &json!({ "updated": changed }))
}

/// `GET /flows/{id}/template`: the flow with its exports, imports and connections
/// (secrets masked), as a template holds them.
pub(crate) fn template(call: &Call<'_>, id: &str) -> Reply {
    let world = call.app.read();
    let Some(flow) = world.get("flows", id) else {
        return Reply::not_found("Flow", id);
    };
    let mut parts: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    for step in flow_steps(flow) {
        for kind in ["exports", "imports"] {
            if let Some(doc) = world.get(kind, &step) {
                parts
                    .entry(kind)
                    .or_default()
                    .push(super::secrets::masked(kind, doc).into_owned());
                if let Some(c) =
                    str_of(doc, "_connectionId").and_then(|c| world.get("connections", c))
                {
                    let masked = super::secrets::masked("connections", c).into_owned();
                    let list = parts.entry("connections").or_default();
                    if !list.contains(&masked) {
                        list.push(masked);
                    }
                }
            }
        }
    }
    Reply::json(
        200,
        &json!({"flows": [flow], "exports": parts.remove("exports").unwrap_or_default(),
        "imports": parts.remove("imports").unwrap_or_default(),
        "connections": parts.remove("connections").unwrap_or_default()}),
    )
}

/// `POST /flows/runs/stats`: per flow, the finished flow jobs between `time_gt` and
/// `time_lte` (by end time).
pub(crate) fn run_stats(call: &Call<'_>) -> Reply {
    let bound = |name: &str| {
        call.body_str(name)
            .and_then(super::ids::parse_time)
            .map(super::ids::iso)
    };
    let (after, upto) = (bound("time_gt"), bound("time_lte"));
    let world = call.app.read();
    let mut per_flow: BTreeMap<String, Value> = BTreeMap::new();
    for job in world.jobs.values() {
        let ended = str_of(job, "endedAt").unwrap_or_default();
        let in_window = !ended.is_empty()
            && after.as_deref().is_none_or(|a| ended > a)
            && upto.as_deref().is_none_or(|u| ended <= u);
        let Some(flow) =
            str_of(job, "_flowId").filter(|_| in_window && str_of(job, "type") == Some("flow"))
        else {
            continue;
        };
        let entry = per_flow.entry(flow.to_string()).or_insert_with(|| {
            json!({"_flowId": flow, "numRuns": 0, "numSuccess": 0, "numError": 0, "numIgnore": 0, "lastExecutedAt": null})
        });
        entry["numRuns"] = json!(entry["numRuns"].as_u64().unwrap_or(0) + 1);
        for count in ["numSuccess", "numError", "numIgnore"] {
            let add = job.get(count).and_then(Value::as_u64).unwrap_or(0);
            entry[count] = json!(entry[count].as_u64().unwrap_or(0) + add);
        }
        if entry["lastExecutedAt"]
            .as_str()
            .is_none_or(|last| last < ended)
        {
            entry["lastExecutedAt"] = json!(ended);
        }
    }
    for (flow, entry) in per_flow.iter_mut() {
        let open: usize = world
            .flow_errors
            .iter()
            .filter(|((f, _), _)| f == flow)
            .map(|(_, errors)| errors.len())
            .sum();
        entry["numOpenError"] = json!(open);
    }
    Reply::json(200, &json!(per_flow.into_values().collect::<Vec<_>>()))
}

/// `POST /exports/{id}/invoke` and `POST /imports/{id}/invoke`: a one-off run that
/// answers what it read or wrote (the sandbox reaches no application: an export
/// answers the body's `data` as its page, an import reports each record written).
pub(crate) fn invoke(call: &Call<'_>, collection: &str, id: &str) -> Reply {
    if call.app.read().get(collection, id).is_none() {
        return Reply::not_found(collection.trim_end_matches('s'), id);
    }
    if collection == "exports" {
        let data = match call.body.as_ref().and_then(|b| b.get("data")) {
            Some(Value::Array(records)) => records.clone(),
            Some(one) => vec![one.clone()],
            None => Vec::new(),
        };
        return Reply::json(200, &json!({"data": data}));
    }
    let records = call
        .body
        .as_ref()
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let results: Vec<Value> = records
        .iter()
        .map(|_| json!({"statusCode": 200, "id": call.app.ids.object_id()}))
        .collect();
    Reply::json(200, &json!(results))
}
