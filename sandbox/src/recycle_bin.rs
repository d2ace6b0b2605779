//! The recycle bin: every deleted resource for 30 days, listed as
//! `{model, doc: {_id, name, lastModified}}`, restored (with what was deleted with it
//! under the same integration) or purged for good.

use serde_json::{json, Value};

use super::dispatch::Call;
use super::reply::Reply;
use super::store::singular;

/// `Export` for `exports`.
fn model(collection: &str) -> String {
    let one = singular(collection);
    let mut chars = one.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// `GET /recycleBinTTL?resourceType=`: the type matches the plural path name or the
/// model name, case-insensitively.
pub(crate) fn list(call: &Call<'_>) -> Reply {
    let wanted = call.query("resourceType").map(str::to_lowercase);
    let world = call.app.read();
    let entries: Vec<Value> = world
        .recycle_bin
        .values()
        .filter(|(collection, _)| {
            wanted
                .as_deref()
                .is_none_or(|w| w == collection || w == model(collection).to_lowercase())
        })
        .map(|(collection, doc)| {
            let brief: serde_json::Map<String, Value> = ["_id", "name", "lastModified"]
                .iter()
                .filter_map(|f| doc.get(*f).map(|v| (f.to_string(), v.clone())))
                .collect();
            json!({"model": model(collection), "doc": brief})
        })
        .collect();
    Reply::json(200, &json!(entries))
}

/// The id of the deleted resource the path names, or `404`.
fn entry_of(call: &Call<'_>) -> Result<String, Reply> {
    let (kind, id) = (call.param("resourceType"), call.param("resourceId"));
    match call.app.read().recycle_bin.get(id) {
        Some((collection, _)) if collection.eq_ignore_ascii_case(kind) => Ok(id.to_string()),
        _ => Err(Reply::not_found("Deleted resource", id)),
    }
}

/// `POST /recycleBinTTL/{resourceType}/{resourceId}/doCascadeRestore`: the resource
/// comes back with its `_id`, and so do the resources deleted from under it (those
/// whose `_integrationId`, `_flowId` or `_connectionId` is its id).
pub(crate) fn restore(call: &Call<'_>) -> Reply {
    let id = match entry_of(call) {
        Ok(entry) => entry,
        Err(reply) => return reply,
    };
    let mut world = call.app.write();
    let dependents: Vec<String> = world
        .recycle_bin
        .iter()
        .filter(|(_, (_, doc))| {
            ["_integrationId", "_flowId", "_connectionId"]
                .iter()
                .any(|f| doc.get(*f).and_then(Value::as_str) == Some(id.as_str()))
        })
        .map(|(k, _)| k.clone())
        .collect();
    for key in std::iter::once(id.clone()).chain(dependents) {
        if let Some((kind, doc)) = world.recycle_bin.shift_remove(&key) {
            if let Some(store) = world.collection_mut(&kind) {
                store.insert(key, doc);
            }
        }
    }
    Reply::empty(200)
}

/// `DELETE /recycleBinTTL/{resourceType}/{resourceId}`.
pub(crate) fn purge(call: &Call<'_>) -> Reply {
    match entry_of(call) {
        Ok(id) => {
            call.app.write().recycle_bin.shift_remove(&id);
            Reply::empty(204)
        }
        Err(reply) => reply,
    }
}
