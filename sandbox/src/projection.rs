//! `include` / `exclude` on lists: summary projection (`_id`, `name`, the fields a
//! resource always answers, and the listed ones, dot paths reaching nested fields) or
//! the listed fields left out. Both at once, or a character other than letters,
//! digits, dots, underscores and commas, is `400 invalid_query_params`, as the API
//! answers.

use serde_json::{Map, Value};

use super::dispatch::Call;
use super::reply::Reply;

/// What a list request asks to see of each record.
pub(crate) enum Projection {
    /// Every field.
    All,
    /// Only these dot paths (the summary fields included).
    Include(Vec<Vec<String>>),
    /// Every field but these dot paths.
    Exclude(Vec<Vec<String>>),
}

/// The fields a summary projection always keeps for `collection`.
fn always(collection: &str) -> &'static [&'static str] {
    match collection {
        "exports" | "imports" => &["_id", "name", "adaptorType"],
        "ashares" => &[
            "_id",
            "name",
            "accessLevel",
            "accepted",
            "disabled",
            "sharedWithUser",
        ],
        "httpconnectors" => &["_id", "name", "published", "lastModified"],
        _ => &["_id", "name"],
    }
}

fn paths(text: &str) -> Result<Vec<Vec<String>>, Reply> {
    if !text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ','))
    {
        return Err(Reply::bad_request(
            "invalid_query_params",
            format!("{text:?} may hold only letters, digits, dots, underscores and commas."),
        ));
    }
    Ok(text
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| p.split('.').map(str::to_string).collect())
        .collect())
}

impl Projection {
    /// The projection a request asks for.
    pub(crate) fn of(call: &Call<'_>, collection: &str) -> Result<Projection, Reply> {
        let include = call.query("include").filter(|v| !v.is_empty());
        let exclude = call.query("exclude").filter(|v| !v.is_empty());
        match (include, exclude) {
            (Some(_), Some(_)) => Err(Reply::bad_request(
                "invalid_query_params",
                "include and exclude cannot be used together.",
            )),
            (Some(include), None) => {
                let mut kept = paths(include)?;
                kept.extend(always(collection).iter().map(|f| vec![f.to_string()]));
                Ok(Projection::Include(kept))
            }
            (None, Some(exclude)) => Ok(Projection::Exclude(paths(exclude)?)),
            (None, None) => Ok(Projection::All),
        }
    }

    /// `doc` as projected.
    pub(crate) fn apply(&self, doc: &Value) -> Value {
        match self {
            Projection::All => doc.clone(),
            Projection::Include(paths) => {
                let mut out = Value::Object(Map::new());
                for path in paths {
                    copy_path(doc, &mut out, path);
                }
                out
            }
            Projection::Exclude(paths) => {
                let mut out = doc.clone();
                for path in paths {
                    remove_path(&mut out, path);
                }
                out
            }
        }
    }
}

/// Copies the value at `path` of `from` into `to`, creating the objects on the way;
/// nothing when `from` has no such field.
fn copy_path(from: &Value, to: &mut Value, path: &[String]) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    let (Some(value), Some(target)) = (from.get(first), to.as_object_mut()) else {
        return;
    };
    if rest.is_empty() {
        target.insert(first.clone(), value.clone());
    } else if value.is_object() {
        let inner = target
            .entry(first.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        copy_path(value, inner, rest);
    }
}

fn remove_path(doc: &mut Value, path: &[String]) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    let Some(map) = doc.as_object_mut() else {
        return;
    };
    if rest.is_empty() {
        map.remove(first);
    } else if let Some(inner) = map.get_mut(first) {
        remove_path(inner, rest);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parsed(text: &str) -> Vec<Vec<String>> {
        paths(text).ok().unwrap_or_default()
    }

    #[test]
    fn include_keeps_summary_fields_and_dot_paths_only() {
        let mut kept = parsed("ftp.directoryPath,missing");
        kept.extend(always("exports").iter().map(|f| vec![f.to_string()]));
        let doc = json!({"_id": "1", "name": "n", "adaptorType": "FTPExport",
            "ftp": {"directoryPath": "/in", "fileNameStartsWith": "a"}, "type": "delta"});
        assert_eq!(
            Projection::Include(kept).apply(&doc),
            json!({"_id": "1", "name": "n", "adaptorType": "FTPExport", "ftp": {"directoryPath": "/in"}})
        );
    }

    #[test]
    fn exclude_removes_nested_fields() {
        let doc = json!({"_id": "1", "a": {"b": 1, "c": 2}});
        assert_eq!(
            Projection::Exclude(parsed("a.b")).apply(&doc),
            json!({"_id": "1", "a": {"c": 2}})
        );
    }

    #[test]
    fn other_characters_are_refused() {
        assert!(paths("name;drop").is_err());
        assert!(paths("a.b,c_d9").is_ok());
    }
}
