//! Data Loader syncs: a run queues a sync job with one child job per table (kept
//! `running` until cancelled), `409` while one is in progress; jobs are listed per
//! sync, their per-table family per job, and cancelled one by one or all at once.

use serde_json::{json, Map, Value};

use super::dispatch::Call;
use super::paging::{self, Page};
use super::reply::Reply;
use super::store::World;

const SYNCS: &str = "syncs";
const JOBS: &str = "syncjobs";

fn is(doc: &Value, field: &str, value: &str) -> bool {
    doc.get(field).and_then(Value::as_str) == Some(value)
}

fn running(job: &Value) -> bool {
    is(job, "status", "queued") || is(job, "status", "running")
}

fn jobs_of<'w>(world: &'w World, sync: &'w str) -> impl Iterator<Item = &'w Value> + 'w {
    world
        .collection(JOBS)
        .into_iter()
        .flat_map(|c| c.values())
        .filter(move |j| is(j, "_syncId", sync) && j.get("_parentJobId").is_none())
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// `POST /syncs/{syncId}/run`: `201` with the queued job ids.
pub(crate) fn run(call: &Call<'_>) -> Reply {
    let sync = call.param("syncId");
    let run_type = call
        .body
        .as_ref()
        .and_then(|b| b.get("runType"))
        .cloned()
        .unwrap_or(json!("normal"));
    let mut world = call.app.write();
    let Some(definition) = world.get(SYNCS, sync).cloned() else {
        return Reply::not_found("Sync", sync);
    };
    if jobs_of(&world, sync).any(running) {
        return Reply::error(
            409,
            "sync_job_already_queued",
            "A job of this sync is already queued.",
        );
    }
    let group = call.app.ids.object_id();
    let started = super::ids::now();
    let job = json!({"_syncId": sync, "status": "running", "runType": run_type,
        "flowExecutionGroupId": group, "startedAt": started});
    let Some(parent) = world.create(&call.app.ids, JOBS, object(job)) else {
        return Reply::error(500, "internal", "The job was not stored.");
    };
    let parent_id = parent["_id"].as_str().unwrap_or_default().to_string();
    let tables = definition
        .get("tables")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for table in tables {
        let child = json!({"_syncId": sync, "_parentJobId": parent_id, "status": "running",
            "table": table, "startedAt": started});
        world.create(&call.app.ids, JOBS, object(child));
    }
    Reply::json(
        201,
        &json!({"_jobIds": [parent_id], "flowExecutionGroupId": group}),
    )
}

/// `GET /syncJobs/{syncJobId}`.
pub(crate) fn get(call: &Call<'_>) -> Reply {
    let id = call.param("syncJobId");
    match call.app.read().get(JOBS, id) {
        Some(job) => Reply::json(200, job),
        None => Reply::not_found("Sync job", id),
    }
}

/// `GET /syncs/{syncId}/syncJobs`: the sync's top-level jobs, paged.
pub(crate) fn list(call: &Call<'_>) -> Reply {
    let sync = call.param("syncId");
    let world = call.app.read();
    if world.get(SYNCS, sync).is_none() {
        return Reply::not_found("Sync", sync);
    }
    let jobs: Vec<&Value> = jobs_of(&world, sync).collect();
    let page = Page::of(call);
    let range = page.range(jobs.len());
    paging::answer(call, page, jobs.len(), jobs[range].iter().copied())
}

/// `GET /syncJobs/{syncJobId}/family`: the per-table child jobs.
pub(crate) fn family(call: &Call<'_>) -> Reply {
    let id = call.param("syncJobId");
    let world = call.app.read();
    if world.get(JOBS, id).is_none() {
        return Reply::not_found("Sync job", id);
    }
    let children: Vec<&Value> = world
        .collection(JOBS)
        .into_iter()
        .flat_map(|c| c.values())
        .filter(|j| is(j, "_parentJobId", id))
        .collect();
    Reply::json(200, &json!(children))
}

/// Cancels the running jobs `pick` selects; answers how many.
fn cancel_where(world: &mut World, pick: impl Fn(&Value) -> bool) -> usize {
    let now = super::ids::now();
    let mut cancelled = 0;
    if let Some(jobs) = world.collection_mut(JOBS) {
        for job in jobs.values_mut().filter(|j| running(j) && pick(j)) {
            job["status"] = json!("canceled");
            job["endedAt"] = json!(now);
            cancelled += 1;
        }
    }
    cancelled
}

/// `PUT /syncs/{syncId}/syncJobs/cancel`.
pub(crate) fn cancel_all(call: &Call<'_>) -> Reply {
    let sync = call.param("syncId");
    let mut world = call.app.write();
    if world.get(SYNCS, sync).is_none() {
        return Reply::not_found("Sync", sync);
    }
    cancel_where(&mut world, |j| is(j, "_syncId", sync));
    Reply::empty(204)
}

/// `PUT /syncJobs/{syncJobId}/cancel`: the job and its children.
pub(crate) fn cancel(call: &Call<'_>) -> Reply {
    let id = call.param("syncJobId");
    let mut world = call.app.write();
    if world.get(JOBS, id).is_none() {
        return Reply::not_found("Sync job", id);
    }
    cancel_where(&mut world, |j| {
        is(j, "_id", id) || is(j, "_parentJobId", id)
    });
    Reply::empty(204)
}
