//! Error automation, the use case the integrator.io docs describe: list the EM 2.0
//! errors of every flow step, retry those a rule can fix (after fixing their retry
//! data), resolve the rest, and print what was done.
//!
//! The rule here: an `invalid_value` error whose record carries `total` as a string
//! that parses as a number gets `total` rewritten as a number and is retried; every
//! other error is resolved.
//!
//! ```text
//! cargo run --example error_automation                       # a seeded local sandbox
//! INTEGRATOR_API_TOKEN=... cargo run --example error_automation   # live: a dry run
//! INTEGRATOR_API_TOKEN=... INTEGRATOR_LIVE_WRITE=1 cargo run --example error_automation
//! ```

mod common;

use futures::TryStreamExt;
use integrator_io::{types, Client, Error};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let target = common::connect(|sandbox| sandbox).await?;
    let client = &target.client;
    let write = target.may_write();
    if !write {
        println!("live and read-only: a dry run (set INTEGRATOR_LIVE_WRITE=1 to act)");
    }
    let (mut retried, mut resolved) = (0, 0);
    let mut flows = client.list_flows().stream();
    while let Some(flow) = flows.try_next().await? {
        let (Some(flow_id), name) = (
            flow.id.value().cloned(),
            flow.name.value().cloned().unwrap_or_default(),
        ) else {
            continue;
        };
        for step_id in steps(&flow)? {
            let errors = client
                .list_flow_errors()
                .flow_id(&flow_id)
                .step_id(&step_id)
                .collect_all()
                .await?;
            if errors.is_empty() {
                continue;
            }
            println!("{name} / step {step_id}: {} open errors", errors.len());
            let mut to_retry = Vec::new();
            let mut to_resolve = Vec::new();
            for error in errors {
                let error_id = error.error_id.value().cloned().unwrap_or_default();
                let code = error.code.value().cloned().unwrap_or_default();
                match error.retry_data_key.value() {
                    Some(key) if code == "invalid_value" => {
                        if fix_retry_data(client, &flow_id, &step_id, key, write).await? {
                            println!("  retry   {error_id} ({code}): total made a number");
                            to_retry.push(key.clone());
                            continue;
                        }
                        println!(
                            "  resolve {error_id} ({code}): the record cannot be fixed by the rule"
                        );
                    }
                    _ => println!("  resolve {error_id} ({code}): no rule for it"),
                }
                to_resolve.push(error_id);
            }
            if write && !to_retry.is_empty() {
                let body = types::RetryErrorsRequest {
                    retry_data_keys: to_retry.clone(),
                    extra: Default::default(),
                };
                client
                    .retry_flow_errors()
                    .flow_id(&flow_id)
                    .step_id(&step_id)
                    .body(body)
                    .send()
                    .await?;
            }
            if write && !to_resolve.is_empty() {
                let body = types::ResolveErrorsRequest {
                    errors: to_resolve.clone(),
                    extra: Default::default(),
                };
                client
                    .resolve_flow_errors()
                    .flow_id(&flow_id)
                    .step_id(&step_id)
                    .body(body)
                    .send()
                    .await?;
            }
            retried += to_retry.len();
            resolved += to_resolve.len();
        }
    }
    let verb = if write { "" } else { "would have " };
    println!("\n{verb}retried {retried} errors and {verb}resolved {resolved}");
    Ok(())
}

/// A flow's step ids: its exports (page generators) and imports (page processors).
fn steps(flow: &types::Flow) -> Result<Vec<String>, serde_json::Error> {
    let json = serde_json::to_value(flow)?;
    let mut steps = Vec::new();
    for (list, key) in [
        ("pageGenerators", "_exportId"),
        ("pageProcessors", "_importId"),
    ] {
        for step in json[list].as_array().into_iter().flatten() {
            if let Some(id) = step.get(key).and_then(Value::as_str) {
                steps.push(id.to_string());
            }
        }
    }
    Ok(steps)
}

/// Applies the rule to one error's retry data; `true` when it was fixed (and, when
/// `write`, saved).
async fn fix_retry_data(
    client: &Client,
    flow: &str,
    step: &str,
    key: &str,
    write: bool,
) -> Result<bool, Error> {
    let data = client
        .get_flow_error_retry_data()
        .flow_id(flow)
        .step_id(step)
        .retry_data_key(key)
        .send()
        .await?
        .into_inner();
    let mut json = serde_json::to_value(&data).unwrap_or_default();
    let Some(total) = json
        .pointer("/data/total")
        .and_then(Value::as_str)
        .and_then(|t| t.parse::<f64>().ok())
    else {
        return Ok(false);
    };
    json["data"]["total"] = Value::from(total);
    if write {
        let fixed: types::RetryData =
            serde_json::from_value(json).map_err(|e| Error::InvalidRequest {
                operation: "updateFlowErrorRetryData",
                message: e.to_string(),
            })?;
        client
            .update_flow_error_retry_data()
            .flow_id(flow)
            .step_id(step)
            .retry_data_key(key)
            .body(fixed)
            .send()
            .await?;
    }
    Ok(true)
}
