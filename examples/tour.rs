//! A tour of the crate: who am I, integrations and flows, create an export, run a flow
//! and read its job, page through a virtual export, read and resolve errors, state,
//! and clean up.
//!
//! Without `INTEGRATOR_API_TOKEN` it starts a local sandbox (`integrator_io_sandbox`,
//! seeded with a realistic account) and runs the whole workflow there. With it, it
//! makes read-only calls on the live account (region from `INTEGRATOR_REGION`, or
//! `INTEGRATOR_BASE_URL`); set `INTEGRATOR_LIVE_WRITE=1` as well to run the writing
//! half there too (it creates an export and a flow, runs it, and deletes both).
//!
//! ```text
//! cargo run --example tour
//! INTEGRATOR_API_TOKEN=... cargo run --example tour
//! ```

use std::time::Duration;

use integrator_io::{types, Client, Error};
use integrator_io_sandbox::Sandbox;
use serde_json::{json, Value};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::var_os(integrator_io::ENV_TOKEN).is_some() {
        let client = Client::from_env()?;
        let write = std::env::var("INTEGRATOR_LIVE_WRITE").is_ok_and(|v| v == "1");
        println!(
            "live account at {} ({})",
            client.base_url(),
            if write {
                "INTEGRATOR_LIVE_WRITE=1: the workflow creates, runs and deletes an export and a flow"
            } else {
                "read-only; INTEGRATOR_LIVE_WRITE=1 runs the writing half too"
            }
        );
        read_only(&client).await?;
        if write {
            workflow(&client).await?;
        }
        return Ok(());
    }
    let sandbox = Sandbox::builder().seed(true).start().await?;
    let client = sandbox.client()?;
    println!(
        "no INTEGRATOR_API_TOKEN: touring a local sandbox with a seeded account at {}",
        client.base_url()
    );
    read_only(&client).await?;
    workflow(&client).await?;
    println!("\ntour complete");
    Ok(())
}

/// Calls that change nothing: safe on a production account.
async fn read_only(client: &Client) -> Result<(), Error> {
    let me = client.get_token_info().send().await?;
    println!(
        "\n1. token belongs to user {} (scope {})",
        me.user_id.as_deref().unwrap_or("?"),
        me.scope.as_deref().unwrap_or("?")
    );

    let integrations = client.list_integrations().send().await?;
    println!("2. {} integration(s)", integrations.len());
    for integration in integrations.iter().take(5) {
        println!(
            "   - {} ({})",
            integration.name.as_deref().unwrap_or("unnamed"),
            integration.id.as_deref().unwrap_or("?")
        );
    }

    let flows = client.list_flows().send().await?;
    println!("3. {} flow(s)", flows.len());
    for flow in flows.iter().take(5) {
        println!(
            "   - {} (disabled: {:?})",
            flow.name.as_deref().unwrap_or("unnamed"),
            flow.disabled.value()
        );
    }

    let connections = client.list_connections().send().await?;
    println!("4. {} connection(s)", connections.len());

    let jobs = client.list_jobs().type_("flow").send().await?;
    println!("5. {} recent flow job(s)", jobs.len());
    for job in jobs.iter().take(3) {
        println!(
            "   - job {} is {}",
            job.id.as_deref().unwrap_or("?"),
            job.status.value().map_or("?", |s| s.as_str())
        );
    }
    Ok(())
}

fn typed<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("the tour's bodies match the spec")
}

