//! [`ClientBuilder`]: token, region or base URL, account share, timeouts, User-Agent.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::base_url::BaseUrl;
use crate::context::{ClientContext, Shared};
use crate::rate_limit::Limiter;
use crate::request_checks::header_value_problem;
use crate::{ApiToken, Client, Error, RateLimit, Region, RetryPolicy};

/// The environment variable holding the API token.
pub const ENV_TOKEN: &str = "INTEGRATOR_API_TOKEN";
/// The environment variable choosing the region (`na` or `eu`).
pub const ENV_REGION: &str = "INTEGRATOR_REGION";
/// The environment variable overriding the base URL (mocks, proxies).
pub const ENV_BASE_URL: &str = "INTEGRATOR_BASE_URL";
/// The environment variable giving a default `Integrator-AShareId`.
pub const ENV_ASHARE_ID: &str = "INTEGRATOR_ASHARE_ID";

/// The User-Agent sent unless another is set: the crate's name and version.
pub const DEFAULT_USER_AGENT: &str =
    concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// Builds a [`Client`].
///
/// ```
/// use std::time::Duration;
/// use integrator_io::{Client, Region};
///
/// let client = Client::builder()
///     .token("my-api-token")
///     .region(Region::Europe)
///     .timeout(Duration::from_secs(30))
///     .build()?;
/// assert_eq!(client.base_url(), "https://api.eu.integrator.io/v1");
/// # Ok::<(), integrator_io::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct ClientBuilder {
    token: Option<ApiToken>,
    region: Region,
    base_url: Option<String>,
    ashare_id: Option<String>,
    connect_timeout: Duration,
    timeout: Duration,
    user_agent: String,
    allow_insecure_http: bool,
    rate_limit: Option<RateLimit>,
    retry: RetryPolicy,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            token: None,
            region: Region::NorthAmerica,
            base_url: None,
            ashare_id: None,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            user_agent: DEFAULT_USER_AGENT.to_string(),
            allow_insecure_http: false,
            rate_limit: Some(RateLimit::DEFAULT),
            retry: RetryPolicy::default(),
        }
    }
}

impl ClientBuilder {
    /// A builder with the defaults: North America, no token, 10 s to connect, 60 s per
    /// request, the documented rate limit, and the default [`RetryPolicy`].
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder seeded from `INTEGRATOR_API_TOKEN`, `INTEGRATOR_REGION`,
    /// `INTEGRATOR_BASE_URL` and `INTEGRATOR_ASHARE_ID`; setters called afterwards win.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// Like [`ClientBuilder::from_env`], reading the variables through `lookup`
    /// (handy in tests and for configuration systems).
    ///
    /// ```
    /// use integrator_io::ClientBuilder;
    ///
    /// let client = ClientBuilder::from_vars(|name| match name {
    ///     "INTEGRATOR_API_TOKEN" => Some("t0ken".into()),
    ///     "INTEGRATOR_REGION" => Some("eu".into()),
    ///     _ => None,
    /// })?
    /// .build()?;
    /// assert_eq!(client.base_url(), "https://api.eu.integrator.io/v1");
    /// # Ok::<(), integrator_io::Error>(())
    /// ```
    pub fn from_vars(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let get = |name| {
            lookup(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let mut builder = Self::new();
        if let Some(token) = get(ENV_TOKEN) {
            builder = builder.token(token);
        }
        if let Some(region) = get(ENV_REGION) {
            builder.region = region.parse()?;
        }
        builder.base_url = get(ENV_BASE_URL);
        builder.ashare_id = get(ENV_ASHARE_ID);
        Ok(builder)
    }

    /// The API token.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(ApiToken::unchecked(token.into()));
        self
    }

    /// The region (ignored when a base URL is set).
    pub fn region(mut self, region: Region) -> Self {
        self.region = region;
        self
    }

    /// A base URL instead of the region's (a mock server, a proxy). A trailing slash is
    /// fine. `http://` is accepted for loopback hosts only, unless
    /// [`allow_insecure_http`](Self::allow_insecure_http) is set.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Sends `Integrator-AShareId` with every request that does not set its own.
    pub fn ashare_id(mut self, id: impl Into<String>) -> Self {
        self.ashare_id = Some(id.into());
        self
    }

    /// How long to wait for a connection to open (default 10 s).
    ///
    /// A connection that could not be opened is known to have carried nothing, so even
    /// a `POST` is sent again after it. To tell it apart from an attempt that timed out
    /// later, the connect timeout is kept below the per-attempt
    /// [`timeout`](Self::timeout): at most 90 % of it.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one attempt may take, from sending the request to reading the last
    /// byte of the answer (default 60 s). Retries are attempts of their own; the
    /// [`RetryPolicy`]'s `max_elapsed` bounds them all together.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The User-Agent header (default: `integrator-io/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Accepts an `http://` base URL on a host that is not loopback. Off by default:
    /// the token would cross the network in clear text.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// The client-side rate limit (default: [`RateLimit::DEFAULT`], 990 at once and 300
    /// per second: the documented bucket less a small margin), shared by every clone of the client.
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// No client-side rate limit: requests go out as fast as they are made, and the
    /// API's `429`s are left to the retry policy.
    pub fn no_rate_limit(mut self) -> Self {
        self.rate_limit = None;
        self
    }

    /// When failed requests are sent again (default: [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Checks every setting and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let token = self.token.ok_or(Error::MissingToken)?.checked()?;
        let base_url = match &self.base_url {
            Some(url) => BaseUrl::parse(url, self.allow_insecure_http)?,
            None => BaseUrl::parse(self.region.base_url(), false)?,
        };
        let ashare_id = match self.ashare_id {
            None => None,
            Some(id) => Some(checked_header(crate::ASHARE_ID_HEADER, &id)?),
        };
        let user_agent = checked_header("User-Agent", &self.user_agent)?;
        if self.timeout.is_zero() || self.connect_timeout.is_zero() {
            return Err(Error::Config {
                setting: "timeout",
                message: "timeouts must be longer than zero".into(),
            });
        }
        // Below the attempt's timeout, so that a connection that never opened fails as a
        // connect error (which even a POST may retry), not as a timed-out attempt.
        let connect_timeout = self.connect_timeout.min(self.timeout.mul_f64(0.9));
        let http = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .timeout(self.timeout)
            .user_agent(user_agent)
            // Redirects are followed by the request hook (`redirect.rs`), which keeps the
            // account headers on the API's origin.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Config {
                setting: "http client",
                message: e.to_string(),
            })?;
        let context = ClientContext {
            shared: Arc::new(Shared {
                authorization: token.authorization()?,
                ashare_id,
                netsuite_restlet: None,
                limiter: self.rate_limit.map(Limiter::new),
                retry: self.retry,
                allow_masked_secrets: false,
                allow_insecure_http: self.allow_insecure_http,
            }),
        };
        Ok(Client::new_with_client(base_url.as_str(), http, context))
    }
}

pub(crate) fn checked_header(header: &'static str, value: &str) -> Result<HeaderValue, Error> {
    if let Some(reason) = header_value_problem(value) {
        return Err(Error::InvalidHeader {
            operation: "client",
            header,
            reason,
        });
    }
    HeaderValue::try_from(value).map_err(|_| Error::InvalidHeader {
        operation: "client",
        header,
        reason: "it holds characters a header cannot carry",
    })
}
