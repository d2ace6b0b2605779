//! Every one of the spec's operations, sent valid to a seeded sandbox: the status must
//! be a success the operation documents, and the body must validate against that
//! status's schema. The failure lists every operation that does not.
//!
//! Twice: with raw requests built from the spec's path templates (the exact wire
//! answer: status, content type, body), and through the generated client with
//! `integrator_io::__contract::send` (each operation's builder, its response decoded
//! through the generated types and validated again).

mod sandbox_support;

use std::collections::HashMap;

use integrator_io_codegen::json_schema::SchemaSet;
use integrator_io_codegen::spec::Operation;
use integrator_io_sandbox::Sandbox;
use sandbox_support::{spec, Answer, Raw};
use serde_json::{json, Value};

/// Real ids of the seeded account.
struct Ids(HashMap<&'static str, String>);

impl Ids {
    fn get(&self, name: &str) -> String {
        self.0
            .get(name)
            .cloned()
            .unwrap_or_else(|| panic!("no id for {name}"))
    }
}

/// The spec's own JSON of `op` (its parameters, request body and responses).
fn operation_json(op: &Operation) -> &'static Value {
    spec()
        .raw
        .pointer(&format!(
            "/paths/{}/{}",
            op.path.replace('~', "~0").replace('/', "~1"),
            op.method.to_lowercase()
        ))
        .expect("the operation")
}

/// A seeded sandbox without rate limit (kept alive by the caller), raw calls to it, the
/// ids of its seeded resources, and the spec's schemas.
async fn seeded() -> (Sandbox, Raw, Ids, SchemaSet) {
    let (sandbox, raw) = sandbox_support::seeded_raw().await;
    let ids = seeded_ids(&raw).await;
    (sandbox, raw, ids, SchemaSet::new(spec()))
}

async fn seeded_ids(raw: &Raw) -> Ids {
    let mut ids = HashMap::new();
    for collection in COLLECTIONS {
        ids.insert(collection, raw.first_id(&format!("/{collection}")).await);
    }
    ids.insert("ssoclients", integrator_io_sandbox::SSO_CLIENT_ID.into());
    ids.insert("syncId", integrator_io_sandbox::SYNC_ID.into());
    // A user who has not accepted the invitation yet (reinvite needs one).
    let users = raw.get("/ashares").await.json();
    let pending = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["accepted"] == false)
        .expect("a seeded user with a pending invitation");
    ids.insert("ashares", pending["_id"].as_str().unwrap().to_string());
    // A job still running (cancel needs one).
    let current = raw
        .send("POST", "/jobs/current", Some(&json!({})))
        .await
        .json();
    ids.insert(
        "runningJob",
        current[0]["_id"].as_str().unwrap().to_string(),
    );

    // The integration with install steps and a connector.
    let integrations = raw.get("/integrations").await.json();
    let shop = integrations
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i.get("install").is_some())
        .expect("a seeded integration with install steps");
    ids.insert("integrations", shop["_id"].as_str().unwrap().to_string());
    let connector = ids["connectors"].clone();
    ids.insert(
        "licenses",
        raw.first_id(&format!("/connectors/{connector}/licenses"))
            .await,
    );
    // The first flow's export step has open errors.
    let flow = raw.get(&format!("/flows/{}", ids["flows"])).await.json();
    let step = flow["pageGenerators"][0]["_exportId"]
        .as_str()
        .unwrap()
        .to_string();
    let errors = raw
        .get(&format!("/flows/{}/{step}/errors", ids["flows"]))
        .await
        .json();
    let first = &errors["errors"][0];
    ids.insert("errorId", first["errorId"].as_str().unwrap().to_string());
    ids.insert(
        "retryDataKey",
        first["retryDataKey"].as_str().unwrap().to_string(),
    );
    // The last open error is left open by resolve and retry (which take the first).
    let open = errors["errors"].as_array().unwrap();
    assert!(open.len() >= 2, "the seeded step needs two open errors");
    ids.insert(
        "openErrorId",
        open.last().unwrap()["errorId"]
            .as_str()
            .unwrap()
            .to_string(),
    );
    ids.insert("stepId", step);
    Ids(ids)
}

