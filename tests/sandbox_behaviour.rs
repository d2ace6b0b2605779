//! The sandbox behaves like the API: authentication, the account-share rule, the error
//! envelope, validation against the spec (`422` with fields), the leaky bucket (`429`
//! with `Retry-After`), the knobs (latency, injected errors), and no panic on bad input.

mod sandbox_support;

use std::time::{Duration, Instant};

use futures::StreamExt;
use integrator_io::{Client, Error, RetryPolicy};
use integrator_io_sandbox::Sandbox;
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
                e.errors[0].message.as_deref(),
                Some("An account is shared with you. Please send the Integrator-AShareId in the request header.")
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
    // A limit over the spec's maximum (1000) is refused; the server still answers.
    assert_eq!(raw.get("/exports?limit=5000").await.status, 400);
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
    let http = sandbox_support::bare_http().build().unwrap();
    assert!(http.get(&url).send().await.is_ok());
    drop(sandbox);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let fresh = sandbox_support::bare_http().build().unwrap();
    assert!(fresh.get(&url).send().await.is_err());
}

/// The methods an `Allow` header lists, as a sorted set.
fn allowed(answer: &sandbox_support::Answer) -> Vec<String> {
    let mut methods: Vec<String> = answer
        .header("allow")
        .unwrap_or_default()
        .split(',')
        .map(|m| m.trim().to_string())
        .filter(|m| !m.is_empty())
        .collect();
    methods.sort();
    methods
}

#[tokio::test]
async fn a_wrong_method_answers_405_with_an_allow_header_listing_the_specs_methods() {
    let sandbox = Sandbox::start().await.unwrap();
    let raw = Raw::new(&sandbox);
    for (method, path, expected) in [
        ("PATCH", "/exports", vec!["GET", "POST"]),
        ("DELETE", "/tokenInfo", vec!["GET"]),
        (
            "POST",
            "/connections/5a6b7c8d9e0f1a2b3c4d5e6f",
            vec!["DELETE", "GET", "PATCH", "PUT"],
        ),
        // `/jobs/current` is also `/jobs/{id}`: every method of both.
        ("PATCH", "/jobs/current", vec!["GET", "POST"]),
    ] {
        let answer = raw.send(method, path, None).await;
        assert_eq!(answer.status, 405, "{method} {path}");
        assert_eq!(answer.code(), "method_not_allowed");
        assert_eq!(allowed(&answer), expected, "{method} {path}");
        // Every listed method is served on that path (not 405).
        for listed in &expected {
            let answer = raw.send(listed, path, None).await;
            assert_ne!(answer.status, 405, "{listed} {path} is listed in Allow");
        }
    }
}

