//! The in-process bucket: governor's GCRA, shared by every clone of a client.

use std::sync::Arc;
use std::time::{Duration, Instant};

use governor::{DefaultDirectRateLimiter, Quota};

use super::RateLimit;

/// One process's bucket.
#[derive(Clone)]
pub(crate) struct LocalLimiter {
    bucket: Arc<DefaultDirectRateLimiter>,
}

impl LocalLimiter {
    /// A full bucket of `limit`'s shape.
    pub(crate) fn new(limit: RateLimit) -> LocalLimiter {
        let quota = Quota::per_second(limit.per_second).allow_burst(limit.burst);
        LocalLimiter {
            bucket: Arc::new(DefaultDirectRateLimiter::direct(quota)),
        }
    }

    /// Waits for one request's token; answers how long it waited.
    pub(crate) async fn acquire(&self) -> Duration {
        let started = Instant::now();
        self.bucket.until_ready().await;
        started.elapsed()
    }
}

#[cfg(feature = "redis")]
impl LocalLimiter {
    /// Takes a token without waiting when one is there, so that this bucket follows
    /// what the process sent while another limiter (Redis) decided: should it become
    /// the fallback, it does not start with a full burst on top of that.
    pub(crate) fn take_if_free(&self) {
        let _ = self.bucket.check();
    }
}
