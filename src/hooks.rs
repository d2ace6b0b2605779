//! The request hook every generated call goes through: authentication, the account
//! share header, tracing, and the empty-list `204`.

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{HeaderName, AUTHORIZATION, CONTENT_TYPE};
use reqwest::StatusCode;
use tracing::Instrument;

use crate::{operations, Client, ClientContext};

/// The header that selects the account share to act in.
pub const ASHARE_ID_HEADER: &str = "Integrator-AShareId";

/// The header naming the NetSuite RESTlet script a request is proxied to.
pub const NETSUITE_SCRIPT_ID_HEADER: &str = "Integrator-NetSuite-ScriptId";

/// The header naming the NetSuite RESTlet deployment a request is proxied to.
pub const NETSUITE_DEPLOY_ID_HEADER: &str = "Integrator-NetSuite-DeployId";

// The same names as `HeaderName`s (header names are case-insensitive).
const ASHARE_ID: HeaderName = HeaderName::from_static("integrator-ashareid");
const NETSUITE_SCRIPT_ID: HeaderName = HeaderName::from_static("integrator-netsuite-scriptid");
const NETSUITE_DEPLOY_ID: HeaderName = HeaderName::from_static("integrator-netsuite-deployid");

impl ClientHooks<ClientContext> for &Client {
    async fn exec(
        &self,
        mut request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let context = self.inner();
        let headers = request.headers_mut();
        headers.insert(AUTHORIZATION, context.shared.authorization.clone());
        // Client-wide defaults; a value the request set itself wins.
        if let Some(id) = &context.shared.ashare_id {
            headers.entry(ASHARE_ID).or_insert_with(|| id.clone());
        }
        if let Some((script, deploy)) = &context.shared.netsuite_restlet {
            headers
                .entry(NETSUITE_SCRIPT_ID)
                .or_insert_with(|| script.clone());
            headers
                .entry(NETSUITE_DEPLOY_ID)
                .or_insert_with(|| deploy.clone());
        }
        let operation = operations::by_method_name(info.operation_id);
        let span = tracing::debug_span!(
            "integrator_io.request",
            operation = operation.map_or(info.operation_id, |op| op.id),
            method = %request.method(),
            path = operation.map_or("", |op| op.path),
            status = tracing::field::Empty,
        );
        let started = std::time::Instant::now();
        let result = self
            .client()
            .execute(request)
            .instrument(span.clone())
            .await;
        match &result {
            Ok(response) => {
                span.record("status", response.status().as_u16());
                tracing::debug!(parent: &span, elapsed_ms = started.elapsed().as_millis() as u64, "answered");
            }
            Err(e) => tracing::debug!(parent: &span, error = %e, "failed"),
        }
        let response = result?;
        match operation {
            Some(op) if op.empty_list_as_204 && response.status() == StatusCode::NO_CONTENT => {
                Ok(empty_list(response))
            }
            _ => Ok(response),
        }
    }
}

/// A `204 No Content` on a list, answered as `200` with the body `[]`.
fn empty_list(response: reqwest::Response) -> reqwest::Response {
    let mut headers = response.headers().clone();
    headers.insert(
        CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    headers.remove(http::header::CONTENT_LENGTH);
    let mut replaced = http::Response::new(bytes::Bytes::from_static(b"[]"));
    *replaced.status_mut() = StatusCode::OK;
    *replaced.headers_mut() = headers;
    reqwest::Response::from(replaced)
}
