//! Workflows through the generated client against the sandbox: CRUD of every
//! collection keeping every field as sent, list paging with `Link`, the `204` empty
//! list, flow runs into jobs and errors, state keys, virtual export paging.

mod sandbox_support;

use futures::StreamExt;
use integrator_io::{types, Client, Error};
use integrator_io_sandbox::Sandbox;
use sandbox_support::Raw;
use serde_json::{json, Value};

/// The open errors on one step of a flow (the first page).
async fn step_errors(client: &Client, flow: &str, step: &str) -> Vec<types::FlowError> {
    let page = client
        .list_flow_errors()
        .flow_id(flow)
        .step_id(step)
        .send()
        .await
        .unwrap()
        .into_inner();
    page.errors
        .value()
        .cloned()
        .expect("the page lists its errors")
}

fn typed<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("a valid typed value")
}

/// Every field of `sent` comes back unchanged in `got`.
fn assert_kept(what: &str, sent: &Value, got: &Value) {
    for (field, value) in sent.as_object().expect("an object") {
        assert_eq!(
            got.get(field),
            Some(value),
            "{what}: field {field} changed: sent {value}, got {:?}",
            got.get(field)
        );
    }
}

fn is_object_id(id: &str) -> bool {
    id.len() == 24
        && id
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
}

/// A time, as the typed client writes it back (the exact API format, with
/// milliseconds, is checked on raw answers in `sandbox_behaviour`).
fn is_api_time(t: &Value) -> bool {
    t.as_str()
        .is_some_and(|t| chrono::DateTime::parse_from_rfc3339(t).is_ok())
}

/// Creates a resource through the create builder `$builder` with `$body` (JSON, read as
/// `$ty`), and answers the new `_id`.
macro_rules! created_id {
    ($builder:expr, $ty:ty, $body:expr) => {
        $builder
            .body(typed::<$ty>($body))
            .send()
            .await
            .unwrap()
            .id
            .value()
            .unwrap()
            .clone()
    };
}

macro_rules! crud {
    ($client:expr, $create:ident, $get:ident, $update:ident, $delete:ident, $ty:ty, $body:expr) => {{
        let client: &Client = $client;
        let what = stringify!($create);
        let sent: Value = $body;
        let created = client
            .$create()
            .body(typed::<$ty>(sent.clone()))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(created.status().as_u16(), 201, "{what}");
        let created = serde_json::to_value(created.into_inner()).unwrap();
        assert_kept(what, &sent, &created);
        let id = created["_id"].as_str().unwrap().to_string();
        assert!(is_object_id(&id), "{what}: id {id}");
        assert!(is_api_time(&created["lastModified"]), "{what}: {created}");

        let read = serde_json::to_value(client.$get().id(&id).send().await.unwrap().into_inner())
            .unwrap();
        assert_kept(what, &sent, &read);

        let mut changed = sent.clone();
        changed["name"] = json!("changed name");
        changed["addedLater"] = json!([1, {"deep": null}]);
        let updated = client
            .$update()
            .id(&id)
            .body(typed::<$ty>(changed.clone()))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{what} update: {e}"));
        let updated = serde_json::to_value(updated.into_inner()).unwrap();
        assert_kept(what, &changed, &updated);
        assert_eq!(updated["_id"], json!(id));

        let deleted = client.$delete().id(&id).send().await.unwrap();
        assert_eq!(deleted.status().as_u16(), 204);
        match client.$get().id(&id).send().await {
            Err(Error::Api(e)) => assert_eq!(e.status.as_u16(), 404, "{what}"),
            other => panic!("{what}: a deleted resource answered {other:?}"),
        }
    }};
}

#[tokio::test]
async fn every_collection_keeps_every_field_as_sent_through_create_get_update_delete() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = &sandbox.client().unwrap();
    let unknown = json!({"nested": {"list": [1, "two", null], "empty": {}}, "flag": false});
    crud!(
        client,
        create_connection,
        get_connection,
        update_connection,
        delete_connection,
        types::Connection,
        json!({"name": "c", "type": "rest", "offline": false, "_agentId": null, "rest": {"baseURI": "https://x.example", "futureField": 1}, "unknownTop": unknown.clone()})
    );
    crud!(
        client,
        create_export,
        get_export,
        update_export,
        delete_export,
        types::Export,
        json!({"name": "e", "_connectionId": "5a6b7c8d9e0f1a2b3c4d5e6f", "asynchronous": true, "pageSize": 20, "transform": {"rules": []}, "unknownTop": unknown.clone()})
    );
    crud!(
        client,
        create_import,
        get_import,
        update_import,
        delete_import,
        types::Import,
        json!({"name": "i", "distributed": false, "mapping": {"fields": [{"extract": "a", "generate": "b"}]}, "unknownTop": unknown.clone()})
    );
    crud!(
        client,
        create_flow,
        get_flow,
        update_flow,
        delete_flow,
        types::Flow,
        json!({"name": "f", "disabled": true, "pageGenerators": [{"_exportId": "5a6b7c8d9e0f1a2b3c4d5e6f", "extra": 1}], "pageProcessors": [], "unknownTop": unknown.clone()})
    );
    crud!(
        client,
        create_integration,
        get_integration,
        update_integration,
        delete_integration,
        types::Integration,
        json!({"name": "n", "sandbox": false, "settings": {"any": ["thing"]}, "unknownTop": unknown.clone()})
    );
    crud!(
        client,
        create_file_definition,
        get_file_definition,
        update_file_definition,
        delete_file_definition,
        types::FileDefinition,
        json!({"name": "fd", "format": "delimited", "unknownTop": unknown.clone()})
    );
    crud!(
        client,
        create_i_client,
        get_i_client,
        update_i_client,
        delete_i_client,
        types::IClient,
        json!({"name": "ic", "provider": "custom_oauth2", "oauth2": {"clientId": "abc"}, "unknownTop": unknown.clone()})
    );
    crud!(
        client,
        create_connector,
        get_connector,
        update_connector,
        delete_connector,
        types::Connector,
        json!({"name": "co", "published": false, "applications": ["a"], "unknownTop": unknown.clone()})
    );
    crud!(
        client,
        create_template,
        get_template,
        update_template,
        delete_template,
        types::Template,
        json!({"name": "t", "published": true, "unknownTop": unknown.clone()})
    );
}

