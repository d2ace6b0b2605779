//! [`Error`]: the one error type every call of the crate answers.

use std::time::Duration;

use crate::types::ErrorDetail;
use reqwest::StatusCode;

/// Everything that can go wrong, in one type to match on.
///
/// ```
/// # async fn demo(client: &integrator_io::Client) {
/// use integrator_io::Error;
///
/// match client.get_export().id("5a6b7c8d9e0f1a2b3c4d5e6f").send().await {
///     Ok(export) => println!("{:?}", export.name),
///     Err(e) if e.is_not_found() => println!("no such export"),
///     Err(e) if e.is_rate_limited() => println!("slow down for {:?}", e.retry_after()),
///     Err(e) => eprintln!("{e}"),
/// }
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A client setting is invalid (region, base URL, token format, timeout, ...).
    #[error("invalid {setting} setting: {message}")]
    Config {
        /// Which setting.
        setting: &'static str,
        /// What is wrong with it.
        message: String,
    },

    /// No API token was given in code or in `INTEGRATOR_API_TOKEN`.
    #[error("no API token: set INTEGRATOR_API_TOKEN or call ClientBuilder::token")]
    MissingToken,

    /// A value to be placed in the URL path would change which URL is called (empty,
    /// `.`, `..`, or holding `/`, `?`, `#`, `\` or a control character). Nothing was sent.
    #[error("{operation}: refusing path parameter `{parameter}` = {value:?}: {reason}")]
    InvalidId {
        /// The operationId.
        operation: &'static str,
        /// The path parameter.
        parameter: &'static str,
        /// The value given.
        value: String,
        /// Why it was refused.
        reason: &'static str,
    },

    /// A header value holds CR, LF or another control character. Nothing was sent. The
    /// value itself is not repeated here, since headers may carry secrets.
    #[error("{operation}: refusing the value of header `{header}`: {reason}")]
    InvalidHeader {
        /// The operationId, or `client` for client-wide headers.
        operation: &'static str,
        /// The header's name.
        header: &'static str,
        /// Why it was refused.
        reason: &'static str,
    },

    /// The request could not be built (a required parameter is missing, a body does not
    /// convert). Nothing was sent.
    #[error("{operation}: invalid request: {message}")]
    InvalidRequest {
        /// The operationId.
        operation: &'static str,
        /// What is wrong.
        message: String,
    },

    /// `401`: the token is missing, wrong, expired or from the other region.
    #[error("{0}")]
    Unauthorized(ApiError),

    /// `429`: the account's rate limit is exhausted.
    #[error("{error}{}", retry_after.map(|d| format!(" (retry after {}s)", d.as_secs())).unwrap_or_default())]
    RateLimited {
        /// `Retry-After`, when the API sent it.
        retry_after: Option<Duration>,
        /// The decoded answer.
        error: ApiError,
    },

    /// Any other error status, with the decoded error envelope.
    #[error("{0}")]
    Api(ApiError),

    /// A status the spec does not document for this operation, with the start of its body.
    #[error("{operation}: unexpected HTTP {status}; body starts {body_start:?}")]
    UnexpectedStatus {
        /// The operationId.
        operation: &'static str,
        /// The status received.
        status: StatusCode,
        /// The first characters of the body.
        body_start: String,
    },

    /// The request could not be sent or the answer not read (connection, TLS, timeout).
    #[error("{operation}: transport error: {source}")]
    Transport {
        /// The operationId.
        operation: &'static str,
        /// The underlying error (`source.is_timeout()` tells a timeout).
        #[source]
        source: reqwest::Error,
    },

    /// Paging could not go on safely: a next link that repeats (a loop), points at
    /// another host, or does not parse. The items already yielded stay valid.
    #[error("{operation}: paging stopped: {message}")]
    Paging {
        /// The operationId.
        operation: &'static str,
        /// What went wrong.
        message: String,
    },

    /// A success answer whose body does not match the spec (wrong types, truncated JSON,
    /// an HTML page, an empty body, another content type).
    #[error(
        "{operation}: cannot decode the HTTP {status} answer: {source}; body starts {body_start:?}"
    )]
    Decode {
        /// The operationId.
        operation: &'static str,
        /// The status of the answer, as received.
        status: StatusCode,
        /// The first characters of the body.
        body_start: String,
        /// What is wrong with it.
        #[source]
        source: DecodeFailure,
    },

    /// The request body holds a masked secret (`"******"`) as the API answers it on
    /// reads; sent, it would replace the real credential. Nothing was sent. Set the real
    /// value, remove the field, or send on purpose through
    /// [`Client::with_masked_secrets_allowed`](crate::Client::with_masked_secrets_allowed).
    #[error("{operation}: refusing to send the masked secret at `{field}`; set the real value or remove the field")]
    MaskedSecret {
        /// The operationId.
        operation: &'static str,
        /// The field, as a JSON pointer into the body (`/http/auth/basic/password`).
        field: String,
    },

    /// A redirect was not followed: to plain `http` elsewhere, too many, or one that
    /// would send a body that cannot be repeated.
    #[error("{operation}: redirect not followed: {message}")]
    Redirect {
        /// The operationId.
        operation: &'static str,
        /// Why.
        message: String,
    },

    /// The client shares its rate limit through Redis (the `redis` feature), is set to
    /// fail closed, and the shared limiter could not be used: Redis out of reach or too
    /// slow, or the account's key not derivable. Nothing was sent. The message never
    /// holds the Redis password.
    #[error("{operation}: not sent: the shared rate limiter is unavailable: {message}")]
    RateLimiterUnavailable {
        /// The operationId.
        operation: &'static str,
        /// What went wrong.
        message: String,
    },
}

