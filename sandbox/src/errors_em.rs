//! EM 2.0 errors per flow step: list (filtered, paged with `nextPageURL` in the body),
//! resolve, retry, and the retry data behind each error.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::dispatch::Call;
use super::error_kinds;
use super::ids::{self, Ids};
use super::reply::Reply;
use super::store::World;

/// Adds one open error on a flow step, with retry data; answers it. Its kind
/// (classification, source, code, message) is the next of [`error_kinds::nth`].
pub(crate) fn add_error(
    world: &mut World,
    ids: &Ids,
    flow_id: &str,
    step_id: &str,
    flow_job_id: &str,
    at: DateTime<Utc>,
) -> Value {
    let error_id = ids.object_id();
    let retry_key = ids.key32();
    let trace_key = (ids.next_u64() % 100_000).to_string();
    let record = json!({
        "id": trace_key,
        "email": format!("customer{trace_key}@example.com"),
        "total": "12.50",
    });
    let kind = error_kinds::nth(world.errors_made);
    world.errors_made = world.errors_made.wrapping_add(1);
    let error = json!({
        "errorId": error_id,
        "occurredAt": ids::iso(at),
        "source": kind.source,
        "code": kind.code,
        "message": kind.message_for(&trace_key),
        "traceKey": trace_key,
        "exportDataURI": null,
        "oIndex": "0",
        "retryDataKey": retry_key,
        "_flowJobId": flow_job_id,
        "classification": kind.classification,
        "classifiedBy": "autopilot",
        "reqAndResKey": ids.key32(),
        "purgeAt": ids::iso(at + chrono::Duration::days(30)),
        "retriable": kind.retriable,
    });
    world.retry_data.insert(
        retry_key,
        json!({"data": record, "stage": "export", "traceKey": trace_key, "dataURI": null}),
    );
    world
        .flow_errors
        .entry((flow_id.to_string(), step_id.to_string()))
        .or_default()
        .insert(error_id, error.clone());
    error
}

/// The flow must exist.
fn flow_exists(call: &Call<'_>) -> Result<(), Reply> {
    let flow = call.param("flowId");
    if call.app.read().get("flows", flow).is_some() {
        Ok(())
    } else {
        Err(Reply::not_found("Flow", flow))
    }
}

fn step_key(call: &Call<'_>) -> (String, String) {
    (
        call.param("flowId").to_string(),
        call.param("stepId").to_string(),
    )
}

/// `GET /flows/{flowId}/{stepId}/errors`: oldest first, filtered by `occurredAt_gte`,
/// `occurredAt_lte` and `source`; `nextPageURL` (absolute, with a `pageToken`) while
/// more exist.
pub(crate) fn list(call: &Call<'_>) -> Reply {
    list_of(call, false)
}

/// `GET /flows/{flowId}/{stepId}/resolved`: the resolved errors, filtered and paged
/// like the open ones.
pub(crate) fn list_resolved(call: &Call<'_>) -> Reply {
    list_of(call, true)
}

fn list_of(call: &Call<'_>, resolved: bool) -> Reply {
    if let Err(reply) = flow_exists(call) {
        return reply;
    }
    let mut bounds = [None, None];
    for (slot, param) in bounds.iter_mut().zip(["occurredAt_gte", "occurredAt_lte"]) {
        if let Some(v) = call.query(param) {
            match ids::parse_time(v) {
                Some(at) => *slot = Some(ids::iso(at)),
                None => {
                    return Reply::field_error(
                        400,
                        "invalid_query",
                        param,
                        format!("{param} must be an ISO-8601 UTC time."),
                    )
                }
            }
        }
    }
    let [after, before] = bounds;
    let source = call.query("source");
    let offset = match call.query("pageToken").map(str::parse::<usize>) {
        None => 0,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            return Reply::field_error(400, "invalid_query", "pageToken", "Unknown pageToken.")
        }
    };
    let size = call.app.config.error_page_size;
    let world = call.app.read();
    let key = step_key(call);
    let listed: Box<dyn Iterator<Item = &Value>> = if resolved {
        Box::new(world.resolved_errors.get(&key).into_iter().flatten())
    } else {
        Box::new(
            world
                .flow_errors
                .get(&key)
                .into_iter()
                .flat_map(|m| m.values()),
        )
    };
    let kept = listed.filter(|e| {
        let at = e
            .get("occurredAt")
            .and_then(Value::as_str)
            .unwrap_or_default();
        after.as_deref().is_none_or(|a| at >= a)
            && before.as_deref().is_none_or(|b| at <= b)
            && source.is_none_or(|s| e.get("source").and_then(Value::as_str) == Some(s))
    });
    let mut page: Vec<&Value> = kept.skip(offset).take(size + 1).collect();
    let more = page.len() > size;
    page.truncate(size);
    let next = more.then(|| {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in &call.query {
            if name != "pageToken" {
                query.append_pair(name, value);
            }
        }
        query.append_pair("pageToken", &(offset + size).to_string());
        format!(
            "{}{}?{}",
            call.app.base_url,
            call.request_path,
            query.finish()
        )
    });
    Reply::json(200, &json!({"errors": page, "nextPageURL": next}))
}