/// The collections whose first seeded document the operations use.
const COLLECTIONS: [&str; 19] = [
    "connections",
    "exports",
    "imports",
    "flows",
    "filedefinitions",
    "iclients",
    "connectors",
    "templates",
    "jobs",
    "scripts",
    "lookupcaches",
    "tags",
    "accesstokens",
    "apis",
    "tools",
    "mcpservers",
    "asynchelpers",
    "httpconnectors",
    "environments",
];

/// A JSON Patch replacing one field.
fn replace(path: &str, value: Value) -> Value {
    json!([{"op": "replace", "path": path, "value": value}])
}

/// A valid body for an operation that takes one.
fn body_for(op: &Operation, ids: &Ids) -> Option<Value> {
    if !op.has_body {
        return None;
    }
    Some(match op.id.as_str() {
        "runVirtualExport" | "runPagedVirtualExport" => {
            json!({"export": {"name": "contract", "pageSize": 10}})
        }
        "runVirtualImport" | "mapVirtualImport" => {
            json!({"import": {"name": "contract"}, "data": [{"id": 1}]})
        }
        "resolveFlowErrors" => json!({"errors": [ids.get("errorId")]}),
        "retryFlowErrors" => json!({"retryDataKeys": [ids.get("retryDataKey")]}),
        "updateFlowErrorRetryData" => json!({"data": {"id": 1, "total": 12.5}}),
        "pushConnectorUpdate" => json!({"_integrationIds": [ids.get("integrations")]}),
        "createConnectorLicense" | "updateConnectorLicense" => {
            json!({"email": "someone@example.com", "sandbox": false})
        }
        "setStateValue" | "setResourceStateValue" => json!({"counter": 1}),
        "submitIntegrationInstallStep" | "submitIntegrationUninstallStep" => json!({}),
        "updateExportDistributed" => json!({"disabled": false}),
        "cloneIntegration" => json!({"name": "contract clone"}),
        "patchFlow" | "patchIntegration" | "patchConnection" => replace("/name", json!("patched")),
        "patchExport" | "patchImport" => replace("/debugUntil", json!("2030-01-01T00:00:00.000Z")),
        "patchSsoClient" => replace("/disabled", json!(false)),
        "replaceFlowConnection" | "replaceExportConnection" | "replaceImportConnection" => {
            swap(&ids.get("connections"))
        }
        "invokeExport" => json!({"data": [{"id": 1}]}),
        "invokeImport" => json!([{"id": 1}]),
        "registerIntegrationConnections" => json!({"_connectionIds": [ids.get("connections")]}),
        "createIntegrationSnapshot" => json!({"description": "contract"}),
        "getFlowRunStats" => json!({"time_gt": "2020-01-01T00:00:00.000Z"}),
        "assignFlowErrors" => {
            json!({"errorIds": [ids.get("openErrorId")], "email": "ops@example.com"})
        }
        "tagFlowErrors" => {
            json!({"errorIds": [ids.get("openErrorId")], "tagIds": [ids.get("tags")]})
        }
        "listCurrentJobs" => json!({}),
        "getJobFileUrls" => json!({"fileIds": ["edi/raw/850-0001.x12"]}),
        "runSync" => json!({"runType": "normal"}),
        "getLookupCacheData" => json!({"startsWith": "SKU-1"}),
        "upsertLookupCacheData" => json!({"data": [{"key": "SKU-9001", "value": "9001"}]}),
        "deleteLookupCacheKeys" => json!({"keys": ["SKU-1001"]}),
        "inviteUser" => json!({"email": "new.user@example.com", "accessLevel": "monitor"}),
        "inviteUsers" => {
            json!({"emails": ["a@example.com", "b@example.com"], "accessLevel": "monitor"})
        }
        "createAccessToken" => json!({"name": "contract token", "fullAccess": true}),
        "updateAccessToken" => json!({"name": "renamed", "revoked": false}),
        _ => json!({"name": "contract test", "contractField": {"kept": true}}),
    })
}

