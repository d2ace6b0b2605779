//! `--format table`: default columns per area and the aligned rendering.

use serde_json::Value;

/// The columns a table of `area` shows when `--columns` is not given (those absent
/// from every row are left out).
pub fn defaults(area: &str) -> &'static [&'static str] {
    match area {
        "jobs" => &[
            "_id",
            "type",
            "status",
            "_flowId",
            "startedAt",
            "endedAt",
            "numSuccess",
            "numError",
        ],
        "errors" => &["occurredAt", "source", "code", "message", "retryDataKey"],
        "connections" => &["_id", "name", "type", "offline", "lastModified"],
        "exports" | "imports" => &[
            "_id",
            "name",
            "adaptorType",
            "_connectionId",
            "lastModified",
        ],
        "flows" => &["_id", "name", "_integrationId", "disabled", "lastModified"],
        "profiles" => &["name", "default", "region", "base_url", "ashare_id"],
        "audit" => &[
            "time",
            "source",
            "fieldChanges",
            "event",
            "resourceType",
            "_resourceId",
        ],
        _ => &["_id", "name", "lastModified"],
    }
}

/// The widest a cell gets before it is cut.
const MAX_CELL: usize = 60;

/// `rows` as an aligned table with a header line.
pub fn render(rows: &[Value], asked: &[String], defaults: &[&str]) -> String {
    let columns: Vec<String> = if !asked.is_empty() {
        asked.to_vec()
    } else if rows.iter().all(|r| !r.is_object()) {
        vec!["value".to_string()]
    } else {
        let present: Vec<String> = defaults
            .iter()
            .filter(|c| rows.iter().any(|r| lookup(r, c).is_some()))
            .map(|c| c.to_string())
            .collect();
        if present.is_empty() {
            first_scalar_keys(rows)
        } else {
            present
        }
    };
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            columns
                .iter()
                .map(|c| {
                    let cell = if c == "value" && !row.is_object() {
                        Some(row)
                    } else {
                        lookup(row, c)
                    };
                    cell.map(text).unwrap_or_default()
                })
                .collect()
        })
        .collect();
    let header: Vec<String> = columns.iter().map(|c| c.to_uppercase()).collect();
    let widths: Vec<usize> = (0..columns.len())
        .map(|i| {
            std::iter::once(&header)
                .chain(&table)
                .map(|row| row[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&table) {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// The value at a dotted path (`settings.mode`, `pageProcessors.0.type`).
fn lookup<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(value, |v, key| match v {
        Value::Object(fields) => fields.get(key),
        Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    })
}

fn text(value: &Value) -> String {
    let full = match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let full = full.replace(['\n', '\t'], " ");
    if full.chars().count() > MAX_CELL {
        let cut: String = full.chars().take(MAX_CELL - 1).collect();
        format!("{cut}…")
    } else {
        full
    }
}

/// Up to six top-level keys of the first object that hold scalars.
fn first_scalar_keys(rows: &[Value]) -> Vec<String> {
    rows.iter()
        .find_map(Value::as_object)
        .map(|fields| {
            fields
                .iter()
                .filter(|(_, v)| !v.is_object() && !v.is_array())
                .map(|(k, _)| k.clone())
                .take(6)
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tables_align_and_leave_out_absent_default_columns() {
        let rows = vec![
            json!({"_id": "a1", "name": "First", "x": 1}),
            json!({"_id": "b", "name": null}),
        ];
        assert_eq!(
            render(&rows, &[], &["_id", "name", "lastModified"]),
            "_ID  NAME\na1   First\nb\n"
        );
        assert_eq!(render(&rows, &["x".to_string()], &[]), "X\n1\n\n");
    }
}
