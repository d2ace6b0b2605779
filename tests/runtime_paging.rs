//! Paging: Link headers, nextPageURL, jobs by time, paged virtual exports, and the
//! links that must not be followed.

mod support;

use futures::TryStreamExt;
use integrator_io::Error;
use serde_json::{json, Value};
use support::{CaptureServer, Captured, Reply};

fn query(request: &Captured, name: &str) -> Option<String> {
    let url = url::Url::parse(&format!("http://x{}", request.target)).unwrap();
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Reads `stream` to its error: the items read before it, and the error. A stream that
/// ends normally fails the test.
async fn read_until_error<T>(
    mut stream: integrator_io::paging::ItemStream<'_, T>,
) -> (Vec<T>, Error) {
    let mut read = Vec::new();
    loop {
        match stream.try_next().await {
            Ok(Some(item)) => read.push(item),
            Ok(None) => panic!("the stream ended normally after {} items", read.len()),
            Err(e) => return (read, e),
        }
    }
}

fn flows(range: std::ops::Range<usize>) -> Value {
    Value::Array(
        range
            .map(|i| json!({"_id": format!("{i:024x}"), "name": format!("flow {i}"), "zzKept": i}))
            .collect(),
    )
}

/// Reads every flow `server` lists: the pager must give up with an `Error::Paging`
/// saying `says`.
async fn assert_flows_paging_fails(server: &CaptureServer, says: &str) {
    let err = server
        .client()
        .list_flows()
        .collect_all()
        .await
        .unwrap_err();
    assert_paging_error(&err, says);
}

/// `err` is an `Error::Paging` saying `says`.
fn assert_paging_error(err: &Error, says: &str) {
    assert!(
        matches!(err, Error::Paging { message, .. } if message.contains(says)),
        "{says}: {err:?}"
    );
}

#[tokio::test]
async fn link_headers_are_followed_in_every_spelling_until_none_is_left() {
    let server = CaptureServer::start(|request| {
        let skip: usize = query(request, "skip").map_or(0, |s| s.parse().unwrap());
        match skip {
            // Absolute, with another rel first.
            0 => Reply::json(200, &flows(0..3)).with_header(
                "Link",
                &format!("<{}/flows?skip=99>; rel=\"prev\", <http://{}/v1/flows?skip=3&limit=3>; rel=\"next\"", "http://x", request.header("host").unwrap()),
            ),
            // Relative to the base URL, parameters in another order, bare rel.
            3 => Reply::json(200, &flows(3..6)).with_header("Link", "<flows?limit=3&skip=6>; title=\"p3\"; rel=next"),
            // Absolute path.
            6 => Reply::json(200, &flows(6..8)).with_header("Link", "</v1/flows?skip=8&limit=3>; rel=\"next last\""),
            // The last page: no Link.
            _ => Reply::json(200, &flows(8..9)),
        }
    })
    .await;
    let client = server.client();
    let all = client.list_flows().limit(3).collect_all().await.unwrap();
    assert_eq!(all.len(), 9);
    for (i, flow) in all.iter().enumerate() {
        assert_eq!(
            flow.name.value().map(String::as_str),
            Some(format!("flow {i}").as_str())
        );
        assert_eq!(
            flow.extra.get("zzKept"),
            Some(&json!(i)),
            "unknown fields survive paging"
        );
    }
    let sent = server.requests();
    assert_eq!(sent.len(), 4);
    assert_eq!(query(&sent[0], "limit").as_deref(), Some("3"));
    for request in &sent {
        assert_eq!(
            request.header("authorization"),
            Some("Bearer test-token-123")
        );
    }
}

#[tokio::test]
async fn a_204_page_is_an_empty_listing() {
    let server = CaptureServer::always(Reply::empty(204)).await;
    let all = server.client().list_exports().collect_all().await.unwrap();
    assert!(all.is_empty());
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_repeating_next_link_ends_with_an_error_after_the_items_already_read() {
    let server = CaptureServer::start(|request| {
        let skip = query(request, "skip").unwrap_or_default();
        let next = if skip == "2" { "0" } else { "2" };
        let first: usize = skip.parse().unwrap_or(0);
        Reply::json(200, &flows(first..first + 2))
            .with_header("Link", &format!("</v1/flows?skip={next}>; rel=\"next\""))
    })
    .await;
    let client = server.client();
    let (read, err) = read_until_error(client.list_flows().stream()).await;
    assert!(
        matches!(
            err,
            Error::Paging {
                operation: "listFlows",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("loop"), "{err}");
    assert_eq!(
        read.len(),
        6,
        "three pages were read before the loop showed"
    );
    assert_eq!(server.count(), 3);
}

#[tokio::test]
async fn a_next_link_to_another_host_is_refused_and_never_contacted() {
    let other = CaptureServer::always(Reply::json(200, &flows(0..1))).await;
    // Another host name, another port on the same host, another scheme.
    for link in [
        other.base_url.replace("127.0.0.1", "localhost") + "/flows?skip=1",
        other.base_url.clone() + "/flows",
        "https://127.0.0.1/v1/flows".to_string(),
    ] {
        let server = CaptureServer::start(move |_| {
            Reply::json(200, &flows(0..1)).with_header("Link", &format!("<{link}>; rel=\"next\""))
        })
        .await;
        assert_flows_paging_fails(&server, "not following").await;
    }
    assert_eq!(
        other.count(),
        0,
        "the other server got no request (and no token)"
    );
}

#[tokio::test]
async fn a_broken_page_is_a_typed_error_after_the_good_ones() {
    let server = CaptureServer::start(|request| match query(request, "skip").as_deref() {
        None => {
            Reply::json(200, &flows(0..2)).with_header("Link", "</v1/flows?skip=2>; rel=\"next\"")
        }
        _ => Reply::raw(200, "application/json", "[{\"_id\": \"trunc"),
    })
    .await;
    let client = server.client();
    let mut stream = client.list_flows().stream();
    assert!(stream.try_next().await.unwrap().is_some());
    assert!(stream.try_next().await.unwrap().is_some());
    let err = stream.try_next().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Decode {
                operation: "listFlows",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        stream.try_next().await.unwrap().is_none(),
        "the stream ends after an error"
    );
}

fn job(i: usize, created: &str) -> Value {
    json!({"_id": format!("{i:024x}"), "type": "flow", "status": "completed", "createdAt": created})
}

#[tokio::test]
async fn jobs_page_back_in_time_without_repeating_the_boundary() {
    // 7 jobs, newest first; two share the instant at a page boundary. Pages of 3.
    let all = vec![
        job(6, "2024-01-01T00:00:06.000Z"),
        job(5, "2024-01-01T00:00:05.000Z"),
        job(4, "2024-01-01T00:00:04.000Z"),
        job(3, "2024-01-01T00:00:04.000Z"),
        job(2, "2024-01-01T00:00:02.000Z"),
        job(1, "2024-01-01T00:00:01.000Z"),
        job(0, "2024-01-01T00:00:00.000Z"),
    ];
    let jobs = all.clone();
    let server = CaptureServer::start(move |request| {
        let before = query(request, "createdAt_lte")
            .map(|t| chrono::DateTime::parse_from_rfc3339(&t).unwrap());
        let page: Vec<Value> = jobs
            .iter()
            .filter(|j| {
                let at =
                    chrono::DateTime::parse_from_rfc3339(j["createdAt"].as_str().unwrap()).unwrap();
                before.is_none_or(|b| at <= b)
            })
            .take(3)
            .cloned()
            .collect();
        Reply::json(200, &Value::Array(page))
    })
    .await;
    let got = server
        .client()
        .list_jobs()
        .type_("flow")
        .collect_all()
        .await
        .unwrap();
    let ids: Vec<String> = got.iter().map(|j| j.id.value().cloned().unwrap()).collect();
    let expected: Vec<String> = all
        .iter()
        .map(|j| j["_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, expected, "every job once, newest first");
    let sent = server.requests();
    assert_eq!(query(&sent[0], "createdAt_lte"), None);
    assert_eq!(
        query(&sent[1], "createdAt_lte").as_deref(),
        Some("2024-01-01T00:00:04Z")
    );
    assert!(
        sent.iter()
            .all(|r| query(r, "type").as_deref() == Some("flow")),
        "filters are kept"
    );
}

#[tokio::test]
async fn flow_errors_follow_next_page_url() {
    let server = CaptureServer::start(|request| {
        let page = query(request, "page").unwrap_or_default();
        let error = |id: &str| json!({"errorId": id, "code": "bad_record", "message": "m", "zzNew": 1});
        match page.as_str() {
            "" => Reply::json(200, &json!({"errors": [error("a"), error("b")], "nextPageURL": "/v1/flows/f1/e1/errors?page=2"})),
            "2" => Reply::json(200, &json!({"errors": [error("c")], "nextPageURL": null})),
            _ => Reply::empty(500),
        }
    })
    .await;
    let errors = server
        .client()
        .list_flow_errors()
        .flow_id("5f0000000000000000000001")
        .step_id("5f0000000000000000000002")
        .collect_all()
        .await
        .unwrap();
    let ids: Vec<&str> = errors
        .iter()
        .filter_map(|e| e.error_id.value().map(String::as_str))
        .collect();
    assert_eq!(ids, ["a", "b", "c"]);
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn paged_virtual_exports_send_the_state_back_until_done() {
    let server = CaptureServer::numbered(move |n, request| {
        let body = request.json();
        assert_eq!(body["export"]["zzAdaptorField"], json!("kept"), "the same export every time");
        let index = body["pagedExportState"]["pageIndex"].as_i64().unwrap_or(0);
        assert_eq!(index as usize, n, "the previous state comes back unchanged");
        if n > 0 {
            assert_eq!(body["pagedExportState"]["sig"], json!(format!("sig{}", n - 1)));
        }
        Reply::json(200, &json!({
            "data": [{"record": n * 2}, {"record": n * 2 + 1}],
            "pagedExportState": {"searchId": "s", "pageIndex": n + 1, "done": n == 2, "issuedAt": 1512010880, "sig": format!("sig{n}")}
        }))
    })
    .await;
    let client = server.client();
    let export: integrator_io::types::Export = serde_json::from_value(
        json!({"asynchronous": true, "pageSize": 2, "zzAdaptorField": "kept"}),
    )
    .unwrap();
    let records: Vec<Value> = client
        .virtual_export_records("5f0000000000000000000003", export)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(records.len(), 6);
    assert_eq!(records[5], json!({"record": 5}));
    assert_eq!(server.count(), 3);
}

#[tokio::test]
async fn a_virtual_export_state_that_does_not_move_on_is_an_error() {
    let server = CaptureServer::always(Reply::json(
        200,
        &json!({
            "data": [1],
            "pagedExportState": {"searchId": "s", "pageIndex": 1, "done": false}
        }),
    ))
    .await;
    let client = server.client();
    let export: integrator_io::types::Export = serde_json::from_value(json!({})).unwrap();
    let err = client
        .virtual_export_records("5f0000000000000000000003", export)
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Paging {
                operation: "runPagedVirtualExport",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn very_large_pages_stream_through() {
    let big = flows(0..20_000);
    let server = CaptureServer::start(move |request| match query(request, "skip").as_deref() {
        None => Reply::json(200, &big).with_header("Link", "</v1/flows?skip=20000>; rel=\"next\""),
        _ => Reply::json(200, &flows(20_000..40_000)),
    })
    .await;
    let client = server.client();
    let count = client
        .list_flows()
        .stream()
        .try_fold(0usize, |n, _| async move { Ok(n + 1) })
        .await
        .unwrap();
    assert_eq!(count, 40_000);
}

#[tokio::test]
async fn every_page_carries_the_first_requests_account_share_header() {
    // Link paging (exports) and nextPageURL paging (flow errors), with a per-request
    // `Integrator-AShareId`: every page must come from the same account.
    let server = CaptureServer::start(|request| {
        if request.header("integrator-ashareid") != Some("share-7") {
            return Reply::json(
                403,
                &json!({"errors": [{"code": "missing_header", "message": "no share"}]}),
            );
        }
        let error = |id: &str| json!({"errorId": id, "code": "c", "message": "m"});
        match (
            request.target.contains("/errors"),
            query(request, "page").as_deref(),
        ) {
            (true, None) => Reply::json(
                200,
                &json!({"errors": [error("a")], "nextPageURL": "/v1/flows/f/s/errors?page=2"}),
            ),
            (true, _) => Reply::json(200, &json!({"errors": [error("b")]})),
            (false, None) => Reply::json(200, &flows(0..2))
                .with_header("Link", "</v1/exports?page=2>; rel=\"next\""),
            (false, _) => Reply::json(200, &flows(2..3)),
        }
    })
    .await;
    let client = server.client();
    let exports = client
        .list_exports()
        .integrator_a_share_id("share-7")
        .collect_all()
        .await
        .unwrap();
    assert_eq!(exports.len(), 3);
    let errors = client
        .list_flow_errors()
        .flow_id("f")
        .step_id("s")
        .integrator_a_share_id("share-7")
        .collect_all()
        .await
        .unwrap();
    assert_eq!(errors.len(), 2);
    let sent = server.requests();
    assert_eq!(sent.len(), 4);
    for request in &sent {
        assert_eq!(
            request.header("integrator-ashareid"),
            Some("share-7"),
            "{}",
            request.target
        );
    }
}

#[tokio::test]
async fn list_futures_can_be_spawned() {
    let server = CaptureServer::always(Reply::json(200, &flows(0..2))).await;
    let client = server.client();
    let flows = tokio::spawn(async move { client.list_flows().collect_all().await })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(flows.len(), 2);
}

#[tokio::test]
async fn a_link_to_the_api_host_is_followed_on_the_configured_base_url() {
    // A proxy or mock base URL; the API writes absolute links to its own host.
    let server = CaptureServer::start(|request| match query(request, "skip").as_deref() {
        None => Reply::json(200, &flows(0..2)).with_header(
            "Link",
            "<https://api.integrator.io/v1/flows?skip=2&limit=2>; rel=\"next\"",
        ),
        Some("2") => Reply::json(200, &flows(2..4)).with_header(
            "Link",
            "<https://api.eu.integrator.io/v1/flows?skip=4&limit=2>; rel=\"next\"",
        ),
        _ => Reply::json(200, &flows(4..5)),
    })
    .await;
    let all = server.client().list_flows().collect_all().await.unwrap();
    assert_eq!(all.len(), 5);
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(
        targets,
        [
            "/v1/flows",
            "/v1/flows?skip=2&limit=2",
            "/v1/flows?skip=4&limit=2"
        ]
    );
    // Another host, or the API's host outside /v1, is still refused.
    for link in [
        "https://api.integrator.io.evil.test/v1/flows?skip=2",
        "https://api.integrator.io/v2/flows?skip=2",
        "http://api.integrator.io/v1/flows?skip=2",
    ] {
        let server = CaptureServer::start(move |_| {
            Reply::json(200, &flows(0..1)).with_header("Link", &format!("<{link}>; rel=\"next\""))
        })
        .await;
        assert_flows_paging_fails(&server, "not following").await;
        assert_eq!(server.count(), 1);
    }
}

#[tokio::test]
async fn the_same_page_under_ever_new_links_ends_with_an_error() {
    let server = CaptureServer::numbered(move |n, _| {
        Reply::json(200, &flows(0..2))
            .with_header("Link", &format!("</v1/flows?skip={}>; rel=\"next\"", n + 1))
    })
    .await;
    assert_flows_paging_fails(&server, "same page").await;
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn a_cycling_virtual_export_state_ends_with_an_error() {
    let server = CaptureServer::numbered(move |n, _| {
        Reply::json(200, &json!({
            "data": [n],
            "pagedExportState": {"searchId": "s", "pageIndex": n % 2, "done": false, "issuedAt": n}
        }))
    })
    .await;
    let client = server.client();
    let export: integrator_io::types::Export = serde_json::from_value(json!({})).unwrap();
    let (read, err) =
        read_until_error(client.virtual_export_records("5f0000000000000000000003", export)).await;
    assert!(
        matches!(
            err,
            Error::Paging {
                operation: "runPagedVirtualExport",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        read,
        [json!(0), json!(1)],
        "the pages before the cycle are read"
    );
    assert_eq!(server.count(), 3);
}

/// A jobs server: `all` newest first, pages of `page` honouring `createdAt_lte` and
/// `skip` as the switches say.
fn jobs_server_reply(
    all: &[Value],
    request: &Captured,
    page: usize,
    honour_lte: bool,
    honour_skip: bool,
) -> Reply {
    let before = query(request, "createdAt_lte")
        .filter(|_| honour_lte)
        .map(|t| chrono::DateTime::parse_from_rfc3339(&t).unwrap());
    let skip = query(request, "skip")
        .filter(|_| honour_skip)
        .map_or(0, |s| s.parse().unwrap());
    let items: Vec<Value> = all
        .iter()
        .filter(|j| {
            let at =
                chrono::DateTime::parse_from_rfc3339(j["createdAt"].as_str().unwrap()).unwrap();
            before.is_none_or(|b| at <= b)
        })
        .skip(skip)
        .take(page)
        .cloned()
        .collect();
    Reply::json(200, &Value::Array(items))
}

#[tokio::test]
async fn jobs_sharing_one_instant_beyond_a_page_are_all_read() {
    // 8 jobs: five share one instant, more than a page of 3.
    let mut all = vec![job(7, "2024-01-01T00:00:09.000Z")];
    all.extend((2..7).rev().map(|i| job(i, "2024-01-01T00:00:05.000Z")));
    all.extend([
        job(1, "2024-01-01T00:00:02.000Z"),
        job(0, "2024-01-01T00:00:01.000Z"),
    ]);
    let jobs = all.clone();
    let server =
        CaptureServer::start(move |request| jobs_server_reply(&jobs, request, 3, true, true)).await;
    let got = server
        .client()
        .list_jobs()
        .limit(3)
        .collect_all()
        .await
        .unwrap();
    let ids: Vec<String> = got.iter().map(|j| j.id.value().cloned().unwrap()).collect();
    let expected: Vec<String> = all
        .iter()
        .map(|j| j["_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, expected, "every job once, newest first");
}

#[tokio::test]
async fn jobs_past_what_the_server_lets_the_cursor_reach_end_with_an_error() {
    let mut all: Vec<Value> = (2..7)
        .rev()
        .map(|i| job(i, "2024-01-01T00:00:05.000Z"))
        .collect();
    all.push(job(0, "2024-01-01T00:00:01.000Z"));
    // The server ignores `skip`: the jobs past the first page at that instant are
    // unreachable by time, which must be said, not dropped.
    let jobs = all.clone();
    let server =
        CaptureServer::start(move |request| jobs_server_reply(&jobs, request, 3, true, false))
            .await;
    let client = server.client();
    let (read, err) = read_until_error(client.list_jobs().limit(3).stream()).await;
    assert_eq!(read.len(), 3);
    assert_paging_error(&err, "share createdAt");
}

#[tokio::test]
async fn a_jobs_server_that_ignores_the_time_cursor_ends_with_an_error() {
    let all: Vec<Value> = (0..7)
        .rev()
        .map(|i| job(i, &format!("2024-01-01T00:00:0{i}.000Z")))
        .collect();
    let jobs = all.clone();
    let server =
        CaptureServer::start(move |request| jobs_server_reply(&jobs, request, 3, false, false))
            .await;
    let client = server.client();
    let (read, err) = read_until_error(client.list_jobs().stream()).await;
    assert_eq!(read.len(), 3, "each job once");
    assert_paging_error(&err, "ignored the time cursor");
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn an_undecodable_page_reports_the_status_received() {
    let server = CaptureServer::start(|request| match query(request, "skip").as_deref() {
        None => {
            Reply::json(200, &flows(0..1)).with_header("Link", "</v1/flows?skip=1>; rel=\"next\"")
        }
        _ => Reply::raw(203, "application/json", "{\"not\": \"a list\"}"),
    })
    .await;
    let err = server
        .client()
        .list_flows()
        .collect_all()
        .await
        .unwrap_err();
    match err {
        Error::Decode {
            status,
            source: integrator_io::DecodeFailure::Json(_),
            ..
        } => {
            assert_eq!(status.as_u16(), 203)
        }
        other => panic!("{other:?}"),
    }
}
