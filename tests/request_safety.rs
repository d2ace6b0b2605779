//! What the client sends, and what it refuses to send: ids that would change the URL,
//! header values that would inject headers, a missing token, undocumented headers.

mod support;

use integrator_io::{Client, ClientBuilder, Error, Region};
use serde_json::json;
use support::{CaptureServer, Reply};

#[tokio::test]
async fn ids_that_would_change_the_url_are_refused_before_anything_is_sent() {
    let server = CaptureServer::always(Reply::json(200, &json!({}))).await;
    let client = server.client();
    for bad in [
        "",
        ".",
        "..",
        "a/b",
        "../exports",
        "a?b=1",
        "a#b",
        "a\\b",
        "a\nb",
        "a\rb",
        "a\u{0}b",
        "a\u{7f}b",
    ] {
        match client.get_export().id(bad).send().await {
            Err(Error::InvalidId {
                operation,
                parameter,
                value,
                ..
            }) => {
                assert_eq!(
                    (operation, parameter, value.as_str()),
                    ("getExport", "id", bad)
                );
            }
            other => panic!("{bad:?}: expected InvalidId, got {other:?}"),
        }
    }
    // Every path parameter of a multi-id path is checked, not just the first.
    let err = client
        .get_flow_error_retry_data()
        .flow_id("f1")
        .step_id("s1")
        .retry_data_key("..")
        .send()
        .await;
    assert!(
        matches!(
            err,
            Err(Error::InvalidId {
                parameter: "retryDataKey",
                ..
            })
        ),
        "{err:?}"
    );
    let err = client.get_state_value().key("a/b").send().await;
    assert!(
        matches!(
            err,
            Err(Error::InvalidId {
                parameter: "key",
                ..
            })
        ),
        "{err:?}"
    );
    assert!(
        server.requests().is_empty(),
        "nothing may be sent: {:?}",
        server.requests()
    );
}

#[tokio::test]
async fn awkward_but_valid_ids_are_percent_encoded_into_one_segment() {
    let server = CaptureServer::always(Reply::json(200, &json!({"_id": "x"}))).await;
    let client = server.client();
    client.get_export().id("5a6b 7c%8d").send().await.unwrap();
    client
        .get_state_value()
        .key("last run: 2024-01-01")
        .send()
        .await
        .unwrap();
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(
        targets,
        [
            "/v1/exports/5a6b%207c%258d",
            "/v1/state/last%20run:%202024-01-01"
        ]
    );
}

#[tokio::test]
async fn header_values_with_cr_or_lf_are_refused() {
    let server = CaptureServer::always(Reply::json(200, &json!([]))).await;
    let client = server.client();
    let err = client
        .list_exports()
        .integrator_a_share_id("abc\r\nX-Injected: 1")
        .send()
        .await;
    assert!(
        matches!(
            err,
            Err(Error::InvalidHeader {
                operation: "listExports",
                header: "Integrator-AShareId",
                ..
            })
        ),
        "{err:?}"
    );
    let err = Client::builder()
        .token("t")
        .base_url(&server.base_url)
        .ashare_id("a\nb")
        .build();
    assert!(
        matches!(
            err,
            Err(Error::InvalidHeader {
                header: "Integrator-AShareId",
                ..
            })
        ),
        "{err:?}"
    );
    let err = Client::builder()
        .token("t")
        .base_url(&server.base_url)
        .user_agent("x\r\ny")
        .build();
    assert!(
        matches!(
            err,
            Err(Error::InvalidHeader {
                header: "User-Agent",
                ..
            })
        ),
        "{err:?}"
    );
    let err = Client::builder()
        .token("abc\ndef")
        .base_url(&server.base_url)
        .build();
    assert!(
        matches!(
            err,
            Err(Error::Config {
                setting: "token",
                ..
            })
        ),
        "{err:?}"
    );
    assert!(server.requests().is_empty());
}

#[test]
fn a_missing_token_is_a_typed_error() {
    assert!(matches!(
        Client::builder().build(),
        Err(Error::MissingToken)
    ));
    assert!(matches!(
        Client::builder().token("   ").build(),
        Err(Error::MissingToken)
    ));
    let from_empty_env = ClientBuilder::from_vars(|_| None).unwrap().build();
    assert!(matches!(from_empty_env, Err(Error::MissingToken)));
}

