//! The typed httpmock helpers, driven through the real `Client`.

use chrono::{TimeZone, Utc};
use httpmock::MockServer;
use integrator_io::{types, Client, Error, RetryPolicy};
use integrator_io_mock::{MockServerExt, BASE_PATH};
use serde_json::json;

fn client_for(base_url: String) -> Client {
    Client::builder()
        .token("test-token")
        .base_url(base_url)
        .retry(RetryPolicy::none())
        .build()
        .expect("a client for the mock server")
}

fn as_json(value: &impl serde::Serialize) -> serde_json::Value {
    serde_json::to_value(value).unwrap()
}

fn export(value: serde_json::Value) -> types::Export {
    serde_json::from_value(value).expect("an Export")
}

#[tokio::test]
async fn get_by_id_answers_the_typed_value() {
    let server = MockServer::start_async().await;
    let answer =
        export(json!({"_id": "5a6b7c8d9e0f", "name": "Orders", "adaptorType": "HTTPExport"}));
    let mock = server.get_export(|when, then| {
        when.id("5a6b7c8d9e0f");
        then.ok(&answer);
    });
    let client = client_for(server.url(BASE_PATH));
    let got = client.get_export().id("5a6b7c8d9e0f").send().await.unwrap();
    assert_eq!(as_json(&got.into_inner()), as_json(&answer));
    mock.assert();
}

#[tokio::test]
async fn the_id_matcher_matches_only_that_id() {
    let server = MockServer::start_async().await;
    let mock = server.get_export(|when, then| {
        when.id("5a6b");
        then.ok(&export(json!({"_id": "5a6b"})));
    });
    let client = client_for(server.url(BASE_PATH));
    // a regex would let `5a6b` match `5a6bX` or `.` match anything: the id is escaped
    let err = client.get_export().id("5a6bX").send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404), "{err:?}");
    mock.assert_calls(0);
}

/// The helpers expect the `/v1` prefix of the API's base URL; a client pointed at the
/// server's root requests `/exports/…`, matches nothing and gets httpmock's 404.
#[tokio::test]
async fn a_client_at_the_server_root_matches_no_typed_mock() {
    let server = MockServer::start_async().await;
    let mock = server.get_export(|when, then| {
        when.id("5a6b");
        then.ok(&export(json!({"_id": "5a6b"})));
    });
    let client = client_for(server.base_url());
    let err = client.get_export().id("5a6b").send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404), "{err:?}");
    mock.assert_calls(0);

    let client = client_for(server.url(BASE_PATH));
    client.get_export().id("5a6b").send().await.unwrap();
    mock.assert_calls(1);
}

#[tokio::test]
async fn a_list_with_query_filters() {
    let server = MockServer::start_async().await;
    let jobs: Vec<types::Job> =
        serde_json::from_value(json!([{"_id": "j1", "status": "running", "_flowId": "f1"}]))
            .unwrap();
    let mock = server.list_jobs(|when, then| {
        when.flow_id("f1").status(&types::JobStatus::Running);
        then.ok(&jobs);
    });
    let client = client_for(server.url(BASE_PATH));
    let got = client
        .list_jobs()
        .flow_id("f1")
        .status(types::JobStatus::Running)
        .send()
        .await
        .unwrap();
    assert_eq!(as_json(&got.into_inner()), as_json(&jobs));
    mock.assert();

    // another status does not match
    let err = client
        .list_jobs()
        .flow_id("f1")
        .status(types::JobStatus::Failed)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404), "{err:?}");
    mock.assert_calls(1);
}

#[tokio::test]
async fn a_post_with_a_json_body_matcher() {
    let server = MockServer::start_async().await;
    let body = export(json!({"name": "Orders", "_connectionId": "c1", "description": null}));
    let created = export(json!({"_id": "e1", "name": "Orders", "_connectionId": "c1"}));
    let mock = server.create_export(|when, then| {
        when.body(&body);
        then.created(&created);
    });
    let client = client_for(server.url(BASE_PATH));
    let got = client
        .create_export()
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(as_json(&got.into_inner()), as_json(&created));
    mock.assert();

    // another body does not match
    let other = export(json!({"name": "Orders", "_connectionId": "c1"}));
    let err = client.create_export().body(other).send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404), "{err:?}");
    mock.assert_calls(1);
}