fn strings(body: Option<&Value>, field: &str) -> Vec<String> {
    body.and_then(|b| b.get(field))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// `PUT /flows/{flowId}/{stepId}/resolved`: moves the listed errors to resolved.
pub(crate) fn resolve(call: &Call<'_>) -> Reply {
    if let Err(reply) = flow_exists(call) {
        return reply;
    }
    let wanted = strings(call.body.as_ref(), "errors");
    let key = step_key(call);
    let mut world = call.app.write();
    let mut resolved = Vec::new();
    let mut unknown = Vec::new();
    let now = ids::now();
    for error_id in wanted {
        let taken = world
            .flow_errors
            .get_mut(&key)
            .and_then(|open| open.shift_remove(&error_id));
        match taken {
            Some(mut error) => {
                error["resolvedAt"] = json!(now);
                error["resolvedBy"] = json!(call.user());
                world
                    .resolved_errors
                    .entry(key.clone())
                    .or_default()
                    .push(error);
                resolved.push(error_id);
            }
            None => unknown.push(error_id),
        }
    }
    Reply::json(200, &json!({"resolved": resolved, "notFound": unknown}))
}

/// `POST /flows/{flowId}/{stepId}/retry`: retries the errors with these retry data
/// keys in a `retry` job; the retried errors leave the open list.
pub(crate) fn retry(call: &Call<'_>) -> Reply {
    if let Err(reply) = flow_exists(call) {
        return reply;
    }
    let keys = strings(call.body.as_ref(), "retryDataKeys");
    let (flow_id, step_id) = step_key(call);
    let mut world = call.app.write();
    let retried = match world
        .flow_errors
        .get_mut(&(flow_id.clone(), step_id.clone()))
    {
        Some(open) => {
            let before = open.len();
            open.retain(|_, e| {
                !e.get("retryDataKey")
                    .and_then(Value::as_str)
                    .is_some_and(|k| keys.iter().any(|w| w == k))
            });
            before - open.len()
        }
        None => 0,
    };
    let integration = world
        .get("flows", &flow_id)
        .and_then(|f| f.get("_integrationId"))
        .cloned()
        .unwrap_or(Value::Null);
    let job_id = call.app.ids.object_id();
    let now = ids::now();
    let is_export = world.get("exports", &step_id).is_some();
    let mut job = json!({
        "_id": job_id,
        "type": "retry",
        "status": "completed",
        "_flowId": flow_id,
        "_integrationId": integration,
        "startedAt": now,
        "endedAt": now,
        "numError": 0,
        "numSuccess": retried,
        "numIgnore": 0,
        "numExport": retried,
        "createdAt": now,
        "lastModified": now,
    });
    job[if is_export { "_exportId" } else { "_importId" }] = json!(step_id);
    world.jobs.insert(job_id.clone(), job);
    Reply::json(200, &json!({"_jobId": job_id, "retried": retried}))
}

/// `GET /flows/{flowId}/{stepId}/{retryDataKey}/data`.
pub(crate) fn get_retry_data(call: &Call<'_>) -> Reply {
    if let Err(reply) = flow_exists(call) {
        return reply;
    }
    let key = call.param("retryDataKey");
    match call.app.read().retry_data.get(key) {
        Some(data) => Reply::json(200, data),
        None => Reply::not_found("Retry data", key),
    }
}

/// `PUT /flows/{flowId}/{stepId}/{retryDataKey}/data`: replaces it with the body.
pub(crate) fn put_retry_data(call: &Call<'_>) -> Reply {
    if let Err(reply) = flow_exists(call) {
        return reply;
    }
    let key = call.param("retryDataKey");
    let body = call.body.clone().unwrap_or_else(|| json!({}));
    let mut world = call.app.write();
    match world.retry_data.get_mut(key) {
        Some(data) => {
            *data = body;
            Reply::json(200, data)
        }
        None => Reply::not_found("Retry data", key),
    }
}
