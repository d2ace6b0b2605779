//! Account-wide reads: the audit log of every resource (filtered) and application
//! metadata.

use serde_json::{json, Value};

use super::dispatch::Call;
use super::reply::Reply;

/// `GET /audit`: every entry once, newest first, filtered by `resourceType`,
/// `_resourceId`, `_byUserId`, `source`, `action` (the entry's `event`), `from` and
/// `to`, then `offset` and `limit`.
pub(crate) fn audit(call: &Call<'_>) -> Reply {
    let bound = |name: &str| {
        call.query(name)
            .and_then(super::ids::parse_time)
            .map(super::ids::iso)
    };
    let (from, to) = (bound("from"), bound("to"));
    let number = |name: &str| call.query(name).and_then(super::paging::count);
    let (offset, limit) = (
        number("offset").unwrap_or(0),
        number("limit").unwrap_or(1000),
    );
    let matches = |entry: &Value, field: &str, param: &str| {
        call.query(param)
            .is_none_or(|wanted| entry.get(field).and_then(Value::as_str) == Some(wanted))
    };
    let world = call.app.read();
    let mut entries: Vec<&Value> = world
        .audit
        .iter()
        .flat_map(|(id, list)| {
            list.iter()
                .filter(move |e| e.get("_resourceId").and_then(Value::as_str) == Some(id))
        })
        .filter(|e| {
            let at = e.get("time").and_then(Value::as_str).unwrap_or_default();
            matches(e, "resourceType", "resourceType")
                && matches(e, "_resourceId", "_resourceId")
                && matches(e, "_byUserId", "_byUserId")
                && matches(e, "source", "source")
                && matches(e, "event", "action")
                && from.as_deref().is_none_or(|f| at >= f)
                && to.as_deref().is_none_or(|t| at <= t)
        })
        .collect();
    entries.sort_by(|a, b| {
        b.get("time")
            .and_then(Value::as_str)
            .cmp(&a.get("time").and_then(Value::as_str))
    });
    let page: Vec<&Value> = entries.into_iter().skip(offset).take(limit).collect();
    Reply::json(200, &json!(page))
}

/// `GET /metadata/application/{applicationId}`: the record types of a connection's
/// application (the id is a connection's), with a few fields each.
pub(crate) fn metadata(call: &Call<'_>) -> Reply {
    let id = call.param("applicationId");
    let world = call.app.read();
    let Some(connection) = world.get("connections", id) else {
        return Reply::not_found("Application", id);
    };
    let application = connection
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("http");
    let field = |id: &str, kind: &str| json!({"id": id, "name": id, "type": kind});
    Reply::json(
        200,
        &json!({
            "application": application,
            "recordTypes": [
                {"id": "customer", "name": "Customer", "fields": [field("id", "string"), field("email", "string")]},
                {"id": "salesorder", "name": "Sales Order", "fields": [field("id", "string"), field("total", "number")]},
            ],
        }),
    )
}
