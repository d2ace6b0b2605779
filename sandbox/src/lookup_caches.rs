//! Lookup caches: the settings document (answered with its `size`) and its entries:
//! upsert, `getData` pages (1000 keys at most, `nextPageURL` while more remain,
//! `startAfterKey` to resume), delete by key, purge.

use serde_json::{json, Value};

use super::dispatch::Call;
use super::reply::Reply;
use super::resources;
use super::store::World;

const CACHES: &str = "lookupcaches";
/// Entries per `getData` page, and the most one write may carry.
const PAGE: usize = 1000;

fn exists(world: &World, id: &str) -> Result<(), Reply> {
    match world.get(CACHES, id) {
        Some(_) => Ok(()),
        None => Err(Reply::not_found("Lookup cache", id)),
    }
}

/// Stores the cache's byte size and its text form in the document.
fn resize(world: &mut World, id: &str) {
    let bytes: usize = world
        .lookup_data
        .get(id)
        .map(|entries| {
            entries
                .iter()
                .map(|(k, v)| k.len() + v.to_string().len())
                .sum()
        })
        .unwrap_or(0);
    let megabytes = bytes.div_ceil(1024 * 1024);
    let text = match megabytes {
        0 if bytes == 0 => "0 MB".to_string(),
        m if m >= 50 => "50 MB".to_string(),
        m => format!("<{} MB", m.div_ceil(5).max(1) * 5),
    };
    if let Some(Value::Object(doc)) = world.collection_mut(CACHES).and_then(|c| c.get_mut(id)) {
        doc.insert("size".into(), json!(bytes));
        doc.insert("sizeInMB".into(), json!(text));
    }
}

/// `POST /lookupcaches/{id}/getData`.
pub(crate) fn get_data(call: &Call<'_>, id: &str) -> Reply {
    let world = call.app.read();
    if let Err(reply) = exists(&world, id) {
        return reply;
    }
    let empty = Default::default();
    let entries = world.lookup_data.get(id).unwrap_or(&empty);
    let entry = |(k, v): (&String, &Value)| json!({"key": k, "value": v});
    let keys = call.body_strings("keys");
    if !keys.is_empty() {
        let data: Vec<Value> = keys
            .iter()
            .filter_map(|k| entries.get_key_value(k).map(entry))
            .collect();
        return Reply::json(200, &json!({ "data": data }));
    }
    let prefix = call.body_str("startsWith").unwrap_or_default();
    let after = call.query("startAfterKey");
    let mut matching = entries
        .iter()
        .filter(|(k, _)| k.starts_with(prefix) && after.is_none_or(|a| k.as_str() > a));
    let data: Vec<Value> = matching.by_ref().take(PAGE).map(entry).collect();
    let mut page = json!({ "data": data });
    if matching.next().is_some() {
        let last = data
            .last()
            .and_then(|e| e["key"].as_str())
            .unwrap_or_default();
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query.append_pair("startAfterKey", last);
        page["nextPageURL"] = json!(format!(
            "{}/lookupcaches/{id}/getData?{}",
            call.app.base_url,
            query.finish()
        ));
    }
    Reply::json(200, &page)
}

/// `POST /lookupcaches/{id}/data`: `{"data": [{"key", "value"}]}`.
pub(crate) fn upsert(call: &Call<'_>, id: &str) -> Reply {
    let data: Vec<Value> = call
        .body
        .as_ref()
        .and_then(|b| b.get("data"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if data.len() > PAGE {
        return Reply::unprocessable("invalid_field", "data", "At most 1000 entries per request.");
    }
    let mut pairs = Vec::new();
    for entry in &data {
        match entry.get("key").and_then(Value::as_str) {
            Some(key) if !key.is_empty() => pairs.push((
                key.to_string(),
                entry.get("value").cloned().unwrap_or(Value::Null),
            )),
            _ => {
                return Reply::unprocessable(
                    "missing_required_field",
                    "data.key",
                    "Every entry needs a key.",
                )
            }
        }
    }
    let mut world = call.app.write();
    if let Err(reply) = exists(&world, id) {
        return reply;
    }
    world
        .lookup_data
        .entry(id.to_string())
        .or_default()
        .extend(pairs);
    resize(&mut world, id);
    Reply::empty(200)
}

/// `DELETE /lookupcaches/{id}/data`: `{"keys": [...]}`.
pub(crate) fn delete_keys(call: &Call<'_>, id: &str) -> Reply {
    let keys = call.body_strings("keys");
    if keys.is_empty() || keys.len() > PAGE {
        return Reply::unprocessable("invalid_field", "keys", "Give between 1 and 1000 keys.");
    }
    let mut world = call.app.write();
    if let Err(reply) = exists(&world, id) {
        return reply;
    }
    if let Some(entries) = world.lookup_data.get_mut(id) {
        for key in &keys {
            entries.remove(key);
        }
    }
    resize(&mut world, id);
    Reply::empty(200)
}

/// `DELETE /lookupcaches/{id}/data/purge`: `204`.
pub(crate) fn purge(call: &Call<'_>, id: &str) -> Reply {
    let mut world = call.app.write();
    if let Err(reply) = exists(&world, id) {
        return reply;
    }
    world.lookup_data.remove(id);
    resize(&mut world, id);
    Reply::empty(204)
}

/// `DELETE /lookupcaches/{id}`: `200`; the entries go with it.
pub(crate) fn delete(call: &Call<'_>, id: &str) -> Reply {
    let reply = resources::delete_answering(call, CACHES, id, 200);
    call.app.write().lookup_data.remove(id);
    reply
}