#[test]
fn configuration_comes_from_the_environment_and_setters_win() {
    let vars = |name: &str| match name {
        "INTEGRATOR_API_TOKEN" => Some("env-token".to_string()),
        "INTEGRATOR_REGION" => Some("EU".to_string()),
        "INTEGRATOR_ASHARE_ID" => Some("share-1".to_string()),
        _ => None,
    };
    let client = ClientBuilder::from_vars(vars).unwrap().build().unwrap();
    assert_eq!(client.base_url(), "https://api.eu.integrator.io/v1");
    assert_eq!(client.ashare_id(), Some("share-1"));
    let client = ClientBuilder::from_vars(vars)
        .unwrap()
        .region(Region::NorthAmerica)
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "https://api.integrator.io/v1");
    let bad_region =
        ClientBuilder::from_vars(|n| (n == "INTEGRATOR_REGION").then(|| "mars".to_string()));
    assert!(matches!(
        bad_region,
        Err(Error::Config {
            setting: "region",
            ..
        })
    ));
    let base = ClientBuilder::from_vars(|n| match n {
        "INTEGRATOR_API_TOKEN" => Some("t".into()),
        "INTEGRATOR_BASE_URL" => Some("http://127.0.0.1:9/v1/".into()),
        _ => None,
    });
    assert_eq!(
        base.unwrap().build().unwrap().base_url(),
        "http://127.0.0.1:9/v1"
    );
}

#[test]
fn base_urls_are_checked_and_normalised() {
    let build = |url: &str| {
        Client::builder()
            .token("t")
            .base_url(url)
            .build()
            .map(|c| c.base_url().to_string())
    };
    assert_eq!(
        build("https://proxy.example.com/integrator/v1///").unwrap(),
        "https://proxy.example.com/integrator/v1"
    );
    assert_eq!(
        build("http://localhost:8080").unwrap(),
        "http://localhost:8080"
    );
    assert_eq!(
        build("http://[::1]:8080/v1/").unwrap(),
        "http://[::1]:8080/v1"
    );
    for bad in [
        "http://api.example.com/v1",
        "ftp://x/v1",
        "not a url",
        "https://h/v1?x=1",
        "https://user:pw@h/v1",
    ] {
        assert!(
            matches!(
                build(bad),
                Err(Error::Config {
                    setting: "base URL",
                    ..
                })
            ),
            "{bad}"
        );
    }
    let insecure = Client::builder()
        .token("t")
        .base_url("http://proxy.internal/v1")
        .allow_insecure_http(true)
        .build();
    assert_eq!(insecure.unwrap().base_url(), "http://proxy.internal/v1");
}

