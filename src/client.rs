//! Hand-written additions to the generated [`Client`].

use std::sync::Arc;

use crate::client_builder::checked_header;
use crate::context::{ClientContext, Shared};
use crate::generated::Client;
use crate::{
    ClientBuilder, Error, RetryPolicy, ASHARE_ID_HEADER, NETSUITE_DEPLOY_ID_HEADER,
    NETSUITE_SCRIPT_ID_HEADER,
};

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

    /// A client that sends `Integrator-AShareId: id` with every request that does not
    /// set its own: it acts in that account share. It shares this client's connection
    /// pool and settings.
    ///
    /// ```
    /// let client = integrator_io::Client::builder().token("t").build()?;
    /// let shared = client.with_ashare_id("5d4e3f2a1b0c9d8e7f6a5b4c")?;
    /// assert_eq!(shared.ashare_id(), Some("5d4e3f2a1b0c9d8e7f6a5b4c"));
    /// assert_eq!(client.ashare_id(), None);
    /// # Ok::<(), integrator_io::Error>(())
    /// ```
    pub fn with_ashare_id(&self, id: &str) -> Result<Client, Error> {
        let id = checked_header(ASHARE_ID_HEADER, id)?;
        Ok(self.with_shared(|shared| shared.ashare_id = Some(id)))
    }

    /// A client that proxies every request to a NetSuite RESTlet: it sends
    /// `Integrator-NetSuite-ScriptId` and `Integrator-NetSuite-DeployId` with every
    /// request that does not set its own. It shares this client's connection pool.
    pub fn with_netsuite_restlet(&self, script_id: &str, deploy_id: &str) -> Result<Client, Error> {
        let script = checked_header(NETSUITE_SCRIPT_ID_HEADER, script_id)?;
        let deploy = checked_header(NETSUITE_DEPLOY_ID_HEADER, deploy_id)?;
        Ok(self.with_shared(|shared| shared.netsuite_restlet = Some((script, deploy))))
    }

    /// A client that retries as `policy` says (for example [`RetryPolicy::none`] for one
    /// call that must not be repeated). It shares this client's connection pool and
    /// rate limiter.
    pub fn with_retry(&self, policy: RetryPolicy) -> Client {
        self.with_shared(|shared| shared.retry = policy)
    }

    /// A client that sends request bodies holding masked secrets (`"******"`, as the
    /// API answers credentials on reads) as they are, instead of refusing them with
    /// [`Error::MaskedSecret`]. Only for when the placeholder is what you mean to store.
    /// It shares this client's connection pool and rate limiter.
    ///
    /// ```
    /// let client = integrator_io::Client::builder().token("t").build()?;
    /// let verbatim = client.with_masked_secrets_allowed();
    /// # Ok::<(), integrator_io::Error>(())
    /// ```
    pub fn with_masked_secrets_allowed(&self) -> Client {
        self.with_shared(|shared| shared.allow_masked_secrets = true)
    }

    fn with_shared(&self, change: impl FnOnce(&mut Shared)) -> Client {
        let mut shared = Shared::clone(&self.inner.shared);
        change(&mut shared);
        let context = ClientContext {
            shared: Arc::new(shared),
        };
        Client::new_with_client(&self.baseurl, self.client.clone(), context)
    }
}
