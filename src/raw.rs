//! [`RawRequest`]: any operation of the spec sent with JSON text in and a
//! [`serde_json::Value`] out, through the same request hook as the generated methods
//! (token, account share, rate limit, retries, redirects, masked-secret refusal,
//! tracing). For programs that pick operations at run time, such as the `integrator`
//! command line; code that knows its operation calls the typed method instead.

use bytes::Bytes;
use chrono::{DateTime, Utc};
use progenitor_client::{ClientHooks, OperationInfo, ResponseValue};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE};
use serde_json::Value;

use crate::paging::{ItemStream, ListRequest, PageFuture};
use crate::request_checks::{header_value, path_segment};
use crate::{Client, Error, Operation};

/// One request for an operation chosen at run time: path and query parameters as text,
/// the body as JSON text sent byte for byte, the answer as a [`Value`] (numbers keep
/// their exact text). Built by [`Client::raw`].
///
/// ```
/// # async fn demo(client: &integrator_io::Client) -> Result<(), integrator_io::Error> {
/// use futures::TryStreamExt;
/// use integrator_io::operations;
///
/// let export = client.raw(&operations::GET_EXPORT).path_param("id", "5f0c9a1b2c3d4e5f6a7b8c9d").send().await?;
/// println!("{}", export.into_inner()["name"]);
///
/// let mut exports = client.raw(&operations::LIST_EXPORTS).stream();
/// while let Some(export) = exports.try_next().await? {
///     println!("{}", export["_id"]);
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RawRequest<'a> {
    client: &'a Client,
    operation: &'static Operation,
    path: Vec<(&'static str, String)>,
    query: Vec<(String, String)>,
    headers: Vec<(&'static str, String)>,
    body: Option<Bytes>,
    /// `Some(has_skip)` when the listing pages back in time by `createdAt_lte`.
    time_cursor: Option<bool>,
}

/// Shows the operation, parameters and the body's size, never the body (it may hold
/// credentials); the client's own `Debug` never shows the token.
impl std::fmt::Debug for RawRequest<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawRequest")
            .field("operation", &self.operation.id)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &self.headers)
            .field("body_bytes", &self.body.as_ref().map(Bytes::len))
            .finish()
    }
}

impl Client {
    /// A request for `operation` with JSON in and out (see [`RawRequest`]).
    pub fn raw(&self, operation: &'static Operation) -> RawRequest<'_> {
        RawRequest {
            client: self,
            operation,
            path: Vec::new(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            time_cursor: None,
        }
    }
}

impl<'a> RawRequest<'a> {
    /// The operation it sends.
    pub fn operation(&self) -> &'static Operation {
        self.operation
    }

    /// Fills the path template's `{name}`. A value that would change which URL is
    /// called (empty, `.`, `..`, holding `/`, `?`, `#`, `\`) is refused when the request
    /// is built ([`Error::InvalidId`]).
    pub fn path_param(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.path.retain(|(n, _)| *n != name);
        self.path.push((name, value.into()));
        self
    }

    /// Adds a query parameter (percent-encoded when sent); a name given twice is sent
    /// twice.
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Sets a header parameter; it wins over the client's default for the same header.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name, value.into()));
        self
    }

    /// The JSON body, sent as given (`Content-Type: application/json`).
    pub fn body(mut self, json: impl Into<Bytes>) -> Self {
        self.body = Some(json.into());
        self
    }

    /// Marks a listing that pages back in time (`createdAt_lte`, like `listJobs`) when
    /// an answer carries no `Link`; `skip` says whether the operation takes `skip`.
    pub fn pages_by_time(mut self, skip: bool) -> Self {
        self.time_cursor = Some(skip);
        self
    }

