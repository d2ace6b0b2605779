//! The error job of `examples/error_automation.rs`, unit-tested against typed mocks: a
//! flow listing, each step's errors over two pages, and the retry and resolve calls the
//! job must make (and must not make in a dry run).

#[allow(dead_code)] // its `main` is the example's
#[path = "../examples/error_automation.rs"]
mod error_automation;

use httpmock::MockServer;
use integrator_io::{types, Client};
use integrator_io_mock::{MockServerExt, PagedMocks, BASE_PATH};
use serde_json::{from_value, json};

#[tokio::test]
async fn retries_transient_errors_and_resolves_duplicates() {
    let server = MockServer::start_async().await;
    let flow = json!({"_id": "f1", "pageGenerators": [{"_exportId": "e1"}],
                      "pageProcessors": [{"type": "import", "_importId": "i1"}]});
    server.link_pages("/flows", &[vec![flow]]);
    let error = |id: &str, class| json!({"errorId": id, "retryDataKey": format!("k{id}"), "classification": class});
    let page_1 = json!({"errors": [error("1", "connection"), error("2", "duplicate")]});
    let page_2 = json!({"errors": [error("3", "value"), error("4", "intermittent")]});
    server.next_page_url_pages("/flows/f1/e1/errors", &[page_1, page_2]);
    server.next_page_url_pages("/flows/f1/i1/errors", &[json!({"errors": []})]);
    let keys: types::RetryErrorsRequest =
        from_value(json!({"retryDataKeys": ["k1", "k4"]})).unwrap();
    let retry = server.retry_flow_errors(|when, then| {
        when.flow_id("f1").step_id("e1").body(&keys);
        then.ok(&from_value(json!({"_jobId": "j1"})).unwrap());
    });
    let ids: types::ResolveErrorsRequest = from_value(json!({"errors": ["2"]})).unwrap();
    let resolve = server.resolve_flow_errors(|when, then| {
        when.flow_id("f1").step_id("e1").body(&ids);
        then.ok(&types::ResolveErrorsResult(Default::default()));
    });
    let client = Client::builder().token("t").base_url(server.url(BASE_PATH));
    let client = client.build().unwrap();

    error_automation::automate(&client, false).await.unwrap();
    assert_eq!((retry.calls(), resolve.calls()), (0, 0)); // a dry run changes nothing
    error_automation::automate(&client, true).await.unwrap();
    assert_eq!((retry.calls(), resolve.calls()), (1, 1));
}