#[tokio::test]
async fn connector_licenses_are_a_collection_under_their_connector() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = sandbox.client().unwrap();
    let connector = client
        .create_connector()
        .body(typed::<types::Connector>(json!({"name": "c"})))
        .send()
        .await
        .unwrap();
    let connector = connector.id.value().unwrap().clone();
    assert!(client
        .list_connector_licenses()
        .id(&connector)
        .send()
        .await
        .unwrap()
        .is_empty());
    let sent = json!({"email": "user@example.com", "expires": "2030-01-01T00:00:00Z", "opts": {"connectorEdition": "standard", "more": 1}});
    let license = client
        .create_connector_license()
        .id(&connector)
        .body(typed::<types::License>(sent.clone()))
        .send()
        .await
        .unwrap()
        .into_inner();
    let license_id = license.id.value().unwrap().clone();
    let got = serde_json::to_value(&license).unwrap();
    assert_eq!(got["opts"], sent["opts"]);
    assert_eq!(got["email"], sent["email"]);
    assert!(is_api_time(&got["created"]), "{got}");
    let listed = client
        .list_connector_licenses()
        .id(&connector)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    match client
        .create_connector_license()
        .id(&connector)
        .body(typed::<types::License>(
            json!({"email": "does_not_exist@celigo.com"}),
        ))
        .send()
        .await
    {
        Err(Error::Api(e)) => assert!(e.has_code("invalid_user"), "{e}"),
        other => panic!("{other:?}"),
    }
    client
        .delete_connector_license()
        .id(&connector)
        .license_id(&license_id)
        .send()
        .await
        .unwrap();
    assert!(client
        .get_connector_license()
        .id(&connector)
        .license_id(&license_id)
        .send()
        .await
        .is_err());
}

#[tokio::test]
async fn lists_page_with_limit_skip_and_an_absolute_link_header() {
    let sandbox = Sandbox::builder()
        .seed_list_items(2500)
        .start()
        .await
        .unwrap();
    let client = sandbox.client().unwrap();
    let mut seen = std::collections::HashSet::new();
    let mut skip = 0u64;
    let mut pages = 0;
    loop {
        let page = client
            .list_exports()
            .limit(std::num::NonZeroU32::new(1000).unwrap())
            .skip(skip)
            .send()
            .await
            .unwrap();
        pages += 1;
        let link = page
            .headers()
            .get("link")
            .map(|v| v.to_str().unwrap().to_string());
        for export in page.iter() {
            assert!(seen.insert(export.id.value().unwrap().clone()), "a repeat");
        }
        let Some(link) = link else { break };
        assert!(
            link.starts_with(&format!("<{}/exports?", sandbox.base_url())),
            "{link}"
        );
        assert!(link.ends_with(">; rel=\"next\""), "{link}");
        let next: u64 = link
            .split("skip=")
            .nth(1)
            .and_then(|s| s.split('&').next())
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(next, skip + 1000);
        skip = next;
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 2503, "2500 bulk exports and 3 seeded");

    // The Link is followable as is, and keeps other query parameters.
    let raw = Raw::new(&sandbox);
    let first = raw.get("/jobs?type=flow&limit=2").await;
    let link = first.header("link").unwrap().to_string();
    let url = link.trim_start_matches('<').split('>').next().unwrap();
    assert!(url.contains("type=flow"), "{url}");
    let second = raw.get(url).await;
    assert_eq!(second.status, 200);
    assert_ne!(first.json()[0]["_id"], second.json()[0]["_id"]);
}

