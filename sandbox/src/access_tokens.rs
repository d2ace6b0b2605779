//! API tokens: a create answers the new token value once (every later read masks it),
//! `fullAccess` and the scope lists exclude each other, and only a revoked,
//! non-APIM token can be deleted.

use serde_json::{json, Map, Value};

use super::dispatch::Call;
use super::reply::Reply;
use super::resources;

const TOKENS: &str = "accesstokens";
const SCOPES: [&str; 5] = [
    "_connectionIds",
    "_exportIds",
    "_importIds",
    "_apiIds",
    "_mcpServerIds",
];

fn check_scope(body: &Map<String, Value>) -> Result<(), Reply> {
    let full = body.get("fullAccess").and_then(Value::as_bool) == Some(true);
    let scoped = SCOPES.iter().find(|s| {
        body.get(**s)
            .and_then(Value::as_array)
            .is_some_and(|ids| !ids.is_empty())
    });
    match scoped {
        Some(scope) if full => Err(Reply::unprocessable(
            "invalid_field",
            scope,
            "A token has either fullAccess or scope lists, not both.",
        )),
        _ => Ok(()),
    }
}

/// `POST /accesstokens`: `201` with the token value shown this once.
pub(crate) fn create(call: &Call<'_>) -> Reply {
    let mut body = match call.body_object() {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    if let Err(reply) = check_scope(&body) {
        return reply;
    }
    body.insert("token".into(), json!(call.app.ids.key32()));
    body.entry("revoked").or_insert(json!(false));
    body.entry("tokenType").or_insert(json!("account"));
    let mut world = call.app.write();
    match world.create_audited(&call.app.ids, call.user(), TOKENS, body) {
        Some(doc) => Reply::json(201, &doc),
        None => Reply::error(500, "internal", "The token was not stored."),
    }
}

/// `PUT /accesstokens/{id}`: a replace that keeps the token value (a masked one sent
/// back is not stored).
pub(crate) fn update(call: &Call<'_>, id: &str) -> Reply {
    let mut body = match call.body_object() {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    if let Err(reply) = check_scope(&body) {
        return reply;
    }
    if let Some(token) = call
        .app
        .read()
        .get(TOKENS, id)
        .and_then(|t| t.get("token"))
        .cloned()
    {
        body.insert("token".into(), token);
    }
    call.app.write().replace(TOKENS, id, body).map_or_else(
        || Reply::not_found("Access token", id),
        |(_, new)| Reply::json(200, &super::secrets::masked(TOKENS, &new)),
    )
}

/// `DELETE /accesstokens/{id}`: `422` until the token is revoked, always for APIM
/// tokens.
pub(crate) fn delete(call: &Call<'_>, id: &str) -> Reply {
    let refusal = match call.app.read().get(TOKENS, id) {
        None => return Reply::not_found("Access token", id),
        Some(token) if token.get("apim").and_then(Value::as_bool) == Some(true) => {
            Some("An API management token cannot be deleted.")
        }
        Some(token) if token.get("revoked").and_then(Value::as_bool) != Some(true) => {
            Some("Revoke the token (revoked: true) before deleting it.")
        }
        Some(_) => None,
    };
    match refusal {
        Some(message) => Reply::unprocessable("invalid_field", "revoked", message),
        None => resources::delete(call, TOKENS, id),
    }
}