/// A connection swapped for itself.
fn swap(connection: &str) -> Value {
    json!({"_connectionId": connection, "_newConnectionId": connection})
}

/// Creates what an operation consumes (a resource to delete, a state key to read) and
/// answers the path parameters to use.
async fn params_for(op: &Operation, ids: &Ids, raw: &Raw) -> HashMap<String, String> {
    let collection = op
        .path
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default()
        .to_string();
    let mut params = HashMap::new();
    for p in op.params_in("path") {
        let value = match p.name.as_str() {
            "id" if op.path.starts_with("/{resourceType}") => ids.get("exports"),
            "id" if op.id == "cancelJob" => ids.get("runningJob"),
            "id" => ids.get(&collection),
            "connectionId" => ids.get("connections"),
            "syncId" => ids.get("syncId"),
            "syncJobId" => sync_job(&ids.get("syncId"), raw).await,
            "applicationId" => ids.get("connections"),
            "resourceType" if op.path.starts_with("/recycleBinTTL") => "scripts".into(),
            "resourceType" => "exports".into(),
            "licenseId" => ids.get("licenses"),
            "flowId" => ids.get("flows"),
            "stepId" => ids.get("stepId"),
            "retryDataKey" => ids.get("retryDataKey"),
            "resourceId" if op.path.starts_with("/recycleBinTTL") => deleted_script(raw).await,
            "resourceId" => "5f0c0ffee0ddba11deadbeef".into(),
            "key" => "contract-key".into(),
            other => panic!("{}: no value for path parameter {other}", op.id),
        };
        params.insert(p.name.clone(), value);
    }
    // Deleting consumes a resource: delete a fresh one (a user comes from an
    // invitation, a token must be revoked first).
    if op.method == "DELETE" && op.path.ends_with("/{id}") {
        let (path, body) = match collection.as_str() {
            "ashares" => (
                "/invite".to_string(),
                json!({"email": "delete-me@example.com"}),
            ),
            "accesstokens" => (
                "/accesstokens".to_string(),
                json!({"name": "to delete", "revoked": true}),
            ),
            _ => (format!("/{collection}"), json!({"name": "to delete"})),
        };
        let created = raw.send("POST", &path, Some(&body)).await;
        assert_eq!(created.status, 201, "{}: {}", op.id, created.text());
        params.insert("id".into(), created.json()["_id"].as_str().unwrap().into());
    }
    // Swapping a connection needs a resource using it (the seeded ones may have been
    // replaced by then): a fresh export, import, or flow running such an export.
    if op.id.starts_with("replace") && op.id.ends_with("Connection") {
        let using = json!({"name": "swap", "_connectionId": ids.get("connections")});
        let post = |path: &'static str, body: Value| async move {
            let created = raw.send("POST", path, Some(&body)).await;
            assert_eq!(created.status, 201, "{}", created.text());
            created.json()["_id"].as_str().unwrap().to_string()
        };
        let id = match collection.as_str() {
            "flows" => {
                let export = post("/exports", using).await;
                post(
                    "/flows",
                    json!({"name": "swap", "pageGenerators": [{"_exportId": export}]}),
                )
                .await
            }
            "imports" => post("/imports", using).await,
            _ => post("/exports", using).await,
        };
        params.insert("id".into(), id);
    }
    // Unregistering needs a registered connection.
    if op.id == "unregisterIntegrationConnection" {
        let path = fill(
            "/integrations/{id}/connections/{connectionId}/register",
            &params,
        );
        let registered = raw.send("PUT", &path, None).await;
        assert_eq!(registered.status, 200, "{}", registered.text());
    }
    if op.id == "deleteConnectorLicense" {
        let created = raw
            .send(
                "POST",
                &format!("/connectors/{}/licenses", ids.get("connectors")),
                Some(&json!({"email": "delete-me@example.com"})),
            )
            .await;
        assert_eq!(created.status, 201, "{}", created.text());
        params.insert(
            "licenseId".into(),
            created.json()["_id"].as_str().unwrap().into(),
        );
    }
    // Submitting a step needs an integration with steps left (PUT may have replaced
    // the seeded one's).
    if op.id.starts_with("submitIntegration") {
        let created = raw
            .send(
                "POST",
                "/integrations",
                Some(&json!({
                    "name": "with steps",
                    "install": [{"name": "Connect", "completed": false}],
                    "uninstallSteps": [{"name": "Disconnect", "completed": false}],
                })),
            )
            .await;
        assert_eq!(created.status, 201, "{}", created.text());
        params.insert("id".into(), created.json()["_id"].as_str().unwrap().into());
    }
    // Reading or deleting a state key needs one.
    if params.contains_key("key") && op.method != "PUT" {
        let path = if op.path.starts_with("/{resourceType}") {
            format!("/exports/{}/state/contract-key", ids.get("exports"))
        } else {
            "/state/contract-key".into()
        };
        let set = raw.send("PUT", &path, Some(&json!({"v": 1}))).await;
        assert_eq!(set.status, 200, "{}", set.text());
    }
    params
}

