//! Every answer the API documents or is known to send becomes the matching result:
//! typed errors with the decoded envelope, never a panic.

mod support;

use std::time::Duration;

use integrator_io::{Client, Error};
use serde_json::json;
use support::{CaptureServer, Reply};

const ID: &str = "5a6b7c8d9e0f1a2b3c4d5e6f";

async fn get_export_answering(reply: Reply) -> Result<integrator_io::types::Export, Error> {
    let server = CaptureServer::always(reply).await;
    server
        .client()
        .get_export()
        .id(ID)
        .send()
        .await
        .map(|r| r.into_inner())
}

#[tokio::test]
async fn unauthorized_in_both_body_shapes() {
    match get_export_answering(Reply::json(401, &json!({"message": "Unauthorized"}))).await {
        Err(Error::Unauthorized(e)) => {
            assert_eq!(
                (e.status.as_u16(), e.message.as_deref(), e.operation),
                (401, Some("Unauthorized"), "getExport")
            );
        }
        other => panic!("{other:?}"),
    }
    let envelope =
        json!({"errors": [{"code": "unauthorized", "message": "Bearer token is invalid."}]});
    match get_export_answering(Reply::json(401, &envelope)).await {
        Err(Error::Unauthorized(e)) => assert_eq!(e.code(), Some("unauthorized")),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn error_envelopes_decode_with_code_message_and_field() {
    let cases = [
        (
            400,
            json!({"errors": [{"code": "invalid_query_params", "message": "bad skip"}]}),
        ),
        (
            403,
            json!({"errors": [{"code": "missing_header", "message": "An account is shared with you."}]}),
        ),
        (
            404,
            json!({"errors": [{"code": "not_found", "message": "Export not found."}]}),
        ),
        (
            422,
            json!({"errors": [{"code": "invalid_ref", "message": "Connection not found.", "field": "_connectionId"}]}),
        ),
        (
            500,
            json!({"errors": [{"code": "internal", "message": "Something broke."}]}),
        ),
    ];
    for (status, body) in cases {
        match get_export_answering(Reply::json(status, &body)).await {
            Err(Error::Api(e)) => {
                assert_eq!(e.status.as_u16(), status);
                assert_eq!(
                    e.errors[0].code.as_deref(),
                    body["errors"][0]["code"].as_str()
                );
                assert_eq!(
                    e.errors[0].message.as_deref(),
                    body["errors"][0]["message"].as_str()
                );
                assert_eq!(
                    e.errors[0].field.as_deref(),
                    body["errors"][0]["field"].as_str()
                );
                let shown = e.to_string();
                assert!(
                    shown.contains("getExport") && shown.contains(&status.to_string()),
                    "{shown}"
                );
            }
            other => panic!("{status}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn rate_limited_carries_retry_after() {
    let reply = Reply::json(
        429,
        &json!({"errors": [{"code": "rate_limited", "message": "slow down"}]}),
    )
    .with_header("Retry-After", "7");
    match get_export_answering(reply).await {
        Err(Error::RateLimited { retry_after, error }) => {
            assert_eq!(retry_after, Some(Duration::from_secs(7)));
            assert!(error.has_code("rate_limited"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn gateway_pages_that_are_not_json_keep_their_status() {
    for status in [502, 503, 504] {
        let page = "<html><body><h1>502 Bad Gateway</h1></body></html>";
        match get_export_answering(Reply::raw(status, "text/html", page)).await {
            Err(Error::Api(e)) => {
                assert_eq!(e.status.as_u16(), status);
                assert!(e.errors.is_empty());
                assert!(e.body_start.as_deref().unwrap().starts_with("<html>"));
            }
            other => panic!("{status}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn success_bodies_that_do_not_match_are_decode_errors_naming_the_operation() {
    let cases = [
        Reply::raw(200, "application/json", r#"{"_id": "5a6b", "name": "trunc"#),
        Reply::raw(200, "text/html", "<html>maintenance</html>"),
        Reply::raw(200, "application/json", ""),
        Reply::json(200, &json!({"name": 42})),
        Reply::json(200, &json!(["not", "an", "object"])),
    ];
    for reply in cases {
        let body = String::from_utf8_lossy(&reply.body).to_string();
        match get_export_answering(reply).await {
            Err(Error::Decode {
                operation,
                status,
                body_start,
                ..
            }) => {
                assert_eq!((operation, status.as_u16()), ("getExport", 200));
                assert_eq!(body_start, body);
            }
            other => panic!("{body}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn an_empty_list_answered_204_is_an_empty_list() {
    let server = CaptureServer::always(Reply::empty(204)).await;
    let exports = server.client().list_exports().send().await.unwrap();
    assert!(exports.is_empty());
    assert_eq!(exports.status().as_u16(), 200);
    // A 204 where the spec documents none is reported, not guessed at.
    match server.client().get_export().id(ID).send().await {
        Err(Error::UnexpectedStatus {
            operation: "getExport",
            status,
            ..
        }) => assert_eq!(status.as_u16(), 204),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn plain_text_and_empty_answers() {
    let server = CaptureServer::start(|request| match request.method.as_str() {
        "PUT" if request.target.ends_with("/new-key") => Reply::raw(200, "text/plain", "Created"),
        "PUT" => Reply::raw(200, "text/plain; charset=utf-8", "OK"),
        _ => Reply::empty(204),
    })
    .await;
    let client = server.client();
    let created = client
        .set_state_value()
        .key("new-key")
        .body(json!({"cursor": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.into_inner(), "Created");
    let updated = client
        .set_state_value()
        .key("old-key")
        .body(json!([1, 2]))
        .send()
        .await
        .unwrap();
    assert_eq!(updated.into_inner(), "OK");
    client
        .delete_state_value()
        .key("old-key")
        .send()
        .await
        .unwrap();
    client.delete_export().id(ID).send().await.unwrap();
    let sent = server.requests();
    assert_eq!(sent[0].json(), json!({"cursor": 1}));
    assert_eq!(sent[1].json(), json!([1, 2]));
}

#[tokio::test]
async fn transport_failures_and_timeouts_are_transport_errors() {
    // A port nothing listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = listener.local_addr().unwrap();
    drop(listener);
    let client = Client::builder()
        .token("t")
        .base_url(format!("http://{closed}/v1"))
        .retry(integrator_io::RetryPolicy::none())
        .build()
        .unwrap();
    let err = client.get_token_info().send().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                operation: "getTokenInfo",
                ..
            }
        ),
        "{err:?}"
    );

    // A server that accepts and never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = silent.local_addr().unwrap();
    let _keep = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            held.push(socket);
        }
    });
    let client = Client::builder()
        .token("t")
        .base_url(format!("http://{address}/v1"))
        .timeout(Duration::from_millis(300))
        .retry(integrator_io::RetryPolicy::none())
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = client.get_token_info().send().await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    // The 60 s default timeout would take 60 s; 20 s holds on a loaded machine.
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[tokio::test]
async fn an_error_entry_keeps_the_fields_the_docs_do_not_name() {
    let body = r#"{"errors": [{"code": "invalid_ref", "message": "Flow not found",
        "source": "flow", "details": {"_flowId": "5f1a", "attempts": 1.50}}]}"#;
    match get_export_answering(Reply::raw(404, "application/json", body)).await {
        Err(Error::Api(e)) => {
            let entry = &e.errors[0];
            assert_eq!(entry.code.as_deref(), Some("invalid_ref"));
            assert_eq!(entry.extra["source"], "flow");
            assert_eq!(
                serde_json::to_string(&entry.extra["details"]).unwrap(),
                r#"{"_flowId":"5f1a","attempts":1.50}"#
            );
            assert_eq!(entry.to_string(), "invalid_ref: Flow not found");
        }
        other => panic!("{other:?}"),
    }
}
