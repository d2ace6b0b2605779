//! The seeded account's resources of today's API: users, scripts, a lookup cache with
//! entries, tags, an API token, environments, a stack, an API, a tool, an MCP
//! server, an async helper, an HTTP connector, an EDI profile, an SSO client, a
//! Data Loader sync, and a flow job still running.

use serde_json::{json, Value};

use super::ids::{self, Ids};
use super::seed::add;
use super::store::World;

/// The `_id` of the seeded account's SSO client.
pub const SSO_CLIENT_ID: &str = "5f1a0c0ffee0ddba11ed0001";
/// The `_id` of the seeded account's Data Loader sync.
pub const SYNC_ID: &str = "5f1a0c0ffee0ddba11ed0002";

fn first_id(world: &World, collection: &str) -> String {
    world
        .collection(collection)
        .and_then(|c| c.keys().next().cloned())
        .unwrap_or_default()
}

/// Adds the resources above to a seeded `world`.
pub(crate) fn seed(world: &mut World, ids: &Ids) {
    let integration = first_id(world, "integrations");
    let flow = first_id(world, "flows");
    let connection = first_id(world, "connections");
    add(
        world,
        ids,
        "ashares",
        json!({
            "accessLevel": "administrator", "accepted": true, "disabled": false,
            "createdVia": "existing_account_invite", "lastSignIn": "2026-11-30T09:12:44.000Z",
            "sharedWithUser": {"_id": ids.object_id(), "email": "ops@example.com", "name": "Ops Team"},
        }),
    );
    add(
        world,
        ids,
        "ashares",
        json!({
            "accessLevel": "tile", "accepted": false, "disabled": false,
            "integrationAccessLevel": [{"_integrationId": integration, "accessLevel": "monitor"}],
            "createdVia": "existing_account_invite",
            "sharedWithUser": {"email": "analyst@example.com", "name": "Analyst"},
        }),
    );
    let script = add(
        world,
        ids,
        "scripts",
        json!({
            "name": "Order hooks", "description": "Pre-map hook for orders.",
            "content": "function preMap(options) { return options.data.map(d => ({ data: d })); }",
        }),
    );
    let cache = add(
        world,
        ids,
        "lookupcaches",
        json!({
            "name": "SKU map", "description": "Shopify SKU to NetSuite item id.", "_integrationId": integration,
            "includeDataInTemplatesAndCloning": false, "size": 0, "sizeInMB": "0 MB",
        }),
    );
    let entries = world.lookup_data.entry(cache.clone()).or_default();
    for (sku, item) in [
        ("SKU-1001", "4411"),
        ("SKU-1002", "4412"),
        ("SKU-2001", "5520"),
    ] {
        entries.insert(sku.to_string(), json!(item));
    }
    if let Some(Value::Object(doc)) = world
        .collection_mut("lookupcaches")
        .and_then(|c| c.get_mut(&cache))
    {
        doc.insert("size".into(), json!(42));
        doc.insert("sizeInMB".into(), json!("<5 MB"));
    }
    add(world, ids, "tags", json!({"tag": "needs-review"}));
    add(world, ids, "tags", json!({"tag": "vendor-outage"}));
    add(
        world,
        ids,
        "accesstokens",
        json!({
            "name": "CI token", "token": ids.key32(), "fullAccess": false, "revoked": false,
            "tokenType": "account", "_connectionIds": [connection], "autoPurgeAt": null,
        }),
    );
    add(
        world,
        ids,
        "environments",
        json!({"name": "Production", "enabled": true, "_envUserId": ids.object_id()}),
    );
    add(
        world,
        ids,
        "environments",
        json!({"name": "Sandbox", "enabled": true, "_envUserId": ids.object_id()}),
    );
    add(
        world,
        ids,
        "stacks",
        json!({
            "name": "Order stack", "type": "server",
            "server": {"hostURI": "https://hooks.example.com", "systemToken": ids.key32()},
        }),
    );
    let api = add(
        world,
        ids,
        "apis",
        json!({
            "name": "Order status", "version": "v1", "_integrationId": integration,
            "_scriptId": script, "function": "handleRequest",
        }),
    );
    let tool = add(
        world,
        ids,
        "tools",
        json!({
            "name": "Find customer", "description": "Looks a customer up by email.", "_integrationId": integration,
            "input": {"schema": {"type": "object", "properties": {"email": {"type": "string"}}}},
            "routers": [{"id": "r1", "routeRecordsTo": "first_matching_branch", "routeRecordsUsing": "input_filters",
                "branches": [{"name": "Lookup", "pageProcessors": []}]}],
        }),
    );
    add(
        world,
        ids,
        "mcpservers",
        json!({
            "name": "Support assistant", "_integrationId": integration, "disabled": false,
            "tools": [{"_toolId": tool, "name": "find_customer", "annotations": {"readOnlyHint": true}}],
            "apis": [{"_apiId": api, "name": "order_status"}],
        }),
    );
    add(
        world,
        ids,
        "asynchelpers",
        json!({
            "name": "Bulk report", "http": {"submit": {"resourcePath": "id"}, "status": {"relativeURI": "/status/{{id}}"}},
        }),
    );
    add(
        world,
        ids,
        "httpconnectors",
        json!({"name": "Shopify", "published": true}),
    );
    add(
        world,
        ids,
        "ediprofiles",
        json!({"name": "Acme X12", "fileType": "edix12"}),
    );
    // Neither has a list operation: their ids are fixed, for callers to find.
    for (collection, id, doc) in [
        (
            "ssoclients",
            SSO_CLIENT_ID,
            json!({"orgId": "example", "disabled": false}),
        ),
        (
            "syncs",
            SYNC_ID,
            json!({"name": "Warehouse sync", "tables": ["customers", "orders"]}),
        ),
    ] {
        let mut doc = doc;
        doc["_id"] = json!(id);
        doc["createdAt"] = json!(ids::now());
        doc["lastModified"] = json!(ids::now());
        if let Some(store) = world.collection_mut(collection) {
            store.insert(id.to_string(), doc);
        }
    }
    let job = ids.object_id();
    let now = ids::now();
    world.jobs.insert(job.clone(), json!({
        "_id": job, "type": "flow", "status": "running", "_flowId": flow, "_integrationId": integration,
        "numSuccess": 0, "numError": 0, "numIgnore": 0, "numExport": 0,
        "startedAt": now, "createdAt": now, "lastModified": now,
    }));
}
