//! [`RedisRateLimit`]: where the shared bucket lives and what to do when Redis cannot
//! be reached.

use std::fmt;
use std::time::Duration;

use super::RateLimit;
use crate::Error;

/// What a client does when Redis cannot be reached or answers too slowly.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RedisFailMode {
    /// Fall back on the in-process limiter (logged once per outage as a warning) and
    /// send; back to Redis as soon as it answers again. The default.
    #[default]
    Open,
    /// Send nothing: the request fails with
    /// [`Error::RateLimiterUnavailable`](crate::Error::RateLimiterUnavailable).
    Closed,
}

impl std::str::FromStr for RedisFailMode {
    type Err = Error;

    /// `open` or `closed` (any case).
    fn from_str(text: &str) -> Result<Self, Error> {
        match text.trim().to_ascii_lowercase().as_str() {
            "open" => Ok(RedisFailMode::Open),
            "closed" => Ok(RedisFailMode::Closed),
            other => Err(Error::Config {
                setting: "Redis fail mode",
                message: format!("{other:?} is neither `open` nor `closed`"),
            }),
        }
    }
}

/// A rate limit shared by every process that uses the same Redis and the same key: the
/// client's [`RateLimit`] (by default the documented bucket less a margin) kept in Redis
/// instead of in the process, so that several processes acting for one account
/// together stay under the API's bucket. Needs the `redis` feature and a tokio runtime.
///
/// The bucket is keyed by the API's host (the region) and the account: the
/// [`key`](Self::key) given, or else the token's user as `GET /tokenInfo` answers it
/// (asked once per client) with the client's default account share. A `429` seen by
/// any of the processes pauses all of them until its `Retry-After` has passed.
///
/// The URL may hold a password (`redis://:secret@host:6379/0`); it never appears in
/// `Debug` output, logs or errors.
///
/// ```
/// use std::time::Duration;
/// use integrator_io::{Client, RedisFailMode, RedisRateLimit};
///
/// let client = Client::builder()
///     .token("my-api-token")
///     .redis_rate_limit(
///         RedisRateLimit::new("redis://:secret@10.0.0.5:6379/0")?
///             .key("acme-production")
///             .fail_mode(RedisFailMode::Closed)
///             .timeout(Duration::from_millis(150)),
///     )
///     .build()?;
/// assert!(!format!("{client:?}").contains("secret"));
/// # Ok::<(), integrator_io::Error>(())
/// ```
#[derive(Clone)]
pub struct RedisRateLimit {
    url: url::Url,
    key: Option<String>,
    fail_mode: RedisFailMode,
    timeout: Duration,
    reconnect_every: Duration,
    fallback: Option<RateLimit>,
}

impl RedisRateLimit {
    /// How long one call to Redis may take by default before the fail mode applies.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(200);

    /// How often, at most, a client tries to reach Redis again after it failed.
    pub const DEFAULT_RECONNECT_EVERY: Duration = Duration::from_millis(1000);

    /// The Redis at `url`: `redis://[[user]:password@]host[:port][/db]` or
    /// `redis+unix:///path/to/socket`. Fails open by default, after
    /// [`DEFAULT_TIMEOUT`](Self::DEFAULT_TIMEOUT).
    pub fn new(url: &str) -> Result<RedisRateLimit, Error> {
        let parsed = url::Url::parse(url.trim()).map_err(|e| Error::Config {
            setting: "Redis URL",
            // The parser's message never repeats the URL.
            message: format!("not a URL: {e}"),
        })?;
        let supported = match parsed.scheme() {
            "redis" => parsed.host_str().is_some_and(|host| !host.is_empty()),
            "redis+unix" | "unix" => !parsed.path().is_empty(),
            _ => false,
        };
        if !supported {
            return Err(Error::Config {
                setting: "Redis URL",
                message: format!(
                    "{} is not a redis:// URL with a host or a redis+unix:// socket path \
                     (TLS, rediss://, is not supported)",
                    redacted(&parsed)
                ),
            });
        }
        Ok(RedisRateLimit {
            url: parsed,
            key: None,
            fail_mode: RedisFailMode::Open,
            timeout: Self::DEFAULT_TIMEOUT,
            reconnect_every: Self::DEFAULT_RECONNECT_EVERY,
            fallback: None,
        })
    }

