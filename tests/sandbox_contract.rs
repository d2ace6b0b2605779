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
    let sandbox = Sandbox::builder()
        .seed(true)
        .no_rate_limit()
        .start()
        .await
        .unwrap();
    let raw = Raw::new(&sandbox);
    let ids = seeded_ids(&raw).await;
    (sandbox, raw, ids, SchemaSet::new(spec()))
}

async fn seeded_ids(raw: &Raw) -> Ids {
    let mut ids = HashMap::new();
    for collection in [
        "connections",
        "exports",
        "imports",
        "flows",
        "filedefinitions",
        "iclients",
        "connectors",
        "templates",
        "jobs",
    ] {
        ids.insert(collection, raw.first_id(&format!("/{collection}")).await);
    }
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
    ids.insert("stepId", step);
    Ids(ids)
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
        _ => json!({"name": "contract test", "contractField": {"kept": true}}),
    })
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
            "id" => match collection.as_str() {
                "scripts" | "apis" | "accesstokens" => "5f0c0ffee0ddba11deadbeef".into(),
                "state" => unreachable!(),
                other => ids.get(match other {
                    "connections" | "exports" | "imports" | "flows" | "integrations"
                    | "filedefinitions" | "iclients" | "connectors" | "templates" | "jobs" => other,
                    _ => panic!("no ids for {other}"),
                }),
            },
            "resourceType" => "exports".into(),
            "licenseId" => ids.get("licenses"),
            "flowId" => ids.get("flows"),
            "stepId" => ids.get("stepId"),
            "retryDataKey" => ids.get("retryDataKey"),
            "resourceId" => "5f0c0ffee0ddba11deadbeef".into(),
            "key" => "contract-key".into(),
            other => panic!("{}: no value for path parameter {other}", op.id),
        };
        params.insert(p.name.clone(), value);
    }
    // Deleting consumes a resource: delete a fresh one.
    if op.method == "DELETE" && op.path.ends_with("/{id}") {
        let created = raw
            .send(
                "POST",
                &format!("/{collection}"),
                Some(&json!({"name": "to delete"})),
            )
            .await;
        assert_eq!(created.status, 201, "{}: {}", op.id, created.text());
        params.insert("id".into(), created.json()["_id"].as_str().unwrap().into());
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
    assert_eq!(operations.len(), 100);
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
        let collection = op.path.trim_start_matches('/').split('/').next().unwrap();
        if !op.path.contains("{id}") || matches!(collection, "scripts" | "apis" | "accesstokens") {
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
