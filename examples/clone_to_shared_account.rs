//! Clones an integration and its flows into an account shared with you
//! (`Integrator-AShareId`): reads them from your own account and creates copies in the
//! shared one, pointing the copied flows at the new integration.
//!
//! ```text
//! cargo run --example clone_to_shared_account      # two local sandboxes: yours and the shared one
//! INTEGRATOR_API_TOKEN=... INTEGRATOR_LIVE_WRITE=1 INTEGRATOR_TARGET_ASHARE_ID=<share id> \
//!     cargo run --example clone_to_shared_account
//! ```
//! In the sandbox the shared account is a second sandbox that requires the header, so
//! a request without it fails there with `missing_header`, as on the real API.

mod common;

use futures::TryStreamExt;
use integrator_io::{types, Client, Error, Nullable};
use integrator_io_sandbox::Sandbox;

/// The share id the second sandbox stands for.
const SANDBOX_SHARE: &str = "5d4e3f2a1b0c9d8e7f6a5b4c";

/// Server-set fields that a copy must not send.
const SERVER_FIELDS: &[&str] = &["_id", "createdAt", "lastModified"];

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let source = common::connect(|sandbox| sandbox).await?;
    // The shared account: live, the same token with the share's header; in the sandbox, a
    // second sandbox set up as an account shared under SANDBOX_SHARE.
    let (shared, _shared_sandbox) = match &source.sandbox {
        None => {
            if !source.may_write() {
                println!("live and read-only: set INTEGRATOR_LIVE_WRITE=1 and INTEGRATOR_TARGET_ASHARE_ID");
                return Ok(());
            }
            let share = std::env::var("INTEGRATOR_TARGET_ASHARE_ID")?;
            (source.client.with_ashare_id(&share)?, None)
        }
        Some(own) => {
            let other = Sandbox::builder()
                .token(own.token())
                .ashare_id(SANDBOX_SHARE)
                .start()
                .await?;
            let bare = Client::builder()
                .token(other.token())
                .base_url(other.base_url())
                .build()?;
            match bare.list_integrations().send().await {
                Err(Error::Api(e)) if e.has_code("missing_header") => {
                    println!("the shared account refuses requests without Integrator-AShareId (missing_header)")
                }
                other => println!("unexpected answer without the header: {other:?}"),
            }
            (bare.with_ashare_id(SANDBOX_SHARE)?, Some(other))
        }
    };
    let own = &source.client;

    let integrations = own.list_integrations().send().await?.into_inner();
    let Some(original) = integrations.into_iter().next() else {
        println!("your account has no integration to clone");
        return Ok(());
    };
    let original_id = original
        .id
        .value()
        .cloned()
        .ok_or("an integration without _id")?;
    let name = original.name.value().cloned().unwrap_or_default();
    let mut copy = without_server_fields(&original)?;
    copy.name = Nullable::Value(format!("{name} (copy)"));
    let created = shared.create_integration().body(copy).send().await?;
    let new_id = created.id.value().cloned().ok_or("the copy has no _id")?;
    println!(
        "integration {name:?}: {original_id} -> {new_id} in account share {}",
        shared.ashare_id().unwrap_or("?")
    );

    let flows = flows_of(own, &original_id).await?;
    for flow in flows {
        let mut copy: types::Flow = without_server_fields(&flow)?;
        copy.integration_id = Nullable::Value(new_id.clone());
        let created = shared.create_flow().body(copy).send().await?;
        println!(
            "  flow {:?}: {} -> {}",
            flow.name.value().map_or("", String::as_str),
            flow.id.value().map_or("?", String::as_str),
            created.id.value().map_or("?", String::as_str)
        );
    }
    let copied = flows_of(&shared, &new_id).await?;
    println!(
        "the shared account now holds {} flows under the copy",
        copied.len()
    );
    Ok(())
}

/// The flows of one integration (the listing streams; only that integration's are kept).
async fn flows_of(client: &Client, integration: &str) -> Result<Vec<types::Flow>, Error> {
    client
        .list_flows()
        .stream()
        .try_filter(|flow| {
            std::future::ready(flow.integration_id.value().map(String::as_str) == Some(integration))
        })
        .try_collect()
        .await
}

/// A copy of `resource` without the fields the server sets.
fn without_server_fields<T: serde::Serialize + serde::de::DeserializeOwned>(
    resource: &T,
) -> Result<T, Error> {
    let mut json = serde_json::to_value(resource).map_err(|e| Error::InvalidRequest {
        operation: "copy",
        message: e.to_string(),
    })?;
    if let Some(map) = json.as_object_mut() {
        for field in SERVER_FIELDS {
            map.remove(*field);
        }
    }
    serde_json::from_value(json).map_err(|e| Error::InvalidRequest {
        operation: "copy",
        message: e.to_string(),
    })
}
