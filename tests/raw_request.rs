//! `Client::raw`: any operation with JSON in and out, through the same hook as the typed
//! methods, against the sandbox.

use futures::TryStreamExt;
use integrator_io::{operations, Error};
use integrator_io_sandbox::Sandbox;
use serde_json::Value;

async fn sandbox(items: usize) -> Sandbox {
    Sandbox::builder()
        .seed(true)
        .seed_list_items(items)
        .no_rate_limit()
        .start()
        .await
        .expect("sandbox")
}

#[tokio::test]
async fn a_raw_read_matches_the_typed_one() {
    let sandbox = sandbox(0).await;
    let client = sandbox.client().unwrap();
    let flows = client.list_flows().collect_all().await.unwrap();
    let id = flows[0].id.value().unwrap().clone();
    let typed = client.get_flow().id(&id).send().await.unwrap().into_inner();
    let raw = client
        .raw(&operations::GET_FLOW)
        .path_param("id", &id)
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 200);
    assert_eq!(raw.into_inner(), serde_json::to_value(&typed).unwrap());
}

#[tokio::test]
async fn a_raw_listing_streams_every_page() {
    let sandbox = sandbox(30).await;
    let client = sandbox.client().unwrap();
    let typed: Vec<String> = client
        .list_exports()
        .collect_all()
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.id.value().unwrap().clone())
        .collect();
    let raw: Vec<Value> = client
        .raw(&operations::LIST_EXPORTS)
        .query("limit", "7")
        .stream()
        .try_collect()
        .await
        .unwrap();
    let raw_ids: Vec<&str> = raw.iter().map(|e| e["_id"].as_str().unwrap()).collect();
    assert!(typed.len() > 30);
    assert_eq!(raw_ids, typed);
    let requests = sandbox.stats().requests;
    assert!(requests >= 6, "paged by 7: {requests} requests");
}

#[tokio::test]
async fn errors_and_refusals_are_the_typed_ones() {
    let sandbox = sandbox(0).await;
    let client = sandbox.client().unwrap();
    let missing = client
        .raw(&operations::GET_EXPORT)
        .path_param("id", "000000000000000000000000")
        .send()
        .await
        .unwrap_err();
    assert!(missing.is_not_found(), "{missing}");
    assert_eq!(missing.api_error().unwrap().operation, "getExport");

    let before = sandbox.stats().requests;
    let bad_id = client
        .raw(&operations::GET_EXPORT)
        .path_param("id", "../flows")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            bad_id,
            Error::InvalidId {
                parameter: "id",
                ..
            }
        ),
        "{bad_id}"
    );
    let no_id = client
        .raw(&operations::GET_EXPORT)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(no_id, Error::InvalidRequest { .. }), "{no_id}");
    let masked = client
        .raw(&operations::CREATE_CONNECTION)
        .body(r#"{"type": "http", "http": {"auth": {"basic": {"password": "******"}}}}"#)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(masked, Error::MaskedSecret { .. }), "{masked}");
    assert_eq!(sandbox.stats().requests, before, "nothing sent");
}

#[tokio::test]
async fn text_and_empty_answers_become_strings_and_null() {
    let sandbox = sandbox(0).await;
    let client = sandbox.client().unwrap();
    let set = client
        .raw(&operations::SET_STATE_VALUE)
        .path_param("key", "cursor")
        .body(r#"{"at": 12345678901234567890}"#)
        .send()
        .await
        .unwrap();
    assert!(set.into_inner().is_string());
    let got = client
        .raw(&operations::GET_STATE_VALUE)
        .path_param("key", "cursor")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        got.to_string(),
        r#"{"at":12345678901234567890}"#,
        "numbers keep their text"
    );
    let deleted = client
        .raw(&operations::DELETE_STATE_VALUE)
        .path_param("key", "cursor")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.into_inner(), Value::Null);
    let dry = client
        .raw(&operations::LIST_JOBS)
        .query("status", "failed")
        .header("Integrator-AShareId", "5f0c9a1b2c3d4e5f6a7b8c9d")
        .build()
        .unwrap();
    assert_eq!(
        dry.url().as_str(),
        format!("{}/jobs?status=failed", sandbox.base_url())
    );
    assert_eq!(
        dry.headers()["integrator-ashareid"],
        "5f0c9a1b2c3d4e5f6a7b8c9d"
    );
    assert!(
        dry.headers().get("authorization").is_none(),
        "the hook adds the token"
    );
    let shown = format!(
        "{:?}",
        client
            .raw(&operations::CREATE_FLOW)
            .body(r#"{"password": "s3cret"}"#)
    );
    assert!(
        !shown.contains("s3cret") && shown.contains("body_bytes: Some(22)"),
        "{shown}"
    );
}

#[test]
fn raw_futures_and_streams_are_send() {
    fn send<T: Send>(_: &T) {}
    let client = integrator_io::Client::builder().token("t").build().unwrap();
    send(
        &client
            .raw(&operations::GET_FLOW)
            .path_param("id", "x")
            .send(),
    );
    send(&client.raw(&operations::LIST_FLOWS).stream());
}