/// A job of the seeded sync, running it first when it has none.
async fn sync_job(sync: &str, raw: &Raw) -> String {
    let jobs = raw.get(&format!("/syncs/{sync}/syncJobs")).await;
    if jobs.status == 200 {
        return jobs.json()[0]["_id"].as_str().unwrap().to_string();
    }
    let run = raw
        .send("POST", &format!("/syncs/{sync}/run"), Some(&json!({})))
        .await;
    assert_eq!(run.status, 201, "{}", run.text());
    run.json()["_jobIds"][0].as_str().unwrap().to_string()
}

/// The id of a script deleted to the recycle bin.
async fn deleted_script(raw: &Raw) -> String {
    let created = raw
        .send("POST", "/scripts", Some(&json!({"name": "to recycle"})))
        .await;
    let id = created.json()["_id"].as_str().unwrap().to_string();
    let deleted = raw.send("DELETE", &format!("/scripts/{id}"), None).await;
    assert_eq!(deleted.status, 204, "{}", deleted.text());
    id
}

fn fill(template: &str, params: &HashMap<String, String>) -> String {
    let mut path = template.to_string();
    for (name, value) in params {
        path = path.replace(&format!("{{{name}}}"), value);
    }
    path
}

/// Why an answer breaks the operation's contract, if it does.
fn check(op: &Operation, answer: &Answer, schemas: &SchemaSet) -> Result<(), String> {
    let status = answer.status.to_string();
    let documented = op.responses.iter().any(|r| r.status == status);
    if !(200..300).contains(&answer.status) || !documented {
        return Err(format!(
            "HTTP {status} (documented successes: {:?}): {}",
            op.successes().map(|(c, _)| c).collect::<Vec<_>>(),
            answer.text().chars().take(300).collect::<String>()
        ));
    }
    let raw = operation_json(op);
    let response = spec().deref(&raw["responses"][&status]);
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        return if answer.body.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "HTTP {status} documents no body, got {}",
                answer.text()
            ))
        };
    };
    let content_type = answer.header("content-type").unwrap_or_default();
    let (media, schema) = content
        .iter()
        .find(|(m, _)| content_type.starts_with(m.as_str()))
        .map(|(m, media)| (m.clone(), media.get("schema").cloned()))
        .ok_or_else(|| {
            format!(
                "content-type {content_type:?} is none of {:?}",
                content.keys().collect::<Vec<_>>()
            )
        })?;
    if !media.contains("json") {
        return if answer.text().is_empty() {
            Err("an empty text body".into())
        } else {
            Ok(())
        };
    }
    let body: Value = serde_json::from_slice(&answer.body).map_err(|e| format!("not JSON: {e}"))?;
    if let Some(schema) = schema {
        schemas.validate(&schema, &body).map_err(|violations| {
            violations
                .iter()
                .take(5)
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        })?;
    }
    Ok(())
}