#[tokio::test]
async fn requests_carry_exactly_the_documented_headers() {
    let server =
        CaptureServer::always(Reply::json(200, &json!({"_userId": "u", "scope": "*"}))).await;
    let client = Client::builder()
        .token("test-token-123")
        .base_url(format!("{}/", server.base_url))
        .ashare_id("share-default")
        .build()
        .unwrap();
    client.get_token_info().send().await.unwrap();
    client
        .get_token_info()
        .integrator_a_share_id("share-override")
        .send()
        .await
        .unwrap();
    client
        .run_virtual_export()
        .id("5a6b7c8d9e0f1a2b3c4d5e6f")
        .integrator_net_suite_script_id("customscript_x")
        .integrator_net_suite_deploy_id("customdeploy_x")
        .body(
            serde_json::from_value::<integrator_io::types::VirtualExportRequest>(
                json!({"export": {}}),
            )
            .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let requests = server.requests();
    let first = &requests[0];
    assert_eq!(
        first.target, "/v1/tokenInfo",
        "a trailing slash on the base URL must not double"
    );
    assert_eq!(first.header("authorization"), Some("Bearer test-token-123"));
    assert_eq!(first.header("integrator-ashareid"), Some("share-default"));
    assert_eq!(
        first.header("user-agent"),
        Some(integrator_io::DEFAULT_USER_AGENT)
    );
    assert_eq!(
        first.header("api-version"),
        None,
        "progenitor's api-version header is not sent"
    );
    let allowed = [
        "host",
        "authorization",
        "accept",
        "user-agent",
        "integrator-ashareid",
        "content-type",
        "content-length",
        "integrator-netsuite-scriptid",
        "integrator-netsuite-deployid",
    ];
    for request in &requests {
        for (name, _) in &request.headers {
            assert!(
                allowed.contains(&name.as_str()),
                "undocumented header sent: {name}"
            );
        }
    }
    assert_eq!(
        requests[1].header("integrator-ashareid"),
        Some("share-override")
    );
    assert_eq!(
        requests[1]
            .headers
            .iter()
            .filter(|(n, _)| n == "integrator-ashareid")
            .count(),
        1
    );
    assert_eq!(
        requests[2].header("integrator-netsuite-scriptid"),
        Some("customscript_x")
    );
    assert_eq!(
        requests[2].header("integrator-netsuite-deployid"),
        Some("customdeploy_x")
    );
}

#[tokio::test]
async fn the_token_never_appears_in_debug_output_or_errors() {
    let token = "tok-SECRET-9f8e7d";
    let server = CaptureServer::always(Reply::json(401, &json!({"message": "Unauthorized"}))).await;
    let builder = Client::builder().token(token).base_url(&server.base_url);
    assert!(!format!("{builder:?}").contains("SECRET"));
    let client = builder.build().unwrap();
    assert!(!format!("{client:?}").contains("SECRET"), "{client:?}");
    let err = client.get_token_info().send().await.unwrap_err();
    for text in [format!("{err}"), format!("{err:?}")] {
        assert!(!text.contains("SECRET"), "{text}");
    }
    let err = Client::builder().token("SECRET\nx").build().unwrap_err();
    assert!(!format!("{err} {err:?}").contains("SECRET"));
}

#[tokio::test]
async fn scoped_clients_add_the_share_and_netsuite_headers_to_every_request() {
    let server = CaptureServer::always(Reply::json(200, &json!([]))).await;
    let client = server.client();
    let shared = client.with_ashare_id("share-9").unwrap();
    let proxied = shared
        .with_netsuite_restlet("customscript_7", "customdeploy_7")
        .unwrap();
    client.list_flows().send().await.unwrap();
    shared.list_flows().send().await.unwrap();
    proxied.list_flows().send().await.unwrap();
    proxied
        .list_flows()
        .integrator_a_share_id("share-own")
        .send()
        .await
        .unwrap();
    let requests = server.requests();
    let share = |i: usize| {
        requests[i]
            .header("integrator-ashareid")
            .map(str::to_string)
    };
    assert_eq!(share(0), None);
    assert_eq!(share(1).as_deref(), Some("share-9"));
    assert_eq!(share(2).as_deref(), Some("share-9"));
    assert_eq!(
        share(3).as_deref(),
        Some("share-own"),
        "the request's own value wins"
    );
    assert_eq!(requests[1].header("integrator-netsuite-scriptid"), None);
    assert_eq!(
        requests[2].header("integrator-netsuite-scriptid"),
        Some("customscript_7")
    );
    assert_eq!(
        requests[2].header("integrator-netsuite-deployid"),
        Some("customdeploy_7")
    );
    assert!(matches!(
        client.with_ashare_id("x\r\ny"),
        Err(Error::InvalidHeader { .. })
    ));
    assert!(matches!(
        client.with_netsuite_restlet("a", "b\n"),
        Err(Error::InvalidHeader { .. })
    ));
}

#[tokio::test]
async fn a_masked_secret_read_from_the_api_is_never_written_back() {
    // A connection as the API answers it: its credentials masked.
    let read = json!({
        "_id": "5a6b7c8d9e0f1a2b3c4d5e6f",
        "type": "http",
        "name": "Shop",
        "http": {
            "baseURI": "https://shop.test",
            "auth": {"type": "basic", "basic": {"username": "u", "password": "******"}},
            "encrypted": {"apiKey": "•••••"},
        },
    });
    let server = CaptureServer::always(Reply::json(200, &read)).await;
    let client = server.client();
    let connection = client
        .get_connection()
        .id("5a6b7c8d9e0f1a2b3c4d5e6f")
        .send()
        .await
        .unwrap()
        .into_inner();
    let err = client
        .update_connection()
        .id("5a6b7c8d9e0f1a2b3c4d5e6f")
        .body(connection.clone())
        .send()
        .await
        .unwrap_err();
    match &err {
        Error::MaskedSecret { operation, field } => {
            assert_eq!(*operation, "updateConnection");
            assert_eq!(field, "/http/auth/basic/password");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        err.to_string().contains("/http/auth/basic/password"),
        "{err}"
    );
    // A create (for example a copy into another account) is refused too.
    let err = client
        .create_connection()
        .body(connection.clone())
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::MaskedSecret { .. }), "{err:?}");
    assert_eq!(server.count(), 1, "only the read was sent");

    // With the real secrets set, the write goes out with every other field as read.
    let mut fixed = serde_json::to_value(&connection).unwrap();
    fixed["http"]["auth"]["basic"]["password"] = json!("hunter2");
    fixed["http"]["encrypted"]["apiKey"] = json!("k-123");
    let fixed: integrator_io::types::Connection = serde_json::from_value(fixed).unwrap();
    client
        .update_connection()
        .id("5a6b7c8d9e0f1a2b3c4d5e6f")
        .body(fixed)
        .send()
        .await
        .unwrap();
    assert_eq!(
        server.requests()[1].json()["http"]["encrypted"]["apiKey"],
        json!("k-123")
    );

    // Sent on purpose, through the explicit opt-in.
    client
        .with_masked_secrets_allowed()
        .update_connection()
        .id("5a6b7c8d9e0f1a2b3c4d5e6f")
        .body(connection)
        .send()
        .await
        .unwrap();
    assert_eq!(
        server.requests()[2].json()["http"]["auth"]["basic"]["password"],
        json!("******")
    );
}

/// What the client sends for a date-time query parameter, on the wire.
#[tokio::test]
async fn the_client_sends_date_times_as_rfc3339() {
    use chrono::TimeZone;

    let server = CaptureServer::always(Reply::json(200, &json!([]))).await;
    let at = chrono::Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
    server
        .client()
        .list_jobs()
        .created_at_gte(at)
        .send()
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(
        requests[0].target,
        "/v1/jobs?createdAt_gte=2024-01-01T00%3A00%3A00Z"
    );
}
