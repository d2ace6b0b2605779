//! The bearer token and the account-share rule.

use hyper::header::{HeaderMap, AUTHORIZATION};
use serde_json::json;

use super::app::App;
use super::reply::Reply;

/// The account-share header, lower-case.
const ASHARE_ID: &str = "integrator-ashareid";

/// Checks `Authorization: Bearer <token>` and, for a shared account, the
/// `Integrator-AShareId` header. Answers the rate-limit key (token and account).
pub(crate) fn check(app: &App, headers: &HeaderMap) -> Result<String, Reply> {
    let sent = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    if sent != Some(app.config.token.as_str()) {
        return Err(Reply::json(401, &json!({"message": "Unauthorized"})));
    }
    let share = headers.get(ASHARE_ID).and_then(|v| v.to_str().ok());
    match (&app.config.ashare_id, share) {
        (Some(_), None) => Err(Reply::error(
            403,
            "missing_header",
            "An account is shared with you. Please send the Integrator-AShareId in the request header.",
        )),
        (Some(expected), Some(sent)) if sent != expected => Err(Reply::field_error(
            403,
            "invalid_header",
            "Integrator-AShareId",
            "No account is shared with you under this Integrator-AShareId.",
        )),
        (None, Some(sent)) => Err(Reply::field_error(
            403,
            "invalid_header",
            "Integrator-AShareId",
            format!("No account is shared with you under {sent:?}."),
        )),
        (_, share) => Ok(format!("{}|{}", app.config.token, share.unwrap_or(""))),
    }
}