#[tokio::test]
async fn every_operation_answers_a_documented_status_with_a_valid_body() {
    let (_sandbox, raw, ids, schemas) = seeded().await;
    let operations = spec().operations();
    assert_eq!(operations.len(), integrator_io::operations::ALL.len());
    let mut failures = Vec::new();
    for op in &operations {
        let params = params_for(op, &ids, &raw).await;
        let path = fill(&op.path, &params);
        let body = body_for(op, &ids);
        let answer = raw.send(&op.method, &path, body.as_ref()).await;
        if let Err(why) = check(op, &answer, &schemas) {
            failures.push(format!("{} {path} ({}): {why}", op.method, op.id));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} operations break their contract:\n{}",
        failures.len(),
        operations.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn every_operation_succeeds_through_the_generated_client_with_a_valid_answer() {
    let sandbox = Sandbox::builder()
        .seed(true)
        .no_rate_limit()
        .start()
        .await
        .unwrap();
    let client = sandbox
        .client_builder()
        .retry(integrator_io::RetryPolicy::none())
        .build()
        .unwrap();
    let raw = Raw::new(&sandbox);
    let ids = seeded_ids(&raw).await;
    let schemas = SchemaSet::new(spec());
    let operations = spec().operations();
    let mut failures = Vec::new();
    for op in &operations {
        let params: serde_json::Map<String, Value> = params_for(op, &ids, &raw)
            .await
            .into_iter()
            .map(|(name, value)| (name, Value::String(value)))
            .collect();
        let body = body_for(op, &ids);
        let answer = integrator_io::__contract::send(&client, &op.rust_name, &params, body).await;
        let checked = match answer {
            Err(e) => Err(format!("{e}")),
            Ok(value) => check_decoded(op, &value, &schemas),
        };
        if let Err(why) = checked {
            failures.push(format!("{} ({}): {why}", op.rust_name, op.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} operations fail through the client:\n{}",
        failures.len(),
        operations.len(),
        failures.join("\n")
    );
}

/// The decoded answer of an operation validates against its primary success schema
/// (text answers are non-empty strings; no content is `null`).
fn check_decoded(op: &Operation, value: &Value, schemas: &SchemaSet) -> Result<(), String> {
    let (status, _) = op.primary_success().ok_or("no success response")?;
    let raw = operation_json(op);
    let response = spec().deref(&raw["responses"][status.to_string()]);
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        return if value.is_null() {
            Ok(())
        } else {
            Err(format!("no content documented, decoded {value}"))
        };
    };
    match content.iter().find(|(m, _)| m.contains("json")) {
        Some((_, media)) => match media.get("schema") {
            Some(schema) => schemas.validate(schema, value).map_err(|violations| {
                violations
                    .iter()
                    .take(5)
                    .map(|v| v.to_string())
                    .collect::<Vec<_>>()
                    .join("; ")
            }),
            None => Ok(()),
        },
        None if value.as_str().is_some_and(|t| !t.is_empty()) => Ok(()),
        None => Err(format!("a text answer expected, decoded {value}")),
    }
}

#[tokio::test]
async fn unknown_ids_answer_404_with_the_envelope_on_every_operation_that_takes_one() {
    let (_sandbox, raw, ids, schemas) = seeded().await;
    let envelope = json!({"$ref": "#/components/schemas/ErrorEnvelope"});
    let mut failures = Vec::new();
    for op in spec().operations() {
        if !op.path.contains("{id}") {
            continue;
        }
        let mut params = params_for(&op, &ids, &raw).await;
        params.insert("id".into(), "000000000000000000000000".into());
        let path = fill(&op.path, &params);
        let answer = raw
            .send(&op.method, &path, body_for(&op, &ids).as_ref())
            .await;
        let documented = op.responses.iter().any(|r| r.status == "404");
        let valid = serde_json::from_slice::<Value>(&answer.body)
            .ok()
            .is_some_and(|b| {
                schemas.validate(&envelope, &b).is_ok() && b["errors"][0]["code"] == "not_found"
            });
        if answer.status != 404 || !documented || !valid {
            failures.push(format!(
                "{} {path} ({}): HTTP {} {} (404 documented: {documented})",
                op.method,
                op.id,
                answer.status,
                answer.text()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
