//! [`ClientBuilder`]: token, region or base URL, account share, timeouts, User-Agent.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::base_url::BaseUrl;
use crate::context::{ClientContext, Shared};
use crate::rate_limit::Limiter;
use crate::request_checks::header_value_problem;
use crate::token::ApiToken;
#[cfg(feature = "redis")]
use crate::RedisRateLimit;
use crate::{Client, Error, RateLimit, Region, RetryPolicy};

/// The environment variable holding the API token.
pub const ENV_TOKEN: &str = "INTEGRATOR_API_TOKEN";
/// The environment variable choosing the region (`na` or `eu`).
pub const ENV_REGION: &str = "INTEGRATOR_REGION";
/// The environment variable overriding the base URL (mocks, proxies).
pub const ENV_BASE_URL: &str = "INTEGRATOR_BASE_URL";
/// The environment variable giving a default `Integrator-AShareId`.
pub const ENV_ASHARE_ID: &str = "INTEGRATOR_ASHARE_ID";
/// The environment variable naming the Redis that holds a rate limit shared by several
/// processes (`redis://[:password@]host[:port][/db]`; needs the `redis` feature).
pub const ENV_RATE_LIMIT_REDIS_URL: &str = "INTEGRATOR_RATE_LIMIT_REDIS_URL";
/// The environment variable naming the account's bucket in that Redis (default: derived
/// from the token's `GET /tokenInfo`).
pub const ENV_RATE_LIMIT_REDIS_KEY: &str = "INTEGRATOR_RATE_LIMIT_REDIS_KEY";
/// The environment variable choosing what happens when that Redis is out of reach:
/// `open` (fall back on the in-process limiter, the default) or `closed` (refuse).
pub const ENV_RATE_LIMIT_REDIS_FAIL: &str = "INTEGRATOR_RATE_LIMIT_REDIS_FAIL";
/// The environment variable giving how long, in milliseconds, one call to that Redis may
/// take before the fail mode applies (default 200).
pub const ENV_RATE_LIMIT_REDIS_TIMEOUT_MS: &str = "INTEGRATOR_RATE_LIMIT_REDIS_TIMEOUT_MS";

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
    #[cfg(feature = "redis")]
    redis: Option<RedisRateLimit>,
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
            #[cfg(feature = "redis")]
            redis: None,
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
    /// `INTEGRATOR_BASE_URL` and `INTEGRATOR_ASHARE_ID`, and with the `redis` feature
    /// `INTEGRATOR_RATE_LIMIT_REDIS_URL` (with `…_KEY`, `…_FAIL` and `…_TIMEOUT_MS`);
    /// setters called afterwards win. `INTEGRATOR_RATE_LIMIT_REDIS_URL` set without the
    /// `redis` feature is an [`Error::Config`], not ignored.
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
        if let Some(url) = get(ENV_RATE_LIMIT_REDIS_URL) {
            builder = builder.redis_from_vars(&url, get)?;
        }
        Ok(builder)
    }

    #[cfg(feature = "redis")]
    fn redis_from_vars(
        self,
        url: &str,
        get: impl Fn(&'static str) -> Option<String>,
    ) -> Result<Self, Error> {
        let mut config = RedisRateLimit::new(url)?;
        if let Some(key) = get(ENV_RATE_LIMIT_REDIS_KEY) {
            config = config.key(key);
        }
        if let Some(mode) = get(ENV_RATE_LIMIT_REDIS_FAIL) {
            config = config.fail_mode(mode.parse()?);
        }
        if let Some(ms) = get(ENV_RATE_LIMIT_REDIS_TIMEOUT_MS) {
            let ms: u64 = ms.parse().map_err(|_| Error::Config {
                setting: "Redis timeout",
                message: format!(
                    "{ENV_RATE_LIMIT_REDIS_TIMEOUT_MS} = {ms:?} is not a number of milliseconds"
                ),
            })?;
            config = config.timeout(Duration::from_millis(ms));
        }
        Ok(self.redis_rate_limit(config))
    }

    #[cfg(not(feature = "redis"))]
    fn redis_from_vars(
        self,
        _url: &str,
        _get: impl Fn(&'static str) -> Option<String>,
    ) -> Result<Self, Error> {
        Err(Error::Config {
            setting: "rate limit",
            message: format!(
                "{ENV_RATE_LIMIT_REDIS_URL} is set, but integrator-io was built without \
                 its `redis` feature"
            ),
        })
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
    /// API's `429`s are left to the retry policy. A shared limit set with
    /// `redis_rate_limit` (the `redis` feature) is then unused.
    pub fn no_rate_limit(mut self) -> Self {
        self.rate_limit = None;
        self
    }

    /// Keeps the rate limit in Redis, shared by every process (and every client) that
    /// uses the same Redis for the same account, instead of in this process alone. The
    /// bucket's shape is the client's [`rate_limit`](Self::rate_limit) (default
    /// [`RateLimit::DEFAULT`]). A `429` seen by any of them pauses all of them until
    /// its `Retry-After` has passed. Needs the `redis` feature and a tokio runtime;
    /// `INTEGRATOR_RATE_LIMIT_REDIS_URL` sets it from the environment.
    ///
    /// ```
    /// use integrator_io::{Client, RedisFailMode, RedisRateLimit};
    ///
    /// let client = Client::builder()
    ///     .token("my-api-token")
    ///     // Several replicas of one service share the account's bucket; Redis out of
    ///     // reach: each falls back on a quarter of it.
    ///     .redis_rate_limit(
    ///         RedisRateLimit::new("redis://127.0.0.1:6379")?
    ///             .fail_mode(RedisFailMode::Open)
    ///             .fallback_rate_limit(integrator_io::RateLimit::new(247, 75)?),
    ///     )
    ///     .build()?;
    /// # Ok::<(), integrator_io::Error>(())
    /// ```
    #[cfg(feature = "redis")]
    pub fn redis_rate_limit(mut self, redis: RedisRateLimit) -> Self {
        self.redis = Some(redis);
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
        let http = crate::tls::select(reqwest::Client::builder())?
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
        let authorization = token.authorization()?;
        #[cfg(feature = "redis")]
        let limiter = match (self.rate_limit, self.redis) {
            (Some(limit), Some(redis)) => {
                let account = crate::rate_limit::AccountSource {
                    region: region_of(base_url.as_str()),
                    ashare_id: ashare_id.clone(),
                    http: http.clone(),
                    token_info_url: format!("{}/tokenInfo", base_url.as_str()),
                    authorization: authorization.clone(),
                };
                Some(Limiter::shared(limit, redis, account)?)
            }
            (limit, _) => limit.map(Limiter::new),
        };
        #[cfg(not(feature = "redis"))]
        let limiter = self.rate_limit.map(Limiter::new);
        let context = ClientContext {
            shared: Arc::new(Shared {
                authorization,
                ashare_id,
                netsuite_restlet: None,
                limiter,
                retry: self.retry,
                allow_masked_secrets: false,
                allow_insecure_http: self.allow_insecure_http,
            }),
        };
        Ok(Client::new_with_client(base_url.as_str(), http, context))
    }
}

/// The API's host and port, standing for the region in the shared limiter's key.
#[cfg(feature = "redis")]
fn region_of(base_url: &str) -> String {
    url::Url::parse(base_url)
        .ok()
        .and_then(|url| {
            let host = url.host_str()?.to_string();
            Some(match url.port() {
                Some(port) => format!("{host}:{port}"),
                None => host,
            })
        })
        .unwrap_or_else(|| base_url.to_string())
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

#[cfg(all(test, not(feature = "redis")))]
mod tests {
    use super::*;

    #[test]
    fn a_redis_url_without_the_redis_feature_is_refused_not_ignored() {
        let result = ClientBuilder::from_vars(|name| match name {
            ENV_RATE_LIMIT_REDIS_URL => Some("redis://:hunter2@127.0.0.1:6379".into()),
            _ => None,
        });
        match result {
            Err(Error::Config { message, .. }) => {
                assert!(message.contains("`redis` feature"), "{message}");
                assert!(!message.contains("hunter2"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }
}
