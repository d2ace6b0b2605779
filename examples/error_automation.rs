//! Error automation, the use case the integrator.io docs describe: for every step of
//! every flow (of every integration), read the open EM 2.0 errors and act on their
//! classification: retry those that may pass on a second try (`connection`,
//! `intermittent`), resolve `duplicate`s (the record is already there), leave the rest
//! for a person.
//!
//! ```text
//! cargo run --example error_automation                       # a seeded local sandbox
//! INTEGRATOR_API_TOKEN=... cargo run --example error_automation   # live: a dry run
//! INTEGRATOR_API_TOKEN=... INTEGRATOR_LIVE_WRITE=1 cargo run --example error_automation
//! ```
//! `tests/error_automation_job.rs` runs [`automate`] against typed mocks.

mod common;

use futures::TryStreamExt;
use integrator_io::types::ErrorClassification::{Connection, Duplicate, Intermittent};
use integrator_io::{Client, Error};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let target = common::connect(|sandbox| sandbox).await?;
    Ok(automate(&target.client, target.may_write()).await?)
}

/// Applies the rule to the open errors of every flow step and prints what it does;
/// nothing is retried or resolved unless `write`.
pub async fn automate(client: &Client, write: bool) -> Result<(), Error> {
    let mut flows = client.list_flows().stream();
    while let Some(flow) = flows.try_next().await? {
        let flow_id = flow.id.as_deref().unwrap_or_default();
        for step in flow.steps() {
            let errors = client.step_errors(flow_id, &step.id);
            let (mut retry, mut resolve) = (Vec::new(), Vec::new());
            for e in errors.list().await? {
                match e.classification.value() {
                    Some(Connection | Intermittent) => retry.extend(e.retry_data_key.into_option()),
                    Some(Duplicate) => resolve.extend(e.error_id.into_option()),
                    _ => {}
                }
            }
            println!(
                "{flow_id}/{}: retry {retry:?}, resolve {resolve:?}",
                step.id
            );
            if write {
                errors.retry(retry).await?;
                errors.resolve(resolve).await?;
            }
        }
    }
    Ok(())
}
