//! [`Remote`]: one account's resources as JSON objects, through the typed client.
//!
//! Every request goes through the client's rate limiter and retry policy. Documents
//! are converted to and from the generated types by their JSON text, so nothing is
//! lost either way: unknown fields are kept in `Extra`, numbers keep their exact text.

use integrator_io::{paging, types, Client};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::SyncError;
use crate::kind::Kind;

/// A JSON object: one resource as the API answers it.
pub type Doc = Map<String, Value>;

/// One account, as the client reaches it.
#[derive(Clone, Debug)]
pub struct Remote {
    client: Client,
}

/// Expands `$op!(list, get, create, update, delete, Type)` for `kind`.
macro_rules! by_kind {
    ($kind:expr, $op:ident) => {
        match $kind {
            Kind::Connection => $op!(
                list_connections,
                get_connection,
                create_connection,
                update_connection,
                delete_connection,
                Connection
            ),
            Kind::Script => $op!(
                list_scripts,
                get_script,
                create_script,
                update_script,
                delete_script,
                Script
            ),
            Kind::LookupCache => $op!(
                list_lookup_caches,
                get_lookup_cache,
                create_lookup_cache,
                update_lookup_cache,
                delete_lookup_cache,
                LookupCache
            ),
            Kind::FileDefinition => $op!(
                list_file_definitions,
                get_file_definition,
                create_file_definition,
                update_file_definition,
                delete_file_definition,
                FileDefinition
            ),
            Kind::Export => $op!(
                list_exports,
                get_export,
                create_export,
                update_export,
                delete_export,
                Export
            ),
            Kind::Import => $op!(
                list_imports,
                get_import,
                create_import,
                update_import,
                delete_import,
                Import
            ),
            Kind::Flow => $op!(
                list_flows,
                get_flow,
                create_flow,
                update_flow,
                delete_flow,
                Flow
            ),
            Kind::Integration => $op!(
                list_integrations,
                get_integration,
                create_integration,
                update_integration,
                delete_integration,
                Integration
            ),
        }
    };
}

impl Remote {
    /// The account `client` acts in.
    pub fn new(client: Client) -> Remote {
        Remote { client }
    }

    /// The client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Where the account is, for manifests and journals: the base URL and the account
    /// share, if any.
    pub fn location(&self) -> (String, Option<String>) {
        (
            self.client.base_url().to_string(),
            self.client.ashare_id().map(str::to_string),
        )
    }

    /// Every resource of `kind` in the account, following the pages.
    pub async fn list(&self, kind: Kind) -> Result<Vec<Doc>, SyncError> {
        let context = || format!("list {kind}");
        macro_rules! list {
            ($l:ident, $g:ident, $c:ident, $u:ident, $d:ident, $t:ident) => {{
                let items: Vec<types::$t> = paging::collect_all(self.client.$l())
                    .await
                    .map_err(|e| SyncError::api(context(), e))?;
                items.iter().map(|item| to_doc(item, &context)).collect()
            }};
        }
        by_kind!(kind, list)
    }

    /// One resource; `None` when the account has no such resource (`404`).
    pub async fn get(&self, kind: Kind, id: &str) -> Result<Option<Doc>, SyncError> {
        let context = || format!("get {} {id}", kind.singular());
        macro_rules! get {
            ($l:ident, $g:ident, $c:ident, $u:ident, $d:ident, $t:ident) => {
                match self.client.$g().id(id).send().await {
                    Ok(answer) => to_doc(&answer.into_inner(), &context).map(Some),
                    Err(e) if e.is_not_found() => Ok(None),
                    Err(e) => Err(SyncError::api(context(), e)),
                }
            };
        }
        by_kind!(kind, get)
    }

