//! Connection operations beyond CRUD: ping, debug logs, virtual imports and their
//! mapping, the OAuth 2.0 authorization.

use serde_json::{json, Map, Value};

use super::dispatch::Call;
use super::ids;
use super::reply::Reply;
use super::secrets;

/// The collection connections are kept in.
const CONNECTIONS: &str = "connections";

/// The stored connection, or `404`.
fn connection(call: &Call<'_>, id: &str) -> Result<Value, Reply> {
    call.app
        .read()
        .get(CONNECTIONS, id)
        .cloned()
        .ok_or_else(|| Reply::not_found("Connection", id))
}

/// `GET /connections/{id}/ping`: `{"code": 200}` while online; an offline connection
/// answers its errors, and one whose stored credential is the mask `"******"` answers
/// `401` in the body (the API would fail to authenticate with it).
pub(crate) fn ping(call: &Call<'_>, id: &str) -> Reply {
    let connection = match connection(call, id) {
        Ok(c) => c,
        Err(reply) => return reply,
    };
    if connection.get("offline").and_then(Value::as_bool) == Some(true) {
        return Reply::json(
            200,
            &json!({
                "code": 502,
                "message": "The connection is offline.",
                "errors": [{"code": "offline", "message": "The connection is offline."}],
            }),
        );
    }
    if secrets::holds_mask(CONNECTIONS, &connection) {
        let message = format!(
            "Authentication failed: a credential of this connection is {:?}, the mask a read answers (was a read written back?).",
            secrets::MASK
        );
        return Reply::json(
            200,
            &json!({
                "code": 401,
                "message": message,
                "errors": [{"code": "unauthorized", "message": message}],
            }),
        );
    }
    Reply::json(
        200,
        &json!({"code": 200, "message": "Connection is working."}),
    )
}

/// `POST /connections/ping`: tests a connection that is not stored.
pub(crate) fn ping_virtual(call: &Call<'_>) -> Reply {
    let body = call.body.as_ref();
    let kind = body
        .and_then(|b| b.get("type"))
        .and_then(Value::as_str)
        .unwrap_or("http");
    Reply::json(
        200,
        &json!({"code": 200, "message": format!("The {kind} connection is working.")}),
    )
}

/// `GET /connections/{id}/debug[/{resourceId}]`: plain text lines.
pub(crate) fn debug_log(call: &Call<'_>, id: &str, resource: Option<&str>) -> Reply {
    if let Err(reply) = connection(call, id) {
        return reply;
    }
    let about = resource
        .map(|r| format!(" resource {r}"))
        .unwrap_or_default();
    Reply::text(
        200,
        format!(
            "{} sandbox debug log of connection {id}{about}\n{} GET /ping 200 OK\n",
            ids::now(),
            ids::now()
        ),
    )
}

/// `POST /connections/{id}/import`: one result per record, each stored under a new id.
pub(crate) fn virtual_import(call: &Call<'_>, id: &str) -> Reply {
    if let Err(reply) = connection(call, id) {
        return reply;
    }
    let records = call
        .body
        .as_ref()
        .and_then(|b| b.get("data"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let now = ids::now();
    let results: Vec<Value> = records
        .into_iter()
        .map(|record| {
            let new_id = call.app.ids.object_id();
            let mut stored = match record {
                Value::Object(map) => map,
                other => {
                    let mut map = Map::new();
                    map.insert("value".into(), other);
                    map
                }
            };
            stored.insert("_id".into(), json!(new_id));
            stored.insert("createdAt".into(), json!(now));
            stored.insert("lastModified".into(), json!(now));
            json!({"statusCode": 200, "id": new_id, "_json": stored})
        })
        .collect();
    Reply::json(200, &Value::Array(results))
}

/// `POST /connections/{id}/import/map`: the records after the import's mapping
/// (`mapping.fields[]` of `{extract, generate}`); unmapped records pass unchanged.
pub(crate) fn map_virtual_import(call: &Call<'_>, id: &str) -> Reply {
    if let Err(reply) = connection(call, id) {
        return reply;
    }
    let body = call.body.clone().unwrap_or(Value::Null);
    let fields: Vec<(String, String)> = body
        .pointer("/import/mapping/fields")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|f| {
            Some((
                f.get("extract")?.as_str()?.to_string(),
                f.get("generate")?.as_str()?.to_string(),
            ))
        })
        .collect();
    let data: Vec<Value> = body
        .get("data")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|record| {
            if fields.is_empty() {
                return record.clone();
            }
            let mut out = Map::new();
            for (extract, generate) in &fields {
                if let Some(value) = record.get(extract) {
                    out.insert(generate.clone(), value.clone());
                }
            }
            Value::Object(out)
        })
        .collect();
    Reply::json(200, &json!({ "data": data }))
}

/// `GET /connections/{id}/oauth2`: the connection's authorization status.
pub(crate) fn oauth2(call: &Call<'_>, id: &str) -> Reply {
    let connection = match connection(call, id) {
        Ok(c) => c,
        Err(reply) => return reply,
    };
    let auth = connection
        .pointer("/rest/authType")
        .and_then(Value::as_str)
        .unwrap_or("oauth");
    Reply::json(
        200,
        &json!({
            "_connectionId": id,
            "authType": auth,
            "authorized": true,
            "authorizationURL": format!("{}/connection/{id}/oauth2/authorize", call.app.base_url),
        }),
    )
}
