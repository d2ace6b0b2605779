//! Following redirects by hand, so that the account headers never leave the API's host.
//!
//! reqwest strips `Authorization` and cookies when a redirect leads to another origin,
//! but not `Integrator-AShareId` or the NetSuite proxy headers, which name accounts and
//! scripts. The client's reqwest has redirects turned off, and [`send`] follows them:
//!
//! - at most [`MAX_REDIRECTS`];
//! - only to `https://`, or to `http://` on a loopback host or when insecure http was
//!   allowed;
//! - `303`, and `301`/`302` after a `POST`, continue as a `GET` without a body; `307`
//!   and `308` repeat the method and body (a body that cannot be copied is not sent
//!   twice: the redirect is returned);
//! - to another origin (scheme, host, port) without `Authorization`, cookies, the
//!   account share and the NetSuite headers.
//!
//! A redirect that is not followed is returned to the caller marked with
//! [`Refusal::Redirect`], which the error conversion turns into
//! [`Error::Redirect`](crate::Error::Redirect).

use reqwest::header::{
    HeaderName, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, COOKIE, LOCATION, PROXY_AUTHORIZATION,
    TRANSFER_ENCODING, WWW_AUTHENTICATE,
};
use reqwest::{Method, Request, Response, StatusCode};
use url::Url;

use crate::hooks::{ASHARE_ID, NETSUITE_DEPLOY_ID, NETSUITE_SCRIPT_ID};
use crate::refusal::Refusal;

/// The most redirects followed for one request.
pub(crate) const MAX_REDIRECTS: usize = 10;

/// Headers that never follow a redirect to another origin.
const ORIGIN_BOUND: [HeaderName; 7] = [
    AUTHORIZATION,
    COOKIE,
    PROXY_AUTHORIZATION,
    WWW_AUTHENTICATE,
    ASHARE_ID,
    NETSUITE_SCRIPT_ID,
    NETSUITE_DEPLOY_ID,
];

/// Sends `request` with `http` (whose own redirects are off), following redirects as
/// the module says.
pub(crate) async fn send(
    http: &reqwest::Client,
    request: Request,
    allow_insecure_http: bool,
) -> reqwest::Result<Response> {
    let mut request = request;
    let mut visited = 0;
    loop {
        // A copy to follow a redirect with: the answer names the URL it came from, the
        // copy the method, so nothing else is kept per request.
        let copy = request.try_clone();
        let response = http.execute(request).await?;
        let status = response.status();
        if !is_redirect(status) {
            return Ok(response);
        }
        let next = match next_request(status, copy, &response) {
            Ok(next) => next,
            Err(None) => return Ok(response),
            Err(Some(reason)) => return Ok(refuse(response, reason)),
        };
        visited += 1;
        if visited > MAX_REDIRECTS {
            let reason = format!("more than {MAX_REDIRECTS} redirects");
            return Ok(refuse(response, reason));
        }
        if let Some(reason) = insecure(next.url(), allow_insecure_http) {
            return Ok(refuse(response, reason));
        }
        request = next;
    }
}

fn is_redirect(status: StatusCode) -> bool {
    matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308)
}

/// The request a redirect answer leads to, from a copy of the request that got it;
/// `Err(None)` when the answer is to be returned as it is (no usable `Location`),
/// `Err(Some(reason))` when it is refused.
fn next_request(
    status: StatusCode,
    copy: Option<Request>,
    response: &Response,
) -> Result<Request, Option<String>> {
    let Some(location) = response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
    else {
        return Err(None);
    };
    let current = response.url();
    let target = current.join(location).map_err(|e| {
        Some(format!(
            "the redirect's Location {location:?} does not parse: {e}"
        ))
    })?;
    let Some(mut next) = copy else {
        return Err(Some(
            "the request's body cannot be sent again to follow the redirect".into(),
        ));
    };
    let as_get = status == StatusCode::SEE_OTHER
        || (*next.method() == Method::POST && matches!(status.as_u16(), 301 | 302));
    if as_get {
        *next.method_mut() = Method::GET;
        *next.body_mut() = None;
        for header in [CONTENT_TYPE, CONTENT_LENGTH, TRANSFER_ENCODING] {
            next.headers_mut().remove(header);
        }
    }
    if target.origin() != current.origin() {
        for header in ORIGIN_BOUND {
            next.headers_mut().remove(header);
        }
    }
    *next.url_mut() = target;
    Ok(next)
}

/// Why `url` may not be followed: plain `http` off loopback, unless allowed.
fn insecure(url: &Url, allow_insecure_http: bool) -> Option<String> {
    let secure = url.scheme() == "https"
        || (url.scheme() == "http" && (allow_insecure_http || crate::base_url::is_loopback(url)));
    (!secure).then(|| {
        format!(
            "refusing to follow a redirect to {}: not https",
            url.origin().ascii_serialization()
        )
    })
}

fn refuse(response: Response, reason: String) -> Response {
    Refusal::Redirect(reason).mark(response)
}