    /// Creates a resource from `doc`; answers the stored document.
    pub async fn create(&self, kind: Kind, doc: &Doc) -> Result<Doc, SyncError> {
        let context = || format!("create {} {:?}", kind.singular(), name_of(doc));
        macro_rules! create {
            ($l:ident, $g:ident, $c:ident, $u:ident, $d:ident, $t:ident) => {{
                let body: types::$t = from_doc(doc, &context)?;
                let answer = self
                    .client
                    .$c()
                    .body(body)
                    .send()
                    .await
                    .map_err(|e| SyncError::api(context(), e))?;
                to_doc(&answer.into_inner(), &context)
            }};
        }
        by_kind!(kind, create)
    }

    /// Replaces resource `id` with `doc` (`PUT`); answers the stored document.
    pub async fn update(&self, kind: Kind, id: &str, doc: &Doc) -> Result<Doc, SyncError> {
        let context = || format!("update {} {id}", kind.singular());
        macro_rules! update {
            ($l:ident, $g:ident, $c:ident, $u:ident, $d:ident, $t:ident) => {{
                let body: types::$t = from_doc(doc, &context)?;
                let answer = self
                    .client
                    .$u()
                    .id(id)
                    .body(body)
                    .send()
                    .await
                    .map_err(|e| SyncError::api(context(), e))?;
                to_doc(&answer.into_inner(), &context)
            }};
        }
        by_kind!(kind, update)
    }

    /// Deletes resource `id`; one already gone counts as deleted.
    pub async fn delete(&self, kind: Kind, id: &str) -> Result<(), SyncError> {
        let context = || format!("delete {} {id}", kind.singular());
        macro_rules! delete {
            ($l:ident, $g:ident, $c:ident, $u:ident, $d:ident, $t:ident) => {
                match self.client.$d().id(id).send().await {
                    Ok(_) => Ok(()),
                    Err(e) if e.is_not_found() => Ok(()),
                    Err(e) => Err(SyncError::api(context(), e)),
                }
            };
        }
        by_kind!(kind, delete)
    }

    /// The top-level fields of `doc` that the spec does not model for `kind` (what the
    /// typed client keeps in `Extra`).
    pub fn unknown_fields(kind: Kind, doc: &Doc) -> Vec<String> {
        let context = String::new;
        macro_rules! unknown {
            ($l:ident, $g:ident, $c:ident, $u:ident, $d:ident, $t:ident) => {
                from_doc::<types::$t>(doc, &context)
                    .map(|typed| typed.extra.as_map().keys().cloned().collect())
                    .unwrap_or_default()
            };
        }
        by_kind!(kind, unknown)
    }
}

/// The `name` of a document, if it has one.
pub fn name_of(doc: &Doc) -> Option<&str> {
    doc.get("name").and_then(Value::as_str)
}

/// The `_id` of a document, if it has one.
pub fn id_of(doc: &Doc) -> Option<&str> {
    doc.get("_id").and_then(Value::as_str)
}

/// A typed value as a JSON object, by its text (exact numbers, unknown fields kept).
fn to_doc<T: Serialize>(value: &T, context: &dyn Fn() -> String) -> Result<Doc, SyncError> {
    let text = serde_json::to_string(value)
        .map_err(|e| SyncError::Answer(format!("{}: cannot encode: {e}", context())))?;
    match serde_json::from_str(&text) {
        Ok(Value::Object(doc)) => Ok(doc),
        Ok(_) => Err(SyncError::Answer(format!(
            "{}: the answer is not an object",
            context()
        ))),
        Err(e) => Err(SyncError::Answer(format!("{}: {e}", context()))),
    }
}

/// A JSON object as a typed value, by its text.
fn from_doc<T: DeserializeOwned>(doc: &Doc, context: &dyn Fn() -> String) -> Result<T, SyncError> {
    let text = serde_json::to_string(doc)
        .map_err(|e| SyncError::Usage(format!("{}: cannot encode: {e}", context())))?;
    serde_json::from_str(&text).map_err(|e| {
        SyncError::Usage(format!(
            "{}: the document does not fit the API's schema: {e}",
            context()
        ))
    })
}
