//! `POST /integrations/{id}/clone`: the integration with its flows, and the exports,
//! imports and connections they use, copied under new ids, every reference inside
//! the copies pointing at the copies.
//!
//! What belongs to an integration: the flows whose `_integrationId` is it; the exports
//! and imports those flows run (`_exportId`, `_importId`, `pageGenerators`,
//! `pageProcessors`, routers' branches) or whose `_integrationId` is it; the
//! connections those exports and imports use (`_connectionId`) or whose
//! `_integrationId` is it. The body's `connectionMap` (source connection id → an
//! existing connection's id) makes the copies use that connection instead of a copy;
//! a map to a connection that does not exist is `400 invalid_connectionMap`, and
//! nothing is created. The answer is the new integration (`201`).

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::dispatch::Call;
use super::jobs::flow_steps;
use super::reply::Reply;
use super::resources::{copy_of, strip_server_fields};
use super::store::World;

/// The fields that hold the id of another resource, wherever they appear.
const REFERENCE_FIELDS: &[&str] = &["_integrationId", "_connectionId", "_exportId", "_importId"];

/// The ids of what one integration holds, in the order they are copied (each kind
/// refers only to kinds copied before it).
#[derive(Default)]
struct Members {
    /// Connection ids.
    connections: Vec<String>,
    /// Export ids.
    exports: Vec<String>,
    /// Import ids.
    imports: Vec<String>,
    /// Flow ids.
    flows: Vec<String>,
}

/// Adds `id` to `list` once.
fn push_once(list: &mut Vec<String>, id: &str) {
    if !id.is_empty() && !list.iter().any(|known| known == id) {
        list.push(id.to_string());
    }
}

/// The ids of a collection's documents whose `_integrationId` is `integration`.
fn owned_by(world: &World, collection: &str, integration: &str) -> Vec<String> {
    world
        .collection(collection)
        .into_iter()
        .flat_map(|docs| docs.iter())
        .filter(|(_, doc)| doc.get("_integrationId").and_then(Value::as_str) == Some(integration))
        .map(|(id, _)| id.clone())
        .collect()
}

/// What the integration `id` holds.
fn members(world: &World, id: &str) -> Members {
    let mut members = Members {
        flows: owned_by(world, "flows", id),
        exports: owned_by(world, "exports", id),
        imports: owned_by(world, "imports", id),
        ..Members::default()
    };
    for flow in &members.flows {
        let Some(flow) = world.get("flows", flow) else {
            continue;
        };
        for step in flow_steps(flow) {
            if world.get("exports", &step).is_some() {
                push_once(&mut members.exports, &step);
            } else if world.get("imports", &step).is_some() {
                push_once(&mut members.imports, &step);
            }
        }
    }
    for (collection, ids) in [("exports", &members.exports), ("imports", &members.imports)] {
        for step in ids {
            let connection = world
                .get(collection, step)
                .and_then(|doc| doc.get("_connectionId"))
                .and_then(Value::as_str);
            if let Some(connection) = connection {
                if world.get("connections", connection).is_some() {
                    push_once(&mut members.connections, connection);
                }
            }
        }
    }
    for connection in owned_by(world, "connections", id) {
        push_once(&mut members.connections, &connection);
    }
    members
}

/// Replaces every reference (see [`REFERENCE_FIELDS`]) to a copied resource, at any
/// depth, with its copy's id.
fn rewrite_references(value: &mut Value, copies: &HashMap<String, String>) {
    match value {
        Value::Object(map) => {
            for (field, inner) in map.iter_mut() {
                let copied = REFERENCE_FIELDS
                    .contains(&field.as_str())
                    .then(|| inner.as_str().and_then(|old| copies.get(old)))
                    .flatten();
                match copied {
                    Some(new) => *inner = Value::String(new.clone()),
                    None => rewrite_references(inner, copies),
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                rewrite_references(item, copies);
            }
        }
        _ => {}
    }
}

/// The body's `connectionMap` (the spec makes it an object of strings).
fn connection_map(body: &Map<String, Value>) -> Vec<(String, String)> {
    body.get("connectionMap")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(from, to)| to.as_str().map(|to| (from.clone(), to.to_string())))
        .collect()
}

/// Stores a copy of one document with its references rewritten; records the copy's
/// id in `copies` and its audit entry. Answers the stored copy.
fn copy_one(
    call: &Call<'_>,
    world: &mut World,
    collection: &str,
    source: Map<String, Value>,
    source_id: &str,
    copies: &mut HashMap<String, String>,
) -> Option<Value> {
    let mut copy = Value::Object(source);
    rewrite_references(&mut copy, copies);
    let Value::Object(copy) = copy else {
        return None;
    };
    let doc = world.create_audited(&call.app.ids, call.user(), collection, copy)?;
    let new_id = doc.get("_id").and_then(Value::as_str)?.to_string();
    copies.insert(source_id.to_string(), new_id);
    Some(doc)
}

/// `POST /integrations/{id}/clone`.
pub(crate) fn clone(call: &Call<'_>, id: &str) -> Reply {
    let body = match call.body_object() {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    let mut world = call.app.write();
    let Some(Value::Object(source)) = world.get("integrations", id).cloned() else {
        return Reply::not_found("Integration", id);
    };
    let map = connection_map(&body);
    if let Some((from, to)) = map
        .iter()
        .find(|(_, to)| world.get("connections", to).is_none())
    {
        return Reply::field_error(
            400,
            "invalid_connectionMap",
            &format!("connectionMap.{from}"),
            format!(
                "connectionMap maps {from} to {to}, which is not a connection of this account."
            ),
        );
    }
    let members = members(&world, id);
    // Only the integration's own connections are mapped; other keys are ignored.
    let mut copies: HashMap<String, String> = map
        .into_iter()
        .filter(|(from, _)| members.connections.contains(from))
        .collect();

    let integration = copy_of(source, &body);
    let Some(answer) = copy_one(
        call,
        &mut world,
        "integrations",
        integration,
        id,
        &mut copies,
    ) else {
        return Reply::error(500, "internal_error", "The copy could not be stored.");
    };
    for (collection, ids) in [
        ("connections", &members.connections),
        ("exports", &members.exports),
        ("imports", &members.imports),
        ("flows", &members.flows),
    ] {
        for member in ids {
            if copies.contains_key(member) {
                // A mapped connection: the copies use the target instead.
                continue;
            }
            let Some(Value::Object(mut doc)) = world.get(collection, member).cloned() else {
                continue;
            };
            strip_server_fields(&mut doc);
            // Each copy was made when the source's id is in `copies`; a failure to
            // store one would leave references to the source, which is what they held.
            let _ = copy_one(call, &mut world, collection, doc, member, &mut copies);
        }
    }
    Reply::json(201, &answer)
}
