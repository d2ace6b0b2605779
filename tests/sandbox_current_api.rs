//! The sandbox's state for today's API, over real loopback HTTP: what a second call
//! sees after the first (invitations, tokens, lookup-cache entries, syncs, patches,
//! projection, the recycle bin, error triage, jobs in progress).

mod sandbox_support;

use integrator_io_sandbox::SYNC_ID;
use sandbox_support::seeded_raw as seeded;
use serde_json::{json, Value};

fn id(answer: &Value) -> String {
    answer["_id"].as_str().expect("an _id").to_string()
}

#[tokio::test]
async fn an_invited_user_is_listed_can_be_disabled_and_a_second_invitation_conflicts() {
    let (_sandbox, raw) = seeded().await;
    let invite = json!({"email": "new.person@example.com", "accessLevel": "monitor"});
    let created = raw.send("POST", "/invite", Some(&invite)).await;
    assert_eq!(created.status, 201, "{}", created.text());
    let user = id(&created.json());
    let again = raw.send("POST", "/invite", Some(&invite)).await;
    assert_eq!((again.status, again.code()), (409, "user_exists".into()));
    let toggled = raw
        .send("PUT", &format!("/ashares/{user}/disable"), None)
        .await;
    assert_eq!(toggled.status, 204);
    assert_eq!(
        raw.get(&format!("/ashares/{user}")).await.json()["disabled"],
        true
    );
    raw.send("PUT", &format!("/ashares/{user}/disable"), None)
        .await;
    assert_eq!(
        raw.get(&format!("/ashares/{user}")).await.json()["disabled"],
        false
    );
    // The access is replaced, who the user is stays.
    let update = json!({"accessLevel": "manage"});
    let put = raw
        .send("PUT", &format!("/ashares/{user}"), Some(&update))
        .await;
    assert_eq!(put.status, 204);
    let after = raw.get(&format!("/ashares/{user}")).await.json();
    assert_eq!(after["accessLevel"], "manage");
    assert_eq!(after["sharedWithUser"]["email"], "new.person@example.com");
}

#[tokio::test]
async fn a_token_is_shown_once_and_deleted_only_once_revoked() {
    let (_sandbox, raw) = seeded().await;
    let created = raw
        .send(
            "POST",
            "/accesstokens",
            Some(&json!({"name": "ci", "fullAccess": true})),
        )
        .await;
    assert_eq!(created.status, 201);
    let token = created.json();
    assert_eq!(token["token"].as_str().unwrap().len(), 32);
    let path = format!("/accesstokens/{}", id(&token));
    assert_eq!(raw.get(&path).await.json()["token"], "******");
    let refused = raw.send("DELETE", &path, None).await;
    assert_eq!(refused.status, 422, "{}", refused.text());
    // A replace that sends the mask back keeps the real value.
    let mut revoked = raw.get(&path).await.json();
    revoked["revoked"] = json!(true);
    assert_eq!(raw.send("PUT", &path, Some(&revoked)).await.status, 200);
    assert_eq!(raw.send("DELETE", &path, None).await.status, 204);
    assert_eq!(raw.get(&path).await.status, 404);
    let both = json!({"name": "x", "fullAccess": true, "_exportIds": ["a"]});
    let invalid = raw.send("POST", "/accesstokens", Some(&both)).await;
    assert_eq!(invalid.status, 422);
}

#[tokio::test]
async fn lookup_cache_entries_are_upserted_paged_deleted_and_purged() {
    let (_sandbox, raw) = seeded().await;
    let cache = id(&raw
        .send("POST", "/lookupcaches", Some(&json!({"name": "big"})))
        .await
        .json());
    let data: Vec<Value> = (0..1500)
        .map(|i| json!({"key": format!("k{i:05}"), "value": i.to_string()}))
        .collect();
    for chunk in data.chunks(1000) {
        let upsert = json!({ "data": chunk });
        let answer = raw
            .send(
                "POST",
                &format!("/lookupcaches/{cache}/data"),
                Some(&upsert),
            )
            .await;
        assert_eq!(answer.status, 200, "{}", answer.text());
    }
    let first = raw
        .send(
            "POST",
            &format!("/lookupcaches/{cache}/getData"),
            Some(&json!({})),
        )
        .await
        .json();
    assert_eq!(first["data"].as_array().unwrap().len(), 1000);
    let next = first["nextPageURL"].as_str().expect("a next page");
    let rest = next.split("/v1").nth(1).unwrap();
    let second = raw.send("POST", rest, Some(&json!({}))).await.json();
    assert_eq!(second["data"].as_array().unwrap().len(), 500);
    assert!(second.get("nextPageURL").is_none());
    assert_eq!(second["data"][0]["key"], "k01000");
    let picked = raw
        .send(
            "POST",
            &format!("/lookupcaches/{cache}/getData"),
            Some(&json!({"keys": ["k00007", "missing"]})),
        )
        .await
        .json();
    assert_eq!(picked["data"], json!([{"key": "k00007", "value": "7"}]));
    let delete = json!({"keys": ["k00007"]});
    let deleted = raw
        .send(
            "DELETE",
            &format!("/lookupcaches/{cache}/data"),
            Some(&delete),
        )
        .await;
    assert_eq!(deleted.status, 200);
    let prefixed = raw
        .send(
            "POST",
            &format!("/lookupcaches/{cache}/getData"),
            Some(&json!({"startsWith": "k0000"})),
        )
        .await
        .json();
    assert_eq!(prefixed["data"].as_array().unwrap().len(), 9);
    assert!(raw.get(&format!("/lookupcaches/{cache}")).await.json()["size"].as_u64() > Some(0));
    let purged = raw
        .send("DELETE", &format!("/lookupcaches/{cache}/data/purge"), None)
        .await;
    assert_eq!(purged.status, 204);
    let empty = raw.get(&format!("/lookupcaches/{cache}")).await.json();
    assert_eq!(
        (empty["size"].clone(), empty["sizeInMB"].clone()),
        (json!(0), json!("0 MB"))
    );
}

