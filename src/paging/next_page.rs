//! Fetching a next page from a URL the API handed out (a `Link` header or a
//! `nextPageURL`), through the same hooks as every generated call: token, headers,
//! rate limit, retries, tracing.

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo, ResponseValue};
use reqwest::header::{HeaderValue, ACCEPT};
use serde::de::DeserializeOwned;
use url::Url;

use crate::{Client, Error, Operation};

/// Resolves `target` (absolute, or relative to the client's base URL) and refuses it
/// unless it has the base URL's scheme, host and port: the token must never follow a
/// link to another server.
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
    if url.origin() != base.origin() {
        return Err(refuse(format!(
            "next link points at {}, not at the client's {}; not following it",
            url.origin().ascii_serialization(),
            base.origin().ascii_serialization()
        )));
    }
    Ok(url)
}

/// `GET url`, decoded as `op`'s answer.
pub(crate) async fn get<P: DeserializeOwned>(
    client: &Client,
    op: &'static Operation,
    url: Url,
) -> Result<ResponseValue<P>, Error> {
    let request = client
        .client()
        .get(url)
        .header(ACCEPT, HeaderValue::from_static("application/json"))
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
