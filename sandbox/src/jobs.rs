//! Jobs: flow runs create them (a flow job, a child export job, and one error on the
//! first step); `GET /jobs` filters them as documented, newest first.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::dispatch::Call;
use super::errors_em;
use super::ids::{self, Ids};
use super::paging::{self, Page};
use super::reply::Reply;
use super::store::World;

/// The export and import ids a flow runs, in order.
pub(crate) fn flow_steps(flow: &Value) -> Vec<String> {
    let mut steps = Vec::new();
    let mut push = |v: Option<&Value>| {
        if let Some(id) = v.and_then(Value::as_str) {
            if !id.is_empty() && !steps.iter().any(|s| s == id) {
                steps.push(id.to_string());
            }
        }
    };
    let listed = |key| {
        flow.get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
    };
    push(flow.get("_exportId"));
    for generator in listed("pageGenerators") {
        push(generator.get("_exportId"));
    }
    push(flow.get("_importId"));
    for processor in listed("pageProcessors") {
        push(processor.get("_exportId"));
        push(processor.get("_importId"));
    }
    steps
}

/// Records one finished run of `flow` at `at`: the flow job, a child job for the first
/// step, and (when `with_error`) one open error with retry data on that step.
/// Answers the flow job's id.
pub(crate) fn record_run(
    world: &mut World,
    ids: &Ids,
    flow: &Value,
    at: DateTime<Utc>,
    status: &str,
    with_error: bool,
) -> String {
    let flow_id = flow.get("_id").and_then(Value::as_str).unwrap_or_default();
    let integration = flow.get("_integrationId").cloned().unwrap_or(Value::Null);
    let started = ids::iso(at);
    let ended = ids::iso(at + chrono::Duration::milliseconds(1234));
    let steps = flow_steps(flow);
    let errors = u64::from(with_error && !steps.is_empty());
    let job_id = ids.object_id();
    let job = json!({
        "_id": job_id,
        "type": "flow",
        "status": status,
        "_integrationId": integration,
        "_flowId": flow_id,
        "startedAt": started,
        "endedAt": ended,
        "numError": errors,
        "numSuccess": 2 - errors,
        "numIgnore": 0,
        "numExport": 2,
        "numResolved": 0,
        "numPagesGenerated": 1,
        "numPagesProcessed": 1,
        "retriable": errors > 0,
        "doneExporting": true,
        "createdAt": started,
        "lastModified": ended,
    });
    world.jobs.insert(job_id.clone(), job);
    if let Some(step) = steps.first() {
        let child_id = ids.object_id();
        let is_export = world.get("exports", step).is_some();
        let mut child = json!({
            "_id": child_id,
            "type": if is_export { "export" } else { "import" },
            "status": status,
            "_integrationId": integration,
            "_flowId": flow_id,
            "_flowJobId": job_id,
            "_parentJobId": job_id,
            "startedAt": started,
            "endedAt": ended,
            "numError": errors,
            "numSuccess": 2 - errors,
            "numIgnore": 0,
            "numExport": 2,
            "createdAt": started,
            "lastModified": ended,
        });
        child[if is_export { "_exportId" } else { "_importId" }] = json!(step);
        world.jobs.insert(child_id, child);
        if errors > 0 {
            let error = errors_em::add_error(world, ids, flow_id, step, &job_id, at);
            let job_error = json!({
                "createdAt": started,
                "code": error.get("code"),
                "message": error.get("message"),
                "source": error.get("source"),
                "resolved": false,
                "retry": false,
                "_flowJobId": job_id,
                "_stepId": step,
            });
            world
                .job_errors
                .entry(job_id.clone())
                .or_default()
                .push(job_error);
        }
    }
    if let Some(Value::Object(stored)) = world
        .collection_mut("flows")
        .and_then(|c| c.get_mut(flow_id))
    {
        stored.insert("lastExecutedAt".into(), json!(started));
    }
    job_id
}

/// `POST /flows/{id}/run`: `201 {"_jobId": ...}`; the job is completed at once.
pub(crate) fn run_flow(call: &Call<'_>, id: &str) -> Reply {
    let mut world = call.app.write();
    let Some(flow) = world.get("flows", id).cloned() else {
        return Reply::not_found("Flow", id);
    };
    let job_id = record_run(
        &mut world,
        &call.app.ids,
        &flow,
        Utc::now(),
        "completed",
        true,
    );
    Reply::json(201, &json!({ "_jobId": job_id }))
}

