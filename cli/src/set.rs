//! `--set path=value`: changing one field of a resource read from the API, leaving
//! every other field as received.

use serde_json::Value;

use crate::exit::CliError;

/// Applies one `path=text` (a string) or `path:=json` (any JSON value) to `resource`.
/// Dotted paths reach into objects (created when missing) and arrays (by index).
pub fn apply(resource: &mut Value, assignment: &str) -> Result<(), CliError> {
    let bad = |why: &str| CliError::usage(format!("--set {assignment:?}: {why}"));
    let (path, value) = match assignment.split_once('=') {
        Some((path, json)) if path.ends_with(':') => {
            let value = serde_json::from_str(json)
                .map_err(|e| bad(&format!("the value after `:=` is not JSON: {e}")))?;
            (&path[..path.len() - 1], value)
        }
        Some((path, text)) => (path, Value::String(text.to_string())),
        None => return Err(bad("expected PATH=TEXT or PATH:=JSON")),
    };
    if path.is_empty() || path.split('.').any(str::is_empty) {
        return Err(bad("the path is empty or has an empty segment"));
    }
    let mut target = resource;
    let keys: Vec<&str> = path.split('.').collect();
    for (i, key) in keys.iter().enumerate() {
        let last = i + 1 == keys.len();
        target = match target {
            Value::Object(fields) => {
                if last {
                    fields.insert(key.to_string(), value);
                    return Ok(());
                }
                fields
                    .entry(key.to_string())
                    .or_insert_with(|| Value::Object(Default::default()))
            }
            Value::Array(items) => {
                let index: usize = key
                    .parse()
                    .map_err(|_| bad(&format!("`{key}` is not an index into an array")))?;
                let len = items.len();
                let slot = items.get_mut(index).ok_or_else(|| {
                    bad(&format!("index {index} is past the array's {len} items"))
                })?;
                if last {
                    *slot = value;
                    return Ok(());
                }
                slot
            }
            _ => {
                return Err(bad(&format!(
                    "`{}` is not an object or array",
                    keys[..i].join(".")
                )))
            }
        };
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sets_change_only_their_field() {
        let mut v = json!({"name": "a", "settings": {"x": 1}, "steps": [{"t": 1}], "n": 5});
        apply(&mut v, "name=b").unwrap();
        apply(&mut v, "settings.y:=[1,2]").unwrap();
        apply(&mut v, "steps.0.t:=2").unwrap();
        apply(&mut v, "new.deep=z").unwrap();
        assert_eq!(
            v,
            json!({"name": "b", "settings": {"x": 1, "y": [1, 2]}, "steps": [{"t": 2}], "n": 5, "new": {"deep": "z"}})
        );
        assert!(apply(&mut v, "name").is_err());
        assert!(apply(&mut v, "n:={").is_err());
        assert!(apply(&mut v, "name.x=1").is_err());
        assert!(apply(&mut v, "steps.9.t=1").is_err());
    }
}
