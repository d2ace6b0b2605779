//! The account's data: one ordered collection per resource type (documents kept as
//! the JSON the client sent, with only the server's fields merged in), jobs, errors,
//! state keys, audit entries.

use std::collections::{BTreeMap, HashMap};

use indexmap::IndexMap;
use serde_json::{json, Map, Value};

use super::ids::{self, Ids};
use super::secrets;

/// Documents by id, in creation order (so a page is a slice: no copying, no re-sorting).
pub(crate) type Collection = IndexMap<String, Value>;

/// The resource collections the sandbox keeps, by their name in the path, with the
/// singular used in audit entries.
pub(crate) const COLLECTIONS: &[(&str, &str)] = &[
    ("connections", "connection"),
    ("exports", "export"),
    ("imports", "import"),
    ("flows", "flow"),
    ("integrations", "integration"),
    ("filedefinitions", "filedefinition"),
    ("iclients", "iclient"),
    ("connectors", "connector"),
    ("templates", "template"),
    ("licenses", "license"),
    ("ashares", "user"),
    ("scripts", "script"),
    ("lookupcaches", "lookupcache"),
    ("tags", "tag"),
    ("accesstokens", "accesstoken"),
    ("environments", "environment"),
    ("stacks", "stack"),
    ("apis", "api"),
    ("tools", "tool"),
    ("mcpservers", "mcpserver"),
    ("asynchelpers", "asynchelper"),
    ("httpconnectors", "httpconnector"),
    ("ediprofiles", "ediprofile"),
    ("ssoclients", "ssoclient"),
    ("syncs", "sync"),
    ("syncjobs", "syncjob"),
    ("revisions", "revision"),
];

/// The singular of a collection name (`exports` → `export`), for audit entries.
pub(crate) fn singular(collection: &str) -> String {
    COLLECTIONS
        .iter()
        .find(|(plural, _)| *plural == collection)
        .map(|(_, one)| one.to_string())
        .unwrap_or_else(|| collection.trim_end_matches('s').to_string())
}

/// The field holding a document's creation time (`created` for licenses).
fn created_field(collection: &str) -> &'static str {
    if collection == "licenses" {
        "created"
    } else {
        "createdAt"
    }
}

/// Which EM 2.0 errors a flow step has.
pub(crate) type StepKey = (String, String);

/// Everything the account holds.
#[derive(Debug, Default)]
pub(crate) struct World {
    /// Resource documents, by collection name.
    pub(crate) collections: HashMap<&'static str, Collection>,
    /// Jobs, oldest first.
    pub(crate) jobs: Collection,
    /// Errors of each job (`/jobs/{id}/joberrors`).
    pub(crate) job_errors: HashMap<String, Vec<Value>>,
    /// Open EM 2.0 errors per flow step, by error id, oldest first.
    pub(crate) flow_errors: HashMap<StepKey, IndexMap<String, Value>>,
    /// Resolved EM 2.0 errors per flow step.
    pub(crate) resolved_errors: HashMap<StepKey, Vec<Value>>,
    /// Retry data by retry data key.
    pub(crate) retry_data: HashMap<String, Value>,
    /// Global state keys.
    pub(crate) state: IndexMap<String, Value>,
    /// State keys under a resource, by (collection, id).
    pub(crate) resource_state: HashMap<(String, String), IndexMap<String, Value>>,
    /// Audit entries by resource id (an integration's list also holds its resources'),
    /// oldest first.
    pub(crate) audit: HashMap<String, Vec<Value>>,
    /// Exports' distributed configuration.
    pub(crate) distributed: HashMap<String, Value>,
    /// How many EM 2.0 errors have been made (which kind the next one is).
    pub(crate) errors_made: u64,
    /// The entries of each lookup cache, by key (in key order, as `getData` pages them).
    pub(crate) lookup_data: HashMap<String, BTreeMap<String, Value>>,
    /// Deleted resources kept for restore: by id, the collection and the document,
    /// oldest deletion first.
    pub(crate) recycle_bin: IndexMap<String, (String, Value)>,
}

impl World {
    /// The collection named in the path, if the sandbox keeps it.
    pub(crate) fn collection(&self, name: &str) -> Option<&Collection> {
        self.collections.get(name)
    }

    /// The collection, created empty on first use; `None` for a name the sandbox does
    /// not keep.
    pub(crate) fn collection_mut(&mut self, name: &str) -> Option<&mut Collection> {
        let (key, _) = COLLECTIONS.iter().find(|(plural, _)| *plural == name)?;
        Some(self.collections.entry(key).or_default())
    }

    /// One document.
    pub(crate) fn get(&self, collection: &str, id: &str) -> Option<&Value> {
        self.collection(collection)?.get(id)
    }

