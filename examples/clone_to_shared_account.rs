//! Clones an integration in an account shared with you (`Integrator-AShareId`) as a
//! test copy, and fixes its connection: the copy runs on a NetSuite sandbox connection
//! instead of a copy of the production one (the clone's `connectionMap`). The answer
//! is the new integration, typed.
//!
//! ```text
//! cargo run --example clone_to_shared_account      # a local sandbox that is an account share
//! INTEGRATOR_API_TOKEN=... INTEGRATOR_LIVE_WRITE=1 INTEGRATOR_TARGET_ASHARE_ID=<share id> \
//!     INTEGRATOR_INTEGRATION_ID=<id> INTEGRATOR_CONNECTION_ID=<id> INTEGRATOR_REPLACEMENT_ID=<id> \
//!     cargo run --example clone_to_shared_account
//! ```
//! In the sandbox every request needs the share's header, as on the real API for a user
//! acting in a share; one without it fails with `missing_header`.

mod common;

use std::collections::HashMap;
use std::env::var;

use integrator_io::types::{Connection, Integration};
use integrator_io::{Client, Error, Nullable};

/// The share id the local sandbox stands for.
const SANDBOX_SHARE: &str = "5d4e3f2a1b0c9d8e7f6a5b4c";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let target = common::connect(|sandbox| sandbox.ashare_id(SANDBOX_SHARE)).await?;
    let copy = if target.live() {
        let share = var("INTEGRATOR_TARGET_ASHARE_ID")?;
        let (id, old) = (
            var("INTEGRATOR_INTEGRATION_ID")?,
            var("INTEGRATOR_CONNECTION_ID")?,
        );
        let new = var("INTEGRATOR_REPLACEMENT_ID")?;
        clone_into(&target.client, &share, &id, (&old, &new)).await?
    } else {
        sandbox_clone(&target.client).await?
    };
    println!("the copy: {:?} ({:?})", copy.name, copy.id);
    Ok(())
}

/// Clones `integration` in the account share `share` as "… (test)", the copies using
/// the connection `to` wherever the original uses the connection `from`.
async fn clone_into(
    client: &Client,
    share: &str,
    id: &str,
    (from, to): (&str, &str),
) -> Result<Integration, Error> {
    let shared = client.with_ashare_id(share)?;
    let original = shared.get_integration().id(id).send().await?;
    let name = format!("{} (test)", original.name.as_deref().unwrap_or_default());
    let map = HashMap::from([(from.to_string(), to.to_string())]);
    let call = shared.clone_integration().id(id);
    let copy = call
        .body_map(|body| body.name(name).connection_map(map))
        .send()
        .await?;
    Ok(copy.into_inner())
}

/// In the sandbox: the Shopify - NetSuite integration, its production NetSuite
/// connection replaced by a new sandbox one.
async fn sandbox_clone(client: &Client) -> Result<Integration, Box<dyn std::error::Error>> {
    let shared = client.with_ashare_id(SANDBOX_SHARE)?;
    let connections = shared.list_connections().collect_all().await?;
    let named = |c: &&Connection| c.name.as_deref() == Some("NetSuite production");
    let production = connections
        .iter()
        .find(named)
        .ok_or("no NetSuite connection")?;
    let test = Connection {
        name: "NetSuite sandbox".into(),
        type_: production.type_.clone(),
        sandbox: true.into(),
        ..Default::default()
    };
    let test = shared
        .create_connection()
        .body(test)
        .send()
        .await?
        .into_inner();
    let id = |field: &Nullable<String>| field.as_deref().unwrap_or_default().to_string();
    let (integration, old, new) = (
        id(&production.integration_id),
        id(&production.id),
        id(&test.id),
    );
    let copy = clone_into(client, SANDBOX_SHARE, &integration, (&old, &new)).await?;
    // The copy's NetSuite import runs on the new connection.
    for import in shared.list_imports().collect_all().await? {
        if import.integration_id == copy.id {
            let on_new = import.connection_id.as_deref() == Some(new.as_str());
            println!(
                "copied import {:?}: on the new connection: {on_new}",
                import.name
            );
        }
    }
    Ok(copy)
}