#[tokio::test]
async fn a_sync_runs_once_at_a_time_and_cancels_with_its_tables() {
    let (_sandbox, raw) = seeded().await;
    let run = raw
        .send("POST", &format!("/syncs/{SYNC_ID}/run"), Some(&json!({})))
        .await;
    assert_eq!(run.status, 201);
    let job = run.json()["_jobIds"][0].as_str().unwrap().to_string();
    let again = raw
        .send("POST", &format!("/syncs/{SYNC_ID}/run"), Some(&json!({})))
        .await;
    assert_eq!(
        (again.status, again.code()),
        (409, "sync_job_already_queued".into())
    );
    let family = raw.get(&format!("/syncJobs/{job}/family")).await.json();
    assert_eq!(family.as_array().unwrap().len(), 2);
    let cancel = raw
        .send("PUT", &format!("/syncJobs/{job}/cancel"), None)
        .await;
    assert_eq!(cancel.status, 204);
    let family = raw.get(&format!("/syncJobs/{job}/family")).await.json();
    assert!(family
        .as_array()
        .unwrap()
        .iter()
        .all(|j| j["status"] == "canceled"));
    let rerun = raw
        .send("POST", &format!("/syncs/{SYNC_ID}/run"), Some(&json!({})))
        .await;
    assert_eq!(rerun.status, 201);
}

#[tokio::test]
async fn a_patch_changes_only_allowed_fields() {
    let (_sandbox, raw) = seeded().await;
    let flow = raw.first_id("/flows").await;
    let path = format!("/flows/{flow}");
    let rename = json!([{"op": "replace", "path": "/name", "value": "Renamed"},
        {"op": "replace", "path": "/pageGenerators/0/skipRetries", "value": true}]);
    assert_eq!(raw.send("PATCH", &path, Some(&rename)).await.status, 204);
    let after = raw.get(&path).await.json();
    assert_eq!(after["name"], "Renamed");
    assert_eq!(after["pageGenerators"][0]["skipRetries"], true);
    let forbidden = json!([{"op": "replace", "path": "/_integrationId", "value": "x"}]);
    let refused = raw.send("PATCH", &path, Some(&forbidden)).await;
    assert_eq!(
        (refused.status, refused.code()),
        (422, "invalid_field".into())
    );
    let removal = json!([{"op": "remove", "path": "/name"}]);
    assert_eq!(raw.send("PATCH", &path, Some(&removal)).await.status, 422);
    assert_eq!(raw.get(&path).await.json()["name"], "Renamed");
}

#[tokio::test]
async fn lists_project_with_include_and_exclude() {
    let (_sandbox, raw) = seeded().await;
    let summary = raw.get("/exports?include=type").await.json();
    for export in summary.as_array().unwrap() {
        let keys: Vec<&str> = export
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert!(
            keys.iter()
                .all(|k| ["_id", "name", "adaptorType", "type"].contains(k)),
            "{keys:?}"
        );
        assert!(keys.contains(&"adaptorType"));
    }
    let trimmed = raw.get("/exports?exclude=name,adaptorType").await.json();
    assert!(trimmed[0].get("name").is_none() && trimmed[0].get("_connectionId").is_some());
    let both = raw.get("/exports?include=name&exclude=type").await;
    assert_eq!(
        (both.status, both.code()),
        (400, "invalid_query_params".into())
    );
    let bad = raw.get("/exports?include=name;drop").await;
    assert_eq!(bad.status, 400);
}