#[tokio::test]
async fn query_parameters_are_validated_against_their_spec_schemas() {
    let sandbox = Sandbox::builder().seed(true).start().await.unwrap();
    let raw = Raw::new(&sandbox);
    let flow = raw.get("/flows").await.json()[0].clone();
    let errors_path = format!(
        "/flows/{}/{}/errors",
        flow["_id"].as_str().unwrap(),
        flow["pageGenerators"][0]["_exportId"].as_str().unwrap()
    );
    // Refused, each naming its parameter: the spec's maximum, the integer formats
    // (`limit` is a uint32, `skip` a uint64), minimums, types, date-times.
    let refused = [
        ("/exports?limit=1001".to_string(), "limit"),
        ("/exports?limit=4294967296".to_string(), "limit"),
        (
            "/exports?limit=99999999999999999999999".to_string(),
            "limit",
        ),
        ("/exports?limit=0".to_string(), "limit"),
        ("/exports?limit=1.5".to_string(), "limit"),
        ("/exports?skip=18446744073709551616".to_string(), "skip"),
        ("/exports?skip=-1".to_string(), "skip"),
        ("/jobs?numSuccess_gte=-1".to_string(), "numSuccess_gte"),
        ("/jobs?retriable=maybe".to_string(), "retriable"),
        ("/jobs?createdAt_lte=yesterday".to_string(), "createdAt_lte"),
        (format!("{errors_path}?occurredAt_lte=0"), "occurredAt_lte"),
        (
            format!("{errors_path}?occurredAt_gte=2024-13-01T00:00:00Z"),
            "occurredAt_gte",
        ),
    ];
    for (path, field) in &refused {
        let answer = raw.get(path).await;
        assert_eq!(answer.status, 400, "{path}: {}", answer.text());
        let body = answer.json();
        let error = &body["errors"][0];
        assert_eq!(error["code"], "invalid_query_params", "{path}: {body}");
        assert_eq!(error["field"], *field, "{path}: {body}");
        assert!(!error["message"].as_str().unwrap().is_empty());
    }
    // One error per parameter that breaks its schema, like a body's fields.
    let answer = raw.get("/exports?limit=5000&skip=-3").await;
    assert_eq!(answer.status, 400);
    let mut fields: Vec<String> = answer.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect();
    fields.sort();
    assert_eq!(fields, ["limit", "skip"]);

    // Accepted: the bounds themselves, `skip` up to 2^64 - 1 (a uint64), times.
    for path in [
        "/exports?limit=1000".to_string(),
        "/exports?limit=1".to_string(),
        "/exports?skip=9223372036854775807".to_string(),
        "/exports?skip=9223372036854775808".to_string(),
        "/exports?skip=18446744073709551615".to_string(),
        "/jobs?numSuccess_gte=0&retriable=true".to_string(),
        "/jobs?createdAt_lte=2030-01-01T00:00:00.000Z".to_string(),
        format!("{errors_path}?occurredAt_lte=2030-01-01T00:00:00Z"),
    ] {
        let answer = raw.get(&path).await;
        assert!(
            matches!(answer.status, 200 | 204),
            "{path}: HTTP {} {}",
            answer.status,
            answer.text()
        );
    }
    assert_eq!(
        raw.get("/exports?skip=18446744073709551615").await.status,
        204,
        "nothing that far"
    );
}

#[tokio::test]
async fn numbers_are_stored_and_answered_exactly_as_sent() {
    let sandbox = Sandbox::start().await.unwrap();
    let raw = Raw::new(&sandbox);
    // Beyond 64 bits, an f64 whose shortest form a default parser gets wrong, and a
    // decimal beyond f64: in unknown fields, at the top and nested.
    let literals = [
        "123456789012345678901234567890",
        "9.592416666666667",
        "0.1000000000000000055511151231257827",
        "-98765432109876543210987654321",
    ];
    // Beyond f64's range: kept as the same number (serde_json writes its exponent
    // with a sign).
    let huge = ["1e400", "1e+400"];
    let body = format!(
        r#"{{"name":"numbers","big":{},"float":{},"precise":{},"deep":{{"list":[{},{}]}}}}"#,
        literals[0], literals[1], literals[2], literals[3], huge[0]
    );
    let send = |method: &str, path: String, body: String| {
        raw.http
            .request(method.parse().unwrap(), format!("{}{path}", raw.base))
            .bearer_auth(&raw.token)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let created = send("POST", "/exports".into(), body).await.unwrap();
    assert_eq!(created.status().as_u16(), 201);
    let created = created.text().await.unwrap();
    let id = serde_json::from_str::<Value>(&created).unwrap()["_id"]
        .as_str()
        .unwrap()
        .to_string();
    let read = raw.get(&format!("/exports/{id}")).await.text();
    let listed = raw.get("/exports").await.text();
    for (what, text) in [("create", &created), ("get", &read), ("list", &listed)] {
        for literal in literals {
            assert!(
                text.contains(literal),
                "{what} answered {literal} as another number: {text}"
            );
        }
        assert!(huge.iter().any(|h| text.contains(h)), "{what}: {text}");
    }
    // Written back as read, read again: still the same text.
    let updated = send("PUT", format!("/exports/{id}"), read).await.unwrap();
    assert_eq!(updated.status().as_u16(), 200);
    let reread = raw.get(&format!("/exports/{id}")).await.text();
    for literal in literals {
        assert!(reread.contains(literal), "{literal} after a PUT: {reread}");
    }
    assert!(huge.iter().any(|h| reread.contains(h)), "{reread}");
}
