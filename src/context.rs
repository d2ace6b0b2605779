//! [`ClientContext`]: what every request of a client carries besides its URL.

use std::fmt;
use std::sync::Arc;

use reqwest::header::HeaderValue;

use crate::rate_limit::Limiter;
use crate::RetryPolicy;

/// The per-client settings the request hook applies: the `Authorization` header and
/// the default `Integrator-AShareId` and NetSuite proxy headers. Cheap to clone
/// (shared), and its `Debug` never shows the token. Not nameable outside the crate: the
/// generated `Client` carries it as its `inner` value.
#[derive(Clone)]
pub struct ClientContext {
    pub(crate) shared: Arc<Shared>,
}

#[derive(Clone)]
pub(crate) struct Shared {
    pub(crate) authorization: HeaderValue,
    pub(crate) ashare_id: Option<HeaderValue>,
    pub(crate) netsuite_restlet: Option<(HeaderValue, HeaderValue)>,
    /// Shared by every clone and every scoped client made from this one.
    pub(crate) limiter: Option<Limiter>,
    pub(crate) retry: RetryPolicy,
    /// Request bodies holding masked secrets are sent as they are.
    pub(crate) allow_masked_secrets: bool,
    /// Redirects to plain `http` off loopback are followed.
    pub(crate) allow_insecure_http: bool,
}

impl ClientContext {
    /// The `Integrator-AShareId` sent with every request that does not set its own.
    pub(crate) fn ashare_id(&self) -> Option<&str> {
        self.shared.ashare_id.as_ref().and_then(|v| v.to_str().ok())
    }
}

impl fmt::Debug for ClientContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientContext")
            .field("authorization", &"<redacted>")
            .field("ashare_id", &self.ashare_id())
            .field("netsuite_restlet", &self.shared.netsuite_restlet)
            .field("limiter", &self.shared.limiter)
            .field("retry", &self.shared.retry)
            .field("allow_masked_secrets", &self.shared.allow_masked_secrets)
            .finish()
    }
}
