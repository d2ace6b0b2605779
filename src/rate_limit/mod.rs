//! The client-side rate limiter: the API's documented leaky bucket (a burst of 1000
//! requests, refilled at 300 per second), shared by every clone of a client, and with
//! the `redis` feature by every process of an account.
//!
//! - [`local`]: the in-process bucket (governor's GCRA), the default;
//! - `redis`: the same arithmetic in Redis, one script call per request;
//! - `redis_config`: [`RedisRateLimit`], its settings.

mod local;
#[cfg(feature = "redis")]
mod redis;
#[cfg(feature = "redis")]
mod redis_config;

use std::fmt;
use std::num::NonZeroU32;
#[cfg(feature = "redis")]
use std::sync::Arc;
use std::time::Duration;

use local::LocalLimiter;
#[cfg(feature = "redis")]
pub(crate) use redis::AccountSource;
#[cfg(feature = "redis")]
pub use redis_config::{RedisFailMode, RedisRateLimit};

/// How fast a client may send: a bucket of `burst` requests refilled at `per_second`.
///
/// Every clone of a client, and every client made from it with
/// [`Client::with_ashare_id`](crate::Client::with_ashare_id) and the like, draws from the
/// same bucket, so concurrent tasks together stay under the limit. A request waits for
/// a token before it is sent; a retry draws a token again.
///
/// ```
/// use integrator_io::{Client, RateLimit};
///
/// // The documented rate is the default; a stricter one for a shared account:
/// let client = Client::builder()
///     .token("my-api-token")
///     .rate_limit(RateLimit::new(100, 30)?)
///     .build()?;
/// // Or none at all (the API's own 429s and the retry policy still apply):
/// let unlimited = Client::builder().token("my-api-token").no_rate_limit().build()?;
/// # Ok::<(), integrator_io::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    burst: NonZeroU32,
    per_second: NonZeroU32,
}

impl RateLimit {
    /// The client's default: the documented rate (300 per second) with 10 requests of
    /// the burst held back (990 at once). The API's bucket starts counting when the
    /// first request reaches it, a little after the client's limiter started, and later
    /// requests may travel faster than the first; with the exact documented shape the
    /// client then sends a request a few milliseconds before the API has refilled for
    /// it and gets a `429` (measured: one per run of `benches/rate_limit_utilization.rs`).
    /// The 10 held back absorb 33 ms of such skew, cost 33 ms once, and leave the
    /// sustained rate unchanged.
    pub const DEFAULT: RateLimit = RateLimit {
        burst: NonZeroU32::new(990).unwrap(),
        per_second: NonZeroU32::new(300).unwrap(),
    };

    /// The documented bucket: 1000 requests at once, refilled at 300 per second.
    pub const DOCUMENTED: RateLimit = RateLimit {
        burst: NonZeroU32::new(1000).unwrap(),
        per_second: NonZeroU32::new(300).unwrap(),
    };

    /// A bucket of `burst` requests refilled at `per_second`; both must be above zero.
    pub fn new(burst: u32, per_second: u32) -> Result<RateLimit, crate::Error> {
        match (NonZeroU32::new(burst), NonZeroU32::new(per_second)) {
            (Some(burst), Some(per_second)) => Ok(RateLimit { burst, per_second }),
            _ => Err(crate::Error::Config {
                setting: "rate limit",
                message: format!("burst ({burst}) and rate ({per_second}/s) must be above zero"),
            }),
        }
    }

    /// The bucket's size.
    pub fn burst(&self) -> u32 {
        self.burst.get()
    }

    /// The refill rate, in requests per second.
    pub fn per_second(&self) -> u32 {
        self.per_second.get()
    }
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit::DEFAULT
    }
}

/// Why a request was not sent: the shared limiter could not be used and the client is
/// set to fail closed. The message never holds the Redis password.
#[derive(Clone, Debug)]
#[cfg_attr(not(feature = "redis"), allow(dead_code))] // Made by the Redis limiter only.
pub(crate) struct Refused(pub(crate) String);

/// A client's limiter: the in-process bucket, or the bucket in Redis shared by every
/// process of the account (with the in-process one as its fallback). Cheap to clone;
/// clones share the bucket.
#[derive(Clone)]
pub(crate) struct Limiter {
    limit: RateLimit,
    local: LocalLimiter,
    #[cfg(feature = "redis")]
    shared: Option<Arc<redis::SharedLimiter>>,
}

impl Limiter {
    /// The in-process limiter alone.
    pub(crate) fn new(limit: RateLimit) -> Limiter {
        Limiter {
            limit,
            local: LocalLimiter::new(limit),
            #[cfg(feature = "redis")]
            shared: None,
        }
    }

    /// The limiter shared in Redis, falling back on an in-process one as `config` says.
    #[cfg(feature = "redis")]
    pub(crate) fn shared(
        limit: RateLimit,
        config: RedisRateLimit,
        account: redis::AccountSource,
    ) -> Result<Limiter, crate::Error> {
        let fallback = config.fallback_limit().unwrap_or(limit);
        let shared = redis::SharedLimiter::new(limit, config, account)?;
        Ok(Limiter {
            limit,
            local: LocalLimiter::new(fallback),
            shared: Some(Arc::new(shared)),
        })
    }

    /// Waits for one request's turn; answers how long it waited, or why the request
    /// must not be sent.
    pub(crate) async fn acquire(&self) -> Result<Duration, Refused> {
        #[cfg(feature = "redis")]
        if let Some(shared) = &self.shared {
            return shared.acquire(&self.local).await;
        }
        Ok(self.local.acquire().await)
    }

    /// The API answered `429`: with the shared limiter, every process of the account
    /// pauses until `retry_after` has passed (1 s when the answer named no time).
    pub(crate) async fn rate_limited(&self, retry_after: Option<Duration>) {
        #[cfg(feature = "redis")]
        if let Some(shared) = &self.shared {
            shared.pause(retry_after).await;
        }
        #[cfg(not(feature = "redis"))]
        let _ = retry_after;
    }
}

impl fmt::Debug for Limiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut f = f.debug_struct("Limiter");
        f.field("limit", &self.limit);
        #[cfg(feature = "redis")]
        f.field("shared", &self.shared);
        f.finish()
    }
}
