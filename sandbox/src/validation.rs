//! Requests checked against the spec itself, with the same validator and the same
//! error entries for both: query parameters by their schemas (`400
//! invalid_query_params`) and JSON bodies by the request body's schema (`422`), one
//! `field` error per violation. Malformed JSON is a `400`.

use integrator_io_codegen::json_schema::Violation;
use serde_json::{json, Value};

use super::api_spec::ApiSpec;
use super::reply::Reply;
use super::router::{QueryParam, Route};

/// The code of a query parameter that breaks its schema, as the API answers it.
const QUERY_ERROR: &str = "invalid_query_params";

/// At most this many errors are answered for one request.
const MAX_ERRORS: usize = 20;

/// The range of each integer format of the spec. JSON Schema leaves formats it does
/// not know unchecked, so these are checked beside the schema.
const INTEGER_FORMATS: &[(&str, i128, i128)] = &[
    ("int8", i8::MIN as i128, i8::MAX as i128),
    ("uint8", 0, u8::MAX as i128),
    ("int16", i16::MIN as i128, i16::MAX as i128),
    ("uint16", 0, u16::MAX as i128),
    ("int32", i32::MIN as i128, i32::MAX as i128),
    ("uint32", 0, u32::MAX as i128),
    ("int64", i64::MIN as i128, i64::MAX as i128),
    ("uint64", 0, u64::MAX as i128),
];

/// One entry of the error envelope about a field.
fn field_error(code: &str, field: &str, message: &str) -> Value {
    json!({"code": code, "message": message, "field": field})
}

/// Checks every declared query parameter sent (each time it is sent) against its
/// schema: type, format, minimum, maximum, enum as the spec's JSON Schema says, and
/// the range of its integer format. `400 invalid_query_params` with one `field` error
/// per parameter that breaks its schema.
pub(crate) fn check_query(
    api: &ApiSpec,
    route: &Route,
    query: &[(String, String)],
) -> Result<(), Reply> {
    let mut errors = Vec::new();
    for param in &route.query_params {
        for (_, text) in query.iter().filter(|(name, _)| *name == param.name) {
            if let Some(message) = query_violation(api, param, text) {
                errors.push(field_error(QUERY_ERROR, &param.name, &message));
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        errors.truncate(MAX_ERRORS);
        Err(Reply::errors(400, errors))
    }
}

/// Why one value of a query parameter breaks its schema, if it does.
fn query_violation(api: &ApiSpec, param: &QueryParam, text: &str) -> Option<String> {
    if param.epoch_millis && is_epoch_millis(text) {
        return None;
    }
    let value = query_value(&param.schema, text);
    if let Err(violations) = api.schemas.validate(&param.schema, &value) {
        let messages: Vec<&str> = violations.iter().map(|v| v.message.as_str()).collect();
        return Some(format!("{}: {}", param.name, messages.join("; ")));
    }
    integer_format_violation(&param.schema, text).map(|m| format!("{}: {m}", param.name))
}

/// A query value as the JSON its schema's type reads: a number for `integer` and
/// `number`, a boolean for `boolean`, else (and when it is not one) the text itself,
/// which the schema then refuses for its type.
fn query_value(schema: &Value, text: &str) -> Value {
    let as_text = || Value::String(text.to_string());
    match schema.get("type").and_then(Value::as_str) {
        Some("integer") => integer_text(text)
            .and_then(|digits| serde_json::from_str::<Value>(&digits).ok())
            .unwrap_or_else(as_text),
        Some("number") => serde_json::from_str::<Value>(text)
            .ok()
            .filter(Value::is_number)
            .unwrap_or_else(as_text),
        Some("boolean") => match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => as_text(),
        },
        _ => as_text(),
    }
}

/// `text` as a JSON integer literal (`-`, then digits without leading zeros), if it is
/// an integer written in decimal digits.
fn integer_text(text: &str) -> Option<String> {
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let trimmed = digits.trim_start_matches('0');
    Some(if trimmed.is_empty() {
        "0".to_string()
    } else {
        format!("{sign}{trimmed}")
    })
}

/// Why an integer is outside the range of its schema's integer format, if it is.
fn integer_format_violation(schema: &Value, text: &str) -> Option<String> {
    if schema.get("type").and_then(Value::as_str) != Some("integer") {
        return None;
    }
    let format = schema.get("format").and_then(Value::as_str)?;
    let (_, min, max) = INTEGER_FORMATS
        .iter()
        .find(|(name, _, _)| *name == format)?;
    let digits = integer_text(text)?;
    // Beyond i128 is beyond every format.
    let fits = digits
        .parse::<i128>()
        .is_ok_and(|n| (*min..=*max).contains(&n));
    (!fits).then(|| format!("{text} is outside the range of {format} ({min} to {max})"))
}

/// Epoch milliseconds that name a time.
fn is_epoch_millis(text: &str) -> bool {
    text.parse::<i64>()
        .ok()
        .and_then(chrono::DateTime::from_timestamp_millis)
        .is_some()
}

/// The error entry of one way a body breaks its schema: `missing_required_field` or
/// `invalid_field`, with the field's dotted path.
fn body_error(violation: &Violation) -> Value {
    let mut field = violation
        .instance_path
        .trim_start_matches('/')
        .replace('/', ".");
    let required = violation.message.ends_with("is a required property");
    if required {
        if let Some(name) = violation.message.split('"').nth(1) {
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
    field_error(code, &field, &violation.message)
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
        let errors = violations.iter().take(MAX_ERRORS).map(body_error).collect();
        return Err(Reply::errors(422, errors));
    }
    Ok(Some(body))
}