#[tokio::test]
async fn an_empty_list_answers_204_and_the_client_reads_an_empty_list() {
    let sandbox = Sandbox::start().await.unwrap();
    let raw = Raw::new(&sandbox);
    let answer = raw.get("/flows").await;
    assert_eq!(answer.status, 204);
    assert!(answer.body.is_empty());
    let client = sandbox.client().unwrap();
    assert!(client.list_flows().send().await.unwrap().is_empty());
    assert!(client.list_jobs().send().await.unwrap().is_empty());
    // Past the end is empty too.
    assert_eq!(raw.get("/exports?skip=5").await.status, 204);
}

#[tokio::test]
async fn a_flow_run_creates_a_job_whose_error_can_be_read_retried_and_resolved() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = sandbox.client().unwrap();
    let integration = created_id!(
        client.create_integration(),
        types::Integration,
        json!({"name": "i"})
    );
    let export = created_id!(
        client.create_export(),
        types::Export,
        json!({"name": "e", "_integrationId": integration})
    );
    let flow = created_id!(
        client.create_flow(),
        types::Flow,
        json!({"name": "f", "_integrationId": integration, "pageGenerators": [{"_exportId": export}]})
    );

    let run = client.run_flow().id(&flow).send().await.unwrap();
    assert_eq!(run.status().as_u16(), 201);
    let job_id = run.into_inner().job_id.into_option().unwrap();
    let job = client.get_job().id(&job_id).send().await.unwrap();
    assert_eq!(job.flow_id.value().map(String::as_str), Some(flow.as_str()));
    assert_eq!(job.status.value().map(|s| s.as_str()), Some("completed"));
    assert_eq!(job.num_error.value(), Some(&1));

    let jobs = client.list_jobs().flow_id(&flow).send().await.unwrap();
    assert_eq!(jobs.len(), 2, "the flow job and its export job");
    let flow_jobs = client
        .list_jobs()
        .flow_id(&flow)
        .type_(types::JobType::Flow)
        .send()
        .await
        .unwrap();
    assert_eq!(flow_jobs.len(), 1);
    let by_integration = client
        .list_jobs()
        .integration_id(&integration)
        .send()
        .await
        .unwrap();
    assert_eq!(by_integration.len(), 2);
    let job_errors = client.list_job_errors().id(&job_id).send().await.unwrap();
    assert_eq!(job_errors.len(), 1);

    // The error on the export step, and its retry data.
    let list = step_errors(&client, &flow, &export).await;
    assert_eq!(list.len(), 1);
    let key = list[0].retry_data_key.value().unwrap().clone();
    assert_eq!(key.len(), 32);
    let data = client
        .get_flow_error_retry_data()
        .flow_id(&flow)
        .step_id(&export)
        .retry_data_key(&key)
        .send()
        .await
        .unwrap();
    assert!(data.data.value().is_some());
    client
        .update_flow_error_retry_data()
        .flow_id(&flow)
        .step_id(&export)
        .retry_data_key(&key)
        .body(typed::<types::RetryData>(json!({"data": {"total": 12.5}})))
        .send()
        .await
        .unwrap();
    let data = client
        .get_flow_error_retry_data()
        .flow_id(&flow)
        .step_id(&export)
        .retry_data_key(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_value(&*data).unwrap()["data"],
        json!({"total": 12.5})
    );
    client
        .retry_flow_errors()
        .flow_id(&flow)
        .step_id(&export)
        .body(typed::<types::RetryErrorsRequest>(
            json!({"retryDataKeys": [key]}),
        ))
        .send()
        .await
        .unwrap();
    assert!(step_errors(&client, &flow, &export).await.is_empty());
    let retries = client
        .list_jobs()
        .flow_id(&flow)
        .type_(types::JobType::Retry)
        .send()
        .await
        .unwrap();
    assert_eq!(retries.len(), 1);

    // A second run's error is resolved instead.
    client.run_flow().id(&flow).send().await.unwrap();
    let id = step_errors(&client, &flow, &export).await[0]
        .error_id
        .value()
        .unwrap()
        .clone();
    client
        .resolve_flow_errors()
        .flow_id(&flow)
        .step_id(&export)
        .body(typed::<types::ResolveErrorsRequest>(
            json!({"errors": [id]}),
        ))
        .send()
        .await
        .unwrap();
    assert!(step_errors(&client, &flow, &export).await.is_empty());

    // Newest job first; the flow's audit has its creation.
    let jobs = client.list_jobs().send().await.unwrap();
    let times: Vec<String> = jobs
        .iter()
        .map(|j| j.created_at.value().unwrap().to_rfc3339())
        .collect();
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted);
    let audit = client.list_flow_audit().id(&flow).send().await.unwrap();
    assert!(!audit.audit.value().unwrap().is_empty());
    let integration_audit = client
        .list_integration_audit()
        .id(&integration)
        .send()
        .await
        .unwrap();
    assert!(
        integration_audit.audit.value().unwrap().len() >= 3,
        "its own, its export's and its flow's creation"
    );
}