    /// The account's name in Redis: every process given the same key (and the same
    /// region) shares one bucket. Without one, the account is derived from the token's
    /// `GET /tokenInfo` answer (its `_userId`) and the client's account share.
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into()).filter(|k| !k.trim().is_empty());
        self
    }

    /// What to do when Redis cannot be reached (default [`RedisFailMode::Open`]).
    pub fn fail_mode(mut self, mode: RedisFailMode) -> Self {
        self.fail_mode = mode;
        self
    }

    /// How long connecting and one call to Redis may take before the fail mode applies
    /// (default [`DEFAULT_TIMEOUT`](Self::DEFAULT_TIMEOUT), 200 ms).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How often, at most, to try reaching Redis again after it failed (default
    /// [`DEFAULT_RECONNECT_EVERY`](Self::DEFAULT_RECONNECT_EVERY), 1 s). Meanwhile
    /// requests do not wait for Redis: they fall back or fail at once.
    pub fn reconnect_every(mut self, every: Duration) -> Self {
        self.reconnect_every = every;
        self
    }

    /// The in-process limit used while Redis is out of reach, in fail-open mode
    /// (default: the client's [`RateLimit`]). With N processes sharing an account, a
    /// fallback of 1/N of the bucket keeps them together under it during an outage.
    pub fn fallback_rate_limit(mut self, limit: RateLimit) -> Self {
        self.fallback = Some(limit);
        self
    }

    /// The configured key, if any.
    pub fn configured_key(&self) -> Option<&str> {
        self.key.as_deref()
    }

    /// The fail mode.
    pub fn configured_fail_mode(&self) -> RedisFailMode {
        self.fail_mode
    }

    /// The timeout of one call to Redis.
    pub fn configured_timeout(&self) -> Duration {
        self.timeout
    }

    pub(crate) fn url(&self) -> &url::Url {
        &self.url
    }

    pub(crate) fn reconnect_interval(&self) -> Duration {
        self.reconnect_every
    }

    pub(crate) fn fallback_limit(&self) -> Option<RateLimit> {
        self.fallback
    }

    /// Checks the durations (both above zero).
    pub(crate) fn checked(self) -> Result<Self, Error> {
        if self.timeout.is_zero() {
            return Err(Error::Config {
                setting: "Redis timeout",
                message: "the timeout must be longer than zero".into(),
            });
        }
        Ok(self)
    }

    /// The secrets of the URL, to scrub from any text that might repeat them: the
    /// password as written and percent-decoded.
    pub(crate) fn secrets(&self) -> Vec<String> {
        let Some(password) = self.url.password().filter(|p| !p.is_empty()) else {
            return Vec::new();
        };
        let mut secrets = vec![password.to_string()];
        if let Ok(decoded) = percent_decode(password) {
            if decoded != password && !decoded.is_empty() {
                secrets.push(decoded);
            }
        }
        secrets
    }
}

impl fmt::Debug for RedisRateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisRateLimit")
            .field("url", &redacted(&self.url))
            .field("key", &self.key)
            .field("fail_mode", &self.fail_mode)
            .field("timeout", &self.timeout)
            .field("reconnect_every", &self.reconnect_every)
            .field("fallback", &self.fallback)
            .finish()
    }
}

/// The URL with its password (if any) replaced by `***`.
pub(crate) fn redacted(url: &url::Url) -> String {
    let mut shown = url.clone();
    if url.password().is_some() {
        // Fails only for URLs that cannot have a password; those have none.
        let _ = shown.set_password(Some("***"));
    }
    shown.to_string()
}

/// `%xx` escapes decoded as UTF-8.
fn percent_decode(text: &str) -> Result<String, ()> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).map_err(|_| ())?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| ())?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_is_never_shown() {
        let config = RedisRateLimit::new("redis://user:s%40cret@127.0.0.1:6379/0").unwrap();
        let shown = format!("{config:?}");
        assert!(
            !shown.contains("s%40cret") && !shown.contains("s@cret"),
            "{shown}"
        );
        assert!(shown.contains("127.0.0.1:6379"), "{shown}");
        assert_eq!(
            config.secrets(),
            vec!["s%40cret".to_string(), "s@cret".into()]
        );
        let err = RedisRateLimit::new("rediss://:hunter2@example.com").unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }

    #[test]
    fn urls_and_modes_are_checked() {
        assert!(RedisRateLimit::new("redis://127.0.0.1").is_ok());
        assert!(RedisRateLimit::new("redis+unix:///run/redis.sock").is_ok());
        assert!(RedisRateLimit::new("http://127.0.0.1").is_err());
        assert!(RedisRateLimit::new("not a url").is_err());
        assert_eq!(
            "Closed".parse::<RedisFailMode>().unwrap(),
            RedisFailMode::Closed
        );
        assert!("sometimes".parse::<RedisFailMode>().is_err());
        assert!(percent_decode("%zz").is_err());
        assert_eq!(percent_decode("50%").unwrap(), "50%");
    }
}
