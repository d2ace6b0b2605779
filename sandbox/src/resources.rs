//! Resource collections: list, create, get, replace, delete, clone, audit, and the
//! licenses nested under a connector. Documents are kept exactly as sent.

use serde_json::{json, Map, Value};

use super::dispatch::Call;
use super::paging::{self, Page};
use super::projection::Projection;
use super::reply::Reply;
use super::secrets;
use super::store::{singular, Change};

/// `Export`, `Flow`, ... for messages.
fn what(collection: &str) -> String {
    let one = singular(collection);
    let mut chars = one.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => one,
    }
}

/// A stored document as answered: its secrets masked.
fn answer_doc(status: u16, collection: &str, doc: &Value) -> Reply {
    Reply::json(status, &secrets::masked(collection, doc))
}

/// `GET /{collection}`: one page, oldest first.
pub(crate) fn list(call: &Call<'_>, collection: &str) -> Reply {
    list_where(call, collection, |_| true)
}

/// One page of the documents of `collection` that `keep` accepts, projected by
/// `include`/`exclude`.
pub(crate) fn list_where(
    call: &Call<'_>,
    collection: &str,
    keep: impl Fn(&Value) -> bool,
) -> Reply {
    let projection = match Projection::of(call, collection) {
        Ok(projection) => projection,
        Err(reply) => return reply,
    };
    let world = call.app.read();
    let page = Page::of(call);
    let Some(items) = world.collection(collection) else {
        return paging::answer(call, page, 0, std::iter::empty());
    };
    let kept: Vec<&Value> = items.values().filter(|doc| keep(doc)).collect();
    let range = page.range(kept.len());
    let window: Vec<Value> = kept[range]
        .iter()
        .map(|doc| projection.apply(&secrets::masked(collection, doc)))
        .collect();
    paging::answer(call, page, kept.len(), window.iter())
}