    /// The request as it would leave, without what the request hook adds (the
    /// `Authorization` header and the client's default headers): for showing it, as a
    /// dry run does. Fails as sending would on a bad path value, header value or a
    /// missing path parameter.
    pub fn build(&self) -> Result<reqwest::Request, Error> {
        let op = self.operation;
        let invalid = |message: String| Error::InvalidRequest {
            operation: op.id,
            message,
        };
        let base = self.client.base_url();
        let mut url = url::Url::parse(&format!("{base}/"))
            .map_err(|e| invalid(format!("the base URL does not parse: {e}")))?;
        {
            let mut segments = url
                .path_segments_mut()
                .map_err(|()| invalid("the base URL cannot hold a path".to_string()))?;
            segments.pop_if_empty();
            for segment in op.path.split('/').filter(|s| !s.is_empty()) {
                match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    Some(name) => {
                        let (parameter, value) =
                            self.path.iter().find(|(n, _)| *n == name).ok_or_else(|| {
                                invalid(format!("path parameter `{name}` is missing"))
                            })?;
                        path_segment(op, parameter, value)?;
                        segments.push(value);
                    }
                    None => {
                        segments.push(segment);
                    }
                }
            }
        }
        if !self.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&self.query);
        }
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        for (name, value) in &self.headers {
            header_value(op, name, value)?;
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| invalid(format!("header name `{name}`: {e}")))?;
            let value = HeaderValue::from_str(value)
                .map_err(|e| invalid(format!("header `{name}`: {e}")))?;
            headers.insert(header, value);
        }
        let method = reqwest::Method::from_bytes(op.method.as_bytes())
            .map_err(|e| invalid(format!("method {}: {e}", op.method)))?;
        let mut request = reqwest::Request::new(method, url);
        *request.headers_mut() = headers;
        if let Some(body) = &self.body {
            request
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            *request.body_mut() = Some(reqwest::Body::from(body.clone()));
        }
        Ok(request)
    }

    /// Sends the request. A success answer comes back as JSON; an empty one as
    /// [`Value::Null`]; a non-JSON one (the plain `OK` of state writes) as a
    /// [`Value::String`]. Any other answer is the same [`Error`] a typed method gives.
    pub async fn send(self) -> Result<ResponseValue<Value>, Error> {
        let op = self.operation;
        let request = self.build()?;
        let info = OperationInfo {
            operation_id: op.method_name,
        };
        let response = match (&self.client).exec(request, &info).await {
            Ok(response) => response,
            Err(source) => {
                return Err(Error::Transport {
                    operation: op.id,
                    source,
                })
            }
        };
        if !response.status().is_success() {
            let unexpected = progenitor_client::Error::UnexpectedResponse(response);
            return match crate::response::finish::<Value>(op, Err(unexpected)).await {
                Err(e) => Err(e),
                Ok(_) => unreachable!("a failed answer never finishes as a success"),
            };
        }
        let status = response.status();
        let headers = response.headers().clone();
        let json = headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_none_or(|v| v.contains("json"));
        let body = response.bytes().await.map_err(|source| Error::Transport {
            operation: op.id,
            source,
        })?;
        let value = if body.iter().all(u8::is_ascii_whitespace) {
            Value::Null
        } else if json {
            serde_json::from_slice(&body).map_err(|e| Error::Decode {
                operation: op.id,
                status,
                body_start: crate::response::body_start(&body),
                source: crate::DecodeFailure::Json(std::sync::Arc::new(e)),
            })?
        } else {
            Value::String(String::from_utf8_lossy(&body).into_owned())
        };
        Ok(ResponseValue::new(value, status, headers))
    }

    /// Every item of a listing, fetched a page at a time as the stream is read, the way
    /// [`crate::paging`] describes. A page is a JSON array, or an object whose one array
    /// property holds the items (with `nextPageURL` pointing at the next page).
    pub fn stream(self) -> ItemStream<'a, Value> {
        crate::paging::stream(self)
    }
}

impl<'a> ListRequest<'a> for RawRequest<'a> {
    type Item = Value;
    type Page = Value;
    // A placeholder: the pager asks `operation()`, which answers the request's own.
    const OPERATION: &'static Operation = &crate::operations::LIST_EXPORTS;

    fn operation(&self) -> &'static Operation {
        self.operation
    }

    fn client(&self) -> &'a Client {
        self.client
    }

    fn send_page(self) -> PageFuture<'a, Self::Page> {
        Box::pin(self.send())
    }

    fn into_items(page: Value) -> (Vec<Value>, Option<String>) {
        match page {
            Value::Array(items) => (items, None),
            Value::Object(mut fields) => {
                let next = match fields.remove("nextPageURL") {
                    Some(Value::String(url)) => Some(url),
                    _ => None,
                };
                let items = fields
                    .into_iter()
                    .find_map(|(_, v)| match v {
                        Value::Array(items) => Some(items),
                        _ => None,
                    })
                    .unwrap_or_default();
                (items, next)
            }
            Value::Null => (Vec::new(), None),
            other => (vec![other], None),
        }
    }

    fn headers(&self) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in &self.headers {
            if let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                headers.insert(name, value);
            }
        }
        headers
    }

    fn before(mut self, created_at: DateTime<Utc>, skip: u64) -> Option<Self> {
        let has_skip = self.time_cursor?;
        if skip > 0 && !has_skip {
            return None;
        }
        self.query
            .retain(|(name, _)| name != "createdAt_lte" && name != "skip");
        self.query.push((
            "createdAt_lte".to_string(),
            created_at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        ));
        if has_skip {
            self.query.push(("skip".to_string(), skip.to_string()));
        }
        Some(self)
    }

    fn created_at(item: &Value) -> Option<DateTime<Utc>> {
        item.get("createdAt")?
            .as_str()?
            .parse::<DateTime<Utc>>()
            .ok()
    }
}
