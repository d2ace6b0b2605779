//! From an account's documents to a tree's resources and back: volatile fields kept
//! apart, account ids as references, secrets as a placeholder.
//!
//! - A reference is the string `"@ref:exports/shopify-orders"` (or `"@ref:integration"`)
//!   wherever the account's document held that resource's `_id`.
//! - A secret the API answers masked (`"******"`) is written as `"@secret"`: never a
//!   value, and `apply` never sends it (a new resource is created without it, an update
//!   keeps the target's own).

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::kind::{Key, Kind};
use crate::remote::Doc;

/// The prefix of a reference to another resource of the tree.
pub const REF_PREFIX: &str = "@ref:";

/// What a tree holds in place of a secret.
pub const SECRET: &str = "@secret";

/// What the API answers in place of a secret.
pub const MASK: &str = "******";

/// Top-level fields the server sets or the platform changes as it runs: kept apart in
/// `volatile/`, never compared, never sent.
pub const VOLATILE_FIELDS: &[&str] = &[
    "_id",
    "createdAt",
    "created",
    "lastModified",
    "lastExecutedAt",
    "resolvedAt",
    "free",
    "_templateId",
    "_sourceId",
    "_userId",
    "debugUntil",
    "size",
    "sizeInMB",
    "draftExpiresAt",
];

/// Splits an account's document into its configuration and its volatile fields.
pub fn split_volatile(mut doc: Doc) -> (Doc, Doc) {
    let mut volatile = Map::new();
    for field in VOLATILE_FIELDS {
        if let Some(value) = doc.remove(*field) {
            volatile.insert((*field).to_string(), value);
        }
    }
    (doc, volatile)
}

/// Rewrites, in place, every string equal to an id of `ids` into its reference and
/// every masked secret into [`SECRET`].
pub fn to_refs(value: &mut Value, ids: &HashMap<String, Key>) {
    match value {
        Value::String(s) => {
            if s == MASK {
                *s = SECRET.to_string();
            } else if let Some(key) = ids.get(s.as_str()) {
                *s = reference(key);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| to_refs(v, ids)),
        Value::Object(map) => map.values_mut().for_each(|v| to_refs(v, ids)),
        _ => {}
    }
}

/// The reference string to `key`.
pub fn reference(key: &Key) -> String {
    format!("{REF_PREFIX}{key}")
}

/// A reference found in a document: where, and to what (`Err` with the text when it
/// names no well-formed key).
pub type FoundRef = (String, Result<Key, String>);

/// Every reference in `value`, with its JSON pointer.
pub fn refs_in(value: &Value) -> Vec<FoundRef> {
    let mut out = Vec::new();
    walk_strings(value, &mut String::new(), &mut |pointer, s| {
        if let Some(target) = s.strip_prefix(REF_PREFIX) {
            out.push((
                pointer.to_string(),
                Key::parse(target).ok_or_else(|| target.to_string()),
            ));
        }
    });
    out
}

/// Fields that look like account ids (`_somethingId` holding 24 hex digits) but name
/// nothing in the tree: they will mean nothing in another account.
pub fn foreign_ids(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    walk_strings(value, &mut String::new(), &mut |pointer, s| {
        let field = pointer.rsplit('/').next().unwrap_or("");
        let field = if field.bytes().all(|b| b.is_ascii_digit()) {
            // an item of an `_...Ids` list
            pointer.rsplit('/').nth(1).unwrap_or("")
        } else {
            field
        };
        if field.starts_with('_')
            && (field.ends_with("Id") || field.ends_with("Ids"))
            && s.len() == 24
            && s.bytes().all(|b| b.is_ascii_hexdigit())
        {
            out.push(pointer.to_string());
        }
    });
    out
}

/// Resolves every reference in `value` through `resolve` (the target account's id of
/// a key); the pointers of references it cannot resolve are answered instead.
pub fn resolve_refs(
    value: &mut Value,
    resolve: &dyn Fn(&Key) -> Option<String>,
) -> Result<(), Vec<String>> {
    let mut missing = Vec::new();
    resolve_walk(value, &mut String::new(), resolve, &mut missing);
    if missing.is_empty() {
        Ok(())
    } else {
        Err(missing)
    }
}

fn resolve_walk(
    value: &mut Value,
    pointer: &mut String,
    resolve: &dyn Fn(&Key) -> Option<String>,
    missing: &mut Vec<String>,
) {
    match value {
        Value::String(s) => {
            if let Some(target) = s.strip_prefix(REF_PREFIX) {
                match Key::parse(target).and_then(|k| resolve(&k)) {
                    Some(id) => *s = id,
                    None => missing.push(pointer.clone()),
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&i.to_string());
                resolve_walk(item, pointer, resolve, missing);
                pointer.truncate(len);
            }
        }
        Value::Object(map) => {
            for (k, item) in map.iter_mut() {
                let len = pointer.len();
                push_token(pointer, k);
                resolve_walk(item, pointer, resolve, missing);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

/// Removes every [`SECRET`] placeholder from `value` (what a new resource is created
/// with): object fields holding it are dropped.
pub fn strip_secrets(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| v.as_str() != Some(SECRET));
            map.values_mut().for_each(strip_secrets);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_secrets),
        _ => {}
    }
}

/// Calls `f` with the JSON pointer and text of every string in `value`.
pub(crate) fn walk_strings(value: &Value, pointer: &mut String, f: &mut dyn FnMut(&str, &str)) {
    match value {
        Value::String(s) => f(pointer, s),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&i.to_string());
                walk_strings(item, pointer, f);
                pointer.truncate(len);
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                let len = pointer.len();
                push_token(pointer, k);
                walk_strings(item, pointer, f);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

/// Appends `/token` to a JSON pointer, escaped (RFC 6901).
pub fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    pointer.push_str(&token.replace('~', "~0").replace('/', "~1"));
}

/// Every id `value` holds that is a key of `ids`.
pub fn ids_in<'a>(
    value: &Value,
    ids: &'a HashMap<String, (Kind, usize)>,
) -> Vec<&'a (Kind, usize)> {
    let mut out = Vec::new();
    walk_strings(value, &mut String::new(), &mut |_, s| {
        if let Some(found) = ids.get(s) {
            out.push(found);
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn refs_round_trip() {
        let ids = HashMap::from([(
            "5f0c00000000000000000001".to_string(),
            Key::new(Kind::Connection, "shopify"),
        )]);
        let mut doc = json!({"_connectionId": "5f0c00000000000000000001", "rest": {"bearerToken": "******"},
            "hooks": {"_scriptId": "5f0c00000000000000000009"}, "list": ["5f0c00000000000000000001"]});
        to_refs(&mut doc, &ids);
        assert_eq!(doc["_connectionId"], "@ref:connections/shopify");
        assert_eq!(doc["rest"]["bearerToken"], SECRET);
        assert_eq!(foreign_ids(&doc), ["/hooks/_scriptId"]);
        let found = refs_in(&doc);
        assert_eq!(found.len(), 2);
        let mut created = doc.clone();
        resolve_refs(&mut created, &|k| {
            (k.alias == "shopify").then(|| "T1".into())
        })
        .unwrap();
        assert_eq!(created["list"][0], "T1");
        strip_secrets(&mut created);
        assert_eq!(created["rest"], json!({}));
        let missing = resolve_refs(&mut doc, &|_| None).unwrap_err();
        assert_eq!(missing, ["/_connectionId", "/list/0"]);
    }
}
