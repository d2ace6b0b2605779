//! pull, diff, plan and apply between two sandboxes: a source and a target account,
//! each a real loopback server, driven through the commands as `integrator` mounts them.

mod support;

use integrator_io_sync::{pull, Kind};
use serde_json::{json, Value};
use support::*;

/// Pulls the source into `dir` and applies it to the empty target: answers the
/// target integration's `_id`.
async fn promote(accounts: &Accounts, dir: &str) -> String {
    let (code, out, err) = accounts
        .run(&["--account", "source", "pull", INTEGRATION, dir])
        .await;
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = accounts.run(&["apply", dir, "--to", "target"]).await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("applied: 15 created"), "{out}");
    let (code, out, _) = accounts
        .run(&["plan", dir, "--to", "target", "--format", "json"])
        .await;
    assert_eq!(code, 0, "{out}");
    let plan: Value = serde_json::from_str(&out).unwrap();
    plan["targetIntegration"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn round_trip_pull_apply_pull_has_no_difference() {
    let accounts = Accounts::start().await;
    seed(&accounts.source_remote()).await;
    let dir = temp_dir("round-trip");
    let src = dir.join("source");
    let src = src.to_str().unwrap();
    let target_id = promote(&accounts, src).await;

    // The tree: one file per resource, references instead of ids, no secret.
    let files = files(std::path::Path::new(src));
    let names: Vec<&str> = files
        .keys()
        .map(String::as_str)
        .filter(|f| !f.starts_with("volatile/"))
        .collect();
    assert_eq!(
        names,
        [
            ".gitignore",
            "connections/netsuite.json",
            "connections/shopify.json",
            "connections/slack.json",
            "exports/find-netsuite-customer.json",
            "exports/refund-webhook.json",
            "exports/shopify-orders.json",
            "filedefinitions/order-lines-csv.json",
            "flows/orders-to-netsuite.json",
            "flows/refunds-to-netsuite.json",
            "imports/netsuite-refunds.json",
            "imports/netsuite-sales-orders.json",
            "imports/post-to-orders.json",
            "integration.json",
            "lookupcaches/country-codes.json",
            "manifest.json",
            "scripts/tag-orders.json",
        ]
    );
    let all = files
        .values()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect::<String>();
    assert!(
        !all.contains("shpat_source_secret")
            && !all.contains("whsec_source_key")
            && !all.contains("******")
    );
    let shopify = read_json(std::path::Path::new(src), "connections/shopify.json");
    assert_eq!(shopify["http"]["auth"]["token"]["token"], "@secret");
    assert_eq!(shopify["_integrationId"], "@ref:integration");
    let flow = read_json(std::path::Path::new(src), "flows/orders-to-netsuite.json");
    assert_eq!(
        flow["pageProcessors"][0]["_exportId"],
        "@ref:exports/find-netsuite-customer"
    );
    assert!(flow.get("_id").is_none() && flow.get("lastModified").is_none());
    let exports = read_json(std::path::Path::new(src), "exports/shopify-orders.json");
    assert_eq!(
        exports["exchangeRate"].to_string(),
        "1.0850",
        "numbers keep their text"
    );
    // Hook scripts and lookup caches are found through the references to them, which
    // become references in the tree; only the cache's settings are pulled.
    assert_eq!(
        exports["hooks"]["preSavePage"]["_scriptId"],
        "@ref:scripts/tag-orders"
    );
    let sales_orders = read_json(
        std::path::Path::new(src),
        "imports/netsuite-sales-orders.json",
    );
    assert_eq!(
        sales_orders["lookups"][0]["_lookupCacheId"],
        "@ref:lookupcaches/country-codes"
    );
    let script = read_json(std::path::Path::new(src), "scripts/tag-orders.json");
    assert!(script["content"]
        .as_str()
        .unwrap()
        .starts_with("function preSavePage(options)"));
    let cache = read_json(std::path::Path::new(src), "lookupcaches/country-codes.json");
    assert_eq!(cache["name"], "Country codes");
    assert!(cache.get("size").is_none() && cache.get("_id").is_none());
    let manifest = read_json(std::path::Path::new(src), "manifest.json");
    assert_eq!(manifest["source"]["baseUrl"], accounts.source.base_url());
    assert_eq!(
        manifest["tool"],
        format!("integrator-io-sync {}", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(manifest["resources"]["flows"], 2);

    // Pulling again with no change: byte-identical, nothing written.
    let (code, out, _) = accounts
        .run(&["--account", "source", "pull", INTEGRATION, src])
        .await;
    assert_eq!(code, 0);
    assert!(out.contains("0 files written, 0 removed"), "{out}");
    assert_eq!(files, support::files(std::path::Path::new(src)));

    // The target, pulled: no difference, as directories and live.
    let dst = dir.join("target");
    let dst = dst.to_str().unwrap();
    let (code, _, err) = accounts
        .run(&["pull", &target_id, dst, "--account", "target"])
        .await;
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = accounts.run(&["diff", src, dst]).await;
    assert_eq!((code, out.as_str()), (0, "no differences\n"));
    let live = format!("target:{target_id}");
    let (code, out, _) = accounts
        .run(&["diff", src, &live, "--format", "json"])
        .await;
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap(),
        json!({"equal": true, "changes": []})
    );
    let (code, _, _) = accounts
        .run(&["diff", &format!("source:{INTEGRATION}"), &live])
        .await;
    assert_eq!(code, 0);

    // The created connection holds no credential: it was never copied.
    let target = accounts.target_remote();
    let snapshot = pull(&target, &target_id).await.unwrap();
    let raw = &snapshot.raw[&integrator_io_sync::Key::new(Kind::Connection, "shopify")];
    assert!(
        raw["http"]["auth"]["token"].get("token").is_none(),
        "{raw:?}"
    );
    // The target's export and import name the target's own script and cache.
    let script_id = &snapshot.ids[&integrator_io_sync::Key::new(Kind::Script, "tag-orders")];
    let cache_id = &snapshot.ids[&integrator_io_sync::Key::new(Kind::LookupCache, "country-codes")];
    let source_snapshot = pull(&accounts.source_remote(), INTEGRATION).await.unwrap();
    assert_ne!(
        script_id,
        &source_snapshot.ids[&integrator_io_sync::Key::new(Kind::Script, "tag-orders")]
    );
    let export = &snapshot.raw[&integrator_io_sync::Key::new(Kind::Export, "shopify-orders")];
    assert_eq!(
        export["hooks"]["preSavePage"]["_scriptId"],
        json!(script_id)
    );
    let import =
        &snapshot.raw[&integrator_io_sync::Key::new(Kind::Import, "netsuite-sales-orders")];
    assert_eq!(import["lookups"][0]["_lookupCacheId"], json!(cache_id));
    // The cache's entries stayed in the source: the target's cache is empty.
    let source_cache =
        &source_snapshot.ids[&integrator_io_sync::Key::new(Kind::LookupCache, "country-codes")];
    assert_eq!(entries(&accounts.source_remote(), source_cache).await, 2);
    assert_eq!(entries(&target, cache_id).await, 0);
    // Nothing unrelated came along.
    assert_eq!(target.list(Kind::Flow).await.unwrap().len(), 2);
    assert_eq!(target.list(Kind::Connection).await.unwrap().len(), 3);
    assert_eq!(target.list(Kind::Script).await.unwrap().len(), 1);
    assert_eq!(target.list(Kind::LookupCache).await.unwrap().len(), 1);
}

#[tokio::test]
async fn one_changed_field_is_planned_applied_and_then_nothing_is_left() {
    let accounts = Accounts::start().await;
    seed(&accounts.source_remote()).await;
    let dir = temp_dir("one-field");
    let src = dir.to_str().unwrap();
    let target_id = promote(&accounts, src).await;

    let mut export = read_json(&dir, "exports/shopify-orders.json");
    export["pageSize"] = json!(250);
    write_json(&dir, "exports/shopify-orders.json", &export);

    let (code, out, _) = accounts
        .run(&["plan", src, "--to", "target", "--format", "json"])
        .await;
    assert_eq!(code, 1, "{out}");
    let plan: Value = serde_json::from_str(&out).unwrap();
    let steps = plan["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 1, "{out}");
    assert_eq!(steps[0]["resource"], "exports/shopify-orders");
    assert_eq!(steps[0]["action"], "update");
    assert_eq!(
        steps[0]["fields"],
        json!([{"path": "/pageSize", "before": 100, "after": 250}])
    );
    let (code, human, _) = accounts.run(&["plan", src, "--to", "target"]).await;
    assert_eq!(code, 1);
    assert!(
        human.contains("~ update exports/shopify-orders")
            && human.contains("/pageSize: 100 -> 250"),
        "{human}"
    );

    let (code, out, err) = accounts.run(&["apply", src, "--to", "target"]).await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("applied: 0 created, 1 updated, 0 deleted"),
        "{out}"
    );
    assert!(out.contains("backup of the target:"), "{out}");
    let backup = std::fs::read_dir(dir.join(".integrator/backups"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert_eq!(
        read_json(&backup, "exports/shopify-orders.json")["pageSize"],
        100
    );

    let (code, out, _) = accounts
        .run(&["diff", src, &format!("target:{target_id}")])
        .await;
    assert_eq!((code, out.as_str()), (0, "no differences\n"));
    let (code, out, _) = accounts.run(&["apply", src, "--to", "target"]).await;
    assert_eq!(code, 0);
    assert!(
        out.contains("no changes: the target matches the tree")
            && out.contains("applied: no changes"),
        "{out}"
    );
    // The source still differs from the tree by that one field.
    let (code, out, _) = accounts
        .run(&[
            "diff",
            &format!("source:{INTEGRATION}"),
            src,
            "--format",
            "json",
        ])
        .await;
    assert_eq!(code, 1);
    let diff: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        diff["changes"][0]["fields"],
        json!([{"path": "/pageSize", "before": 100, "after": 250}])
    );
}

#[tokio::test]
async fn a_changed_script_is_planned_and_applied_in_place() {
    let accounts = Accounts::start().await;
    seed(&accounts.source_remote()).await;
    let dir = temp_dir("script");
    let src = dir.to_str().unwrap();
    let target_id = promote(&accounts, src).await;
    let target = accounts.target_remote();
    let before = pull(&target, &target_id).await.unwrap();
    let key = integrator_io_sync::Key::new(Kind::Script, "tag-orders");

    let mut script = read_json(&dir, "scripts/tag-orders.json");
    let old = script["content"].as_str().unwrap().to_string();
    let new = old.replace(
        "return {",
        "options.data.forEach(d => d.tagged = true);\n  return {",
    );
    script["content"] = json!(new);
    write_json(&dir, "scripts/tag-orders.json", &script);

    let (code, out, _) = accounts
        .run(&["plan", src, "--to", "target", "--format", "json"])
        .await;
    assert_eq!(code, 1, "{out}");
    let plan: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        plan["steps"],
        json!([{"resource": "scripts/tag-orders", "action": "update",
            "targetId": before.ids[&key],
            "fields": [{"path": "/content", "before": old, "after": new}]}]),
        "{out}"
    );
    let (code, out, err) = accounts.run(&["apply", src, "--to", "target"]).await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("applied: 0 created, 1 updated, 0 deleted"),
        "{out}"
    );
    // Updated in place: same id, new content, still the export's hook.
    let after = pull(&target, &target_id).await.unwrap();
    assert_eq!(after.ids[&key], before.ids[&key]);
    assert_eq!(after.raw[&key]["content"], json!(new));
    assert_eq!(
        after.tree.resources[&integrator_io_sync::Key::new(Kind::Export, "shopify-orders")].config
            ["hooks"]["preSavePage"]["_scriptId"],
        "@ref:scripts/tag-orders"
    );
    assert_eq!(target.list(Kind::Script).await.unwrap().len(), 1);
    let (code, out, _) = accounts.run(&["apply", src, "--to", "target"]).await;
    assert_eq!(code, 0);
    assert!(out.contains("applied: no changes"), "{out}");
}

#[tokio::test]
async fn target_only_fields_survive_masked_secrets_are_never_sent_prune_deletes_only_what_was_planned(
) {
    let accounts = Accounts::start().await;
    seed(&accounts.source_remote()).await;
    let dir = temp_dir("keep");
    let src = dir.to_str().unwrap();
    let target_id = promote(&accounts, src).await;
    let target = accounts.target_remote();
    let snapshot = pull(&target, &target_id).await.unwrap();
    let key = |kind, alias: &str| integrator_io_sync::Key::new(kind, alias);

    // A field only the target has, unknown to the API's schema.
    let export_id = snapshot.ids[&key(Kind::Export, "shopify-orders")].clone();
    let mut export = snapshot.raw[&key(Kind::Export, "shopify-orders")].clone();
    export.insert("teamNotes".into(), json!({"owner": "ops", "ticket": 4711}));
    target
        .update(Kind::Export, &export_id, &export)
        .await
        .unwrap();
    // The target's own credential on a connection.
    let conn_id = snapshot.ids[&key(Kind::Connection, "shopify")].clone();
    let mut conn = snapshot.raw[&key(Kind::Connection, "shopify")].clone();
    conn["http"]["auth"]["token"]
        .as_object_mut()
        .unwrap()
        .insert("token".into(), json!("shpat_target_secret"));
    target
        .update(Kind::Connection, &conn_id, &conn)
        .await
        .unwrap();
    // A flow only the target's integration has, and an export of it that another
    // integration's flow uses.
    let extra_flow = target
        .create(
            Kind::Flow,
            &doc(json!({"name": "Target-only flow", "_integrationId": target_id})),
        )
        .await
        .unwrap();
    let shared_export = target
        .create(Kind::Export, &doc(json!({"name": "Shared export", "_integrationId": target_id, "adaptorType": "HTTPExport"})))
        .await
        .unwrap();
    let other = target
        .create(Kind::Integration, &doc(json!({"name": "Other team"})))
        .await
        .unwrap();
    target
        .create(
            Kind::Flow,
            &doc(
                json!({"name": "Other team's flow", "_integrationId": id(&other),
            "pageGenerators": [{"_exportId": id(&shared_export)}]}),
            ),
        )
        .await
        .unwrap();

    // Change the export and the connection in the tree.
    let mut tree_export = read_json(&dir, "exports/shopify-orders.json");
    tree_export["http"]["relativeURI"] = json!("/orders.json?status=any");
    write_json(&dir, "exports/shopify-orders.json", &tree_export);
    let mut tree_conn = read_json(&dir, "connections/shopify.json");
    tree_conn["http"]["baseURI"] = json!("https://shop-prod.example.com/admin/api/2024-01");
    write_json(&dir, "connections/shopify.json", &tree_conn);

    let (code, out, _) = accounts
        .run(&["plan", src, "--to", "target", "--format", "json"])
        .await;
    assert_eq!(code, 1, "{out}");
    let plan: Value = serde_json::from_str(&out).unwrap();
    let actions: Vec<(String, String)> = plan["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["resource"].as_str().unwrap().into(),
                s["action"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        actions,
        [
            ("connections/shopify".into(), "blocked".into()),
            ("exports/shopify-orders".into(), "update".into())
        ],
        "no delete without --prune, no unknown field as a difference: {out}"
    );
    let (code, out, _) = accounts.run(&["apply", src, "--to", "target"]).await;
    assert_eq!(code, 1, "blocked steps leave exit code 1: {out}");
    assert!(out.contains("left as it is: connections/shopify"), "{out}");

    let after = target.get(Kind::Export, &export_id).await.unwrap().unwrap();
    assert_eq!(after["teamNotes"], json!({"owner": "ops", "ticket": 4711}));
    assert_eq!(after["http"]["relativeURI"], "/orders.json?status=any");
    // The credential is intact: the mask was never written over it.
    let ping = accounts.clients["target"]
        .ping_connection()
        .id(&conn_id)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(ping.code.value(), Some(&200), "{ping:?}");
    let conn_after = target
        .get(Kind::Connection, &conn_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        conn_after["http"]["baseURI"],
        "https://shop.example.com/admin/api/2024-01"
    );
    // With the base URI kept as the target has it, nothing is left to do there.
    let (code, out, _) = accounts
        .run(&[
            "plan",
            src,
            "--to",
            "target",
            "--ignore",
            "connections:/http/baseURI",
        ])
        .await;
    assert_eq!(
        (code, out.as_str()),
        (0, "no changes: the target matches the tree\n")
    );

    // --prune: the plan names exactly the target-only flow, and apply deletes only it.
    let (code, out, _) = accounts
        .run(&[
            "plan",
            src,
            "--to",
            "target",
            "--prune",
            "--ignore",
            "connections:/http/baseURI",
            "--format",
            "json",
        ])
        .await;
    assert_eq!(code, 1);
    let plan: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(plan["steps"].as_array().unwrap().len(), 2, "{out}");
    assert_eq!(plan["steps"][0]["action"], "blocked");
    assert_eq!(plan["steps"][0]["resource"], "exports/shared-export");
    assert_eq!(
        plan["steps"][0]["note"],
        "not deleted: resources outside the integration use it"
    );
    assert_eq!(plan["steps"][1]["action"], "delete");
    assert_eq!(plan["steps"][1]["resource"], "flows/target-only-flow");
    assert_eq!(plan["steps"][1]["targetId"], id(&extra_flow));
    let before: Vec<usize> = futures_lengths(&target).await;
    let (code, out, _) = accounts
        .run(&[
            "apply",
            src,
            "--to",
            "target",
            "--prune",
            "--ignore",
            "connections:/http/baseURI",
        ])
        .await;
    assert_eq!(code, 1, "the blocked delete leaves exit code 1: {out}");
    assert!(
        out.contains("applied: 0 created, 0 updated, 1 deleted"),
        "{out}"
    );
    let after: Vec<usize> = futures_lengths(&target).await;
    let mut expected = before.clone();
    expected[Kind::ALL.iter().position(|k| *k == Kind::Flow).unwrap()] -= 1;
    assert_eq!(after, expected);
    assert!(target
        .get(Kind::Flow, &id(&extra_flow))
        .await
        .unwrap()
        .is_none());
    assert!(target
        .get(Kind::Export, &id(&shared_export))
        .await
        .unwrap()
        .is_some());
}

/// How many entries lookup cache `id` of `remote` holds (one page is enough here).
async fn entries(remote: &integrator_io_sync::Remote, id: &str) -> usize {
    let page = remote
        .client()
        .get_lookup_cache_data()
        .id(id)
        .body(integrator_io::types::LookupCacheDataQuery::default())
        .send()
        .await
        .unwrap()
        .into_inner();
    page.data.value().map_or(0, Vec::len)
}

/// How many resources of each kind (in the order of `Kind::ALL`) `remote` has.
async fn futures_lengths(remote: &integrator_io_sync::Remote) -> Vec<usize> {
    let mut out = Vec::new();
    for kind in Kind::ALL {
        out.push(remote.list(kind).await.unwrap().len());
    }
    out
}

#[tokio::test]
async fn an_apply_failing_midway_is_completed_by_the_next_run_without_duplicates() {
    let accounts =
        Accounts::start_with(integrator_io_sandbox::Sandbox::builder().error_rate(0.15)).await;
    seed(&accounts.source_remote()).await;
    let dir = temp_dir("resume");
    let src = dir.to_str().unwrap();
    let (code, _, err) = accounts
        .run(&["--account", "source", "pull", INTEGRATION, src])
        .await;
    assert_eq!(code, 0, "{err}");

    let mut failures = 0;
    let mut errors = Vec::new();
    let mut done = false;
    for _ in 0..60 {
        let (code, out, err) = accounts
            .run(&["apply", src, "--to", "target", "--concurrency", "4"])
            .await;
        match code {
            0 => {
                done = true;
                break;
            }
            2 => {
                failures += 1;
                errors.push(err);
            }
            _ => panic!("unexpected exit {code}: {out}{err}"),
        }
    }
    assert!(done, "never completed: {errors:?}");
    assert!(failures > 0, "the injected errors never failed a run");
    assert!(
        errors.iter().any(|e| e.contains("injected")),
        "failures are the injected ones: {errors:?}"
    );
    let journal = std::fs::read_dir(dir.join(".integrator")).unwrap().count();
    assert!(journal >= 1);

    // No duplicates: each resource once, by name.
    let target = accounts.target_remote();
    for kind in Kind::ALL {
        let docs = retrying(|| target.list(kind)).await;
        let mut names: Vec<&str> = docs.iter().filter_map(|d| d["name"].as_str()).collect();
        let total = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), total, "{kind}: duplicates in {names:?}");
    }
    let integrations = retrying(|| target.list(Kind::Integration)).await;
    assert_eq!(integrations.len(), 1);
    let target_id = id(&integrations[0]);
    let pulled = retrying(|| pull(&target, &target_id)).await;
    let tree = integrator_io_sync::Tree::read(&dir).unwrap();
    let diff = integrator_io_sync::diff_trees(&tree, &pulled.tree, &Default::default());
    assert!(diff.is_empty(), "{diff:?}");
}