/// The writing half of the tour.
async fn workflow(client: &Client) -> Result<(), Error> {
    let connections = client.list_connections().send().await?;
    let Some(connection_id) = connections.iter().find_map(|c| c.id.value().cloned()) else {
        println!("\nno connection to build on: the writing half needs one");
        return Ok(());
    };

    let export = client
        .create_export()
        .body(typed::<types::Export>(json!({
            "name": "Tour: new customers",
            "_connectionId": connection_id,
            "asynchronous": true,
            "pageSize": 100,
        })))
        .send()
        .await?;
    let export_id = export.id.value().cloned().unwrap_or_default();
    println!("\n6. created export {export_id} (HTTP {})", export.status());

    let flow = client
        .create_flow()
        .body(typed::<types::Flow>(json!({
            "name": "Tour: new customers flow",
            "disabled": false,
            "pageGenerators": [{"_exportId": export_id}],
        })))
        .send()
        .await?;
    let flow_id = flow.id.value().cloned().unwrap_or_default();
    let run = client.run_flow().id(&flow_id).send().await?;
    let job_id = run.job_id.value().cloned().unwrap_or_default();
    println!("7. created flow {flow_id} and ran it: job {job_id}");

    // A live job may still be queued or running: look a few times.
    let mut job = client.get_job().id(&job_id).send().await?;
    for _ in 0..10 {
        let status = job.status.value().map(|s| s.as_str().to_string());
        if !matches!(status.as_deref(), Some("queued" | "running")) {
            break;
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
        job = client.get_job().id(&job_id).send().await?;
    }
    println!(
        "8. job {job_id} is {} ({} succeeded, {} error(s))",
        job.status.value().map_or("?", |s| s.as_str()),
        job.num_success.value().copied().unwrap_or(0),
        job.num_error.value().copied().unwrap_or(0),
    );

    let mut state: Option<Value> = None;
    let (mut pages, mut records) = (0, 0);
    loop {
        let mut body = json!({"export": {"name": "Tour: customers", "_connectionId": connection_id, "pageSize": 100}});
        if let Some(state) = state.take() {
            body["pagedExportState"] = state;
        }
        let page = client
            .run_paged_virtual_export()
            .id(&connection_id)
            .body(typed::<types::PagedVirtualExportRequest>(body))
            .send()
            .await?
            .into_inner();
        pages += 1;
        records += page.data.value().map_or(0, Vec::len);
        let next = page
            .paged_export_state
            .value()
            .and_then(|s| serde_json::to_value(s).ok());
        let done = next
            .as_ref()
            .and_then(|s| s.get("done"))
            .and_then(Value::as_bool)
            .unwrap_or(true);
        if done || pages >= 50 {
            break;
        }
        state = next;
    }
    println!("9. paged through a virtual export: {records} record(s) in {pages} page(s)");

    let errors = client
        .list_flow_errors()
        .flow_id(&flow_id)
        .step_id(&export_id)
        .send()
        .await?;
    let open: Vec<&types::FlowError> = errors.errors.value().into_iter().flatten().collect();
    println!("10. {} open error(s) on the export step", open.len());
    for error in &open {
        println!(
            "    - {}: {}",
            error.code.as_deref().unwrap_or("?"),
            error.message.as_deref().unwrap_or("")
        );
    }
    let ids: Vec<String> = open
        .iter()
        .filter_map(|e| e.error_id.value().cloned())
        .collect();
    if !ids.is_empty() {
        client
            .resolve_flow_errors()
            .flow_id(&flow_id)
            .step_id(&export_id)
            .body(typed::<types::ResolveErrorsRequest>(json!({"errors": ids})))
            .send()
            .await?;
        println!("    resolved them");
    }

    let answer = client
        .set_state_value()
        .key("tour-last-run")
        .body(typed::<types::StateValue>(
            json!({"at": "2026-01-01T00:00:00Z"}),
        ))
        .send()
        .await?;
    println!("11. state key saved: {}", answer.into_inner());
    let value = client.get_state_value().key("tour-last-run").send().await?;
    println!(
        "    read back: {}",
        serde_json::to_string(&*value).unwrap_or_default()
    );

    client
        .delete_state_value()
        .key("tour-last-run")
        .send()
        .await?;
    client.delete_flow().id(&flow_id).send().await?;
    client.delete_export().id(&export_id).send().await?;
    println!("12. cleaned up the state key, flow {flow_id} and export {export_id}");
    Ok(())
}