/// Why a success answer could not be decoded ([`Error::Decode`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeFailure {
    /// The body is not the JSON the spec describes (what serde_json reported).
    #[error(transparent)]
    Json(std::sync::Arc<serde_json::Error>),
    /// The answer declares a content type other than JSON.
    #[error("the answer's content type is {0:?}, not JSON")]
    ContentType(String),
    /// A text answer that is not UTF-8.
    #[error("the text answer is not UTF-8: {0}")]
    NotUtf8(#[source] std::str::Utf8Error),
}

impl Error {
    /// The HTTP status of the answer, for every error that has one: `Unauthorized`,
    /// `RateLimited`, `Api`, `UnexpectedStatus`, `Decode` (the success status whose body
    /// did not decode) and a `Transport` error reqwest reports with a status.
    ///
    /// ```
    /// # use std::io::{Read, Write};
    /// # fn answering(status: &'static str) -> String {
    /// #     let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    /// #     let base = format!("http://{}", listener.local_addr().unwrap());
    /// #     std::thread::spawn(move || {
    /// #         for mut stream in listener.incoming().flatten() {
    /// #             let _ = stream.read(&mut [0; 8192]);
    /// #             let body = r#"{"errors":[{"code":"not_found","message":"Not found"}]}"#;
    /// #             let _ = write!(stream, "HTTP/1.1 {status}\r\ncontent-type: application/json\r\n\
    /// #                 retry-after: 0\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len());
    /// #         }
    /// #     });
    /// #     base
    /// # }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), integrator_io::Error> {
    /// use integrator_io::{Client, RetryPolicy};
    ///
    /// // A stand-in for the API that answers every request `404 Not Found`.
    /// let base_url = answering("404 Not Found");
    /// let client = Client::builder().token("t0k3n").base_url(base_url).build()?;
    ///
    /// let err = client.get_export().id("5a6b7c8d9e0f1a2b3c4d5e6f").send().await.unwrap_err();
    /// assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    /// assert!(err.is_not_found());
    /// assert!(!err.is_rate_limited() && !err.is_unauthorized());
    ///
    /// // `401` and `429` (here without retrying) are told the same way.
    /// let client = Client::builder().token("t0k3n").base_url(answering("401 Unauthorized")).build()?;
    /// assert!(client.get_token_info().send().await.unwrap_err().is_unauthorized());
    /// let client = Client::builder()
    ///     .token("t0k3n")
    ///     .base_url(answering("429 Too Many Requests"))
    ///     .retry(RetryPolicy::none())
    ///     .build()?;
    /// assert!(client.get_token_info().send().await.unwrap_err().is_rate_limited());
    /// # Ok(())
    /// # }
    /// ```
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Unauthorized(e) | Error::Api(e) | Error::RateLimited { error: e, .. } => {
                Some(e.status)
            }
            Error::UnexpectedStatus { status, .. } | Error::Decode { status, .. } => Some(*status),
            Error::Transport { source, .. } => source.status(),
            _ => None,
        }
    }

    /// The decoded error answer, for `Unauthorized`, `RateLimited` and `Api`.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Unauthorized(e) | Error::Api(e) | Error::RateLimited { error: e, .. } => Some(e),
            _ => None,
        }
    }

    /// True when the request timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Transport { source, .. } if source.is_timeout())
    }

    /// True when the API answered `404 Not Found`: no such resource, or no such state
    /// key. See [`status`](Self::status) for an example.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// True when the API answered `429 Too Many Requests` (after the retries of the
    /// client's [`RetryPolicy`](crate::RetryPolicy)). [`retry_after`](Self::retry_after)
    /// tells how long to wait.
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Error::RateLimited { .. })
            || self.status() == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// True when the API answered `401 Unauthorized`: the token is missing, wrong,
    /// expired or from the other region.
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, Error::Unauthorized(_)) || self.status() == Some(StatusCode::UNAUTHORIZED)
    }

    /// The `Retry-After` the API sent with a `429`, when it sent one.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// An error answer of the API: its status and the decoded error envelope
/// `{"errors": [{"code", "message", "field"?}]}` (or the bare `{"message"}` seen on 401).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// The operationId of the call.
    pub operation: &'static str,
    /// The HTTP status.
    pub status: StatusCode,
    /// The envelope's entries (empty when the body had none), each with every field the
    /// API sent.
    pub errors: Vec<ErrorDetail>,
    /// A bare top-level `message`, when the body had one.
    pub message: Option<String>,
    /// The first characters of the body when it was not an error envelope (an HTML page).
    pub body_start: Option<String>,
}

impl ApiError {
    /// The first entry's stable `code` (`missing_header`, `rate_limited`, ...).
    pub fn code(&self) -> Option<&str> {
        self.errors.first().and_then(|e| e.code.as_deref())
    }

    /// True when any entry has this code.
    pub fn has_code(&self, code: &str) -> bool {
        self.errors.iter().any(|e| e.code.as_deref() == Some(code))
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: HTTP {}", self.operation, self.status)?;
        for (i, e) in self.errors.iter().enumerate() {
            f.write_str(if i == 0 { ": " } else { "; " })?;
            write!(f, "{}", e)?;
        }
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        if let Some(body) = &self.body_start {
            write!(f, "; body starts {body:?}")?;
        }
        Ok(())
    }
}

/// `code: message (field `name`)`, as [`ApiError`]'s `Display` shows each entry.
impl std::fmt::Display for ErrorDetail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {}",
            self.code.as_deref().unwrap_or_default(),
            self.message.as_deref().unwrap_or_default()
        )?;
        if let Some(field) = self.field.as_deref() {
            write!(f, " (field `{field}`)")?;
        }
        Ok(())
    }
}
