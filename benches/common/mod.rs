//! Shared by the benchmarks: realistic export records, and a fixed-answer loopback server.
#![allow(dead_code)]

use std::convert::Infallible;
use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};

pub mod requests;

/// One realistic export as integrator.io answers it: the documented fields, the NetSuite
/// sub-object the spec types, and `http`/`salesforce` sub-objects and other fields the
/// spec leaves open (decoded as unknown fields). About 2.5 KB of JSON.
pub fn export_record(i: usize) -> Value {
    let adaptor = ["HTTPExport", "NetSuiteExport", "SalesforceExport"][i % 3];
    let kind = ["delta", "test", "once", "all"][i % 4];
    let id = format!("{:024x}", 0x5f3c_0000_0000_0000_u64 as usize + i);
    json!({
        "_id": id,
        "createdAt": "2024-03-01T10:15:30.123Z",
        "lastModified": "2024-11-20T08:01:02.456Z",
        "name": format!("Shopify orders to NetSuite #{i}"),
        "description": "Pulls new and updated orders every 15 minutes; retries on 429; \
                        used by the order-to-cash flow of the EU store.",
        "_connectionId": "5f3c00000000000000000aaa",
        "_integrationId": "5f3c00000000000000000bbb",
        "_connectorId": null,
        "apiIdentifier": format!("e{:08x}", i),
        "adaptorType": adaptor,
        "type": kind,
        "asynchronous": true,
        "pageSize": 20,
        "hooks": {"preSavePage": {"function": "preSavePage", "_scriptId": "5f3c00000000000000000ccc"}},
        "netsuite": {
            "type": "search",
            "searches": [
                {"recordType": "salesorder", "savedSearchId": "customsearch_orders_eu"},
                {"recordType": "customer", "savedSearchId": "customsearch_customers"}
            ],
            "skipGrouping": true,
            "restlet": {"recordType": "salesorder", "searchId": "1234", "batchSize": 200,
                        "criteria": [{"field": "status", "operator": "anyof", "searchValue": ["A", "B"]}]}
        },
        "http": {
            "relativeURI": "/admin/api/2024-01/orders.json?status=any&updated_at_min={{lastExportDateTime}}",
            "method": "GET",
            "headers": [
                {"name": "Accept", "value": "application/json"},
                {"name": "X-Shopify-Api-Version", "value": "2024-01"}
            ],
            "successMediaType": "json",
            "errorMediaType": "json",
            "paging": {"method": "linkheader", "linkHeaderRelation": "next", "maxPagePath": "page_info"},
            "response": {"resourcePath": "orders", "successPath": "ok", "errorPath": "errors"},
            "once": {"relativeURI": "/admin/api/2024-01/orders/{{data.id}}.json", "method": "PUT",
                     "body": "{\"order\":{\"id\":{{data.id}},\"tags\":\"exported\"}}"}
        },
        "salesforce": {
            "type": "soql",
            "sObjectType": "Opportunity",
            "api": "rest",
            "soql": {"query": "SELECT Id, Name, Amount, StageName, CloseDate, Account.Name FROM Opportunity WHERE LastModifiedDate > {{lastExportDateTime}}"},
            "distributed": {"referencedFields": ["Account.Name", "Owner.Email"], "qualifier": "StageName = 'Closed Won'"}
        },
        "file": {"type": "csv", "skipAggregation": false, "lookups": [],
                 "csv": {"columnDelimiter": ",", "rowDelimiter": "\n", "includeHeader": true,
                         "wrapWithQuotes": false, "replaceTabWithSpace": false,
                         "replaceNewlineWithSpace": false}},
        "transform": {"type": "expression", "expression": {"version": "2",
                      "rules": [[{"extract": "id", "generate": "orderId"}, {"extract": "total_price", "generate": "amount"}]]}},
        "filter": {"type": "expression", "expression": {"version": "1",
                   "rules": ["and", ["equals", ["string", ["extract", "financial_status"]], "paid"]]}},
        "inputFilter": null,
        "sampleData": {"id": 450789469, "total_price": "598.94", "currency": "EUR",
                       "line_items": [{"sku": "IPOD2008RED", "quantity": 1}]},
        "mockOutput": null,
        "test": {"limit": 10},
        "_sourceId": null,
        "statistics": {"lastRun": "2024-11-20T08:00:00Z", "records": 1234 + i}
    })
}

/// A loopback HTTP/1.1 server (hyper) that reads each request's body and answers every
/// request `200` with `body`: the cheapest server there is, so the client's cost shows.
pub async fn fixed_answer_server(body: Bytes) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            let body = body.clone();
            tokio::spawn(async move {
                let service =
                    hyper::service::service_fn(move |request: Request<hyper::body::Incoming>| {
                        let body = body.clone();
                        async move {
                            let _ = request.into_body().collect().await;
                            let mut response = Response::new(Full::new(body));
                            response.headers_mut().insert(
                                hyper::header::CONTENT_TYPE,
                                hyper::header::HeaderValue::from_static("application/json"),
                            );
                            Ok::<_, Infallible>(response)
                        }
                    });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}

/// Peak resident memory of this process (`VmHWM`) and the current one (`VmRSS`), in KiB.
pub fn memory_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}
