//! The sandbox behaves like the API: authentication, the account-share rule, the error
//! envelope, validation against the spec (`422` with fields), the leaky bucket (`429`
//! with `Retry-After`), the knobs (latency, injected errors), and no panic on bad input.
#![cfg(feature = "sandbox")]

mod sandbox_support;

use std::time::{Duration, Instant};

use futures::StreamExt;
use integrator_io::sandbox::Sandbox;
use integrator_io::{Client, Error, RetryPolicy};
use sandbox_support::Raw;
use serde_json::{json, Value};

#[tokio::test]
async fn a_missing_or_wrong_token_answers_401_with_the_bare_message() {
    let sandbox = Sandbox::builder().token("right").start().await.unwrap();
    let raw = Raw::new(&sandbox);
    let anonymous = raw
        .http
        .get(format!("{}/exports", sandbox.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);
    assert_eq!(
        anonymous.json::<Value>().await.unwrap(),
        json!({"message": "Unauthorized"})
    );
    let wrong = Client::builder()
        .token("wrong")
        .base_url(sandbox.base_url())
        .build()
        .unwrap();
    match wrong.list_exports().send().await {
        Err(Error::Unauthorized(e)) => {
            assert_eq!(e.message.as_deref(), Some("Unauthorized"));
        }
        other => panic!("{other:?}"),
    }
    assert!(sandbox
        .client()
        .unwrap()
        .list_exports()
        .send()
        .await
        .is_ok());
}

#[tokio::test]
async fn a_shared_account_requires_the_ashare_id_header() {
    let share = "5d4e3f2a1b0c9d8e7f6a5b4c";
    let sandbox = Sandbox::builder().ashare_id(share).start().await.unwrap();
    let plain = Client::builder()
        .token(sandbox.token())
        .base_url(sandbox.base_url())
        .build()
        .unwrap();
    match plain.list_flows().send().await {
        Err(Error::Api(e)) => {
            assert_eq!(e.status.as_u16(), 403);
            assert!(e.has_code("missing_header"));
            assert_eq!(
                e.errors[0].message,
                "An account is shared with you. Please send the Integrator-AShareId in the request header."
            );
        }
        other => panic!("{other:?}"),
    }
    // With the header: per client, or per request.
    assert!(plain
        .with_ashare_id(share)
        .unwrap()
        .list_flows()
        .send()
        .await
        .is_ok());
    assert!(plain
        .list_flows()
        .integrator_a_share_id(share)
        .send()
        .await
        .is_ok());
    assert!(sandbox.client().unwrap().list_flows().send().await.is_ok());
    match plain
        .list_flows()
        .integrator_a_share_id("0123456789abcdef01234567")
        .send()
        .await
    {
        Err(Error::Api(e)) => assert_eq!(e.status.as_u16(), 403),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_body_that_breaks_the_spec_answers_422_naming_each_field() {
    let sandbox = Sandbox::start().await.unwrap();
    let raw = Raw::new(&sandbox);
    let answer = raw
        .send(
            "POST",
            "/exports",
            Some(&json!({"name": 5, "pageSize": "ten", "asynchronous": "yes"})),
        )
        .await;
    assert_eq!(answer.status, 422);
    let body = answer.json();
    let mut fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    fields.sort();
    assert_eq!(fields, ["asynchronous", "name", "pageSize"]);
    for error in body["errors"].as_array().unwrap() {
        assert_eq!(error["code"], "invalid_field");
        assert!(!error["message"].as_str().unwrap().is_empty());
    }

    // A required field, nested and at the top.
    let answer = raw
        .send(
            "POST",
            "/connections/5a6b7c8d9e0f1a2b3c4d5e6f/export/pages",
            Some(&json!({"pagedExportState": {}})),
        )
        .await;
    assert_eq!(answer.status, 422);
    assert_eq!(answer.json()["errors"][0]["field"], "export");
    assert_eq!(answer.code(), "missing_required_field");
    let answer = raw
        .send(
            "POST",
            "/flows",
            Some(&json!({"name": "f", "pageGenerators": [{"_exportId": 7}]})),
        )
        .await;
    assert_eq!(answer.status, 422);
    assert_eq!(
        answer.json()["errors"][0]["field"],
        "pageGenerators.0._exportId"
    );

    // Through the client (a `null` where the spec does not allow one): the field
    // reaches `ErrorDetail::field`.
    let client = sandbox.client().unwrap();
    let export = integrator_io::types::Export {
        name: integrator_io::Nullable::Null,
        ..Default::default()
    };
    match client.create_export().body(export).send().await {
        Err(Error::Api(e)) => {
            assert_eq!(e.status.as_u16(), 422);
            assert_eq!(e.errors[0].field.as_deref(), Some("name"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn bad_input_answers_the_error_envelope_and_never_brings_the_server_down() {
    let sandbox = Sandbox::start().await.unwrap();
    let raw = Raw::new(&sandbox);
    /// Method, path, body, expected status and code.
    type Case = (
        &'static str,
        &'static str,
        Option<&'static [u8]>,
        u16,
        &'static str,
    );
    let cases: Vec<Case> = vec![
        (
            "POST",
            "/exports",
            Some(b"{\"name\": "),
            400,
            "invalid_json",
        ),
        ("POST", "/exports", Some(b"\xff\xfe"), 400, "invalid_json"),
        ("POST", "/exports", None, 400, "missing_body"),
        ("PUT", "/state/k", Some(b"not json"), 400, "invalid_json"),
        ("GET", "/exports?limit=0", None, 400, "invalid_query_params"),
        (
            "GET",
            "/exports?limit=abc",
            None,
            400,
            "invalid_query_params",
        ),
        ("GET", "/exports?skip=-1", None, 400, "invalid_query_params"),
        (
            "GET",
            "/jobs?createdAt_lte=yesterday",
            None,
            400,
            "invalid_query_params",
        ),
        ("GET", "/nothing/here", None, 404, "not_found"),
        (
            "GET",
            "/exports/5a6b7c8d9e0f1a2b3c4d5e6f",
            None,
            404,
            "not_found",
        ),
        ("PATCH", "/exports", None, 405, "method_not_allowed"),
        ("DELETE", "/tokenInfo", None, 405, "method_not_allowed"),
        ("GET", "/exports/%ff%fe", None, 400, "invalid_path"),
        ("GET", "/../etc/passwd", None, 404, "not_found"),
    ];
    for (method, path, body, status, code) in cases {
        let mut request = raw
            .http
            .request(method.parse().unwrap(), format!("{}{path}", raw.base))
            .bearer_auth(&raw.token);
        if let Some(body) = body {
            request = request.body(body.to_vec());
        }
        let answer = request.send().await.unwrap();
        assert_eq!(answer.status().as_u16(), status, "{method} {path}");
        let body: Value = answer.json().await.unwrap();
        assert_eq!(body["errors"][0]["code"], code, "{method} {path}: {body}");
    }
    // Outside /v1.
    let answer = raw
        .http
        .get(format!("http://{}/exports", sandbox.addr()))
        .bearer_auth(&raw.token)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 404);
    // A limit over 1000 reads as 1000; the server still answers.
    assert_eq!(raw.get("/exports?limit=5000").await.status, 204);
    assert_eq!(raw.get("/tokenInfo").await.status, 200);
}

#[tokio::test]
async fn created_resources_have_object_ids_and_millisecond_utc_times() {
    let sandbox = Sandbox::start().await.unwrap();
    let raw = Raw::new(&sandbox);
    let created = raw
        .send("POST", "/flows", Some(&json!({"name": "f"})))
        .await
        .json();
    let id = created["_id"].as_str().unwrap();
    assert_eq!(id.len(), 24);
    assert!(id.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')));
    for field in ["createdAt", "lastModified"] {
        let t = created[field].as_str().unwrap();
        assert_eq!(t.len(), 24, "{t}");
        assert!(t.ends_with('Z') && t.as_bytes()[19] == b'.', "{t}");
    }
    let me = raw.get("/tokenInfo").await.json();
    assert_eq!(me["scope"], "*");
}

#[tokio::test]
async fn the_leaky_bucket_answers_429_with_retry_after_in_whole_seconds() {
    let sandbox = Sandbox::builder().rate_limit(3, 1).start().await.unwrap();
    let client = sandbox
        .client_builder()
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    for _ in 0..3 {
        client.get_token_info().send().await.unwrap();
    }
    match client.get_token_info().send().await {
        Err(Error::RateLimited { retry_after, error }) => {
            assert_eq!(retry_after, Some(Duration::from_secs(1)));
            assert!(error.has_code("rate_limited"));
        }
        other => panic!("{other:?}"),
    }
    let raw = Raw::new(&sandbox);
    let answer = raw.get("/tokenInfo").await;
    assert_eq!(answer.status, 429);
    assert_eq!(answer.header("retry-after"), Some("1"));
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert!(client.get_token_info().send().await.is_ok(), "refilled");

    // The client's default retry policy waits the Retry-After and gets through.
    let patient = sandbox.client().unwrap();
    let started = Instant::now();
    for _ in 0..3 {
        patient.get_token_info().send().await.unwrap();
    }
    assert!(started.elapsed() >= Duration::from_millis(900));

    // The documented default: a burst of 1000, then 300 per second.
    let sandbox = Sandbox::start().await.unwrap();
    let raw = Raw::new(&sandbox);
    let started = Instant::now();
    let statuses: Vec<u16> = futures::stream::iter(0..1500)
        .map(|_| async { raw.get("/tokenInfo").await.status })
        .buffer_unordered(32)
        .collect()
        .await;
    let elapsed = started.elapsed().as_secs_f64();
    let passed = statuses.iter().filter(|s| **s == 200).count();
    let limited = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(passed + limited, 1500);
    assert!(passed >= 1000, "{passed}: the burst of 1000 passes");
    let most = 1000.0 + 300.0 * elapsed + 5.0;
    assert!(
        (passed as f64) <= most,
        "{passed} passed in {elapsed:.2}s: more than the bucket allows ({most:.0})"
    );
}

#[tokio::test]
async fn latency_and_injected_errors_are_knobs() {
    let sandbox = Sandbox::builder()
        .latency(Duration::from_millis(150))
        .start()
        .await
        .unwrap();
    let client = sandbox.client().unwrap();
    let started = Instant::now();
    client.get_token_info().send().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(150));

    let sandbox = Sandbox::builder().error_rate(1.0).start().await.unwrap();
    let raw = Raw::new(&sandbox);
    for _ in 0..20 {
        let answer = raw.get("/tokenInfo").await;
        assert!(matches!(answer.status, 500 | 503), "{}", answer.status);
        assert!(matches!(
            answer.code().as_str(),
            "internal_error" | "service_unavailable"
        ));
    }

    let sandbox = Sandbox::builder().error_rate(0.5).start().await.unwrap();
    let raw = Raw::new(&sandbox);
    let mut failed = 0;
    for _ in 0..400 {
        if raw.get("/tokenInfo").await.status >= 500 {
            failed += 1;
        }
    }
    assert!((120..=280).contains(&failed), "{failed} of 400 at rate 0.5");
    assert!(Sandbox::builder().error_rate(1.5).start().await.is_err());
}

#[tokio::test]
async fn dropping_the_handle_stops_the_server() {
    let sandbox = Sandbox::start().await.unwrap();
    let url = format!("{}/tokenInfo", sandbox.base_url());
    let http = reqwest::Client::new();
    assert!(http.get(&url).send().await.is_ok());
    drop(sandbox);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let fresh = reqwest::Client::new();
    assert!(fresh.get(&url).send().await.is_err());
}