/// The typed matcher compares the client's form (`2024-01-01T00:00:00Z`), not
/// `to_string()`'s (`2024-01-01 00:00:00 UTC`), which progenitor's helper used.
#[tokio::test]
async fn a_date_time_query_matches_what_the_client_sends() {
    let server = MockServer::start_async().await;
    let at = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
    let with_millis =
        Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::milliseconds(250);
    let typed = server.list_jobs(|when, then| {
        when.created_at_gte(&at);
        then.ok(&vec![]);
    });
    let typed_millis = server.list_jobs(|when, then| {
        when.created_at_gte(&with_millis);
        then.ok(&vec![]);
    });
    let display_form = server.mock(|when, then| {
        when.query_param("createdAt_gte", at.to_string());
        then.status(500);
    });
    let client = client_for(server.url(BASE_PATH));
    client.list_jobs().created_at_gte(at).send().await.unwrap();
    client
        .list_jobs()
        .created_at_gte(with_millis)
        .send()
        .await
        .unwrap();
    typed.assert();
    typed_millis.assert();
    display_form.assert_calls(0);
}

#[tokio::test]
async fn an_error_answer() {
    let server = MockServer::start_async().await;
    let mock = server.get_export(|when, then| {
        when.id("gone");
        then.error(404, "not_found", "Export not found.");
    });
    let client = client_for(server.url(BASE_PATH));
    let err = client.get_export().id("gone").send().await.unwrap_err();
    match &err {
        Error::Api(api) => {
            assert_eq!(api.status.as_u16(), 404);
            assert_eq!(api.code(), Some("not_found"));
        }
        other => panic!("expected Error::Api, got {other:?}"),
    }
    mock.assert();
}

#[tokio::test]
async fn into_inner_reaches_plain_httpmock() {
    let server = MockServer::start_async().await;
    let mock = server.list_exports(|when, then| {
        when.into_inner().header_exists("authorization");
        then.into_inner().status(204);
    });
    let client = client_for(server.url(BASE_PATH));
    let got = client.list_exports().send().await.unwrap();
    assert!(got.into_inner().is_empty());
    mock.assert();
}

/// A listing mocked in pages: the client reads every page once, in order, and the
/// first page's mock does not answer the requests for later pages.
#[tokio::test]
async fn link_pages_answer_each_page_once() {
    use integrator_io_mock::PagedMocks;
    let server = MockServer::start_async().await;
    let flow = |id: &str| types::Flow {
        id: id.into(),
        ..Default::default()
    };
    let pages = server.link_pages(
        "/flows",
        &[
            vec![flow("f1"), flow("f2")],
            vec![flow("f3")],
            vec![flow("f4")],
        ],
    );
    let client = client_for(server.url(BASE_PATH));
    let flows = client.list_flows().collect_all().await.unwrap();
    let ids: Vec<_> = flows.iter().filter_map(|f| f.id.value().cloned()).collect();
    assert_eq!(ids, ["f1", "f2", "f3", "f4"]);
    for page in &pages {
        page.assert_calls(1);
    }
}

/// Without its own mock, a second page is not answered by the first page's mock: the
/// listing fails on page 2 instead of looping over page 1.
#[tokio::test]
async fn a_first_page_mock_does_not_match_page_two() {
    use integrator_io_mock::PagedMocks;
    let server = MockServer::start_async().await;
    let mut pages = server.link_pages("/flows", &[vec![types::Flow::default()], vec![]]);
    pages[1].delete();
    let client = client_for(server.url(BASE_PATH));
    let err = client.list_flows().collect_all().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404), "{err:?}");
    pages[0].assert_calls(1);
}

/// The `nextPageURL` form (flow errors): the URL is set in each page's body.
#[tokio::test]
async fn next_page_url_pages_answer_each_page_once() {
    use integrator_io_mock::PagedMocks;
    let server = MockServer::start_async().await;
    let page = |ids: &[&str]| types::FlowErrorPage {
        errors: ids
            .iter()
            .map(|id| types::FlowError {
                error_id: (*id).into(),
                ..Default::default()
            })
            .collect::<Vec<_>>()
            .into(),
        // replaced by the helper
        next_page_url: "stale".into(),
        ..Default::default()
    };
    let pages = server.next_page_url_pages(
        "/flows/f1/e1/errors",
        &[page(&["a", "b"]), page(&["c"]), page(&[])],
    );
    let client = client_for(server.url(BASE_PATH));
    let errors = client
        .list_flow_errors()
        .flow_id("f1")
        .step_id("e1")
        .collect_all()
        .await
        .unwrap();
    let ids: Vec<_> = errors
        .iter()
        .filter_map(|e| e.error_id.value().cloned())
        .collect();
    assert_eq!(ids, ["a", "b", "c"]);
    for page in &pages {
        page.assert_calls(1);
    }
}