    /// Stores a new document: `body` as sent, with a new `_id`, the creation time and
    /// `lastModified` set. Answers the stored document.
    pub(crate) fn create(
        &mut self,
        ids: &Ids,
        collection: &str,
        body: Map<String, Value>,
    ) -> Option<Value> {
        let id = ids.object_id();
        let now = ids::now();
        let mut doc = body;
        doc.insert("_id".into(), json!(id));
        doc.insert(created_field(collection).into(), json!(now));
        doc.insert("lastModified".into(), json!(now));
        let doc = Value::Object(doc);
        self.collection_mut(collection)?
            .insert(id.clone(), doc.clone());
        Some(doc)
    }

    /// [`World::create`], recorded in the audit log as created by `user_id`.
    pub(crate) fn create_audited(
        &mut self,
        ids: &Ids,
        user_id: &str,
        collection: &str,
        body: Map<String, Value>,
    ) -> Option<Value> {
        let doc = self.create(ids, collection, body)?;
        let id = doc["_id"].as_str().unwrap_or_default().to_string();
        self.audit(ids, user_id, collection, &id, Change::Created(&doc));
        Some(doc)
    }

    /// Replaces a document with `body` as sent, keeping its `_id` and creation time and
    /// setting `lastModified`. Answers the old and the new document.
    pub(crate) fn replace(
        &mut self,
        collection: &str,
        id: &str,
        body: Map<String, Value>,
    ) -> Option<(Value, Value)> {
        let stored = self.collection_mut(collection)?.get_mut(id)?;
        let created = created_field(collection);
        let mut doc = body;
        doc.insert("_id".into(), json!(id));
        match stored.get(created) {
            Some(at) => doc.insert(created.into(), at.clone()),
            None => doc.remove(created),
        };
        doc.insert("lastModified".into(), json!(ids::now()));
        let old = std::mem::replace(stored, Value::Object(doc));
        Some((old, stored.clone()))
    }

    /// [`World::replace`], recorded in the audit log as changed by `user_id`.
    pub(crate) fn replace_audited(
        &mut self,
        ids: &Ids,
        user_id: &str,
        collection: &str,
        id: &str,
        body: Map<String, Value>,
    ) -> Option<Value> {
        let (old, new) = self.replace(collection, id, body)?;
        self.audit(ids, user_id, collection, id, Change::Updated(&old, &new));
        Some(new)
    }

    /// Removes a document; answers it.
    pub(crate) fn remove(&mut self, collection: &str, id: &str) -> Option<Value> {
        self.collection_mut(collection)?.shift_remove(id)
    }

    /// Records an audit entry for a change of one resource.
    pub(crate) fn audit(
        &mut self,
        ids: &Ids,
        user_id: &str,
        collection: &str,
        id: &str,
        change: Change<'_>,
    ) {
        let (event, before, after) = match change {
            Change::Created(doc) => ("create", None, Some(doc)),
            Change::Updated(old, new) => ("update", Some(old), Some(new)),
            Change::Deleted(doc) => ("delete", Some(doc), None),
        };
        // Audit entries are answers too: their values show secrets masked.
        let before = before.map(|doc| secrets::masked(collection, doc));
        let after = after.map(|doc| secrets::masked(collection, doc));
        let (before, after) = (before.as_deref(), after.as_deref());
        let entry = json!({
            "_id": ids.object_id(),
            "resourceType": singular(collection),
            "_resourceId": id,
            "source": "api",
            "event": event,
            "time": ids::now(),
            "_byUserId": user_id,
            "fieldChanges": field_changes(before, after),
        });
        let integration = after
            .or(before)
            .and_then(|doc| doc.get("_integrationId"))
            .and_then(Value::as_str)
            .filter(|i| *i != id)
            .map(str::to_string);
        if let Some(integration) = integration {
            self.audit
                .entry(integration)
                .or_default()
                .push(entry.clone());
        }
        self.audit.entry(id.to_string()).or_default().push(entry);
    }
}

/// What happened to a resource, for its audit entry.
pub(crate) enum Change<'a> {
    /// Created with this document.
    Created(&'a Value),
    /// Replaced: the old and the new document.
    Updated(&'a Value, &'a Value),
    /// Deleted; the last document.
    Deleted(&'a Value),
}

/// The top-level fields that differ (`lastModified` aside).
fn field_changes(before: Option<&Value>, after: Option<&Value>) -> Vec<Value> {
    let empty = Map::new();
    let old = before.and_then(Value::as_object).unwrap_or(&empty);
    let new = after.and_then(Value::as_object).unwrap_or(&empty);
    let mut changes = Vec::new();
    for (field, value) in new {
        if field == "lastModified" || old.get(field) == Some(value) {
            continue;
        }
        let mut change = Map::new();
        change.insert("fieldPath".into(), json!(field));
        if let Some(previous) = old.get(field) {
            change.insert("oldValue".into(), previous.clone());
        }
        change.insert("newValue".into(), value.clone());
        changes.push(Value::Object(change));
    }
    for (field, value) in old {
        if field != "lastModified" && !new.contains_key(field) {
            changes.push(json!({"fieldPath": field, "oldValue": value}));
        }
    }
    changes
}
