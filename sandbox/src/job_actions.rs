//! Jobs beyond the list: the latest jobs of a flow or integration, the jobs in
//! progress, cancelling one, and the links to its diagnostics and raw files.

use serde_json::{json, Value};

use super::dispatch::Call;
use super::reply::Reply;

/// Statuses of a job that has not finished.
fn in_progress(job: &Value) -> bool {
    matches!(
        job.get("status").and_then(Value::as_str),
        Some("queued" | "running")
    )
}

fn field_is(job: &Value, field: &str, value: &str) -> bool {
    job.get(field).and_then(Value::as_str) == Some(value)
}

/// `GET /flows/{id}/jobs/latest` (`field` `_flowId`) and
/// `GET /integrations/{id}/jobs/latest` (`_integrationId`): the newest flow job of the
/// flow, or of each flow of the integration; `[]` when none ran yet.
pub(crate) fn latest(call: &Call<'_>, collection: &str, field: &str, id: &str) -> Reply {
    let world = call.app.read();
    if world.get(collection, id).is_none() {
        return Reply::not_found(collection.trim_end_matches('s'), id);
    }
    let mut newest: Vec<&Value> = Vec::new();
    for job in world.jobs.values().rev() {
        if !field_is(job, field, id) || !field_is(job, "type", "flow") {
            continue;
        }
        let flow = job.get("_flowId");
        if !newest.iter().any(|j| j.get("_flowId") == flow) {
            newest.push(job);
        }
    }
    Reply::json(200, &json!(newest))
}

/// `POST /jobs/current`: jobs queued or running, filtered by the body's `_flowId`
/// and `_integrationId`.
pub(crate) fn current(call: &Call<'_>) -> Reply {
    let (flow, integration) = (call.body_str("_flowId"), call.body_str("_integrationId"));
    let world = call.app.read();
    let jobs: Vec<&Value> = world
        .jobs
        .values()
        .filter(|job| in_progress(job))
        .filter(|job| flow.is_none_or(|f| field_is(job, "_flowId", f)))
        .filter(|job| integration.is_none_or(|i| field_is(job, "_integrationId", i)))
        .collect();
    Reply::json(200, &json!(jobs))
}

/// `PUT /jobs/{id}/cancel`: a job in progress becomes `canceled` with its children;
/// one that already finished is `422`.
pub(crate) fn cancel(call: &Call<'_>, id: &str) -> Reply {
    let mut world = call.app.write();
    let Some(job) = world.jobs.get(id) else {
        return Reply::not_found("Job", id);
    };
    if !in_progress(job) {
        return Reply::unprocessable(
            "invalid_job_state",
            "status",
            "The job has already finished.",
        );
    }
    let now = super::ids::now();
    for job in world.jobs.values_mut() {
        let mine = field_is(job, "_id", id) || field_is(job, "_flowJobId", id);
        if mine && in_progress(job) {
            job["status"] = json!("canceled");
            job["endedAt"] = json!(now);
            job["lastModified"] = json!(now);
        }
    }
    Reply::empty(204)
}

fn signed(call: &Call<'_>, what: &str) -> String {
    format!(
        "{}/{what}?signature={}",
        call.app.base_url,
        call.app.ids.key32()
    )
}

/// `GET /jobs/{id}/diagnostics`.
pub(crate) fn diagnostics(call: &Call<'_>, id: &str) -> Reply {
    if !call.app.read().jobs.contains_key(id) {
        return Reply::not_found("Job", id);
    }
    let url = signed(call, &format!("jobs/{id}/diagnostics.zip"));
    Reply::json(200, &json!({ "signedURL": url }))
}

/// `POST /jobs/{id}/files/signedURL`: a link per requested file id.
pub(crate) fn file_urls(call: &Call<'_>, id: &str) -> Reply {
    if !call.app.read().jobs.contains_key(id) {
        return Reply::not_found("Job", id);
    }
    let files = call.body_strings("fileIds");
    if files.is_empty() {
        return Reply::unprocessable("invalid_field", "fileIds", "Give at least one file id.");
    }
    let urls: Vec<Value> = files
        .iter()
        .map(|f| json!({"fileId": f, "signedURL": signed(call, &format!("jobs/{id}/files/{f}"))}))
        .collect();
    Reply::json(200, &json!({ "signedURLs": urls }))
}
