//! Turning the generated code's results into the crate's [`Error`]; decoding error answers.

use std::sync::Arc;
use std::time::Duration;

use futures::TryStreamExt;
use progenitor_client::{ByteStream, ResponseValue};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::error::{ApiError, DecodeFailure};
use crate::hooks::ReadBody;
use crate::refusal::Refusal;
use crate::types::ErrorDetail;
use crate::{Error, Operation};

/// How many characters of a body an error shows.
const BODY_START: usize = 200;

type Generated<T> = Result<ResponseValue<T>, progenitor_client::Error<()>>;

/// Decodes a JSON answer, as progenitor's `ResponseValue::from_response` does, but from the
/// bytes the request hook already read when it has them; the headers move, not copied.
///
/// A body that does not decode comes back as progenitor's `UnexpectedResponse`, rebuilt
/// around the bytes with the serde error attached ([`Undecodable`]), so that
/// [`finish`] reports the status actually received.
pub(crate) async fn from_read_body<T: DeserializeOwned, E>(
    mut response: reqwest::Response,
) -> Result<ResponseValue<T>, progenitor_client::Error<E>> {
    let status = response.status();
    let mut headers = std::mem::take(response.headers_mut());
    let body = match response.extensions_mut().remove::<ReadBody>() {
        Some(ReadBody(body)) => body,
        None => response
            .bytes()
            .await
            .map_err(progenitor_client::Error::ResponseBodyError)?,
    };
    match serde_json::from_slice(&body) {
        Ok(inner) => Ok(ResponseValue::new(inner, status, headers)),
        Err(e) => {
            let mut undecodable = http::Response::new(body);
            *undecodable.status_mut() = status;
            std::mem::swap(undecodable.headers_mut(), &mut headers);
            undecodable
                .extensions_mut()
                .insert(Undecodable(Arc::new(e)));
            Err(progenitor_client::Error::UnexpectedResponse(
                reqwest::Response::from(undecodable),
            ))
        }
    }
}

/// The serde error of a success answer that did not decode (see [`from_read_body`]).
#[derive(Clone)]
struct Undecodable(Arc<serde_json::Error>);

/// Finishes a JSON (or empty) operation.
pub(crate) async fn finish<T>(
    op: &'static Operation,
    result: Generated<T>,
) -> Result<ResponseValue<T>, Error> {
    match result {
        Ok(value) if op.answers_json => match content_type_problem(value.headers()) {
            Some(kind) => Err(Error::Decode {
                operation: op.id,
                status: value.status(),
                body_start: String::new(),
                source: DecodeFailure::ContentType(kind),
            }),
            None => Ok(value),
        },
        Ok(value) => Ok(value),
        Err(e) => Err(convert(op, e).await),
    }
}

/// A declared content type that is not JSON (`application/json`, `…+json`, or
/// `text/json`); an answer that declares none is accepted.
fn content_type_problem(headers: &reqwest::header::HeaderMap) -> Option<String> {
    let declared = headers.get(reqwest::header::CONTENT_TYPE)?;
    let text = declared.to_str().unwrap_or("?");
    let essence = text.split(';').next().unwrap_or("").trim();
    let suffix = essence
        .len()
        .checked_sub(5)
        .map(|start| &essence.as_bytes()[start..]);
    let ends_with_json = suffix.is_some_and(|suffix| suffix.eq_ignore_ascii_case(b"+json"));
    let json = essence.eq_ignore_ascii_case("application/json")
        || essence.eq_ignore_ascii_case("text/json")
        || ends_with_json;
    (!json).then(|| text.to_string())
}

/// Finishes a plain-text operation (state PUTs answer `OK` or `Created`).
pub(crate) async fn finish_text(
    op: &'static Operation,
    result: Generated<ByteStream>,
) -> Result<ResponseValue<String>, Error> {
    let value = finish(op, result).await?;
    let status = value.status();
    let headers = value.headers().clone();
    let bytes: Vec<u8> = value
        .into_inner()
        .into_inner()
        .map_ok(|chunk| chunk.to_vec())
        .try_concat()
        .await
        .map_err(|source| Error::Transport {
            operation: op.id,
            source,
        })?;
    let text = String::from_utf8(bytes).map_err(|e| Error::Decode {
        operation: op.id,
        status,
        body_start: body_start(e.as_bytes()),
        source: DecodeFailure::NotUtf8(e.utf8_error()),
    })?;
    Ok(ResponseValue::new(text, status, headers))
}

