//! A realistic account for a fresh sandbox: two integrations with their connections,
//! exports, imports and flows; past jobs and open errors; state keys; a file
//! definition, an iClient, a template, a connector with a license. Optionally many
//! more exports and jobs, for paging benchmarks.

use chrono::{Duration, Utc};
use serde_json::{json, Map, Value};

use super::ids::Ids;
use super::jobs;
use super::store::World;
use super::SandboxBuilder;

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// Stores `value` in `collection`; answers its new `_id`.
pub(crate) fn add(world: &mut World, ids: &Ids, collection: &str, value: Value) -> String {
    world
        .create(ids, collection, object(value))
        .and_then(|doc| doc.get("_id").and_then(Value::as_str).map(str::to_string))
        .unwrap_or_default()
}

/// Fills `world` with the seeded account.
pub(crate) fn seed(world: &mut World, ids: &Ids, config: &SandboxBuilder) {
    let connector = add(
        world,
        ids,
        "connectors",
        json!({
            "name": "Shopify - NetSuite Connector",
            "description": "Orders, customers and fulfilments between Shopify and NetSuite.",
            "contactEmail": "apps@example.com",
            "published": false,
            "managed": true,
            "applications": ["shopify", "netsuite"],
        }),
    );
    let shop = add(
        world,
        ids,
        "integrations",
        json!({
            "name": "Shopify - NetSuite",
            "description": "Orders into NetSuite, fulfilments back to Shopify.",
            "sandbox": false,
            "mode": "settings",
            "_connectorId": connector,
            "version": "1.4.0",
            "install": [
                {"name": "Shopify connection", "completed": true, "installerFunction": "installShopify"},
                {"name": "NetSuite connection", "completed": false, "installerFunction": "installNetSuite"},
            ],
            "uninstallSteps": [
                {"name": "Remove NetSuite bundle", "completed": false, "uninstallerFunction": "removeBundle"},
            ],
        }),
    );
    let crm = add(
        world,
        ids,
        "integrations",
        json!({"name": "Salesforce - Slack alerts", "sandbox": false, "mode": "settings"}),
    );
    add(
        world,
        ids,
        "licenses",
        json!({
            "_connectorId": connector,
            "_integrationId": shop,
            "email": "owner@example.com",
            "expires": "2027-01-01T00:00:00.000Z",
            "opts": {"connectorEdition": "standard"},
            "user": {"email": "owner@example.com", "name": "Account Owner"},
            "sandbox": false,
        }),
    );

    let shopify = add(
        world,
        ids,
        "connections",
        json!({
            "type": "rest",
            "name": "Shopify",
            "offline": false,
            "_integrationId": shop,
            "rest": {"baseURI": "https://example.myshopify.com/admin/api/2024-01", "mediaType": "json", "authType": "token", "bearerToken": "shpat_sandbox_0f3c9a1e7b2d4c68a5e1"},
        }),
    );
    let netsuite = add(
        world,
        ids,
        "connections",
        json!({"type": "netsuite", "name": "NetSuite production", "offline": false, "_integrationId": shop}),
    );
    let salesforce = add(
        world,
        ids,
        "connections",
        json!({"type": "salesforce", "name": "Salesforce", "offline": false, "_integrationId": crm}),
    );
    let slack = add(
        world,
        ids,
        "connections",
        json!({
            "type": "http",
            "name": "Slack",
            "offline": true,
            "_integrationId": crm,
        }),
    );

    let orders = add(
        world,
        ids,
        "exports",
        json!({
            "name": "Shopify orders since last run",
            "_connectionId": shopify,
            "_integrationId": shop,
            "adaptorType": "RESTExport",
            "type": "delta",
            "pageSize": 100,
            "asynchronous": true,
        }),
    );
    let fulfilments = add(
        world,
        ids,
        "exports",
        json!({
            "name": "NetSuite fulfilments",
            "_connectionId": netsuite,
            "_integrationId": shop,
            "adaptorType": "NetSuiteExport",
            "type": "delta",
        }),
    );
    let opportunities = add(
        world,
        ids,
        "exports",
        json!({
            "name": "Won opportunities",
            "_connectionId": salesforce,
            "_integrationId": crm,
            "adaptorType": "SalesforceExport",
            "type": "delta",
        }),
    );
    let sales_orders = add(
        world,
        ids,
        "imports",
        json!({"name": "NetSuite sales orders", "_connectionId": netsuite, "_integrationId": shop, "adaptorType": "NetSuiteDistributedImport", "distributed": true}),
    );
    let shopify_fulfil = add(
        world,
        ids,
        "imports",
        json!({"name": "Shopify fulfilments", "_connectionId": shopify, "_integrationId": shop, "adaptorType": "RESTImport"}),
    );
    let slack_post = add(
        world,
        ids,
        "imports",
        json!({"name": "Post to #sales", "_connectionId": slack, "_integrationId": crm, "adaptorType": "HTTPImport"}),
    );

    let mut flows = Vec::new();
    for (name, integration, export, import, schedule) in [
        (
            "Shopify orders to NetSuite",
            &shop,
            &orders,
            &sales_orders,
            "? */15 * * * *",
        ),
        (
            "NetSuite fulfilments to Shopify",
            &shop,
            &fulfilments,
            &shopify_fulfil,
            "? 0 * * * *",
        ),
        (
            "Won deals to Slack",
            &crm,
            &opportunities,
            &slack_post,
            "? 0 9 * * *",
        ),
    ] {
        let id = add(
            world,
            ids,
            "flows",
            json!({
                "name": name,
                "disabled": false,
                "_integrationId": integration,
                "schedule": schedule,
                "timezone": "America/New_York",
                "pageGenerators": [{"_exportId": export}],
                "pageProcessors": [{"type": "import", "_importId": import}],
            }),
        );
        flows.push(id);
    }

    add(
        world,
        ids,
        "filedefinitions",
        json!({"name": "Fixed-width bank statement", "format": "fixed", "_integrationId": shop}),
    );
    add(
        world,
        ids,
        "iclients",
        json!({"name": "Shopify app", "provider": "custom_oauth2", "oauth2": {"clientId": "sandbox-client", "clientSecret": "sandbox-client-secret-7d1e2b9c"}}),
    );
    add(
        world,
        ids,
        "templates",
        json!({"name": "Send GitHub Notifications to Slack", "published": true, "applications": ["github", "slack"]}),
    );

    // Past runs: every six hours for two days, one in four with an error.
    let now = Utc::now();
    for (n, flow_id) in flows.iter().enumerate() {
        let Some(flow) = world.get("flows", flow_id).cloned() else {
            continue;
        };
        for run in (1..=8i64).rev() {
            let at = now - Duration::hours(run * 6) - Duration::minutes(n as i64 * 7);
            let failed = (run + n as i64) % 4 == 0;
            jobs::record_run(
                world,
                ids,
                &flow,
                at,
                if failed { "failed" } else { "completed" },
                failed || run == 1,
            );
        }
    }

    world.state.insert(
        "lastOrderSync".into(),
        json!({"at": (now - Duration::hours(6)).to_rfc3339()}),
    );
    world
        .resource_state
        .entry(("exports".into(), orders.clone()))
        .or_default()
        .insert("sequenceNumber".into(), json!({"counter": 42}));

    // Bulk items for paging benchmarks.
    if config.seed_list_items > 0 {
        if let Some(first_flow) = flows.first().and_then(|id| world.get("flows", id).cloned()) {
            for i in 0..config.seed_list_items {
                add(
                    world,
                    ids,
                    "exports",
                    json!({
                        "name": format!("Bulk export {i}"),
                        "_connectionId": shopify,
                        "adaptorType": "RESTExport",
                        "type": "delta",
                    }),
                );
                let at = now - Duration::seconds((config.seed_list_items - i) as i64);
                let job_id = ids.object_id();
                let started = super::ids::iso(at);
                world.jobs.insert(
                    job_id.clone(),
                    json!({
                        "_id": job_id,
                        "type": "flow",
                        "status": "completed",
                        "_flowId": first_flow.get("_id"),
                        "_integrationId": shop,
                        "numSuccess": 1,
                        "numError": 0,
                        "numExport": 1,
                        "numIgnore": 0,
                        "startedAt": started,
                        "endedAt": started,
                        "createdAt": started,
                        "lastModified": started,
                    }),
                );
            }
        }
    }
    super::seed_current::seed(world, ids);
    // Jobs are kept oldest first.
    world.jobs.sort_by(|_, a, _, b| {
        let at = |job: &Value| {
            job.get("createdAt")
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        at(a).cmp(&at(b))
    });
}
