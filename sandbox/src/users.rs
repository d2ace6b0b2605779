//! Users (account shares, `/ashares`): invitations, access updates, the disable
//! toggle and re-invitations. A user is created only by an invitation, answered `409`
//! when someone with that email already shares the account.

use serde_json::{json, Map, Value};

use super::dispatch::Call;
use super::reply::Reply;
use super::store::World;

const ASHARES: &str = "ashares";

fn has_email(world: &World, email: &str) -> bool {
    world
        .collection(ASHARES)
        .into_iter()
        .flat_map(|c| c.values())
        .any(|u| {
            u.pointer("/sharedWithUser/email").and_then(Value::as_str) == Some(email)
                || u.get("email").and_then(Value::as_str) == Some(email)
        })
}

/// The share stored for one invitation: the access given, not accepted yet.
fn invitation(email: &str, access: &Map<String, Value>) -> Map<String, Value> {
    let mut share = access.clone();
    share.remove("emails");
    share.insert("email".into(), json!(email));
    share.entry("accessLevel").or_insert(json!("monitor"));
    share.insert("accepted".into(), json!(false));
    share.insert("disabled".into(), json!(false));
    share.insert("createdVia".into(), json!("existing_account_invite"));
    share.insert(
        "sharedWithUser".into(),
        json!({"email": email, "name": email}),
    );
    share
}

fn emails_of(body: &Map<String, Value>, many: bool) -> Vec<String> {
    let listed = |v: &Value| v.as_str().map(str::to_string);
    if many {
        body.get("emails")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(listed)
            .collect()
    } else {
        body.get("email").and_then(listed).into_iter().collect()
    }
}

/// `POST /invite` (`many` false) and `POST /invite/multiple`.
pub(crate) fn invite(call: &Call<'_>, many: bool) -> Reply {
    let body = match call.body_object() {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    let emails = emails_of(&body, many);
    let field = if many { "emails" } else { "email" };
    if emails.is_empty() || emails.iter().any(|e| !e.contains('@')) {
        return Reply::unprocessable(
            "invalid_field",
            field,
            "Give the email of each user to invite.",
        );
    }
    let mut world = call.app.write();
    if let Some(taken) = emails.iter().find(|e| has_email(&world, e)) {
        return Reply::error(
            409,
            "user_exists",
            format!("{taken} already has access to this account."),
        );
    }
    let mut created = Vec::new();
    for email in &emails {
        let share = invitation(email, &body);
        if let Some(doc) = world.create_audited(&call.app.ids, call.user(), ASHARES, share) {
            created.push(doc);
        }
    }
    match created.as_slice() {
        [one] if !many => Reply::json(201, one),
        _ if many && created.len() == emails.len() => Reply::json(201, &Value::Array(created)),
        _ => Reply::error(500, "internal", "The invitation was not stored."),
    }
}

/// `PUT /ashares/{id}`: replaces the access, `204`.
pub(crate) fn update(call: &Call<'_>, id: &str) -> Reply {
    let body = match call.body_object() {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    let mut world = call.app.write();
    let Some(old) = world.get(ASHARES, id).cloned() else {
        return Reply::not_found("User", id);
    };
    // Who the share belongs to is the server's, not the body's.
    let mut doc = body;
    for kept in ["sharedWithUser", "accepted", "createdVia", "email"] {
        if let Some(value) = old.get(kept) {
            doc.entry(kept).or_insert(value.clone());
        }
    }
    world.replace_audited(&call.app.ids, call.user(), ASHARES, id, doc);
    Reply::empty(204)
}

/// `PUT /ashares/{id}/disable`: flips `disabled`, `204`.
pub(crate) fn toggle_disabled(call: &Call<'_>, id: &str) -> Reply {
    let mut world = call.app.write();
    let Some(Value::Object(mut doc)) = world.get(ASHARES, id).cloned() else {
        return Reply::not_found("User", id);
    };
    let disabled = doc
        .get("disabled")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    doc.insert("disabled".into(), json!(!disabled));
    world.replace(ASHARES, id, doc);
    Reply::empty(204)
}

/// `PUT /ashares/{id}/reinvite`: `204` for a user who has not accepted yet, `422`
/// for one who has.
pub(crate) fn reinvite(call: &Call<'_>, id: &str) -> Reply {
    let world = call.app.read();
    match world.get(ASHARES, id) {
        None => Reply::not_found("User", id),
        Some(user) if user.get("accepted").and_then(Value::as_bool) == Some(true) => {
            Reply::unprocessable(
                "invalid_field",
                "accepted",
                "The user already accepted the invitation.",
            )
        }
        Some(_) => Reply::empty(204),
    }
}