/// `POST /{collection}`: `201` with the stored document.
pub(crate) fn create(call: &Call<'_>, collection: &str) -> Reply {
    let body = match call.body_object() {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    let mut world = call.app.write();
    let Some(doc) = world.create_audited(&call.app.ids, call.user(), collection, body) else {
        return Reply::error(404, "not_found", format!("No collection {collection:?}."));
    };
    answer_doc(201, collection, &doc)
}

/// `GET /{collection}/{id}`.
pub(crate) fn get(call: &Call<'_>, collection: &str, id: &str) -> Reply {
    match call.app.read().get(collection, id) {
        Some(doc) => answer_doc(200, collection, doc),
        None => Reply::not_found(&what(collection), id),
    }
}

/// `PUT /{collection}/{id}`: replaces the document with the body.
pub(crate) fn update(call: &Call<'_>, collection: &str, id: &str) -> Reply {
    let body = match call.body_object() {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    let mut world = call.app.write();
    let Some((old, new)) = world.replace(collection, id, body) else {
        return Reply::not_found(&what(collection), id);
    };
    world.audit(
        &call.app.ids,
        call.user(),
        collection,
        id,
        Change::Updated(&old, &new),
    );
    answer_doc(200, collection, &new)
}

/// `DELETE /{collection}/{id}`: `204`.
pub(crate) fn delete(call: &Call<'_>, collection: &str, id: &str) -> Reply {
    delete_answering(call, collection, id, 204)
}

/// A delete answering `status` with no body: the document goes to the recycle bin
/// (restorable for 30 days, like the API's soft delete).
pub(crate) fn delete_answering(call: &Call<'_>, collection: &str, id: &str, status: u16) -> Reply {
    let mut world = call.app.write();
    let Some(old) = world.remove(collection, id) else {
        return Reply::not_found(&what(collection), id);
    };
    if collection == "connectors" {
        if let Some(licenses) = world.collection_mut("licenses") {
            licenses.retain(|_, l| l.get("_connectorId").and_then(Value::as_str) != Some(id));
        }
    }
    world
        .resource_state
        .remove(&(collection.to_string(), id.to_string()));
    world.audit(
        &call.app.ids,
        call.user(),
        collection,
        id,
        Change::Deleted(&old),
    );
    world
        .recycle_bin
        .insert(id.to_string(), (collection.to_string(), old));
    Reply::empty(status)
}

/// The document a clone stores: `source` without its server fields, with `name` and
/// `sandbox` from the clone's body when given, else named `Clone - <name>`.
pub(crate) fn copy_of(
    mut source: Map<String, Value>,
    overrides: &Map<String, Value>,
) -> Map<String, Value> {
    strip_server_fields(&mut source);
    for field in ["name", "sandbox"] {
        if let Some(value) = overrides.get(field) {
            source.insert(field.into(), value.clone());
        }
    }
    if !overrides.contains_key("name") {
        if let Some(name) = source.get("name").and_then(Value::as_str) {
            let name = format!("Clone - {name}");
            source.insert("name".into(), json!(name));
        }
    }
    source
}

/// Removes the fields the server sets on a new document (`_id`, creation time,
/// `lastModified`).
pub(crate) fn strip_server_fields(doc: &mut Map<String, Value>) {
    for server_field in ["_id", "createdAt", "lastModified"] {
        doc.remove(server_field);
    }
}

/// `POST /{collection}/{id}/clone` (exports, imports, flows; integrations have their
/// own, which copies what they hold): `201` with the copy, see [`copy_of`].
pub(crate) fn clone(call: &Call<'_>, collection: &str, id: &str) -> Reply {
    let overrides = match call.body_object() {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    let mut world = call.app.write();
    let Some(Value::Object(source)) = world.get(collection, id).cloned() else {
        return Reply::not_found(&what(collection), id);
    };
    let copy = copy_of(source, &overrides);
    let Some(doc) = world.create_audited(&call.app.ids, call.user(), collection, copy) else {
        return Reply::not_found(&what(collection), id);
    };
    answer_doc(201, collection, &doc)
}

/// `GET /{collection}/{id}/audit`: `{"audit": [...]}`, newest first. Scripts, APIs and
/// access tokens are not kept by the sandbox: their audit is empty.
pub(crate) fn audit(call: &Call<'_>, collection: &str, id: &str) -> Reply {
    let world = call.app.read();
    let kept = world.collection(collection).is_some() || collection_is_kept(collection);
    if kept && world.get(collection, id).is_none() && !world.audit.contains_key(id) {
        return Reply::not_found(&what(collection), id);
    }
    let entries: Vec<&Value> = world
        .audit
        .get(id)
        .map(|list| list.iter().rev().collect())
        .unwrap_or_default();
    Reply::json(200, &json!({ "audit": entries }))
}

fn collection_is_kept(collection: &str) -> bool {
    super::store::COLLECTIONS
        .iter()
        .any(|(plural, _)| *plural == collection)
}

/// The licenses of a connector, or `404` when the connector does not exist.
fn connector_exists(call: &Call<'_>, connector: &str) -> Result<(), Reply> {
    if call.app.read().get("connectors", connector).is_some() {
        Ok(())
    } else {
        Err(Reply::not_found("Connector", connector))
    }
}

fn license_of<'w>(
    world: &'w super::store::World,
    connector: &str,
    license: &str,
) -> Option<&'w Value> {
    world
        .get("licenses", license)
        .filter(|l| l.get("_connectorId").and_then(Value::as_str) == Some(connector))
}

/// `GET /connectors/{id}/licenses`.
pub(crate) fn list_licenses(call: &Call<'_>, connector: &str) -> Reply {
    if let Err(reply) = connector_exists(call, connector) {
        return reply;
    }
    let world = call.app.read();
    let page = Page::of(call);
    let mine: Vec<&Value> = world
        .collection("licenses")
        .into_iter()
        .flat_map(|c| c.values())
        .filter(|l| l.get("_connectorId").and_then(Value::as_str) == Some(connector))
        .collect();
    let range = page.range(mine.len());
    paging::answer(call, page, mine.len(), mine[range].iter().copied())
}

/// `POST /connectors/{id}/licenses`: the `email` must be a known user (an address
/// starting `does_not_exist` is not), else `422 invalid_user`.
pub(crate) fn create_license(call: &Call<'_>, connector: &str) -> Reply {
    if let Err(reply) = connector_exists(call, connector) {
        return reply;
    }
    let mut body = match call.body_object() {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    let email = body
        .get("email")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if email.is_empty() || email.starts_with("does_not_exist") || !email.contains('@') {
        return Reply::unprocessable(
            "invalid_user",
            "email",
            format!("No integrator.io user has the email {email:?}."),
        );
    }
    body.insert("_connectorId".into(), json!(connector));
    if !body.contains_key("user") {
        let user_id = call.app.ids.object_id();
        body.insert("user".into(), json!({"_id": user_id, "email": email}));
    }
    let mut world = call.app.write();
    match world.create(&call.app.ids, "licenses", body) {
        Some(doc) => Reply::json(201, &doc),
        None => Reply::not_found("Connector", connector),
    }
}

/// `GET /connectors/{id}/licenses/{licenseId}`.
pub(crate) fn get_license(call: &Call<'_>, connector: &str, license: &str) -> Reply {
    if let Err(reply) = connector_exists(call, connector) {
        return reply;
    }
    match license_of(&call.app.read(), connector, license) {
        Some(doc) => Reply::json(200, doc),
        None => Reply::not_found("License", license),
    }
}

/// `PUT /connectors/{id}/licenses/{licenseId}`.
pub(crate) fn update_license(call: &Call<'_>, connector: &str, license: &str) -> Reply {
    if let Err(reply) = connector_exists(call, connector) {
        return reply;
    }
    let mut body = match call.body_object() {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    let mut world = call.app.write();
    if license_of(&world, connector, license).is_none() {
        return Reply::not_found("License", license);
    }
    body.insert("_connectorId".into(), json!(connector));
    match world.replace("licenses", license, body) {
        Some((_, new)) => Reply::json(200, &new),
        None => Reply::not_found("License", license),
    }
}

/// `DELETE /connectors/{id}/licenses/{licenseId}`.
pub(crate) fn delete_license(call: &Call<'_>, connector: &str, license: &str) -> Reply {
    if let Err(reply) = connector_exists(call, connector) {
        return reply;
    }
    let mut world = call.app.write();
    if license_of(&world, connector, license).is_none() {
        return Reply::not_found("License", license);
    }
    world.remove("licenses", license);
    Reply::empty(204)
}
