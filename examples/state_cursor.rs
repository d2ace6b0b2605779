//! The state API as a cursor store: each run handles only the jobs of a flow created
//! since the run before, the cursor kept in the flow's own state (`/flows/{id}/state`)
//! as a typed value. Run twice here: the second run finds nothing new.
//!
//! ```text
//! cargo run --example state_cursor                            # a seeded local sandbox
//! INTEGRATOR_API_TOKEN=... INTEGRATOR_LIVE_WRITE=1 cargo run --example state_cursor
//! ```

mod common;

use chrono::{DateTime, Utc};
use integrator_io::types::{Job, StateResourceType::Flows};
use integrator_io::{Client, Error};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let target = common::connect(|sandbox| sandbox).await?;
    let flows = target.client.list_flows().send().await?;
    let flow_id = flows.first().and_then(|flow| flow.id.value());
    let (Some(flow_id), true) = (flow_id, target.may_write()) else {
        return Err("needs a flow, and INTEGRATOR_LIVE_WRITE=1 on a live account".into());
    };
    for run in ["first", "second"] {
        let jobs = new_jobs(&target.client, flow_id).await?;
        println!("{run} run: {} new jobs of flow {flow_id}", jobs.len());
    }
    Ok(())
}

/// The jobs of the flow created since the cursor (all of them the first time); the
/// cursor then moves to the time the listing started.
async fn new_jobs(client: &Client, flow_id: &str) -> Result<Vec<Job>, Error> {
    let cursor = client.state().under(Flows, flow_id);
    let since: DateTime<Utc> = cursor.get("jobs-since").await?.unwrap_or_default();
    let now = Utc::now();
    let jobs = client.list_jobs().flow_id(flow_id).created_at_gte(since);
    let jobs = jobs.collect_all().await?;
    cursor.set("jobs-since", &now).await?;
    Ok(jobs)
}