#[tokio::test]
async fn flow_errors_page_with_next_page_url_in_the_body() {
    let sandbox = Sandbox::builder().error_page_size(2).start().await.unwrap();
    let client = sandbox.client().unwrap();
    let export = created_id!(client.create_export(), types::Export, json!({"name": "e"}));
    let flow = created_id!(
        client.create_flow(),
        types::Flow,
        json!({"name": "f", "_exportId": export})
    );
    for _ in 0..5 {
        client.run_flow().id(&flow).send().await.unwrap();
    }
    let raw = Raw::new(&sandbox);
    let mut url = format!("/flows/{flow}/{export}/errors");
    let mut seen = 0;
    let mut pages = 0;
    loop {
        let page = raw.get(&url).await.json();
        pages += 1;
        seen += page["errors"].as_array().unwrap().len();
        match page["nextPageURL"].as_str() {
            Some(next) => url = next.to_string(),
            None => break,
        }
    }
    assert_eq!((seen, pages), (5, 3));
}

#[tokio::test]
async fn state_keys_answer_plain_text_created_then_ok() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = sandbox.client().unwrap();
    let set = |value: Value| {
        let client = client.clone();
        async move {
            client
                .set_state_value()
                .key("cursor")
                .body(typed::<types::StateValue>(value))
                .send()
                .await
                .unwrap()
                .into_inner()
        }
    };
    assert_eq!(set(json!({"page": 1})).await, "Created");
    assert_eq!(set(json!({"page": 2})).await, "OK");
    let value = client.get_state_value().key("cursor").send().await.unwrap();
    assert_eq!(serde_json::to_value(&*value).unwrap(), json!({"page": 2}));
    let keys = client.list_state_keys().send().await.unwrap();
    assert_eq!(keys.keys.value().unwrap(), &vec!["cursor".to_string()]);
    client
        .delete_state_value()
        .key("cursor")
        .send()
        .await
        .unwrap();
    assert!(client.get_state_value().key("cursor").send().await.is_err());

    // Under a resource.
    let export = created_id!(client.create_export(), types::Export, json!({"name": "e"}));
    let answer = client
        .set_resource_state_value()
        .resource_type(types::StateResourceType::Exports)
        .id(&export)
        .key("seq")
        .body(typed::<types::StateValue>(json!(7)))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.into_inner(), "Created");
    let keys = client
        .list_resource_state_keys()
        .resource_type(types::StateResourceType::Exports)
        .id(&export)
        .send()
        .await
        .unwrap();
    assert_eq!(keys.keys.value().unwrap(), &vec!["seq".to_string()]);
    let raw = Raw::new(&sandbox);
    let put = raw
        .send(
            "PUT",
            &format!("/exports/{export}/state/seq"),
            Some(&json!(8)),
        )
        .await;
    assert_eq!(
        put.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(put.text(), "OK");
    assert_eq!(
        raw.get("/exports/000000000000000000000000/state")
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn a_paged_virtual_export_pages_until_done_and_refuses_a_tampered_state() {
    let sandbox = Sandbox::builder()
        .seed(true)
        .seed_records(1050)
        .start()
        .await
        .unwrap();
    let client = sandbox.client().unwrap();
    let connection = client.list_connections().send().await.unwrap()[0]
        .id
        .value()
        .unwrap()
        .clone();
    let mut state: Option<Value> = None;
    let mut records = Vec::new();
    let mut pages = 0;
    loop {
        let mut body = json!({"export": {"name": "customers", "pageSize": 100}});
        if let Some(state) = &state {
            body["pagedExportState"] = state.clone();
        }
        let page = client
            .run_paged_virtual_export()
            .id(&connection)
            .body(typed::<types::PagedVirtualExportRequest>(body))
            .send()
            .await
            .unwrap()
            .into_inner();
        pages += 1;
        records.extend(page.data.value().cloned().unwrap_or_default());
        let next = serde_json::to_value(page.paged_export_state.value().unwrap()).unwrap();
        assert_eq!(next["totalRecords"], json!(1050));
        assert_eq!(next["totalPages"], json!(11));
        assert_eq!(next["sig"].as_str().unwrap().len(), 32);
        assert!(next["issuedAt"].as_i64().unwrap() > 1_700_000_000);
        if next["done"] == json!(true) {
            state = Some(next);
            break;
        }
        state = Some(next);
    }
    assert_eq!(pages, 11);
    assert_eq!(records.len(), 1050);
    assert_eq!(records[1049]["id"], json!("1050"));

    // Going on past done, or sending a changed state, is refused.
    let mut tampered = state.clone().unwrap();
    tampered["done"] = json!(false);
    tampered["pageIndex"] = json!(3);
    for sent in [state.unwrap(), tampered] {
        let result = client
            .run_paged_virtual_export()
            .id(&connection)
            .body(typed::<types::PagedVirtualExportRequest>(
                json!({"export": {"name": "customers"}, "pagedExportState": sent}),
            ))
            .send()
            .await;
        match result {
            Err(Error::Api(e)) => {
                assert_eq!(e.status.as_u16(), 422);
                assert!(e.has_code("invalid_paged_export_state"), "{e}");
                assert_eq!(e.errors[0].field.as_deref(), Some("pagedExportState"));
            }
            other => panic!("{other:?}"),
        }
    }
}

#[tokio::test]
async fn a_seeded_account_has_something_of_everything() {
    let sandbox = Sandbox::builder().seed(true).start().await.unwrap();
    let client = sandbox.client().unwrap();
    assert!(client.list_integrations().send().await.unwrap().len() >= 2);
    assert!(client.list_flows().send().await.unwrap().len() >= 3);
    assert!(client.list_exports().send().await.unwrap().len() >= 3);
    assert!(client.list_imports().send().await.unwrap().len() >= 3);
    assert!(client.list_connections().send().await.unwrap().len() >= 4);
    assert!(client.list_jobs().send().await.unwrap().len() >= 20);
    let me = client.get_token_info().send().await.unwrap();
    assert!(is_object_id(me.user_id.value().unwrap()));
    let connections = client.list_connections().send().await.unwrap();
    let id = connections[0].id.value().unwrap();
    let ping = client.ping_connection().id(id).send().await.unwrap();
    assert_eq!(ping.code.value(), Some(&200));
}

#[tokio::test]
async fn the_clients_pagers_walk_the_sandbox_to_the_end() {
    let sandbox = Sandbox::builder()
        .seed_list_items(2500)
        .seed_records(1050)
        .error_page_size(3)
        .start()
        .await
        .unwrap();
    let client = sandbox.client().unwrap();
    let exports = client
        .list_exports()
        .limit(1000)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(exports.len(), 2503);

    let raw = Raw::new(&sandbox);
    let mut total_jobs = 0;
    let mut url = "/jobs?limit=1000".to_string();
    loop {
        let page = raw.get(&url).await;
        total_jobs += page.json().as_array().unwrap().len();
        match page.header("link") {
            Some(link) => {
                url = link
                    .trim_start_matches('<')
                    .split('>')
                    .next()
                    .unwrap()
                    .into()
            }
            None => break,
        }
    }
    let jobs = client.list_jobs().limit(1000).collect_all().await.unwrap();
    assert_eq!(jobs.len(), total_jobs);
    assert!(total_jobs > 2500);

    let connection = client.list_connections().send().await.unwrap()[0]
        .id
        .value()
        .unwrap()
        .clone();
    let export: types::Export = typed(json!({"name": "all customers", "pageSize": 100}));
    let records: Vec<Value> =
        futures::TryStreamExt::try_collect(client.virtual_export_records(&connection, export))
            .await
            .unwrap();
    assert_eq!(records.len(), 1050);

    let flow = client.list_flows().send().await.unwrap()[0].clone();
    let flow_id = flow.id.value().unwrap().clone();
    let step = serde_json::to_value(&flow).unwrap()["pageGenerators"][0]["_exportId"]
        .as_str()
        .unwrap()
        .to_string();
    for _ in 0..4 {
        client.run_flow().id(&flow_id).send().await.unwrap();
    }
    let errors = client
        .list_flow_errors()
        .flow_id(&flow_id)
        .step_id(&step)
        .collect_all()
        .await
        .unwrap();
    let open = raw
        .get(&format!("/flows/{flow_id}/{step}/errors"))
        .await
        .json();
    assert!(errors.len() > 4, "{}", errors.len());
    assert!(open["nextPageURL"].is_string(), "pages of 3");
}

/// A measurement, not a check: `cargo test --release --test
/// sandbox_workflows -- --ignored --nocapture measure`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn measure_paging_200k_items_and_records() {
    let n = 200_000;
    let started = std::time::Instant::now();
    let sandbox = Sandbox::builder()
        .seed_list_items(n)
        .seed_records(n)
        .no_rate_limit()
        .start()
        .await
        .unwrap();
    println!("seeded {n} exports and jobs in {:?}", started.elapsed());
    // Without the client's own (documented) rate limit: this measures the sandbox.
    let client = sandbox.client_builder().no_rate_limit().build().unwrap();

    let started = std::time::Instant::now();
    let exports = client
        .list_exports()
        .limit(1000)
        .collect_all()
        .await
        .unwrap();
    let took = started.elapsed();
    println!(
        "listed {} exports in {} pages of 1000: {took:?} ({:.0} items/s)",
        exports.len(),
        exports.len().div_ceil(1000),
        exports.len() as f64 / took.as_secs_f64()
    );

    let connection = client.list_connections().send().await.unwrap()[0]
        .id
        .value()
        .unwrap()
        .clone();
    let export: types::Export = typed(json!({"name": "all", "pageSize": 1000}));
    let started = std::time::Instant::now();
    let records: Vec<Value> =
        futures::TryStreamExt::try_collect(client.virtual_export_records(&connection, export))
            .await
            .unwrap();
    let took = started.elapsed();
    println!(
        "paged {} virtual export records in pages of 1000: {took:?} ({:.0} records/s)",
        records.len(),
        records.len() as f64 / took.as_secs_f64()
    );

    let started = std::time::Instant::now();
    let requests = 5000;
    let done: Vec<bool> = futures::StreamExt::collect(futures::StreamExt::buffer_unordered(
        futures::stream::iter(0..requests).map(|_| {
            let client = client.clone();
            async move { client.get_token_info().send().await.is_ok() }
        }),
        32,
    ))
    .await;
    let took = started.elapsed();
    assert!(done.iter().all(|ok| *ok));
    println!(
        "{requests} GET /tokenInfo, 32 at a time: {took:?} ({:.0} requests/s)",
        requests as f64 / took.as_secs_f64()
    );
}

/// Every document of a collection, read raw (at most one page of 1000).
async fn all(raw: &Raw, collection: &str) -> Vec<Value> {
    let answer = raw.get(&format!("/{collection}?limit=1000")).await;
    match answer.status {
        204 => Vec::new(),
        200 => answer.json().as_array().cloned().unwrap_or_default(),
        other => panic!("GET /{collection}: HTTP {other} {}", answer.text()),
    }
}

/// The documents of a collection whose `_integrationId` is `integration`.
async fn of_integration(raw: &Raw, collection: &str, integration: &str) -> Vec<Value> {
    all(raw, collection)
        .await
        .into_iter()
        .filter(|d| d["_integrationId"] == json!(integration))
        .collect()
}

/// A document's `_id`.
fn id_of(doc: &Value) -> String {
    doc["_id"].as_str().expect("an _id").to_string()
}

#[tokio::test]
async fn cloning_an_integration_copies_its_flows_exports_imports_and_connections() {
    let sandbox = Sandbox::builder().seed(true).start().await.unwrap();
    let raw = Raw::new(&sandbox);
    let source = all(&raw, "integrations")
        .await
        .into_iter()
        .find(|i| i["name"] == "Shopify - NetSuite")
        .expect("the seeded integration");
    let source_id = id_of(&source);
    let source_flows = of_integration(&raw, "flows", &source_id).await;
    assert_eq!(source_flows.len(), 2);
    let connections_before = all(&raw, "connections").await;
    let exports_before = all(&raw, "exports").await;
    let imports_before = all(&raw, "imports").await;
    let shopify = connections_before
        .iter()
        .find(|c| c["name"] == "Shopify")
        .map(id_of)
        .unwrap();
    let netsuite = connections_before
        .iter()
        .find(|c| c["name"] == "NetSuite production")
        .map(id_of)
        .unwrap();
    // The copy talks to another NetSuite account: an existing connection.
    let target = raw
        .send(
            "POST",
            "/connections",
            Some(&json!({"type": "netsuite", "name": "NetSuite sandbox account"})),
        )
        .await
        .json();
    let target = id_of(&target);

    // A map to a connection that does not exist is refused, and nothing is copied.
    let refused = raw
        .send(
            "POST",
            &format!("/integrations/{source_id}/clone"),
            Some(&json!({"connectionMap": {netsuite.clone(): "000000000000000000000000"}})),
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.text());
    assert_eq!(refused.code(), "invalid_connectionMap");
    assert_eq!(
        all(&raw, "integrations").await.len(),
        2,
        "nothing was created"
    );

    let answer = raw
        .send(
            "POST",
            &format!("/integrations/{source_id}/clone"),
            Some(&json!({"name": "Shopify - NetSuite (test)", "connectionMap": {netsuite.clone(): target}})),
        )
        .await;
    assert_eq!(answer.status, 201, "{}", answer.text());
    let copy = answer.json();
    let copy_id = id_of(&copy);
    assert_ne!(copy_id, source_id);
    assert_eq!(copy["name"], "Shopify - NetSuite (test)");

    // The flows, with new ids, pointing at copies of their exports and imports.
    let flows = of_integration(&raw, "flows", &copy_id).await;
    assert_eq!(flows.len(), 2, "{flows:?}");
    let mut names: Vec<&str> = flows.iter().map(|f| f["name"].as_str().unwrap()).collect();
    let mut source_names: Vec<&str> = source_flows
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    names.sort();
    source_names.sort();
    assert_eq!(names, source_names);
    let exports = all(&raw, "exports").await;
    let imports = all(&raw, "imports").await;
    let connections = all(&raw, "connections").await;
    let find = |list: &[Value], id: &str| list.iter().find(|d| id_of(d) == id).cloned();
    let mut copied_connections = std::collections::HashSet::new();
    for flow in &flows {
        assert!(source_flows.iter().all(|f| id_of(f) != id_of(flow)));
        let export_id = flow["pageGenerators"][0]["_exportId"].as_str().unwrap();
        let import_id = flow["pageProcessors"][0]["_importId"].as_str().unwrap();
        assert!(
            exports_before.iter().all(|e| id_of(e) != export_id),
            "a flow of the copy points at the source's export"
        );
        assert!(imports_before.iter().all(|i| id_of(i) != import_id));
        let export = find(&exports, export_id).expect("the copied export exists");
        let import = find(&imports, import_id).expect("the copied import exists");
        for step in [&export, &import] {
            assert_eq!(step["_integrationId"], json!(copy_id));
            let connection = step["_connectionId"].as_str().unwrap();
            assert_ne!(connection, shopify, "Shopify is copied");
            assert_ne!(connection, netsuite, "NetSuite is mapped");
            if connection != target {
                let copied = find(&connections, connection).expect("the copied connection");
                assert_eq!(copied["name"], "Shopify");
                assert_eq!(copied["_integrationId"], json!(copy_id));
                copied_connections.insert(connection.to_string());
            }
        }
    }
    assert_eq!(copied_connections.len(), 1, "one copy of Shopify");
    assert_eq!(
        connections.len(),
        connections_before.len() + 2,
        "target + copy"
    );
    assert_eq!(exports.len(), exports_before.len() + 2);
    assert_eq!(imports.len(), imports_before.len() + 2);
    // The source is untouched.
    assert_eq!(
        of_integration(&raw, "flows", &source_id).await,
        source_flows
    );

    // The copy's flows run on their own steps.
    let flow_id = id_of(&flows[0]);
    let run = raw
        .send("POST", &format!("/flows/{flow_id}/run"), None)
        .await;
    assert_eq!(run.status, 201, "{}", run.text());
}

/// The open errors of one step, read raw through every page.
async fn raw_step_errors(raw: &Raw, flow: &str, step: &str) -> Vec<Value> {
    let mut errors = Vec::new();
    let mut url = format!("/flows/{flow}/{step}/errors");
    loop {
        let page = raw.get(&url).await.json();
        errors.extend(page["errors"].as_array().cloned().unwrap_or_default());
        match page["nextPageURL"].as_str() {
            Some(next) => url = next.to_string(),
            None => return errors,
        }
    }
}

/// A fresh sandbox with one flow run `runs` times; the errors of its export step.
async fn errors_after_runs(runs: usize) -> Vec<Value> {
    let sandbox = Sandbox::builder().no_rate_limit().start().await.unwrap();
    let raw = Raw::new(&sandbox);
    let export = id_of(
        &raw.send("POST", "/exports", Some(&json!({"name": "e"})))
            .await
            .json(),
    );
    let flow = raw
        .send(
            "POST",
            "/flows",
            Some(&json!({"name": "f", "pageGenerators": [{"_exportId": export}]})),
        )
        .await
        .json();
    let flow = id_of(&flow);
    for _ in 0..runs {
        let run = raw.send("POST", &format!("/flows/{flow}/run"), None).await;
        assert_eq!(run.status, 201);
    }
    raw_step_errors(&raw, &flow, &export).await
}

#[tokio::test]
async fn em_errors_vary_their_classification_source_code_and_message_deterministically() {
    let errors = errors_after_runs(40).await;
    assert_eq!(errors.len(), 40);
    let distinct = |field: &str| {
        errors
            .iter()
            .filter_map(|e| e[field].as_str().map(str::to_string))
            .collect::<std::collections::BTreeSet<String>>()
    };
    let classifications = distinct("classification");
    assert!(
        classifications.len() >= 5,
        "classifications: {classifications:?}"
    );
    let known = [
        "connection",
        "duplicate",
        "governance",
        "intermittent",
        "missing",
        "parse",
        "value",
    ];
    assert!(classifications.iter().all(|c| known.contains(&c.as_str())));
    assert!(distinct("source").len() >= 3, "{:?}", distinct("source"));
    assert!(distinct("code").len() >= 5, "{:?}", distinct("code"));
    assert!(distinct("message").len() >= 5);
    // A rule on the classification picks some errors and leaves others.
    let values = errors
        .iter()
        .filter(|e| e["classification"] == "value")
        .count();
    assert!(values > 0 && values < errors.len());

    // The same requests in another sandbox give the same errors, in the same order.
    let again = errors_after_runs(40).await;
    let kinds = |list: &[Value]| -> Vec<(Value, Value, Value)> {
        list.iter()
            .map(|e| {
                (
                    e["classification"].clone(),
                    e["source"].clone(),
                    e["code"].clone(),
                )
            })
            .collect()
    };
    assert_eq!(kinds(&errors), kinds(&again));
}

#[tokio::test]
async fn secrets_are_stored_but_every_answer_masks_them() {
    let sandbox = Sandbox::start().await.unwrap();
    let raw = Raw::new(&sandbox);
    let mask = json!("******");
    let connection = json!({
        "type": "http",
        "name": "Secret API",
        "http": {
            "baseURI": "https://api.example.com",
            "auth": {
                "type": "token",
                "basic": {"username": "svc", "password": "hunter2"},
                "token": {"token": "tok-123", "location": "header", "refreshToken": "ref-456"},
                "oauth": {"clientSecret": "cs-789"},
            },
            "clientCertificates": {"cert": "-----BEGIN CERT-----", "key": "pk", "passphrase": "pp"},
            "encrypted": {"apiKey": "k-1", "signingSecret": "s-2"},
            "encryptedFields": [{"id": "apiKey"}],
            "unencrypted": {"region": "us"},
        },
        "rest": {"bearerToken": "bt-1", "tokenLocation": "header", "authType": "token"},
    });
    let check_connection = |what: &str, doc: &Value| {
        let at = |p: &str| doc.pointer(p).cloned().unwrap_or(Value::Null);
        for secret in [
            "/http/auth/basic/password",
            "/http/auth/token/token",
            "/http/auth/token/refreshToken",
            "/http/auth/oauth/clientSecret",
            "/http/clientCertificates/key",
            "/http/clientCertificates/passphrase",
            "/http/encrypted",
            "/rest/bearerToken",
        ] {
            assert_eq!(at(secret), mask, "{what}: {secret} in {doc}");
        }
        for kept in [
            "/http/auth/basic/username",
            "/http/auth/token/location",
            "/http/clientCertificates/cert",
            "/http/unencrypted/region",
            "/http/encryptedFields/0/id",
            "/rest/tokenLocation",
            "/name",
        ] {
            assert_eq!(
                at(kept),
                connection.pointer(kept).cloned().unwrap_or(Value::Null),
                "{what}: {kept}"
            );
        }
        let text = doc.to_string();
        for real in [
            "hunter2", "tok-123", "ref-456", "cs-789", "k-1", "s-2", "bt-1",
        ] {
            assert!(!text.contains(real), "{what} shows {real}: {text}");
        }
    };
    let created = raw.send("POST", "/connections", Some(&connection)).await;
    assert_eq!(created.status, 201);
    let created = created.json();
    check_connection("create", &created);
    let id = id_of(&created);
    let read = raw.get(&format!("/connections/{id}")).await.json();
    check_connection("get", &read);
    let listed = all(&raw, "connections").await;
    check_connection("list", &listed[0]);
    let audit = raw.get(&format!("/connections/{id}/audit")).await.text();
    for real in ["hunter2", "tok-123", "k-1", "bt-1"] {
        assert!(!audit.contains(real), "the audit shows {real}: {audit}");
    }
    // The real values are kept: the connection works.
    let ping = raw.get(&format!("/connections/{id}/ping")).await.json();
    assert_eq!(ping["code"], 200, "{ping}");

    // A PUT of the real values answers them masked, and keeps them.
    let mut changed = connection.clone();
    changed["name"] = json!("renamed");
    let updated = raw
        .send("PUT", &format!("/connections/{id}"), Some(&changed))
        .await;
    assert_eq!(updated.status, 200);
    check_connection("update", &{
        let mut u = updated.json();
        u["name"] = json!("Secret API");
        u
    });
    assert_eq!(
        raw.get(&format!("/connections/{id}/ping")).await.json()["code"],
        200
    );

    // Writing back what was read stores the mask itself as the credential, as the API
    // does: the connection no longer authenticates.
    let put_back = raw
        .send("PUT", &format!("/connections/{id}"), Some(&read))
        .await;
    assert_eq!(put_back.status, 200);
    let ping = raw.get(&format!("/connections/{id}/ping")).await.json();
    assert_eq!(ping["code"], 401, "{ping}");

    // iClients and webhook exports.
    let iclient = raw
        .send(
            "POST",
            "/iclients",
            Some(&json!({
                "name": "apps",
                "provider": "custom_oauth2",
                "oauth2": {"clientId": "visible", "clientSecret": "ic-1"},
                "netsuite": {"consumerKey": "ic-2", "consumerSecret": "ic-3"},
                "amazonmws": {"accessKeyId": "AKIA", "secretKey": "ic-4"},
                "ebay": {"appId": "app", "certId": "ic-5"},
            })),
        )
        .await
        .json();
    let iclient_id = id_of(&iclient);
    for doc in [
        iclient.clone(),
        raw.get(&format!("/iclients/{iclient_id}")).await.json(),
        all(&raw, "iclients").await[0].clone(),
    ] {
        for secret in [
            "/oauth2/clientSecret",
            "/netsuite/consumerKey",
            "/netsuite/consumerSecret",
            "/amazonmws/secretKey",
            "/ebay/certId",
        ] {
            assert_eq!(doc.pointer(secret), Some(&mask), "{secret}: {doc}");
        }
        assert_eq!(doc["oauth2"]["clientId"], "visible");
        assert_eq!(doc["amazonmws"]["accessKeyId"], "AKIA");
    }
    let export = raw
        .send(
            "POST",
            "/exports",
            Some(&json!({
                "name": "GitHub events",
                "type": "webhook",
                "webhook": {"provider": "github", "key": "wh-1", "token": "wh-2", "verify": "token"},
                "http": {"key": "not a secret here"},
            })),
        )
        .await
        .json();
    let export_id = id_of(&export);
    let cloned = raw
        .send(
            "POST",
            &format!("/exports/{export_id}/clone"),
            Some(&json!({})),
        )
        .await;
    assert_eq!(cloned.status, 201);
    for doc in [
        export,
        raw.get(&format!("/exports/{export_id}")).await.json(),
        all(&raw, "exports").await[0].clone(),
        cloned.json(),
    ] {
        assert_eq!(doc["webhook"]["key"], mask, "{doc}");
        assert_eq!(doc["webhook"]["token"], mask, "{doc}");
        assert_eq!(doc["webhook"]["provider"], "github");
        assert_eq!(doc["webhook"]["verify"], "token");
        assert_eq!(doc["http"]["key"], "not a secret here");
    }
}
