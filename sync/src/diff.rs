//! [`diff_trees`]: what differs between two trees, resource by resource and field by
//! field (JSON pointers), ignoring volatile fields, ids (already references) and
//! secrets (never comparable: an account answers them masked).

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::Value;

use crate::ignore::Ignore;
use crate::kind::Key;
use crate::normalize::{push_token, SECRET};
use crate::tree::Tree;

/// One field that differs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldChange {
    /// The field, as a JSON pointer into the resource's file.
    pub path: String,
    /// Its value on the first side (`None`: absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    /// Its value on the second side (`None`: absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<Value>,
}

/// How a resource differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// Only on the second side.
    Added,
    /// Only on the first side.
    Removed,
    /// On both sides, with fields that differ.
    Changed,
}

/// One resource that differs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ResourceChange {
    /// The resource (`exports/shopify-orders`).
    #[serde(serialize_with = "display")]
    pub resource: Key,
    /// Its file in a tree.
    pub file: String,
    /// How it differs.
    pub change: ChangeKind,
    /// The fields that differ (for `changed`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldChange>,
}

fn display<S: serde::Serializer>(key: &Key, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(key)
}

/// Every resource that differs from `a` to `b`, in key order.
pub fn diff_trees(a: &Tree, b: &Tree, ignore: &Ignore) -> Vec<ResourceChange> {
    let keys: BTreeSet<&Key> = a.resources.keys().chain(b.resources.keys()).collect();
    let mut out = Vec::new();
    for key in keys {
        let (change, fields) = match (a.resources.get(key), b.resources.get(key)) {
            (Some(x), Some(y)) => {
                let fields = diff_values(
                    &Value::Object(x.config.clone()),
                    &Value::Object(y.config.clone()),
                    &|path| ignore.ignores(key.kind, path),
                );
                if fields.is_empty() {
                    continue;
                }
                (ChangeKind::Changed, fields)
            }
            (Some(_), None) => (ChangeKind::Removed, Vec::new()),
            (None, Some(_)) => (ChangeKind::Added, Vec::new()),
            (None, None) => continue,
        };
        out.push(ResourceChange {
            resource: key.clone(),
            file: key.file(),
            change,
            fields,
        });
    }
    out
}

/// The fields that differ between `a` and `b` (objects field by field, arrays item by
/// item), skipping paths `skip` says to.
pub fn diff_values(a: &Value, b: &Value, skip: &dyn Fn(&str) -> bool) -> Vec<FieldChange> {
    let mut out = Vec::new();
    walk(Some(a), Some(b), &mut String::new(), skip, &mut out);
    out
}

fn walk(
    a: Option<&Value>,
    b: Option<&Value>,
    path: &mut String,
    skip: &dyn Fn(&str) -> bool,
    out: &mut Vec<FieldChange>,
) {
    if !path.is_empty() && skip(path) {
        return;
    }
    match (a, b) {
        (Some(Value::Object(x)), Some(Value::Object(y))) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                let len = path.len();
                push_token(path, k);
                walk(x.get(k), y.get(k), path, skip, out);
                path.truncate(len);
            }
        }
        (Some(Value::Array(x)), Some(Value::Array(y))) => {
            for i in 0..x.len().max(y.len()) {
                let len = path.len();
                path.push('/');
                path.push_str(&i.to_string());
                walk(x.get(i), y.get(i), path, skip, out);
                path.truncate(len);
            }
        }
        (x, y) => {
            if !same(x, y) {
                out.push(FieldChange {
                    path: path.clone(),
                    before: x.cloned(),
                    after: y.cloned(),
                });
            }
        }
    }
}

/// Whether two leaves are the same: equal JSON, equal numbers written differently
/// (`1.50` and `1.5`), or a secret on either side (secrets cannot be compared).
fn same(a: Option<&Value>, b: Option<&Value>) -> bool {
    let secret = |v: Option<&Value>| v.and_then(Value::as_str) == Some(SECRET);
    if secret(a) || secret(b) {
        return true;
    }
    match (a, b) {
        (Some(Value::Number(x)), Some(Value::Number(y))) => {
            x == y
                || matches!((x.to_string().parse::<f64>(), y.to_string().parse::<f64>()),
                    (Ok(p), Ok(q)) if p == q && x.to_string().len() < 16 && y.to_string().len() < 16)
        }
        (x, y) => x == y,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn field_level_paths() {
        let a = json!({"name": "x", "list": [1, {"a": 1}], "s": "@secret", "n": 1.5, "a/b": 1});
        let b = json!({"name": "y", "list": [1, {"a": 2}, 3], "n": 1.50, "a/b": 2});
        let changes = diff_values(&a, &b, &|p| p == "/name");
        let paths: Vec<&str> = changes.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, ["/a~1b", "/list/1/a", "/list/2"]);
        assert_eq!(changes[2].before, None);
        assert_eq!(changes[2].after, Some(json!(3)));
    }
}