#[tokio::test]
async fn bad_trees_are_refused_naming_file_and_field_before_anything_is_sent() {
    let accounts = Accounts::start().await;
    seed(&accounts.source_remote()).await;
    let dir = temp_dir("bad");
    let src = dir.to_str().unwrap();
    let (code, _, _) = accounts
        .run(&["--account", "source", "pull", INTEGRATION, src])
        .await;
    assert_eq!(code, 0);
    let before = accounts.target.stats().requests;

    // A dangling reference.
    let mut flow = read_json(&dir, "flows/orders-to-netsuite.json");
    flow["pageGenerators"][0]["_exportId"] = json!("@ref:exports/no-such-export");
    write_json(&dir, "flows/orders-to-netsuite.json", &flow);
    let (code, _, err) = accounts.run(&["plan", src, "--to", "target"]).await;
    assert_eq!(code, 2);
    assert!(
        err.contains("flows/orders-to-netsuite.json: field /pageGenerators/0/_exportId: dangling reference: exports/no-such-export"),
        "{err}"
    );
    flow["pageGenerators"][0]["_exportId"] = json!("@ref:exports/shopify-orders");
    write_json(&dir, "flows/orders-to-netsuite.json", &flow);

    // A duplicate name.
    let mut import = read_json(&dir, "imports/netsuite-refunds.json");
    import["name"] = json!("NetSuite sales orders");
    write_json(&dir, "imports/netsuite-refunds.json", &import);
    let (code, _, err) = accounts.run(&["apply", src, "--to", "target"]).await;
    assert_eq!(code, 2);
    assert!(
        err.contains("imports/netsuite-sales-orders.json: field /name: duplicate name \"NetSuite sales orders\", also in imports/netsuite-refunds.json"),
        "{err}"
    );
    import["name"] = json!("NetSuite refunds");
    write_json(&dir, "imports/netsuite-refunds.json", &import);

    // A malformed file.
    std::fs::write(
        dir.join("exports/refund-webhook.json"),
        "{\"name\": \"Refund webhook\",\n  \"type\": }\n",
    )
    .unwrap();
    let (code, _, err) = accounts.run(&["apply", src, "--to", "target"]).await;
    assert_eq!(code, 2);
    assert!(
        err.contains("exports/refund-webhook.json: not valid JSON at line 2 column"),
        "{err}"
    );
    let (code, _, err) = accounts.run(&["diff", src, src]).await;
    assert_eq!(code, 2, "diff: 2 on error");
    assert!(err.contains("exports/refund-webhook.json"), "{err}");

    assert_eq!(
        accounts.target.stats().requests,
        before,
        "nothing was sent to the target"
    );
}

