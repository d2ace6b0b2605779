//! [`ApiToken`]: the bearer token, kept out of every Debug and Display output.

use std::fmt;

use reqwest::header::HeaderValue;

use crate::request_checks::header_value_problem;
use crate::Error;

/// An integrator.io API token, as the client builder holds it. Its `Debug` and `Display`
/// print `ApiToken(<redacted>)`, and the `Authorization` header built from it is marked
/// sensitive.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct ApiToken(String);

impl ApiToken {
    /// Wraps a token, refusing an empty one or one that cannot travel in a header.
    pub(crate) fn new(token: impl Into<String>) -> Result<Self, Error> {
        let token = token.into().trim().to_string();
        if token.is_empty() {
            return Err(Error::MissingToken);
        }
        if let Some(reason) = header_value_problem(&token) {
            return Err(Error::Config {
                setting: "token",
                message: format!("the token is unusable: {reason}"),
            });
        }
        Ok(ApiToken(token))
    }

    /// Holds a token to be checked later (by the client builder), keeping it redacted meanwhile.
    pub(crate) fn unchecked(token: String) -> Self {
        ApiToken(token)
    }

    /// The same token, checked as [`ApiToken::new`] does.
    pub(crate) fn checked(self) -> Result<Self, Error> {
        Self::new(self.0)
    }

    /// The `Authorization: Bearer …` header value, marked sensitive.
    pub(crate) fn authorization(&self) -> Result<HeaderValue, Error> {
        let mut value =
            HeaderValue::try_from(format!("Bearer {}", self.0)).map_err(|_| Error::Config {
                setting: "token",
                message: "the token holds characters a header cannot carry".into(),
            })?;
        value.set_sensitive(true);
        Ok(value)
    }
}

impl fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiToken(<redacted>)")
    }
}

impl fmt::Display for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::ApiToken;

    #[test]
    fn debug_and_display_never_show_the_token() {
        let token = ApiToken::new("s3cr3t-token").unwrap();
        assert_eq!(format!("{token:?}"), "ApiToken(<redacted>)");
        assert!(!format!("{token}").contains("s3cr3t"));
    }

    #[test]
    fn an_empty_token_or_one_with_a_line_break_is_refused() {
        assert!(ApiToken::new("  ").is_err());
        assert!(ApiToken::new("a\r\nX-Injected: 1").is_err());
    }
}
