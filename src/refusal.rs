//! Requests the client answers itself instead of the API: the request hook may refuse to
//! send (a masked secret in the body, the shared rate limiter unavailable and set to
//! fail closed) or refuse to follow a redirect. Either way the generated code sees an
//! answer that is not a success, marked with a [`Refusal`], and the error conversion
//! (`response::convert`) turns the mark into the matching [`Error`].

use crate::Error;

/// Why the client did not send a request, or did not follow its redirect.
#[derive(Clone, Debug)]
pub(crate) enum Refusal {
    /// The body holds a masked secret at this JSON pointer.
    MaskedSecret(String),
    /// The shared rate limiter could not be used (fail closed); why.
    RateLimiter(String),
    /// A redirect was not followed; why.
    Redirect(String),
}

impl Refusal {
    /// The answer the hook gives in place of a request it did not send: `400`, no body,
    /// marked. No operation documents a `400` as success, so the generated code passes
    /// it on whole.
    pub(crate) fn into_response(self) -> reqwest::Response {
        let mut answer = http::Response::new(bytes::Bytes::new());
        *answer.status_mut() = http::StatusCode::BAD_REQUEST;
        answer.extensions_mut().insert(self);
        reqwest::Response::from(answer)
    }

    /// Marks a real answer (a redirect handed back) with this refusal.
    pub(crate) fn mark(self, mut response: reqwest::Response) -> reqwest::Response {
        response.extensions_mut().insert(self);
        response
    }

    /// The error it stands for, for `operation`.
    pub(crate) fn into_error(self, operation: &'static str) -> Error {
        match self {
            Refusal::MaskedSecret(field) => Error::MaskedSecret { operation, field },
            Refusal::RateLimiter(message) => Error::RateLimiterUnavailable { operation, message },
            Refusal::Redirect(message) => Error::Redirect { operation, message },
        }
    }
}