async fn convert(op: &'static Operation, error: progenitor_client::Error<()>) -> Error {
    use progenitor_client::Error as E;
    match error {
        E::InvalidRequest(message) | E::Custom(message) => Error::InvalidRequest {
            operation: op.id,
            message,
        },
        E::CommunicationError(source)
        | E::ResponseBodyError(source)
        | E::InvalidUpgrade(source) => Error::Transport {
            operation: op.id,
            source,
        },
        // Not produced by this crate's decoding (`from_read_body`); kept for completeness.
        E::InvalidResponsePayload(bytes, source) => Error::Decode {
            operation: op.id,
            status: StatusCode::from_u16(op.success_status).unwrap_or(StatusCode::OK),
            body_start: body_start(&bytes),
            source: DecodeFailure::Json(Arc::new(source)),
        },
        E::ErrorResponse(value) => {
            let status = value.status();
            let headers = value.headers().clone();
            from_status(op, status, &headers, &[])
        }
        E::UnexpectedResponse(mut response) => {
            let extensions = response.extensions_mut();
            if let Some(refusal) = extensions.remove::<Refusal>() {
                return refusal.into_error(op.id);
            }
            if let Some(Undecodable(source)) = extensions.remove::<Undecodable>() {
                let status = response.status();
                let body = response.bytes().await.unwrap_or_default();
                return Error::Decode {
                    operation: op.id,
                    status,
                    body_start: body_start(&body),
                    source: DecodeFailure::Json(source),
                };
            }
            let status = response.status();
            let headers = response.headers().clone();
            match response.bytes().await {
                Ok(body) => from_status(op, status, &headers, &body),
                Err(source) => Error::Transport {
                    operation: op.id,
                    source,
                },
            }
        }
    }
}

/// The error for a non-success answer.
pub(crate) fn from_status(
    op: &'static Operation,
    status: StatusCode,
    headers: &reqwest::header::HeaderMap,
    body: &[u8],
) -> Error {
    if status.is_success() || status.is_redirection() || status.is_informational() {
        return Error::UnexpectedStatus {
            operation: op.id,
            status,
            body_start: body_start(body),
        };
    }
    let error = decode_api_error(op, status, body);
    match status.as_u16() {
        401 => Error::Unauthorized(error),
        429 => Error::RateLimited {
            retry_after: retry_after(headers),
            error,
        },
        _ => Error::Api(error),
    }
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(default)]
    errors: Option<Vec<ErrorDetail>>,
    #[serde(default)]
    message: Option<String>,
}

fn decode_api_error(op: &'static Operation, status: StatusCode, body: &[u8]) -> ApiError {
    match serde_json::from_slice::<Envelope>(body) {
        Ok(envelope) if envelope.errors.is_some() || envelope.message.is_some() => ApiError {
            operation: op.id,
            status,
            errors: envelope.errors.unwrap_or_default(),
            message: envelope.message,
            body_start: None,
        },
        _ => ApiError {
            operation: op.id,
            status,
            errors: Vec::new(),
            message: None,
            body_start: (!body.is_empty()).then(|| body_start(body)),
        },
    }
}

/// `Retry-After` in whole seconds.
pub(crate) fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

/// The first characters of a body, for messages.
pub(crate) fn body_start(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(BODY_START * 4)]);
    let mut out: String = text.chars().take(BODY_START).collect();
    if text.chars().count() > BODY_START {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::content_type_problem;
    use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE};

    fn problem(content_type: &'static [u8]) -> Option<String> {
        let mut headers = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_bytes(content_type) {
            headers.insert(CONTENT_TYPE, value);
        }
        content_type_problem(&headers)
    }

    #[test]
    fn json_content_types_in_any_case_and_with_parameters_pass() {
        for declared in [
            &b"application/json"[..],
            b"Application/JSON; charset=utf-8",
            b"text/json",
            b" application/problem+json ;q=1",
            b"application/vnd.celigo+JSON",
        ] {
            assert_eq!(
                problem(declared),
                None,
                "{:?}",
                String::from_utf8_lossy(declared)
            );
        }
        assert_eq!(content_type_problem(&HeaderMap::new()), None);
    }

    #[test]
    fn other_content_types_are_named() {
        assert_eq!(problem(b"text/html"), Some("text/html".into()));
        assert_eq!(problem(b"json"), Some("json".into()));
        assert_eq!(
            problem(b"application/jsonp"),
            Some("application/jsonp".into())
        );
        assert_eq!(
            problem(b"text/plain; x=+json"),
            Some("text/plain; x=+json".into())
        );
        // Not visible ASCII: shown as `?`, still refused.
        assert_eq!(problem(b"t\xe9xt/html"), Some("?".into()));
    }
}