/// One `GET /jobs` filter.
enum Filter {
    Equals(&'static str, String),
    In(&'static str, Vec<String>),
    Before(String),
    After(String),
    AtMost(&'static str, i64),
    AtLeast(&'static str, i64),
    Bool(&'static str, bool),
}

impl Filter {
    fn keeps(&self, job: &Value) -> bool {
        let text = |field: &str| job.get(field).and_then(Value::as_str).unwrap_or_default();
        let number = |field: &str| job.get(field).and_then(Value::as_i64).unwrap_or(0);
        match self {
            Filter::Equals(field, want) => text(field) == want,
            Filter::In(field, wanted) => wanted.iter().any(|w| w == text(field)),
            // ISO-8601 UTC with milliseconds sorts as text.
            Filter::Before(at) => text("createdAt") <= at.as_str(),
            Filter::After(at) => text("createdAt") >= at.as_str(),
            Filter::AtMost(field, n) => number(field) <= *n,
            Filter::AtLeast(field, n) => number(field) >= *n,
            Filter::Bool(field, want) => {
                job.get(*field).and_then(Value::as_bool).unwrap_or(false) == *want
            }
        }
    }
}

fn filters(call: &Call<'_>) -> Result<Vec<Filter>, Reply> {
    let mut out = Vec::new();
    for field in [
        "_integrationId",
        "_exportId",
        "_importId",
        "_flowId",
        "_flowJobId",
        "_bulkJobId",
        "status",
        "type",
    ] {
        if let Some(v) = call.query(field) {
            out.push(Filter::Equals(field, v.to_string()));
        }
    }
    for (param, field) in [("_flowId_in", "_flowId"), ("type_in", "type")] {
        if let Some(v) = call.query(param) {
            out.push(Filter::In(
                field,
                v.split(',').map(|s| s.trim().to_string()).collect(),
            ));
        }
    }
    for (param, before) in [("createdAt_lte", true), ("createdAt_gte", false)] {
        if let Some(v) = call.query(param) {
            let Some(at) = ids::parse_time(v) else {
                return Err(Reply::field_error(
                    400,
                    "invalid_query_params",
                    param,
                    format!("{param} must be an ISO-8601 time or epoch milliseconds."),
                ));
            };
            let at = ids::iso(at);
            out.push(if before {
                Filter::Before(at)
            } else {
                Filter::After(at)
            });
        }
    }
    for field in ["numSuccess", "numExport", "numIgnore"] {
        for (suffix, at_most) in [("_lte", true), ("_gte", false)] {
            let param = format!("{field}{suffix}");
            if let Some(v) = call.query(&param) {
                // Validated as a non-negative integer; beyond i64 it saturates.
                let Some(n) = paging::count(v).map(|n| i64::try_from(n).unwrap_or(i64::MAX)) else {
                    return Err(Reply::field_error(
                        400,
                        "invalid_query_params",
                        &param,
                        format!("{param} must be an integer."),
                    ));
                };
                out.push(if at_most {
                    Filter::AtMost(field, n)
                } else {
                    Filter::AtLeast(field, n)
                });
            }
        }
    }
    if let Some(v) = call.query("retriable") {
        out.push(Filter::Bool("retriable", v == "true"));
    }
    Ok(out)
}

/// `GET /jobs`: newest first, filtered, paged.
pub(crate) fn list(call: &Call<'_>) -> Reply {
    let filters = match filters(call) {
        Ok(f) => f,
        Err(reply) => return reply,
    };
    let world = call.app.read();
    let page = Page::of(call);
    let total = world.jobs.len();
    if filters.is_empty() {
        // Newest first without scanning: index from the end.
        let range = page.range(total);
        let window = range.filter_map(|i| world.jobs.get_index(total - 1 - i).map(|(_, j)| j));
        return paging::answer(call, page, total, window);
    }
    let kept: Vec<&Value> = world
        .jobs
        .values()
        .rev()
        .filter(|job| filters.iter().all(|f| f.keeps(job)))
        .collect();
    let range = page.range(kept.len());
    paging::answer(call, page, kept.len(), kept[range].iter().copied())
}

/// `GET /jobs/{id}`.
pub(crate) fn get(call: &Call<'_>, id: &str) -> Reply {
    match call.app.read().jobs.get(id) {
        Some(job) => Reply::json(200, job),
        None => Reply::not_found("Job", id),
    }
}

/// `GET /jobs/{id}/joberrors`: `204` when the job has none.
pub(crate) fn errors(call: &Call<'_>, id: &str) -> Reply {
    let world = call.app.read();
    if !world.jobs.contains_key(id) {
        return Reply::not_found("Job", id);
    }
    let list = world.job_errors.get(id).map(Vec::as_slice).unwrap_or(&[]);
    let page = Page {
        skip: 0,
        limit: usize::MAX,
    };
    paging::answer(call, page, list.len(), list.iter())
}

/// `GET /jobs/{id}/errorFile/signedURL`.
pub(crate) fn error_file_url(call: &Call<'_>, id: &str) -> Reply {
    if !call.app.read().jobs.contains_key(id) {
        return Reply::not_found("Job", id);
    }
    Reply::json(
        200,
        &json!({
            "signedURL": format!(
                "{}/jobs/{id}/errorFile?signature={}",
                call.app.base_url,
                call.app.ids.key32()
            ),
        }),
    )
}
