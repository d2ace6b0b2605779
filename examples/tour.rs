//! A tour of the crate: who am I, integrations and flows, create an export, run a flow
//! and read its job, page through a virtual export, read and resolve errors, state,
//! and clean up.
//!
//! Without `INTEGRATOR_API_TOKEN` it runs against a local mock that answers with the
//! documented responses. With it, it makes read-only calls on the live account (region
//! from `INTEGRATOR_REGION`, or `INTEGRATOR_BASE_URL`).
//!
//! ```text
//! cargo run --example tour
//! INTEGRATOR_API_TOKEN=... cargo run --example tour
//! ```

#[path = "support/documented_mock.rs"]
mod documented_mock;

use integrator_io::{types, Client, Error};
use serde_json::json;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::var_os(integrator_io::ENV_TOKEN).is_some() {
        let client = Client::from_env()?;
        println!("live account at {} (read-only)", client.base_url());
        return Ok(read_only(&client).await?);
    }
    let mock = documented_mock::start().await?;
    let client = Client::builder()
        .token("tour-token")
        .base_url(mock.url("/v1"))
        .build()?;
    println!(
        "no INTEGRATOR_API_TOKEN: touring a local mock of the documented responses at {}",
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

/// The writing half of the tour (mock only).
async fn workflow(client: &Client) -> Result<(), Error> {
    let connection_id = "5a6b7c8d9e0f1a2b3c4d5e6f";
    let export: types::Export = serde_json::from_value(json!({
        "name": "Tour: new customers",
        "_connectionId": connection_id,
        "asynchronous": true,
    }))
    .expect("a valid export");
    let created = client.create_export().body(export).send().await?;
    let export_id = created
        .id
        .value()
        .cloned()
        .unwrap_or_else(|| "5f0c0ffee0ddba11deadbeef".into());
    println!(
        "\n6. created export {export_id} (HTTP {})",
        created.status()
    );

    let flow_id = "5b6c7d8e9f0a1b2c3d4e5f60";
    let run = client.run_flow().id(flow_id).send().await?;
    println!(
        "7. ran flow {flow_id}: {}",
        serde_json::to_string(&*run).unwrap_or_default()
    );

    let job = client
        .get_job()
        .id("5c6d7e8f9a0b1c2d3e4f5a6b")
        .send()
        .await?;
    println!(
        "8. job {} status {} ({} succeeded, {} errors)",
        job.id.as_deref().unwrap_or("?"),
        job.status.value().map_or("?", |s| s.as_str()),
        job.num_success.value().copied().unwrap_or(0),
        job.num_error.value().copied().unwrap_or(0),
    );

    let page = client
        .run_paged_virtual_export()
        .id(connection_id)
        .body(
            serde_json::from_value::<types::PagedVirtualExportRequest>(
                json!({"export": {"_connectionId": connection_id}}),
            )
            .expect("valid"),
        )
        .send()
        .await?;
    println!(
        "9. virtual export page: {} record(s), done: {:?}",
        page.data.value().map_or(0, |d| d.len()),
        page.paged_export_state
            .value()
            .and_then(|s| s.done.value().copied()),
    );

    let errors = client
        .list_flow_errors()
        .flow_id(flow_id)
        .step_id(&export_id)
        .send()
        .await?;
    let ids: Vec<String> = errors
        .errors
        .value()
        .into_iter()
        .flatten()
        .filter_map(|e| e.error_id.value().cloned())
        .collect();
    println!("10. {} open error(s) on the step", ids.len());
    if !ids.is_empty() {
        let body: types::ResolveErrorsRequest =
            serde_json::from_value(json!({"errors": ids})).expect("valid");
        client
            .resolve_flow_errors()
            .flow_id(flow_id)
            .step_id(&export_id)
            .body(body)
            .send()
            .await?;
        println!("    resolved them");
    }

    let answer = client
        .set_state_value()
        .key("tour-last-run")
        .body(json!({"at": "2026-01-01T00:00:00Z"}))
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
    client.delete_export().id(&export_id).send().await?;
    println!("12. cleaned up the state key and export {export_id}");
    Ok(())
}