#[tokio::test]
async fn the_readme_workflow_against_the_seeded_sandbox() {
    let dev = integrator_io_sandbox::Sandbox::builder()
        .seed(true)
        .start()
        .await
        .unwrap();
    let mut accounts = Accounts::start().await;
    accounts.clients.insert("dev".into(), dev.client().unwrap());
    accounts
        .clients
        .insert("prod".into(), accounts.target.client().unwrap());
    let dir = temp_dir("readme");
    let tree = dir.join("shopify-netsuite");
    let tree = tree.to_str().unwrap();

    let (code, out, err) = accounts
        .run(&["--account", "dev", "pull", "Shopify - NetSuite", tree])
        .await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("warning: integration.json: field /_connectorId holds an account id"),
        "{out}"
    );
    let (code, _, err) = accounts
        .run(&["diff", tree, "dev:Shopify - NetSuite"])
        .await;
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = accounts.run(&["plan", tree, "--to", "prod"]).await;
    assert_eq!(code, 1);
    assert!(
        out.contains("+ create connections/shopify")
            && out.contains("+ create flows/shopify-orders-to-netsuite"),
        "{out}"
    );
    let (code, out, err) = accounts.run(&["apply", tree, "--to", "prod"]).await;
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, _) = accounts.run(&["plan", tree, "--to", "prod"]).await;
    assert_eq!((code, out.contains("no changes")), (0, true), "{out}");

    let file = "flows/shopify-orders-to-netsuite.json";
    let mut flow = read_json(std::path::Path::new(tree), file);
    assert_eq!(flow["schedule"], "? */15 * * * *");
    flow["schedule"] = json!("? */5 * * * *");
    write_json(std::path::Path::new(tree), file, &flow);
    let (code, out, _) = accounts.run(&["plan", tree, "--to", "prod"]).await;
    assert_eq!(code, 1);
    assert!(
        out.contains("/schedule: \"? */15 * * * *\" -> \"? */5 * * * *\""),
        "{out}"
    );
    let (code, out, err) = accounts.run(&["apply", tree, "--to", "prod"]).await;
    assert_eq!(code, 0, "{out}{err}");

    let prod_tree = dir.join("prod-tree");
    let prod_tree = prod_tree.to_str().unwrap();
    let (code, _, err) = accounts
        .run(&["--account", "prod", "pull", "Shopify - NetSuite", prod_tree])
        .await;
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = accounts.run(&["diff", tree, prod_tree]).await;
    assert_eq!((code, out.as_str()), (0, "no differences\n"));
}
