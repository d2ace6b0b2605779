//! State keys, global (`/state/{key}`) and per resource (`/{resourceType}/{id}/state/{key}`).
//! A PUT answers plain text: `Created` for a new key, `OK` otherwise.

use indexmap::IndexMap;
use serde_json::{json, Value};

use super::dispatch::Call;
use super::reply::Reply;
use super::store::World;

/// The key map a request is about: global, or a resource's (which must exist).
fn keys_of<'w>(
    world: &'w mut World,
    call: &Call<'_>,
    resource_type: Option<&str>,
) -> Result<&'w mut IndexMap<String, Value>, Reply> {
    match resource_type {
        None => Ok(&mut world.state),
        Some(collection) => {
            let id = call.param("id");
            if world.get(collection, id).is_none() {
                return Err(Reply::not_found(collection.trim_end_matches('s'), id));
            }
            Ok(world
                .resource_state
                .entry((collection.to_string(), id.to_string()))
                .or_default())
        }
    }
}

/// `GET …/state`: `{"keys": [...]}`.
pub(crate) fn list(call: &Call<'_>, resource_type: Option<&str>) -> Reply {
    let mut world = call.app.write();
    match keys_of(&mut world, call, resource_type) {
        Ok(keys) => Reply::json(200, &json!({"keys": keys.keys().collect::<Vec<_>>()})),
        Err(reply) => reply,
    }
}

/// `DELETE …/state`: every key (`204` globally, `200` under a resource, as documented).
pub(crate) fn delete_all(call: &Call<'_>, resource_type: Option<&str>) -> Reply {
    let mut world = call.app.write();
    match keys_of(&mut world, call, resource_type) {
        Ok(keys) => {
            keys.clear();
            Reply::empty(if resource_type.is_some() { 200 } else { 204 })
        }
        Err(reply) => reply,
    }
}

/// `GET …/state/{key}`: the value as stored.
pub(crate) fn get(call: &Call<'_>, resource_type: Option<&str>) -> Reply {
    let key = call.param("key");
    let mut world = call.app.write();
    match keys_of(&mut world, call, resource_type) {
        Ok(keys) => match keys.get(key) {
            Some(value) => Reply::json(200, value),
            None => Reply::not_found("State key", key),
        },
        Err(reply) => reply,
    }
}

/// `PUT …/state/{key}`: stores the body; `Created` or `OK` as plain text.
pub(crate) fn set(call: &Call<'_>, resource_type: Option<&str>) -> Reply {
    let key = call.param("key").to_string();
    let value = call.body.clone().unwrap_or(Value::Null);
    let mut world = call.app.write();
    match keys_of(&mut world, call, resource_type) {
        Ok(keys) => match keys.insert(key, value) {
            None => Reply::text(200, "Created"),
            Some(_) => Reply::text(200, "OK"),
        },
        Err(reply) => reply,
    }
}

/// `DELETE …/state/{key}` (`204` globally, `200` under a resource, as documented).
pub(crate) fn delete(call: &Call<'_>, resource_type: Option<&str>) -> Reply {
    let key = call.param("key");
    let mut world = call.app.write();
    match keys_of(&mut world, call, resource_type) {
        Ok(keys) => match keys.shift_remove(key) {
            Some(_) => Reply::empty(if resource_type.is_some() { 200 } else { 204 }),
            None => Reply::not_found("State key", key),
        },
        Err(reply) => reply,
    }
}
