//! Requests checked against the spec itself: query parameters by their schemas (`400`)
//! and JSON bodies by the request body's schema (`422` with one `field` error per
//! violation). Malformed JSON is a `400`.

use serde_json::{json, Value};

use super::api_spec::ApiSpec;
use super::reply::Reply;
use super::router::Route;

/// Checks each declared query parameter that has an integer or boolean schema.
pub(crate) fn check_query(route: &Route, query: &[(String, String)]) -> Result<(), Reply> {
    for (name, schema) in &route.query_params {
        let Some((_, value)) = query.iter().find(|(n, _)| n == name) else {
            continue;
        };
        match schema.get("type").and_then(Value::as_str) {
            Some("integer") => {
                let Ok(n) = value.parse::<i64>() else {
                    return Err(Reply::field_error(
                        400,
                        "invalid_query_params",
                        name,
                        format!("{name} must be an integer, not {value:?}."),
                    ));
                };
                if let Some(min) = schema.get("minimum").and_then(Value::as_i64) {
                    if n < min {
                        return Err(Reply::field_error(
                            400,
                            "invalid_query_params",
                            name,
                            format!("{name} must be at least {min}."),
                        ));
                    }
                }
            }
            Some("boolean") if value != "true" && value != "false" => {
                return Err(Reply::field_error(
                    400,
                    "invalid_query_params",
                    name,
                    format!("{name} must be true or false."),
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Parses and validates the body of an operation that takes one. `None` when the
/// operation takes none, or an optional body was not sent.
pub(crate) fn check_body(api: &ApiSpec, route: &Route, raw: &[u8]) -> Result<Option<Value>, Reply> {
    let Some(schema) = &route.body_schema else {
        return Ok(None);
    };
    if raw.iter().all(u8::is_ascii_whitespace) {
        if route.body_required {
            return Err(Reply::bad_request(
                "missing_body",
                "This request needs a JSON body.",
            ));
        }
        return Ok(None);
    }
    let body: Value = serde_json::from_slice(raw).map_err(|e| {
        Reply::bad_request("invalid_json", format!("The body is not valid JSON: {e}"))
    })?;
    if let Err(violations) = api.schemas.validate(schema, &body) {
        let errors = violations
            .iter()
            .take(20)
            .map(|v| {
                let mut field = v.instance_path.trim_start_matches('/').replace('/', ".");
                let required = v.message.ends_with("is a required property");
                if required {
                    if let Some(name) = v.message.split('"').nth(1) {
                        if !field.is_empty() {
                            field.push('.');
                        }
                        field.push_str(name);
                    }
                }
                let code = if required {
                    "missing_required_field"
                } else {
                    "invalid_field"
                };
                json!({"code": code, "message": v.message, "field": field})
            })
            .collect();
        return Err(Reply::errors(422, errors));
    }
    Ok(Some(body))
}
