//! Reads a resource, changes one field, writes it back, reads it again, and shows that
//! nothing else changed: fields the spec does not model, `null`s and empty lists
//! included.
//!
//! ```text
//! cargo run --example read_modify_write                      # a seeded local sandbox
//! INTEGRATOR_API_TOKEN=... INTEGRATOR_LIVE_WRITE=1 cargo run --example read_modify_write
//! ```
//! On a live account without `INTEGRATOR_LIVE_WRITE=1` it reads and shows what it
//! would send, and writes nothing.

mod common;

use integrator_io::Nullable;
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let target = common::connect(|sandbox| sandbox).await?;
    let client = &target.client;

    let Some(first) = client
        .list_exports()
        .limit(1)
        .send()
        .await?
        .into_inner()
        .into_iter()
        .next()
    else {
        println!("the account has no exports to edit");
        return Ok(());
    };
    let id = first.id.value().cloned().ok_or("an export without _id")?;
    let before = client.get_export().id(&id).send().await?.into_inner();
    let before_json = serde_json::to_value(&before)?;
    println!(
        "read export {id}: {} fields, {} of them not in the spec",
        object_len(&before_json),
        before.extra.len()
    );

    let mut changed = before.clone();
    let description = format!(
        "edited by the integrator-io example at {}",
        chrono::Utc::now().to_rfc3339()
    );
    changed.description = Nullable::Value(description.clone());
    let sent = serde_json::to_value(&changed)?;
    let differences = differences(&before_json, &sent);
    println!("fields that differ in what is sent: {differences:?}");
    assert_eq!(
        differences,
        ["description"],
        "only the changed field differs"
    );

    if !target.may_write() {
        println!("live and read-only: not writing (set INTEGRATOR_LIVE_WRITE=1)");
        return Ok(());
    }
    client.update_export().id(&id).body(changed).send().await?;
    let after = serde_json::to_value(client.get_export().id(&id).send().await?.into_inner())?;
    let mut changed_on_server = differences_ignoring(&before_json, &after, &["lastModified"]);
    changed_on_server.sort();
    println!("fields that differ after the round trip: {changed_on_server:?}");
    assert_eq!(changed_on_server, ["description"]);
    assert_eq!(after["description"], Value::String(description));
    println!("nothing else changed");
    Ok(())
}

fn object_len(value: &Value) -> usize {
    value.as_object().map_or(0, |m| m.len())
}

fn differences(a: &Value, b: &Value) -> Vec<String> {
    differences_ignoring(a, b, &[])
}

/// The top-level keys whose values differ (timestamps compared as instants).
fn differences_ignoring(a: &Value, b: &Value, ignore: &[&str]) -> Vec<String> {
    let (Some(a), Some(b)) = (a.as_object(), b.as_object()) else {
        return vec!["(not objects)".into()];
    };
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| !ignore.contains(&k.as_str()))
        .filter(|k| !same(a.get(*k), b.get(*k)))
        .cloned()
        .collect()
}

fn same(a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a, b) {
        (Some(Value::String(x)), Some(Value::String(y))) if x != y => {
            matches!((chrono::DateTime::parse_from_rfc3339(x), chrono::DateTime::parse_from_rfc3339(y)), (Ok(p), Ok(q)) if p == q)
        }
        (x, y) => x == y,
    }
}