#[tokio::test]
async fn a_deleted_resource_waits_in_the_recycle_bin_to_be_restored_or_purged() {
    let (_sandbox, raw) = seeded().await;
    let script = id(&raw
        .send(
            "POST",
            "/scripts",
            Some(&json!({"name": "hooks", "content": "x"})),
        )
        .await
        .json());
    assert_eq!(
        raw.send("DELETE", &format!("/scripts/{script}"), None)
            .await
            .status,
        204
    );
    let bin = raw.get("/recycleBinTTL?resourceType=scripts").await.json();
    assert_eq!(
        bin,
        json!([{"model": "Script", "doc": {"_id": script, "name": "hooks",
        "lastModified": bin[0]["doc"]["lastModified"]}}])
    );
    let restore = format!("/recycleBinTTL/scripts/{script}/doCascadeRestore");
    assert_eq!(raw.send("POST", &restore, None).await.status, 200);
    assert_eq!(
        raw.get(&format!("/scripts/{script}")).await.json()["content"],
        "x"
    );
    raw.send("DELETE", &format!("/scripts/{script}"), None)
        .await;
    let purge = format!("/recycleBinTTL/scripts/{script}");
    assert_eq!(raw.send("DELETE", &purge, None).await.status, 204);
    assert_eq!(raw.send("POST", &restore, None).await.status, 404);
}

#[tokio::test]
async fn errors_are_tagged_and_assigned_and_the_summary_counts_them() {
    let (_sandbox, raw) = seeded().await;
    let flow = raw.get("/flows").await.json()[0].clone();
    let flow_id = id(&flow);
    let step = flow["pageGenerators"][0]["_exportId"].as_str().unwrap();
    let open = raw
        .get(&format!("/flows/{flow_id}/{step}/errors"))
        .await
        .json();
    let error = open["errors"][0]["errorId"].as_str().unwrap().to_string();
    let summary = raw.get(&format!("/flows/{flow_id}/errors")).await.json();
    let counted = summary["flowErrors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["_expOrImpId"] == step)
        .expect("the step is summarised")["numError"]
        .clone();
    assert_eq!(counted, json!(open["errors"].as_array().unwrap().len()));
    let tag = raw.first_id("/tags").await;
    let tagged = raw
        .send(
            "PUT",
            &format!("/flows/{flow_id}/{step}/tags"),
            Some(&json!({"errorIds": [error], "tagIds": [tag]})),
        )
        .await;
    assert_eq!(tagged.status, 204);
    let unknown_tag = raw
        .send(
            "PUT",
            &format!("/flows/{flow_id}/{step}/tags"),
            Some(&json!({"errorIds": [error], "tagIds": ["nope"]})),
        )
        .await;
    assert_eq!(unknown_tag.status, 422);
    let assign = json!({"errorIds": [error], "email": "ops@example.com"});
    let assigned = raw
        .send(
            "PUT",
            &format!("/flows/{flow_id}/{step}/errors/assign"),
            Some(&assign),
        )
        .await;
    assert_eq!(assigned.status, 204);
    let open = raw
        .get(&format!("/flows/{flow_id}/{step}/errors"))
        .await
        .json();
    let marked = open["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["errorId"] == error.as_str())
        .unwrap()
        .clone();
    assert_eq!(
        (marked["tags"].clone(), marked["assignedToEmail"].clone()),
        (json!([tag]), json!("ops@example.com"))
    );
    // Resolved errors leave the open list and are listed as resolved.
    let resolve = json!({"errors": [error]});
    raw.send(
        "PUT",
        &format!("/flows/{flow_id}/{step}/resolved"),
        Some(&resolve),
    )
    .await;
    let resolved = raw
        .get(&format!("/flows/{flow_id}/{step}/resolved"))
        .await
        .json();
    assert!(resolved["errors"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["errorId"] == error.as_str()));
}

#[tokio::test]
async fn a_running_job_is_current_until_cancelled_and_the_latest_of_its_flow() {
    let (_sandbox, raw) = seeded().await;
    let current = raw
        .send("POST", "/jobs/current", Some(&json!({})))
        .await
        .json();
    let job = current[0].clone();
    let job_id = id(&job);
    let flow = job["_flowId"].as_str().unwrap();
    let latest = raw.get(&format!("/flows/{flow}/jobs/latest")).await.json();
    assert_eq!(latest[0]["_id"], job_id.as_str());
    assert_eq!(
        raw.send("PUT", &format!("/jobs/{job_id}/cancel"), None)
            .await
            .status,
        204
    );
    assert_eq!(
        raw.get(&format!("/jobs/{job_id}")).await.json()["status"],
        "canceled"
    );
    let current = raw
        .send("POST", "/jobs/current", Some(&json!({})))
        .await
        .json();
    assert_eq!(current, json!([]));
    let again = raw
        .send("PUT", &format!("/jobs/{job_id}/cancel"), None)
        .await;
    assert_eq!(again.status, 422);
}
