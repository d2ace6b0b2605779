//! Hand-written additions to the generated [`Client`].

use crate::generated::Client;
use crate::{ClientBuilder, Error};

impl Client {
    /// A [`ClientBuilder`] with the defaults.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client configured from `INTEGRATOR_API_TOKEN`, `INTEGRATOR_REGION`,
    /// `INTEGRATOR_BASE_URL` and `INTEGRATOR_ASHARE_ID`.
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env()?.build()
    }

    /// The base URL requests go to (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.baseurl
    }

    /// The `Integrator-AShareId` sent with every request that does not set its own.
    pub fn ashare_id(&self) -> Option<&str> {
        self.inner.ashare_id()
    }
}
