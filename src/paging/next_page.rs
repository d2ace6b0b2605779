//! Fetching a next page from a URL the API handed out (a `Link` header or a
//! `nextPageURL`), through the same hooks as every generated call: token, headers,
//! rate limit, retries, tracing.

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo, ResponseValue};
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT};
use serde::de::DeserializeOwned;
use url::Url;

use crate::{Client, Error, Operation, Region};

/// Resolves `target` (absolute, or relative to the client's base URL) and refuses it
/// unless it has the base URL's scheme, host and port: the token must never follow a
/// link to another server. A link to the API's own region host (`api.integrator.io`,
/// `api.eu.integrator.io`) while the client is configured with another base URL (a
/// proxy, a mock) is rebased onto the configured base URL: the path below `/v1` and the
/// query are kept.
pub(crate) fn resolve(client: &Client, op: &'static Operation, target: &str) -> Result<Url, Error> {
    let refuse = |message: String| Error::Paging {
        operation: op.id,
        message,
    };
    let mut base = Url::parse(client.baseurl())
        .map_err(|e| refuse(format!("the client's base URL does not parse: {e}")))?;
    if !base.path().ends_with('/') {
        let path = format!("{}/", base.path());
        base.set_path(&path);
    }
    let url = base
        .join(target)
        .map_err(|e| refuse(format!("next link {target:?} does not parse: {e}")))?;
    if url.origin() == base.origin() {
        return Ok(url);
    }
    if let Some(rebased) = rebase(&url, &base) {
        return Ok(rebased);
    }
    Err(refuse(format!(
        "next link points at {}, not at the client's {}; not following it",
        url.origin().ascii_serialization(),
        base.origin().ascii_serialization()
    )))
}

/// `url` moved onto `base` (which ends in `/`), when it points below a region's base URL.
fn rebase(url: &Url, base: &Url) -> Option<Url> {
    let rest = [Region::NorthAmerica, Region::Europe]
        .into_iter()
        .filter_map(|region| Url::parse(region.base_url()).ok())
        .find(|region| region.origin() == url.origin())
        .and_then(|region| {
            url.path()
                .strip_prefix(region.path())?
                .strip_prefix('/')
                .map(str::to_owned)
        })?;
    let mut rebased = base.clone();
    rebased.set_path(&format!("{}{rest}", base.path()));
    rebased.set_query(url.query());
    Some(rebased)
}

/// `GET url` with the first page's header parameters, decoded as `op`'s answer.
pub(crate) async fn get<P: DeserializeOwned>(
    client: &Client,
    op: &'static Operation,
    url: Url,
    headers: &HeaderMap,
) -> Result<ResponseValue<P>, Error> {
    let request = client
        .client()
        .get(url)
        .header(ACCEPT, HeaderValue::from_static("application/json"))
        .headers(headers.clone())
        .build()
        .map_err(|source| Error::Transport {
            operation: op.id,
            source,
        })?;
    let info = OperationInfo {
        operation_id: op.method_name,
    };
    let result = match (&client).exec(request, &info).await {
        Err(e) => Err(progenitor_client::Error::CommunicationError(e)),
        Ok(response) if response.status().is_success() => {
            crate::response::from_read_body(response).await
        }
        Ok(response) => Err(progenitor_client::Error::UnexpectedResponse(response)),
    };
    crate::response::finish(op, result).await
}
