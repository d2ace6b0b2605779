//! [`merge`]: the body of an update, read-modify-write: the tree's configuration over
//! the target's document as just read, keeping what belongs to the target.

use serde_json::Value;

use crate::ignore::Ignore;
use crate::kind::Kind;
use crate::normalize::{walk_strings, MASK, SECRET, VOLATILE_FIELDS};
use crate::remote::Doc;

/// The document to `PUT`: `desired` (references already resolved), with, from
/// `target` (the document as the target answered it):
/// - its volatile fields (`_id`, timestamps) as they are;
/// - its top-level fields the spec does not know (`unknown`) that `desired` lacks;
/// - its values at the ignored pointers of `kind`;
/// - its values where `desired` holds a secret placeholder (the target's secret).
pub fn merge(kind: Kind, desired: &Doc, target: &Doc, unknown: &[String], ignore: &Ignore) -> Doc {
    let mut body = Value::Object(desired.clone());
    let target_value = Value::Object(target.clone());
    let mut kept: Vec<String> = secret_pointers(&body);
    kept.extend(ignore.pointers(kind).map(str::to_string));
    for pointer in kept {
        set(&mut body, &pointer, target_value.pointer(&pointer).cloned());
    }
    let Value::Object(mut body) = body else {
        unreachable!("an object stays an object")
    };
    for (field, value) in target {
        let own = VOLATILE_FIELDS.contains(&field.as_str())
            || (unknown.contains(field) && !desired.contains_key(field));
        if own {
            body.insert(field.clone(), value.clone());
        }
    }
    body
}

/// The pointers of masked secrets (`"******"`) in `doc`: a body holding one would
/// overwrite the target's credential with the mask.
pub fn masked_pointers(doc: &Doc) -> Vec<String> {
    pointers_of(&Value::Object(doc.clone()), MASK)
}

/// The pointers of secret placeholders in `value`.
fn secret_pointers(value: &Value) -> Vec<String> {
    pointers_of(value, SECRET)
}

fn pointers_of(value: &Value, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    walk_strings(value, &mut String::new(), &mut |pointer, s| {
        if s == text {
            out.push(pointer.to_string());
        }
    });
    out
}

/// Sets (or, with `None`, removes) the value at `pointer`, when its parent exists.
fn set(root: &mut Value, pointer: &str, value: Option<Value>) {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return;
    };
    let last = last.replace("~1", "/").replace("~0", "~");
    match (root.pointer_mut(parent), value) {
        (Some(Value::Object(map)), Some(v)) => {
            map.insert(last, v);
        }
        (Some(Value::Object(map)), None) => {
            map.remove(&last);
        }
        (Some(Value::Array(items)), Some(v)) => {
            if let Some(slot) = last.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                *slot = v;
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(v: Value) -> Doc {
        match v {
            Value::Object(m) => m,
            _ => unreachable!(),
        }
    }

    #[test]
    fn keeps_what_belongs_to_the_target() {
        let desired =
            doc(json!({"name": "n", "schedule": "a", "rest": {"token": "@secret", "uri": "u2"}}));
        let target = doc(
            json!({"_id": "1", "name": "old", "schedule": "b", "custom": 7, "known": 1,
            "rest": {"token": "******", "uri": "u"}}),
        );
        let ignore: Ignore = "flows:/schedule".parse().unwrap();
        let body = merge(Kind::Flow, &desired, &target, &["custom".into()], &ignore);
        assert_eq!(
            Value::Object(body.clone()),
            json!({"_id": "1", "name": "n", "schedule": "b", "custom": 7, "rest": {"token": "******", "uri": "u2"}})
        );
        assert_eq!(masked_pointers(&body), ["/rest/token"]);
    }
}
