//! The request hook every generated call (and every next-page fetch) goes through:
//! authentication and default headers, the rate limiter, retries, one tracing span per
//! request, and the empty-list `204`.

use std::time::{Duration, Instant};

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{HeaderName, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{ResponseBuilderExt, StatusCode};
use tracing::Instrument;

use crate::refusal::Refusal;
use crate::retry::Outcome;
use crate::{operations, Client, ClientContext};

/// The header that selects the account share to act in.
pub const ASHARE_ID_HEADER: &str = "Integrator-AShareId";

/// The header naming the NetSuite RESTlet script a request is proxied to.
pub const NETSUITE_SCRIPT_ID_HEADER: &str = "Integrator-NetSuite-ScriptId";

/// The header naming the NetSuite RESTlet deployment a request is proxied to.
pub const NETSUITE_DEPLOY_ID_HEADER: &str = "Integrator-NetSuite-DeployId";

// The same names as `HeaderName`s (header names are case-insensitive).
pub(crate) const ASHARE_ID: HeaderName = HeaderName::from_static("integrator-ashareid");
pub(crate) const NETSUITE_SCRIPT_ID: HeaderName =
    HeaderName::from_static("integrator-netsuite-scriptid");
pub(crate) const NETSUITE_DEPLOY_ID: HeaderName =
    HeaderName::from_static("integrator-netsuite-deployid");

impl ClientHooks<ClientContext> for &Client {
    async fn exec(
        &self,
        mut request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let shared = &self.inner().shared;
        let headers = request.headers_mut();
        headers.insert(AUTHORIZATION, shared.authorization.clone());
        // Client-wide defaults; a value the request set itself wins.
        if let Some(id) = &shared.ashare_id {
            headers.entry(ASHARE_ID).or_insert_with(|| id.clone());
        }
        if let Some((script, deploy)) = &shared.netsuite_restlet {
            headers
                .entry(NETSUITE_SCRIPT_ID)
                .or_insert_with(|| script.clone());
            headers
                .entry(NETSUITE_DEPLOY_ID)
                .or_insert_with(|| deploy.clone());
        }
        let operation = operations::by_method_name(info.operation_id);
        if !shared.allow_masked_secrets {
            let masked = request
                .body()
                .and_then(reqwest::Body::as_bytes)
                .and_then(crate::secrets::masked_field);
            if let Some(field) = masked {
                return Ok(Refusal::MaskedSecret(field).into_response());
            }
        }
        let span = tracing::debug_span!(
            "integrator_io.request",
            operation = operation.map_or(info.operation_id, |op| op.id),
            method = %request.method(),
            path = operation.map_or("", |op| op.path),
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let response = self.send_with_retries(request).instrument(span).await?;
        match operation {
            Some(op) if op.empty_list_as_204 && response.status() == StatusCode::NO_CONTENT => {
                Ok(empty_list(response))
            }
            _ => Ok(response),
        }
    }
}

impl Client {
    /// Sends `request`, drawing from the rate limiter before each attempt and sending
    /// it again as the retry policy says. When another attempt is possible, the answer's
    /// body is read here, so that a connection that breaks mid-body counts as a failed
    /// attempt.
    async fn send_with_retries(
        &self,
        request: reqwest::Request,
    ) -> reqwest::Result<reqwest::Response> {
        let shared = &self.inner().shared;
        let span = tracing::Span::current();
        let started = Instant::now();
        let method = request.method().clone();
        let mut attempt = 0;
        let mut this = request;
        loop {
            attempt += 1;
            // A copy for the next attempt, when the policy allows one; a request whose body
            // cannot be copied is sent once.
            let spare = if attempt < shared.retry.attempts() {
                this.try_clone()
            } else {
                None
            };
            if let Some(limiter) = &shared.limiter {
                let waited = match limiter.acquire().await {
                    Ok(waited) => waited,
                    // Fail closed: nothing is sent (`Error::RateLimiterUnavailable`).
                    Err(refused) => {
                        span.record("attempts", attempt);
                        return Ok(Refusal::RateLimiter(refused.0).into_response());
                    }
                };
                if waited > Duration::from_millis(1) {
                    tracing::debug!(
                        attempt,
                        waited_ms = waited.as_millis() as u64,
                        "waited for the rate limiter"
                    );
                }
            }
            // The body is read here only when a broken read could be retried; otherwise
            // the caller reads it once, as it decodes.
            let read_now = spare.is_some() && shared.retry.retries_broken(&method, attempt);
            let sent = crate::redirect::send(self.client(), this, shared.allow_insecure_http);
            let result = match sent.await {
                Ok(response) if read_now => read_body(response).await,
                other => other,
            };
            let outcome = match &result {
                Ok(response) => Outcome::Status(
                    response.status(),
                    crate::response::retry_after(response.headers()),
                ),
                Err(e) if e.is_connect() => Outcome::NotConnected,
                Err(_) => Outcome::Broken,
            };
            if let (Some(limiter), Ok(answer)) = (&shared.limiter, &result) {
                if answer.status() == StatusCode::TOO_MANY_REQUESTS {
                    // Shared limiter: every process of the account pauses.
                    limiter
                        .rate_limited(crate::response::retry_after(answer.headers()))
                        .await;
                }
            }
            let decision = shared
                .retry
                .decide(&method, outcome, attempt, started.elapsed());
            let (Some((wait, reason)), Some(spare)) = (decision, spare) else {
                span.record("attempts", attempt);
                span.record("duration_ms", started.elapsed().as_millis() as u64);
                match &result {
                    Ok(response) => {
                        span.record("status", response.status().as_u16());
                        tracing::debug!("answered");
                    }
                    Err(e) => tracing::debug!(error = %e, "failed"),
                }
                return result;
            };
            tracing::info!(
                attempt,
                wait_ms = wait.as_millis() as u64,
                reason,
                "retrying"
            );
            futures_timer::Delay::new(wait).await;
            this = spare;
        }
    }
}

/// The body the hook read, kept beside the rebuilt answer's body so that decoding
/// (`response::from_read_body`) takes it without collecting the body a second time.
#[derive(Clone)]
pub(crate) struct ReadBody(pub(crate) bytes::Bytes);

/// Reads the whole body now, into an answer rebuilt around the bytes: status, version,
/// headers, extensions and URL move over (only the URL is copied), and the bytes are
/// also kept as [`ReadBody`].
async fn read_body(mut response: reqwest::Response) -> reqwest::Result<reqwest::Response> {
    let status = response.status();
    let version = response.version();
    let headers = std::mem::take(response.headers_mut());
    let extensions = std::mem::take(response.extensions_mut());
    // Without the URL, reqwest would parse a placeholder URL for the rebuilt answer.
    let url = response.url().clone();
    let body = response.bytes().await?;
    let built = http::Response::builder()
        .status(status)
        .version(version)
        .url(url)
        .extension(ReadBody(body.clone()))
        .body(body.clone());
    let mut read = built.unwrap_or_else(|_| {
        // Not reached (status and version came from a response); the answer stays whole
        // but for its URL and `ReadBody`.
        let mut read = http::Response::new(body);
        *read.status_mut() = status;
        *read.version_mut() = version;
        read
    });
    *read.headers_mut() = headers;
    if !extensions.is_empty() {
        read.extensions_mut().extend(extensions);
    }
    Ok(reqwest::Response::from(read))
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
